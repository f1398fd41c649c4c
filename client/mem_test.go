package client_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"github.com/protoxmpp/protoxmpp/jid"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/bind"
	"github.com/protoxmpp/protoxmpp/stanza/roster"
	"github.com/protoxmpp/protoxmpp/stanza/sasl"
	"github.com/protoxmpp/protoxmpp/stanza/sm"
	"github.com/protoxmpp/protoxmpp/stanza/streams"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
	"github.com/protoxmpp/protoxmpp/stream"
)

// maxIdleHeap is the most heap an idle logged-in session may keep: the
// Client, its stream engine, buffers, caches and handlers, without TLS
// (the sessions of the test run in plaintext).
const maxIdleHeap = 16 << 10

// TestIdleSessionHeap logs sessions in over net.Pipe the way an
// application does (negotiation, roster fetch, a 64 KiB message sent,
// initial presence, whose echo is handled), lets them idle, and measures
// the heap they keep after garbage collection, as the load test does
// against Prosody. Then each session receives a burst of presence that
// waits in its dispatch queue behind a blocked handler, and once the
// handlers have caught up, the heap is measured again: the queue and the
// presence table must have given their memory back. The server side keeps
// nothing but its end of the pipe and a goroutine while a session is
// idle, and those are measured apart and subtracted, so the figures are
// the client's own.
func TestIdleSessionHeap(t *testing.T) { idleSessionHeap(t, false) }

// TestIdleSessionHeapSM is TestIdleSessionHeap with Stream Management on:
// the server offers it, acknowledges what the client sent, and the client
// keeps its session state for resumption.
func TestIdleSessionHeapSM(t *testing.T) { idleSessionHeap(t, true) }

// serveSM makes serveLogin offer Stream Management.
var serveSM bool

func idleSessionHeap(t *testing.T, withSM bool) {
	serveSM = withSM
	defer func() { serveSM = false }()
	const (
		n     = 200
		burst = 300 // presence stanzas, half available, half unavailable
	)
	if testing.Short() {
		t.Skip("logs 200 sessions in")
	}
	ctx := testCtx(t)
	self := testUser + "@" + testDomain + "/lean"
	var b []byte
	for i := range burst {
		p := &xmpp.Presence{From: jid.Raw(fmt.Sprintf("romeo@example.net/r%d", i%(burst/2))), To: jid.Raw(self)}
		if i >= burst/2 {
			p.Type = xmpp.PresenceTypeUnavailable
		}
		b = append(b, marshal(t, p)...)
	}
	big := strings.Repeat("x", 64<<10)
	servers := make([]chan struct{}, n)
	queued := make(chan struct{}, n)
	start := make(chan struct{})
	gate := make(chan struct{})
	var echoed, handled sync.WaitGroup
	echoed.Add(n)
	handled.Add(n * burst)
	clients := make([]*client.Client, n)
	// The control: n pipes, each with a goroutine waiting on its server
	// end, as below once the sessions are idle.
	ctl := idleHeap(n)

	base := heapAlloc()
	for i := range n {
		cconn, sconn := net.Pipe()
		servers[i] = make(chan struct{})
		go func() {
			defer close(servers[i])
			if serveLogin(sconn) {
				leanIdle(sconn, start, b, queued)
			}
			sconn.Close()
		}()
		c, err := client.NewClient(ctx, cconn, testJID, testPassword, client.Options{InsecurePlaintext: true})
		if err != nil {
			t.Fatalf("session %d: NewClient: %v", i, err)
		}
		clients[i] = c
		c.HandlePresence(func(p *xmpp.Presence) {
			if p.From.String() == self {
				echoed.Done()
				return
			}
			<-gate
			handled.Done()
		})
		c.HandleMessage(func(*xmpp.Message) {})
		if _, err := c.Roster(ctx); err != nil {
			t.Fatalf("session %d: Roster: %v", i, err)
		}
		if err := c.SendMessage(ctx, romeo, xmpp.MessageTypeChat, big); err != nil {
			t.Fatalf("session %d: SendMessage: %v", i, err)
		}
		if err := c.SetPresence(ctx, client.Status{}); err != nil {
			t.Fatalf("session %d: SetPresence: %v", i, err)
		}
	}
	echoed.Wait()
	for i, c := range clients {
		if got := c.Presences(c.JID()); len(got) != 1 {
			t.Fatalf("session %d: Presences(self) = %d entries, want the echo of the initial presence", i, len(got))
		}
	}
	loggedIn := perSession(base, heapAlloc(), ctl, n)

	close(start)
	for range n {
		<-queued // the reader has queued the whole burst
	}
	close(gate)
	handled.Wait()
	for i, c := range clients {
		if got := c.Presences(romeo); got != nil {
			t.Fatalf("session %d: Presences(romeo) = %v after every resource went unavailable", i, got)
		}
	}
	afterBurst := perSession(base, heapAlloc(), ctl, n)
	for i, c := range clients {
		if on, _ := c.StreamManagement(); on != withSM {
			t.Fatalf("session %d: stream management on = %v, want %v", i, on, withSM)
		}
	}
	t.Logf("stream management %v: heap per idle session: %.0f B (%.1f KiB) after login, %.0f B (%.1f KiB) after a burst of %d stanzas; net.Pipe and server side (%.0f B each) excluded",
		withSM, loggedIn, loggedIn/1024, afterBurst, afterBurst/1024, burst, float64(ctl)/n)
	if loggedIn > maxIdleHeap || afterBurst > maxIdleHeap {
		t.Errorf("heap per idle session = %.0f B after login, %.0f B after a burst, want at most %d", loggedIn, afterBurst, maxIdleHeap)
	}
	// The stream's framer drops a buffer over 4 KiB once it has returned
	// every frame (stanza.Framer), so only a small one may stay; the queue, which held about 300 elements (a 16 KiB
	// ring), and the presence table, which held 150 resources, must have
	// given back what they took.
	if afterBurst > loggedIn+4<<10 {
		t.Errorf("heap per idle session grew from %.0f B to %.0f B with a burst the handlers have caught up with", loggedIn, afterBurst)
	}

	for i, c := range clients {
		if err := c.Close(); err != nil {
			t.Errorf("session %d: Close: %v", i, err)
		}
		<-servers[i]
	}
}

