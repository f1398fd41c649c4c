package auth_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/protoxmpp/protoxmpp/client/auth"
	"github.com/protoxmpp/protoxmpp/stanza"
	_ "github.com/protoxmpp/protoxmpp/stanza/all" // every element typed
	"github.com/protoxmpp/protoxmpp/stanza/sasl"
	"github.com/protoxmpp/protoxmpp/stanza/streams"
	"github.com/protoxmpp/protoxmpp/stream"
	"github.com/xdg-go/scram"
)

// How the test server ends a successful SCRAM exchange (RFC 6120 section
// 6.4.6 allows the first two).
const (
	finalInSuccess   = iota // server-final-message as <success/> data
	finalInChallenge        // as a last challenge, then an empty <success/>
	finalOmitted            // an empty <success/>, no server-final-message
)

// scramVerifier is a stream.Verifier on an xdg-go/scram server conversation.
type scramVerifier struct {
	sc     *scram.ServerConversation
	mode   int
	tamper bool
	final  bool // the server-final-message went as a challenge
}

func (v *scramVerifier) Step(resp []byte) ([]byte, bool, error) {
	if v.final {
		return nil, true, nil
	}
	out, err := v.sc.Step(string(resp))
	if err != nil {
		return nil, false, stream.SASLNotAuthorized
	}
	if !v.sc.Done() {
		return []byte(out), false, nil
	}
	if v.tamper {
		sig, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(out, "v="))
		sig[len(sig)-1] ^= 0x80
		out = "v=" + base64.StdEncoding.EncodeToString(sig)
	}
	switch v.mode {
	case finalInChallenge:
		v.final = true
		return []byte(out), false, nil
	case finalOmitted:
		return nil, true, nil
	}
	return []byte(out), true, nil
}

// authenticate runs SASL with m between a client stream.Stream and a
// server stream.Stream whose Verifier is v, and returns the client's last
// event and the bytes the server sent.
func authenticate(t *testing.T, m stream.Mechanism, offered []string, v stream.Verifier) (stream.Event, string) {
	t.Helper()
	cl := stream.New(stream.Config{})
	srv := stream.New(stream.Config{Role: stream.Receiving, Verify: func(string) stream.Verifier { return v }})
	if err := cl.Open(stream.Header{To: "example.com"}); err != nil {
		t.Fatal(err)
	}
	var sent bytes.Buffer
	for range 20 {
		co, so := cl.Output(), srv.Output()
		if len(co) == 0 && len(so) == 0 {
			break
		}
		sent.Write(so)
		srv.Feed(bytes.Clone(co))
		cl.Feed(bytes.Clone(so))
		for ev := srv.Next(); ev.Kind != stream.EventNone; ev = srv.Next() {
			if ev.Kind == stream.EventOpen {
				srv.Open(stream.Header{From: "example.com", ID: "s1"})
				srv.SendFeatures(&streams.Features{Any: []stanza.Element{&sasl.Mechanisms{Mechanism: offered}}})
			}
		}
		for ev := cl.Next(); ev.Kind != stream.EventNone; ev = cl.Next() {
			switch ev.Kind {
			case stream.EventFeatures:
				if err := cl.Authenticate(m); err != nil {
					t.Fatal(err)
				}
			case stream.EventNegotiated, stream.EventStepFailed, stream.EventError:
				sent.Write(srv.Output())
				return ev, sent.String()
			}
		}
	}
	t.Fatal("no SASL outcome")
	return stream.Event{}, ""
}

// TestThroughStream runs SCRAM through stream.Stream with every way a
// server can end the exchange, and checks what the client sees and what
// Check says.
func TestThroughStream(t *testing.T) {
	conns(t)
	cases := []struct {
		name     string
		mode     int
		tamper   bool
		password string
		kind     stream.EventKind
		errIs    error // in the event's error
		checkOK  bool
	}{
		{"final in success", finalInSuccess, false, password, stream.EventNegotiated, nil, true},
		{"final as challenge", finalInChallenge, false, password, stream.EventNegotiated, nil, true},
		// The stream cannot tell: only Check catches a server that never
		// proved it knows the password.
		{"final omitted", finalOmitted, false, password, stream.EventNegotiated, nil, false},
		{"tampered in success", finalInSuccess, true, password, stream.EventError, auth.ErrServerSignature, false},
		{"tampered as challenge", finalInChallenge, true, password, stream.EventStepFailed, auth.ErrServerSignature, false},
		{"wrong password", finalInSuccess, false, "wrong", stream.EventStepFailed, stream.SASLNotAuthorized, false},
	}
	for _, name := range []string{"SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512-PLUS"} {
		for _, c := range cases {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				offered := []string{name, strings.TrimSuffix(name, "-PLUS")}
				m, err := auth.Select(offered, auth.Config{Username: user, Password: c.password, TLS: &tls13.client, ChannelBindings: []string{"tls-exporter"}})
				if err != nil {
					t.Fatal(err)
				}
				if m.Name() != name {
					t.Fatalf("chose %s", m.Name())
				}
				v := &scramVerifier{sc: newServer(t, name, password).NewConversationWithChannelBinding(tls13.serverBinding(t, "tls-exporter")), mode: c.mode, tamper: c.tamper}
				ev, wire := authenticate(t, m, offered, v)
				if ev.Kind != c.kind {
					t.Fatalf("client event %v (%v), want %v; server sent %s", ev.Kind, ev.Err, c.kind, wire)
				}
				if c.errIs != nil && !errors.Is(ev.Err, c.errIs) {
					t.Errorf("event error %v, want %v", ev.Err, c.errIs)
				}
				if c.kind == stream.EventNegotiated && ev.Mechanism != name {
					t.Errorf("negotiated %q", ev.Mechanism)
				}
				err = auth.Check(m)
				switch {
				case c.checkOK && err != nil:
					t.Errorf("Check = %v, want nil", err)
				case !c.checkOK && !errors.Is(err, auth.ErrServerSignature):
					t.Errorf("Check = %v, want ErrServerSignature", err)
				}
				if c.mode == finalInChallenge && !c.tamper && c.password == password {
					// The server-final-message came as a challenge,
					// answered with an empty response, then <success/>.
					if !strings.HasSuffix(wire, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>") {
						t.Errorf("server did not end with an empty success: %s", wire)
					}
				}
			})
		}
	}
}

// TestPlainThroughStream runs PLAIN through stream.Stream against its
// PlainVerifier.
func TestPlainThroughStream(t *testing.T) {
	conns(t)
	m, err := auth.Select([]string{"PLAIN"}, auth.Config{Username: user, Password: password, TLS: &tls13.client})
	if err != nil {
		t.Fatal(err)
	}
	v := stream.PlainVerifier(func(authz, u, p string) error {
		if authz == "" && u == user && p == password {
			return nil
		}
		return stream.SASLNotAuthorized
	})
	ev, wire := authenticate(t, m, []string{"PLAIN"}, v)
	if ev.Kind != stream.EventNegotiated || auth.Check(m) != nil {
		t.Errorf("event %v %v; server sent %s", ev.Kind, ev.Err, wire)
	}
}
