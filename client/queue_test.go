package client_test

import (
	"fmt"
	"github.com/protoxmpp/protoxmpp/jid"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/ping"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// TestQueueSize blocks the message handler on the first of four messages
// that arrive before the response to a ping: with QueueSize 2 the queue
// fills and the reader stops reading, so the response waits behind the
// messages; with room in the queue the reader goes on and the ping
// returns while the handler is still blocked. Either way every message is
// handled, in order.
func TestQueueSize(t *testing.T) {
	for _, tc := range []struct {
		name        string
		size        int
		wantStalled bool
	}{
		{"full queue stops the reader", 2, true},
		{"queue with room", 8, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, srv := connect(t, serverOpts{}, client.Options{QueueSize: tc.size})
			release := make(chan struct{})
			var mu sync.Mutex
			var seen []string
			all := make(chan struct{})
			c.HandleMessage(func(m *xmpp.Message) {
				if m.ID == "1" {
					<-release
				}
				mu.Lock()
				seen = append(seen, m.ID)
				if len(seen) == 4 {
					close(all)
				}
				mu.Unlock()
			})
			ctx := testCtx(t)
			pinged := make(chan error, 1)
			go func() {
				_, err := c.SendIQ(ctx, &xmpp.IQ{Type: xmpp.IQTypeGet, To: jid.Raw(testDomain), Any: []stanza.Element{&ping.Ping{}}})
				pinged <- err
			}()
			req := srv.nextIQ()
			var burst []stanza.Element
			for i := 1; i <= 4; i++ {
				burst = append(burst, &xmpp.Message{From: jid.Raw("romeo@example.net/orchard"), ID: fmt.Sprint(i)})
			}
			srv.send(append(burst, &xmpp.IQ{Type: xmpp.IQTypeResult, ID: req.ID, From: jid.Raw(testDomain)})...)

			if tc.wantStalled {
				select {
				case err := <-pinged:
					t.Fatalf("SendIQ returned (%v) while the queue was full: the reader went on reading", err)
				case <-time.After(200 * time.Millisecond):
				}
				close(release)
			}
			select {
			case err := <-pinged:
				if err != nil {
					t.Fatalf("SendIQ: %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("SendIQ did not return")
			}
			if !tc.wantStalled {
				close(release)
			}
			select {
			case <-all:
			case <-time.After(5 * time.Second):
				t.Fatal("messages not handled")
			}
			mu.Lock()
			defer mu.Unlock()
			if diff := cmp.Diff([]string{"1", "2", "3", "4"}, seen); diff != "" {
				t.Errorf("handled (-want +got):\n%s", diff)
			}
		})
	}
}
