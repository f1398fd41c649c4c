package stanza

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestEncSkip checks the word-wide scans against a byte loop, for every
// length, start and position of a byte that needs work: they stop at or
// before the first such byte (a control character the text may keep
// stops them too), never before the start.
func TestEncSkip(t *testing.T) {
	naive := func(tab *[256]uint8, s string, i int) int {
		for ; i < len(s); i++ {
			if tab[s[i]] != encSafe {
				break
			}
		}
		return i
	}
	for n := 0; n < 40; n++ {
		for _, c := range []byte{'&', '<', '>', '\'', '"', '\n', '\t', 0x01, 0xC3, 'a'} {
			for at := -1; at < n; at++ {
				b := []byte(strings.Repeat("x", n))
				if at >= 0 {
					b[at] = c
				}
				if at >= 2 {
					b[at-2] = '&' // a byte needing work before it
				}
				s := string(b)
				for from := 0; from <= n; from++ {
					if got, want := encSkipAttr(s, from), naive(&encAttrTab, s, from); got != want {
						t.Fatalf("encSkipAttr(%q, %d) = %d, want %d", s, from, got, want)
					}
					if got, want := encSkipText(s, from), naive(&encTextTab, s, from); got > want || got < from || got < want && s[got] >= 0x20 {
						t.Fatalf("encSkipText(%q, %d) = %d, want %d", s, from, got, want)
					}
				}
				buf, got := encCopyAttr([]byte("<a b='"), s)
				if want := naive(&encAttrTab, s, 0); got != want || string(buf) != "<a b='"+s[:want] {
					t.Fatalf("encCopyAttr(%q) = %q, %d, want %d", s, buf, got, want)
				}
				// AttrQuoted copies as encCopyAttr does, written out: it
				// writes what AttrTrusted does, from buffers of any room.
				for _, room := range []int{0, 9, n + 8, n + 30} {
					quoted, trusted := NewEncoder(make([]byte, 0, room)), NewEncoder(nil)
					quoted.Start("urn:t", "a")
					quoted.AttrQuoted(" b='", s)
					trusted.Start("urn:t", "a")
					trusted.AttrTrusted("b", s)
					if string(quoted.Bytes()) != string(trusted.Bytes()) || (quoted.Err() == nil) != (trusted.Err() == nil) {
						t.Fatalf("AttrQuoted(%q) wrote %q (%v), AttrTrusted %q (%v)", s, quoted.Bytes(), quoted.Err(), trusted.Bytes(), trusted.Err())
					}
				}
			}
		}
	}
	// A byte that needs work just before the start, followed by one that a
	// borrow from it could flag by mistake ("# after ", ?= after <>).
	for n := 1; n < 20; n++ {
		for _, pair := range []string{`"#`, "<?", ">=", "&'", "\x00\x01"} {
			for from := 1; from < n; from++ {
				b := []byte(strings.Repeat("x", n))
				copy(b[from-1:], pair)
				s := string(b[:n])
				if got, want := encSkipAttr(s, from), naive(&encAttrTab, s, from); got != want {
					t.Fatalf("encSkipAttr(%q, %d) = %d, want %d", s, from, got, want)
				}
				if got, want := encSkipText(s, from), naive(&encTextTab, s, from); got > want || got < from || got < want && s[got] >= 0x20 {
					t.Fatalf("encSkipText(%q, %d) = %d, want %d", s, from, got, want)
				}
			}
		}
	}
}

// TestAttrQuoted writes attributes with their name given as written:
// values escaped, bad characters refused, and the name recorded, so that
// the same name written again is refused.
func TestAttrQuoted(t *testing.T) {
	e := NewEncoder(nil)
	e.Start("urn:t", "a")
	e.AttrQuoted(" id='", "x<'y")
	e.AttrQuoted(" to='", "b@c")
	e.End()
	if got, want := string(e.Bytes()), `<a xmlns='urn:t' id='x&lt;&apos;y' to='b@c'/>`; got != want || e.Err() != nil {
		t.Fatalf("got %s (%v), want %s", got, e.Err(), want)
	}
	e.Reset(nil)
	e.Start("urn:t", "a")
	e.AttrQuoted(" id='", "1")
	e.Attr("id", "2")
	if !errors.Is(e.Err(), ErrEncode) {
		t.Fatalf("duplicate attribute not refused: %v", e.Err())
	}
	e.Reset(nil)
	e.Start("urn:t", "a")
	e.AttrQuoted(" id='", "\x01")
	if !errors.Is(e.Err(), ErrInvalidUTF8) || !strings.Contains(e.Err().Error(), "attribute id") {
		t.Fatalf("bad character: %v", e.Err())
	}
}

