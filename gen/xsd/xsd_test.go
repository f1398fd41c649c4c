package xsd

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const xsHead = `<?xml version='1.0' encoding='UTF-8'?>
<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'`

// writeFiles writes name -> content into a new temporary directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// loadFiles writes files and loads the first of names (relative to the
// temporary directory), with that directory as the search dir.
func loadFiles(t *testing.T, files map[string]string, names ...string) (*Set, error, string) {
	t.Helper()
	dir := writeFiles(t, files)
	var paths []string
	for _, n := range names {
		paths = append(paths, filepath.Join(dir, n))
	}
	set, err := Load(paths, Options{SearchDirs: []string{dir}})
	return set, err, dir
}

func mustLoad(t *testing.T, files map[string]string, names ...string) (*Set, string) {
	t.Helper()
	set, err, dir := loadFiles(t, files, names...)
	if err != nil {
		t.Fatalf("Load: %v", strip(err.Error(), dir))
	}
	return set, dir
}

// strip removes the temporary directory from positions.
func strip(s, dir string) string { return strings.ReplaceAll(s, dir+string(filepath.Separator), "") }

func warnings(set *Set, dir string) []string {
	var out []string
	for _, w := range set.Warnings {
		out = append(out, strip(w.String(), dir))
	}
	return out
}

// tn names a type for dumps: xs:local, local (namespace dropped), or
// anon(kind).
func tn(t Type) string {
	if t == nil {
		return "<nil>"
	}
	q := t.TypeName()
	switch {
	case q.IsZero():
		if _, ok := t.(*ComplexType); ok {
			return "anon-complex"
		}
		return "anon-simple"
	case q.Space == XSDNamespace:
		return "xs:" + q.Local
	case q.Space == XMLNamespace:
		return "xml:" + q.Local
	}
	return q.Local
}

// qn prints a QName compactly: {ns}local with well-known namespaces
// shortened, or local alone for no namespace.
func qn(q QName) string {
	switch q.Space {
	case "":
		return q.Local
	case XMLNamespace:
		return "xml:" + q.Local
	}
	return "{" + q.Space + "}" + q.Local
}

func occ(lo, hi int) string {
	if lo == 1 && hi == 1 {
		return ""
	}
	return fmt.Sprintf("{%d,%s}", lo, maxString(hi))
}

// dump prints a particle tree on one line.
func dump(p *Particle) string {
	if p == nil {
		return "<nil>"
	}
	o := occ(p.MinOccurs, p.MaxOccurs)
	switch p.Kind {
	case ElementParticle:
		e := p.Element
		s := qn(e.Name) + o + ":" + tn(e.Type)
		if e.Ref != nil {
			s = "ref " + s
		}
		return s
	case AnyParticle:
		return "any(" + p.Wildcard.Namespace + "," + p.Wildcard.ProcessContents + ")" + o
	}
	var kids []string
	for _, c := range p.Children {
		kids = append(kids, dump(c))
	}
	s := p.Kind.String() + o + "(" + strings.Join(kids, " ") + ")"
	if p.Group != nil {
		s = "group " + p.Group.Name.Local + ":" + s
	}
	return s
}

// dumpAttrs prints attribute uses: name:type, with ! for required, - for
// prohibited, =default.
func dumpAttrs(uses []*AttributeUse) []string {
	var out []string
	for _, u := range uses {
		s := qn(u.Name) + ":" + tn(u.Type)
		if u.Required {
			s += "!"
		}
		if u.Prohibited {
			s += "-"
		}
		if u.Default != nil {
			s += "=" + *u.Default
		}
		if u.Fixed != nil {
			s += "==" + *u.Fixed
		}
		out = append(out, s)
	}
	return out
}

