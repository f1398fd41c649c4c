package stream

import (
	"encoding/base64"
	"errors"
	"slices"
	"strconv"

	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/bind"
	"github.com/protoxmpp/protoxmpp/stanza/sasl"
	"github.com/protoxmpp/protoxmpp/stanza/session"
	"github.com/protoxmpp/protoxmpp/stanza/starttls"
	"github.com/protoxmpp/protoxmpp/stanza/streams"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// Mechanism is the initiating entity's side of a SASL mechanism (RFC 6120
// section 6, RFC 4422). Data is raw bytes: the Stream does the base64.
type Mechanism interface {
	// Name returns the registered mechanism name, such as "PLAIN".
	Name() string
	// Start returns the initial response: nil for none, a non-nil empty
	// slice for an empty one (sent as "=").
	Start() (initial []byte, err error)
	// Next answers a challenge. After success it is called once more with
	// the additional data with success, if the server sent any; it must
	// then return a nil response, and an error to reject the server.
	Next(challenge []byte) (response []byte, err error)
}

// Verifier is the receiving entity's side of one SASL exchange.
type Verifier interface {
	// Step is called first with the initial response (nil when the
	// initiating entity sent none) and then with each response. It returns
	// a challenge and done=false to continue, or done=true for success with
	// challenge as the optional additional data, or an error for failure
	// (a SASLCondition or *SASLError picks the condition, anything else is
	// not-authorized).
	Step(response []byte) (challenge []byte, done bool, err error)
}

// Plain returns the PLAIN mechanism (RFC 4616) for the authentication
// identity username with password, and an optional authorization identity.
// Use it only over TLS.
func Plain(authzid, username, password string) Mechanism {
	return &plain{msg: []byte(authzid + "\x00" + username + "\x00" + password)}
}

type plain struct{ msg []byte }

func (p *plain) Name() string           { return "PLAIN" }
func (p *plain) Start() ([]byte, error) { return p.msg, nil }
func (p *plain) Next(challenge []byte) ([]byte, error) {
	return nil, errors.New("stream: PLAIN takes no challenge")
}

// PlainVerifier returns a Verifier for PLAIN that calls check with the
// decoded identities; check's error is the failure (nil: success).
func PlainVerifier(check func(authzid, username, password string) error) Verifier {
	return plainVerifier(check)
}

type plainVerifier func(authzid, username, password string) error

func (f plainVerifier) Step(resp []byte) ([]byte, bool, error) {
	if resp == nil {
		return []byte{}, false, nil // empty challenge: ask for the message
	}
	parts := splitNUL(resp)
	if len(parts) != 3 || parts[1] == "" {
		return nil, false, SASLMalformedRequest
	}
	if err := f(parts[0], parts[1], parts[2]); err != nil {
		return nil, false, err
	}
	return nil, true, nil
}

func splitNUL(b []byte) []string {
	var out []string
	start := 0
	for i, c := range b {
		if c == 0 {
			out = append(out, string(b[start:i]))
			start = i + 1
		}
	}
	return append(out, string(b[start:]))
}

// encodeSASL is the text of a SASL element: nothing for nil, "=" for empty
// (RFC 6120 section 6.4.2), base64 otherwise.
func encodeSASL(b []byte) string {
	switch {
	case b == nil:
		return ""
	case len(b) == 0:
		return "="
	}
	return base64.StdEncoding.EncodeToString(b)
}

// decodeSASL reverses encodeSASL: "" is nil (no data), "=" is empty.
func decodeSASL(s string) ([]byte, error) {
	switch s {
	case "":
		return nil, nil
	case "=":
		return []byte{}, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// StartTLS sends <starttls/> (RFC 6120 section 5.4.2.1). The answer comes
// as EventNegotiated StepTLS (switch to TLS, then Restart) or
// EventStepFailed with ErrTLSFailed, after which the server closes the
// stream.
func (s *Stream) StartTLS() error {
	if err := s.canNegotiate(Initiating); err != nil {
		return err
	}
	s.tls = true
	return s.send(&starttls.Starttls{})
}

// Authenticate starts SASL with m (RFC 6120 section 6.4.2): it sends <auth/>
// with m's initial response; challenges are answered with m.Next. The end
// comes as EventNegotiated StepSASL (then Restart) or EventStepFailed with
// a *SASLError; after a failure another mechanism may be tried.
func (s *Stream) Authenticate(m Mechanism) error {
	if err := s.canNegotiate(Initiating); err != nil {
		return err
	}
	if s.mech != nil {
		return ErrState
	}
	initial, err := m.Start()
	if err != nil {
		return err
	}
	if err := s.send(&sasl.Auth{Mechanism: m.Name(), Value: encodeSASL(initial)}); err != nil {
		return err
	}
	s.mech, s.mechName, s.mechErr = m, m.Name(), nil
	return nil
}

// Abort sends <abort/> to end a SASL exchange in progress (RFC 6120 section
// 6.4.4); the server answers with an aborted failure.
func (s *Stream) Abort() error {
	if err := s.canNegotiate(Initiating); err != nil {
		return err
	}
	if s.mech == nil {
		return ErrState
	}
	return s.send(&sasl.Abort{})
}

// Bind asks the server to bind a resource (RFC 6120 section 7.6.1); an
// empty resource lets the server choose. The result comes as
// EventNegotiated StepBind with the full JID, or EventStepFailed with a
// *BindError.
func (s *Stream) Bind(resource string) error {
	if err := s.canNegotiate(Initiating); err != nil {
		return err
	}
	b := &bind.Bind{}
	if resource != "" {
		b.Resource = &resource
	}
	s.bindID = s.newID()
	return s.send(&xmpp.IQ{Type: xmpp.IQTypeSet, ID: s.bindID, Any: []stanza.Element{b}})
}

// Session establishes a legacy session (RFC 3921 section 3), for servers
// that advertise it without <optional/>. The result comes as
// EventNegotiated StepSession or EventStepFailed.
func (s *Stream) Session() error {
	if err := s.canNegotiate(Initiating); err != nil {
		return err
	}
	s.sessID = s.newID()
	return s.send(&xmpp.IQ{Type: xmpp.IQTypeSet, ID: s.sessID, Any: []stanza.Element{&session.Session{}}})
}

func (s *Stream) newID() string {
	s.nextID++
	return "stream-" + strconv.Itoa(s.nextID)
}

func (s *Stream) canNegotiate(r Role) error {
	switch {
	case s.closed || s.st == stDone:
		return ErrClosed
	case s.cfg.Role != r || !s.sent || s.st != stOpen:
		return ErrState
	}
	return nil
}

// SendFeatures writes the stream features (RFC 6120 section 4.3.2); the
// receiving entity calls it after Open. The STARTTLS, SASL mechanisms, bind
// and session children found in f enable the answers this Stream gives to
// the matching requests.
func (s *Stream) SendFeatures(f *streams.Features) error {
	if err := s.canNegotiate(Receiving); err != nil {
		return err
	}
	o := offer{}
	for _, c := range f.Any {
		switch x := c.(type) {
		case *starttls.Starttls:
			o.tls = true
		case *sasl.Mechanisms:
			o.sasl, o.mechs = true, x.Mechanism
		case *bind.Bind:
			o.bind = true
		case *session.Session:
			o.session = true
		}
	}
	if err := s.send(f); err != nil {
		return err
	}
	s.offered = o
	return nil
}

// clientStepInFlight reports whether a negotiation step of the initiating
// entity waits for its answer, which clientElement looks for: without one,
// clientElement delivers every element as it is.
func (s *Stream) clientStepInFlight() bool {
	return s.tls || s.mech != nil || s.bindID != "" || s.sessID != ""
}

// clientElement handles a top-level element received by the initiating
// entity while a step is in flight (clientStepInFlight, which a new case
// here must keep up with).
func (s *Stream) clientElement(el stanza.Element) (Event, bool) {
	switch x := el.(type) {
	case *starttls.Proceed:
		if s.tls {
			s.tls = false
			return Event{Kind: EventNegotiated, Step: StepTLS}, true
		}
	case *starttls.Failure:
		if s.tls {
			s.tls = false
			return Event{Kind: EventStepFailed, Step: StepTLS, Err: ErrTLSFailed}, true
		}
	case *sasl.Challenge:
		if s.mech != nil {
			return s.challenge(x.Value)
		}
	case *sasl.Success:
		if s.mech != nil {
			m, name := s.mech, s.mechName
			s.mech = nil
			data, err := decodeSASL(x.Value)
			if err == nil && data != nil {
				var resp []byte
				resp, err = m.Next(data)
				if err == nil && len(resp) > 0 {
					err = ErrSuccessData
				}
			}
			if err != nil {
				return s.fail(UndefinedCondition, errors.Join(ErrSuccessData, err)), true
			}
			s.authed = true
			return Event{Kind: EventNegotiated, Step: StepSASL, Mechanism: name}, true
		}
	case *sasl.Failure:
		if s.mech != nil {
			e := saslErrorFromElement(x)
			e.Cause = s.mechErr
			s.mech, s.mechErr = nil, nil
			return Event{Kind: EventStepFailed, Step: StepSASL, Err: e}, true
		}
	case *xmpp.IQ:
		if step, jid, err, ok := s.iqResult(x); ok {
			if err != nil {
				return Event{Kind: EventStepFailed, Step: step, Err: err}, true
			}
			if step == StepBind {
				s.bound, s.boundJID = true, jid
			}
			return Event{Kind: EventNegotiated, Step: step, JID: jid}, true
		}
	}
	return Event{Kind: EventElement, Element: el}, true
}

// challenge answers a SASL challenge; an undecodable challenge or a
// Mechanism error aborts the exchange.
func (s *Stream) challenge(text string) (Event, bool) {
	if s.mechErr != nil { // aborted already: wait for the failure
		return Event{}, false
	}
	data, err := decodeSASL(text)
	var resp []byte
	if err == nil {
		resp, err = s.mech.Next(data)
	}
	if err != nil {
		s.mechErr = err
		s.send(&sasl.Abort{})
		return Event{}, false
	}
	if resp == nil {
		resp = []byte{}
	}
	s.send(&sasl.Response{Value: encodeSASL(resp)})
	return Event{}, false
}

// iqResult matches an IQ against the bind and session requests in flight.
func (s *Stream) iqResult(iq *xmpp.IQ) (Step, string, error, bool) {
	if iq.Type != xmpp.IQTypeResult && iq.Type != xmpp.IQTypeError {
		return 0, "", nil, false
	}
	switch {
	case s.bindID != "" && iq.ID == s.bindID:
		s.bindID = ""
		if iq.Type == xmpp.IQTypeError {
			return StepBind, "", bindErrorFromIQ(iq), true
		}
		for _, c := range iq.Any {
			if b, ok := c.(*bind.Bind); ok && b.JID != nil {
				return StepBind, b.JID.String(), nil, true
			}
		}
		return StepBind, "", &BindError{Condition: "undefined-condition", Text: "no JID in the bind result", Stanza: iq}, true
	case s.sessID != "" && iq.ID == s.sessID:
		s.sessID = ""
		if iq.Type == xmpp.IQTypeError {
			return StepSession, "", bindErrorFromIQ(iq), true
		}
		return StepSession, "", nil, true
	}
	return 0, "", nil, false
}

// serverElement handles a top-level element received by the receiving
// entity.
func (s *Stream) serverElement(el stanza.Element) (Event, bool) {
	if !s.sent { // elements before our header: answer it first
		s.writeHeader(s.replyHeader())
	}
	if !s.authed && s.ns == NSClient {
		switch el.(type) {
		case *xmpp.Message, *xmpp.Presence:
			// RFC 6120 section 4.9.3.12: not processed, the stream ends.
			return s.fail(NotAuthorized, errors.New("stream: stanza before authentication")), true
		case *xmpp.IQ:
			if x := el.(*xmpp.IQ); !(x.Type == xmpp.IQTypeSet && len(x.Any) == 1 && isNegotiation(x.Any[0])) {
				return s.fail(NotAuthorized, errors.New("stream: stanza before authentication")), true
			}
		}
	}
	switch x := el.(type) {
	case *starttls.Starttls:
		if !s.offered.tls {
			s.send(&starttls.Failure{})
			s.Close()
			s.st = stDone
			s.err = ErrTLSNotOffered
			return Event{Kind: EventStepFailed, Step: StepTLS, Err: ErrTLSNotOffered}, true
		}
		s.offered = offer{}
		s.secure = true
		s.send(&starttls.Proceed{})
		return Event{Kind: EventNegotiated, Step: StepTLS}, true
	case *sasl.Auth:
		return s.auth(x)
	case *sasl.Response:
		if s.verifier == nil {
			return s.saslFail(SASLMalformedRequest)
		}
		data, err := decodeSASL(x.Value)
		if err != nil {
			return s.saslFail(SASLIncorrectEncoding)
		}
		if data == nil {
			data = []byte{}
		}
		return s.verify(data)
	case *sasl.Abort:
		if s.verifier == nil {
			return s.saslFail(SASLMalformedRequest)
		}
		return s.saslFail(SASLAborted)
	case *xmpp.IQ:
		if x.Type != xmpp.IQTypeSet || len(x.Any) != 1 {
			break
		}
		switch p := x.Any[0].(type) {
		case *bind.Bind:
			if s.cfg.Bind == nil || !s.authed {
				break
			}
			bound, err := s.cfg.Bind(p.Resource)
			reply := &xmpp.IQ{ID: x.ID, Type: xmpp.IQTypeResult}
			if err != nil {
				c := bindCondition(err)
				reply.Type, reply.Error = xmpp.IQTypeError, bindErrorElement(c)
				reply.Any = []stanza.Element{p}
				s.send(reply)
				return Event{Kind: EventStepFailed, Step: StepBind, Err: &BindError{Condition: c, Text: err.Error()}}, true
			}
			j := jid.Raw(bound)
			reply.Any = []stanza.Element{&bind.Bind{JID: &j}}
			if err := s.send(reply); err != nil {
				return s.fail(InternalServerError, err), true
			}
			s.bound, s.boundJID = true, bound
			return Event{Kind: EventNegotiated, Step: StepBind, JID: bound}, true
		case *session.Session:
			if !s.offered.session || !s.authed {
				break
			}
			s.send(&xmpp.IQ{ID: x.ID, Type: xmpp.IQTypeResult})
			return Event{Kind: EventNegotiated, Step: StepSession}, true
		}
	}
	return Event{Kind: EventElement, Element: el}, true
}

// isNegotiation reports a payload of a negotiation IQ (bind, session),
// which the receiving entity handles itself or refuses with a stanza error
// rather than a stream error.
func isNegotiation(el stanza.Element) bool {
	switch el.(type) {
	case *bind.Bind, *session.Session:
		return true
	}
	return false
}

// auth starts a SASL exchange on the receiving side.
func (s *Stream) auth(a *sasl.Auth) (Event, bool) {
	if s.authed || s.verifier != nil {
		return s.saslFail(SASLMalformedRequest)
	}
	if s.cfg.RequireTLS && !s.secure {
		return s.saslFail(SASLEncryptionRequired)
	}
	var v Verifier
	if s.offered.sasl && slices.Contains(s.offered.mechs, a.Mechanism) && s.cfg.Verify != nil {
		v = s.cfg.Verify(a.Mechanism)
	}
	if v == nil {
		return s.saslFail(SASLInvalidMechanism)
	}
	data, err := decodeSASL(a.Value)
	if err != nil {
		return s.saslFail(SASLIncorrectEncoding)
	}
	s.verifier, s.mechName = v, a.Mechanism
	return s.verify(data)
}

func (s *Stream) verify(data []byte) (Event, bool) {
	ch, done, err := s.verifier.Step(data)
	switch {
	case err != nil:
		var c SASLCondition
		var se *SASLError
		switch {
		case errors.As(err, &se):
			c = se.Condition
		case errors.As(err, &c):
		default:
			c = SASLNotAuthorized
		}
		s.verifier = nil
		s.send(saslFailureElement(c, ""))
		e := &SASLError{Condition: c, Cause: err}
		return Event{Kind: EventStepFailed, Step: StepSASL, Err: e}, true
	case done:
		s.verifier = nil
		s.authed = true
		s.send(&sasl.Success{Value: encodeSASL(ch)})
		return Event{Kind: EventNegotiated, Step: StepSASL, Mechanism: s.mechName}, true
	}
	if ch == nil {
		ch = []byte{}
	}
	s.send(&sasl.Challenge{Value: encodeSASL(ch)})
	return Event{}, false
}

func (s *Stream) saslFail(c SASLCondition) (Event, bool) {
	s.verifier = nil
	s.send(saslFailureElement(c, ""))
	return Event{Kind: EventStepFailed, Step: StepSASL, Err: &SASLError{Condition: c}}, true
}
