package client

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/streams"
)

// fakeResolver answers SRV lookups from a table keyed by service.
type fakeResolver struct {
	records map[string][]*net.SRV
	errs    map[string]error
	asked   []string
}

func (r *fakeResolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	r.asked = append(r.asked, "_"+service+"._"+proto+"."+name)
	if err := r.errs[service]; err != nil {
		return "", r.records[service], err
	}
	if recs, ok := r.records[service]; ok {
		return "_" + service + "._" + proto + "." + name + ".", recs, nil
	}
	return "", nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// seqRand returns the given values in turn, each reduced modulo n.
func seqRand(vals ...int) func(int) int {
	return func(n int) int {
		if len(vals) == 0 {
			return 0
		}
		v := vals[0]
		vals = vals[1:]
		return v % n
	}
}

func srv(target string, port, prio, weight uint16) *net.SRV {
	return &net.SRV{Target: target, Port: port, Priority: prio, Weight: weight}
}

func TestLookup(t *testing.T) {
	notFound := &net.DNSError{Err: "no such host", IsNotFound: true}
	cases := []struct {
		name    string
		records map[string][]*net.SRV
		errs    map[string]error
		rand    []int
		want    []Target
		wantErr error
	}{{
		name: "no records: fall back to the domain on 5222",
		want: []Target{{Addr: "example.com:5222"}},
	}, {
		name: "lookups fail: fall back too",
		errs: map[string]error{"xmpps-client": errors.New("timeout"), "xmpp-client": errors.New("servfail")},
		want: []Target{{Addr: "example.com:5222"}},
	}, {
		name: "priorities mixed across both services",
		records: map[string][]*net.SRV{
			"xmpps-client": {srv("tls.example.com.", 443, 5, 0), srv("tls2.example.com.", 5223, 20, 0)},
			"xmpp-client":  {srv("a.example.com.", 5222, 10, 0), srv("b.example.com.", 5222, 1, 0)},
		},
		want: []Target{
			{Addr: "b.example.com:5222"},
			{Addr: "tls.example.com:443", DirectTLS: true},
			{Addr: "a.example.com:5222"},
			{Addr: "tls2.example.com:5223", DirectTLS: true},
		},
	}, {
		name: "direct TLS decidedly not offered: STARTTLS records only",
		records: map[string][]*net.SRV{
			"xmpps-client": {srv(".", 0, 0, 0)},
			"xmpp-client":  {srv("a.example.com.", 5222, 10, 0)},
		},
		want: []Target{{Addr: "a.example.com:5222"}},
	}, {
		name: "direct TLS not offered and no STARTTLS records: no fallback",
		records: map[string][]*net.SRV{
			"xmpps-client": {srv(".", 0, 0, 0)},
		},
		wantErr: ErrNoService,
	}, {
		name: "both decidedly not offered",
		records: map[string][]*net.SRV{
			"xmpps-client": {srv(".", 0, 0, 0)},
			"xmpp-client":  {srv(".", 0, 0, 0)},
		},
		wantErr: ErrNoService,
	}, {
		name: "STARTTLS not offered, direct TLS is",
		records: map[string][]*net.SRV{
			"xmpps-client": {srv("tls.example.com.", 5223, 0, 0)},
			"xmpp-client":  {srv(".", 0, 0, 0)},
		},
		errs: map[string]error{},
		want: []Target{{Addr: "tls.example.com:5223", DirectTLS: true}},
	}, {
		name: "records returned with an error are used",
		records: map[string][]*net.SRV{
			"xmpp-client": {srv("a.example.com.", 5222, 0, 0)},
		},
		errs: map[string]error{"xmpp-client": errors.New("cannot unmarshal DNS message"), "xmpps-client": notFound},
		want: []Target{{Addr: "a.example.com:5222"}},
	}, {
		name: "weights pick within a priority",
		records: map[string][]*net.SRV{
			"xmpp-client": {srv("light.example.com.", 5222, 1, 10), srv("heavy.example.com.", 5222, 1, 90)},
		},
		// sum 100: 50 passes light's running sum (10) and picks heavy;
		// then only light is left.
		rand: []int{50, 0},
		want: []Target{{Addr: "heavy.example.com:5222"}, {Addr: "light.example.com:5222"}},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &fakeResolver{records: tc.records, errs: tc.errs}
			got, err := lookup(context.Background(), r, "example.com", seqRand(tc.rand...))
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("targets (-want +got):\n%s", diff)
			}
			wantAsked := []string{"_xmpps-client._tcp.example.com", "_xmpp-client._tcp.example.com"}
			if diff := cmp.Diff(wantAsked, r.asked); diff != "" {
				t.Errorf("lookups (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOrderSRV checks RFC 2782's weighted selection step by step.
func TestOrderSRV(t *testing.T) {
	a := srv("a.", 1, 0, 0)
	b := srv("b.", 2, 0, 30)
	c := srv("c.", 3, 0, 70)
	d := srv("d.", 4, 1, 0)
	e := srv("e.", 5, 1, 0)
	name := func(rs []*net.SRV) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.Target)
		}
		return out
	}
	cases := []struct {
		name  string
		in    []*net.SRV
		rand  []int
		want  []string
		draws []int // the n of each randN call
	}{
		// In the order a, b, c the running sums are 0, 30, 100 and a draw
		// is uniform over 0..sum.
		{"draw 0 takes the weight-0 record", []*net.SRV{a, b, c}, []int{0, 0, 0}, []string{"a.", "b.", "c."}, []int{101, 101, 71}},
		{"draw 1 takes the first running sum reaching it", []*net.SRV{a, b, c}, []int{1, 0, 0}, []string{"b.", "a.", "c."}, []int{101, 71, 71}},
		{"draw 31 takes c, then 30 takes b", []*net.SRV{a, b, c}, []int{31, 30, 0}, []string{"c.", "b.", "a."}, []int{101, 31, 1}},
		{"draw 100 is the last record", []*net.SRV{a, b, c}, []int{100, 0, 0}, []string{"c.", "a.", "b."}, []int{101, 31, 31}},
		// Weight 0 moves to the front; the others keep their order (c, b:
		// running sums 0, 70, 100).
		{"weight 0 first, others in given order", []*net.SRV{c, b, a}, []int{0, 0, 0}, []string{"a.", "c.", "b."}, []int{101, 101, 31}},
		{"lower priority value first whatever the weights", []*net.SRV{d, e, c}, []int{0, 0, 0}, []string{"c.", "d.", "e."}, []int{71, 1, 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			next := seqRand(tc.rand...)
			var draws []int
			got := orderSRV(tc.in, func(n int) int {
				draws = append(draws, n)
				return next(n)
			})
			if diff := cmp.Diff(tc.want, name(got)); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.draws, draws); diff != "" {
				t.Errorf("random draws (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOrderSRVDistribution checks with the real random source that a
// record's chance of coming first follows its weight.
func TestOrderSRVDistribution(t *testing.T) {
	light, heavy := srv("light.", 1, 0, 20), srv("heavy.", 2, 0, 80)
	const n = 4000
	first := 0
	for range n {
		if orderSRV([]*net.SRV{light, heavy}, rand.IntN)[0] == heavy {
			first++
		}
	}
	// Running sums 20 and 100, draw uniform over 0..100: heavy comes first
	// with probability 80/101, about 79.2% (standard deviation 0.64%).
	if first < n*75/100 || first > n*84/100 {
		t.Errorf("heavy first %d times of %d", first, n)
	}
}

// TestScanFeatures reads the features negotiation needs, XEP-0440 channel
// binding types included.
func TestScanFeatures(t *testing.T) {
	var f streams.Features
	err := stanza.UnmarshalString(`<stream:features xmlns:stream='http://etherx.jabber.org/streams'>`+
		`<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-256-PLUS</mechanism><mechanism>SCRAM-SHA-256</mechanism></mechanisms>`+
		`<sasl-channel-binding xmlns='urn:xmpp:sasl-cb:0'><channel-binding type='tls-server-end-point'/><channel-binding type='tls-exporter'/></sasl-channel-binding>`+
		`<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>`+
		`<ver xmlns='urn:xmpp:features:rosterver'/><sub xmlns='urn:xmpp:features:pre-approval'/>`+
		`</stream:features>`, &f)
	if err != nil {
		t.Fatal(err)
	}
	got := scanFeatures(&f)
	want := features{
		mechanisms:      []string{"SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"},
		channelBindings: []string{"tls-server-end-point", "tls-exporter"},
		bind:            true, session: true, sessionOptional: true,
		rosterVer: true, preApproval: true,
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(features{})); diff != "" {
		t.Errorf("features (-want +got):\n%s", diff)
	}
}

// TestLookupDomainForms checks the names Lookup queries and falls back to
// for each form of domainpart: internationalized names in A-labels, IP
// addresses without any lookup.
func TestLookupDomainForms(t *testing.T) {
	cases := []struct {
		name      string
		domain    string
		records   map[string][]*net.SRV
		want      []Target
		wantAsked []string
		wantErr   bool
	}{{
		name:      "U-labels are looked up as A-labels",
		domain:    "bücher.example",
		records:   map[string][]*net.SRV{"xmpp-client": {srv("xmpp.xn--bcher-kva.example.", 5222, 0, 0)}},
		want:      []Target{{Addr: "xmpp.xn--bcher-kva.example:5222"}},
		wantAsked: []string{"_xmpps-client._tcp.xn--bcher-kva.example", "_xmpp-client._tcp.xn--bcher-kva.example"},
	}, {
		name:      "the fallback host is in A-labels",
		domain:    "bücher.example",
		want:      []Target{{Addr: "xn--bcher-kva.example:5222"}},
		wantAsked: []string{"_xmpps-client._tcp.xn--bcher-kva.example", "_xmpp-client._tcp.xn--bcher-kva.example"},
	}, {
		name:      "every label converted",
		domain:    "δοκιμή.παράδειγμα",
		want:      []Target{{Addr: "xn--jxalpdlp.xn--hxajbheg2az3al:5222"}},
		wantAsked: []string{"_xmpps-client._tcp.xn--jxalpdlp.xn--hxajbheg2az3al", "_xmpp-client._tcp.xn--jxalpdlp.xn--hxajbheg2az3al"},
	}, {
		name:      "ASCII unchanged",
		domain:    "example.com",
		want:      []Target{{Addr: "example.com:5222"}},
		wantAsked: []string{"_xmpps-client._tcp.example.com", "_xmpp-client._tcp.example.com"},
	}, {
		name:   "IPv4 address: no SRV lookup",
		domain: "192.0.2.7",
		want:   []Target{{Addr: "192.0.2.7:5222"}},
	}, {
		name:   "IPv6 literal: no SRV lookup",
		domain: "[2001:db8::7]",
		want:   []Target{{Addr: "[2001:db8::7]:5222"}},
	}, {
		name:    "a label too long for DNS",
		domain:  strings.Repeat("a", 64) + ".example",
		wantErr: true,
	}, {
		name:    "a name too long for DNS",
		domain:  strings.Repeat("abcdefgh.", 29) + "example",
		wantErr: true,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := &fakeResolver{records: tc.records}
			got, err := lookup(context.Background(), r, tc.domain, seqRand())
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("targets (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantAsked, r.asked); diff != "" {
				t.Errorf("lookups (-want +got):\n%s", diff)
			}
		})
	}
}

// TestASCIIHost checks the host name that stands for a domainpart in DNS
// and TLS, and the TLS configuration built from it.
func TestASCIIHost(t *testing.T) {
	cases := []struct {
		domain   string
		wantHost string
		wantIP   bool
		wantErr  bool
	}{
		{domain: "example.com", wantHost: "example.com"},
		{domain: "bücher.example", wantHost: "xn--bcher-kva.example"},
		{domain: "xn--bcher-kva.example", wantHost: "xn--bcher-kva.example"},
		{domain: "straße.example", wantHost: "xn--strae-oqa.example"}, // non-transitional: ß stays
		{domain: "localhost", wantHost: "localhost"},
		{domain: "192.0.2.7", wantHost: "192.0.2.7", wantIP: true},
		{domain: "[2001:db8::7]", wantHost: "2001:db8::7", wantIP: true},
		{domain: "[192.0.2.7]", wantErr: true},
		{domain: "[2001:db8::7", wantErr: true},
		{domain: "under_score.example", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.domain, func(t *testing.T) {
			host, isIP, err := asciiHost(tc.domain)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error %v", err, tc.wantErr)
			}
			if host != tc.wantHost || isIP != tc.wantIP {
				t.Errorf("asciiHost(%q) = %q, %v; want %q, %v", tc.domain, host, isIP, tc.wantHost, tc.wantIP)
			}
			if err == nil {
				if got := tlsConfig(host, Options{}, false).ServerName; got != tc.wantHost {
					t.Errorf("TLS server name %q, want %q", got, tc.wantHost)
				}
			}
		})
	}
}