func TestPositionsAndBasics(t *testing.T) {
	set, dir := mustLoad(t, map[string]string{"a.xsd": xsHead + `
    targetNamespace='urn:a' xmlns='urn:a' elementFormDefault='qualified'>
  <xs:annotation>
    <xs:documentation>
      First paragraph
        indented line.

      Second paragraph.
    </xs:documentation>
  </xs:annotation>
  <xs:element name='root'>
    <xs:complexType>
      <xs:sequence>
        <xs:element name='child' type='xs:string' minOccurs='0' maxOccurs='unbounded'/>
        <xs:element name='free'/>
        <xs:any namespace='##other' processContents='lax'/>
      </xs:sequence>
      <xs:attribute name='id' type='xs:ID' use='required'/>
      <xs:attribute name='n' type='xs:int' default='3'/>
    </xs:complexType>
  </xs:element>
</xs:schema>
`}, "a.xsd")
	if len(set.Schemas) != 1 {
		t.Fatalf("got %d schemas", len(set.Schemas))
	}
	s := set.Schemas[0]
	if got, want := s.Doc, "First paragraph\n  indented line.\n\nSecond paragraph."; got != want {
		t.Errorf("Doc = %q, want %q", got, want)
	}
	if !s.ElementFormQualified || s.AttributeFormQualified || s.TargetNamespace != "urn:a" {
		t.Errorf("schema flags: %+v", s)
	}
	root := set.Element(QName{"urn:a", "root"})
	if root == nil || root != s.Elements[0] || !root.Global {
		t.Fatalf("root element not found or not global")
	}
	if got := strip(root.Pos.String(), dir); got != "a.xsd:12:3" {
		t.Errorf("root.Pos = %s, want a.xsd:12:3", got)
	}
	ct := root.Type.(*ComplexType)
	if got := strip(ct.Pos.String(), dir); got != "a.xsd:13:5" {
		t.Errorf("type Pos = %s", got)
	}
	if got, want := dump(ct.Content), "sequence({urn:a}child{0,unbounded}:xs:string {urn:a}free:xs:anyType any(##other,lax))"; got != want {
		t.Errorf("content\n got %s\nwant %s", got, want)
	}
	if got := strip(ct.Content.Children[1].Pos.String(), dir); got != "a.xsd:16:9" {
		t.Errorf("free Pos = %s", got)
	}
	free := ct.Content.Children[1].Element
	if at, ok := free.Type.(*ComplexType); !ok || !at.AnyType {
		t.Errorf("element without type: %v", free.Type)
	}
	if got, want := dumpAttrs(ct.Attributes), []string{"id:xs:ID!", "n:xs:int=3"}; !cmp.Equal(got, want) {
		t.Errorf("attributes (-want +got):\n%s", cmp.Diff(want, got))
	}
	if w := ct.Content.Children[2].Wildcard; w.TargetNamespace != "urn:a" {
		t.Errorf("wildcard tns %q", w.TargetNamespace)
	}
}

