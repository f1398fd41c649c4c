package client

import (
	"context"
	"math/rand/v2"
	"net"
	"slices"
	"strconv"
	"strings"
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
func Lookup(ctx context.Context, r Resolver, domain string) ([]Target, error) {
	return lookup(ctx, r, domain, rand.IntN)
}

func lookup(ctx context.Context, r Resolver, domain string, randN func(int) int) ([]Target, error) {
	if r == nil {
		r = net.DefaultResolver
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