// perSession is the heap each of n sessions keeps: idle minus base minus
// the control's.
func perSession(base, idle, ctl uint64, n int) float64 {
	return (float64(idle) - float64(base) - float64(ctl)) / float64(n)
}

// heapAlloc returns the live heap after garbage collection.
func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// idleHeap measures the heap that n idle pipes keep with a goroutine
// waiting on one end in leanIdle: what TestIdleSessionHeap has beside the
// clients. It closes them before it returns.
func idleHeap(n int) uint64 {
	ends := make([]net.Conn, n)
	done := make([]chan struct{}, n)
	wait := make(chan struct{})
	base := heapAlloc()
	for i := range n {
		c, s := net.Pipe()
		ends[i] = c
		done[i] = make(chan struct{})
		go func() {
			defer close(done[i])
			leanIdle(s, wait, nil, nil)
			s.Close()
		}()
	}
	used := heapAlloc() - base
	close(wait)
	for i, c := range ends {
		c.Close()
		<-done[i]
	}
	return used
}

// leanIdle is the server side of an idle session: it waits for start,
// writes b to the client and a whitespace keepalive, whose write returns
// once the client has read and handled b, tells queued, and waits for
// anything from the client (its closing tag) or the end of conn.
func leanIdle(conn net.Conn, start <-chan struct{}, b []byte, queued chan<- struct{}) {
	<-start
	if len(b) > 0 {
		if _, err := conn.Write(b); err != nil {
			return
		}
		if _, err := conn.Write([]byte(" ")); err != nil {
			return
		}
	}
	if queued != nil {
		queued <- struct{}{}
	}
	// The client's closing tag, after the acknowledgement it owes when
	// Stream Management is on.
	var got []byte
	var buf [64]byte
	for !bytes.HasSuffix(got, []byte("</stream:stream>")) {
		n, err := conn.Read(buf[:])
		got = append(got, buf[:n]...)
		if err != nil {
			return
		}
	}
}

