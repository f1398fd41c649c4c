package all_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protoxmpp/protoxmpp/internal/xmltest"
	"github.com/protoxmpp/protoxmpp/stanza"
	_ "github.com/protoxmpp/protoxmpp/stanza/all"
)

const root = "../.."

// ourNamespaces reads schemas/pkgmap.txt: the namespaces we ship schemas
// for, with their package folder.
func ourNamespaces(t *testing.T) map[string]string {
	f, err := os.Open(filepath.Join(root, "schemas", "pkgmap.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 && !strings.HasPrefix(fields[0], "#") {
			m[fields[0]] = fields[1]
		}
	}
	return m
}

// TestAllImportsEveryPackage keeps all.go in step with the package map.
func TestAllImportsEveryPackage(t *testing.T) {
	src, err := os.ReadFile("all.go")
	if err != nil {
		t.Fatal(err)
	}
	for ns, pkg := range ourNamespaces(t) {
		if !strings.Contains(string(src), `"github.com/protoxmpp/protoxmpp/stanza/`+pkg+`"`) {
			t.Errorf("all.go does not import the package of %s (%s)", ns, pkg)
		}
	}
}

// walk calls f for every *stanza.RawElement reachable from v, with a path.
func walk(v reflect.Value, path string, f func(path string, r *stanza.RawElement)) {
	switch v.Kind() {
	case reflect.Interface:
		if !v.IsNil() {
			walk(v.Elem(), path, f)
		}
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if r, ok := v.Interface().(*stanza.RawElement); ok {
			f(path, r)
			return
		}
		walk(v.Elem(), path, f)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			walk(v.Field(i), path+"."+v.Type().Field(i).Name, f)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walk(v.Index(i), path+"["+string(rune('0'+i%10))+"]", f)
		}
	}
}

func decodeOne(t *testing.T, data []byte) (stanza.Element, error) {
	d := stanza.NewDecoder(data)
	for {
		switch d.Next() {
		case stanza.CharData:
			continue
		case stanza.StartElement:
			return stanza.DecodeElement(d)
		default:
			if d.Err() != nil {
				return nil, d.Err()
			}
			t.Fatal("no element")
		}
	}
}

// TestCorpusRoundTrip decodes every real stanza of testdata/corpus into its
// typed value, checks that every namespace we ship a schema for decoded into
// typed values (no raw elements left for them), re-encodes it, compares the
// result with the input as canonical XML, and checks that decode-encode is
// a fixed point.
func TestCorpusRoundTrip(t *testing.T) {
	ours := ourNamespaces(t)
	samples := xmltest.Corpus(t, filepath.Join(root, "testdata", "corpus"))
	if len(samples) < 300 {
		t.Fatalf("only %d corpus samples", len(samples))
	}
	typed := map[string]int{}
	var keptRaw int
	for _, s := range samples {
		name := filepath.Base(s.File) + ":" + itoa(s.Line)
		// Decoded from a buffer written over right after, as a reader
		// of a connection does: nothing decoded may share it.
		buf := bytes.Clone(s.XML)
		v, err := decodeOne(t, buf)
		for i := range buf {
			buf[i] = '#'
		}
		if err != nil {
			t.Errorf("%s (%s): decode: %v", name, s.Source, err)
			continue
		}
		placeholder := strings.Contains(s.Source, "placeholder")
		walk(reflect.ValueOf(v), reflect.TypeOf(v).String(), func(path string, r *stanza.RawElement) {
			if _, ok := ours[r.Name.Space]; !ok {
				return
			}
			if stanza.Lookup(r.Name) == nil {
				// An element its namespace's schema does not declare (a
				// payload without its own xmlns, in pubsub's): raw is right.
				return
			}
			t.Errorf("%s (%s): %s: <%s xmlns='%s'> left raw: %v", name, s.Source, path, r.Name.Local, r.Name.Space, r.Err)
		})
		// A placeholder where the schema wants a number decodes typed, the
		// attribute kept as it came; validation reports it.
		if placeholder {
			if err := stanza.Validate(v); err == nil || !strings.Contains(err.Error(), "is not a valid") {
				t.Errorf("%s: validation of a placeholder value: %v", name, err)
			} else {
				keptRaw++
			}
		}
		countTyped(reflect.ValueOf(v), ours, typed)
		out, err := stanza.Marshal(v)
		if err != nil {
			t.Errorf("%s: encode: %v", name, err)
			continue
		}
		if w, g := canon(t, s.XML), canon(t, out); w != g {
			t.Errorf("%s (%s): re-encoded differently (-want +got):\n%s", name, s.Source, cmp.Diff(w, g))
		}
		v2, err := decodeOne(t, out)
		if err != nil {
			t.Errorf("%s: decode of own output %s: %v", name, out, err)
			continue
		}
		out2, err := stanza.Marshal(v2)
		if err != nil || string(out2) != string(out) {
			t.Errorf("%s: not a fixed point:\n first: %s\nsecond: %s (%v)", name, out, out2, err)
		}
	}
	var missing []string
	for ns := range ours {
		if typed[ns] == 0 {
			missing = append(missing, ns)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("namespaces never decoded into a typed value by the corpus: %v", missing)
	}
	t.Logf("%d samples round-tripped; %d namespaces decoded typed; %d placeholder values reported by validation", len(samples), len(typed), keptRaw)
}

// countTyped counts the typed values of each of our namespaces in v.
func countTyped(v reflect.Value, ours map[string]string, n map[string]int) {
	if !v.CanInterface() || v.Type() == reflect.TypeOf(stanza.RawElement{}) {
		return
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return
		}
		if e, ok := v.Interface().(stanza.Element); ok {
			if _, raw := e.(*stanza.RawElement); !raw {
				n[e.ElementName().Space]++
			}
		}
		countTyped(v.Elem(), ours, n)
	case reflect.Struct:
		if v.CanAddr() {
			if e, ok := v.Addr().Interface().(stanza.Element); ok {
				n[e.ElementName().Space]++
			}
		}
		for i := 0; i < v.NumField(); i++ {
			countTyped(v.Field(i), ours, n)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			countTyped(v.Index(i), ours, n)
		}
	}
}

func itoa(i int) string {
	var b [20]byte
	p := len(b)
	for {
		p--
		b[p] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			break
		}
	}
	return string(b[p:])
}

func canon(t *testing.T, b []byte) string {
	t.Helper()
	c, err := xmltest.Canonical(b, nil)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	return c
}
