package auth

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/xdg-go/scram"
	"github.com/xdg-go/stringprep"
)

// scramMech is SCRAM (RFC 5802, RFC 7677) on xdg-go/scram, which computes
// the GS2 header, the channel-binding input, the proofs and the server
// signature.
type scramMech struct {
	name string
	conv *scram.ClientConversation
	cb   string // the binding type with the "p" flag, "" otherwise
	step int    // scramStart, then one per message sent or checked
	err  error  // why the exchange ended, once it has
}

const (
	scramStart    = iota // Start not called
	scramFirst           // client-first-message sent
	scramFinal           // client-final-message sent
	scramVerified        // server-final-message verified
)

func hashOf(name string) scram.HashGeneratorFcn {
	switch strings.TrimSuffix(name, "-PLUS") {
	case "SCRAM-SHA-1":
		return scram.SHA1
	case "SCRAM-SHA-256":
		return scram.SHA256
	case "SCRAM-SHA-512":
		return scram.SHA512
	}
	return nil
}

func newSCRAM(name string, offered []string, cfg Config) (*scramMech, error) {
	user, pass, authz, err := prepare(cfg)
	if err != nil {
		return nil, err
	}
	client, err := hashOf(name).NewClientUnprepped(user, pass, authz)
	if err != nil {
		return nil, fmt.Errorf("auth: %s: %w", name, err)
	}
	m := &scramMech{name: name}
	cb, cbErr := channelBinding(cfg.TLS, cfg.ChannelBindings)
	if strings.HasSuffix(name, "-PLUS") {
		if cbErr != nil { // New and Select checked; kept for safety
			return nil, fmt.Errorf("%w: %s: no channel binding: %v", ErrNoMechanism, name, cbErr)
		}
		m.conv, m.cb = client.NewConversationWithChannelBinding(cb), string(cb.Type)
		return m, nil
	}
	// RFC 5802 section 6: a client that supports channel binding sends "y"
	// when the server does not appear to ("n" would let an attacker strip
	// the -PLUS names unnoticed); one that does not, or cannot here, sends
	// "n". This side supports it when a binding can be computed (or only
	// the type is unknown, errNoDefaultBinding) and the -PLUS variant is
	// allowed.
	plus := name + "-PLUS"
	anyPlus := slices.ContainsFunc(offered, func(s string) bool { return strings.HasSuffix(s, "-PLUS") })
	switch {
	case errors.Is(cbErr, errNoDefaultBinding) && cfg.allows(plus):
		// TLS 1.3, no XEP-0440: the server may offer -PLUS, but binding
		// with a type it may not compute fails the login (ejabberd before
		// 23.10). "y" still fails closed at a server that binds and checks
		// the flag, which is what a server advertising XEP-0440 is when an
		// attacker stripped that advertisement.
		m.conv = client.NewConversationAdvertisingChannelBinding() // "y"
	case cbErr != nil || !cfg.allows(plus):
		m.conv = client.NewConversation() // "n"
	case slices.Contains(offered, plus):
		return nil, fmt.Errorf("%w: the server offers %s and channel binding (%s) is available; refusing %s", ErrDowngrade, plus, cb.Type, name)
	case anyPlus:
		// The server binds with another SCRAM variant, so it would refuse
		// "y" as a downgrade; this side does not bind with this one.
		m.conv = client.NewConversation() // "n"
	case len(cfg.ChannelBindings) > 0:
		return nil, fmt.Errorf("%w: the server advertises channel-binding types %q but no -PLUS mechanism", ErrDowngrade, cfg.ChannelBindings)
	default:
		m.conv = client.NewConversationAdvertisingChannelBinding() // "y"
	}
	return m, nil
}

func (m *scramMech) Name() string           { return m.name }
func (m *scramMech) ChannelBinding() string { return m.cb }

// Start returns the client-first-message.
func (m *scramMech) Start() ([]byte, error) {
	if m.step != scramStart {
		return nil, m.fail(fmt.Errorf("auth: %s: Start called twice", m.name))
	}
	msg, err := m.conv.Step("")
	if err != nil {
		return nil, m.fail(fmt.Errorf("auth: %s: %w", m.name, err))
	}
	m.step = scramFirst
	return []byte(msg), nil
}

