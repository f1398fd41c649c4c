package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/internal/cutproxy"
	"github.com/protoxmpp/protoxmpp/internal/servertest"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// smPeer is one side of the exchange: a client behind its own cutting
// proxy, what it received, what came back to it.
type smPeer struct {
	name  string
	c     *client.Client
	proxy *cutproxy.Proxy

	mu          sync.Mutex
	got         []int        // sequence numbers received from the other, in order
	bounced     map[int]bool // sequence numbers of its own that came back as errors
	undelivered map[int]bool // handed back by a new session
	events      map[client.SessionEventKind]int
	seen        map[int]bool // distinct sequence numbers in got[:nseen]
	nseen       int
	// resendUndelivered sends again what a new session hands back.
	resendUndelivered bool
	tmu               sync.Mutex
	trace             []string // the last 400 writes and reads
	log               []string // all of them, timed (up to 40,000): what a lost message went through
	wire              []int    // sequence numbers of the messages read from the server, in order (under tmu)
	wireBuf           []byte   // what was read of a message not yet whole
}

// readWire adds to p.wire the messages (not errors) with a body "m-<n>"
// that b, read from the server, completes: the order in which the server
// sent them, to tell its order from the client's.
func (p *smPeer) readWire(b []byte) {
	buf := append(p.wireBuf, b...)
	if i := bytes.LastIndex(buf, []byte("<stream:stream")); i >= 0 {
		buf = buf[i:] // a new connection: what the old one left is not a stanza
	}
	for {
		i := bytes.Index(buf, []byte("<message"))
		if i < 0 {
			buf = buf[max(0, len(buf)-len("<message")):]
			break
		}
		end := bytes.IndexByte(buf[i:], '>')
		if end < 0 {
			buf = buf[i:]
			break
		}
		tag := buf[i : i+end+1]
		if bytes.HasSuffix(tag, []byte("/>")) {
			buf = buf[i+end+1:]
			continue
		}
		close := bytes.Index(buf[i:], []byte("</message>"))
		if close < 0 {
			buf = buf[i:]
			break
		}
		body := buf[i : i+close]
		if !bytes.Contains(tag, []byte("type='error'")) && !bytes.Contains(tag, []byte(`type="error"`)) {
			if _, rest, ok := bytes.Cut(body, []byte("<body>m-")); ok {
				if num, _, ok := bytes.Cut(rest, []byte("</body>")); ok {
					if n, err := strconv.Atoi(string(num)); err == nil {
						p.wire = append(p.wire, n)
					}
				}
			}
		}
		buf = buf[i+close+len("</message>"):]
	}
	p.wireBuf = append(p.wireBuf[:0], buf...)
}

