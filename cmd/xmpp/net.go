package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/roster"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
)

// session is what the network commands share: the options built from the
// global flags, and the password.
type session struct {
	e        *env
	account  jid.JID
	password string
	opts     client.Options
}

// newSession checks the global flags a network command needs.
func (e *env) newSession() (*session, error) {
	if e.g.jid == "" {
		return nil, usagef("-jid is required")
	}
	account, err := jid.Parse(e.g.jid)
	if err != nil {
		return nil, usagef("-jid: %v", err)
	}
	if account.Local() == "" {
		return nil, usagef("-jid %s is not an account address (user@domain)", account)
	}
	password := e.g.password
	if password == "" && e.getenv != nil {
		password = e.getenv("XMPP_PASSWORD")
	}
	if password == "" {
		return nil, usagef("no password: give -password or set XMPP_PASSWORD")
	}
	if e.g.directTLS && e.g.server == "" {
		return nil, usagef("-direct-tls needs -server (without it, DNS SRV records say which port speaks direct TLS)")
	}
	opts := client.Options{
		Server:                e.g.server,
		DirectTLS:             e.g.directTLS,
		InsecureSkipTLSVerify: e.g.insecureSkipVerify,
		// What the client notices and returns to nobody goes to stderr;
		// reconnections are reported by the commands that stay online.
		Logger: slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}
	if e.g.caFile != "" {
		pem, err := os.ReadFile(e.g.caFile)
		if err != nil {
			return nil, fmt.Errorf("-ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("-ca: no PEM certificate in %s", e.g.caFile)
		}
		opts.RootCAs = pool
	}
	return &session{e: e, account: account, password: password, opts: opts}, nil
}

// dial connects and logs in within the -timeout.
func (s *session) dial(ctx context.Context) (*client.Client, error) {
	ctx, cancel := context.WithTimeout(ctx, s.e.g.timeout)
	defer cancel()
	c, err := client.Dial(ctx, s.account, s.password, s.opts)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
			return nil, fmt.Errorf("connecting as %s: timed out after %v: %w", s.account, s.e.g.timeout, err)
		}
		return nil, fmt.Errorf("connecting as %s: %w", s.account, err)
	}
	return c, nil
}

// step runs f with a context bounded by the -timeout.
func (s *session) step(ctx context.Context, f func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.e.g.timeout)
	defer cancel()
	return f(ctx)
}

// closeClient ends the session, reporting the first error.
func closeClient(c *client.Client, err *error) {
	if cerr := c.Close(); cerr != nil && *err == nil {
		*err = fmt.Errorf("closing the session: %w", cerr)
	}
}

// parseJIDArg parses a contact address given on the command line.
func parseJIDArg(what, s string) (jid.JID, error) {
	j, err := jid.Parse(s)
	if err != nil {
		return jid.JID{}, usagef("%s: %v", what, err)
	}
	return j, nil
}

// rosterCmd is "xmpp roster", "xmpp roster add JID [-name N] [-group G]..."
// and "xmpp roster remove JID".
func (e *env) rosterCmd(ctx context.Context, args []string) (err error) {
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	var item client.RosterItem
	switch sub {
	case "":
		fs := flag.NewFlagSet("roster", flag.ContinueOnError)
		if _, err := e.parseCommand(fs, args, 0, 0, "roster"); err != nil {
			return err
		}
	case "add":
		fs := flag.NewFlagSet("roster add", flag.ContinueOnError)
		fs.StringVar(&item.Name, "name", "", "the contact's `name` in the roster")
		fs.Func("group", "put the contact in `group` (repeat for several)", func(g string) error {
			item.Groups = append(item.Groups, g)
			return nil
		})
		pos, err := e.parseCommand(fs, args, 1, 1, "roster add JID [-name N] [-group G]...")
		if err != nil {
			return err
		}
		if item.JID, err = parseJIDArg("roster add", pos[0]); err != nil {
			return err
		}
	case "remove":
		fs := flag.NewFlagSet("roster remove", flag.ContinueOnError)
		pos, err := e.parseCommand(fs, args, 1, 1, "roster remove JID")
		if err != nil {
			return err
		}
		if item.JID, err = parseJIDArg("roster remove", pos[0]); err != nil {
			return err
		}
	default:
		return usagef("roster: unknown subcommand %q (want add or remove)", sub)
	}
	s, err := e.newSession()
	if err != nil {
		return err
	}
	c, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer closeClient(c, &err)
	switch sub {
	case "add":
		return s.step(ctx, func(ctx context.Context) error { return c.RosterSet(ctx, item) })
	case "remove":
		return s.step(ctx, func(ctx context.Context) error { return c.RosterRemove(ctx, item.JID) })
	}
	var r client.Roster
	if err := s.step(ctx, func(ctx context.Context) (err error) {
		r, err = c.Roster(ctx)
		return err
	}); err != nil {
		return err
	}
	var b strings.Builder
	for _, it := range r.Items {
		b.WriteString(rosterLine(it))
		b.WriteByte('\n')
	}
	_, err = io.WriteString(e.stdout, b.String())
	return err
}