// Next answers the server-first-message with the client-final-message,
// and checks the server-final-message (whether it comes as a challenge or
// as the additional data of success), answering it with nothing.
func (m *scramMech) Next(challenge []byte) ([]byte, error) {
	if m.err != nil {
		return nil, m.err
	}
	if m.step == scramFirst || m.step == scramFinal {
		// A server-error (RFC 5802 section 7), normally in the
		// server-final-message; some servers send one in place of the
		// server-first-message.
		if e, ok := strings.CutPrefix(string(challenge), "e="); ok {
			e, _, _ = strings.Cut(e, ",")
			if e == "server-does-support-channel-binding" {
				return nil, m.fail(fmt.Errorf("%w: %s: the server reports e=%s", ErrDowngrade, m.name, e))
			}
			return nil, m.fail(fmt.Errorf("auth: %s: server error e=%s", m.name, e))
		}
	}
	switch m.step {
	case scramFirst:
		msg, err := m.conv.Step(string(challenge))
		if err != nil {
			return nil, m.fail(fmt.Errorf("auth: %s: server-first-message: %w", m.name, err))
		}
		m.step = scramFinal
		return []byte(msg), nil
	case scramFinal:
		if _, err := m.conv.Step(string(challenge)); err != nil || !m.conv.Valid() {
			if err == nil {
				err = errors.New("not valid")
			}
			return nil, m.fail(fmt.Errorf("%w: %s: %w", ErrServerSignature, m.name, err))
		}
		m.step = scramVerified
		return nil, nil
	case scramVerified:
		if len(challenge) == 0 { // success with empty data ("=")
			return nil, nil
		}
		return nil, m.fail(fmt.Errorf("auth: %s: unexpected data after the server-final-message", m.name))
	}
	return nil, m.fail(fmt.Errorf("auth: %s: Next called before Start", m.name))
}

func (m *scramMech) fail(err error) error {
	m.err = err
	return err
}

// Done returns nil once the server signature verified.
func (m *scramMech) Done() error {
	switch {
	case m.err != nil:
		return m.err
	case m.step != scramVerified:
		return fmt.Errorf("%w: %s: no server-final-message received", ErrServerSignature, m.name)
	}
	return nil
}

// Verified reports whether Done returns nil.
func (m *scramMech) Verified() bool { return m.Done() == nil }

// prepare applies SASLprep to the identities and the password.
func prepare(cfg Config) (user, pass, authz string, err error) {
	if user, err = saslprepQuery.Prepare(cfg.Username); err != nil {
		return "", "", "", fmt.Errorf("auth: username fails SASLprep: %w", err)
	}
	if user == "" {
		return "", "", "", errors.New("auth: empty username")
	}
	if pass, err = saslprepQuery.Prepare(cfg.Password); err != nil {
		// Never show the password or the rune that failed in it.
		return "", "", "", errors.New("auth: password fails SASLprep")
	}
	if authz, err = saslprepQuery.Prepare(cfg.Authzid); err != nil {
		return "", "", "", fmt.Errorf("auth: authzid fails SASLprep: %w", err)
	}
	return user, pass, authz, nil
}

// saslprepQuery is SASLprep (RFC 4013) for query strings: as the stored
// strings profile of xdg-go/stringprep, but allowing code points
// unassigned in Unicode 3.2 (RFC 3454 table A.1), as RFC 5802 section 2.2
// requires ("treating it as a query string") and as Prosody's saslprep
// does. Built from the library's RFC 3454 tables.
var saslprepQuery = stringprep.Profile{
	Mappings: []stringprep.Mapping{
		stringprep.TableB1, // commonly mapped to nothing
		spaceMapping(),     // non-ASCII spaces to U+0020
	},
	Normalize: true, // NFKC
	Prohibits: []stringprep.Set{
		stringprep.TableC1_2,
		stringprep.TableC2_1,
		stringprep.TableC2_2,
		stringprep.TableC3,
		stringprep.TableC4,
		stringprep.TableC5,
		stringprep.TableC6,
		stringprep.TableC7,
		stringprep.TableC8,
		stringprep.TableC9,
	},
	CheckBiDi: true,
}

// spaceMapping maps every non-ASCII space (RFC 3454 table C.1.2) to
// U+0020 (RFC 4013 section 2.1).
func spaceMapping() stringprep.Mapping {
	m := stringprep.Mapping{}
	for _, rr := range stringprep.TableC1_2 {
		for r := rr[0]; r <= rr[1]; r++ {
			m[r] = []rune{' '}
		}
	}
	return m
}
