package stream

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strconv"
	"strings"
	"sync"

	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/sm"
	"github.com/protoxmpp/protoxmpp/stanza/streamerror"
	"github.com/protoxmpp/protoxmpp/stanza/streams"
)

// Role says which end of the stream a Stream is.
type Role uint8

const (
	// Initiating is the initiating entity (a client, RFC 6120 section 4.1):
	// it sends the initial stream header and negotiates features.
	Initiating Role = iota
	// Receiving is the receiving entity (a server): it answers the header,
	// offers features and answers negotiation requests.
	Receiving
)

func (r Role) String() string {
	if r == Receiving {
		return "receiving"
	}
	return "initiating"
}

// Content namespaces of the three kinds of stream (RFC 6120 section
// 4.8.2; XEP-0114). The stanzas of all three decode into the types of
// package stanza/xmpp, and a stanza received on one is written on another
// in that stream's namespace, with no conversion.
const (
	// NSClient is the default content namespace of client-to-server streams.
	NSClient = "jabber:client"
	// NSServer is the content namespace of server-to-server streams.
	NSServer = "jabber:server"
	// NSComponent is the content namespace of streams from an external
	// component to a server (XEP-0114).
	NSComponent = "jabber:component:accept"
)

// Config configures a Stream. The zero value is an initiating entity on a
// jabber:client stream with the default limits.
type Config struct {
	// Role is the end of the stream.
	Role Role
	// NS is the default content namespace, NSClient when empty. A peer
	// header declaring another is an invalid-namespace stream error.
	NS string
	// Limits bound what the peer can make us buffer and parse; exceeding
	// one is a policy-violation stream error.
	Limits stanza.Limits

	// Verify is the receiving entity's SASL: it returns the Verifier for a
	// mechanism the initiating entity selected, or nil when the mechanism
	// is not supported (an invalid-mechanism failure is sent). When Verify
	// is nil, every <auth/> fails with invalid-mechanism.
	Verify func(mechanism string) Verifier
	// Bind is the receiving entity's resource binding: called with the
	// resourcepart the client asked for (nil when it asked the server to
	// choose), it returns the full JID bound, or an error (a BindCondition
	// or *BindError picks the condition; anything else is not-allowed).
	// When Bind is nil, bind requests are delivered as elements.
	Bind func(resource *string) (jid string, err error)
	// Hosts, for the receiving entity, reports whether it serves the
	// domain in the 'to' of the initiating entity's header; a header
	// naming another domain, or none, ends the stream with host-unknown
	// (RFC 6120 sections 4.7.2 and 4.9.3.6). When Hosts is nil any 'to' is
	// accepted.
	Hosts func(domain string) bool
	// RequireTLS, for the receiving entity, makes TLS mandatory to
	// negotiate (RFC 6120 section 5.3.1): <auth/> before STARTTLS gets the
	// encryption-required SASL failure. Set Secure when the connection is
	// encrypted already (direct TLS, XEP-0368).
	RequireTLS bool
	// Secure says the connection was encrypted before the stream began.
	Secure bool
	// SM, for the receiving entity, answers Stream Management requests
	// (XEP-0198): <enable/> after binding and <resume/> after
	// authentication. When nil they are refused with
	// feature-not-implemented. Offer the <sm xmlns='urn:xmpp:sm:3'/>
	// feature in SendFeatures too.
	SM *SMConfig
	// Isolate gives each element memory of its own: it is decoded from a
	// copy of its bytes, and its values are allocated for it alone. By
	// default an element is decoded where it was read, and its values come
	// from chunks that the next elements' values share (stanza.New): an
	// element kept then keeps in memory the bytes fed around it (a few
	// KiB, the size of the reads fed) and the chunks of its values (at
	// most 2 KiB each), with what the other values in them hold. For
	// callers that keep a few elements of many for long, such as an
	// archive; the default allocates a fraction of an allocation per
	// value rather than one. (Keeping one element in a hundred of a
	// stream of small stanzas read 4 KiB at a time, the default keeps
	// about 30 KB in memory per element kept, Isolate 0.8 KB; keeping
	// them all, both keep the same.)
	Isolate bool
	// DecodeInPlace is ignored.
	//
	// Deprecated: elements are decoded in place by default; Isolate asks
	// for copies.
	DecodeInPlace bool
}

