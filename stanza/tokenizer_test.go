package stanza

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const tkStreamHeader = `<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>`

// tkEndless is an input that never ends: head, then fill repeated forever.
type tkEndless struct {
	head, fill string
}

// read fills p with the next bytes of the input, from offset off.
func (e tkEndless) read(p []byte, off int) {
	for i := range p {
		o := off + i
		if o < len(e.head) {
			p[i] = e.head[o]
		} else {
			p[i] = e.fill[(o-len(e.head))%len(e.fill)]
		}
	}
}

// TestTokenizerBoundedMemory feeds 20 MB of an element that never ends, in
// chunks of 4 KiB (and of an odd size, so that chunk boundaries fall
// everywhere in the fill pattern), and checks that the Tokenizer stops it at
// Limits.MaxElementBytes with ErrLimitElementSize, that it hands out no
// token of it, and that memory stays bounded: the heap allocated while
// feeding (garbage included) and the heap still live afterwards each grow by
// far less than the input, since after the error Feed discards its input.
// A whitespace keepalive flood is not an error, and must stay bounded too.
func TestTokenizerBoundedMemory(t *testing.T) {
	const (
		total    = 20 << 20
		maxElem  = 64 << 10
		maxGrow  = 4 << 20
		errAfter = maxElem + len(tkStreamHeader) + 4096 // the limit must bite this early
	)
	tests := []struct {
		name    string
		in      tkEndless
		wantErr error // nil: no error, the input is legal forever
	}{
		{"text in a stanza", tkEndless{tkStreamHeader + "<message><body>", "All work and no play. "}, ErrLimitElementSize},
		{"attribute value", tkEndless{tkStreamHeader + "<message id='", "0123456789abcdef"}, ErrLimitElementSize},
		{"CDATA section", tkEndless{tkStreamHeader + "<message><body><![CDATA[", "]]]]<>&"}, ErrLimitElementSize},
		{"nested elements", tkEndless{tkStreamHeader + "<message>", "<x>t</x>"}, ErrLimitElementSize},
		{"text between stanzas", tkEndless{tkStreamHeader + "<presence/>", "junk "}, ErrLimitElementSize},
		{"whitespace keepalives", tkEndless{tkStreamHeader + "<presence/>", " \n\t \r\n"}, nil},
	}
	for _, tt := range tests {
		for _, chunk := range []int{4096, 4093} {
			t.Run(fmt.Sprintf("%s/chunk %d", tt.name, chunk), func(t *testing.T) {
				tk := NewTokenizer(Limits{MaxElementBytes: maxElem})
				p := make([]byte, chunk)
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				var starts, fed int
				errAt := -1
				for fed < total {
					tt.in.read(p, fed)
					tk.Feed(p)
					fed += len(p)
					for {
						k := tk.Next()
						if k == None {
							break
						}
						if k == StartElement {
							starts++
						}
					}
					if errAt < 0 && tk.Err() != nil {
						errAt = fed
					}
				}
				runtime.ReadMemStats(&after)
				allocated := after.TotalAlloc - before.TotalAlloc
				runtime.GC()
				runtime.ReadMemStats(&after)
				live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
				runtime.KeepAlive(tk)

				if tt.wantErr == nil {
					if err := tk.Err(); err != nil {
						t.Fatalf("Err() = %v after %d bytes, want none", err, errAt)
					}
				} else {
					if err := tk.Err(); !errors.Is(err, tt.wantErr) {
						t.Fatalf("Err() = %v, want %v", err, tt.wantErr)
					}
					if errAt > errAfter {
						t.Errorf("error only after %d bytes, want within %d", errAt, errAfter)
					}
					// The root and, for "text between stanzas", the one
					// complete <presence/>: nothing of the endless element.
					if want := 1 + strings.Count(tt.in.head, "<presence/>"); starts != want {
						t.Errorf("%d StartElement tokens, want %d", starts, want)
					}
					if allocated > maxGrow {
						t.Errorf("allocated %d bytes while feeding %d, want at most %d", allocated, total, maxGrow)
					}
				}
				if live > maxGrow {
					t.Errorf("live heap grew by %d bytes after feeding %d, want at most %d", live, total, maxGrow)
				}
				t.Logf("error after %d bytes; allocated %d bytes, live heap %+d bytes", errAt, allocated, live)
			})
		}
	}
}