func TestBuiltins(t *testing.T) {
	set, _ := mustLoad(t, map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns='urn:a'>
  <xs:simpleType name='small'>
    <xs:restriction base='xs:int'><xs:maxInclusive value='9'/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name='smaller'>
    <xs:restriction base='small'><xs:minInclusive value='1'/><xs:pattern value='[0-9]'/><xs:pattern value='x'/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name='ints'><xs:list itemType='xs:int'/></xs:simpleType>
  <xs:simpleType name='listRestricted'><xs:restriction base='ints'><xs:maxLength value='3'/></xs:restriction></xs:simpleType>
</xs:schema>`}, "a.xsd")
	xs := func(l string) QName { return QName{XSDNamespace, l} }
	tests := []struct {
		name QName
		want string
	}{
		{xs("int"), "int"},
		{xs("string"), "string"},
		{xs("NMTOKENS"), "NMTOKENS"},
		{xs("anySimpleType"), "anySimpleType"},
		{QName{"urn:a", "small"}, "int"},
		{QName{"urn:a", "smaller"}, "int"},
		{QName{"urn:a", "ints"}, ""},
		{QName{"urn:a", "listRestricted"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name.Local, func(t *testing.T) {
			st := set.SimpleType(tt.name)
			if st == nil {
				t.Fatalf("SimpleType(%v) = nil", tt.name)
			}
			if got := st.Primitive(); got != tt.want {
				t.Errorf("Primitive() = %q, want %q", got, tt.want)
			}
		})
	}
	// The built-in hierarchy.
	var chain []string
	for st := set.SimpleType(xs("unsignedByte")); st != nil; st = st.Base {
		chain = append(chain, st.Builtin)
	}
	want := []string{"unsignedByte", "unsignedShort", "unsignedInt", "unsignedLong", "nonNegativeInteger", "integer", "decimal", "anySimpleType"}
	if diff := cmp.Diff(want, chain); diff != "" {
		t.Errorf("unsignedByte chain (-want +got):\n%s", diff)
	}
	smaller := set.SimpleType(QName{"urn:a", "smaller"})
	if diff := cmp.Diff(map[string]string{"minInclusive": "1", "pattern": "[0-9]"}, smaller.Facets); diff != "" {
		t.Errorf("facets (-want +got):\n%s", diff)
	}
	if smaller.Base != set.SimpleType(QName{"urn:a", "small"}) {
		t.Errorf("smaller.Base not resolved to small")
	}
	if set.SimpleType(xs("NMTOKENS")).List != set.SimpleType(xs("NMTOKEN")) {
		t.Errorf("NMTOKENS is not a list of NMTOKEN")
	}
	if ct := set.ComplexType(xs("anyType")); ct == nil || !ct.AnyType {
		t.Errorf("anyType missing")
	}
	if set.SimpleType(xs("datetime")) != nil || set.SimpleType(xs("anyType")) != nil {
		t.Errorf("lookup of non-simple built-ins")
	}
	if a := set.Attribute(QName{XMLNamespace, "lang"}); a == nil || a.Type != set.SimpleType(xs("language")) {
		t.Errorf("xml:lang missing or not xs:language")
	}
}

func TestImportAcrossNamespaces(t *testing.T) {
	files := map[string]string{
		"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns='urn:a' xmlns:b='urn:b' elementFormDefault='qualified'>
  <xs:import namespace='urn:b' schemaLocation='sub/b.xsd'/>
  <xs:element name='top'>
    <xs:complexType>
      <xs:sequence><xs:element ref='b:item' maxOccurs='unbounded'/></xs:sequence>
      <xs:attribute ref='b:flag'/>
      <xs:attributeGroup ref='b:common'/>
    </xs:complexType>
  </xs:element>
  <xs:element name='typed' type='b:itemType'/>
</xs:schema>`,
		"sub/b.xsd": xsHead + ` targetNamespace='urn:b' xmlns='urn:b'>
  <xs:element name='item' type='itemType' nillable='true'>
    <xs:annotation><xs:documentation>An item.</xs:documentation></xs:annotation>
  </xs:element>
  <xs:complexType name='itemType'><xs:attribute name='v' type='xs:string'/></xs:complexType>
  <xs:attribute name='flag' type='xs:boolean' default='false'/>
  <xs:attributeGroup name='common'><xs:attribute name='c' type='xs:string'/></xs:attributeGroup>
</xs:schema>`,
	}
	set, _ := mustLoad(t, files, "a.xsd")
	if len(set.Schemas) != 2 || set.Schemas[1].TargetNamespace != "urn:b" {
		t.Fatalf("schemas: %d", len(set.Schemas))
	}
	if diff := cmp.Diff([]string{"urn:b"}, set.Schemas[0].Imports); diff != "" {
		t.Errorf("Imports (-want +got):\n%s", diff)
	}
	top := set.Element(QName{"urn:a", "top"}).Type.(*ComplexType)
	if got, want := dump(top.Content), "sequence(ref {urn:b}item{1,unbounded}:itemType)"; got != want {
		t.Errorf("content %s, want %s", got, want)
	}
	ref := top.Content.Children[0].Element
	item := set.Element(QName{"urn:b", "item"})
	if ref.Ref != item || ref.Type != item.Type || !ref.Nillable || ref.Doc != "An item." {
		t.Errorf("ref not resolved to the global: %+v", ref)
	}
	if got, want := dumpAttrs(top.Attributes), []string{"{urn:b}flag:xs:boolean=false", "c:xs:string"}; !cmp.Equal(got, want) {
		t.Errorf("attributes (-want +got):\n%s", cmp.Diff(want, got))
	}
	if top.Attributes[0].Ref != set.Attribute(QName{"urn:b", "flag"}) {
		t.Errorf("attribute ref not resolved")
	}
	if set.Element(QName{"urn:a", "typed"}).Type != set.ComplexType(QName{"urn:b", "itemType"}) {
		t.Errorf("type across namespaces not resolved")
	}
}

