package client

import (
	"errors"

	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/stanzaerror"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// Sentinel errors of the client.
var (
	// ErrClosed: the session has ended; nothing more can be sent or
	// received. Errors of calls interrupted by the end of the session wrap
	// it together with the reason (see Client.Err).
	ErrClosed = errors.New("client: session closed")
	// ErrServerClosed: the server closed the stream with its closing tag
	// although this side had not asked to close (RFC 6120 section 4.4).
	ErrServerClosed = errors.New("client: server closed the stream")
	// ErrNoService: DNS says the domain offers no XMPP client service (SRV
	// records whose target is ".", RFC 2782 and RFC 6120 section 3.2.1).
	ErrNoService = errors.New("client: the domain offers no XMPP client service")
	// ErrNoTLS: the server does not offer STARTTLS and plaintext is not
	// allowed (Options.InsecurePlaintext).
	ErrNoTLS = errors.New("client: the server does not offer STARTTLS; refusing to continue without TLS")
	// ErrPreApprovalUnsupported: PreApprove was called although the server
	// does not advertise subscription pre-approval (RFC 6121 section 3.4).
	ErrPreApprovalUnsupported = errors.New("client: the server does not support subscription pre-approval")
	// ErrBadResponse: a response does not have the shape the protocol
	// requires (a roster result without a query, for instance).
	ErrBadResponse = errors.New("client: malformed response")
)

// Condition is a stanza error condition (RFC 6120 section 8.3.3), the name
// of its element in urn:ietf:params:xml:ns:xmpp-stanzas. A Condition is an
// error, and a *StanzaError matches its Condition with errors.Is:
//
//	errors.Is(err, client.ItemNotFound)
type Condition string

// Stanza error conditions (RFC 6120 section 8.3.3), with the error type
// the RFC recommends for each.
const (
	// BadRequest: the request is malformed or cannot be processed (8.3.3.1); modify.
	BadRequest Condition = "bad-request"
	// Conflict: access cannot be granted because a resource or address of
	// that name already exists (8.3.3.2); cancel.
	Conflict Condition = "conflict"
	// FeatureNotImplemented: the feature requested is not implemented by
	// the recipient or server (8.3.3.3); cancel.
	FeatureNotImplemented Condition = "feature-not-implemented"
	// Forbidden: the requesting entity lacks the permissions (8.3.3.4); auth.
	Forbidden Condition = "forbidden"
	// Gone: the recipient can no longer be contacted at this address; the
	// new address may be in StanzaError.URI (8.3.3.5); cancel.
	Gone Condition = "gone"
	// InternalServerError: the server could not process the stanza because
	// of a misconfiguration or internal error (8.3.3.6); cancel.
	InternalServerError Condition = "internal-server-error"
	// ItemNotFound: the addressed JID or item cannot be found (8.3.3.7); cancel.
	ItemNotFound Condition = "item-not-found"
	// JIDMalformed: an XMPP address is malformed (8.3.3.8); modify.
	JIDMalformed Condition = "jid-malformed"
	// NotAcceptable: the request does not meet the recipient's criteria
	// (8.3.3.9); modify.
	NotAcceptable Condition = "not-acceptable"
	// NotAllowed: no entity may perform the action (8.3.3.10); cancel.
	NotAllowed Condition = "not-allowed"
	// NotAuthorized: the sender must provide credentials first (8.3.3.11); auth.
	NotAuthorized Condition = "not-authorized"
	// PolicyViolation: a local service policy was violated (8.3.3.12); modify.
	PolicyViolation Condition = "policy-violation"
	// RecipientUnavailable: the recipient is temporarily unavailable
	// (8.3.3.13); wait.
	RecipientUnavailable Condition = "recipient-unavailable"
	// Redirect: the request is redirected to the address in
	// StanzaError.URI (8.3.3.14); modify.
	Redirect Condition = "redirect"
	// RegistrationRequired: the requester must register first (8.3.3.15); auth.
	RegistrationRequired Condition = "registration-required"
	// RemoteServerNotFound: the remote server does not exist or cannot be
	// resolved (8.3.3.16); cancel.
	RemoteServerNotFound Condition = "remote-server-not-found"
	// RemoteServerTimeout: the remote server could not be reached in time
	// (8.3.3.17); wait.
	RemoteServerTimeout Condition = "remote-server-timeout"
	// ResourceConstraint: the recipient lacks the resources to service the
	// request (8.3.3.18); wait.
	ResourceConstraint Condition = "resource-constraint"
	// ServiceUnavailable: the recipient does not provide the service
	// requested (8.3.3.19); cancel.
	ServiceUnavailable Condition = "service-unavailable"
	// SubscriptionRequired: a subscription is required first (8.3.3.20); auth.
	SubscriptionRequired Condition = "subscription-required"
	// UndefinedCondition: none of the others; goes with an
	// application-specific condition (8.3.3.21).
	UndefinedCondition Condition = "undefined-condition"
	// UnexpectedRequest: the request was not expected at this time
	// (8.3.3.22); wait.
	UnexpectedRequest Condition = "unexpected-request"
)

// Error implements error.
func (c Condition) Error() string { return "client: stanza error " + string(c) }

// DefaultType returns the error type RFC 6120 section 8.3.3 recommends for
// the condition.
func (c Condition) DefaultType() xmpp.ErrorType {
	switch c {
	case BadRequest, JIDMalformed, NotAcceptable, PolicyViolation, Redirect:
		return xmpp.ErrorTypeModify
	case Forbidden, NotAuthorized, RegistrationRequired, SubscriptionRequired:
		return xmpp.ErrorTypeAuth
	case RecipientUnavailable, RemoteServerTimeout, ResourceConstraint, UnexpectedRequest:
		return xmpp.ErrorTypeWait
	}
	return xmpp.ErrorTypeCancel
}

// StanzaError is a stanza error (RFC 6120 section 8.3): one received in
// answer to a request (SendIQ returns it for an IQ of type error), or one an
// IQ handler returns to have it sent. It matches its Condition, or a
// *StanzaError with the same condition, with errors.Is.
type StanzaError struct {
	// Type says what the requester may do: retry after authenticating
	// (auth), give up (cancel), go on (continue), retry with other data
	// (modify) or retry later (wait). Empty means Condition.DefaultType.
	Type xmpp.ErrorType
	// Condition is the defined condition.
	Condition Condition
	// Text is the optional human-readable description, in language Lang.
	Text string
	Lang string
	// By is the entity that generated the error, when it said so.
	By string
	// URI is the alternate address carried by gone and redirect.
	URI string
	// App is the optional application-specific condition element.
	App stanza.Element
	// Stanza is the error stanza as received (a *xmpp.IQ,
	// *xmpp.Message or *xmpp.Presence); nil for an error
	// built locally.
	Stanza stanza.Element
}

// Error implements error.
func (e *StanzaError) Error() string {
	msg := "client: stanza error " + string(e.Condition)
	if e.Type != "" {
		msg += " (" + string(e.Type) + ")"
	}
	if e.Text != "" {
		msg += ": " + e.Text
	}
	return msg
}

// Is reports whether target is e's Condition, or a *StanzaError with the
// same Condition.
func (e *StanzaError) Is(target error) bool {
	switch t := target.(type) {
	case Condition:
		return t == e.Condition
	case *StanzaError:
		return t.Condition == e.Condition
	}
	return false
}

// StanzaErrorOf converts the <error/> child of a received stanza; nil when x
// is nil. An error element without a defined condition (a protocol
// violation) becomes UndefinedCondition.
func StanzaErrorOf(x *xmpp.Error) *StanzaError {
	if x == nil {
		return nil
	}
	e := &StanzaError{Type: x.Type, By: x.By.String(), Condition: Condition(x.Condition)}
	switch e.Condition {
	case "":
		e.Condition = UndefinedCondition
	case Gone, Redirect:
		e.URI = x.ConditionText
	}
	if x.Text != nil {
		e.Text, e.Lang = x.Text.Value, x.Text.Lang
	}
	if len(x.Any) > 0 {
		e.App = x.Any[0]
	}
	return e
}

// Element returns e as an <error/> child to send, with the condition's
// default type when Type is empty.
func (e *StanzaError) Element() *xmpp.Error {
	x := &xmpp.Error{Type: e.Type, By: jid.Raw(e.By)}
	if x.Type == "" {
		x.Type = e.Condition.DefaultType()
	}
	x.Condition = stanzaerror.Condition(e.Condition)
	switch e.Condition {
	case Gone, Redirect:
		x.ConditionText = e.URI
	case "":
		x.Condition = stanzaerror.ConditionUndefinedCondition
	}
	if e.Text != "" {
		x.Text = &stanzaerror.Text{Value: e.Text, Lang: e.Lang}
	}
	if e.App != nil {
		x.Any = []stanza.Element{e.App}
	}
	return x
}

// errorElementFor turns what an IQ handler returned into the <error/> to
// send: a *StanzaError or Condition as given, anything else
// internal-server-error without its text (internal details stay local).
func errorElementFor(err error) *xmpp.Error {
	var se *StanzaError
	var c Condition
	switch {
	case errors.As(err, &se):
		return se.Element()
	case errors.As(err, &c):
		return (&StanzaError{Condition: c}).Element()
	}
	return (&StanzaError{Condition: InternalServerError}).Element()
}