// tkStanzas returns a stream header followed by n small stanzas of several
// shapes (with whitespace keepalives between some), without the stream's
// end tag.
func tkStanzas(n int) []byte {
	var b bytes.Buffer
	b.WriteString(tkStreamHeader)
	for i := range n {
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "<message to='juliet@example.com' id='m%d' type='chat'><body>Hello &amp; welcome, #%d</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>", i, i)
		case 1:
			fmt.Fprintf(&b, "<presence from='romeo@example.net/orchard' id='p%d'><show>away</show><priority>%d</priority></presence>", i, i%128)
		case 2:
			fmt.Fprintf(&b, "<iq type='get' id='i%d'><query xmlns='jabber:iq:roster'/></iq>\n", i)
		case 3:
			fmt.Fprintf(&b, "<presence id='e%d'/> ", i)
		case 4:
			fmt.Fprintf(&b, "<r xmlns='urn:xmpp:sm:3'/><message id='c%d'><body><![CDATA[<not a tag>]]></body></message>", i)
		}
	}
	return b.Bytes()
}

// TestTokenizerManyStanzas feeds 10,000 small stanzas in 4 KiB chunks and
// counts the StartElement tokens at depth 2 (the stanzas; the root is depth
// 1): exactly one per stanza, none lost or doubled at chunk boundaries.
func TestTokenizerManyStanzas(t *testing.T) {
	const n = 10000
	in := tkStanzas(n)
	want := n + n/5 // every fifth iteration writes two top-level elements
	if len(in) < 200*4096 {
		t.Fatalf("input only %d bytes, want it to span hundreds of chunks", len(in))
	}
	for _, chunk := range []int{4096, 4093} {
		tk := NewTokenizer(Limits{})
		got, roots := 0, 0
		for off := 0; off < len(in); off += chunk {
			tk.Feed(in[off:min(off+chunk, len(in))])
			for {
				k := tk.Next()
				if k == None {
					break
				}
				if k == StartElement {
					switch tk.Depth() {
					case 1:
						roots++
					case 2:
						got++
					}
				}
			}
			if err := tk.Err(); err != nil {
				t.Fatalf("chunk %d: offset %d: %v", chunk, off, err)
			}
		}
		if got != want || roots != 1 {
			t.Errorf("chunk %d: %d StartElement tokens at depth 2 and %d at depth 1, want %d and 1", chunk, got, roots, want)
		}
		tk.Feed([]byte("</stream:stream>"))
		if k := tk.Next(); k != EndElement || tk.Name().Local != "stream" || tk.Depth() != 0 {
			t.Errorf("chunk %d: at the root end tag, Next() = %v %v at depth %d, want EndElement stream at depth 0", chunk, k, tk.Name(), tk.Depth())
		}
	}
}

// TestTokenizerManyStanzasSplit feeds the start of the same stream split in
// two at every byte boundary (habit 17): the tokens are those of the whole.
func TestTokenizerManyStanzasSplit(t *testing.T) {
	in := tkStanzas(10)
	whole, err := tokenizerDump([][]byte{in})
	if err != nil {
		t.Fatal(err)
	}
	for cut := 1; cut < len(in); cut++ {
		got, err := tokenizerDump([][]byte{in[:cut], in[cut:]})
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if diff := cmp.Diff(whole, got); diff != "" {
			t.Fatalf("cut at %d (-whole +chunked):\n%s", cut, diff)
		}
	}
}

// TestTokenizerDepth checks Depth at every token, with the input whole and
// split in two at every byte boundary.
func TestTokenizerDepth(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{
			"stream",
			"<?xml version='1.0'?> " + tkStreamHeader + "<message><body>hi</body></message> <presence/></stream:stream>\n",
			[]string{"CharData 0", "StartElement 1", "StartElement 2", "StartElement 3", "CharData 3", "EndElement 2", "EndElement 1",
				"CharData 1", "StartElement 2", "EndElement 1", "EndElement 0"},
		},
		{
			"empty root",
			"<stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>",
			[]string{"StartElement 1", "EndElement 0"},
		},
	}
	run := func(chunks ...string) ([]string, error) {
		tk := NewTokenizer(Limits{})
		var out []string
		for _, c := range chunks {
			tk.Feed([]byte(c))
			for k := tk.Next(); k != None; k = tk.Next() {
				out = append(out, fmt.Sprintf("%v %d", k, tk.Depth()))
			}
			if err := tk.Err(); err != nil {
				return out, err
			}
		}
		return out, nil
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for cut := 0; cut <= len(tt.in); cut++ {
				got, err := run(tt.in[:cut], tt.in[cut:])
				if err != nil {
					t.Fatalf("cut at %d: %v", cut, err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Fatalf("cut at %d (-want +got):\n%s", cut, diff)
				}
			}
		})
	}
}