func TestImportSearch(t *testing.T) {
	b := xsHead + ` targetNamespace='urn:b'><xs:element name='x'/></xs:schema>`
	tests := []struct {
		name  string
		files map[string]string
		want  string // file of the imported schema
	}{
		{"by base name", map[string]string{"lib/b.xsd": b}, "b.xsd"},
		{"by namespace", map[string]string{"lib/xep-b.xsd": b}, "xep-b.xsd"},
		{"by namespace, name matching first", map[string]string{"lib/aaa.xsd": b, "lib/zzz-b.xsd": b}, "zzz-b.xsd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.files["a.xsd"] = xsHead + ` targetNamespace='urn:a' xmlns:b='urn:b'>
  <xs:import namespace='urn:b' schemaLocation='http://example.org/schemas/b.xsd'/>
  <xs:element name='y'><xs:complexType><xs:sequence><xs:element ref='b:x'/></xs:sequence></xs:complexType></xs:element>
</xs:schema>`
			dir := writeFiles(t, tt.files)
			set, err := Load([]string{filepath.Join(dir, "a.xsd")}, Options{SearchDirs: []string{filepath.Join(dir, "lib")}})
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Schemas) != 2 {
				t.Fatalf("got %d schemas", len(set.Schemas))
			}
			if got := filepath.Base(set.Schemas[1].File); got != tt.want {
				t.Errorf("imported %s, want %s", got, tt.want)
			}
		})
	}
}

func TestInclude(t *testing.T) {
	files := map[string]string{
		"main.xsd": xsHead + ` targetNamespace='urn:m' xmlns='urn:m'>
  <xs:include schemaLocation='part.xsd'/>
  <xs:include schemaLocation='part.xsd'/>
  <xs:element name='main' type='partType'/>
</xs:schema>`,
		// A chameleon include: no targetNamespace, unprefixed references
		// take the includer's namespace.
		"part.xsd": xsHead + `>
  <xs:element name='part' type='partType'/>
  <xs:complexType name='partType'><xs:sequence><xs:element ref='part' minOccurs='0'/></xs:sequence></xs:complexType>
</xs:schema>`,
	}
	set, dir := mustLoad(t, files, "main.xsd")
	s := set.Schemas[0]
	var names []string
	for _, e := range s.Elements {
		names = append(names, qn(e.Name)+"@"+strip(e.Pos.String(), dir))
	}
	want := []string{"{urn:m}part@part.xsd:3:3", "{urn:m}main@main.xsd:5:3"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("elements (-want +got):\n%s", diff)
	}
	pt := set.ComplexType(QName{"urn:m", "partType"})
	if pt == nil || len(s.ComplexTypes) != 1 {
		t.Fatalf("partType not in the including schema")
	}
	if got, want := dump(pt.Content), "sequence(ref {urn:m}part{0,1}:partType)"; got != want {
		t.Errorf("content %s, want %s", got, want)
	}
}

func TestComplexTypes(t *testing.T) {
	set, _ := mustLoad(t, map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns='urn:a'>
  <xs:attributeGroup name='inner'>
    <xs:attribute name='i' type='xs:string'/>
    <xs:anyAttribute namespace='##other'/>
  </xs:attributeGroup>
  <xs:attributeGroup name='outer'>
    <xs:attribute name='o' type='xs:int' use='required'/>
    <xs:attributeGroup ref='inner'/>
  </xs:attributeGroup>
  <xs:complexType name='base'>
    <xs:sequence><xs:element name='a' type='xs:string'/></xs:sequence>
    <xs:attribute name='b1' type='xs:string'/>
    <xs:attribute name='b2' type='xs:string'/>
  </xs:complexType>
  <xs:complexType name='ext'>
    <xs:complexContent>
      <xs:extension base='base'>
        <xs:choice maxOccurs='2'><xs:element name='c' type='xs:int'/><xs:element name='d' type='xs:int'/></xs:choice>
        <xs:attributeGroup ref='outer'/>
      </xs:extension>
    </xs:complexContent>
  </xs:complexType>
  <xs:complexType name='extAttrsOnly'>
    <xs:complexContent>
      <xs:extension base='base'><xs:attribute name='e' type='xs:string'/></xs:extension>
    </xs:complexContent>
  </xs:complexType>
  <xs:complexType name='restr'>
    <xs:complexContent>
      <xs:restriction base='base'>
        <xs:sequence><xs:element name='a' type='xs:string'/></xs:sequence>
        <xs:attribute name='b1' use='prohibited'/>
        <xs:attribute name='b2' type='xs:string' use='required'/>
      </xs:restriction>
    </xs:complexContent>
  </xs:complexType>
  <xs:simpleType name='lang'><xs:restriction base='xs:language'/></xs:simpleType>
  <xs:complexType name='text'>
    <xs:simpleContent>
      <xs:extension base='lang'><xs:attribute name='t' type='xs:string'/></xs:extension>
    </xs:simpleContent>
  </xs:complexType>
  <xs:complexType name='text2'>
    <xs:simpleContent>
      <xs:extension base='text'><xs:attribute name='u' type='xs:string'/></xs:extension>
    </xs:simpleContent>
  </xs:complexType>
  <xs:complexType name='text3'>
    <xs:simpleContent>
      <xs:restriction base='text2'><xs:maxLength value='8'/><xs:attribute name='u' use='prohibited'/></xs:restriction>
    </xs:simpleContent>
  </xs:complexType>
  <xs:complexType name='empty'/>
  <xs:complexType name='emptySeq' mixed='true'><xs:sequence/></xs:complexType>
</xs:schema>`}, "a.xsd")
	ct := func(l string) *ComplexType {
		c := set.ComplexType(QName{"urn:a", l})
		if c == nil {
			t.Fatalf("no type %s", l)
		}
		return c
	}
	base := ct("base")
	tests := []struct {
		name         string
		ct           *ComplexType
		content      string
		attrs        []string
		base         *ComplexType
		derivation   string
		simple       string // tn(SimpleContent) and Primitive
		anyAttribute string
	}{
		{"base", base, "sequence(a:xs:string)", []string{"b1:xs:string", "b2:xs:string"}, nil, "", "", ""},
		{"extension", ct("ext"), "sequence(sequence(a:xs:string) choice{1,2}(c:xs:int d:xs:int))",
			[]string{"b1:xs:string", "b2:xs:string", "o:xs:int!", "i:xs:string"}, base, "extension", "", "##other"},
		{"extension with attributes only", ct("extAttrsOnly"), "sequence(a:xs:string)",
			[]string{"b1:xs:string", "b2:xs:string", "e:xs:string"}, base, "extension", "", ""},
		{"restriction", ct("restr"), "sequence(a:xs:string)",
			[]string{"b1:xs:anySimpleType-", "b2:xs:string!"}, base, "restriction", "", ""},
		{"simpleContent extension of a simple type", ct("text"), "<nil>", []string{"t:xs:string"}, nil, "extension", "lang/language", ""},
		{"simpleContent extension of a complex type", ct("text2"), "<nil>", []string{"t:xs:string", "u:xs:string"}, ct("text"), "extension", "lang/language", ""},
		{"simpleContent restriction with facets", ct("text3"), "<nil>", []string{"t:xs:string", "u:xs:anySimpleType-"}, ct("text2"), "restriction", "anon-simple/language", ""},
		{"empty", ct("empty"), "<nil>", nil, nil, "", "", ""},
		{"empty sequence", ct("emptySeq"), "<nil>", nil, nil, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := dump(tt.ct.Content); got != tt.content {
				t.Errorf("Content\n got %s\nwant %s", got, tt.content)
			}
			if diff := cmp.Diff(tt.attrs, dumpAttrs(tt.ct.Attributes)); diff != "" {
				t.Errorf("Attributes (-want +got):\n%s", diff)
			}
			if tt.ct.Base != tt.base {
				t.Errorf("Base = %v, want %v", tt.ct.Base, tt.base)
			}
			if tt.ct.Derivation != tt.derivation {
				t.Errorf("Derivation = %q, want %q", tt.ct.Derivation, tt.derivation)
			}
			var simple string
			if st := tt.ct.SimpleContent; st != nil {
				simple = tn(st) + "/" + st.Primitive()
			}
			if simple != tt.simple {
				t.Errorf("SimpleContent = %s, want %s", simple, tt.simple)
			}
			var wild string
			if tt.ct.AnyAttribute != nil {
				wild = tt.ct.AnyAttribute.Namespace
			}
			if wild != tt.anyAttribute {
				t.Errorf("AnyAttribute = %q, want %q", wild, tt.anyAttribute)
			}
		})
	}
	if got := ct("text3").SimpleContent.Facets["maxLength"]; got != "8" {
		t.Errorf("text3 maxLength = %q", got)
	}
	if !ct("emptySeq").Mixed {
		t.Errorf("emptySeq not mixed")
	}
	// Extension content keeps the base's particle, not a copy.
	if ct("ext").Content.Children[0] != base.Content {
		t.Errorf("extension content does not start with the base's particle")
	}
	outer := set.AttributeGroup(QName{"urn:a", "outer"})
	if got, want := dumpAttrs(outer.Attributes), []string{"o:xs:int!", "i:xs:string"}; !cmp.Equal(got, want) || outer.AnyAttribute == nil {
		t.Errorf("outer attribute group: %v, any %v", got, outer.AnyAttribute)
	}
}

