package stanza_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/quick"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/protoxmpp/protoxmpp/stanza"
)

const (
	nsClient    = "jabber:client"
	nsStream    = "http://etherx.jabber.org/streams"
	nsTLS       = "urn:ietf:params:xml:ns:xmpp-tls"
	nsDelay     = "urn:xmpp:delay"
	nsChatState = "http://jabber.org/protocol/chatstates"
	nsSID       = "urn:xmpp:sid:0"
)

// streamScope is what the stream header of a client stream declares.
var streamScope = []stanza.NSBinding{{Prefix: "", Space: nsClient}, {Prefix: "stream", Space: nsStream}}

func ExampleEncoder() {
	// The stream header declared these; stanzas are written inside it.
	scope := []stanza.NSBinding{{Space: "jabber:client"}, {Prefix: "stream", Space: "http://etherx.jabber.org/streams"}}
	e := stanza.NewEncoder(nil)
	e.SetScope(scope)
	e.Start("jabber:client", "message")
	e.Attr("to", "juliet@example.com")
	e.Attr("type", "chat")
	e.AttrNS(stanza.NSXML, "lang", "en")
	e.Element("jabber:client", "body", "Art thou not Romeo, & a Montague?")
	e.Start("http://jabber.org/protocol/chatstates", "active")
	e.End()
	e.End()
	if err := e.Err(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(e.Bytes()))

	// Reuse the encoder and its buffer for the next stanza. Reset clears the
	// scope too.
	e.Reset(e.Bytes()[:0])
	e.SetScope(scope)
	e.Start("http://etherx.jabber.org/streams", "error")
	e.Element("urn:ietf:params:xml:ns:xmpp-streams", "conflict", "")
	e.End()
	fmt.Println(string(e.Bytes()))

	// Errors are sticky: check once at the end.
	e.Reset(e.Bytes()[:0])
	e.Start("jabber:client", "message")
	e.Element("jabber:client", "body", "bell\a")
	e.End()
	fmt.Println(e.Err())
	// Output:
	// <message to='juliet@example.com' type='chat' xml:lang='en'><body>Art thou not Romeo, &amp; a Montague?</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>
	// <stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>
	// stanza: encode <body>: text at byte offset 4: invalid character U+0007
}

func ExampleEncoder_StartPrefixed() {
	// A stream header: opened, never closed by this encoder.
	e := stanza.NewEncoder(nil)
	e.StartPrefixed("stream", "http://etherx.jabber.org/streams", "stream")
	e.DeclareNS("", "jabber:client")
	e.Attr("to", "example.com")
	e.Attr("version", "1.0")
	e.CloseStartTag()
	fmt.Println(string(e.Bytes()), e.Depth())
	// Output:
	// <stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client' to='example.com' version='1.0'> 1
}

