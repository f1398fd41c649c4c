package prosodytest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/protoxmpp/protoxmpp/internal/testproc"
)

// Options configures a server. The zero value is a server for "localhost"
// that requires TLS and offers SCRAM-SHA-1 (and PLAIN) over it.
type Options struct {
	// Domain is the virtual host, "localhost" when empty. It is also in
	// the certificate's subject alternative names.
	Domain string
	// SCRAMSHA256 stores passwords hashed for SCRAM-SHA-256
	// (password_hash = "SHA-256" of mod_auth_internal_hashed), so the
	// server offers SCRAM-SHA-256 instead of SCRAM-SHA-1.
	SCRAMSHA256 bool
	// TLS12Only caps TLS at version 1.2 on both ports, so that the -PLUS
	// mechanisms (channel binding tls-unique, the only type Prosody 0.12
	// implements) are offered; under TLS 1.3 they are not.
	TLS12Only bool
	// AllowPlain lets clients stay unencrypted on C2SAddr (STARTTLS is
	// offered but not required) and use PLAIN without TLS.
	AllowPlain bool
	// PlainStorage stores passwords in clear (internal_plain), so the
	// server can offer every SCRAM variant: SCRAM-SHA-1 and SCRAM-SHA-256
	// (and their -PLUS forms under TLS 1.2) as well as PLAIN.
	PlainStorage bool
	// MaxClients, when positive, prepares the server for that many
	// simultaneous connections: the open-file limit (soft, up to the
	// hard limit) and the listen backlog are raised. Rate limiting
	// (mod_limits) is off on every server.
	MaxClients int
	// NoResumption keeps no session for resumption (XEP-0198
	// smacks_hibernation_time = 0): a <resume/> fails, as after a server
	// restart or an expiry.
	NoResumption bool
	// Modules are loaded beside the default set (roster, saslauth, tls,
	// disco, ping, version, time, carbons, blocklist, smacks, and the
	// presence, message, iq and offline modules Prosody always loads).
	// A module that fails to load fails the start. Modules that need
	// their own listeners (http, components, s2s) get no ports.
	Modules []string
	// StartTimeout bounds the wait for both ports to accept connections,
	// 10 seconds when zero.
	StartTimeout time.Duration
}

// Server is a running Prosody. Its fields are read-only.
type Server struct {
	// Domain is the virtual host: users are user@Domain.
	Domain string
	// C2SAddr is the client port ("127.0.0.1:port"), which starts
	// unencrypted and offers STARTTLS (RFC 6120 section 5).
	C2SAddr string
	// DirectTLSAddr is the client port where TLS starts at once
	// (XEP-0368; c2s_direct_tls_ports).
	DirectTLSAddr string
	// CAFile is the PEM file of the server's self-signed certificate,
	// valid for Domain, localhost, 127.0.0.1 and ::1.
	CAFile string
	// CAPool holds that certificate: pass it as tls.Config.RootCAs.
	CAPool *x509.CertPool
	// Dir is the folder holding everything the server uses: its
	// configuration, data, certificate, key, pid file and log.
	Dir string
	// ConfigFile is Prosody's configuration file, inside Dir.
	ConfigFile string
	// LogFile is Prosody's log, inside Dir (debug level when the
	// environment variable PROSODYTEST_DEBUG is 1, info otherwise).
	LogFile string

	proc *testproc.Process
}

// ErrKilled is the error of Stop when Prosody was still running 5 seconds
// after SIGTERM and had to be killed.
var ErrKilled = testproc.ErrKilled

// ErrUserExists is the error of RegisterErr when the account exists.
var ErrUserExists = errors.New("prosodytest: user already exists")

// notInstalled is the message of Start when Prosody is missing.
const notInstalled = "prosodytest: prosody not installed (apt-get install -y prosody)"

const (
	defaultStartTimeout = 10 * time.Second
	stopGrace           = 5 * time.Second // between SIGTERM and SIGKILL
	registerTimeout     = 30 * time.Second
	startAttempts       = 5 // on a port taken between picking and binding
	pollInterval        = 20 * time.Millisecond
)

// Available reports whether prosody and prosodyctl are in PATH: nil when
// they are, an error naming the one missing otherwise.
func Available() error {
	for _, name := range []string{"prosody", "prosodyctl"} {
		if _, err := exec.LookPath(name); err != nil {
			return fmt.Errorf("prosodytest: %w", err)
		}
	}
	return nil
}

