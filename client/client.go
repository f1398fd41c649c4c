package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/streams"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
	"github.com/protoxmpp/protoxmpp/stream"
)

// Client is one authenticated XMPP session with a bound resource. Its
// methods are safe for concurrent use. It ends when Close is called, the
// server closes the stream, or the connection fails; Done and Err report it.
type Client struct {
	opts   Options
	conn   net.Conn // the connection, TLS on top when secure
	jid    jid.JID  // bound full JID
	bare   jid.JID
	domain jid.JID
	host   string // the domain for DNS and TLS: A-labels, or an IP address
	tls    *tls.ConnectionState
	mech   string
	feats  *streams.Features // the features offered after authentication

	rosterVerOK   bool // the server supports roster versioning
	preApprovalOK bool // the server supports subscription pre-approval

	password string                                      // for reconnections
	redial   func(ctx context.Context) (net.Conn, error) // nil: no reconnection

	// Stream Management and reconnection; guarded by smu.
	down     bool              // the connection is lost; reconnecting
	upCh     chan struct{}     // closed when the connection is back
	lostSM   *stream.SMSession // while down: the session to resume
	ackReq   bool              // an <r/> is unanswered
	ackReqAt uint32            // the count of stanzas sent when it was sent
	ackTimer *time.Timer       // requests acks by time, and detects a dead connection
	ackArmed bool              // ackTimer is set to fire
	// Set by negotiate (in the reader, write lock held) for reconnect.
	resumeFrom *stream.SMSession // the session to resume
	resumed    bool              // it was resumed
	resumeErr  error             // why resumption failed
	rebinding  bool              // a new session replaces a lost one
	early      []stanza.Element  // stanzas received during negotiation, for the reader

	// smu guards s. wlock (a one-slot semaphore, so that waiting for it
	// can be abandoned) orders writes; it is taken before smu, never
	// after.
	smu   sync.Mutex
	s     *stream.Stream
	wlock chan struct{}
	// wdl guards the write deadline set when a write's context ends.
	wdl     sync.Mutex
	writing bool

	// qmu guards the dispatch queue: the work waiting for the handlers in
	// arrival order, a ring that grows as work arrives and shrinks as the
	// dispatcher catches up (so an idle session keeps none), and whether a
	// dispatcher goroutine runs; there is one only while work waits.
	qmu         sync.Mutex
	qroom       sync.Cond // signaled when the queue has room or the session ended
	q           []inbound // the ring; its length is a power of two or zero
	qhead, qlen int
	dispatching bool

	rbuf       [readBufSize]byte // what the reader reads into
	observed   atomic.Bool       // a HandleElement handler is registered
	done       chan struct{}
	readerDone chan struct{}
	closing    atomic.Bool
	endOnce    sync.Once
	ctx        context.Context // canceled when the session ends
	cancel     context.CancelFunc

	mu        sync.Mutex // guards everything below
	endErr    error
	pending   map[string]*pendingIQ
	elemH     []func(stanza.Element)
	msgH      []messageHandler
	presH     []presenceHandler
	rosterH   []func(RosterEvent)
	iqH       map[stanza.Name]IQHandler
	extraFeat map[string]bool
	roster    rosterCache
	presences map[jid.JID][]ContactPresence // by bare JID, one per available resource
	sessH     []func(SessionEvent)
	lastPres  *xmpp.Presence // the last broadcast presence sent, re-sent on a new session
	rosterGot bool           // the roster was fetched, and is fetched again on a new session
}

// inbound is one unit of work for the dispatcher: an element for the
// handlers, with the internal task that replaces the usual handling of it
// (a roster push to report and acknowledge), if any.
type inbound struct {
	el   stanza.Element
	task func()
	// refuse answers the IQ request el with service-unavailable whatever
	// handler is registered (a roster push from a stranger).
	refuse bool
	// invalid answers the IQ request el with bad-request: it does not
	// validate against its schemas (RFC 6120 section 8.3.3.1).
	invalid error
	// observeOnly: el is for the HandleElement handlers only (an IQ
	// response, an element that is no stanza).
	observeOnly bool
}

