package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"

	"mellium.im/sasl"
	"mellium.im/xmpp"
	mjid "mellium.im/xmpp/jid"
	mroster "mellium.im/xmpp/roster"
	mstanza "mellium.im/xmpp/stanza"
)

// melliumSession is one logged-in mellium session and its Serve loop.
type melliumSession struct {
	s      *xmpp.Session
	served chan error
}

// melliumIdle logs n mellium sessions in the way its documentation does
// (a TCP connection, NewClientSession with StartTLS, SASL and resource
// binding, Serve in a goroutine, the roster fetched with roster.Fetch,
// initial presence sent), waits settle, and measures their memory like
// run measures protoxmpp's. Their accounts must exist.
func melliumIdle(ctx context.Context, cfg config, t target) (memory, error) {
	sessions := make([]*melliumSession, cfg.N)
	defer func() {
		forEach(context.Background(), len(sessions), 64, func(i int) error {
			if ms := sessions[i]; ms != nil {
				ms.s.Close()
				ms.s.Conn().Close()
				<-ms.served
			}
			return nil
		})
	}()
	base, gBase := memStats()
	err := forEach(ctx, cfg.N, max(cfg.Parallel, 1), func(i int) error {
		j, err := mjid.New(user(i), t.Domain, "mellium")
		if err != nil {
			return err
		}
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", t.Addr)
		if err != nil {
			return err
		}
		s, err := xmpp.NewClientSession(ctx, j, conn,
			xmpp.StartTLS(&tls.Config{ServerName: t.Domain, RootCAs: t.CAs, MinVersion: tls.VersionTLS12}),
			xmpp.SASL("", password(i), sasl.ScramSha256Plus, sasl.ScramSha256, sasl.ScramSha1Plus, sasl.ScramSha1),
			xmpp.BindResource(),
		)
		if err != nil {
			conn.Close()
			return fmt.Errorf("mellium session %d: %w", i, err)
		}
		ms := &melliumSession{s: s, served: make(chan error, 1)}
		sessions[i] = ms
		go func() { ms.served <- s.Serve(nil) }()
		rctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		iter := mroster.Fetch(rctx, s)
		for iter.Next() {
		}
		if err := iter.Err(); err != nil {
			return fmt.Errorf("mellium session %d: roster: %w", i, err)
		}
		iter.Close()
		if err := s.Send(ctx, mstanza.Presence{}.Wrap(nil)); err != nil {
			return fmt.Errorf("mellium session %d: presence: %w", i, err)
		}
		return nil
	})
	if err != nil {
		return memory{}, err
	}
	if err := sleep(ctx, cfg.Settle); err != nil {
		return memory{}, err
	}
	idle, gIdle := memStats()
	return perSession(cfg.N, base.HeapAlloc, idle.HeapAlloc, base.StackInuse, idle.StackInuse, base.HeapObjects, idle.HeapObjects, gBase, gIdle), nil
}
