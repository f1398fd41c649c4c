package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// target is the server under load.
type target struct {
	Domain string
	Addr   string         // client-to-server host:port (STARTTLS)
	CAs    *x509.CertPool // roots that sign the server's certificate
	// Register creates the accounts.
	Register func(ctx context.Context, users, passwords []string) error
	// RegisterMethod says how Register works, for the report.
	RegisterMethod string
	// ServerCPU returns the CPU time the server process has used so far;
	// nil when unknown.
	ServerCPU func() (time.Duration, error)
	// ServerName names the server in the report ("Prosody", "ejabberd").
	ServerName string
}

// cpuMeter measures the CPU time of this process and the server over a
// phase.
type cpuMeter struct {
	server      func() (time.Duration, error)
	client, srv time.Duration
	srvOK       bool
}

func startCPU(server func() (time.Duration, error)) *cpuMeter {
	m := &cpuMeter{server: server, client: selfCPU()}
	if server != nil {
		if d, err := server(); err == nil {
			m.srv, m.srvOK = d, true
		}
	}
	return m
}

// stop returns the phase's CPU use; the server's is -1 when unknown.
func (m *cpuMeter) stop() phaseCPU {
	p := phaseCPU{Client: selfCPU() - m.client, Server: -1}
	if m.srvOK {
		if d, err := m.server(); err == nil {
			p.Server = d - m.srv
		}
	}
	return p
}

// config is what one run does.
type config struct {
	N, M       int           // sessions, messages each session sends
	Parallel   int           // logins in flight at once
	Interval   time.Duration // pause between a session's messages
	Settle     time.Duration // idle time before the memory is measured
	CPUProfile io.Writer     // client-side CPU profile of logins and messages, or nil
	MemProfile io.Writer     // heap profile taken with the sessions idle, or nil
	Mellium    bool          // also measure mellium's heap per idle session
	Log        io.Writer     // progress lines
	Server     string        // "prosody" (default) or "ejabberd"
}

// user and password of session i.
func user(i int) string     { return fmt.Sprintf("load%05d", i) }
func password(i int) string { return "pw-" + user(i) }

// msgID is the id of message seq from session from; parseID reverses it.
func msgID(from, seq int) string { return "lt-" + strconv.Itoa(from) + "-" + strconv.Itoa(seq) }

func parseID(id string) (from, seq int, ok bool) {
	rest, ok := strings.CutPrefix(id, "lt-")
	if !ok {
		return 0, 0, false
	}
	a, b, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, 0, false
	}
	from, err1 := strconv.Atoi(a)
	seq, err2 := strconv.Atoi(b)
	return from, seq, err1 == nil && err2 == nil
}

// msgBody is the body of message seq from session from.
func msgBody(from, seq int) string {
	return "load test message " + strconv.Itoa(seq) + " from session " + strconv.Itoa(from)
}

// ledger is the bookkeeping of the message phase, allocated before the
// memory baseline so that it does not count as session memory.
type ledger struct {
	n, m     int
	start    time.Time      // of the message phase
	sent     []atomic.Int64 // per message: send time, ns since start (0: not sent)
	got      []atomic.Int32 // per message: times received
	latency  []atomic.Int64 // per message: send to first receipt, ns
	from     []atomic.Pointer[string]
	received atomic.Int64
	dups     atomic.Int64
	stray    atomic.Int64
	last     atomic.Int64 // ns since start of the last first receipt
	done     chan struct{}
	once     sync.Once
	strayLog atomic.Pointer[string]
}

func newLedger(n, m int) *ledger {
	return &ledger{
		n: n, m: m,
		sent:    make([]atomic.Int64, n*m),
		got:     make([]atomic.Int32, n*m),
		latency: make([]atomic.Int64, n*m),
		from:    make([]atomic.Pointer[string], n),
		done:    make(chan struct{}),
	}
}

// receive records message msg arriving at session to.
func (l *ledger) receive(to int, msg *xmpp.Message) {
	now := time.Since(l.start).Nanoseconds()
	from, seq, ok := parseID(msg.ID)
	wantFrom := (to - 1 + l.n) % l.n
	if !ok || from != wantFrom || seq < 0 || seq >= l.m || msg.Type != xmpp.MessageTypeChat ||
		len(msg.Body) != 1 || msg.Body[0].Value != msgBody(from, seq) || l.from[from].Load() == nil || msg.From.String() != *l.from[from].Load() {
		l.stray.Add(1)
		s := fmt.Sprintf("session %d got id %q type %q from %q", to, msg.ID, msg.Type, msg.From)
		l.strayLog.CompareAndSwap(nil, &s)
		return
	}
	i := from*l.m + seq
	if l.got[i].Add(1) != 1 {
		l.dups.Add(1)
		return
	}
	l.latency[i].Store(now - l.sent[i].Load())
	l.last.Store(now) // the last to arrive stores last, give or take a race of nanoseconds
	if l.received.Add(1) == int64(l.n*l.m) {
		l.once.Do(func() { close(l.done) })
	}
}

