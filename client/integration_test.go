package client_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/client/auth"
	"github.com/protoxmpp/protoxmpp/internal/servertest"
	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/discoinfo"
	"github.com/protoxmpp/protoxmpp/stanza/ping"
	"github.com/protoxmpp/protoxmpp/stanza/receipts"
	"github.com/protoxmpp/protoxmpp/stanza/roster"
	"github.com/protoxmpp/protoxmpp/stanza/sasl"
	"github.com/protoxmpp/protoxmpp/stanza/starttls"
	"github.com/protoxmpp/protoxmpp/stanza/version"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
	"github.com/protoxmpp/protoxmpp/stream"
)

// integrationCtx bounds one integration test.
func integrationCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// account registers user on s and returns its JID; the password is
// "pw-"+user.
func account(t *testing.T, s *servertest.Server, user string) jid.JID {
	t.Helper()
	s.Register(t, user, "pw-"+user)
	return jid.MustParse(user + "@" + s.Domain)
}

// login opens a session for j on s over STARTTLS, closed with the test.
// Everything the server sends it must validate against our schemas: a
// violation fails the test (what real servers send is the check of the
// validation step).
func login(t *testing.T, s *servertest.Server, j jid.JID, opts client.Options) *client.Client {
	t.Helper()
	c := loginUnchecked(t, s, j, opts)
	c.HandleElement(func(el stanza.Element) {
		if err := stanza.Validate(el); err != nil {
			out, _ := stanza.Marshal(el)
			t.Errorf("%s sent %s: %v", s.Kind, out, err)
		}
	})
	return c
}

// loginUnchecked is login for a session that receives invalid stanzas on
// purpose.
func loginUnchecked(t *testing.T, s *servertest.Server, j jid.JID, opts client.Options) *client.Client {
	t.Helper()
	if opts.Server == "" {
		opts.Server = s.C2SAddr
	}
	opts.RootCAs = s.CAPool
	c, err := client.Dial(integrationCtx(t), j, "pw-"+j.Local(), opts)
	if err != nil {
		t.Fatalf("login %s: %v", j, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// peer is a logged-in user who fetched the roster and sent initial
// presence, with what it received.
type peer struct {
	*client.Client
	presences chan *xmpp.Presence
	messages  chan *xmpp.Message
	pushes    chan client.RosterEvent
}

func online(t *testing.T, s *servertest.Server, j jid.JID, opts client.Options) *peer {
	t.Helper()
	p := &peer{
		Client:    login(t, s, j, opts),
		presences: make(chan *xmpp.Presence, 100),
		messages:  make(chan *xmpp.Message, 100),
		pushes:    make(chan client.RosterEvent, 100),
	}
	p.HandlePresence(func(x *xmpp.Presence) { p.presences <- x })
	p.HandleMessage(func(x *xmpp.Message) { p.messages <- x })
	p.HandleRoster(func(ev client.RosterEvent) { p.pushes <- ev })
	ctx := integrationCtx(t)
	if _, err := p.Roster(ctx); err != nil {
		t.Fatalf("%s: roster: %v", j, err)
	}
	if err := p.SetPresence(ctx, client.Status{Text: "online"}); err != nil {
		t.Fatalf("%s: presence: %v", j, err)
	}
	return p
}

// expectPresence waits for a presence from 'from' (compared as bare JIDs
// when from is bare) of type typ.
func (p *peer) expectPresence(t *testing.T, from jid.JID, typ xmpp.PresenceType) *xmpp.Presence {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case x := <-p.presences:
			f, err := x.From.Prepare()
			if err != nil {
				continue
			}
			if from.IsBare() {
				f = f.Bare()
			}
			if f == from && x.Type == typ {
				return x
			}
		case <-deadline:
			t.Fatalf("%s: no presence of type %q from %s", p.JID(), typ, from)
			return nil
		}
	}
}

// expectNoPresence checks that no presence of type typ from from arrives
// for a moment.
func (p *peer) expectNoPresence(t *testing.T, from jid.JID, typ xmpp.PresenceType, d time.Duration) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case x := <-p.presences:
			f, _ := x.From.Prepare()
			if f.Bare() == from.Bare() && x.Type == typ {
				t.Errorf("%s: unexpected presence %s", p.JID(), marshal(t, x))
			}
		case <-deadline:
			return
		}
	}
}

// item returns the cached roster item for j.
func (p *peer) item(j jid.JID) (client.RosterItem, bool) {
	for _, it := range p.RosterItems() {
		if it.JID == j {
			return it, true
		}
	}
	return client.RosterItem{}, false
}

// waitItem waits until the cached roster item for j satisfies ok (called
// with found=false when there is none).
func (p *peer) waitItem(t *testing.T, j jid.JID, what string, ok func(it client.RosterItem, found bool) bool) {
	t.Helper()
	waitFor(t, fmt.Sprintf("%s: roster item %s %s", p.JID().Bare(), j, what), func() bool {
		it, found := p.item(j)
		return ok(it, found)
	})
}

