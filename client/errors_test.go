package client_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/stanzaerror"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// TestStanzaErrorElement encodes each condition as an <error/>, checks the
// XML and the default type, and reads it back.
func TestStanzaErrorElement(t *testing.T) {
	app := raw("urn:example:app", "too-late", `<too-late xmlns='urn:example:app'/>`)
	cases := []struct {
		in       client.StanzaError
		wantXML  string
		wantType xmpp.ErrorType
	}{
		{client.StanzaError{Condition: client.BadRequest}, `<error type='modify'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeModify},
		{client.StanzaError{Condition: client.Conflict}, `<error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeCancel},
		{client.StanzaError{Condition: client.FeatureNotImplemented}, `<error type='cancel'><feature-not-implemented xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeCancel},
		{client.StanzaError{Condition: client.Forbidden}, `<error type='auth'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeAuth},
		{client.StanzaError{Condition: client.Gone, URI: "xmpp:romeo@afterlife.example.net"}, `<error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>xmpp:romeo@afterlife.example.net</gone></error>`, xmpp.ErrorTypeCancel},
		{client.StanzaError{Condition: client.InternalServerError}, `<error type='cancel'><internal-server-error xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeCancel},
		{client.StanzaError{Condition: client.ItemNotFound}, `<error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeCancel},
		{client.StanzaError{Condition: client.JIDMalformed}, `<error type='modify'><jid-malformed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeModify},
		{client.StanzaError{Condition: client.NotAcceptable}, `<error type='modify'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeModify},
		{client.StanzaError{Condition: client.NotAllowed}, `<error type='cancel'><not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeCancel},
		{client.StanzaError{Condition: client.NotAuthorized}, `<error type='auth'><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeAuth},
		{client.StanzaError{Condition: client.PolicyViolation, Text: "too many", Lang: "en"}, `<error type='modify'><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>too many</text></error>`, xmpp.ErrorTypeModify},
		{client.StanzaError{Condition: client.RecipientUnavailable}, `<error type='wait'><recipient-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeWait},
		{client.StanzaError{Condition: client.Redirect, URI: "xmpp:rms@example.com"}, `<error type='modify'><redirect xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>xmpp:rms@example.com</redirect></error>`, xmpp.ErrorTypeModify},
		{client.StanzaError{Condition: client.RegistrationRequired}, `<error type='auth'><registration-required xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeAuth},
		{client.StanzaError{Condition: client.RemoteServerNotFound}, `<error type='cancel'><remote-server-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeCancel},
		{client.StanzaError{Condition: client.RemoteServerTimeout}, `<error type='wait'><remote-server-timeout xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeWait},
		{client.StanzaError{Condition: client.ResourceConstraint}, `<error type='wait'><resource-constraint xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeWait},
		{client.StanzaError{Condition: client.ServiceUnavailable}, `<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeCancel},
		{client.StanzaError{Condition: client.SubscriptionRequired}, `<error type='auth'><subscription-required xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeAuth},
		{client.StanzaError{Condition: client.UndefinedCondition, App: app}, `<error type='cancel'><undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><too-late xmlns='urn:example:app'/></error>`, xmpp.ErrorTypeCancel},
		{client.StanzaError{Condition: client.UnexpectedRequest, By: "example.com"}, `<error type='wait' by='example.com'><unexpected-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeWait},
		{client.StanzaError{Condition: client.NotAllowed, Type: xmpp.ErrorTypeAuth}, `<error type='auth'><not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>`, xmpp.ErrorTypeCancel},
	}
	for _, tc := range cases {
		t.Run(string(tc.in.Condition), func(t *testing.T) {
			if got := tc.in.Condition.DefaultType(); got != tc.wantType {
				t.Errorf("DefaultType() = %q, want %q", got, tc.wantType)
			}
			x := tc.in.Element()
			iq := &xmpp.IQ{Type: xmpp.IQTypeError, ID: "e", Error: x}
			b, err := stanza.Marshal(iq)
			if err != nil {
				t.Fatal(err)
			}
			want := `<iq xmlns='jabber:client' id='e' type='error'>` + tc.wantXML + `</iq>`
			if diff := cmp.Diff(want, string(b)); diff != "" {
				t.Errorf("XML (-want +got):\n%s", diff)
			}
			var back xmpp.IQ
			if err := stanza.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			got := client.StanzaErrorOf(back.Error)
			wantErr := tc.in
			if wantErr.Type == "" {
				wantErr.Type = tc.wantType
			}
			if diff := cmp.Diff(&wantErr, got); diff != "" {
				t.Errorf("read back (-want +got):\n%s", diff)
			}
			if !errors.Is(got, tc.in.Condition) || !errors.Is(got, &client.StanzaError{Condition: tc.in.Condition}) {
				t.Error("errors.Is does not match the condition")
			}
		})
	}
	if client.StanzaErrorOf(nil) != nil {
		t.Error("StanzaErrorOf(nil) is not nil")
	}
	none := client.StanzaErrorOf(&xmpp.Error{Type: xmpp.ErrorTypeCancel, Text: &stanzaerror.Text{Value: "?"}})
	if none.Condition != client.UndefinedCondition {
		t.Errorf("error without a condition read as %q", none.Condition)
	}
	if errors.Is(none, client.BadRequest) {
		t.Error("undefined-condition matches bad-request")
	}
}