func seqOf(id, prefix string) (int, bool) {
	s, ok := strings.CutPrefix(id, prefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// smLogin connects user through a new cutting proxy with fast
// reconnection settings.
func smLogin(t *testing.T, s *servertest.Server, user string, resend bool) *smPeer {
	t.Helper()
	px, err := cutproxy.New(s.C2SAddr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { px.Close() })
	j := account(t, s, user)
	p := &smPeer{name: user, proxy: px, resendUndelivered: resend, bounced: map[int]bool{}, undelivered: map[int]bool{}, events: map[client.SessionEventKind]int{}}
	opts := client.Options{
		Server:      px.Addr(),
		AckEvery:    8,
		AckInterval: 200 * time.Millisecond,
		AckTimeout:  3 * time.Second,
		// A reconnection 150-300 ms after a cut, as over a real network:
		// ejabberd 23.01 hands a session over while its old connection's
		// process may still route what it had read (its "late queue"), so
		// a resumption soon after the cut can repeat or reorder stanzas on
		// the server side. On a loaded machine the delay is not always
		// enough (two CI runs of eight on 2026-12-07 saw 59 and 4 messages
		// out of order, every cut resumed): the test compares the order
		// the client handled messages in with the order it read them in
		// (readWire), and holds the client to that.
		Reconnect: client.Reconnect{MinDelay: 300 * time.Millisecond, MaxDelay: time.Second, AttemptTimeout: 5 * time.Second},
	}
	opts.Trace = func(in bool, b []byte) {
		p.tmu.Lock()
		dir := "C: "
		if in {
			dir = "S: "
		}
		p.trace = append(p.trace, dir+string(b))
		if in {
			p.readWire(b)
		}
		if len(p.log) < maxLog {
			p.log = append(p.log, time.Now().Format("15:04:05.000000 ")+dir+string(b))
		}
		if len(p.trace) > 400 {
			p.trace = p.trace[1:]
		}
		p.tmu.Unlock()
	}
	p.c = loginUnchecked(t, s, j, opts)
	p.c.HandleSession(func(ev client.SessionEvent) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.events[ev.Kind]++
		var again []*xmpp.Message
		for _, el := range ev.Undelivered {
			if m, ok := el.(*xmpp.Message); ok {
				if n, ok := seqOf(m.ID, user+"-"); ok {
					p.undelivered[n] = true
					again = append(again, m)
				}
			}
		}
		if p.resendUndelivered && len(again) > 0 {
			// What an application that prefers a duplicate to a loss
			// does with the stanzas handed back.
			go func() {
				for _, m := range again {
					p.c.Send(p.c.Context(), m)
				}
			}()
		}
	})
	p.c.HandleMessage(func(m *xmpp.Message) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if m.Type == xmpp.MessageTypeError {
			if n, ok := seqOf(m.ID, user+"-"); ok {
				p.bounced[n] = true
			}
			return
		}
		if len(m.Body) == 1 {
			if n, ok := seqOf(m.Body[0].Value, "m-"); ok {
				p.got = append(p.got, n)
			}
		}
	})
	if err := p.c.SetPresence(integrationCtx(t), client.Status{}); err != nil {
		t.Fatal(err)
	}
	return p
}

// send sends n messages to the other peer, numbered from 0, with the id
// "<name>-<n>" and the body "m-<n>", one every pace. With window > 0 it
// keeps at most window messages on their way, as a conversation does:
// Prosody keeps at most 500 stanzas unacknowledged for a disconnected
// client (smacks_max_queue_size) before the session can no longer be
// resumed.
func (p *smPeer) send(ctx context.Context, other *smPeer, n, window int, pace time.Duration) error {
	to := other.c.JID().Bare()
	for i := range n {
		for window > 0 && i-other.received() > window {
			select {
			case <-ctx.Done():
				return fmt.Errorf("%s: message %d: %w (the other side received %d)", p.name, i, ctx.Err(), other.received())
			case <-time.After(2 * time.Millisecond):
			}
		}
		m := &xmpp.Message{ID: p.name + "-" + strconv.Itoa(i), To: to, Type: xmpp.MessageTypeChat, Body: []xmpp.Body{{Value: "m-" + strconv.Itoa(i)}}}
		if err := p.c.Send(ctx, m); err != nil {
			return fmt.Errorf("%s: message %d: %w", p.name, i, err)
		}
		if pace > 0 {
			time.Sleep(pace)
		}
	}
	return nil
}

