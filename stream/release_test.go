package stream

import (
	"fmt"
	"github.com/protoxmpp/protoxmpp/jid"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

const testServerHeader = `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='s1' version='1.0'>`

// drain returns the elements Next gives until it needs input.
func drain(t *testing.T, s *Stream) []stanza.Element {
	t.Helper()
	var els []stanza.Element
	for ev := s.Next(); ev.Kind != EventNone; ev = s.Next() {
		switch ev.Kind {
		case EventOpen:
		case EventElement:
			els = append(els, ev.Element)
		default:
			t.Fatalf("unexpected event %v: %v", ev.Kind, ev.Err)
		}
	}
	return els
}

// TestDecoderReleased checks that a Stream waiting for input holds no
// Decoder (nor, through it, the last element's text), and that the
// elements it returned stay intact when the Decoder is used again for
// other input, by this Stream or another.
func TestDecoderReleased(t *testing.T) {
	s := New(Config{})
	other := New(Config{})
	for _, x := range []*Stream{s, other} {
		x.Open(Header{To: "example.com"})
		x.Feed([]byte(testServerHeader))
		drain(t, x)
	}
	first := `<message from='romeo@example.net/orchard' id='m1'><body>` + strings.Repeat("wherefore ", 100) + `</body></message>`
	s.Feed([]byte(first))
	els := drain(t, s)
	if s.dec != nil {
		t.Error("the Stream holds a Decoder while it waits for input")
	}
	if len(els) != 1 {
		t.Fatalf("got %d elements, want 1", len(els))
	}
	for i, x := range []*Stream{other, s, other} {
		x.Feed([]byte(`<message from='nurse@example.com/h' id='n` + string(rune('0'+i)) + `'><body>` + strings.Repeat("anon ", 300) + `</body></message>`))
		if got := drain(t, x); len(got) != 1 || got[0].(*xmpp.Message).ID != "n"+string(rune('0'+i)) {
			t.Fatalf("decode %d: got %v", i, got)
		}
	}
	b, err := stanza.Marshal(els[0])
	if err != nil {
		t.Fatal(err)
	}
	want := `<message xmlns='jabber:client' from='romeo@example.net/orchard' id='m1'><body>` + strings.Repeat("wherefore ", 100) + `</body></message>`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("first element after the Decoder was reused (-want +got):\n%s", diff)
	}
}

// TestOutputBufferBounded checks that Output keeps a small buffer for the
// next element and drops one that a large element left, and that the slice
// it returned stays valid either way.
func TestOutputBufferBounded(t *testing.T) {
	for _, tc := range []struct {
		name     string
		body     int
		wantKept bool
	}{
		{"small element, buffer kept", 100, true},
		{"large element, buffer dropped", 64 << 10, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New(Config{})
			s.Open(Header{To: "example.com"})
			s.Output()
			m := &xmpp.Message{To: jid.Raw("romeo@example.net"), Body: []xmpp.Body{{Value: strings.Repeat("x", tc.body)}}}
			if err := s.Send(m); err != nil {
				t.Fatal(err)
			}
			out := s.Output()
			want := string(out)
			if kept := cap(s.out) > 0; kept != tc.wantKept {
				t.Errorf("buffer of %d bytes kept = %v, want %v", cap(out), kept, tc.wantKept)
			}
			if cap(s.out) > maxKeptOutput {
				t.Errorf("kept a buffer of %d bytes, want at most %d", cap(s.out), maxKeptOutput)
			}
			if err := s.Send(&xmpp.Message{To: jid.Raw("nurse@example.com"), Body: []xmpp.Body{{Value: "next"}}}); err != nil {
				t.Fatal(err)
			}
			// A kept buffer is reused, as Output documents; a dropped
			// one belongs to the caller.
			if !tc.wantKept && string(out) != want {
				t.Error("the output returned changed with the next element")
			}
			if !strings.Contains(string(s.Output()), "next") {
				t.Error("the next element is not in the output")
			}
		})
	}
}

