package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/protoxmpp/protoxmpp/internal/prosodytest"
)

func main() {
	var (
		n          = flag.Int("n", 1000, "concurrent client `sessions`")
		m          = flag.Int("m", 100, "`messages` each session sends to the next one")
		timeout    = flag.Duration("timeout", 10*time.Minute, "bound on the whole run, Prosody's start included")
		parallel   = flag.Int("parallel", 32, "logins in flight at once")
		register   = flag.String("register", "shell", "how accounts are created: shell (one prosodyctl shell per 500 accounts) or adduser (one prosodyctl adduser each, -register-parallel at once)")
		regPar     = flag.Int("register-parallel", 2*runtime.GOMAXPROCS(0), "with -register adduser: accounts registered at once")
		interval   = flag.Duration("interval", 0, "pause between a session's messages (0: back to back)")
		settle     = flag.Duration("settle", time.Second, "idle time before the memory of the sessions is measured")
		cpuprofile = flag.String("cpuprofile", "", "write a CPU profile of the client side (logins and messages) to `file`")
		memprofile = flag.String("memprofile", "", "write a heap profile taken with the sessions idle to `file`")
		mellium    = flag.Bool("mellium", false, "also log N mellium.im/xmpp sessions in and measure their heap per idle session")
		quiet      = flag.Bool("q", false, "no progress lines on standard error")
	)
	flag.Parse()
	cfg := config{N: *n, M: *m, Parallel: *parallel, Interval: *interval, Settle: *settle, Mellium: *mellium}
	if !*quiet {
		cfg.Log = os.Stderr
	}
	if *register != "shell" && *register != "adduser" {
		fmt.Fprintf(os.Stderr, "loadtest: -register %q: want shell or adduser\n", *register)
		os.Exit(2)
	}
	if err := mainErr(cfg, *timeout, *cpuprofile, *memprofile, *register, *regPar, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// mainErr starts Prosody, runs the load and prints the report.
func mainErr(cfg config, timeout time.Duration, cpuprofile, memprofile, register string, regPar int, out io.Writer) (err error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for _, p := range []struct {
		name string
		w    *io.Writer
	}{{cpuprofile, &cfg.CPUProfile}, {memprofile, &cfg.MemProfile}} {
		if p.name == "" {
			continue
		}
		f, err := os.Create(p.name)
		if err != nil {
			return err
		}
		defer func() {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}()
		*p.w = f
	}

	t0 := time.Now()
	// mod_admin_shell is for -register shell; it only adds the admin
	// console's socket.
	s, stop, err := prosodytest.StartProcess(prosodytest.Options{MaxClients: 2*cfg.N + 16, Modules: []string{"admin_shell"}})
	if err != nil {
		return fmt.Errorf("start prosody: %w", err)
	}
	defer func() {
		if serr := stop(); err == nil && serr != nil {
			err = fmt.Errorf("stop prosody: %w", serr)
		}
	}()
	if cfg.Log != nil {
		fmt.Fprintf(cfg.Log, "prosody %s on %s, started in %v\n", s.Domain, s.C2SAddr, time.Since(t0).Round(time.Millisecond))
	}
	t := target{Domain: s.Domain, Addr: s.C2SAddr, CAs: s.CAPool}
	if pid, err := prosodyPID(s.Dir); err == nil {
		t.ServerCPU = func() (time.Duration, error) { return pidCPU(pid) }
	}
	switch register {
	case "shell":
		t.RegisterMethod = "prosodyctl shell, user:create"
		t.Register = func(ctx context.Context, users, passwords []string) error {
			return shellRegister(ctx, s, users, passwords)
		}
	default:
		t.RegisterMethod = fmt.Sprintf("prosodyctl adduser each, %d at once", regPar)
		t.Register = func(ctx context.Context, users, passwords []string) error {
			return forEach(ctx, len(users), max(regPar, 1), func(i int) error { return s.RegisterErr(users[i], passwords[i]) })
		}
	}
	rep, err := run(ctx, cfg, t)
	if err == nil && cfg.Mellium {
		var mm memory
		mm, err = melliumIdle(ctx, cfg, t)
		if err == nil {
			rep.MelliumMem = &mm
		}
	}
	if rep != nil {
		rep.write(out)
	}
	return err
}
