package ejabberdtest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/protoxmpp/protoxmpp/internal/testproc"
)

// Options configures a server. The zero value is a server for "localhost"
// that requires TLS, stores SCRAM-SHA-1 keys and offers SCRAM-SHA-1,
// SCRAM-SHA-1-PLUS and PLAIN over TLS, with stream management.
type Options struct {
	// Domain is the virtual host, "localhost" when empty. It is also in
	// the certificate's subject alternative names.
	Domain string
	// SCRAMHash is the hash of the stored SCRAM keys (auth_scram_hash):
	// "sha" (the default), "sha256" or "sha512". The server offers
	// SCRAM with that hash alone (and its -PLUS variant), and PLAIN.
	SCRAMHash string
	// TLS12Only caps TLS at version 1.2 on both ports.
	TLS12Only bool
	// AllowPlain lets clients stay unencrypted on C2SAddr (STARTTLS is
	// offered but not required) and authenticate there.
	AllowPlain bool
	// NoStreamManagement leaves out mod_stream_mgmt (XEP-0198).
	NoStreamManagement bool
	// NoResumption enables Stream Management without resumption
	// (mod_stream_mgmt resume_timeout: 0).
	NoResumption bool
	// Registration loads mod_register: in-band registration (XEP-0077)
	// open to anyone on loopback.
	Registration bool
	// MaxClients, when positive, prepares the server for that many
	// simultaneous connections: the open-file limit (soft, up to the hard
	// limit), the VM's port limit and the listen backlog are raised.
	// There is no traffic shaper on any server.
	MaxClients int
	// Modules are more ejabberd modules to load with their default
	// options (mod_last, mod_vcard...). A module that does not exist fails
	// the start.
	Modules []string
	// Debug sets the log level to debug (also set by the environment
	// variable EJABBERDTEST_DEBUG=1).
	Debug bool
	// StartTimeout bounds the wait for the server to start, 20 seconds
	// when zero.
	StartTimeout time.Duration
}

// Server is a running ejabberd. Its fields are read-only.
type Server struct {
	// Domain is the virtual host: users are user@Domain.
	Domain string
	// C2SAddr is the client port ("127.0.0.1:port"), which starts
	// unencrypted and offers STARTTLS (RFC 6120 section 5).
	C2SAddr string
	// DirectTLSAddr is the client port where TLS starts at once
	// (XEP-0368).
	DirectTLSAddr string
	// APIURL is the base URL of ejabberd's HTTP API (mod_http_api) on
	// loopback, open to loopback callers for every command: POST
	// APIURL+"/register" with a JSON object of arguments.
	APIURL string
	// CAFile is the PEM file of the server's self-signed certificate,
	// valid for Domain, localhost, 127.0.0.1 and ::1.
	CAFile string
	// CAPool holds that certificate: pass it as tls.Config.RootCAs.
	CAPool *x509.CertPool
	// Dir is the folder holding everything the server uses: its
	// configuration, Mnesia spool, certificate, key, logs and $HOME.
	Dir string
	// ConfigFile is ejabberd's configuration file, inside Dir.
	ConfigFile string
	// LogFile is ejabberd's log, inside Dir.
	LogFile string

	proc *testproc.Process
}

// ErrKilled is the error of Stop when ejabberd was still running 10
// seconds after SIGTERM and had to be killed.
var ErrKilled = testproc.ErrKilled

// ErrUserExists is the error of RegisterErr when the account exists.
var ErrUserExists = errors.New("ejabberdtest: user already exists")

// notInstalled is the message of Start when ejabberd is missing.
const notInstalled = "ejabberdtest: ejabberd not installed (apt-get install -y ejabberd)"

const (
	defaultStartTimeout = 60 * time.Second // an Erlang VM on a busy 2-core machine can take 20 s
	stopGrace           = 10 * time.Second // between SIGTERM and SIGKILL
	apiTimeout          = 30 * time.Second
	startAttempts       = 5 // on a port taken between picking and binding
	pollInterval        = 50 * time.Millisecond
	tailLines           = 40
)