// Dial connects to the XMPP service of j's domain and opens a session as
// j (a bare JID; a resourcepart in j is used when Options.Resource is
// empty). It resolves the service as Lookup says unless Options.Server is
// set, tries each address in order until one accepts a TCP connection
// (and, for direct TLS, a TLS handshake), and then negotiates the stream
// there: TLS, SASL with password, resource binding. Errors after the
// connection is made are final, other addresses are not tried.
func Dial(ctx context.Context, j jid.JID, password string, opts Options) (*Client, error) {
	host, err := checkJID(j)
	if err != nil {
		return nil, err
	}
	conn, err := dialService(ctx, j, host, opts)
	if err != nil {
		return nil, err
	}
	if opts.Redial == nil {
		opts.Redial = func(ctx context.Context) (net.Conn, error) { return dialService(ctx, j, host, opts) }
	}
	return NewClient(ctx, conn, j, password, opts)
}

// dialService connects to the XMPP service of j's domain as Dial says, and
// does the TLS handshake of direct TLS.
func dialService(ctx context.Context, j jid.JID, host string, opts Options) (net.Conn, error) {
	var targets []Target
	var err error
	if opts.Server != "" {
		targets = []Target{{Addr: opts.Server, DirectTLS: opts.DirectTLS}}
	} else {
		if targets, err = Lookup(ctx, opts.Resolver, j.Domain()); err != nil {
			return nil, fmt.Errorf("client: resolving %s: %w", j.Domain(), err)
		}
	}
	d := opts.Dialer
	if d == nil {
		d = &net.Dialer{}
	}
	var errs []error
	for _, t := range targets {
		conn, err := d.DialContext(ctx, "tcp", t.Addr)
		if err == nil && t.DirectTLS {
			tc := tls.Client(conn, tlsConfig(host, opts, true))
			if err = tc.HandshakeContext(ctx); err != nil {
				conn.Close()
			} else {
				conn = tc
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", t.Addr, err))
			if ctx.Err() != nil {
				break
			}
			continue
		}
		return conn, nil
	}
	return nil, fmt.Errorf("client: cannot connect to %s: %w", j.Domain(), errors.Join(errs...))
}

// NewClient opens a session as j over conn, a connection to j's server
// made by the caller: it negotiates the stream (TLS, SASL with password,
// resource binding) and starts reading. A *tls.Conn is taken as secure
// already (its handshake is completed if needed); with Options.DirectTLS a
// TLS handshake is done on conn first; otherwise STARTTLS is used. conn
// belongs to the Client from then on, and is closed when NewClient fails.
func NewClient(ctx context.Context, conn net.Conn, j jid.JID, password string, opts Options) (*Client, error) {
	host, err := checkJID(j)
	if err != nil {
		conn.Close()
		return nil, err
	}
	c := newClient(conn, j, opts)
	c.host = host
	c.password, c.redial = password, opts.Redial
	if err := c.negotiate(ctx, password); err != nil {
		c.conn.Close()
		return nil, err
	}
	c.start()
	return c, nil
}

// checkJID checks that j is an account's address and returns the host
// name of its domain for DNS and TLS (see asciiHost).
func checkJID(j jid.JID) (host string, err error) {
	if j.IsZero() || j.Local() == "" {
		return "", fmt.Errorf("client: %q is not an account address (localpart@domainpart)", j.String())
	}
	host, _, err = asciiHost(j.Domain())
	return host, err
}

func newClient(conn net.Conn, j jid.JID, opts Options) *Client {
	if opts.QueueSize <= 0 {
		opts.QueueSize = defaultQueueSize
	}
	if opts.CloseTimeout <= 0 {
		opts.CloseTimeout = defaultCloseTimeout
	}
	if opts.AckEvery <= 0 {
		opts.AckEvery = defaultAckEvery
	}
	if opts.AckInterval <= 0 {
		opts.AckInterval = defaultAckInterval
	}
	if opts.AckTimeout <= 0 {
		opts.AckTimeout = defaultAckTimeout
	}
	r := &opts.Reconnect
	if r.MinDelay <= 0 {
		r.MinDelay = defaultMinDelay
	}
	if r.MaxDelay <= 0 {
		r.MaxDelay = defaultMaxDelay
	}
	if r.AttemptTimeout <= 0 {
		r.AttemptTimeout = defaultAttemptTime
	}
	if opts.Resource == "" {
		opts.Resource = j.Resource()
	}
	c := &Client{
		opts:       opts,
		conn:       conn,
		bare:       j.Bare(),
		domain:     j.DomainJID(),
		wlock:      make(chan struct{}, 1),
		done:       make(chan struct{}),
		readerDone: make(chan struct{}),
	}
	c.qroom.L = &c.qmu
	c.ctx, c.cancel = context.WithCancel(context.Background())
	if opts.Roster != nil {
		c.roster.load(*opts.Roster)
	}
	return c
}

// tlsConfig is the TLS configuration for the server of a domain whose
// host name (asciiHost) is host: the certificate is verified against the
// domain (RFC 6120 section 13.7.2.1), an internationalized one in A-labels
// as RFC 6125 section 6.4.2 says, and host is the server name indication
// (none for an IP address); TLS 1.2 at least; direct TLS announces ALPN
// xmpp-client (XEP-0368).
func tlsConfig(host string, opts Options, direct bool) *tls.Config {
	cfg := &tls.Config{
		ServerName:         host,
		RootCAs:            opts.RootCAs,
		InsecureSkipVerify: opts.InsecureSkipTLSVerify,
		MinVersion:         tls.VersionTLS12,
	}
	if direct {
		cfg.NextProtos = []string{"xmpp-client"}
	}
	return cfg
}

// JID returns the full JID the server bound for this session.
func (c *Client) JID() jid.JID {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.jid
}

// Features returns the stream features the server offered after
// authentication (bind, roster versioning, stream management, ...).
func (c *Client) Features() *streams.Features {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.feats
}

// TLSConnectionState returns the state of the TLS connection, and false
// when the session runs without TLS.
func (c *Client) TLSConnectionState() (tls.ConnectionState, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tls == nil {
		return tls.ConnectionState{}, false
	}
	return *c.tls, true
}

// Mechanism returns the name of the SASL mechanism that authenticated the
// session.
func (c *Client) Mechanism() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mech
}

