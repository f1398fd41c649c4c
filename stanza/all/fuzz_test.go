package all_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/protoxmpp/protoxmpp/internal/xmltest"
	"github.com/protoxmpp/protoxmpp/stanza"
)

// decodeFirst decodes the first element of in with every generated package
// registered. It returns the element's bytes as read (from its '<' to the
// end of its end tag), or a nil element when in holds none or the decoder
// refused it.
func decodeFirst(in []byte) (stanza.Element, []byte, error) {
	d := stanza.NewDecoder(in)
	for {
		switch d.Next() {
		case stanza.CharData:
			continue
		case stanza.StartElement:
			start := d.Offset()
			v, err := stanza.DecodeElement(d)
			if err != nil {
				return nil, nil, err
			}
			return v, in[start:d.InputOffset()], nil
		default:
			return nil, nil, d.Err()
		}
	}
}

// noScope is the scope of a document on its own: nothing but the xml prefix
// bound, and unprefixed names in no namespace. (xmltest.Canonical with a nil
// scope refuses an unprefixed name where no default namespace is declared,
// instead of putting it in no namespace; {"": ""} says what nil should.)
var noScope = map[string]string{"": ""}

// FuzzGenerated feeds arbitrary bytes to the generated decoders through
// DecodeElement (which picks the registered type for the first element, or
// keeps it raw) and checks the lossless-decoding property:
//
//   - decoding never panics, and fails only on input that is not
//     well-formed restricted XML or breaks a limit (a *stanza.SyntaxError;
//     FuzzDecoder compares that verdict with encoding/xml's): no schema
//     ever makes a well-formed element fail;
//   - the value encodes: everything in it came from XML, so XML can carry it;
//   - the encoding decodes again, and decode-encode is a fixed point (the
//     second encoding is byte for byte the first);
//   - the encoding is the input element as canonical XML, exactly: values
//     in a non-canonical lexical form ('1' for true, '+05') included.
//
// Seeds: every corpus sample and the benchmark stanzas.
func FuzzGenerated(f *testing.F) {
	for _, s := range xmltest.Corpus(f, filepath.Join(root, "testdata", "corpus")) {
		f.Add(s.XML)
	}
	for _, name := range []string{"discoinfo.xml", "message.xml", "presence.xml", "roster.xml"} {
		data, err := os.ReadFile(filepath.Join(root, "testdata", "bench", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	// One input per exclusion below, so that each is exercised on every
	// run and not only when the fuzzer happens on it.
	for _, s := range []string{
		"<presence xmlns='jabber:client'><priority> +05 </priority></presence>",
		"<query xmlns='jabber:iq:roster'><item jid='a@b' approved='1'/></query>",
		"<message xmlns='jabber:client'> </message>",
		"<message xmlns='jabber:client' id='a\tb\r\nc'/>",
		"<message xmlns='jabber:client' \u03f4='x'/>",
		// Whitespace that NextChild reads between tags: alone in an
		// element (kept), between children (dropped), with a carriage
		// return (normalized, read by Next), before a comment-like
		// construct, and among text (every run kept).
		"<query xmlns='jabber:iq:roster'>\n  </query>",
		"<query xmlns='jabber:iq:roster'>\n  <item jid='a@b'/>\n  <item jid='c@d'>\n    <group>g</group>\n  </item>\n</query>",
		"<query xmlns='jabber:iq:roster'>\r\n <item jid='a@b'/>\r\n</query>",
		"<query xmlns='jabber:iq:roster'> \r </query>",
		"<query xmlns='jabber:iq:roster'>\n <![CDATA[ ]]><item jid='a@b'/></query>",
		"<query xmlns='jabber:iq:roster'>\n <item jid='a@b'/> text\n <item jid='c@d'/>\n</query>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		// Decoded from a buffer written over right after, as a reader of
		// a connection does: nothing decoded may share it.
		buf := bytes.Clone(in)
		v, elem, err := decodeFirst(buf)
		elem = bytes.Clone(elem)
		for i := range buf {
			buf[i] = '#'
		}
		var se *stanza.SyntaxError
		if err != nil && !errors.As(err, &se) {
			// Decoding is lossless: well-formed input never fails.
			t.Fatalf("well-formed input refused: %v\n input: %q", err, in)
		}
		if err != nil || v == nil {
			return
		}
		out, err := stanza.Marshal(v)
		if err != nil {
			t.Fatalf("decoded %q into %#v, which does not encode: %v", elem, v, err)
		}
		v2, _, err := decodeFirst(out)
		if err != nil || v2 == nil {
			t.Fatalf("own output does not decode: %v\n input: %q\noutput: %q", err, elem, out)
		}
		out2, err := stanza.Marshal(v2)
		if err != nil {
			t.Fatalf("second encoding failed: %v\n input: %q\noutput: %q", err, elem, out)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("decode-encode is not a fixed point:\n input: %q\n first: %q\nsecond: %q", elem, out, out2)
		}
		want, got, err := canonicalPair(elem, out)
		if err != nil {
			t.Fatalf("%v\n input: %q\noutput: %q", err, elem, out)
		}
		if want != got {
			t.Fatalf("output differs from input as canonical XML (-input +output):\n input: %q\noutput: %q\n%s", elem, out, cmp.Diff(want, got))
		}
	})
}

// canonicalPair returns the canonical forms of the input element and of the
// output (xmltest.Canonical normalizes attribute values).
//
// encoding/xml, under xmltest.Canonical, checks names with the character
// classes of XML 1.0 fourth edition, and the Decoder with the wider ones of
// the fifth edition (productions 4 and 4a). When the reference refuses a
// name part that is a fifth-edition NCName holding a non-ASCII character,
// that part is replaced by the same ASCII stand-in in both inputs and the
// comparison made again; any other refusal is an error.
func canonicalPair(elem, out []byte) (want, got string, err error) {
	for i := 0; ; i++ {
		want, err = xmltest.Canonical(elem, noScope)
		if err != nil {
			part, ok := fifthEditionOnly(err)
			if !ok || i == 8 {
				return "", "", fmt.Errorf("decoder accepted what the reference refuses: %w", err)
			}
			stand := []byte("ZzName" + strconv.Itoa(i))
			elem = bytes.ReplaceAll(elem, []byte(part), stand)
			out = bytes.ReplaceAll(out, []byte(part), stand)
			continue
		}
		got, err = xmltest.Canonical(out, noScope)
		if err != nil {
			return "", "", fmt.Errorf("output is not namespace-well-formed: %w", err)
		}
		return want, got, nil
	}
}

// fifthEditionOnly returns the part of the name encoding/xml refused in err
// (a prefix or local name) when it is one the fifth edition allows and that
// holds a non-ASCII character.
func fifthEditionOnly(err error) (string, bool) {
	const marker = "invalid XML name: "
	msg := err.Error()
	i := strings.Index(msg, marker)
	if i < 0 {
		return "", false
	}
	for _, part := range strings.Split(msg[i+len(marker):], ":") {
		if isNCName5(part) && strings.IndexFunc(part, func(r rune) bool { return r >= utf8.RuneSelf }) >= 0 {
			return part, true
		}
	}
	return "", false
}

// isNCName5 reports whether s is an NCName by XML 1.0 fifth edition
// productions 4 and 4a (transcribed from the specification, independently of
// the Decoder's tables).
func isNCName5(s string) bool {
	if s == "" || !utf8.ValidString(s) {
		return false
	}
	for i, r := range s {
		start := r == '_' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' ||
			0xC0 <= r && r <= 0xD6 || 0xD8 <= r && r <= 0xF6 || 0xF8 <= r && r <= 0x2FF ||
			0x370 <= r && r <= 0x37D || 0x37F <= r && r <= 0x1FFF || 0x200C <= r && r <= 0x200D ||
			0x2070 <= r && r <= 0x218F || 0x2C00 <= r && r <= 0x2FEF || 0x3001 <= r && r <= 0xD7FF ||
			0xF900 <= r && r <= 0xFDCF || 0xFDF0 <= r && r <= 0xFFFD || 0x10000 <= r && r <= 0xEFFFF
		if start {
			continue
		}
		if i == 0 {
			return false
		}
		if !(r == '-' || r == '.' || '0' <= r && r <= '9' || r == 0xB7 ||
			0x300 <= r && r <= 0x36F || 0x203F <= r && r <= 0x2040) {
			return false
		}
	}
	return true
}