// installation is where Debian's package put ejabberd: the Erlang
// runtime and the folder of ejabberd's applications (ERL_LIBS).
type installation struct {
	erl, libs string
}

// find locates erl and ejabberd's applications: ERL_LIBS as ejabberdctl
// sets it, or the folder holding an ejabberd-* application.
func find() (installation, error) {
	erl, err := exec.LookPath("erl")
	if err != nil {
		return installation{}, fmt.Errorf("ejabberdtest: %w", err)
	}
	ctl, err := exec.LookPath("ejabberdctl")
	if err != nil {
		ctl = "/usr/sbin/ejabberdctl" // root's PATH may lack /usr/sbin
	}
	if b, err := os.ReadFile(ctl); err == nil {
		if m := regexp.MustCompile(`(?m)^ERL_LIBS='?([^'\n]+)'?$`).FindSubmatch(b); m != nil {
			libs := string(m[1])
			if apps, _ := filepath.Glob(filepath.Join(libs, "ejabberd-*", "ebin", "ejabberd.app")); len(apps) > 0 {
				return installation{erl, libs}, nil
			}
		}
	}
	for _, pattern := range []string{"/usr/lib/*/ejabberd-*/ebin/ejabberd.app", "/usr/lib/erlang/lib/ejabberd-*/ebin/ejabberd.app"} {
		if apps, _ := filepath.Glob(pattern); len(apps) > 0 {
			return installation{erl, filepath.Dir(filepath.Dir(filepath.Dir(apps[0])))}, nil
		}
	}
	return installation{}, errors.New("ejabberdtest: no ejabberd application found (ejabberdctl, /usr/lib/*/ejabberd-*)")
}

// Available reports whether ejabberd and the Erlang runtime are installed:
// nil when they are, an error saying what is missing otherwise.
func Available() error {
	_, err := find()
	return err
}

// Start starts a server in a folder from tb.TempDir and stops it in
// tb.Cleanup, writing its log to the test output when the test failed. A
// server that crashed or exited with a failure status fails the test at
// cleanup; one that had to be killed (ErrKilled) is only logged. When
// ejabberd is not installed the test is skipped, or fails when the
// environment variable CI is "true". A server that does not start fails
// the test with the end of its log.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	return harness(opts).StartTB(tb)
}

// StartProcess starts a server in a new temporary folder, for callers
// without a testing.TB (a load-test command). The returned stop function
// stops the server (see Stop) and removes the folder; read Log before.
// It returns an error when ejabberd is not installed or does not start.
func StartProcess(opts Options) (*Server, func() error, error) {
	return harness(opts).StartProcess()
}

// harness is the shared start and stop of internal/testproc.
func harness(opts Options) testproc.Harness[*Server] {
	return testproc.Harness[*Server]{
		Name:         "ejabberdtest",
		NotInstalled: notInstalled,
		Available:    Available,
		Start:        func(dir string) (*Server, error) { return start(dir, opts) },
		Stop:         (*Server).Stop,
		Describe:     func(s *Server) (string, string) { return s.Domain, s.Log() },
	}
}

// Stop stops the server: SIGTERM (the Erlang VM shuts down cleanly), then
// SIGKILL after 10 seconds, and waits for the process to end. It returns
// an error when the process had already exited (a crash), exited with a
// failure status, or had to be killed (matching ErrKilled). Calls after the
// first return the first result.
func (s *Server) Stop() error {
	if err := s.proc.Stop(stopGrace); err != nil {
		return fmt.Errorf("ejabberdtest: %w", err)
	}
	return nil
}

// Pid returns the process ID of the Erlang VM running the server.
func (s *Server) Pid() int { return s.proc.Pid() }

// Register creates the account user@Domain with password, failing tb on
// error (an existing account is an error).
func (s *Server) Register(tb testing.TB, user, password string) {
	tb.Helper()
	if err := s.RegisterErr(user, password); err != nil {
		tb.Fatal(err)
	}
}

