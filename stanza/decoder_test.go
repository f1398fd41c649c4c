package stanza

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// dumpDecoder lists the tokens of a Decoder, one string each, and the error.
func dumpDecoder(d *Decoder) ([]string, error) {
	var out []string
	for {
		k := d.Next()
		if k == None {
			return out, d.Err()
		}
		out = append(out, describe(k, d.Name(), d.Attrs(), d.Text()))
	}
}

func describe(k Kind, n Name, attrs []Attr, text string) string {
	switch k {
	case StartElement:
		var b strings.Builder
		fmt.Fprintf(&b, "S {%s}%s", n.Space, n.Local)
		for _, a := range attrs {
			fmt.Fprintf(&b, " {%s}%s=%q", a.Name.Space, a.Name.Local, a.Value)
		}
		return b.String()
	case EndElement:
		return fmt.Sprintf("E {%s}%s", n.Space, n.Local)
	case CharData:
		return fmt.Sprintf("T %q", text)
	}
	return "?"
}

func TestDecoderTokens(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty element", `<a/>`, []string{"S {}a", "E {}a"}},
		{"default namespace", `<message xmlns='jabber:client' to='a@b'><body>hi</body></message>`,
			[]string{"S {jabber:client}message {}to=\"a@b\"", "S {jabber:client}body", "T \"hi\"", "E {jabber:client}body", "E {jabber:client}message"}},
		{"prefixes", `<s:x xmlns:s='urn:s' xmlns:t='urn:t' t:a='1'><t:y/></s:x>`,
			[]string{"S {urn:s}x {urn:t}a=\"1\"", "S {urn:t}y", "E {urn:t}y", "E {urn:s}x"}},
		{"xml:lang", `<a xml:lang='en'/>`, []string{"S {}a {" + NSXML + "}lang=\"en\"", "E {}a"}},
		{"entities", `<a v='&lt;&amp;&#65;&#x42;&quot;&apos;&gt;'>&lt;b&gt; &amp; &#x263a;</a>`,
			[]string{"S {}a {}v=\"<&AB\\\"'>\"", "T \"<b> & ☺\"", "E {}a"}},
		{"cdata merged", `<a>x<![CDATA[<y>&]]>z</a>`, []string{"S {}a", "T \"x<y>&z\"", "E {}a"}},
		{"line ends", "<a v='1\r\n2\t3'>x\r\ny\rz</a>", []string{"S {}a {}v=\"1 2 3\"", "T \"x\\ny\\nz\"", "E {}a"}},
		{"undeclared default resets", `<a xmlns='urn:a'><b xmlns=''/></a>`, []string{"S {urn:a}a", "S {}b", "E {}b", "E {urn:a}a"}},
		{"xml declaration", `<?xml version='1.0'?><a/>`, []string{"S {}a", "E {}a"}},
		{"whitespace around", " <a/>\n", []string{"T \" \"", "S {}a", "E {}a", "T \"\\n\""}},
		{"utf8 names", `<ñ é='ü'/>`, []string{"S {}ñ {}é=\"ü\"", "E {}ñ"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := dumpDecoder(NewDecoderString(tc.in))
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("tokens (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecoderErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		kind   error
		offset int64
	}{
		{"comment", `<a><!-- x --></a>`, ErrRestrictedXML, 3},
		{"pi", `<a><?foo bar?></a>`, ErrRestrictedXML, 3},
		{"doctype", `<!DOCTYPE a><a/>`, ErrRestrictedXML, 0},
		{"entity", `<a>&nbsp;</a>`, ErrRestrictedXML, 3},
		{"entity in attr", `<a b='&foo;'/>`, ErrRestrictedXML, 6},
		{"mismatched end", `<a></b>`, ErrNotWellFormed, 3},
		{"unclosed", `<a><b></b>`, ErrNotWellFormed, 10},
		{"unquoted attr", `<a b=c/>`, ErrNotWellFormed, 5},
		{"duplicate attr", `<a b='1' b='2'/>`, ErrNotWellFormed, 9},
		{"duplicate expanded attr", `<a xmlns:p='u' xmlns:q='u' p:b='1' q:b='2'/>`, ErrNotWellFormed, 35},
		{"lt in attr", `<a b='<'/>`, ErrNotWellFormed, 6},
		{"unbound prefix", `<p:a/>`, ErrUnboundPrefix, 1},
		{"bad utf8", "<a>\xff</a>", ErrInvalidUTF8, 3},
		{"control char", "<a>\x01</a>", ErrInvalidUTF8, 3},
		{"bad char ref", `<a>&#0;</a>`, ErrNotWellFormed, 3},
		{"cdata end in text", `<a>]]></a>`, ErrNotWellFormed, 3},
		{"text outside root", `x<a/>`, ErrNotWellFormed, 0},
		{"xml prefix rebound", `<a xmlns:xml='urn:x'/>`, ErrNotWellFormed, 3},
		{"empty prefixed binding", `<a xmlns:p=''/>`, ErrNotWellFormed, 3},
		{"late xml decl", `<a/><?xml version='1.0'?>`, ErrRestrictedXML, 4},
		{"duplicate declaration", `<a xmlns:p='u' xmlns:p='v'/>`, ErrNotWellFormed, 15},
		{"two colons", `<a:b:c/>`, ErrNotWellFormed, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dumpDecoder(NewDecoderString(tc.in))
			if !errors.Is(err, tc.kind) {
				t.Fatalf("error %v, want %v", err, tc.kind)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T is not a *SyntaxError", err)
			}
			if se.Offset != tc.offset {
				t.Errorf("offset %d, want %d (%v)", se.Offset, tc.offset, err)
			}
		})
	}
}

func TestDecoderLimits(t *testing.T) {
	d := NewDecoderString(strings.Repeat("<a>", 10) + strings.Repeat("</a>", 10))
	d.SetLimits(Limits{MaxDepth: 5})
	if _, err := dumpDecoder(d); !errors.Is(err, ErrLimitDepth) {
		t.Errorf("depth: %v", err)
	}
	d = NewDecoderString(`<a b='1' c='2' d='3'/>`)
	d.SetLimits(Limits{MaxAttrs: 2})
	if _, err := dumpDecoder(d); !errors.Is(err, ErrLimitAttrs) {
		t.Errorf("attrs: %v", err)
	}
	d = NewDecoderString(`<` + strings.Repeat("n", 100) + `/>`)
	d.SetLimits(Limits{MaxNameBytes: 50})
	if _, err := dumpDecoder(d); !errors.Is(err, ErrLimitName) {
		t.Errorf("name: %v", err)
	}
}

func TestReadRawScope(t *testing.T) {
	in := `<message xmlns='jabber:client' xmlns:p='urn:p'><x xmlns='urn:x' p:a='1'><y/></x><foo><p:bar/></foo><z xmlns='urn:z'/></message>`
	d := NewDecoderString(in)
	if d.Next() != StartElement {
		t.Fatal(d.Err())
	}
	var raws []*RawElement
	for d.Next() == StartElement {
		r, err := d.ReadRaw()
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, r)
	}
	want := []*RawElement{
		{Name: Name{"urn:x", "x"}, XML: `<x xmlns='urn:x' p:a='1'><y/></x>`, Scope: []NSBinding{{"p", "urn:p"}}},
		{Name: Name{"jabber:client", "foo"}, XML: `<foo><p:bar/></foo>`, Scope: []NSBinding{{"", "jabber:client"}, {"p", "urn:p"}}},
		{Name: Name{"urn:z", "z"}, XML: `<z xmlns='urn:z'/>`},
	}
	if diff := cmp.Diff(want, raws); diff != "" {
		t.Errorf("raw elements (-want +got):\n%s", diff)
	}
	// Re-encoded outside any scope, each declares what it needs and parses
	// to the same tokens as in place.
	for _, r := range raws {
		e := NewEncoder(nil)
		r.EncodeXMPP(e)
		got, err := dumpDecoder(NewDecoderString(string(e.Bytes())))
		if err != nil {
			t.Fatalf("%s: %v", e.Bytes(), err)
		}
		sub := NewDecoderString(in)
		sub.Next()
		var want []string
		for sub.Next() == StartElement {
			if sub.Name() != r.Name {
				sub.Skip()
				continue
			}
			depth := sub.Depth()
			want = append(want, describe(StartElement, sub.Name(), sub.Attrs(), ""))
			for sub.Depth() >= depth {
				k := sub.Next()
				want = append(want, describe(k, sub.Name(), sub.Attrs(), sub.Text()))
			}
			break
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s re-encoded as %s (-want +got):\n%s", r.XML, e.Bytes(), diff)
		}
	}
	// Inside the same scope, nothing is added: the bytes are unchanged.
	e := NewEncoder(nil)
	e.SetScope([]NSBinding{{"", "jabber:client"}, {"p", "urn:p"}})
	raws[1].EncodeXMPP(e)
	if got := string(e.Bytes()); got != raws[1].XML {
		t.Errorf("in scope: %s, want %s", got, raws[1].XML)
	}
}

