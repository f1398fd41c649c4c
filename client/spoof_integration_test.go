package client_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/internal/servertest"
	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/discoinfo"
	"github.com/protoxmpp/protoxmpp/stanza/ping"
	"github.com/protoxmpp/protoxmpp/stanza/roster"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// spoofWait bounds each wait for something the server is expected to
// deliver.
const spoofWait = 10 * time.Second

// TestIntegrationSpoofedRosterPush has mallory send roster pushes to
// alice's full JID through Prosody, which stamps them with mallory's full
// JID: they are no roster pushes (RFC 6121 section 2.1.6), so alice's
// cache stays as it was, no roster event fires and mallory gets
// service-unavailable. The same change made by another resource of alice
// comes as a real push from the server and is applied, so the test fails
// if the client ignored pushes altogether.
func TestIntegrationSpoofedRosterPush(t *testing.T) {
	servertest.ForEach(t, testIntegrationSpoofedRosterPush)
}

func testIntegrationSpoofedRosterPush(t *testing.T, kind servertest.Kind) {
	s := servertest.Start(t, kind, servertest.Options{})
	aliceJID, bobJID, malloryJID := account(t, s, "alice"), account(t, s, "bob"), account(t, s, "mallory")
	carolJID := jid.MustParse("carol@" + s.Domain)
	ctx := integrationCtx(t)

	// alice's roster holds bob and carol before the victim's session
	// fetches it.
	other := login(t, s, aliceJID, client.Options{Resource: "other"})
	bobItem := client.RosterItem{JID: bobJID, Name: "Bob", Subscription: roster.ItemSubscriptionNone, Groups: []string{"Friends"}}
	carolItem := client.RosterItem{JID: carolJID, Name: "Carol", Subscription: roster.ItemSubscriptionNone}
	for _, it := range []client.RosterItem{bobItem, carolItem} {
		if err := other.RosterSet(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	alice := online(t, s, aliceJID, client.Options{Resource: "victim"})
	if diff := cmp.Diff([]client.RosterItem{bobItem, carolItem}, alice.RosterItems(), cmp.Comparer(jid.JID.Equal)); diff != "" {
		t.Fatalf("alice's roster after the fetch (-want +got):\n%s", diff)
	}
	if alice.RosterVersion() == "" {
		t.Fatal("no roster version: Prosody versions the roster")
	}
	mallory := login(t, s, malloryJID, client.Options{})

	cases := []struct {
		name  string
		item  roster.Item                     // what mallory pushes
		legit func(ctx context.Context) error // the same change made by alice
		want  client.RosterEvent              // the event of the legitimate push (without Version)
	}{
		{
			name: "add the attacker",
			item: roster.Item{JID: malloryJID, Name: "evil", Subscription: roster.ItemSubscriptionBoth},
			legit: func(ctx context.Context) error {
				return other.RosterSet(ctx, client.RosterItem{JID: malloryJID, Name: "evil"})
			},
			want: client.RosterEvent{Item: client.RosterItem{JID: malloryJID, Name: "evil", Subscription: roster.ItemSubscriptionNone}},
		},
		{
			name: "rewrite a contact",
			item: roster.Item{JID: bobJID, Name: "Mallory's Bob", Subscription: roster.ItemSubscriptionBoth, Group: []string{"Pwned"}},
			legit: func(ctx context.Context) error {
				return other.RosterSet(ctx, client.RosterItem{JID: bobJID, Name: "Mallory's Bob", Groups: []string{"Pwned"}})
			},
			want: client.RosterEvent{Item: client.RosterItem{JID: bobJID, Name: "Mallory's Bob", Subscription: roster.ItemSubscriptionNone, Groups: []string{"Pwned"}}},
		},
		{
			name:  "remove a contact",
			item:  roster.Item{JID: carolJID, Subscription: roster.ItemSubscriptionRemove},
			legit: func(ctx context.Context) error { return other.RosterRemove(ctx, carolJID) },
			want:  client.RosterEvent{Item: client.RosterItem{JID: carolJID, Subscription: roster.ItemSubscriptionRemove}, Removed: true},
		},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := alice.RosterSnapshot()

			id := "spoofed-push-" + strconv.Itoa(i)
			push := &xmpp.IQ{ID: id, Type: xmpp.IQTypeSet, To: alice.JID(),
				Any: []stanza.Element{&roster.Query{Ver: "mallory-" + id, Item: []roster.Item{tc.item}}}}
			resp, err := mallory.SendIQ(ctx, push)
			if !errors.Is(err, client.ServiceUnavailable) {
				t.Errorf("mallory's push: error %v, want service-unavailable", err)
			}
			if resp == nil || resp.ID != id || resp.From.String() != alice.JID().String() || resp.Type != xmpp.IQTypeError {
				t.Errorf("mallory's push: response %s, want an error from %s with id %q", marshalOrNil(t, resp), alice.JID(), id)
			}
			// alice answers IQs one at a time in arrival order: once she
			// has answered this ping, the roster handlers for the push, had
			// it been applied, have run.
			if err := mallory.Ping(ctx, alice.JID()); err != nil {
				t.Fatalf("ping alice: %v", err)
			}
			if diff := cmp.Diff(before, alice.RosterSnapshot(), cmp.Comparer(jid.JID.Equal)); diff != "" {
				t.Errorf("alice's roster after mallory's push (-want +got):\n%s", diff)
			}
			select {
			case ev := <-alice.pushes:
				t.Errorf("roster event for mallory's push: %+v", ev)
			default:
			}

			// Control: the same change made by alice herself arrives as a
			// push from the server and is applied.
			if err := tc.legit(ctx); err != nil {
				t.Fatal(err)
			}
			select {
			case ev := <-alice.pushes:
				if ev.Version == "" || ev.Version == before.Version {
					t.Errorf("push version %q, before %q: want a new one", ev.Version, before.Version)
				}
				ev.Version = ""
				if diff := cmp.Diff(tc.want, ev, cmp.Comparer(jid.JID.Equal)); diff != "" {
					t.Errorf("alice's push (-want +got):\n%s", diff)
				}
			case <-time.After(spoofWait):
				t.Fatal("no roster push for alice's own change")
			}
			want := applyEvent(before.Items, tc.want)
			if diff := cmp.Diff(want, alice.RosterItems(), cmp.Comparer(jid.JID.Equal)); diff != "" {
				t.Errorf("alice's roster after her own change (-want +got):\n%s", diff)
			}
		})
	}
}

