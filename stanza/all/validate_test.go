package all_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/protoxmpp/protoxmpp/internal/xmltest"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/chatstates"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// TestValidateViolations seeds one violation of each kind into otherwise
// valid elements: each decodes (losslessly), re-encodes as it came, and
// validation reports exactly that violation, at its path.
func TestValidateViolations(t *testing.T) {
	const ping = `<ping xmlns='urn:xmpp:ping'/>`
	cases := []struct {
		kind, in, path, msg string
	}{
		{"required attribute", `<iq xmlns='jabber:client' type='get'>` + ping + `</iq>`,
			"/iq/@id", "required attribute missing"},
		{"empty required attribute is present", `<iq xmlns='jabber:client' id='' type='get'>` + ping + `</iq>`,
			"", ""},
		{"required child", `<received xmlns='urn:xmpp:carbons:2'/>`,
			"/received", "required child <forwarded/> missing"},
		{"occurrences", `<block xmlns='urn:xmpp:blocking'/>`,
			"/block", "expected at least 1 <item/>, found 0"},
		{"enumeration", `<iq xmlns='jabber:client' id='r1' type='set'><query xmlns='jabber:iq:roster'><item jid='a@example.com'/><item jid='b@example.com' subscription='maybe'/></query></iq>`,
			"/iq/query/item[2]/@subscription", `"maybe" is not one of none, to, from, both, remove`},
		{"boolean", `<query xmlns='jabber:iq:roster'><item jid='a@example.com' approved='yes'/></query>`,
			"/query/item[1]/@approved", `"yes" is not a valid xs:boolean`},
		{"boolean in another lexical form is valid", `<query xmlns='jabber:iq:roster'><item jid='a@example.com' approved='1'/></query>`,
			"", ""},
		{"number", `<a xmlns='urn:xmpp:sm:3' h='-1'/>`,
			"/a/@h", `"-1" is not a valid xs:unsignedInt`},
		{"number range of a derived built-in", `<enabled xmlns='urn:xmpp:sm:3' max='0'/>`,
			"/enabled/@max", `"0" is not a valid xs:positiveInteger`},
		{"date-time", `<delay xmlns='urn:xmpp:delay' stamp='yesterday'/>`,
			"/delay/@stamp", `"yesterday" is not a valid xs:dateTime`},
		{"unknown attribute", `<delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z' when='now'/>`,
			"/delay/@when", "attribute not in the schema"},
		{"foreign child in a closed element", `<a xmlns='urn:xmpp:sm:3' h='1'><x xmlns='urn:example:ext'/></a>`,
			"/a", "unexpected element <x xmlns='urn:example:ext'/>"},
		{"unknown child of the same namespace", `<query xmlns='jabber:iq:roster'><group/></query>`,
			"/query", "unexpected element <group xmlns='jabber:iq:roster'/>"},
		{"second single child", `<message xmlns='jabber:client'><thread>a</thread><thread>b</thread></message>`,
			"/message", "unexpected element <thread xmlns='jabber:client'/>"},
		{"text in element-only content", `<iq xmlns='jabber:client' id='t' type='get'>hello` + ping + `</iq>`,
			"/iq", `unexpected text "hello"`},
		{"child whose content does not fit", `<presence xmlns='jabber:client'><priority>high</priority></presence>`,
			"/presence/priority", `does not fit its type: invalid integer "high"`},
		{"payload whose content does not fit", `<iq xmlns='jabber:client' id='p' type='get'><ping xmlns='urn:xmpp:ping'><extra/></ping></iq>`,
			"/iq/ping", "does not fit its type"},
		{"missing condition", `<iq xmlns='jabber:client' id='e' type='error'><error type='cancel'/></iq>`,
			"/iq/error", "required child missing: one of <bad-request/>"},
		{"unknown condition", `<iq xmlns='jabber:client' id='e' type='error'><error type='cancel'><shrug xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`,
			"/iq/error", "unexpected element <shrug xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"},
		{"text in an empty condition", `<error xmlns='jabber:client' type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>x</item-not-found></error>`,
			"/error/item-not-found", "does not fit its type"},
	}
	for _, tc := range cases {
		t.Run(tc.kind, func(t *testing.T) {
			el, err := stanza.DecodeString(tc.in)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			out, err := stanza.Marshal(el)
			if err != nil {
				t.Fatal(err)
			}
			if w, g := canon(t, []byte(tc.in)), canon(t, out); w != g {
				t.Errorf("re-encoded %s, want %s", out, tc.in)
			}
			err = stanza.Validate(el)
			if tc.path == "" {
				if err != nil {
					t.Errorf("Validate = %v, want nil", err)
				}
				return
			}
			var ve *stanza.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, stanza.ErrInvalid) {
				t.Fatalf("Validate = %v, want a *stanza.ValidationError", err)
			}
			// The seeded violation; an unknown condition is also a
			// missing one, and so reports twice.
			var v *stanza.Violation
			for _, x := range ve.Violations {
				if x.Path == tc.path && strings.Contains(x.Msg, tc.msg) {
					v = x
				}
			}
			if v == nil || len(ve.Violations) > 2 || len(ve.Violations) == 2 && !strings.Contains(tc.kind, "condition") {
				t.Fatalf("violations %v, want %q: %q", err, tc.path, tc.msg)
			}
			var first *stanza.Violation
			if !errors.As(err, &first) || first != ve.Violations[0] {
				t.Errorf("errors.As does not find the first violation")
			}
		})
	}
}

