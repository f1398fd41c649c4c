package client_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/ping"
	"github.com/protoxmpp/protoxmpp/stanza/stanzaerror"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// lockedBuffer is a bytes.Buffer for a logger written by the client's
// goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestInvalidRequests: a request that does not validate is answered with
// bad-request (type modify, the violation in the text) and never reaches
// a handler; one without id is dropped and logged; a valid one is served.
func TestInvalidRequests(t *testing.T) {
	var logs lockedBuffer
	c, srv := connect(t, serverOpts{}, client.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	handled := make(chan string, 10)
	c.HandleIQ(ping.NS, "ping", func(_ context.Context, iq *xmpp.IQ) (stanza.Element, error) {
		handled <- iq.ID
		return nil, nil
	})
	// A ping with a child: the ping element has no content.
	srv.sendRaw(`<iq type='get' id='bad1' from='romeo@example.net/a'><ping xmlns='urn:xmpp:ping'><extra/></ping></iq>`)
	resp := srv.nextIQ()
	if resp.ID != "bad1" || resp.Type != xmpp.IQTypeError || resp.Error == nil || resp.Error.Type != xmpp.ErrorTypeModify || resp.Error.Condition != stanzaerror.ConditionBadRequest {
		t.Fatalf("answer %s, want a bad-request error of type modify", marshal(t, resp))
	}
	if resp.Error.Text == nil || !strings.Contains(resp.Error.Text.Value, "/iq/ping") {
		t.Errorf("error text %+v does not name the path", resp.Error.Text)
	}
	// A type outside the enumeration inside a known payload.
	srv.sendRaw(`<iq type='set' id='bad2' from='romeo@example.net/a'><query xmlns='jabber:iq:roster'><item jid='nurse@example.com' subscription='maybe'/></query></iq>`)
	resp = srv.nextIQ()
	if resp.ID != "bad2" || resp.Error == nil || resp.Error.Condition != stanzaerror.ConditionBadRequest || !strings.Contains(resp.Error.Text.Value, "/iq/query/item[1]/@subscription") {
		t.Fatalf("answer %s, want bad-request naming @subscription", marshal(t, resp))
	}
	// No id: nothing to answer.
	srv.sendRaw(`<iq type='get' from='romeo@example.net/a'><ping xmlns='urn:xmpp:ping'/></iq>`)
	srv.quiet(300 * time.Millisecond)
	waitFor(t, "the log line", func() bool { return strings.Contains(logs.String(), "without id") })
	// A valid one reaches the handler and is answered.
	srv.sendRaw(`<iq type='get' id='ok1' from='romeo@example.net/a'><ping xmlns='urn:xmpp:ping'/></iq>`)
	resp = srv.nextIQ()
	if resp.ID != "ok1" || resp.Type != xmpp.IQTypeResult {
		t.Fatalf("answer %s, want a result", marshal(t, resp))
	}
	select {
	case id := <-handled:
		if id != "ok1" {
			t.Errorf("handler saw %q, want only ok1", id)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the handler did not see the valid request")
	}
	select {
	case id := <-handled:
		t.Errorf("handler also saw %q", id)
	default:
	}
}

// TestStrictSend: what does not validate is not sent, unless
// SkipSendValidation relays it as it is.
func TestStrictSend(t *testing.T) {
	bad := &xmpp.Message{Type: "shout", Body: []xmpp.Body{{Value: "hi"}}}
	c, srv := connect(t, serverOpts{}, client.Options{})
	err := c.Send(testCtx(t), bad)
	var v *stanza.Violation
	if !errors.As(err, &v) || v.Path != "/message/@type" || !errors.Is(err, stanza.ErrInvalid) {
		t.Fatalf("Send = %v, want the violation at /message/@type", err)
	}
	srv.quiet(200 * time.Millisecond)

	c2, srv2 := connect(t, serverOpts{}, client.Options{SkipSendValidation: true})
	if err := c2.Send(testCtx(t), bad); err != nil {
		t.Fatal(err)
	}
	got, ok := srv2.next().(*xmpp.Message)
	if !ok || got.Type != "shout" {
		t.Errorf("relayed %v", got)
	}
}
