package prosodytest

import (
	"crypto/tls"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/protoxmpp/protoxmpp/stanza/sasl"
	"github.com/protoxmpp/protoxmpp/stanza/starttls"
	"github.com/protoxmpp/protoxmpp/stanza/streams"
	"github.com/protoxmpp/protoxmpp/stream"
)

// ioTimeout bounds every read from the server in these tests.
const ioTimeout = 5 * time.Second

// xmpp drives a client stream over conn.
type xmpp struct {
	t    *testing.T
	conn net.Conn
	s    *stream.Stream
	buf  []byte
}

// open sends a stream header for domain on conn.
func open(t *testing.T, conn net.Conn, domain string) *xmpp {
	t.Helper()
	x := &xmpp{t: t, conn: conn, s: stream.New(stream.Config{}), buf: make([]byte, 4096)}
	if err := x.s.Open(stream.Header{To: domain, Lang: "en"}); err != nil {
		t.Fatal(err)
	}
	return x
}

// next sends what the stream has queued and returns the next event,
// reading from the connection as needed.
func (x *xmpp) next() stream.Event {
	x.t.Helper()
	for {
		if out := x.s.Output(); len(out) > 0 {
			if _, err := x.conn.Write(out); err != nil {
				x.t.Fatalf("write: %v", err)
			}
		}
		ev := x.s.Next()
		switch ev.Kind {
		case stream.EventNone:
		case stream.EventStreamError, stream.EventError, stream.EventClose:
			x.t.Fatalf("stream ended: %v %v", ev.Kind, ev.Err)
		default:
			return ev
		}
		x.conn.SetReadDeadline(time.Now().Add(ioTimeout))
		n, err := x.conn.Read(x.buf)
		if err != nil {
			x.t.Fatalf("read: %v", err)
		}
		x.s.Feed(x.buf[:n])
	}
}

// expect returns the next event, failing unless it is of kind.
func (x *xmpp) expect(kind stream.EventKind) stream.Event {
	x.t.Helper()
	ev := x.next()
	if ev.Kind != kind {
		x.t.Fatalf("got %v (%v), want %v", ev.Kind, ev.Err, kind)
	}
	return ev
}

// features reads the header and the features of a new stream, checking the
// header comes from domain.
func (x *xmpp) features(domain string) offered {
	x.t.Helper()
	if h := x.expect(stream.EventOpen).Header; h.From != domain || h.Version != "1.0" {
		x.t.Fatalf("stream header from %q version %q, want from %q version 1.0", h.From, h.Version, domain)
	}
	return parseFeatures(x.expect(stream.EventFeatures).Features)
}

// offered is what stream features offer for negotiation.
type offered struct {
	StartTLS   bool
	Required   bool     // <required/> in <starttls/>
	Mechanisms []string // sorted
}

func parseFeatures(f *streams.Features) offered {
	var o offered
	for _, el := range f.Any {
		switch v := el.(type) {
		case *starttls.Starttls:
			o.StartTLS, o.Required = true, v.Required
		case *sasl.Mechanisms:
			o.Mechanisms = append(o.Mechanisms, v.Mechanism...)
		}
	}
	sort.Strings(o.Mechanisms)
	return o
}

// startTLS negotiates STARTTLS on x and returns the features of the
// encrypted stream.
func (x *xmpp) startTLS(cfg *tls.Config) (offered, *tls.Conn) {
	x.t.Helper()
	if err := x.s.StartTLS(); err != nil {
		x.t.Fatal(err)
	}
	if ev := x.expect(stream.EventNegotiated); ev.Step != stream.StepTLS {
		x.t.Fatalf("negotiated %v, want tls", ev.Step)
	}
	if b := x.s.Buffered(); len(b) > 0 {
		x.t.Fatalf("%d bytes buffered before TLS", len(b))
	}
	tc := tls.Client(x.conn, cfg)
	tc.SetDeadline(time.Now().Add(ioTimeout))
	if err := tc.Handshake(); err != nil {
		x.t.Fatalf("TLS handshake after STARTTLS: %v", err)
	}
	tc.SetDeadline(time.Time{})
	x.conn = tc
	if err := x.s.Restart(); err != nil {
		x.t.Fatal(err)
	}
	return x.features(cfg.ServerName), tc
}

