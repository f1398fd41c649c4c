package client_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/roster"
	"github.com/protoxmpp/protoxmpp/stanza/stanzaerror"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

var (
	nurse = jid.MustParse("nurse@example.com")
	romeo = jid.MustParse("romeo@example.net")
)

func rosterQuery(ver *string, items ...roster.Item) *roster.Query {
	q := &roster.Query{Item: items}
	if ver != nil {
		q.Ver = *ver
		if *ver == "" {
			q.AnyAttrs = []stanza.Attr{{Name: stanza.Name{Local: "ver"}}}
		}
	}
	return q
}

func ptr[T any](v T) *T { return &v }

// rosterServer answers the client's roster get with the result make
// returns (nil: an empty result), and records the query it got.
func rosterServer(srv *fakeServer, result func(q *roster.Query) *roster.Query) (got func() string) {
	var mu sync.Mutex
	var seen string
	srv.handle(func(el stanza.Element) bool {
		iq, ok := el.(*xmpp.IQ)
		if !ok || iq.Type != xmpp.IQTypeGet || len(iq.Any) != 1 {
			return false
		}
		q, ok := iq.Any[0].(*roster.Query)
		if !ok {
			return false
		}
		b, _ := stanza.Marshal(q)
		mu.Lock()
		seen = string(b)
		mu.Unlock()
		resp := &xmpp.IQ{Type: xmpp.IQTypeResult, ID: iq.ID}
		if r := result(q); r != nil {
			resp.Any = []stanza.Element{r}
		}
		srv.sendLocked(resp)
		return true
	})
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		return seen
	}
}

// TestRosterFetch covers the roster get with and without versioning: what
// the client sends, and how the cache comes out of the result.
func TestRosterFetch(t *testing.T) {
	stored := &client.Roster{Version: "v7", Items: []client.RosterItem{{JID: nurse, Name: "Nurse", Subscription: roster.ItemSubscriptionBoth, Groups: []string{"Family"}}}}
	fresh := roster.Item{JID: jid.Raw("romeo@example.net"), Name: "Romeo", Subscription: roster.ItemSubscriptionTo, Ask: roster.ItemAskSubscribe, Group: []string{"Friends", "Verona"}}
	romeoItem := client.RosterItem{JID: romeo, Name: "Romeo", Subscription: roster.ItemSubscriptionTo, Ask: true, Groups: []string{"Friends", "Verona"}}
	cases := []struct {
		name      string
		versioned bool
		stored    *client.Roster
		result    *roster.Query // nil: empty result
		wantQuery string
		want      client.Roster
		wantErr   error
	}{{
		name:      "versioning, nothing stored: ver='' and the full roster",
		versioned: true,
		result:    rosterQuery(ptr("v1"), fresh),
		wantQuery: `<query xmlns='jabber:iq:roster' ver=''/>`,
		want:      client.Roster{Version: "v1", Items: []client.RosterItem{romeoItem}},
	}, {
		name:      "versioning, stored roster current: empty result keeps the cache",
		versioned: true,
		stored:    stored,
		wantQuery: `<query xmlns='jabber:iq:roster' ver='v7'/>`,
		want:      *stored,
	}, {
		name:      "versioning, stored roster stale: the result replaces it",
		versioned: true,
		stored:    stored,
		result:    rosterQuery(ptr("v9"), fresh),
		wantQuery: `<query xmlns='jabber:iq:roster' ver='v7'/>`,
		want:      client.Roster{Version: "v9", Items: []client.RosterItem{romeoItem}},
	}, {
		name:      "no versioning: no ver sent even with a stored roster",
		stored:    stored,
		result:    rosterQuery(nil, fresh, roster.Item{JID: jid.Raw("nurse@example.com")}),
		wantQuery: `<query xmlns='jabber:iq:roster'/>`,
		want: client.Roster{Items: []client.RosterItem{
			{JID: nurse, Subscription: roster.ItemSubscriptionNone},
			romeoItem,
		}},
	}, {
		name:      "no versioning: an empty result is malformed",
		wantQuery: `<query xmlns='jabber:iq:roster'/>`,
		wantErr:   client.ErrBadResponse,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, srv := connect(t, serverOpts{rosterVer: tc.versioned}, client.Options{Roster: tc.stored})
			if c.SupportsRosterVersioning() != tc.versioned {
				t.Errorf("SupportsRosterVersioning() = %v", c.SupportsRosterVersioning())
			}
			seen := rosterServer(srv, func(*roster.Query) *roster.Query { return tc.result })
			got, err := c.Roster(testCtx(t))
			if diff := cmp.Diff(tc.wantQuery, seen()); diff != "" {
				t.Errorf("query sent (-want +got):\n%s", diff)
			}
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("error %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Roster: %v", err)
			}
			if diff := cmp.Diff(tc.want, got, cmp.Comparer(jid.JID.Equal)); diff != "" {
				t.Errorf("roster (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, c.RosterSnapshot(), cmp.Comparer(jid.JID.Equal)); diff != "" {
				t.Errorf("snapshot (-want +got):\n%s", diff)
			}
			if c.RosterVersion() != tc.want.Version {
				t.Errorf("RosterVersion() = %q, want %q", c.RosterVersion(), tc.want.Version)
			}
		})
	}
}

