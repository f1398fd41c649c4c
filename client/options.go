package client

import (
	"context"
	"crypto/x509"
	"log/slog"
	"net"
	"time"

	"github.com/protoxmpp/protoxmpp/stanza"
)

// Options configures Dial and NewClient. The zero value connects through
// DNS SRV records with TLS verified against the system roots, lets the
// server choose the resource, and uses the strongest SASL mechanism both
// sides support.
type Options struct {
	// Resource is the resourcepart to request at binding; when empty, the
	// resourcepart of the JID given to Dial or NewClient is requested, and
	// when that is empty too the server chooses (RFC 6120 section 7.6).
	// The server may bind another one (Client.JID tells).
	Resource string
	// Lang is the default language of the stream (xml:lang), such as "en".
	Lang string

	// Server is a "host:port" to connect to instead of resolving the
	// domain's SRV records.
	Server string
	// DirectTLS makes the connection to Server use TLS from the first byte
	// (XEP-0368) instead of STARTTLS. For NewClient it means the connection
	// given is plain TCP on which the TLS handshake must be done first (a
	// *tls.Conn is recognized as TLS already).
	DirectTLS bool
	// Resolver looks up SRV records; nil is net.DefaultResolver.
	Resolver Resolver
	// Dialer opens TCP connections; nil is a net.Dialer.
	Dialer Dialer

	// RootCAs are the certificate authorities trusted to sign the server's
	// certificate; nil is the system pool.
	RootCAs *x509.CertPool
	// InsecureSkipTLSVerify disables the verification of the server's
	// certificate. WARNING: anyone on the path can then impersonate the
	// server, read everything and steal the password. For tests only.
	InsecureSkipTLSVerify bool
	// InsecurePlaintext allows a session without TLS when the server offers
	// no STARTTLS, and SASL PLAIN on it. WARNING: the password and every
	// stanza then cross the network in clear. For tests only. TLS is still
	// used whenever the server offers it.
	InsecurePlaintext bool

	// Mechanisms restricts SASL to these mechanism names (in any order:
	// the strongest one the server offers is used); nil allows all that
	// package auth implements.
	Mechanisms []string

	// Roster is a roster saved from an earlier session (Client.RosterSnapshot):
	// the cache starts with it, and Roster sends its version so that a
	// server supporting roster versioning (RFC 6121 section 2.6) can answer
	// "no change".
	Roster *Roster

	// SoftwareName, SoftwareVersion and SoftwareOS are the answer to
	// software version requests (XEP-0092); the name and version default
	// to "protoxmpp" and the module's version, the operating system is sent
	// only when set.
	SoftwareName    string
	SoftwareVersion string
	SoftwareOS      string

	// Limits bound what the server can make the client buffer and parse.
	Limits stanza.Limits
	// IsolateStanzas gives each stanza handed to the handlers memory of
	// its own (stream.Config.Isolate). By default stanzas are decoded
	// where they were read, and a stanza a handler keeps keeps in memory
	// the bytes read around it and the values decoded beside it: for an
	// application that keeps a few stanzas of many for long (one message
	// in a hundred of a busy stream), several KB each, against the
	// stanza's own size isolated.
	IsolateStanzas bool
	// QueueSize is the number of received stanzas waiting for the handlers
	// before the reader stops reading; default 1024. The queue grows with
	// the stanzas waiting and shrinks as the handlers catch up: QueueSize
	// bounds it, it does not preallocate it.
	QueueSize int
	// CloseTimeout bounds how long Close waits for the server's closing
	// tag; default 5 seconds.
	CloseTimeout time.Duration

	// SkipSendValidation turns off the validation of what Send and the
	// methods built on it send. By default a stanza that does not validate
	// against its schemas (stanza.Validate) is not sent and its violations
	// are returned: strict on send. Turn it off to relay what others sent
	// as it came.
	SkipSendValidation bool

	// Logger receives what the client notices but returns to nobody (an
	// IQ request without id, dropped); nil is slog.Default().
	Logger *slog.Logger

	// NoStreamManagement turns off Stream Management (XEP-0198), which is
	// otherwise enabled, with resumption, whenever the server offers it:
	// every stanza sent is kept until the server acknowledges it, and a
	// lost connection is resumed without losing or repeating any.
	NoStreamManagement bool
	// AckEvery is the number of unacknowledged stanzas after which an
	// acknowledgement is requested; default 8.
	AckEvery int
	// AckInterval is how long a stanza may stay unacknowledged before an
	// acknowledgement is requested; default 10 seconds.
	AckInterval time.Duration
	// AckTimeout is how long an acknowledgement request may stay
	// unanswered before the connection is taken for dead and dropped
	// (and, with Reconnect, re-established); default 30 seconds.
	AckTimeout time.Duration

	// Reconnect says how a session made by Dial (or by NewClient with
	// Redial set) survives a lost connection. By default it reconnects:
	// see Reconnect.
	Reconnect Reconnect
	// Redial opens a new connection to the server for NewClient's
	// reconnections (Dial reconnects through its own resolution); nil
	// leaves a NewClient session to end when its connection is lost.
	Redial func(ctx context.Context) (net.Conn, error)

	// Trace, when set, is called with every chunk of bytes read from
	// (in=true) or written to the stream, after TLS decryption. It must not
	// keep p. It sees the password of SASL PLAIN (base64-encoded).
	Trace func(in bool, p []byte)
}

// Reconnect is the reconnection policy of a session whose connection is
// lost (not closed by either side): it redials with exponential backoff
// and full jitter, authenticates again, and resumes the session when
// Stream Management allows it; otherwise, or when the server refuses the
// resumption, it starts a new session (see SessionEvent). The zero value
// reconnects for ever, from 500 ms to 1 minute between attempts, until
// Close.
type Reconnect struct {
	// Disabled ends the session when its connection is lost.
	Disabled bool
	// MinDelay is the delay before the first attempt; default 500 ms. Each
	// failed attempt doubles it, up to MaxDelay; the actual wait is drawn
	// at random between half of it and all of it.
	MinDelay time.Duration
	// MaxDelay caps the delay between attempts; default 1 minute.
	MaxDelay time.Duration
	// MaxAttempts ends the session after that many failed attempts in a
	// row; 0 means no limit.
	MaxAttempts int
	// AttemptTimeout bounds one attempt (connection, TLS, authentication,
	// resumption); default 30 seconds.
	AttemptTimeout time.Duration
}

// Resolver looks up DNS SRV records; *net.Resolver implements it.
type Resolver interface {
	LookupSRV(ctx context.Context, service, proto, name string) (cname string, addrs []*net.SRV, err error)
}

// Dialer opens network connections; *net.Dialer implements it.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

const (
	defaultQueueSize    = 1024
	defaultCloseTimeout = 5 * time.Second
	defaultAckEvery     = 8
	defaultAckInterval  = 10 * time.Second
	defaultAckTimeout   = 30 * time.Second
	defaultMinDelay     = 500 * time.Millisecond
	defaultMaxDelay     = time.Minute
	defaultAttemptTime  = 30 * time.Second
	// readBufSize is the size of the reads from the connection, a buffer
	// every session keeps. Bytes read go straight to the stream's framer,
	// which keeps what an element needs, so a bigger buffer only saves
	// calls to Read: over TLS, where a Read returns at most one record
	// from crypto/tls's own buffer, 2 KiB reads are as fast as 32 KiB ones
	// (BenchmarkReceive); over plain TCP, bulk input costs more system
	// calls.
	readBufSize = 2 << 10
)
