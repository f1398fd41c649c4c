package jid_test

import (
	"encoding/json"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/jid"
)

type parts struct{ Local, Domain, Resource string }

func partsOf(j jid.JID) parts { return parts{j.Local(), j.Domain(), j.Resource()} }

// validCases are RFC 7622 section 3.5 table 1 (examples 1 to 15), example 18
// (valid since verified erratum 4560), and more: each input with the parts
// it enforces to.
var validCases = []struct {
	name string
	in   string
	want parts
}{
	{"rfc7622 1", "juliet@example.com", parts{"juliet", "example.com", ""}},
	{"rfc7622 2", "juliet@example.com/foo", parts{"juliet", "example.com", "foo"}},
	{"rfc7622 3 space in resourcepart", "juliet@example.com/foo bar", parts{"juliet", "example.com", "foo bar"}},
	{"rfc7622 4 at in resourcepart", "juliet@example.com/foo@bar", parts{"juliet", "example.com", "foo@bar"}},
	{"rfc7622 5 escaped space", `foo\20bar@example.com`, parts{`foo\20bar`, "example.com", ""}},
	{"rfc7622 6", "fussball@example.com", parts{"fussball", "example.com", ""}},
	{"rfc7622 7 sharp s kept", "fu\u00dfball@example.com", parts{"fu\u00dfball", "example.com", ""}},
	{"rfc7622 8 pi", "\u03c0@example.com", parts{"\u03c0", "example.com", ""}},
	{"rfc7622 9 capital sigma lowered", "\u03a3@example.com/foo", parts{"\u03c3", "example.com", "foo"}},
	{"rfc7622 10 small sigma", "\u03c3@example.com/foo", parts{"\u03c3", "example.com", "foo"}},
	{"rfc7622 11 final sigma kept", "\u03c2@example.com/foo", parts{"\u03c2", "example.com", "foo"}},
	{"rfc7622 12 symbol in resourcepart", "king@example.com/\u265a", parts{"king", "example.com", "\u265a"}},
	{"rfc7622 13 domain only", "example.com", parts{"", "example.com", ""}},
	{"rfc7622 14 domain and resource", "example.com/foobar", parts{"", "example.com", "foobar"}},
	{"rfc7622 15 at after slash", "a.example.com/b@example.net", parts{"", "a.example.com", "b@example.net"}},
	{"rfc7622 18 leading space (erratum 4560)", "juliet@example.com/ foo", parts{"juliet", "example.com", " foo"}},

	{"case mapped localpart and domainpart", "Juliet@Example.COM/Balcony", parts{"juliet", "example.com", "Balcony"}},
	{"full width localpart", "\uff2a\uff35\uff2c\uff29\uff25\uff34@example.com", parts{"juliet", "example.com", ""}},
	{"decomposed localpart to NFC", "a\u0301@example.com", parts{"\u00e1", "example.com", ""}},
	{"trailing dot stripped", "juliet@example.com./r", parts{"juliet", "example.com", "r"}},
	{"trailing dot on domain only", "example.com.", parts{"", "example.com", ""}},
	{"A-label to U-label", "xn--bcher-kva.example", parts{"", "b\u00fccher.example", ""}},
	{"upper case U-label lowered", "B\u00dcCHER.example", parts{"", "b\u00fccher.example", ""}},
	{"full width domain", "\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com", parts{"", "example.com", ""}},
	{"soft hyphen mapped away", "exa\u00admple.com", parts{"", "example.com", ""}},
	{"ideographic full stop", "\u4f8b\u3048\u3002\u30c6\u30b9\u30c8", parts{"", "\u4f8b\u3048.\u30c6\u30b9\u30c8", ""}},
	{"IPv4", "juliet@192.0.2.1/r", parts{"juliet", "192.0.2.1", "r"}},
	{"IPv6", "[::1]", parts{"", "[::1]", ""}},
	{"IPv6 canonical form", "juliet@[2001:DB8:0:0::1]/r", parts{"juliet", "[2001:db8::1]", "r"}},
	{"IPv6 trailing dot", "[::1].", parts{"", "[::1]", ""}},
	{"slashes in resourcepart", "juliet@example.com/a/b/c", parts{"juliet", "example.com", "a/b/c"}},
	{"at and slash in resourcepart", "example.com//@", parts{"", "example.com", "/@"}},
	{"non-ASCII space in resourcepart", "juliet@example.com/foo\u00a0bar", parts{"juliet", "example.com", "foo bar"}},
	{"trailing space in resourcepart", "juliet@example.com/foo ", parts{"juliet", "example.com", "foo "}},
	{"roman numeral in resourcepart", "juliet@example.com/henry\u2163", parts{"juliet", "example.com", "henry\u2163"}},
	{"localpart 1023 bytes", strings.Repeat("a", 1023) + "@example.com", parts{strings.Repeat("a", 1023), "example.com", ""}},
	{"resourcepart 1023 bytes", "example.com/" + strings.Repeat("r", 1023), parts{"", "example.com", strings.Repeat("r", 1023)}},
}