// applyEvent returns items (sorted by JID) changed as ev says.
func applyEvent(items []client.RosterItem, ev client.RosterEvent) []client.RosterItem {
	var out []client.RosterItem
	done := false
	for _, it := range items {
		if it.JID == ev.Item.JID {
			done = true
			if ev.Removed {
				continue
			}
			it = ev.Item
		}
		out = append(out, it)
	}
	if !done && !ev.Removed {
		out = append(out, ev.Item)
		for i := len(out) - 1; i > 0 && out[i].JID.String() < out[i-1].JID.String(); i-- {
			out[i], out[i-1] = out[i-1], out[i]
		}
	}
	return out
}

// spoofNS is the namespace of the query bob answers slowly.
const spoofNS = "urn:example:spoof"

// heldIQ is a request bob's handler holds until release is closed.
type heldIQ struct {
	iq      *xmpp.IQ
	release chan struct{}
}

// TestIntegrationSpoofedIQResponse has alice send a request to bob's full
// JID, which bob answers only when the test lets him. Meanwhile responses
// with the request's ID reach alice from other addresses, through Prosody:
// a result and an error from mallory, results from other resources of
// alice and of bob, and the server's own answers (from the domain, from alice's bare
// JID, without 'from') to requests alice sends with the same ID. None may
// answer the request (RFC 6120 section 8.1.2.1): SendIQ returns bob's
// answer.
func TestIntegrationSpoofedIQResponse(t *testing.T) {
	servertest.ForEach(t, testIntegrationSpoofedIQResponse)
}

