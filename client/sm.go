package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
	"github.com/protoxmpp/protoxmpp/stream"
)

var (
	// ErrConnectionLost: the connection broke during a write; the session
	// reconnects (see Options.Reconnect), but what was being written may
	// not have been sent.
	ErrConnectionLost = errors.New("client: connection lost")
	// ErrSessionLost: the session was replaced by a new one after a lost
	// connection, and the response to an IQ request will not come. The
	// request is among the SessionEvent's Undelivered if the server never
	// acknowledged it.
	ErrSessionLost = errors.New("client: session lost before the response came")
)

// SessionEventKind says what happened to the session.
type SessionEventKind uint8

const (
	// SessionDisconnected: the connection is lost (SessionEvent.Err says
	// why); the client reconnects. Until then Send keeps the stanzas of a
	// resumable session with the unacknowledged ones, and otherwise waits
	// for the connection.
	SessionDisconnected SessionEventKind = iota + 1
	// SessionResumed: the session is resumed on a new connection (XEP-0198
	// section 5): the stanzas the server had not acknowledged were sent
	// again, those it had sent and this side had not handled come now, and
	// nothing is lost or repeated.
	SessionResumed
	// SessionNew: the session could not be resumed (no Stream Management,
	// expired, refused: SessionEvent.Err), and a new one replaces it: a
	// resource is bound again (Client.JID may change), IQ requests in
	// flight fail with ErrSessionLost, the roster is fetched again if it
	// had been, and the last broadcast presence is sent again.
	// SessionEvent.Undelivered holds the stanzas the server never
	// acknowledged: the application decides whether to send them again.
	SessionNew
	// SessionEnded: reconnecting failed for good (Options.Reconnect's
	// MaxAttempts, or an authentication failure; SessionEvent.Err says
	// why), or Close was called while the connection was down (Err is
	// nil), and the session ends. SessionEvent.Undelivered holds the
	// stanzas the server never acknowledged, those Send kept while the
	// connection was down included.
	SessionEnded
)

var sessionEventNames = [...]string{"", "disconnected", "resumed", "new session", "ended"}

func (k SessionEventKind) String() string {
	if int(k) < len(sessionEventNames) {
		return sessionEventNames[k]
	}
	return fmt.Sprintf("SessionEventKind(%d)", k)
}

// SessionEvent reports a change of the session's connection.
type SessionEvent struct {
	Kind SessionEventKind
	// Err is why the connection was lost (SessionDisconnected) or why the
	// session could not be resumed (SessionNew; nil when Stream
	// Management was not on).
	Err error
	// Attempts is the number of connection attempts it took
	// (SessionResumed, SessionNew).
	Attempts int
	// Undelivered (SessionNew, SessionEnded) are the stanzas sent on the former session
	// that the server did not acknowledge, oldest first: they may or may
	// not have reached it. Without Stream Management nothing is known, and
	// it is nil.
	Undelivered []stanza.Element
}

// HandleSession registers f to be told of the session's connection
// changes. It runs on the dispatch goroutine, in order with the stanzas
// received.
func (c *Client) HandleSession(f func(SessionEvent)) {
	c.mu.Lock()
	c.sessH = append(c.sessH, f)
	c.mu.Unlock()
}

// emitSession hands ev to the session handlers, in order with the
// stanzas.
func (c *Client) emitSession(ev SessionEvent) {
	c.mu.Lock()
	hs := c.sessH
	c.mu.Unlock()
	if len(hs) == 0 {
		return
	}
	c.enqueue(inbound{task: func() {
		for _, h := range hs {
			h(ev)
		}
	}})
}

// StreamManagement reports whether Stream Management is on for the
// session, and whether the session can be resumed after a lost
// connection.
func (c *Client) StreamManagement() (on, resumable bool) {
	c.smu.Lock()
	defer c.smu.Unlock()
	m := c.lostSM
	if !c.down {
		m = c.s.SM()
	}
	if m == nil {
		return false, false
	}
	return true, m.Resumable
}

// reconnects reports whether a lost connection is re-established rather
// than ending the session.
func (c *Client) reconnects() bool {
	return c.redial != nil && !c.opts.Reconnect.Disabled && !c.closing.Load()
}

// notePresence remembers the last broadcast presence sent, to send it
// again on a new session.
func (c *Client) notePresence(el stanza.Element) {
	p, ok := el.(*xmpp.Presence)
	if !ok || !p.To.IsZero() {
		return
	}
	switch p.Type {
	case "":
		c.mu.Lock()
		c.lastPres = p
		c.mu.Unlock()
	case xmpp.PresenceTypeUnavailable:
		c.mu.Lock()
		c.lastPres = nil
		c.mu.Unlock()
	}
}

// afterSendLocked asks for an acknowledgement when enough stanzas wait
// for one, and arms the timer that asks by time; smu is held.
func (c *Client) afterSendLocked(m *stream.SMSession) {
	if !c.ackReq && m.Unacked() >= c.opts.AckEvery {
		c.requestAckLocked(m)
		return
	}
	c.armAckTimerLocked(c.opts.AckInterval, false)
}