// SupportsRosterVersioning reports whether the server advertised roster
// versioning (RFC 6121 section 2.6).
func (c *Client) SupportsRosterVersioning() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rosterVerOK
}

// SupportsPreApproval reports whether the server advertised subscription
// pre-approval (RFC 6121 section 3.4).
func (c *Client) SupportsPreApproval() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.preApprovalOK
}

// Context returns a context canceled when the session ends: the context
// for work a handler starts (IQHandler gets it as its ctx).
func (c *Client) Context() context.Context { return c.ctx }

// Done returns a channel closed when the session has ended.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err returns why the session ended: nil while it runs and after a Close,
// ErrServerClosed when the server closed the stream, a *stream.Error for a
// stream error (sent by the server, or by this side because of bad input),
// or the connection's error.
func (c *Client) Err() error {
	select {
	case <-c.done:
	default:
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.endErr
}

// closedErr is the error of a call that found the session ended.
func (c *Client) closedErr() error {
	if err := c.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrClosed, err)
	}
	return ErrClosed
}

// Close ends the session: it sends the closing stream tag (RFC 6120
// section 4.4), waits up to Options.CloseTimeout for the server's, and
// closes the connection. It sends no unavailable presence (the server
// broadcasts one when the stream ends). Calling Close again waits for the
// end and returns nil.
func (c *Client) Close() error {
	if !c.closing.CompareAndSwap(false, true) {
		<-c.done
		return nil
	}
	c.smu.Lock()
	down, lost := c.down, c.lostSM
	c.smu.Unlock()
	if down { // nothing to close but the reconnection
		// What was kept for a resumption that will not happen goes back
		// to the application.
		c.giveUp(lost, nil)
		<-c.readerDone
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.opts.CloseTimeout)
	defer cancel()
	var err error
	if err = c.lockWrite(ctx); err == nil {
		c.smu.Lock()
		c.s.Close()
		out := bytes.Clone(c.s.Output())
		c.smu.Unlock()
		err = c.writeOut(ctx, out)
		c.unlockWrite()
	}
	if err == nil {
		select {
		case <-c.readerDone:
		case <-ctx.Done():
		}
	}
	c.end(nil)
	<-c.readerDone
	if errors.Is(err, ErrClosed) {
		return nil // it had ended already
	}
	return err
}

