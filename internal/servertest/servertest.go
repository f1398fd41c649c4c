// Package servertest runs an integration test against every XMPP server
// the project is tested with: Prosody 0.12 (internal/prosodytest) and
// ejabberd 23.01 (internal/ejabberdtest), through one Server type and
// one set of options, so that a test is written once as a table over
// servers rather than copied.
//
//	func TestLogin(t *testing.T) {
//		servertest.ForEach(t, func(t *testing.T, kind servertest.Kind) {
//			s := servertest.Start(t, kind, servertest.Options{})
//			s.Register(t, "alice", "secret")
//			...
//		})
//	}
//
// Each server skips the test when it is not installed, or fails it when
// the environment variable CI is "true", as its package does.
package servertest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"testing"

	"github.com/protoxmpp/protoxmpp/internal/ejabberdtest"
	"github.com/protoxmpp/protoxmpp/internal/prosodytest"
)

// Kind names a server.
type Kind string

const (
	Prosody  Kind = "prosody"
	Ejabberd Kind = "ejabberd"
)

// Kinds lists every server, in the order ForEach runs them.
var Kinds = []Kind{Prosody, Ejabberd}

// ParseKind returns the Kind named s.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("servertest: unknown server %q (prosody or ejabberd)", s)
}

// Options are the settings both servers understand.
type Options struct {
	// SCRAM is the hash of the SCRAM mechanism the server offers: "SHA-1"
	// (the default) or "SHA-256"; "SHA-512" on ejabberd only.
	SCRAM string
	// TLS12Only caps TLS at version 1.2 (where both servers offer -PLUS
	// with tls-unique).
	TLS12Only bool
	// AllowPlain lets clients stay unencrypted and use PLAIN without TLS.
	AllowPlain bool
	// NoStreamManagement turns XEP-0198 off (ejabberd only: Prosody's
	// harness always loads mod_smacks).
	NoStreamManagement bool
	// NoResumption offers Stream Management but no resumption: Prosody
	// keeps no session once its connection is gone (a <resume/> fails
	// with item-not-found), ejabberd enables it without resume.
	NoResumption bool
	// PlainStorage stores passwords in clear so that every SCRAM variant
	// is offered (Prosody only).
	PlainStorage bool
	// MaxClients prepares the server for that many connections.
	MaxClients int
}

// Server is a running server of either kind. Its fields are read-only.
type Server struct {
	Kind Kind
	// Domain is the virtual host: users are user@Domain.
	Domain string
	// C2SAddr is the client port, STARTTLS; DirectTLSAddr speaks TLS at
	// once (XEP-0368).
	C2SAddr, DirectTLSAddr string
	// CAFile and CAPool hold the server's self-signed certificate.
	CAFile string
	CAPool *x509.CertPool
	// Dir holds everything the server uses.
	Dir string

	register func(user, password string) error
	log      func() string
	stop     func() error
	prosody  *prosodytest.Server
	ejabberd *ejabberdtest.Server
}

// ForEach runs f as a parallel subtest per server kind, named after it.
func ForEach(t *testing.T, f func(t *testing.T, kind Kind)) {
	t.Helper()
	for _, k := range Kinds {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			f(t, k)
		})
	}
}

// Start starts a server of kind for tb, as prosodytest.Start or
// ejabberdtest.Start do (stopped in tb.Cleanup).
func Start(tb testing.TB, kind Kind, opts Options) *Server {
	tb.Helper()
	switch kind {
	case Prosody:
		po, err := prosodyOptions(opts)
		if err != nil {
			tb.Fatal(err)
		}
		return fromProsody(prosodytest.Start(tb, po), nil)
	case Ejabberd:
		eo, err := ejabberdOptions(opts)
		if err != nil {
			tb.Fatal(err)
		}
		return fromEjabberd(ejabberdtest.Start(tb, eo), nil)
	}
	tb.Fatalf("servertest: unknown server %q", kind)
	return nil
}

