package stream_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/bind"
	"github.com/protoxmpp/protoxmpp/stanza/sasl"
	"github.com/protoxmpp/protoxmpp/stanza/sm"
	"github.com/protoxmpp/protoxmpp/stanza/stanzaerror"
	"github.com/protoxmpp/protoxmpp/stanza/streams"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
	"github.com/protoxmpp/protoxmpp/stream"
)

// smPair is a client and a server Stream connected in memory, with the
// events each has seen. Output can be cut (dropped) to act out a lost
// connection.
type smPair struct {
	t          *testing.T
	cl, srv    *stream.Stream
	clEv, sEv  []stream.Event
	clMsgs     []string // bodies of the messages the client received
	srvMsgs    []string // bodies of the messages the server received
	sessions   map[string]*stream.SMSession
	cutToSrv   bool // drop what the client writes
	cutToCl    bool // drop what the server writes
	sawToSrv   bytes.Buffer
	withBind   bool // bind when offered (false: resume instead, set by the test)
	resumeFrom *stream.SMSession
}

func newSMPair(t *testing.T, sessions map[string]*stream.SMSession, resumeFrom *stream.SMSession) *smPair {
	cfg := serverConfig()
	cfg.SM = &stream.SMConfig{Resume: true, Max: 300, Lookup: func(id string) *stream.SMSession { return sessions[id] }}
	p := &smPair{t: t, cl: stream.New(stream.Config{}), srv: stream.New(cfg), sessions: sessions, resumeFrom: resumeFrom}
	p.cl.Open(stream.Header{To: "example.com"})
	p.pump()
	return p
}

// pump moves bytes both ways and reacts to events until both sides are
// quiet.
func (p *smPair) pump() {
	for round := 0; round < 100; round++ {
		co, so := bytes.Clone(p.cl.Output()), bytes.Clone(p.srv.Output())
		if len(co) == 0 && len(so) == 0 {
			return
		}
		if !p.cutToSrv {
			p.sawToSrv.Write(co)
			p.srv.Feed(co)
		}
		if !p.cutToCl {
			p.cl.Feed(so)
		}
		for ev := p.srv.Next(); ev.Kind != stream.EventNone; ev = p.srv.Next() {
			p.sEv = append(p.sEv, ev)
			switch ev.Kind {
			case stream.EventOpen:
				p.srv.Open(stream.Header{From: "example.com"})
				if !p.srv.Authenticated() {
					p.srv.SendFeatures(&streams.Features{Any: []stanza.Element{&sasl.Mechanisms{Mechanism: []string{"PLAIN"}}}})
				} else {
					p.srv.SendFeatures(&streams.Features{Any: []stanza.Element{&bind.Bind{}, &sm.SM{}}})
				}
			case stream.EventNegotiated:
				switch ev.Step {
				case stream.StepSASL:
					p.srv.Restart()
				case stream.StepSM:
					if ev.SM.ID != "" {
						p.sessions[ev.SM.ID] = ev.SM
					}
				}
			case stream.EventElement:
				if m, ok := ev.Element.(*xmpp.Message); ok {
					p.srvMsgs = append(p.srvMsgs, m.Body[0].Value)
				}
			}
		}
		for ev := p.cl.Next(); ev.Kind != stream.EventNone; ev = p.cl.Next() {
			p.clEv = append(p.clEv, ev)
			switch ev.Kind {
			case stream.EventFeatures:
				if !p.cl.Authenticated() {
					p.cl.Authenticate(stream.Plain("", "juliet", "r0m30"))
				} else if p.resumeFrom != nil {
					if err := p.cl.Resume(p.resumeFrom); err != nil {
						p.t.Fatal(err)
					}
				} else {
					p.cl.Bind("balcony")
				}
			case stream.EventNegotiated:
				switch ev.Step {
				case stream.StepSASL:
					p.cl.Restart()
				case stream.StepBind:
					if err := p.cl.EnableSM(true, 0); err != nil {
						p.t.Fatal(err)
					}
				}
			case stream.EventStepFailed:
				if ev.Step == stream.StepResume {
					p.cl.Bind("balcony")
				}
			case stream.EventElement:
				if m, ok := ev.Element.(*xmpp.Message); ok {
					p.clMsgs = append(p.clMsgs, m.Body[0].Value)
				}
			}
		}
	}
	p.t.Fatal("streams still talking after 100 rounds")
}

func msg(body string) *xmpp.Message {
	return &xmpp.Message{To: jid.Raw("romeo@example.net"), Type: xmpp.MessageTypeChat, Body: []xmpp.Body{{Value: body}}}
}

func (p *smPair) lastStep(evs []stream.Event, step stream.Step) stream.Event {
	for i := len(evs) - 1; i >= 0; i-- {
		if (evs[i].Kind == stream.EventNegotiated || evs[i].Kind == stream.EventStepFailed) && evs[i].Step == step {
			return evs[i]
		}
	}
	p.t.Fatalf("no event for step %s", step)
	return stream.Event{}
}