func TestEncoderEscapeText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", "<a/>"},
		{"plain", "hello world", "<a>hello world</a>"},
		{"amp", "a&b", "<a>a&amp;b</a>"},
		{"lt", "a<b", "<a>a&lt;b</a>"},
		{"gt", "a>b", "<a>a&gt;b</a>"},
		{"cdata end", "]]>", "<a>]]&gt;</a>"},
		{"cr", "a\rb", "<a>a&#xD;b</a>"},
		{"crlf", "a\r\nb", "<a>a&#xD;\nb</a>"},
		{"tab and lf kept", "a\tb\nc", "<a>a\tb\nc</a>"},
		{"quotes kept", `'"`, `<a>'"</a>`},
		{"entity-like", "&amp;", "<a>&amp;amp;</a>"},
		{"all specials", "&<>\r", "<a>&amp;&lt;&gt;&#xD;</a>"},
		{"del allowed", "\x7f", "<a>\x7f</a>"},
		{"non-ASCII", "héllo €", "<a>héllo €</a>"},
		{"non-ASCII then escape", "é&ü<", "<a>é&amp;ü&lt;</a>"},
		{"astral", "😀<😀", "<a>😀&lt;😀</a>"},
		{"replacement char", "\uFFFD", "<a>\uFFFD</a>"},
		{"max rune", "\U0010FFFF", "<a>\U0010FFFF</a>"},
		{"non-character above BMP allowed", "\U0001FFFE", "<a>\U0001FFFE</a>"},
		{"private use", "\uE000\uFFFD", "<a>\uE000\uFFFD</a>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := stanza.NewEncoder(nil)
			e.Start("", "a")
			e.Text(tt.in)
			e.End()
			if err := e.Err(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(e.Bytes())); diff != "" {
				t.Errorf("Start/Text/End (-want +got):\n%s", diff)
			}
			// Element's fast path must agree.
			e.Reset(nil)
			e.Element("", "a", tt.in)
			if diff := cmp.Diff(tt.want, string(e.Bytes())); diff != "" {
				t.Errorf("Element (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEncoderEscapeAttr(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", "<a x=''/>"},
		{"plain", "alice@example.com/res", "<a x='alice@example.com/res'/>"},
		{"amp", "a&b", "<a x='a&amp;b'/>"},
		{"lt", "a<b", "<a x='a&lt;b'/>"},
		{"gt", "a>b", "<a x='a&gt;b'/>"},
		{"apos", "it's", "<a x='it&apos;s'/>"},
		{"quot", `say "hi"`, "<a x='say &quot;hi&quot;'/>"},
		{"tab", "a\tb", "<a x='a&#x9;b'/>"},
		{"lf", "a\nb", "<a x='a&#xA;b'/>"},
		{"cr", "a\rb", "<a x='a&#xD;b'/>"},
		{"crlf", "\r\n", "<a x='&#xD;&#xA;'/>"},
		{"space kept", "a  b", "<a x='a  b'/>"},
		{"all specials", "&<>'\"\t\n\r", "<a x='&amp;&lt;&gt;&apos;&quot;&#x9;&#xA;&#xD;'/>"},
		{"non-ASCII", "Jürgen's café", "<a x='Jürgen&apos;s café'/>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := stanza.NewEncoder(nil)
			e.Start("", "a")
			e.Attr("x", tt.in)
			e.End()
			if err := e.Err(); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(e.Bytes())); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// refEscape is the test's reference escaper: it returns s escaped as the
// encoder must write it, or the offset of the first forbidden character.
func refEscape(s string, attr bool) (string, int) {
	if bad := forbiddenAt(s); bad >= 0 {
		return "", bad
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\r':
			b.WriteString("&#xD;")
		case attr && r == '\'':
			b.WriteString("&apos;")
		case attr && r == '"':
			b.WriteString("&quot;")
		case attr && r == '\t':
			b.WriteString("&#x9;")
		case attr && r == '\n':
			b.WriteString("&#xA;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), -1
}

// TestEncoderEscapeEveryPosition puts every byte value, and some multi-byte
// characters, at every position of a string long enough for the word-wide
// scan, and compares with the reference escaper.
func TestEncoderEscapeEveryPosition(t *testing.T) {
	var pieces []string
	for c := range 256 {
		pieces = append(pieces, string([]byte{byte(c)}))
	}
	pieces = append(pieces, "é", "€", "😀", "\uFFFD", "\uFFFE", "\uFFFF", "\U0010FFFF", "\xed\xa0\x80", "\xc3", "\xe2\x82", "&<", "\r\n")
	e := stanza.NewEncoder(nil)
	for _, attr := range []bool{false, true} {
		for _, piece := range pieces {
			for pos := range 20 {
				s := strings.Repeat("a", pos) + piece + strings.Repeat("z", 19-pos)
				e.Reset(nil)
				if attr {
					e.Start("", "a")
					e.Attr("x", s)
				} else {
					e.Text(s)
				}
				want, bad := refEscape(s, attr)
				if bad >= 0 {
					err := e.Err()
					if err == nil || !strings.Contains(err.Error(), fmt.Sprintf(" at byte offset %d: ", bad)) {
						t.Errorf("attr=%v %q: error %v, want one at byte offset %d", attr, s, err, bad)
					}
					continue
				}
				if err := e.Err(); err != nil {
					t.Errorf("attr=%v %q: %v", attr, s, err)
					continue
				}
				got := string(e.Bytes())
				if attr {
					want = "<a x='" + want + "'"
				}
				if got != want {
					t.Errorf("attr=%v %q: got %q, want %q", attr, s, got, want)
				}
			}
		}
	}
}

func TestEncoderForbiddenCharacters(t *testing.T) {
	tests := []struct {
		name string
		in   string
		off  int
		msg  string
	}{
		{"NUL", "ab\x00", 2, "invalid character U+0000"},
		{"SOH", "\x01", 0, "invalid character U+0001"},
		{"vertical tab", "a\vb", 1, "invalid character U+000B"},
		{"form feed", "a\fb", 1, "invalid character U+000C"},
		{"unit separator", "a\x1f", 1, "invalid character U+001F"},
		{"escape before bad", "&\x02", 1, "invalid character U+0002"},
		{"U+FFFE", "é\uFFFE", 2, "invalid character U+FFFE"},
		{"U+FFFF", "x\uFFFF", 1, "invalid character U+FFFF"},
		{"lone continuation byte", "a\x80", 1, "invalid UTF-8"},
		{"truncated sequence", "ab\xc3", 2, "invalid UTF-8"},
		{"truncated before ASCII", "\xe2\x82z", 0, "invalid UTF-8"},
		{"0xFF", "\xff", 0, "invalid UTF-8"},
		{"overlong", "\xc0\xaf", 0, "invalid UTF-8"},
		{"surrogate", "ok\xed\xa0\x80", 2, "invalid UTF-8"},
		{"above U+10FFFF", "\xf4\x90\x80\x80", 0, "invalid UTF-8"},
		{"bad after good multibyte", "€€\xff", 6, "invalid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Text inside <body>.
			e := stanza.NewEncoder(nil)
			e.Start(nsClient, "body")
			e.Text(tt.in)
			e.End()
			checkCharError(t, e.Err(), fmt.Sprintf("stanza: encode <body>: text at byte offset %d: %s", tt.off, tt.msg))

			// Element's fast path names the element too.
			e.Reset(nil)
			e.Element("", "thread", tt.in)
			checkCharError(t, e.Err(), fmt.Sprintf("stanza: encode <thread>: text at byte offset %d: %s", tt.off, tt.msg))

			// Attribute value.
			e.Reset(nil)
			e.Start(nsClient, "message")
			e.Attr("to", tt.in)
			checkCharError(t, e.Err(), fmt.Sprintf("stanza: encode <message>: attribute to at byte offset %d: %s", tt.off, tt.msg))

			// Namespaced attribute value.
			e.Reset(nil)
			e.Start(nsClient, "message")
			e.AttrNS(stanza.NSXML, "lang", tt.in)
			checkCharError(t, e.Err(), fmt.Sprintf("stanza: encode <message>: attribute xml:lang at byte offset %d: %s", tt.off, tt.msg))

			// Namespace name.
			e.Reset(nil)
			e.Start("urn:"+tt.in, "x")
			checkCharError(t, e.Err(), fmt.Sprintf("stanza: encode <x>: namespace at byte offset %d: %s", tt.off+4, tt.msg))
		})
	}
}

func checkCharError(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Errorf("no error, want %q", want)
		return
	}
	if !errors.Is(err, stanza.ErrEncode) || !errors.Is(err, stanza.ErrInvalidUTF8) {
		t.Errorf("error %q does not match ErrEncode and ErrInvalidUTF8", err)
	}
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}

// encodeCase is a sequence of encoder calls and its expected output.
type encodeCase struct {
	name  string
	scope []stanza.NSBinding
	run   func(e *stanza.Encoder)
	want  string
	// names, if set, is every start element and attribute of the output as
	// encoding/xml resolves them (see resolvedNames).
	names []string
}

func TestEncoderNamespaces(t *testing.T) {
	const a, b, c = "urn:a", "urn:b", "urn:c"
	tests := []encodeCase{{
		name:  "empty element in scope default",
		scope: streamScope,
		run: func(e *stanza.Encoder) {
			e.Start(nsClient, "presence")
			e.End()
		},
		want:  "<presence/>",
		names: []string{"{jabber:client}presence"},
	}, {
		name: "nested same namespace writes xmlns once",
		run: func(e *stanza.Encoder) {
			e.Start(a, "x")
			e.Start(a, "y")
			e.Start(a, "z")
			e.End()
			e.End()
			e.End()
		},
		want:  "<x xmlns='urn:a'><y><z/></y></x>",
		names: []string{"{urn:a}x", "{urn:a}y", "{urn:a}z"},
	}, {
		name: "child in other namespace and back to parent namespace",
		run: func(e *stanza.Encoder) {
			e.Start(a, "x")
			e.Start(b, "y")
			e.Start(a, "z")
			e.End()
			e.End()
			e.Start(a, "w")
			e.End()
			e.End()
		},
		want:  "<x xmlns='urn:a'><y xmlns='urn:b'><z xmlns='urn:a'/></y><w/></x>",
		names: []string{"{urn:a}x", "{urn:b}y", "{urn:a}z", "{urn:a}w"},
	}, {
		name:  "scope default namespace",
		scope: streamScope,
		run: func(e *stanza.Encoder) {
			e.Start(nsClient, "message")
			e.Attr("to", "bob@example.com")
			e.Element(nsClient, "body", "hi")
			e.End()
		},
		want:  "<message to='bob@example.com'><body>hi</body></message>",
		names: []string{"{jabber:client}message", "@to=bob@example.com", "{jabber:client}body"},
	}, {
		name:  "scope with prefix",
		scope: streamScope,
		run: func(e *stanza.Encoder) {
			e.Start(nsStream, "features")
			e.Start(nsTLS, "starttls")
			e.Start(nsTLS, "required")
			e.End()
			e.End()
			e.End()
		},
		want:  "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>",
		names: []string{"{" + nsStream + "}features", "{" + nsTLS + "}starttls", "{" + nsTLS + "}required"},
	}, {
		name:  "stream error with text",
		scope: streamScope,
		run: func(e *stanza.Encoder) {
			e.Start(nsStream, "error")
			e.Start("urn:ietf:params:xml:ns:xmpp-streams", "conflict")
			e.End()
			e.End()
		},
		want: "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
	}, {
		name:  "xml:lang",
		scope: streamScope,
		run: func(e *stanza.Encoder) {
			e.Start(nsClient, "message")
			e.AttrNS(stanza.NSXML, "lang", "en")
			e.End()
		},
		want:  "<message xml:lang='en'/>",
		names: []string{"{jabber:client}message", "@{" + stanza.NSXML + "}lang=en"},
	}, {
		name: "AttrNS with foreign namespaces declares prefixes",
		run: func(e *stanza.Encoder) {
			e.Start(a, "x")
			e.AttrNS(b, "y", "1")
			e.AttrNS(b, "z", "2")
			e.AttrNS(c, "w", "3")
			e.End()
		},
		want:  "<x xmlns='urn:a' xmlns:ns1='urn:b' ns1:y='1' ns1:z='2' xmlns:ns2='urn:c' ns2:w='3'/>",
		names: []string{"{urn:a}x", "@{urn:b}y=1", "@{urn:b}z=2", "@{urn:c}w=3"},
	}, {
		name: "AttrNS reuses a prefix in effect",
		run: func(e *stanza.Encoder) {
			e.Start(a, "x")
			e.AttrNS(b, "y", "1")
			e.Start(a, "c")
			e.AttrNS(b, "z", "2")
			e.End()
			e.End()
		},
		want:  "<x xmlns='urn:a' xmlns:ns1='urn:b' ns1:y='1'><c ns1:z='2'/></x>",
		names: []string{"{urn:a}x", "@{urn:b}y=1", "{urn:a}c", "@{urn:b}z=2"},
	}, {
		name: "AttrNS in the element's own namespace needs a prefix",
		run: func(e *stanza.Encoder) {
			e.Start(a, "x")
			e.AttrNS(a, "y", "1")
			e.Attr("y", "2")
			e.End()
		},
		want:  "<x xmlns='urn:a' xmlns:ns1='urn:a' ns1:y='1' y='2'/>",
		names: []string{"{urn:a}x", "@{urn:a}y=1", "@y=2"},
	}, {
		name:  "AttrNS uses a scope prefix",
		scope: streamScope,
		run: func(e *stanza.Encoder) {
			e.Start(nsClient, "message")
			e.AttrNS(nsStream, "foo", "1")
			e.End()
		},
		want:  "<message stream:foo='1'/>",
		names: []string{"{jabber:client}message", "@{" + nsStream + "}foo=1"},
	}, {
		name:  "generated prefix skips bound ones",
		scope: []stanza.NSBinding{{Prefix: "ns1", Space: c}},
		run: func(e *stanza.Encoder) {
			e.Start(a, "x")
			e.AttrNS(b, "y", "1")
			e.End()
		},
		want:  "<x xmlns='urn:a' xmlns:ns2='urn:b' ns2:y='1'/>",
		names: []string{"{urn:a}x", "@{urn:b}y=1"},
	}, {
		name: "generated prefix goes out of scope at End",
		run: func(e *stanza.Encoder) {
			e.Start(a, "x")
			e.Start(a, "y")
			e.AttrNS(b, "p", "1")
			e.End()
			e.Start(a, "y")
			e.AttrNS(c, "q", "2")
			e.End()
			e.End()
		},
		want:  "<x xmlns='urn:a'><y xmlns:ns1='urn:b' ns1:p='1'/><y xmlns:ns1='urn:c' ns1:q='2'/></x>",
		names: []string{"{urn:a}x", "{urn:a}y", "@{urn:b}p=1", "{urn:a}y", "@{urn:c}q=2"},
	}, {
		name:  "empty namespace under a default writes xmlns empty once",
		scope: streamScope,
		run: func(e *stanza.Encoder) {
			e.Start("", "x")
			e.Start("", "y")
			e.End()
			e.End()
			e.Start(nsClient, "iq")
			e.End()
		},
		want:  "<x xmlns=''><y/></x><iq/>",
		names: []string{"x", "y", "{jabber:client}iq"},
	}, {
		name: "empty namespace without default",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.Start(b, "b")
			e.Start("", "c")
			e.End()
			e.End()
			e.End()
		},
		want:  "<a><b xmlns='urn:b'><c xmlns=''/></b></a>",
		names: []string{"a", "{urn:b}b", "c"},
	}, {
		name: "element in a prefixed namespace uses the prefix",
		run: func(e *stanza.Encoder) {
			e.StartPrefixed("p", a, "x")
			e.Start(a, "y")
			e.End()
			e.End()
		},
		want:  "<p:x xmlns:p='urn:a'><p:y/></p:x>",
		names: []string{"{urn:a}x", "{urn:a}y"},
	}, {
		name: "shadowed prefix is not used",
		run: func(e *stanza.Encoder) {
			e.StartPrefixed("p", a, "x")
			e.StartPrefixed("p", b, "y")
			e.Start(a, "z")
			e.End()
			e.End()
			e.End()
		},
		want:  "<p:x xmlns:p='urn:a'><p:y xmlns:p='urn:b'><z xmlns='urn:a'/></p:y></p:x>",
		names: []string{"{urn:a}x", "{urn:b}y", "{urn:a}z"},
	}, {
		name:  "StartPrefixed with a prefix already bound",
		scope: streamScope,
		run: func(e *stanza.Encoder) {
			e.StartPrefixed("stream", nsStream, "error")
			e.End()
		},
		want: "<stream:error/>",
	}, {
		name:  "StartPrefixed empty prefix declares the default",
		scope: streamScope,
		run: func(e *stanza.Encoder) {
			e.StartPrefixed("", nsStream, "x")
			e.StartPrefixed("", nsStream, "y")
			e.End()
			e.End()
		},
		want:  "<x xmlns='http://etherx.jabber.org/streams'><y/></x>",
		names: []string{"{" + nsStream + "}x", "{" + nsStream + "}y"},
	}, {
		name: "DeclareNS",
		run: func(e *stanza.Encoder) {
			e.Start(a, "x")
			e.DeclareNS("q", b)
			e.DeclareNS("q", b) // no-op
			e.DeclareNS("", a)  // no-op: already declared by Start
			e.Start(b, "y")
			e.End()
			e.End()
		},
		want:  "<x xmlns='urn:a' xmlns:q='urn:b'><q:y/></x>",
		names: []string{"{urn:a}x", "{urn:b}y"},
	}, {
		name: "DeclareNS default on prefixed element",
		run: func(e *stanza.Encoder) {
			e.StartPrefixed("p", a, "x")
			e.DeclareNS("", b)
			e.Start(b, "y")
			e.End()
			e.End()
		},
		want:  "<p:x xmlns:p='urn:a' xmlns='urn:b'><y/></p:x>",
		names: []string{"{urn:a}x", "{urn:b}y"},
	}, {
		name: "Element with empty text is an empty-element tag",
		run: func(e *stanza.Encoder) {
			e.Element(a, "x", "")
			e.Element("", "y", "")
		},
		want:  "<x xmlns='urn:a'/><y/>",
		names: []string{"{urn:a}x", "y"},
	}, {
		name: "Element in another namespace",
		run: func(e *stanza.Encoder) {
			e.Start(a, "x")
			e.Element(b, "y", "t")
			e.Element(a, "z", "u")
			e.End()
		},
		want:  "<x xmlns='urn:a'><y xmlns='urn:b'>t</y><z>u</z></x>",
		names: []string{"{urn:a}x", "{urn:b}y", "{urn:a}z"},
	}, {
		name:  "Element in a prefixed namespace",
		scope: streamScope,
		run: func(e *stanza.Encoder) {
			e.Element(nsStream, "x", "t")
		},
		want: "<stream:x>t</stream:x>",
	}, {
		name: "empty Text keeps an empty-element tag",
		run: func(e *stanza.Encoder) {
			e.Start(a, "x")
			e.Text("")
			e.WriteRaw("")
			e.End()
		},
		want: "<x xmlns='urn:a'/>",
	}, {
		name: "mixed content",
		run: func(e *stanza.Encoder) {
			e.Start("", "p")
			e.Text("a ")
			e.Element("", "b", "bold")
			e.Text(" c")
			e.End()
		},
		want: "<p>a <b>bold</b> c</p>",
	}, {
		name: "WriteRaw closes the start tag",
		run: func(e *stanza.Encoder) {
			e.Start(a, "x")
			e.Attr("k", "v")
			e.WriteRaw("<r xmlns='urn:r'>kept &amp; as is</r>")
			e.End()
		},
		want:  "<x xmlns='urn:a' k='v'><r xmlns='urn:r'>kept &amp; as is</r></x>",
		names: []string{"{urn:a}x", "@k=v", "{urn:r}r"},
	}, {
		name: "namespace name is escaped",
		run: func(e *stanza.Encoder) {
			e.Start("urn:a&b'c", "x")
			e.End()
		},
		want:  "<x xmlns='urn:a&amp;b&apos;c'/>",
		names: []string{"{urn:a&b'c}x"},
	}, {
		name: "element in the xml namespace",
		run: func(e *stanza.Encoder) {
			e.Start(stanza.NSXML, "x")
			e.End()
		},
		want: "<xml:x/>",
	}, {
		name: "non-ASCII names",
		run: func(e *stanza.Encoder) {
			e.Start("", "été")
			e.Attr("ça·va", "oui")
			e.End()
		},
		want: "<été ça·va='oui'/>",
	}, {
		name: "several top-level elements and whitespace",
		run: func(e *stanza.Encoder) {
			e.Element("", "a", "1")
			e.Text(" ")
			e.Element("", "b", "2")
		},
		want: "<a>1</a> <b>2</b>",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := stanza.NewEncoder([]byte("prefix:"))
			e.SetScope(tt.scope)
			tt.run(e)
			if err := e.Err(); err != nil {
				t.Fatal(err)
			}
			got := string(e.Bytes())
			if !strings.HasPrefix(got, "prefix:") {
				t.Fatalf("output %q lost the initial buffer", got)
			}
			got = strings.TrimPrefix(got, "prefix:")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if e.Depth() != 0 {
				t.Errorf("Depth() = %d at the end, want 0", e.Depth())
			}
			names, err := resolvedNames(tt.scope, got)
			if err != nil {
				t.Fatalf("encoding/xml cannot read the output: %v", err)
			}
			if tt.names != nil {
				if diff := cmp.Diff(tt.names, names); diff != "" {
					t.Errorf("names as encoding/xml resolves them (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// resolvedNames parses doc, wrapped in a root element declaring scope, with
// encoding/xml, and lists each start element as {space}local followed by its
// attributes as @{space}local=value (namespace declarations left out).
func resolvedNames(scope []stanza.NSBinding, doc string) ([]string, error) {
	var root strings.Builder
	root.WriteString("<root")
	for _, b := range scope {
		if b.Prefix == "" {
			fmt.Fprintf(&root, " xmlns='%s'", b.Space)
		} else {
			fmt.Fprintf(&root, " xmlns:%s='%s'", b.Prefix, b.Space)
		}
	}
	root.WriteString(">")
	d := xml.NewDecoder(strings.NewReader(root.String() + doc + "</root>"))
	var names []string
	name := func(n xml.Name) string {
		if n.Space == "" {
			return n.Local
		}
		return "{" + n.Space + "}" + n.Local
	}
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return names, nil
		}
		if err != nil {
			return names, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				continue
			}
			names = append(names, name(tok.Name))
			for _, a := range tok.Attr {
				if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
					continue
				}
				names = append(names, "@"+name(a.Name)+"="+a.Value)
			}
		case xml.EndElement:
			depth--
		}
	}
}

func TestEncoderStreamHeader(t *testing.T) {
	e := stanza.NewEncoder(nil)
	e.StartPrefixed("stream", nsStream, "stream")
	e.DeclareNS("", nsClient)
	e.Attr("to", "example.com")
	e.Attr("version", "1.0")
	e.AttrNS(stanza.NSXML, "lang", "en")
	e.CloseStartTag()
	if e.Depth() != 1 {
		t.Errorf("Depth() = %d after the header, want 1", e.Depth())
	}
	e.Start(nsClient, "presence")
	e.End()
	e.Start(nsStream, "features")
	e.End()
	want := "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client'" +
		" to='example.com' version='1.0' xml:lang='en'><presence/><stream:features/>"
	if diff := cmp.Diff(want, string(e.Bytes())); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	e.End()
	want += "</stream:stream>"
	if diff := cmp.Diff(want, string(e.Bytes())); diff != "" {
		t.Errorf("after End (-want +got):\n%s", diff)
	}
	if err := e.Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := resolvedNames(nil, string(e.Bytes())); err != nil {
		t.Errorf("encoding/xml cannot read the output: %v", err)
	}
}

func TestEncoderLookup(t *testing.T) {
	type state struct {
		Depth    int
		Default  string
		Stream   string
		StreamOK bool
		NS1      string
		NS1OK    bool
		XML      string
		Empty    string
		EmptyOK  bool
	}
	snap := func(e *stanza.Encoder) state {
		var s state
		s.Depth = e.Depth()
		s.Default = e.DefaultNS()
		s.Stream, s.StreamOK = e.LookupPrefix("stream")
		s.NS1, s.NS1OK = e.LookupPrefix("ns1")
		s.XML, _ = e.LookupPrefix("xml")
		s.Empty, s.EmptyOK = e.LookupPrefix("")
		return s
	}
	e := stanza.NewEncoder(nil)
	var got []state
	got = append(got, snap(e))
	e.SetScope(streamScope)
	got = append(got, snap(e))
	e.Start(nsClient, "message")
	e.Start(nsDelay, "delay")
	e.AttrNS("urn:x", "a", "1")
	got = append(got, snap(e)) // start tag open: inside delay
	e.Start("", "y")
	got = append(got, snap(e))
	e.End()
	e.End()
	got = append(got, snap(e))
	e.End()
	got = append(got, snap(e))
	e.Reset(nil)
	got = append(got, snap(e))
	if err := e.Err(); err != nil {
		t.Fatal(err)
	}
	want := []state{
		{XML: stanza.NSXML},
		{Default: nsClient, Stream: nsStream, StreamOK: true, XML: stanza.NSXML, Empty: nsClient, EmptyOK: true},
		{Depth: 2, Default: nsDelay, Stream: nsStream, StreamOK: true, NS1: "urn:x", NS1OK: true, XML: stanza.NSXML, Empty: nsDelay, EmptyOK: true},
		{Depth: 3, Stream: nsStream, StreamOK: true, NS1: "urn:x", NS1OK: true, XML: stanza.NSXML},
		{Depth: 1, Default: nsClient, Stream: nsStream, StreamOK: true, XML: stanza.NSXML, Empty: nsClient, EmptyOK: true},
		{Default: nsClient, Stream: nsStream, StreamOK: true, XML: stanza.NSXML, Empty: nsClient, EmptyOK: true},
		{XML: stanza.NSXML},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEncoderErrors(t *testing.T) {
	const a, b = "urn:a", "urn:b"
	tests := []struct {
		name  string
		scope []stanza.NSBinding
		run   func(e *stanza.Encoder)
		want  string // error text
		utf8  bool   // also matches ErrInvalidUTF8
	}{{
		name: "End with no open element",
		run:  func(e *stanza.Encoder) { e.End() },
		want: "stanza: encode: End: no open element",
	}, {
		name: "unbalanced End",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.End()
			e.End()
		},
		want: "stanza: encode: End: no open element",
	}, {
		name: "Attr after content",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.Text("x")
			e.Attr("k", "v")
		},
		want: "stanza: encode <a>: attribute k: no start tag is open",
	}, {
		name: "Attr outside any element",
		run:  func(e *stanza.Encoder) { e.Attr("k", "v") },
		want: "stanza: encode: attribute k: no start tag is open",
	}, {
		name: "AttrNS after End",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.End()
			e.AttrNS(stanza.NSXML, "lang", "en")
		},
		want: "stanza: encode: attribute lang: no start tag is open",
	}, {
		name: "duplicate attribute",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.Attr("k", "1")
			e.Attr("k", "2")
		},
		want: "stanza: encode <a>: attribute k: duplicate attribute",
	}, {
		name: "duplicate namespaced attribute",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.AttrNS(stanza.NSXML, "lang", "en")
			e.AttrNS(stanza.NSXML, "lang", "de")
		},
		want: "stanza: encode <a>: attribute lang: duplicate attribute in namespace " + stanza.NSXML,
	}, {
		name: "attribute named xmlns",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.Attr("xmlns", "urn:x")
		},
		want: "stanza: encode <a>: attribute xmlns: namespace declarations are written with DeclareNS",
	}, {
		name: "attribute in the xmlns namespace",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.AttrNS(stanza.NSXMLNS, "p", "urn:x")
		},
		want: "stanza: encode <a>: attribute p: namespace declarations are written with DeclareNS",
	}, {
		name: "element name with colon",
		run:  func(e *stanza.Encoder) { e.Start("", "a:b") },
		want: `stanza: encode: element name at byte offset 1: invalid name "a:b": character U+003A ':'`,
	}, {
		name: "empty element name",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.Start("", "")
		},
		want: "stanza: encode <a>: element name at byte offset 0: empty name",
	}, {
		name: "element name starting with a digit",
		run:  func(e *stanza.Encoder) { e.Element("", "1a", "x") },
		want: `stanza: encode: element name at byte offset 0: invalid name "1a": character U+0031 '1'`,
	}, {
		name: "element name with space",
		run:  func(e *stanza.Encoder) { e.Element("urn:x", "a b", "x") },
		want: `stanza: encode: element name at byte offset 1: invalid name "a b": character U+0020 ' '`,
	}, {
		name: "element name with invalid UTF-8",
		run:  func(e *stanza.Encoder) { e.StartPrefixed("p", "urn:x", "a\xff") },
		want: `stanza: encode: element name at byte offset 1: invalid name "a\xff": invalid UTF-8`,
	}, {
		name: "element name starting with a combining mark",
		run:  func(e *stanza.Encoder) { e.Start("", "\u0300a") },
		want: "stanza: encode: element name at byte offset 0: invalid name \"\u0300a\": character U+0300 '\u0300'",
	}, {
		name: "attribute name with colon",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.Attr("xml:lang", "en")
		},
		want: `stanza: encode <a>: attribute name at byte offset 3: invalid name "xml:lang": character U+003A ':'`,
	}, {
		name: "namespaced attribute name empty",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.AttrNS("urn:x", "", "v")
		},
		want: "stanza: encode <a>: attribute name at byte offset 0: empty name",
	}, {
		name: "bad prefix",
		run:  func(e *stanza.Encoder) { e.StartPrefixed("1p", a, "x") },
		want: `stanza: encode: prefix at byte offset 0: invalid name "1p": character U+0031 '1'`,
	}, {
		name: "prefix xmlns",
		run:  func(e *stanza.Encoder) { e.StartPrefixed("xmlns", a, "x") },
		want: "stanza: encode: element <xmlns:x>: prefix xmlns is reserved",
	}, {
		name: "prefix xml bound to another namespace",
		run:  func(e *stanza.Encoder) { e.StartPrefixed("xml", a, "x") },
		want: "stanza: encode: element <xml:x>: prefix xml must be bound to " + stanza.NSXML,
	}, {
		name: "xml namespace bound to another prefix",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.DeclareNS("x", stanza.NSXML)
		},
		want: "stanza: encode <a>: declaration xmlns:x: namespace " + stanza.NSXML + " cannot be bound to prefix x",
	}, {
		name: "prefix bound to the empty namespace",
		run:  func(e *stanza.Encoder) { e.StartPrefixed("p", "", "x") },
		want: "stanza: encode: element <p:x>: prefix p cannot be bound to the empty namespace",
	}, {
		name: "xml namespace as default",
		run:  func(e *stanza.Encoder) { e.StartPrefixed("", stanza.NSXML, "x") },
		want: "stanza: encode: element <x>: namespace " + stanza.NSXML + " cannot be the default namespace",
	}, {
		name: "element in the xmlns namespace",
		run:  func(e *stanza.Encoder) { e.Start(stanza.NSXMLNS, "x") },
		want: "stanza: encode: element <x>: namespace " + stanza.NSXMLNS + " is reserved",
	}, {
		name: "DeclareNS with no open start tag",
		run:  func(e *stanza.Encoder) { e.DeclareNS("p", a) },
		want: "stanza: encode: declaration xmlns:p: no start tag is open",
	}, {
		name: "DeclareNS xmlns default as xmlns namespace",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.DeclareNS("", stanza.NSXMLNS)
		},
		want: "stanza: encode <a>: declaration xmlns: namespace " + stanza.NSXMLNS + " cannot be the default namespace",
	}, {
		name: "DeclareNS prefix twice",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.DeclareNS("p", a)
			e.DeclareNS("p", b)
		},
		want: "stanza: encode <a>: declaration xmlns:p: already declared on this element as urn:a",
	}, {
		name:  "DeclareNS changing the element's default namespace",
		scope: streamScope,
		run: func(e *stanza.Encoder) {
			e.Start(nsClient, "message")
			e.DeclareNS("", b)
		},
		want: "stanza: encode <message>: declaration xmlns: would change the namespace of the element, jabber:client",
	}, {
		name:  "DeclareNS changing the element's prefix",
		scope: streamScope,
		run: func(e *stanza.Encoder) {
			e.Start(nsStream, "features")
			e.DeclareNS("stream", b)
		},
		want: "stanza: encode <features>: declaration xmlns:stream: would change the namespace of the element, " + nsStream,
	}, {
		name:  "DeclareNS changing an attribute's prefix",
		scope: streamScope,
		run: func(e *stanza.Encoder) {
			e.Start(nsClient, "message")
			e.AttrNS(nsStream, "x", "1")
			e.DeclareNS("stream", b)
		},
		want: "stanza: encode <message>: declaration xmlns:stream: would change the namespace of attribute stream:x",
	}, {
		name: "CloseStartTag with no open start tag",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.CloseStartTag()
			e.CloseStartTag()
		},
		want: "stanza: encode <a>: CloseStartTag: no start tag is open",
	}, {
		name: "SetScope with open elements",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.SetScope(streamScope)
		},
		want: "stanza: encode <a>: SetScope: called with open elements",
	}, {
		name: "bad text",
		run: func(e *stanza.Encoder) {
			e.Start(a, "a")
			e.Start(a, "b")
			e.End()
			e.Text("ok\x00")
		},
		want: "stanza: encode <a>: text at byte offset 2: invalid character U+0000",
		utf8: true,
	}, {
		name: "bad text outside any element",
		run:  func(e *stanza.Encoder) { e.Text("\xfe") },
		want: "stanza: encode: text at byte offset 0: invalid UTF-8",
		utf8: true,
	}, {
		name: "bad generated-prefix namespace",
		run: func(e *stanza.Encoder) {
			e.Start("", "a")
			e.AttrNS("urn:\x01", "k", "v")
		},
		want: "stanza: encode <a>: namespace at byte offset 4: invalid character U+0001",
		utf8: true,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := stanza.NewEncoder(nil)
			e.SetScope(tt.scope)
			tt.run(e)
			err := e.Err()
			if err == nil {
				t.Fatalf("no error; output %q", e.Bytes())
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if !errors.Is(err, stanza.ErrEncode) {
				t.Errorf("error does not match ErrEncode")
			}
			if got := errors.Is(err, stanza.ErrInvalidUTF8); got != tt.utf8 {
				t.Errorf("errors.Is(err, ErrInvalidUTF8) = %v, want %v", got, tt.utf8)
			}
		})
	}
}