// Start starts a server in a folder from tb.TempDir and stops it in
// tb.Cleanup, writing its log to the test output when the test failed. A
// server that crashed or exited with a failure status fails the test at
// cleanup; one that had to be killed (ErrKilled) is only logged.
// When Prosody is not installed the test is skipped, or fails when the
// environment variable CI is "true". A server that does not start fails
// the test with the end of its log.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	return harness(opts).StartTB(tb)
}

// StartProcess starts a server in a new temporary folder, for callers
// without a testing.TB (a load-test command). The returned stop function
// stops the server (see Stop) and removes the folder; read Log before.
// It returns an error when Prosody is not installed or does not start.
func StartProcess(opts Options) (*Server, func() error, error) {
	return harness(opts).StartProcess()
}

// harness is the shared start and stop of internal/testproc.
func harness(opts Options) testproc.Harness[*Server] {
	return testproc.Harness[*Server]{
		Name:         "prosodytest",
		NotInstalled: notInstalled,
		Available:    Available,
		Start:        func(dir string) (*Server, error) { return start(dir, opts) },
		Stop:         (*Server).Stop,
		Describe:     func(s *Server) (string, string) { return s.Domain, s.Log() },
	}
}

// Stop stops the server: SIGTERM, then SIGKILL after 5 seconds, and waits
// for the process to end. It returns an error when the process had already
// exited (a crash), exited with a failure status, or had to be killed
// (matching ErrKilled). Calls after the first return the first result.
func (s *Server) Stop() error {
	if err := s.proc.Stop(stopGrace); err != nil {
		return fmt.Errorf("prosodytest: %w", err)
	}
	return nil
}

// Register creates the account user@Domain with password, failing tb on
// error (an existing account is an error).
func (s *Server) Register(tb testing.TB, user, password string) {
	tb.Helper()
	if err := s.RegisterErr(user, password); err != nil {
		tb.Fatal(err)
	}
}

// RegisterErr creates the account user@Domain with password by running
// "prosodyctl --config ConfigFile adduser user@Domain" (which, unlike
// "prosodyctl register", refuses an existing account; the password goes
// through standard input, never the command line). It works whether or
// not the server is running. An existing account gives an error matching
// ErrUserExists. Passwords cannot contain line breaks.
func (s *Server) RegisterErr(user, password string) error {
	if user == "" || strings.ContainsAny(user, "@/") {
		return fmt.Errorf("prosodytest: register %q: not a localpart", user)
	}
	if strings.ContainsAny(password, "\r\n") {
		return fmt.Errorf("prosodytest: register %s: password contains a line break", user)
	}
	ctl, err := exec.LookPath("prosodyctl")
	if err != nil {
		return fmt.Errorf("prosodytest: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), registerTimeout)
	defer cancel()
	jid := user + "@" + s.Domain
	cmd := exec.CommandContext(ctx, ctl, "--config", s.ConfigFile, "adduser", jid)
	cmd.Dir = s.Dir
	cmd.Stdin = strings.NewReader(password + "\n" + password + "\n")
	out, err := cmd.CombinedOutput()
	msg := ctlOutput(out)
	switch {
	case err == nil:
		return nil
	case strings.Contains(msg, "That user already exists"):
		return fmt.Errorf("prosodytest: register %s: %w", jid, ErrUserExists)
	default:
		return fmt.Errorf("prosodytest: prosodyctl adduser %s: %v: %s", jid, err, msg)
	}
}

// ctlOutput returns what prosodyctl printed, without its password prompts
// and the escape codes it uses to hide typing when stdin is no terminal.
func ctlOutput(out []byte) string {
	r := strings.NewReplacer("\x1b[08m", "", "\x1b[00m", "", "Enter new password: ", "", "Retype new password: ", "")
	return strings.TrimSpace(r.Replace(string(out)))
}

// Log returns Prosody's log so far ("" when it cannot be read).
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.LogFile)
	return string(b)
}

// TLSConfig returns a client configuration trusting the server's
// certificate, with ServerName set to Domain.
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.CAPool, ServerName: s.Domain}
}

// errPortTaken reports that Prosody could not bind a port we picked.
var errPortTaken = errors.New("prosodytest: port taken")

