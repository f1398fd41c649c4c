package all_test

import (
	"bytes"
	"sync"
	"testing"

	"github.com/protoxmpp/protoxmpp/stanza"
)

// TestUnmarshalAllocs pins what the README's calls cost: Unmarshal into a
// reused value allocates no more than a reused Decoder does (the copy of
// the stanza, shared by a few), DecodeBytes its values, Marshal its
// result only, and AppendMarshal into a slice with room nothing.
func TestUnmarshalAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops values at random under the race detector")
	}
	for _, c := range benchCases {
		data := readBench(t, c.file)
		v := c.ours()
		unmarshal := func() {
			if err := stanza.Unmarshal(data, v); err != nil {
				t.Fatal(err)
			}
		}
		unmarshal()
		if n := testing.AllocsPerRun(100, unmarshal); n > 1 {
			t.Errorf("%s: Unmarshal: %.0f allocations, want at most 1", c.name, n)
		}
		// DecodeBytes: the values it makes, and nothing for its Decoder.
		var d stanza.Decoder
		fresh := testing.AllocsPerRun(100, func() {
			d.ResetBytes(data, 0, nil)
			d.Next()
			stanza.DecodeElement(&d)
		})
		if n := testing.AllocsPerRun(100, func() { stanza.DecodeBytes(data) }); n > fresh {
			t.Errorf("%s: DecodeBytes: %.0f allocations, want %.0f as DecodeElement on a reused Decoder", c.name, n, fresh)
		}
		out, err := stanza.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if n := testing.AllocsPerRun(100, func() { stanza.Marshal(v) }); n != 1 {
			t.Errorf("%s: Marshal: %.0f allocations, want 1", c.name, n)
		}
		buf := make([]byte, 0, 2*len(out))
		if n := testing.AllocsPerRun(100, func() { buf, _ = stanza.AppendMarshal(buf[:0], v) }); n != 0 {
			t.Errorf("%s: AppendMarshal: %.0f allocations, want 0", c.name, n)
		}
		if !bytes.Equal(buf, out) {
			t.Errorf("%s: AppendMarshal wrote\n%s\nMarshal\n%s", c.name, buf, out)
		}
	}
}

// TestUnmarshalShared decodes the mix with Unmarshal, DecodeBytes and
// ResetBytes on a Decoder reading input after input, from several
// goroutines at once, each writing over its input as soon as a decode
// returns, into values it keeps; then every value must encode as a
// decode of its own, on a Decoder and Encoder of its own, does. The
// pooled Decoders and Encoders pass between the goroutines, and a
// reused Decoder copies input after input into shared memory: no value
// may share memory that a later call writes.
func TestUnmarshalShared(t *testing.T) {
	mix, _, _ := mixCorpus(t)
	want := make([][]byte, len(mix))
	for i, m := range mix {
		var d stanza.Decoder
		d.ResetBytesIsolated(m.data, 0, nil)
		d.Next()
		v := mixOurs(m.slot)
		if err := v.DecodeXMPP(&d); err != nil {
			t.Fatal(err)
		}
		e := stanza.NewEncoder(nil)
		v.EncodeXMPP(e)
		want[i] = e.Bytes()
	}
	const workers = 4
	got := make([][]stanza.Element, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var buf []byte
			var d stanza.Decoder // a Decoder of its own, reading input after input
			for i, m := range mix {
				if i%workers != w && (i+1)%workers != w {
					continue // two workers per stanza
				}
				buf = append(buf[:0], m.data...)
				v := mixOurs(m.slot)
				var err error
				switch i % 3 {
				case 0:
					v, err = stanza.DecodeBytes(buf)
				case 1:
					err = stanza.Unmarshal(buf, v)
				default:
					d.ResetBytes(buf, 0, nil)
					d.Next()
					err = v.DecodeXMPP(&d)
				}
				if err != nil {
					t.Errorf("%s: %v", m.data, err)
					return
				}
				for k := range buf {
					buf[k] = 'X'
				}
				got[w] = append(got[w], v)
			}
		})
	}
	wg.Wait()
	for w := range workers {
		k := 0
		for i := range mix {
			if i%workers != w && (i+1)%workers != w {
				continue
			}
			out, err := stanza.Marshal(got[w][k])
			k++
			if err != nil {
				t.Fatalf("%s: %v", mix[i].data, err)
			}
			if !bytes.Equal(out, want[i]) {
				t.Fatalf("worker %d, stanza %d: encodes as\n%s\nwant\n%s", w, i, out, want[i])
			}
		}
	}
}

func mixOurs(slot int) stanza.Element {
	_, ours := mixValues(slot)
	return ours
}
