package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/protoxmpp/protoxmpp/internal/xmltest"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/streams"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// result is what one in-process run of the command gave.
type result struct {
	stdout, stderr string
	code           int
}

// runXMPP runs the command in-process with stdin and no environment.
func runXMPP(t *testing.T, stdin io.Reader, args ...string) result {
	t.Helper()
	return runXMPPEnv(t, stdin, nil, args...)
}

func runXMPPEnv(t *testing.T, stdin io.Reader, environ map[string]string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb bytes.Buffer
	code := run(ctx, args, stdin, &out, &errb, func(k string) string { return environ[k] })
	return result{out.String(), errb.String(), code}
}

// lines splits output into its lines, without the final newline.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// streamScope is what a stanza cut from a client stream inherits.
var streamScope = map[string]string{"": "jabber:client", "stream": streams.NS}

// children splits a stream document with encoding/xml, the reference, into
// the bytes and offsets of the root's children.
func children(t *testing.T, doc []byte) (elems [][]byte, offsets []int64) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	depth := 0
	var start int64
	for {
		before := d.InputOffset()
		tok, err := d.RawToken()
		if err == io.EOF {
			return elems, offsets
		}
		if err != nil {
			t.Fatalf("encoding/xml: %v", err)
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 {
				start = before
			}
		case xml.EndElement:
			depth--
			if depth == 1 {
				elems = append(elems, doc[start:d.InputOffset()])
				offsets = append(offsets, start)
			}
		}
	}
}

// checkLines checks that every output line is one standalone element (all
// its namespaces declared) that means the same as the input element.
func checkLines(t *testing.T, got []string, want [][]byte, scope map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i, line := range got {
		if _, err := xmltest.Canonical([]byte(line), nil); err != nil {
			t.Errorf("line %d is not a standalone element: %v\n%s", i+1, err, line)
			continue
		}
		xmltest.Equal(t, want[i], []byte(line), scope)
	}
}

func TestDecodeStream(t *testing.T) {
	doc, err := os.ReadFile("testdata/session.xml")
	if err != nil {
		t.Fatal(err)
	}
	want, offsets := children(t, doc)
	if len(want) != 8 {
		t.Fatalf("the reference found %d elements in session.xml, want 8", len(want))
	}
	readers := map[string]func() io.Reader{
		"whole":        func() io.Reader { return bytes.NewReader(doc) },
		"one-byte":     func() io.Reader { return iotest.OneByteReader(bytes.NewReader(doc)) },
		"half-at-once": func() io.Reader { return iotest.HalfReader(bytes.NewReader(doc)) },
	}
	var first result
	for name, r := range readers {
		t.Run(name, func(t *testing.T) {
			res := runXMPP(t, r(), "decode")
			if res.code != 0 || res.stderr != "" {
				t.Fatalf("exit %d, stderr %q", res.code, res.stderr)
			}
			checkLines(t, lines(res.stdout), want, streamScope)
			if first.stdout == "" {
				first = res
			} else if diff := cmp.Diff(first.stdout, res.stdout); diff != "" {
				t.Errorf("output depends on how the input is read (-first +this):\n%s", diff)
			}

			res = runXMPP(t, r(), "decode", "-json")
			if res.code != 0 || res.stderr != "" {
				t.Fatalf("-json: exit %d, stderr %q", res.code, res.stderr)
			}
			var gotOffsets []int64
			for _, l := range lines(res.stdout) {
				var obj struct{ Offset int64 }
				if err := json.Unmarshal([]byte(l), &obj); err != nil {
					t.Fatalf("-json: %v\n%s", err, l)
				}
				gotOffsets = append(gotOffsets, obj.Offset)
			}
			if diff := cmp.Diff(offsets, gotOffsets); diff != "" {
				t.Errorf("-json offsets (-want +got):\n%s", diff)
			}
		})
	}
	// Line breaks inside text, tags and CDATA sections are written so that
	// the line still means the same (checked above); spot-check their form.
	out := first.stdout
	for _, s := range []string{
		`<body>Tybalt, you rat-catcher,&#xA;will you walk?</body>`,
		`v:act='3'               v:scene='1'>`,
		`<v:note><![CDATA[Enter <Mercutio>,]]>&#xA;<![CDATA[Benvolio & men]]></v:note>`,
		`<body>&lt;sword&gt; &amp; &lt;buckler&gt;</body>`,
	} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %s:\n%s", s, out)
		}
	}
}

