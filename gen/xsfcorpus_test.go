package gen

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/protoxmpp/protoxmpp/internal/xmltest"
)

var posRE = regexp.MustCompile(`\.xsd:\d+(:\d+)?: `)

// TestXSFCorpus runs the generator on every official schema in
// ../shared/xsf-schemas, one at a time with -I pointing at the folder, as a
// user would. Every well-formed schema must give a package that compiles;
// the others must fail with an error citing file:line; none may panic.
// With Strict, a schema that warned must fail with its file:line and one
// that did not must still generate. Then, for each schema, the examples of
// its XEP (../shared/xeps/xep-NNNN.xml) that are well-formed and whose
// root element, or topmost elements, are in the schema's target namespace
// are decoded with the generated package and re-encoded: the output must be
// canonically equal to the example.
func TestXSFCorpus(t *testing.T) {
	root := moduleRoot(t)
	shared := filepath.Join(root, "..", "shared")
	corpus := filepath.Join(shared, "xsf-schemas")
	if _, err := os.Stat(corpus); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the XSF schema corpus is missing at %s", corpus)
		}
		t.Skipf("no XSF schema corpus at %s", corpus)
	}
	if testing.Short() {
		t.Skip("compiling 200+ generated packages takes a while; skipped with -short")
	}
	files, _ := filepath.Glob(filepath.Join(corpus, "*.xsd"))
	sort.Strings(files)
	mod := t.TempDir()
	goMod := "module corpus\n\ngo 1.26\n\nrequire github.com/protoxmpp/protoxmpp v0.0.0\n\nreplace github.com/protoxmpp/protoxmpp => " + root + "\n"
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(goMod), 0o644); err != nil {
		t.Fatal(err)
	}
	if sum, err := os.ReadFile(filepath.Join(root, "go.sum")); err == nil {
		os.WriteFile(filepath.Join(mod, "go.sum"), sum, 0o644)
	}
	var wellFormed, generated, warned, failed, strictRefused int
	var targets []exampleTarget
	var examples []corpusExample
	for _, file := range files {
		base := filepath.Base(file)
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		wf := isWellFormed(data)
		if wf {
			wellFormed++
		}
		out := filepath.Join(mod, "s"+strings.TrimSuffix(strings.ReplaceAll(base, "-", "_"), ".xsd"))
		cfg := Config{Schemas: []string{file}, SearchDirs: []string{corpus}, Out: out, Module: "corpus/" + filepath.Base(out)}
		res, err := generateNoPanic(t, base, cfg)
		if err != nil {
			failed++
			switch {
			case wf:
				t.Errorf("%s: well-formed schema failed: %v", base, err)
			case !posRE.MatchString(err.Error()):
				t.Errorf("%s: error without file:line: %v", base, err)
			}
			continue
		}
		if res == nil {
			continue // panicked
		}
		generated++
		cfg.Strict = true
		_, serr := generateNoPanic(t, base, cfg)
		if len(res.Warnings) > 0 {
			warned++
			switch {
			case serr == nil:
				t.Errorf("%s: warned, but -strict did not refuse it", base)
			case !posRE.MatchString(serr.Error()):
				t.Errorf("%s: -strict error without file:line: %v", base, serr)
			default:
				strictRefused++
			}
		} else if serr != nil {
			t.Errorf("%s: no warning, but -strict refused it: %v", base, serr)
		}
		if err := Write(res, out); err != nil {
			t.Fatal(err)
		}
		// The package of the schema's own namespace, for its examples.
		tns := targetNamespace(data)
		dir, pkg := packageOf(res, tns)
		if dir == "" {
			continue
		}
		m := regexp.MustCompile(`^xep-(\d{4})-`).FindStringSubmatch(base)
		if m == nil {
			continue
		}
		xep := "xep-" + m[1] + ".xml"
		src, err := os.ReadFile(filepath.Join(shared, "xeps", xep))
		if err != nil {
			continue
		}
		frags := xepExamples(src, tns)
		if len(frags) == 0 {
			continue
		}
		rel, _ := filepath.Rel(mod, dir)
		tg := exampleTarget{schema: base, dir: dir, importPath: "corpus/" + filepath.ToSlash(rel), pkg: pkg}
		for _, f := range frags {
			examples = append(examples, corpusExample{Target: len(targets), Source: xep + " example " + f.id, XML: f.xml, Root: f.root})
			tg.names = append(tg.names, f.name)
		}
		targets = append(targets, tg)
	}
	cmd := exec.Command("go", "build", "./...")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	if outb, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generated packages do not compile: %v\n%s", err, outb)
	}
	t.Logf("XSF corpus: %d schemas, %d well-formed; %d generated packages that compile (%d with warnings, all %d refused by -strict with file:line); %d refused with a file:line error",
		len(files), wellFormed, generated, warned, strictRefused, failed)
	if generated != wellFormed {
		t.Errorf("%d well-formed schemas, but %d generated packages", wellFormed, generated)
	}
	roundTripExamples(t, mod, targets, examples)
}

