package gen

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the expectations of the golden scenarios in testdata/golden")

// A golden scenario is one txtar file in testdata/golden: a comment saying
// what it covers, the input schemas (schemas/*.xsd) and optionally a package
// map (pkgmap.txt) and an empty file "strict" to run as with -strict, then
// either the expected output (out/<pkg>/*_gen.go)
// or the expected error (error), and the expected warnings (warnings) if
// any. Hand-written tests (out/<pkg>/*_test.go) are not compared: they are
// copied beside the generated code for the compile check, which builds,
// vets and tests every scenario's output in one module.
//
// Output packages are named after the schema files (or the package map) and
// must be unique across scenarios, since they share that module.

const (
	goldenDir    = "testdata/golden"
	goldenModule = "example.com/golden"
)

// goldenRun is the outcome of one scenario.
type goldenRun struct {
	files map[string][]byte // generated files, by slash path
	err   error
	warns []string
}

// runScenario writes the inputs of a into a fresh folder and runs the
// generator there, with paths relative to it so that error text is stable.
func runScenario(t *testing.T, a *txtar.Archive) goldenRun {
	t.Helper()
	dir := t.TempDir()
	hasMap, strict := false, false
	for _, f := range a.Files {
		strict = strict || f.Name == "strict"
		if !strings.HasPrefix(f.Name, "schemas/") && f.Name != "pkgmap.txt" {
			continue
		}
		hasMap = hasMap || f.Name == "pkgmap.txt"
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	cfg := Config{
		Schemas:    []string{"schemas"},
		SearchDirs: []string{"schemas"},
		Out:        "out",
		Module:     goldenModule + "/out",
	}
	if hasMap {
		cfg.PkgMap = "pkgmap.txt"
	}
	cfg.Strict = strict
	gen := func() (res *Result, err error) {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("generator panicked: %v", r)
			}
		}()
		return Generate(cfg)
	}
	res, err := gen()
	if err != nil {
		return goldenRun{err: err}
	}
	run := goldenRun{files: map[string][]byte{}, warns: res.Warnings}
	for p, b := range res.Files {
		run.files[filepath.ToSlash(p)] = b
	}
	// Deterministic: a second run renders the same bytes.
	res2, err := gen()
	if err != nil {
		t.Fatalf("second run failed: %v", err)
	}
	if len(res2.Files) != len(res.Files) {
		t.Errorf("second run gives %d files, first %d", len(res2.Files), len(res.Files))
	}
	for p, b := range res.Files {
		if !bytes.Equal(res2.Files[p], b) {
			t.Errorf("%s differs between two runs", p)
		}
	}
	return run
}

// isGenerated reports an expected generated file: everything below out/
// except the hand-written tests.
func isGenerated(name string) bool {
	return strings.HasPrefix(name, "out/") && !strings.HasSuffix(name, "_test.go")
}

func isHandTest(name string) bool {
	return strings.HasPrefix(name, "out/") && strings.HasSuffix(name, "_test.go")
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no scenarios in %s", goldenDir)
	}
	abs, err := filepath.Abs(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	// What the compile check builds: module-relative path -> content, and
	// which scenario wrote each package folder.
	module := map[string][]byte{}
	owner := map[string]string{}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		path := filepath.Join(abs, filepath.Base(file))
		t.Run(name, func(t *testing.T) {
			a, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(bytes.TrimSpace(a.Comment)) == 0 {
				t.Errorf("%s: no comment saying what the scenario covers", path)
			}
			run := runScenario(t, a)
			if *update {
				rewrite(t, path, a, run)
				return
			}
			check(t, a, run)
			if run.err != nil {
				return
			}
			for p, b := range run.files {
				dir := pathDir(p)
				if o, ok := owner[dir]; ok && o != name {
					t.Errorf("package folder %s is also written by scenario %s: name the schema files apart", dir, o)
					continue
				}
				owner[dir] = name
				module[p] = b
			}
			for _, f := range a.Files {
				if isHandTest(f.Name) {
					module[f.Name] = f.Data
				}
			}
		})
	}
	if *update {
		return
	}
	t.Run("compile", func(t *testing.T) { compileGolden(t, module) })
}

func pathDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

// check compares a run with the expectations in a.
func check(t *testing.T, a *txtar.Archive, run goldenRun) {
	t.Helper()
	want := map[string]string{}
	var wantErr, wantWarn *string
	for _, f := range a.Files {
		s := string(f.Data)
		switch {
		case f.Name == "error":
			wantErr = &s
		case f.Name == "warnings":
			wantWarn = &s
		case isGenerated(f.Name):
			want[f.Name] = s
		}
	}
	if run.err != nil {
		if wantErr == nil {
			t.Fatalf("unexpected error:\n%v", run.err)
		}
		if d := cmp.Diff(strings.TrimSuffix(*wantErr, "\n"), run.err.Error()); d != "" {
			t.Errorf("error (-want +got):\n%s", d)
		}
		return
	}
	if wantErr != nil {
		t.Fatalf("want error %q, got none", strings.TrimSpace(*wantErr))
	}
	got := map[string]string{}
	for p, b := range run.files {
		got[p] = string(b)
	}
	for _, p := range sortedKeys(want) {
		g, ok := got[p]
		if !ok {
			t.Errorf("%s: not generated", p)
			continue
		}
		if d := cmp.Diff(want[p], g); d != "" {
			t.Errorf("%s (-want +got):\n%s", p, d)
		}
	}
	for _, p := range sortedKeys(got) {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: generated but not expected (run with -update)", p)
		}
	}
	gotWarn := warnText(run.warns)
	w := ""
	if wantWarn != nil {
		w = *wantWarn
	}
	if d := cmp.Diff(w, gotWarn); d != "" {
		t.Errorf("warnings (-want +got):\n%s", d)
	}
}

func warnText(ws []string) string {
	if len(ws) == 0 {
		return ""
	}
	return strings.Join(ws, "\n") + "\n"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// rewrite replaces the expectations in the scenario file with run's.
func rewrite(t *testing.T, path string, a *txtar.Archive, run goldenRun) {
	t.Helper()
	out := &txtar.Archive{Comment: a.Comment}
	for _, f := range a.Files {
		if f.Name == "error" || f.Name == "warnings" || isGenerated(f.Name) || isHandTest(f.Name) {
			continue
		}
		out.Files = append(out.Files, f)
	}
	if run.err != nil {
		out.Files = append(out.Files, txtar.File{Name: "error", Data: []byte(run.err.Error() + "\n")})
	}
	if w := warnText(run.warns); w != "" {
		out.Files = append(out.Files, txtar.File{Name: "warnings", Data: []byte(w)})
	}
	for _, p := range sortedKeys(run.files) {
		out.Files = append(out.Files, txtar.File{Name: p, Data: run.files[p]})
	}
	for _, f := range a.Files {
		if isHandTest(f.Name) {
			out.Files = append(out.Files, f)
		}
	}
	if err := os.WriteFile(path, txtar.Format(out), 0o644); err != nil {
		t.Fatal(err)
	}
}

// compileGolden writes every scenario's output into one module and runs
// go vet and go test there.
func compileGolden(t *testing.T, files map[string][]byte) {
	if len(files) == 0 {
		t.Skip("no generated output")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	if testing.Short() {
		t.Skip("building and testing the generated packages takes a while; skipped with -short")
	}
	root := moduleRoot(t)
	mod := t.TempDir()
	goMod := fmt.Sprintf("module %s\n\ngo 1.26\n\nrequire (\n\tgithub.com/google/go-cmp v0.7.0\n\tgithub.com/protoxmpp/protoxmpp v0.0.0\n)\n\nreplace github.com/protoxmpp/protoxmpp => %s\n", goldenModule, root)
	files["go.mod"] = []byte(goMod)
	if sum, err := os.ReadFile(filepath.Join(root, "go.sum")); err == nil {
		files["go.sum"] = sum
	}
	for p, b := range files {
		full := filepath.Join(mod, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"vet", "./..."}, {"test", "-count=1", "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("go %s in the golden module: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}