func TestEncoderStickyError(t *testing.T) {
	e := stanza.NewEncoder(nil)
	e.SetScope(streamScope)
	e.Start(nsClient, "message")
	e.Attr("to", "bob\x00")
	err := e.Err()
	if err == nil {
		t.Fatal("no error")
	}
	out := string(e.Bytes())
	depth := e.Depth()

	e.Attr("id", "1")
	e.AttrNS("urn:x", "a", "1")
	e.DeclareNS("p", "urn:p")
	e.CloseStartTag()
	e.Start(nsClient, "body")
	e.StartPrefixed("p", "urn:p", "x")
	e.Text("hello")
	e.Element(nsClient, "thread", "t")
	e.WriteRaw("<x/>")
	e.End()
	e.End()
	e.End()
	e.SetScope(nil)

	if e.Err() != err {
		t.Errorf("Err() = %v, want the first error %v", e.Err(), err)
	}
	if got := string(e.Bytes()); got != out {
		t.Errorf("output changed after the error: %q, was %q", got, out)
	}
	if e.Depth() != depth {
		t.Errorf("Depth() = %d, was %d", e.Depth(), depth)
	}

	// Reset clears the error.
	e.Reset(nil)
	if e.Err() != nil || e.Depth() != 0 || len(e.Bytes()) != 0 {
		t.Fatalf("after Reset: Err %v, Depth %d, Bytes %q", e.Err(), e.Depth(), e.Bytes())
	}
	e.Element("", "a", "ok")
	if got, want := string(e.Bytes()), "<a>ok</a>"; got != want || e.Err() != nil {
		t.Errorf("after Reset: %q, %v; want %q", got, e.Err(), want)
	}
}