func generateNoPanic(t *testing.T, base string, cfg Config) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: panic: %v", base, r)
			res, err = nil, nil
		}
	}()
	return Generate(cfg)
}

// isWellFormed reports whether data is well-formed XML with one root.
func isWellFormed(data []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	roots := 0
	depth := 0
	for {
		tok, err := d.Token() // unlike RawToken, checks that end tags match
		if errors.Is(err, io.EOF) {
			return roots == 1 && depth == 0
		}
		if err != nil {
			return false
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

// targetNamespace returns the targetNamespace of a schema document.
func targetNamespace(data []byte) string {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		tok, err := d.RawToken()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Space == "" && a.Name.Local == "targetNamespace" {
					return a.Value
				}
			}
			return ""
		}
	}
}

// packageOf finds, among the generated files, the folder and package name
// of namespace ns.
func packageOf(res *Result, ns string) (dir, pkg string) {
	want := fmt.Sprintf("const NS = %q", ns)
	var paths []string
	for p := range res.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		b := res.Files[p]
		if filepath.Base(p) != "types_gen.go" || !bytes.Contains(b, []byte(want)) {
			continue
		}
		m := regexp.MustCompile(`(?m)^package (\w+)$`).FindSubmatch(b)
		if m == nil {
			continue
		}
		return filepath.Dir(p), string(m[1])
	}
	return "", ""
}

// exampleFragment is one element of a XEP example in the target namespace.
type exampleFragment struct {
	id   string // the example's number in the XEP, and the fragment's
	name xml.Name
	xml  string
	root bool // the example's root element
}

var commentRE = regexp.MustCompile(`(?s)<!--.*?-->`)

// clientScope is what an example inherits: unprefixed stanzas are in
// jabber:client, stream: is the streams namespace.
var clientScope = map[string]string{"": "jabber:client", "stream": "http://etherx.jabber.org/streams"}

var exampleRE = regexp.MustCompile(`(?s)<example\b[^>]*>\s*<!\[CDATA\[(.*?)\]\]>\s*</example>`)

// xepExamples returns the elements in namespace ns of the well-formed
// examples of a XEP: an example's root when it is in ns, otherwise its
// topmost elements in ns that declare their own namespaces.
func xepExamples(src []byte, ns string) []exampleFragment {
	var out []exampleFragment
	for i, m := range exampleRE.FindAllSubmatch(src, -1) {
		// Comments explain examples; XMPP forbids them on the wire.
		text := commentRE.ReplaceAll(m[1], nil)
		if _, err := xmltest.Canonical(text, clientScope); err != nil {
			continue // not well-formed (ellipses, an unclosed stream, ...)
		}
		d := xml.NewDecoder(bytes.NewReader(text))
		d.Strict = true
		depth, start, inNS := 0, int64(-1), 0
		root := false
		var name xml.Name
		k := 0
		for {
			off := d.InputOffset()
			tok, err := d.Token()
			if err != nil {
				break
			}
			switch tt := tok.(type) {
			case xml.StartElement:
				depth++
				if start < 0 && tt.Name.Space == ns {
					start, inNS, name, root = off, depth, tt.Name, depth == 1
				}
			case xml.EndElement:
				if start >= 0 && depth == inNS {
					frag := text[start:d.InputOffset()]
					if _, err := xmltest.Canonical(frag, nil); err == nil {
						k++
						out = append(out, exampleFragment{id: fmt.Sprintf("%d.%d", i+1, k), name: name, xml: string(frag), root: root})
					}
					start = -1
				}
				depth--
			}
		}
	}
	return out
}

// exampleTarget is the package an example decodes with.
type exampleTarget struct {
	schema, dir, importPath, pkg string
	names                        []xml.Name // root names of its examples
}

// corpusExample is one example, as the driver program reads it.
type corpusExample struct {
	Target int
	Source string
	XML    string
	Root   bool // the whole example, not an element inside it
}

// exampleResult is what the driver program writes for one example.
type exampleResult struct {
	Out   string
	Err   string
	Typed bool
}

