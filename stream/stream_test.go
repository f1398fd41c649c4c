package stream_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/bind"
	"github.com/protoxmpp/protoxmpp/stanza/sasl"
	"github.com/protoxmpp/protoxmpp/stanza/session"
	"github.com/protoxmpp/protoxmpp/stanza/starttls"
	"github.com/protoxmpp/protoxmpp/stanza/streams"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
	"github.com/protoxmpp/protoxmpp/stream"
)

const (
	serverHeader = `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='s1' version='1.0' xml:lang='en'>`
	clientHeader = `<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>`
	myClientOut  = `<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client' to='example.com' version='1.0'>`
	myServerOut  = `<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client' from='example.com' id='s1' version='1.0'>`
)

// summary renders an event as one comparable line.
func summary(ev stream.Event) string {
	switch ev.Kind {
	case stream.EventOpen:
		h := ev.Header
		return fmt.Sprintf("open from=%q to=%q id=%q version=%q lang=%q ns=%q", h.From, h.To, h.ID, h.Version, h.Lang, h.NS)
	case stream.EventFeatures:
		b, err := stanza.Marshal(ev.Features)
		if err != nil {
			return "features: " + err.Error()
		}
		return "features " + string(b)
	case stream.EventElement:
		b, err := stanza.Marshal(ev.Element)
		if err != nil {
			return "element: " + err.Error()
		}
		return fmt.Sprintf("element %T %s", ev.Element, b)
	case stream.EventNegotiated:
		return fmt.Sprintf("negotiated %s %s%s", ev.Step, ev.JID, ev.Mechanism)
	case stream.EventStepFailed:
		return fmt.Sprintf("failed %s: %s", ev.Step, condOf(ev.Err))
	case stream.EventStreamError:
		return "stream error: " + condOf(ev.Err)
	case stream.EventError:
		return "error: " + condOf(ev.Err)
	}
	return ev.Kind.String()
}

func condOf(err error) string {
	var se *stream.Error
	var sa *stream.SASLError
	var be *stream.BindError
	switch {
	case errors.As(err, &se):
		return string(se.Condition)
	case errors.As(err, &sa):
		return "sasl " + string(sa.Condition)
	case errors.As(err, &be):
		return "bind " + string(be.Condition)
	}
	return err.Error()
}

// step is one move of a scripted conversation: bytes from the peer, or an
// action on the stream.
type step struct {
	in string
	do func(s *stream.Stream) error
}

type script struct {
	name  string
	cfg   stream.Config
	steps []step
	want  []string // event summaries
	out   string   // everything written
}

// run plays sc, feeding each input step in chunks given by split.
func run(t *testing.T, sc script, split func(string) []string) ([]string, string) {
	t.Helper()
	s := stream.New(sc.cfg)
	var evs []string
	var out []byte
	for i, st := range sc.steps {
		if st.do != nil {
			if err := st.do(s); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			continue
		}
		for _, c := range split(st.in) {
			s.Feed([]byte(c))
			for ev := s.Next(); ev.Kind != stream.EventNone; ev = s.Next() {
				evs = append(evs, summary(ev))
			}
		}
		out = s.AppendOutput(out)
	}
	out = s.AppendOutput(out)
	return evs, string(out)
}

func whole(s string) []string { return []string{s} }

func bytewise(s string) []string {
	out := make([]string, len(s))
	for i := range s {
		out[i] = s[i : i+1]
	}
	return out
}

// checkScripts runs each script whole, byte by byte and split at every byte
// boundary of every input step, wanting the same events and output.
func checkScripts(t *testing.T, scripts []script) {
	for _, sc := range scripts {
		t.Run(sc.name, func(t *testing.T) {
			evs, out := run(t, sc, whole)
			if diff := cmp.Diff(sc.want, evs); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if sc.out != "" || out != "" {
				if diff := cmp.Diff(sc.out, out); diff != "" {
					t.Errorf("output (-want +got):\n%s", diff)
				}
			}
			check := func(how string, split func(string) []string) {
				e2, o2 := run(t, sc, split)
				if diff := cmp.Diff(evs, e2); diff != "" {
					t.Fatalf("%s: events (-whole +split):\n%s", how, diff)
				}
				if o2 != out {
					t.Fatalf("%s: output %q, whole gave %q", how, o2, out)
				}
			}
			check("byte by byte", bytewise)
			longest := 0
			for _, st := range sc.steps {
				longest = max(longest, len(st.in))
			}
			for k := 1; k < longest; k++ {
				check(fmt.Sprintf("split at %d", k), func(s string) []string {
					if k >= len(s) {
						return []string{s}
					}
					return []string{s[:k], s[k:]}
				})
			}
		})
	}
}

