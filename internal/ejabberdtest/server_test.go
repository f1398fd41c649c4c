package ejabberdtest

import (
	"crypto/tls"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStartRegisterStop starts a server, registers accounts, talks TLS to
// both client ports, and stops it without leaving a process behind.
func TestStartRegisterStop(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{})
	s.Register(t, "alice", "secret")
	if err := s.RegisterErr("alice", "other"); !errors.Is(err, ErrUserExists) {
		t.Errorf("registering alice again: %v, want ErrUserExists", err)
	}
	if err := s.RegisterErr("a@b", "x"); err == nil {
		t.Error("registering a@b succeeded")
	}
	out, err := s.Command("check_account", map[string]any{"user": "alice", "host": s.Domain})
	if err != nil {
		t.Fatalf("check_account: %v", err)
	}
	if strings.TrimSpace(string(out)) != "0" {
		t.Errorf("check_account alice = %s, want 0", out)
	}
	if out, err := s.Command("check_account", map[string]any{"user": "nobody", "host": s.Domain}); err != nil || strings.TrimSpace(string(out)) != "1" {
		t.Errorf("check_account nobody = %s, %v; want 1", out, err)
	}

	// Direct TLS: the handshake succeeds with the generated certificate,
	// at TLS 1.3, and the server answers a stream header.
	c, err := tls.Dial("tcp", s.DirectTLSAddr, s.TLSConfig())
	if err != nil {
		t.Fatalf("TLS to %s: %v", s.DirectTLSAddr, err)
	}
	if v := c.ConnectionState().Version; v != tls.VersionTLS13 {
		t.Errorf("TLS version %x, want 1.3", v)
	}
	greet(t, c, s.Domain, "urn:ietf:params:xml:ns:xmpp-sasl")
	c.Close()

	// STARTTLS port: the features offer STARTTLS, required.
	p, err := net.Dial("tcp", s.C2SAddr)
	if err != nil {
		t.Fatal(err)
	}
	features := greet(t, p, s.Domain, "urn:ietf:params:xml:ns:xmpp-tls")
	if !strings.Contains(features, "<required/>") {
		t.Errorf("STARTTLS not required: %s", features)
	}
	p.Close()

	pid := s.Pid()
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("process %d still exists after Stop", pid)
	}
	if testAccepts(s.C2SAddr) {
		t.Errorf("%s still accepts connections", s.C2SAddr)
	}
}

// greet sends a stream header on c and returns what the server sent up to
// the end of its features, failing unless it holds want.
func greet(t *testing.T, c net.Conn, domain, want string) string {
	t.Helper()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	_, err := c.Write([]byte("<?xml version='1.0'?><stream:stream to='" + domain + "' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"))
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	buf := make([]byte, 4096)
	for !strings.Contains(string(got), "</stream:features>") {
		n, err := c.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			t.Fatalf("reading features: %v (got %q)", err, got)
		}
	}
	if !strings.Contains(string(got), want) {
		t.Errorf("features lack %s: %s", want, got)
	}
	return string(got)
}

func testAccepts(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		c.Close()
	}
	return err == nil
}

// TestOptions checks what each option changes on a running server.
func TestOptions(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{SCRAMHash: "sha256", TLS12Only: true, AllowPlain: true, NoStreamManagement: true, Registration: true, Domain: "example.test"})
	c, err := tls.Dial("tcp", s.DirectTLSAddr, s.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if v := c.ConnectionState().Version; v != tls.VersionTLS12 {
		t.Errorf("TLS version %x with TLS12Only, want 1.2", v)
	}
	features := greet(t, c, s.Domain, "SCRAM-SHA-256")
	for _, want := range []string{"SCRAM-SHA-256-PLUS", "PLAIN", "http://jabber.org/features/iq-register"} {
		if !strings.Contains(features, want) {
			t.Errorf("features lack %s: %s", want, features)
		}
	}
	if strings.Contains(features, "SCRAM-SHA-1") {
		t.Errorf("SCRAM-SHA-1 offered with sha256 storage: %s", features)
	}
	p, err := net.Dial("tcp", s.C2SAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	features = greet(t, p, s.Domain, "urn:ietf:params:xml:ns:xmpp-tls")
	if strings.Contains(features, "<required/>") {
		t.Errorf("STARTTLS required with AllowPlain: %s", features)
	}
	cfg, _ := os.ReadFile(s.ConfigFile)
	if strings.Contains(string(cfg), "mod_stream_mgmt") {
		t.Error("mod_stream_mgmt configured with NoStreamManagement")
	}
	if _, err := os.Stat(filepath.Join(s.Dir, homeName)); err != nil {
		t.Error(err)
	}
}

// TestBadOptions: options that cannot work fail before anything starts.
func TestBadOptions(t *testing.T) {
	if _, err := start(t.TempDir(), Options{SCRAMHash: "md5"}); err == nil {
		t.Error("SCRAMHash md5 accepted")
	}
	if _, err := start(t.TempDir(), Options{MaxClients: -1}); err == nil {
		t.Error("MaxClients -1 accepted")
	}
}

// TestPortTaken: a port taken between picking and binding makes start
// try again with new ports. Not parallel: it replaces pickPorts.
func TestPortTaken(t *testing.T) {
	if Available() != nil {
		Start(t, Options{}) // skips or fails as usual
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	taken := l.Addr().(*net.TCPAddr).Port
	calls := 0
	pickPorts = func(n int) ([]int, error) {
		calls++
		ports, err := freePorts(n)
		if calls == 1 && err == nil {
			ports[0] = taken
		}
		return ports, err
	}
	defer func() { pickPorts = freePorts }()
	s := Start(t, Options{})
	if calls < 2 {
		t.Errorf("pickPorts called %d times, want a retry", calls)
	}
	if s.C2SAddr == "127.0.0.1:"+strconv.Itoa(taken) {
		t.Errorf("server reports the taken port %d", taken)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, logName+".attempt1")); err != nil {
		t.Errorf("first attempt's log not kept: %v", err)
	}
}
