package all_test

import (
	"encoding/xml"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protoxmpp/protoxmpp/internal/xmltest"
	"github.com/protoxmpp/protoxmpp/stanza/delay"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// The generated types work inside structs handled by encoding/xml.
func TestEncodingXMLInterop(t *testing.T) {
	type envelope struct {
		XMLName xml.Name      `xml:"urn:example:log entry"`
		Message *xmpp.Message `xml:"jabber:client message"`
	}
	in := `<entry xmlns='urn:example:log'><message xmlns='jabber:client' to='a@b' type='chat'>` +
		`<body xml:lang='en'>hi &amp; bye</body><delay xmlns='urn:xmpp:delay' stamp='2002-09-10T23:08:25Z'>Offline</delay></message></entry>`
	var env envelope
	if err := xml.Unmarshal([]byte(in), &env); err != nil {
		t.Fatal(err)
	}
	m := env.Message
	if m == nil || m.To.String() != "a@b" || len(m.Body) != 1 || m.Body[0].Value != "hi & bye" || m.Body[0].Lang != "en" {
		t.Fatalf("decoded %+v", m)
	}
	d, ok := m.Any[0].(*delay.Delay)
	if !ok || d.Value != "Offline" || d.Stamp != "2002-09-10T23:08:25Z" {
		t.Fatalf("payload %#v", m.Any[0])
	}
	out, err := xml.Marshal(&env)
	if err != nil {
		t.Fatal(err)
	}
	xmltest.Equal(t, []byte(in), out, nil)
	var again envelope
	if err := xml.Unmarshal(out, &again); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(env.Message, again.Message); diff != "" {
		t.Errorf("second decode (-first +second):\n%s", diff)
	}
}