func open(h stream.Header) func(s *stream.Stream) error {
	return func(s *stream.Stream) error { return s.Open(h) }
}

var clientOpen = open(stream.Header{To: "example.com"})

func TestClientScripts(t *testing.T) {
	features := `<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>`
	checkScripts(t, []script{{
		name:  "open features message close",
		steps: []step{{do: clientOpen}, {in: serverHeader + features + "\n \t" + `<message from='a@b' type='chat'><body>hi &amp; bye</body></message>` + " </stream:stream>"}},
		want: []string{
			`open from="example.com" to="" id="s1" version="1.0" lang="en" ns="jabber:client"`,
			`features <features xmlns='http://etherx.jabber.org/streams'><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></features>`,
			`element *xmpp.Message <message xmlns='jabber:client' from='a@b' type='chat'><body>hi &amp; bye</body></message>`,
			"EventClose",
		},
		out: myClientOut + "</stream:stream>",
	}, {
		name: "starttls proceed then restart",
		steps: []step{{do: clientOpen}, {in: serverHeader + features},
			{do: (*stream.Stream).StartTLS}, {in: `<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`},
			{do: (*stream.Stream).Restart}, {in: serverHeader}},
		want: []string{
			`open from="example.com" to="" id="s1" version="1.0" lang="en" ns="jabber:client"`,
			`features <features xmlns='http://etherx.jabber.org/streams'><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></features>`,
			"negotiated tls ",
			`open from="example.com" to="" id="s1" version="1.0" lang="en" ns="jabber:client"`,
		},
		out: myClientOut + `<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>` + myClientOut,
	}, {
		name: "starttls failure",
		steps: []step{{do: clientOpen}, {in: serverHeader},
			{do: (*stream.Stream).StartTLS}, {in: `<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>`}},
		want: []string{`open from="example.com" to="" id="s1" version="1.0" lang="en" ns="jabber:client"`, "failed tls: stream: STARTTLS failed", "EventClose"},
		out:  myClientOut + `<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>`,
	}, {
		name: "sasl plain success",
		steps: []step{{do: clientOpen}, {in: serverHeader},
			{do: func(s *stream.Stream) error { return s.Authenticate(stream.Plain("", "juliet", "r0m30")) }},
			{in: `<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>`}},
		want: []string{`open from="example.com" to="" id="s1" version="1.0" lang="en" ns="jabber:client"`, "negotiated sasl PLAIN"},
		out:  myClientOut + `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMA==</auth>`,
	}, {
		name: "sasl challenge empty response and success data",
		steps: []step{{do: clientOpen}, {in: serverHeader},
			{do: func(s *stream.Stream) error { return s.Authenticate(&echoMech{}) }},
			{in: `<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>=</challenge><challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>YWJj</challenge>`},
			{in: `<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>b2s=</success>`}},
		want: []string{`open from="example.com" to="" id="s1" version="1.0" lang="en" ns="jabber:client"`, "negotiated sasl X-ECHO"},
		out: myClientOut + `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='X-ECHO'>=</auth>` +
			`<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>=</response><response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>Y2Jh</response>`,
	}, {
		name: "sasl failure then bad base64 challenge aborts",
		steps: []step{{do: clientOpen}, {in: serverHeader},
			{do: func(s *stream.Stream) error { return s.Authenticate(stream.Plain("", "juliet", "x")) }},
			{in: `<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/><text>bad</text></failure>`},
			{do: func(s *stream.Stream) error { return s.Authenticate(&echoMech{}) }},
			{in: `<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>!!</challenge><failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><aborted/></failure>`}},
		want: []string{`open from="example.com" to="" id="s1" version="1.0" lang="en" ns="jabber:client"`, "failed sasl: sasl not-authorized", "failed sasl: sasl aborted"},
		out: myClientOut + `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAB4</auth>` +
			`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='X-ECHO'>=</auth><abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>`,
	}, {
		name: "bind and session",
		steps: []step{{do: clientOpen}, {in: serverHeader},
			{do: func(s *stream.Stream) error { return s.Bind("balcony") }},
			{in: `<iq type='result' id='stream-1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>juliet@example.com/balcony</jid></bind></iq>`},
			{do: (*stream.Stream).Session},
			{in: `<iq type='error' id='stream-2'><error type='cancel'><not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq><iq type='result' id='other'/>`}},
		want: []string{`open from="example.com" to="" id="s1" version="1.0" lang="en" ns="jabber:client"`,
			"negotiated bind juliet@example.com/balcony", "failed session: bind not-allowed",
			`element *xmpp.IQ <iq xmlns='jabber:client' id='other' type='result'/>`},
		out: myClientOut + `<iq id='stream-1' type='set'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>balcony</resource></bind></iq>` +
			`<iq id='stream-2' type='set'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>`,
	}, {
		name: "bind conflict",
		steps: []step{{do: clientOpen}, {in: serverHeader},
			{do: func(s *stream.Stream) error { return s.Bind("") }},
			{in: `<iq type='error' id='stream-1'><error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>`}},
		want: []string{`open from="example.com" to="" id="s1" version="1.0" lang="en" ns="jabber:client"`, "failed bind: bind conflict"},
		out:  myClientOut + `<iq id='stream-1' type='set'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>`,
	}, {
		name:  "stream error received",
		steps: []step{{do: clientOpen}, {in: serverHeader + `<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>[2001:db8::1]:5222</see-other-host><text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>moved</text><x xmlns='urn:example'/></stream:error></stream:stream>`}},
		want:  []string{`open from="example.com" to="" id="s1" version="1.0" lang="en" ns="jabber:client"`, "stream error: see-other-host", "EventClose"},
		out:   myClientOut + "</stream:stream>",
	}, {
		name:  "server without version",
		steps: []step{{do: clientOpen}, {in: `<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x'>`}},
		want:  []string{"error: unsupported-version"},
		out:   myClientOut + `<stream:error><unsupported-version xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>`,
	}})
}