// TestSMAckAndResume enables Stream Management with resumption, exchanges
// acknowledged stanzas, loses some in both directions, and resumes on a new
// pair of streams: exactly the lost ones are re-sent, and the counters go
// on from where they were.
func TestSMAckAndResume(t *testing.T) {
	sessions := map[string]*stream.SMSession{}
	p := newSMPair(t, sessions, nil)
	if ev := p.lastStep(p.clEv, stream.StepSM); ev.Kind != stream.EventNegotiated || !ev.SM.Resumable || ev.SM.ID == "" || ev.SM.Max != 300 {
		t.Fatalf("enable: %+v", ev)
	}
	csm, ssm := p.cl.SM(), p.srv.SM()
	if csm == nil || ssm == nil || csm.ID != ssm.ID || csm.JID != "juliet@example.com/balcony" {
		t.Fatalf("sessions: client %+v server %+v", csm, ssm)
	}
	for _, b := range []string{"1", "2", "3", "4", "5"} {
		p.cl.Send(msg(b))
	}
	p.cl.RequestAck()
	p.pump()
	if ssm.Handled() != 5 || csm.Sent() != 5 || csm.Acked() != 5 || csm.Unacked() != 0 {
		t.Fatalf("after the ack: server handled %d, client sent %d, acked %d, unacked %d", ssm.Handled(), csm.Sent(), csm.Acked(), csm.Unacked())
	}
	// The <r/> and <a/> nonzas are not counted.
	if csm.Handled() != 0 || ssm.Sent() != 0 {
		t.Fatalf("nonzas counted: client handled %d, server sent %d", csm.Handled(), ssm.Sent())
	}

	p.srv.Send(msg("s1"))
	p.pump()
	p.srv.RequestAck()
	p.pump()
	if ssm.Acked() != 1 || ssm.Unacked() != 0 {
		t.Fatalf("server acked %d unacked %d", ssm.Acked(), ssm.Unacked())
	}

	// The connection breaks: three client stanzas and one server stanza
	// are lost on the way.
	p.cutToSrv, p.cutToCl = true, true
	for _, b := range []string{"6", "7", "8"} {
		p.cl.Send(msg(b))
	}
	p.srv.Send(msg("s2"))
	p.pump()
	if csm.Unacked() != 3 || ssm.Unacked() != 1 {
		t.Fatalf("unacked before resumption: client %d server %d", csm.Unacked(), ssm.Unacked())
	}

	q := newSMPair(t, sessions, csm)
	ev := q.lastStep(q.clEv, stream.StepResume)
	if ev.Kind != stream.EventNegotiated || ev.SM != csm || ev.JID != "juliet@example.com/balcony" {
		t.Fatalf("resume: %+v", ev)
	}
	if sev := q.lastStep(q.sEv, stream.StepResume); sev.Kind != stream.EventNegotiated || sev.SM != ssm {
		t.Fatalf("server resume: %+v", sev)
	}
	if got := strings.Join(q.srvMsgs, ","); got != "6,7,8" {
		t.Errorf("server received after resumption %q, want 6,7,8", got)
	}
	if got := strings.Join(append(p.clMsgs, q.clMsgs...), ","); got != "s1,s2" {
		t.Errorf("client received %q, want s1,s2", got)
	}
	if q.cl.SM() != csm || q.srv.SM() != ssm {
		t.Fatal("the sessions are not attached to the new streams")
	}
	q.cl.RequestAck()
	q.srv.RequestAck()
	q.pump()
	if csm.Sent() != 8 || ssm.Handled() != 8 || csm.Unacked() != 0 || ssm.Sent() != 2 || csm.Handled() != 2 || ssm.Unacked() != 0 {
		t.Errorf("counters after resumption: client sent %d handled %d unacked %d; server sent %d handled %d unacked %d",
			csm.Sent(), csm.Handled(), csm.Unacked(), ssm.Sent(), ssm.Handled(), ssm.Unacked())
	}
	// A clean close carries the acknowledgement owed.
	q.srv.Send(msg("s3"))
	q.pump()
	q.cl.Close()
	out := string(q.cl.Output())
	if out != "<a xmlns='urn:xmpp:sm:3' h='3'/></stream:stream>" {
		t.Errorf("close wrote %q", out)
	}
}

