package client

import (
	"strings"
	"testing"
)

func TestElementChunks(t *testing.T) {
	els := []string{
		"<message to='a@b' id='1'><body>x &gt; y</body></message>",
		"<presence/>",
		"<message a='>' b=\"/>\"><body>" + strings.Repeat("z", 60) + "</body></message>",
		"<r xmlns='urn:xmpp:sm:3'/>",
		"<iq type='get' id='q'><query xmlns='jabber:iq:roster'/></iq>",
	}
	p := strings.Join(els, "")
	for _, limit := range []int{1, 40, 100, 200, 10000} {
		chunks := elementChunks([]byte(p), limit)
		var joined strings.Builder
		for _, c := range chunks {
			joined.Write(c)
			// Each chunk is a run of whole elements.
			s := string(c)
			n := 0
			for _, e := range els {
				if strings.HasPrefix(s[n:], e) {
					n += len(e)
				}
				if n == len(s) {
					break
				}
			}
			if n != len(s) {
				t.Errorf("limit %d: chunk %q is not whole elements", limit, s)
			}
			if len(c) > limit && strings.Count(s, "><") > 0 && limit >= 100 && len(s) > 200 {
				t.Errorf("limit %d: chunk of %d bytes", limit, len(c))
			}
		}
		if joined.String() != p {
			t.Errorf("limit %d: chunks do not add up", limit)
		}
		if limit == 1 && len(chunks) != len(els) {
			t.Errorf("limit 1: %d chunks, want %d", len(chunks), len(els))
		}
		if limit == 10000 && len(chunks) != 1 {
			t.Errorf("limit 10000: %d chunks, want 1", len(chunks))
		}
	}
}