// Header is a stream header (RFC 6120 section 4.7): the attributes of the
// <stream:stream> start tag. Absent attributes are empty.
type Header struct {
	From    string
	To      string
	ID      string
	Version string
	Lang    string
	// NS is the default content namespace (jabber:client). On headers we
	// send it is taken from Config.NS.
	NS string
	// Attrs holds the other attributes of a received header.
	Attrs []stanza.Attr
}

// EventKind says what an Event reports.
type EventKind uint8

const (
	// EventNone: nothing complete is buffered; Feed more bytes. It is also
	// returned for ever once the stream has ended (see Stream.Err).
	EventNone EventKind = iota
	// EventOpen: the peer's stream header, in Event.Header. A receiving
	// entity answers with Open and then SendFeatures.
	EventOpen
	// EventFeatures: the stream features, in Event.Features.
	EventFeatures
	// EventElement: a top-level element that is not part of a negotiation
	// step this Stream drives, in Event.Element: a *xmpp.Message,
	// *xmpp.Presence, *xmpp.IQ, any registered typed value,
	// or a *stanza.RawElement.
	EventElement
	// EventNegotiated: a negotiation step succeeded, named by Event.Step.
	// StepTLS: switch the connection to TLS now (check Buffered is empty
	// first), then call Restart. StepSASL: authentication succeeded; call
	// Restart. StepBind: Event.JID is the bound full JID. StepSession: the
	// legacy session is established. StepSM: Stream Management is on,
	// Event.SM is its session. StepResume: the session Event.SM is resumed
	// on this stream (its unacknowledged stanzas re-sent), bound to
	// Event.JID.
	EventNegotiated
	// EventStepFailed: a negotiation step failed, named by Event.Step, with
	// Event.Err (a *SASLError, a *BindError, ErrTLSFailed, an *SMError).
	// The stream stays open unless a stream error or close follows. For
	// StepResume, Event.SM is the session that could not be resumed, its
	// unacknowledged stanzas still in it.
	EventStepFailed
	// EventStreamError: the peer sent a stream error, in Event.Err (an
	// *Error). This side answers with its closing tag.
	EventStreamError
	// EventClose: the peer closed the stream with </stream:stream>. This
	// side's closing tag has been written to the output too.
	EventClose
	// EventError: this side found the peer's input bad (or a step went
	// wrong locally); Event.Err is an *Error whose condition was sent to
	// the peer together with the closing tag. The stream has ended.
	EventError
)

var eventNames = [...]string{"EventNone", "EventOpen", "EventFeatures", "EventElement", "EventNegotiated", "EventStepFailed", "EventStreamError", "EventClose", "EventError"}

func (k EventKind) String() string {
	if int(k) < len(eventNames) {
		return eventNames[k]
	}
	return "EventKind(" + strconv.Itoa(int(k)) + ")"
}

// Step names a negotiation step.
type Step uint8

const (
	StepNone    Step = iota
	StepTLS          // STARTTLS (RFC 6120 section 5)
	StepSASL         // SASL authentication (RFC 6120 section 6)
	StepBind         // resource binding (RFC 6120 section 7)
	StepSession      // legacy session establishment (RFC 3921 section 3)
	StepSM           // enabling Stream Management (XEP-0198 section 3)
	StepResume       // resuming a Stream Management session (XEP-0198 section 5)
)

var stepNames = [...]string{"none", "tls", "sasl", "bind", "session", "sm", "resume"}

func (s Step) String() string {
	if int(s) < len(stepNames) {
		return stepNames[s]
	}
	return "Step(" + strconv.Itoa(int(s)) + ")"
}

// Event is what Next reports. Only the fields of its Kind are set.
type Event struct {
	Kind     EventKind
	Header   Header            // EventOpen
	Features *streams.Features // EventFeatures
	Element  stanza.Element    // EventElement
	Step     Step              // EventNegotiated, EventStepFailed
	JID      string            // EventNegotiated of StepBind and StepResume
	SM       *SMSession        // EventNegotiated of StepSM and StepResume; EventStepFailed of StepResume
	// Mechanism is the SASL mechanism of EventNegotiated StepSASL.
	Mechanism string
	Err       error // EventStepFailed, EventStreamError, EventError
}

type state uint8

const (
	stInit      state = iota // nothing received
	stOpen                   // peer header received
	stPeerError              // the peer sent a stream error
	stDone                   // the stream is over (closed or failed)
)

