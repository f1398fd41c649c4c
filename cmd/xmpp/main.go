package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"
)

// Exit codes.
const (
	exitOK      = 0 // success
	exitFailure = 1 // runtime or protocol failure, message on stderr
	exitUsage   = 2 // bad command line
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

const usageText = `usage: xmpp [-jid J] [-password P | env XMPP_PASSWORD] [-server host:port]
            [-direct-tls] [-ca FILE] [-insecure-skip-verify] [-timeout D] COMMAND

commands:
  roster                              list the roster: jid, subscription, ask, name, groups (tab-separated)
  roster add JID [-name N] [-group G]...
                                      add or update a roster item
  roster remove JID                   remove a roster item
  subscribe JID [-wait D]             ask for a presence subscription and wait for the answer
  send JID TEXT [-wait D]             send a chat message; with -wait, print the first chat reply
  listen [-approve] [-echo] [-for D]  stay online and print every stanza received, one per line
  decode [-json] [-ns NS] [-validate] decode XMPP from standard input (offline)

global flags:
`

// usageError is a bad command line: run prints it with the usage and exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// globals holds the flags given before the command.
type globals struct {
	jid                string
	password           string
	server             string
	directTLS          bool
	caFile             string
	insecureSkipVerify bool
	timeout            time.Duration
}

// env is what a command runs with: its streams, the global flags, the
// environment.
type env struct {
	g      globals
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// run is the whole command: it parses args (without the program name), runs
// the command and returns the exit code. main is a thin wrapper around it, so
// tests call it in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	fs := flag.NewFlagSet("xmpp", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&e.g.jid, "jid", "", "the account's bare or full `JID` (user@example.com[/resource])")
	fs.StringVar(&e.g.password, "password", "", "the account's `password` (default: $XMPP_PASSWORD)")
	fs.StringVar(&e.g.server, "server", "", "connect to `host:port` instead of the address found in DNS")
	fs.BoolVar(&e.g.directTLS, "direct-tls", false, "TLS from the first byte (XEP-0368) instead of STARTTLS")
	fs.StringVar(&e.g.caFile, "ca", "", "trust the PEM certificates in `FILE` instead of the system roots")
	fs.BoolVar(&e.g.insecureSkipVerify, "insecure-skip-verify", false, "do not verify the server's certificate (testing only)")
	fs.DurationVar(&e.g.timeout, "timeout", 30*time.Second, "bound on connecting and logging in, and on each wait")
	printUsage := func(w io.Writer) {
		fmt.Fprint(w, usageText)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	fail := func(err error) int {
		var ue *usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "xmpp: %s\n", ue.msg)
			printUsage(stderr)
			return exitUsage
		}
		fmt.Fprintf(stderr, "xmpp: %s\n", oneLine(err.Error()))
		return exitFailure
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout)
			return exitOK
		}
		return fail(usagef("%v", err))
	}
	if e.g.timeout <= 0 {
		return fail(usagef("-timeout must be positive"))
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return fail(usagef("no command"))
	}
	var err error
	switch cmd, cargs := rest[0], rest[1:]; cmd {
	case "decode":
		err = e.decodeCmd(cargs)
	case "roster":
		err = e.rosterCmd(ctx, cargs)
	case "subscribe":
		err = e.subscribeCmd(ctx, cargs)
	case "send":
		err = e.sendCmd(ctx, cargs)
	case "listen":
		err = e.listenCmd(ctx, cargs)
	case "help":
		printUsage(stdout)
		return exitOK
	default:
		err = usagef("unknown command %q", cmd)
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return fail(err)
	}
	return exitOK
}

// oneLine keeps an error message on one line of stderr.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}

// parseCommand parses a command's flags, which may come before, between or
// after its positional arguments ("send JID TEXT -wait 5s"); "--" ends the
// flags. It checks the number of positional arguments is in [min, max].
func (e *env) parseCommand(fs *flag.FlagSet, args []string, min, max int, synopsis string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for len(args) > 0 {
		if args[0] == "--" {
			pos = append(pos, args[1:]...)
			break
		}
		if !strings.HasPrefix(args[0], "-") || args[0] == "-" {
			pos = append(pos, args[0])
			args = args[1:]
			continue
		}
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprintf(e.stdout, "usage: xmpp [global flags] %s\n", synopsis)
				fs.SetOutput(e.stdout)
				fs.PrintDefaults()
				return nil, err
			}
			return nil, usagef("%s: %v", fs.Name(), err)
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		args = rest
	}
	if len(pos) < min || len(pos) > max {
		return nil, usagef("usage: xmpp [global flags] %s", synopsis)
	}
	return pos, nil
}
