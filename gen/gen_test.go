package gen

import (
	"path/filepath"
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
