package xmltest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var clientScope = map[string]string{
	"":       "jabber:client",
	"stream": "http://etherx.jabber.org/streams",
}

func TestCanonicalEqual(t *testing.T) {
	tests := []struct {
		name  string
		scope map[string]string
		a, b  string
	}{
		{
			name: "prefixes differ, namespaces same",
			a:    `<iq xmlns='jabber:client' type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>`,
			b:    `<c:iq xmlns:c='jabber:client' type='get' id='r1'><r:query xmlns:r='jabber:iq:roster'/></c:iq>`,
		},
		{
			name: "prefixed attribute under another prefix",
			a:    `<x xmlns='urn:a' xmlns:p='urn:p' p:k='v'/>`,
			b:    `<y:x xmlns:y='urn:a' xmlns:q='urn:p' q:k='v'/>`,
		},
		{
			name:  "default namespace inherited from scope",
			scope: clientScope,
			a:     `<presence/>`,
			b:     `<presence xmlns='jabber:client'/>`,
		},
		{
			name:  "stream prefix from scope or declared",
			scope: clientScope,
			a:     `<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>`,
			b:     `<features xmlns='http://etherx.jabber.org/streams'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></features>`,
		},
		{
			name: "attribute order differs",
			a:    `<iq xmlns='jabber:client' type='result' id='a1' to='juliet@example.com' xml:lang='en'/>`,
			b:    `<iq xml:lang='en' to='juliet@example.com' id='a1' type='result' xmlns='jabber:client'/>`,
		},
		{
			name: "quote style differs",
			a:    `<iq xmlns='jabber:client' id='a1' type='get'/>`,
			b:    `<iq xmlns="jabber:client" id="a1" type="get" />`,
		},
		{
			name: "apos reference and literal quote",
			a:    `<body xmlns='jabber:client'>It&apos;s me</body>`,
			b:    `<body xmlns='jabber:client'>It's me</body>`,
		},
		{
			name: "character reference and entity reference",
			a:    `<body xmlns='jabber:client'>a &#x3C; b</body>`,
			b:    `<body xmlns='jabber:client'>a &lt; b</body>`,
		},
		{
			name: "escaping in attribute values",
			a:    `<item xmlns='urn:a' name='Romeo&apos;s &amp; &#34;co&#x22;'/>`,
			b:    `<item xmlns='urn:a' name="Romeo's &amp; &quot;co&quot;"/>`,
		},
		{
			name: "CDATA section and escaped text",
			a:    `<body xmlns='jabber:client'><![CDATA[<b>&]]></body>`,
			b:    `<body xmlns='jabber:client'>&lt;b&gt;&amp;</body>`,
		},
		{
			name: "whitespace in element-only content",
			a:    `<message xmlns='jabber:client'><body>hi</body><thread>t1</thread></message>`,
			b:    "<message xmlns='jabber:client'>\n  <body>hi</body>\n\t<thread>t1</thread>\r\n</message>",
		},
		{
			name: "whitespace between top-level elements",
			a:    `<r xmlns='urn:xmpp:sm:3'/><a xmlns='urn:xmpp:sm:3' h='1'/>`,
			b:    "\n<r xmlns='urn:xmpp:sm:3'/>\n\n  <a xmlns='urn:xmpp:sm:3' h='1'/>\n",
		},
		{
			name: "comments ignored",
			a:    `<message xmlns='jabber:client'><body>hi</body></message>`,
			b:    `<!-- c --><message xmlns='jabber:client'><!-- c --><body>h<!-- c -->i</body></message>`,
		},
		{
			name: "redundant declarations",
			a:    `<iq xmlns='jabber:client'><ping xmlns='urn:xmpp:ping'/></iq>`,
			b:    `<iq xmlns='jabber:client' xmlns:unused='urn:x'><ping xmlns='urn:xmpp:ping' xmlns:p='urn:xmpp:ping'/></iq>`,
		},
		{
			name: "empty element and start-end pair",
			a:    `<query xmlns='jabber:iq:roster' ver=''/>`,
			b:    `<query xmlns='jabber:iq:roster' ver=''></query>`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Canonical([]byte(tt.a), tt.scope)
			if err != nil {
				t.Fatalf("Canonical(a): %v", err)
			}
			b, err := Canonical([]byte(tt.b), tt.scope)
			if err != nil {
				t.Fatalf("Canonical(b): %v", err)
			}
			if diff := cmp.Diff(a, b); diff != "" {
				t.Errorf("canonical forms differ (-a +b):\n%s", diff)
			}
		})
	}
}

func TestCanonicalNotEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b string
	}{
		{
			name: "missing attribute",
			a:    `<query xmlns='jabber:iq:roster' ver=''/>`,
			b:    `<query xmlns='jabber:iq:roster'/>`,
		},
		{
			name: "attribute value",
			a:    `<item xmlns='jabber:iq:roster' jid='romeo@example.net' subscription='both'/>`,
			b:    `<item xmlns='jabber:iq:roster' jid='romeo@example.net' subscription='to'/>`,
		},
		{
			name: "attribute namespace",
			a:    `<x xmlns='urn:a' xmlns:p='urn:p' p:k='v'/>`,
			b:    `<x xmlns='urn:a' k='v'/>`,
		},
		{
			name: "different text",
			a:    `<body xmlns='jabber:client'>hello</body>`,
			b:    `<body xmlns='jabber:client'>hello!</body>`,
		},
		{
			name: "whitespace kept in text-only element",
			a:    `<body xmlns='jabber:client'> hello</body>`,
			b:    `<body xmlns='jabber:client'>hello</body>`,
		},
		{
			name: "whitespace-only text kept in text-only element",
			a:    `<body xmlns='jabber:client'> </body>`,
			b:    `<body xmlns='jabber:client'></body>`,
		},
		{
			name: "whitespace kept in mixed content",
			a:    `<p xmlns='urn:a'>a <b>x</b> c</p>`,
			b:    `<p xmlns='urn:a'>a<b>x</b> c</p>`,
		},
		{
			name: "different namespace",
			a:    `<query xmlns='http://jabber.org/protocol/disco#info'/>`,
			b:    `<query xmlns='http://jabber.org/protocol/disco#items'/>`,
		},
		{
			name: "different local name",
			a:    `<r xmlns='urn:xmpp:sm:3'/>`,
			b:    `<a xmlns='urn:xmpp:sm:3'/>`,
		},
		{
			name: "extra element",
			a:    `<message xmlns='jabber:client'><body>hi</body></message>`,
			b:    `<message xmlns='jabber:client'><body>hi</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>`,
		},
		{
			name: "extra top-level element",
			a:    `<r xmlns='urn:xmpp:sm:3'/>`,
			b:    `<r xmlns='urn:xmpp:sm:3'/><r xmlns='urn:xmpp:sm:3'/>`,
		},
		{
			name: "element order",
			a:    `<message xmlns='jabber:client'><subject>s</subject><body>b</body></message>`,
			b:    `<message xmlns='jabber:client'><body>b</body><subject>s</subject></message>`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := Canonical([]byte(tt.a), nil)
			if err != nil {
				t.Fatalf("Canonical(a): %v", err)
			}
			b, err := Canonical([]byte(tt.b), nil)
			if err != nil {
				t.Fatalf("Canonical(b): %v", err)
			}
			if a == b {
				t.Errorf("canonical forms are equal, want them to differ:\n%s", a)
			}
		})
	}
}

func TestCanonicalForm(t *testing.T) {
	in := `<iq type='result' id='r1' xml:lang='en'>
  <query xmlns='jabber:iq:roster' ver='ver7'>
    <item jid='nurse@example.com' name='Nurse &amp; co'><group>Servants</group></item>
  </query>
</iq>
<p:x xmlns:p='urn:example:mixed' xmlns:e='urn:example:attr' e:k='1'>one <p:b>two</p:b> three</p:x>`
	want := `{jabber:client}iq
  @id="r1"
  @type="result"
  @{http://www.w3.org/XML/1998/namespace}lang="en"
  {jabber:iq:roster}query
    @ver="ver7"
    {jabber:iq:roster}item
      @jid="nurse@example.com"
      @name="Nurse & co"
      {jabber:iq:roster}group
        "Servants"
{urn:example:mixed}x
  @{urn:example:attr}k="1"
  "one "
  {urn:example:mixed}b
    "two"
  " three"
`
	got, err := Canonical([]byte(in), clientScope)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Canonical (-want +got):\n%s", diff)
	}
}