// TestRosterPush sends roster pushes from several senders: only those
// from the account (no from, or its bare JID) change the cache, are
// reported and acknowledged; the others get service-unavailable.
func TestRosterPush(t *testing.T) {
	c, srv := connect(t, serverOpts{rosterVer: true}, client.Options{})
	rosterServer(srv, func(*roster.Query) *roster.Query { return rosterQuery(ptr("v1")) })
	if _, err := c.Roster(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	srv.handle(nil)
	events := make(chan client.RosterEvent, 10)
	c.HandleRoster(func(ev client.RosterEvent) { events <- ev })

	push := func(id, from, ver string, items ...roster.Item) *xmpp.IQ {
		return &xmpp.IQ{Type: xmpp.IQTypeSet, ID: id, From: jid.Raw(from), To: c.JID(), Any: []stanza.Element{rosterQuery(&ver, items...)}}
	}
	ack := func(id, to string) *xmpp.IQ {
		return &xmpp.IQ{Type: xmpp.IQTypeResult, ID: id, To: jid.Raw(to)}
	}
	refuse := func(id, to string) *xmpp.IQ {
		return &xmpp.IQ{Type: xmpp.IQTypeError, ID: id, To: jid.Raw(to), Error: &xmpp.Error{Type: xmpp.ErrorTypeCancel, Condition: stanzaerror.ConditionServiceUnavailable}}
	}
	nurseItem := roster.Item{JID: jid.Raw("nurse@example.com"), Name: "Nurse", Subscription: roster.ItemSubscriptionFrom}
	cases := []struct {
		name      string
		push      *xmpp.IQ
		answer    *xmpp.IQ
		event     *client.RosterEvent
		wantItems []client.RosterItem
		wantVer   string
	}{{
		name:      "from a stranger",
		push:      push("s1", "mallory@evil.example", "v666", roster.Item{JID: jid.Raw("mallory@evil.example"), Subscription: roster.ItemSubscriptionBoth}),
		answer:    refuse("s1", "mallory@evil.example"),
		wantItems: []client.RosterItem{},
		wantVer:   "v1",
	}, {
		name:      "from another resource of the account",
		push:      push("s2", "juliet@example.com/chamber", "v666", nurseItem),
		answer:    refuse("s2", "juliet@example.com/chamber"),
		wantItems: []client.RosterItem{},
		wantVer:   "v1",
	}, {
		name:      "from the server domain",
		push:      push("s3", "example.com", "v666", nurseItem),
		answer:    refuse("s3", "example.com"),
		wantItems: []client.RosterItem{},
		wantVer:   "v1",
	}, {
		name:      "without from",
		push:      push("p1", "", "v2", nurseItem),
		answer:    ack("p1", ""),
		event:     &client.RosterEvent{Item: client.RosterItem{JID: nurse, Name: "Nurse", Subscription: roster.ItemSubscriptionFrom}, Version: "v2"},
		wantItems: []client.RosterItem{{JID: nurse, Name: "Nurse", Subscription: roster.ItemSubscriptionFrom}},
		wantVer:   "v2",
	}, {
		name:   "from the account's bare JID",
		push:   push("p2", "JULIET@example.com", "v3", roster.Item{JID: jid.Raw("romeo@example.net"), Ask: roster.ItemAskSubscribe, Group: []string{"Friends"}}),
		answer: ack("p2", "JULIET@example.com"),
		event:  &client.RosterEvent{Item: client.RosterItem{JID: romeo, Subscription: roster.ItemSubscriptionNone, Ask: true, Groups: []string{"Friends"}}, Version: "v3"},
		wantItems: []client.RosterItem{
			{JID: nurse, Name: "Nurse", Subscription: roster.ItemSubscriptionFrom},
			{JID: romeo, Subscription: roster.ItemSubscriptionNone, Ask: true, Groups: []string{"Friends"}},
		},
		wantVer: "v3",
	}, {
		name:      "two items",
		push:      push("b1", "", "v4", nurseItem, nurseItem),
		answer:    &xmpp.IQ{Type: xmpp.IQTypeError, ID: "b1", Error: &xmpp.Error{Type: xmpp.ErrorTypeModify, Condition: stanzaerror.ConditionBadRequest, Text: &stanzaerror.Text{Value: "a roster push carries exactly one item"}}},
		wantItems: []client.RosterItem{{JID: nurse, Name: "Nurse", Subscription: roster.ItemSubscriptionFrom}, {JID: romeo, Subscription: roster.ItemSubscriptionNone, Ask: true, Groups: []string{"Friends"}}},
		wantVer:   "v3",
	}, {
		name:      "removal",
		push:      push("p3", "", "v5", roster.Item{JID: jid.Raw("nurse@example.com"), Subscription: roster.ItemSubscriptionRemove}),
		answer:    ack("p3", ""),
		event:     &client.RosterEvent{Item: client.RosterItem{JID: nurse, Subscription: roster.ItemSubscriptionRemove}, Removed: true, Version: "v5"},
		wantItems: []client.RosterItem{{JID: romeo, Subscription: roster.ItemSubscriptionNone, Ask: true, Groups: []string{"Friends"}}},
		wantVer:   "v5",
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.send(tc.push)
			got := srv.nextIQ()
			if diff := cmp.Diff(marshal(t, tc.answer), marshal(t, got)); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
			if tc.event != nil {
				ev := <-events
				if diff := cmp.Diff(*tc.event, ev, cmp.Comparer(jid.JID.Equal)); diff != "" {
					t.Errorf("event (-want +got):\n%s", diff)
				}
			}
			select {
			case ev := <-events:
				t.Errorf("unexpected event %+v", ev)
			default:
			}
			want := client.Roster{Version: tc.wantVer, Items: tc.wantItems}
			if diff := cmp.Diff(want, c.RosterSnapshot(), cmp.Comparer(jid.JID.Equal)); diff != "" {
				t.Errorf("cache (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRosterSetRemove checks the roster sets the client sends, and the
// errors it refuses to send or receives.
func TestRosterSetRemove(t *testing.T) {
	c, srv := connect(t, serverOpts{}, client.Options{})
	var mu sync.Mutex
	var got []string
	srv.handle(func(el stanza.Element) bool {
		iq := el.(*xmpp.IQ)
		q := iq.Any[0].(*roster.Query)
		mu.Lock()
		got = append(got, marshal(t, q))
		mu.Unlock()
		resp := &xmpp.IQ{Type: xmpp.IQTypeResult, ID: iq.ID}
		if q.Item[0].JID.String() == "stranger@example.net" {
			resp.Type, resp.Error = xmpp.IQTypeError, &xmpp.Error{Type: xmpp.ErrorTypeCancel, Condition: stanzaerror.ConditionItemNotFound}
		}
		srv.sendLocked(resp)
		return true
	})
	ctx := testCtx(t)
	if err := c.RosterSet(ctx, client.RosterItem{JID: romeo, Name: "Romeo", Groups: []string{"Friends", "Verona"}, Subscription: roster.ItemSubscriptionBoth, Ask: true, Approved: true}); err != nil {
		t.Errorf("RosterSet: %v", err)
	}
	if err := c.RosterSet(ctx, client.RosterItem{JID: nurse}); err != nil {
		t.Errorf("RosterSet: %v", err)
	}
	if err := c.RosterRemove(ctx, romeo); err != nil {
		t.Errorf("RosterRemove: %v", err)
	}
	if err := c.RosterRemove(ctx, jid.MustParse("stranger@example.net")); !errors.Is(err, client.ItemNotFound) {
		t.Errorf("RosterRemove of a stranger: %v, want item-not-found", err)
	}
	for _, bad := range []client.RosterItem{
		{},
		{JID: romeo, Groups: []string{""}},
		{JID: romeo, Groups: []string{"A", "A"}},
	} {
		if err := c.RosterSet(ctx, bad); err == nil {
			t.Errorf("RosterSet(%+v) succeeded", bad)
		}
	}
	want := []string{
		`<query xmlns='jabber:iq:roster'><item jid='romeo@example.net' name='Romeo'><group>Friends</group><group>Verona</group></item></query>`,
		`<query xmlns='jabber:iq:roster'><item jid='nurse@example.com'/></query>`,
		`<query xmlns='jabber:iq:roster'><item jid='romeo@example.net' subscription='remove'/></query>`,
		`<query xmlns='jabber:iq:roster'><item jid='stranger@example.net' subscription='remove'/></query>`,
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("roster sets (-want +got):\n%s", diff)
	}
}

// TestPresenceForgottenWhenSubscriptionEnds checks that a push ending the
// user's subscription to a contact drops the contact's presence, and that
// other pushes keep it.
func TestPresenceForgottenWhenSubscriptionEnds(t *testing.T) {
	c, srv := connect(t, serverOpts{}, client.Options{})
	pushed := make(chan client.RosterEvent, 10)
	c.HandleRoster(func(ev client.RosterEvent) { pushed <- ev })
	seen := make(chan struct{}, 10)
	c.HandlePresence(func(*xmpp.Presence) { seen <- struct{}{} })
	push := func(j string, sub roster.ItemSubscription) {
		t.Helper()
		srv.send(&xmpp.IQ{Type: xmpp.IQTypeSet, ID: "p-" + j + string(sub), Any: []stanza.Element{rosterQuery(nil, roster.Item{JID: jid.Raw(j), Subscription: sub})}})
		srv.nextIQ() // the acknowledgement
		<-pushed
	}
	available := func(from string) {
		t.Helper()
		srv.send(&xmpp.Presence{From: jid.Raw(from)})
		<-seen
	}
	push("romeo@example.net", roster.ItemSubscriptionBoth)
	available("romeo@example.net/orchard")
	available("nurse@example.com/kitchen") // directed presence, no subscription
	push("romeo@example.net", roster.ItemSubscriptionTo)
	if len(c.Presences(romeo)) != 1 {
		t.Fatal("presence dropped although the subscription goes on")
	}
	push("nurse@example.com", roster.ItemSubscriptionNone)
	if len(c.Presences(nurse)) != 1 {
		t.Error("presence of a contact never subscribed to was dropped")
	}
	push("romeo@example.net", roster.ItemSubscriptionFrom)
	if ps := c.Presences(romeo); ps != nil {
		t.Errorf("presence kept after the subscription ended: %+v", ps)
	}
}
