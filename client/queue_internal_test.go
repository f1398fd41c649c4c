package client

import (
	"net"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// queueClient is a Client that is not connected, for the dispatch queue
// alone: its handlers run as elements are enqueued.
func queueClient(t *testing.T, size int) *Client {
	a, b := net.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	return newClient(a, jid.MustParse("juliet@example.com"), Options{QueueSize: size})
}

func message(i int) inbound {
	return inbound{el: &xmpp.Message{ID: strconv.Itoa(i)}}
}

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = strconv.Itoa(i)
	}
	return out
}

// queueState is what the dispatch queue holds.
type queueState struct {
	Waiting, Ring int
	Dispatching   bool
}

func (c *Client) queueState() queueState {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return queueState{Waiting: c.qlen, Ring: len(c.q), Dispatching: c.dispatching}
}

// waitIdle waits until the queue is empty and its dispatcher has ended.
func waitIdle(t *testing.T, c *Client) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for c.queueState() != (queueState{}) {
		if time.Now().After(deadline) {
			t.Fatalf("queue not drained: %+v", c.queueState())
		}
		time.Sleep(time.Millisecond)
	}
}

// TestQueueGrowsAndShrinks queues elements behind a blocked handler: the
// ring grows with them (and not beyond what waits), the handlers then see
// every element once in order, one at a time, and the drained queue keeps
// neither a ring nor a dispatcher goroutine.
func TestQueueGrowsAndShrinks(t *testing.T) {
	for _, tc := range []struct {
		name     string
		n        int
		wantRing int // while n-1 elements wait
	}{
		{"one element", 1, minQueueRing},
		{"a few", 3, minQueueRing},
		{"a burst", 1000, 1024},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := queueClient(t, 1000)
			entered, release := make(chan struct{}), make(chan struct{})
			var got []string // written by the dispatcher only
			var inHandler atomic.Int32
			c.HandleMessage(func(m *xmpp.Message) {
				if inHandler.Add(1) != 1 {
					t.Error("two handlers run at once")
				}
				if m.ID == "0" {
					close(entered)
					<-release
				}
				got = append(got, m.ID)
				inHandler.Add(-1)
			})
			for i := range tc.n {
				c.enqueue(message(i))
			}
			<-entered
			if diff := cmp.Diff(queueState{Waiting: tc.n - 1, Ring: tc.wantRing, Dispatching: true}, c.queueState()); diff != "" {
				t.Errorf("queue behind the blocked handler (-want +got):\n%s", diff)
			}
			close(release)
			waitIdle(t, c)
			if diff := cmp.Diff(ids(tc.n), got); diff != "" {
				t.Errorf("handled (-want +got):\n%s", diff)
			}
		})
	}
}

// TestQueueRestarts feeds the queue in small bursts, so that dispatchers
// end and start again many times: the elements are still handled in order,
// one at a time.
func TestQueueRestarts(t *testing.T) {
	const n = 2000
	c := queueClient(t, 4)
	var got []string
	var inHandler atomic.Int32
	c.HandleMessage(func(m *xmpp.Message) {
		if inHandler.Add(1) != 1 {
			t.Error("two handlers run at once")
		}
		got = append(got, m.ID)
		inHandler.Add(-1)
	})
	for i := range n {
		c.enqueue(message(i))
		if i%7 == 0 {
			time.Sleep(10 * time.Microsecond)
		}
	}
	waitIdle(t, c)
	if diff := cmp.Diff(ids(n), got); diff != "" {
		t.Errorf("handled (-want +got):\n%s", diff)
	}
}

// TestQueueFull checks Options.QueueSize: with that many elements waiting,
// enqueue (the reader) waits until the handlers make room; when the session
// ends instead, it stops waiting and drops the element, and what was queued
// is still handled.
func TestQueueFull(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  bool // end the session instead of releasing the handler
		want []string
	}{
		{"room made", false, []string{"0", "1", "2", "3"}},
		{"session ended", true, []string{"0", "1", "2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := queueClient(t, 2)
			entered, release := make(chan struct{}), make(chan struct{})
			var got []string
			c.HandleMessage(func(m *xmpp.Message) {
				if m.ID == "0" {
					close(entered)
					<-release
				}
				got = append(got, m.ID)
			})
			c.enqueue(message(0))
			<-entered
			c.enqueue(message(1))
			c.enqueue(message(2))
			returned := make(chan struct{})
			go func() {
				c.enqueue(message(3))
				close(returned)
			}()
			select {
			case <-returned:
				t.Fatalf("enqueue returned with %d elements waiting, QueueSize 2", c.queueState().Waiting)
			case <-time.After(100 * time.Millisecond):
			}
			if tc.end {
				c.end(nil)
			} else {
				close(release)
			}
			select {
			case <-returned:
			case <-time.After(5 * time.Second):
				t.Fatal("enqueue still waiting")
			}
			if tc.end {
				close(release)
			}
			waitIdle(t, c)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("handled (-want +got):\n%s", diff)
			}
		})
	}
}