// TestRecycle reads stanzas with varied payloads twice, once handing each
// element back with Recycle as soon as it is encoded, once keeping them:
// both give the same elements, and recycling reuses their memory.
func TestRecycle(t *testing.T) {
	payloads := []string{
		`<body>hi &amp; bye</body>`,
		`<x xmlns='jabber:x:data' type='form'><field var='a'><value>1</value></field></x>`,
		`<active xmlns='http://jabber.org/protocol/chatstates'/>`,
		`<unknown xmlns='urn:example:u' a='1'><k/></unknown><body>two</body>`,
		`<thread>t1</thread><delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'/>`,
		``,
	}
	var in strings.Builder
	for i := range 60 {
		in.WriteString(`<message from='a@example.com/r' id='m` + string(rune('a'+i%26)) + `'>` + payloads[i%len(payloads)] + payloads[(i/3)%len(payloads)] + `</message>`)
	}
	run := func(recycle bool) (out []string, first stanza.Element) {
		s := New(Config{})
		s.Open(Header{To: "example.com"})
		s.Feed([]byte(testServerHeader + in.String()))
		for ev := s.Next(); ev.Kind != EventNone; ev = s.Next() {
			if ev.Kind != EventElement {
				continue
			}
			out = append(out, marshalString(t, ev.Element))
			if first == nil {
				first = ev.Element
			}
			if recycle {
				s.Recycle(ev.Element)
			}
		}
		return out, first
	}
	kept, _ := run(false)
	recycled, first := run(true)
	if len(kept) != 60 {
		t.Fatalf("%d elements, want 60", len(kept))
	}
	if diff := cmp.Diff(kept, recycled); diff != "" {
		t.Errorf("recycled elements differ (-kept +recycled):\n%s", diff)
	}
	if got := first.(*xmpp.Message).ID; got == "ma" {
		t.Errorf("the first message, recycled, was not decoded into again (id %q)", got)
	}
}

// TestKeptElementsOutliveFeeds keeps every element of a stream read in
// small chunks and checks, once the whole stream is read, that each still
// encodes as it did when it came: by default the values of the elements
// share chunks, and with Config.Isolate the framer writes its buffer again
// (Framer.ReuseBuffer), so an element must share none of it.
func TestKeptElementsOutliveFeeds(t *testing.T) {
	var in strings.Builder
	in.WriteString(testServerHeader)
	for i := range 300 {
		fmt.Fprintf(&in, `<message from='a@example.com/r%d' id='m%d'><body>%s &amp; more</body><x xmlns='jabber:x:data' type='form'><field var='f%d'><value>%d</value><value>v</value></field></x></message>`, i, i, strings.Repeat("z", i%53), i, i)
	}
	data := []byte(in.String())
	for _, isolate := range []bool{false, true} {
		s := New(Config{Isolate: isolate})
		s.Open(Header{To: "example.com"})
		type kept struct {
			el   stanza.Element
			want string
		}
		var els []kept
		for off, i := 0, 0; off < len(data); i++ {
			n := min(1+(i*29)%300, len(data)-off)
			s.Feed(data[off : off+n])
			off += n
			for ev := s.Next(); ev.Kind != EventNone; ev = s.Next() {
				if ev.Kind != EventElement {
					continue
				}
				els = append(els, kept{ev.Element, marshalString(t, ev.Element)})
			}
		}
		if len(els) != 300 {
			t.Fatalf("isolate %v: %d elements, want 300 (%v)", isolate, len(els), s.Err())
		}
		for i, k := range els {
			if got := marshalString(t, k.el); got != k.want {
				t.Fatalf("isolate %v: element %d changed once more was fed: %s, was %s", isolate, i, got, k.want)
			}
		}
	}
}

// marshalString returns el encoded.
func marshalString(t *testing.T, el stanza.Element) string {
	t.Helper()
	b, err := stanza.Marshal(el)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