// TestSMResumeFailed: a resumption the server refuses leaves the
// unacknowledged stanzas in the session for the caller, minus those the
// <failed h/> says were handled, and the client binds a new session.
func TestSMResumeFailed(t *testing.T) {
	sessions := map[string]*stream.SMSession{}
	p := newSMPair(t, sessions, nil)
	csm := p.cl.SM()
	p.cutToSrv = true
	p.cl.Send(msg("lost-1"))
	p.cl.Send(msg("lost-2"))
	p.pump()
	delete(sessions, csm.ID) // expired on the server

	q := newSMPair(t, sessions, csm)
	ev := q.lastStep(q.clEv, stream.StepResume)
	if ev.Kind != stream.EventStepFailed || ev.SM != csm || !errors.Is(ev.Err, &stream.SMError{Condition: stanzaerror.ConditionItemNotFound}) {
		t.Fatalf("resume: %+v", ev)
	}
	els, err := csm.UnackedElements()
	if err != nil || len(els) != 2 {
		t.Fatalf("unacked: %v %v", els, err)
	}
	if m, ok := els[1].(*xmpp.Message); !ok || m.Body[0].Value != "lost-2" || m.To.String() != "romeo@example.net" {
		t.Errorf("second unacked: %#v", els[1])
	}
	if bev := q.lastStep(q.clEv, stream.StepBind); bev.Kind != stream.EventNegotiated {
		t.Errorf("no new binding after the failed resumption: %+v", bev)
	}
	if q.cl.SM() == nil || q.cl.SM() == csm {
		t.Error("no new stream management session after the failed resumption")
	}
}

// TestSMReceivingRefusals: the receiving entity refuses what XEP-0198
// does not allow, and ends the stream on an acknowledgement of stanzas it
// never sent.
func TestSMReceivingRefusals(t *testing.T) {
	cfg := serverConfig()
	cfg.SM = &stream.SMConfig{Resume: true}
	srv := stream.New(cfg)
	feed := func(s string) []stream.Event {
		srv.Feed([]byte(s))
		var evs []stream.Event
		for ev := srv.Next(); ev.Kind != stream.EventNone; ev = srv.Next() {
			evs = append(evs, ev)
		}
		return evs
	}
	feed("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>")
	srv.Open(stream.Header{From: "example.com"})
	srv.SendFeatures(&streams.Features{Any: []stanza.Element{&sasl.Mechanisms{Mechanism: []string{"PLAIN"}}}})
	feed("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMA==</auth>")
	srv.Restart()
	feed("<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0'>")
	srv.Open(stream.Header{From: "example.com"})
	srv.SendFeatures(&streams.Features{Any: []stanza.Element{&bind.Bind{}, &sm.SM{}}})
	srv.Output()

	// <enable/> before binding.
	evs := feed("<enable xmlns='urn:xmpp:sm:3'/>")
	if len(evs) != 1 || evs[0].Kind != stream.EventStepFailed || evs[0].Step != stream.StepSM {
		t.Fatalf("enable before bind: %v", evs)
	}
	if out := string(srv.Output()); out != "<failed xmlns='urn:xmpp:sm:3'><unexpected-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>" {
		t.Errorf("enable before bind answered %q", out)
	}
	// <resume/> of an unknown session.
	evs = feed("<resume xmlns='urn:xmpp:sm:3' previd='nope' h='0'/>")
	if len(evs) != 1 || evs[0].Kind != stream.EventStepFailed || evs[0].Step != stream.StepResume {
		t.Fatalf("resume unknown: %v", evs)
	}
	if out := string(srv.Output()); !strings.Contains(out, "<item-not-found") {
		t.Errorf("resume unknown answered %q", out)
	}
	feed("<iq xmlns='jabber:client' type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>")
	evs = feed("<enable xmlns='urn:xmpp:sm:3' resume='1'/>")
	if len(evs) != 1 || evs[0].Kind != stream.EventNegotiated || evs[0].SM == nil || evs[0].SM.ID == "" {
		t.Fatalf("enable: %v", evs)
	}
	srv.Output()
	// A second <enable/>.
	feed("<enable xmlns='urn:xmpp:sm:3'/>")
	if out := string(srv.Output()); !strings.Contains(out, "unexpected-request") {
		t.Errorf("second enable answered %q", out)
	}
	// Stanzas are counted, nonzas are not; <r/> is answered at once.
	feed("<message xmlns='jabber:client' to='a@b'/><r xmlns='urn:xmpp:sm:3'/><presence xmlns='jabber:client'/><a xmlns='urn:xmpp:sm:3' h='0'/><r xmlns='urn:xmpp:sm:3'/>")
	if out := string(srv.Output()); out != "<a xmlns='urn:xmpp:sm:3' h='1'/><a xmlns='urn:xmpp:sm:3' h='2'/>" {
		t.Errorf("acks: %q", out)
	}
	srv.Send(msg("one"))
	srv.Output()
	// One stanza sent, two acknowledged: handled-count-too-high.
	evs = feed("<a xmlns='urn:xmpp:sm:3' h='2'/>")
	if len(evs) != 1 || evs[0].Kind != stream.EventError || !errors.Is(evs[0].Err, stream.UndefinedCondition) {
		t.Fatalf("h too high: %v", evs)
	}
	want := "<stream:error><undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
	out := string(srv.Output())
	if !strings.HasPrefix(out, want) || !strings.Contains(out, "<handled-count-too-high xmlns='urn:xmpp:sm:3' h='2' send-count='1'/>") {
		t.Errorf("h too high answered %q", out)
	}
}
