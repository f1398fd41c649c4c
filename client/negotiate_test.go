package client_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/client/auth"
	"github.com/protoxmpp/protoxmpp/jid"
	"github.com/protoxmpp/protoxmpp/stream"
)

// TestNegotiation runs the client against the fake server through the
// negotiation variants and checks the session it ends up with.
func TestNegotiation(t *testing.T) {
	pool, cert := testCA()
	cases := []struct {
		name     string
		sopts    serverOpts
		copts    client.Options
		j        jid.JID
		password string
		// want on success
		wantJID    string
		wantTLS    bool
		wantFroms  []string // 'from' of each stream header the server got
		wantErr    error    // matched with errors.Is
		wantErrMsg string   // substring of the error message
		wantX509   bool     // a certificate verification error
	}{{
		name:      "plaintext allowed, server-chosen resource",
		copts:     client.Options{InsecurePlaintext: true},
		wantJID:   "juliet@example.com/gen-1",
		wantFroms: []string{"", ""},
	}, {
		name:      "requested resource",
		copts:     client.Options{InsecurePlaintext: true, Resource: "balcony"},
		wantJID:   "juliet@example.com/balcony",
		wantFroms: []string{"", ""},
	}, {
		name:      "resource from the JID",
		j:         jid.MustParse("juliet@example.com/orchard"),
		copts:     client.Options{InsecurePlaintext: true},
		wantJID:   "juliet@example.com/orchard",
		wantFroms: []string{"", ""},
	}, {
		name:      "legacy session required",
		sopts:     serverOpts{sessionRequired: true},
		copts:     client.Options{InsecurePlaintext: true},
		wantJID:   "juliet@example.com/gen-1",
		wantFroms: []string{"", ""},
	}, {
		name:      "STARTTLS verified with the given roots",
		sopts:     serverOpts{starttls: true, cert: cert},
		copts:     client.Options{RootCAs: pool},
		wantJID:   "juliet@example.com/gen-1",
		wantTLS:   true,
		wantFroms: []string{"", "juliet@example.com", "juliet@example.com"},
	}, {
		name:      "direct TLS",
		sopts:     serverOpts{directTLS: true, cert: cert},
		copts:     client.Options{RootCAs: pool, DirectTLS: true},
		wantJID:   "juliet@example.com/gen-1",
		wantTLS:   true,
		wantFroms: []string{"juliet@example.com", "juliet@example.com"},
	}, {
		name:     "STARTTLS with an untrusted certificate",
		sopts:    serverOpts{starttls: true, cert: cert},
		copts:    client.Options{},
		wantX509: true,
	}, {
		name:      "STARTTLS with verification disabled",
		sopts:     serverOpts{starttls: true, cert: cert},
		copts:     client.Options{InsecureSkipTLSVerify: true},
		wantJID:   "juliet@example.com/gen-1",
		wantTLS:   true,
		wantFroms: []string{"", "juliet@example.com", "juliet@example.com"},
	}, {
		name:       "no STARTTLS offered and plaintext not allowed",
		copts:      client.Options{},
		wantErr:    client.ErrNoTLS,
		wantErrMsg: "STARTTLS",
	}, {
		name:       "wrong password",
		copts:      client.Options{InsecurePlaintext: true},
		password:   "wrong",
		wantErr:    stream.SASLNotAuthorized,
		wantErrMsg: "not-authorized",
	}, {
		name:       "no bind offered",
		sopts:      serverOpts{noBind: true},
		copts:      client.Options{InsecurePlaintext: true},
		wantErrMsg: "binding",
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			conn, srv := startServer(t, tc.sopts)
			j := tc.j
			if j.IsZero() {
				j = testJID
			}
			pw := tc.password
			if pw == "" {
				pw = testPassword
			}
			c, err := client.NewClient(testCtx(t), conn, j, pw, tc.copts)
			if tc.wantErr != nil || tc.wantErrMsg != "" || tc.wantX509 {
				if err == nil {
					c.Close()
					t.Fatal("NewClient succeeded, want an error")
				}
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Errorf("error %v does not match %v", err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.wantErrMsg) {
					t.Errorf("error %q does not say %q", err, tc.wantErrMsg)
				}
				var uerr x509.UnknownAuthorityError
				if tc.wantX509 && !errors.As(err, &uerr) {
					t.Errorf("error %v is not a certificate verification error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("NewClient: %v", err)
			}
			defer c.Close()
			if got := c.JID().String(); got != tc.wantJID {
				t.Errorf("JID %q, want %q", got, tc.wantJID)
			}
			st, ok := c.TLSConnectionState()
			if ok != tc.wantTLS {
				t.Errorf("TLS %v, want %v", ok, tc.wantTLS)
			}
			if ok && (st.ServerName != testDomain || st.Version < tls.VersionTLS12) {
				t.Errorf("TLS server name %q version %x", st.ServerName, st.Version)
			}
			if c.Mechanism() != "PLAIN" {
				t.Errorf("mechanism %q", c.Mechanism())
			}
			srv.mu.Lock()
			var froms []string
			for _, h := range srv.headers {
				froms = append(froms, h.From)
				if h.To != testDomain {
					t.Errorf("header to=%q", h.To)
				}
			}
			srv.mu.Unlock()
			if diff := cmp.Diff(tc.wantFroms, froms); diff != "" {
				t.Errorf("'from' of the stream headers (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNewClientRejectsNonAccountJID checks that a JID without localpart is
// refused before anything is sent.
func TestNewClientRejectsNonAccountJID(t *testing.T) {
	conn, _ := startServer(t, serverOpts{})
	_, err := client.NewClient(testCtx(t), conn, jid.MustParse("example.com"), "x", client.Options{InsecurePlaintext: true})
	if err == nil || !strings.Contains(err.Error(), "localpart") {
		t.Fatalf("error %v, want one about the missing localpart", err)
	}
}

// TestSCRAMServerSignature checks that a session is refused unless the
// server proved it knows the password (RFC 5802 section 5): the signature
// may come with success or as a last challenge, but must come and verify.
func TestSCRAMServerSignature(t *testing.T) {
	cases := []struct {
		mode    string
		wantErr error
	}{
		{"data", nil},
		{"challenge", nil},
		{"nodata", auth.ErrServerSignature},
		{"badsig", auth.ErrServerSignature},
	}
	for _, tc := range cases {
		t.Run(tc.mode, func(t *testing.T) {
			conn, _ := startServer(t, serverOpts{scram: tc.mode})
			c, err := client.NewClient(testCtx(t), conn, testJID, testPassword, client.Options{InsecurePlaintext: true})
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("NewClient: %v", err)
				}
				defer c.Close()
				if c.Mechanism() != "SCRAM-SHA-1" {
					t.Errorf("mechanism %q", c.Mechanism())
				}
				return
			}
			if err == nil {
				c.Close()
				t.Fatal("session accepted without a valid server signature")
			}
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("error %v, want %v", err, tc.wantErr)
			}
		})
	}
}

// TestNegotiationContext checks that NewClient gives up when its context
// ends while the server says nothing.
func TestNegotiationContext(t *testing.T) {
	cconn, sconn := net.Pipe()
	defer sconn.Close()
	go io.Copy(io.Discard, sconn) // a server that reads and never answers
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := client.NewClient(ctx, cconn, testJID, testPassword, client.Options{InsecurePlaintext: true})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want the deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("NewClient returned after %v", d)
	}
	if _, err := cconn.Write([]byte("x")); err == nil {
		t.Error("the connection was left open")
	}
}