// end records why the session ended (the first reason wins), closes the
// connection and wakes everyone waiting.
func (c *Client) end(err error) {
	c.endOnce.Do(func() {
		c.mu.Lock()
		c.endErr = err
		c.mu.Unlock()
		c.smu.Lock()
		c.conn.Close()
		if c.ackTimer != nil {
			c.ackTimer.Stop()
		}
		c.smu.Unlock()
		c.cancel()
		close(c.done)
		// Wake the reader if it waits for room in the queue.
		c.qmu.Lock()
		c.qroom.Broadcast()
		c.qmu.Unlock()
	})
}

// lockWrite takes the write lock, unless ctx ends or the session does
// first.
func (c *Client) lockWrite(ctx context.Context) error {
	select {
	case <-c.done:
		return c.closedErr()
	default:
	}
	select {
	case c.wlock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.done:
		return c.closedErr()
	}
}

func (c *Client) unlockWrite() { <-c.wlock }

// writeOut writes p with the write lock held. When ctx ends during the
// write, the write is cut short; since a partial stanza corrupts the
// stream, any failed write ends the session.
func (c *Client) writeOut(ctx context.Context, p []byte) error {
	if len(p) == 0 {
		return nil
	}
	if c.opts.Trace != nil {
		c.opts.Trace(false, p)
	}
	c.wdl.Lock()
	c.writing = true
	c.wdl.Unlock()
	stop := context.AfterFunc(ctx, func() {
		c.wdl.Lock()
		if c.writing {
			c.conn.SetWriteDeadline(time.Unix(1, 0))
		}
		c.wdl.Unlock()
	})
	_, err := c.conn.Write(p)
	if !stop() {
		c.wdl.Lock()
		c.conn.SetWriteDeadline(time.Time{})
		c.wdl.Unlock()
	}
	c.wdl.Lock()
	c.writing = false
	c.wdl.Unlock()
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("client: write interrupted: %w", ctx.Err())
		} else {
			err = fmt.Errorf("client: write: %w", err)
		}
		if c.reconnects() {
			// The reader finds the connection closed and reconnects.
			c.smu.Lock()
			c.conn.Close()
			c.smu.Unlock()
			return fmt.Errorf("%w: %w", ErrConnectionLost, err)
		}
		c.end(err)
		return err
	}
	return nil
}

// Send writes el (a *xmpp.Message, *xmpp.Presence,
// *xmpp.IQ or any element) to the stream as it is. ctx bounds the
// wait for the connection; a write cut short by ctx ends the session, as
// the stream cannot continue after half a stanza. For IQ requests use
// SendIQ, which waits for the response.
func (c *Client) Send(ctx context.Context, el stanza.Element) error {
	if !c.opts.SkipSendValidation {
		// Strict on send: what a schema refuses never leaves.
		if verr := stanza.Validate(el); verr != nil {
			return fmt.Errorf("client: <%s> not sent: %w", el.ElementName().Local, verr)
		}
	}
	c.notePresence(el)
	for {
		if err := c.lockWrite(ctx); err != nil {
			return err
		}
		c.smu.Lock()
		if !c.down {
			break // both locks held
		}
		if m := c.lostSM; m != nil && m.Resumable {
			// Counted and kept with the unacknowledged stanzas: sent when
			// the session is resumed, handed back if it cannot be.
			err := m.Enqueue(el)
			c.smu.Unlock()
			c.unlockWrite()
			return err
		}
		up := c.upCh
		c.smu.Unlock()
		c.unlockWrite()
		select {
		case <-up:
		case <-ctx.Done():
			return ctx.Err()
		case <-c.done:
			return c.closedErr()
		}
	}
	defer c.unlockWrite()
	m := c.s.SM()
	kept := 0
	if m != nil {
		kept = m.Unacked()
	}
	err := c.s.Send(el)
	if m != nil && m.Unacked() > kept {
		c.afterSendLocked(m)
	}
	// A stanza Stream Management keeps is not lost with the connection:
	// resumption sends it again, or a new session hands it back.
	queued := m != nil && m.Unacked() > kept
	out := bytes.Clone(c.s.Output())
	c.smu.Unlock()
	if werr := c.writeOut(ctx, out); werr != nil {
		if queued && errors.Is(werr, ErrConnectionLost) {
			return nil // re-sent on resumption, or handed back
		}
		return werr
	}
	switch {
	case errors.Is(err, stream.ErrClosed):
		return c.closedErr()
	case err != nil:
		return fmt.Errorf("client: encoding <%s>: %w", el.ElementName().Local, err)
	}
	return nil
}