// tokenizerDump feeds chunks to a Tokenizer and lists its tokens.
func tokenizerDump(chunks [][]byte) ([]string, error) {
	tk := NewTokenizer(Limits{})
	var out []string
	for _, c := range chunks {
		tk.Feed(c)
		for {
			k := tk.Next()
			if k == None {
				break
			}
			out = append(out, describe(k, tk.Name(), tk.Attrs(), tk.Text()))
		}
		if tk.Err() != nil {
			return out, tk.Err()
		}
	}
	return out, nil
}

var streamInputs = []string{
	`<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>` +
		`<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features> ` +
		`<message to='a@b' type='chat'><body>h&amp;i ☺</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>` +
		"\n<iq type='get' id='1'><query xmlns='jabber:iq:roster'/></iq></stream:stream>",
	`<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'><presence/><![CDATA[x]]><iq type='result' id='x'/>`,
}

func TestTokenizerChunking(t *testing.T) {
	for i, in := range streamInputs {
		whole, err := tokenizerDump([][]byte{[]byte(in)})
		if err != nil {
			t.Fatalf("input %d: %v", i, err)
		}
		if len(whole) < 4 {
			t.Fatalf("input %d: only %d tokens", i, len(whole))
		}
		for cut := 1; cut < len(in); cut++ {
			got, err := tokenizerDump([][]byte{[]byte(in[:cut]), []byte(in[cut:])})
			if err != nil {
				t.Fatalf("input %d cut at %d: %v", i, cut, err)
			}
			if diff := cmp.Diff(whole, got); diff != "" {
				t.Fatalf("input %d cut at %d (-whole +chunked):\n%s", i, cut, diff)
			}
		}
		var bytewise [][]byte
		for k := 0; k < len(in); k++ {
			bytewise = append(bytewise, []byte{in[k]})
		}
		got, err := tokenizerDump(bytewise)
		if err != nil {
			t.Fatalf("input %d byte by byte: %v", i, err)
		}
		if diff := cmp.Diff(whole, got); diff != "" {
			t.Fatalf("input %d byte by byte (-whole +chunked):\n%s", i, diff)
		}
	}
}