// echoMech answers each challenge with its bytes reversed, and accepts
// success data "ok".
type echoMech struct{ done bool }

func (m *echoMech) Name() string           { return "X-ECHO" }
func (m *echoMech) Start() ([]byte, error) { return []byte{}, nil }
func (m *echoMech) Next(ch []byte) ([]byte, error) {
	if string(ch) == "ok" {
		m.done = true
		return nil, nil
	}
	out := make([]byte, len(ch))
	for i, c := range ch {
		out[len(ch)-1-i] = c
	}
	return out, nil
}

// echoVerifier is the server side of X-ECHO: it challenges "abc" and wants
// "cba", then succeeds with data "ok".
type echoVerifier struct{ n int }

func (v *echoVerifier) Step(resp []byte) ([]byte, bool, error) {
	v.n++
	switch v.n {
	case 1:
		return []byte{}, false, nil
	case 2:
		return []byte("abc"), false, nil
	}
	if string(resp) != "cba" {
		return nil, false, stream.SASLNotAuthorized
	}
	return []byte("ok"), true, nil
}

func serverConfig() stream.Config {
	return stream.Config{
		Role: stream.Receiving,
		Verify: func(mech string) stream.Verifier {
			switch mech {
			case "PLAIN":
				return stream.PlainVerifier(func(authz, user, pass string) error {
					if user == "juliet" && pass == "r0m30" {
						return nil
					}
					return stream.SASLNotAuthorized
				})
			case "X-ECHO":
				return &echoVerifier{}
			}
			return nil
		},
		Bind: func(res *string) (string, error) {
			if res == nil {
				return "juliet@example.com/generated", nil
			}
			if *res == "taken" {
				return "", stream.BindConflict
			}
			return "juliet@example.com/" + *res, nil
		},
	}
}

var serverOpen = open(stream.Header{From: "example.com", ID: "s1"})

func sendFeatures(children ...stanza.Element) func(s *stream.Stream) error {
	return func(s *stream.Stream) error { return s.SendFeatures(&streams.Features{Any: children}) }
}

