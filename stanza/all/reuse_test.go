package all_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/protoxmpp/protoxmpp/internal/xmltest"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// TestReuseMatchesFresh decodes every stanza of the mix into one reused
// value per kind on one reused Decoder, in three orders, so that each
// stanza lands on payloads, optional children, raw elements and order
// buffers recycled from others. Each result must equal a fresh decode
// (empty and nil slices aside) and encode to the same bytes.
func TestReuseMatchesFresh(t *testing.T) {
	mix, _, _ := mixCorpus(t)
	n := len(mix)
	orders := map[string]func(i int) int{
		"forward":     func(i int) int { return i },
		"backward":    func(i int) int { return n - 1 - i },
		"interleaved": func(i int) int { return (i * 7919) % n },
	}
	for name, at := range orders {
		t.Run(name, func(t *testing.T) {
			var d stanza.Decoder
			vals := [3]stanza.Element{new(xmpp.Message), new(xmpp.Presence), new(xmpp.IQ)}
			for i := range 2 * n {
				m := mix[at(i%n)]
				d.ResetBytes(m.data, 0, nil)
				d.Next()
				v := vals[m.slot]
				if err := v.DecodeXMPP(&d); err != nil {
					t.Fatalf("%s: %v", m.data, err)
				}
				if i < n && i%5 != 0 {
					continue // the second pass checks everything
				}
				fresh, err := stanza.DecodeBytes(m.data)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(fresh, v, cmpopts.EquateEmpty()); diff != "" {
					t.Fatalf("%s\ndecoded into a reused value (-fresh +reused):\n%s", m.data, diff)
				}
				want, err := stanza.Marshal(fresh)
				if err != nil {
					t.Fatal(err)
				}
				got, err := stanza.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != string(want) {
					t.Fatalf("%s\nencodes as\n%s\nafter a fresh decode, as\n%s\nafter a reused one", m.data, want, got)
				}
			}
		})
	}
}

// FuzzReuse decodes arbitrary input into a value that earlier decodes on
// the same Decoder filled from corpus stanzas of the same element (so
// that it holds payloads, optional children, raw elements and orders to
// recycle), and checks that the value encodes exactly as a fresh decode
// of the input does.
func FuzzReuse(f *testing.F) {
	byName := map[stanza.Name][][]byte{}
	for _, s := range xmltest.Corpus(f, "../../testdata/corpus") {
		f.Add(s.XML)
		if el, _, err := decodeFirst(s.XML); err == nil && el != nil {
			n := el.ElementName()
			byName[n] = append(byName[n], s.XML)
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		fresh, elem, err := decodeFirst(in)
		if err != nil || fresh == nil {
			return
		}
		if _, raw := fresh.(*stanza.RawElement); raw {
			return
		}
		want, err := stanza.Marshal(fresh)
		if err != nil {
			return // FuzzGenerated's concern
		}
		var d stanza.Decoder
		v := reflect.New(reflect.TypeOf(fresh).Elem()).Interface().(stanza.Element)
		prevs := byName[fresh.ElementName()]
		if len(prevs) > 6 { // a few, picked by the input
			k := len(in) % (len(prevs) - 5)
			prevs = prevs[k : k+6]
		}
		for i, prev := range append(prevs[:len(prevs):len(prevs)], elem) {
			d.ResetBytes(prev, 0, nil)
			for d.Next() == stanza.CharData {
			}
			if d.Kind() != stanza.StartElement || d.Name() != fresh.ElementName() && i < len(prevs) {
				continue
			}
			if err := v.DecodeXMPP(&d); err != nil {
				t.Fatalf("decode %d into a reused value: %v\ninput: %q", i, err, prev)
			}
		}
		got, err := stanza.Marshal(v)
		if err != nil {
			t.Fatalf("reused value does not encode: %v\ninput: %q", err, elem)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("decoded into a reused value, the input encodes as\n%s\nfresh, as\n%s", got, want)
		}
	})
}