func TestSimpleTypes(t *testing.T) {
	set, dir := mustLoad(t, map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns='urn:a'>
  <xs:simpleType name='color'>
    <xs:annotation><xs:documentation>A color.</xs:documentation></xs:annotation>
    <xs:restriction base='xs:NMTOKEN'>
      <xs:enumeration value='red'>
        <xs:annotation><xs:documentation>
          The color of fire.
        </xs:documentation></xs:annotation>
      </xs:enumeration>
      <xs:enumeration value='green'/>
    </xs:restriction>
  </xs:simpleType>
  <xs:simpleType name='colors'><xs:list itemType='color'/></xs:simpleType>
  <xs:simpleType name='inlineList'>
    <xs:list><xs:simpleType><xs:restriction base='xs:int'/></xs:simpleType></xs:list>
  </xs:simpleType>
  <xs:simpleType name='colorOrInt'>
    <xs:union memberTypes='color xs:int'>
      <xs:simpleType><xs:restriction base='xs:string'><xs:enumeration value='none'/></xs:restriction></xs:simpleType>
    </xs:union>
  </xs:simpleType>
</xs:schema>`}, "a.xsd")
	color := set.SimpleType(QName{"urn:a", "color"})
	want := []Enum{
		{Value: "red", Doc: "The color of fire.", Pos: Pos{filepath.Join(dir, "a.xsd"), 6, 7}},
		{Value: "green", Pos: Pos{filepath.Join(dir, "a.xsd"), 11, 7}},
	}
	if diff := cmp.Diff(want, color.Enumerations); diff != "" {
		t.Errorf("enumerations (-want +got):\n%s", diff)
	}
	if color.Doc != "A color." || color.Primitive() != "NMTOKEN" {
		t.Errorf("color: doc %q primitive %q", color.Doc, color.Primitive())
	}
	if l := set.SimpleType(QName{"urn:a", "colors"}); l.List != color || l.Primitive() != "" {
		t.Errorf("colors: list of %v", l.List)
	}
	if l := set.SimpleType(QName{"urn:a", "inlineList"}); l.List == nil || l.List.Primitive() != "int" {
		t.Errorf("inlineList item: %v", l.List)
	}
	u := set.SimpleType(QName{"urn:a", "colorOrInt"})
	var members []string
	for _, m := range u.Union {
		members = append(members, tn(m)+"/"+m.Primitive())
	}
	if diff := cmp.Diff([]string{"color/NMTOKEN", "xs:int/int", "anon-simple/string"}, members); diff != "" {
		t.Errorf("union members (-want +got):\n%s", diff)
	}
}

func TestGroupsAndRecursion(t *testing.T) {
	set, _ := mustLoad(t, map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns='urn:a' elementFormDefault='qualified'>
  <xs:group name='pair'>
    <xs:sequence><xs:element name='k' type='xs:string'/><xs:element name='v' type='xs:string'/></xs:sequence>
  </xs:group>
  <xs:group name='either'>
    <xs:choice><xs:group ref='pair'/><xs:element ref='node'/></xs:choice>
  </xs:group>
  <xs:element name='node'>
    <xs:complexType>
      <xs:sequence>
        <xs:group ref='either' minOccurs='0' maxOccurs='unbounded'/>
        <xs:element ref='node' minOccurs='0'/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
  <xs:complexType name='tree'>
    <xs:sequence><xs:element name='kid' type='tree' minOccurs='0' maxOccurs='unbounded'/></xs:sequence>
  </xs:complexType>
</xs:schema>`}, "a.xsd")
	node := set.Element(QName{"urn:a", "node"})
	ct := node.Type.(*ComplexType)
	want := "sequence(group either:choice{0,unbounded}(group pair:sequence({urn:a}k:xs:string {urn:a}v:xs:string) ref {urn:a}node:anon-complex) ref {urn:a}node{0,1}:anon-complex)"
	if got := dump(ct.Content); got != want {
		t.Errorf("content\n got %s\nwant %s", got, want)
	}
	self := ct.Content.Children[1].Element
	if self.Ref != node || self.Type != ct {
		t.Errorf("recursive ref does not point back to the element and its type")
	}
	if g := ct.Content.Children[0]; g.Group != set.Group(QName{"urn:a", "either"}) {
		t.Errorf("group particle has no Group")
	}
	tree := set.ComplexType(QName{"urn:a", "tree"})
	if tree.Content.Children[0].Element.Type != tree {
		t.Errorf("tree is not recursive")
	}
}

