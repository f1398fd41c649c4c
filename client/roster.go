package client

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/roster"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// RosterItem is one contact of the roster (RFC 6121 section 2.1.2).
type RosterItem struct {
	// JID is the contact's address (usually a bare JID).
	JID jid.JID
	// Name is the user's nickname for the contact, empty when none.
	Name string
	// Subscription is the subscription state: none, to (the user receives
	// the contact's presence), from (the contact receives the user's) or
	// both. It is ignored by RosterSet.
	Subscription roster.ItemSubscription
	// Ask reports that the user's subscription request is pending
	// (ask='subscribe'). It is ignored by RosterSet.
	Ask bool
	// Approved reports that the user has pre-approved the contact's
	// subscription (RFC 6121 section 3.4). It is ignored by RosterSet.
	Approved bool
	// Groups are the user's groups for the contact, a set: sorted in
	// items the client received.
	Groups []string
}

// Roster is a roster with its version (RFC 6121 section 2.6): what
// RosterSnapshot returns and Options.Roster takes, so that an application
// can store the roster between sessions.
type Roster struct {
	// Version is the roster version the server gave, empty when unknown.
	Version string
	// Items are the contacts, sorted by JID.
	Items []RosterItem
}

// RosterEvent reports a roster push (RFC 6121 section 2.1.6): an item
// added, changed or removed, by this session or another one of the account.
type RosterEvent struct {
	// Item is the item as it is now (for a removal, as the push named it).
	Item RosterItem
	// Removed reports that the item was removed (subscription='remove').
	Removed bool
	// Version is the roster version after the push, empty when the server
	// gave none.
	Version string
}

// rosterCache is the client's copy of the roster, guarded by Client.mu.
type rosterCache struct {
	ver   string
	items map[jid.JID]RosterItem
}

func (r *rosterCache) load(ro Roster) {
	r.ver = ro.Version
	r.items = make(map[jid.JID]RosterItem, len(ro.Items))
	for _, it := range ro.Items {
		r.items[it.JID] = cloneItem(it)
	}
}

func (r *rosterCache) snapshot() Roster {
	out := Roster{Version: r.ver, Items: make([]RosterItem, 0, len(r.items))}
	for _, it := range r.items {
		out.Items = append(out.Items, cloneItem(it))
	}
	slices.SortFunc(out.Items, func(a, b RosterItem) int { return cmp.Compare(a.JID.String(), b.JID.String()) })
	return out
}

func cloneItem(it RosterItem) RosterItem {
	it.Groups = slices.Clone(it.Groups)
	return it
}

// queryVer returns the 'ver' attribute of q and whether it is present: the
// generated decoder keeps an empty ver="" in AnyAttrs, apart from an
// absent one.
func queryVer(q *roster.Query) (string, bool) {
	if q.Ver != "" {
		return q.Ver, true
	}
	for _, a := range q.AnyAttrs {
		if a.Name == (stanza.Name{Local: "ver"}) {
			return a.Value, true
		}
	}
	return "", false
}

// setQueryVer sets the 'ver' attribute of q, present even when empty
// (ver="" asks for the whole roster with versioning, RFC 6121 section
// 2.6.3).
func setQueryVer(q *roster.Query, ver string) {
	q.Ver = ver
	if ver == "" {
		q.AnyAttrs = append(q.AnyAttrs, stanza.Attr{Name: stanza.Name{Local: "ver"}})
	}
}

// itemFrom converts a received roster item.
func itemFrom(x roster.Item) (RosterItem, error) {
	j, err := x.JID.Prepare()
	if err != nil {
		return RosterItem{}, err
	}
	it := RosterItem{
		JID:          j,
		Name:         x.Name,
		Subscription: x.Subscription,
		Ask:          x.Ask == roster.ItemAskSubscribe,
		Approved:     x.Approved != nil && *x.Approved,
		Groups:       slices.Clone(x.Group),
	}
	if it.Subscription == "" {
		it.Subscription = roster.ItemSubscriptionNone // the default (RFC 6121 section 2.1.2.5)
	}
	// Groups are a set (servers such as Prosody do not keep their order).
	slices.Sort(it.Groups)
	return it, nil
}

