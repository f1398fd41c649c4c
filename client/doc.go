// Package client is the XMPP client: it owns the network connection and
// drives a stream.Stream over it, through DNS SRV resolution, TLS (direct
// TLS or STARTTLS), SASL authentication and resource binding (RFC 6120),
// and then offers IQ tracking, the roster, presence and messages
// (RFC 6121). It is the only package of the module that does I/O, and
// every call that waits takes a context.Context.
//
// # Connecting
//
// Dial resolves the server of a JID's domain with DNS SRV records
// (_xmpps-client._tcp for direct TLS, XEP-0368, and _xmpp-client._tcp for
// STARTTLS, mixed and ordered as RFC 2782 says, falling back to the domain
// on port 5222 when there are none; see Lookup), connects to the first
// address that answers, negotiates the stream and returns a Client bound
// to a full JID. NewClient does the same over a connection the caller
// already has. Options.Server skips the SRV lookup; Options.Resolver and
// Options.Dialer replace DNS and TCP.
//
// An internationalized domain is kept in U-labels in JIDs and in the
// stream header (RFC 7622 section 3.2.1), and converted to A-labels
// (IDNA2008, RFC 5891) wherever DNS names are used: the SRV queries, the
// fallback host, and the TLS server name and certificate check (RFC 6125
// section 6.4.2). For "juliet@bücher.example" the client queries
// _xmpp-client._tcp.xn--bcher-kva.example and opens the stream
// to='bücher.example'.
//
// TLS is required: certificates are verified against the JID's domain
// (Options.RootCAs to trust other roots), with TLS 1.2 at least. A session
// runs in plaintext only when Options.InsecurePlaintext is set and the
// server offers no STARTTLS; otherwise Dial fails with ErrNoTLS. SASL uses
// the strongest mechanism package auth implements and the server offers
// (Options.Mechanisms restricts the choice). A wrong password gives an
// error matching stream.SASLNotAuthorized with errors.Is.
//
//	c, err := client.Dial(ctx, jid.MustParse("juliet@example.com"), password, client.Options{})
//	if err != nil {
//		return err
//	}
//	defer c.Close()
//
// # Handlers and ordering
//
// HandleMessage, HandlePresence, HandleRoster and HandleIQ (by payload
// namespace and local name) register handlers; HandleMessageMatch and
// HandlePresenceMatch register handlers for the messages or presence of
// one type, or carrying a payload in one namespace, or both (a
// MessageMatch or PresenceMatch; PresenceAvailable selects presence
// without a type, and a message without a known type is normal, as RFC
// 6121 section 5.2.2 says); HandleElement registers a catch-all handler
// for every top-level element received (stanzas the client answers itself,
// IQ responses and elements that are no stanza included). Register
// handlers before sending the initial presence.
//
// One goroutine per Client reads the connection and feeds the stream;
// elements go in arrival order through a queue to the dispatch goroutine,
// which calls the handlers one at a time, so handlers see elements in the
// order they were received. The dispatch goroutine runs while elements
// wait and ends when the queue is empty, and the queue takes memory only
// for the elements in it, so an idle session keeps one goroutine and a few
// KiB of heap (TLS aside). For each element, the HandleElement handlers run
// first, then the handlers for its kind that select it (and for an IQ
// request the answer is sent), each group in the order of registration.
// A handler may call any Client method, SendIQ included (the reader goes
// on reading, so the response arrives), but while it runs no other
// handler does: a handler that blocks delays every element behind it, and
// once Options.QueueSize elements (1024 by default) are waiting the reader
// stops reading until the handler returns; a handler waiting for an IQ
// response then waits until its context ends. IQ responses take a place in
// the queue only when a HandleElement handler is registered. Client.Context
// ends with the session, for work a handler starts.
//
// The client's own state (the roster cache, the table of contacts'
// presence, IQ responses) is updated by the reader as stanzas arrive,
// before the handlers for those stanzas run.
//
// # IQs
//
// SendIQ sends a get or set and waits for the response, which must come
// from the address the request was sent to (or, for a request without
// 'to', from the server acting for the account; RFC 6120 section
// 8.1.2.1); responses from anyone else are ignored. An error response is
// returned as a *StanzaError, which matches its Condition (ItemNotFound,
// ServiceUnavailable, ...) with errors.Is. Get and set requests nobody
// handles are answered with service-unavailable (RFC 6120 section 8.4).
// The client answers service discovery (XEP-0030 disco#info: identity
// client/pc, the namespaces of the IQ handlers and AddFeature), ping
// (XEP-0199) and software version (XEP-0092, from Options.SoftwareName and
// SoftwareVersion) itself. Ping pings the server or any entity.
//
// # Validation
//
// Lenient on receive, strict on send. Every stanza received decodes
// whatever its schemas say (see package stanza: nothing is lost), and
// messages and presence reach the handlers as they came; a handler can
// call stanza.Validate on them. An IQ get or set that does not validate is
// answered with bad-request of type modify, its first violation in the
// text (RFC 6120 section 8.3.3.1), and never reaches an IQ handler; one
// without an id cannot be answered and is dropped, with a line to
// Options.Logger. Send, SendIQ and the methods built on them validate what
// they send and return the violations instead of sending
// (errors.Is(err, stanza.ErrInvalid)); Options.SkipSendValidation relays
// as it is. Payloads no imported package types (*stanza.RawElement) are
// not checked.
//
// # Roster and presence
//
// Roster fetches the roster, with roster versioning (RFC 6121 section 2.6)
// when the server supports it: store RosterSnapshot and pass it back in
// Options.Roster so that the next session's fetch is answered "no change".
// RosterSet and RosterRemove change the roster; the cache follows the
// server's pushes, which HandleRoster reports. Pushes that do not come
// from the account (no 'from', or its bare JID) are ignored and refused
// (RFC 6121 section 2.1.6). RosterItems and RosterVersion read the cache.
//
// SetPresence sends the initial (and any later) broadcast presence,
// SetUnavailable ends it, SendPresenceTo and SendUnavailableTo send
// directed presence. Subscribe, ApproveSubscription, DenySubscription,
// Unsubscribe, CancelSubscription and PreApprove (when the server
// advertises pre-approval) manage subscriptions (RFC 6121 section 3).
// Presences lists the available resources of a contact with their show,
// status and priority.
//
// SendMessage sends a message with a body; Send sends any stanza, such as
// a *xmpp.Message with subjects, a thread and extension payloads.
//
//	c.HandleElement(func(el stanza.Element) {
//		log.Printf("received <%s/>", el.ElementName().Local)
//	})
//	c.HandlePresenceMatch(client.PresenceMatch{Type: xmpp.PresenceTypeSubscribe}, func(p *xmpp.Presence) {
//		from, _ := jid.Parse(p.From)
//		c.ApproveSubscription(c.Context(), from)
//	})
//	c.HandleMessageMatch(client.MessageMatch{Type: xmpp.MessageTypeChat}, func(m *xmpp.Message) {
//		if len(m.Body) > 0 {
//			fmt.Println(m.From, m.Body[0].Value)
//		}
//	})
//	if _, err := c.Roster(ctx); err != nil {
//		return err
//	}
//	c.SetPresence(ctx, client.Status{Show: xmpp.ShowTypeChat, Text: "here"})
//	c.SendMessage(ctx, jid.MustParse("romeo@example.net"), xmpp.MessageTypeChat, "Art thou not Romeo?")
//
// # Lost connections and Stream Management
//
// When the server offers Stream Management (XEP-0198), the client enables
// it with resumption after binding (Options.NoStreamManagement turns it
// off). Every stanza sent is then kept, encoded as it was written, until
// the server acknowledges it; an acknowledgement is requested after
// Options.AckEvery stanzas or Options.AckInterval, and one left unanswered
// for Options.AckTimeout means a dead connection, which is dropped. The
// server's requests are answered at once, and Close sends the
// acknowledgement owed before the closing tag.
//
// A connection that is lost (not closed by either side, nor ended by a
// stream error that would come again, such as conflict) does not end a
// session made by Dial, or by NewClient with Options.Redial: the client
// reconnects with exponential backoff and full jitter (Options.Reconnect),
// authenticates again and resumes the session. The server then sends what
// this side had not handled and the client sends again what the server
// had not acknowledged, so nothing is lost or repeated and handlers see
// each stanza once, however many times the connection is lost. Meanwhile
// Send keeps the stanzas of a resumable session with the unacknowledged
// ones (they go out on resumption), and otherwise waits for the
// connection. When the session cannot be resumed (no Stream Management,
// expired, refused, server restarted), a new one replaces it: a resource is
// bound again, the roster is fetched again if it had been, the last
// broadcast presence is sent again, IQ requests in flight fail with
// ErrSessionLost, and the stanzas the server never acknowledged are
// handed back in the SessionNew event, for the application to send again
// or to report: never dropped silently, never sent twice behind its back.
// HandleSession reports each change (SessionDisconnected,
// SessionResumed, SessionNew, and SessionEnded when reconnecting fails for
// good or Close is called while the connection is down, with the stanzas
// the server never acknowledged).
//
// # Ending
//
// Close sends the closing stream tag (no unavailable presence: the server
// broadcasts it), waits up to Options.CloseTimeout for the server's, and
// closes the connection. Done is closed when the session has ended for any
// reason; Err then says why: nil after Close, ErrServerClosed, a
// *stream.Error (errors.Is(err, stream.Conflict), ...) or the connection's
// error. Calls made after the end fail with an error matching ErrClosed.
package client
