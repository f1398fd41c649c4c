package xmltest

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the generated files under testdata/bench")

const benchDir = "../../testdata/bench"

// rosterBench generates testdata/bench/roster.xml: a roster result as Prosody
// serializes it (one line, single quotes), with 100 distinct contacts, each
// with a name, a subscription state and two groups.
func rosterBench() []byte {
	first := []string{"Alice", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hiroshi", "Ines", "Jonas"}
	last := []string{"Smith", "Rossi", "Novak", "Garcia", "Müller", "Dubois", "Tanaka", "Silva", "Kowalski", "Okafor"}
	domains := []string{"example.com", "example.net", "example.org", "jabber.example"}
	subs := []string{"both", "both", "to", "both", "from", "none"}
	groups := []string{"Friends", "Family", "Work", "Colleagues", "Football", "Book club", "Neighbours", "University"}
	var b bytes.Buffer
	b.WriteString("<iq xmlns='jabber:client' type='result' id='b1edea06ba784f2f9260639d201359f7' to='alice@localhost/peercheck'>")
	b.WriteString("<query xmlns='jabber:iq:roster' ver='142'>")
	for i := range 100 {
		f, l := first[i%10], last[i/10]
		local := strings.ToLower(f + "." + l)
		local = strings.ReplaceAll(local, "ü", "ue")
		g1 := groups[i%len(groups)]
		g2 := groups[(i*3+1)%len(groups)]
		if g2 == g1 {
			g2 = groups[(i+1)%len(groups)]
		}
		fmt.Fprintf(&b, "<item name='%s %s' jid='%s@%s' subscription='%s'><group>%s</group><group>%s</group></item>",
			f, l, local, domains[i%len(domains)], subs[i%len(subs)], g1, g2)
	}
	b.WriteString("</query></iq>\n")
	return b.Bytes()
}

func TestBenchRosterUpToDate(t *testing.T) {
	path := filepath.Join(benchDir, "roster.xml")
	got := rosterBench()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date; run go test ./internal/xmltest -run TestBenchRosterUpToDate -update", path)
	}
}

// TestBenchFiles checks that each benchmark input is one well-formed stanza
// in jabber:client, declared on the stanza, with the shape it promises.
func TestBenchFiles(t *testing.T) {
	tests := []struct {
		file  string
		root  string
		count map[string]int // canonical line prefix (trimmed) -> occurrences
	}{
		{"message.xml", "{jabber:client}message", map[string]int{
			"{jabber:client}body":                           1,
			"{jabber:client}thread":                         1,
			"{urn:xmpp:delay}delay":                         1,
			"{http://jabber.org/protocol/chatstates}active": 1,
		}},
		{"presence.xml", "{jabber:client}presence", map[string]int{
			"{jabber:client}show":                1,
			"{jabber:client}status":              1,
			"{jabber:client}priority":            1,
			"{http://jabber.org/protocol/caps}c": 1,
		}},
		{"roster.xml", "{jabber:client}iq", map[string]int{
			"{jabber:iq:roster}item":  100,
			"{jabber:iq:roster}group": 200,
			"@name=":                  100,
			"@subscription=":          100,
		}},
		{"discoinfo.xml", "{jabber:client}iq", map[string]int{
			"{http://jabber.org/protocol/disco#info}identity": 5,
			"{http://jabber.org/protocol/disco#info}feature":  40,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(benchDir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			c, err := Canonical(data, nil)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(c, "\n"), "\n")
			if lines[0] != tt.root {
				t.Errorf("root = %s, want %s", lines[0], tt.root)
			}
			got := map[string]int{}
			for _, l := range lines {
				l = strings.TrimSpace(l)
				for p := range tt.count {
					if strings.HasPrefix(l, p) {
						got[p]++
					}
				}
			}
			for p, n := range tt.count {
				if got[p] != n {
					t.Errorf("%d lines start with %q, want %d", got[p], p, n)
				}
			}
			if roots := strings.Count("\n"+c, "\n{"); roots != 1 {
				t.Errorf("%d top-level elements, want 1", roots)
			}
		})
	}
}
