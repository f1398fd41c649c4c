package auth_test

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/client/auth"
	"github.com/protoxmpp/protoxmpp/stream"
)

var allOffered = []string{"PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", "SCRAM-SHA-512", "SCRAM-SHA-512-PLUS"}

// choice is what a selection gave: the mechanism, the GS2 header of its
// first message (SCRAM), its binding, or the error.
type choice struct {
	Name, Flag, Binding string
	Err                 error
}

func describe(t *testing.T, m stream.Mechanism, err error) choice {
	t.Helper()
	if err != nil {
		if !strings.HasPrefix(err.Error(), "auth: ") {
			t.Errorf("error %q does not start with auth:", err)
		}
		for _, e := range []error{auth.ErrNoMechanism, auth.ErrDowngrade} {
			if errors.Is(err, e) {
				return choice{Err: e}
			}
		}
		return choice{Err: errors.New("other")}
	}
	if m == nil {
		t.Fatal("nil mechanism without error")
	}
	c := choice{Name: m.Name(), Binding: m.(auth.Mechanism).ChannelBinding()}
	if strings.HasPrefix(c.Name, "SCRAM-") {
		first, err := m.Start()
		if err != nil {
			t.Fatal(err)
		}
		gs2 := strings.SplitN(string(first), ",", 3)
		c.Flag = gs2[0] + "," + gs2[1] + ","
	}
	return c
}

func cmpErr(x, y error) bool { return x == y || x != nil && y != nil && x.Error() == y.Error() }