// Stream is one XML stream, for either role: bytes the peer sent go in with
// Feed, events come out of Next, and bytes for the peer accumulate in an
// output buffer drained with Output or AppendOutput. It does no I/O, starts
// no goroutines and reads no clock. It is not safe for concurrent use.
type Stream struct {
	cfg Config
	ns  string

	fr      *stanza.Framer
	dec     *stanza.Decoder    // from decoders while input is decoded; nil when Next waits for input
	inScope []stanza.NSBinding // bindings of the peer's header
	rootQ   string             // qualified name of the peer's root
	peer    Header
	st      state
	err     error
	out     []byte
	enc     stanza.Encoder
	// recycling: the caller has handed elements back (Recycle), so top-level
	// elements are decoded into recycled values.
	recycling bool
	outScope  []stanza.NSBinding
	sent      bool   // our header is written
	closed    bool   // our closing tag is written
	my        Header // our last header, re-sent by Restart (initiating)

	// negotiation
	tls      bool // initiating: <starttls/> sent, awaiting proceed
	offered  offer
	mech     Mechanism // initiating: SASL in progress
	mechName string
	mechErr  error
	verifier Verifier // receiving: SASL in progress
	authed   bool
	secure   bool // TLS is up: Config.Secure, or STARTTLS done
	bindID   string
	sessID   string
	nextID   int
	bound    bool   // a resource is bound (or a session resumed)
	boundJID string // the full JID bound

	// Stream Management (XEP-0198)
	sm     *SMSession // nil until enabled or resumed
	smIn   bool       // received stanzas are counted
	smOut  bool       // sent stanzas are counted and kept
	smWait smPending  // the request awaiting its answer
	smPrev *SMSession // the session a pending <resume/> names
}

// offer records what the receiving entity's last features offered.
type offer struct {
	tls, sasl, bind, session bool
	mechs                    []string
}

// New returns a Stream configured by cfg, before any header.
func New(cfg Config) *Stream {
	s := &Stream{cfg: cfg, ns: cfg.NS, fr: stanza.NewFramer(cfg.Limits), secure: cfg.Secure}
	// Isolated, the Stream decodes each element from a copy of its own:
	// no frame is used after the next Feed, and the framer may write its
	// buffer again.
	s.fr.ReuseBuffer(cfg.Isolate)
	if s.ns == "" {
		s.ns = NSClient
	}
	s.outScope = []stanza.NSBinding{{Prefix: "", Space: s.ns}, {Prefix: "stream", Space: streams.NS}}
	return s
}

// decoders holds the Decoders of the Streams waiting for input: a Stream
// takes one when Next has elements to decode and gives it back when Next
// runs out of input, so that an idle Stream keeps neither a Decoder nor
// the last element it decoded.
var decoders = sync.Pool{New: func() any { return new(stanza.Decoder) }}

// decoder returns the Stream's Decoder, taking one from the pool when it
// has none.
func (s *Stream) decoder() *stanza.Decoder {
	if s.dec == nil {
		s.dec = decoders.Get().(*stanza.Decoder)
		s.dec.SetLimits(s.cfg.Limits)
	}
	return s.dec
}

// Recycle gives el, an element of an event that the caller is done with,
// back to the Stream: a later element of the same name is decoded into
// its memory, and so are the payloads it holds. Nothing of el may be used
// after the call. Until the first call, elements are decoded into new
// values as always. A caller that hands every element back once it has
// handled it reads a stream without allocating for the elements.
func (s *Stream) Recycle(el stanza.Element) {
	if el == nil {
		return
	}
	s.recycling = true
	s.decoder().Recycle([]stanza.Element{el})
}

// resetDecoder makes d read frame: in place, or from a copy of its own
// with Config.Isolate, so that an element kept keeps no other in memory.
func (s *Stream) resetDecoder(d *stanza.Decoder, frame []byte, off int64, scope []stanza.NSBinding) {
	if s.cfg.Isolate {
		d.ResetBytesIsolated(frame, off, scope)
	} else {
		d.ResetOwned(frame, off, scope)
	}
}

// releaseDecoder gives the Decoder back to the pool, without its input.
func (s *Stream) releaseDecoder() {
	if s.dec != nil {
		s.dec.Reset("", 0, nil)
		decoders.Put(s.dec)
		s.dec = nil
	}
}

// maxKeptOutput is the largest output buffer a Stream keeps for reuse once
// drained; a larger one, left by a large element, is dropped.
const maxKeptOutput = 4 << 10