// start writes a configuration and certificate into dir and starts
// Prosody, retrying with new ports when one was taken in between.
func start(dir string, opts Options) (*Server, error) {
	if opts.Domain == "" {
		opts.Domain = "localhost"
	}
	if opts.MaxClients < 0 {
		return nil, fmt.Errorf("prosodytest: MaxClients %d is negative", opts.MaxClients)
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = defaultStartTimeout
	}
	prosody, err := exec.LookPath("prosody")
	if err != nil {
		return nil, fmt.Errorf("prosodytest: %w", err)
	}
	s := &Server{
		Domain:     opts.Domain,
		CAFile:     filepath.Join(dir, certName),
		Dir:        dir,
		ConfigFile: filepath.Join(dir, configName),
		LogFile:    filepath.Join(dir, logName),
		CAPool:     x509.NewCertPool(),
	}
	certPEM, err := testproc.WriteCert(s.CAFile, filepath.Join(dir, keyName), opts.Domain)
	if err != nil {
		return nil, err
	}
	if !s.CAPool.AppendCertsFromPEM(certPEM) {
		return nil, errors.New("prosodytest: generated certificate does not parse")
	}
	for _, sub := range []string{dataName, certsName, pluginsName} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o750); err != nil {
			return nil, fmt.Errorf("prosodytest: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, pluginsName, "mod_"+readyModule+".lua"), []byte(readySource), 0o644); err != nil {
		return nil, fmt.Errorf("prosodytest: %w", err)
	}
	for attempt := 1; ; attempt++ {
		ports, err := pickPorts(2)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(s.ConfigFile, []byte(opts.config(dir, ports[0], ports[1])), 0o644); err != nil {
			return nil, fmt.Errorf("prosodytest: %w", err)
		}
		p, err := launch(prosody, s.ConfigFile, dir, opts.MaxClients)
		if err != nil {
			return nil, err
		}
		err = waitReady(p, s.LogFile, ports, opts.StartTimeout)
		if err == nil {
			s.C2SAddr = "127.0.0.1:" + strconv.Itoa(ports[0])
			s.DirectTLSAddr = "127.0.0.1:" + strconv.Itoa(ports[1])
			s.proc = p
			return s, nil
		}
		p.Stop(stopGrace)
		if !errors.Is(err, errPortTaken) || attempt == startAttempts {
			return nil, fmt.Errorf("%w\n%s", err, tail(dir))
		}
		// Keep the failed attempt's log aside; the next one starts afresh.
		os.Rename(s.LogFile, fmt.Sprintf("%s.attempt%d", s.LogFile, attempt))
	}
}

// pickPorts is freePorts, replaced in a test to force a bind failure.
var pickPorts = freePorts

// freePorts returns n distinct free loopback ports.
func freePorts(n int) ([]int, error) { return testproc.FreePorts(n) }

// launch starts prosody in the foreground with cfg, its console output
// going to a file in dir.
func launch(prosody, cfg, dir string, maxClients int) (*testproc.Process, error) {
	cmd := exec.Command(prosody, "-F", "--config", cfg)
	if maxClients > 0 {
		cmd = testproc.RaiseFileLimit(cmd, uint64(maxClients)+256)
	}
	cmd.Dir = dir
	p, err := testproc.Launch("prosody", cmd, filepath.Join(dir, consoleName))
	if err != nil {
		return nil, fmt.Errorf("prosodytest: %w", err)
	}
	return p, nil
}

// waitReady waits until the log says startup has finished with both ports
// listening, and both accept a TCP connection. It fails with errPortTaken
// when Prosody could not bind one, and with an error when it exits, a
// module does not load, or timeout passes.
func waitReady(p *testproc.Process, logFile string, ports []int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if err := p.Exited(); err != nil {
			return fmt.Errorf("prosodytest: during start: %w", err)
		}
		data, _ := os.ReadFile(logFile)
		log := string(data)
		if i := strings.Index(log, bindFailure); i >= 0 {
			return fmt.Errorf("%w: %s", errPortTaken, testproc.LineAt(log, i))
		}
		for _, failure := range moduleFailures {
			if i := strings.Index(log, failure); i >= 0 {
				return fmt.Errorf("prosodytest: %s", testproc.LineAt(log, i))
			}
		}
		// Once readyLine is logged, every failure above would be too.
		if strings.Contains(log, readyLine) {
			for i, svc := range []string{"c2s", "c2s_direct_tls"} {
				if !strings.Contains(log, portsLine(svc, ports[i])) {
					return fmt.Errorf("prosodytest: prosody started without %s on port %d", svc, ports[i])
				}
			}
			if testproc.Accepts(loopback(ports[0])) && testproc.Accepts(loopback(ports[1])) {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("prosodytest: prosody not listening on ports %d and %d after %v", ports[0], ports[1], timeout)
		}
		time.Sleep(pollInterval)
	}
}

func loopback(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }

// tailLines is how much of the log an error shows.
const tailLines = 40

// tail returns the end of the log and the console output in dir, for
// error messages.
func tail(dir string) string {
	if t := testproc.Tail(dir, tailLines, logName, consoleName); t != "" {
		return t
	}
	return "(prosody wrote no log)"
}