// invalidCases are RFC 7622 section 3.5 table 2 (less example 18) and
// more: each input with the part and sentinel of its error.
var invalidCases = []struct {
	name string
	in   string
	part jid.Part
	err  error
}{
	{"rfc7622 16 quotes", `"juliet"@example.com`, jid.Localpart, jid.ErrInvalid},
	{"rfc7622 17 space in localpart", "foo bar@example.com", jid.Localpart, jid.ErrInvalid},
	{"rfc7622 19 empty localpart and resourcepart", "@example.com/", jid.Localpart, jid.ErrEmpty},
	{"rfc7622 20 roman numeral four", "henry\u2163@example.com", jid.Localpart, jid.ErrInvalid},
	{"rfc7622 21 chess king", "\u265a@example.com", jid.Localpart, jid.ErrInvalid},
	{"rfc7622 22 empty domainpart", "juliet@", jid.Domainpart, jid.ErrEmpty},
	{"rfc7622 23 empty domainpart with resource", "/foobar", jid.Domainpart, jid.ErrEmpty},

	{"empty string", "", jid.Domainpart, jid.ErrEmpty},
	{"only a dot", ".", jid.Domainpart, jid.ErrEmpty},
	{"empty resourcepart", "juliet@example.com/", jid.Resourcepart, jid.ErrEmpty},
	{"ampersand", "a&b@example.com", jid.Localpart, jid.ErrInvalid},
	{"apostrophe", "o'hara@example.com", jid.Localpart, jid.ErrInvalid},
	{"colon", "a:b@example.com", jid.Localpart, jid.ErrInvalid},
	{"less than", "a<b@example.com", jid.Localpart, jid.ErrInvalid},
	{"greater than", "a>b@example.com", jid.Localpart, jid.ErrInvalid},
	{"full width ampersand maps to a forbidden one", "a\uff06b@example.com", jid.Localpart, jid.ErrInvalid},
	{"invalid UTF-8 localpart", "\xff@example.com", jid.Localpart, jid.ErrInvalid},
	{"control in localpart", "a\x00b@example.com", jid.Localpart, jid.ErrInvalid},
	{"localpart 1024 bytes", strings.Repeat("a", 1024) + "@example.com", jid.Localpart, jid.ErrTooLong},
	{"two at signs", "a@b@example.com", jid.Domainpart, jid.ErrInvalid},
	{"underscore in domain", "juliet@ex_ample.com", jid.Domainpart, jid.ErrInvalid},
	{"leading hyphen label", "juliet@-example.com", jid.Domainpart, jid.ErrInvalid},
	{"hyphens in 3rd and 4th place", "ab--cd.example", jid.Domainpart, jid.ErrInvalid},
	{"bad A-label", "xn--a.example", jid.Domainpart, jid.ErrInvalid},
	{"space in domain", "exa mple.com", jid.Domainpart, jid.ErrInvalid},
	{"empty label", "example..com", jid.Domainpart, jid.ErrInvalid},
	{"leading dot", ".example.com", jid.Domainpart, jid.ErrInvalid},
	{"two trailing dots", "example.com..", jid.Domainpart, jid.ErrInvalid},
	{"zero width joiner out of context", "a\u200db.example", jid.Domainpart, jid.ErrInvalid},
	{"mapping to an invalid label (bidi)", "\u2138A", jid.Domainpart, jid.ErrInvalid},
	{"invalid UTF-8 domain", "ex\xffample.com", jid.Domainpart, jid.ErrInvalid},
	{"domainpart 1024 bytes", strings.Repeat(strings.Repeat("a", 63)+".", 16) + "example", jid.Domainpart, jid.ErrTooLong},
	{"IP literal unclosed", "[::1", jid.Domainpart, jid.ErrInvalid},
	{"IP literal with zone", "[fe80::1%eth0]", jid.Domainpart, jid.ErrInvalid},
	{"IPv4 in brackets", "[192.0.2.1]", jid.Domainpart, jid.ErrInvalid},
	{"IPvFuture", "[v1.fe]", jid.Domainpart, jid.ErrInvalid},
	{"IPv6 without brackets", "::1", jid.Domainpart, jid.ErrInvalid},
	{"tab in resourcepart", "juliet@example.com/a\tb", jid.Resourcepart, jid.ErrInvalid},
	{"invalid UTF-8 resourcepart", "juliet@example.com/\xff", jid.Resourcepart, jid.ErrInvalid},
	{"resourcepart 1024 bytes", "example.com/" + strings.Repeat("r", 1024), jid.Resourcepart, jid.ErrTooLong},
}

