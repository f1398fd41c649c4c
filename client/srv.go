package client

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/protoxmpp/protoxmpp/jid"
)

// Target is one address to try when connecting: a host and port, and
// whether TLS starts at once (XEP-0368) or after STARTTLS.
type Target struct {
	// Addr is "host:port".
	Addr string
	// DirectTLS is true for an _xmpps-client record: TLS from the first
	// byte, no STARTTLS.
	DirectTLS bool
}

// Lookup returns the addresses to try, in order, to reach the XMPP client
// service of domain: the _xmpps-client._tcp (XEP-0368, direct TLS) and
// _xmpp-client._tcp (RFC 6120 section 3.2.1, STARTTLS) SRV records mixed
// and ordered by priority and weight as RFC 2782 says. When neither lookup
// gives records, the fallback is the domain itself on port 5222 (RFC 6120
// section 3.2.2). A lookup answered with the single target "." means that
// service is decidedly not offered: it contributes nothing, and rules out
// the fallback; when nothing remains, the error is ErrNoService. A nil r
// is net.DefaultResolver.
//
// domain is a JID's domainpart: an internationalized domain name in
// U-labels (RFC 7622 section 3.2) is looked up, and falls back, in its
// A-label form ("bücher.example" as xn--bcher-kva.example), which is what
// DNS holds (RFC 5891 section 5). An IP address (an IPv6 one in brackets)
// has no SRV records: it is the only target, on port 5222.
func Lookup(ctx context.Context, r Resolver, domain string) ([]Target, error) {
	return lookup(ctx, r, domain, rand.IntN)
}

func lookup(ctx context.Context, r Resolver, domain string, randN func(int) int) ([]Target, error) {
	if r == nil {
		r = net.DefaultResolver
	}
	domain, isIP, err := asciiHost(domain)
	if err != nil {
		return nil, err
	}
	if isIP {
		return []Target{{Addr: net.JoinHostPort(domain, "5222")}}, nil
	}
	type rec struct {
		srv    *net.SRV
		direct bool
	}
	var all []rec
	answered := false
	for _, svc := range []struct {
		name   string
		direct bool
	}{{"xmpps-client", true}, {"xmpp-client", false}} {
		// An error comes with the records that were valid, if any: use them.
		_, addrs, _ := r.LookupSRV(ctx, svc.name, "tcp", domain)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if len(addrs) == 0 {
			continue
		}
		answered = true
		if len(addrs) == 1 && isRootTarget(addrs[0].Target) {
			continue // "decidedly not available" (RFC 2782)
		}
		for _, a := range addrs {
			if a != nil && !isRootTarget(a.Target) {
				all = append(all, rec{a, svc.direct})
			}
		}
	}
	if len(all) == 0 {
		if answered {
			return nil, ErrNoService
		}
		// No answer (not found, or the lookup failed): fall back to the
		// domain (RFC 6120 section 3.2.1 step 9 and 3.2.2).
		return []Target{{Addr: net.JoinHostPort(domain, "5222")}}, nil
	}
	srvs := make([]*net.SRV, len(all))
	direct := make(map[*net.SRV]bool, len(all))
	for i, a := range all {
		srvs[i] = a.srv
		direct[a.srv] = a.direct
	}
	ordered := orderSRV(srvs, randN)
	out := make([]Target, len(ordered))
	for i, s := range ordered {
		host := strings.TrimSuffix(s.Target, ".")
		out[i] = Target{Addr: net.JoinHostPort(host, strconv.Itoa(int(s.Port))), DirectTLS: direct[s]}
	}
	return out, nil
}

func isRootTarget(t string) bool { return t == "." || t == "" }

// asciiHost returns the host name that stands for domain, a JID's
// domainpart, in DNS queries, connections and TLS (the reference identity
// and server name indication): a domain name in A-labels (RFC 6125 section
// 6.4.2 compares internationalized names in that form; RFC 6066 section 3
// sends them so), or an IP address, reported by isIP, without the brackets
// of an IPv6 literal. The stream header keeps the domainpart as it is, in
// U-labels (RFC 7622 section 3.2.1).
func asciiHost(domain string) (host string, isIP bool, err error) {
	if inner, ok := strings.CutPrefix(domain, "["); ok {
		inner, ok = strings.CutSuffix(inner, "]")
		if a, err := netip.ParseAddr(inner); ok && err == nil && a.Is6() {
			return a.String(), true, nil
		}
		return "", false, fmt.Errorf("client: domain %q is not a valid IP literal", domain)
	}
	if a, err := netip.ParseAddr(domain); err == nil && a.Is4() {
		return a.String(), true, nil
	}
	host, err = jid.ToASCII(domain)
	if err != nil {
		return "", false, fmt.Errorf("client: domain %q cannot be converted to a DNS name: %w", domain, err)
	}
	return host, false, nil
}

// orderSRV orders records as RFC 2782 says: by ascending priority, and
// within one priority by repeated weighted random selection, records of
// weight 0 placed first so that they have a very small chance of being
// picked early. randN(n) returns an integer in [0, n).
func orderSRV(recs []*net.SRV, randN func(int) int) []*net.SRV {
	recs = slices.Clone(recs)
	slices.SortStableFunc(recs, func(a, b *net.SRV) int { return int(a.Priority) - int(b.Priority) })
	out := make([]*net.SRV, 0, len(recs))
	for len(recs) > 0 {
		n := 1
		for n < len(recs) && recs[n].Priority == recs[0].Priority {
			n++
		}
		group := recs[:n:n]
		recs = recs[n:]
		// Weight 0 first, the others in their given order.
		slices.SortStableFunc(group, func(a, b *net.SRV) int {
			return boolInt(a.Weight != 0) - boolInt(b.Weight != 0)
		})
		for len(group) > 0 {
			sum := 0
			for _, r := range group {
				sum += int(r.Weight)
			}
			pick := randN(sum + 1) // uniform in [0, sum]
			i, running := 0, 0
			for ; i < len(group); i++ {
				running += int(group[i].Weight)
				if running >= pick {
					break
				}
			}
			out = append(out, group[i])
			group = slices.Delete(group, i, i+1)
		}
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