// RegisterErr creates the account user@Domain with password through the
// HTTP API's register command. An existing account gives an error
// matching ErrUserExists.
func (s *Server) RegisterErr(user, password string) error {
	if user == "" || strings.ContainsAny(user, "@/") {
		return fmt.Errorf("ejabberdtest: register %q: not a localpart", user)
	}
	jid := user + "@" + s.Domain
	_, err := s.Command("register", map[string]any{"user": user, "host": s.Domain, "password": password})
	var ce *CommandError
	if errors.As(err, &ce) && strings.Contains(ce.Message, "already registered") {
		return fmt.Errorf("ejabberdtest: register %s: %w", jid, ErrUserExists)
	}
	if err != nil {
		return fmt.Errorf("ejabberdtest: register %s: %w", jid, err)
	}
	return nil
}

// apiClient talks to the HTTP API directly, never through a proxy.
var apiClient = &http.Client{Transport: &http.Transport{Proxy: nil}}

// CommandError is the error of Command when ejabberd refused the command.
type CommandError struct {
	Command string
	Status  int // HTTP status
	Code    int // ejabberd's error code, 0 when none
	Message string
}

func (e *CommandError) Error() string {
	return fmt.Sprintf("ejabberd command %s: HTTP %d: %s", e.Command, e.Status, e.Message)
}

// Command runs an ejabberd API command (the names and arguments of
// "ejabberdctl help") through the HTTP API and returns its JSON result.
func (s *Server) Command(name string, args map[string]any) (json.RawMessage, error) {
	if args == nil {
		args = map[string]any{}
	}
	body, err := json.Marshal(args)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), apiTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.APIURL+"/"+name, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := apiClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		ce := &CommandError{Command: name, Status: resp.StatusCode, Message: strings.TrimSpace(string(out))}
		var e struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		if json.Unmarshal(out, &e) == nil && e.Message != "" {
			ce.Code, ce.Message = e.Code, e.Message
		}
		return nil, ce
	}
	return json.RawMessage(out), nil
}

// Log returns ejabberd's log so far ("" when it cannot be read).
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.LogFile)
	return string(b)
}

// TLSConfig returns a client configuration trusting the server's
// certificate, with ServerName set to Domain.
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.CAPool, ServerName: s.Domain}
}

// errPortTaken reports that ejabberd could not bind a port we picked.
var errPortTaken = errors.New("ejabberdtest: port taken")

// start writes a configuration and certificate into dir and starts
// ejabberd, retrying with new ports when one was taken in between.
func start(dir string, opts Options) (*Server, error) {
	if opts.Domain == "" {
		opts.Domain = "localhost"
	}
	switch opts.SCRAMHash {
	case "":
		opts.SCRAMHash = "sha"
	case "sha", "sha256", "sha512":
	default:
		return nil, fmt.Errorf("ejabberdtest: SCRAMHash %q is not sha, sha256 or sha512", opts.SCRAMHash)
	}
	if opts.MaxClients < 0 {
		return nil, fmt.Errorf("ejabberdtest: MaxClients %d is negative", opts.MaxClients)
	}
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = defaultStartTimeout
	}
	if os.Getenv("EJABBERDTEST_DEBUG") == "1" {
		opts.Debug = true
	}
	inst, err := find()
	if err != nil {
		return nil, err
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
		return nil, errors.New("ejabberdtest: generated certificate does not parse")
	}
	for _, sub := range []string{spoolName, homeName} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, fmt.Errorf("ejabberdtest: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, inetrcName), []byte(inetrc), 0o644); err != nil {
		return nil, fmt.Errorf("ejabberdtest: %w", err)
	}
	for attempt := 1; ; attempt++ {
		ports, err := pickPorts(3)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(s.ConfigFile, []byte(opts.config(dir, ports[0], ports[1], ports[2])), 0o644); err != nil {
			return nil, fmt.Errorf("ejabberdtest: %w", err)
		}
		s.C2SAddr = loopback(ports[0])
		s.DirectTLSAddr = loopback(ports[1])
		s.APIURL = "http://" + loopback(ports[2]) + "/api"
		p, err := launch(inst, dir, opts.MaxClients)
		if err != nil {
			return nil, err
		}
		s.proc = p
		err = s.waitReady(opts.StartTimeout)
		if err == nil {
			return s, nil
		}
		p.Stop(stopGrace)
		if !errors.Is(err, errPortTaken) || attempt == startAttempts {
			return nil, fmt.Errorf("%w\n%s", err, tail(dir))
		}
		// Keep the failed attempt's logs aside; the next one starts afresh.
		for _, name := range []string{logName, errorLog} {
			os.Rename(filepath.Join(dir, name), filepath.Join(dir, fmt.Sprintf("%s.attempt%d", name, attempt)))
		}
		os.RemoveAll(filepath.Join(dir, spoolName))
		os.MkdirAll(filepath.Join(dir, spoolName), 0o700)
	}
}