// plain authenticates with PLAIN and returns nil or the SASL failure.
func (x *xmpp) plain(user, password string) error {
	x.t.Helper()
	if err := x.s.Authenticate(stream.Plain("", user, password)); err != nil {
		x.t.Fatal(err)
	}
	ev := x.next()
	switch {
	case ev.Kind == stream.EventNegotiated && ev.Step == stream.StepSASL:
		return nil
	case ev.Kind == stream.EventStepFailed && ev.Step == stream.StepSASL:
		return ev.Err
	}
	x.t.Fatalf("after <auth/>: %v %v", ev.Kind, ev.Step)
	return nil
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, ioTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func dialTLS(t *testing.T, addr string, cfg *tls.Config) *tls.Conn {
	t.Helper()
	c, err := tls.DialWithDialer(&net.Dialer{Timeout: ioTimeout}, "tcp", addr, cfg)
	if err != nil {
		t.Fatalf("direct TLS to %s: %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// The STARTTLS port requires TLS before anything else, the certificate
// verifies against CAPool, and a registered user authenticates while a
// wrong password is refused.
func TestStartTLSRequired(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{})
	s.Register(t, "alice", "wonderland")

	x := open(t, dial(t, s.C2SAddr), s.Domain)
	if diff := cmp.Diff(offered{StartTLS: true, Required: true}, x.features(s.Domain)); diff != "" {
		t.Errorf("features before TLS (-want +got):\n%s", diff)
	}
	got, _ := x.startTLS(s.TLSConfig())
	if diff := cmp.Diff(offered{Mechanisms: []string{"PLAIN", "SCRAM-SHA-1"}}, got); diff != "" {
		t.Errorf("features after STARTTLS (-want +got):\n%s", diff)
	}
	if err := x.plain("alice", "looking-glass"); !errors.Is(err, stream.SASLNotAuthorized) {
		t.Errorf("wrong password: got %v, want not-authorized", err)
	}
	if err := x.plain("alice", "wonderland"); err != nil {
		t.Errorf("right password: %v", err)
	}
	if log := s.Log(); !strings.Contains(log, "Client connected") {
		t.Errorf("log does not show the connection:\n%s", log)
	}
}

// Direct TLS verifies against CAPool, and the mechanisms offered follow
// the options: SCRAM-SHA-256 replaces SCRAM-SHA-1, -PLUS only under TLS 1.2.
func TestDirectTLSMechanisms(t *testing.T) {
	tests := []struct {
		name        string
		opts        Options
		wantVersion uint16
		want        []string
	}{
		{"default", Options{}, tls.VersionTLS13, []string{"PLAIN", "SCRAM-SHA-1"}},
		{"tls12", Options{TLS12Only: true}, tls.VersionTLS12, []string{"PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS"}},
		{"sha256", Options{SCRAMSHA256: true}, tls.VersionTLS13, []string{"PLAIN", "SCRAM-SHA-256"}},
		{"sha256 tls12", Options{SCRAMSHA256: true, TLS12Only: true}, tls.VersionTLS12, []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"}},
		{"plain storage", Options{PlainStorage: true}, tls.VersionTLS13, []string{"PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256"}},
		{"plain storage tls12", Options{PlainStorage: true, TLS12Only: true}, tls.VersionTLS12, []string{"PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"}},
		{"other domain", Options{Domain: "example.test"}, tls.VersionTLS13, []string{"PLAIN", "SCRAM-SHA-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := Start(t, tt.opts)
			if tt.opts.Domain != "" && s.Domain != tt.opts.Domain {
				t.Errorf("Domain %q, want %q", s.Domain, tt.opts.Domain)
			}
			c := dialTLS(t, s.DirectTLSAddr, s.TLSConfig())
			if v := c.ConnectionState().Version; v != tt.wantVersion {
				t.Errorf("TLS version %s, want %s", tls.VersionName(v), tls.VersionName(tt.wantVersion))
			}
			got := open(t, c, s.Domain).features(s.Domain)
			if diff := cmp.Diff(offered{Mechanisms: tt.want}, got); diff != "" {
				t.Errorf("features (-want +got):\n%s", diff)
			}
		})
	}
}

// The certificate in CAFile is the one served, for the domain and for the
// address (no SNI). Prosody refuses other SNI names on direct TLS, so
// "localhost" in the certificate only helps when Domain is localhost.
func TestCAFile(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{Domain: "example.test"})
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"example.test", "127.0.0.1"} {
		t.Run(name, func(t *testing.T) {
			cfg := &tls.Config{RootCAs: s.CAPool, ServerName: name}
			if !cfg.RootCAs.AppendCertsFromPEM(pem) {
				t.Fatal("CAFile holds no certificate")
			}
			dialTLS(t, s.DirectTLSAddr, cfg)
		})
	}
	if _, err := tls.Dial("tcp", s.DirectTLSAddr, &tls.Config{ServerName: "example.test"}); err == nil {
		t.Error("handshake without CAPool succeeded; want an unknown-authority error")
	}
}

// With AllowPlain, STARTTLS is optional and PLAIN works unencrypted.
func TestAllowPlain(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{AllowPlain: true})
	s.Register(t, "bob", "builder")
	x := open(t, dial(t, s.C2SAddr), s.Domain)
	want := offered{StartTLS: true, Mechanisms: []string{"PLAIN", "SCRAM-SHA-1"}}
	if diff := cmp.Diff(want, x.features(s.Domain)); diff != "" {
		t.Errorf("features (-want +got):\n%s", diff)
	}
	if err := x.plain("bob", "builder"); err != nil {
		t.Errorf("PLAIN without TLS: %v", err)
	}
}

// Registering an account that exists fails (in any case of the localpart)
// and leaves the first password in place; malformed names fail.
func TestRegisterErr(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{})
	if err := s.RegisterErr("carol", "first"); err != nil {
		t.Fatalf("first registration: %v", err)
	}
	tests := []struct {
		name, user, password string
		exists               bool
	}{
		{"same user", "carol", "second", true},
		{"case folded", "Carol", "second", true},
		{"jid as user", "carol@localhost", "x", false},
		{"resource", "carol/r", "x", false},
		{"empty", "", "x", false},
		{"line break in password", "dave", "a\nb", false},
		{"invalid localpart", "a b", "x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.RegisterErr(tt.user, tt.password)
			if err == nil {
				t.Fatal("no error")
			}
			if got := errors.Is(err, ErrUserExists); got != tt.exists {
				t.Errorf("errors.Is(%v, ErrUserExists) = %t, want %t", err, got, tt.exists)
			}
		})
	}
	// The refused registrations did not change the password.
	x := open(t, dialTLS(t, s.DirectTLSAddr, s.TLSConfig()), s.Domain)
	x.features(s.Domain)
	if err := x.plain("carol", "first"); err != nil {
		t.Errorf("first password after refused registrations: %v", err)
	}
}