// rosterPush returns the query of a roster push candidate: a set whose one
// payload is a jabber:iq:roster query.
func rosterPush(iq *xmpp.IQ) (*roster.Query, bool) {
	if iq.Type != xmpp.IQTypeSet || len(iq.Any) != 1 {
		return nil, false
	}
	q, ok := iq.Any[0].(*roster.Query)
	return q, ok
}

// rosterPushed applies a roster push from the account (in the reader) and
// returns the dispatcher's task: acknowledge it, then call the handlers.
func (c *Client) rosterPushed(iq *xmpp.IQ, q *roster.Query) inbound {
	if len(q.Item) != 1 { // RFC 6121 section 2.1.6: one and only one item
		return inbound{el: iq, task: func() {
			c.replyIQ(iq, nil, &StanzaError{Condition: BadRequest, Text: "a roster push carries exactly one item"})
		}}
	}
	it, err := itemFrom(q.Item[0])
	if err != nil {
		return inbound{el: iq, task: func() {
			c.replyIQ(iq, nil, &StanzaError{Condition: BadRequest, Text: "bad JID in roster push"})
		}}
	}
	removed := it.Subscription == roster.ItemSubscriptionRemove
	c.mu.Lock()
	if c.roster.items == nil {
		c.roster.items = map[jid.JID]RosterItem{}
	}
	if old, ok := c.roster.items[it.JID]; ok && receivesPresence(old.Subscription) && !receivesPresence(it.Subscription) {
		// The subscription to the contact's presence ended: what was
		// known of it is stale, whether or not the server sends the
		// unavailable presence RFC 6121 section 3.3.3 asks for.
		c.forgetPresenceLocked(it.JID.Bare())
	}
	if removed {
		delete(c.roster.items, it.JID)
	} else {
		c.roster.items[it.JID] = it
	}
	if ver, ok := queryVer(q); ok {
		c.roster.ver = strings.Clone(ver)
	}
	ev := RosterEvent{Item: cloneItem(it), Removed: removed, Version: c.roster.ver}
	hs := c.rosterH
	c.mu.Unlock()
	return inbound{el: iq, task: func() {
		c.replyIQ(iq, nil, nil)
		for _, h := range hs {
			h(ev)
		}
	}}
}

// receivesPresence reports whether the user is subscribed to the
// contact's presence in subscription state sub.
func receivesPresence(sub roster.ItemSubscription) bool {
	return sub == roster.ItemSubscriptionTo || sub == roster.ItemSubscriptionBoth
}

// HandleRoster registers f to be called for every roster push, after the
// cache has been updated and the push acknowledged, in arrival order with
// the other handlers.
func (c *Client) HandleRoster(f func(RosterEvent)) {
	c.mu.Lock()
	c.rosterH = append(c.rosterH[:len(c.rosterH):len(c.rosterH)], f)
	c.mu.Unlock()
}

// Roster fetches the roster (RFC 6121 section 2.2), which also makes this
// session an interested resource that receives roster pushes, and returns
// the cache updated with it. When the server supports roster versioning
// the cached version is sent (ver="" when there is none); an empty result
// then means the cache is current (RFC 6121 section 2.6.3), and any
// changes come as pushes.
func (c *Client) Roster(ctx context.Context) (Roster, error) {
	q := &roster.Query{}
	c.mu.Lock()
	versioned := c.rosterVerOK
	if versioned {
		setQueryVer(q, c.roster.ver)
	}
	c.mu.Unlock()
	var herr error
	_, err := c.sendIQ(ctx, &xmpp.IQ{Type: xmpp.IQTypeGet, Any: []stanza.Element{q}}, func(resp *xmpp.IQ) {
		if resp.Type == xmpp.IQTypeResult {
			herr = c.applyRosterResult(resp, versioned)
		}
	})
	if err == nil {
		err = herr
	}
	if err != nil {
		return Roster{}, fmt.Errorf("client: roster get: %w", err)
	}
	return c.RosterSnapshot(), nil
}