// forbiddenAt returns the offset of the first byte of s that is not part of
// a character XML 1.0 allows, or -1. It is the test's reference,
// independent of the encoder's tables.
func forbiddenAt(s string) int {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		ok := r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF ||
			r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
		if !ok {
			return i
		}
		i += n
	}
	return -1
}

// roundTrip encodes <a x='s'>s</a> and reads it back with encoding/xml. It
// reports a problem, or "".
func roundTrip(s string) string {
	bad := forbiddenAt(s)
	// AttrQuoted, where generated code writes most values, writes what
	// Attr does, and fails where it does.
	q, r := stanza.NewEncoder(nil), stanza.NewEncoder(nil)
	q.Start("", "a")
	q.AttrQuoted(" x='", s)
	q.End()
	r.Start("", "a")
	r.Attr("x", s)
	r.End()
	if !bytes.Equal(q.Bytes(), r.Bytes()) || fmt.Sprint(q.Err()) != fmt.Sprint(r.Err()) {
		return fmt.Sprintf("AttrQuoted wrote %q (%v), Attr %q (%v)", q.Bytes(), q.Err(), r.Bytes(), r.Err())
	}
	e := stanza.NewEncoder(nil)
	e.Start("", "a")
	e.Attr("x", s)
	e.Text(s)
	e.End()
	if err := e.Err(); err != nil {
		if bad < 0 {
			return fmt.Sprintf("unexpected error: %v", err)
		}
		want := fmt.Sprintf("stanza: encode <a>: attribute x at byte offset %d: ", bad)
		if !strings.HasPrefix(err.Error(), want) {
			return fmt.Sprintf("error %q, want prefix %q", err, want)
		}
		// Text reports the same offset.
		e.Reset(nil)
		e.Element("", "a", s)
		want = fmt.Sprintf("stanza: encode <a>: text at byte offset %d: ", bad)
		if err := e.Err(); err == nil || !strings.HasPrefix(err.Error(), want) {
			return fmt.Sprintf("Element error %v, want prefix %q", err, want)
		}
		return ""
	}
	if bad >= 0 {
		return fmt.Sprintf("no error for a forbidden character at offset %d", bad)
	}
	out := e.Bytes()
	d := xml.NewDecoder(bytes.NewReader(out))
	var attr, text string
	var sawStart bool
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Sprintf("encoding/xml: %v reading %q", err, out)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			sawStart = true
			if len(tok.Attr) != 1 {
				return fmt.Sprintf("attributes %v in %q", tok.Attr, out)
			}
			attr = tok.Attr[0].Value
		case xml.CharData:
			text += string(tok)
		}
	}
	if !sawStart {
		return fmt.Sprintf("no element in %q", out)
	}
	if attr != s {
		return fmt.Sprintf("attribute read back as %q from %q", attr, out)
	}
	if text != s {
		return fmt.Sprintf("text read back as %q from %q", text, out)
	}
	return ""
}

