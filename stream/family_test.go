package stream_test

import (
	"github.com/protoxmpp/protoxmpp/jid"
	"testing"

	"github.com/protoxmpp/protoxmpp/internal/xmltest"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
	"github.com/protoxmpp/protoxmpp/stream"
)

// receive feeds a peer's stream header in namespace ns and then in to an
// initiating stream, and returns the elements it decoded.
func receive(t *testing.T, ns, in string) []stanza.Element {
	t.Helper()
	s := stream.New(stream.Config{NS: ns})
	if err := s.Open(stream.Header{To: "example.com"}); err != nil {
		t.Fatal(err)
	}
	s.Feed([]byte(`<stream:stream xmlns='` + ns + `' xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='s1' version='1.0'>` + in))
	var els []stanza.Element
	for ev := s.Next(); ev.Kind != stream.EventNone; ev = s.Next() {
		switch ev.Kind {
		case stream.EventElement:
			els = append(els, ev.Element)
		case stream.EventError, stream.EventStreamError:
			t.Fatalf("%v: %v", ev.Kind, ev.Err)
		}
	}
	return els
}

// sent returns what a stream of namespace ns writes for el.
func sent(t *testing.T, ns string, el stanza.Element) string {
	t.Helper()
	s := stream.New(stream.Config{NS: ns})
	if err := s.Open(stream.Header{To: "example.com"}); err != nil {
		t.Fatal(err)
	}
	s.Output()
	if err := s.Send(el); err != nil {
		t.Fatal(err)
	}
	return string(s.Output())
}

// TestOneStanzaTypeForEveryStream: stanzas read on a stream of any of the
// three kinds decode into the same types, and are written on a stream of
// any kind in that stream's namespace, with no conversion; a forwarded
// stanza keeps the namespace it declared.
func TestOneStanzaTypeForEveryStream(t *testing.T) {
	const stanzas = `<message from='juliet@example.com/balcony' to='romeo@example.net' type='chat' id='m1'><body>Wherefore art thou?</body>` +
		`<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' from='romeo@example.net/orchard' to='juliet@example.com/balcony' type='chat'><body>Neither</body></message></forwarded></received></message>` +
		`<presence from='juliet@example.com/balcony'><show>away</show><priority>-1</priority></presence>` +
		`<iq type='get' id='v1' from='juliet@example.com/balcony' to='example.com'><query xmlns='jabber:iq:version'/></iq>`
	kinds := []string{stream.NSClient, stream.NSServer, stream.NSComponent}
	for _, from := range kinds {
		els := receive(t, from, stanzas)
		if len(els) != 3 {
			t.Fatalf("%s: %d elements", from, len(els))
		}
		m, ok := els[0].(*xmpp.Message)
		if !ok || m.Body[0].Value != "Wherefore art thou?" || m.XMLNS != from || !m.XMLNSInherited {
			t.Fatalf("%s: message %#v", from, els[0])
		}
		if _, ok := els[1].(*xmpp.Presence); !ok {
			t.Fatalf("%s: presence %T", from, els[1])
		}
		if _, ok := els[2].(*xmpp.IQ); !ok {
			t.Fatalf("%s: iq %T", from, els[2])
		}
		for _, to := range kinds {
			var out string
			for _, el := range els {
				out += sent(t, to, el)
			}
			want, err := xmltest.Canonical([]byte(stanzas), map[string]string{"": to})
			if err != nil {
				t.Fatal(err)
			}
			got, err := xmltest.Canonical([]byte(out), map[string]string{"": to})
			if err != nil {
				t.Fatalf("%s -> %s: %v\n%s", from, to, err, out)
			}
			if got != want {
				t.Errorf("%s -> %s: wrote\n%s\nwant the input in %s", from, to, out, to)
			}
		}
	}
}

// TestFamilyNamespaceAlone: a stanza that declared its namespace keeps it
// when encoded alone; one built in Go is jabber:client alone, and takes
// the namespace of the stream it is sent on.
func TestFamilyNamespaceAlone(t *testing.T) {
	el, err := stanza.DecodeString(`<message xmlns='jabber:server' from='a@example.com' to='b@example.net'><body>hi</body></message>`)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := stanza.Marshal(el)
	if want := `<message xmlns='jabber:server' from='a@example.com' to='b@example.net'><body>hi</body></message>`; string(out) != want {
		t.Errorf("alone: %s, want %s", out, want)
	}
	// Declared, so kept even on a client stream.
	if got := sent(t, stream.NSClient, el); got != string(out) {
		t.Errorf("on a client stream: %s, want %s", got, out)
	}
	built := &xmpp.Message{To: jid.Raw("b@example.net"), Body: []xmpp.Body{{Value: "hi"}}}
	out, _ = stanza.Marshal(built)
	if want := `<message xmlns='jabber:client' to='b@example.net'><body>hi</body></message>`; string(out) != want {
		t.Errorf("built, alone: %s, want %s", out, want)
	}
	if got, want := sent(t, stream.NSComponent, built), `<message to='b@example.net'><body>hi</body></message>`; got != want {
		t.Errorf("built, on a component stream: %s, want %s", got, want)
	}
	var m xmpp.Message
	if err := stanza.UnmarshalString(`<message xmlns='jabber:component:accept'/>`, &m); err != nil || m.XMLNS != stream.NSComponent || m.XMLNSInherited {
		t.Errorf("Unmarshal of a component message: %v, %+v", err, m)
	}
}
