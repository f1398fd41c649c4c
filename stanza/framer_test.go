package stanza

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// frFrame is one frame as a test records it, with the framer's state right
// after Next returned it.
type frFrame struct {
	Kind   FrameKind
	Data   string
	Depth  int
	Offset int64
}

// frResult is everything a run of the framer over one input produced.
type frResult struct {
	Frames   []frFrame
	Err      string // the full error text: kind, offset, line, column, message
	Offset   int64
	Buffered string
}

// frRun feeds chunks to a new Framer, calling Next until FrameNone after
// each, and records what it returns.
func frRun(lim Limits, chunks ...[]byte) (frResult, error) {
	return frRunReuse(lim, false, chunks...)
}

// frRunReuse is frRun with Framer.ReuseBuffer set to reuse: each frame is
// copied before the next Feed, as ReuseBuffer requires.
func frRunReuse(lim Limits, reuse bool, chunks ...[]byte) (frResult, error) {
	f := NewFramer(lim)
	f.ReuseBuffer(reuse)
	var r frResult
	for _, c := range chunks {
		f.Feed(c)
		for {
			k, b := f.Next()
			if k == FrameNone {
				break
			}
			r.Frames = append(r.Frames, frFrame{Kind: k, Data: string(b), Depth: f.Depth(), Offset: f.Offset()})
		}
	}
	err := f.Err()
	if err != nil {
		r.Err = err.Error()
	}
	r.Offset = f.Offset()
	r.Buffered = string(f.Buffered())
	return r, err
}

// frSplits returns the ways every test input is fed: whole, in two chunks
// split at every byte boundary, and one byte at a time.
func frSplits(in []byte) (names []string, chunkings [][][]byte) {
	names = append(names, "whole")
	chunkings = append(chunkings, [][]byte{in})
	for i := 1; i < len(in); i++ {
		names = append(names, fmt.Sprintf("split at %d", i))
		chunkings = append(chunkings, [][]byte{in[:i], in[i:]})
	}
	bytewise := make([][]byte, len(in))
	for i := range in {
		bytewise[i] = in[i : i+1]
	}
	names = append(names, "byte at a time")
	chunkings = append(chunkings, bytewise)
	return names, chunkings
}

// frRunAll runs the framer over in fed whole and fed in every chunking of
// frSplits, checks they all agree (STYLE habit 17) and that the frames are
// the input consumed, and returns the result of the whole input.
func frRunAll(t *testing.T, lim Limits, in []byte) (frResult, error) {
	t.Helper()
	want, wantErr := frRun(lim, in)
	frCheckConsumed(t, in, want, wantErr)
	names, chunkings := frSplits(in)
	failures := 0
	for i, chunks := range chunkings {
		for _, reuse := range []bool{false, true} {
			if i == 0 && !reuse {
				continue // want
			}
			got, _ := frRunReuse(lim, reuse, chunks...)
			if got.Err != "" {
				// Feed discards the chunks after an error: compare what was
				// buffered when it struck only for the whole input.
				got.Buffered = want.Buffered
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s, ReuseBuffer(%v): result differs from whole input (-whole +split):\n%s", names[i], reuse, diff)
				if failures++; failures > 3 {
					t.FailNow()
				}
			}
		}
	}
	return want, wantErr
}

// frCheckConsumed checks that the frames concatenated are the input up to
// Offset, and without an error that Buffered is the rest.
func frCheckConsumed(t *testing.T, in []byte, r frResult, err error) {
	t.Helper()
	var cat strings.Builder
	for _, fr := range r.Frames {
		cat.WriteString(fr.Data)
	}
	if int64(cat.Len()) != r.Offset || cat.String() != string(in[:min(len(in), cat.Len())]) {
		t.Errorf("frames concatenated (%d bytes) are not the input up to Offset %d", cat.Len(), r.Offset)
	}
	if err == nil && r.Buffered != string(in[r.Offset:]) {
		t.Errorf("Buffered = %q, want %q", r.Buffered, in[r.Offset:])
	}
}

// frFrames builds expected frames, filling in Depth and Offset.
func frFrames(pairs ...any) []frFrame {
	var out []frFrame
	var off int64
	depth := 0
	for i := 0; i < len(pairs); i += 2 {
		k := pairs[i].(FrameKind)
		d := pairs[i+1].(string)
		switch k {
		case FrameOpen:
			depth = 1
		case FrameClose:
			depth = 0
		}
		off += int64(len(d))
		out = append(out, frFrame{Kind: k, Data: d, Depth: depth, Offset: off})
	}
	return out
}

const frStreamOpen = `<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>`