// roundTripPieces are the fragments random strings are built from: the
// characters escaping treats specially, forbidden ones and multi-byte ones.
var roundTripPieces = []string{
	"a", "Z", " ", "  ", "<", ">", "&", "'", `"`, "\t", "\n", "\r", "\r\n", "]]>", "&amp;", "&#xD;",
	"\x00", "\x01", "\x08", "\x0b", "\x1f", "\x7f", "é", "€", "😀", "\u0085", "\u2028",
	"\uFFFD", "\U0010FFFF", "\uD7FF", "\uE000", "\uFFFE", "\uFFFF",
	"\xff", "\xc3", "\x80", "\xed\xa0\x80", "\xc0\xaf", "\xf4\x90\x80\x80", "\xe2\x82",
}

func TestEncoderRoundTrip(t *testing.T) {
	fixed := []string{
		"", "plain", "a&b<c>d'e\"f", "\t\n\r", "\r\n", " \r\n\t ", "]]>", "&lt;", "\x7f",
		"héllo wörld", "日本語のテキスト", "😀🎉", "\uFFFD", "\U0010FFFF",
		"\x00", "a\x1fb", "\uFFFE", "\uFFFF", "\xff", "abc\xc3", "\xed\xbf\xbf", "é\xff",
	}
	for _, s := range fixed {
		if msg := roundTrip(s); msg != "" {
			t.Errorf("%q: %s", s, msg)
		}
	}

	// Random strings from the pieces above, and random bytes.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		var b strings.Builder
		for range rng.IntN(40) {
			b.WriteString(roundTripPieces[rng.IntN(len(roundTripPieces))])
		}
		if msg := roundTrip(b.String()); msg != "" {
			t.Fatalf("%q: %s", b.String(), msg)
		}
	}
	for range 2000 {
		p := make([]byte, rng.IntN(16))
		for i := range p {
			p[i] = byte(rng.UintN(256))
		}
		if msg := roundTrip(string(p)); msg != "" {
			t.Fatalf("%q: %s", p, msg)
		}
	}

	// testing/quick: random code points (strings) and random bytes.
	cfg := &quick.Config{MaxCount: 2000}
	if err := quick.Check(func(s string) bool {
		msg := roundTrip(s)
		if msg != "" {
			t.Logf("%q: %s", s, msg)
		}
		return msg == ""
	}, cfg); err != nil {
		t.Error(err)
	}
	if err := quick.Check(func(p []byte) bool {
		msg := roundTrip(string(p))
		if msg != "" {
			t.Logf("%q: %s", p, msg)
		}
		return msg == ""
	}, cfg); err != nil {
		t.Error(err)
	}
}