func TestCanonicalErrors(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		scope map[string]string
		want  string
	}{
		{"unbound element prefix", `<stream:features/>`, nil, "unbound prefix"},
		{"unbound attribute prefix", `<x xmlns='urn:a' p:k='v'/>`, nil, "unbound prefix"},
		{"mismatched end tag", `<message><body>No closing tag!</message>`, clientScope, "end tag </message> does not match <body>"},
		{"mismatched prefix in end tag", `<a:x xmlns:a='u' xmlns:b='u'></b:x>`, nil, "does not match"},
		{"unclosed element", `<message><body>hi</body>`, clientScope, "unexpected end of input"},
		{"stray end tag", `<r xmlns='urn:xmpp:sm:3'/></r>`, nil, "unexpected end tag"},
		{"duplicate attribute", `<x xmlns='urn:a' xmlns:p='urn:p' xmlns:q='urn:p' p:k='1' q:k='2'/>`, nil, "duplicate attribute"},
		{"undefined entity", `<body xmlns='jabber:client'>&nbsp;</body>`, nil, "invalid character entity"},
		{"text outside elements", `hello <r xmlns='urn:xmpp:sm:3'/>`, nil, "text outside"},
		{"reserved prefix in scope", `<x/>`, map[string]string{"xml": "urn:x"}, "reserved prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Canonical([]byte(tt.in), tt.scope)
			if err == nil {
				t.Fatalf("Canonical(%q) = nil error, want one containing %q", tt.in, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Canonical(%q) error = %q, want it to contain %q", tt.in, err, tt.want)
			}
		})
	}
}

// recorder is a testing.TB that records Errorf and Fatalf; Fatalf ends the
// calling goroutine as testing.T's does.
type recorder struct {
	testing.TB
	errors, fatals []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
	runtime.Goexit()
}

// runEqual calls Equal on a recorder in its own goroutine, so that Fatalf can
// end it.
func runEqual(want, got string, scope map[string]string) *recorder {
	r := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Equal(r, []byte(want), []byte(got), scope)
	}()
	<-done
	return r
}

func TestEqual(t *testing.T) {
	t.Run("equal", func(t *testing.T) {
		r := runEqual(`<a xmlns='urn:a' x='1' y='2'/>`, `<p:a xmlns:p='urn:a' y='2' x='1'/>`, nil)
		if len(r.errors)+len(r.fatals) != 0 {
			t.Errorf("Equal reported %q %q, want nothing", r.errors, r.fatals)
		}
	})
	t.Run("differ", func(t *testing.T) {
		r := runEqual(
			`<presence xmlns='jabber:client'><show>away</show></presence>`,
			`<presence xmlns='jabber:client'><show>dnd</show></presence>`, nil)
		if len(r.fatals) != 0 || len(r.errors) != 1 {
			t.Fatalf("Equal reported errors %q fatals %q, want one error", r.errors, r.fatals)
		}
		for _, s := range []string{"(-want +got)", `"away"`, `"dnd"`} {
			if !strings.Contains(r.errors[0], s) {
				t.Errorf("Equal error does not contain %q:\n%s", s, r.errors[0])
			}
		}
	})
	t.Run("want does not parse", func(t *testing.T) {
		r := runEqual(`<a>`, `<a xmlns='urn:a'/>`, nil)
		if len(r.fatals) != 1 || len(r.errors) != 0 || !strings.Contains(r.fatals[0], "want") {
			t.Errorf("Equal reported errors %q fatals %q, want one fatal about want", r.errors, r.fatals)
		}
	})
	t.Run("got does not parse", func(t *testing.T) {
		r := runEqual(`<a xmlns='urn:a'/>`, `<a xmlns='urn:a'></b>`, nil)
		if len(r.fatals) != 1 || len(r.errors) != 0 || !strings.Contains(r.fatals[0], "got") {
			t.Errorf("Equal reported errors %q fatals %q, want one fatal about got", r.errors, r.fatals)
		}
	})
}
