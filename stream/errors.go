package stream

import (
	"errors"
	"slices"

	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/sasl"
	"github.com/protoxmpp/protoxmpp/stanza/stanzaerror"
	"github.com/protoxmpp/protoxmpp/stanza/streamerror"
	"github.com/protoxmpp/protoxmpp/stanza/streams"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// Condition is a stream error condition of RFC 6120 section 4.9.3, the name
// of its element in urn:ietf:params:xml:ns:xmpp-streams. A Condition is an
// error, and an *Error matches its Condition with errors.Is:
//
//	errors.Is(err, stream.HostUnknown)
type Condition string

// Stream error conditions (RFC 6120 section 4.9.3).
const (
	// BadFormat: the entity has sent XML that cannot be processed (4.9.3.1).
	BadFormat Condition = "bad-format"
	// BadNamespacePrefix: the entity has sent a namespace prefix that is
	// unsupported, or no prefix on an element that needs one (4.9.3.2).
	BadNamespacePrefix Condition = "bad-namespace-prefix"
	// Conflict: the server is closing the stream because a new stream
	// conflicts with it (4.9.3.3).
	Conflict Condition = "conflict"
	// ConnectionTimeout: the peer has not generated traffic for some time
	// (4.9.3.4).
	ConnectionTimeout Condition = "connection-timeout"
	// HostGone: the 'to' of the stream header names a domain the server no
	// longer serves (4.9.3.5).
	HostGone Condition = "host-gone"
	// HostUnknown: the 'to' of the stream header names a domain the server
	// does not serve (4.9.3.6).
	HostUnknown Condition = "host-unknown"
	// ImproperAddressing: a stanza between two servers lacks a 'to' or
	// 'from', or has an invalid one (4.9.3.7).
	ImproperAddressing Condition = "improper-addressing"
	// InternalServerError: a misconfiguration or internal error prevents
	// the server from servicing the stream (4.9.3.8).
	InternalServerError Condition = "internal-server-error"
	// InvalidFrom: a 'from' does not match an authorized JID or validated
	// domain (4.9.3.9).
	InvalidFrom Condition = "invalid-from"
	// InvalidNamespace: the stream namespace or the default content
	// namespace is wrong (4.9.3.10).
	InvalidNamespace Condition = "invalid-namespace"
	// InvalidXML: the entity has sent invalid XML to a validating server
	// (4.9.3.11).
	InvalidXML Condition = "invalid-xml"
	// NotAuthorized: the entity sent data before the stream was
	// authenticated, or is not authorized for a negotiation action
	// (4.9.3.12).
	NotAuthorized Condition = "not-authorized"
	// NotWellFormed: the entity has sent XML that is not well-formed
	// (4.9.3.13).
	NotWellFormed Condition = "not-well-formed"
	// PolicyViolation: the entity has violated a local service policy, such
	// as a stanza size limit (4.9.3.14).
	PolicyViolation Condition = "policy-violation"
	// RemoteConnectionFailed: the server cannot connect to a remote entity
	// it needs for authentication or authorization (4.9.3.15).
	RemoteConnectionFailed Condition = "remote-connection-failed"
	// Reset: the server is closing the stream because it has new features
	// to offer or its keys or certificates changed (4.9.3.16).
	Reset Condition = "reset"
	// ResourceConstraint: the server lacks the resources to service the
	// stream (4.9.3.17).
	ResourceConstraint Condition = "resource-constraint"
	// RestrictedXML: the entity sent a comment, processing instruction, DTD
	// or entity reference (4.9.3.18).
	RestrictedXML Condition = "restricted-xml"
	// SeeOtherHost: the server redirects the initiating entity to the host
	// in Error.SeeOtherHost (4.9.3.19).
	SeeOtherHost Condition = "see-other-host"
	// SystemShutdown: the server is being shut down (4.9.3.20).
	SystemShutdown Condition = "system-shutdown"
	// UndefinedCondition: none of the defined conditions; used with an
	// application-specific condition (4.9.3.21).
	UndefinedCondition Condition = "undefined-condition"
	// UnsupportedEncoding: the stream is not encoded in UTF-8 (4.9.3.22).
	UnsupportedEncoding Condition = "unsupported-encoding"
	// UnsupportedFeature: the receiving entity advertised a mandatory
	// feature the initiating entity does not support (4.9.3.23).
	UnsupportedFeature Condition = "unsupported-feature"
	// UnsupportedStanzaType: the entity sent a first-level child of the
	// stream that the peer does not support (4.9.3.24).
	UnsupportedStanzaType Condition = "unsupported-stanza-type"
	// UnsupportedVersion: the 'version' of the stream header names a
	// version of XMPP the peer does not support (4.9.3.25).
	UnsupportedVersion Condition = "unsupported-version"
)

// Conditions lists every stream error condition of RFC 6120 section 4.9.3,
// in the order of the RFC.
var Conditions = []Condition{
	BadFormat, BadNamespacePrefix, Conflict, ConnectionTimeout, HostGone,
	HostUnknown, ImproperAddressing, InternalServerError, InvalidFrom,
	InvalidNamespace, InvalidXML, NotAuthorized, NotWellFormed,
	PolicyViolation, RemoteConnectionFailed, Reset, ResourceConstraint,
	RestrictedXML, SeeOtherHost, SystemShutdown, UndefinedCondition,
	UnsupportedEncoding, UnsupportedFeature, UnsupportedStanzaType,
	UnsupportedVersion,
}

// Error implements error.
func (c Condition) Error() string { return "stream: " + string(c) }

// Error is a stream error (RFC 6120 section 4.9): one received from the peer
// (Event.Kind EventStreamError) or one this side sent because of bad input
// (EventError). It matches its Condition with errors.Is, and unwraps to the
// cause of a locally detected error (a *stanza.SyntaxError matching
// stanza.ErrNotWellFormed, stanza.ErrLimitDepth, ...).
type Error struct {
	// Condition is the defined condition.
	Condition Condition
	// Text is the optional human-readable description, in language Lang.
	Text string
	Lang string
	// SeeOtherHost is the host (domainpart or domainpart:port) of a
	// see-other-host error.
	SeeOtherHost string
	// App is the optional application-specific condition element.
	App stanza.Element
	// Cause is the local error that made this side send the stream error,
	// nil for one received.
	Cause error
}

func (e *Error) Error() string {
	msg := "stream: " + string(e.Condition)
	if e.Text != "" {
		msg += ": " + e.Text
	}
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

// Is reports whether target is e's Condition, or an *Error with the same
// Condition.
func (e *Error) Is(target error) bool {
	switch t := target.(type) {
	case Condition:
		return t == e.Condition
	case *Error:
		return t.Condition == e.Condition
	}
	return false
}

// Unwrap returns the local cause, if any.
func (e *Error) Unwrap() error { return e.Cause }

// errorFromElement converts a received <stream:error/>. One without a
// defined condition (a protocol violation) becomes UndefinedCondition.
func errorFromElement(x *streams.Error) *Error {
	e := &Error{Condition: Condition(x.Condition)}
	if e.Condition == "" {
		e.Condition = UndefinedCondition
	}
	if x.Condition == streamerror.ConditionSeeOtherHost {
		e.SeeOtherHost = x.ConditionText
	}
	if x.Text != nil {
		e.Text, e.Lang = x.Text.Value, x.Text.Lang
	}
	if len(x.Any) > 0 {
		e.App = x.Any[0]
	}
	return e
}

// SASLCondition is a SASL failure condition of RFC 6120 section 6.5. It is
// an error, and a *SASLError matches its condition with errors.Is.
type SASLCondition string

// SASL failure conditions (RFC 6120 section 6.5).
const (
	// SASLAborted: the receiving entity acknowledges an abort (6.5.1).
	SASLAborted SASLCondition = "aborted"
	// SASLAccountDisabled: the account is temporarily disabled (6.5.2).
	SASLAccountDisabled SASLCondition = "account-disabled"
	// SASLCredentialsExpired: the credentials have expired (6.5.3).
	SASLCredentialsExpired SASLCondition = "credentials-expired"
	// SASLEncryptionRequired: the mechanism needs a protected stream, such
	// as TLS (6.5.4).
	SASLEncryptionRequired SASLCondition = "encryption-required"
	// SASLIncorrectEncoding: the base64 data is incorrect (6.5.5).
	SASLIncorrectEncoding SASLCondition = "incorrect-encoding"
	// SASLInvalidAuthzid: the authorization identity is malformed or not
	// allowed (6.5.6).
	SASLInvalidAuthzid SASLCondition = "invalid-authzid"
	// SASLInvalidMechanism: the mechanism is missing or not supported
	// (6.5.7).
	SASLInvalidMechanism SASLCondition = "invalid-mechanism"
	// SASLMalformedRequest: the request is malformed (6.5.8).
	SASLMalformedRequest SASLCondition = "malformed-request"
	// SASLMechanismTooWeak: the mechanism is weaker than policy allows
	// (6.5.9).
	SASLMechanismTooWeak SASLCondition = "mechanism-too-weak"
	// SASLNotAuthorized: the credentials are wrong, or the reason is not
	// disclosed (6.5.10).
	SASLNotAuthorized SASLCondition = "not-authorized"
	// SASLTemporaryAuthFailure: a temporary error in the receiving entity;
	// retry later (6.5.11).
	SASLTemporaryAuthFailure SASLCondition = "temporary-auth-failure"
)

// SASLConditions lists every SASL failure condition of RFC 6120 section 6.5.
var SASLConditions = []SASLCondition{
	SASLAborted, SASLAccountDisabled, SASLCredentialsExpired,
	SASLEncryptionRequired, SASLIncorrectEncoding, SASLInvalidAuthzid,
	SASLInvalidMechanism, SASLMalformedRequest, SASLMechanismTooWeak,
	SASLNotAuthorized, SASLTemporaryAuthFailure,
}

// Error implements error.
func (c SASLCondition) Error() string { return "stream: sasl " + string(c) }

// SASLError is a SASL failure (RFC 6120 section 6.4.5): received by the
// initiating entity, or returned by a server-side Verifier to choose the
// condition sent. Cause holds a local error (a Mechanism's) that led to it.
type SASLError struct {
	Condition SASLCondition
	Text      string
	Lang      string
	Cause     error
}

func (e *SASLError) Error() string {
	msg := "stream: sasl " + string(e.Condition)
	if e.Text != "" {
		msg += ": " + e.Text
	}
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

// Is reports whether target is e's SASLCondition or a *SASLError with the
// same condition.
func (e *SASLError) Is(target error) bool {
	switch t := target.(type) {
	case SASLCondition:
		return t == e.Condition
	case *SASLError:
		return t.Condition == e.Condition
	}
	return false
}

// Unwrap returns the local cause, if any.
func (e *SASLError) Unwrap() error { return e.Cause }

func saslErrorFromElement(x *sasl.Failure) *SASLError {
	e := &SASLError{Condition: SASLCondition(x.Condition)}
	if e.Condition == "" {
		e.Condition = SASLNotAuthorized
	}
	if x.Text != nil {
		e.Text, e.Lang = x.Text.Value, x.Text.Lang
	}
	return e
}

func saslFailureElement(c SASLCondition, text string) *sasl.Failure {
	if !slices.Contains(SASLConditions, c) {
		c = SASLNotAuthorized
	}
	f := &sasl.Failure{Condition: sasl.Condition(c)}
	if text != "" {
		f.Text = &sasl.Text{Value: text}
	}
	return f
}

// BindCondition is a resource binding error condition (RFC 6120 section
// 7.6.2), the stanza error condition of the IQ error. It is an error, and a
// *BindError matches its condition with errors.Is.
type BindCondition string

// Resource binding error conditions (RFC 6120 sections 7.6.2 and 7.7.2).
const (
	// BindBadRequest: the resourcepart is not valid (7.7.2.1), type modify.
	BindBadRequest BindCondition = "bad-request"
	// BindNotAllowed: the client may not bind a resource or this
	// resourcepart (7.6.2.2, 7.7.2.2), type cancel.
	BindNotAllowed BindCondition = "not-allowed"
	// BindConflict: the resourcepart is in use and the server does not
	// assign another (7.7.2.3), type cancel.
	BindConflict BindCondition = "conflict"
	// BindResourceConstraint: the account has reached its limit of
	// connected resources (7.6.2.1), type wait.
	BindResourceConstraint BindCondition = "resource-constraint"
)

// Error implements error.
func (c BindCondition) Error() string { return "stream: bind " + string(c) }

// BindError is a failed resource binding or legacy session establishment:
// the IQ error the server returned (client), or the error a server's Bind
// callback returned to choose the condition (server). Other stanza error
// conditions received are kept with their element name as Condition.
type BindError struct {
	Condition BindCondition
	Text      string
	// Stanza is the IQ error as received, nil on the server side.
	Stanza *xmpp.IQ
}

func (e *BindError) Error() string {
	msg := "stream: bind " + string(e.Condition)
	if e.Text != "" {
		msg += ": " + e.Text
	}
	return msg
}

// Is reports whether target is e's condition or a *BindError with the same
// condition.
func (e *BindError) Is(target error) bool {
	switch t := target.(type) {
	case BindCondition:
		return t == e.Condition
	case *BindError:
		return t.Condition == e.Condition
	}
	return false
}

func bindErrorFromIQ(iq *xmpp.IQ) *BindError {
	e := &BindError{Condition: "undefined-condition", Stanza: iq}
	x := iq.Error
	if x == nil {
		return e
	}
	if x.Condition != "" {
		e.Condition = BindCondition(x.Condition)
	}
	if x.Text != nil {
		e.Text = x.Text.Value
	}
	return e
}

// bindCondition picks the condition of a server-side Bind error.
func bindCondition(err error) BindCondition {
	var c BindCondition
	var be *BindError
	switch {
	case errors.As(err, &be):
		return be.Condition
	case errors.As(err, &c):
		return c
	}
	return BindNotAllowed
}

func bindErrorElement(c BindCondition) *xmpp.Error {
	x := &xmpp.Error{Condition: stanzaerror.Condition(c)}
	switch c {
	case BindBadRequest:
		x.Type = xmpp.ErrorTypeModify
	case BindConflict:
		x.Type = xmpp.ErrorTypeCancel
	case BindResourceConstraint:
		x.Type = xmpp.ErrorTypeWait
	default:
		x.Type, x.Condition = xmpp.ErrorTypeCancel, stanzaerror.ConditionNotAllowed
	}
	return x
}

// Sentinel errors of the stream engine.
var (
	// ErrState: a method was called in a state where it makes no sense
	// (Authenticate before the stream is open, Send after it closed, ...).
	ErrState = errors.New("stream: call not allowed in this state")
	// ErrClosed: the stream is closed; nothing more can be sent.
	ErrClosed = errors.New("stream: closed")
	// ErrTLSFailed: the receiving entity answered STARTTLS with <failure/>
	// (RFC 6120 section 5.4.2.2); it closes the stream.
	ErrTLSFailed = errors.New("stream: STARTTLS failed")
	// ErrTLSNotOffered: the initiating entity sent <starttls/> although the
	// receiving entity did not offer it; the stream is closed after a
	// <failure/>.
	ErrTLSNotOffered = errors.New("stream: STARTTLS not offered")
	// ErrSuccessData: the receiving entity's additional data with success
	// was not accepted by the Mechanism, or the Mechanism wanted to respond
	// to it.
	ErrSuccessData = errors.New("stream: SASL success data rejected")
)
