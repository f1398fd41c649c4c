package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/receipts"
	"github.com/protoxmpp/protoxmpp/stanza/version"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
	"github.com/protoxmpp/protoxmpp/stream"
)

// A session that fetches the roster, goes online, approves subscription
// requests from contacts it knows, answers chat messages and sends one.
// (Not run: it needs a server.)
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, jid.MustParse("juliet@example.com"), "r0m30", client.Options{Resource: "balcony"})
	if errors.Is(err, stream.SASLNotAuthorized) {
		log.Fatal("wrong password")
	}
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	c.HandlePresence(func(p *xmpp.Presence) {
		if p.Type != xmpp.PresenceTypeSubscribe {
			return
		}
		// The address is a jid.JID, as the client's: no parsing here.
		for _, it := range c.RosterItems() {
			if it.JID.Equal(p.From.Bare()) {
				c.ApproveSubscription(c.Context(), p.From)
				return
			}
		}
		c.DenySubscription(c.Context(), p.From)
	})
	c.HandleMessage(func(m *xmpp.Message) {
		if m.Type != xmpp.MessageTypeChat || len(m.Body) == 0 {
			return
		}
		c.SendMessage(c.Context(), m.From, xmpp.MessageTypeChat, "You said: "+m.Body[0].Value)
	})

	r, err := c.Roster(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(r.Items), "contacts")
	if err := c.SetPresence(ctx, client.Status{Show: xmpp.ShowTypeChat, Text: "on the balcony"}); err != nil {
		log.Fatal(err)
	}
	c.SendMessage(ctx, jid.MustParse("romeo@example.net"), xmpp.MessageTypeChat, "Wherefore art thou Romeo?")
	<-c.Done()
	log.Println("session ended:", c.Err())
}

// Querying another entity and telling error responses apart.
func ExampleClient_SendIQ() {
	var c *client.Client // from Dial
	ctx := context.Background()
	resp, err := c.SendIQ(ctx, &xmpp.IQ{
		Type: xmpp.IQTypeGet,
		To:   jid.Raw("romeo@example.net/orchard"),
		Any:  []stanza.Element{&version.Query{}},
	})
	var se *client.StanzaError
	switch {
	case errors.Is(err, client.ServiceUnavailable):
		fmt.Println("no software version there")
	case errors.As(err, &se):
		fmt.Println("error", se.Condition, se.Type, se.Text)
	case err != nil:
		fmt.Println(err) // the context, or the session ended
	default:
		q := resp.Any[0].(*version.Query)
		fmt.Println(*q.Name, *q.Version)
	}
}

// Keeping the roster between sessions: the server answers "no change"
// when the stored version is current (RFC 6121 section 2.6).
func ExampleOptions_roster() {
	ctx := context.Background()
	j := jid.MustParse("juliet@example.com")
	var stored *client.Roster // loaded from disk; nil the first time
	c, err := client.Dial(ctx, j, "r0m30", client.Options{Roster: stored})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := c.Roster(ctx); err != nil {
		log.Fatal(err)
	}
	c.HandleRoster(func(ev client.RosterEvent) {
		snap := c.RosterSnapshot() // store snap.Version and snap.Items
		_ = snap
	})
}

// Handlers chosen by message type and payload namespace, and a catch-all
// that logs every element first. Delivery receipts (XEP-0184) requested in
// chat messages are sent back.
func ExampleClient_HandleMessageMatch() {
	var c *client.Client // from Dial
	c.HandleElement(func(el stanza.Element) {
		log.Printf("received <%s xmlns='%s'/>", el.ElementName().Local, el.ElementName().Space)
	})
	c.AddFeature(receipts.NS)
	c.HandleMessageMatch(client.MessageMatch{Type: xmpp.MessageTypeChat, NS: receipts.NS}, func(m *xmpp.Message) {
		for _, p := range m.Any {
			if _, ok := p.(*receipts.Request); ok && m.ID != "" {
				c.Send(c.Context(), &xmpp.Message{To: m.From, ID: m.ID + "-ack", Any: []stanza.Element{&receipts.Received{ID: m.ID}}})
			}
		}
	})
	c.HandlePresenceMatch(client.PresenceMatch{Type: client.PresenceAvailable}, func(p *xmpp.Presence) {
		fmt.Println(p.From, "is online")
	})
}