// rosterLine formats one roster item: JID, subscription, ask, name and
// groups separated by tabs. An absent subscription is "none" (RFC 6121
// section 2.1.2.5); no pending request, no name and no group each print
// "-"; groups are sorted and joined by ",". Tabs and line breaks inside a
// name or a group are printed as spaces so that the line keeps its five
// fields.
func rosterLine(it client.RosterItem) string {
	sub := string(it.Subscription)
	if sub == "" {
		sub = string(roster.ItemSubscriptionNone)
	}
	ask := "-"
	if it.Ask {
		ask = "subscribe"
	}
	name := field(it.Name)
	groups := make([]string, len(it.Groups))
	for i, g := range it.Groups {
		groups[i] = field(g)
	}
	slices.Sort(groups)
	return strings.Join([]string{it.JID.String(), sub, ask, name, field(strings.Join(groups, ","))}, "\t")
}

// field returns s with tabs and line breaks made spaces, or "-" when empty.
func field(s string) string {
	if s == "" {
		return "-"
	}
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

// subscribeCmd is "xmpp subscribe JID [-wait D]".
func (e *env) subscribeCmd(ctx context.Context, args []string) (err error) {
	fs := flag.NewFlagSet("subscribe", flag.ContinueOnError)
	wait := fs.Duration("wait", 0, "how long to wait for the answer (default: -timeout)")
	pos, err := e.parseCommand(fs, args, 1, 1, "subscribe JID [-wait D]")
	if err != nil {
		return err
	}
	contact, err := parseJIDArg("subscribe", pos[0])
	if err != nil {
		return err
	}
	if *wait <= 0 {
		*wait = e.g.timeout
	}
	s, err := e.newSession()
	if err != nil {
		return err
	}
	c, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer closeClient(c, &err)
	answer := make(chan xmpp.PresenceType, 1)
	c.HandlePresence(func(p *xmpp.Presence) {
		if !fromContact(p.From, contact) {
			return
		}
		switch p.Type {
		case xmpp.PresenceTypeSubscribed, xmpp.PresenceTypeUnsubscribed, xmpp.PresenceTypeError:
			select {
			case answer <- p.Type:
			default:
			}
		}
	})
	// The answer is also a roster push, which every server sends to the
	// resources that fetched the roster: ejabberd 23.01 delivers the
	// subscribed or unsubscribed presence only to available resources
	// (RFC 6121 section 3.1.6 says interested ones), and this session
	// sends no presence.
	asked := false
	c.HandleRoster(func(ev client.RosterEvent) {
		if ev.Item.JID != contact.Bare() {
			return
		}
		var typ xmpp.PresenceType
		switch sub := ev.Item.Subscription; {
		case sub == roster.ItemSubscriptionTo || sub == roster.ItemSubscriptionBoth:
			typ = xmpp.PresenceTypeSubscribed
		case ev.Item.Ask:
			asked = true
			return
		case asked && !ev.Removed:
			typ = xmpp.PresenceTypeUnsubscribed
		default:
			return
		}
		select {
		case answer <- typ:
		default:
		}
	})
	// The answer is delivered to the account's interested resources, those
	// that fetched the roster (RFC 6121 sections 2.2 and 3.1.5).
	if err := s.step(ctx, func(ctx context.Context) error {
		if _, err := c.Roster(ctx); err != nil {
			return err
		}
		return c.Subscribe(ctx, contact)
	}); err != nil {
		return err
	}
	timer := time.NewTimer(*wait)
	defer timer.Stop()
	select {
	case typ := <-answer:
		switch typ {
		case xmpp.PresenceTypeSubscribed:
			_, err = fmt.Fprintln(e.stdout, "subscribed")
			return err
		case xmpp.PresenceTypeUnsubscribed:
			fmt.Fprintln(e.stdout, "unsubscribed")
			return fmt.Errorf("subscribe: %s refused the subscription", contact.Bare())
		}
		return fmt.Errorf("subscribe: %s answered with a presence error", contact.Bare())
	case <-timer.C:
		return fmt.Errorf("subscribe: no answer from %s within %v", contact.Bare(), *wait)
	case <-c.Done():
		return fmt.Errorf("subscribe: session ended: %w", c.Err())
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fromContact reports whether the stanza's from is contact or one of its
// resources.
func fromContact(from, contact jid.JID) bool {
	return from.Bare().Equal(contact.Bare())
}

// sendCmd is "xmpp send JID TEXT [-wait D]".
func (e *env) sendCmd(ctx context.Context, args []string) (err error) {
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	wait := fs.Duration("wait", 0, "wait this long for a chat message back from JID and print its body")
	pos, err := e.parseCommand(fs, args, 2, 2, "send JID TEXT [-wait D]")
	if err != nil {
		return err
	}
	to, err := parseJIDArg("send", pos[0])
	if err != nil {
		return err
	}
	s, err := e.newSession()
	if err != nil {
		return err
	}
	c, err := s.dial(ctx)
	if err != nil {
		return err
	}
	defer closeClient(c, &err)
	if *wait <= 0 {
		return s.step(ctx, func(ctx context.Context) error {
			return c.SendMessage(ctx, to, xmpp.MessageTypeChat, pos[1])
		})
	}
	type reply struct {
		body string
		err  error
	}
	replies := make(chan reply, 1)
	c.HandleMessage(func(m *xmpp.Message) {
		if !fromContact(m.From, to) {
			return
		}
		var r reply
		switch {
		case m.Type == xmpp.MessageTypeError:
			r.err = fmt.Errorf("send: %s answered with an error: %w", m.From, stanzaErr(m.Error))
		case m.Type == xmpp.MessageTypeChat && len(m.Body) > 0:
			r.body = m.Body[0].Value
		default:
			return
		}
		select {
		case replies <- r:
		default:
		}
	})
	// Be available so that the answer, sent to this resource or to the
	// bare JID, is delivered here (RFC 6121 section 8.5).
	if err := s.step(ctx, func(ctx context.Context) error {
		if _, err := c.Roster(ctx); err != nil {
			return err
		}
		if err := c.SetPresence(ctx, client.Status{}); err != nil {
			return err
		}
		return c.SendMessage(ctx, to, xmpp.MessageTypeChat, pos[1])
	}); err != nil {
		return err
	}
	timer := time.NewTimer(*wait)
	defer timer.Stop()
	select {
	case r := <-replies:
		if r.err != nil {
			return r.err
		}
		_, err = fmt.Fprintln(e.stdout, r.body)
		return err
	case <-timer.C:
		return fmt.Errorf("send: no chat message from %s within %v", to.Bare(), *wait)
	case <-c.Done():
		return fmt.Errorf("send: session ended: %w", c.Err())
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stanzaErr converts a stanza's error child, which may be missing.
func stanzaErr(x *xmpp.Error) error {
	if se := client.StanzaErrorOf(x); se != nil {
		return se
	}
	return errors.New("error without an <error/> child")
}

// listenCmd is "xmpp listen [-approve] [-echo] [-for D]".
func (e *env) listenCmd(ctx context.Context, args []string) (err error) {
	fs := flag.NewFlagSet("listen", flag.ContinueOnError)
	approve := fs.Bool("approve", false, "accept subscription requests and subscribe back")
	echo := fs.Bool("echo", false, "answer each chat message with \"echo: \" and its body")
	dur := fs.Duration("for", 0, "stay online this long, then log out (default: until interrupted)")
	if _, err := e.parseCommand(fs, args, 0, 0, "listen [-approve] [-echo] [-for D]"); err != nil {
		return err
	}
	s, err := e.newSession()
	if err != nil {
		return err
	}
	c, err := s.dial(ctx)
	if err != nil {
		return err
	}
	p := &printer{w: e.stdout, stderr: e.stderr}
	defer p.stop()
	defer closeClient(c, &err)
	// Registered before anything is asked of the server: every element it
	// sends from now on is printed, before the handlers below see it. A
	// lost connection is re-established and the session resumed (Stream
	// Management), so that each stanza is printed once; the reconnections
	// are reported on stderr.
	c.HandleElement(p.print)
	c.HandleSession(func(ev client.SessionEvent) {
		switch ev.Kind {
		case client.SessionDisconnected:
			p.note("connection lost (%v); reconnecting", ev.Err)
		case client.SessionResumed:
			p.note("reconnected, session resumed (%d attempts)", ev.Attempts)
		case client.SessionNew:
			why := "stream management is off"
			if ev.Err != nil {
				why = ev.Err.Error()
			}
			p.note("reconnected with a new session (%s): stanzas sent to this session meanwhile may have gone to offline storage; %d stanzas not acknowledged", why, len(ev.Undelivered))
		}
	})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if *dur > 0 {
		ctx, cancel = context.WithTimeout(ctx, *dur)
		defer cancel()
	}
	if *approve {
		c.HandlePresenceMatch(client.PresenceMatch{Type: xmpp.PresenceTypeSubscribe}, func(pr *xmpp.Presence) {
			from, err := pr.From.Prepare()
			if err != nil {
				return
			}
			if err := s.step(ctx, func(ctx context.Context) error {
				if err := c.ApproveSubscription(ctx, from); err != nil {
					return err
				}
				if subscribedTo(c, from) {
					return nil
				}
				return c.Subscribe(ctx, from)
			}); err != nil {
				p.warn("approving %s: %v", from, err)
			}
		})
	}
	if *echo {
		c.HandleMessageMatch(client.MessageMatch{Type: xmpp.MessageTypeChat}, func(m *xmpp.Message) {
			if len(m.Body) == 0 || m.From.IsZero() {
				return
			}
			from, err := m.From.Prepare()
			if err != nil {
				return
			}
			if err := s.step(ctx, func(ctx context.Context) error {
				return c.SendMessage(ctx, from, xmpp.MessageTypeChat, "echo: "+m.Body[0].Value)
			}); err != nil {
				p.warn("echoing to %s: %v", from, err)
			}
		})
	}
	// Fetch the roster (to receive pushes) and become available (to
	// receive messages and subscription requests: RFC 6121 sections 2.2
	// and 4.2).
	if err := s.step(ctx, func(ctx context.Context) error {
		if _, err := c.Roster(ctx); err != nil {
			return err
		}
		return c.SetPresence(ctx, client.Status{})
	}); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		return nil // -for elapsed, or interrupted
	case <-c.Done():
		return fmt.Errorf("listen: session ended: %w", c.Err())
	}
}

// subscribedTo reports whether the account already has, or has asked for,
// a subscription to j's presence.
func subscribedTo(c *client.Client, j jid.JID) bool {
	for _, it := range c.RosterItems() {
		if it.JID == j.Bare() {
			return it.Ask || it.Subscription == roster.ItemSubscriptionTo || it.Subscription == roster.ItemSubscriptionBoth
		}
	}
	return false
}

// printer prints every top-level element the server sends once the
// session is established (the client's HandleElement), re-encoded as one
// line of XML, until stop is called.
type printer struct {
	mu      sync.Mutex
	w       io.Writer
	stderr  io.Writer
	stopped bool
	failed  bool
	line    []byte
}

// print is the client's element handler; it runs on the client's dispatch
// goroutine, in arrival order.
func (p *printer) print(el stanza.Element) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped || p.failed {
		return
	}
	var err error
	p.line, err = stanza.AppendMarshal(p.line[:0], el)
	if err == nil {
		out := append(appendOneLine(nil, p.line), '\n')
		_, err = p.w.Write(out)
	}
	if err != nil {
		p.failed = true
		fmt.Fprintf(p.stderr, "xmpp: warning: cannot print what the server sends any more: %s\n", oneLine(err.Error()))
	}
}

// stop makes the printer ignore what the dispatch goroutine may still
// deliver after the command has returned.
func (p *printer) stop() {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
}

// warn reports a failure that does not end the command.
// note prints a line about the session on stderr.
func (p *printer) note(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.stderr, "xmpp: "+format+"\n", args...)
}

func (p *printer) warn(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.stderr, "xmpp: warning: "+format+"\n", args...)
}
