package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"
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
		server     = flag.String("server", "prosody", "the server to load: prosody (Prosody 0.12) or ejabberd (ejabberd 23.01)")
	)
	flag.Parse()
	cfg := config{N: *n, M: *m, Parallel: *parallel, Interval: *interval, Settle: *settle, Mellium: *mellium, Server: *server}
	if !*quiet {
		cfg.Log = os.Stderr
	}
	if *register != "shell" && *register != "adduser" {
		fmt.Fprintf(os.Stderr, "loadtest: -register %q: want shell or adduser\n", *register)
		os.Exit(2)
	}
	if *server != "prosody" && *server != "ejabberd" {
		fmt.Fprintf(os.Stderr, "loadtest: -server %q: want prosody or ejabberd\n", *server)
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
	t, stop, err := startTarget(cfg, register, regPar)
	if err != nil {
		return err
	}
	defer func() {
		if serr := stop(); err == nil && serr != nil {
			err = fmt.Errorf("stop %s: %w", cfg.Server, serr)
		}
	}()
	if cfg.Log != nil {
		fmt.Fprintf(cfg.Log, "%s %s on %s, started in %v\n", cfg.Server, t.Domain, t.Addr, time.Since(t0).Round(time.Millisecond))
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