// requestAckLocked writes an <r/> (to the stream's output) and starts
// waiting for its answer; smu is held.
func (c *Client) requestAckLocked(m *stream.SMSession) {
	if c.s.RequestAck() != nil {
		return
	}
	c.ackReq, c.ackReqAt = true, m.Sent()
	c.armAckTimerLocked(c.opts.AckTimeout, true)
}

// armAckTimerLocked makes the ack timer fire in d; unless force, a timer
// armed already keeps its time, so that a stanza waiting for an
// acknowledgement gets a request AckInterval after it was sent however
// many follow it. smu is held. There is no timer while nothing waits for
// an acknowledgement, so an idle session has none running.
func (c *Client) armAckTimerLocked(d time.Duration, force bool) {
	if c.ackArmed && !force {
		return
	}
	c.ackArmed = true
	if c.ackTimer == nil {
		c.ackTimer = time.AfterFunc(d, c.ackTick)
		return
	}
	c.ackTimer.Reset(d)
}

// stopAckTimerLocked stops the ack timer; smu is held.
func (c *Client) stopAckTimerLocked() {
	c.ackArmed = false
	if c.ackTimer != nil {
		c.ackTimer.Stop()
	}
}

// ackTick runs when the ack timer fires: an unanswered request means a
// dead connection, which is dropped (the reader then reconnects); stanzas
// waiting too long get a request.
func (c *Client) ackTick() {
	if c.lockWrite(c.ctx) != nil {
		return
	}
	defer c.unlockWrite()
	c.smu.Lock()
	c.ackArmed = false
	if c.down {
		c.smu.Unlock()
		return
	}
	m := c.s.SM()
	switch {
	case m == nil || m.Unacked() == 0:
		c.ackReq = false
		c.smu.Unlock()
		return
	case c.ackReq:
		c.smu.Unlock()
		c.logger().Warn("client: no acknowledgement from the server; dropping the connection", "timeout", c.opts.AckTimeout)
		c.smu.Lock()
		c.conn.Close()
		c.smu.Unlock()
		return
	}
	c.requestAckLocked(m)
	out := bytes.Clone(c.s.Output())
	c.smu.Unlock()
	c.writeOut(c.ctx, out)
}

// checkAcks, in the reader after each batch of events, notes that the
// acknowledgement requested has come.
func (c *Client) checkAcks() {
	c.smu.Lock()
	defer c.smu.Unlock()
	m := c.s.SM()
	if m == nil || !c.ackReq || int32(m.Acked()-c.ackReqAt) < 0 {
		return
	}
	c.ackReq = false
	if m.Unacked() > 0 {
		c.armAckTimerLocked(c.opts.AckInterval, true)
	} else {
		c.stopAckTimerLocked()
	}
}

// reconnect re-establishes the session after its connection was lost
// (cause), in the reader; false when the session ended instead.
func (c *Client) reconnect(cause error) bool {
	if !c.reconnects() {
		c.end(cause)
		return false
	}
	c.smu.Lock()
	lost := c.s.SM()
	c.down, c.upCh, c.lostSM, c.ackReq = true, make(chan struct{}), lost, false
	c.stopAckTimerLocked()
	c.conn.Close()
	c.smu.Unlock()
	c.logger().Info("client: connection lost; reconnecting", "err", cause)
	c.emitSession(SessionEvent{Kind: SessionDisconnected, Err: cause})

	pol := c.opts.Reconnect
	delay := pol.MinDelay
	for attempt := 1; ; attempt++ {
		wait := delay/2 + rand.N(delay/2+1)
		select {
		case <-time.After(wait):
		case <-c.ctx.Done():
			return false
		}
		err := c.attempt(lost)
		if err == nil {
			c.reconnected(lost, attempt)
			return true
		}
		if c.ctx.Err() != nil {
			return false
		}
		c.logger().Info("client: reconnection attempt failed", "attempt", attempt, "err", err)
		var se *stream.SASLError
		if errors.As(err, &se) || (pol.MaxAttempts > 0 && attempt >= pol.MaxAttempts) {
			err = fmt.Errorf("client: reconnection failed after %d attempts: %w (the connection was lost: %w)", attempt, err, cause)
			c.giveUp(lost, err)
			return false
		}
		delay = min(2*delay, pol.MaxDelay)
	}
}

// giveUp ends the session while its connection is down (reconnecting
// failed, or Close), handing back what the server never acknowledged.
func (c *Client) giveUp(lost *stream.SMSession, err error) {
	var undelivered []stanza.Element
	if lost != nil {
		c.smu.Lock()
		undelivered, _ = lost.UnackedElements()
		c.smu.Unlock()
	}
	if err != nil || len(undelivered) > 0 {
		c.emitSession(SessionEvent{Kind: SessionEnded, Err: err, Undelivered: undelivered})
	}
	c.end(err)
}