// memStats is runtime.MemStats after two collections, and the goroutines.
func memStats() (runtime.MemStats, int) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms, runtime.NumGoroutine()
}

// run registers the accounts, logs N sessions in, measures their idle
// memory, has each send M messages to the next session, and closes them.
// It returns the report, with an error when anything failed or a message
// was lost.
func run(ctx context.Context, cfg config, t target) (*report, error) {
	if cfg.N < 2 || cfg.M < 0 {
		return nil, errors.New("need at least 2 sessions and a non-negative message count")
	}
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, format+"\n", args...)
		}
	}
	rep := &report{Sessions: cfg.N, PerSession: cfg.M, RegisterMethod: t.RegisterMethod}

	// Accounts.
	t0 := time.Now()
	users, passwords := make([]string, cfg.N), make([]string, cfg.N)
	for i := range cfg.N {
		users[i], passwords[i] = user(i), password(i)
	}
	if err := t.Register(ctx, users, passwords); err != nil {
		return rep, fmt.Errorf("register: %w", err)
	}
	rep.Register = time.Since(t0)
	logf("registered %d accounts in %v", cfg.N, rep.Register)

	// Everything the run keeps per session or message exists before the
	// baseline, so that the difference is the clients'.
	led := newLedger(cfg.N, cfg.M)
	clients := make([]*client.Client, cfg.N)
	loginTimes := make([]time.Duration, cfg.N)
	base, gBase := memStats()

	defer closeAll(clients, logf)
	stopProfile := func() {}
	if cfg.CPUProfile != nil {
		if err := pprof.StartCPUProfile(cfg.CPUProfile); err != nil {
			return rep, err
		}
		var once sync.Once
		stopProfile = func() { once.Do(pprof.StopCPUProfile) }
		defer stopProfile()
	}

	// Logins: TLS, SASL, bind, roster, initial presence.
	meter := startCPU(t.ServerCPU)
	t0 = time.Now()
	err := forEach(ctx, cfg.N, max(cfg.Parallel, 1), func(i int) error {
		start := time.Now()
		j, err := jid.New(user(i), t.Domain, "load")
		if err != nil {
			return err
		}
		c, err := client.Dial(ctx, j, password(i), client.Options{Server: t.Addr, RootCAs: t.CAs, Resource: "load"})
		if err != nil {
			return fmt.Errorf("session %d: dial: %w", i, err)
		}
		clients[i] = c
		bound := c.JID().String()
		led.from[i].Store(&bound)
		c.HandleMessage(func(m *xmpp.Message) { led.receive(i, m) })
		if _, err := c.Roster(ctx); err != nil {
			return fmt.Errorf("session %d: roster: %w", i, err)
		}
		if err := c.SetPresence(ctx, client.Status{}); err != nil {
			return fmt.Errorf("session %d: presence: %w", i, err)
		}
		loginTimes[i] = time.Since(start)
		return nil
	})
	rep.Login = time.Since(t0)
	rep.LoginCPU = meter.stop()
	rep.LoginCPU.ServerName = t.ServerName
	if err != nil {
		return rep, fmt.Errorf("login: %w", err)
	}
	rep.LoginLatency = percentilesOf(loginTimes)
	logf("logged in %d sessions in %v", cfg.N, rep.Login)

	// Idle memory: the server's echo of each initial presence has arrived
	// and been handled by the time Settle has passed.
	if err := sleep(ctx, cfg.Settle); err != nil {
		return rep, err
	}
	idle, gIdle := memStats()
	rep.Memory = perSession(cfg.N, base.HeapAlloc, idle.HeapAlloc, base.StackInuse, idle.StackInuse, base.HeapObjects, idle.HeapObjects, gBase, gIdle)
	if cfg.MemProfile != nil {
		if err := pprof.Lookup("heap").WriteTo(cfg.MemProfile, 0); err != nil {
			return rep, err
		}
	}

	// Messages: session i sends M to session i+1.
	total := cfg.N * cfg.M
	meter = startCPU(t.ServerCPU)
	led.start = time.Now()
	if total == 0 {
		led.once.Do(func() { close(led.done) })
	}
	var sendErr atomic.Pointer[error]
	var wg sync.WaitGroup
	for i := range cfg.N {
		wg.Go(func() {
			c, to := clients[i], clients[(i+1)%cfg.N].JID().String()
			// Paced sessions start spread over one interval, so that the
			// load is smooth rather than N messages at once.
			if sleep(ctx, cfg.Interval*time.Duration(i)/time.Duration(cfg.N)) != nil {
				return
			}
			for seq := range cfg.M {
				k := i*cfg.M + seq
				led.sent[k].Store(max(time.Since(led.start).Nanoseconds(), 1))
				m := &xmpp.Message{To: jid.Raw(to), Type: xmpp.MessageTypeChat, ID: msgID(i, seq), Body: []xmpp.Body{{Value: msgBody(i, seq)}}}
				if err := c.Send(ctx, m); err != nil {
					err = fmt.Errorf("session %d: send: %w", i, err)
					sendErr.CompareAndSwap(nil, &err)
					return
				}
				if cfg.Interval > 0 && seq < cfg.M-1 && sleep(ctx, cfg.Interval) != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	rep.SendDone = time.Since(led.start)
	for i := range led.sent {
		if led.sent[i].Load() != 0 {
			rep.Sent++
		}
	}
	var waitErr error
	select {
	case <-led.done:
	case <-ctx.Done():
		waitErr = fmt.Errorf("waiting for messages: %w", ctx.Err())
	}
	rep.MessageCPU = meter.stop()
	rep.MessageCPU.ServerName = t.ServerName
	rep.Messages = time.Duration(led.last.Load())
	rep.Received, rep.Duplicates, rep.Stray = led.received.Load(), led.dups.Load(), led.stray.Load()
	lat := make([]time.Duration, 0, total)
	for i := range led.latency {
		if led.got[i].Load() > 0 {
			lat = append(lat, time.Duration(led.latency[i].Load()))
		}
	}
	rep.Latency = percentilesOf(lat)
	stopProfile()
	logf("messages done in %v", rep.Messages)

	var errs []error
	if p := sendErr.Load(); p != nil {
		errs = append(errs, *p)
	}
	if waitErr != nil {
		errs = append(errs, waitErr)
	}
	for i, c := range clients {
		select {
		case <-c.Done():
			errs = append(errs, fmt.Errorf("session %d ended during the run: %v", i, c.Err()))
		default:
		}
	}
	if rep.lost() != 0 || rep.Sent != int64(total) {
		errs = append(errs, fmt.Errorf("%d messages of %d sent, %d received: %d lost", rep.Sent, total, rep.Received, rep.lost()))
	}
	if rep.Duplicates != 0 || rep.Stray != 0 {
		first := ""
		if p := led.strayLog.Load(); p != nil {
			first = " (first stray: " + *p + ")"
		}
		errs = append(errs, fmt.Errorf("%d duplicates, %d stray messages%s", rep.Duplicates, rep.Stray, first))
	}
	return rep, errors.Join(errs...)
}

// forEach runs f(0..n-1) with at most par calls at once; it stops
// starting calls after the first error or when ctx ends, and returns the
// first error.
func forEach(ctx context.Context, n, par int, f func(i int) error) error {
	var (
		wg    sync.WaitGroup
		first atomic.Pointer[error]
		sem   = make(chan struct{}, par)
	)
	for i := range n {
		if err := ctx.Err(); err != nil {
			first.CompareAndSwap(nil, &err)
		}
		if first.Load() != nil {
			break
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			err := ctx.Err()
			first.CompareAndSwap(nil, &err)
		}
		if first.Load() != nil {
			break
		}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := f(i); err != nil {
				first.CompareAndSwap(nil, &err)
			}
		})
	}
	wg.Wait()
	if p := first.Load(); p != nil {
		return *p
	}
	return nil
}

// closeAll closes every session, a few at a time.
func closeAll(clients []*client.Client, logf func(string, ...any)) {
	t0 := time.Now()
	var n atomic.Int64
	forEach(context.Background(), len(clients), 64, func(i int) error {
		if c := clients[i]; c != nil {
			c.Close()
			n.Add(1)
		}
		return nil
	})
	if n.Load() > 0 {
		logf("closed sessions in %v", time.Since(t0))
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