func TestSelect(t *testing.T) {
	conns(t)
	noUnique := tls12.client
	noUnique.TLSUnique = nil // as after a resumption without EMS
	other := errors.New("other")
	cases := []struct {
		name       string
		offered    []string
		tls        *tls.ConnectionState
		allowed    []string
		advertised []string
		plainNoTLS bool
		want       choice
	}{
		{"all, no TLS", allOffered, nil, nil, nil, false, choice{"SCRAM-SHA-512", "n,,", "", nil}},
		// Under TLS 1.3 a server that advertises no channel-binding types
		// may bind with tls-unique (ejabberd before 23.10), so -PLUS is
		// not used and "y" keeps the downgrade check of servers that bind.
		{"all, TLS 1.3", allOffered, &tls13.client, nil, nil, false, choice{"SCRAM-SHA-512", "y,,", "", nil}},
		{"all, TLS 1.3, XEP-0440 tls-exporter", allOffered, &tls13.client, nil, []string{"tls-exporter"}, false, choice{"SCRAM-SHA-512-PLUS", "p=tls-exporter,,", "tls-exporter", nil}},
		{"ejabberd 23.01 under TLS 1.3", []string{"SCRAM-SHA-1-PLUS", "SCRAM-SHA-1", "PLAIN"}, &tls13.client, nil, nil, false, choice{"SCRAM-SHA-1", "y,,", "", nil}},
		{"ejabberd 23.01 under TLS 1.2", []string{"SCRAM-SHA-1-PLUS", "SCRAM-SHA-1", "PLAIN"}, &tls12.client, nil, nil, false, choice{"SCRAM-SHA-1-PLUS", "p=tls-unique,,", "tls-unique", nil}},
		{"TLS 1.3, no XEP-0440, PLUS not allowed: n", allOffered, &tls13.client, []string{"SCRAM-SHA-256"}, nil, false, choice{"SCRAM-SHA-256", "n,,", "", nil}},
		{"all, TLS 1.2", allOffered, &tls12.client, nil, nil, false, choice{"SCRAM-SHA-512-PLUS", "p=tls-unique,,", "tls-unique", nil}},
		{"Prosody 0.12 under TLS 1.2", []string{"SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS", "PLAIN"}, &tls12.client, nil, nil, false, choice{"SCRAM-SHA-256-PLUS", "p=tls-unique,,", "tls-unique", nil}},
		{"Prosody 0.12 under TLS 1.3", []string{"SCRAM-SHA-1", "SCRAM-SHA-256", "PLAIN"}, &tls13.client, nil, nil, false, choice{"SCRAM-SHA-256", "y,,", "", nil}},
		{"PLUS before a stronger hash", []string{"SCRAM-SHA-512", "SCRAM-SHA-1-PLUS"}, &tls12.client, nil, nil, false, choice{"SCRAM-SHA-1-PLUS", "p=tls-unique,,", "tls-unique", nil}},
		{"PLAIN only, no TLS", []string{"PLAIN"}, nil, nil, nil, false, choice{Err: auth.ErrNoMechanism}},
		{"PLAIN only, no TLS, allowed", []string{"PLAIN"}, nil, nil, nil, true, choice{"PLAIN", "", "", nil}},
		{"PLAIN only, TLS", []string{"PLAIN"}, &tls13.client, nil, nil, false, choice{"PLAIN", "", "", nil}},
		{"SCRAM before PLAIN without TLS even when allowed", []string{"PLAIN", "SCRAM-SHA-1"}, nil, nil, nil, true, choice{"SCRAM-SHA-1", "n,,", "", nil}},
		{"Allowed PLAIN only", allOffered, &tls13.client, []string{"PLAIN"}, nil, false, choice{"PLAIN", "", "", nil}},
		{"Allowed forbids PLUS: n", allOffered, &tls13.client, []string{"SCRAM-SHA-1"}, nil, false, choice{"SCRAM-SHA-1", "n,,", "", nil}},
		{"Allowed in any order", allOffered, &tls13.client, []string{"SCRAM-SHA-1", "PLAIN", "SCRAM-SHA-1-PLUS"}, []string{"tls-exporter"}, false, choice{"SCRAM-SHA-1-PLUS", "p=tls-exporter,,", "tls-exporter", nil}},
		{"Allowed unknown name", allOffered, nil, []string{"SCRAM-SHA-224"}, nil, false, choice{Err: other}},
		{"Allowed none offered", []string{"PLAIN"}, &tls13.client, []string{"SCRAM-SHA-256"}, nil, false, choice{Err: auth.ErrNoMechanism}},
		{"PLUS only, no TLS", []string{"SCRAM-SHA-256-PLUS"}, nil, nil, nil, false, choice{Err: auth.ErrNoMechanism}},
		{"end-point undefined for Ed25519: n", []string{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"}, &ed13.client, nil, []string{"tls-server-end-point"}, false, choice{"SCRAM-SHA-256", "n,,", "", nil}},
		{"Ed25519, tls-exporter", []string{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"}, &ed13.client, nil, []string{"tls-exporter", "tls-server-end-point"}, false, choice{"SCRAM-SHA-256-PLUS", "p=tls-exporter,,", "tls-exporter", nil}},
		{"advertised order does not matter", allOffered, &tls12.client, nil, []string{"tls-unique", "tls-server-end-point"}, false, choice{"SCRAM-SHA-512-PLUS", "p=tls-server-end-point,,", "tls-server-end-point", nil}},
		{"advertised unknown type only: n", []string{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"}, &tls13.client, nil, []string{"x-custom"}, false, choice{"SCRAM-SHA-256", "n,,", "", nil}},
		{"XEP-0440 types but no PLUS: downgrade", []string{"SCRAM-SHA-256", "PLAIN"}, &tls13.client, nil, []string{"tls-exporter"}, false, choice{Err: auth.ErrDowngrade}},
		{"XEP-0440 types we cannot compute, no PLUS: n", []string{"SCRAM-SHA-256"}, &tls13.client, nil, []string{"tls-unique"}, false, choice{"SCRAM-SHA-256", "n,,", "", nil}},
		{"another variant's PLUS only: n", []string{"SCRAM-SHA-1-PLUS", "SCRAM-SHA-256"}, &tls12.client, []string{"SCRAM-SHA-256", "SCRAM-SHA-256-PLUS"}, nil, false, choice{"SCRAM-SHA-256", "n,,", "", nil}},
		{"TLS 1.2 without tls-unique: n", []string{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"}, &noUnique, nil, nil, false, choice{"SCRAM-SHA-256", "n,,", "", nil}},
		{"TLS 1.2 without tls-unique, none offered: n", []string{"SCRAM-SHA-256"}, &noUnique, nil, nil, false, choice{"SCRAM-SHA-256", "n,,", "", nil}},
		{"nothing implemented", []string{"DIGEST-MD5", "X-OAUTH2"}, &tls13.client, nil, nil, false, choice{Err: auth.ErrNoMechanism}},
		{"nothing offered", nil, &tls13.client, nil, nil, false, choice{Err: auth.ErrNoMechanism}},
		{"names are case-sensitive", []string{"scram-sha-1"}, nil, nil, nil, false, choice{Err: auth.ErrNoMechanism}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := auth.Config{Username: user, Password: password, TLS: c.tls, Allowed: c.allowed, ChannelBindings: c.advertised, AllowPlainWithoutTLS: c.plainNoTLS}
			m, err := auth.Select(c.offered, cfg)
			if diff := cmp.Diff(c.want, describe(t, m, err), cmp.Comparer(cmpErr)); diff != "" {
				t.Errorf("Select(%q) (-want +got):\n%s\nerror: %v", c.offered, diff, err)
			}
		})
	}
}

func TestNew(t *testing.T) {
	conns(t)
	cases := []struct {
		name       string
		mech       string
		offered    []string
		tls        *tls.ConnectionState
		allowed    []string
		advertised []string
		want       choice
	}{
		{"PLUS offered and bindable: downgrade", "SCRAM-SHA-256", allOffered, &tls13.client, nil, []string{"tls-exporter"}, choice{Err: auth.ErrDowngrade}},
		{"PLUS offered and bindable under TLS 1.2: downgrade", "SCRAM-SHA-256", allOffered, &tls12.client, nil, nil, choice{Err: auth.ErrDowngrade}},
		{"PLUS offered, TLS 1.3 without XEP-0440: y", "SCRAM-SHA-256", allOffered, &tls13.client, nil, nil, choice{"SCRAM-SHA-256", "y,,", "", nil}},
		{"PLUS without XEP-0440 under TLS 1.3", "SCRAM-SHA-256-PLUS", allOffered, &tls13.client, nil, nil, choice{Err: auth.ErrNoMechanism}},
		{"PLUS offered, no TLS: n", "SCRAM-SHA-256", allOffered, nil, nil, nil, choice{"SCRAM-SHA-256", "n,,", "", nil}},
		{"PLUS offered but not allowed: n", "SCRAM-SHA-256", allOffered, &tls13.client, []string{"SCRAM-SHA-256"}, nil, choice{"SCRAM-SHA-256", "n,,", "", nil}},
		{"no PLUS offered: y", "SCRAM-SHA-1", []string{"SCRAM-SHA-1"}, &tls12.client, nil, nil, choice{"SCRAM-SHA-1", "y,,", "", nil}},
		{"a weaker PLUS", "SCRAM-SHA-1-PLUS", allOffered, &tls12.client, nil, []string{"tls-server-end-point"}, choice{"SCRAM-SHA-1-PLUS", "p=tls-server-end-point,,", "tls-server-end-point", nil}},
		{"PLUS without binding", "SCRAM-SHA-256-PLUS", allOffered, nil, nil, nil, choice{Err: auth.ErrNoMechanism}},
		{"PLAIN without TLS", "PLAIN", allOffered, nil, nil, nil, choice{Err: auth.ErrNoMechanism}},
		{"not offered", "SCRAM-SHA-512", []string{"SCRAM-SHA-1"}, nil, nil, nil, choice{Err: auth.ErrNoMechanism}},
		{"not implemented", "CRAM-MD5", []string{"CRAM-MD5"}, nil, nil, nil, choice{Err: auth.ErrNoMechanism}},
		{"not allowed", "SCRAM-SHA-1", allOffered, nil, []string{"SCRAM-SHA-256"}, nil, choice{Err: auth.ErrNoMechanism}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := auth.Config{Username: user, Password: password, TLS: c.tls, Allowed: c.allowed, ChannelBindings: c.advertised}
			m, err := auth.New(c.mech, c.offered, cfg)
			if diff := cmp.Diff(c.want, describe(t, m, err), cmp.Comparer(cmpErr)); diff != "" {
				t.Errorf("New(%s) (-want +got):\n%s\nerror: %v", c.mech, diff, err)
			}
			if err != nil && m != nil {
				t.Errorf("New returned %#v with its error", m)
			}
		})
	}
}

func TestErrorDetails(t *testing.T) {
	_, err := auth.Select([]string{"PLAIN", "SCRAM-SHA-1-PLUS"}, auth.Config{Username: user, Password: password})
	want := `auth: no usable SASL mechanism: ["PLAIN" "SCRAM-SHA-1-PLUS"] offered; SCRAM-SHA-1-PLUS: no channel binding: the connection is not TLS; PLAIN: no TLS`
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	_, err = auth.Select(allOffered, auth.Config{Username: user, Password: password, Allowed: []string{"scram-sha-1"}})
	if err == nil || errors.Is(err, auth.ErrNoMechanism) || !strings.Contains(err.Error(), `"scram-sha-1"`) {
		t.Errorf("unknown Allowed name: %v", err)
	}
}

func TestPlain(t *testing.T) {
	cases := []struct {
		name string
		cfg  auth.Config
		want string
	}{
		{"no authzid", auth.Config{Username: user, Password: password}, "\x00juliet\x00r0m30"},
		{"authzid", auth.Config{Username: user, Password: password, Authzid: "romeo@example.net"}, "romeo@example.net\x00juliet\x00r0m30"},
		{"SASLprep", auth.Config{Username: "jul\u00adiet", Password: "\ufb01\u2003x"}, "\x00juliet\x00fi x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.AllowPlainWithoutTLS = true
			m, err := auth.New("PLAIN", []string{"PLAIN"}, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if auth.Check(m) == nil {
				t.Error("Check passes before Start")
			}
			got, err := m.Start()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, string(got)); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
			if _, err := m.Next([]byte("x")); err == nil {
				t.Error("PLAIN accepted a challenge")
			}
			if resp, err := m.Next([]byte{}); resp != nil || err != nil {
				t.Errorf("PLAIN on empty success data: %q, %v", resp, err)
			}
			if err := auth.Check(m); err != nil || !m.(auth.Mechanism).Verified() {
				t.Errorf("Check = %v", err)
			}
		})
	}
	if _, err := auth.New("PLAIN", []string{"PLAIN"}, auth.Config{Username: user, Password: "a\x00b", AllowPlainWithoutTLS: true}); err == nil {
		t.Error("PLAIN accepted a NUL in the password")
	}
}

// TestCheckForeign: Check passes mechanisms that do not verify anything.
func TestCheckForeign(t *testing.T) {
	if err := auth.Check(stream.Plain("", user, password)); err != nil {
		t.Errorf("Check(stream.Plain) = %v", err)
	}
}
