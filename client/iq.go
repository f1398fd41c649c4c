package client

import (
	"context"
	"crypto/rand"
	"fmt"
	"runtime/debug"
	"slices"

	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/discoinfo"
	"github.com/protoxmpp/protoxmpp/stanza/ping"
	"github.com/protoxmpp/protoxmpp/stanza/version"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// IQHandler answers an IQ request (type get or set) whose payload it was
// registered for. It returns the payload of the result (nil for an empty
// result), or an error: a *StanzaError or a Condition is sent as given,
// any other error as internal-server-error (its text is not sent). ctx ends
// with the session. It runs on the dispatch goroutine.
type IQHandler func(ctx context.Context, iq *xmpp.IQ) (stanza.Element, error)

// pendingIQ is a request waiting for its response.
type pendingIQ struct {
	to    jid.JID // normalized; zero when the request had no 'to'
	hasTo bool
	ch    chan *xmpp.IQ
	// hook runs in the reader with the accepted response, before anything
	// received after it is processed (used to apply a roster result before
	// later pushes).
	hook func(*xmpp.IQ)
}

// newID returns an unpredictable stanza ID, so that nobody can answer a
// request without having seen it.
func newID() string { return rand.Text() }

// SendIQ sends the request iq (type get or set, with one payload) and waits
// for its response. An empty iq.ID is set to a new unique ID. The response
// is accepted only from the address the request was sent to; for a request
// without 'to' (addressed to the account), only from the server acting for
// the account: no 'from', the account's bare JID, or the server's domain
// (RFC 6120 section 8.1.2.1). Anything else with the same ID is ignored. A
// response of type error is returned together with a *StanzaError.
func (c *Client) SendIQ(ctx context.Context, iq *xmpp.IQ) (*xmpp.IQ, error) {
	return c.sendIQ(ctx, iq, nil)
}

func (c *Client) sendIQ(ctx context.Context, iq *xmpp.IQ, hook func(*xmpp.IQ)) (*xmpp.IQ, error) {
	if iq.Type != xmpp.IQTypeGet && iq.Type != xmpp.IQTypeSet {
		return nil, fmt.Errorf("client: SendIQ needs a request of type get or set, not %q", iq.Type)
	}
	p := &pendingIQ{ch: make(chan *xmpp.IQ, 1), hook: hook}
	if !iq.To.IsZero() {
		to, err := iq.To.Prepare()
		if err != nil {
			return nil, fmt.Errorf("client: IQ to %q: %w", iq.To, err)
		}
		// Addresses go out prepared (RFC 7622), as iq.ID goes out set.
		iq.To, p.to, p.hasTo = to, to, true
	}
	if iq.ID == "" {
		iq.ID = newID()
	}
	id := iq.ID
	c.mu.Lock()
	if _, dup := c.pending[id]; dup {
		c.mu.Unlock()
		return nil, fmt.Errorf("client: an IQ with id %q is already waiting for its response", id)
	}
	if c.pending == nil {
		c.pending = map[string]*pendingIQ{}
	}
	c.pending[id] = p
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		if c.pending[id] == p {
			c.donePendingLocked(id)
		}
		c.mu.Unlock()
	}()
	if err := c.Send(ctx, iq); err != nil {
		return nil, err
	}
	select {
	case resp := <-p.ch:
		if resp == nil {
			return nil, ErrSessionLost
		}
		if resp.Type == xmpp.IQTypeError {
			se := StanzaErrorOf(resp.Error)
			if se == nil {
				se = &StanzaError{Condition: UndefinedCondition, Text: "error response without <error/>"}
			}
			se.Stanza = resp
			return resp, se
		}
		return resp, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-c.done:
		return nil, c.closedErr()
	}
}

// response matches a received result or error with the request waiting
// for it; unmatched or misaddressed responses are dropped.
func (c *Client) response(iq *xmpp.IQ) {
	c.mu.Lock()
	p := c.pending[iq.ID]
	if p == nil || !c.responseFrom(p, iq.From) {
		c.mu.Unlock()
		return
	}
	c.donePendingLocked(iq.ID)
	c.mu.Unlock()
	if p.hook != nil {
		p.hook(iq)
	}
	p.ch <- iq
}

// donePendingLocked forgets the request id, with mu held; the table goes
// with its last request, so that a session without requests in flight
// keeps none.
func (c *Client) donePendingLocked(id string) {
	delete(c.pending, id)
	if len(c.pending) == 0 {
		c.pending = nil
	}
}

// responseFrom reports whether a response from 'from' may answer p.
func (c *Client) responseFrom(p *pendingIQ, from jid.JID) bool {
	if from.IsZero() {
		// Only the server acting for the account omits 'from'
		// (RFC 6120 section 8.1.2.1, case 3).
		return !p.hasTo || p.to == c.bare
	}
	f, err := from.Prepare()
	if err != nil {
		return false
	}
	if p.hasTo {
		return f == p.to
	}
	return f == c.bare || f == c.domain
}

// HandleIQ registers f for IQ requests (get and set) whose payload is the
// element {ns}local, replacing any earlier handler for it, built-in ones
// included (disco#info, ping, version). ns is then advertised in service
// discovery. Requests nobody handles are answered with service-unavailable
// (RFC 6120 section 8.4). Roster pushes are the client's (see HandleRoster).
func (c *Client) HandleIQ(ns, local string, f IQHandler) {
	c.mu.Lock()
	if c.iqH == nil {
		c.iqH = map[stanza.Name]IQHandler{}
	}
	c.iqH[stanza.Name{Space: ns, Local: local}] = f
	c.addFeatureLocked(ns)
	c.mu.Unlock()
}