func TestFramerFrames(t *testing.T) {
	ws4k := strings.Repeat(" \n", 2048)
	tests := []struct {
		name string
		lim  Limits
		in   string
		want []frFrame
	}{{
		name: "empty",
		in:   "",
	}, {
		name: "decl and root only",
		in:   `<?xml version='1.0'?>` + frStreamOpen,
		want: frFrames(FrameDecl, `<?xml version='1.0'?>`, FrameOpen, frStreamOpen),
	}, {
		name: "decl with double quotes and encoding",
		in:   `<?xml version="1.0" encoding="UTF-8"?><stream:stream>`,
		want: frFrames(FrameDecl, `<?xml version="1.0" encoding="UTF-8"?>`, FrameOpen, `<stream:stream>`),
	}, {
		name: "whole client session",
		in: `<?xml version='1.0'?>` + "\n" + frStreamOpen +
			`<iq type='get' id='1'><query xmlns='jabber:iq:roster'/></iq>` +
			` ` +
			`<message to='bob@localhost' type='chat'><body>a &lt; b &amp;&amp; c > d</body></message>` +
			"\n\t" +
			`<presence/>` +
			`</stream:stream>` + "\r\n",
		want: frFrames(
			FrameDecl, `<?xml version='1.0'?>`,
			FrameText, "\n",
			FrameOpen, frStreamOpen,
			FrameElement, `<iq type='get' id='1'><query xmlns='jabber:iq:roster'/></iq>`,
			FrameText, ` `,
			FrameElement, `<message to='bob@localhost' type='chat'><body>a &lt; b &amp;&amp; c > d</body></message>`,
			FrameText, "\n\t",
			FrameElement, `<presence/>`,
			FrameClose, `</stream:stream>`,
		),
	}, {
		name: "trailing whitespace after close waits for more",
		in:   `<s></s>  `,
		want: frFrames(FrameOpen, `<s>`, FrameClose, `</s>`),
	}, {
		name: "empty root",
		in:   `<stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>`,
		want: frFrames(FrameOpen, `<stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>`, FrameClose, ``),
	}, {
		name: "whitespace before root",
		in:   " \r\n\t<s>",
		want: frFrames(FrameText, " \r\n\t", FrameOpen, "<s>"),
	}, {
		name: "whitespace around tag parts",
		in:   "<s\n a = 'x'\t>\n<a\n/><b ></b\n\t><c x=\"1\"\n/></s >",
		want: frFrames(FrameOpen, "<s\n a = 'x'\t>", FrameText, "\n", FrameElement, "<a\n/>",
			FrameElement, "<b ></b\n\t>", FrameElement, "<c x=\"1\"\n/>", FrameClose, "</s >"),
	}, {
		name: "markup characters inside attribute values",
		in:   `<s><a x='/>' y="'>" z='"&amp;/'/><b x=">"></b></s>`,
		want: frFrames(FrameOpen, `<s>`, FrameElement, `<a x='/>' y="'>" z='"&amp;/'/>`,
			FrameElement, `<b x=">"></b>`, FrameClose, `</s>`),
	}, {
		name: "nesting and mismatched end tags left to the decoder",
		in:   `<s><a><b><c/></b><d>t</d></x></s>`,
		want: frFrames(FrameOpen, `<s>`, FrameElement, `<a><b><c/></b><d>t</d></x>`, FrameClose, `</s>`),
	}, {
		name: "CDATA inside an element",
		in:   `<s><a><![CDATA[<b>]]&]>]]></a></s>`,
		want: frFrames(FrameOpen, `<s>`, FrameElement, `<a><![CDATA[<b>]]&]>]]></a>`, FrameClose, `</s>`),
	}, {
		name: "CDATA between children is text",
		in:   `<s> <![CDATA[x<y]]>z<a/><![CDATA[]]><![CDATA[ ]]></s>`,
		want: frFrames(FrameOpen, `<s>`, FrameText, ` `, FrameText, `<![CDATA[x<y]]>z`,
			FrameElement, `<a/>`, FrameText, `<![CDATA[]]>`, FrameText, `<![CDATA[ ]]>`, FrameClose, `</s>`),
	}, {
		name: "text between children",
		in:   `<s>hello <a/>] ]> ]]</s>`,
		want: frFrames(FrameOpen, `<s>`, FrameText, `hello `, FrameElement, `<a/>`, FrameText, `] ]> ]]`, FrameClose, `</s>`),
	}, {
		name: "entity references left to the decoder",
		in:   `<s>&foo;<a x='&bar;'>&#0;&</a></s>`,
		want: frFrames(FrameOpen, `<s>`, FrameText, `&foo;`, FrameElement, `<a x='&bar;'>&#0;&</a>`, FrameClose, `</s>`),
	}, {
		name: "names with non-ASCII and punctuation",
		in:   "<s><é:ü-1._ x-y.z:é='1'>\u00e9\u2603</é:ü-1._></s>",
		want: frFrames(FrameOpen, `<s>`, FrameElement, "<é:ü-1._ x-y.z:é='1'>\u00e9\u2603</é:ü-1._>", FrameClose, `</s>`),
	}, {
		name: "whitespace cut every 4096 bytes",
		in:   "<s>" + ws4k + ws4k + "  <a/>",
		want: frFrames(FrameOpen, `<s>`, FrameText, ws4k, FrameText, ws4k, FrameText, "  ", FrameElement, "<a/>"),
	}, {
		name: "whitespace cut at MaxElementBytes when smaller",
		lim:  Limits{MaxElementBytes: 8},
		in:   "<s>" + strings.Repeat(" ", 20) + "<a/>",
		want: frFrames(FrameOpen, `<s>`, FrameText, "        ", FrameText, "        ", FrameText, "    ", FrameElement, "<a/>"),
	}, {
		name: "element exactly at MaxElementBytes",
		lim:  Limits{MaxElementBytes: 10},
		in:   "<s><a>xyz</a><b k='v'/>",
		want: frFrames(FrameOpen, `<s>`, FrameElement, `<a>xyz</a>`, FrameElement, `<b k='v'/>`),
	}, {
		name: "limits exactly reached",
		lim:  Limits{MaxDepth: 3, MaxAttrs: 2, MaxNameBytes: 3},
		in:   "<s a='1' b='2'><abc><def ghi='1' jkl='2'/></abc></s>",
		want: frFrames(FrameOpen, `<s a='1' b='2'>`, FrameElement, `<abc><def ghi='1' jkl='2'/></abc>`, FrameClose, `</s>`),
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := frRunAll(t, tt.lim, []byte(tt.in))
			if err != nil {
				t.Fatalf("Err() = %v", err)
			}
			if diff := cmp.Diff(tt.want, got.Frames); diff != "" {
				t.Errorf("frames (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFramerErrors(t *testing.T) {
	tests := []struct {
		name       string
		lim        Limits
		in         string
		wantKind   error
		wantOffset int64
		wantFrames int // frames returned before the error
	}{
		// RFC 6120 section 11: restricted XML.
		{name: "comment before root", in: `<!-- hi --><s>`, wantKind: ErrRestrictedXML, wantOffset: 2},
		{name: "comment between children", in: `<s><a/><!-- hi --><b/>`, wantKind: ErrRestrictedXML, wantOffset: 9, wantFrames: 2},
		{name: "comment inside element", in: `<s><a><!--x--></a></s>`, wantKind: ErrRestrictedXML, wantOffset: 8, wantFrames: 1},
		{name: "comment after root", in: `<s></s><!--x-->`, wantKind: ErrRestrictedXML, wantOffset: 9, wantFrames: 2},
		{name: "processing instruction before root", in: `<?foo bar?><s>`, wantKind: ErrRestrictedXML, wantOffset: 2},
		{name: "processing instruction inside element", in: `<s><a><?foo?></a>`, wantKind: ErrRestrictedXML, wantOffset: 7, wantFrames: 1},
		{name: "processing instruction between children", in: `<s><?foo?>`, wantKind: ErrRestrictedXML, wantOffset: 4, wantFrames: 1},
		{name: "xml-prefixed processing instruction at offset 0", in: `<?xml-stylesheet href='a'?><s>`, wantKind: ErrRestrictedXML, wantOffset: 5},
		{name: "xml name run on at offset 0", in: `<?xmlfoo?><s>`, wantKind: ErrRestrictedXML, wantOffset: 5},
		{name: "XML upper case at offset 0", in: `<?XML version='1.0'?><s>`, wantKind: ErrRestrictedXML, wantOffset: 2},
		{name: "declaration not at offset 0", in: ` <?xml version='1.0'?><s>`, wantKind: ErrRestrictedXML, wantOffset: 2, wantFrames: 1},
		{name: "second declaration", in: `<?xml version='1.0'?><?xml version='1.0'?>`, wantKind: ErrRestrictedXML, wantOffset: 22, wantFrames: 1},
		{name: "declaration inside root", in: `<s><?xml version='1.0'?>`, wantKind: ErrRestrictedXML, wantOffset: 4, wantFrames: 1},
		{name: "DOCTYPE", in: `<?xml version='1.0'?><!DOCTYPE s [<!ENTITY x 'y'>]><s>`, wantKind: ErrRestrictedXML, wantOffset: 23, wantFrames: 1},
		{name: "ELEMENT inside root", in: `<s><!ELEMENT a ANY>`, wantKind: ErrRestrictedXML, wantOffset: 5, wantFrames: 1},
		{name: "bang and space", in: `<s><a><! x></a>`, wantKind: ErrRestrictedXML, wantOffset: 8, wantFrames: 1},

		// Not well-formed.
		{name: "text before root", in: `hello<s>`, wantKind: ErrNotWellFormed, wantOffset: 0},
		{name: "text after whitespace before root", in: "\n x<s>", wantKind: ErrNotWellFormed, wantOffset: 2},
		{name: "text after decl", in: `<?xml version='1.0'?>x<s>`, wantKind: ErrNotWellFormed, wantOffset: 21, wantFrames: 1},
		{name: "byte order mark", in: "\uFEFF<s>", wantKind: ErrNotWellFormed, wantOffset: 0},
		{name: "text after root", in: "<s></s>\n x", wantKind: ErrNotWellFormed, wantOffset: 9, wantFrames: 2},
		{name: "second root", in: `<s></s><s>`, wantKind: ErrNotWellFormed, wantOffset: 8, wantFrames: 2},
		{name: "second root after empty root", in: `<s/> <s>`, wantKind: ErrNotWellFormed, wantOffset: 6, wantFrames: 3},
		{name: "end tag before root", in: `</s>`, wantKind: ErrNotWellFormed, wantOffset: 1},
		{name: "end tag after root", in: `<s></s></s>`, wantKind: ErrNotWellFormed, wantOffset: 8, wantFrames: 2},
		{name: "CDATA before root", in: `<![CDATA[x]]><s>`, wantKind: ErrNotWellFormed, wantOffset: 2},
		{name: "malformed CDATA", in: `<s><a><![CDAT[x]]></a>`, wantKind: ErrNotWellFormed, wantOffset: 13, wantFrames: 1},
		{name: "malformed CDATA between children", in: `<s><![cdata[`, wantKind: ErrNotWellFormed, wantOffset: 6, wantFrames: 1},
		{name: "less-than then space", in: `<s>< a/>`, wantKind: ErrNotWellFormed, wantOffset: 4, wantFrames: 1},
		{name: "less-than then digit", in: `<s><a><1/></a>`, wantKind: ErrNotWellFormed, wantOffset: 7, wantFrames: 1},
		{name: "less-than then hyphen", in: `<-s>`, wantKind: ErrNotWellFormed, wantOffset: 1},
		{name: "less-than in text", in: `<s><a>1 << 2</a>`, wantKind: ErrNotWellFormed, wantOffset: 9, wantFrames: 1},
		{name: "less-than in attribute value", in: `<s><a x='1<2'/>`, wantKind: ErrNotWellFormed, wantOffset: 10, wantFrames: 1},
		{name: "less-than in root attribute value", in: `<s x="<"/>`, wantKind: ErrNotWellFormed, wantOffset: 6},
		{name: "less-than in start tag", in: `<s><a <b/>`, wantKind: ErrNotWellFormed, wantOffset: 6, wantFrames: 1},
		{name: "bad character in name", in: `<s><a!b/>`, wantKind: ErrNotWellFormed, wantOffset: 5, wantFrames: 1},
		{name: "quote right after name", in: `<s><a'x'/>`, wantKind: ErrNotWellFormed, wantOffset: 5, wantFrames: 1},
		{name: "bad character in start tag", in: `<s><a x='1' & y='2'/>`, wantKind: ErrNotWellFormed, wantOffset: 12, wantFrames: 1},
		{name: "slash not followed by greater-than", in: `<s><a/ >`, wantKind: ErrNotWellFormed, wantOffset: 6, wantFrames: 1},
		{name: "end tag without name", in: `<s><a></ a>`, wantKind: ErrNotWellFormed, wantOffset: 8, wantFrames: 1},
		{name: "end tag with attribute", in: `<s><a></a x='1'>`, wantKind: ErrNotWellFormed, wantOffset: 10, wantFrames: 1},
		{name: "end tag slash", in: `<s><a></a/>`, wantKind: ErrNotWellFormed, wantOffset: 9, wantFrames: 1},
		{name: "CDATA end in element text", in: `<s><a>x]]>y</a>`, wantKind: ErrNotWellFormed, wantOffset: 9, wantFrames: 1},
		{name: "CDATA end in text between children", in: `<s>]]]>`, wantKind: ErrNotWellFormed, wantOffset: 6, wantFrames: 1},
		{name: "CDATA end right after a CDATA section", in: `<s><a><![CDATA[x]]>]]></a>`, wantKind: ErrNotWellFormed, wantOffset: 21, wantFrames: 1},
		{name: "greater-than in XML declaration", in: `<?xml version='1.0'><s>`, wantKind: ErrNotWellFormed, wantOffset: 19},
		{name: "less-than in XML declaration", in: `<?xml version='1.0'<s>`, wantKind: ErrNotWellFormed, wantOffset: 19},

		// Limits.
		{name: "element too large", lim: Limits{MaxElementBytes: 10}, in: `<s><a>0123456789</a>`, wantKind: ErrLimitElementSize, wantOffset: 13, wantFrames: 1},
		{name: "element one byte too large", lim: Limits{MaxElementBytes: 10}, in: `<s><a>xyz </a>`, wantKind: ErrLimitElementSize, wantOffset: 13, wantFrames: 1},
		{name: "element too large in CDATA", lim: Limits{MaxElementBytes: 16}, in: `<s><a><![CDATA[0123456789]]></a>`, wantKind: ErrLimitElementSize, wantOffset: 19, wantFrames: 1},
		{name: "element too large in attribute value", lim: Limits{MaxElementBytes: 10}, in: `<s><a x='0123456789'/>`, wantKind: ErrLimitElementSize, wantOffset: 13, wantFrames: 1},
		{name: "root start tag too large", lim: Limits{MaxElementBytes: 10}, in: `<stream:stream>`, wantKind: ErrLimitElementSize, wantOffset: 10},
		{name: "XML declaration too large", lim: Limits{MaxElementBytes: 10}, in: `<?xml version='1.0'?>`, wantKind: ErrLimitElementSize, wantOffset: 10},
		{name: "end tag too large", lim: Limits{MaxElementBytes: 10}, in: `<s></stream:stream>`, wantKind: ErrLimitElementSize, wantOffset: 13, wantFrames: 1},
		{name: "text too large", lim: Limits{MaxElementBytes: 10}, in: `<s> hello world <a/>`, wantKind: ErrLimitElementSize, wantOffset: 13, wantFrames: 1},
		{name: "CDATA text too large", lim: Limits{MaxElementBytes: 10}, in: `<s><![CDATA[]]>hello<a/>`, wantKind: ErrLimitElementSize, wantOffset: 13, wantFrames: 1},
		{name: "depth", lim: Limits{MaxDepth: 3}, in: `<s><a><b><c/></b></a>`, wantKind: ErrLimitDepth, wantOffset: 10, wantFrames: 1},
		{name: "depth of stanza", lim: Limits{MaxDepth: 1}, in: `<s><a/>`, wantKind: ErrLimitDepth, wantOffset: 4, wantFrames: 1},
		{name: "attributes", lim: Limits{MaxAttrs: 2}, in: `<s><a x='1' y='2' z='3'/>`, wantKind: ErrLimitAttrs, wantOffset: 19, wantFrames: 1},
		{name: "attributes on root", lim: Limits{MaxAttrs: 1}, in: `<s xmlns='a' xmlns:s='b'>`, wantKind: ErrLimitAttrs, wantOffset: 20},
		{name: "element name", lim: Limits{MaxNameBytes: 4}, in: `<s><abcde/>`, wantKind: ErrLimitName, wantOffset: 8, wantFrames: 1},
		{name: "root name", lim: Limits{MaxNameBytes: 4}, in: `<stream:stream>`, wantKind: ErrLimitName, wantOffset: 5},
		{name: "end tag name", lim: Limits{MaxNameBytes: 4}, in: `<s><a></abcde>`, wantKind: ErrLimitName, wantOffset: 12, wantFrames: 1},
		{name: "attribute name", lim: Limits{MaxNameBytes: 4}, in: `<s><a abcde='1'/>`, wantKind: ErrLimitName, wantOffset: 10, wantFrames: 1},
		{name: "second attribute name", lim: Limits{MaxNameBytes: 4}, in: `<s><a abcd='1' efghi='2'/>`, wantKind: ErrLimitName, wantOffset: 19, wantFrames: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := frRunAll(t, tt.lim, []byte(tt.in))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Err() = %v, want a *SyntaxError", err)
			}
			if !errors.Is(err, tt.wantKind) || se.Offset != tt.wantOffset {
				t.Errorf("Err() = %v, want kind %q at offset %d", err, tt.wantKind, tt.wantOffset)
			}
			want := newSyntaxError(tt.in, 0, int(se.Offset), se.Kind, se.Msg)
			if se.Line != want.Line || se.Col != want.Col {
				t.Errorf("Err() at line %d column %d, want line %d column %d", se.Line, se.Col, want.Line, want.Col)
			}
			if len(got.Frames) != tt.wantFrames {
				t.Errorf("%d frames before the error, want %d: %+v", len(got.Frames), tt.wantFrames, got.Frames)
			}
		})
	}
}

// TestFramerSticky checks that an error stays, that Feed then discards
// its input, and that Reset clears the error for a new document.
func TestFramerSticky(t *testing.T) {
	f := NewFramer(Limits{})
	f.Feed([]byte("<s><!--"))
	if k, _ := f.Next(); k != FrameOpen {
		t.Fatalf("Next() = %v, want FrameOpen", k)
	}
	if k, b := f.Next(); k != FrameNone || b != nil {
		t.Fatalf("Next() = %v %q, want FrameNone", k, b)
	}
	err := f.Err()
	if !errors.Is(err, ErrRestrictedXML) {
		t.Fatalf("Err() = %v, want ErrRestrictedXML", err)
	}
	f.Feed([]byte("--><a/>"))
	for range 3 {
		if k, _ := f.Next(); k != FrameNone || f.Err() != err {
			t.Fatalf("Next() = %v, Err() = %v after an error", k, f.Err())
		}
	}
	if got := string(f.Buffered()); got != "<!--" {
		t.Errorf("Buffered() = %q after an error, want %q", got, "<!--")
	}
	f.Reset()
	if f.Err() != nil || f.Offset() != 0 || len(f.Buffered()) != 0 || f.Depth() != 0 {
		t.Fatalf("after Reset: Err %v, Offset %d, Buffered %q, Depth %d", f.Err(), f.Offset(), f.Buffered(), f.Depth())
	}
	f.Feed([]byte(`<?xml version='1.0'?><s>`))
	var kinds []FrameKind
	for k, _ := f.Next(); k != FrameNone; k, _ = f.Next() {
		kinds = append(kinds, k)
	}
	if diff := cmp.Diff([]FrameKind{FrameDecl, FrameOpen}, kinds); diff != "" {
		t.Errorf("after Reset (-want +got):\n%s", diff)
	}
}

// TestFramerZeroValue checks that a zero Framer uses the default limits.
func TestFramerZeroValue(t *testing.T) {
	var f Framer
	f.Feed([]byte("<s><a x='1' y='2'/>"))
	var kinds []FrameKind
	for k, _ := f.Next(); k != FrameNone; k, _ = f.Next() {
		kinds = append(kinds, k)
	}
	if diff := cmp.Diff([]FrameKind{FrameOpen, FrameElement}, kinds); diff != "" || f.Err() != nil {
		t.Errorf("zero Framer (-want +got):\n%s\nErr() = %v", diff, f.Err())
	}
}

// TestFramerLineColumn checks line and column of an error found after the
// buffer was compacted.
func TestFramerLineColumn(t *testing.T) {
	var in strings.Builder
	in.WriteString(frStreamOpen + "\n")
	for range 500 {
		in.WriteString("<message>\n<body>hi</body>\n</message>\n")
	}
	in.WriteString("<message>\n  <body>x]]>")
	data := []byte(in.String())
	f := NewFramer(Limits{})
	for len(data) > 0 {
		n := min(100, len(data))
		f.Feed(data[:n])
		data = data[n:]
		for k, _ := f.Next(); k != FrameNone; k, _ = f.Next() {
		}
	}
	var se *SyntaxError
	if !errors.As(f.Err(), &se) {
		t.Fatalf("Err() = %v", f.Err())
	}
	want := newSyntaxError(in.String(), 0, len(in.String())-1, ErrNotWellFormed, se.Msg)
	if diff := cmp.Diff(*want, *se, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}

// TestFramerBoundedMemory feeds endless input in 4 KiB chunks and checks that
// the framer fails (or keeps framing) without its buffer growing past twice
// the element limit.
func TestFramerBoundedMemory(t *testing.T) {
	const limit = 64 << 10
	tests := []struct {
		name     string
		prefix   string
		fill     byte
		wantKind error // nil: framing goes on for ever
	}{
		{name: "element text", prefix: frStreamOpen + "<message><body>", fill: 'x', wantKind: ErrLimitElementSize},
		{name: "element whitespace", prefix: frStreamOpen + "<message><body>", fill: ' ', wantKind: ErrLimitElementSize},
		{name: "attribute value", prefix: frStreamOpen + "<message to='", fill: 'x', wantKind: ErrLimitElementSize},
		{name: "CDATA", prefix: frStreamOpen + "<message><![CDATA[", fill: ']', wantKind: ErrLimitElementSize},
		{name: "element name", prefix: frStreamOpen + "<message", fill: 'x', wantKind: ErrLimitName},
		{name: "attribute name", prefix: frStreamOpen + "<message ", fill: 'x', wantKind: ErrLimitName},
		{name: "start tag whitespace", prefix: frStreamOpen + "<message ", fill: ' ', wantKind: ErrLimitElementSize},
		{name: "root start tag", prefix: "<stream:stream ", fill: ' ', wantKind: ErrLimitElementSize},
		{name: "text between children", prefix: frStreamOpen, fill: 'x', wantKind: ErrLimitElementSize},
		{name: "whitespace between children", prefix: frStreamOpen, fill: ' '},
		{name: "whitespace before root", fill: '\n'},
		{name: "whitespace after root", prefix: "<s></s>", fill: '\t'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := NewFramer(Limits{MaxElementBytes: limit})
			chunk := bytes.Repeat([]byte{tt.fill}, 4096)
			f.Feed([]byte(tt.prefix))
			total := len(tt.prefix)
			var text int64
			for total < 10<<20 {
				f.Feed(chunk)
				total += len(chunk)
				for {
					k, b := f.Next()
					if k == FrameNone {
						break
					}
					if k == FrameText {
						text += int64(len(b))
						if len(b) > frMaxText {
							t.Fatalf("FrameText of %d bytes", len(b))
						}
					}
				}
				if c := cap(f.buf); c >= 2*limit {
					t.Fatalf("buffer capacity %d after %d bytes", c, total)
				}
			}
			if !errors.Is(f.Err(), tt.wantKind) || (tt.wantKind == nil) != (f.Err() == nil) {
				t.Errorf("Err() = %v, want %v", f.Err(), tt.wantKind)
			}
			if tt.wantKind == nil && text < int64(total-len(tt.prefix)-frMaxText) {
				t.Errorf("%d bytes of FrameText out of %d bytes of whitespace", text, total-len(tt.prefix))
			}
		})
	}
	t.Run("nesting depth", func(t *testing.T) {
		f := NewFramer(Limits{MaxElementBytes: limit})
		f.Feed([]byte(frStreamOpen))
		chunk := []byte(strings.Repeat("<a>", 4096/3))
		for range (10 << 20) / len(chunk) {
			f.Feed(chunk)
			for k, _ := f.Next(); k != FrameNone; k, _ = f.Next() {
			}
		}
		if !errors.Is(f.Err(), ErrLimitDepth) || cap(f.buf) >= 2*limit {
			t.Errorf("Err() = %v, buffer capacity %d", f.Err(), cap(f.buf))
		}
	})
}

// frDoc is one stream document from a transcript: the chunks one direction
// sent between two stream restarts.
type frDoc struct {
	name   string
	dir    string // "C->S" or "S->C"
	chunks [][]byte
}

func (d frDoc) bytes() []byte { return bytes.Join(d.chunks, nil) }

// frTranscriptDir is where the captured sessions live, from this package.
const frTranscriptDir = "../../shared/transcripts"

// frTranscripts returns the stream documents of every transcript. See
// the transcripts' README: each chunk is one line after a `<!-- C->S ...
// -->` or `<!-- S->C ... -->` comment, and a stream restarts at each stream
// header.
func frTranscripts(tb testing.TB) []frDoc {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(frTranscriptDir, "*.xml"))
	if len(files) == 0 {
		tb.Skipf("no transcripts in %s", frTranscriptDir)
	}
	var docs []frDoc
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			tb.Fatal(err)
		}
		cur := map[string]int{} // direction -> index in docs of its document
		lines := strings.Split(string(data), "\n")
		for i := 0; i < len(lines); i++ {
			var dir string
			switch {
			case strings.HasPrefix(lines[i], "<!-- C->S "):
				dir = "C->S"
			case strings.HasPrefix(lines[i], "<!-- S->C "):
				dir = "S->C"
			default:
				continue
			}
			i++
			chunk := lines[i]
			j, ok := cur[dir]
			if !ok || strings.HasPrefix(chunk, "<?xml") || strings.HasPrefix(chunk, "<stream:stream") {
				j = len(docs)
				cur[dir] = j
				docs = append(docs, frDoc{name: fmt.Sprintf("%s:%d:%s", filepath.Base(file), i+1, dir), dir: dir})
			}
			docs[j].chunks = append(docs[j].chunks, []byte(chunk))
		}
	}
	return docs
}