// pgrep lists the processes whose command line contains pattern.
func pgrep(t *testing.T, pattern string) []string {
	t.Helper()
	if _, err := exec.LookPath("pgrep"); err != nil {
		t.Skip("pgrep not installed")
	}
	out, err := exec.Command("pgrep", "-f", pattern).Output()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 {
		return nil // none matched
	}
	if err != nil {
		t.Fatalf("pgrep: %v", err)
	}
	return strings.Fields(string(out))
}

// Stop ends the process (no process left with Dir in its command line,
// ports closed) and is idempotent.
func TestStop(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{})
	if pids := pgrep(t, s.Dir); len(pids) != 1 {
		t.Fatalf("pgrep -f %s before Stop: %v, want one process", s.Dir, pids)
	}
	start := time.Now()
	if err := s.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	t.Logf("Stop took %v", time.Since(start))
	if pids := pgrep(t, s.Dir); len(pids) != 0 {
		t.Errorf("pgrep -f %s after Stop: %v, want none", s.Dir, pids)
	}
	for _, addr := range []string{s.C2SAddr, s.DirectTLSAddr} {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still accepts connections", addr)
		}
	}
	if err := s.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	if !strings.Contains(s.Log(), "Shutdown complete") {
		t.Errorf("log does not end with a clean shutdown:\n%s", s.Log())
	}
}

