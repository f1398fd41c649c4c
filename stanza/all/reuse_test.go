package all_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

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