// frReference frames doc with encoding/xml's tokenizer, as an independent
// reference for the framer.
func frReference(doc []byte) []frFrame {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	var out []frFrame
	add := func(k FrameKind, from, to int64, depth int) {
		out = append(out, frFrame{Kind: k, Data: string(doc[from:to]), Depth: depth, Offset: to})
	}
	depth := 0
	var elem int64
	for {
		from := d.InputOffset()
		tok, err := d.RawToken()
		if err != nil {
			return out
		}
		to := d.InputOffset()
		switch tok.(type) {
		case xml.ProcInst:
			add(FrameDecl, from, to, 0)
		case xml.StartElement:
			depth++
			switch depth {
			case 1:
				add(FrameOpen, from, to, 1)
			case 2:
				elem = from
			}
		case xml.EndElement:
			depth--
			switch depth {
			case 0:
				add(FrameClose, from, to, 0)
			case 1:
				add(FrameElement, elem, to, 1)
			}
		case xml.CharData:
			if depth <= 1 {
				add(FrameText, from, to, depth)
			}
		}
	}
}

// TestFramerTranscripts frames every stream of the captured sessions. A
// client sends one stanza per write, so each C->S chunk must be one frame; the
// server's chunks are checked against encoding/xml.
func TestFramerTranscripts(t *testing.T) {
	docs := frTranscripts(t)
	for _, doc := range docs {
		t.Run(doc.name, func(t *testing.T) {
			in := doc.bytes()
			got, err := frRunAll(t, Limits{}, in)
			if err != nil {
				t.Fatalf("Err() = %v", err)
			}
			var want []frFrame
			if doc.dir == "C->S" {
				var off int64
				depth := 1
				for _, c := range doc.chunks {
					k := FrameElement
					switch {
					case bytes.HasPrefix(c, []byte("<stream:stream")):
						k = FrameOpen
					case bytes.HasPrefix(c, []byte("</stream:stream")):
						k, depth = FrameClose, 0
					}
					off += int64(len(c))
					want = append(want, frFrame{Kind: k, Data: string(c), Depth: depth, Offset: off})
				}
			} else {
				want = frReference(in)
			}
			if diff := cmp.Diff(want, got.Frames); diff != "" {
				t.Errorf("frames (-want +got):\n%s", diff)
			}
			if got.Buffered != "" {
				t.Errorf("Buffered() = %q at the end of the document", got.Buffered)
			}
		})
	}
}