// placeholder reports a corpus sample that the typed decoder must refuse
// (XEP-0198 examples whose h attribute is a placeholder, as the corpus
// README says).
func placeholder(s xmltest.Sample) bool {
	return strings.Contains(s.Source, "h is a placeholder")
}

func TestDecodeCorpus(t *testing.T) {
	samples := xmltest.Corpus(t, "../../testdata/corpus")
	var all bytes.Buffer
	var want [][]byte
	var wantOffsets []int64
	var individual strings.Builder
	refused := 0
	for _, s := range samples {
		res := runXMPP(t, bytes.NewReader(s.XML), "decode")
		if placeholder(s) {
			// Decoded as it came; validation reports the placeholder.
			refused++
			v := runXMPP(t, bytes.NewReader(s.XML), "decode", "-validate")
			if v.code != 1 || v.stdout != res.stdout || !strings.Contains(v.stderr, "/@h: \"") || !strings.Contains(v.stderr, "is not a valid xs:unsignedInt") {
				t.Errorf("%s:%d: decode -validate: exit %d, stdout %q, stderr %q; want the violation at @h", s.File, s.Line, v.code, v.stdout, v.stderr)
			}
		}
		if res.code != 0 || res.stderr != "" {
			t.Errorf("%s:%d: exit %d, stderr %q", s.File, s.Line, res.code, res.stderr)
			continue
		}
		checkLines(t, lines(res.stdout), [][]byte{s.XML}, nil)
		individual.WriteString(res.stdout)
		wantOffsets = append(wantOffsets, int64(all.Len()))
		all.Write(s.XML)
		all.WriteString("\n\n")
		want = append(want, s.XML)
	}
	if refused != 3 {
		t.Errorf("%d placeholder samples, want 3", refused)
	}

	// All samples as one input, read one byte at a time: the same lines.
	res := runXMPP(t, iotest.OneByteReader(bytes.NewReader(all.Bytes())), "decode")
	if res.code != 0 || res.stderr != "" {
		t.Fatalf("concatenated corpus: exit %d, stderr %q", res.code, res.stderr)
	}
	if diff := cmp.Diff(individual.String(), res.stdout); diff != "" {
		t.Errorf("concatenated corpus, one byte at a time (-one by one +concatenated):\n%s", diff)
	}

	res = runXMPP(t, bytes.NewReader(all.Bytes()), "decode", "-json")
	if res.code != 0 || res.stderr != "" {
		t.Fatalf("concatenated corpus -json: exit %d, stderr %q", res.code, res.stderr)
	}
	var gotOffsets []int64
	for _, l := range lines(res.stdout) {
		var obj struct {
			Offset  int64
			Element string
			Type    string
			Value   json.RawMessage
		}
		if err := json.Unmarshal([]byte(l), &obj); err != nil {
			t.Fatalf("-json: %v\n%s", err, l)
		}
		if obj.Element == "" || obj.Type == "" || len(obj.Value) == 0 {
			t.Errorf("-json: incomplete object %s", l)
		}
		gotOffsets = append(gotOffsets, obj.Offset)
	}
	if diff := cmp.Diff(wantOffsets, gotOffsets); diff != "" {
		t.Errorf("-json offsets (-want +got):\n%s", diff)
	}
}

