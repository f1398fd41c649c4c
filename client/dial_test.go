package client_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/client"
	"github.com/protoxmpp/protoxmpp/jid"
)

// tableResolver answers SRV lookups from a table keyed by service.
type tableResolver struct {
	mu      sync.Mutex
	records map[string][]*net.SRV
	asked   []string // services
	names   []string // names queried: _service._proto.name
}

func (r *tableResolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.asked = append(r.asked, service)
	r.names = append(r.names, "_"+service+"._"+proto+"."+name)
	if recs, ok := r.records[service]; ok {
		return "", recs, nil
	}
	return "", nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// pipeDialer refuses every address but those it has a fake server for.
type pipeDialer struct {
	t       *testing.T
	servers map[string]serverOpts
	mu      sync.Mutex
	tried   []string
}

func (d *pipeDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.tried = append(d.tried, network+" "+addr)
	d.mu.Unlock()
	opts, ok := d.servers[addr]
	if !ok {
		return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
	}
	conn, _ := startServer(d.t, opts)
	return conn, nil
}

// TestDial checks which addresses Dial tries, in which order, and that it
// connects (with direct TLS when the record says so) to the first that
// answers.
func TestDial(t *testing.T) {
	pool, cert := testCA()
	cases := []struct {
		name      string
		records   map[string][]*net.SRV
		servers   map[string]serverOpts
		opts      client.Options
		wantTried []string
		wantAsked []string
		wantTLS   bool
		wantErr   string
	}{{
		name: "SRV targets tried in order until one connects",
		records: map[string][]*net.SRV{
			"xmpps-client": {{Target: "tls.example.com.", Port: 5223, Priority: 20}},
			"xmpp-client":  {{Target: "down.example.com.", Port: 5222, Priority: 10}, {Target: "up.example.com.", Port: 5269, Priority: 30}},
		},
		servers:   map[string]serverOpts{"up.example.com:5269": {}},
		opts:      client.Options{InsecurePlaintext: true},
		wantTried: []string{"tcp down.example.com:5222", "tcp tls.example.com:5223", "tcp up.example.com:5269"},
		wantAsked: []string{"xmpps-client", "xmpp-client"},
	}, {
		name: "direct TLS target",
		records: map[string][]*net.SRV{
			"xmpps-client": {{Target: "tls.example.com.", Port: 443, Priority: 1}},
			"xmpp-client":  {{Target: "plain.example.com.", Port: 5222, Priority: 2}},
		},
		servers:   map[string]serverOpts{"tls.example.com:443": {directTLS: true, cert: cert}},
		opts:      client.Options{RootCAs: pool},
		wantTried: []string{"tcp tls.example.com:443"},
		wantAsked: []string{"xmpps-client", "xmpp-client"},
		wantTLS:   true,
	}, {
		name:      "no SRV records: the domain on 5222",
		servers:   map[string]serverOpts{"example.com:5222": {}},
		opts:      client.Options{InsecurePlaintext: true},
		wantTried: []string{"tcp example.com:5222"},
		wantAsked: []string{"xmpps-client", "xmpp-client"},
	}, {
		name: "SRV targets all down: no fallback",
		records: map[string][]*net.SRV{
			"xmpp-client": {{Target: "down.example.com.", Port: 5222}},
		},
		servers:   map[string]serverOpts{"example.com:5222": {}},
		opts:      client.Options{InsecurePlaintext: true},
		wantTried: []string{"tcp down.example.com:5222"},
		wantAsked: []string{"xmpps-client", "xmpp-client"},
		wantErr:   "connection refused",
	}, {
		name: "service decidedly not offered",
		records: map[string][]*net.SRV{
			"xmpps-client": {{Target: "."}},
			"xmpp-client":  {{Target: "."}},
		},
		servers:   map[string]serverOpts{"example.com:5222": {}},
		wantAsked: []string{"xmpps-client", "xmpp-client"},
		wantErr:   "no XMPP client service",
	}, {
		name:      "explicit server skips DNS",
		records:   map[string][]*net.SRV{"xmpp-client": {{Target: "srv.example.com.", Port: 5222}}},
		servers:   map[string]serverOpts{"10.0.0.1:5333": {starttls: true, cert: cert}},
		opts:      client.Options{Server: "10.0.0.1:5333", RootCAs: pool},
		wantTried: []string{"tcp 10.0.0.1:5333"},
		wantTLS:   true,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &tableResolver{records: tc.records}
			d := &pipeDialer{t: t, servers: tc.servers}
			tc.opts.Resolver, tc.opts.Dialer = r, d
			c, err := client.Dial(testCtx(t), testJID, testPassword, tc.opts)
			if err == nil {
				defer c.Close()
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("error %v, want one saying %q", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			if diff := cmp.Diff(tc.wantTried, d.tried); diff != "" {
				t.Errorf("addresses tried (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantAsked, r.asked); diff != "" {
				t.Errorf("SRV lookups (-want +got):\n%s", diff)
			}
			if err == nil {
				if _, ok := c.TLSConnectionState(); ok != tc.wantTLS {
					t.Errorf("TLS %v, want %v", ok, tc.wantTLS)
				}
			}
		})
	}
}

// TestDialIDN connects to an internationalized domain: DNS names, the
// fallback host and the TLS server name are in A-labels, the stream
// header names the domain in U-labels (RFC 7622 section 3.2.1).
func TestDialIDN(t *testing.T) {
	pool, cert := testCA()
	account := jid.MustParse(testUser + "@" + testIDNDomain)
	if account.Domain() != testIDNDomain {
		t.Fatalf("jid keeps the domain as %q", account.Domain())
	}
	cases := []struct {
		name      string
		records   map[string][]*net.SRV
		server    string // the address the fake server listens on
		sopts     serverOpts
		wantTried []string
		wantTo    int // stream headers expected (each with to = the U-label domain)
	}{{
		name:      "fallback host, STARTTLS",
		server:    testIDNASCII + ":5222",
		sopts:     serverOpts{starttls: true, cert: cert, domain: testIDNDomain},
		wantTried: []string{"tcp " + testIDNASCII + ":5222"},
		wantTo:    3, // before TLS, after TLS, after SASL
	}, {
		name: "SRV target with direct TLS: the server name is still the domain",
		records: map[string][]*net.SRV{
			"xmpps-client": {{Target: "tls." + testIDNASCII + ".", Port: 5223}},
		},
		server:    "tls." + testIDNASCII + ":5223",
		sopts:     serverOpts{directTLS: true, cert: cert, domain: testIDNDomain},
		wantTried: []string{"tcp tls." + testIDNASCII + ":5223"},
		wantTo:    2, // before and after SASL
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &tableResolver{records: tc.records}
			var srv *fakeServer
			var tried []string
			dial := dialerFunc(func(ctx context.Context, network, addr string) (net.Conn, error) {
				tried = append(tried, network+" "+addr)
				if addr != tc.server {
					return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
				}
				conn, s := startServer(t, tc.sopts)
				srv = s
				return conn, nil
			})
			c, err := client.Dial(testCtx(t), account, testPassword, client.Options{Resolver: r, Dialer: dial, RootCAs: pool})
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			defer c.Close()
			wantNames := []string{"_xmpps-client._tcp." + testIDNASCII, "_xmpp-client._tcp." + testIDNASCII}
			if diff := cmp.Diff(wantNames, r.names); diff != "" {
				t.Errorf("SRV lookups (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantTried, tried); diff != "" {
				t.Errorf("addresses tried (-want +got):\n%s", diff)
			}
			if got, want := c.JID().String(), testUser+"@"+testIDNDomain+"/gen-1"; got != want {
				t.Errorf("bound JID %q, want %q", got, want)
			}
			st, ok := c.TLSConnectionState()
			if !ok || st.ServerName != testIDNASCII {
				t.Errorf("TLS %v, server name %q, want %q", ok, st.ServerName, testIDNASCII)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if diff := cmp.Diff([]string{testIDNASCII}, srv.sni); diff != "" {
				t.Errorf("server name indication (-want +got):\n%s", diff)
			}
			var to []string
			for _, h := range srv.headers {
				to = append(to, h.To)
			}
			want := make([]string, tc.wantTo)
			for i := range want {
				want[i] = testIDNDomain
			}
			if diff := cmp.Diff(want, to); diff != "" {
				t.Errorf("stream header 'to' (-want +got):\n%s", diff)
			}
		})
	}
}

// dialerFunc makes a function a client.Dialer.
type dialerFunc func(ctx context.Context, network, addr string) (net.Conn, error)

func (f dialerFunc) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return f(ctx, network, addr)
}