// Role returns the Stream's role.
func (s *Stream) Role() Role { return s.cfg.Role }

// Peer returns the peer's last stream header.
func (s *Stream) Peer() Header { return s.peer }

// Err returns the error that ended the stream (the *Error of EventError or
// EventStreamError), or nil.
func (s *Stream) Err() error { return s.err }

// Done reports whether the stream has ended: closed by both sides, or
// failed.
func (s *Stream) Done() bool { return s.st == stDone }

// Closed reports whether this side's closing tag has been written.
func (s *Stream) Closed() bool { return s.closed }

// Authenticated reports whether SASL succeeded on this connection.
func (s *Stream) Authenticated() bool { return s.authed }

// Feed appends bytes received from the peer, chunked in any way. Call Next
// until it returns EventNone after each Feed. Input after the stream ended
// is dropped.
func (s *Stream) Feed(p []byte) {
	if s.st == stDone {
		return
	}
	s.fr.Feed(p)
}

// Buffered returns the bytes fed but not yet consumed, a slice valid until
// the next Feed, Next or Restart. At the switch to TLS it must be empty:
// anything there arrived before the TLS handshake and must not be trusted
// (RFC 6120 section 5.4.3.3).
func (s *Stream) Buffered() []byte { return s.fr.Buffered() }

// Output returns the bytes to send to the peer and empties the buffer. The
// slice is valid until the next call that writes output.
func (s *Stream) Output() []byte {
	b := s.out
	s.drained()
	return b
}

// drained empties the output buffer, keeping it for reuse unless it is
// large.
func (s *Stream) drained() {
	if cap(s.out) > maxKeptOutput {
		s.out = nil
	} else {
		s.out = s.out[:0]
	}
}

// AppendOutput appends the bytes to send to dst, empties the buffer and
// returns the extended dst.
func (s *Stream) AppendOutput(dst []byte) []byte {
	dst = append(dst, s.out...)
	s.drained()
	return dst
}

// Open writes this side's stream header. The initiating entity calls it
// first (h.To is the server's domain); the receiving entity calls it after
// EventOpen (h.From is its domain; h.ID is generated when empty). Version
// defaults to "1.0" and NS is Config.NS.
func (s *Stream) Open(h Header) error {
	if s.st == stDone || s.closed {
		return ErrClosed
	}
	if s.sent {
		return ErrState
	}
	if h.Version == "" {
		h.Version = "1.0"
	}
	if s.cfg.Role == Receiving && h.ID == "" {
		h.ID = rand.Text()
	}
	h.NS = s.ns
	h.Attrs = nil
	s.my = h
	s.writeHeader(h)
	return nil
}

func (s *Stream) writeHeader(h Header) {
	e := &s.enc
	e.Reset(s.out)
	e.WriteRaw("<?xml version='1.0'?>")
	e.StartPrefixed("stream", streams.NS, "stream")
	e.DeclareNS("", s.ns)
	for _, a := range [...][2]string{{"from", h.From}, {"to", h.To}, {"id", h.ID}, {"version", h.Version}} {
		if a[1] != "" {
			e.Attr(a[0], a[1])
		}
	}
	if h.Lang != "" {
		e.AttrNS(stanza.NSXML, "lang", h.Lang)
	}
	e.CloseStartTag()
	if e.Err() == nil {
		s.out = e.Bytes()
	} else {
		// A bad attribute value: send the header without the attributes.
		e.Reset(s.out)
		e.WriteRaw("<?xml version='1.0'?>")
		e.StartPrefixed("stream", streams.NS, "stream")
		e.DeclareNS("", s.ns)
		e.Attr("version", "1.0")
		e.CloseStartTag()
		s.out = e.Bytes()
	}
	s.sent = true
}

// Send writes el as a top-level element of the stream. Nothing is written
// when encoding fails.
func (s *Stream) Send(el stanza.Element) error {
	if s.closed || s.st == stDone {
		return ErrClosed
	}
	if !s.sent {
		return ErrState
	}
	if s.sm != nil && s.smOut && isStanza(el.ElementName()) {
		start := len(s.out)
		if err := s.send(el); err != nil {
			return err
		}
		s.sm.push(s.out[start:])
		return nil
	}
	return s.send(el)
}

