package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/internal/cutproxy"
	"github.com/protoxmpp/protoxmpp/internal/servertest"
	"github.com/protoxmpp/protoxmpp/internal/xmltest"
	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// syncBuffer is a bytes.Buffer safe for a command writing in one goroutine
// while the test reads in another.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// account is a registered user of the test server.
type account struct {
	srv        *servertest.Server
	user, pass string
}

func (a account) jid() string { return a.user + "@" + a.srv.Domain }

// args returns the global flags to log in as a over STARTTLS, trusting the
// test CA, followed by the command.
func (a account) args(cmd ...string) []string {
	return append([]string{"-jid", a.jid(), "-server", a.srv.C2SAddr, "-ca", a.srv.CAFile, "-timeout", "20s"}, cmd...)
}

func (a account) env() map[string]string { return map[string]string{"XMPP_PASSWORD": a.pass} }

// run runs a command as a.
func (a account) run(t *testing.T, cmd ...string) result {
	t.Helper()
	return runXMPPEnv(t, nil, a.env(), a.args(cmd...)...)
}

// listener is a "listen" command running in the background.
type listener struct {
	cancel context.CancelFunc
	out    syncBuffer
	errb   syncBuffer
	done   chan int
}

// listen starts "listen" as a with the flags given and waits until it is
// online: the server has reflected its initial presence back to it.
func (a account) listen(t *testing.T, flags ...string) *listener {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	l := &listener{cancel: cancel, done: make(chan int, 1)}
	args := a.args(append([]string{"listen"}, flags...)...)
	env := a.env()
	go func() {
		l.done <- run(ctx, args, strings.NewReader(""), &l.out, &l.errb, func(k string) string { return env[k] })
	}()
	t.Cleanup(func() { l.stop(t) })
	own := "from='" + a.jid() + "/"
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(l.out.String(), own) {
		select {
		case code := <-l.done:
			l.done <- code
			t.Fatalf("listen exited with %d before going online: %s", code, l.errb.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("listen did not print its own presence within 20s; stdout:\n%s\nstderr:\n%s", l.out.String(), l.errb.String())
		}
	}
	return l
}

// stop interrupts the listener and checks it exits with 0.
func (l *listener) stop(t *testing.T) {
	t.Helper()
	l.cancel()
	select {
	case code := <-l.done:
		if code != 0 || l.errb.String() != "" {
			t.Errorf("listen exited with %d, stderr %q", code, l.errb.String())
		}
		l.done <- code
	case <-time.After(30 * time.Second):
		t.Errorf("listen did not stop within 30s of being interrupted")
	}
}

func TestIntegration(t *testing.T) {
	servertest.ForEach(t, testIntegration)
}

func testIntegration(t *testing.T, kind servertest.Kind) {
	srv := servertest.Start(t, kind, servertest.Options{})
	alice := account{srv, "alice", "alice-secret-1"}
	bob := account{srv, "bob", "bob-secret-2"}
	srv.Register(t, alice.user, alice.pass)
	srv.Register(t, bob.user, bob.pass)
	carol := "carol@" + srv.Domain
	dave := "dave@" + srv.Domain

	t.Run("roster add, list, remove", func(t *testing.T) {
		res := alice.run(t, "roster", "add", carol, "-name", "Carol C", "-group", "Work", "-group", "Friends")
		if res.code != 0 || res.stdout != "" {
			t.Fatalf("roster add: %+v", res)
		}
		// Flags before the JID work too.
		res = alice.run(t, "roster", "add", "-group", "x\ty", dave)
		if res.code != 0 {
			t.Fatalf("roster add dave: %+v", res)
		}
		res = alice.run(t, "roster")
		if res.code != 0 {
			t.Fatalf("roster: %+v", res)
		}
		want := []string{
			carol + "\tnone\t-\tCarol C\tFriends,Work",
			dave + "\tnone\t-\t-\tx y",
		}
		if diff := cmp.Diff(want, lines(res.stdout)); diff != "" {
			t.Errorf("roster (-want +got):\n%s", diff)
		}

		for _, j := range []string{carol, dave} {
			if res := alice.run(t, "roster", "remove", j); res.code != 0 || res.stdout != "" {
				t.Fatalf("roster remove %s: %+v", j, res)
			}
		}
		if res := alice.run(t, "roster"); res.code != 0 || res.stdout != "" {
			t.Errorf("roster after remove: %+v", res)
		}
		res = alice.run(t, "roster", "remove", carol)
		switch kind {
		case servertest.Ejabberd:
			// ejabberd 23.01 answers with success (RFC 6121 section
			// 2.5.3 wants item-not-found).
			if res.code != 0 || res.stderr != "" {
				t.Errorf("removing a missing item on ejabberd: %+v", res)
			}
		default:
			if res.code != 1 || !strings.Contains(res.stderr, "item-not-found") || !strings.HasPrefix(res.stderr, "xmpp: ") {
				t.Errorf("removing a missing item: %+v", res)
			}
		}
	})

	t.Run("subscribe with a peer approving", func(t *testing.T) {
		l := bob.listen(t, "-approve")
		res := alice.run(t, "subscribe", bob.jid(), "-wait", "20s")
		if res.code != 0 || res.stdout != "subscribed\n" {
			t.Fatalf("subscribe: %+v", res)
		}
		// The peer saw the request, approved it and asked back: alice's
		// roster now has bob with a subscription to his presence.
		if !waitFor(func() bool { return strings.Contains(l.out.String(), "type='subscribe'") }) {
			t.Errorf("listen did not print the subscription request:\n%s", l.out.String())
		}
		res = alice.run(t, "roster")
		if res.code != 0 || !strings.HasPrefix(res.stdout, bob.jid()+"\tto\t") {
			t.Errorf("roster after subscribing: %+v", res)
		}
		l.stop(t)
		for _, line := range lines(l.out.String()) {
			if _, err := xmltest.Canonical([]byte(line), nil); err != nil || !strings.HasPrefix(line, "<") {
				t.Errorf("listen printed a line that is not one standalone element (%v): %q", err, line)
			}
		}
	})

	t.Run("subscribe without an answer", func(t *testing.T) {
		// Prosody does not answer for an account that does not exist.
		res := alice.run(t, "subscribe", carol, "-wait", "1s")
		want := result{stderr: "xmpp: subscribe: no answer from " + carol + " within 1s\n", code: 1}
		if res != want {
			t.Errorf("subscribe to an account nobody uses: %+v, want %+v", res, want)
		}
	})

	t.Run("subscribe refused", func(t *testing.T) {
		// A peer written with package client that denies every request.
		nurse := account{srv, "nurse", "nurse-secret-3"}
		srv.Register(t, nurse.user, nurse.pass)
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		c, err := client.Dial(ctx, jid.MustParse(nurse.jid()), nurse.pass, client.Options{Server: srv.C2SAddr, RootCAs: srv.CAPool})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.HandlePresence(func(p *xmpp.Presence) {
			if p.Type == xmpp.PresenceTypeSubscribe {
				c.DenySubscription(ctx, jid.MustParse(p.From.String()))
			}
		})
		if _, err := c.Roster(ctx); err != nil {
			t.Fatal(err)
		}
		if err := c.SetPresence(ctx, client.Status{}); err != nil {
			t.Fatal(err)
		}
		res := alice.run(t, "subscribe", nurse.jid(), "-wait", "20s")
		want := result{stdout: "unsubscribed\n", stderr: "xmpp: subscribe: " + nurse.jid() + " refused the subscription\n", code: 1}
		if res != want {
			t.Errorf("got %+v, want %+v", res, want)
		}
	})

	t.Run("send to an account that does not exist", func(t *testing.T) {
		res := alice.run(t, "send", carol, "anyone?", "-wait", "20s")
		if res.code != 1 || res.stdout != "" || !strings.Contains(res.stderr, "service-unavailable") {
			t.Errorf("got %+v, want a service-unavailable error", res)
		}
	})

	t.Run("send and wait for the echo", func(t *testing.T) {
		l := bob.listen(t, "-echo")
		// Every element is printed, IQ responses included: the answer to
		// the roster fetch came before the reflected presence.
		if !slices.ContainsFunc(lines(l.out.String()), func(line string) bool {
			return strings.HasPrefix(line, "<iq ") && strings.Contains(line, "type='result'") && strings.Contains(line, "<query xmlns='jabber:iq:roster'")
		}) {
			t.Errorf("listen did not print the roster result:\n%s", l.out.String())
		}
		res := alice.run(t, "send", bob.jid(), "hi", "-wait", "20s")
		if res.code != 0 || res.stdout != "echo: hi\n" || res.stderr != "" {
			t.Fatalf("send -wait: %+v", res)
		}
		if !waitFor(func() bool { return strings.Contains(l.out.String(), "<body>hi</body>") }) {
			t.Errorf("listen did not print the message:\n%s", l.out.String())
		}

		// Without -wait: send and log out; the message still arrives.
		if res := alice.run(t, "send", bob.jid(), "--", "-not a flag"); res != (result{}) {
			t.Errorf("send: %+v", res)
		}
		if !waitFor(func() bool { return strings.Contains(l.out.String(), "<body>-not a flag</body>") }) {
			t.Errorf("listen did not print the message sent without -wait:\n%s", l.out.String())
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		wrong := account{srv, alice.user, "not-the-password"}
		res := wrong.run(t, "roster")
		if res.code != 1 || !strings.Contains(res.stderr, "not-authorized") || !strings.HasPrefix(res.stderr, "xmpp: ") {
			t.Errorf("wrong password: %+v", res)
		}
		if strings.Contains(res.stdout+res.stderr, wrong.pass) {
			t.Errorf("the password was printed: %+v", res)
		}
	})

	t.Run("password flag", func(t *testing.T) {
		args := append([]string{"-password", alice.pass}, alice.args("roster")...)
		if res := runXMPPEnv(t, nil, nil, args...); res.code != 0 {
			t.Errorf("-password: %+v", res)
		}
	})

	t.Run("direct TLS", func(t *testing.T) {
		args := []string{"-jid", alice.jid(), "-server", srv.DirectTLSAddr, "-direct-tls", "-ca", srv.CAFile, "-timeout", "20s", "roster"}
		if res := runXMPPEnv(t, nil, alice.env(), args...); res.code != 0 {
			t.Errorf("-direct-tls: %+v", res)
		}
	})

	t.Run("certificate verification", func(t *testing.T) {
		// Without -ca the test CA is unknown: the connection fails.
		args := []string{"-jid", alice.jid(), "-server", srv.C2SAddr, "-timeout", "20s", "roster"}
		res := runXMPPEnv(t, nil, alice.env(), args...)
		if res.code != 1 || !strings.Contains(res.stderr, "certificate") {
			t.Errorf("without -ca: %+v", res)
		}
		args = []string{"-jid", alice.jid(), "-server", srv.C2SAddr, "-insecure-skip-verify", "-timeout", "20s", "roster"}
		if res := runXMPPEnv(t, nil, alice.env(), args...); res.code != 0 {
			t.Errorf("-insecure-skip-verify: %+v", res)
		}
	})
}

// waitFor polls cond for up to 10 seconds.
func waitFor(cond func() bool) bool {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// TestListenSurvivesCuts: "listen" behind a proxy that cuts its
// connection every second or two, while another client sends it 300
// messages: each is printed exactly once, and the reconnections are
// reported on stderr.
func TestListenSurvivesCuts(t *testing.T) {
	servertest.ForEach(t, func(t *testing.T, kind servertest.Kind) {
		srv := servertest.Start(t, kind, servertest.Options{})
		alice := account{srv, "alice", "alice-secret-1"}
		bob := account{srv, "bob", "bob-secret-2"}
		srv.Register(t, alice.user, alice.pass)
		srv.Register(t, bob.user, bob.pass)
		px, err := cutproxy.New(srv.C2SAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer px.Close()
		behind := account{&servertest.Server{Kind: srv.Kind, Domain: srv.Domain, C2SAddr: px.Addr(), CAFile: srv.CAFile}, alice.user, alice.pass}
		l := behind.listen(t)
		px.Random(cutproxy.RandomConfig{Seed: 7, MeanLife: time.Second, MinLife: 500 * time.Millisecond})
		px.Cut()

		ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
		defer cancel()
		c, err := client.Dial(ctx, jid.MustParse(bob.jid()), bob.pass, client.Options{Server: srv.C2SAddr, RootCAs: srv.CAPool})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		const n = 300
		for i := range n {
			if err := c.SendMessage(ctx, jid.MustParse(alice.jid()), xmpp.MessageTypeChat, fmt.Sprintf("n-%d", i)); err != nil {
				t.Fatal(err)
			}
			time.Sleep(10 * time.Millisecond)
		}
		count := func() (map[int]int, int) {
			seen := map[int]int{}
			for _, m := range regexp.MustCompile(`<body>n-(\d+)</body>`).FindAllStringSubmatch(l.out.String(), -1) {
				k, _ := strconv.Atoi(m[1])
				seen[k]++
			}
			return seen, len(seen)
		}
		for {
			if _, got := count(); got == n || ctx.Err() != nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		px.StopRandom()
		time.Sleep(500 * time.Millisecond) // a repeat would come now
		seen, got := count()
		dups := 0
		for _, c := range seen {
			if c > 1 {
				dups++
			}
		}
		errs := l.errb.String()
		t.Logf("%s: %d/%d printed, %d more than once, %d cuts; stderr:\n%s", kind, got, n, dups, px.Cuts(), errs)
		if got != n || dups != 0 {
			t.Errorf("printed %d of %d messages, %d more than once", got, n, dups)
		}
		if !strings.Contains(errs, "xmpp: connection lost") || !strings.Contains(errs, "xmpp: reconnected") {
			t.Errorf("no reconnection reported on stderr")
		}
		// stop, without the empty-stderr check of the cleanup.
		l.cancel()
		if code := <-l.done; code != 0 {
			t.Errorf("listen exited with %d", code)
		}
		l.done <- 0
		l.errb = syncBuffer{}
	})
}
