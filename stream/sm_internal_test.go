package stream

import (
	"errors"
	"testing"

	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// TestSMWrap: the counters wrap from 2^32-1 to 0 (XEP-0198 section 4), and
// acknowledgements across the wrap drop the right stanzas.
func TestSMWrap(t *testing.T) {
	m := &SMSession{ns: NSClient, out: 0xFFFFFFFE, acked: 0xFFFFFFFE}
	for _, b := range []string{"a", "b", "c", "d"} {
		if err := m.Enqueue(&xmpp.Message{To: jid.Raw("x@y"), Body: []xmpp.Body{{Value: b}}}); err != nil {
			t.Fatal(err)
		}
	}
	if m.Sent() != 2 || m.Unacked() != 4 {
		t.Fatalf("sent %d unacked %d", m.Sent(), m.Unacked())
	}
	// h=1 covers 0xFFFFFFFF, 0 and 1: three stanzas.
	if err := m.ack(1); err != nil || m.Unacked() != 1 {
		t.Fatalf("ack(1): %v, unacked %d", err, m.Unacked())
	}
	els, err := m.UnackedElements()
	if err != nil || len(els) != 1 || els[0].(*xmpp.Message).Body[0].Value != "d" {
		t.Fatalf("left: %v %v", els, err)
	}
	var se *Error
	if err := m.ack(3); !errors.As(err, &se) || se.Condition != UndefinedCondition {
		t.Fatalf("ack(3) of 1 outstanding: %v", err)
	}
	if err := m.ack(2); err != nil || m.Unacked() != 0 || m.Acked() != 2 {
		t.Fatalf("ack(2): %v, unacked %d", err, m.Unacked())
	}
	// An ack of the same h again changes nothing.
	if err := m.ack(2); err != nil {
		t.Fatal(err)
	}

	// The inbound count wraps too.
	s := New(Config{Role: Receiving})
	s.Feed([]byte("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>"))
	if ev := s.Next(); ev.Kind != EventOpen {
		t.Fatal(ev)
	}
	s.Open(Header{From: "example.com"})
	s.Output()
	s.authed = true
	s.sm, s.smIn = &SMSession{ns: NSClient, in: 0xFFFFFFFF}, true
	s.Feed([]byte("<message xmlns='jabber:client'/><r xmlns='urn:xmpp:sm:3'/>"))
	for ev := s.Next(); ev.Kind != EventNone; ev = s.Next() {
	}
	if got := string(s.Output()); got != "<a xmlns='urn:xmpp:sm:3' h='0'/>" {
		t.Errorf("after the wrap: %q", got)
	}
}