func TestFormQualification(t *testing.T) {
	set, _ := mustLoad(t, map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns='urn:a' attributeFormDefault='qualified'>
  <xs:element name='e'>
    <xs:complexType>
      <xs:sequence>
        <xs:element name='local' type='xs:string'/>
        <xs:element name='q' type='xs:string' form='qualified'/>
      </xs:sequence>
      <xs:attribute name='qa' type='xs:string'/>
      <xs:attribute name='ua' type='xs:string' form='unqualified'/>
    </xs:complexType>
  </xs:element>
</xs:schema>`}, "a.xsd")
	ct := set.Element(QName{"urn:a", "e"}).Type.(*ComplexType)
	if got, want := dump(ct.Content), "sequence(local:xs:string {urn:a}q:xs:string)"; got != want {
		t.Errorf("content %s, want %s", got, want)
	}
	if got, want := dumpAttrs(ct.Attributes), []string{"{urn:a}qa:xs:string", "ua:xs:string"}; !cmp.Equal(got, want) {
		t.Errorf("attributes (-want +got):\n%s", cmp.Diff(want, got))
	}
}

func TestSubstitutionGroup(t *testing.T) {
	set, _ := mustLoad(t, map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns='urn:a'>
  <xs:element name='head' type='xs:string' abstract='true'/>
  <xs:element name='member' substitutionGroup='head'/>
</xs:schema>`}, "a.xsd")
	head, member := set.Element(QName{"urn:a", "head"}), set.Element(QName{"urn:a", "member"})
	if !head.Abstract || member.SubstitutionGroup != head || member.Type != head.Type {
		t.Errorf("substitution group not resolved: %+v", member)
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name: "xml:lang without import",
			files: map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a'>
  <xs:element name='e'>
    <xs:complexType>
      <xs:attribute ref='xml:lang'/>
      <xs:attribute ref='xml:space'/>
    </xs:complexType>
  </xs:element>
</xs:schema>`},
			want: []string{`a.xsd:5:7: warning: ref="xml:lang": the XML namespace is used without an xs:import; treated as imported`},
		},
		{
			name: "xml:lang with an import of a URL",
			files: map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a'>
  <xs:import namespace='http://www.w3.org/XML/1998/namespace' schemaLocation='http://www.w3.org/2001/xml.xsd'/>
  <xs:element name='e'><xs:complexType><xs:attribute ref='xml:lang'/></xs:complexType></xs:element>
</xs:schema>`},
		},
		{
			name: "unreferenced missing import",
			files: map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a'>
  <xs:import namespace='urn:nowhere' schemaLocation='nowhere.xsd'/>
  <xs:element name='e' type='xs:string'/>
</xs:schema>`},
			want: []string{`a.xsd:3:3: warning: cannot find a schema for imported namespace urn:nowhere (schemaLocation "nowhere.xsd"; search dirs: .); none of its components is referenced`},
		},
		{
			name: "ignored constructs",
			files: map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns='urn:a'>
  <xs:redefine schemaLocation='other.xsd'/>
  <xs:notation name='gif' public='image/gif'/>
  <xs:element name='e' minOccurs='0'>
    <xs:annotation><xs:appinfo><foo xmlns='urn:foo'/></xs:appinfo></xs:annotation>
    <xs:complexType><xs:sequence><xs:element name='k' type='xs:string'/></xs:sequence></xs:complexType>
    <xs:key name='k'><xs:selector xpath='k'/><xs:field xpath='.'/></xs:key>
  </xs:element>
</xs:schema>`},
			want: []string{
				`a.xsd:3:3: warning: xs:redefine is not supported; ignored`,
				`a.xsd:5:3: warning: attribute minOccurs is not allowed on xs:element; ignored`,
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
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name: "not well-formed",
			files: map[string]string{"a.xsd": xsHead + `>
  <xs:element name='e'>
</xs:schema>`},
			want: []string{"a.xsd:4:1: XML syntax error: element <xs:element> (opened at line 3) closed by </xs:schema>"},
		},
		{
			name:  "syntax error",
			files: map[string]string{"a.xsd": xsHead + ">\n  <xs:element name='e' type=xs:string/>\n</xs:schema>"},
			want:  []string{"a.xsd:3:30: XML syntax error: unquoted or missing attribute value in element"},
		},
		{
			name:  "truncated",
			files: map[string]string{"a.xsd": xsHead + ">\n  <xs:element name='e'/>\n"},
			want:  []string{"a.xsd:4:1: XML syntax error: unexpected end of file: <xs:schema> is not closed (opened at a.xsd:2:1)"},
		},
		{
			name:  "not a schema",
			files: map[string]string{"a.xsd": "<schema/>"},
			want:  []string{"a.xsd:1:1: not an XML Schema: the root element is schema, want xs:schema (http://www.w3.org/2001/XMLSchema)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err, dir := loadFiles(t, tt.files, "a.xsd")
			if err == nil {
				t.Fatalf("Load succeeded, want errors")
			}
			var got []string
			for _, e := range errorList(t, err) {
				got = append(got, strings.ReplaceAll(strip(e.Error(), dir), dir, "."))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load([]string{filepath.Join(t.TempDir(), "none.xsd")}, Options{})
	var e *Error
	if err == nil || !strings.Contains(err.Error(), "cannot read schema") {
		t.Fatalf("err = %v", err)
	}
	if errors := errorList(t, err); len(errors) != 1 {
		t.Fatalf("want one error")
	} else {
		e = errors[0]
	}
	if e.Pos.File == "" {
		t.Errorf("no file in %v", e)
	}
}

// A file given on the command line that another file given includes (as
// `xmppgen -I schemas schemas` passes every file of a folder) is read once,
// as part of its includer, whichever order the files come in.
func TestIncludedFileAlsoGiven(t *testing.T) {
	files := map[string]string{
		"main.xsd": xsHead + ` targetNamespace='urn:m' xmlns='urn:m'>
  <xs:include schemaLocation='part.xsd'/>
  <xs:element name='main' type='partType'/>
</xs:schema>`,
		"part.xsd": xsHead + ` targetNamespace='urn:m' xmlns='urn:m'>
  <xs:complexType name='partType'><xs:attribute name='a' type='xs:string'/></xs:complexType>
</xs:schema>`,
	}
	for _, order := range [][]string{{"main.xsd", "part.xsd"}, {"part.xsd", "main.xsd"}} {
		set, _ := mustLoad(t, files, order...)
		if len(set.Schemas) != 1 {
			t.Errorf("%v: %d schemas, want 1", order, len(set.Schemas))
			continue
		}
		if set.ComplexType(QName{"urn:m", "partType"}) == nil || len(set.Schemas[0].Elements) != 1 {
			t.Errorf("%v: partType or main missing", order)
		}
	}
}