func TestServerScripts(t *testing.T) {
	opened := `open from="" to="example.com" id="" version="1.0" lang="" ns="jabber:client"`
	mechs := &sasl.Mechanisms{Mechanism: []string{"PLAIN", "X-ECHO"}}
	checkScripts(t, []script{{
		name:  "starttls",
		cfg:   serverConfig(),
		steps: []step{{in: clientHeader}, {do: serverOpen}, {do: sendFeatures(&starttls.Starttls{Required: true})}, {in: `<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`}, {do: (*stream.Stream).Restart}, {in: clientHeader}},
		want:  []string{opened, "negotiated tls ", opened},
		out:   myServerOut + `<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features><proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`,
	}, {
		name:  "starttls not offered",
		cfg:   serverConfig(),
		steps: []step{{in: clientHeader}, {do: serverOpen}, {in: `<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`}},
		want:  []string{opened, "failed tls: stream: STARTTLS not offered"},
		out:   myServerOut + `<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>`,
	}, {
		name: "sasl plain wrong then right, bind, session",
		cfg:  serverConfig(),
		steps: []step{{in: clientHeader}, {do: serverOpen}, {do: sendFeatures(mechs)},
			{in: `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAB4</auth><auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMA==</auth>`},
			{do: (*stream.Stream).Restart}, {in: clientHeader}, {do: serverOpen}, {do: sendFeatures(&bind.Bind{}, &session.Session{})},
			{in: `<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>taken</resource></bind></iq><iq type='set' id='b2'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq><iq type='set' id='s'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>`}},
		want: []string{opened, "failed sasl: sasl not-authorized", "negotiated sasl PLAIN", opened, "failed bind: bind conflict", "negotiated bind juliet@example.com/generated", "negotiated session "},
		out: myServerOut + `<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism><mechanism>X-ECHO</mechanism></mechanisms></stream:features>` +
			`<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure><success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>` +
			myServerOut + `<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></stream:features>` +
			`<iq id='b1' type='error'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>taken</resource></bind><error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>` +
			`<iq id='b2' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>juliet@example.com/generated</jid></bind></iq><iq id='s' type='result'/>`,
	}, {
		name: "sasl invalid mechanism, bad base64, abort",
		cfg:  serverConfig(),
		steps: []step{{in: clientHeader}, {do: serverOpen}, {do: sendFeatures(mechs)},
			{in: `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='DIGEST-MD5'/><auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>!!</auth>` +
				`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='X-ECHO'/><abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>`}},
		want: []string{opened, "failed sasl: sasl invalid-mechanism", "failed sasl: sasl incorrect-encoding", "failed sasl: sasl aborted"},
		out: myServerOut + `<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism><mechanism>X-ECHO</mechanism></mechanisms></stream:features>` +
			`<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><invalid-mechanism/></failure><failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><incorrect-encoding/></failure>` +
			`<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>=</challenge><failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><aborted/></failure>`,
	}, {
		name: "keepalives and stanzas",
		cfg:  serverConfig(),
		steps: []step{{in: clientHeader}, {do: serverOpen}, {do: sendFeatures(mechs)}, {in: `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMA==</auth>`},
			{do: (*stream.Stream).Restart}, {in: clientHeader}, {do: serverOpen},
			{in: "  \n<presence/> \r\n\t<message to='x@y'><body>b</body></message>"}, {do: (*stream.Stream).SendKeepalive}, {in: "</stream:stream>"}},
		want: []string{opened, "negotiated sasl PLAIN", opened, `element *xmpp.Presence <presence xmlns='jabber:client'/>`, `element *xmpp.Message <message xmlns='jabber:client' to='x@y'><body>b</body></message>`, "EventClose"},
		out: myServerOut + `<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism><mechanism>X-ECHO</mechanism></mechanisms></stream:features>` +
			`<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>` + myServerOut + " </stream:stream>",
	}, {
		name: "tls required before sasl",
		cfg:  func() stream.Config { c := serverConfig(); c.RequireTLS = true; return c }(),
		steps: []step{{in: clientHeader}, {do: serverOpen}, {do: sendFeatures(&starttls.Starttls{Required: true}, mechs)},
			{in: `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMA==</auth>`},
			{in: `<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`}, {do: (*stream.Stream).Restart}, {in: clientHeader}, {do: serverOpen}, {do: sendFeatures(mechs)},
			{in: `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMA==</auth>`}},
		want: []string{opened, "failed sasl: sasl encryption-required", "negotiated tls ", opened, "negotiated sasl PLAIN"},
		out: myServerOut + `<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism><mechanism>X-ECHO</mechanism></mechanisms></stream:features>` +
			`<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><encryption-required/></failure><proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>` +
			myServerOut + `<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism><mechanism>X-ECHO</mechanism></mechanisms></stream:features><success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>`,
	}, {
		name:  "tls required, direct tls",
		cfg:   func() stream.Config { c := serverConfig(); c.RequireTLS, c.Secure = true, true; return c }(),
		steps: []step{{in: clientHeader}, {do: serverOpen}, {do: sendFeatures(mechs)}, {in: `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMA==</auth>`}},
		want:  []string{opened, "negotiated sasl PLAIN"},
		out: myServerOut + `<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism><mechanism>X-ECHO</mechanism></mechanisms></stream:features>` +
			`<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>`,
	}, {
		name: "host-unknown sent by caller",
		cfg:  serverConfig(),
		steps: []step{{in: clientHeader}, {do: func(s *stream.Stream) error {
			return s.SendError(&stream.Error{Condition: stream.HostUnknown, Text: "who?", Lang: "en"})
		}}},
		want: []string{opened},
		out:  `<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client' from='example.com' version='1.0'><stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>who?</text></stream:error></stream:stream>`,
	}})
}

