package client_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/bind"
	"github.com/protoxmpp/protoxmpp/stanza/preapproval"
	"github.com/protoxmpp/protoxmpp/stanza/rosterver"
	"github.com/protoxmpp/protoxmpp/stanza/sasl"
	"github.com/protoxmpp/protoxmpp/stanza/session"
	"github.com/protoxmpp/protoxmpp/stanza/starttls"
	"github.com/protoxmpp/protoxmpp/stanza/streams"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
	"github.com/protoxmpp/protoxmpp/stream"
	"github.com/xdg-go/scram"
)

const (
	testDomain   = "example.com"
	testUser     = "juliet"
	testPassword = "r0m30"
	// testIDNDomain is an internationalized domain, and testIDNASCII its
	// A-label form (RFC 5891), for which the test certificate is valid too.
	testIDNDomain = "bücher.example"
	testIDNASCII  = "xn--bcher-kva.example"
)

var testJID = jid.MustParse(testUser + "@" + testDomain)

// serverOpts scripts the fake server's negotiation.
type serverOpts struct {
	starttls        bool             // offer STARTTLS (needs cert)
	directTLS       bool             // TLS from the first byte (needs cert)
	cert            *tls.Certificate // the server's certificate
	rosterVer       bool             // advertise roster versioning
	preApproval     bool             // advertise pre-approval
	sessionRequired bool             // advertise a non-optional legacy session
	noBind          bool             // leave bind out of the features
	domain          string           // the server's domain; testDomain when empty
	// scram offers SCRAM-SHA-1 instead of PLAIN, ending the exchange as
	// named: "data" (success carries the server signature), "challenge"
	// (the signature comes as a last challenge, success is empty),
	// "nodata" (no signature at all) or "badsig" (a wrong signature).
	scram string
}

// fakeServer is the receiving entity of one connection, scripted by the
// test: a server-role stream.Stream over one end of a net.Pipe.
type fakeServer struct {
	t    *testing.T
	opts serverOpts

	mu      sync.Mutex // guards s, conn writes, headers, handler
	conn    net.Conn
	s       *stream.Stream
	headers []stream.Header
	sni     []string                     // the server names of the TLS handshakes
	handler func(el stanza.Element) bool // true: handled, not queued

	got    chan stanza.Element // elements received after binding
	closed chan struct{}       // the client's closing tag arrived
	ended  chan struct{}       // the server goroutine returned
}

// startServer runs a fake server on one end of a pipe and returns the
// other end for the client.
func startServer(t *testing.T, opts serverOpts) (net.Conn, *fakeServer) {
	t.Helper()
	cconn, pconn := net.Pipe()
	sconn := newQueuedConn(pconn)
	srv := &fakeServer{
		t: t, opts: opts, conn: sconn,
		got:    make(chan stanza.Element, 1024),
		closed: make(chan struct{}),
		ended:  make(chan struct{}),
	}
	srv.s = stream.New(srv.streamConfig())
	go srv.run()
	t.Cleanup(func() {
		sconn.Close()
		<-srv.ended
	})
	return cconn, srv
}

func (srv *fakeServer) streamConfig() stream.Config {
	return stream.Config{
		Role: stream.Receiving,
		Verify: func(mech string) stream.Verifier {
			if srv.opts.scram != "" {
				if mech != "SCRAM-SHA-1" {
					return nil
				}
				return newSCRAMVerifier(srv.t, srv.opts.scram)
			}
			if mech != "PLAIN" {
				return nil
			}
			return stream.PlainVerifier(func(authzid, user, pass string) error {
				if user != testUser || pass != testPassword {
					return stream.SASLNotAuthorized
				}
				return nil
			})
		},
		Bind: func(res *string) (string, error) {
			r := "gen-1"
			if res != nil {
				r = *res
			}
			return testUser + "@" + srv.domain() + "/" + r, nil
		},
	}
}

func (srv *fakeServer) domain() string {
	if srv.opts.domain != "" {
		return srv.opts.domain
	}
	return testDomain
}

// tlsConfig serves the certificate and records the server name the client
// asked for.
func (srv *fakeServer) tlsConfig() *tls.Config {
	return &tls.Config{
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			srv.mu.Lock()
			srv.sni = append(srv.sni, hello.ServerName)
			srv.mu.Unlock()
			return srv.opts.cert, nil
		},
		SessionTicketsDisabled: true,
	}
}