func (s *Stream) send(el stanza.Element) error {
	e := &s.enc
	e.Reset(s.out)
	e.SetScope(s.outScope)
	el.EncodeXMPP(e)
	if err := e.Err(); err != nil {
		return err
	}
	s.out = e.Bytes()
	return nil
}

// SendKeepalive writes a whitespace keepalive (RFC 6120 section 4.6.1).
func (s *Stream) SendKeepalive() error {
	if s.closed || s.st == stDone {
		return ErrClosed
	}
	if !s.sent {
		return ErrState
	}
	s.out = append(s.out, ' ')
	return nil
}

// Close writes the closing tag </stream:stream> (RFC 6120 section 4.4).
// The peer's closing tag then arrives as EventClose. Closing twice is a
// no-op.
func (s *Stream) Close() error {
	if s.closed {
		return nil
	}
	if !s.sent {
		if s.cfg.Role == Initiating {
			s.closed = true
			return nil
		}
		s.writeHeader(s.replyHeader())
	}
	if s.sm != nil && s.smIn && s.st == stOpen {
		// The acknowledgement owed, so that nothing is re-sent that
		// arrived (XEP-0198 section 4).
		s.send(&sm.A{H: ptr(s.sm.in)})
	}
	s.out = append(s.out, "</stream:stream>"...)
	s.closed = true
	return nil
}

// replyHeader is the header a receiving entity sends when it must answer
// before its caller did (to send a stream error, RFC 6120 section 4.9.1.2).
func (s *Stream) replyHeader() Header {
	return Header{From: s.peer.To, To: s.peer.From, Version: "1.0"}
}

// SendError writes the stream error e and the closing tag, and ends the
// stream (RFC 6120 section 4.9.1.1). A receiving entity that has not sent
// its header yet sends one first (4.9.1.2).
func (s *Stream) SendError(e *Error) error {
	if s.closed || s.st == stDone {
		return ErrClosed
	}
	if !s.sent {
		if s.cfg.Role == Receiving {
			s.writeHeader(s.replyHeader())
		} else {
			s.writeHeader(Header{To: s.peer.From, Version: "1.0"})
		}
	}
	enc := &s.enc
	enc.Reset(s.out)
	enc.SetScope(s.outScope)
	enc.Start(streams.NS, "error")
	enc.Start(streamerror.NS, string(e.Condition))
	if e.Condition == SeeOtherHost {
		enc.Text(e.SeeOtherHost)
	}
	enc.End()
	if e.Text != "" {
		enc.Start(streamerror.NS, "text")
		if e.Lang != "" {
			enc.AttrNS(stanza.NSXML, "lang", e.Lang)
		}
		enc.Text(e.Text)
		enc.End()
	}
	if e.App != nil {
		e.App.EncodeXMPP(enc)
	}
	enc.End()
	if enc.Err() != nil { // bad text or app element: send the bare condition
		enc.Reset(s.out)
		enc.SetScope(s.outScope)
		enc.Start(streams.NS, "error")
		enc.Start(streamerror.NS, string(e.Condition))
		enc.End()
		enc.End()
	}
	s.out = enc.Bytes()
	s.out = append(s.out, "</stream:stream>"...)
	s.closed = true
	s.st = stDone
	if s.err == nil {
		s.err = e
	}
	return nil
}

// fail sends a stream error for bad input and returns the EventError.
func (s *Stream) fail(c Condition, cause error) Event {
	return s.failWith(&Error{Condition: c, Cause: cause})
}

// failWith sends the stream error e (its condition, text and application
// condition) and returns the EventError.
func (s *Stream) failWith(e *Error) Event {
	if s.closed {
		s.st = stDone
		s.err = e
	} else {
		s.SendError(&Error{Condition: e.Condition, Text: e.Text, App: e.App})
		s.err = e
	}
	return Event{Kind: EventError, Err: e}
}

// conditionFor maps a runtime error to the stream error condition.
func conditionFor(err error) Condition {
	switch {
	case errors.Is(err, stanza.ErrRestrictedXML):
		return RestrictedXML
	case errors.Is(err, stanza.ErrLimitElementSize), errors.Is(err, stanza.ErrLimitDepth),
		errors.Is(err, stanza.ErrLimitAttrs), errors.Is(err, stanza.ErrLimitName):
		return PolicyViolation
	case errors.Is(err, stanza.ErrNotWellFormed), errors.Is(err, stanza.ErrInvalidUTF8), errors.Is(err, stanza.ErrUnboundPrefix):
		return NotWellFormed
	}
	return BadFormat
}

