package testproc

import (
	"errors"
	"fmt"
	"os"
	"testing"
)

// Harness is what Start and StartProcess of a server harness share: how
// to tell the server is installed, start one in a folder, stop it and read
// its log. S is the harness's *Server.
type Harness[S any] struct {
	// Name prefixes messages ("prosodytest").
	Name string
	// NotInstalled is the message when Available fails, with the command
	// that installs the server.
	NotInstalled string
	Available    func() error
	Start        func(dir string) (S, error)
	Stop         func(S) error
	// Describe returns the server's domain and log, for a failed test.
	Describe func(S) (domain, log string)
}

// StartTB starts a server in a folder from tb.TempDir and stops it in
// tb.Cleanup, writing its log to the test output when the test failed. A
// server that crashed or exited with a failure status fails the test at
// cleanup; one that had to be killed (ErrKilled) is only logged. When the
// server is not installed the test is skipped, or fails when the
// environment variable CI is "true".
func (h Harness[S]) StartTB(tb testing.TB) S {
	tb.Helper()
	if err := h.Available(); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal(h.NotInstalled)
		}
		tb.Skipf("%s: %v", h.NotInstalled, err)
	}
	s, err := h.Start(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		switch err := h.Stop(s); {
		case errors.Is(err, ErrKilled):
			tb.Log(err) // stuck connections, not a broken server
		case err != nil:
			tb.Error(err)
		}
		if tb.Failed() {
			domain, log := h.Describe(s)
			tb.Logf("%s: log of the server for %s:\n%s", h.Name, domain, log)
		}
	})
	return s
}

// StartProcess starts a server in a new temporary folder, for callers
// without a testing.TB. The returned function stops the server and removes
// the folder.
func (h Harness[S]) StartProcess() (S, func() error, error) {
	var zero S
	if err := h.Available(); err != nil {
		return zero, nil, fmt.Errorf("%s: %w", h.NotInstalled, err)
	}
	dir, err := os.MkdirTemp("", h.Name+"-")
	if err != nil {
		return zero, nil, fmt.Errorf("%s: %w", h.Name, err)
	}
	s, err := h.Start(dir)
	if err != nil {
		os.RemoveAll(dir)
		return zero, nil, err
	}
	stop := func() error {
		err := h.Stop(s)
		if rerr := os.RemoveAll(dir); err == nil && rerr != nil {
			err = fmt.Errorf("%s: %w", h.Name, rerr)
		}
		return err
	}
	return s, stop, nil
}