// StartProcess starts a server of kind for a program without a
// testing.TB; stop stops it and removes its folder.
func StartProcess(kind Kind, opts Options) (s *Server, stop func() error, err error) {
	switch kind {
	case Prosody:
		po, err := prosodyOptions(opts)
		if err != nil {
			return nil, nil, err
		}
		ps, stop, err := prosodytest.StartProcess(po)
		if err != nil {
			return nil, nil, err
		}
		return fromProsody(ps, stop), stop, nil
	case Ejabberd:
		eo, err := ejabberdOptions(opts)
		if err != nil {
			return nil, nil, err
		}
		es, stop, err := ejabberdtest.StartProcess(eo)
		if err != nil {
			return nil, nil, err
		}
		return fromEjabberd(es, stop), stop, nil
	}
	return nil, nil, fmt.Errorf("servertest: unknown server %q", kind)
}

func prosodyOptions(o Options) (prosodytest.Options, error) {
	po := prosodytest.Options{TLS12Only: o.TLS12Only, AllowPlain: o.AllowPlain, PlainStorage: o.PlainStorage, MaxClients: o.MaxClients, NoResumption: o.NoResumption}
	switch o.SCRAM {
	case "", "SHA-1":
	case "SHA-256":
		po.SCRAMSHA256 = true
	default:
		return po, fmt.Errorf("servertest: Prosody 0.12 offers no SCRAM-%s", o.SCRAM)
	}
	return po, nil
}

func ejabberdOptions(o Options) (ejabberdtest.Options, error) {
	eo := ejabberdtest.Options{TLS12Only: o.TLS12Only, AllowPlain: o.AllowPlain, NoStreamManagement: o.NoStreamManagement, NoResumption: o.NoResumption, MaxClients: o.MaxClients}
	if o.PlainStorage {
		return eo, errors.New("servertest: PlainStorage is for Prosody only")
	}
	switch o.SCRAM {
	case "", "SHA-1":
		eo.SCRAMHash = "sha"
	case "SHA-256":
		eo.SCRAMHash = "sha256"
	case "SHA-512":
		eo.SCRAMHash = "sha512"
	default:
		return eo, fmt.Errorf("servertest: no SCRAM-%s", o.SCRAM)
	}
	return eo, nil
}

func fromProsody(p *prosodytest.Server, stop func() error) *Server {
	if stop == nil {
		stop = p.Stop
	}
	return &Server{
		Kind: Prosody, Domain: p.Domain, C2SAddr: p.C2SAddr, DirectTLSAddr: p.DirectTLSAddr,
		CAFile: p.CAFile, CAPool: p.CAPool, Dir: p.Dir,
		register: p.RegisterErr, log: p.Log, stop: stop, prosody: p,
	}
}

func fromEjabberd(e *ejabberdtest.Server, stop func() error) *Server {
	if stop == nil {
		stop = e.Stop
	}
	return &Server{
		Kind: Ejabberd, Domain: e.Domain, C2SAddr: e.C2SAddr, DirectTLSAddr: e.DirectTLSAddr,
		CAFile: e.CAFile, CAPool: e.CAPool, Dir: e.Dir,
		register: e.RegisterErr, log: e.Log, stop: stop, ejabberd: e,
	}
}

// Register creates the account user@Domain, failing tb on error.
func (s *Server) Register(tb testing.TB, user, password string) {
	tb.Helper()
	if err := s.register(user, password); err != nil {
		tb.Fatal(err)
	}
}

// RegisterErr creates the account user@Domain.
func (s *Server) RegisterErr(user, password string) error { return s.register(user, password) }

// Log returns the server's log so far.
func (s *Server) Log() string { return s.log() }

// Stop stops the server (Start's cleanup does it too; calls after the
// first return the first result).
func (s *Server) Stop() error { return s.stop() }

// TLSConfig returns a client configuration trusting the server's
// certificate, with ServerName set to Domain.
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.CAPool, ServerName: s.Domain}
}

// Prosody returns the underlying Prosody, nil for another kind.
func (s *Server) Prosody() *prosodytest.Server { return s.prosody }

// Ejabberd returns the underlying ejabberd, nil for another kind.
func (s *Server) Ejabberd() *ejabberdtest.Server { return s.ejabberd }