// TestFramerClientSession spells out the frames of the client's last stream
// in prosody.xml, after SASL: the header, bind, the roster, presence and
// messages, and the closing tag.
func TestFramerClientSession(t *testing.T) {
	var doc frDoc
	for _, d := range frTranscripts(t) {
		if strings.HasPrefix(d.name, "prosody.xml:") && d.dir == "C->S" {
			doc = d // the last one
		}
	}
	in := doc.bytes()
	got, err := frRunAll(t, Limits{}, in)
	if err != nil {
		t.Fatalf("Err() = %v", err)
	}
	var kinds []FrameKind
	for _, fr := range got.Frames {
		kinds = append(kinds, fr.Kind)
	}
	if len(got.Frames) < 10 {
		t.Fatalf("only %d frames", len(got.Frames))
	}
	want := []frFrame{
		{Kind: FrameOpen, Depth: 1, Data: `<stream:stream to='localhost' xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client' xml:lang='en' version='1.0'>`},
		{Kind: FrameElement, Depth: 1, Data: `<iq id="8eae43e08d724e45acea1c92f7ba2237" type="set"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"><resource>peercheck</resource></bind></iq>`},
		{Kind: FrameElement, Depth: 1, Data: `<iq type="get" id="b1edea06ba784f2f9260639d201359f7"><query xmlns="jabber:iq:roster" ver="" /></iq>`},
		{Kind: FrameElement, Depth: 1, Data: `<presence id="6d6afc8938b74c4ca0f9c9c7c12e9971" xml:lang="en"><status>peer_check</status></presence>`},
	}
	first := got.Frames[:len(want)]
	if diff := cmp.Diff(want, first, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Offset" }, cmp.Ignore())); diff != "" {
		t.Errorf("first frames (-want +got):\n%s", diff)
	}
	last := got.Frames[len(got.Frames)-1]
	if diff := cmp.Diff(frFrame{Kind: FrameClose, Data: "</stream:stream>", Depth: 0, Offset: int64(len(in))}, last); diff != "" {
		t.Errorf("last frame (-want +got):\n%s", diff)
	}
	for _, fr := range got.Frames[1 : len(got.Frames)-1] {
		if fr.Kind != FrameElement {
			t.Errorf("frame %v %q between the header and the close, want FrameElement", fr.Kind, fr.Data)
		}
	}
}

