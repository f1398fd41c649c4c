package client_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/discoinfo"
	"github.com/protoxmpp/protoxmpp/stanza/ping"
	"github.com/protoxmpp/protoxmpp/stanza/stanzaerror"
	"github.com/protoxmpp/protoxmpp/stanza/version"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// versionNamed is a result payload that tells responses apart.
func versionNamed(i int) *version.Query {
	name, ver := "response", strconv.Itoa(i)
	return &version.Query{Name: &name, Version: &ver}
}

// TestSendIQResponseAddress sends an IQ and answers it with responses
// from several addresses, all with the request's ID: only the last, from
// an address allowed to answer, may be returned; the others are spoofed.
func TestSendIQResponseAddress(t *testing.T) {
	cases := []struct {
		name  string
		to    string
		froms []string // the last one is the legitimate answer
	}{
		{"to a full JID", "romeo@example.net/orchard",
			[]string{"mallory@evil.example/x", "romeo@example.net", "", "example.net", "juliet@example.com", "romeo@example.net/orchard"}},
		{"to a full JID, answered in another case", "romeo@example.net/orchard",
			[]string{"romeo@example.net/other", "ROMEO@Example.NET/orchard"}},
		{"to a bare JID", "romeo@example.net",
			[]string{"romeo@example.net/orchard", "", "romeo@example.net"}},
		{"to the account, answered without from", "",
			[]string{"mallory@evil.example", "juliet@example.com/gen-1", "juliet@example.com/other", "example.net", ""}},
		{"to the account, answered by the bare JID", "",
			[]string{"romeo@example.net", "juliet@example.com"}},
		{"to the account, answered by the server", "",
			[]string{"evil.example", "example.com"}},
		{"to the own bare JID, answered without from", "juliet@example.com",
			[]string{"example.com", ""}},
		{"to the server", "example.com",
			[]string{"", "juliet@example.com", "example.com"}},
		{"malformed from ignored", "romeo@example.net",
			[]string{"@example.net", "romeo@example.net"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, srv := connect(t, serverOpts{}, client.Options{})
			type result struct {
				resp *xmpp.IQ
				err  error
			}
			done := make(chan result, 1)
			req := &xmpp.IQ{Type: xmpp.IQTypeGet, To: jid.Raw(tc.to), Any: []stanza.Element{&version.Query{}}}
			go func() {
				resp, err := c.SendIQ(testCtx(t), req)
				done <- result{resp, err}
			}()
			got := srv.nextIQ()
			if got.ID == "" {
				t.Fatal("request sent without an ID")
			}
			for i, from := range tc.froms {
				srv.send(&xmpp.IQ{Type: xmpp.IQTypeResult, ID: got.ID, From: jid.Raw(from), To: c.JID(), Any: []stanza.Element{versionNamed(i)}})
			}
			r := <-done
			if r.err != nil {
				t.Fatalf("SendIQ: %v", r.err)
			}
			if got.ID != req.ID {
				t.Errorf("request ID %q on the wire, %q in the caller's IQ", got.ID, req.ID)
			}
			want := marshal(t, versionNamed(len(tc.froms)-1))
			if diff := cmp.Diff(want, marshal(t, r.resp.Any[0])); diff != "" {
				t.Errorf("accepted response (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSendIQError checks that an error response becomes a *StanzaError.
func TestSendIQError(t *testing.T) {
	c, srv := connect(t, serverOpts{}, client.Options{})
	go func() {
		iq := srv.nextIQ()
		srv.send(&xmpp.IQ{Type: xmpp.IQTypeError, ID: iq.ID, From: iq.To, Error: &xmpp.Error{
			Type: xmpp.ErrorTypeCancel, Condition: stanzaerror.ConditionItemNotFound, Text: &stanzaerror.Text{Value: "no such node", Lang: "en"},
		}})
	}()
	resp, err := c.SendIQ(testCtx(t), &xmpp.IQ{Type: xmpp.IQTypeGet, To: jid.Raw("pubsub.example.com"), Any: []stanza.Element{&discoinfo.Query{Node: "x"}}})
	if !errors.Is(err, client.ItemNotFound) {
		t.Fatalf("error %v, want item-not-found", err)
	}
	if errors.Is(err, client.ServiceUnavailable) {
		t.Error("error matches service-unavailable too")
	}
	var se *client.StanzaError
	if !errors.As(err, &se) {
		t.Fatalf("error %T is not a *StanzaError", err)
	}
	want := &client.StanzaError{Type: xmpp.ErrorTypeCancel, Condition: client.ItemNotFound, Text: "no such node", Lang: "en", Stanza: resp}
	if diff := cmp.Diff(want, se); diff != "" {
		t.Errorf("StanzaError (-want +got):\n%s", diff)
	}
	if resp == nil || resp.Type != xmpp.IQTypeError {
		t.Errorf("response %+v, want the error IQ", resp)
	}
	if got, wantMsg := err.Error(), "client: stanza error item-not-found (cancel): no such node"; got != wantMsg {
		t.Errorf("message %q, want %q", got, wantMsg)
	}
}

// TestSendIQContextAndEnd checks that SendIQ gives up when its context
// ends, ignores the late response, and returns when the session ends.
func TestSendIQContextAndEnd(t *testing.T) {
	c, srv := connect(t, serverOpts{}, client.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.SendIQ(ctx, &xmpp.IQ{Type: xmpp.IQTypeGet, To: jid.Raw("example.com"), Any: []stanza.Element{&ping.Ping{}}})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the deadline", err)
	}
	late := srv.nextIQ()
	srv.send(&xmpp.IQ{Type: xmpp.IQTypeResult, ID: late.ID, From: jid.Raw("example.com")})

	errc := make(chan error, 1)
	go func() {
		_, err := c.SendIQ(testCtx(t), &xmpp.IQ{Type: xmpp.IQTypeGet, To: jid.Raw("example.com"), Any: []stanza.Element{&ping.Ping{}}})
		errc <- err
	}()
	srv.nextIQ()
	srv.closeStream()
	err = <-errc
	if !errors.Is(err, client.ErrClosed) || !errors.Is(err, client.ErrServerClosed) {
		t.Errorf("error %v, want ErrClosed and ErrServerClosed", err)
	}
	<-c.Done()
	if !errors.Is(c.Err(), client.ErrServerClosed) {
		t.Errorf("Err() = %v, want ErrServerClosed", c.Err())
	}
	if _, err := c.SendIQ(testCtx(t), &xmpp.IQ{Type: xmpp.IQTypeGet, Any: []stanza.Element{&ping.Ping{}}}); !errors.Is(err, client.ErrClosed) {
		t.Errorf("SendIQ after the end: %v, want ErrClosed", err)
	}
	if _, err := c.SendIQ(testCtx(t), &xmpp.IQ{Type: xmpp.IQTypeResult}); err == nil {
		t.Error("SendIQ accepted a result")
	}
}

func raw(space, local, xml string) *stanza.RawElement {
	return &stanza.RawElement{Name: stanza.Name{Space: space, Local: local}, XML: xml}
}

// TestIncomingIQ sends IQ requests to the client and checks its answers:
// built-in disco#info, ping and version, registered handlers, and
// service-unavailable or bad-request for the rest.
func TestIncomingIQ(t *testing.T) {
	const peer = "romeo@example.net/orchard"
	errIQ := func(id string, x *xmpp.Error) *xmpp.IQ {
		return &xmpp.IQ{Type: xmpp.IQTypeError, ID: id, To: jid.Raw(peer), Error: x}
	}
	resultIQ := func(id string, payload ...stanza.Element) *xmpp.IQ {
		return &xmpp.IQ{Type: xmpp.IQTypeResult, ID: id, To: jid.Raw(peer), Any: payload}
	}
	name, ver, os := "Nurse", "1.2", "Verona"
	cases := []struct {
		name string
		req  *xmpp.IQ
		want *xmpp.IQ
	}{{
		name: "unknown payload",
		req:  &xmpp.IQ{Type: xmpp.IQTypeGet, ID: "u1", Any: []stanza.Element{raw("urn:example:unknown", "query", `<query xmlns='urn:example:unknown'/>`)}},
		want: errIQ("u1", &xmpp.Error{Type: xmpp.ErrorTypeCancel, Condition: stanzaerror.ConditionServiceUnavailable}),
	}, {
		name: "unknown set",
		req:  &xmpp.IQ{Type: xmpp.IQTypeSet, ID: "u2", Any: []stanza.Element{raw("urn:example:unknown", "x", `<x xmlns='urn:example:unknown'><y/></x>`)}},
		want: errIQ("u2", &xmpp.Error{Type: xmpp.ErrorTypeCancel, Condition: stanzaerror.ConditionServiceUnavailable}),
	}, {
		name: "no payload",
		req:  &xmpp.IQ{Type: xmpp.IQTypeGet, ID: "b1"},
		want: errIQ("b1", &xmpp.Error{Type: xmpp.ErrorTypeModify, Condition: stanzaerror.ConditionBadRequest, Text: &stanzaerror.Text{Value: "an IQ request carries exactly one payload"}}),
	}, {
		name: "two payloads",
		req:  &xmpp.IQ{Type: xmpp.IQTypeGet, ID: "b2", Any: []stanza.Element{&ping.Ping{}, &ping.Ping{}}},
		want: errIQ("b2", &xmpp.Error{Type: xmpp.ErrorTypeModify, Condition: stanzaerror.ConditionBadRequest, Text: &stanzaerror.Text{Value: "an IQ request carries exactly one payload"}}),
	}, {
		name: "disco#info",
		req:  &xmpp.IQ{Type: xmpp.IQTypeGet, ID: "d1", Any: []stanza.Element{&discoinfo.Query{}}},
		want: resultIQ("d1", &discoinfo.Query{
			Identity: []discoinfo.Identity{{Category: "client", Type: "pc", Name: "Nurse"}},
			Feature: []discoinfo.Feature{
				{Var: "http://jabber.org/protocol/disco#info"}, {Var: "jabber:iq:version"},
				{Var: "urn:example:custom"}, {Var: "urn:xmpp:ping"}, {Var: "urn:xmpp:receipts"},
			},
		}),
	}, {
		name: "disco#info of an unknown node",
		req:  &xmpp.IQ{Type: xmpp.IQTypeGet, ID: "d2", Any: []stanza.Element{&discoinfo.Query{Node: "urn:example:node"}}},
		want: errIQ("d2", &xmpp.Error{Type: xmpp.ErrorTypeCancel, Condition: stanzaerror.ConditionItemNotFound}),
	}, {
		name: "ping",
		req:  &xmpp.IQ{Type: xmpp.IQTypeGet, ID: "p1", Any: []stanza.Element{&ping.Ping{}}},
		want: resultIQ("p1"),
	}, {
		name: "ping as set",
		req:  &xmpp.IQ{Type: xmpp.IQTypeSet, ID: "p2", Any: []stanza.Element{&ping.Ping{}}},
		want: errIQ("p2", &xmpp.Error{Type: xmpp.ErrorTypeModify, Condition: stanzaerror.ConditionBadRequest}),
	}, {
		name: "software version",
		req:  &xmpp.IQ{Type: xmpp.IQTypeGet, ID: "v1", Any: []stanza.Element{&version.Query{}}},
		want: resultIQ("v1", &version.Query{Name: &name, Version: &ver, OS: &os}),
	}, {
		name: "registered handler",
		req:  &xmpp.IQ{Type: xmpp.IQTypeGet, ID: "c1", Any: []stanza.Element{raw("urn:example:custom", "q", `<q xmlns='urn:example:custom'>ok</q>`)}},
		want: resultIQ("c1", raw("urn:example:custom", "a", `<a xmlns='urn:example:custom'>fine</a>`)),
	}, {
		name: "registered handler returning a condition",
		req:  &xmpp.IQ{Type: xmpp.IQTypeGet, ID: "c2", Any: []stanza.Element{raw("urn:example:custom", "q", `<q xmlns='urn:example:custom'>deny</q>`)}},
		want: errIQ("c2", &xmpp.Error{Type: xmpp.ErrorTypeCancel, Condition: stanzaerror.ConditionNotAllowed}),
	}, {
		name: "registered handler returning a plain error",
		req:  &xmpp.IQ{Type: xmpp.IQTypeGet, ID: "c3", Any: []stanza.Element{raw("urn:example:custom", "q", `<q xmlns='urn:example:custom'>fail</q>`)}},
		want: errIQ("c3", &xmpp.Error{Type: xmpp.ErrorTypeCancel, Condition: stanzaerror.ConditionInternalServerError}),
	}, {
		name: "registered handler returning a StanzaError",
		req:  &xmpp.IQ{Type: xmpp.IQTypeSet, ID: "c4", Any: []stanza.Element{raw("urn:example:custom", "q", `<q xmlns='urn:example:custom'>wait</q>`)}},
		want: errIQ("c4", &xmpp.Error{Type: xmpp.ErrorTypeWait, Condition: stanzaerror.ConditionResourceConstraint, Text: &stanzaerror.Text{Value: "busy"}}),
	}}
	c, srv := connect(t, serverOpts{}, client.Options{SoftwareName: name, SoftwareVersion: ver, SoftwareOS: os})
	c.AddFeature("urn:xmpp:receipts")
	c.HandleIQ("urn:example:custom", "q", func(ctx context.Context, iq *xmpp.IQ) (stanza.Element, error) {
		switch x := iq.Any[0].(*stanza.RawElement); x.XML {
		case `<q xmlns='urn:example:custom'>deny</q>`:
			return nil, client.NotAllowed
		case `<q xmlns='urn:example:custom'>fail</q>`:
			return nil, errors.New("database on fire")
		case `<q xmlns='urn:example:custom'>wait</q>`:
			return nil, &client.StanzaError{Type: xmpp.ErrorTypeWait, Condition: client.ResourceConstraint, Text: "busy"}
		}
		return raw("urn:example:custom", "a", `<a xmlns='urn:example:custom'>fine</a>`), nil
	})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.From = jid.Raw(peer)
			tc.req.To = c.JID()
			srv.send(tc.req)
			got := srv.nextIQ()
			if diff := cmp.Diff(marshal(t, tc.want), marshal(t, got)); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
		})
	}
}

// TestUnmatchedResponsesIgnored checks that results and errors nobody
// waits for get no answer (RFC 6120 section 8.2.3), while the next request
// does.
func TestUnmatchedResponsesIgnored(t *testing.T) {
	c, srv := connect(t, serverOpts{}, client.Options{})
	srv.send(
		&xmpp.IQ{Type: xmpp.IQTypeResult, ID: "nobody", From: jid.Raw("example.com"), To: c.JID()},
		&xmpp.IQ{Type: xmpp.IQTypeError, ID: "nobody2", From: jid.Raw("example.com"), To: c.JID(), Error: &xmpp.Error{Type: xmpp.ErrorTypeCancel, Condition: stanzaerror.ConditionNotAllowed}},
		&xmpp.IQ{Type: xmpp.IQTypeGet, ID: "after", From: jid.Raw("example.com"), To: c.JID(), Any: []stanza.Element{&ping.Ping{}}},
	)
	got := srv.nextIQ()
	if got.ID != "after" || got.Type != xmpp.IQTypeResult {
		t.Errorf("client sent %s, want only the ping result", marshal(t, got))
	}
}

// TestPing checks Ping's request and its outcome.
func TestPing(t *testing.T) {
	c, srv := connect(t, serverOpts{}, client.Options{})
	srv.handle(func(el stanza.Element) bool {
		iq := el.(*xmpp.IQ)
		if _, ok := iq.Any[0].(*ping.Ping); !ok || iq.To.String() != "example.com" || iq.Type != xmpp.IQTypeGet {
			return false
		}
		srv.sendLocked(&xmpp.IQ{Type: xmpp.IQTypeResult, ID: iq.ID, From: jid.Raw("example.com")})
		return true
	})
	if err := c.Ping(testCtx(t), jid.JID{}); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}