// pickPorts is testproc.FreePorts, replaced in a test to force a bind
// failure.
var pickPorts = freePorts

var freePorts = testproc.FreePorts

func loopback(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }

// launch starts the Erlang VM with ejabberd as ejabberdctl's foreground
// command would, but as the calling user, with no node name (so no
// Erlang distribution, epmd or cookie), and with every file in dir.
func launch(inst installation, dir string, maxClients int) (*testproc.Process, error) {
	args := []string{
		"-noinput",
		"-mnesia", "dir", strconv.Quote(filepath.Join(dir, spoolName)),
		"-s", "ejabberd",
	}
	if maxClients > 0 {
		args = append([]string{"+Q", strconv.Itoa(4*maxClients + 1024)}, args...)
	}
	cmd := exec.Command(inst.erl, args...)
	if maxClients > 0 {
		cmd = testproc.RaiseFileLimit(cmd, uint64(maxClients)*2+256)
	}
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"HOME="+filepath.Join(dir, homeName),
		"EJABBERD_CONFIG_PATH="+filepath.Join(dir, configName),
		"EJABBERD_LOG_PATH="+filepath.Join(dir, logName),
		"ERL_LIBS="+inst.libs,
		"ERL_CRASH_DUMP="+filepath.Join(dir, crashName),
		"ERL_CRASH_DUMP_BYTES=0",
		"ERL_INETRC="+filepath.Join(dir, inetrcName),
	)
	p, err := testproc.Launch("ejabberd", cmd, filepath.Join(dir, consoleName))
	if err != nil {
		return nil, fmt.Errorf("ejabberdtest: %w", err)
	}
	return p, nil
}

// failures are log lines that mean the start failed; bindFailure means a
// port we picked was taken.
var (
	bindFailure = regexp.MustCompile(`(?i)eaddrinuse|address already in use`)
	failures    = []string{"Failed to start ejabberd application", "[critical]"}
)

// waitReady waits until the HTTP API answers that the node is started and
// both client ports accept a TCP connection.
func (s *Server) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		log := s.Log()
		if loc := bindFailure.FindStringIndex(log); loc != nil {
			return fmt.Errorf("%w: %s", errPortTaken, testproc.LineAt(log, loc[0]))
		}
		for _, f := range failures {
			if i := strings.Index(log, f); i >= 0 {
				return fmt.Errorf("ejabberdtest: %s", testproc.LineAt(log, i))
			}
		}
		if err := s.proc.Exited(); err != nil {
			return fmt.Errorf("ejabberdtest: during start: %w", err)
		}
		if out, err := s.Command("status", nil); err == nil && bytes.Contains(out, []byte("is running")) &&
			testproc.Accepts(s.C2SAddr) && testproc.Accepts(s.DirectTLSAddr) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("ejabberdtest: ejabberd not ready on %s, %s and %s after %v", s.C2SAddr, s.DirectTLSAddr, s.APIURL, timeout)
		}
		time.Sleep(pollInterval)
	}
}

// tail returns the end of the logs and the console output in dir, for
// error messages.
func tail(dir string) string {
	if t := testproc.Tail(dir, tailLines, logName, errorLog, consoleName); t != "" {
		return t
	}
	return "(ejabberd wrote no log)"
}
