package cutproxy

import (
	"bytes"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// echo serves one loopback echo server for the test.
func echo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	return ln.Addr().String()
}

func TestNewRefusesRemoteTargets(t *testing.T) {
	for _, target := range []string{"192.0.2.1:5222", "example.com:5222", "nonsense"} {
		if p, err := New(target); err == nil {
			p.Close()
			t.Errorf("New(%q) accepted a target off the loopback interface", target)
		}
	}
}

func TestForwardAndCut(t *testing.T) {
	p, err := New(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	// Forwarding both ways.
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("<message/>")
	c.Write(msg)
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("echo through the proxy: %q, %v", got, err)
	}
	// Cut: the client sees its connection end.
	p.Cut()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(got); err == nil {
		t.Fatal("read after Cut succeeded")
	}
	c.Close()
	if p.Cuts() != 1 {
		t.Errorf("Cuts = %d, want 1", p.Cuts())
	}

	// CutAfter: exactly n bytes get through, then the cut.
	p.CutAfter(Downstream, 5)
	c, err = net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("0123456789"))
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	all, _ := io.ReadAll(c)
	if string(all) != "01234" {
		t.Errorf("after CutAfter(Downstream, 5) the echo was %q, want %q", all, "01234")
	}
	c.Close()

	// Refuse: new connections are closed at once.
	p.Refuse(true)
	c, err = net.Dial("tcp", p.Addr())
	if err == nil {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if n, err := c.Read(got); err == nil {
			t.Errorf("read %d bytes from a refused connection", n)
		}
		c.Close()
	}
	p.Refuse(false)
}

// TestRandomCuts: with a short mean life, connections are cut by time.
func TestRandomCuts(t *testing.T) {
	p, err := New(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Random(RandomConfig{Seed: 1, MeanLife: 20 * time.Millisecond, MinLife: 10 * time.Millisecond})
	for range 3 {
		c, err := net.Dial("tcp", p.Addr())
		if err != nil {
			t.Fatal(err)
		}
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadAll(c); err != nil && !isReset(err) {
			t.Fatal(err)
		}
		c.Close()
	}
	if p.Cuts() != 3 {
		t.Errorf("Cuts = %d, want 3", p.Cuts())
	}
}

func isReset(err error) bool {
	var ne *net.OpError
	return errors.As(err, &ne)
}
