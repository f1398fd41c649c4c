package auth_test

import (
	"crypto/tls"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/client/auth"
	"github.com/protoxmpp/protoxmpp/stream"
	"github.com/xdg-go/scram"
)

const (
	user     = "juliet"
	password = "r0m30"
)

func hashFor(name string) scram.HashGeneratorFcn {
	switch strings.TrimSuffix(name, "-PLUS") {
	case "SCRAM-SHA-1":
		return scram.SHA1
	case "SCRAM-SHA-256":
		return scram.SHA256
	}
	return scram.SHA512
}

// newServer is the server side of a SCRAM mechanism, from xdg-go/scram,
// knowing juliet with the given password (its stored keys only).
func newServer(t *testing.T, name, pass string) *scram.Server {
	t.Helper()
	h := hashFor(name)
	c, err := h.NewClient(user, pass, "")
	if err != nil {
		t.Fatal(err)
	}
	creds, err := c.GetStoredCredentialsWithError(scram.KeyFactors{Salt: "QSXCR+Q6sek8bf92", Iters: 4096})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := h.NewServer(func(u string) (scram.StoredCredentials, error) {
		if u != user {
			return scram.StoredCredentials{}, errors.New("unknown user")
		}
		return creds, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// result is what one exchange did.
type result struct {
	Flag      string // the GS2 header of the client-first-message
	Binding   string // m.ChannelBinding()
	ServerErr string // the server's e= message, "" when it accepted
	Valid     bool   // the server conversation authenticated the client
	Verified  bool   // auth.Check(m) == nil
}

// exchange runs m against sc the way stream.Stream would with the
// server-final-message in <success/>; tamper flips a bit of the server
// signature on the way. It returns what happened and the error of the
// client's last Next.
func exchange(t *testing.T, m stream.Mechanism, sc *scram.ServerConversation, tamper bool) (result, error) {
	t.Helper()
	var r result
	first, err := m.Start()
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	gs2 := strings.SplitN(string(first), ",", 3)
	r.Flag = gs2[0] + "," + gs2[1] + ","
	r.Binding = m.(auth.Mechanism).ChannelBinding()
	defer func() { r.Verified = auth.Check(m) == nil }()
	s1, err := sc.Step(string(first))
	if err != nil {
		r.ServerErr = s1
		r.Verified = auth.Check(m) == nil
		return r, nil
	}
	c2, err := m.Next([]byte(s1))
	if err != nil {
		t.Fatalf("Next(server-first): %v", err)
	}
	s2, err := sc.Step(string(c2))
	if err != nil {
		r.ServerErr = s2
		r.Verified = auth.Check(m) == nil
		return r, nil
	}
	r.Valid = sc.Valid()
	if tamper {
		sig, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(s2, "v="))
		sig[0] ^= 1
		s2 = "v=" + base64.StdEncoding.EncodeToString(sig)
	}
	resp, err := m.Next([]byte(s2))
	if resp != nil {
		t.Errorf("Next(server-final) = %q, want nil", resp)
	}
	r.Verified = auth.Check(m) == nil
	return r, err
}

var scramNames = []string{"SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512"}

// TestSCRAMExchanges runs every SCRAM variant against xdg-go/scram's server
// over real TLS 1.2 and 1.3 connection states, with every channel-binding
// type and without.
func TestSCRAMExchanges(t *testing.T) {
	conns(t)
	cases := []struct {
		name       string
		plus       bool
		c          *conn    // nil: no TLS
		advertised []string // XEP-0440
		server     string   // binding the server checks; "" none
		want       result
	}{
		{"no TLS", false, nil, nil, "", result{Flag: "n,,", Valid: true, Verified: true}},
		{"TLS 1.3 no PLUS offered", false, tls13, nil, "", result{Flag: "y,,", Valid: true, Verified: true}},
		{"TLS 1.3 advertised tls-exporter", true, tls13, []string{"tls-exporter"}, "tls-exporter", result{Flag: "p=tls-exporter,,", Binding: "tls-exporter", Valid: true, Verified: true}},
		{"TLS 1.3 advertised tls-server-end-point", true, tls13, []string{"tls-server-end-point"}, "tls-server-end-point", result{Flag: "p=tls-server-end-point,,", Binding: "tls-server-end-point", Valid: true, Verified: true}},
		{"TLS 1.3 advertised all", true, tls13, []string{"tls-unique", "tls-server-end-point", "tls-exporter"}, "tls-exporter", result{Flag: "p=tls-exporter,,", Binding: "tls-exporter", Valid: true, Verified: true}},
		{"TLS 1.2 default tls-unique", true, tls12, nil, "tls-unique", result{Flag: "p=tls-unique,,", Binding: "tls-unique", Valid: true, Verified: true}},
		{"TLS 1.2 advertised tls-exporter (EMS)", true, tls12, []string{"tls-exporter"}, "tls-exporter", result{Flag: "p=tls-exporter,,", Binding: "tls-exporter", Valid: true, Verified: true}},
		{"TLS 1.2 advertised tls-server-end-point", true, tls12, []string{"tls-server-end-point", "tls-unique"}, "tls-server-end-point", result{Flag: "p=tls-server-end-point,,", Binding: "tls-server-end-point", Valid: true, Verified: true}},
		{"TLS 1.2 no PLUS offered", false, tls12, nil, "", result{Flag: "y,,", Valid: true, Verified: true}},
		// The server supports channel binding but the -PLUS names were
		// stripped from the offer: the "y" flag makes it refuse.
		{"TLS 1.3 PLUS stripped", false, tls13, nil, "tls-exporter", result{Flag: "y,,", ServerErr: scram.ErrServerDoesSupportChannelBinding}},
		{"TLS 1.2 PLUS stripped", false, tls12, nil, "tls-unique", result{Flag: "y,,", ServerErr: scram.ErrServerDoesSupportChannelBinding}},
	}
	for _, name := range scramNames {
		for _, c := range cases {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				mech, offered := name, []string{name}
				if c.plus {
					mech += "-PLUS"
					offered = append(offered, mech)
				}
				cfg := auth.Config{Username: user, Password: password, ChannelBindings: c.advertised}
				if c.c != nil {
					cfg.TLS = &c.c.client
				}
				m, err := auth.Select(offered, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if m.Name() != mech {
					t.Fatalf("Select chose %s, want %s", m.Name(), mech)
				}
				srv := newServer(t, name, password)
				var sc *scram.ServerConversation
				if c.server == "" {
					sc = srv.NewConversation()
				} else {
					sc = srv.NewConversationWithChannelBinding(c.c.serverBinding(t, c.server))
				}
				got, err := exchange(t, m, sc, false)
				if err != nil {
					t.Errorf("client rejected the server: %v", err)
				}
				if diff := cmp.Diff(c.want, got); diff != "" {
					t.Errorf("exchange (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestSCRAMFailures covers a wrong password, a forged server signature, a
// binding to another connection (a man in the middle), and a mismatch of
// binding types.
func TestSCRAMFailures(t *testing.T) {
	conns(t)
	for _, name := range scramNames {
		t.Run(name+"/wrong password", func(t *testing.T) {
			m, err := auth.New(name, []string{name}, auth.Config{Username: user, Password: "wrong"})
			if err != nil {
				t.Fatal(err)
			}
			got, err := exchange(t, m, newServer(t, name, password).NewConversation(), false)
			if err != nil {
				t.Fatal(err)
			}
			want := result{Flag: "n,,", ServerErr: scram.ErrInvalidProof}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if err := auth.Check(m); !errors.Is(err, auth.ErrServerSignature) {
				t.Errorf("Check after a refused exchange = %v, want ErrServerSignature", err)
			}
		})
		t.Run(name+"/tampered server signature", func(t *testing.T) {
			m, err := auth.New(name+"-PLUS", []string{name + "-PLUS"}, auth.Config{Username: user, Password: password, TLS: &tls13.client, ChannelBindings: []string{"tls-exporter"}})
			if err != nil {
				t.Fatal(err)
			}
			got, err := exchange(t, m, newServer(t, name, password).NewConversationWithChannelBinding(tls13.serverBinding(t, "tls-exporter")), true)
			if !errors.Is(err, auth.ErrServerSignature) {
				t.Errorf("Next(tampered server-final) = %v, want ErrServerSignature", err)
			}
			if !strings.HasPrefix(err.Error(), "auth: ") {
				t.Errorf("error %q does not start with auth:", err)
			}
			want := result{Flag: "p=tls-exporter,,", Binding: "tls-exporter", Valid: true, Verified: false}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if err := auth.Check(m); !errors.Is(err, auth.ErrServerSignature) {
				t.Errorf("Check = %v, want ErrServerSignature", err)
			}
		})
		// The client's TLS connection ends at an attacker who relays to the
		// real server over a second connection: the bindings differ.
		for _, mitm := range []struct {
			typ                string
			client, server     *conn
			advertised         []string
			serverBindingCheck string
		}{
			{"tls-exporter", tls13, tls13b, []string{"tls-exporter"}, "tls-exporter"},
			{"tls-unique", tls12, tls12b, nil, "tls-unique"},
		} {
			t.Run(name+"/man in the middle "+mitm.typ, func(t *testing.T) {
				m, err := auth.New(name+"-PLUS", []string{name + "-PLUS"}, auth.Config{Username: user, Password: password, TLS: &mitm.client.client, ChannelBindings: mitm.advertised})
				if err != nil {
					t.Fatal(err)
				}
				sc := newServer(t, name, password).NewConversationWithChannelBinding(mitm.server.serverBinding(t, mitm.serverBindingCheck))
				got, err := exchange(t, m, sc, false)
				if err != nil {
					t.Fatal(err)
				}
				want := result{Flag: "p=" + mitm.typ + ",,", Binding: mitm.typ, ServerErr: scram.ErrChannelBindingsDontMatch}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	}
	t.Run("server checks another binding type", func(t *testing.T) {
		// The server advertises tls-exporter but checks another type.
		m, err := auth.New("SCRAM-SHA-256-PLUS", []string{"SCRAM-SHA-256-PLUS"}, auth.Config{Username: user, Password: password, TLS: &tls13.client, ChannelBindings: []string{"tls-exporter"}})
		if err != nil {
			t.Fatal(err)
		}
		sc := newServer(t, "SCRAM-SHA-256", password).NewConversationWithChannelBinding(tls13.serverBinding(t, "tls-server-end-point"))
		got, err := exchange(t, m, sc, false)
		if err != nil {
			t.Fatal(err)
		}
		if got.ServerErr == "" || got.Valid || got.Verified {
			t.Errorf("exchange with mismatched binding types succeeded: %+v", got)
		}
	})
}

// TestSCRAMServerErrors checks the answers to server-final-messages that
// are errors, and to messages out of order.
func TestSCRAMServerErrors(t *testing.T) {
	start := func(t *testing.T) stream.Mechanism {
		m, err := auth.New("SCRAM-SHA-256", []string{"SCRAM-SHA-256"}, auth.Config{Username: user, Password: password})
		if err != nil {
			t.Fatal(err)
		}
		first, err := m.Start()
		if err != nil {
			t.Fatal(err)
		}
		nonce := strings.TrimPrefix(strings.SplitN(string(first), ",", 4)[3], "r=")
		if _, err := m.Next([]byte("r=" + nonce + "srv,s=QSXCR+Q6sek8bf92,i=4096")); err != nil {
			t.Fatal(err)
		}
		return m
	}
	cases := []struct {
		name  string
		final string
		is    error
		text  string
	}{
		{"downgrade reported", "e=server-does-support-channel-binding", auth.ErrDowngrade, "auth: channel binding downgrade: SCRAM-SHA-256: the server reports e=server-does-support-channel-binding"},
		{"other error", "e=invalid-proof", nil, "auth: SCRAM-SHA-256: server error e=invalid-proof"},
		{"bad signature", "v=AAAA", auth.ErrServerSignature, ""},
		{"garbage", "x", auth.ErrServerSignature, ""},
		{"empty", "", auth.ErrServerSignature, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := start(t)
			_, err := m.Next([]byte(c.final))
			if err == nil {
				t.Fatal("accepted")
			}
			if c.is != nil && !errors.Is(err, c.is) {
				t.Errorf("error %v, want %v", err, c.is)
			}
			if c.text != "" && err.Error() != c.text {
				t.Errorf("error %q, want %q", err, c.text)
			}
			if auth.Check(m) == nil {
				t.Error("Check passes after a failed exchange")
			}
		})
	}
	t.Run("Next before Start", func(t *testing.T) {
		m, _ := auth.New("SCRAM-SHA-1", []string{"SCRAM-SHA-1"}, auth.Config{Username: user, Password: password})
		if _, err := m.Next([]byte("r=x,s=y,i=4096")); err == nil {
			t.Error("accepted")
		}
	})
	t.Run("too few iterations", func(t *testing.T) {
		m, _ := auth.New("SCRAM-SHA-1", []string{"SCRAM-SHA-1"}, auth.Config{Username: user, Password: password})
		first, _ := m.Start()
		nonce := strings.TrimPrefix(strings.SplitN(string(first), ",", 4)[3], "r=")
		if _, err := m.Next([]byte("r=" + nonce + "x,s=QSXCR+Q6sek8bf92,i=1")); err == nil {
			t.Error("accepted 1 iteration")
		}
	})
	t.Run("nonce not extended", func(t *testing.T) {
		m, _ := auth.New("SCRAM-SHA-1", []string{"SCRAM-SHA-1"}, auth.Config{Username: user, Password: password})
		m.Start()
		if _, err := m.Next([]byte("r=other,s=QSXCR+Q6sek8bf92,i=4096")); err == nil {
			t.Error("accepted a nonce that does not extend ours")
		}
	})
}

// TestPrepare checks SASLprep in query mode on the wire and against a
// server that prepared the stored password.
func TestPrepare(t *testing.T) {
	cases := []struct {
		name, user, pass string
		wantUser         string // n= in the client-first-message
		serverPass       string // the password the server stored
		ok               bool
	}{
		{"ligature NFKC", "juliet", "\ufb01sh", "juliet", "fish", true},
		{"non-ASCII space mapped", "juliet", "a\u00a0b", "juliet", "a b", true},
		{"soft hyphen mapped to nothing", "jul\u00adiet", "pw", "juliet", "pw", true},
		{"comma and equals escaped", "a,b=c", "pw", "a=2Cb=3Dc", "pw", true},
		{"unassigned code point allowed (query mode)", "juliet", "\U0001F600pw", "juliet", "\U0001F600pw", true},
		{"control character prohibited", "juliet", "a\x07b", "", "", false},
		{"empty username", "", "pw", "", "", false},
		{"username mapped to nothing", "\u00ad", "pw", "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := auth.New("SCRAM-SHA-256", []string{"SCRAM-SHA-256"}, auth.Config{Username: c.user, Password: c.pass})
			if !c.ok {
				if err == nil {
					t.Fatal("accepted")
				}
				if strings.Contains(err.Error(), c.pass) && c.pass != "" {
					t.Errorf("error %q shows the password", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			first, _ := m.Start()
			if got := strings.SplitN(string(first), ",", 4)[2]; got != "n="+c.wantUser {
				t.Errorf("username on the wire %q, want n=%s", got, c.wantUser)
			}
			h := scram.SHA256
			stored, err := h.NewClientUnprepped("", c.serverPass, "")
			if err != nil {
				t.Fatal(err)
			}
			creds, _ := stored.GetStoredCredentialsWithError(scram.KeyFactors{Salt: "salt", Iters: 4096})
			srv, _ := h.NewServer(func(string) (scram.StoredCredentials, error) { return creds, nil })
			sc := srv.NewConversation()
			s1, err := sc.Step(string(first))
			if err != nil {
				t.Fatal(s1, err)
			}
			c2, _ := m.Next([]byte(s1))
			s2, err := sc.Step(string(c2))
			if err != nil {
				t.Fatalf("server refused: %s %v", s2, err)
			}
			if _, err := m.Next([]byte(s2)); err != nil || auth.Check(m) != nil {
				t.Errorf("client refused the server: %v", err)
			}
		})
	}
}

// TestTLSUniqueNeverTLS13 makes sure tls-unique is not used under TLS 1.3
// even when the server advertises only it and the state carries a value.
func TestTLSUniqueNeverTLS13(t *testing.T) {
	conns(t)
	forged := tls13.client
	forged.TLSUnique = []byte("0123456789ab") // crypto/tls leaves it nil
	for _, cs := range []*tls.ConnectionState{&tls13.client, &forged} {
		cfg := auth.Config{Username: user, Password: password, TLS: cs, ChannelBindings: []string{"tls-unique"}}
		if _, err := auth.New("SCRAM-SHA-256-PLUS", []string{"SCRAM-SHA-256-PLUS"}, cfg); !errors.Is(err, auth.ErrNoMechanism) {
			t.Errorf("New(PLUS) with only tls-unique under TLS 1.3 = %v, want ErrNoMechanism", err)
		}
		m, err := auth.Select([]string{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"}, cfg)
		if err != nil {
			t.Fatal(err)
		}
		first, _ := m.Start()
		if m.Name() != "SCRAM-SHA-256" || !strings.HasPrefix(string(first), "n,,") {
			t.Errorf("Select = %s %q, want SCRAM-SHA-256 with n", m.Name(), first)
		}
	}
}