// StartProcess works without a testing.TB; its stop function ends the
// process and removes Dir.
func TestStartProcess(t *testing.T) {
	t.Parallel()
	if err := Available(); err != nil {
		t.Skip(err)
	}
	s, stop, err := StartProcess(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RegisterErr("erin", "pw"); err != nil {
		t.Error(err)
	}
	dialTLS(t, s.DirectTLSAddr, s.TLSConfig()).Close()
	if err := stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	if _, err := os.Stat(s.Dir); !os.IsNotExist(err) {
		t.Errorf("Dir %s after stop: %v, want it removed", s.Dir, err)
	}
	if pids := pgrep(t, s.Dir); len(pids) != 0 {
		t.Errorf("pgrep -f %s after stop: %v, want none", s.Dir, pids)
	}
}

// A module that does not exist fails the start with Prosody's message, and
// leaves no process behind.
func TestStartBadModule(t *testing.T) {
	t.Parallel()
	if err := Available(); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	_, err := start(dir, Options{Modules: []string{"no_such_module"}})
	if err == nil || !strings.Contains(err.Error(), "Unable to load module 'no_such_module'") {
		t.Errorf("start: %v, want an error naming the module", err)
	}
	if pids := pgrep(t, dir); len(pids) != 0 {
		t.Errorf("pgrep -f %s after failed start: %v, want none", dir, pids)
	}
}

// A port taken between picking and binding makes the start retry on new
// ports. Not parallel: it replaces pickPorts while no other test runs.
func TestStartRetriesTakenPort(t *testing.T) {
	if err := Available(); err != nil {
		t.Skip(err)
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	takenPort := taken.Addr().(*net.TCPAddr).Port
	calls := 0
	pickPorts = func(n int) ([]int, error) {
		calls++
		ports, err := freePorts(n)
		if calls == 1 && err == nil {
			ports[0] = takenPort
		}
		return ports, err
	}
	defer func() { pickPorts = freePorts }()

	s := Start(t, Options{})
	if calls != 2 {
		t.Errorf("ports picked %d times, want 2", calls)
	}
	if s.C2SAddr == taken.Addr().String() {
		t.Errorf("C2SAddr %s is the taken port", s.C2SAddr)
	}
	first, err := os.ReadFile(s.LogFile + ".attempt1")
	if err != nil || !strings.Contains(string(first), "Failed to open server port "+strconv.Itoa(takenPort)) {
		t.Errorf("first attempt's log (%v) does not show the bind failure:\n%s", err, first)
	}
	x := open(t, dial(t, s.C2SAddr), s.Domain)
	if got := x.features(s.Domain); !got.Required {
		t.Errorf("features on the new port: %+v", got)
	}
}

// MaxClients raises the open-file limit of the server process.
func TestMaxClients(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{MaxClients: 3000})
	limits, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(s.proc.Pid()), "limits"))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	var soft, hard string
	for _, line := range strings.Split(string(limits), "\n") {
		if f := strings.Fields(line); strings.HasPrefix(line, "Max open files") && len(f) >= 5 {
			soft, hard = f[3], f[4]
		}
	}
	want := uint64(3000 + 256)
	if h, err := strconv.ParseUint(hard, 10, 64); err == nil && h < want {
		want = h
	}
	if soft != strconv.FormatUint(want, 10) {
		t.Errorf("prosody's soft open-file limit %s, want %d", soft, want)
	}
	dialTLS(t, s.DirectTLSAddr, s.TLSConfig()).Close()
}