func (srv *fakeServer) run() {
	defer close(srv.ended)
	if srv.opts.directTLS {
		tc := tls.Server(srv.conn, srv.tlsConfig())
		if tc.Handshake() != nil {
			return
		}
		srv.mu.Lock()
		srv.conn = tc
		srv.mu.Unlock()
	}
	tlsDone := srv.opts.directTLS
	buf := make([]byte, 4096)
	for {
		srv.mu.Lock()
		conn := srv.conn
		srv.mu.Unlock()
		n, err := conn.Read(buf)
		if err != nil {
			return
		}
		srv.mu.Lock()
		srv.s.Feed(buf[:n])
		var switchTLS bool
		for ev := srv.s.Next(); ev.Kind != stream.EventNone; ev = srv.s.Next() {
			switch ev.Kind {
			case stream.EventOpen:
				srv.headers = append(srv.headers, ev.Header)
				srv.s.Open(stream.Header{From: srv.domain()})
				var f []stanza.Element
				switch {
				case srv.opts.starttls && !tlsDone:
					f = []stanza.Element{&starttls.Starttls{Required: true}}
				case !srv.s.Authenticated() && srv.opts.scram != "":
					f = []stanza.Element{&sasl.Mechanisms{Mechanism: []string{"SCRAM-SHA-1"}}}
				case !srv.s.Authenticated():
					f = []stanza.Element{&sasl.Mechanisms{Mechanism: []string{"PLAIN"}}}
				default:
					if !srv.opts.noBind {
						f = append(f, &bind.Bind{})
					}
					f = append(f, &session.Session{Optional: !srv.opts.sessionRequired})
					if srv.opts.rosterVer {
						f = append(f, &rosterver.Ver{})
					}
					if srv.opts.preApproval {
						f = append(f, &preapproval.Sub{})
					}
				}
				srv.s.SendFeatures(&streams.Features{Any: f})
			case stream.EventNegotiated:
				switch ev.Step {
				case stream.StepTLS:
					switchTLS = true
				case stream.StepSASL:
					srv.s.Restart()
				}
			case stream.EventElement:
				h := srv.handler
				if h == nil || !h(ev.Element) {
					srv.got <- ev.Element
				}
			case stream.EventClose:
				close(srv.closed)
			}
		}
		out := bytes.Clone(srv.s.Output())
		srv.mu.Unlock()
		if len(out) > 0 {
			if _, err := conn.Write(out); err != nil {
				return
			}
		}
		if switchTLS {
			tc := tls.Server(conn, srv.tlsConfig())
			if tc.Handshake() != nil {
				return
			}
			srv.mu.Lock()
			srv.conn = tc
			srv.s = stream.New(srv.streamConfig())
			srv.mu.Unlock()
			tlsDone = true
		}
	}
}

// handle sets the function called on the server goroutine for each
// element received; returning true keeps it out of got. It may call
// sendLocked.
func (srv *fakeServer) handle(f func(el stanza.Element) bool) {
	srv.mu.Lock()
	srv.handler = f
	srv.mu.Unlock()
}

// send writes elements to the client.
func (srv *fakeServer) send(els ...stanza.Element) {
	srv.t.Helper()
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for _, el := range els {
		if err := srv.s.Send(el); err != nil {
			srv.t.Errorf("server send: %v", err)
		}
	}
	srv.flushLocked()
}

// sendLocked queues el from inside a handler; run flushes it.
func (srv *fakeServer) sendLocked(el stanza.Element) {
	if err := srv.s.Send(el); err != nil {
		srv.t.Errorf("server send: %v", err)
	}
}

func (srv *fakeServer) flushLocked() {
	out := bytes.Clone(srv.s.Output())
	if len(out) > 0 {
		srv.conn.Write(out)
	}
}

// sendRaw writes raw bytes to the client.
func (srv *fakeServer) sendRaw(s string) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	srv.conn.Write([]byte(s))
}

// closeStream closes the stream from the server side.
func (srv *fakeServer) closeStream() {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	srv.s.Close()
	srv.flushLocked()
}

// sendError sends a stream error and the closing tag.
func (srv *fakeServer) sendError(e *stream.Error) {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	srv.s.SendError(e)
	srv.flushLocked()
}

// next returns the next element the client sent after negotiation.
func (srv *fakeServer) next() stanza.Element {
	srv.t.Helper()
	select {
	case el := <-srv.got:
		return el
	case <-time.After(5 * time.Second):
		srv.t.Fatal("timeout waiting for the client to send an element")
		return nil
	}
}

