package client

import (
	"errors"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// MessageMatch selects the messages a handler registered with
// HandleMessageMatch is called for: those that satisfy every field set.
// The zero MessageMatch selects every message.
type MessageMatch struct {
	// Type selects messages of this type; empty selects every type. A
	// message without a type, or with a type the client does not know, is
	// of type normal (RFC 6121 section 5.2.2), so MessageTypeNormal
	// selects it.
	Type xmpp.MessageType
	// NS selects messages that carry an extension payload (a child element
	// of the message, one of its Any elements) in this namespace; empty
	// selects messages with or without payloads. The children RFC 6121
	// defines (body, subject, thread, error) are not payloads. NS is not
	// advertised in service discovery: use AddFeature for that.
	NS string
}

// PresenceMatch selects the presence stanzas a handler registered with
// HandlePresenceMatch is called for: those that satisfy every field set.
// The zero PresenceMatch selects every presence.
type PresenceMatch struct {
	// Type selects presence of this type (subscribe, unavailable, error,
	// ...); empty selects every type, and PresenceAvailable the presence
	// without a type, which announces availability (RFC 6121 section
	// 4.7.1).
	Type xmpp.PresenceType
	// NS selects presence that carries an extension payload (a child
	// element of the presence, one of its Any elements) in this namespace,
	// such as entity capabilities (XEP-0115); empty selects presence with
	// or without payloads. The children RFC 6121 defines (show, status,
	// priority, error) are not payloads.
	NS string
}

// PresenceAvailable is the PresenceMatch.Type that selects presence
// without a 'type' attribute: the sender is available (RFC 6121 section
// 4.7.1, which defines no "available" value). It only selects; it is never
// sent, and a received type='available' is not matched by it.
const PresenceAvailable xmpp.PresenceType = "available"

// messageTypes are the message types RFC 6121 section 5.2.2 defines.
var messageTypes = map[xmpp.MessageType]bool{
	xmpp.MessageTypeChat:      true,
	xmpp.MessageTypeError:     true,
	xmpp.MessageTypeGroupchat: true,
	xmpp.MessageTypeHeadline:  true,
	xmpp.MessageTypeNormal:    true,
}

func (mm MessageMatch) matches(m *xmpp.Message) bool {
	if mm.Type != "" {
		typ := m.Type
		if !messageTypes[typ] {
			typ = xmpp.MessageTypeNormal // absent or unknown (RFC 6121 section 5.2.2)
		}
		if typ != mm.Type {
			return false
		}
	}
	return mm.NS == "" || hasPayload(m.Any, mm.NS)
}

func (pm PresenceMatch) matches(p *xmpp.Presence) bool {
	switch pm.Type {
	case "":
	case PresenceAvailable:
		if p.Type != "" {
			return false
		}
	default:
		if p.Type != pm.Type {
			return false
		}
	}
	return pm.NS == "" || hasPayload(p.Any, pm.NS)
}

// hasPayload reports whether one of els is in namespace ns.
func hasPayload(els []stanza.Element, ns string) bool {
	for _, el := range els {
		if el != nil && el.ElementName().Space == ns {
			return true
		}
	}
	return false
}

type messageHandler struct {
	match MessageMatch
	f     func(*xmpp.Message)
}

type presenceHandler struct {
	match PresenceMatch
	f     func(*xmpp.Presence)
}

// HandleMessage registers f to be called with every message received, in
// arrival order, after the handlers registered before it. f runs on the
// dispatch goroutine (see the package documentation on ordering). It is
// HandleMessageMatch with the zero MessageMatch.
func (c *Client) HandleMessage(f func(*xmpp.Message)) {
	c.HandleMessageMatch(MessageMatch{}, f)
}

// HandleMessageMatch registers f to be called with every message received
// that m selects, by type and payload namespace, in arrival order. For each
// message, the handlers registered with HandleMessage and
// HandleMessageMatch that select it run one after the other in the order
// they were registered, after the HandleElement handlers. f runs on the
// dispatch goroutine.
//
//	c.HandleMessageMatch(client.MessageMatch{Type: xmpp.MessageTypeChat, NS: receipts.NS}, f)
func (c *Client) HandleMessageMatch(m MessageMatch, f func(*xmpp.Message)) {
	c.mu.Lock()
	c.msgH = append(c.msgH[:len(c.msgH):len(c.msgH)], messageHandler{m, f})
	c.mu.Unlock()
}

// HandlePresence registers f to be called with every presence received
// (availability, subscription requests and answers, errors), in arrival
// order. The table Presences reads is already updated when f runs. It is
// HandlePresenceMatch with the zero PresenceMatch.
func (c *Client) HandlePresence(f func(*xmpp.Presence)) {
	c.HandlePresenceMatch(PresenceMatch{}, f)
}

// HandlePresenceMatch registers f to be called with every presence
// received that m selects, by type and payload namespace, in arrival
// order. For each presence, the handlers registered with HandlePresence and
// HandlePresenceMatch that select it run one after the other in the order
// they were registered, after the HandleElement handlers. f runs on the
// dispatch goroutine.
//
//	c.HandlePresenceMatch(client.PresenceMatch{Type: xmpp.PresenceTypeSubscribe}, f)
func (c *Client) HandlePresenceMatch(m PresenceMatch, f func(*xmpp.Presence)) {
	c.mu.Lock()
	c.presH = append(c.presH[:len(c.presH):len(c.presH)], presenceHandler{m, f})
	c.mu.Unlock()
}

// HandleElement registers f to be called with every top-level element
// received after it is registered: messages, presence, IQ requests
// (roster pushes and those the client answers itself included), IQ
// responses (whether or not a SendIQ waits for them), and elements that
// are no stanza of jabber:client (typed when a package for their namespace
// is imported, *stanza.RawElement otherwise). f runs on the dispatch
// goroutine, in arrival order with every other handler: for each element
// the HandleElement handlers run first, in the order they were registered,
// then the handlers for that kind of stanza, and for an IQ request the
// client's answer is sent after them. f must not modify el, which the
// client and other handlers share (an IQ response is also returned by
// SendIQ).
//
// Once a HandleElement handler is registered, IQ responses go through the
// dispatch queue too, so they count towards Options.QueueSize.
func (c *Client) HandleElement(f func(el stanza.Element)) {
	c.mu.Lock()
	c.elemH = append(c.elemH[:len(c.elemH):len(c.elemH)], f)
	c.mu.Unlock()
	c.observed.Store(true)
}

// dispatch calls the handlers for one unit of work, on the dispatch
// goroutine.
func (c *Client) dispatch(in inbound) {
	c.mu.Lock()
	elemH, msgH, presH := c.elemH, c.msgH, c.presH
	c.mu.Unlock()
	if in.el != nil {
		for _, h := range elemH {
			h(in.el)
		}
	}
	switch {
	case in.task != nil:
		in.task()
	case in.observeOnly:
	default:
		switch x := in.el.(type) {
		case *xmpp.IQ:
			if in.invalid != nil {
				c.replyIQ(x, nil, &StanzaError{Condition: BadRequest, Text: invalidText(in.invalid)})
				return
			}
			c.serveIQ(x, in.refuse)
		case *xmpp.Presence:
			for _, h := range presH {
				if h.match.matches(x) {
					h.f(x)
				}
			}
		case *xmpp.Message:
			for _, h := range msgH {
				if h.match.matches(x) {
					h.f(x)
				}
			}
		}
	}
}

// invalidText is the text of the bad-request answer to a request that
// does not validate: its first violation, with the path.
func invalidText(err error) string {
	var v *stanza.Violation
	if errors.As(err, &v) {
		return "schema violation: " + v.Error()
	}
	return "schema violation"
}