// frBenchStream builds a stream of about size bytes: a server header, then
// the stanzas the server sent in the transcripts, repeated.
func frBenchStream(b *testing.B, size int) []byte {
	var stanzas [][]byte
	for _, doc := range frTranscripts(b) {
		if doc.dir != "S->C" {
			continue
		}
		for _, fr := range frReference(doc.bytes()) {
			if fr.Kind == FrameElement {
				stanzas = append(stanzas, []byte(fr.Data))
			}
		}
	}
	out := []byte(`<?xml version='1.0'?>` + frStreamOpen)
	for len(out) < size {
		for _, s := range stanzas {
			out = append(out, s...)
		}
	}
	return append(out, "</stream:stream>"...)
}

func BenchmarkFramer(b *testing.B) {
	in := frBenchStream(b, 10<<20)
	f := NewFramer(Limits{})
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	frames := 0
	for b.Loop() {
		f.Reset()
		for p := in; len(p) > 0; {
			n := min(4096, len(p))
			f.Feed(p[:n])
			p = p[n:]
			for k, _ := f.Next(); k != FrameNone; k, _ = f.Next() {
				frames++
			}
		}
		if f.Err() != nil || f.Depth() != 0 {
			b.Fatalf("Err() = %v, Depth() = %d", f.Err(), f.Depth())
		}
	}
	b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
}

