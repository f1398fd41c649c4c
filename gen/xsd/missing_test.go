package xsd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMissingImportRepair: references into an imported namespace whose
// schema cannot be found are repaired, with one warning at the import.
func TestMissingImportRepair(t *testing.T) {
	files := map[string]string{
		"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns='urn:a' xmlns:b='urn:b' xmlns:c='urn:c' elementFormDefault='qualified'>
  <xs:import namespace='urn:b' schemaLocation='missing.xsd'/>
  <xs:element name='top'>
    <xs:complexType>
      <xs:sequence>
        <xs:element ref='b:elem' minOccurs='0' maxOccurs='unbounded'/>
        <xs:element name='typed' type='b:t'/>
        <xs:group ref='b:g' minOccurs='0'/>
        <xs:element ref='c:found'/>
      </xs:sequence>
      <xs:attribute ref='b:attr' use='required'/>
      <xs:attribute name='plain' type='b:st'/>
      <xs:attributeGroup ref='b:ag'/>
    </xs:complexType>
  </xs:element>
  <xs:element name='again'>
    <xs:complexType><xs:sequence><xs:element ref='b:elem'/></xs:sequence></xs:complexType>
  </xs:element>
  <xs:complexType name='ext'>
    <xs:simpleContent><xs:extension base='b:st'/></xs:simpleContent>
  </xs:complexType>
  <xs:import namespace='urn:c' schemaLocation='c.xsd'/>
</xs:schema>`,
		// The second file: an import that is found is not affected.
		"c.xsd": xsHead + ` targetNamespace='urn:c'><xs:element name='found' type='xs:int'/></xs:schema>`,
	}
	set, dir := mustLoad(t, files, "a.xsd")
	want := []string{`a.xsd:3:3: warning: cannot find a schema for imported namespace urn:b (schemaLocation "missing.xsd"; search dirs: .); ` +
		`its elements are kept as untyped content: type st as xs:anyType, element elem as xs:anyType, type t as xs:anyType, group g as a lax wildcard, ` +
		`attribute attr as xs:string, simple type st as xs:anySimpleType, attribute group ag dropped`}
	got := warnings(set, dir)
	for i := range got {
		got[i] = strings.ReplaceAll(got[i], dir, ".")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}

	top := set.Element(QName{"urn:a", "top"}).Type.(*ComplexType)
	if got, want := dump(top.Content), "sequence(ref {urn:b}elem{0,unbounded}:xs:anyType {urn:a}typed:xs:anyType any(##any,lax){0,1} ref {urn:c}found:xs:int)"; got != want {
		t.Errorf("content %s, want %s", got, want)
	}
	ref := top.Content.Children[0].Element
	elem := ref.Ref
	if elem == nil || elem.Name != (QName{"urn:b", "elem"}) || !elem.Global || elem.MinOccurs != 1 || elem.MaxOccurs != 1 {
		t.Fatalf("ref not resolved to a stand-in global element: %+v", elem)
	}
	if ct, ok := elem.Type.(*ComplexType); !ok || !ct.AnyType || ct != set.ComplexType(QName{XSDNamespace, "anyType"}) {
		t.Errorf("stand-in element type %v, want the built-in xs:anyType", tn(elem.Type))
	}
	if got, want := strip(elem.Pos.String(), dir), "a.xsd:7:9"; got != want {
		t.Errorf("stand-in element at %s, want %s (the first ref)", got, want)
	}
	again := set.Element(QName{"urn:a", "again"}).Type.(*ComplexType)
	if again.Content.Children[0].Element.Ref != elem {
		t.Errorf("the same missing element gave two stand-ins")
	}
	for _, s := range set.Schemas {
		for _, e := range s.Elements {
			if e.Name.Space == "urn:b" {
				t.Errorf("stand-in %s listed in the elements of %s", e.Name, s.File)
			}
		}
	}
	if len(set.Schemas) != 2 {
		t.Errorf("got %d schemas, want 2", len(set.Schemas))
	}
	if found := top.Content.Children[3].Element.Ref; found == nil || found != set.Element(QName{"urn:c", "found"}) {
		t.Errorf("ref into the found import not resolved to its declaration")
	}

	if got, want := dumpAttrs(top.Attributes), []string{"{urn:b}attr:xs:string!", "plain:xs:anySimpleType"}; !cmp.Equal(got, want) {
		t.Errorf("attributes (-want +got):\n%s", cmp.Diff(want, got))
	}
	if r := top.Attributes[0].Ref; r == nil || r.Name != (QName{"urn:b", "attr"}) {
		t.Errorf("attribute ref: %+v", r)
	}
	if top.AnyAttribute != nil {
		t.Errorf("the dropped attribute group brought a wildcard")
	}
	ext := set.ComplexType(QName{"urn:a", "ext"})
	if ext.SimpleContent != set.SimpleType(QName{XSDNamespace, "anySimpleType"}) {
		t.Errorf("simple content %s, want xs:anySimpleType", tn(ext.SimpleContent))
	}
}

// TestMissingImportOneWarningPerSchema: two schemas importing the same
// missing namespace get a warning each, at their own import.
func TestMissingImportOneWarningPerSchema(t *testing.T) {
	files := map[string]string{
		"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns:b='urn:b' xmlns:c='urn:c'>
  <xs:import namespace='urn:c' schemaLocation='c.xsd'/>
  <xs:import namespace='urn:b'/>
  <xs:element name='x'><xs:complexType><xs:sequence><xs:element ref='b:e'/><xs:element ref='b:e'/><xs:element ref='c:y'/></xs:sequence></xs:complexType></xs:element>
</xs:schema>`,
		"c.xsd": xsHead + ` targetNamespace='urn:c' xmlns:b='urn:b'>
  <xs:import namespace='urn:b' schemaLocation='http://example.org/b.xsd'/>
  <xs:element name='y'><xs:complexType><xs:sequence><xs:element ref='b:e'/></xs:sequence></xs:complexType></xs:element>
</xs:schema>`,
	}
	set, dir := mustLoad(t, files, "a.xsd")
	want := []string{
		`a.xsd:4:3: warning: cannot find a schema for imported namespace urn:b (no schemaLocation; search dirs: .); its elements are kept as untyped content: element e as xs:anyType`,
		`c.xsd:3:3: warning: cannot find a schema for imported namespace urn:b (schemaLocation "http://example.org/b.xsd"; search dirs: .); its elements are kept as untyped content: element e as xs:anyType`,
	}
	got := warnings(set, dir)
	for i := range got {
		got[i] = strings.ReplaceAll(got[i], dir, ".")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	x := set.Element(QName{"urn:a", "x"}).Type.(*ComplexType)
	y := set.Element(QName{"urn:c", "y"}).Type.(*ComplexType)
	if x.Content.Children[0].Element.Ref != y.Content.Children[0].Element.Ref {
		t.Errorf("one missing element, two stand-ins")
	}
}

// TestMissingImportDegrades: references that resolve to nothing, though
// not into an imported namespace without a schema, are degraded the same
// way, with a warning at each.
func TestMissingImportDegrades(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name: "never imported",
			files: map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns:b='urn:b' xmlns:c='urn:c'>
  <xs:import namespace='urn:b' schemaLocation='missing.xsd'/>
  <xs:element name='e'><xs:complexType><xs:sequence><xs:element ref='b:x'/><xs:element ref='c:y'/></xs:sequence></xs:complexType></xs:element>
  <xs:attribute name='f' type='c:t'/>
</xs:schema>`},
			want: []string{
				`a.xsd:3:3: warning: cannot find a schema for imported namespace urn:b (schemaLocation "missing.xsd"; search dirs: .); its elements are kept as untyped content: element x as xs:anyType`,
				`a.xsd:4:76: warning: ref="c:y": namespace urn:c is used without an xs:import; looked up in the search dirs as for an xs:import`,
				`a.xsd:4:76: warning: cannot find a schema for imported namespace urn:c (no schemaLocation; search dirs: .); its elements are kept as untyped content: simple type t as xs:anySimpleType, element y as xs:anyType`,
			},
		},
		{
			name: "undefined name in an available namespace",
			files: map[string]string{
				"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns:b='urn:b'>
  <xs:import namespace='urn:b' schemaLocation='b.xsd'/>
  <xs:element name='e'><xs:complexType><xs:sequence><xs:element ref='b:nosuch'/></xs:sequence></xs:complexType></xs:element>
</xs:schema>`,
				"b.xsd": xsHead + ` targetNamespace='urn:b'><xs:element name='x'/></xs:schema>`,
			},
			want: []string{
				`a.xsd:4:53: warning: ref="b:nosuch": undefined element {urn:b}nosuch; its content is kept raw (xs:anyType)`,
			},
		},
		{
			name: "imported schema that does not parse",
			files: map[string]string{
				"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns:b='urn:b'>
  <xs:import namespace='urn:b' schemaLocation='b.xsd'/>
  <xs:include schemaLocation='part.xsd'/>
  <xs:element name='e' type='b:t'/>
</xs:schema>`,
				"b.xsd":    xsHead + ` targetNamespace='urn:b'><xs:element name='x'></xs:schema>`,
				"part.xsd": xsHead + ` targetNamespace='urn:a'><xs:element name='y'></xs:schema>`,
			},
			want: []string{
				`a.xsd:3:3: warning: cannot find a schema for imported namespace urn:b (schemaLocation "b.xsd"; b.xsd has that targetNamespace but does not load: b.xsd:2:101: XML syntax error: element <xs:element> (opened at line 2) closed by </xs:schema>; search dirs: .); its elements are kept as untyped content: type t as xs:anyType`,
				`a.xsd:4:3: warning: xs:include of part.xsd, which does not load: part.xsd:2:101: XML syntax error: element <xs:element> (opened at line 2) closed by </xs:schema>; references to its components are kept as untyped content`,
			},
		},
		{
			name: "missing include",
			files: map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns:b='urn:b'>
  <xs:import namespace='urn:b' schemaLocation='missing.xsd'/>
  <xs:include schemaLocation='missing-part.xsd'/>
  <xs:element name='e' type='b:t'/>
</xs:schema>`},
			want: []string{
				`a.xsd:3:3: warning: cannot find a schema for imported namespace urn:b (schemaLocation "missing.xsd"; search dirs: .); its elements are kept as untyped content: type t as xs:anyType`,
				`a.xsd:4:3: warning: xs:include: cannot find "missing-part.xsd" (search dirs: .); references to its components are kept as untyped content`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, dir := mustLoad(t, tt.files, "a.xsd")
			got := warnings(set, dir)
			for i := range got {
				got[i] = strings.ReplaceAll(got[i], dir, ".")
			}
			if os.Getenv("FILLWANT") != "" { // prints the expectations to paste
				b, _ := json.Marshal(got)
				fmt.Printf("FILLWANT %s %s\n", t.Name(), b)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBrokenSchemaFoundByNamespace: a schema found for an import only by
// scanning the search dirs for the namespace is not used when it does not
// load; the import is then repaired as a missing one. Found through its
// schemaLocation, the same goes for a schema that is not well-formed.
func TestBrokenSchemaFoundByNamespace(t *testing.T) {
	a := func(loc string) string {
		return xsHead + ` targetNamespace='urn:a' xmlns:b='urn:b'>
  <xs:import namespace='urn:b' schemaLocation='` + loc + `'/>
  <xs:element name='e'><xs:complexType><xs:sequence><xs:element ref='b:x'/></xs:sequence></xs:complexType></xs:element>
</xs:schema>`
	}
	broken := xsHead + ` targetNamespace='urn:b'>
  <xs:element name='y'>
</xs:schema>`
	good := xsHead + ` targetNamespace='urn:b'><xs:element name='x' type='xs:int'/></xs:schema>`

	t.Run("only a broken one", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{"a.xsd": a("http://example.org/b.xsd"), "lib/xep-b.xsd": broken})
		lib := filepath.Join(dir, "lib")
		set, err := Load([]string{filepath.Join(dir, "a.xsd")}, Options{SearchDirs: []string{lib}})
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		want := []string{`a.xsd:3:3: warning: cannot find a schema for imported namespace urn:b (schemaLocation "http://example.org/b.xsd"; ` +
			`lib/xep-b.xsd has that targetNamespace but does not load: lib/xep-b.xsd:4:1: XML syntax error: element <xs:element> (opened at line 3) closed by </xs:schema>; search dirs: lib); ` +
			`its elements are kept as untyped content: element x as xs:anyType`}
		if diff := cmp.Diff(want, warnings(set, dir)); diff != "" {
			t.Errorf("warnings (-want +got):\n%s", diff)
		}
		if len(set.Schemas) != 1 {
			t.Errorf("got %d schemas, want 1", len(set.Schemas))
		}
	})
	t.Run("a broken one and a good one", func(t *testing.T) {
		dir := writeFiles(t, map[string]string{"a.xsd": a("http://example.org/b.xsd"), "lib/b.xsd": broken, "lib/other.xsd": good})
		lib := filepath.Join(dir, "lib")
		set, err := Load([]string{filepath.Join(dir, "a.xsd")}, Options{SearchDirs: []string{lib}})
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		// b.xsd, found by the schemaLocation's base name, is not
		// well-formed: the schema found by scanning is used.
		if len(set.Schemas) != 2 || filepath.Base(set.Schemas[1].File) != "other.xsd" {
			t.Fatalf("the good schema was not used: %d schemas", len(set.Schemas))
		}
		dir2 := writeFiles(t, map[string]string{"a.xsd": a("http://example.org/nob.xsd"), "lib/aaa.xsd": broken, "lib/zzz.xsd": good})
		lib2 := filepath.Join(dir2, "lib")
		set, err = Load([]string{filepath.Join(dir2, "a.xsd")}, Options{SearchDirs: []string{lib2}})
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if len(set.Schemas) != 2 || filepath.Base(set.Schemas[1].File) != "zzz.xsd" {
			t.Fatalf("the good schema was not used: %d schemas", len(set.Schemas))
		}
		x := set.Element(QName{"urn:b", "x"})
		e := set.Element(QName{"urn:a", "e"}).Type.(*ComplexType)
		if x == nil || e.Content.Children[0].Element.Ref != x {
			t.Errorf("ref not resolved to zzz.xsd's element")
		}
		want := []string{`a.xsd:3:3: warning: namespace urn:b: lib/aaa.xsd has that targetNamespace but does not load: ` +
			`lib/aaa.xsd:4:1: XML syntax error: element <xs:element> (opened at line 3) closed by </xs:schema>; using lib/zzz.xsd`}
		if diff := cmp.Diff(want, warnings(set, dir2)); diff != "" {
			t.Errorf("warnings (-want +got):\n%s", diff)
		}
	})
}