func FuzzEncoderText(f *testing.F) {
	for _, s := range roundTripPieces {
		f.Add(s)
	}
	f.Add("hello <world> & 'friends'\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		if msg := roundTrip(s); msg != "" {
			t.Fatalf("%q: %s", s, msg)
		}
	})
}

// writeMessage writes a chat message with a body, a thread, a chat state, a
// delay and a stanza ID, as generated code would.
func writeMessage(e *stanza.Encoder) {
	e.Start(nsClient, "message")
	e.Attr("from", "alice@example.com/balcony")
	e.Attr("to", "bob@example.com")
	e.Attr("id", "5b789f1b2ea74c09a09a3bfd0b626bfc")
	e.Attr("type", "chat")
	e.AttrNS(stanza.NSXML, "lang", "en")
	e.Element(nsClient, "body", "Hi Bob! Are we still meeting at 3pm tomorrow? I'll bring the slides & the printed agenda <v2>.")
	e.Element(nsClient, "thread", "e0ffe42b28561960c6b12b944a092794b9683a38")
	e.Start(nsChatState, "active")
	e.End()
	e.Start(nsDelay, "delay")
	e.Attr("from", "example.com")
	e.Attr("stamp", "2002-09-10T23:08:25Z")
	e.Text("Offline Storage")
	e.End()
	e.Start(nsSID, "stanza-id")
	e.Attr("id", "sXsU9z77ZVeo3zDRBQlihWxG")
	e.Attr("by", "alice@example.com")
	e.End()
	e.End()
}