// serveLogin runs the server side of a login; it returns true once the
// initial presence has been echoed.
func serveLogin(conn net.Conn) bool {
	_, ok := serveLoginStream(conn)
	return ok
}

// serveLoginStream is serveLogin, returning the server's stream too.
func serveLoginStream(conn net.Conn) (*stream.Stream, bool) {
	const domain = testDomain
	cfg := (stream.Config{
		Role: stream.Receiving,
		Verify: func(mech string) stream.Verifier {
			if mech != "PLAIN" {
				return nil
			}
			return stream.PlainVerifier(func(_, user, pass string) error {
				if user != testUser || pass != testPassword {
					return stream.SASLNotAuthorized
				}
				return nil
			})
		},
		Bind: func(res *string) (string, error) { return testUser + "@" + domain + "/lean", nil },
	})
	if serveSM {
		cfg.SM = &stream.SMConfig{Resume: true, Max: 300}
	}
	s := stream.New(cfg)
	buf := make([]byte, 4096)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return nil, false
		}
		s.Feed(buf[:n])
		echoed := false
		for ev := s.Next(); ev.Kind != stream.EventNone; ev = s.Next() {
			switch ev.Kind {
			case stream.EventOpen:
				s.Open(stream.Header{From: domain})
				f := []stanza.Element{&sasl.Mechanisms{Mechanism: []string{"PLAIN"}}}
				if s.Authenticated() {
					f = []stanza.Element{&bind.Bind{}}
					if serveSM {
						f = append(f, &sm.SM{})
					}
				}
				s.SendFeatures(&streams.Features{Any: f})
			case stream.EventNegotiated:
				if ev.Step == stream.StepSASL {
					s.Restart()
				}
			case stream.EventElement:
				switch x := ev.Element.(type) {
				case *xmpp.IQ:
					if len(x.Any) == 1 && x.Type == xmpp.IQTypeGet && x.Any[0].ElementName() == (stanza.Name{Space: roster.NS, Local: "query"}) {
						s.Send(&xmpp.IQ{Type: xmpp.IQTypeResult, ID: x.ID, To: jid.Raw(testUser + "@" + domain + "/lean"), Any: []stanza.Element{&roster.Query{}}})
					}
				case *xmpp.Presence:
					full := testUser + "@" + domain + "/lean"
					x.From, x.To = jid.Raw(full), jid.Raw(full)
					s.Send(x)
					if serveSM {
						s.SendAck() // as servers do, unasked, now and then
					}
					echoed = true
				}
			case stream.EventClose, stream.EventError, stream.EventStreamError:
				conn.Write(s.Output())
				return nil, false
			}
		}
		if out := bytes.Clone(s.Output()); len(out) > 0 {
			if _, err := conn.Write(out); err != nil {
				return nil, false
			}
		}
		if echoed {
			return s, true
		}
	}
}

// BenchmarkReceive measures the client's reading and dispatch of messages
// (a short chat message, and one with a 16 KiB body) that a server sends
// back to back in 64 KiB writes, over net.Pipe, loopback TCP, and TLS on
// loopback TCP.
func BenchmarkReceive(b *testing.B) {
	for _, transport := range []string{"pipe", "tcp", "tls"} {
		for _, bc := range []struct {
			name string
			body int
		}{{"chat", 40}, {"16KiB", 16 << 10}} {
			b.Run(transport+"/"+bc.name, func(b *testing.B) {
				benchReceive(b, transport, bc.body)
			})
		}
	}
}