// TestValidateAllAtOnce: every violation of a value is reported, in
// document order.
func TestValidateAllAtOnce(t *testing.T) {
	el, err := stanza.DecodeString(`<iq xmlns='jabber:client'><query xmlns='jabber:iq:roster' ver='1'><item subscription='maybe' approved='no'/></query></iq>`)
	if err != nil {
		t.Fatal(err)
	}
	var ve *stanza.ValidationError
	if !errors.As(stanza.Validate(el), &ve) {
		t.Fatal("no violations")
	}
	var got []string
	for _, v := range ve.Violations {
		got = append(got, v.Path)
	}
	want := []string{"/iq/@id", "/iq/@type", "/iq/query/item[1]/@jid", "/iq/query/item[1]/@subscription", "/iq/query/item[1]/@approved"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("paths %q, want %q", got, want)
	}
}

// TestValidateBuilt: values built in Go are validated as decoded ones are
// (the client checks what it sends this way).
func TestValidateBuilt(t *testing.T) {
	if err := stanza.Validate(&chatstates.State{Value: chatstates.Composing}); err != nil {
		t.Errorf("composing: %v", err)
	}
	err := stanza.Validate(&chatstates.State{Value: "shouting"})
	if err == nil || !strings.Contains(err.Error(), `/shouting: "shouting" is not one of active, composing, paused, inactive, gone`) {
		t.Errorf("shouting: %v", err)
	}
}

// TestValidateServerCaptures: what real servers send validates, except
// for what the samples' comments say departs from the schemas.
func TestValidateServerCaptures(t *testing.T) {
	n := 0
	for _, s := range xmltest.Corpus(t, filepath.Join(root, "testdata", "corpus")) {
		if !strings.Contains(s.Source, "Prosody") && !strings.Contains(s.Source, "capture") {
			continue
		}
		n++
		el, err := decodeOne(t, s.XML)
		if err != nil {
			t.Errorf("%s:%d: %v", filepath.Base(s.File), s.Line, err)
			continue
		}
		if err := stanza.Validate(el); err != nil {
			t.Errorf("%s:%d (%s): %v", filepath.Base(s.File), s.Line, s.Source, err)
		}
	}
	if n < 20 {
		t.Errorf("only %d server captures in the corpus", n)
	}
	t.Logf("%d server captures validate", n)
}

// TestNonCanonicalChild: a child holding a valid value in a non-canonical
// form gives its field the value, re-encodes as it came, is valid, and
// gives way to the field once the field changes.
func TestNonCanonicalChild(t *testing.T) {
	const in = `<presence xmlns='jabber:client'><show>away</show><priority>+05</priority><status>out</status></presence>`
	el, err := stanza.DecodeString(in)
	if err != nil {
		t.Fatal(err)
	}
	p := el.(*xmpp.Presence)
	if p.Priority == nil || *p.Priority != 5 {
		t.Fatalf("priority %v, want 5", p.Priority)
	}
	if err := stanza.Validate(p); err != nil {
		t.Errorf("Validate = %v", err)
	}
	out, err := stanza.Marshal(p)
	if err != nil || string(out) != in {
		t.Errorf("re-encoded %s (%v), want %s", out, err, in)
	}
	*p.Priority = 7
	out, _ = stanza.Marshal(p)
	if s := string(out); strings.Count(s, "<priority>") != 1 || !strings.Contains(s, "<priority>7</priority>") || strings.Contains(s, "+05") {
		t.Errorf("after the change %s, want one <priority>7</priority>", out)
	}
	p.Priority = nil
	out, _ = stanza.Marshal(p)
	if want := `<presence xmlns='jabber:client'><show>away</show><status>out</status></presence>`; string(out) != want {
		t.Errorf("after removing it %s, want %s", out, want)
	}
}