const messageXML = `<message from='alice@example.com/balcony' to='bob@example.com' id='5b789f1b2ea74c09a09a3bfd0b626bfc' type='chat' xml:lang='en'>` +
	`<body>Hi Bob! Are we still meeting at 3pm tomorrow? I'll bring the slides &amp; the printed agenda &lt;v2&gt;.</body>` +
	`<thread>e0ffe42b28561960c6b12b944a092794b9683a38</thread>` +
	`<active xmlns='http://jabber.org/protocol/chatstates'/>` +
	`<delay xmlns='urn:xmpp:delay' from='example.com' stamp='2002-09-10T23:08:25Z'>Offline Storage</delay>` +
	`<stanza-id xmlns='urn:xmpp:sid:0' id='sXsU9z77ZVeo3zDRBQlihWxG' by='alice@example.com'/>` +
	`</message>`

func TestEncoderMessage(t *testing.T) {
	e := stanza.NewEncoder(nil)
	e.SetScope(streamScope)
	writeMessage(e)
	if err := e.Err(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(messageXML, string(e.Bytes())); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := resolvedNames(streamScope, string(e.Bytes())); err != nil {
		t.Errorf("encoding/xml cannot read the output: %v", err)
	}
}

func TestEncoderAllocs(t *testing.T) {
	e := stanza.NewEncoder(nil)
	run := func() {
		e.Reset(e.Bytes()[:0])
		e.SetScope(streamScope)
		writeMessage(e)
		// A generated prefix and a nested declaration exercise the stacks.
		e.Start("urn:x", "x")
		e.AttrNS("urn:y", "a", "1")
		e.Start("urn:z", "z")
		e.End()
		e.End()
	}
	run() // warm up: grow the buffer and stacks
	if err := e.Err(); err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, run); n != 0 {
		t.Errorf("AllocsPerRun = %v, want 0", n)
	}
}

