package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/protoxmpp/protoxmpp/client/auth"
	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/bind"
	"github.com/protoxmpp/protoxmpp/stanza/preapproval"
	"github.com/protoxmpp/protoxmpp/stanza/rosterver"
	"github.com/protoxmpp/protoxmpp/stanza/sasl"
	"github.com/protoxmpp/protoxmpp/stanza/session"
	"github.com/protoxmpp/protoxmpp/stanza/sm"
	"github.com/protoxmpp/protoxmpp/stanza/starttls"
	"github.com/protoxmpp/protoxmpp/stanza/streams"
	"github.com/protoxmpp/protoxmpp/stream"
)

// nsSASLCB is XEP-0440 (SASL Channel-Binding Type Capability).
const nsSASLCB = "urn:xmpp:sasl-cb:0"

// negotiate runs the stream negotiation of RFC 6120 sections 4 to 7 over
// c.conn, in the caller's goroutine: TLS, SASL, resource binding and, when
// the server requires it, the legacy session. When it returns nil, c.s is
// ready for the reader (with anything received after binding still
// buffered in it).
func (c *Client) negotiate(ctx context.Context, password string) error {
	raw := c.conn
	// A context that ends interrupts the blocked read or write.
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
	err := c.negotiateSteps(ctx, password)
	if !stop() {
		if err == nil {
			err = ctx.Err()
		}
	}
	if err != nil && ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		err = fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return err
}