func testIntegrationSpoofedIQResponse(t *testing.T, kind servertest.Kind) {
	s := servertest.Start(t, kind, servertest.Options{})
	aliceJID, bobJID, malloryJID := account(t, s, "alice"), account(t, s, "bob"), account(t, s, "mallory")
	ctx := integrationCtx(t)

	alice := login(t, s, aliceJID, client.Options{Resource: "victim"})
	other := login(t, s, aliceJID, client.Options{Resource: "other"})
	mallory := login(t, s, malloryJID, client.Options{})
	bob := login(t, s, bobJID, client.Options{Resource: "desk"})
	bobPhone := login(t, s, bobJID, client.Options{Resource: "phone"})

	// Every response alice receives, once the client has matched it.
	responses := make(chan *xmpp.IQ, 100)
	alice.HandleElement(func(el stanza.Element) {
		if iq, ok := el.(*xmpp.IQ); ok && (iq.Type == xmpp.IQTypeResult || iq.Type == xmpp.IQTypeError) {
			responses <- iq
		}
	})

	held := make(chan heldIQ)
	testDone := make(chan struct{})
	t.Cleanup(func() { close(testDone) }) // runs before the clients close
	bobAnswer := raw(spoofNS, "q", `<q xmlns='urn:example:spoof'><from>bob</from></q>`)
	bob.HandleIQ(spoofNS, "q", func(ctx context.Context, iq *xmpp.IQ) (stanza.Element, error) {
		h := heldIQ{iq: iq, release: make(chan struct{})}
		select {
		case held <- h:
		case <-testDone:
			return nil, client.InternalServerError
		}
		select {
		case <-h.release:
			return bobAnswer, nil
		case <-testDone:
			return nil, client.InternalServerError
		}
	})

	bogus := func() []stanza.Element {
		return []stanza.Element{raw(spoofNS, "q", `<q xmlns='urn:example:spoof'><from>mallory</from></q>`)}
	}
	cases := []struct {
		name string
		// spoof makes a response with the given ID reach alice.
		spoof func(ctx context.Context, id string) error
		// from is the 'from' of that response as alice receives it.
		from string
	}{
		{
			name: "result from mallory",
			spoof: func(ctx context.Context, id string) error {
				return mallory.Send(ctx, &xmpp.IQ{ID: id, Type: xmpp.IQTypeResult, To: alice.JID(), Any: bogus()})
			},
			from: mallory.JID().String(),
		},
		{
			name: "error from mallory",
			spoof: func(ctx context.Context, id string) error {
				return mallory.Send(ctx, &xmpp.IQ{ID: id, Type: xmpp.IQTypeError, To: alice.JID(),
					Error: (&client.StanzaError{Condition: client.ItemNotFound, Text: "mallory says no"}).Element()})
			},
			from: mallory.JID().String(),
		},
		{
			name: "result from another resource of alice",
			spoof: func(ctx context.Context, id string) error {
				return other.Send(ctx, &xmpp.IQ{ID: id, Type: xmpp.IQTypeResult, To: alice.JID(), Any: bogus()})
			},
			from: other.JID().String(),
		},
		{
			// The request went to bob's full JID: his other resources do
			// not answer it.
			name: "result from another resource of bob",
			spoof: func(ctx context.Context, id string) error {
				return bobPhone.Send(ctx, &xmpp.IQ{ID: id, Type: xmpp.IQTypeResult, To: alice.JID(), Any: bogus()})
			},
			from: bobPhone.JID().String(),
		},
		{
			// alice pings the server with the same ID: the server's result
			// comes from the domain.
			name: "result from the server domain",
			spoof: func(ctx context.Context, id string) error {
				return alice.Send(ctx, &xmpp.IQ{ID: id, Type: xmpp.IQTypeGet, To: jid.Raw(s.Domain), Any: []stanza.Element{&ping.Ping{}}})
			},
			from: s.Domain,
		},
		{
			// alice asks her account for its disco#info with the same ID:
			// the server answers from her bare JID.
			name: "result from alice's bare JID",
			spoof: func(ctx context.Context, id string) error {
				return alice.Send(ctx, &xmpp.IQ{ID: id, Type: xmpp.IQTypeGet, To: aliceJID, Any: []stanza.Element{&discoinfo.Query{}}})
			},
			from: aliceJID.String(),
		},
		{
			// A request without 'to' is handled by the server for the
			// account, which answers without 'from' (Prosody) or from the
			// account's bare JID (ejabberd).
			name: "result without from",
			spoof: func(ctx context.Context, id string) error {
				return alice.Send(ctx, &xmpp.IQ{ID: id, Type: xmpp.IQTypeGet, Any: []stanza.Element{&roster.Query{}}})
			},
			from: "",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			type outcome struct {
				resp *xmpp.IQ
				err  error
			}
			done := make(chan outcome, 1)
			go func() {
				resp, err := alice.SendIQ(ctx, &xmpp.IQ{Type: xmpp.IQTypeGet, To: bob.JID(),
					Any: []stanza.Element{raw(spoofNS, "q", `<q xmlns='urn:example:spoof'/>`)}})
				done <- outcome{resp, err}
			}()
			var h heldIQ
			select {
			case h = <-held:
			case o := <-done:
				t.Fatalf("SendIQ ended before bob got the request: %v %v", o.resp, o.err)
			case <-time.After(spoofWait):
				t.Fatal("bob got no request")
			}
			released := false
			release := func() {
				if !released {
					released = true
					close(h.release)
				}
			}
			defer release()
			id := h.iq.ID
			if id == "" || h.iq.From.String() != alice.JID().String() {
				t.Fatalf("bob got id %q from %q, want an id from %s", id, h.iq.From, alice.JID())
			}

			if err := tc.spoof(ctx, id); err != nil {
				t.Fatal(err)
			}
			// Wait until alice has received the spoofed response: the
			// client matches responses before the handlers see them.
			deadline := time.After(spoofWait)
			for seen := false; !seen; {
				select {
				case r := <-responses:
					seen = r.ID == id && (r.From.String() == tc.from || tc.name == "result without from" && kind == servertest.Ejabberd && r.From.String() == aliceJID.String())
				case <-deadline:
					t.Fatalf("alice received no response with id %q from %q", id, tc.from)
				}
			}
			select {
			case o := <-done:
				t.Fatalf("SendIQ ended with the spoofed response: %s, %v", marshalOrNil(t, o.resp), o.err)
			default:
			}

			release()
			select {
			case o := <-done:
				if o.err != nil {
					t.Fatalf("SendIQ: %v", o.err)
				}
				if o.resp.From.String() != bob.JID().String() || o.resp.ID != id || o.resp.Type != xmpp.IQTypeResult || len(o.resp.Any) != 1 {
					t.Fatalf("SendIQ returned %s, want bob's result", marshal(t, o.resp))
				}
				if diff := cmp.Diff(marshal(t, bobAnswer), marshal(t, o.resp.Any[0])); diff != "" {
					t.Errorf("payload (-want +got):\n%s", diff)
				}
			case <-time.After(spoofWait):
				t.Fatal("SendIQ did not return bob's answer")
			}
		})
	}
}

// marshalOrNil is marshal for a response that may be nil.
func marshalOrNil(t *testing.T, iq *xmpp.IQ) string {
	t.Helper()
	if iq == nil {
		return "<nil>"
	}
	return marshal(t, iq)
}
