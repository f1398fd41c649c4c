package jid

import "testing"

// FuzzFastPaths checks that every string a fast path accepts gets the same
// result from the full PRECIS or IDNA enforcement.
func FuzzFastPaths(f *testing.F) {
	for _, s := range []string{"juliet", "example.com", "a-b.c0", "foo bar", "xn--bcher-kva", "ab--cd", "-a", "a-", "1.2.3.4", "`{|}~", " ", "a.b."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		check := func(p Part, fast func(string) bool, slow func(string) (string, error)) {
			if !fast(s) {
				return
			}
			want, werr := checkLen(p, s) // what the fast path returns
			got, err := slow(s)
			if got != want || (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() {
				t.Fatalf("%v fast path gives %q, %v for %q; full enforcement gives %q, %v", p, want, werr, s, got, err)
			}
		}
		check(Localpart, canonicalASCIILocal, slowLocal)
		check(Resourcepart, canonicalASCIIResource, slowResource)
		check(Domainpart, canonicalASCIIDomain, slowDomain)
	})
}
