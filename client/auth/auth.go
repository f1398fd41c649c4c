package auth

import (
	"crypto/tls"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/protoxmpp/protoxmpp/stream"
)

// Config is what a mechanism needs to authenticate, and what the caller
// allows.
type Config struct {
	// Username is the authentication identity: for XMPP the localpart of
	// the account's JID (RFC 6120 section 6.3.7). Password is its password.
	// Both are prepared with SASLprep (see the package documentation).
	Username, Password string
	// Authzid is the optional authorization identity, a bare JID, sent
	// only when it differs from the identity Username authenticates (RFC
	// 6120 section 6.3.8); usually empty.
	Authzid string
	// TLS is the state of the connection's TLS layer, from
	// (*tls.Conn).ConnectionState after the handshake; nil when the
	// connection is not TLS. It decides whether PLAIN may be used and which
	// channel binding, if any, the -PLUS mechanisms use.
	TLS *tls.ConnectionState
	// Allowed, when not empty, restricts the mechanisms to these names
	// (any order: Preference still ranks them). Names must be ones this
	// package implements.
	Allowed []string
	// AllowPlainWithoutTLS lets PLAIN send the password over a connection
	// without TLS; without it PLAIN requires TLS.
	AllowPlainWithoutTLS bool
	// ChannelBindings are the channel-binding types the server advertised
	// with XEP-0440 (<sasl-channel-binding/>), nil (or empty) when it
	// advertised none. See the package documentation for how the type is
	// chosen.
	ChannelBindings []string
}

// Preference lists the mechanisms this package implements, strongest
// first: Select picks the first one the server offers that Config allows
// and that can be used on the connection.
var Preference = []string{
	"SCRAM-SHA-512-PLUS",
	"SCRAM-SHA-256-PLUS",
	"SCRAM-SHA-1-PLUS",
	"SCRAM-SHA-512",
	"SCRAM-SHA-256",
	"SCRAM-SHA-1",
	"PLAIN",
}

// Errors matched with errors.Is; the errors returned wrap them with details.
var (
	// ErrNoMechanism: no mechanism the server offered can be used: none is
	// implemented and allowed, a -PLUS one has no channel binding on this
	// connection, or PLAIN would go without TLS.
	ErrNoMechanism = errors.New("auth: no usable SASL mechanism")
	// ErrDowngrade: the offer looks stripped of channel binding, so
	// authenticating would let a man in the middle go unnoticed: the server
	// offers the -PLUS variant New was asked not to use although this side
	// can bind, or it advertises channel-binding types (XEP-0440) but no
	// -PLUS mechanism; or the server itself reported the downgrade
	// (e=server-does-support-channel-binding, RFC 5802 section 7).
	ErrDowngrade = errors.New("auth: channel binding downgrade")
	// ErrServerSignature: a SCRAM server did not prove it knows the
	// password: its server signature (the v= of the server-final-message,
	// RFC 5802 section 3) does not verify, or it never sent one.
	ErrServerSignature = errors.New("auth: server signature not verified")
)

// Mechanism is what Select and New return: a stream.Mechanism that can
// also say whether the exchange authenticated the server.
//
// stream.Stream gives the additional data of <success/> to Next, which
// checks a SCRAM server signature there; but a success with no additional
// data (the server-final-message having come as a challenge, or not at
// all) calls nothing. So after EventNegotiated StepSASL the caller must
// call Done (or Check) and drop the connection when it fails.
type Mechanism interface {
	stream.Mechanism
	// Done returns nil when the exchange completed and, for SCRAM, the
	// server signature verified; otherwise an error wrapping
	// ErrServerSignature (or the error the exchange ended with).
	Done() error
	// Verified reports whether Done would return nil.
	Verified() bool
	// ChannelBinding returns the channel-binding type the exchange binds
	// to ("tls-exporter", "tls-server-end-point", "tls-unique"), "" for
	// none.
	ChannelBinding() string
}