// errHeader is the header a receiving entity sends before a stream error
// when its caller has not answered yet.
const errHeader = `<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' xmlns='jabber:client' from='example.com' version='1.0'>`

func TestBadInput(t *testing.T) {
	opened := `open from="" to="example.com" id="" version="1.0" lang="" ns="jabber:client"`
	errOut := func(cond, hdr string) string {
		return hdr + `<stream:error><` + cond + ` xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>`
	}
	hdr := func(attrs string) string {
		return `<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' ` + attrs + `>`
	}
	small := serverConfig()
	small.Limits = stanza.Limits{MaxElementBytes: 512, MaxDepth: 8, MaxAttrs: 8, MaxNameBytes: 64}
	cases := []struct {
		name, in, cond string
		opened         bool
		sentinel       error
		cfg            stream.Config
	}{
		{"no version", hdr(""), "unsupported-version", false, nil, stream.Config{}},
		{"version 0.9", hdr("version='0.9'"), "unsupported-version", false, nil, stream.Config{}},
		{"version garbage", hdr("version='one'"), "unsupported-version", false, nil, stream.Config{}},
		{"wrong stream namespace", `<stream:stream xmlns='jabber:client' xmlns:stream='http://wrong.example/' to='example.com' version='1.0'>`, "invalid-namespace", false, nil, stream.Config{}},
		{"wrong content namespace", `<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>`, "invalid-namespace", false, nil, stream.Config{}},
		{"no content namespace", `<stream:stream xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>`, "invalid-namespace", false, nil, stream.Config{}},
		{"unbound stream prefix", `<stream:stream xmlns='jabber:client' to='example.com' version='1.0'>`, "bad-namespace-prefix", false, stanza.ErrUnboundPrefix, stream.Config{}},
		{"other stream prefix", `<foobar:stream xmlns='jabber:client' xmlns:foobar='http://etherx.jabber.org/streams' to='example.com' version='1.0'>`, "bad-namespace-prefix", false, nil, stream.Config{}},
		{"comment", hdr("version='1.0'") + `<!-- hi -->`, "restricted-xml", true, stanza.ErrRestrictedXML, stream.Config{}},
		{"processing instruction", hdr("version='1.0'") + `<?foo bar?>`, "restricted-xml", true, stanza.ErrRestrictedXML, stream.Config{}},
		{"entity", hdr("version='1.0'") + `<message><body>&foo;</body></message>`, "restricted-xml", true, stanza.ErrRestrictedXML, stream.Config{}},
		{"mismatched tag", hdr("version='1.0'") + `<message><body>x</bdy></message>`, "not-well-formed", true, stanza.ErrNotWellFormed, stream.Config{}},
		{"bad utf8", hdr("version='1.0'") + "<message><body>\xff</body></message>", "not-well-formed", true, stanza.ErrInvalidUTF8, stream.Config{}},
		{"unbound prefix in stanza", hdr("version='1.0'") + `<foo:message/>`, "not-well-formed", true, stanza.ErrUnboundPrefix, stream.Config{}},
		{"too deep", hdr("version='1.0'") + strings.Repeat("<a>", 9), "policy-violation", true, stanza.ErrLimitDepth, small},
		{"too big", hdr("version='1.0'") + "<message><body>" + strings.Repeat("x", 600), "policy-violation", true, stanza.ErrLimitElementSize, small},
		{"too many attributes", hdr("version='1.0'") + "<message" + strings.Repeat(" a='1'", 10) + "/>", "policy-violation", true, stanza.ErrLimitAttrs, small},
		{"name too long", hdr("version='1.0'") + "<" + strings.Repeat("m", 100) + "/>", "policy-violation", true, stanza.ErrLimitName, small},
		{"text between stanzas", hdr("version='1.0'") + "hello<presence/>", "bad-format", true, nil, stream.Config{}},
		{"wrong end tag", hdr("version='1.0'") + "</stream:streams>", "not-well-formed", true, stanza.ErrNotWellFormed, stream.Config{}},
		{"message before authentication", hdr("version='1.0'") + "<message to='x@y'><body>b</body></message>", "not-authorized", true, stream.NotAuthorized, stream.Config{}},
		{"iq before authentication", hdr("version='1.0'") + "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>", "not-authorized", true, nil, stream.Config{}},
		{"host not served", hdr("version='1.0'"), "host-unknown", false, stream.HostUnknown, func() stream.Config {
			c := serverConfig()
			c.Hosts = func(d string) bool { return d == "example.org" }
			return c
		}()},
	}
	var scripts []script
	for _, c := range cases {
		if c.cfg.Role != stream.Receiving {
			c.cfg = serverConfig()
		}
		h := errHeader
		if c.sentinel == stanza.ErrUnboundPrefix && !c.opened {
			h = strings.Replace(h, "from='example.com' ", "", 1) // the header could not be read
		}
		want := []string{}
		if c.opened {
			want = append(want, opened)
		}
		want = append(want, "error: "+c.cond)
		scripts = append(scripts, script{name: c.name, cfg: c.cfg, steps: []step{{in: c.in}}, want: want, out: errOut(c.cond, h)})
		if c.sentinel == nil {
			continue
		}
		t.Run(c.name+"/sentinel", func(t *testing.T) {
			s := stream.New(c.cfg)
			s.Feed([]byte(c.in))
			var last stream.Event
			for ev := s.Next(); ev.Kind != stream.EventNone; ev = s.Next() {
				last = ev
			}
			if last.Kind != stream.EventError || !errors.Is(last.Err, c.sentinel) || !errors.Is(last.Err, stream.Condition(c.cond)) {
				t.Fatalf("last event %v %v: want an error matching %v and %s", last.Kind, last.Err, c.sentinel, c.cond)
			}
			if !s.Done() || s.Err() == nil {
				t.Fatalf("stream not ended: done=%v err=%v", s.Done(), s.Err())
			}
			s.Feed([]byte("<presence/>"))
			if ev := s.Next(); ev.Kind != stream.EventNone {
				t.Fatalf("event after the end: %v", ev.Kind)
			}
		})
	}
	checkScripts(t, scripts)
}

