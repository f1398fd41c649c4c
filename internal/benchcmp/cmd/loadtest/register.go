package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"

	"github.com/protoxmpp/protoxmpp/internal/prosodytest"
)

// Registering accounts one "prosodyctl adduser" process each
// (prosodytest's RegisterErr) costs about 0.08 s an account on the
// development machine, and running several at once barely helps on two
// cores: 1,000 accounts take minutes. One "prosodyctl shell" process
// feeding Prosody's admin console (mod_admin_shell) one user:create line
// per account creates the same hashed accounts through Prosody's own API
// at about 200 a second.

// shellBatch is the number of accounts one prosodyctl shell creates.
const shellBatch = 500

// shellRegister creates the accounts through Prosody's admin console. The
// server must load mod_admin_shell. Users and passwords must be made of
// letters, digits and '-', so that they need no quoting in Lua.
func shellRegister(ctx context.Context, s *prosodytest.Server, users, passwords []string) error {
	for start := 0; start < len(users); start += shellBatch {
		end := min(start+shellBatch, len(users))
		var script strings.Builder
		for i := start; i < end; i++ {
			if !plain(users[i]) || !plain(passwords[i]) {
				return fmt.Errorf("register %q: user and password must be letters, digits and '-'", users[i])
			}
			fmt.Fprintf(&script, "user:create(\"%s@%s\", \"%s\")\n", users[i], s.Domain, passwords[i])
		}
		cmd := exec.CommandContext(ctx, "prosodyctl", "--config", s.ConfigFile, "shell")
		cmd.Dir = s.Dir
		cmd.Stdin = strings.NewReader(script.String())
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("prosodyctl shell: %v: %s", err, tail(out))
		}
		if n := bytes.Count(out, []byte("| OK: User created")); n != end-start {
			return fmt.Errorf("prosodyctl shell created %d accounts of %d: %s", n, end-start, tail(out))
		}
	}
	return nil
}

// plain reports whether s is non-empty letters, digits and '-'.
func plain(s string) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return s != ""
}

// tail is the end of a command's output, for an error.
func tail(out []byte) string {
	const n = 600
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return strings.TrimSpace(string(out))
}