// BenchmarkFramerEncodingXML is the baseline: encoding/xml's RawToken, which
// checks no more than the framer, over the same stream.
func BenchmarkFramerEncodingXML(b *testing.B) {
	in := frBenchStream(b, 10<<20)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	r := bytes.NewReader(in)
	for b.Loop() {
		r.Reset(in)
		d := xml.NewDecoder(r)
		for {
			if _, err := d.RawToken(); err != nil {
				break
			}
		}
	}
}

func ExampleFramer() {
	f := NewFramer(Limits{})
	// Bytes arrive in arbitrary chunks.
	for _, chunk := range []string{
		"<?xml version='1.0'?><stream:stream xmlns='jabber:client' ",
		"xmlns:stream='http://etherx.jabber.org/streams'><message><bo",
		"dy>hi</body></message> <presence/></stream:stream>",
	} {
		f.Feed([]byte(chunk))
		for {
			k, b := f.Next()
			if k == FrameNone {
				break
			}
			fmt.Printf("%-12v depth %d: %q\n", k, f.Depth(), b)
		}
	}
	if err := f.Err(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// FrameDecl    depth 0: "<?xml version='1.0'?>"
	// FrameOpen    depth 1: "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
	// FrameElement depth 1: "<message><body>hi</body></message>"
	// FrameText    depth 1: " "
	// FrameElement depth 1: "<presence/>"
	// FrameClose   depth 0: "</stream:stream>"
}

// A buffer grown for a large element is released once every frame is
// returned, and framing goes on as before.
func TestFramerReleasesBuffer(t *testing.T) {
	f := NewFramer(Limits{})
	f.Feed([]byte("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"))
	if k, _ := f.Next(); k != FrameOpen {
		t.Fatalf("header: %v %v", k, f.Err())
	}
	big := "<message><body>" + strings.Repeat("x", 64<<10) + "</body></message>"
	f.Feed([]byte(big))
	if k, b := f.Next(); k != FrameElement || string(b) != big {
		t.Fatalf("big element: %v %v", k, f.Err())
	}
	if k, _ := f.Next(); k != FrameNone {
		t.Fatalf("after the element: %v", k)
	}
	if c := cap(f.buf); c > frKeepBuf {
		t.Errorf("idle framer keeps a buffer of %d bytes", c)
	}
	if n := len(f.Buffered()); n != 0 {
		t.Fatalf("buffered %d bytes", n)
	}
	off := f.Offset()
	f.Feed([]byte("<presence/>"))
	if k, b := f.Next(); k != FrameElement || string(b) != "<presence/>" {
		t.Fatalf("next element: %v %q %v", k, b, f.Err())
	}
	if want := off + int64(len("<presence/>")); f.Offset() != want {
		t.Errorf("offset %d, want %d", f.Offset(), want)
	}
}

// frMessages is a stream of 400 messages of many sizes.
func frMessages() []byte {
	var doc strings.Builder
	doc.WriteString(frStreamOpen)
	for i := range 400 {
		fmt.Fprintf(&doc, "<message id='m%d'><body>%s</body></message> ", i, strings.Repeat("y", i%97))
	}
	return []byte(doc.String())
}

// TestFramerFramesStayValid keeps every frame returned while a stream is
// fed in reads of many sizes, across a Reset, and checks at the end that
// none was overwritten: frames may be aliased (Decoder.ResetOwned).
func TestFramerFramesStayValid(t *testing.T) {
	in := frMessages()
	f := NewFramer(Limits{})
	type kept struct {
		b    []byte
		want string
	}
	var frames []kept
	for off, i := 0, 0; off < len(in); i++ {
		n := min(1+(i*37)%700, len(in)-off)
		f.Feed(in[off : off+n])
		off += n
		for {
			k, b := f.Next()
			if k == FrameNone {
				break
			}
			frames = append(frames, kept{b, string(b)})
		}
		if i == 50 {
			rest := bytes.Clone(f.Buffered())
			f.Reset()
			f.Feed([]byte(frStreamOpen))
			f.Feed(rest)
		}
	}
	if err := f.Err(); err != nil {
		t.Fatal(err)
	}
	if len(frames) < 800 {
		t.Fatalf("%d frames", len(frames))
	}
	for i, fr := range frames {
		if string(fr.b) != fr.want {
			t.Fatalf("frame %d overwritten: %q, was %q", i, fr.b, fr.want)
		}
	}
}

// TestFramerReuseBuffer feeds a stream in reads of many sizes with
// ReuseBuffer on, copying each frame before the next Feed, and checks that
// the frames are those of a Framer that never writes its buffer again,
// and that once warm the Framer allocates nothing: its buffer is written
// again instead of replaced.
func TestFramerReuseBuffer(t *testing.T) {
	in := frMessages()
	var chunks [][]byte
	for off, i := 0, 0; off < len(in); i++ {
		n := min(1+(i*37)%700, len(in)-off)
		chunks = append(chunks, in[off:off+n])
		off += n
	}
	want, err := frRunReuse(Limits{}, false, chunks...)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := frRunReuse(Limits{}, true, chunks...)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("frames with ReuseBuffer differ (-off +on):\n%s", diff)
	}

	for _, reuse := range []bool{false, true} {
		f := NewFramer(Limits{})
		f.ReuseBuffer(reuse)
		f.Feed([]byte(frStreamOpen))
		drain := func() {
			for k, _ := f.Next(); k != FrameNone; k, _ = f.Next() {
			}
		}
		drain()
		// A stream of one stanza over and over, read in chunks of many
		// sizes: off goes through the repeated stanzas as a reader would.
		one := "<message><body>hello</body></message>"
		stanzas := []byte(strings.Repeat(one, 100))
		i, off := 0, 0
		feed := func() {
			n := 1 + (i*37)%700
			i++
			f.Feed(stanzas[off : off+n])
			off = (off + n) % len(one)
			drain()
		}
		for range 100 {
			feed()
		}
		// AllocsPerRun truncates: 100 feeds a run.
		allocs := testing.AllocsPerRun(20, func() {
			for range 100 {
				feed()
			}
		})
		if reuse && allocs != 0 {
			t.Errorf("ReuseBuffer(true): %.0f allocations per 100 feeds once warm, want 0", allocs)
		}
		if !reuse && allocs == 0 {
			t.Errorf("ReuseBuffer(false): no allocation in 100 feeds: the buffer of frames returned was written again")
		}
		if err := f.Err(); err != nil {
			t.Fatal(err)
		}
	}
}