// Restart starts a new stream on the same connection, after STARTTLS
// (EventNegotiated StepTLS, once TLS is up) and after SASL success (RFC 6120
// sections 5.4.3.3 and 6.4.6). Bytes fed and not consumed are kept. The
// initiating entity sends its new header (the one given to Open); the
// receiving entity waits for EventOpen and answers with Open.
func (s *Stream) Restart() error {
	if s.st == stDone || s.closed {
		return ErrClosed
	}
	rest := bytes.Clone(s.fr.Buffered())
	s.fr.Reset()
	s.fr.Feed(rest)
	s.st = stInit
	s.peer = Header{}
	s.inScope = nil
	s.rootQ = ""
	s.sent = false
	s.tls = false
	s.offered = offer{}
	s.mech, s.verifier, s.mechErr = nil, nil, nil
	if s.cfg.Role == Initiating {
		h := s.my
		h.ID = ""
		s.writeHeader(h)
	}
	return nil
}

// Next returns the next event, EventNone when more input is needed or the
// stream has ended.
func (s *Stream) Next() (ev Event) {
	for s.st != stDone {
		kind, frame := s.fr.Next()
		off := s.fr.Offset() - int64(len(frame))
		switch kind {
		case stanza.FrameNone:
			if err := s.fr.Err(); err != nil {
				return s.fail(conditionFor(err), err)
			}
			s.releaseDecoder()
			return Event{}
		case stanza.FrameDecl:
			d := s.decoder()
			s.resetDecoder(d, frame, off, nil)
			if d.Next() != stanza.None || d.Err() != nil {
				err := d.Err()
				if err == nil {
					err = stanza.Errorf(stanza.ErrNotWellFormed, "stream: bad XML declaration")
				}
				return s.fail(conditionFor(err), err)
			}
		case stanza.FrameOpen:
			return s.open(frame, off)
		case stanza.FrameText:
			for _, c := range frame {
				if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
					return s.fail(BadFormat, errors.New("stream: character data between top-level elements"))
				}
			}
		case stanza.FrameElement:
			if s.element(frame, off, &ev) {
				return ev
			}
		case stanza.FrameClose:
			return s.peerClose(frame)
		}
	}
	s.releaseDecoder()
	return Event{}
}

// open parses the peer's stream header.
func (s *Stream) open(frame []byte, off int64) Event {
	d := s.decoder()
	s.resetDecoder(d, frame, off, nil)
	if d.Next() != stanza.StartElement {
		err := d.Err()
		if err == nil {
			err = stanza.Errorf(stanza.ErrNotWellFormed, "stream: bad stream header")
		}
		if errors.Is(err, stanza.ErrUnboundPrefix) {
			return s.fail(BadNamespacePrefix, err)
		}
		return s.fail(conditionFor(err), err)
	}
	s.rootQ = qnameOf(frame)
	h := Header{}
	for _, a := range d.Attrs() {
		switch {
		case a.Name.Space == "" && a.Name.Local == "from":
			h.From = a.Value
		case a.Name.Space == "" && a.Name.Local == "to":
			h.To = a.Value
		case a.Name.Space == "" && a.Name.Local == "id":
			h.ID = a.Value
		case a.Name.Space == "" && a.Name.Local == "version":
			h.Version = a.Value
		case a.Name == stanza.Name{Space: stanza.NSXML, Local: "lang"}:
			h.Lang = a.Value
		default:
			h.Attrs = append(h.Attrs, a)
		}
	}
	s.inScope = d.Scope()
	for _, b := range s.inScope {
		if b.Prefix == "" {
			h.NS = b.Space
		}
	}
	s.peer = h
	s.st = stOpen
	name := d.Name()
	switch {
	case name.Space != streams.NS:
		return s.fail(InvalidNamespace, errors.New("stream: header namespace is "+strconv.Quote(name.Space)))
	case name.Local != "stream":
		return s.fail(BadFormat, errors.New("stream: root element is <"+name.Local+">"))
	case prefixOf(s.rootQ) != "stream":
		return s.fail(BadNamespacePrefix, errors.New("stream: header prefix is "+strconv.Quote(prefixOf(s.rootQ))))
	case h.NS != s.ns:
		return s.fail(InvalidNamespace, errors.New("stream: content namespace is "+strconv.Quote(h.NS)))
	}
	if major, ok := versionMajor(h.Version); !ok || major < 1 {
		return s.fail(UnsupportedVersion, errors.New("stream: version "+strconv.Quote(h.Version)+" is not supported"))
	}
	if s.cfg.Role == Receiving && s.cfg.Hosts != nil && (h.To == "" || !s.cfg.Hosts(h.To)) {
		return s.fail(HostUnknown, errors.New("stream: host "+strconv.Quote(h.To)+" is not served here"))
	}
	if frame[len(frame)-2] == '/' { // <stream:stream/>: closed at once
		s.rootQ = ""
	}
	return Event{Kind: EventOpen, Header: h}
}