// around returns the lines of p.log within ctx lines of one holding s.
func (p *smPeer) around(s string, ctx int) string {
	p.tmu.Lock()
	defer p.tmu.Unlock()
	keep := make([]bool, len(p.log))
	for i, l := range p.log {
		if strings.Contains(l, s) {
			for j := max(0, i-ctx); j <= min(len(p.log)-1, i+ctx); j++ {
				keep[j] = true
			}
		}
	}
	var out []string
	for i, l := range p.log {
		if keep[i] {
			if len(out) > 0 && !keep[i-1] {
				out = append(out, "...")
			}
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// serverAcked returns the sequence numbers of p's messages that the server
// acknowledged, from p's traffic: the stanzas of each Stream Management
// session are counted from the <enable/> that starts it, and each <a h/>
// the server sends covers the first h of them. complete is false when the
// log was cut short.
func (p *smPeer) serverAcked() (acked map[int]bool, complete bool) {
	p.tmu.Lock()
	defer p.tmu.Unlock()
	acked = map[int]bool{}
	var session []int // the sequence number of each stanza of the session, -1 for others
	stanzas := regexp.MustCompile(`<(message|presence|iq)[ />]`)
	ours := regexp.MustCompile(`^<message [^>]*id='` + p.name + `-([0-9]+)'`)
	ack := regexp.MustCompile(`<a [^>]*h='([0-9]+)'`)
	for _, l := range p.log {
		dir, text := l[16:19], l[19:]
		if dir == "C: " {
			if strings.Contains(text, "<enable ") {
				session = session[:0]
			}
			for _, loc := range stanzas.FindAllStringIndex(text, -1) {
				seq := -1
				if m := ours.FindStringSubmatch(text[loc[0]:]); m != nil {
					seq, _ = strconv.Atoi(m[1])
				}
				session = append(session, seq)
			}
			continue
		}
		for _, m := range ack.FindAllStringSubmatch(text, -1) {
			h, _ := strconv.Atoi(m[1])
			for _, seq := range session[:min(h, len(session))] {
				if seq >= 0 {
					acked[seq] = true
				}
			}
		}
	}
	return acked, len(p.log) < maxLog
}

// maxLog bounds smPeer.log.
const maxLog = 40000

// sentAt returns the time of the first line of p.log holding s.
func (p *smPeer) sentAt(s string) time.Time {
	p.tmu.Lock()
	defer p.tmu.Unlock()
	for _, l := range p.log {
		if strings.Contains(l, s) {
			t, _ := time.Parse("15:04:05.000000", l[:15])
			return t
		}
	}
	return time.Time{}
}

// during returns the lines of p.log from before to after around t.
func (p *smPeer) during(t time.Time, before, after time.Duration) string {
	p.tmu.Lock()
	defer p.tmu.Unlock()
	var out []string
	for _, l := range p.log {
		if lt, err := time.Parse("15:04:05.000000", l[:15]); err == nil && !lt.Before(t.Add(-before)) && !lt.After(t.Add(after)) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// received returns the number of distinct messages received.
func (p *smPeer) received() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen == nil {
		p.seen = map[int]bool{}
	}
	for _, g := range p.got[p.nseen:] {
		p.seen[g] = true
	}
	p.nseen = len(p.got)
	return len(p.seen)
}

// smMessages is the number of messages each side sends.
func smMessages() int {
	if n, err := strconv.Atoi(os.Getenv("SM_MESSAGES")); err == nil && n > 0 {
		return n
	}
	return 10000
}

// TestStreamManagementCuts: two clients exchange messages in both
// directions while their connections are cut every few hundred
// milliseconds (seeded, over STARTTLS, cuts landing mid-stanza, between a
// stanza and its acknowledgement, during TLS and during resumption): every
// message arrives exactly once, in order.
func TestStreamManagementCuts(t *testing.T) {
	servertest.ForEach(t, func(t *testing.T, kind servertest.Kind) {
		s := servertest.Start(t, kind, servertest.Options{})
		a := smLogin(t, s, "alice", true)
		b := smLogin(t, s, "bob", true)
		for _, p := range []*smPeer{a, b} {
			if on, resumable := p.c.StreamManagement(); !on || !resumable {
				t.Fatalf("%s: stream management on=%v resumable=%v", p.name, on, resumable)
			}
		}
		n := smMessages()
		a.proxy.Random(cutproxy.RandomConfig{Seed: 11, MeanLife: 300 * time.Millisecond, MinLife: 100 * time.Millisecond, EarlyCut: 0.15, EarlyBytes: 4000})
		b.proxy.Random(cutproxy.RandomConfig{Seed: 12, MeanLife: 300 * time.Millisecond, MinLife: 100 * time.Millisecond, EarlyCut: 0.15, EarlyBytes: 4000})
		a.proxy.Cut()
		b.proxy.Cut()
		// About 20 s on an idle machine. Under load (the CI run of
		// 2026-12-06 20:31, where the generator's tests ran beside it),
		// Prosody could not resume far more sessions, each new one resent
		// what was unacknowledged, and bob had sent 7,936 of 10,000 messages
		// after two minutes: the bound is for a session that stops making
		// progress, not for a slow one.
		ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
		defer cancel()
		start := time.Now()
		errs := make(chan error, 2)
		go func() { errs <- a.send(ctx, b, n, 200, 0) }()
		go func() { errs <- b.send(ctx, a, n, 200, 0) }()
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		for (a.received() < n || b.received() < n) && ctx.Err() == nil {
			if a.c.Err() != nil || b.c.Err() != nil {
				for _, p := range []*smPeer{a, b} {
					p.tmu.Lock()
					t.Logf("%s trace:\n%s", p.name, strings.Join(p.trace, "\n"))
					p.tmu.Unlock()
				}
				t.Fatalf("session ended: alice: %v (%v); bob: %v (%v)", a.c.Err(), errors.Unwrap(a.c.Err()), b.c.Err(), errors.Unwrap(b.c.Err()))
			}
			time.Sleep(50 * time.Millisecond)
		}
		a.proxy.StopRandom()
		b.proxy.StopRandom()
		time.Sleep(500 * time.Millisecond) // a duplicate would come now
		elapsed := time.Since(start)
		a.mu.Lock()
		news := a.events[client.SessionNew]
		a.mu.Unlock()
		b.mu.Lock()
		news += b.events[client.SessionNew]
		b.mu.Unlock()
		for _, p := range []*smPeer{a, b} {
			p.mu.Lock()
			lost, dup, disorder := checkSeq(p.got, n)
			t.Logf("%s: %s received %d/%d (lost %d, duplicated %d, out of order %d) in %v; proxy cuts %d, connections %d; events %v",
				kind, p.name, len(p.got), n, lost, dup, disorder, elapsed.Round(time.Millisecond), p.proxy.Cuts(), p.proxy.Accepts(), p.events)
			if lost != 0 {
				t.Errorf("%s: lost %d; missing %s", p.name, lost, missingRanges(p.got, n))
			}
			p.tmu.Lock()
			wire := p.wire
			p.tmu.Unlock()
			asRead := subsequence(p.got, wire)
			if !asRead {
				t.Errorf("%s: handled %d messages in an order other than the server sent them in (%d read)", p.name, len(p.got), len(wire))
			}
			switch {
			case news == 0 && (dup != 0 || disorder != 0) && asRead && kind == servertest.Ejabberd:
				// The client handled them as the server sent them: the
				// server's late queue (see smLogin).
				t.Logf("%s: every cut resumed, and ejabberd sent %d duplicated and %d out of order, handled as they came", p.name, dup, disorder)
			case news == 0 && (dup != 0 || disorder != 0):
				t.Errorf("%s: every cut resumed, yet %d duplicated and %d out of order", p.name, dup, disorder)
			case news > 0:
				// The server ended a session instead of resuming it (see
				// the note in the test's doc): what it had not delivered
				// came back to the sender, which sent it again.
				t.Logf("%s: %d sessions could not be resumed; %d duplicates and %d out of order followed", p.name, news, dup, disorder)
			}
			if p.events[client.SessionResumed] == 0 {
				t.Errorf("%s: never resumed: the proxy did not cut", p.name)
			}
			p.mu.Unlock()
		}
	})
}

// subsequence reports whether got is wire with some of its elements left
// out, in the same order.
func subsequence(got, wire []int) bool {
	j := 0
	for _, g := range got {
		for j < len(wire) && wire[j] != g {
			j++
		}
		if j == len(wire) {
			return false
		}
		j++
	}
	return true
}

// missingRanges lists the sequence numbers of 0..n-1 not in got.
func missingRanges(got []int, n int) string {
	seen := make([]bool, n)
	for _, g := range got {
		if g >= 0 && g < n {
			seen[g] = true
		}
	}
	var out []string
	for i := 0; i < n; i++ {
		if seen[i] {
			continue
		}
		j := i
		for j+1 < n && !seen[j+1] {
			j++
		}
		out = append(out, fmt.Sprintf("%d-%d", i, j))
		i = j
		if len(out) > 10 {
			break
		}
	}
	return strings.Join(out, ",")
}

// checkSeq counts, in the sequence numbers received, those of 0..n-1
// missing, those received more than once, and those received after a
// later one.
func checkSeq(got []int, n int) (lost, dup, disorder int) {
	seen := make([]int, n)
	last := -1
	for _, g := range got {
		if g < 0 || g >= n {
			dup++
			continue
		}
		seen[g]++
		if seen[g] > 1 {
			dup++
		}
		if g < last {
			disorder++
		}
		last = max(last, g)
	}
	for _, c := range seen {
		if c == 0 {
			lost++
		}
	}
	return lost, dup, disorder
}

// TestStreamManagementNewSession: the same exchange with a server that
// keeps no session for resumption: every cut starts a new session, and the
// client loses no message silently: each is received, bounced back to its
// sender as an error, or handed back to it as undelivered, unless the
// server acknowledged it. A message the server acknowledged is the
// server's (XEP-0198 section 4), and a server may lose one: ejabberd 23.01
// apparently routes a message to the process of a session that is ending,
// which then neither delivers nor re-routes it (in about one run in four
// under load, each time one message acknowledged and routed within a few
// milliseconds of the recipient's cut, with nothing left in the offline
// store). Those are logged, and more than a few fail.
func TestStreamManagementNewSession(t *testing.T) {
	servertest.ForEach(t, func(t *testing.T, kind servertest.Kind) {
		s := servertest.Start(t, kind, servertest.Options{NoResumption: true})
		a := smLogin(t, s, "alice", false)
		b := smLogin(t, s, "bob", false)
		n := smMessages() / 5
		a.proxy.Random(cutproxy.RandomConfig{Seed: 21, MeanLife: 500 * time.Millisecond, MinLife: 200 * time.Millisecond, Outage: 1500 * time.Millisecond})
		b.proxy.Random(cutproxy.RandomConfig{Seed: 22, MeanLife: 500 * time.Millisecond, MinLife: 200 * time.Millisecond, Outage: 1500 * time.Millisecond})
		a.proxy.Cut()
		b.proxy.Cut()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		errs := make(chan error, 2)
		go func() { errs <- a.send(ctx, b, n, 0, 5*time.Millisecond) }()
		go func() { errs <- b.send(ctx, a, n, 0, 5*time.Millisecond) }()
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		a.proxy.StopRandom()
		b.proxy.StopRandom()
		// Let the last session settle: offline messages come with the
		// presence of the new session, and messages the server re-routes
		// from a session that ended come when it notices the end, which
		// on a busy machine (CI runs packages side by side) takes longer
		// than 20 s.
		deadline := time.Now().Add(45 * time.Second)
		accounted := func(from, to *smPeer) (silent []int) {
			to.mu.Lock()
			seen := map[int]bool{}
			for _, g := range to.got {
				seen[g] = true
			}
			to.mu.Unlock()
			from.mu.Lock()
			defer from.mu.Unlock()
			for i := range n {
				if !seen[i] && !from.bounced[i] && !from.undelivered[i] {
					silent = append(silent, i)
				}
			}
			return silent
		}
		for time.Now().Before(deadline) && (len(accounted(a, b)) > 0 || len(accounted(b, a)) > 0) {
			time.Sleep(100 * time.Millisecond)
		}
		for _, pr := range [][2]*smPeer{{a, b}, {b, a}} {
			from, to := pr[0], pr[1]
			silent := accounted(from, to)
			to.mu.Lock()
			_, dup, _ := checkSeq(to.got, n)
			recv := len(to.got)
			to.mu.Unlock()
			from.mu.Lock()
			t.Logf("%s: %s -> %s: %d sent, %d received (%d duplicates), %d bounced, %d handed back undelivered, %d silently lost; sender events %v, cuts %d",
				kind, from.name, to.name, n, recv, dup, len(from.bounced), len(from.undelivered), len(silent), from.events, from.proxy.Cuts())
			news := from.events[client.SessionNew]
			from.mu.Unlock()
			acked, complete := from.serverAcked()
			var byClient, byServer []int
			for _, k := range silent {
				if complete && acked[k] {
					byServer = append(byServer, k)
				} else {
					byClient = append(byClient, k)
				}
			}
			from.mu.Lock()
			var both []int
			for k := range from.undelivered {
				if acked[k] {
					both = append(both, k)
				}
			}
			from.mu.Unlock()
			t.Logf("%s -> %s: %d messages acknowledged by the server", from.name, to.name, len(acked))
			if len(both) > 0 {
				// Handed back, so that the application sends it again: a
				// duplicate, or a sign that the count above is wrong.
				t.Errorf("%s -> %s: handed back as undelivered, though the server acknowledged them: %v", from.name, to.name, both)
			}
			if len(byServer) > 0 {
				t.Logf("%s -> %s: %d messages the server acknowledged and then neither delivered nor bounced: %v", from.name, to.name, len(byServer), byServer)
			}
			if len(byClient) != 0 || len(byServer) > 3 {
				t.Errorf("%s -> %s: %d messages silently lost: %v (%v acknowledged by the server)", from.name, to.name, len(silent), silent, byServer)
				for _, k := range silent[:min(len(silent), 3)] {
					id := fmt.Sprintf("'%s-%d'", from.name, k)
					t.Logf("%s: its traffic around %s:\n%s", from.name, id, from.around(id, 12))
					t.Logf("%s: its traffic from 0.3 s before %s was sent to 2 s after:\n%s", to.name, id, to.during(from.sentAt(id), 300*time.Millisecond, 2*time.Second))
				}
				if e := s.Ejabberd(); e != nil {
					out, err := e.Command("get_offline_count", map[string]any{"user": to.name, "host": "localhost"})
					t.Logf("%s: messages in offline storage: %s %v", to.name, out, err)
				}
			}
			if news == 0 {
				t.Errorf("%s: no new session: the proxy did not cut", from.name)
			}
		}
	})
}

// TestStreamManagementGivesUp: when reconnecting fails for good, the
// session ends with a SessionEnded event that hands back the stanzas the
// server never acknowledged, one sent while the connection was down
// included.
func TestStreamManagementGivesUp(t *testing.T) {
	servertest.ForEach(t, func(t *testing.T, kind servertest.Kind) {
		s := servertest.Start(t, kind, servertest.Options{})
		px, err := cutproxy.New(s.C2SAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer px.Close()
		j := account(t, s, "alice")
		disconnected := make(chan struct{}, 1)
		ended := make(chan client.SessionEvent, 1)
		c := loginUnchecked(t, s, j, client.Options{Server: px.Addr(),
			Reconnect: client.Reconnect{MinDelay: 200 * time.Millisecond, MaxDelay: 300 * time.Millisecond, MaxAttempts: 3}})
		c.HandleSession(func(ev client.SessionEvent) {
			switch ev.Kind {
			case client.SessionDisconnected:
				disconnected <- struct{}{}
			case client.SessionEnded:
				ended <- ev
			}
		})
		px.Refuse(true)
		px.Cut()
		<-disconnected
		m := &xmpp.Message{ID: "while-down", To: j, Type: xmpp.MessageTypeChat, Body: []xmpp.Body{{Value: "kept"}}}
		if err := c.Send(integrationCtx(t), m); err != nil {
			t.Fatalf("Send while down: %v", err)
		}
		select {
		case ev := <-ended:
			if ev.Err == nil || len(ev.Undelivered) != 1 {
				t.Fatalf("SessionEnded: err %v, %d undelivered, want the message sent while down", ev.Err, len(ev.Undelivered))
			}
			if got, ok := ev.Undelivered[0].(*xmpp.Message); !ok || got.ID != "while-down" {
				t.Errorf("undelivered: %#v", ev.Undelivered[0])
			}
		case <-time.After(30 * time.Second):
			t.Fatal("no SessionEnded event")
		}
		<-c.Done()
		if c.Err() == nil {
			t.Error("Err() = nil after giving up")
		}
	})
}

// TestReadWire checks the reading of the server's order that
// TestStreamManagementCuts holds the client to: messages split across
// reads, an error, a message without a body and a message cut by a new
// connection.
func TestReadWire(t *testing.T) {
	var p smPeer
	for _, b := range []string{
		`<stream:stream from='x'><message type='chat' id='a-1'><bo`, `dy>m-1</body></message><message type='error' id='a-9'><body>m-9</body></message>`,
		`<message id='p'/><message type='chat'><body>m-2</body></message><message type='chat'><body>m-`,
		`<?xml version='1.0'?><stream:stream from='x'><message type='chat'><body>m-3</body></message>`,
	} {
		p.readWire([]byte(b))
	}
	if want := []int{1, 2, 3}; !slices.Equal(p.wire, want) {
		t.Errorf("read %v, want %v", p.wire, want)
	}
	if !subsequence([]int{1, 3}, p.wire) || subsequence([]int{3, 1}, p.wire) {
		t.Error("subsequence does not tell order")
	}
}
