package client

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// Status is an availability to announce (RFC 6121 section 4.7.2).
type Status struct {
	// Show is the availability sub-state: away, chat, dnd or xa; empty
	// means plainly available.
	Show xmpp.ShowType
	// Text is the human-readable status, empty for none.
	Text string
	// Priority is the priority of this resource, from -128 to 127; a
	// negative priority asks the server not to deliver messages sent to the
	// bare JID here (RFC 6121 section 4.7.2.3).
	Priority int8
}

// ContactPresence is the current presence of one resource of a contact.
type ContactPresence struct {
	// JID is the full JID of the resource (a bare JID when the contact's
	// presence came from its bare JID).
	JID jid.JID
	// Show, Status and Priority are those of its last available presence.
	Show     xmpp.ShowType
	Status   string
	Priority int8
	// Presence is that presence stanza as received.
	Presence *xmpp.Presence
}

func (st Status) presence(to jid.JID) *xmpp.Presence {
	p := &xmpp.Presence{To: to}
	if st.Show != "" {
		show := st.Show
		p.Show = &show
	}
	if st.Text != "" {
		p.Status = []xmpp.Status{{Value: st.Text}}
	}
	if st.Priority != 0 {
		prio := st.Priority
		p.Priority = &prio
	}
	return p
}

// SetPresence broadcasts the user's availability through the server to
// the contacts subscribed to it: the first call sends the initial presence
// (RFC 6121 section 4.2), which makes this resource available (it then
// receives its contacts' presence and subscription requests); later calls
// update it (section 4.4). Fetch the roster first (RFC 6121 section 2.2).
func (c *Client) SetPresence(ctx context.Context, st Status) error {
	return c.Send(ctx, st.presence(jid.JID{}))
}

// SetUnavailable broadcasts unavailable presence (RFC 6121 section 4.5),
// with an optional status text, without ending the session.
func (c *Client) SetUnavailable(ctx context.Context, text string) error {
	p := &xmpp.Presence{Type: xmpp.PresenceTypeUnavailable}
	if text != "" {
		p.Status = []xmpp.Status{{Value: text}}
	}
	return c.Send(ctx, p)
}

// SendPresenceTo sends directed presence to one entity (RFC 6121 section
// 4.6), which need not be a subscribed contact.
func (c *Client) SendPresenceTo(ctx context.Context, to jid.JID, st Status) error {
	return c.Send(ctx, st.presence(to))
}

// SendUnavailableTo sends directed unavailable presence to one entity
// (RFC 6121 section 4.6.3).
func (c *Client) SendUnavailableTo(ctx context.Context, to jid.JID, text string) error {
	to, err := prepared(to)
	if err != nil {
		return err
	}
	p := &xmpp.Presence{To: to, Type: xmpp.PresenceTypeUnavailable}
	if text != "" {
		p.Status = []xmpp.Status{{Value: text}}
	}
	return c.Send(ctx, p)
}

// subscription sends a subscription-management presence of type typ to
// the bare JID of j, with an ID (RFC 6121 section 3: the requests go to the
// bare JID, and an 'id' is recommended for tracking).
func (c *Client) subscription(ctx context.Context, j jid.JID, typ xmpp.PresenceType) error {
	j, err := prepared(j)
	if err != nil {
		return err
	}
	return c.Send(ctx, &xmpp.Presence{To: j.Bare(), Type: typ, ID: newID()})
}

// prepared returns j in canonical form (RFC 7622), as the client sends
// addresses: a JID received as it came (jid.Raw) is prepared here.
func prepared(j jid.JID) (jid.JID, error) {
	p, err := j.Prepare()
	if err != nil {
		return jid.JID{}, fmt.Errorf("client: address %q: %w", j, err)
	}
	return p, nil
}

// Subscribe asks contact j for a subscription to its presence (RFC 6121
// section 3.1.1, type subscribe). The answer comes as a presence of type
// subscribed or unsubscribed, and the roster changes through pushes.
func (c *Client) Subscribe(ctx context.Context, j jid.JID) error {
	return c.subscription(ctx, j, xmpp.PresenceTypeSubscribe)
}

// ApproveSubscription approves the subscription request of contact j
// (RFC 6121 section 3.1.4, type subscribed): j will receive the user's
// presence.
func (c *Client) ApproveSubscription(ctx context.Context, j jid.JID) error {
	return c.subscription(ctx, j, xmpp.PresenceTypeSubscribed)
}

// DenySubscription refuses the subscription request of contact j (RFC 6121
// section 3.1.4, type unsubscribed).
func (c *Client) DenySubscription(ctx context.Context, j jid.JID) error {
	return c.subscription(ctx, j, xmpp.PresenceTypeUnsubscribed)
}