// applyRosterResult replaces the cache with a roster result, in the reader
// so that pushes received after it apply on top.
func (c *Client) applyRosterResult(resp *xmpp.IQ, versioned bool) error {
	var q *roster.Query
	for _, el := range resp.Any {
		if x, ok := el.(*roster.Query); ok {
			q = x
		}
	}
	if q == nil {
		if versioned {
			return nil // no change since the version sent
		}
		return fmt.Errorf("%w: roster result without a query", ErrBadResponse)
	}
	var items map[jid.JID]RosterItem // nil for an empty roster, until a push
	if len(q.Item) > 0 {
		items = make(map[jid.JID]RosterItem, len(q.Item))
	}
	for _, x := range q.Item {
		it, err := itemFrom(x)
		if err != nil || it.Subscription == roster.ItemSubscriptionRemove {
			continue // an item nobody can address is of no use
		}
		items[it.JID] = it
	}
	ver, _ := queryVer(q)
	c.mu.Lock()
	// A copy, so that the cache does not keep the whole result's text.
	c.roster.items, c.roster.ver = items, strings.Clone(ver)
	c.rosterGot = true
	c.mu.Unlock()
	return nil
}

// RosterItems returns the cached roster items sorted by JID: those of the
// last fetch with the pushes received since applied, or those of
// Options.Roster before any fetch.
func (c *Client) RosterItems() []RosterItem { return c.RosterSnapshot().Items }

// RosterVersion returns the version of the cached roster, empty when
// unknown.
func (c *Client) RosterVersion() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.roster.ver
}

// RosterSnapshot returns the cached roster and its version, consistent
// with each other, to store for Options.Roster of a later session.
func (c *Client) RosterSnapshot() Roster {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.roster.snapshot()
}

// RosterSet adds the item to the roster or updates it (RFC 6121 sections
// 2.3 and 2.4): its JID, Name and Groups are sent; the server computes the
// rest. The cache changes when the server's push arrives, which may be
// after RosterSet returns (HandleRoster reports it).
func (c *Client) RosterSet(ctx context.Context, item RosterItem) error {
	if item.JID.IsZero() {
		return errors.New("client: roster item without a JID")
	}
	seen := map[string]bool{}
	for _, g := range item.Groups {
		// RFC 6121 section 2.3.3: empty or duplicate groups are refused.
		if g == "" {
			return errors.New("client: roster item with an empty group name")
		}
		if seen[g] {
			return fmt.Errorf("client: roster item with group %q twice", g)
		}
		seen[g] = true
	}
	q := &roster.Query{Item: []roster.Item{{JID: item.JID, Name: item.Name, Group: slices.Clone(item.Groups)}}}
	if _, err := c.SendIQ(ctx, &xmpp.IQ{Type: xmpp.IQTypeSet, Any: []stanza.Element{q}}); err != nil {
		return fmt.Errorf("client: roster set %s: %w", item.JID, err)
	}
	return nil
}

// RosterRemove deletes the contact j from the roster (RFC 6121 section
// 2.5), which also cancels the subscriptions both ways. Removing a contact
// that is not in the roster is an error matching ItemNotFound.
func (c *Client) RosterRemove(ctx context.Context, j jid.JID) error {
	q := &roster.Query{Item: []roster.Item{{JID: j, Subscription: roster.ItemSubscriptionRemove}}}
	if _, err := c.SendIQ(ctx, &xmpp.IQ{Type: xmpp.IQTypeSet, Any: []stanza.Element{q}}); err != nil {
		return fmt.Errorf("client: roster remove %s: %w", j, err)
	}
	return nil
}