// versionMajor parses the major part of a "major.minor" version (RFC 6120
// section 4.7.5); an absent version is pre-1.0.
func versionMajor(v string) (int, bool) {
	maj, min, ok := strings.Cut(v, ".")
	if !ok || maj == "" || min == "" || len(maj) > 9 || len(min) > 9 {
		return 0, false
	}
	for _, c := range maj + min {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, _ := strconv.Atoi(maj)
	return n, true
}

// qnameOf returns the qualified name of the start tag at the start of b.
func qnameOf(b []byte) string {
	i := 1
	for i < len(b) && b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n' && b[i] != '>' && b[i] != '/' {
		i++
	}
	return string(b[1:min(i, len(b))])
}

func prefixOf(q string) string {
	p, _, ok := strings.Cut(q, ":")
	if !ok {
		return ""
	}
	return p
}

// peerClose handles the peer's </stream:stream>.
func (s *Stream) peerClose(frame []byte) Event {
	if len(frame) > 0 {
		t := bytes.TrimRight(frame[:len(frame)-1], " \t\r\n")
		if !bytes.HasPrefix(t, []byte("</")) || string(t[2:]) != s.rootQ {
			err := stanza.Errorf(stanza.ErrNotWellFormed, "stream: end tag "+strconv.Quote(string(frame))+" does not match <"+s.rootQ+">")
			return s.fail(NotWellFormed, err)
		}
	}
	s.Close()
	s.st = stDone
	return Event{Kind: EventClose}
}

// element decodes one top-level element and dispatches it, into ev (the
// result of Next, zero until then: a stanza's Event is written in place,
// not copied there); it returns false, with ev untouched, when a
// negotiation step consumed the element without an event.
func (s *Stream) element(frame []byte, off int64, ev *Event) bool {
	d := s.decoder()
	s.resetDecoder(d, frame, off, s.inScope)
	if d.Next() != stanza.StartElement {
		err := d.Err()
		if err == nil {
			err = stanza.Errorf(stanza.ErrNotWellFormed, "stream: no element")
		}
		*ev = s.fail(conditionFor(err), err)
		return true
	}
	var el stanza.Element
	var err error
	if s.recycling {
		el, err = stanza.DecodeChild(d) // into a value given back with Recycle, if any
	} else {
		el, err = stanza.DecodeElement(d)
	}
	if err == nil && (d.Next() != stanza.None || d.Err() != nil) {
		err = d.Err()
		if err == nil {
			err = stanza.Errorf(stanza.ErrNotWellFormed, "stream: content after the element")
		}
	}
	if err != nil {
		*ev = s.fail(conditionFor(err), err)
		return true
	}
	if s.st == stPeerError {
		ev.Kind, ev.Element = EventElement, el
		return true
	}
	switch x := el.(type) {
	case *streams.Error:
		e := errorFromElement(x)
		s.err = e
		s.st = stPeerError
		s.Close()
		ev.Kind, ev.Err = EventStreamError, e
		return true
	case *streams.Features:
		if s.cfg.Role == Initiating {
			ev.Kind, ev.Features = EventFeatures, x
			return true
		}
	}
	s.countIn(el)
	if isSM(el) {
		if e, ok, handled := s.smElement(el); handled {
			if ok {
				*ev = e
			}
			return ok
		}
	}
	var e Event
	var ok bool
	switch {
	case s.cfg.Role == Initiating && !s.clientStepInFlight():
		// A stanza, the common case, written from here: through
		// clientElement, the Event (216 bytes) would be copied twice.
		ev.Kind, ev.Element = EventElement, el
		return true
	case s.cfg.Role == Initiating:
		e, ok = s.clientElement(el)
	default:
		e, ok = s.serverElement(el)
	}
	if ok {
		*ev = e
	}
	return ok
}
