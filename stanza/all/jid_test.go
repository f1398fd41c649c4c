package all_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// TestJIDRoundTrip: every address decodes as it came, valid or not, and
// re-encodes byte for byte; validation reports the invalid ones with their
// path and reason; parts and comparison work on demand.
func TestJIDRoundTrip(t *testing.T) {
	cases := []struct {
		name, jid string
		valid     bool
		local     string
		domain    string
		resource  string
	}{
		{"bare", "juliet@example.com", true, "juliet", "example.com", ""},
		{"full", "juliet@example.com/balcony", true, "juliet", "example.com", "balcony"},
		{"domain", "example.com", true, "", "example.com", ""},
		{"internationalised", "jürgen@münchen.example/Küche", true, "jürgen", "münchen.example", "Küche"},
		{"escaped (XEP-0106)", `d\27artagnan@musketeers.lit/la\20tour`, true, `d\27artagnan`, "musketeers.lit", `la\20tour`},
		{"odd resource", "juliet@example.com/a/b@c d", true, "juliet", "example.com", "a/b@c d"},
		{"uppercase, not canonical", "Juliet@Example.COM/Balcony", true, "Juliet", "Example.COM", "Balcony"},
		{"empty localpart", "@example.com", false, "", "example.com", ""},
		{"space in localpart", "jul iet@example.com", false, "jul iet", "example.com", ""},
		{"empty resource", "juliet@example.com/", false, "juliet", "example.com", ""},
		{"no domain", "juliet@", false, "juliet", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := `<message xmlns='jabber:client' from='` + tc.jid + `' to='romeo@example.net'><body>hi</body></message>`
			var m xmpp.Message
			if err := stanza.UnmarshalString(in, &m); err != nil {
				t.Fatal(err)
			}
			if m.From.String() != tc.jid {
				t.Errorf("From %q, want %q as it came", m.From, tc.jid)
			}
			if m.From.Local() != tc.local || m.From.Domain() != tc.domain || m.From.Resource() != tc.resource {
				t.Errorf("parts %q %q %q, want %q %q %q", m.From.Local(), m.From.Domain(), m.From.Resource(), tc.local, tc.domain, tc.resource)
			}
			out, err := stanza.Marshal(&m)
			if err != nil || string(out) != in {
				t.Errorf("re-encoded %s (%v), want %s", out, err, in)
			}
			err = stanza.Validate(&m)
			if tc.valid {
				if err != nil {
					t.Errorf("Validate = %v", err)
				}
				p, perr := m.From.Prepare()
				if perr != nil || !p.Equal(m.From) || !m.From.Equal(jid.MustParse(tc.jid)) {
					t.Errorf("Prepare %v %v", p, perr)
				}
				return
			}
			var v *stanza.Violation
			if !errors.As(err, &v) || v.Path != "/message/@from" || !strings.Contains(v.Msg, "is not a valid JID") {
				t.Errorf("Validate = %v, want a violation at /message/@from", err)
			}
		})
	}
}

// TestJIDCompare: a decoded address meets one the client made, with no
// conversion: as text when both are canonical, as addresses with Equal.
func TestJIDCompare(t *testing.T) {
	var m xmpp.Message
	if err := stanza.UnmarshalString(`<message xmlns='jabber:client' from='Juliet@Example.com/balcony'/>`, &m); err != nil {
		t.Fatal(err)
	}
	juliet := jid.MustParse("juliet@example.com")
	if m.From.Bare() == juliet {
		t.Error("the texts differ, yet == holds")
	}
	if !m.From.Bare().Equal(juliet) {
		t.Error("Equal does not see the same address")
	}
	canonical, err := m.From.Prepare()
	if err != nil || canonical.Bare() != juliet || canonical.String() != "juliet@example.com/balcony" {
		t.Errorf("Prepare = %v, %v", canonical, err)
	}
}