func benchReceive(b *testing.B, transport string, body int) {
	msg, err := stanza.Marshal(&xmpp.Message{
		From: jid.Raw("romeo@example.net/orchard"), To: jid.Raw(testUser + "@" + testDomain + "/lean"), Type: xmpp.MessageTypeChat,
		ID: "a5b9c7", Body: []xmpp.Body{{Value: strings.Repeat("x", body)}},
	})
	if err != nil {
		b.Fatal(err)
	}
	var cconn, sconn net.Conn
	opts := client.Options{InsecurePlaintext: true}
	if transport != "pipe" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		if cconn, err = net.Dial("tcp", ln.Addr().String()); err != nil {
			b.Fatal(err)
		}
		raw, err := ln.Accept()
		if err != nil {
			b.Fatal(err)
		}
		sconn = raw
		if transport == "tls" {
			pool, cert := testCA()
			sconn = tls.Server(raw, &tls.Config{Certificates: []tls.Certificate{*cert}})
			opts = client.Options{DirectTLS: true, RootCAs: pool}
		}
	} else {
		cconn, sconn = net.Pipe()
	}
	logged := make(chan bool, 1)
	go func() { logged <- serveLogin(sconn) }()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := client.NewClient(ctx, cconn, testJID, testPassword, opts)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	done := make(chan struct{})
	count := 0
	c.HandleMessage(func(*xmpp.Message) {
		if count++; count == b.N {
			close(done)
		}
	})
	if err := c.SetPresence(ctx, client.Status{}); err != nil {
		b.Fatal(err)
	}
	if !<-logged {
		b.Fatal("login failed")
	}
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	b.ResetTimer()
	go func() {
		chunk := bytes.Repeat(msg, max(1, (64<<10)/len(msg)))
		for left := b.N; left > 0; {
			k := min(left, len(chunk)/len(msg))
			if _, err := sconn.Write(chunk[:k*len(msg)]); err != nil {
				return
			}
			left -= k
		}
		var one [16]byte
		sconn.Read(one[:])
		sconn.Close()
	}()
	select {
	case <-done:
	case <-c.Done():
		b.Fatalf("session ended: %v", c.Err())
	}
	b.StopTimer()
}

// BenchmarkSendSM measures messages sent per second over one session, with
// Stream Management off and on (every message kept until acknowledged, an
// ack requested every AckEvery messages), to a server that reads them and
// answers the requests, over net.Pipe.
func BenchmarkSendSM(b *testing.B) {
	for _, withSM := range []bool{false, true} {
		b.Run(fmt.Sprintf("sm=%v", withSM), func(b *testing.B) {
			serveSM = withSM
			defer func() { serveSM = false }()
			cconn, sconn := net.Pipe()
			done := make(chan struct{})
			go func() {
				defer close(done)
				s, ok := serveLoginStream(sconn)
				if !ok {
					return
				}
				buf := make([]byte, 32<<10)
				for {
					n, err := sconn.Read(buf)
					if err != nil {
						return
					}
					s.Feed(buf[:n])
					for ev := s.Next(); ev.Kind != stream.EventNone; ev = s.Next() {
						if ev.Kind == stream.EventClose {
							sconn.Write(s.Output())
							sconn.Close()
							return
						}
					}
					if out := s.Output(); len(out) > 0 {
						if _, err := sconn.Write(bytes.Clone(out)); err != nil {
							return
						}
					}
				}
			}()
			ctx := context.Background()
			c, err := client.NewClient(ctx, cconn, testJID, testPassword, client.Options{InsecurePlaintext: true})
			if err != nil {
				b.Fatal(err)
			}
			if err := c.SetPresence(ctx, client.Status{}); err != nil {
				b.Fatal(err)
			}
			if on, _ := c.StreamManagement(); on != withSM {
				b.Fatalf("stream management on = %v", on)
			}
			m := &xmpp.Message{To: romeo, Type: xmpp.MessageTypeChat, Body: []xmpp.Body{{Value: "Art thou not Romeo, and a Montague?"}}}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := c.Send(ctx, m); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			c.Close()
			<-done
		})
	}
}

