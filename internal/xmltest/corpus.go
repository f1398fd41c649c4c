package xmltest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Sample is one top-level element of a corpus file.
type Sample struct {
	// File is the path of the corpus file, as given to Corpus joined with
	// the file name.
	File string
	// Line is the 1-based line of the element's '<' in File.
	Line int
	// Source is the text of the comment just before the element, trimmed:
	// where the element was taken from.
	Source string
	// XML is the element exactly as it appears in File, from its '<' to the
	// end of its end tag.
	XML []byte
}

// Corpus returns the top-level elements of every *.xml file in dir, in file
// name order and then in document order. Every element must be preceded by a
// comment naming its source; Corpus reports one that is not through t.Errorf,
// and a file it cannot read or parse through t.Fatalf.
//
// The elements are not re-serialized: XML holds their exact bytes, so a
// sample can be fed to a decoder as it would arrive from a stream.
func Corpus(t testing.TB, dir string) []Sample {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil {
		t.Fatalf("xmltest: %v", err)
	}
	if len(files) == 0 {
		t.Fatalf("xmltest: no *.xml files in %s", dir)
	}
	var out []Sample
	for _, f := range files { // Glob sorts
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("xmltest: %v", err)
		}
		samples, err := splitCorpus(f, data)
		if err != nil {
			t.Fatalf("xmltest: %v", err)
		}
		for _, s := range samples {
			if s.Source == "" {
				t.Errorf("xmltest: %s:%d: element has no source comment before it", s.File, s.Line)
			}
		}
		out = append(out, samples...)
	}
	return out
}

// splitCorpus cuts data into its top-level elements.
func splitCorpus(file string, data []byte) ([]Sample, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var (
		out     []Sample
		source  string
		depth   int
		start   int64
		pending bool // a comment was seen since the last element
	)
	for {
		off := d.InputOffset()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &lineError{file: file, line: lineAt(data, d.InputOffset()), err: err}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				start = off
				if !pending {
					source = ""
				}
			}
			depth++
		case xml.EndElement:
			depth--
			if depth == 0 {
				end := d.InputOffset()
				out = append(out, Sample{
					File:   file,
					Line:   lineAt(data, start),
					Source: source,
					XML:    bytes.Clone(data[start:end]),
				})
				pending = false
			}
		case xml.Comment:
			if depth == 0 {
				source = strings.TrimSpace(string(t))
				pending = true
			}
		case xml.CharData:
			if i := bytes.IndexFunc(t, func(r rune) bool { return !strings.ContainsRune(" \t\r\n", r) }); depth == 0 && i >= 0 {
				return nil, &lineError{file: file, line: lineAt(data, off+int64(i)), err: errors.New("text outside the top-level elements")}
			}
		}
	}
	if depth != 0 {
		return nil, &lineError{file: file, line: lineAt(data, int64(len(data))), err: errors.New("unexpected end of file inside an element")}
	}
	return out, nil
}

// lineAt returns the 1-based line of data[off].
func lineAt(data []byte, off int64) int {
	return bytes.Count(data[:off], []byte("\n")) + 1
}

type lineError struct {
	file string
	line int
	err  error
}

func (e *lineError) Error() string {
	return e.file + ":" + strconv.Itoa(e.line) + ": " + e.err.Error()
}

func (e *lineError) Unwrap() error { return e.err }