// start launches the reader (which starts a dispatcher when there is work
// for one).
func (c *Client) start() {
	go c.readLoop()
}

// readLoop is the one goroutine reading the connection: it feeds the
// stream, matches IQ responses, updates the roster and presence state, and
// queues stanzas for the dispatcher in arrival order.
func (c *Client) readLoop() {
	defer close(c.readerDone)
	for {
		err := c.readConn()
		if err == nil {
			return // the session ended
		}
		if !c.reconnect(err) {
			return
		}
	}
}

// readConn reads the current connection until the session ends (nil) or
// the connection is lost (the error).
func (c *Client) readConn() error {
	early := c.early
	c.early = nil
	for _, el := range early {
		c.received(el)
	}
	buf := c.rbuf[:]
	for {
		// The first round handles what negotiation left buffered.
		c.smu.Lock()
		var evs []stream.Event
		for ev := c.s.Next(); ev.Kind != stream.EventNone; ev = c.s.Next() {
			evs = append(evs, ev)
		}
		out := bytes.Clone(c.s.Output())
		c.smu.Unlock()
		if len(out) > 0 { // a closing tag or a stream error of ours
			if c.lockWrite(context.Background()) == nil {
				c.writeOut(c.ctx, out)
				c.unlockWrite()
			}
		}
		for _, ev := range evs {
			if ok, lost := c.event(ev); !ok {
				return lost
			}
		}
		c.checkAcks()
		n, err := c.conn.Read(buf)
		if n > 0 {
			if c.opts.Trace != nil {
				c.opts.Trace(true, buf[:n])
			}
			c.smu.Lock()
			c.s.Feed(buf[:n])
			c.smu.Unlock()
			continue
		}
		if err != nil {
			if c.closing.Load() {
				c.end(nil)
				return nil
			}
			return fmt.Errorf("client: connection lost: %w", err)
		}
	}
}

// event handles one stream event in the reader; false ends the reader.
func (c *Client) event(ev stream.Event) (ok bool, lost error) {
	switch ev.Kind {
	case stream.EventElement:
		c.received(ev.Element)
	case stream.EventClose:
		if c.closing.Load() {
			c.end(nil)
		} else {
			c.end(ErrServerClosed)
		}
		return false, nil
	case stream.EventStreamError, stream.EventError:
		if c.reconnects() && retryAfter(ev.Err) {
			return false, fmt.Errorf("client: connection lost: %w", ev.Err)
		}
		c.end(ev.Err)
		return false, nil
	}
	return true, nil
}

// retryAfter reports whether a stream error ends only the connection, not
// the session: a new connection may resume or replace it. Errors that
// would come again (authentication, addressing, another resource taking
// over with conflict) end the session.
func retryAfter(err error) bool {
	for _, c := range []stream.Condition{stream.Conflict, stream.NotAuthorized, stream.HostUnknown, stream.HostGone,
		stream.InvalidNamespace, stream.InvalidFrom, stream.UnsupportedVersion, stream.UnsupportedEncoding,
		stream.UnsupportedStanzaType, stream.ImproperAddressing, stream.BadNamespacePrefix, stream.RestrictedXML, stream.SeeOtherHost} {
		if errors.Is(err, c) {
			return false
		}
	}
	return true
}

