package client_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/caps"
	"github.com/protoxmpp/protoxmpp/stanza/receipts"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// callLog records handler calls from the dispatch goroutine.
type callLog struct {
	mu    sync.Mutex
	calls []string
}

func (l *callLog) add(s string) {
	l.mu.Lock()
	l.calls = append(l.calls, s)
	l.mu.Unlock()
}

// take returns the calls recorded so far and forgets them.
func (l *callLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.calls
	l.calls = nil
	return c
}

// barrier sends an IQ request the client answers itself and waits for the
// answer: the dispatcher handles elements one at a time in arrival order,
// so every handler call for what the server sent before has returned. It
// returns what the client sent before the answer.
func barrier(t *testing.T, srv *fakeServer, id string) []stanza.Element {
	t.Helper()
	srv.sendRaw(`<iq type='get' id='` + id + `' from='example.com'><ping xmlns='urn:xmpp:ping'/></iq>`)
	var before []stanza.Element
	for {
		el := srv.next()
		if iq, ok := el.(*xmpp.IQ); ok && iq.ID == id {
			if iq.Type != xmpp.IQTypeResult {
				t.Fatalf("barrier answered with %s", marshal(t, iq))
			}
			return before
		}
		before = append(before, el)
	}
}

// TestHandleMessageMatch checks which message handlers a message reaches,
// by type and payload namespace, and in which order.
func TestHandleMessageMatch(t *testing.T) {
	c, srv := connect(t, serverOpts{}, client.Options{})
	var log callLog
	c.HandleElement(func(el stanza.Element) {
		if _, ok := el.(*xmpp.Message); ok {
			log.add("element")
		}
	})
	on := func(name string) func(*xmpp.Message) {
		return func(*xmpp.Message) { log.add(name) }
	}
	c.HandleMessage(on("any"))
	c.HandleMessageMatch(client.MessageMatch{Type: xmpp.MessageTypeChat}, on("chat"))
	c.HandleMessageMatch(client.MessageMatch{Type: xmpp.MessageTypeNormal}, on("normal"))
	c.HandleMessageMatch(client.MessageMatch{NS: receipts.NS}, on("receipts"))
	c.HandleMessageMatch(client.MessageMatch{Type: xmpp.MessageTypeChat, NS: receipts.NS}, on("chat+receipts"))
	c.HandleMessageMatch(client.MessageMatch{Type: xmpp.MessageTypeError}, on("error"))
	c.HandleMessageMatch(client.MessageMatch{NS: xmpp.NS}, on("jabber:client"))
	c.HandleMessage(on("any, registered last"))

	cases := []struct {
		name string
		xml  string
		want []string
	}{{
		name: "chat with a body",
		xml:  `<message type='chat' from='romeo@example.net/orchard'><body>hi</body></message>`,
		want: []string{"element", "any", "chat", "any, registered last"},
	}, {
		name: "chat with a receipt request",
		xml:  `<message type='chat' from='romeo@example.net/orchard'><body>hi</body><request xmlns='urn:xmpp:receipts'/></message>`,
		want: []string{"element", "any", "chat", "receipts", "chat+receipts", "any, registered last"},
	}, {
		name: "no type is normal",
		xml:  `<message from='romeo@example.net/orchard'><request xmlns='urn:xmpp:receipts'/></message>`,
		want: []string{"element", "any", "normal", "receipts", "any, registered last"},
	}, {
		name: "explicit normal",
		xml:  `<message type='normal' from='romeo@example.net/orchard'><body>hi</body></message>`,
		want: []string{"element", "any", "normal", "any, registered last"},
	}, {
		name: "unknown type is normal",
		xml:  `<message type='shout' from='romeo@example.net/orchard'><body>hi</body></message>`,
		want: []string{"element", "any", "normal", "any, registered last"},
	}, {
		name: "headline with a payload in another namespace",
		xml:  `<message type='headline' from='example.com'><received xmlns='urn:xmpp:receipts:other' id='x'/></message>`,
		want: []string{"element", "any", "any, registered last"},
	}, {
		name: "a nested element is no payload",
		xml:  `<message type='chat' from='romeo@example.net/orchard'><wrap xmlns='urn:example:wrap'><request xmlns='urn:xmpp:receipts'/></wrap></message>`,
		want: []string{"element", "any", "chat", "any, registered last"},
	}, {
		name: "error",
		xml:  `<message type='error' from='romeo@example.net/orchard'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>`,
		want: []string{"element", "any", "error", "any, registered last"},
	}}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.sendRaw(tc.xml)
			barrier(t, srv, fmt.Sprint("b", i))
			if diff := cmp.Diff(tc.want, log.take()); diff != "" {
				t.Errorf("handlers called (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHandlePresenceMatch checks which presence handlers a presence
// reaches, by type and payload namespace, and in which order.
func TestHandlePresenceMatch(t *testing.T) {
	c, srv := connect(t, serverOpts{}, client.Options{})
	var log callLog
	c.HandleElement(func(el stanza.Element) {
		if _, ok := el.(*xmpp.Presence); ok {
			log.add("element")
		}
	})
	on := func(name string) func(*xmpp.Presence) {
		return func(*xmpp.Presence) { log.add(name) }
	}
	c.HandlePresence(on("any"))
	c.HandlePresenceMatch(client.PresenceMatch{Type: client.PresenceAvailable}, on("available"))
	c.HandlePresenceMatch(client.PresenceMatch{Type: xmpp.PresenceTypeSubscribe}, on("subscribe"))
	c.HandlePresenceMatch(client.PresenceMatch{Type: xmpp.PresenceTypeUnavailable}, on("unavailable"))
	c.HandlePresenceMatch(client.PresenceMatch{NS: caps.NS}, on("caps"))
	c.HandlePresenceMatch(client.PresenceMatch{Type: client.PresenceAvailable, NS: caps.NS}, on("available+caps"))

	const c1 = `<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://example.org' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/>`
	cases := []struct {
		name string
		xml  string
		want []string
	}{{
		name: "available",
		xml:  `<presence from='romeo@example.net/orchard'/>`,
		want: []string{"element", "any", "available"},
	}, {
		name: "available with capabilities",
		xml:  `<presence from='romeo@example.net/orchard'><show>away</show>` + c1 + `</presence>`,
		want: []string{"element", "any", "available", "caps", "available+caps"},
	}, {
		name: "subscription request",
		xml:  `<presence from='romeo@example.net' type='subscribe'/>`,
		want: []string{"element", "any", "subscribe"},
	}, {
		name: "unavailable with capabilities",
		xml:  `<presence from='romeo@example.net/orchard' type='unavailable'>` + c1 + `</presence>`,
		want: []string{"element", "any", "unavailable", "caps"},
	}, {
		name: "type='available' is not availability",
		xml:  `<presence from='romeo@example.net/orchard' type='available'/>`,
		want: []string{"element", "any"},
	}, {
		name: "probe",
		xml:  `<presence from='romeo@example.net' type='probe'/>`,
		want: []string{"element", "any"},
	}}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.sendRaw(tc.xml)
			barrier(t, srv, fmt.Sprint("b", i))
			if diff := cmp.Diff(tc.want, log.take()); diff != "" {
				t.Errorf("handlers called (-want +got):\n%s", diff)
			}
		})
	}
}