// TestBase64Writers checks that base64 values written into the buffer are
// what FormatBase64 gives, in text and in attributes, for every length
// around the 3-byte groups.
func TestBase64Writers(t *testing.T) {
	for n := range 12 {
		b := []byte(strings.Repeat("\xff\x00z", 4)[:n])
		e := NewEncoder(nil)
		e.Start("urn:t", "a")
		e.AttrBase64(" k='", b)
		e.TextBase64(b)
		e.End()
		want := "<a xmlns='urn:t' k='" + FormatBase64(b) + "'"
		if n == 0 {
			want += "/>"
		} else {
			want += ">" + FormatBase64(b) + "</a>"
		}
		if got := string(e.Bytes()); got != want || e.Err() != nil {
			t.Fatalf("%d bytes: %s (%v), want %s", n, got, e.Err(), want)
		}
	}
}

// TestSyncAttrs checks that the attributes read back from the open start
// tag are the ones written on it, declarations left out, whatever their
// values hold, and that a later start tag starts afresh.
func TestSyncAttrs(t *testing.T) {
	e := NewEncoder([]byte("<x a='1'>")) // output given to the encoder is not a tag of its own
	e.Start("urn:t", "a")
	e.AttrQuoted(" id='", "x='y' b:c='d'")
	e.DeclareNS("p", "urn:p")
	e.AttrNS("urn:p", "k", "v=1")
	e.Attr("to", "")
	e.syncAttrs()
	var got []string
	for _, a := range e.attrs {
		got = append(got, string(a.prefix(e.buf))+"|"+string(a.local(e.buf)))
	}
	if want := "|id,p|k,|to"; strings.Join(got, ",") != want {
		t.Fatalf("attributes %q, want %s", got, want)
	}
	e.Attr("from", "a")
	e.AttrNS("urn:p", "j", "")
	for _, dup := range []func(*Encoder){
		func(e *Encoder) { e.Attr("from", "b") },
		func(e *Encoder) { e.Attr("id", "b") },
		func(e *Encoder) { e.AttrNS("urn:p", "k", "b") },
	} {
		c := *e
		c.attrs = append([]encAttr(nil), e.attrs...)
		c.buf = append([]byte(nil), e.buf...)
		c.stack = append([]encElem(nil), e.stack...)
		c.ns = append([]NSBinding(nil), e.ns...)
		dup(&c)
		if !errors.Is(c.Err(), ErrEncode) {
			t.Fatalf("duplicate not refused: %s", c.Bytes())
		}
	}
	e.Start("urn:t", "b") // a child: the records of <a> are stale
	e.Attr("id", "1")
	e.Attr("from", "1")
	e.End()
	e.Attr("x", "1") // no start tag open
	if e.Err() == nil {
		t.Fatal("attribute with no open start tag accepted")
	}
	e.Reset(nil)
	e.Start("urn:t", "a")
	e.Attr("id", "1")
	e.Start("urn:t", "b")
	e.Attr("id", "2")
	e.AttrQuoted(" to='", "3")
	e.Attr("from", "4")
	e.End()
	e.End()
	if want := `<a xmlns='urn:t' id='1'><b id='2' to='3' from='4'/></a>`; string(e.Bytes()) != want || e.Err() != nil {
		t.Fatalf("got %s (%v), want %s", e.Bytes(), e.Err(), want)
	}
}

// TestQuotedStarts writes elements with their tags given as written, in
// the default namespace and out of it, with text to escape and bad text.
func TestQuotedStarts(t *testing.T) {
	e := NewEncoder(nil)
	e.Start("urn:t", "a")
	e.StartQuoted("urn:t", "<b")
	e.AttrQuoted(" k='", "v")
	e.ElementQuoted("urn:t", "<c>", "</c>", "x<y")
	e.ElementQuoted("urn:t", "<d>", "</d>", "")
	e.ElementQuoted("urn:u", "<e>", "</e>", "z")
	e.StartQuoted("urn:u", "<f")
	e.End()
	e.End()
	e.End()
	want := `<a xmlns='urn:t'><b k='v'><c>x&lt;y</c><d/><e xmlns='urn:u'>z</e><f xmlns='urn:u'/></b></a>`
	if got := string(e.Bytes()); got != want || e.Err() != nil {
		t.Fatalf("got %s (%v), want %s", got, e.Err(), want)
	}
	e.Reset(nil)
	e.Start("urn:t", "a")
	e.ElementQuoted("urn:t", "<c>", "</c>", "x\x01")
	if !errors.Is(e.Err(), ErrInvalidUTF8) || !strings.Contains(e.Err().Error(), "<c>") {
		t.Fatalf("bad text: %v", e.Err())
	}
}

