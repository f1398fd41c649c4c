package auth

import "errors"

// plainMech is PLAIN (RFC 4616): one message,
// [authzid] NUL authcid NUL passwd, in the clear (hence TLS only).
type plainMech struct {
	msg  []byte
	sent bool
}

func newPlain(cfg Config) (*plainMech, error) {
	user, pass, authz, err := prepare(cfg)
	if err != nil {
		return nil, err
	}
	// SASLprep prohibits NUL (RFC 3454 table C.2.1), so the fields cannot
	// run into each other.
	msg := make([]byte, 0, len(authz)+len(user)+len(pass)+2)
	msg = append(msg, authz...)
	msg = append(msg, 0)
	msg = append(msg, user...)
	msg = append(msg, 0)
	msg = append(msg, pass...)
	return &plainMech{msg: msg}, nil
}

func (p *plainMech) Name() string { return "PLAIN" }

// Start returns the only message.
func (p *plainMech) Start() ([]byte, error) {
	p.sent = true
	return p.msg, nil
}

// Next fails unless challenge is empty: PLAIN has no challenge, and no
// additional data with success.
func (p *plainMech) Next(challenge []byte) ([]byte, error) {
	if len(challenge) == 0 {
		return nil, nil
	}
	return nil, errors.New("auth: PLAIN takes no challenge")
}

// Done returns nil once the message was sent: PLAIN does not authenticate
// the server (TLS does).
func (p *plainMech) Done() error {
	if !p.sent {
		return errors.New("auth: PLAIN: Start not called")
	}
	return nil
}

// Verified reports whether Done returns nil.
func (p *plainMech) Verified() bool { return p.sent }

// ChannelBinding returns "": PLAIN does not bind.
func (p *plainMech) ChannelBinding() string { return "" }