// The Trusted methods skip only the name checks: their output is the same as
// the checked methods', and bad values are still refused.
func TestEncoderTrusted(t *testing.T) {
	var a, b stanza.Encoder
	a.Start("jabber:client", "message")
	a.Attr("to", "juliet@example.com")
	a.AttrNS(stanza.NSXML, "lang", "en")
	a.AttrNS("urn:y", "a", "1")
	a.Element("jabber:client", "body", "a < b")
	a.Element("urn:x", "x", "")
	a.End()
	b.StartTrusted("jabber:client", "message")
	b.AttrTrusted("to", "juliet@example.com")
	b.AttrNSTrusted(stanza.NSXML, "lang", "en")
	b.AttrNSTrusted("urn:y", "a", "1")
	b.ElementTrusted("jabber:client", "body", "a < b")
	b.ElementTrusted("urn:x", "x", "")
	b.End()
	if a.Err() != nil || b.Err() != nil {
		t.Fatal(a.Err(), b.Err())
	}
	if string(a.Bytes()) != string(b.Bytes()) {
		t.Errorf("checked %s\ntrusted %s", a.Bytes(), b.Bytes())
	}
	var c stanza.Encoder
	c.StartTrusted("", "a")
	c.AttrTrusted("v", "bad\x00")
	if !errors.Is(c.Err(), stanza.ErrEncode) {
		t.Errorf("bad attribute value: %v", c.Err())
	}
	var d stanza.Encoder
	d.AttrTrusted("v", "x")
	if !errors.Is(d.Err(), stanza.ErrEncode) {
		t.Errorf("attribute outside a start tag: %v", d.Err())
	}
	var f stanza.Encoder
	f.ElementTrusted("", "a", "\xff")
	if !errors.Is(f.Err(), stanza.ErrInvalidUTF8) {
		t.Errorf("bad text: %v", f.Err())
	}
}

// Namespace names are escaped when declared, every time, whether or not
// the Encoder has declared them before.
func TestEncoderDeclareRepeated(t *testing.T) {
	var e stanza.Encoder
	for range 3 {
		e.Reset(e.Bytes()[:0])
		e.Start("urn:plain", "a")
		e.Start("urn:a&b'c", "b")
		e.End()
		e.End()
		if got, want := string(e.Bytes()), `<a xmlns='urn:plain'><b xmlns='urn:a&amp;b&apos;c'/></a>`; got != want || e.Err() != nil {
			t.Fatalf("got %s (%v), want %s", got, e.Err(), want)
		}
	}
}