func TestParseValid(t *testing.T) {
	for _, c := range validCases {
		t.Run(c.name, func(t *testing.T) {
			j, err := jid.Parse(c.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", c.in, err)
			}
			if diff := cmp.Diff(c.want, partsOf(j)); diff != "" {
				t.Errorf("Parse(%q) parts (-want +got):\n%s", c.in, diff)
			}
			// The canonical form parses back to the same JID.
			again, err := jid.Parse(j.String())
			if err != nil {
				t.Fatalf("Parse(String()=%q): %v", j.String(), err)
			}
			if again != j {
				t.Errorf("Parse(%q) = %v, want %v", j.String(), partsOf(again), partsOf(j))
			}
			// New from the parts gives the same JID.
			n, err := jid.New(c.want.Local, c.want.Domain, c.want.Resource)
			if err != nil || n != j {
				t.Errorf("New(%+v) = %+v, %v; want %+v", c.want, partsOf(n), err, partsOf(j))
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	for _, c := range invalidCases {
		t.Run(c.name, func(t *testing.T) {
			j, err := jid.Parse(c.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want an error", c.in, partsOf(j))
			}
			if !errors.Is(err, c.err) {
				t.Errorf("Parse(%q) = %v, want errors.Is %v", c.in, err, c.err)
			}
			var je *jid.Error
			if !errors.As(err, &je) {
				t.Fatalf("Parse(%q) error %T is not *jid.Error", c.in, err)
			}
			if je.Part != c.part {
				t.Errorf("Parse(%q) failed in %v, want %v (%v)", c.in, je.Part, c.part, err)
			}
			if want := "jid: " + c.part.String() + ": "; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q does not start with %q", err, want)
			}
			if !j.IsZero() {
				t.Errorf("Parse(%q) returned %+v with its error", c.in, partsOf(j))
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"@example.com", "jid: localpart: empty"},
		{"a&b@example.com", `jid: localpart: invalid: character '&' is not allowed (RFC 7622 section 3.3.1)`},
		{"example.com/" + strings.Repeat("r", 1024), "jid: resourcepart: 1024 bytes, more than 1023"},
		{"[::1", "jid: domainpart: invalid: IP literal without closing bracket"},
		{"example..com", "jid: domainpart: invalid: empty label"},
	}
	for _, c := range cases {
		_, err := jid.Parse(c.in)
		if err == nil {
			t.Errorf("Parse(%q): no error", c.in)
			continue
		}
		if diff := cmp.Diff(c.want, err.Error()); diff != "" {
			t.Errorf("Parse(%q) error (-want +got):\n%s", c.in, diff)
		}
	}
	// The cause from PRECIS is reachable with errors.As/Is chains.
	_, err := jid.Parse("henry\u2163@example.com")
	var je *jid.Error
	if !errors.As(err, &je) || je.Cause == nil || !strings.Contains(err.Error(), je.Cause.Error()) {
		t.Errorf("error %v lacks its PRECIS cause", err)
	}
}

func TestNew(t *testing.T) {
	cases := []struct {
		name                    string
		local, domain, resource string
		want                    string
		part                    jid.Part
		err                     error
	}{
		{name: "all parts", local: "Juliet", domain: "Example.com", resource: "balcony", want: "juliet@example.com/balcony"},
		{name: "domain only", domain: "example.com", want: "example.com"},
		{name: "at sign in localpart refused", local: "a@b", domain: "example.com", part: jid.Localpart, err: jid.ErrInvalid},
		{name: "slash in localpart refused", local: "a/b", domain: "example.com", part: jid.Localpart, err: jid.ErrInvalid},
		{name: "slash in domain refused", local: "a", domain: "example.com/x", part: jid.Domainpart, err: jid.ErrInvalid},
		{name: "no domain", local: "a", part: jid.Domainpart, err: jid.ErrEmpty},
		{name: "resource with slash kept", domain: "example.com", resource: "a/b", want: "example.com/a/b"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j, err := jid.New(c.local, c.domain, c.resource)
			if c.err != nil {
				var je *jid.Error
				if !errors.Is(err, c.err) || !errors.As(err, &je) || je.Part != c.part {
					t.Fatalf("New = %v, want %v in %v", err, c.err, c.part)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, j.String()); diff != "" {
				t.Errorf("New (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMethods(t *testing.T) {
	full := jid.MustParse("juliet@example.com/balcony")
	bare := jid.MustParse("juliet@example.com")
	dom := jid.MustParse("example.com")
	var zero jid.JID

	type props struct {
		String               string
		Zero, IsBare, IsFull bool
		Bare, DomainJID      string
	}
	get := func(j jid.JID) props {
		return props{j.String(), j.IsZero(), j.IsBare(), j.IsFull(), j.Bare().String(), j.DomainJID().String()}
	}
	cases := []struct {
		name string
		j    jid.JID
		want props
	}{
		{"full", full, props{"juliet@example.com/balcony", false, false, true, "juliet@example.com", "example.com"}},
		{"bare", bare, props{"juliet@example.com", false, true, false, "juliet@example.com", "example.com"}},
		{"domain", dom, props{"example.com", false, true, false, "example.com", "example.com"}},
		{"zero", zero, props{"", true, false, false, "", ""}},
	}
	for _, c := range cases {
		if diff := cmp.Diff(c.want, get(c.j)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, diff)
		}
	}

	if !full.Bare().Equal(bare) || full.Bare() != bare || full.Equal(bare) {
		t.Error("Equal/== disagree with Bare")
	}
	if !jid.MustParse("JULIET@EXAMPLE.COM./balcony").Equal(full) {
		t.Error("case and trailing dot variants are not Equal")
	}
	if jid.MustParse("juliet@example.com/Balcony") == full {
		t.Error("resourceparts differing in case compare equal")
	}

	w, err := bare.WithResource("\uff52")
	if err != nil || w.String() != "juliet@example.com/\uff52" {
		t.Errorf("WithResource = %q, %v (OpaqueString keeps full width)", w, err)
	}
	if w, err := full.WithResource(""); err != nil || w != bare {
		t.Errorf("WithResource(\"\") = %q, %v, want the bare JID", w, err)
	}
	if _, err := full.WithResource("a\tb"); !errors.Is(err, jid.ErrInvalid) {
		t.Errorf("WithResource(tab) = %v, want ErrInvalid", err)
	}
	if _, err := zero.WithResource("r"); !errors.Is(err, jid.ErrEmpty) {
		t.Errorf("zero.WithResource = %v, want ErrEmpty", err)
	}
	if got := string(full.AppendTo([]byte("to="))); got != "to=juliet@example.com/balcony" {
		t.Errorf("AppendTo = %q", got)
	}
}

func TestMustParsePanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("MustParse did not panic")
		} else if err, ok := r.(error); !ok || !errors.Is(err, jid.ErrEmpty) {
			t.Errorf("MustParse panicked with %v", r)
		}
	}()
	jid.MustParse("juliet@")
}

func TestText(t *testing.T) {
	type doc struct {
		From jid.JID  `json:"from"`
		To   jid.JID  `json:"to"`
		Ptr  *jid.JID `json:"ptr,omitempty"`
	}
	in := `{"from":"Juliet@Example.com/Balcony","to":""}`
	var d doc
	if err := json.Unmarshal([]byte(in), &d); err != nil {
		t.Fatal(err)
	}
	if d.From != jid.MustParse("juliet@example.com/Balcony") || !d.To.IsZero() {
		t.Errorf("unmarshaled %+v", d)
	}
	out, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(`{"from":"juliet@example.com/Balcony","to":""}`, string(out)); diff != "" {
		t.Errorf("json (-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(`{"from":"@example.com"}`), &d); !errors.Is(err, jid.ErrEmpty) {
		t.Errorf("bad JID in JSON: %v, want ErrEmpty", err)
	}

	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	var j jid.JID
	fs.TextVar(&j, "jid", jid.JID{}, "address")
	if err := fs.Parse([]string{"-jid", "ROMEO@example.net"}); err != nil {
		t.Fatal(err)
	}
	if j.String() != "romeo@example.net" {
		t.Errorf("flag gave %q", j)
	}
	fs.SetOutput(new(strings.Builder))
	if err := fs.Parse([]string{"-jid", "romeo@"}); err == nil {
		t.Error("flag accepted romeo@")
	}
}

// FuzzParse checks that Parse never panics, and that whatever it accepts
// is canonical: its String parses to the same JID, New rebuilds it from its
// parts, and every part is within the length limits.
func FuzzParse(f *testing.F) {
	for _, c := range validCases {
		f.Add(c.in)
	}
	for _, c := range invalidCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		j, err := jid.Parse(s)
		if err != nil {
			var je *jid.Error
			if !errors.As(err, &je) {
				t.Fatalf("Parse(%q) error %T is not *jid.Error", s, err)
			}
			if !j.IsZero() {
				t.Fatalf("Parse(%q) returned a JID with its error", s)
			}
			return
		}
		if j.IsZero() {
			t.Fatalf("Parse(%q) returned the zero JID without error", s)
		}
		for _, p := range []string{j.Local(), j.Domain(), j.Resource()} {
			if len(p) > jid.MaxPartLen {
				t.Fatalf("Parse(%q): part of %d bytes", s, len(p))
			}
		}
		again, err := jid.Parse(j.String())
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which does not parse: %v", s, j.String(), err)
		}
		if again != j {
			t.Fatalf("Parse(%q) = %+v, but its String %q parses to %+v", s, partsOf(j), j.String(), partsOf(again))
		}
		n, err := jid.New(j.Local(), j.Domain(), j.Resource())
		if err != nil || n != j {
			t.Fatalf("New(parts of %q) = %+v, %v", s, partsOf(n), err)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	for _, s := range []string{"juliet@example.com/balcony", "Juliet@Example.com/balcony", "fu\u00dfball@b\u00fccher.example/\u265a"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				if _, err := jid.Parse(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestToASCII(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"example.com", "example.com"},
		{"bücher.example", "xn--bcher-kva.example"},
		{"BÜCHER.example", "xn--bcher-kva.example"},
	} {
		got, err := jid.ToASCII(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ToASCII(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if _, err := jid.ToASCII(strings.Repeat("a", 64) + ".example"); err == nil {
		t.Error("a 64-octet label: no error")
	}
}