// Unsubscribe ends the user's subscription to the presence of contact j
// (RFC 6121 section 3.3.1, type unsubscribe).
func (c *Client) Unsubscribe(ctx context.Context, j jid.JID) error {
	return c.subscription(ctx, j, xmpp.PresenceTypeUnsubscribe)
}

// CancelSubscription revokes the subscription contact j has to the user's
// presence (RFC 6121 section 3.2.1, type unsubscribed).
func (c *Client) CancelSubscription(ctx context.Context, j jid.JID) error {
	return c.subscription(ctx, j, xmpp.PresenceTypeUnsubscribed)
}

// PreApprove approves in advance a subscription request contact j has not
// sent yet (RFC 6121 section 3.4, type subscribed), when the server
// advertises pre-approval; otherwise it sends nothing and returns
// ErrPreApprovalUnsupported.
func (c *Client) PreApprove(ctx context.Context, j jid.JID) error {
	if !c.SupportsPreApproval() {
		return ErrPreApprovalUnsupported
	}
	return c.subscription(ctx, j, xmpp.PresenceTypeSubscribed)
}

// trackPresence updates the table of contacts' presence (in the reader).
func (c *Client) trackPresence(p *xmpp.Presence) {
	from, err := p.From.Prepare()
	if err != nil || p.From.IsZero() {
		return
	}
	bare := from.Bare()
	c.mu.Lock()
	defer c.mu.Unlock()
	switch p.Type {
	case "":
		cp := ContactPresence{JID: from, Presence: p}
		if p.Show != nil {
			cp.Show = *p.Show
		}
		if len(p.Status) > 0 {
			cp.Status = pickStatus(p.Status, c.opts.Lang)
		}
		if p.Priority != nil {
			cp.Priority = *p.Priority
		}
		if c.presences == nil {
			c.presences = map[jid.JID][]ContactPresence{}
		}
		rs := c.presences[bare]
		if i := slices.IndexFunc(rs, func(r ContactPresence) bool { return r.JID == from }); i >= 0 {
			rs[i] = cp
		} else {
			c.presences[bare] = append(rs, cp)
		}
	case xmpp.PresenceTypeUnavailable:
		if from.Resource() == "" {
			c.forgetPresenceLocked(bare)
			return
		}
		rs := c.presences[bare]
		if i := slices.IndexFunc(rs, func(r ContactPresence) bool { return r.JID == from }); i >= 0 {
			rs = slices.Delete(rs, i, i+1)
			if len(rs) == 0 {
				c.forgetPresenceLocked(bare)
			} else {
				c.presences[bare] = rs
			}
		}
	case xmpp.PresenceTypeError:
		// The contact cannot be reached (RFC 6121 section 4.3.2 and
		// 4.6.1): whatever was known of it is stale.
		c.forgetPresenceLocked(bare)
	}
}

// forgetPresenceLocked forgets every resource of the contact bare, with mu
// held; the table goes with its last contact.
func (c *Client) forgetPresenceLocked(bare jid.JID) {
	delete(c.presences, bare)
	if len(c.presences) == 0 {
		c.presences = nil
	}
}

// pickStatus chooses the status text in the stream's language, or else the
// first one (RFC 6121 section 4.7.2.2 allows one per language).
func pickStatus(sts []xmpp.Status, lang string) string {
	for _, s := range sts {
		if s.Lang == lang {
			return s.Value
		}
	}
	return sts[0].Value
}

// Presences returns the available resources of the contact whose bare JID
// is bare's, by descending priority and then JID; nil when none is known
// to be available. The table is built from the presence received in this
// session.
func (c *Client) Presences(bare jid.JID) []ContactPresence {
	c.mu.Lock()
	out := slices.Clone(c.presences[bare.Bare()])
	c.mu.Unlock()
	if len(out) == 0 {
		return nil
	}
	slices.SortFunc(out, func(a, b ContactPresence) int {
		if a.Priority != b.Priority {
			return cmp.Compare(b.Priority, a.Priority)
		}
		return cmp.Compare(a.JID.String(), b.JID.String())
	})
	return out
}

// SendMessage sends a message of type typ (chat, normal, headline,
// groupchat) with one body to to (RFC 6121 section 5). For a subject,
// thread, several bodies or extension payloads, build a
// *xmpp.Message and use Send.
func (c *Client) SendMessage(ctx context.Context, to jid.JID, typ xmpp.MessageType, body string) error {
	to, err := prepared(to)
	if err != nil {
		return err
	}
	m := &xmpp.Message{To: to, Type: typ, ID: newID()}
	if body != "" {
		m.Body = []xmpp.Body{{Value: body}}
	}
	return c.Send(ctx, m)
}