// nextIQ returns the next element, which must be an IQ.
func (srv *fakeServer) nextIQ() *xmpp.IQ {
	srv.t.Helper()
	el := srv.next()
	iq, ok := el.(*xmpp.IQ)
	if !ok {
		srv.t.Fatalf("client sent %s, want an IQ", marshal(srv.t, el))
	}
	return iq
}

// quiet checks that the client sends nothing for a moment.
func (srv *fakeServer) quiet(d time.Duration) {
	srv.t.Helper()
	select {
	case el := <-srv.got:
		srv.t.Errorf("client sent %s, want nothing", marshal(srv.t, el))
	case <-time.After(d):
	}
}

func marshal(t *testing.T, el stanza.Element) string {
	t.Helper()
	b, err := stanza.Marshal(el)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}

// testCtx returns a context that ends with the test, bounded to 10s.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// connect negotiates a client session with a fake server.
func connect(t *testing.T, sopts serverOpts, copts client.Options) (*client.Client, *fakeServer) {
	t.Helper()
	conn, srv := startServer(t, sopts)
	if sopts.cert == nil {
		copts.InsecurePlaintext = true
	}
	c, err := client.NewClient(testCtx(t), conn, testJID, testPassword, copts)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c, srv
}

// testCA is a certificate authority and a server certificate for
// testDomain and testIDNASCII signed by it, made once per test binary.
var testCA = sync.OnceValues(func() (*x509.CertPool, *tls.Certificate) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		panic(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: testDomain},
		DNSNames: []string{testDomain, testIDNASCII}, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		panic(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	return pool, &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
})

// waitFor polls cond until it holds or a few seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timeout waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// scramVerifier is the server side of SCRAM-SHA-1 for testUser, from
// xdg-go/scram, with the end of the exchange scripted by mode.
type scramVerifier struct {
	conv  *scram.ServerConversation
	mode  string
	final bool // the server-final-message was sent as a challenge
}

func newSCRAMVerifier(t *testing.T, mode string) *scramVerifier {
	cl, err := scram.SHA1.NewClient(testUser, testPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	creds := cl.GetStoredCredentials(scram.KeyFactors{Salt: "NaCl-for-tests", Iters: 4096})
	sv, err := scram.SHA1.NewServer(func(string) (scram.StoredCredentials, error) { return creds, nil })
	if err != nil {
		t.Fatal(err)
	}
	return &scramVerifier{conv: sv.NewConversation(), mode: mode}
}

func (v *scramVerifier) Step(resp []byte) ([]byte, bool, error) {
	if v.final { // the empty response to the last challenge
		return nil, true, nil
	}
	out, err := v.conv.Step(string(resp))
	if err != nil {
		return nil, false, stream.SASLNotAuthorized
	}
	if !v.conv.Done() {
		return []byte(out), false, nil // server-first-message
	}
	switch v.mode {
	case "challenge":
		v.final = true
		return []byte(out), false, nil
	case "nodata":
		return nil, true, nil
	case "badsig":
		return []byte("v=" + base64.StdEncoding.EncodeToString(make([]byte, 20))), true, nil
	}
	return []byte(out), true, nil
}

// queuedConn makes the server's writes never block, as a socket buffer
// would: net.Pipe is synchronous, and a TLS peer that stops reading in the
// middle of a flight (to send an alert) would otherwise deadlock both ends.
type queuedConn struct {
	net.Conn
	mu     sync.Mutex
	cond   *sync.Cond
	queue  [][]byte
	closed bool
}

func newQueuedConn(c net.Conn) *queuedConn {
	q := &queuedConn{Conn: c}
	q.cond = sync.NewCond(&q.mu)
	go q.pump()
	return q
}

func (q *queuedConn) Write(p []byte) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0, net.ErrClosed
	}
	q.queue = append(q.queue, bytes.Clone(p))
	q.cond.Signal()
	return len(p), nil
}

func (q *queuedConn) pump() {
	for {
		q.mu.Lock()
		for len(q.queue) == 0 && !q.closed {
			q.cond.Wait()
		}
		if len(q.queue) == 0 {
			q.mu.Unlock()
			return
		}
		b := q.queue[0]
		q.queue = q.queue[1:]
		q.mu.Unlock()
		if _, err := q.Conn.Write(b); err != nil {
			return
		}
	}
}

// Close closes the connection; writes still queued are dropped.
func (q *queuedConn) Close() error {
	q.mu.Lock()
	q.closed = true
	q.cond.Signal()
	q.mu.Unlock()
	return q.Conn.Close()
}