func subscription(want roster.ItemSubscription, ask bool) func(client.RosterItem, bool) bool {
	return func(it client.RosterItem, found bool) bool {
		return found && it.Subscription == want && it.Ask == ask
	}
}

// TestIntegrationConnect connects over STARTTLS and direct TLS and checks
// the session, its built-in answers as seen by another client, and ping.
func TestIntegrationConnect(t *testing.T) {
	servertest.ForEach(t, testIntegrationConnect)
}

func testIntegrationConnect(t *testing.T, kind servertest.Kind) {
	s := servertest.Start(t, kind, servertest.Options{})
	alice := account(t, s, "alice")
	bob := account(t, s, "bob")
	cases := []struct {
		name string
		opts client.Options
	}{
		{"STARTTLS", client.Options{Server: s.C2SAddr}},
		{"direct TLS", client.Options{Server: s.DirectTLSAddr, DirectTLS: true}},
		{"requested resource", client.Options{Server: s.C2SAddr, Resource: "balcony"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := integrationCtx(t)
			tc.opts.SoftwareName, tc.opts.SoftwareVersion = "itest", "9.9"
			c := login(t, s, alice, tc.opts)
			if c.JID().Bare() != alice || c.JID().Resource() == "" {
				t.Errorf("bound %s", c.JID())
			}
			if tc.opts.Resource != "" && c.JID().Resource() != tc.opts.Resource {
				t.Errorf("resource %q, want %q", c.JID().Resource(), tc.opts.Resource)
			}
			st, ok := c.TLSConnectionState()
			if !ok || !st.HandshakeComplete || st.ServerName != s.Domain {
				t.Errorf("TLS %v %+v", ok, st.ServerName)
			}
			if tc.opts.DirectTLS && st.NegotiatedProtocol != "" && st.NegotiatedProtocol != "xmpp-client" {
				t.Errorf("ALPN %q", st.NegotiatedProtocol)
			}
			// Both servers version rosters; ejabberd 23.01 does not
			// implement pre-approval (RFC 6121 section 3.4) and does not
			// advertise it.
			if !c.SupportsRosterVersioning() || c.SupportsPreApproval() != (kind == servertest.Prosody) {
				t.Errorf("%s: roster versioning %v, pre-approval %v", kind, c.SupportsRosterVersioning(), c.SupportsPreApproval())
			}
			if err := c.Ping(ctx, jid.JID{}); err != nil {
				t.Errorf("ping server: %v", err)
			}
			// Another client asks this one: the server routes to the full JID.
			other := login(t, s, bob, client.Options{})
			resp, err := other.SendIQ(ctx, &xmpp.IQ{Type: xmpp.IQTypeGet, To: c.JID(), Any: []stanza.Element{&version.Query{}}})
			if err != nil {
				// Without a subscription Prosody may refuse to route; that
				// is not the client's answer.
				t.Fatalf("version query to %s: %v", c.JID(), err)
			}
			q, _ := resp.Any[0].(*version.Query)
			if q == nil || q.Name == nil || *q.Name != "itest" || *q.Version != "9.9" {
				t.Errorf("version answer %s", marshal(t, resp))
			}
			resp, err = other.SendIQ(ctx, &xmpp.IQ{Type: xmpp.IQTypeGet, To: c.JID(), Any: []stanza.Element{&discoinfo.Query{}}})
			if err != nil {
				t.Fatalf("disco query: %v", err)
			}
			want := &discoinfo.Query{
				Identity: []discoinfo.Identity{{Category: "client", Type: "pc", Name: "itest"}},
				Feature:  []discoinfo.Feature{{Var: discoinfo.NS}, {Var: "jabber:iq:version"}, {Var: "urn:xmpp:ping"}},
			}
			if diff := cmp.Diff(marshal(t, want), marshal(t, resp.Any[0])); diff != "" {
				t.Errorf("disco#info (-want +got):\n%s", diff)
			}
			_, err = other.SendIQ(ctx, &xmpp.IQ{Type: xmpp.IQTypeGet, To: c.JID(), Any: []stanza.Element{raw("urn:example:nothing", "q", `<q xmlns='urn:example:nothing'/>`)}})
			if !errors.Is(err, client.ServiceUnavailable) {
				t.Errorf("unknown query: %v, want service-unavailable", err)
			}
			if err := other.Ping(ctx, c.JID()); err != nil {
				t.Errorf("ping client: %v", err)
			}
			if err := c.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if c.Err() != nil {
				t.Errorf("Err() after Close: %v", c.Err())
			}
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		_, err := client.Dial(integrationCtx(t), alice, "not-the-password", client.Options{Server: s.C2SAddr, RootCAs: s.CAPool})
		if !errors.Is(err, stream.SASLNotAuthorized) || !strings.Contains(err.Error(), "not-authorized") {
			t.Errorf("error %v, want not-authorized", err)
		}
	})
	t.Run("untrusted certificate", func(t *testing.T) {
		_, err := client.Dial(integrationCtx(t), alice, "pw-alice", client.Options{Server: s.C2SAddr})
		if err == nil || !strings.Contains(err.Error(), "certificate") {
			t.Errorf("error %v, want a certificate error", err)
		}
	})
}

// offeredMechanisms negotiates STARTTLS with a raw stream and returns the
// SASL mechanisms the server offers.
func offeredMechanisms(t *testing.T, s *servertest.Server) []string {
	t.Helper()
	ctx := integrationCtx(t)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.C2SAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	st := stream.New(stream.Config{})
	st.Open(stream.Header{To: s.Domain})
	var c net.Conn = conn
	buf := make([]byte, 8192)
	for {
		if _, err := c.Write(st.Output()); err != nil {
			t.Fatal(err)
		}
		n, err := c.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		st.Feed(buf[:n])
		for ev := st.Next(); ev.Kind != stream.EventNone; ev = st.Next() {
			switch ev.Kind {
			case stream.EventFeatures:
				for _, f := range ev.Features.Any {
					switch x := f.(type) {
					case *starttls.Starttls:
						st.StartTLS()
					case *sasl.Mechanisms:
						return x.Mechanism
					}
				}
			case stream.EventNegotiated:
				tc := tls.Client(c, &tls.Config{ServerName: s.Domain, RootCAs: s.CAPool})
				if err := tc.Handshake(); err != nil {
					t.Fatal(err)
				}
				c = tc
				st = stream.New(stream.Config{})
				st.Open(stream.Header{To: s.Domain})
			case stream.EventError, stream.EventStreamError, stream.EventClose, stream.EventStepFailed:
				t.Fatalf("probe: %v %v", ev.Kind, ev.Err)
			}
		}
	}
}

// TestIntegrationMechanisms logs in with each SASL mechanism each server
// configuration offers. A -PLUS mechanism offered under TLS 1.3 by a
// server that advertises no channel-binding types (ejabberd 23.01) is
// refused by the client (see client/auth), and unrestricted logins there
// use SCRAM with the "y" flag.
func TestIntegrationMechanisms(t *testing.T) {
	cases := []struct {
		name     string
		kind     servertest.Kind // "" for every server
		opts     servertest.Options
		want     []string // mechanisms the server must offer
		unusable []string // offered but refused by the client
		strong   string   // the mechanism an unrestricted login uses
	}{
		{"default", servertest.Prosody, servertest.Options{}, []string{"SCRAM-SHA-1", "PLAIN"}, nil, "SCRAM-SHA-1"},
		{"default", servertest.Ejabberd, servertest.Options{}, []string{"SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "PLAIN"}, []string{"SCRAM-SHA-1-PLUS"}, "SCRAM-SHA-1"},
		{"SCRAM-SHA-256", "", servertest.Options{SCRAM: "SHA-256"}, []string{"SCRAM-SHA-256", "PLAIN"}, []string{"SCRAM-SHA-256-PLUS"}, "SCRAM-SHA-256"},
		{"SCRAM-SHA-512", servertest.Ejabberd, servertest.Options{SCRAM: "SHA-512"}, []string{"SCRAM-SHA-512", "SCRAM-SHA-512-PLUS", "PLAIN"}, []string{"SCRAM-SHA-512-PLUS"}, "SCRAM-SHA-512"},
		{"TLS 1.2 channel binding", "", servertest.Options{TLS12Only: true}, []string{"SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "PLAIN"}, nil, "SCRAM-SHA-1-PLUS"},
		{"TLS 1.2 channel binding SHA-256", servertest.Ejabberd, servertest.Options{TLS12Only: true, SCRAM: "SHA-256"}, []string{"SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", "PLAIN"}, nil, "SCRAM-SHA-256-PLUS"},
		{"plain storage TLS 1.2", servertest.Prosody, servertest.Options{PlainStorage: true, TLS12Only: true}, []string{"SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", "PLAIN"}, nil, "SCRAM-SHA-256-PLUS"},
		{"plaintext allowed", "", servertest.Options{AllowPlain: true}, []string{"PLAIN"}, []string{"SCRAM-SHA-1-PLUS"}, ""},
	}
	for _, tc := range cases {
		for _, kind := range servertest.Kinds {
			if tc.kind != "" && tc.kind != kind {
				continue
			}
			t.Run(string(kind)+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				s := servertest.Start(t, kind, tc.opts)
				j := account(t, s, "mech")
				offered := offeredMechanisms(t, s)
				for _, m := range tc.want {
					if !slices.Contains(offered, m) {
						t.Errorf("server offers %q, not %s", offered, m)
					}
				}
				t.Logf("offered: %q", offered)
				for _, m := range offered {
					if !slices.Contains(auth.Preference, m) {
						continue // X-OAUTH2 (ejabberd): not a password mechanism
					}
					t.Run(m, func(t *testing.T) {
						opts := client.Options{Mechanisms: []string{m}, InsecurePlaintext: tc.opts.AllowPlain, Server: s.C2SAddr, RootCAs: s.CAPool}
						if slices.Contains(tc.unusable, m) {
							_, err := client.Dial(integrationCtx(t), j, "pw-mech", opts)
							if !errors.Is(err, auth.ErrNoMechanism) {
								t.Errorf("login with %s: %v, want ErrNoMechanism", m, err)
							}
							return
						}
						c := login(t, s, j, opts)
						if c.Mechanism() != m {
							t.Errorf("authenticated with %q, want %q", c.Mechanism(), m)
						}
						if _, ok := c.TLSConnectionState(); !ok {
							t.Error("session without TLS although the server offers STARTTLS")
						}
					})
				}
				t.Run("unrestricted picks the strongest", func(t *testing.T) {
					c := login(t, s, j, client.Options{})
					if c.Mechanism() == "PLAIN" && len(offered) > 1 {
						t.Errorf("chose PLAIN among %q", offered)
					}
					if tc.strong != "" && c.Mechanism() != tc.strong {
						t.Errorf("chose %s, want %s", c.Mechanism(), tc.strong)
					}
				})
				t.Run("wrong password", func(t *testing.T) {
					_, err := client.Dial(integrationCtx(t), j, "wrong", client.Options{Server: s.C2SAddr, RootCAs: s.CAPool})
					if !errors.Is(err, stream.SASLNotAuthorized) || !strings.Contains(err.Error(), "not-authorized") {
						t.Errorf("error %v, want not-authorized", err)
					}
				})
			})
		}
	}
}

// TestIntegrationSubscriptions runs each subscription flow of RFC 6121
// section 3 between real accounts, with the presence and messages that
// follow.
func TestIntegrationSubscriptions(t *testing.T) {
	servertest.ForEach(t, testIntegrationSubscriptions)
}

func testIntegrationSubscriptions(t *testing.T, kind servertest.Kind) {
	s := servertest.Start(t, kind, servertest.Options{})
	aliceJID, bobJID := account(t, s, "alice"), account(t, s, "bob")
	carolJID, daveJID := account(t, s, "carol"), account(t, s, "dave")
	alice := online(t, s, aliceJID, client.Options{Resource: "home"})
	bob := online(t, s, bobJID, client.Options{Resource: "work"})
	ctx := integrationCtx(t)

	t.Run("request and approve, both ways", func(t *testing.T) {
		if err := alice.Subscribe(ctx, bobJID); err != nil {
			t.Fatal(err)
		}
		alice.waitItem(t, bobJID, "pending", subscription(roster.ItemSubscriptionNone, true))
		bob.expectPresence(t, aliceJID, xmpp.PresenceTypeSubscribe)
		if err := bob.ApproveSubscription(ctx, aliceJID); err != nil {
			t.Fatal(err)
		}
		alice.expectPresence(t, bobJID, xmpp.PresenceTypeSubscribed)
		alice.waitItem(t, bobJID, "to", subscription(roster.ItemSubscriptionTo, false))
		bob.waitItem(t, aliceJID, "from", subscription(roster.ItemSubscriptionFrom, false))
		// The server sends bob's current presence to alice (RFC 6121
		// section 3.1.6).
		alice.expectPresence(t, bob.JID(), "")
		waitFor(t, "alice sees bob available", func() bool {
			ps := alice.Presences(bobJID)
			return len(ps) == 1 && ps[0].JID == bob.JID() && ps[0].Status == "online"
		})

		if err := bob.Subscribe(ctx, aliceJID); err != nil {
			t.Fatal(err)
		}
		alice.expectPresence(t, bobJID, xmpp.PresenceTypeSubscribe)
		if err := alice.ApproveSubscription(ctx, bobJID); err != nil {
			t.Fatal(err)
		}
		alice.waitItem(t, bobJID, "both", subscription(roster.ItemSubscriptionBoth, false))
		bob.waitItem(t, aliceJID, "both", subscription(roster.ItemSubscriptionBoth, false))
		bob.expectPresence(t, alice.JID(), "")

		// Presence updates now flow both ways.
		if err := alice.SetPresence(ctx, client.Status{Show: xmpp.ShowTypeDND, Text: "busy", Priority: 3}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "bob sees alice busy", func() bool {
			ps := bob.Presences(aliceJID)
			return len(ps) == 1 && ps[0].Show == xmpp.ShowTypeDND && ps[0].Status == "busy" && ps[0].Priority == 3
		})
	})

	t.Run("messages", func(t *testing.T) {
		thread := &xmpp.Thread{Value: "t-42"}
		m := &xmpp.Message{To: bob.JID(), Type: xmpp.MessageTypeChat, ID: "msg-1",
			Subject: []xmpp.Subject{{Value: "hello"}}, Body: []xmpp.Body{{Value: "Wherefore art thou?"}}, Thread: thread,
			Any: []stanza.Element{raw("urn:example:mood", "mood", `<mood xmlns='urn:example:mood'><happy/></mood>`)}}
		if err := alice.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		got := expectMessage(t, bob, "msg-1")
		if got.From.String() != alice.JID().String() || got.Type != xmpp.MessageTypeChat || got.Body[0].Value != "Wherefore art thou?" ||
			got.Subject[0].Value != "hello" || got.Thread == nil || got.Thread.Value != "t-42" || len(got.Any) == 0 ||
			marshal(t, got.Any[0]) != `<mood xmlns='urn:example:mood'><happy/></mood>` {
			t.Errorf("bob got %s", marshal(t, got))
		}
		for _, typ := range []xmpp.MessageType{xmpp.MessageTypeNormal, xmpp.MessageTypeHeadline} {
			if err := bob.SendMessage(ctx, alice.JID(), typ, "reply "+string(typ)); err != nil {
				t.Fatal(err)
			}
			select {
			case r := <-alice.messages:
				// ejabberd drops type='normal', the default (RFC 6121
				// section 5.2.2), in transit.
				if got := r.Type; (got != typ && !(got == "" && typ == xmpp.MessageTypeNormal)) || r.Body[0].Value != "reply "+string(typ) {
					t.Errorf("alice got %s", marshal(t, r))
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("alice got no %s message", typ)
			}
		}
		// A message to an account that does not exist comes back as an
		// error message.
		if err := alice.SendMessage(ctx, jid.MustParse("nobody@"+s.Domain), xmpp.MessageTypeChat, "hello?"); err != nil {
			t.Fatal(err)
		}
		select {
		case r := <-alice.messages:
			if r.Type != xmpp.MessageTypeError || !errors.Is(client.StanzaErrorOf(r.Error), client.ServiceUnavailable) {
				t.Errorf("alice got %s, want a service-unavailable error", marshal(t, r))
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no error message")
		}
	})

	t.Run("unsubscribe", func(t *testing.T) {
		if err := alice.Unsubscribe(ctx, bobJID); err != nil {
			t.Fatal(err)
		}
		alice.waitItem(t, bobJID, "from", subscription(roster.ItemSubscriptionFrom, false))
		bob.waitItem(t, aliceJID, "to", subscription(roster.ItemSubscriptionTo, false))
		bob.expectPresence(t, aliceJID, xmpp.PresenceTypeUnsubscribe)
		// alice no longer gets bob's presence (Prosody 0.12 sends no
		// unavailable presence here, RFC 6121 section 3.3.3; the client
		// forgets bob's presence when the push ends the subscription).
		waitFor(t, "alice no longer sees bob", func() bool { return len(alice.Presences(bobJID)) == 0 })
	})

	t.Run("cancel", func(t *testing.T) {
		if err := alice.CancelSubscription(ctx, bobJID); err != nil {
			t.Fatal(err)
		}
		alice.waitItem(t, bobJID, "none", subscription(roster.ItemSubscriptionNone, false))
		bob.waitItem(t, aliceJID, "none", subscription(roster.ItemSubscriptionNone, false))
		bob.expectPresence(t, aliceJID, xmpp.PresenceTypeUnsubscribed)
		waitFor(t, "bob no longer sees alice", func() bool { return len(bob.Presences(aliceJID)) == 0 })
	})

	t.Run("deny", func(t *testing.T) {
		carol := online(t, s, carolJID, client.Options{})
		if err := carol.Subscribe(ctx, aliceJID); err != nil {
			t.Fatal(err)
		}
		alice.expectPresence(t, carolJID, xmpp.PresenceTypeSubscribe)
		if err := alice.DenySubscription(ctx, carolJID); err != nil {
			t.Fatal(err)
		}
		carol.expectPresence(t, aliceJID, xmpp.PresenceTypeUnsubscribed)
		carol.waitItem(t, aliceJID, "none, no longer pending", subscription(roster.ItemSubscriptionNone, false))
		if len(carol.Presences(aliceJID)) != 0 {
			t.Error("carol sees alice's presence")
		}
	})

	t.Run("pre-approval", func(t *testing.T) {
		if kind == servertest.Ejabberd {
			// ejabberd 23.01 does not advertise pre-approval: the client
			// refuses rather than send what the server would take as an
			// answer to a subscription request that was never made.
			if err := alice.PreApprove(ctx, daveJID); !errors.Is(err, client.ErrPreApprovalUnsupported) {
				t.Fatalf("PreApprove on ejabberd: %v, want ErrPreApprovalUnsupported", err)
			}
			return
		}
		if err := alice.PreApprove(ctx, daveJID); err != nil {
			t.Fatal(err)
		}
		// RFC 6121 section 3.4.2 wants approved='true' on the item; Prosody
		// 0.12 creates the item without it.
		alice.waitItem(t, daveJID, "created", subscription(roster.ItemSubscriptionNone, false))
		it, _ := alice.item(daveJID)
		t.Logf("pre-approved item: %+v", it)
		dave := online(t, s, daveJID, client.Options{})
		if err := dave.Subscribe(ctx, aliceJID); err != nil {
			t.Fatal(err)
		}
		dave.expectPresence(t, aliceJID, xmpp.PresenceTypeSubscribed)
		dave.waitItem(t, aliceJID, "to", subscription(roster.ItemSubscriptionTo, false))
		alice.waitItem(t, daveJID, "from", subscription(roster.ItemSubscriptionFrom, false))
		// alice was not asked.
		alice.expectNoPresence(t, daveJID, xmpp.PresenceTypeSubscribe, 300*time.Millisecond)
	})
}

func expectMessage(t *testing.T, p *peer, id string) *xmpp.Message {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case m := <-p.messages:
			if m.ID == id {
				return m
			}
		case <-deadline:
			t.Fatalf("%s: no message %q", p.JID(), id)
			return nil
		}
	}
}

// TestIntegrationRoster changes the roster from one resource and checks the
// pushes another resource of the account receives, then reconnects with
// the stored roster and its version.
func TestIntegrationRoster(t *testing.T) {
	servertest.ForEach(t, testIntegrationRoster)
}

func testIntegrationRoster(t *testing.T, kind servertest.Kind) {
	s := servertest.Start(t, kind, servertest.Options{})
	aliceJID := account(t, s, "alice")
	nurseJID := jid.MustParse("nurse@" + s.Domain)
	one := online(t, s, aliceJID, client.Options{Resource: "one"})
	two := online(t, s, aliceJID, client.Options{Resource: "two"})
	ctx := integrationCtx(t)

	expectPush := func(p *peer, want client.RosterEvent) client.RosterEvent {
		t.Helper()
		select {
		case ev := <-p.pushes:
			v := ev.Version
			ev.Version, want.Version = "", ""
			if diff := cmp.Diff(want, ev, cmp.Comparer(jid.JID.Equal)); diff != "" {
				t.Errorf("%s: push (-want +got):\n%s", p.JID(), diff)
			}
			if v == "" {
				t.Errorf("%s: push without a version although the server versions the roster", p.JID())
			}
			ev.Version = v
			return ev
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no roster push", p.JID())
			return client.RosterEvent{}
		}
	}
	added := client.RosterItem{JID: nurseJID, Name: "Nurse", Subscription: roster.ItemSubscriptionNone, Groups: []string{"Family"}}
	if err := one.RosterSet(ctx, client.RosterItem{JID: nurseJID, Name: "Nurse", Groups: []string{"Family"}}); err != nil {
		t.Fatal(err)
	}
	expectPush(two, client.RosterEvent{Item: added})
	expectPush(one, client.RosterEvent{Item: added})

	updated := client.RosterItem{JID: nurseJID, Name: "Angelica", Subscription: roster.ItemSubscriptionNone, Groups: []string{"Family", "Verona"}}
	if err := one.RosterSet(ctx, client.RosterItem{JID: nurseJID, Name: "Angelica", Groups: []string{"Family", "Verona"}}); err != nil {
		t.Fatal(err)
	}
	ev := expectPush(two, client.RosterEvent{Item: updated})
	expectPush(one, client.RosterEvent{Item: updated})
	if diff := cmp.Diff([]client.RosterItem{updated}, two.RosterItems(), cmp.Comparer(jid.JID.Equal)); diff != "" {
		t.Errorf("cache of the other resource (-want +got):\n%s", diff)
	}
	if two.RosterVersion() != ev.Version {
		t.Errorf("cached version %q, last push %q", two.RosterVersion(), ev.Version)
	}

	// Reconnect with the stored roster: nothing changed, so the server
	// answers the versioned get with an empty result and the cache stays.
	stored := two.RosterSnapshot()
	two.Close()
	var mu sync.Mutex
	var in, out bytes.Buffer
	again := login(t, s, aliceJID, client.Options{Resource: "two", Roster: &stored, Trace: func(isIn bool, p []byte) {
		mu.Lock()
		defer mu.Unlock()
		if isIn {
			in.Write(p)
		} else {
			out.Write(p)
		}
	}})
	got, err := again.Roster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(stored, got, cmp.Comparer(jid.JID.Equal)); diff != "" {
		t.Errorf("roster after the versioned get (-want +got):\n%s", diff)
	}
	mu.Lock()
	if !strings.Contains(out.String(), "ver='"+stored.Version+"'") {
		t.Errorf("the get did not carry ver=%q:\n%s", stored.Version, out.String())
	}
	if strings.Contains(in.String(), "jabber:iq:roster") {
		t.Errorf("the server sent roster data although nothing changed:\n%s", in.String())
	}
	mu.Unlock()

	// A change made by the other resource reaches the reconnected one as a
	// push.
	if err := one.RosterRemove(ctx, nurseJID); err != nil {
		t.Fatal(err)
	}
	expectPush(one, client.RosterEvent{Item: client.RosterItem{JID: nurseJID, Subscription: roster.ItemSubscriptionRemove}, Removed: true})
	waitFor(t, "the reconnected resource sees the removal", func() bool { return len(again.RosterItems()) == 0 })
	// RFC 6121 section 2.5.3 wants item-not-found for removing an item
	// that is not there; ejabberd 23.01 answers with a result.
	err = one.RosterRemove(ctx, nurseJID)
	switch kind {
	case servertest.Ejabberd:
		if err != nil {
			t.Errorf("removing a missing item on ejabberd: %v, want success as ejabberd 23.01 answers", err)
		}
	default:
		if !errors.Is(err, client.ItemNotFound) {
			t.Errorf("removing a missing item: %v, want item-not-found", err)
		}
	}
}

// TestIntegrationHandlers checks against Prosody that the catch-all
// handler sees what the server sends in order (the roster result, the
// reflected initial presence, messages) and that a handler registered for
// chat messages with a receipt request gets those only.
func TestIntegrationHandlers(t *testing.T) {
	servertest.ForEach(t, testIntegrationHandlers)
}

func testIntegrationHandlers(t *testing.T, kind servertest.Kind) {
	s := servertest.Start(t, kind, servertest.Options{})
	romeoJID, julietJID := account(t, s, "romeo"), account(t, s, "juliet")
	ctx := integrationCtx(t)
	romeo := login(t, s, romeoJID, client.Options{})
	elements := make(chan string, 100)
	romeo.HandleElement(func(el stanza.Element) {
		switch x := el.(type) {
		case *xmpp.IQ:
			kind := "iq " + string(x.Type)
			for _, p := range x.Any {
				kind += " {" + p.ElementName().Space + "}" + p.ElementName().Local
			}
			elements <- kind
		case *xmpp.Presence:
			elements <- "presence from " + x.From.String()
		case *xmpp.Message:
			elements <- "message " + x.ID
		default:
			elements <- "element " + el.ElementName().Local
		}
	})
	matched := make(chan string, 100)
	romeo.HandleMessageMatch(client.MessageMatch{Type: xmpp.MessageTypeChat, NS: receipts.NS}, func(m *xmpp.Message) {
		matched <- m.ID
	})
	if _, err := romeo.Roster(ctx); err != nil {
		t.Fatal(err)
	}
	if err := romeo.SetPresence(ctx, client.Status{}); err != nil {
		t.Fatal(err)
	}

	juliet := login(t, s, julietJID, client.Options{})
	send := []*xmpp.Message{
		{ID: "m1", Type: xmpp.MessageTypeChat, Body: []xmpp.Body{{Value: "1"}}, Any: []stanza.Element{&receipts.Request{}}},
		{ID: "m2", Type: xmpp.MessageTypeChat, Body: []xmpp.Body{{Value: "2"}}},
		{ID: "m3", Type: xmpp.MessageTypeHeadline, Body: []xmpp.Body{{Value: "3"}}, Any: []stanza.Element{&receipts.Request{}}},
		{ID: "m4", Type: xmpp.MessageTypeChat, Body: []xmpp.Body{{Value: "4"}}, Any: []stanza.Element{&receipts.Request{}}},
	}
	for _, m := range send {
		m.To = romeo.JID()
		if err := juliet.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for len(got) == 0 || got[len(got)-1] != "message m4" {
		select {
		case e := <-elements:
			got = append(got, e)
		case <-time.After(10 * time.Second):
			t.Fatalf("timeout; elements so far: %q", got)
		}
	}
	want := []string{
		"iq result {jabber:iq:roster}query",
		"presence from " + romeo.JID().String(),
		"message m1", "message m2", "message m3", "message m4",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("elements (-want +got):\n%s", diff)
	}
	var gotMatched []string
	for len(gotMatched) < 2 {
		select {
		case id := <-matched:
			gotMatched = append(gotMatched, id)
		case <-time.After(10 * time.Second):
			t.Fatalf("timeout; matched so far: %q", gotMatched)
		}
	}
	if diff := cmp.Diff([]string{"m1", "m4"}, gotMatched); diff != "" {
		t.Errorf("chat messages with a receipt request (-want +got):\n%s", diff)
	}
}

// TestIntegrationRosterPushOrder pins what each server sends the resource
// that changes the roster: one push per change (no duplicates, which the
// cache would absorb but handlers would see twice), and whether the push
// comes before the result of the set. RFC 6121 section 2.3.2 lets the
// server send them in either order; the client's cache and RosterSet
// work with both.
func TestIntegrationRosterPushOrder(t *testing.T) {
	servertest.ForEach(t, testIntegrationRosterPushOrder)
}

func testIntegrationRosterPushOrder(t *testing.T, kind servertest.Kind) {
	s := servertest.Start(t, kind, servertest.Options{})
	aliceJID := account(t, s, "alice")
	var mu sync.Mutex
	var in bytes.Buffer
	p := &peer{pushes: make(chan client.RosterEvent, 100), presences: make(chan *xmpp.Presence, 100), messages: make(chan *xmpp.Message, 100)}
	p.Client = login(t, s, aliceJID, client.Options{Trace: func(isIn bool, b []byte) {
		if isIn {
			mu.Lock()
			in.Write(b)
			mu.Unlock()
		}
	}})
	p.HandleRoster(func(ev client.RosterEvent) { p.pushes <- ev })
	ctx := integrationCtx(t)
	if _, err := p.Roster(ctx); err != nil {
		t.Fatal(err)
	}
	startVer := p.RosterVersion()
	mu.Lock()
	in.Reset()
	mu.Unlock()
	nurse := jid.MustParse("nurse@" + s.Domain)
	for i, name := range []string{"Nurse", "Angelica"} {
		if err := p.RosterSet(ctx, client.RosterItem{JID: nurse, Name: name}); err != nil {
			t.Fatal(err)
		}
		select {
		case ev := <-p.pushes:
			if ev.Item.Name != name {
				t.Errorf("push %d names %q, want %q", i, ev.Item.Name, name)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no push for change %d", i)
		}
	}
	// Any duplicate would have arrived by now, right behind the first.
	select {
	case ev := <-p.pushes:
		t.Errorf("%s: a second push for one change: %+v", kind, ev)
	case <-time.After(500 * time.Millisecond):
	}
	mu.Lock()
	wire := in.String()
	mu.Unlock()
	pushAt := strings.Index(wire, "type='set'")
	resultAt := strings.Index(wire, "type='result'")
	if pushAt < 0 || resultAt < 0 {
		t.Fatalf("trace lacks the push or the result:\n%s", wire)
	}
	pushFirst := pushAt < resultAt
	t.Logf("%s: push before result: %v; versions %q -> %q", kind, pushFirst, startVer, p.RosterVersion())
	// ejabberd 23.01 sends the push to the changing resource before the
	// result of its set; Prosody 0.12 sends the result first.
	if want := kind == servertest.Ejabberd; pushFirst != want {
		t.Errorf("%s: push before the result %v, want %v", kind, pushFirst, want)
	}
	if p.RosterVersion() == startVer || p.RosterVersion() == "" {
		t.Errorf("%s: version %q after two changes from %q", kind, p.RosterVersion(), startVer)
	}
	// Versions are opaque (RFC 6121 section 2.6.1) and the client treats
	// them so; what they look like: a counter in Prosody 0.12, the SHA-1
	// of the roster in hexadecimal in ejabberd 23.01.
	shape := regexp.MustCompile(`^[0-9]+$`)
	if kind == servertest.Ejabberd {
		shape = regexp.MustCompile(`^[0-9a-f]{40}$`)
	}
	if !shape.MatchString(p.RosterVersion()) {
		t.Errorf("%s: version %q does not look like %s", kind, p.RosterVersion(), shape)
	}
}

// TestIntegrationBadRequest: through a real server, a request that does
// not validate is answered with bad-request (RFC 6120 section 8.3.3.1) and
// a valid one is served; a client sends nothing that does not validate
// unless told to relay.
func TestIntegrationBadRequest(t *testing.T) {
	servertest.ForEach(t, testIntegrationBadRequest)
}

func testIntegrationBadRequest(t *testing.T, kind servertest.Kind) {
	s := servertest.Start(t, kind, servertest.Options{})
	aliceJID, bobJID := account(t, s, "alice"), account(t, s, "bob")
	ctx := integrationCtx(t)
	alice := loginUnchecked(t, s, aliceJID, client.Options{})
	bob := login(t, s, bobJID, client.Options{SkipSendValidation: true})
	strict := login(t, s, bobJID, client.Options{Resource: "strict"})

	badPing := raw(ping.NS, "ping", `<ping xmlns='urn:xmpp:ping'><extra/></ping>`)
	// A raw element is not validated by the sender: build the payload
	// typed so that the sender's own check sees it.
	typedBad, err := stanza.DecodeString(`<ping xmlns='urn:xmpp:ping'><extra/></ping>`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = strict.SendIQ(ctx, &xmpp.IQ{Type: xmpp.IQTypeGet, To: alice.JID(), Any: []stanza.Element{typedBad}})
	if !errors.Is(err, stanza.ErrInvalid) {
		t.Errorf("strict client sent an invalid ping: %v", err)
	}
	for _, payload := range []stanza.Element{badPing, typedBad} {
		_, err = bob.SendIQ(ctx, &xmpp.IQ{Type: xmpp.IQTypeGet, To: alice.JID(), Any: []stanza.Element{payload}})
		var se *client.StanzaError
		if !errors.As(err, &se) || se.Condition != client.BadRequest || se.Type != xmpp.ErrorTypeModify || !strings.Contains(se.Text, "/iq/ping") {
			t.Errorf("%s: invalid ping answered with %v, want bad-request (modify) naming /iq/ping", kind, err)
		}
	}
	if err := bob.Ping(ctx, alice.JID()); err != nil {
		t.Errorf("%s: valid ping: %v", kind, err)
	}
}