func TestConditions(t *testing.T) {
	for _, c := range stream.Conditions {
		t.Run(string(c), func(t *testing.T) {
			// Sent by a server, received by a client, with errors.Is.
			srv := stream.New(serverConfig())
			srv.Feed([]byte(clientHeader))
			srv.Next()
			e := &stream.Error{Condition: c, Text: "t"}
			if c == stream.SeeOtherHost {
				e.SeeOtherHost = "other.example:5222"
			}
			srv.SendError(e)
			cl := stream.New(stream.Config{})
			cl.Open(stream.Header{To: "example.com"})
			cl.Feed(srv.Output())
			var got stream.Event
			for ev := cl.Next(); ev.Kind != stream.EventNone; ev = cl.Next() {
				if ev.Kind == stream.EventStreamError {
					got = ev
				}
			}
			if !errors.Is(got.Err, c) || errors.Is(got.Err, stream.Condition("nope")) {
				t.Fatalf("got %v, want condition %s", got.Err, c)
			}
			var se *stream.Error
			errors.As(got.Err, &se)
			if se.Text != "t" || se.SeeOtherHost != e.SeeOtherHost {
				t.Fatalf("got %+v", se)
			}
			if !errors.Is(got.Err, &stream.Error{Condition: c}) {
				t.Fatal("not Is an *Error with the same condition")
			}
		})
	}
	for _, c := range stream.SASLConditions {
		t.Run("sasl "+string(c), func(t *testing.T) {
			var err error = &stream.SASLError{Condition: c}
			if !errors.Is(err, c) || errors.Is(err, stream.SASLCondition("nope")) {
				t.Fatal("errors.Is")
			}
		})
	}
}

// TestSendBadElement checks that a value that cannot be encoded writes
// nothing.
func TestSendBadElement(t *testing.T) {
	s := stream.New(stream.Config{})
	s.Open(stream.Header{To: "example.com"})
	s.Output()
	err := s.Send(&xmpp.Message{Body: []xmpp.Body{{Value: "\x00"}}})
	if err == nil {
		t.Fatal("no error")
	}
	if out := s.Output(); len(out) != 0 {
		t.Fatalf("wrote %q", out)
	}
}
