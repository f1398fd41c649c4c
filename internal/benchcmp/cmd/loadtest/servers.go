package main

import (
	"context"
	"fmt"
	"time"

	"github.com/protoxmpp/protoxmpp/internal/ejabberdtest"
	"github.com/protoxmpp/protoxmpp/internal/prosodytest"
)

// startTarget starts the server cfg.Server names, sized for cfg.N
// sessions, and returns the target to load and the function that stops
// it. register and regPar say how Prosody's accounts are created;
// ejabberd's are created through its HTTP API, regPar at once.
func startTarget(cfg config, register string, regPar int) (target, func() error, error) {
	maxClients := 2*cfg.N + 16
	switch cfg.Server {
	case "", "prosody":
		// mod_admin_shell is for -register shell; it only adds the admin
		// console's socket.
		s, stop, err := prosodytest.StartProcess(prosodytest.Options{MaxClients: maxClients, Modules: []string{"admin_shell"}})
		if err != nil {
			return target{}, nil, fmt.Errorf("start prosody: %w", err)
		}
		return prosodyTarget(s, register, regPar), stop, nil
	case "ejabberd":
		s, stop, err := ejabberdtest.StartProcess(ejabberdtest.Options{MaxClients: maxClients})
		if err != nil {
			return target{}, nil, fmt.Errorf("start ejabberd: %w", err)
		}
		return ejabberdTarget(s, regPar), stop, nil
	}
	return target{}, nil, fmt.Errorf("unknown server %q (prosody or ejabberd)", cfg.Server)
}

// prosodyTarget is the target of a running Prosody.
func prosodyTarget(s *prosodytest.Server, register string, regPar int) target {
	t := target{Domain: s.Domain, Addr: s.C2SAddr, CAs: s.CAPool, ServerName: "Prosody"}
	if pid, err := prosodyPID(s.Dir); err == nil {
		t.ServerCPU = func() (time.Duration, error) { return pidCPU(pid) }
	}
	switch register {
	case "", "shell":
		t.RegisterMethod = "prosodyctl shell, user:create"
		t.Register = func(ctx context.Context, users, passwords []string) error {
			return shellRegister(ctx, s, users, passwords)
		}
	default:
		t.RegisterMethod = fmt.Sprintf("prosodyctl adduser each, %d at once", regPar)
		t.Register = func(ctx context.Context, users, passwords []string) error {
			return forEach(ctx, len(users), max(regPar, 1), func(i int) error { return s.RegisterErr(users[i], passwords[i]) })
		}
	}
	return t
}

// ejabberdTarget is the target of a running ejabberd.
func ejabberdTarget(s *ejabberdtest.Server, regPar int) target {
	pid := s.Pid()
	return target{
		Domain: s.Domain, Addr: s.C2SAddr, CAs: s.CAPool, ServerName: "ejabberd",
		ServerCPU:      func() (time.Duration, error) { return pidCPU(pid) },
		RegisterMethod: fmt.Sprintf("ejabberd HTTP API register, %d at once", max(regPar, 1)),
		Register: func(ctx context.Context, users, passwords []string) error {
			return forEach(ctx, len(users), max(regPar, 1), func(i int) error { return s.RegisterErr(users[i], passwords[i]) })
		},
	}
}