// stdWellFormed reports whether encoding/xml accepts s, and whether s uses
// constructs encoding/xml does not check that the restricted tokenizer does
// (namespaces, duplicate attributes, characters), which excuse a difference.
func stdWellFormed(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// fifthEditionName reports whether err is encoding/xml refusing a name
// that XML 1.0 fifth edition allows: encoding/xml checks names with the
// character classes of the fourth edition (so it refuses the name ϴ, U+03F4),
// the Decoder with productions 4 and 4a of the fifth. The productions are
// transcribed here independently of the Decoder's tables.
func fifthEditionName(err error) bool {
	const marker = "invalid XML name: "
	msg := err.Error()
	i := strings.Index(msg, marker)
	if i < 0 {
		return false
	}
	name := msg[i+len(marker):]
	if !utf8.ValidString(name) || strings.IndexFunc(name, func(r rune) bool { return r >= utf8.RuneSelf }) < 0 {
		return false
	}
	for _, part := range strings.Split(name, ":") {
		if part == "" {
			return false
		}
		for j, r := range part {
			start := r == '_' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' ||
				0xC0 <= r && r <= 0xD6 || 0xD8 <= r && r <= 0xF6 || 0xF8 <= r && r <= 0x2FF ||
				0x370 <= r && r <= 0x37D || 0x37F <= r && r <= 0x1FFF || 0x200C <= r && r <= 0x200D ||
				0x2070 <= r && r <= 0x218F || 0x2C00 <= r && r <= 0x2FEF || 0x3001 <= r && r <= 0xD7FF ||
				0xF900 <= r && r <= 0xFDCF || 0xFDF0 <= r && r <= 0xFFFD || 0x10000 <= r && r <= 0xEFFFF
			if start {
				continue
			}
			if j == 0 || !(r == '-' || r == '.' || '0' <= r && r <= '9' || r == 0xB7 ||
				0x300 <= r && r <= 0x36F || 0x203F <= r && r <= 0x2040) {
				return false
			}
		}
	}
	return true
}

func FuzzDecoder(f *testing.F) {
	for _, in := range streamInputs {
		f.Add([]byte(in), 7)
	}
	f.Add([]byte(`<a xmlns='u' b='&lt;'><b>t<![CDATA[x]]></b></a>`), 3)
	f.Add([]byte(`<a><!-- c --></a>`), 1)
	f.Add([]byte("<a>\r\n&#x10FFFF;</a>"), 2)
	f.Fuzz(func(t *testing.T, data []byte, cut int) {
		s := string(data)
		// Never panics; errors are typed.
		d := NewDecoderString(s)
		toks, err := dumpDecoder(d)
		if err != nil {
			var se *SyntaxError
			var de *DecodeError
			if !errors.As(err, &se) && !errors.As(err, &de) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
		}
		// Agreement with encoding/xml on restricted XML: what encoding/xml
		// refuses, we refuse too. (We refuse more: namespaces, duplicate
		// expanded attributes, forbidden characters, restricted constructs.)
		if err == nil && len(toks) > 0 && !bytes.Contains(data, []byte("<?xml")) {
			if serr := stdWellFormed(s); serr != nil && !fifthEditionName(serr) {
				t.Fatalf("accepted %q, encoding/xml says %v", s, serr)
			}
		}
		// Same tokens whatever the chunk boundary, through the Tokenizer,
		// for input that is a stream (a root that stays open).
		if err == nil && strings.HasPrefix(s, "<stream") {
			if cut < 0 {
				cut = -cut
			}
			cut = cut % (len(data) + 1)
			whole, werr := tokenizerDump([][]byte{data})
			got, gerr := tokenizerDump([][]byte{data[:cut], data[cut:]})
			if (werr == nil) != (gerr == nil) {
				t.Fatalf("cut %d: error %v vs %v", cut, werr, gerr)
			}
			if diff := cmp.Diff(whole, got); diff != "" {
				t.Fatalf("cut %d (-whole +chunked):\n%s", cut, diff)
			}
		}
	})
}

func TestDecoderScope(t *testing.T) {
	var d Decoder
	d.Reset(`<a xmlns='urn:a' xmlns:p='urn:p'><p:b xmlns='urn:c'/></a>`, 0, nil)
	if len(d.Scope()) != 0 {
		t.Errorf("scope before any element: %v", d.Scope())
	}
	d.Next()
	d.Next()
	want := []NSBinding{{Prefix: "", Space: "urn:a"}, {Prefix: "p", Space: "urn:p"}, {Prefix: "", Space: "urn:c"}}
	if diff := cmp.Diff(want, d.Scope()); diff != "" {
		t.Errorf("scope in <p:b> (-want +got):\n%s", diff)
	}
}

// ResetBytes copies its input once, with room for unescaped values: the
// strings it returns survive both the caller reusing its slice and the
// Decoder moving on to other input, and a stanza costs one allocation.
func TestDecoderResetBytes(t *testing.T) {
	in := []byte("<message xmlns='jabber:client' to='a&amp;b'><body>x &lt; y\r\n&#x1F600;</body><subject>" + strings.Repeat("&amp;", 100) + "</subject></message>")
	var d Decoder
	d.ResetBytes(in, 0, nil)
	var got []string
	for k := d.Next(); k != None; k = d.Next() {
		switch k {
		case StartElement:
			for _, a := range d.Attrs() {
				got = append(got, a.Value)
			}
		case CharData:
			got = append(got, d.Text())
		}
	}
	if d.Err() != nil {
		t.Fatal(d.Err())
	}
	for i := range in {
		in[i] = 'X' // the caller reuses its buffer
	}
	d.ResetBytes([]byte("<a b='&lt;&lt;&lt;'>&gt;&gt;</a>"), 0, nil)
	for k := d.Next(); k != None; k = d.Next() {
	}
	want := []string{"a&b", "x < y\n\U0001F600", strings.Repeat("&", 100)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	small := []byte("<message xmlns='jabber:client' to='a@b'><body>fish &amp; chips</body></message>")
	n := testing.AllocsPerRun(100, func() {
		d.ResetBytes(small, 0, nil)
		for k := d.Next(); k != None; k = d.Next() {
			_ = d.Text()
		}
	})
	if n > 1 {
		t.Errorf("allocations per stanza: %v, want at most 1", n)
	}
	n = testing.AllocsPerRun(100, func() {
		d.ResetBytesIsolated(small, 0, nil)
		for k := d.Next(); k != None; k = d.Next() {
			_ = d.Text()
		}
	})
	if n != 1 {
		t.Errorf("allocations per stanza, isolated: %v, want 1", n)
	}
}

// TestResetBytesShared decodes many inputs of all sizes one after the
// other, as a reader of stanzas does, keeping every value: small inputs
// share memory, and no value may change when later inputs are copied and
// unescaped after it.
func TestResetBytesShared(t *testing.T) {
	var d Decoder
	type kept struct{ attr, text, wantAttr, wantText string }
	var all []kept
	buf := make([]byte, 0, 8<<10)
	for i := range 400 {
		attr := fmt.Sprintf("v%d&amp;%s", i, strings.Repeat("x", i*7%300))
		text := fmt.Sprintf("t%d &lt; %s", i, strings.Repeat("y", i*13%2000))
		buf = fmt.Appendf(buf[:0], "<a k='%s'>%s</a>", attr, text)
		if i%2 == 0 {
			d.ResetBytes(buf, 0, nil)
		} else {
			d.ResetBytesIsolated(buf, 0, nil)
		}
		k := kept{wantAttr: strings.Replace(attr, "&amp;", "&", 1), wantText: strings.Replace(text, "&lt;", "<", 1)}
		if d.Next() != StartElement {
			t.Fatal(d.Err())
		}
		k.attr = d.Attrs()[0].Value
		if d.Next() != CharData {
			t.Fatal(d.Err())
		}
		k.text = d.Text()
		all = append(all, k)
		for j := range buf {
			buf[j] = 'Z' // the caller reuses its buffer
		}
	}
	for i, k := range all {
		if k.attr != k.wantAttr || k.text != k.wantText {
			t.Fatalf("input %d: got %q, %q; want %q, %q", i, k.attr, k.text, k.wantAttr, k.wantText)
		}
	}
}

// TestResetOwned decodes inputs in place, values that need unescaping
// included, and checks that no value changes while later inputs are
// decoded on the same Decoder.
func TestResetOwned(t *testing.T) {
	var d Decoder
	type kept struct{ got, want string }
	var all []kept
	for i := range 300 {
		esc := strings.Repeat("a&amp;b", i%50)
		in := []byte(fmt.Sprintf("<m id='x%d&lt;' xmlns='urn:t'><b>%s&#x4E2D;</b></m>", i, esc))
		d.ResetOwned(in, 0, nil)
		if d.Next() != StartElement {
			t.Fatal(d.Err())
		}
		id := d.Attrs()[0].Value
		if d.Next() != StartElement {
			t.Fatal(d.Err())
		}
		text, err := d.ReadText()
		if err != nil {
			t.Fatal(err)
		}
		all = append(all,
			kept{id, fmt.Sprintf("x%d<", i)},
			kept{text, strings.Repeat("a&b", i%50) + "中"})
	}
	for i, k := range all {
		if k.got != k.want {
			t.Fatalf("value %d is %q, want %q", i, k.got, k.want)
		}
	}
}

// TestAttrSpacing reads attributes separated by every mix of whitespace.
func TestAttrSpacing(t *testing.T) {
	for _, sep := range []string{" ", "  ", " \n", "\n ", "\t", " \r\n\t "} {
		in := "<a" + sep + "x='1'" + sep + "y='2'" + sep + "/>"
		d := NewDecoderString(in)
		if d.Next() != StartElement {
			t.Fatalf("%q: %v", in, d.Err())
		}
		if a := d.Attrs(); len(a) != 2 || a[0].Value != "1" || a[1].Value != "2" {
			t.Fatalf("%q: attributes %v", in, a)
		}
	}
}

// TestWhitespaceText reads runs of whitespace before tags, CDATA, text and
// carriage returns, each as one CharData with its value normalized.
func TestWhitespaceText(t *testing.T) {
	for _, c := range []struct{ in, text string }{
		{"<a>\n  <b/></a>", "\n  "},
		{"<a> \t<b/></a>", " \t"},
		{"<a>\r\n <b/></a>", "\n "},
		{"<a>\n <![CDATA[x]]></a>", "\n x"},
		{"<a>\n x<b/></a>", "\n x"},
		{"<a>\n &amp;</a>", "\n &"},
	} {
		d := NewDecoderString(c.in)
		d.Next()
		if d.Next() != CharData {
			t.Fatalf("%q: %v", c.in, d.Err())
		}
		if d.Text() != c.text || d.TextIsSpace() != IsSpace(c.text) {
			t.Errorf("%q: text %q (space %v), want %q", c.in, d.Text(), d.TextIsSpace(), c.text)
		}
	}
}

// TestResetBytesAfterOwned alternates ResetOwned and ResetBytes on one
// Decoder, keeping every value: neither may write where the other put
// values.
func TestResetBytesAfterOwned(t *testing.T) {
	var d Decoder
	var got, want []string
	for i := range 60 {
		in := fmt.Appendf(nil, "<a k='%d &amp; %s'/>", i, strings.Repeat("v", i%7))
		want = append(want, fmt.Sprintf("%d & %s", i, strings.Repeat("v", i%7)))
		if i%2 == 0 {
			d.ResetOwned(in, 0, nil)
		} else {
			d.ResetBytes(in, 0, nil)
		}
		if d.Next() != StartElement {
			t.Fatal(d.Err())
		}
		got = append(got, d.Attrs()[0].Value)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
}

// TestResetBytesIsolated checks that an input copied by ResetBytesIsolated
// shares its memory with no input after it.
func TestResetBytesIsolated(t *testing.T) {
	var d Decoder
	d.ResetBytes([]byte("<a/>"), 0, nil)
	d.ResetBytes([]byte("<b/>"), 0, nil) // into shared memory from here on
	// An input of its own, leaving room that <d/> could take.
	d.ResetBytesIsolated([]byte("<c x='"+strings.Repeat("1", 800)+"'/>"), 0, nil)
	lo := uintptr(unsafe.Pointer(unsafe.StringData(d.s)))
	hi := uintptr(unsafe.Pointer(unsafe.SliceData(d.arena))) + uintptr(cap(d.arena))
	d.ResetBytes([]byte("<d/>"), 0, nil)
	if p := uintptr(unsafe.Pointer(unsafe.StringData(d.s))); lo <= p && p < hi {
		t.Fatal("an input copied after an isolated one shares its memory")
	}
	lo = uintptr(unsafe.Pointer(unsafe.StringData(d.s)))
	d.ResetBytes([]byte("<e/>"), 0, nil)
	if p := uintptr(unsafe.Pointer(unsafe.StringData(d.s))); p < lo || p > lo+64 {
		t.Fatal("small inputs one after the other are not copied side by side")
	}
}

// TestDuplicateAttrs decodes start tags of many attributes, some named
// twice, with values holding '=', spaces and the other quote: a tag is
// refused exactly when two of its attributes (or declarations) share a
// qualified name, whether or not their hash bits meet first.
func TestDuplicateAttrs(t *testing.T) {
	names := []string{"a", "b", "id", "to", "from", "type", "xml:lang", "p:x", "p:y", "xmlns:p", "xmlns:q", "q:x", "ab", "ba", "aab", "xmlns"}
	values := []string{"1", "a=b", "x y", `say "hi"`, "", "=", "urn:a", "it's"}
	rng := rand.New(rand.NewPCG(1, 2))
	refused := 0
	for range 5000 {
		var b strings.Builder
		b.WriteString("<e")
		seen := map[string]bool{}
		dup := false
		for range 1 + rng.IntN(12) {
			n := names[rng.IntN(len(names))]
			v := values[rng.IntN(len(values))]
			if n == "xmlns:p" || n == "xmlns:q" || n == "xmlns" {
				v = "urn:" + n // declarations bind namespaces
			}
			dup = dup || seen[n]
			seen[n] = true
			q := "'"
			if strings.Contains(v, "'") {
				q = `"`
			}
			b.WriteString(strings.Repeat(" ", 1+rng.IntN(2)) + n + "=" + q + v + q)
		}
		b.WriteString(" xmlns:p='urn:p' xmlns:q='urn:q2'/>")
		dup = dup || seen["xmlns:p"] || seen["xmlns:q"]
		var d Decoder
		d.Reset(b.String(), 0, nil)
		k := d.Next()
		err := d.Err()
		if dup {
			refused++
			if k != None || err == nil || !strings.Contains(err.Error(), "duplicate") {
				t.Fatalf("%s: %v (%v), want a duplicate attribute refused", b.String(), k, err)
			}
		} else if k != StartElement {
			t.Fatalf("%s: refused: %v", b.String(), err)
		}
	}
	if refused == 0 || refused == 5000 {
		t.Fatalf("%d of 5000 tags had a duplicate: the test does not tell", refused)
	}
}

// TestDecNotSpace checks decNotSpace against the bytes it stands for, every
// byte value in every position of a word of other bytes of each kind.
func TestDecNotSpace(t *testing.T) {
	for _, fill := range []byte{' ', '\n', '\t', 'a', 0, 0x80, 0xFF, '\r'} {
		for pos := range 8 {
			for c := range 256 {
				var w [8]byte
				for i := range w {
					w[i] = fill
				}
				w[pos] = byte(c)
				m := decNotSpace(binary.LittleEndian.Uint64(w[:]))
				for i, b := range w {
					want := b != ' ' && b != '\n' && b != '\t'
					if got := m>>(8*i+7)&1 == 1; got != want {
						t.Fatalf("byte %d of %q: flagged %v, want %v", i, w, got, want)
					}
				}
			}
		}
	}
}

// TestWordMasks checks, for every byte value at every position of a word
// among plain bytes and special ones, that the lowest byte each mask of the
// tokenizer and the encoder flags is the first byte its scan must stop at.
// (Bytes above it may be flagged too, which the scans never read.)
func TestWordMasks(t *testing.T) {
	ctrlOrHigh := func(b byte) bool { return b < 0x20 || b >= 0x80 }
	for _, c := range []struct {
		name string
		mask func(uint64) uint64
		stop func(byte) bool
	}{
		{"decValueMask", decValueMask, func(b byte) bool { return b < '(' || b == '<' || b >= 0x80 }},
		{"decNotLetter", decNotLetter, func(b byte) bool { return !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z') }},
		{"encTextMask", encTextMask, func(b byte) bool { return ctrlOrHigh(b) || b == '&' || b == '<' || b == '>' }},
		{"encAttrMask", encAttrMask, func(b byte) bool {
			return ctrlOrHigh(b) || b == '&' || b == '<' || b == '>' || b == '\'' || b == '"'
		}},
	} {
		for _, fill := range []byte{'a', ' ', '=', '"', '\'', '%', '(', '>', 0x7F, 0x1F, 0, 0x80, 0xFF, '&', '<'} {
			for pos := range 8 {
				for b := range 256 {
					w := [8]byte{'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'}
					for i := pos + 1; i < 8; i++ {
						w[i] = fill
					}
					w[pos] = byte(b)
					want := 8
					for i, x := range w {
						if c.stop(x) {
							want = i
							break
						}
					}
					got := 8
					if m := c.mask(binary.LittleEndian.Uint64(w[:])); m != 0 {
						got = bits.TrailingZeros64(m) >> 3
					}
					if got != want {
						t.Fatalf("%s, bytes %q: stops at %d, want %d", c.name, w, got, want)
					}
				}
			}
		}
	}
}

// TestIsSpace checks isSpace against XML's definition for every byte.
func TestIsSpace(t *testing.T) {
	for c := range 256 {
		want := c == ' ' || c == '\t' || c == '\n' || c == '\r'
		if got := isSpace(byte(c)); got != want {
			t.Errorf("isSpace(%#x) = %v, want %v", c, got, want)
		}
	}
}

// TestAttrValues decodes values that stop the fast scan of a start tag's
// attributes (spaces, the other quote, '!', '#' to '&', controls made of
// references, non-ASCII), at every length around a word and up to past
// the 32 bytes commonAttrs reads without a branch, in both quotes, with
// and without a long value after them (the 32 bytes fit before the end of
// the input, or do not), and compares them with encoding/xml's.
func TestAttrValues(t *testing.T) {
	pieces := []string{"a", "abcdefgh", " ", "!", "#$%", "\"", "'", "&amp;", "&#x9;", "é", "&lt;", "x y", "(", ")"}
	// A Decoder that has read attributes before: the fast path appends
	// only where the list has room (see commonAttrs).
	var d Decoder
	d.Reset("<w a='1' b='2' c='3' d='4'/>", 0, nil)
	d.Next()
	for _, a := range pieces {
		for _, b := range pieces {
			for pad := range 36 {
				v := strings.Repeat("v", pad) + a + b
				for _, q := range []string{"'", "\""} {
					if strings.Contains(v, q) {
						continue
					}
					tail := " l='z'"
					if pad%2 == 1 {
						tail += " m='" + strings.Repeat("w", 33) + "'"
					}
					in := "<e k=" + q + v + q + tail + strings.Repeat(" ", pad%3) + "/>"
					var want []xml.Attr
					sd := xml.NewDecoder(strings.NewReader(in))
					tok, err := sd.Token()
					if err != nil {
						t.Fatalf("%s: encoding/xml: %v", in, err)
					}
					want = tok.(xml.StartElement).Attr
					d.Reset(in, 0, nil)
					if d.Next() != StartElement {
						t.Fatalf("%s: %v", in, d.Err())
					}
					got := d.Attrs()
					if len(got) != len(want) {
						t.Fatalf("%s: %d attributes, want %d", in, len(got), len(want))
					}
					for i := range got {
						if got[i].Name.Local != want[i].Name.Local || got[i].Value != want[i].Value {
							t.Fatalf("%s: attribute %d = %s=%q, want %s=%q", in, i, got[i].Name.Local, got[i].Value, want[i].Name.Local, want[i].Value)
						}
					}
				}
			}
		}
	}
}

// TestEndTagNames matches end tags against names of every length around
// the word endName compares them in, one byte off at each position, at
// the end of the input and with input after it.
func TestEndTagNames(t *testing.T) {
	const letters = "abcdefghijklmnop"
	for n := 1; n <= len(letters); n++ {
		name := letters[:n]
		for _, tail := range []string{"", "<x/>", "                "} {
			in := "<r><" + name + "></" + name + ">" + tail + "</r>"
			var d Decoder
			d.Reset(in, 0, nil)
			for d.Next() != None {
			}
			if d.Err() != nil {
				t.Errorf("%s: %v", in, d.Err())
			}
			for k := range n {
				bad := name[:k] + "Z" + name[k+1:]
				in := "<r><" + name + "></" + bad + ">" + tail + "</r>"
				d.Reset(in, 0, nil)
				for d.Next() != None {
				}
				if d.Err() == nil {
					t.Errorf("%s: no error", in)
				}
			}
		}
	}
}
