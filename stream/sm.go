package stream

import (
	"crypto/rand"
	"errors"
	"strconv"

	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/sm"
	"github.com/protoxmpp/protoxmpp/stanza/stanzaerror"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// SMSession is the Stream Management state of one session (XEP-0198): the
// two counters, the stanzas sent and not yet acknowledged, and what is
// needed to resume it. It outlives the connection it was enabled on: the
// initiating entity passes it to Stream.Resume on a new connection, the
// receiving entity hands it back from SMConfig.Lookup. A Stream updates it
// while it is attached (Stream.SM); it is not safe for concurrent use.
//
// The unacknowledged stanzas are kept encoded, exactly as they were
// written, so that what is re-sent on resumption is what was sent.
type SMSession struct {
	// ID is the SM-ID the receiving entity gave (<enabled id/>); empty when
	// the session cannot be resumed.
	ID string
	// Resumable reports that the receiving entity allows resumption.
	Resumable bool
	// Location is where the receiving entity prefers resumption to
	// happen (host or host:port), empty when not given.
	Location string
	// Max is the longest time, in seconds, the receiving entity keeps the
	// session for resumption; 0 when not given.
	Max uint64
	// JID is the full JID bound to the session.
	JID string

	ns    string // content namespace the queued stanzas were encoded in
	in    uint32 // h: stanzas received and handled
	out   uint32 // stanzas sent
	acked uint32 // the last h the peer acknowledged

	queue []byte // unacknowledged stanzas, oldest first, from queue[qoff:]
	qoff  int
	ends  []int // end offset in queue of each unacknowledged stanza, from ends[ehead:]
	ehead int
}

// Handled returns the number of stanzas received on the session, modulo
// 2^32: the 'h' this side acknowledges.
func (m *SMSession) Handled() uint32 { return m.in }

// Sent returns the number of stanzas sent on the session, modulo 2^32.
func (m *SMSession) Sent() uint32 { return m.out }

// Acked returns the last 'h' the peer acknowledged.
func (m *SMSession) Acked() uint32 { return m.acked }

// Unacked returns the number of stanzas sent and not yet acknowledged.
func (m *SMSession) Unacked() int { return len(m.ends) - m.ehead }

// UnackedElements decodes the stanzas sent and not yet acknowledged, oldest
// first: after a failed resumption, the stanzas that may not have reached
// the peer.
func (m *SMSession) UnackedElements() ([]stanza.Element, error) {
	var els []stanza.Element
	var d stanza.Decoder
	scope := []stanza.NSBinding{{Prefix: "", Space: m.ns}}
	start := m.qoff
	for _, end := range m.ends[m.ehead:] {
		d.ResetBytes(m.queue[start:end], 0, scope)
		start = end
		if d.Next() != stanza.StartElement {
			return els, d.Err()
		}
		el, err := stanza.DecodeElement(&d)
		if err != nil {
			return els, err
		}
		els = append(els, el)
	}
	return els, nil
}

// Enqueue adds el to the unacknowledged stanzas as if it had been sent,
// counting it: for a stanza to send while the connection is down, which
// Stream.Resume then sends with the others. Only stanzas (message,
// presence, iq) can be queued.
func (m *SMSession) Enqueue(el stanza.Element) error {
	if !isStanza(el.ElementName()) {
		return errors.New("stream: only stanzas are counted by Stream Management, not <" + el.ElementName().Local + ">")
	}
	var e stanza.Encoder
	e.Reset(m.queue)
	e.SetScope([]stanza.NSBinding{{Prefix: "", Space: m.ns}})
	el.EncodeXMPP(&e)
	if err := e.Err(); err != nil {
		return err
	}
	m.queue = e.Bytes()
	m.ends = append(m.ends, len(m.queue))
	m.out++
	return nil
}

// push records b, a stanza just sent, as unacknowledged.
func (m *SMSession) push(b []byte) {
	m.queue = append(m.queue, b...)
	m.ends = append(m.ends, len(m.queue))
	m.out++
}

// maxKeptQueue is the largest queue buffer kept once every stanza in it is
// acknowledged.
const maxKeptQueue = 4 << 10

// ack applies an acknowledgement of h: the stanzas it covers are dropped.
// It fails when h acknowledges more stanzas than were sent.
func (m *SMSession) ack(h uint32) *Error {
	n := h - m.acked // modulo 2^32, as h wraps
	if int64(n) > int64(m.Unacked()) {
		return &Error{Condition: UndefinedCondition, Text: "h=" + strconv.FormatUint(uint64(h), 10) + " acknowledges more stanzas than were sent",
			App: &sm.HandledCountTooHigh{H: &h, SendCount: ptr(m.out)}}
	}
	m.acked = h
	if n == 0 {
		return nil
	}
	m.ehead += int(n)
	m.qoff = m.ends[m.ehead-1]
	switch {
	case m.ehead == len(m.ends):
		if cap(m.queue) > maxKeptQueue {
			m.queue, m.ends = nil, nil
		} else {
			m.queue, m.ends = m.queue[:0], m.ends[:0]
		}
		m.qoff, m.ehead = 0, 0
	case m.qoff > len(m.queue)/2: // compact
		k := copy(m.queue, m.queue[m.qoff:])
		m.queue = m.queue[:k]
		k = copy(m.ends, m.ends[m.ehead:])
		m.ends = m.ends[:k]
		for i := range m.ends {
			m.ends[i] -= m.qoff
		}
		m.qoff, m.ehead = 0, 0
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// isStanza reports whether a top-level element is a stanza, which Stream
// Management counts (XEP-0198 section 4): a message, presence or iq of one
// of the stanza namespaces. Nonzas (acks, negotiation) are not counted.
func isStanza(n stanza.Name) bool {
	switch n.Local {
	case "message", "presence", "iq":
	default:
		return false
	}
	switch n.Space {
	case xmpp.NS, NSServer, NSComponent:
		return true
	}
	return false
}

// SMConfig is the receiving entity's Stream Management (XEP-0198).
type SMConfig struct {
	// Resume allows the sessions that ask for it to be resumed; each is
	// then given a random SM-ID.
	Resume bool
	// Max is the resumption time in seconds announced in <enabled/>; 0
	// announces none.
	Max uint64
	// Location is the 'location' announced in <enabled/>, if any.
	Location string
	// Lookup returns the session a <resume/> names, nil when there is none
	// (expired, unknown): the caller keeps the SMSession of each stream
	// that ended, and makes sure the old stream is gone for good before
	// handing it to a new one.
	Lookup func(id string) *SMSession
}

// SMError is a failed <enable/> or <resume/> (XEP-0198 <failed/>).
type SMError struct {
	// Condition is the stanza error condition the peer gave, empty when
	// none.
	Condition stanzaerror.Condition
	// H is the 'h' of a failed resumption, when the receiving entity
	// gave it.
	H *uint32
}

func (e *SMError) Error() string {
	if e.Condition == "" {
		return "stream: stream management failed"
	}
	return "stream: stream management failed: " + string(e.Condition)
}

// Is reports whether target is an *SMError with the same condition.
func (e *SMError) Is(target error) bool {
	t, ok := target.(*SMError)
	return ok && t.Condition == e.Condition
}

// smPending says which Stream Management request awaits its answer.
type smPending uint8

const (
	smNone smPending = iota
	smEnable
	smResume
)

// SM returns the Stream Management session attached to the stream, nil
// when Stream Management is not enabled (or not yet).
func (s *Stream) SM() *SMSession { return s.sm }

// EnableSM asks the receiving entity to enable Stream Management
// (XEP-0198 section 3), after resource binding, and to allow resumption
// when resume is true; max, when not 0, is the resumption time asked for
// in seconds. Stanzas sent from now on are counted and kept until
// acknowledged. The answer comes as EventNegotiated StepSM (Event.SM is
// the session) or EventStepFailed StepSM (an *SMError).
func (s *Stream) EnableSM(resume bool, max uint64) error {
	if err := s.canNegotiate(Initiating); err != nil {
		return err
	}
	if !s.bound || s.sm != nil || s.smWait != smNone {
		return ErrState
	}
	en := &sm.Enable{}
	if resume {
		en.Resume = ptr(true)
	}
	if max > 0 {
		en.Max = &max
	}
	if err := s.send(en); err != nil {
		return err
	}
	s.sm = &SMSession{ns: s.ns, JID: s.boundJID}
	s.smWait = smEnable
	s.smOut = true // counted from the <enable/> on (section 4)
	return nil
}

// Resume asks the receiving entity to resume the session prev on this
// stream (XEP-0198 section 5), after authentication and instead of
// resource binding. On EventNegotiated StepResume the stanzas prev still
// held unacknowledged have been re-sent (they are in Output) and prev is
// attached to this stream. On EventStepFailed StepResume (an *SMError) the
// stanzas the peer did not acknowledge are in prev.UnackedElements; bind
// a resource to start a new session.
func (s *Stream) Resume(prev *SMSession) error {
	if err := s.canNegotiate(Initiating); err != nil {
		return err
	}
	if !s.authed || s.bound || s.sm != nil || s.smWait != smNone {
		return ErrState
	}
	if prev == nil || prev.ID == "" {
		return errors.New("stream: the session is not resumable")
	}
	if err := s.send(&sm.Resume{Previd: prev.ID, H: ptr(prev.in)}); err != nil {
		return err
	}
	s.smPrev = prev
	s.smWait = smResume
	return nil
}

// RequestAck writes an ack request <r/> (XEP-0198 section 4).
func (s *Stream) RequestAck() error {
	if s.closed || s.st == stDone {
		return ErrClosed
	}
	if s.sm == nil || s.smWait == smResume {
		return ErrState
	}
	return s.send(&sm.R{})
}

// SendAck writes an acknowledgement <a h/> of the stanzas received so far,
// unrequested (XEP-0198 section 4).
func (s *Stream) SendAck() error {
	if s.closed || s.st == stDone {
		return ErrClosed
	}
	if s.sm == nil || !s.smIn {
		return ErrState
	}
	return s.send(&sm.A{H: ptr(s.sm.in)})
}

// isSM reports whether el is one of the elements of stream management that
// smElement handles: a stanza, the common case, goes on without building
// the Event smElement returns.
func isSM(el stanza.Element) bool {
	switch el.(type) {
	case *sm.R, *sm.A, *sm.Enabled, *sm.Resumed, *sm.Failed, *sm.Enable, *sm.Resume:
		return true
	}
	return false
}

// smElement handles a Stream Management element received by either role;
// handled is false when el is none, or not expected now (the caller then
// delivers it as an element).
func (s *Stream) smElement(el stanza.Element) (ev Event, ok, handled bool) {
	switch x := el.(type) {
	case *sm.R:
		if s.sm == nil || !s.smIn {
			return Event{}, false, false
		}
		s.send(&sm.A{H: ptr(s.sm.in)})
		return Event{}, false, true
	case *sm.A:
		if s.sm == nil || s.smWait == smResume || x.H == nil {
			return Event{}, false, false
		}
		if err := s.sm.ack(*x.H); err != nil {
			return s.failWith(err), true, true
		}
		return Event{}, false, true
	}
	if s.cfg.Role == Initiating {
		return s.smClient(el)
	}
	return s.smServer(el)
}

// smClient handles the answers to <enable/> and <resume/>.
func (s *Stream) smClient(el stanza.Element) (Event, bool, bool) {
	switch x := el.(type) {
	case *sm.Enabled:
		if s.smWait != smEnable {
			break
		}
		s.smWait = smNone
		m := s.sm
		m.ID, m.Location = x.ID, x.Location
		m.Resumable = x.Resume != nil && *x.Resume && x.ID != ""
		if x.Max != nil {
			m.Max = *x.Max
		}
		s.smIn = true // counted from the <enabled/> on (section 4)
		return Event{Kind: EventNegotiated, Step: StepSM, SM: m}, true, true
	case *sm.Resumed:
		if s.smWait != smResume {
			break
		}
		s.smWait = smNone
		prev := s.smPrev
		s.smPrev = nil
		if x.Previd != prev.ID || x.H == nil {
			return s.fail(UndefinedCondition, errors.New("stream: <resumed/> does not match the <resume/> sent")), true, true
		}
		if err := prev.ack(*x.H); err != nil {
			return s.failWith(err), true, true
		}
		s.attach(prev)
		return Event{Kind: EventNegotiated, Step: StepResume, SM: prev, JID: prev.JID}, true, true
	case *sm.Failed:
		e := &SMError{Condition: x.Condition, H: x.H}
		switch s.smWait {
		case smEnable:
			s.smWait, s.sm, s.smOut = smNone, nil, false
			return Event{Kind: EventStepFailed, Step: StepSM, Err: e}, true, true
		case smResume:
			s.smWait = smNone
			prev := s.smPrev
			s.smPrev = nil
			if x.H != nil {
				// What the peer says it handled needs no second delivery;
				// a count beyond what was sent is ignored, the session is
				// over anyway.
				prev.ack(*x.H)
			}
			return Event{Kind: EventStepFailed, Step: StepResume, Err: e, SM: prev}, true, true
		}
	}
	return Event{}, false, false
}

// attach makes m the stream's session, counting both ways, and re-sends
// the stanzas it holds unacknowledged.
func (s *Stream) attach(m *SMSession) {
	s.sm = m
	s.smIn, s.smOut = true, true
	s.bound, s.boundJID = true, m.JID
	m.ns = s.ns
	s.out = append(s.out, m.queue[m.qoff:]...)
}

// smServer handles <enable/> and <resume/> on the receiving side.
func (s *Stream) smServer(el stanza.Element) (Event, bool, bool) {
	switch x := el.(type) {
	case *sm.Enable:
		switch {
		case s.cfg.SM == nil:
			return s.smRefuse(StepSM, stanzaerror.ConditionFeatureNotImplemented)
		case !s.bound || s.sm != nil:
			return s.smRefuse(StepSM, stanzaerror.ConditionUnexpectedRequest)
		}
		m := &SMSession{ns: s.ns, JID: s.boundJID}
		s.sm, s.smIn = m, true // counted from the <enable/> on
		reply := &sm.Enabled{}
		if s.cfg.SM.Resume && x.Resume != nil && *x.Resume {
			m.ID, m.Resumable = rand.Text(), true
			reply.ID, reply.Resume = m.ID, ptr(true)
			if s.cfg.SM.Max > 0 {
				m.Max = s.cfg.SM.Max
				reply.Max = ptr(m.Max)
			}
			m.Location, reply.Location = s.cfg.SM.Location, s.cfg.SM.Location
		}
		s.send(reply)
		s.smOut = true // counted from the <enabled/> on
		return Event{Kind: EventNegotiated, Step: StepSM, SM: m}, true, true
	case *sm.Resume:
		switch {
		case s.cfg.SM == nil:
			return s.smRefuse(StepResume, stanzaerror.ConditionFeatureNotImplemented)
		case !s.authed || s.bound || s.sm != nil:
			return s.smRefuse(StepResume, stanzaerror.ConditionUnexpectedRequest)
		}
		var prev *SMSession
		if s.cfg.SM.Lookup != nil && x.Previd != "" {
			prev = s.cfg.SM.Lookup(x.Previd)
		}
		if prev == nil || x.H == nil {
			return s.smRefuse(StepResume, stanzaerror.ConditionItemNotFound)
		}
		if err := prev.ack(*x.H); err != nil {
			return s.failWith(err), true, true
		}
		s.send(&sm.Resumed{Previd: prev.ID, H: ptr(prev.in)})
		s.attach(prev)
		return Event{Kind: EventNegotiated, Step: StepResume, SM: prev, JID: prev.JID}, true, true
	}
	return Event{}, false, false
}

// smRefuse answers an <enable/> or <resume/> with <failed/>.
func (s *Stream) smRefuse(step Step, c stanzaerror.Condition) (Event, bool, bool) {
	s.send(&sm.Failed{Condition: c})
	return Event{Kind: EventStepFailed, Step: step, Err: &SMError{Condition: c}}, true, true
}

// countIn counts a stanza received, once Stream Management counts.
func (s *Stream) countIn(el stanza.Element) {
	if s.sm != nil && s.smIn && isStanza(el.ElementName()) {
		s.sm.in++
	}
}