// Check returns m.Done() when m is a Mechanism of this package (or any
// with a Done method), nil otherwise. Call it after EventNegotiated
// StepSASL.
func Check(m stream.Mechanism) error {
	if d, ok := m.(interface{ Done() error }); ok {
		return d.Done()
	}
	return nil
}

// Select returns the strongest mechanism, in Preference order, among those
// offered (the server's <mechanisms/>) that cfg allows and that can be used
// on the connection cfg.TLS describes. It returns an error wrapping
// ErrNoMechanism when there is none, and one wrapping ErrDowngrade when the
// best candidate shows signs of a channel-binding downgrade (it does not
// then fall back to a weaker mechanism). The result is a Mechanism.
func Select(offered []string, cfg Config) (stream.Mechanism, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	var skipped []string
	for _, name := range Preference {
		if !slices.Contains(offered, name) || !cfg.allows(name) {
			continue
		}
		if why := cfg.unusable(name); why != "" {
			skipped = append(skipped, name+": "+why)
			continue
		}
		return build(name, offered, cfg)
	}
	msg := fmt.Sprintf("%v offered", quoted(offered))
	if len(cfg.Allowed) > 0 {
		msg += fmt.Sprintf(", %v allowed", quoted(cfg.Allowed))
	}
	if len(skipped) > 0 {
		msg += "; " + strings.Join(skipped, "; ")
	}
	return nil, fmt.Errorf("%w: %s", ErrNoMechanism, msg)
}

// New returns the mechanism name, which must be one of Preference, offered
// and allowed by cfg, and usable on the connection (errors wrap
// ErrNoMechanism otherwise). offered is still needed to pick the SCRAM
// channel-binding flag: New returns an error wrapping ErrDowngrade for a
// SCRAM mechanism without -PLUS when the server offers its -PLUS variant
// and this side could bind (Config.Allowed permitting that variant). The
// result is a Mechanism.
func New(name string, offered []string, cfg Config) (stream.Mechanism, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	switch {
	case !slices.Contains(Preference, name):
		return nil, fmt.Errorf("%w: %s is not implemented", ErrNoMechanism, name)
	case !slices.Contains(offered, name):
		return nil, fmt.Errorf("%w: %s is not offered (%v)", ErrNoMechanism, name, quoted(offered))
	case !cfg.allows(name):
		return nil, fmt.Errorf("%w: %s is not allowed (%v)", ErrNoMechanism, name, quoted(cfg.Allowed))
	}
	if why := cfg.unusable(name); why != "" {
		return nil, fmt.Errorf("%w: %s: %s", ErrNoMechanism, name, why)
	}
	return build(name, offered, cfg)
}

func build(name string, offered []string, cfg Config) (stream.Mechanism, error) {
	var m stream.Mechanism
	var err error
	if name == "PLAIN" {
		m, err = newPlain(cfg)
	} else {
		m, err = newSCRAM(name, offered, cfg)
	}
	if err != nil {
		return nil, err // not a typed nil
	}
	return m, nil
}

func (c *Config) check() error {
	for _, a := range c.Allowed {
		if !slices.Contains(Preference, a) {
			return fmt.Errorf("auth: Config.Allowed: %q is not a mechanism this package implements", a)
		}
	}
	return nil
}

func (c *Config) allows(name string) bool {
	return len(c.Allowed) == 0 || slices.Contains(c.Allowed, name)
}

// unusable says why the mechanism cannot run on this connection, "" when
// it can.
func (c *Config) unusable(name string) string {
	switch {
	case name == "PLAIN":
		if c.TLS == nil && !c.AllowPlainWithoutTLS {
			return "no TLS"
		}
	case strings.HasSuffix(name, "-PLUS"):
		if _, err := channelBinding(c.TLS, c.ChannelBindings); err != nil {
			return "no channel binding: " + err.Error()
		}
	}
	return ""
}

func quoted(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return fmt.Sprintf("%q", s)
}
