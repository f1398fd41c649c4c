package xsd

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// corpusDir holds the official XSF schemas with a MANIFEST.tsv.
const corpusDir = "../../../shared/xsf-schemas"

func corpusFiles(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.xsd"))
	if len(files) == 0 {
		t.Skipf("corpus %s not found", corpusDir)
	}
	sort.Strings(files)
	return files
}

// errorList flattens an error returned by Load into its *Error values.
func errorList(t *testing.T, err error) []*Error {
	t.Helper()
	if err == nil {
		return nil
	}
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	var out []*Error
	for _, e := range list {
		var xe *Error
		if !errors.As(e, &xe) {
			t.Errorf("error is not a *Error: %T %v", e, e)
			continue
		}
		out = append(out, xe)
	}
	return out
}

// checkErrors fails on errors without a position and on internal errors.
func checkErrors(t *testing.T, name string, err error) {
	t.Helper()
	for _, e := range errorList(t, err) {
		if !e.Pos.IsValid() || e.Pos.File == "" {
			t.Errorf("%s: error without a position: %v", name, e)
		}
		if strings.Contains(e.Msg, "internal error") {
			t.Errorf("%s: %v", name, e)
		}
	}
}

type manifestEntry struct {
	ok     bool   // xmllint_schema_ok
	defect string // defect_class
}

func readManifest(t *testing.T) map[string]manifestEntry {
	f, err := os.Open(filepath.Join(corpusDir, "MANIFEST.tsv"))
	if err != nil {
		return nil
	}
	defer f.Close()
	m := map[string]manifestEntry{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	var cols []string
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if cols == nil {
			cols = fields
			continue
		}
		row := map[string]string{}
		for i, c := range cols {
			if i < len(fields) {
				row[c] = fields[i]
			}
		}
		m[row["file"]] = manifestEntry{ok: row["xmllint_schema_ok"] == "yes", defect: row["defect_class"]}
	}
	return m
}

// TestCorpus loads every official schema alone and compares the outcome
// with the MANIFEST. It fails only on a panic or an error without a
// position; mismatches with the MANIFEST are logged.
func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	manifest := readManifest(t)
	var loaded, warned, failed int
	for _, f := range files {
		set, err := Load([]string{f}, Options{SearchDirs: []string{corpusDir}})
		checkErrors(t, f, err)
		base := filepath.Base(f)
		switch {
		case err != nil:
			failed++
			first := strings.SplitN(err.Error(), "\n", 2)[0]
			t.Logf("error   %s: %s", base, first)
		case len(set.Warnings) > 0:
			warned++
			t.Logf("warning %s: %s", base, set.Warnings[0])
		default:
			loaded++
		}
		if me, ok := manifest[base]; ok {
			// xmllint (and xmlschema for UPA) judgement vs ours.
			bad := !me.ok || me.defect != ""
			switch {
			case bad && err == nil:
				t.Logf("MISMATCH %s: manifest %q (xmllint ok=%v), we load it", base, me.defect, me.ok)
			case !bad && err != nil:
				t.Logf("MISMATCH %s: manifest clean, we fail", base)
			}
		}
	}
	t.Logf("corpus: %d files: %d loaded cleanly, %d with warnings, %d with errors", len(files), loaded, warned, failed)
}

// TestCorpusTogether loads all the well-formed schemas at once: namespaces
// given twice must be reported as duplicates, not crash.
func TestCorpusTogether(t *testing.T) {
	files := corpusFiles(t)
	_, err := Load(files, Options{SearchDirs: []string{corpusDir}})
	checkErrors(t, "all", err)
	t.Logf("%d errors loading the corpus together", len(errorList(t, err)))
}

// TestNoPanic feeds truncations and mutations of a few real schemas.
func TestNoPanic(t *testing.T) {
	files := corpusFiles(t)
	var picks []string
	for _, name := range []string{"rfc6120-jabber-client.xsd", "xep-0004-x-data.xsd", "xep-0045-muc.xsd", "xep-0060-pubsub.xsd", "xep-0071-xhtml-im-schema-driver.xsd"} {
		if p := filepath.Join(corpusDir, name); fileExists(p) {
			picks = append(picks, p)
		}
	}
	if len(picks) == 0 {
		picks = files[:3]
	}
	// The picks are also the search dir, so that imports resolve among
	// them without scanning the whole corpus for every mutation.
	dir, lib := t.TempDir(), t.TempDir()
	for _, p := range picks {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(lib, filepath.Base(p)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewSource(1))
	mutations := []func([]byte) []byte{
		func(b []byte) []byte { return b[:rng.Intn(len(b)+1)] }, // truncate
		func(b []byte) []byte { // delete a span
			i := rng.Intn(len(b))
			j := min(len(b), i+rng.Intn(40))
			return append(b[:i:i], b[j:]...)
		},
		func(b []byte) []byte { // duplicate a span
			i := rng.Intn(len(b))
			j := min(len(b), i+rng.Intn(200))
			out := append([]byte{}, b[:j]...)
			out = append(out, b[i:j]...)
			return append(out, b[j:]...)
		},
		func(b []byte) []byte { // overwrite a byte with a markup character
			out := append([]byte{}, b...)
			out[rng.Intn(len(out))] = "<>/'\"=:x "[rng.Intn(9)]
			return out
		},
		func(b []byte) []byte { // swap two attribute values or names
			s := string(b)
			for _, r := range [][2]string{{"ref=", "name="}, {"name=", "ref="}, {"type=", "base="}, {"xs:sequence", "xs:all"}, {"xs:element", "xs:attribute"}, {"xs:complexType", "xs:simpleType"}, {"xs:extension", "xs:restriction"}, {"minOccurs='0'", "minOccurs='9'"}} {
				if rng.Intn(3) == 0 {
					s = strings.Replace(s, r[0], r[1], 1+rng.Intn(3))
				}
			}
			return []byte(s)
		},
	}
	for _, p := range picks {
		data, err := os.ReadFile(p)
		if err != nil || len(data) == 0 {
			continue
		}
		for i := 0; i < 400; i++ {
			m := mutations[i%len(mutations)](append([]byte{}, data...))
			f := filepath.Join(dir, fmt.Sprintf("m%d-%s", i, filepath.Base(p)))
			if err := os.WriteFile(f, m, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load([]string{f}, Options{SearchDirs: []string{lib}})
			checkErrors(t, filepath.Base(p)+" mutation", err)
		}
	}
}

// FuzzLoad checks that no input makes Load panic or return an error
// without a position. Seeds are a few small schemas and, when present,
// corpus files.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(xsHead + ` targetNamespace='urn:a' xmlns='urn:a'><xs:element name='e' type='t'/><xs:complexType name='t'><xs:complexContent><xs:extension base='t'/></xs:complexContent></xs:complexType></xs:schema>`))
	f.Add([]byte(xsHead + `><xs:group name='g'><xs:choice><xs:group ref='g'/></xs:choice></xs:group><xs:simpleType name='s'><xs:union memberTypes='s xs:int'/></xs:simpleType></xs:schema>`))
	f.Add([]byte(xsHead + `><xs:include schemaLocation='f.xsd'/><xs:import namespace='urn:x'/><xs:attribute ref='xml:lang'/></xs:schema>`))
	for _, name := range []string{"xep-0045-muc.xsd", "xep-0004-x-data.xsd"} {
		if data, err := os.ReadFile(filepath.Join(corpusDir, name)); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(t.TempDir(), "f.xsd")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load([]string{file}, Options{SearchDirs: []string{filepath.Dir(file)}})
		checkErrors(t, "fuzz", err)
	})
}