// attempt is one reconnection: connect, negotiate, resume or bind.
func (c *Client) attempt(lost *stream.SMSession) error {
	ctx, cancel := context.WithTimeout(c.ctx, c.opts.Reconnect.AttemptTimeout)
	defer cancel()
	conn, err := c.redial(ctx)
	if err != nil {
		return err
	}
	if err := c.lockWrite(ctx); err != nil {
		conn.Close()
		return err
	}
	defer c.unlockWrite()
	c.smu.Lock()
	c.conn = conn
	c.smu.Unlock()
	c.resumeFrom = nil
	if lost != nil && lost.Resumable {
		c.resumeFrom = lost
	}
	c.rebinding = true
	defer func() { c.rebinding = false }()
	if err := c.negotiate(ctx, c.password); err != nil {
		c.smu.Lock()
		c.conn.Close()
		c.smu.Unlock()
		return err
	}
	c.smu.Lock()
	c.down, c.lostSM = false, nil
	close(c.upCh)
	c.upCh = nil
	if m := c.s.SM(); m != nil && m.Unacked() > 0 {
		// What resumption re-sent waits for its acknowledgement.
		c.requestAckLocked(m)
		out := bytes.Clone(c.s.Output())
		c.smu.Unlock()
		c.writeOut(ctx, out)
		return nil
	}
	c.smu.Unlock()
	return nil
}

// reconnected reports the new connection, and restores a new session.
func (c *Client) reconnected(lost *stream.SMSession, attempts int) {
	if c.resumed {
		c.logger().Info("client: session resumed", "attempts", attempts)
		c.emitSession(SessionEvent{Kind: SessionResumed, Attempts: attempts})
		return
	}
	var undelivered []stanza.Element
	if lost != nil {
		var err error
		if undelivered, err = lost.UnackedElements(); err != nil {
			c.logger().Error("client: decoding the unacknowledged stanzas", "err", err)
		}
	}
	c.mu.Lock()
	for id, p := range c.pending {
		p.ch <- nil // ErrSessionLost
		delete(c.pending, id)
	}
	c.pending = nil
	c.presences = nil
	pres, refetch := c.lastPres, c.rosterGot
	c.mu.Unlock()
	c.logger().Info("client: new session", "attempts", attempts, "undelivered", len(undelivered), "resumption", c.resumeErr)
	c.emitSession(SessionEvent{Kind: SessionNew, Err: c.resumeErr, Attempts: attempts, Undelivered: undelivered})
	if !refetch && pres == nil {
		return
	}
	go func() {
		// RFC 6121 section 2.2: the roster before the initial presence.
		if refetch {
			if _, err := c.Roster(c.ctx); err != nil {
				c.logger().Warn("client: fetching the roster of the new session", "err", err)
			}
		}
		if pres != nil {
			if err := c.Send(c.ctx, pres); err != nil {
				c.logger().Warn("client: sending the presence of the new session", "err", err)
			}
		}
	}()
}

// bindResource is the resourcepart to ask for at binding: on a new
// session after a lost one, the one it had, so that what the server routes
// or bounces to the former full JID reaches the new session (ejabberd, for
// one, re-routes a lost session's unacknowledged messages only to the
// same resource); otherwise Options.Resource.
func (c *Client) bindResource() string {
	if c.resumeFrom != nil || c.rebinding {
		if r := c.JID().Resource(); r != "" {
			return r
		}
	}
	return c.opts.Resource
}

// errDone ends the negotiation successfully.
var errDone = errors.New("done")

// flushDone returns flush() for errDone, err otherwise.
func flushDone(flush func() error, err error) error {
	if err == errDone {
		return flush()
	}
	return err
}

// resendChunk is the size of the writes that re-send stanzas after a
// resumption: under the TLS record payload crypto/tls uses while a
// connection is young (dynamic record sizing), so that one write of whole
// elements is one record.
const resendChunk = 1024

// elementChunks splits p, a sequence of whole top-level elements written
// by our encoder, into runs of whole elements of at most limit bytes (an
// element larger than limit is a run of its own), using the runtime's
// framer for the boundaries. A server that loses a connection in the
// middle of a stanza may keep that half in its parser and join it to what
// the resumed connection brings: Prosody 0.12 does, and ends the resumed
// session with not-well-formed. Whole elements per TLS record avoid giving
// it the chance. Should the framer refuse something, the rest is one run.
func elementChunks(p []byte, limit int) [][]byte {
	fr := stanza.NewFramer(stanza.Limits{MaxElementBytes: len(p) + 1})
	fr.Feed([]byte("<r>")) // a root for the elements to be children of
	fr.Feed(p)
	var chunks [][]byte
	start, last, off := 0, 0, 0 // start of the current run, end of its last element, end of the frames read (in p)
	for {
		kind, frame := fr.Next()
		if kind == stanza.FrameNone {
			break
		}
		if kind == stanza.FrameOpen {
			continue // the root, not in p
		}
		off += len(frame)
		if kind != stanza.FrameElement {
			continue
		}
		if off-start > limit && last > start {
			chunks = append(chunks, p[start:last])
			start = last
		}
		last = off
	}
	if start < len(p) {
		chunks = append(chunks, p[start:])
	}
	return chunks
}