func (c *Client) negotiateSteps(ctx context.Context, password string) error {
	domain := c.bare.Domain()
	secure := false
	if tc, ok := c.conn.(interface {
		HandshakeContext(context.Context) error
		ConnectionState() tls.ConnectionState
	}); ok {
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("client: TLS handshake with %s: %w", domain, err)
		}
		secure = true
	} else if c.opts.DirectTLS {
		tc := tls.Client(c.conn, tlsConfig(c.host, c.opts, true))
		if err := tc.HandshakeContext(ctx); err != nil {
			return fmt.Errorf("client: TLS handshake with %s: %w", domain, err)
		}
		c.smu.Lock()
		c.conn = tc
		c.smu.Unlock()
		secure = true
	}
	if secure {
		st := c.conn.(interface{ ConnectionState() tls.ConnectionState }).ConnectionState()
		c.mu.Lock()
		c.tls = &st
		c.mu.Unlock()
	}

	// open starts a new stream (at the start and after STARTTLS). The
	// header names the account only once TLS protects it.
	open := func() {
		s := stream.New(stream.Config{Limits: c.opts.Limits, Isolate: c.opts.IsolateStanzas})
		c.smu.Lock()
		c.s = s
		c.smu.Unlock()
		h := stream.Header{To: domain, Lang: c.opts.Lang}
		if secure {
			h.From = c.bare.String()
		}
		c.s.Open(h)
	}
	flush := func() error {
		out := c.s.Output()
		if len(out) == 0 {
			return nil
		}
		if c.opts.Trace != nil {
			c.opts.Trace(false, out)
		}
		_, err := c.conn.Write(out)
		return err
	}
	open()

	var mech stream.Mechanism
	needSession, offersSM := false, false
	c.resumed, c.resumeErr, c.early = false, nil, nil
	// afterBind enables Stream Management when offered, or ends the
	// negotiation.
	afterBind := func() error {
		if offersSM && !c.opts.NoStreamManagement {
			return c.s.EnableSM(true, 0)
		}
		return errDone
	}
	buf := c.rbuf[:] // the reader's, which starts afterwards
	for {
		if err := flush(); err != nil {
			return fmt.Errorf("client: write: %w", err)
		}
		n, err := c.conn.Read(buf)
		if n > 0 {
			if c.opts.Trace != nil {
				c.opts.Trace(true, buf[:n])
			}
			c.s.Feed(buf[:n])
		} else if err != nil {
			return fmt.Errorf("client: connection lost during negotiation: %w", err)
		}
	events:
		for ev := c.s.Next(); ev.Kind != stream.EventNone; ev = c.s.Next() {
			switch ev.Kind {
			case stream.EventOpen:
			case stream.EventFeatures:
				f := scanFeatures(ev.Features)
				switch {
				case !secure && f.starttls:
					if err := c.s.StartTLS(); err != nil {
						return err
					}
				case !secure && !c.opts.InsecurePlaintext:
					c.abort(flush)
					return fmt.Errorf("%w (server %s)", ErrNoTLS, domain)
				case !c.s.Authenticated():
					if len(f.mechanisms) == 0 {
						c.abort(flush)
						return fmt.Errorf("client: server %s offers no SASL mechanism", domain)
					}
					m, err := auth.Select(f.mechanisms, auth.Config{
						Username:             c.bare.Local(),
						Password:             password,
						TLS:                  c.tls,
						Allowed:              c.opts.Mechanisms,
						AllowPlainWithoutTLS: c.opts.InsecurePlaintext,
						ChannelBindings:      f.channelBindings,
					})
					if err != nil {
						c.abort(flush)
						return fmt.Errorf("client: choosing a SASL mechanism among %q: %w", f.mechanisms, err)
					}
					if err := c.s.Authenticate(m); err != nil {
						c.abort(flush)
						return fmt.Errorf("client: SASL %s: %w", m.Name(), err)
					}
					mech = m
				default:
					if !f.bind {
						c.abort(flush)
						return fmt.Errorf("client: server %s offers no resource binding", domain)
					}
					c.mu.Lock()
					c.feats = ev.Features
					c.rosterVerOK, c.preApprovalOK = f.rosterVer, f.preApproval
					c.mu.Unlock()
					needSession = f.session && !f.sessionOptional
					offersSM = f.sm
					if c.resumeFrom != nil && f.sm {
						if err := c.s.Resume(c.resumeFrom); err != nil {
							return err
						}
						break
					}
					if err := c.s.Bind(c.bindResource()); err != nil {
						return err
					}
				}
			case stream.EventNegotiated:
				switch ev.Step {
				case stream.StepTLS:
					if len(c.s.Buffered()) != 0 {
						// RFC 6120 section 5.4.3.3: nothing received before
						// the handshake may be trusted.
						return errors.New("client: server sent data after <proceed/>, before the TLS handshake")
					}
					tc := tls.Client(c.conn, tlsConfig(c.host, c.opts, false))
					if err := tc.HandshakeContext(ctx); err != nil {
						return fmt.Errorf("client: TLS handshake with %s: %w", domain, err)
					}
					st := tc.ConnectionState()
					c.smu.Lock()
					c.conn = tc
					c.smu.Unlock()
					c.mu.Lock()
					c.tls = &st
					c.mu.Unlock()
					secure = true
					open()
					break events
				case stream.StepSASL:
					// A success without additional data leaves SCRAM's
					// server signature unchecked (RFC 5802 section 5).
					if err := auth.Check(mech); err != nil {
						c.abort(flush)
						return fmt.Errorf("client: SASL %s: %w", ev.Mechanism, err)
					}
					c.mu.Lock()
					c.mech = ev.Mechanism
					c.mu.Unlock()
					if err := c.s.Restart(); err != nil {
						return err
					}
				case stream.StepBind:
					// A copy, so that the JID does not keep the whole
					// result's text.
					j, err := jid.Parse(strings.Clone(ev.JID))
					if err != nil || j.Bare() != c.bare || j.Resource() == "" {
						c.abort(flush)
						return fmt.Errorf("client: server bound the unusable address %q", ev.JID)
					}
					c.mu.Lock()
					c.jid = j
					c.mu.Unlock()
					if !needSession {
						if err := afterBind(); err != nil {
							return flushDone(flush, err)
						}
						break
					}
					if err := c.s.Session(); err != nil {
						return err
					}
				case stream.StepSession:
					if err := afterBind(); err != nil {
						return flushDone(flush, err)
					}
				case stream.StepSM:
					return flush()
				case stream.StepResume:
					c.resumed = true
					// The stanzas re-sent go out in writes of whole
					// elements, so that a connection cut between two TLS
					// records never leaves the server half a stanza (see
					// elementChunks).
					out := c.s.Output()
					if c.opts.Trace != nil {
						c.opts.Trace(false, out)
					}
					for _, chunk := range elementChunks(out, resendChunk) {
						if _, err := c.conn.Write(chunk); err != nil {
							return err
						}
					}
					return nil
				}
			case stream.EventElement:
				// Sent between binding and <enabled/>: for the reader.
				c.early = append(c.early, ev.Element)
			case stream.EventStepFailed:
				switch ev.Step {
				case stream.StepSM:
					// The session goes on without Stream Management.
					c.logger().Warn("client: the server refused to enable stream management", "err", ev.Err)
					return flush()
				case stream.StepResume:
					c.resumeErr = ev.Err
					if err := c.s.Bind(c.bindResource()); err != nil {
						return err
					}
					continue
				}
				c.abort(flush)
				switch ev.Step {
				case stream.StepSASL:
					return fmt.Errorf("client: authentication of %s failed: %w", c.bare, ev.Err)
				case stream.StepBind:
					return fmt.Errorf("client: resource binding failed: %w", ev.Err)
				case stream.StepSession:
					return fmt.Errorf("client: session establishment failed: %w", ev.Err)
				}
				return fmt.Errorf("client: %s failed: %w", ev.Step, ev.Err)
			case stream.EventStreamError, stream.EventError:
				flush()
				return fmt.Errorf("client: negotiation with %s: %w", domain, ev.Err)
			case stream.EventClose:
				flush()
				return fmt.Errorf("client: negotiation with %s: %w", domain, ErrServerClosed)
			}
		}
	}
}