// enqueue hands work to the dispatcher, starting one when none runs. While
// Options.QueueSize elements wait, it waits for room, so the reader stops
// reading; once the session has ended it no longer waits, and work for
// which there is no room is dropped.
func (c *Client) enqueue(in inbound) {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	for c.qlen >= c.opts.QueueSize {
		select {
		case <-c.done:
			return
		default:
		}
		c.qroom.Wait()
	}
	if c.qlen == len(c.q) {
		c.resizeQueue(max(minQueueRing, 2*len(c.q)))
	}
	c.q[(c.qhead+c.qlen)&(len(c.q)-1)] = in
	c.qlen++
	if !c.dispatching {
		c.dispatching = true
		go c.dispatchLoop()
	}
}

// minQueueRing is the smallest ring of the dispatch queue: what a session
// that receives now and then uses.
const minQueueRing = 4

// resizeQueue moves the waiting work to a ring of n slots (a power of two
// at least c.qlen), with qmu held.
func (c *Client) resizeQueue(n int) {
	q := make([]inbound, n)
	for i := range c.qlen {
		q[i] = c.q[(c.qhead+i)&(len(c.q)-1)]
	}
	c.q, c.qhead = q, 0
}

// dequeue takes the next work for the dispatcher; ok is false when the
// queue is empty, and the dispatcher then ends: the ring is given back, so
// an idle session keeps neither the ring nor a dispatcher goroutine.
func (c *Client) dequeue() (in inbound, ok bool) {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if c.qlen == 0 {
		c.q, c.qhead = nil, 0
		c.dispatching = false
		return inbound{}, false
	}
	in = c.q[c.qhead]
	c.q[c.qhead] = inbound{} // let the element go once handled
	c.qhead = (c.qhead + 1) & (len(c.q) - 1)
	if c.qlen == c.opts.QueueSize {
		c.qroom.Signal() // only the reader waits for room
	}
	c.qlen--
	if len(c.q) > minQueueRing && c.qlen <= len(c.q)/4 {
		c.resizeQueue(len(c.q) / 2) // a burst has passed
	}
	return in, true
}

// received handles a top-level element in the reader.
func (c *Client) received(el stanza.Element) {
	switch x := el.(type) {
	case *xmpp.IQ:
		switch x.Type {
		case xmpp.IQTypeGet, xmpp.IQTypeSet:
			if x.ID == "" {
				// Nothing could match an answer to it (RFC 6120 section
				// 8.1.3 requires the id).
				c.logger().Warn("client: dropped an IQ request without id", "from", x.From, "type", string(x.Type))
				return
			}
			if err := stanza.Validate(x); err != nil {
				c.enqueue(inbound{el: x, invalid: err})
				return
			}
			if push, ok := rosterPush(x); ok {
				if !c.fromAccount(x.From) {
					// RFC 6121 section 2.1.6: not a roster push; answered as
					// an IQ nobody here serves.
					c.enqueue(inbound{el: x, refuse: true})
					return
				}
				c.enqueue(c.rosterPushed(x, push))
				return
			}
			c.enqueue(inbound{el: x})
			return
		case xmpp.IQTypeResult, xmpp.IQTypeError:
			c.response(x) // unmatched responses are dropped (RFC 6120 section 8.2.3)
		}
	case *xmpp.Presence:
		c.trackPresence(x)
		c.enqueue(inbound{el: x})
		return
	case *xmpp.Message:
		c.enqueue(inbound{el: x})
		return
	}
	// IQ responses, IQs of no known type and elements that are no stanza
	// reach the HandleElement handlers only, when there are some (so that
	// without them responses never wait behind the handlers).
	if c.observed.Load() {
		c.enqueue(inbound{el: el, observeOnly: true})
	}
}

// fromAccount reports whether from is empty or the account's bare JID (the
// server acting for the account, RFC 6120 section 8.1.2.1).
func (c *Client) fromAccount(from jid.JID) bool {
	if from.IsZero() {
		return true
	}
	j, err := from.Prepare()
	return err == nil && j == c.bare
}

// dispatchLoop calls the handlers, one element at a time, in arrival
// order, until the queue is empty. enqueue starts it; only one runs at a
// time.
func (c *Client) dispatchLoop() {
	for {
		in, ok := c.dequeue()
		if !ok {
			return
		}
		c.dispatch(in)
	}
}

// logger returns Options.Logger, or the default logger.
func (c *Client) logger() *slog.Logger {
	if c.opts.Logger != nil {
		return c.opts.Logger
	}
	return slog.Default()
}
