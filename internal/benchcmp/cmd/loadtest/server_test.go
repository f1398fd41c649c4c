package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/protoxmpp/protoxmpp/internal/ejabberdtest"
	"github.com/protoxmpp/protoxmpp/internal/prosodytest"
)

// testTarget starts a server of kind for the test (skipped when it is not
// installed, failed when CI=true), with accounts created through Prosody's
// admin console or ejabberd's HTTP API.
func testTarget(t *testing.T, kind string) target {
	t.Helper()
	switch kind {
	case "ejabberd":
		return ejabberdTarget(ejabberdtest.Start(t, ejabberdtest.Options{}), 4)
	default:
		return prosodyTarget(prosodytest.Start(t, prosodytest.Options{Modules: []string{"admin_shell"}}), "shell", 1)
	}
}

var servers = []string{"prosody", "ejabberd"}

func TestRun(t *testing.T) {
	for _, kind := range servers {
		t.Run(kind, func(t *testing.T) { testRun(t, kind) })
	}
}

func testRun(t *testing.T, kind string) {
	tg := testTarget(t, kind)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := run(ctx, config{N: 6, M: 5, Parallel: 3}, tg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sent != 30 || rep.Received != 30 || rep.lost() != 0 || rep.Duplicates != 0 || rep.Stray != 0 {
		t.Errorf("sent %d, received %d, duplicates %d, stray %d; want 30, 30, 0, 0", rep.Sent, rep.Received, rep.Duplicates, rep.Stray)
	}
	if rep.Latency.N != 30 || rep.LoginLatency.N != 6 || rep.Latency.Max <= 0 || rep.Latency.P50 > rep.Latency.Max {
		t.Errorf("latency %v, login %v", rep.Latency, rep.LoginLatency)
	}
	// Each session runs a reader and a dispatcher and holds buffers.
	if m := rep.Memory; m.Sessions != 6 || m.HeapPerSession <= 0 || m.GoroutinesPerSession < 1 {
		t.Errorf("memory %+v", m)
	}
	if rep.LoginCPU.Server < 0 || rep.MessageCPU.Client <= 0 {
		t.Errorf("CPU: login %v, messages %v", rep.LoginCPU, rep.MessageCPU)
	}
	var out strings.Builder
	rep.write(&out)
	for _, want := range []string{"sent 30, received 30, lost 0", "logins/s", "messages/s", "KiB per session"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRunLoginFailure checks that a session that cannot log in fails the
// run (here: its account was never created).
func TestRunLoginFailure(t *testing.T) {
	for _, kind := range servers {
		t.Run(kind, func(t *testing.T) { testRunLoginFailure(t, kind) })
	}
}

func testRunLoginFailure(t *testing.T, kind string) {
	tg := testTarget(t, kind)
	register := tg.Register
	tg.Register = func(ctx context.Context, users, passwords []string) error {
		return register(ctx, users[:len(users)-1], passwords[:len(passwords)-1])
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := run(ctx, config{N: 3, M: 1, Parallel: 3}, tg)
	if err == nil || !strings.Contains(err.Error(), "session 2") {
		t.Errorf("run = %v; want the login error of session 2", err)
	}
}

func TestShellRegisterRefusesQuoting(t *testing.T) {
	err := shellRegister(context.Background(), &prosodytest.Server{Domain: "localhost"}, []string{`a")os.exit()--`}, []string{"pw"})
	if err == nil {
		t.Error("shellRegister accepted a user name that needs quoting")
	}
}

func TestMellium(t *testing.T) {
	tg := testTarget(t, "prosody")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	users, passwords := []string{user(0), user(1)}, []string{password(0), password(1)}
	if err := tg.Register(ctx, users, passwords); err != nil {
		t.Fatal(err)
	}
	m, err := melliumIdle(ctx, config{N: 2, Parallel: 2}, tg)
	if err != nil {
		t.Fatal(err)
	}
	if m.Sessions != 2 || m.HeapPerSession <= 0 || m.GoroutinesPerSession < 1 {
		t.Errorf("mellium memory %+v", m)
	}
}