func TestDecodeBare(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		input string
		want  []string
	}{
		{
			name:  "two stanzas",
			input: "<message to='juliet@example.com'><body>hi</body></message>\n  <presence type='unavailable'/>\n",
			want: []string{
				`<message xmlns='jabber:client' to='juliet@example.com'><body>hi</body></message>`,
				`<presence xmlns='jabber:client' type='unavailable'/>`,
			},
		},
		{
			name:  "XML declaration first",
			input: "<?xml version='1.0'?>\n<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>",
			want:  []string{`<iq xmlns='jabber:client' id='p1' type='get'><ping xmlns='urn:xmpp:ping'/></iq>`},
		},
		{
			name:  "jabber:server",
			args:  []string{"-ns", "jabber:server"},
			input: `<message from='romeo@example.net' to='juliet@example.com'><body>hi</body></message>`,
			want:  []string{`<message xmlns='jabber:server' from='romeo@example.net' to='juliet@example.com'><body>hi</body></message>`},
		},
		{
			name:  "jabber:server flag after nothing else",
			args:  []string{"-ns=jabber:server"},
			input: `<presence from='romeo@example.net' to='juliet@example.com' type='probe'/>`,
			want:  []string{`<presence xmlns='jabber:server' from='romeo@example.net' to='juliet@example.com' type='probe'/>`},
		},
		{
			name:  "stream prefix bound",
			input: `<stream:features><sm xmlns='urn:xmpp:sm:3'/></stream:features>`,
			want:  []string{`<features xmlns='http://etherx.jabber.org/streams'><sm xmlns='urn:xmpp:sm:3'/></features>`},
		},
		{
			name:  "own namespace",
			input: `<query xmlns='jabber:iq:roster' ver='3'><item jid='a@b' subscription='to'><group>G</group></item></query>`,
			want:  []string{`<query xmlns='jabber:iq:roster' ver='3'><item jid='a@b' subscription='to'><group>G</group></item></query>`},
		},
		{
			name:  "unknown element kept raw",
			input: "<foo xmlns='urn:example:foo' a='1'>\n<bar>x &amp; y</bar></foo>",
			want:  []string{`<foo xmlns='urn:example:foo' a='1'>&#xA;<bar>x &amp; y</bar></foo>`},
		},
		{
			name:  "unknown element using the default namespace",
			input: `<nonza><body>b</body></nonza>`,
			want:  []string{`<nonza xmlns='jabber:client'><body>b</body></nonza>`},
		},
		{
			name:  "empty input",
			input: "",
		},
		{
			name:  "whitespace only",
			input: " \n\t ",
		},
		{
			name:  "empty stream",
			input: `<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'/>`,
		},
		{
			name:  "stream without closing tag",
			input: `<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'><message><body>x</body></message>`,
			want:  []string{`<message xmlns='jabber:client'><body>x</body></message>`},
		},
		{
			name:  "server-to-server stream",
			input: `<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'><message from='a@b' to='c@d'/></stream:stream>`,
			want:  []string{`<message xmlns='jabber:server' from='a@b' to='c@d'/>`},
		},
		{
			name:  "stream root with another prefix",
			input: `<s:stream xmlns='jabber:client' xmlns:s='http://etherx.jabber.org/streams'><s:features/><message/></s:stream>`,
			want:  []string{`<features xmlns='http://etherx.jabber.org/streams'/>`, `<message xmlns='jabber:client'/>`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"decode"}, tt.args...)
			for _, r := range []io.Reader{strings.NewReader(tt.input), iotest.OneByteReader(strings.NewReader(tt.input))} {
				res := runXMPP(t, r, args...)
				if res.code != 0 || res.stderr != "" {
					t.Fatalf("exit %d, stderr %q", res.code, res.stderr)
				}
				if diff := cmp.Diff(tt.want, lines(res.stdout)); diff != "" {
					t.Errorf("output (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// jsonLine is the object decode -json writes per element.
type jsonLine struct {
	Offset  int64
	Element string
	Type    string
	Value   json.RawMessage
}

func TestDecodeJSONTyped(t *testing.T) {
	// A stanza without open content decodes back into the very same Go
	// value with encoding/json.
	tests := []struct {
		name     string
		args     []string
		ns       string
		input    string
		elem     string
		typ      string
		newValue func() stanza.Element
	}{
		{
			name:     "message",
			ns:       "jabber:client",
			input:    `<message from='juliet@example.com/balcony' to='romeo@example.net' type='chat' id='k1' xml:lang='en'><subject>Plan</subject><body>Art thou &amp; not</body><body xml:lang='cs'>Pro&#x010D;e</body><thread parent='p1'>t1</thread></message>`,
			elem:     "{jabber:client}message",
			typ:      "xmpp.Message",
			newValue: func() stanza.Element { return new(xmpp.Message) },
		},
		{
			name:     "presence",
			ns:       "jabber:client",
			input:    "<presence from='a@b/c'>\n<show>dnd</show><status>busy</status><priority>5</priority></presence>",
			elem:     "{jabber:client}presence",
			typ:      "xmpp.Presence",
			newValue: func() stanza.Element { return new(xmpp.Presence) },
		},
		{
			name:     "jabber:server message",
			args:     []string{"-ns", "jabber:server"},
			ns:       "jabber:server",
			input:    `<message from='a@b' to='c@d' type='normal'><body>x</body></message>`,
			elem:     "{jabber:server}message",
			typ:      "xmpp.Message",
			newValue: func() stanza.Element { return new(xmpp.Message) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runXMPP(t, strings.NewReader(tt.input), append([]string{"decode", "-json"}, tt.args...)...)
			if res.code != 0 || res.stderr != "" {
				t.Fatalf("exit %d, stderr %q", res.code, res.stderr)
			}
			ls := lines(res.stdout)
			if len(ls) != 1 {
				t.Fatalf("got %d lines, want 1: %q", len(ls), res.stdout)
			}
			var got jsonLine
			if err := json.Unmarshal([]byte(ls[0]), &got); err != nil {
				t.Fatal(err)
			}
			if got.Offset != 0 || got.Element != tt.elem || got.Type != tt.typ {
				t.Errorf("got offset %d element %q type %q, want 0 %q %q", got.Offset, got.Element, got.Type, tt.elem, tt.typ)
			}
			want := tt.newValue()
			var d stanza.Decoder
			d.Reset(tt.input, 0, []stanza.NSBinding{{Space: tt.ns}})
			if err := d.DecodeOne(want); err != nil {
				t.Fatal(err)
			}
			back := tt.newValue()
			if err := json.Unmarshal(got.Value, back); err != nil {
				t.Fatalf("value does not decode back into %T: %v\n%s", back, err, got.Value)
			}
			if diff := cmp.Diff(want, back); diff != "" {
				t.Errorf("value (-decoded +from JSON):\n%s", diff)
			}
		})
	}
}

func TestDecodeJSONPayloads(t *testing.T) {
	// Open content (Any) and raw elements are wrapped with their name and
	// Go type; errors are strings.
	input := `<message from='mercutio@example.org/phone'>` +
		`<body>hi</body>` +
		`<delay xmlns='urn:xmpp:delay' stamp='2024-05-01T12:00:00Z'>Offline</delay>` +
		`<x:pet xmlns:x='urn:example:pet' x:kind='cat'><x:name>Tib</x:name></x:pet>` +
		`<a xmlns='urn:xmpp:sm:3' h='many'/>` +
		`</message>` + "\n" +
		`<iq type='result' id='r1'><query xmlns='jabber:iq:roster' ver='v1'><item jid='a@b' subscription='both' name='A'><group>G1</group><group>G2</group></item></query></iq>`
	res := runXMPP(t, strings.NewReader(input), "decode", "-json")
	if res.code != 0 {
		t.Fatalf("exit %d, stderr %q", res.code, res.stderr)
	}
	if res.stderr != "" {
		t.Errorf("stderr %q, want nothing", res.stderr)
	}
	type wrapped struct {
		Element string
		Type    string
		Value   map[string]any
	}
	var msg struct {
		Offset  int64
		Element string
		Type    string
		Value   struct {
			From string
			Body []struct{ Value string }
			Any  []wrapped
		}
	}
	ls := lines(res.stdout)
	if len(ls) != 2 {
		t.Fatalf("got %d lines, want 2:\n%s", len(ls), res.stdout)
	}
	if err := json.Unmarshal([]byte(ls[0]), &msg); err != nil {
		t.Fatal(err)
	}
	if msg.Value.From != "mercutio@example.org/phone" || len(msg.Value.Body) != 1 || msg.Value.Body[0].Value != "hi" {
		t.Errorf("message fields: %+v", msg.Value)
	}
	want := []wrapped{
		{Element: "{urn:xmpp:delay}delay", Type: "delay.Delay", Value: map[string]any{"Stamp": "2024-05-01T12:00:00Z", "Value": "Offline"}},
		{Element: "{urn:example:pet}pet", Type: "stanza.RawElement", Value: map[string]any{
			"Name": map[string]any{"Space": "urn:example:pet", "Local": "pet"},
			"XML":  `<x:pet xmlns:x='urn:example:pet' x:kind='cat'><x:name>Tib</x:name></x:pet>`,
		}},
		// Typed, the value that is not a number kept as it came.
		{Element: "{urn:xmpp:sm:3}a", Type: "sm.A", Value: map[string]any{
			"AnyAttrs": []any{map[string]any{"Name": map[string]any{"Local": "h"}, "Value": "many"}},
		}},
	}
	if diff := cmp.Diff(want, msg.Value.Any); diff != "" {
		t.Errorf("Any (-want +got):\n%s", diff)
	}

	var iq struct {
		Offset int64
		Value  struct {
			Type string
			Any  []struct {
				Type  string
				Value struct {
					Ver  string
					Item []struct {
						JID, Name, Subscription string
						Group                   []string
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(ls[1]), &iq); err != nil {
		t.Fatal(err)
	}
	if wantOff := int64(strings.Index(input, "<iq")); iq.Offset != wantOff {
		t.Errorf("iq offset %d, want %d", iq.Offset, wantOff)
	}
	if len(iq.Value.Any) != 1 || iq.Value.Any[0].Type != "roster.Query" {
		t.Fatalf("iq payload: %s", ls[1])
	}
	q := iq.Value.Any[0].Value
	if q.Ver != "v1" || len(q.Item) != 1 || q.Item[0].JID != "a@b" || q.Item[0].Name != "A" ||
		q.Item[0].Subscription != "both" || !cmp.Equal(q.Item[0].Group, []string{"G1", "G2"}) {
		t.Errorf("roster query: %+v", q)
	}
}

func TestDecodeErrors(t *testing.T) {
	const hdr = `<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`
	tests := []struct {
		name    string
		args    []string
		input   string
		wantOut []string // elements printed before the error
		wantErr string
	}{
		{
			name:    "end tag mismatch",
			input:   "<message><body>x</bdy></message>",
			wantErr: "decode: offset 16 (line 1, column 17) at /message/body: not well-formed: end tag </bdy> does not match <body>",
		},
		{
			name:    "input ends inside an element",
			input:   "<presence/>\n<message><body>x</body>\n<body><b></body></message>",
			wantOut: []string{`<presence xmlns='jabber:client'/>`},
			wantErr: "decode: offset 62 (line 3, column 27) at /message/body/b: not well-formed: input ends inside an element",
		},
		{
			name:    "comment",
			input:   "<message><body>x</body>\n<!-- c --></message>",
			wantErr: "decode: offset 26 (line 2, column 3) at /message: restricted XML: comment",
		},
		{
			name:    "entity reference in a stream",
			input:   hdr + "\n  <message>\n    <body>a &bogus; b</body>\n  </message>",
			wantErr: "decode: offset 110 (line 3, column 13) at /stream/message/body: restricted XML: entity reference &bogus; is not allowed",
		},
		{
			name:    "text between stanzas",
			input:   "<message/> hello <message/>",
			wantOut: []string{`<message xmlns='jabber:client'/>`},
			wantErr: "decode: offset 11 (line 1, column 12) at /: character data between top-level elements",
		},
		{
			name:    "stray end tag",
			input:   "<message/></x>",
			wantOut: []string{`<message xmlns='jabber:client'/>`},
			wantErr: "decode: offset 10 (line 1, column 11) at /: end tag with no element open",
		},
		{
			name:    "unbound prefix",
			input:   "<foo:bar/>",
			wantErr: "decode: offset 1 (line 1, column 2) at /: unbound namespace prefix: unbound prefix foo on <foo:bar>",
		},
		{
			name:    "duplicate attribute",
			input:   "<message to='a' to='b'/>",
			wantErr: "decode: offset 16 (line 1, column 17) at /message: not well-formed: duplicate attribute to",
		},
		{
			// Decoded and printed as it came; -validate says what is wrong.
			name:    "typed value invalid",
			args:    []string{"-validate"},
			input:   "<message/>\n<presence><priority>high</priority></presence>",
			wantOut: []string{`<message xmlns='jabber:client'/>`, `<presence xmlns='jabber:client'><priority>high</priority></presence>`},
			wantErr: "offset 11: /presence/priority: does not fit its type: invalid integer \"high\"\nxmpp: decode: 1 schema violation",
		},
		{
			name:    "typed attribute invalid in a stream",
			args:    []string{"-validate"},
			input:   hdr + "\n<r xmlns='urn:xmpp:sm:3'/>\n<a xmlns='urn:xmpp:sm:3' h='-1'/>",
			wantOut: []string{`<r xmlns='urn:xmpp:sm:3'/>`, `<a xmlns='urn:xmpp:sm:3' h='-1'/>`},
			wantErr: "offset 113: /a/@h: \"-1\" is not a valid xs:unsignedInt\nxmpp: decode: 1 schema violation",
		},
		{
			name:    "wrong stream namespace",
			input:   "<stream:stream xmlns:stream='urn:wrong'>",
			wantErr: "decode: offset 0 (line 1, column 1) at /: root element is {urn:wrong}stream, not a stream header {http://etherx.jabber.org/streams}stream",
		},
		{
			name:    "stream end tag mismatch",
			input:   hdr + "<message/></stream:strem>",
			wantOut: []string{`<message xmlns='jabber:client'/>`},
			wantErr: `decode: offset 95 (line 1, column 96) at /stream: end tag "</stream:strem>" does not match <stream:stream>`,
		},
		{
			name:    "element after the stream",
			input:   hdr + "</stream:stream>\n<message/>",
			wantErr: "decode: offset 103 (line 2, column 2) at /stream: not well-formed: element after the root element",
		},
		{
			name:    "stream cut inside a stanza",
			input:   hdr + "<message>",
			wantErr: "decode: offset 94 (line 1, column 95) at /stream/message: not well-formed: input ends inside an element",
		},
		{
			name:    "XML declaration later",
			input:   "<message/>\n<?xml version='1.0'?>",
			wantOut: []string{`<message xmlns='jabber:client'/>`},
			wantErr: "decode: offset 12 (line 2, column 2) at /: restricted XML: processing instruction",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{strings.NewReader(tt.input), iotest.OneByteReader(strings.NewReader(tt.input))} {
				res := runXMPP(t, r, append([]string{"decode"}, tt.args...)...)
				if res.code != 1 {
					t.Errorf("exit %d, want 1", res.code)
				}
				if diff := cmp.Diff(tt.wantOut, lines(res.stdout)); diff != "" {
					t.Errorf("stdout (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff("xmpp: "+tt.wantErr+"\n", res.stderr); diff != "" {
					t.Errorf("stderr (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestDecodeLimit(t *testing.T) {
	// One element larger than the runtime's limit is refused before it is
	// buffered whole.
	big := "<message><body>" + strings.Repeat("x", stanza.DefaultMaxElementBytes) + "</body></message>"
	res := runXMPP(t, strings.NewReader(big), "decode")
	if res.code != 1 {
		t.Fatalf("exit %d, want 1", res.code)
	}
	want := "xmpp: decode: offset 262144 (line 1, column 262145) at /message/body: element too large: frame size in bytes exceeds the limit of 262144\n"
	if diff := cmp.Diff(want, res.stderr); diff != "" {
		t.Errorf("stderr (-want +got):\n%s", diff)
	}
}

// errReader returns its data and then an error.
type errReader struct {
	data []byte
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestDecodeReadError(t *testing.T) {
	res := runXMPP(t, &errReader{data: []byte("<message/>"), err: errors.New("disk on fire")}, "decode")
	if res.code != 1 || res.stdout != "<message xmlns='jabber:client'/>\n" || res.stderr != "xmpp: decode: reading input: disk on fire\n" {
		t.Errorf("got %+v", res)
	}
}

func TestOneLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"no break", `<a x='1'>t</a>`, `<a x='1'>t</a>`},
		{"text", "<a>one\ntwo\r\nthree\rfour</a>", `<a>one&#xA;two&#xA;three&#xA;four</a>`},
		{"between attributes", "<a\n  x='1'\r\n  y=\"2\"/>", `<a   x='1'   y="2"/>`},
		{"in attribute value", "<a x='1\n2' y=\"3\n4\"/>", `<a x='1 2' y="3 4"/>`},
		{"quote inside other quote", "<a x='\"\n' y=\"'\n\">t\n</a>", `<a x='" ' y="' ">t&#xA;</a>`},
		{"greater-than in value", "<a x='>'\n>\n</a>", `<a x='>' >&#xA;</a>`},
		{"CDATA", "<a><![CDATA[x\ny<b>\n]]>\n</a>", `<a><![CDATA[x]]>&#xA;<![CDATA[y<b>]]>&#xA;<![CDATA[]]>&#xA;</a>`},
		{"end tag", "<a>t</a\n>", `<a>t</a >`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(appendOneLine(nil, []byte(tt.in)))
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			// The line means what the input meant to an XML parser that
			// normalizes attribute values, as XML 1.0 section 3.3.3 says
			// (encoding/xml does not).
			if diff := cmp.Diff(xmlTokens(t, tt.in), xmlTokens(t, got)); diff != "" {
				t.Errorf("meaning changed (-input +output):\n%s", diff)
			}
		})
	}
}

// xmlTokens lists the tokens the runtime's Decoder reads from s, with
// adjacent character data merged.
func xmlTokens(t *testing.T, s string) []string {
	t.Helper()
	var out []string
	d := stanza.NewDecoderString(s)
	for k := d.Next(); k != stanza.None; k = d.Next() {
		switch k {
		case stanza.StartElement:
			tok := "<" + d.Name().Local
			for _, a := range d.Attrs() {
				tok += " " + a.Name.Local + "=" + strconv.Quote(a.Value)
			}
			out = append(out, tok+">")
		case stanza.EndElement:
			out = append(out, "</"+d.Name().Local+">")
		case stanza.CharData:
			if n := len(out); n > 0 && strings.HasPrefix(out[n-1], "text ") {
				out[n-1] = "text " + strconv.Quote(unquote(t, out[n-1][5:])+d.Text())
			} else {
				out = append(out, "text "+strconv.Quote(d.Text()))
			}
		}
	}
	if err := d.Err(); err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	return out
}

func unquote(t *testing.T, q string) string {
	s, err := strconv.Unquote(q)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDecodeIncremental(t *testing.T) {
	// Each element is printed as soon as it has arrived, before the input
	// ends: decode does not wait for (or hold) the whole input.
	pr, pw := io.Pipe()
	var out syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(t.Context(), []string{"decode"}, pr, &out, io.Discard, func(string) string { return "" })
	}()
	stanzas := []string{`<message><body>one</body></message>`, `<presence/>`, `<iq type='get' id='3'><ping xmlns='urn:xmpp:ping'/></iq>`}
	var want strings.Builder
	for _, s := range stanzas {
		if _, err := io.WriteString(pw, s+"\n"); err != nil {
			t.Fatal(err)
		}
		want.WriteString(runXMPP(t, strings.NewReader(s), "decode").stdout)
		if !waitFor(func() bool { return out.String() == want.String() }) {
			t.Fatalf("after writing %s, output is %q, want %q", s, out.String(), want.String())
		}
	}
	pw.Close()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
}
