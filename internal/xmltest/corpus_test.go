package xmltest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const corpusDir = "../../testdata/corpus"

// TestCorpus checks every corpus sample: it parses with encoding/xml, has a
// canonical form, and declares the namespace of its top-level element on the
// element itself (so that it can be decoded with no enclosing stream).
func TestCorpus(t *testing.T) {
	samples := Corpus(t, corpusDir)
	perFile := map[string]int{}
	var files []string
	seen := map[string]string{}
	for _, s := range samples {
		where := s.File + ":" + strconv.Itoa(s.Line)
		if perFile[s.File] == 0 {
			files = append(files, s.File)
		}
		perFile[s.File]++
		if err := parseAll(s.XML); err != nil {
			t.Errorf("%s: encoding/xml: %v", where, err)
			continue
		}
		c, err := Canonical(s.XML, nil)
		if err != nil {
			t.Errorf("%s: %v", where, err)
			continue
		}
		if strings.HasPrefix(c, "{}") {
			t.Errorf("%s: top-level element is in no namespace; declare its namespace on it", where)
		}
		if strings.Count(c, "\n") == 0 || strings.Contains(c[1:], "\n{") {
			t.Errorf("%s: sample is not exactly one element", where)
		}
		if prev, ok := seen[string(s.XML)]; ok {
			t.Errorf("%s: same bytes as %s", where, prev)
		}
		seen[string(s.XML)] = where
	}
	for _, f := range files {
		t.Logf("%-30s %3d samples", filepath.Base(f), perFile[f])
	}
	t.Logf("%-30s %3d samples", "total", len(samples))
}

// parseAll reads every token of data with encoding/xml, which checks
// well-formedness and matching end tags.
func parseAll(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func TestSplitCorpus(t *testing.T) {
	in := "<!-- first -->\n<a xmlns='urn:a'><b/>\n</a>\n\n  <!-- ignored -->\n<!--  second  -->\n<c xmlns='urn:a'/><d xmlns='urn:a'>x</d>\n"
	got, err := splitCorpus("f.xml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Sample{
		{File: "f.xml", Line: 2, Source: "first", XML: []byte("<a xmlns='urn:a'><b/>\n</a>")},
		{File: "f.xml", Line: 7, Source: "second", XML: []byte("<c xmlns='urn:a'/>")},
		{File: "f.xml", Line: 7, Source: "", XML: []byte("<d xmlns='urn:a'>x</d>")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("splitCorpus (-want +got):\n%s", diff)
	}
}

func TestSplitCorpusErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"text outside elements", "<!-- s -->\n<a xmlns='urn:a'/>\nstray text\n", "f.xml:3: text outside"},
		{"unclosed element", "<!-- s -->\n<a xmlns='urn:a'>\n<b>\n", "f.xml:"},
		{"mismatched end tag", "<!-- s -->\n<a xmlns='urn:a'>\n</b>\n", "f.xml:3:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := splitCorpus("f.xml", []byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("splitCorpus error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
