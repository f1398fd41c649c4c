// Package stream is the sans-IO XMPP stream engine (RFC 6120 sections 4 to
// 7) for both roles: bytes received go in through Feed, typed events come
// out of Next, and bytes to send pile up in a buffer drained with Output.
// It owns no connection, starts no goroutines and reads no clock, so the
// caller decides how bytes move and when to give up (package client does
// that over a net.Conn).
//
// # Events
//
// A Stream frames its input with a stanza.Framer (so limits are enforced
// before anything is built) and decodes each top-level element with a
// stanza.Decoder in the scope of the peer's stream header. Next returns,
// in order: EventOpen (the peer's header), EventFeatures, EventElement for
// each stanza as its typed value (*xmpp.Message, ...; registered
// payloads typed, others *stanza.RawElement), EventNegotiated and
// EventStepFailed for the negotiation steps, and finally EventClose,
// EventStreamError (the peer's *Error) or EventError (bad input: this side
// has already written the matching stream error and its closing tag).
// EventNone means "feed more". Whitespace keepalives are skipped.
//
// # Kinds of stream
//
// Config.NS is the content namespace: NSClient (the default), NSServer or
// NSComponent. The stanzas of all three decode into the same types of
// package stanza/xmpp, which remember the namespace they came with; Send
// writes a stanza in the stream's own namespace unless it declared another
// (a forwarded jabber:client message keeps its own), so a stanza read on
// one kind of stream is written on another with no conversion.
//
// # Negotiation
//
// The caller drives the steps; the Stream writes and reads their elements.
// The initiating entity calls Open, then, as features allow, StartTLS (on
// EventNegotiated StepTLS: check Buffered is empty, switch the connection
// to TLS, call Restart), Authenticate with a Mechanism (on success call
// Restart), Bind, and optionally Session. The receiving entity answers
// EventOpen with Open and SendFeatures; STARTTLS, SASL (through
// Config.Verify), binding (Config.Bind) and session requests are answered
// by the Stream and reported with the same events. The receiving entity
// enforces RFC 6120's rules for its side: a stanza on a jabber:client
// stream before SASL success ends the stream with not-authorized, a header
// naming a domain Config.Hosts refuses ends it with host-unknown, and with
// Config.RequireTLS an <auth/> before STARTTLS gets encryption-required.
//
// Stream errors are *Error values carrying a Condition; SASL failures are
// *SASLError with a SASLCondition; binding errors *BindError. All match
// their condition with errors.Is.
//
// # Stream Management
//
// XEP-0198 runs in the Stream for both roles. The initiating entity calls
// EnableSM after binding (EventNegotiated StepSM carries the SMSession) or,
// on a new connection after authentication, Resume with the SMSession of
// the lost one (EventNegotiated StepResume: the stanzas the peer had not
// acknowledged are re-sent in Output; EventStepFailed StepResume: they stay
// in the session for UnackedElements, and binding starts a new one). The
// receiving entity answers <enable/> and <resume/> as Config.SM says,
// looking former sessions up by SM-ID. Both sides count stanzas (message,
// presence, iq; not nonzas) as XEP-0198 section 4 says, from the <enable/>
// or <enabled/> on, modulo 2^32; answer <r/> at once with <a/>; drop the
// stanzas an <a/> acknowledges; and end the stream with undefined-condition
// and <handled-count-too-high/> when a peer acknowledges more than was sent.
// RequestAck and SendAck write <r/> and <a/> when the caller decides (the
// Stream reads no clock), and Close writes the acknowledgement owed before
// the closing tag. The SMSession outlives its connection; it is not safe
// for concurrent use.
//
// # Memory
//
// A Stream waiting for input (Next returned EventNone) holds no Decoder
// and nothing of the elements it decoded: the Decoder goes back to a pool
// shared by all Streams. It keeps its framer's buffer and, for the next
// element it sends, an output buffer of at most 4 KiB; a larger one, left
// by a large element, is dropped once drained.
//
// Each element is decoded where it was read: the framer never writes its
// buffer again once an element is cut from it, and the element's strings
// share it. Its values come from chunks shared with the values of the
// elements decoded next (stanza.New), a fraction of an allocation each.
// So an element kept keeps in memory the bytes fed around it (a few KiB,
// the size of the reads fed) and the chunks of its values, with what they
// hold. A caller that keeps a few elements of many for long sets
// Config.Isolate: each element is then decoded from a copy of its own
// bytes into values of its own, and the framer writes its buffer again
// for the bytes fed next. A caller that does not keep an element hands it
// back with Recycle: later elements of the same kinds are decoded into
// its memory, and a stream is read with almost no allocation.
//
// # Example
//
//	s := stream.New(stream.Config{})
//	s.Open(stream.Header{To: "example.com", Lang: "en"})
//	conn.Write(s.Output())
//	for {
//		n, _ := conn.Read(buf)
//		s.Feed(buf[:n])
//		for ev := s.Next(); ev.Kind != stream.EventNone; ev = s.Next() {
//			// react: StartTLS, Authenticate, Bind, Send ...
//		}
//		conn.Write(s.Output())
//	}
package stream