// AddFeature adds features (namespaces or feature names) to those the
// client advertises in service discovery (XEP-0030), for protocols handled
// through HandleMessage or HandlePresence (chat states, receipts, ...).
func (c *Client) AddFeature(vars ...string) {
	c.mu.Lock()
	for _, v := range vars {
		c.addFeatureLocked(v)
	}
	c.mu.Unlock()
}

func (c *Client) addFeatureLocked(v string) {
	if c.extraFeat == nil {
		c.extraFeat = map[string]bool{}
	}
	c.extraFeat[v] = true
}

// discoFeatures returns the features advertised, sorted.
func (c *Client) discoFeatures() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	fs := make([]string, 0, len(builtinFeatures)+len(c.extraFeat))
	fs = append(fs, builtinFeatures...)
	for f := range c.extraFeat {
		fs = append(fs, f)
	}
	slices.Sort(fs)
	return slices.Compact(fs)
}

// serveIQ answers an IQ request on the dispatch goroutine.
func (c *Client) serveIQ(iq *xmpp.IQ, refuse bool) {
	if refuse {
		c.replyIQ(iq, nil, ServiceUnavailable)
		return
	}
	// RFC 6120 section 8.2.3: a get or set has exactly one payload.
	if len(iq.Any) != 1 || iq.Error != nil {
		c.replyIQ(iq, nil, &StanzaError{Condition: BadRequest, Text: "an IQ request carries exactly one payload"})
		return
	}
	name := iq.Any[0].ElementName()
	c.mu.Lock()
	h, ok := c.iqH[name]
	c.mu.Unlock()
	if !ok {
		h = c.builtinIQ(name)
	}
	if h == nil {
		c.replyIQ(iq, nil, ServiceUnavailable)
		return
	}
	payload, err := h(c.ctx, iq)
	c.replyIQ(iq, payload, err)
}

// replyIQ sends the result (or error, when err is not nil) of req.
func (c *Client) replyIQ(req *xmpp.IQ, payload stanza.Element, err error) {
	resp := &xmpp.IQ{ID: req.ID, To: req.From, Type: xmpp.IQTypeResult}
	switch {
	case err != nil:
		resp.Type, resp.Error = xmpp.IQTypeError, errorElementFor(err)
	case payload != nil:
		resp.Any = []stanza.Element{payload}
	}
	c.Send(c.ctx, resp)
}

// builtinFeatures are the namespaces of the requests the client answers
// itself (builtinIQ), always advertised in service discovery.
var builtinFeatures = []string{discoinfo.NS, ping.NS, version.NS}

// builtinIQ returns the client's own answer to requests for the payload
// name: disco#info, ping and version; nil for other payloads. HandleIQ
// handlers come first.
func (c *Client) builtinIQ(name stanza.Name) IQHandler {
	switch name {
	case stanza.Name{Space: discoinfo.NS, Local: "query"}:
		return c.discoInfo
	case stanza.Name{Space: ping.NS, Local: "ping"}:
		return ping0
	case stanza.Name{Space: version.NS, Local: "query"}:
		return c.softwareVersion
	}
	return nil
}

// ping0 answers XEP-0199 pings with an empty result (section 4.2).
func ping0(ctx context.Context, iq *xmpp.IQ) (stanza.Element, error) {
	if iq.Type != xmpp.IQTypeGet {
		return nil, BadRequest
	}
	return nil, nil
}

// discoInfo answers XEP-0030 disco#info requests: identity client/pc and
// the features advertised. A node the client does not know is
// item-not-found (XEP-0030 section 3.1).
func (c *Client) discoInfo(ctx context.Context, iq *xmpp.IQ) (stanza.Element, error) {
	q := iq.Any[0].(*discoinfo.Query)
	if iq.Type != xmpp.IQTypeGet {
		return nil, BadRequest
	}
	if q.Node != "" {
		return nil, ItemNotFound
	}
	name := c.opts.SoftwareName
	if name == "" {
		name = "protoxmpp"
	}
	r := &discoinfo.Query{Identity: []discoinfo.Identity{{Category: "client", Type: "pc", Name: name}}}
	for _, f := range c.discoFeatures() {
		r.Feature = append(r.Feature, discoinfo.Feature{Var: f})
	}
	return r, nil
}

// softwareVersion answers XEP-0092 requests.
func (c *Client) softwareVersion(ctx context.Context, iq *xmpp.IQ) (stanza.Element, error) {
	if iq.Type != xmpp.IQTypeGet {
		return nil, BadRequest
	}
	name, ver := c.opts.SoftwareName, c.opts.SoftwareVersion
	if name == "" {
		name = "protoxmpp"
	}
	if ver == "" {
		ver = moduleVersion()
	}
	r := &version.Query{Name: &name, Version: &ver}
	if c.opts.SoftwareOS != "" {
		os := c.opts.SoftwareOS
		r.OS = &os
	}
	return r, nil
}

// moduleVersion is the version of this module in the running binary.
func moduleVersion() string {
	const mod = "github.com/protoxmpp/protoxmpp"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Path == mod && bi.Main.Version != "" {
			return bi.Main.Version
		}
		for _, d := range bi.Deps {
			if d.Path == mod {
				return d.Version
			}
		}
	}
	return "(devel)"
}

// Ping sends an XEP-0199 ping to the entity to (the server when to is the
// zero JID) and waits for the answer. A service-unavailable or
// feature-not-implemented error still proves the entity reachable (XEP-0199
// section 4.2); it is returned as is for the caller to judge.
func (c *Client) Ping(ctx context.Context, to jid.JID) error {
	if to.IsZero() {
		to = c.domain
	}
	_, err := c.SendIQ(ctx, &xmpp.IQ{Type: xmpp.IQTypeGet, To: to, Any: []stanza.Element{&ping.Ping{}}})
	return err
}