// abort closes the stream politely before a negotiation error.
func (c *Client) abort(flush func() error) {
	c.s.Close()
	flush()
}

// features is what negotiation needs from <stream:features/>.
type features struct {
	starttls                 bool
	mechanisms               []string
	channelBindings          []string
	bind                     bool
	session, sessionOptional bool
	rosterVer, preApproval   bool
	sm                       bool
}

func scanFeatures(f *streams.Features) features {
	var r features
	for _, el := range f.Any {
		switch x := el.(type) {
		case *starttls.Starttls:
			r.starttls = true
		case *sasl.Mechanisms:
			r.mechanisms = x.Mechanism
		case *bind.Bind:
			r.bind = true
		case *session.Session:
			r.session, r.sessionOptional = true, x.Optional
		case *rosterver.Ver:
			r.rosterVer = true
		case *preapproval.Sub:
			r.preApproval = true
		case *sm.SM:
			r.sm = true
		case *stanza.RawElement:
			if x.Name == (stanza.Name{Space: nsSASLCB, Local: "sasl-channel-binding"}) {
				r.channelBindings = channelBindingTypes(x)
			}
		}
	}
	return r
}

// channelBindingTypes reads the types of XEP-0440's
// <sasl-channel-binding><channel-binding type='...'/></sasl-channel-binding>.
func channelBindingTypes(x *stanza.RawElement) []string {
	var d stanza.Decoder
	d.Reset(x.XML, 0, x.Scope)
	var types []string
	for k := d.Next(); k != stanza.None; k = d.Next() {
		if k != stanza.StartElement || d.Name() != (stanza.Name{Space: nsSASLCB, Local: "channel-binding"}) {
			continue
		}
		for _, a := range d.Attrs() {
			if a.Name == (stanza.Name{Local: "type"}) {
				types = append(types, a.Value)
			}
		}
	}
	return types
}
