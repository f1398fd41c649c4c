package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/jid"
)

func TestUsage(t *testing.T) {
	withPassword := map[string]string{"XMPP_PASSWORD": "s3cret-pw"}
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		wantCode   int
		wantStderr string // first line of stderr
	}{
		{"no command", nil, nil, 2, "xmpp: no command"},
		{"unknown command", []string{"frobnicate"}, nil, 2, `xmpp: unknown command "frobnicate"`},
		{"unknown global flag", []string{"-bogus", "roster"}, nil, 2, "xmpp: flag provided but not defined: -bogus"},
		{"bad timeout", []string{"-timeout", "0s", "roster"}, nil, 2, "xmpp: -timeout must be positive"},
		{"decode argument", []string{"decode", "extra"}, nil, 2, "xmpp: usage: xmpp [global flags] decode [-json] [-ns NS]"},
		{"decode unknown flag", []string{"decode", "-xml"}, nil, 2, "xmpp: decode: flag provided but not defined: -xml"},
		{"decode empty namespace", []string{"decode", "-ns", ""}, nil, 2, "xmpp: decode: -ns must not be empty"},
		{"decode reserved namespace", []string{"decode", "-ns", "http://www.w3.org/2000/xmlns/"}, nil, 2, `xmpp: decode: -ns "http://www.w3.org/2000/xmlns/": `},
		{"global flag after the command", []string{"roster", "-jid", "a@b"}, nil, 2, "xmpp: roster: flag provided but not defined: -jid"},
		{"no jid", []string{"roster"}, withPassword, 2, "xmpp: -jid is required"},
		{"bad jid", []string{"-jid", "a@b@c", "roster"}, withPassword, 2, "xmpp: -jid: "},
		{"server jid", []string{"-jid", "example.com", "roster"}, withPassword, 2, "xmpp: -jid example.com is not an account address (user@domain)"},
		{"no password", []string{"-jid", "a@example.com", "roster"}, nil, 2, "xmpp: no password: give -password or set XMPP_PASSWORD"},
		{"direct TLS without server", []string{"-jid", "a@example.com", "-direct-tls", "roster"}, withPassword, 2, "xmpp: -direct-tls needs -server"},
		{"roster subcommand", []string{"-jid", "a@example.com", "roster", "list"}, withPassword, 2, `xmpp: roster: unknown subcommand "list" (want add or remove)`},
		{"roster add without JID", []string{"roster", "add", "-name", "x"}, withPassword, 2, "xmpp: usage: xmpp [global flags] roster add JID [-name N] [-group G]..."},
		{"roster add bad JID", []string{"roster", "add", "@example.com"}, withPassword, 2, "xmpp: roster add: "},
		{"roster remove two JIDs", []string{"roster", "remove", "a@b", "c@d"}, withPassword, 2, "xmpp: usage: xmpp [global flags] roster remove JID"},
		{"send without text", []string{"-jid", "a@example.com", "send", "b@example.com"}, withPassword, 2, "xmpp: usage: xmpp [global flags] send JID TEXT [-wait D]"},
		{"send bad wait", []string{"send", "b@example.com", "hi", "-wait", "soon"}, withPassword, 2, `xmpp: send: invalid value "soon" for flag -wait: parse error`},
		{"subscribe without JID", []string{"subscribe"}, withPassword, 2, "xmpp: usage: xmpp [global flags] subscribe JID [-wait D]"},
		{"listen argument", []string{"listen", "now"}, withPassword, 2, "xmpp: usage: xmpp [global flags] listen [-approve] [-echo] [-for D]"},
		{"missing CA file", []string{"-jid", "a@example.com", "-ca", filepath.Join(t.TempDir(), "none.pem"), "roster"}, withPassword, 1, "xmpp: -ca: open "},
		{"CA file without certificates", []string{"-jid", "a@example.com", "-ca", "testdata/session.xml", "roster"}, withPassword, 1, "xmpp: -ca: no PEM certificate in testdata/session.xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runXMPPEnv(t, nil, tt.env, tt.args...)
			if res.code != tt.wantCode {
				t.Errorf("exit %d, want %d; stderr:\n%s", res.code, tt.wantCode, res.stderr)
			}
			first, _, _ := strings.Cut(res.stderr, "\n")
			if !strings.HasPrefix(first, tt.wantStderr) {
				t.Errorf("stderr starts with %q, want %q", first, tt.wantStderr)
			}
			if tt.wantCode == 2 && !strings.Contains(res.stderr, "\nusage: xmpp [-jid J]") {
				t.Errorf("a usage error does not print the usage:\n%s", res.stderr)
			}
			if res.stdout != "" {
				t.Errorf("stdout %q, want nothing", res.stdout)
			}
			if strings.Contains(res.stderr, "s3cret-pw") {
				t.Errorf("the password was printed:\n%s", res.stderr)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"help"}, {"decode", "-h"}, {"send", "-help"}} {
		res := runXMPP(t, nil, args...)
		if res.code != 0 || res.stderr != "" || !strings.HasPrefix(res.stdout, "usage: xmpp ") {
			t.Errorf("%q: %+v", args, res)
		}
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantPos []string
		wantN   string
		wantG   []string
		wantErr bool
	}{
		{name: "flags first", args: []string{"-name", "N", "a@b"}, wantPos: []string{"a@b"}, wantN: "N"},
		{name: "flags last", args: []string{"a@b", "hello", "-name", "N"}, wantPos: []string{"a@b", "hello"}, wantN: "N"},
		{name: "flags between", args: []string{"a@b", "-group", "G1", "hello", "-group=G2"}, wantPos: []string{"a@b", "hello"}, wantG: []string{"G1", "G2"}},
		{name: "double dash", args: []string{"a@b", "--", "-name"}, wantPos: []string{"a@b", "-name"}},
		{name: "double dash after flags", args: []string{"-name", "N", "--", "-x"}, wantPos: []string{"-x"}, wantN: "N"},
		{name: "lone dash is an argument", args: []string{"-", "a@b"}, wantPos: []string{"-", "a@b"}},
		{name: "too many", args: []string{"a", "b", "c"}, wantErr: true},
		{name: "too few", args: []string{"-name", "N"}, wantErr: true},
		{name: "unknown flag", args: []string{"a@b", "-nope"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("t", flag.ContinueOnError)
			name := fs.String("name", "", "")
			var groups []string
			fs.Func("group", "", func(s string) error { groups = append(groups, s); return nil })
			e := &env{stdout: os.Stdout}
			pos, err := e.parseCommand(fs, tt.args, 1, 2, "t")
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tt.wantPos, pos); diff != "" {
				t.Errorf("positional (-want +got):\n%s", diff)
			}
			if *name != tt.wantN {
				t.Errorf("-name %q, want %q", *name, tt.wantN)
			}
			if diff := cmp.Diff(tt.wantG, groups); diff != "" {
				t.Errorf("-group (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRosterLine(t *testing.T) {
	tests := []struct {
		name string
		item client.RosterItem
		want string
	}{
		{
			name: "bare",
			item: client.RosterItem{JID: mustJID(t, "romeo@example.net")},
			want: "romeo@example.net\tnone\t-\t-\t-",
		},
		{
			name: "everything",
			item: client.RosterItem{JID: mustJID(t, "romeo@example.net"), Subscription: "both", Ask: true, Name: "Romeo", Groups: []string{"Verona", "Friends"}},
			want: "romeo@example.net\tboth\tsubscribe\tRomeo\tFriends,Verona",
		},
		{
			name: "tabs and newlines",
			item: client.RosterItem{JID: mustJID(t, "nurse@example.com"), Subscription: "from", Name: "The\tNurse\n", Groups: []string{"a\tb"}},
			want: "nurse@example.com\tfrom\t-\tThe Nurse \ta b",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rosterLine(tt.item); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func mustJID(t *testing.T, s string) jid.JID {
	t.Helper()
	j, err := jid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return j
}