// TestAckByTime: a trickle of stanzas, each sent before AckInterval has
// passed since the last, still gets an acknowledgement request
// AckInterval after the first unacknowledged one, not only after AckEvery
// of them.
func TestAckByTime(t *testing.T) {
	serveSM = true
	defer func() { serveSM = false }()
	cconn, sconn := net.Pipe()
	go func() {
		s, ok := serveLoginStream(sconn)
		if !ok {
			return
		}
		buf := make([]byte, 4096)
		for {
			n, err := sconn.Read(buf)
			if err != nil {
				return
			}
			s.Feed(buf[:n])
			for ev := s.Next(); ev.Kind != stream.EventNone; ev = s.Next() {
			}
			if out := s.Output(); len(out) > 0 {
				if _, err := sconn.Write(bytes.Clone(out)); err != nil {
					return
				}
			}
		}
	}()
	var mu sync.Mutex
	var firstR time.Time
	opts := client.Options{InsecurePlaintext: true, AckEvery: 1000, AckInterval: 100 * time.Millisecond,
		Trace: func(in bool, p []byte) {
			if !in && bytes.Contains(p, []byte("<r xmlns='urn:xmpp:sm:3'/>")) {
				mu.Lock()
				if firstR.IsZero() {
					firstR = time.Now()
				}
				mu.Unlock()
			}
		}}
	ctx := testCtx(t)
	c, err := client.NewClient(ctx, cconn, testJID, testPassword, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	for range 30 {
		if err := c.SendMessage(ctx, romeo, xmpp.MessageTypeChat, "trickle"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if firstR.IsZero() {
		t.Fatal("no acknowledgement requested during 900 ms of stanzas 30 ms apart, with AckInterval 100 ms")
	}
	if d := firstR.Sub(start); d > 400*time.Millisecond {
		t.Errorf("first acknowledgement request %v after the first stanza, want about AckInterval (100 ms)", d)
	}
}

// TestKeptStanzasIsolated logs a session in over net.Pipe, has the server
// send a burst of messages, and keeps one message in a hundred from the
// handler: the heap those kept messages hold (measured as the heap with
// them less the heap once they are dropped) is about their own size with
// Options.IsolateStanzas. By default they also hold the bytes read around
// them, which the test reports.
func TestKeptStanzasIsolated(t *testing.T) {
	const n, every = 3000, 100
	self := testUser + "@" + testDomain + "/lean"
	var b []byte
	for i := range n {
		b = append(b, marshal(t, &xmpp.Message{From: jid.Raw(fmt.Sprintf("romeo@example.net/r%d", i%7)), To: jid.Raw(self), ID: fmt.Sprintf("m%d", i), Type: xmpp.MessageTypeChat, Body: []xmpp.Body{{Value: fmt.Sprintf("message %d of the burst", i)}}})...)
	}
	held := func(isolate bool) float64 {
		ctx := testCtx(t)
		cconn, sconn := net.Pipe()
		start := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			if serveLogin(sconn) {
				leanIdle(sconn, start, b, nil)
			}
			sconn.Close()
		}()
		c, err := client.NewClient(ctx, cconn, testJID, testPassword, client.Options{InsecurePlaintext: true, IsolateStanzas: isolate})
		if err != nil {
			t.Fatalf("NewClient: %v", err)
		}
		var kept []*xmpp.Message
		var got sync.WaitGroup
		got.Add(n)
		seen := 0
		c.HandleMessage(func(m *xmpp.Message) {
			if seen%every == 0 {
				kept = append(kept, m)
			}
			seen++
			got.Done()
		})
		if err := c.SetPresence(ctx, client.Status{}); err != nil {
			t.Fatalf("SetPresence: %v", err)
		}
		close(start)
		got.Wait()
		with := heapAlloc()
		for i, m := range kept {
			if want := fmt.Sprintf("message %d of the burst", i*every); len(m.Body) != 1 || m.Body[0].Value != want {
				t.Fatalf("kept message %d: %v, want body %q", i, m.Body, want)
			}
		}
		kept = nil
		without := heapAlloc()
		c.Close()
		<-done
		return (float64(with) - float64(without)) / float64(n/every)
	}
	shared, isolated := held(false), held(true)
	t.Logf("heap held per kept message: %.0f B by default, %.0f B with IsolateStanzas", shared, isolated)
	if isolated > 2048 {
		t.Errorf("a kept message holds %.0f B with IsolateStanzas, want at most 2 KiB: it keeps more than itself", isolated)
	}
}