// roundTripExamples writes into each target package a file that captures
// its decoders at init (several schemas may register the same names: the
// package of the schema whose XEP gave the example is the one to use), and
// a driver program that decodes and re-encodes every example; it then
// compares each output with its example.
func roundTripExamples(t *testing.T, mod string, targets []exampleTarget, examples []corpusExample) {
	t.Helper()
	driver := &strings.Builder{}
	driver.WriteString("package main\n\nimport (\n\t\"encoding/json\"\n\t\"os\"\n\n\t\"github.com/protoxmpp/protoxmpp/stanza\"\n")
	for i, tg := range targets {
		fmt.Fprintf(driver, "\tp%d %q\n", i, tg.importPath)
		capture := &strings.Builder{}
		fmt.Fprintf(capture, "package %s\n\nimport \"github.com/protoxmpp/protoxmpp/stanza\"\n\n", tg.pkg)
		capture.WriteString("// CapturedDecoders are the decoders this package registered, read right\n// after its own init functions (this file's name sorts last).\nvar CapturedDecoders = map[stanza.Name]stanza.DecodeFunc{}\n\nfunc init() {\n\tfor _, n := range []stanza.Name{\n")
		seen := map[xml.Name]bool{}
		for _, n := range tg.names {
			if !seen[n] {
				seen[n] = true
				fmt.Fprintf(capture, "\t\t{Space: %q, Local: %q},\n", n.Space, n.Local)
			}
		}
		capture.WriteString("\t} {\n\t\tif f := stanza.Lookup(n); f != nil {\n\t\t\tCapturedDecoders[n] = f\n\t\t}\n\t}\n}\n")
		if err := os.WriteFile(filepath.Join(tg.dir, "zz_capture.go"), []byte(capture.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	driver.WriteString(")\n\nvar targets = []map[stanza.Name]stanza.DecodeFunc{\n")
	for i := range targets {
		fmt.Fprintf(driver, "\tp%d.CapturedDecoders,\n", i)
	}
	driver.WriteString(driverBody)
	if err := os.MkdirAll(filepath.Join(mod, "examples"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "examples", "main.go"), []byte(driver.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := json.Marshal(examples)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", "./examples")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("example driver: %v\n%s", err, stderr.Bytes())
	}
	var results []exampleResult
	if err := json.Unmarshal(outb, &results); err != nil || len(results) != len(examples) {
		t.Fatalf("example driver output: %v (%d results for %d examples)", err, len(results), len(examples))
	}
	var ok, typed, roots int
	for i, ex := range examples {
		r := results[i]
		schema := targets[ex.Target].schema
		if r.Err != "" {
			t.Errorf("%s: %s: %s\n%s", schema, ex.Source, r.Err, ex.XML)
			continue
		}
		want, _ := xmltest.Canonical([]byte(ex.XML), nil)
		got, err := xmltest.Canonical([]byte(r.Out), nil)
		if err != nil {
			t.Errorf("%s: %s: output is not well-formed: %v\n%s", schema, ex.Source, err, r.Out)
			continue
		}
		if want != got {
			t.Errorf("%s: %s: re-encoded differently:\n in: %s\nout: %s", schema, ex.Source, ex.XML, r.Out)
			continue
		}
		ok++
		if ex.Root {
			roots++
		}
		if r.Typed {
			typed++
		}
	}
	t.Logf("XEP examples: %d elements in the schemas' namespaces, from %d schemas; %d round-tripped canonically equal (%d whole examples, %d inside a stanza; %d decoded into a generated type, %d kept raw: not a global element of the schema, or refused by its typed decoder)",
		len(examples), len(targets), ok, roots, ok-roots, typed, ok-typed)
}

const driverBody = `}

type example struct {
	Target int
	Source string
	XML    string
}

type result struct {
	Out   string
	Err   string
	Typed bool
}

func main() {
	var in []example
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		panic(err)
	}
	out := make([]result, len(in))
	for i, ex := range in {
		out[i] = roundTrip(targets[ex.Target], ex.XML)
	}
	json.NewEncoder(os.Stdout).Encode(out)
}

func roundTrip(decoders map[stanza.Name]stanza.DecodeFunc, x string) (r result) {
	defer func() {
		if p := recover(); p != nil {
			r.Err = "panic: " + stringOf(p)
		}
	}()
	d := stanza.NewDecoderString(x)
	for d.Next() != stanza.StartElement {
		if d.Err() != nil {
			return result{Err: d.Err().Error()}
		}
	}
	// As stanza.DecodeElement does, with this package's decoder: content
	// the typed decoder refuses is kept raw.
	var v stanza.Element
	var err error
	if f := decoders[d.Name()]; f != nil {
		m := d.Mark()
		v, err = f(d)
		r.Typed = err == nil
		if err != nil {
			v, err = d.Fallback(m, err)
		}
	} else {
		v, err = stanza.DecodeElement(d)
	}
	if err != nil {
		return result{Err: "decode: " + err.Error()}
	}
	b, err := stanza.Marshal(v)
	if err != nil {
		return result{Err: "encode: " + err.Error()}
	}
	r.Out = string(b)
	return r
}

func stringOf(p any) string {
	if e, ok := p.(error); ok {
		return e.Error()
	}
	if s, ok := p.(string); ok {
		return s
	}
	return "non-string panic"
}
`
