package client_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/stanzaerror"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
	"github.com/protoxmpp/protoxmpp/stream"
)

// TestPresenceSent checks the presence stanzas each method sends.
func TestPresenceSent(t *testing.T) {
	romeoRes := jid.MustParse("romeo@example.net/orchard")
	cases := []struct {
		name        string
		preApproval bool
		call        func(ctx context.Context, c *client.Client) error
		want        string // "" when nothing may be sent
		wantID      bool   // an id attribute is required (then compared blank)
		wantErr     error
	}{
		{"initial presence", false, func(ctx context.Context, c *client.Client) error {
			return c.SetPresence(ctx, client.Status{})
		}, `<presence xmlns='jabber:client'/>`, false, nil},
		{"presence with show, status and priority", false, func(ctx context.Context, c *client.Client) error {
			return c.SetPresence(ctx, client.Status{Show: xmpp.ShowTypeAway, Text: "out", Priority: -1})
		}, `<presence xmlns='jabber:client'><show>away</show><status>out</status><priority>-1</priority></presence>`, false, nil},
		{"unavailable", false, func(ctx context.Context, c *client.Client) error {
			return c.SetUnavailable(ctx, "gone")
		}, `<presence xmlns='jabber:client' type='unavailable'><status>gone</status></presence>`, false, nil},
		{"directed presence", false, func(ctx context.Context, c *client.Client) error {
			return c.SendPresenceTo(ctx, romeoRes, client.Status{Show: xmpp.ShowTypeDND})
		}, `<presence xmlns='jabber:client' to='romeo@example.net/orchard'><show>dnd</show></presence>`, false, nil},
		{"directed unavailable", false, func(ctx context.Context, c *client.Client) error {
			return c.SendUnavailableTo(ctx, romeoRes, "")
		}, `<presence xmlns='jabber:client' to='romeo@example.net/orchard' type='unavailable'/>`, false, nil},
		{"subscribe goes to the bare JID", false, func(ctx context.Context, c *client.Client) error {
			return c.Subscribe(ctx, romeoRes)
		}, `<presence xmlns='jabber:client' to='romeo@example.net' type='subscribe'/>`, true, nil},
		{"approve", false, func(ctx context.Context, c *client.Client) error {
			return c.ApproveSubscription(ctx, romeo)
		}, `<presence xmlns='jabber:client' to='romeo@example.net' type='subscribed'/>`, true, nil},
		{"deny", false, func(ctx context.Context, c *client.Client) error {
			return c.DenySubscription(ctx, romeo)
		}, `<presence xmlns='jabber:client' to='romeo@example.net' type='unsubscribed'/>`, true, nil},
		{"unsubscribe", false, func(ctx context.Context, c *client.Client) error {
			return c.Unsubscribe(ctx, romeoRes)
		}, `<presence xmlns='jabber:client' to='romeo@example.net' type='unsubscribe'/>`, true, nil},
		{"cancel", false, func(ctx context.Context, c *client.Client) error {
			return c.CancelSubscription(ctx, romeo)
		}, `<presence xmlns='jabber:client' to='romeo@example.net' type='unsubscribed'/>`, true, nil},
		{"pre-approval advertised", true, func(ctx context.Context, c *client.Client) error {
			return c.PreApprove(ctx, romeo)
		}, `<presence xmlns='jabber:client' to='romeo@example.net' type='subscribed'/>`, true, nil},
		{"pre-approval not advertised", false, func(ctx context.Context, c *client.Client) error {
			return c.PreApprove(ctx, romeo)
		}, "", false, client.ErrPreApprovalUnsupported},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, srv := connect(t, serverOpts{preApproval: tc.preApproval}, client.Options{})
			if c.SupportsPreApproval() != tc.preApproval {
				t.Errorf("SupportsPreApproval() = %v", c.SupportsPreApproval())
			}
			err := tc.call(testCtx(t), c)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if tc.want == "" {
				srv.quiet(50 * time.Millisecond)
				return
			}
			p, ok := srv.next().(*xmpp.Presence)
			if !ok {
				t.Fatal("not a presence")
			}
			if tc.wantID != (p.ID != "") {
				t.Errorf("id %q", p.ID)
			}
			p.ID = ""
			if diff := cmp.Diff(tc.want, marshal(t, p)); diff != "" {
				t.Errorf("presence (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPresenceTable feeds contacts' presence and checks the table, as the
// presence handlers see it.
func TestPresenceTable(t *testing.T) {
	c, srv := connect(t, serverOpts{}, client.Options{Lang: "en"})
	type view struct {
		Romeo, Nurse []string
	}
	render := func(cps []client.ContactPresence) []string {
		var out []string
		for _, cp := range cps {
			out = append(out, fmt.Sprintf("%s show=%s status=%q prio=%d", cp.JID, cp.Show, cp.Status, cp.Priority))
		}
		return out
	}
	views := make(chan view, 10)
	c.HandlePresence(func(*xmpp.Presence) {
		views <- view{render(c.Presences(romeo)), render(c.Presences(nurse))}
	})
	show := func(s xmpp.ShowType) *xmpp.ShowType { return &s }
	prio := func(p int8) *int8 { return &p }
	cases := []struct {
		name string
		p    *xmpp.Presence
		want view
	}{{
		name: "first resource",
		p:    &xmpp.Presence{From: jid.Raw("romeo@example.net/orchard"), Show: show(xmpp.ShowTypeAway), Priority: prio(1), Status: []xmpp.Status{{Lang: "it", Value: "fuori"}, {Lang: "en", Value: "out"}}},
		want: view{Romeo: []string{`romeo@example.net/orchard show=away status="out" prio=1`}},
	}, {
		name: "second resource, higher priority first",
		p:    &xmpp.Presence{From: jid.Raw("romeo@example.net/balcony"), Priority: prio(5)},
		want: view{Romeo: []string{`romeo@example.net/balcony show= status="" prio=5`, `romeo@example.net/orchard show=away status="out" prio=1`}},
	}, {
		name: "bare JID presence",
		p:    &xmpp.Presence{From: jid.Raw("nurse@example.com"), Status: []xmpp.Status{{Value: "here"}}},
		want: view{Romeo: []string{`romeo@example.net/balcony show= status="" prio=5`, `romeo@example.net/orchard show=away status="out" prio=1`}, Nurse: []string{`nurse@example.com show= status="here" prio=0`}},
	}, {
		name: "update replaces",
		p:    &xmpp.Presence{From: jid.Raw("romeo@example.net/orchard"), Show: show(xmpp.ShowTypeChat), Priority: prio(9)},
		want: view{Romeo: []string{`romeo@example.net/orchard show=chat status="" prio=9`, `romeo@example.net/balcony show= status="" prio=5`}, Nurse: []string{`nurse@example.com show= status="here" prio=0`}},
	}, {
		name: "one resource unavailable",
		p:    &xmpp.Presence{From: jid.Raw("romeo@example.net/orchard"), Type: xmpp.PresenceTypeUnavailable},
		want: view{Romeo: []string{`romeo@example.net/balcony show= status="" prio=5`}, Nurse: []string{`nurse@example.com show= status="here" prio=0`}},
	}, {
		name: "subscription request changes nothing",
		p:    &xmpp.Presence{From: jid.Raw("romeo@example.net"), Type: xmpp.PresenceTypeSubscribe},
		want: view{Romeo: []string{`romeo@example.net/balcony show= status="" prio=5`}, Nurse: []string{`nurse@example.com show= status="here" prio=0`}},
	}, {
		name: "error clears the contact",
		p:    &xmpp.Presence{From: jid.Raw("nurse@example.com"), Type: xmpp.PresenceTypeError, Error: &xmpp.Error{Type: xmpp.ErrorTypeCancel, Condition: stanzaerror.ConditionRemoteServerNotFound}},
		want: view{Romeo: []string{`romeo@example.net/balcony show= status="" prio=5`}},
	}, {
		name: "unavailable from the bare JID clears all resources",
		p:    &xmpp.Presence{From: jid.Raw("romeo@example.net"), Type: xmpp.PresenceTypeUnavailable},
		want: view{},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv.send(tc.p)
			select {
			case got := <-views:
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("presence table (-want +got):\n%s", diff)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("presence handler not called")
			}
		})
	}
}

// TestMessages sends and receives messages with every part.
func TestMessages(t *testing.T) {
	var traceMu sync.Mutex
	var in, out strings.Builder
	c, srv := connect(t, serverOpts{}, client.Options{Trace: func(isIn bool, p []byte) {
		traceMu.Lock()
		defer traceMu.Unlock()
		if isIn {
			in.Write(p)
		} else {
			out.Write(p)
		}
	}})
	got := make(chan *xmpp.Message, 10)
	c.HandleMessage(func(m *xmpp.Message) { got <- m })
	ctx := testCtx(t)

	for _, typ := range []xmpp.MessageType{xmpp.MessageTypeChat, xmpp.MessageTypeNormal, xmpp.MessageTypeHeadline, xmpp.MessageTypeGroupchat} {
		if err := c.SendMessage(ctx, romeo, typ, "Art thou not Romeo?"); err != nil {
			t.Fatal(err)
		}
		m := srv.next().(*xmpp.Message)
		if m.ID == "" {
			t.Error("message without id")
		}
		m.ID = ""
		want := `<message xmlns='jabber:client' to='romeo@example.net' type='` + string(typ) + `'><body>Art thou not Romeo?</body></message>`
		if diff := cmp.Diff(want, marshal(t, m)); diff != "" {
			t.Errorf("sent (-want +got):\n%s", diff)
		}
	}

	full := &xmpp.Message{
		From: jid.Raw("romeo@example.net/orchard"), To: c.JID(), Type: xmpp.MessageTypeChat, ID: "m1",
		Subject: []xmpp.Subject{{Value: "Balcony"}},
		Body:    []xmpp.Body{{Value: "Neither, fair saint"}, {Lang: "fr", Value: "Ni l'un ni l'autre"}},
		Thread:  &xmpp.Thread{Value: "e0ffe42b28561960c6b12b944a092794b9683a38", Parent: "p1"},
		Any:     []stanza.Element{raw("urn:example:mood", "mood", `<mood xmlns='urn:example:mood'><happy/></mood>`)},
	}
	errMsg := &xmpp.Message{From: jid.Raw("romeo@example.net"), Type: xmpp.MessageTypeError, ID: "m2",
		Error: &xmpp.Error{Type: xmpp.ErrorTypeCancel, Condition: stanzaerror.ConditionServiceUnavailable}}
	srv.send(full, errMsg)
	for _, want := range []*xmpp.Message{full, errMsg} {
		m := <-got
		if diff := cmp.Diff(marshal(t, want), marshal(t, m)); diff != "" {
			t.Errorf("received (-want +got):\n%s", diff)
		}
		if m.Type == xmpp.MessageTypeError && !errors.Is(client.StanzaErrorOf(m.Error), client.ServiceUnavailable) {
			t.Error("StanzaErrorOf does not see service-unavailable")
		}
	}
	if err := c.Send(ctx, full); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(marshal(t, full), marshal(t, srv.next())); diff != "" {
		t.Errorf("Send (-want +got):\n%s", diff)
	}
	traceMu.Lock()
	defer traceMu.Unlock()
	if !strings.Contains(out.String(), "<stream:stream") || !strings.Contains(out.String(), "Art thou not Romeo?") || !strings.Contains(in.String(), "Neither, fair saint") {
		t.Errorf("trace misses traffic:\nout %s\nin %s", out.String(), in.String())
	}
}

// TestHandlerOrder sends a burst of mixed stanzas and checks that the
// handlers see them in order, even while one handler waits for an IQ
// response that arrives behind the burst.
func TestHandlerOrder(t *testing.T) {
	c, srv := connect(t, serverOpts{}, client.Options{})
	var mu sync.Mutex
	var seen []string
	record := func(s string) {
		mu.Lock()
		seen = append(seen, s)
		mu.Unlock()
	}
	const n = 90
	all := make(chan struct{})
	c.HandleMessage(func(m *xmpp.Message) {
		record("message " + m.ID)
		if m.ID == "9" {
			// Blocks this handler until the server answers, which it does
			// only after sending the whole burst.
			_, err := c.SendIQ(testCtx(t), &xmpp.IQ{Type: xmpp.IQTypeGet, To: jid.Raw("example.com"), Any: []stanza.Element{raw("urn:example:slow", "q", `<q xmlns='urn:example:slow'/>`)}})
			if err != nil {
				t.Errorf("SendIQ from a handler: %v", err)
			}
			record("handler done")
		}
		if m.ID == fmt.Sprint(n-3) {
			close(all)
		}
	})
	c.HandlePresence(func(p *xmpp.Presence) { record("presence " + p.ID) })
	c.HandleIQ("urn:example:order", "q", func(ctx context.Context, iq *xmpp.IQ) (stanza.Element, error) {
		record("iq " + iq.ID)
		return nil, nil
	})
	var want []string
	var burst []stanza.Element
	for i := range n {
		id := fmt.Sprint(i)
		switch i % 3 {
		case 0:
			burst = append(burst, &xmpp.Message{From: jid.Raw("romeo@example.net/orchard"), ID: id, Body: []xmpp.Body{{Value: id}}})
			want = append(want, "message "+id)
		case 1:
			burst = append(burst, &xmpp.Presence{From: jid.Raw("romeo@example.net/orchard"), ID: id})
			want = append(want, "presence "+id)
		case 2:
			burst = append(burst, &xmpp.IQ{From: jid.Raw("romeo@example.net/orchard"), ID: id, Type: xmpp.IQTypeGet, Any: []stanza.Element{raw("urn:example:order", "q", `<q xmlns='urn:example:order'/>`)}})
			want = append(want, "iq "+id)
		}
		if i == 9 {
			want = append(want, "handler done")
		}
	}
	srv.send(burst...)
	// The slow request arrives after the burst was read by the client.
	var slow *xmpp.IQ
	for slow == nil {
		if iq, ok := srv.next().(*xmpp.IQ); ok && iq.Type == xmpp.IQTypeGet {
			slow = iq
		}
	}
	srv.send(&xmpp.IQ{Type: xmpp.IQTypeResult, ID: slow.ID, From: jid.Raw("example.com")})
	select {
	case <-all:
	case <-time.After(5 * time.Second):
		t.Fatal("burst not handled")
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("handler order (-want +got):\n%s", diff)
	}
}

// TestClose covers the ends of a session.
func TestClose(t *testing.T) {
	t.Run("client closes", func(t *testing.T) {
		c, srv := connect(t, serverOpts{}, client.Options{})
		if err := c.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		select {
		case <-srv.closed:
		case <-time.After(5 * time.Second):
			t.Fatal("server did not get the closing tag")
		}
		<-c.Done()
		if c.Err() != nil {
			t.Errorf("Err() = %v after Close", c.Err())
		}
		if err := c.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
		if err := c.SendMessage(testCtx(t), romeo, xmpp.MessageTypeChat, "x"); !errors.Is(err, client.ErrClosed) {
			t.Errorf("SendMessage after Close: %v, want ErrClosed", err)
		}
	})
	t.Run("server never answers the closing tag", func(t *testing.T) {
		c, srv := connect(t, serverOpts{}, client.Options{CloseTimeout: 100 * time.Millisecond})
		srv.mu.Lock() // the server stops processing input
		defer srv.mu.Unlock()
		start := time.Now()
		c.Close()
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("Close took %v", d)
		}
		<-c.Done()
	})
	t.Run("stream error", func(t *testing.T) {
		c, srv := connect(t, serverOpts{}, client.Options{})
		srv.sendError(&stream.Error{Condition: stream.Conflict, Text: "replaced by a new connection"})
		<-c.Done()
		if !errors.Is(c.Err(), stream.Conflict) {
			t.Errorf("Err() = %v, want conflict", c.Err())
		}
	})
	t.Run("bad XML from the server", func(t *testing.T) {
		c, srv := connect(t, serverOpts{}, client.Options{})
		srv.sendRaw(`<message><body>a</body></message><!-- comments are not allowed -->`)
		<-c.Done()
		if !errors.Is(c.Err(), stream.RestrictedXML) {
			t.Errorf("Err() = %v, want restricted-xml", c.Err())
		}
	})
	t.Run("connection lost", func(t *testing.T) {
		c, srv := connect(t, serverOpts{}, client.Options{})
		srv.conn.Close()
		<-c.Done()
		if err := c.Err(); err == nil || !strings.Contains(err.Error(), "connection lost") {
			t.Errorf("Err() = %v, want connection lost", err)
		}
	})
}
