package all_test

import (
	"encoding/xml"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/protoxmpp/protoxmpp/internal/xmltest"
)

var (
	schemaXEP    = regexp.MustCompile(`^xep-(\d{4})-`)
	sourceXEP    = regexp.MustCompile(`^XEP-(\d{4}) \([^)]*\).*?example "([^"]*)"`)
	xepExample   = regexp.MustCompile(`(?s)<example(?:\s+caption=(?:"([^"]*)"|'([^']*)'))?\s*>\s*<!\[CDATA\[(.*?)\]\]>\s*</example>`)
	placeholders = regexp.MustCompile(`\[[A-Za-z][^\]\n]*\]|BASE64|base64-encoded|<!--`)
	targetNS     = regexp.MustCompile(`targetNamespace=['"]([^'"]+)['"]`)
	figurePrefix = regexp.MustCompile(`(?m)^\s*[CS]:\s?`)
)

// TestXEPExamples accounts, for every XEP we ship a schema for, for the
// examples of its XML source in ../shared/xeps: how many there are, how
// many the corpus holds (cited by caption in a sample's source comment,
// and so round-tripped by TestCorpusRoundTrip), and why the others are
// not there. It prints the table, and fails when an example that is
// well-formed, complete and free of placeholders is missing from a corpus
// that holds none of that XEP's examples.
func TestXEPExamples(t *testing.T) {
	xeps := filepath.Join(root, "..", "shared", "xeps")
	if _, err := os.Stat(xeps); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the XEP sources are missing at %s", xeps)
		}
		t.Skipf("no XEP sources at %s", xeps)
	}
	// The XEPs we have schemas for, with their packages.
	ns := ourNamespaces(t)
	schemas, _ := filepath.Glob(filepath.Join(root, "schemas", "xep-*.xsd"))
	pkgs := map[string]map[string]bool{}
	for _, s := range schemas {
		m := schemaXEP.FindStringSubmatch(filepath.Base(s))
		b, err := os.ReadFile(s)
		if m == nil || err != nil {
			continue
		}
		tn := targetNS.FindSubmatch(b)
		if tn == nil {
			continue
		}
		if pkgs[m[1]] == nil {
			pkgs[m[1]] = map[string]bool{}
		}
		pkgs[m[1]][ns[string(tn[1])]] = true
	}
	// The examples the corpus cites, by XEP and caption.
	cited := map[string]map[string]int{}
	for _, s := range xmltest.Corpus(t, "../../testdata/corpus") {
		m := sourceXEP.FindStringSubmatch(s.Source)
		if m == nil {
			continue
		}
		if cited[m[1]] == nil {
			cited[m[1]] = map[string]int{}
		}
		cited[m[1]][m[2]]++
	}
	var nums []string
	for n := range pkgs {
		nums = append(nums, n)
	}
	sort.Strings(nums)
	var rows []string
	var tFound, tKept, tSamples int
	reasons := map[string]int{}
	for _, n := range nums {
		src, err := os.ReadFile(filepath.Join(xeps, "xep-"+n+".xml"))
		if err != nil {
			t.Errorf("XEP-%s: %v", n, err)
			continue
		}
		found, kept, samples := 0, 0, 0
		why := map[string]int{}
		for _, m := range xepExample.FindAllStringSubmatch(string(src), -1) {
			found++
			caption := html.UnescapeString(strings.Join(strings.Fields(m[1]+m[2]), " "))
			if c := cited[n][caption]; c > 0 && caption != "" {
				kept++
				samples += c
				continue
			}
			r := exampleReason(m[3])
			why[r]++
			reasons[r]++
		}
		tFound += found
		tKept += kept
		tSamples += samples
		var ps []string
		for p := range pkgs[n] {
			ps = append(ps, p)
		}
		sort.Strings(ps)
		var ws []string
		for r, c := range why {
			ws = append(ws, fmt.Sprintf("%d %s", c, r))
		}
		sort.Strings(ws)
		rows = append(rows, fmt.Sprintf("XEP-%s %-40s %3d examples, %3d in the corpus (%3d samples); left out: %s", n, strings.Join(ps, ","), found, kept, samples, strings.Join(ws, ", ")))
		if files, _ := filepath.Glob(filepath.Join(root, "testdata", "corpus", "xep-"+n+"-*.xml")); kept == 0 && len(files) == 0 && why["complete, left out"] > 0 {
			t.Errorf("XEP-%s: none of its %d complete examples is in the corpus", n, why["complete, left out"])
		}
	}
	t.Logf("%d XEPs with schemas: %d examples in their sources, %d of them in the corpus as %d samples; left out: %v\n%s",
		len(nums), tFound, tKept, tSamples, reasons, strings.Join(rows, "\n"))
}

// exampleReason says why an example is not in the corpus.
func exampleReason(text string) string {
	switch {
	case strings.Contains(text, "...") || strings.Contains(text, "…"):
		return "elided"
	case placeholders.MatchString(text):
		return "placeholder or comment"
	}
	// Well-formed as a sequence of elements? Stream headers and prefixes
	// bound elsewhere make it a fragment of a stream.
	body := figurePrefix.ReplaceAllString(text, "")
	d := xml.NewDecoder(strings.NewReader("<r xmlns:stream='http://etherx.jabber.org/streams'>" + body + "</r>"))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			if strings.Contains(body, "<stream:stream") || strings.Contains(body, "</stream:stream>") {
				return "stream fragment"
			}
			return "not well-formed"
		}
	}
	if strings.TrimSpace(body) == "" || !strings.Contains(body, "<") {
		return "no XML"
	}
	return "complete, left out"
}
