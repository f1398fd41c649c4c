// Package testproc is what the harnesses that start real XMPP servers for
// tests (internal/prosodytest, internal/ejabberdtest) share: a self-signed
// certificate, free loopback ports, and a server process that dies with
// the test binary and is stopped by signal and reaped.
package testproc

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// FreePorts returns n distinct loopback TCP ports that were free a moment
// ago (the server binds them later, so another process may win the race).
func FreePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("testproc: pick a port: %w", err)
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// Accepts reports whether a TCP connection to addr succeeds within a
// second.
func Accepts(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// ErrKilled is the error of Stop when the server was still running after
// the grace period that followed SIGTERM, and had to be killed.
var ErrKilled = errors.New("ignored SIGTERM and was killed")

// Process is a running server.
type Process struct {
	name    string // for messages: "prosody", "ejabberd"
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has exited and been reaped
	waitErr error         // cmd.Wait's result, set before done is closed
	once    sync.Once
	stopErr error
}

// Launch starts cmd with its standard output and error appended to
// console, tied to the life of the calling process (Linux), and reaps it
// when it exits. name is used in messages.
func Launch(name string, cmd *exec.Cmd, console string) (*Process, error) {
	f, err := os.OpenFile(console, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("testproc: %w", err)
	}
	defer f.Close() // the child has its own copy
	cmd.Stdout = f
	cmd.Stderr = f
	cmd.SysProcAttr = SysProcAttr()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("testproc: start %s: %w", name, err)
	}
	p := &Process{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Pid returns the process's ID.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Exited returns a non-nil error, saying how, when the process has
// exited.
func (p *Process) Exited() error {
	select {
	case <-p.done:
		return fmt.Errorf("%s exited (%v)", p.name, p.waitErr)
	default:
		return nil
	}
}

// Stop ends the process once: SIGTERM, then SIGKILL after grace, and waits
// for it. It returns an error when the process had already exited (a
// crash), exited with a failure status, or had to be killed (matching
// ErrKilled). Calls after the first return the first result.
func (p *Process) Stop(grace time.Duration) error {
	p.once.Do(func() {
		select {
		case <-p.done:
			p.stopErr = fmt.Errorf("%s had exited before stop (%v)", p.name, p.waitErr)
			return
		default:
		}
		if err := Terminate(p.cmd.Process); err != nil {
			p.cmd.Process.Kill()
		}
		select {
		case <-p.done:
			if p.waitErr != nil {
				p.stopErr = fmt.Errorf("%s stopped with %v", p.name, p.waitErr)
			}
		case <-time.After(grace):
			p.cmd.Process.Kill()
			<-p.done
			p.stopErr = fmt.Errorf("%s %w (still running %v after it)", p.name, ErrKilled, grace)
		}
	})
	return p.stopErr
}

// LineAt returns the line of s holding byte i.
func LineAt(s string, i int) string {
	start := strings.LastIndexByte(s[:i], '\n') + 1
	end := strings.IndexByte(s[i:], '\n')
	if end < 0 {
		return s[start:]
	}
	return s[start : i+end]
}

// Tail returns the last lines of each named file in dir that has any, for
// error messages; "" when none has.
func Tail(dir string, lines int, names ...string) string {
	var b strings.Builder
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		text := strings.TrimRight(string(data), "\n")
		if err != nil || text == "" {
			continue
		}
		all := strings.Split(text, "\n")
		if len(all) > lines {
			all = all[len(all)-lines:]
		}
		fmt.Fprintf(&b, "--- %s (last %d lines) ---\n%s\n", filepath.Join(dir, name), len(all), strings.Join(all, "\n"))
	}
	return b.String()
}