// describe names an element for the call log.
func describe(el stanza.Element) string {
	switch x := el.(type) {
	case *xmpp.Message:
		return "message " + x.ID
	case *xmpp.Presence:
		return "presence " + x.ID
	case *xmpp.IQ:
		return "iq " + string(x.Type) + " " + x.ID
	}
	n := el.ElementName()
	return "{" + n.Space + "}" + n.Local
}

// TestHandleElement checks that the catch-all handlers see every
// top-level element in arrival order (stanzas the client answers itself,
// IQ responses and unknown elements included), before the specific
// handlers, and that the client still answers and matches as usual.
func TestHandleElement(t *testing.T) {
	c, srv := connect(t, serverOpts{}, client.Options{})
	var log callLog
	c.HandleElement(func(el stanza.Element) { log.add("e1 " + describe(el)) })
	c.HandleMessage(func(m *xmpp.Message) { log.add("message handler " + m.ID) })
	c.HandlePresenceMatch(client.PresenceMatch{Type: xmpp.PresenceTypeSubscribe}, func(p *xmpp.Presence) {
		log.add("subscribe handler " + p.ID)
	})
	c.HandleRoster(func(ev client.RosterEvent) { log.add("roster handler " + ev.Item.JID.String()) })
	c.HandleIQ("urn:example:q", "q", func(ctx context.Context, iq *xmpp.IQ) (stanza.Element, error) {
		log.add("iq handler " + iq.ID)
		return nil, nil
	})
	// Registered after the specific handlers, still called before them.
	c.HandleElement(func(el stanza.Element) { log.add("e2 " + describe(el)) })

	// A request of the client's own, answered inside the burst below.
	pinged := make(chan error, 1)
	go func() { pinged <- c.Ping(testCtx(t), jid.JID{}) }()
	ping := srv.nextIQ()

	srv.sendRaw(`<message id='m1' type='chat' from='romeo@example.net/orchard'><body>hi</body></message>` +
		`<iq type='result' id='` + ping.ID + `' from='example.com'/>` +
		`<presence id='p1' type='subscribe' from='romeo@example.net'/>` +
		`<iq type='get' id='g1' from='romeo@example.net/orchard'><ping xmlns='urn:xmpp:ping'/></iq>` +
		`<iq type='set' id='push1'><query xmlns='jabber:iq:roster'><item jid='nurse@example.com'/></query></iq>` +
		`<iq type='get' id='q1' from='romeo@example.net/orchard'><q xmlns='urn:example:q'/></iq>` +
		`<top xmlns='urn:example:top'/>` +
		`<iq type='result' id='unmatched' from='romeo@example.net/orchard'/>` +
		`<message id='m2' from='romeo@example.net/orchard'/>`)
	sent := barrier(t, srv, "b")
	if err := <-pinged; err != nil {
		t.Errorf("Ping: %v", err)
	}
	want := []string{
		"e1 message m1", "e2 message m1", "message handler m1",
		"e1 iq result " + ping.ID, "e2 iq result " + ping.ID,
		"e1 presence p1", "e2 presence p1", "subscribe handler p1",
		"e1 iq get g1", "e2 iq get g1",
		"e1 iq set push1", "e2 iq set push1", "roster handler nurse@example.com",
		"e1 iq get q1", "e2 iq get q1", "iq handler q1",
		"e1 {urn:example:top}top", "e2 {urn:example:top}top",
		"e1 iq result unmatched", "e2 iq result unmatched",
		"e1 message m2", "e2 message m2", "message handler m2",
		"e1 iq get b", "e2 iq get b",
	}
	if diff := cmp.Diff(want, log.take()); diff != "" {
		t.Errorf("handlers called (-want +got):\n%s", diff)
	}
	// The client answered the requests it serves, in order.
	var answers []string
	for _, el := range sent {
		answers = append(answers, describe(el))
	}
	if diff := cmp.Diff([]string{"iq result g1", "iq result push1", "iq result q1"}, answers); diff != "" {
		t.Errorf("client sent (-want +got):\n%s", diff)
	}
}