// TestStartDeclared writes the same documents with StartDeclared and with
// StartQuoted: in the default namespace, out of it, where a prefix is bound
// to the namespace, nested, and after an element that declared one ends.
func TestStartDeclared(t *testing.T) {
	write := func(declared bool) string {
		e := NewEncoder(nil)
		start := func(space, local string) {
			if declared {
				e.StartDeclared(space, "<"+local, "<"+local+" xmlns='"+space+"'")
			} else {
				e.StartQuoted(space, "<"+local)
			}
			e.AttrQuoted(" k='", local)
		}
		e.SetScope([]NSBinding{{Prefix: "p", Space: "urn:p"}})
		start("urn:t", "a") // declares urn:t
		start("urn:t", "b") // in the default namespace
		start("urn:u", "c") // declares urn:u
		start("urn:u", "d") // in it
		e.End()
		start("urn:v", "e") // declares urn:v inside urn:u
		e.Text("x")
		e.End()
		e.End()
		start("urn:p", "f") // bound to prefix p: p:f, nothing declared
		e.End()
		start("urn:u", "g") // urn:u again, after c ended
		start("urn:t", "h") // back to urn:t, declared again inside urn:u
		e.End()
		e.End()
		e.End()
		e.End()
		if e.Err() != nil {
			t.Fatalf("declared=%v: %v", declared, e.Err())
		}
		return string(e.Bytes())
	}
	got, want := write(true), write(false)
	if got != want {
		t.Fatalf("StartDeclared wrote\n%s\nStartQuoted\n%s", got, want)
	}
	if !strings.Contains(want, "<p:f k='f'/>") || !strings.Contains(want, "<h xmlns='urn:t' k='h'/>") {
		t.Fatalf("unexpected document %s", want)
	}
}

// TestEndTag closes elements of names of every length, prefixed or not,
// with text inside or nothing, from buffers of any room: End copies a
// short name in one word from the start tag, a longer one byte by byte.
func TestEndTag(t *testing.T) {
	for n := 1; n <= 20; n++ {
		local := strings.Repeat("n", n-1) + "z"
		for _, prefix := range []string{"", "p"} {
			for _, text := range []string{"", "x", "some text"} {
				for _, room := range []int{0, 4, 16, 64} {
					e := NewEncoder(make([]byte, 0, room))
					qname := local
					if prefix != "" {
						e.StartPrefixed(prefix, "urn:t", local)
						qname = prefix + ":" + local
					} else {
						e.Start("urn:t", local)
					}
					e.Text(text)
					e.End()
					want := "<" + qname + " xmlns='urn:t'/>"
					if prefix != "" {
						want = "<" + qname + " xmlns:p='urn:t'/>"
					}
					if text != "" {
						want = strings.TrimSuffix(want, "/>") + ">" + text + "</" + qname + ">"
					}
					if got := string(e.Bytes()); got != want || e.Err() != nil {
						t.Fatalf("wrote %q (%v), want %q", got, e.Err(), want)
					}
				}
			}
		}
	}
}

// TestResetClearsBindings checks that Reset leaves no namespace binding
// behind in the Encoder's memory, however far its stack of bindings
// reached and was cut back (an element's end, a shorter scope), so that a
// reused Encoder keeps no string of an earlier output alive.
func TestResetClearsBindings(t *testing.T) {
	e := NewEncoder(nil)
	e.SetScope([]NSBinding{{Prefix: "a", Space: "urn:a"}, {Prefix: "b", Space: "urn:b"}, {Prefix: "c", Space: "urn:c"}})
	e.SetScope([]NSBinding{{Prefix: "d", Space: "urn:d"}})
	for i := range 6 {
		e.StartDeclared(fmt.Sprintf("urn:n%d", i), "<x", fmt.Sprintf("<x xmlns='urn:n%d'", i))
	}
	for range 4 {
		e.End()
	}
	e.StartPrefixed("p", "urn:p", "y")
	e.End()
	if e.Err() != nil {
		t.Fatal(e.Err())
	}
	e.Reset(nil)
	for i, b := range e.ns[:cap(e.ns)] {
		if b != (NSBinding{}) {
			t.Fatalf("binding %d left after Reset: %+v", i, b)
		}
	}
}
