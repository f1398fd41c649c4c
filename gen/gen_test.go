package gen

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// moduleRoot is the folder of the main module, from the gen package folder.
func moduleRoot(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// TestGeneratedUpToDate regenerates stanza/ from schemas/ in memory, as
// generate.go does, and fails on any difference or orphaned file.
func TestGeneratedUpToDate(t *testing.T) {
	t.Chdir(moduleRoot(t))
	res, err := Generate(Config{
		Schemas:    []string{"schemas"},
		SearchDirs: []string{"schemas"},
		PkgMap:     "schemas/pkgmap.txt",
		Out:        "stanza",
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range res.Warnings {
		t.Errorf("warning on our own schemas: %s", w)
	}
	changed, orphans, err := Diff(res, "stanza")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range changed {
		t.Errorf("stale generated file %s: run go generate ./...", c)
	}
	for _, o := range orphans {
		t.Errorf("orphaned generated file %s: run go generate ./...", o)
	}
	// Deterministic: a second run renders the same bytes.
	res2, err := Generate(Config{Schemas: []string{"schemas"}, SearchDirs: []string{"schemas"}, PkgMap: "schemas/pkgmap.txt", Out: "stanza"})
	if err != nil {
		t.Fatal(err)
	}
	for p, b := range res.Files {
		if string(res2.Files[p]) != string(b) {
			t.Errorf("%s differs between two runs", p)
		}
	}
}

var posRE = regexp.MustCompile(`\.xsd:\d+(:\d+)?: `)

// TestXSFCorpus runs the generator on every official schema in
// ../shared/xsf-schemas, one at a time with -I pointing at the folder:
// schemas that xmllint validates must give packages that compile; the others
// must either do so or fail with an error citing file:line; none may panic.
func TestXSFCorpus(t *testing.T) {
	root := moduleRoot(t)
	corpus := filepath.Join(root, "..", "shared", "xsf-schemas")
	if _, err := os.Stat(corpus); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the XSF schema corpus is missing at %s", corpus)
		}
		t.Skipf("no XSF schema corpus at %s", corpus)
	}
	if testing.Short() {
		t.Skip("compiling 200+ generated packages takes a while; skipped with -short")
	}
	valid := map[string]bool{}
	if f, err := os.Open(filepath.Join(corpus, "MANIFEST.tsv")); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			cols := strings.Split(sc.Text(), "\t")
			if len(cols) > 5 && cols[5] == "yes" {
				valid[cols[0]] = true
			}
		}
		f.Close()
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
	var generated, failed, warned int
	owner := map[string]string{} // output folder -> schema
	for i, file := range files {
		base := filepath.Base(file)
		out := filepath.Join(mod, "s"+strings.TrimSuffix(strings.ReplaceAll(base, "-", "_"), ".xsd"))
		res, err := func() (res *Result, err error) {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic: %v", base, r)
					err = nil
				}
			}()
			return Generate(Config{Schemas: []string{file}, SearchDirs: []string{corpus}, Out: out, Module: "corpus/" + filepath.Base(out)})
		}()
		_ = i
		if err != nil {
			failed++
			if valid[base] {
				t.Errorf("%s: valid schema failed: %v", base, err)
			} else if !posRE.MatchString(err.Error()) {
				t.Errorf("%s: error without file:line: %v", base, err)
			}
			continue
		}
		if res == nil {
			continue
		}
		if len(res.Warnings) > 0 {
			warned++
		}
		if err := Write(res, out); err != nil {
			t.Fatal(err)
		}
		owner[out] = base
		generated++
	}
	cmd := exec.Command("go", "build", "./...")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	outb, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("generated packages do not compile: %v\n%s", err, outb)
	}
	t.Logf("XSF corpus: %d schemas; %d generated packages that compile (%d with warnings); %d refused with a file:line error", len(files), generated, warned, failed)
}
