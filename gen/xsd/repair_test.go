package xsd

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRepairs loads schemas with defects that have one sensible reading
// (repairs) or none (degradations to untyped content): loading succeeds,
// with one warning per defect that cites it and says what was assumed.
func TestRepairs(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name: "unresolved references",
			files: map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns='urn:a'>
  <xs:element name='e' type='nosuch'/>
  <xs:element name='f' type='xs:datetime'/>
  <xs:element name='g'><xs:complexType><xs:sequence><xs:element ref='nope'/><xs:group ref='ng'/></xs:sequence></xs:complexType></xs:element>
  <xs:element name='h' type='p:t'/>
  <xs:attribute name='i' type='e'/>
</xs:schema>`},
			want: []string{
				`a.xsd:3:3: warning: type="nosuch": undefined type {urn:a}nosuch; its content is kept raw (xs:anyType)`,
				`a.xsd:4:3: warning: type="xs:datetime": datetime is not an XSD built-in type; read as xs:dateTime`,
				`a.xsd:5:53: warning: ref="nope": undefined element {urn:a}nope; its content is kept raw (xs:anyType)`,
				`a.xsd:5:77: warning: ref="ng": undefined group {urn:a}ng; its content is kept raw (a lax wildcard)`,
				`a.xsd:6:3: warning: type="p:t": namespace prefix "p" is not declared; kept as untyped content`,
				`a.xsd:7:3: warning: type="e": undefined simple type {urn:a}e; read as xs:anySimpleType (a string)`,
			},
		},
		{
			name: "complex type where a simple type is needed",
			files: map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns='urn:a'>
  <xs:complexType name='c'/>
  <xs:attribute name='i' type='c'/>
</xs:schema>`},
			want: []string{
				`a.xsd:4:3: warning: type="c": {urn:a}c is a complex type; a simple type is required here; read as xs:anySimpleType`,
			},
		},
		{
			name: "namespace not imported",
			files: map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns:b='urn:b'>
  <xs:element name='e' type='b:t'/>
</xs:schema>`},
			want: []string{
				`a.xsd:3:3: warning: type="b:t": namespace urn:b is used without an xs:import; looked up in the search dirs as for an xs:import`,
				`a.xsd:3:3: warning: cannot find a schema for imported namespace urn:b (no schemaLocation; search dirs: .); its elements are kept as untyped content: type t as xs:anyType`,
			},
		},
		{
			name: "duplicates",
			files: map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns='urn:a'>
  <xs:element name='e' type='xs:string'/>
  <xs:element name='e' type='xs:int'/>
  <xs:simpleType name='t'><xs:restriction base='xs:string'/></xs:simpleType>
  <xs:complexType name='t'/>
  <xs:complexType name='c'><xs:attribute name='a'/><xs:attribute name='a'/></xs:complexType>
</xs:schema>`},
			want: []string{
				`a.xsd:4:3: warning: duplicate element {urn:a}e (first declared at a.xsd:3:3); the first is kept`,
				`a.xsd:6:3: warning: duplicate type {urn:a}t (first declared at a.xsd:5:3); the first is kept`,
				`a.xsd:7:52: warning: duplicate attribute a (also at a.xsd:7:28); the first is kept`,
			},
		},
		{
			name: "misplaced schema elements",
			files: map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a'>
  <xs:annotations/>
  <xs:element name='e'>
    <xs:attribute name='a'/>
    <xs:complexType>
      <xs:attribute name='b'/>
      <xs:sequence/>
      <xs:element name='c'/>
    </xs:complexType>
  </xs:element>
  <xs:complexType name='t'>
    <xs:simpleContent><xs:attribute name='x'/></xs:simpleContent>
  </xs:complexType>
  <xs:complexType name='u'><xs:all><xs:choice/></xs:all></xs:complexType>
</xs:schema>`},
			want: []string{
				`a.xsd:3:3: warning: xs:annotations is not an XSD element; read as xs:annotation`,
				`a.xsd:5:5: warning: xs:attribute in xs:element; moved to its anonymous complex type`,
				`a.xsd:8:7: warning: xs:sequence after the attributes; read as if it came first`,
				`a.xsd:9:7: warning: xs:element directly in xs:complexType; its particles read as one xs:sequence`,
				`a.xsd:13:23: warning: xs:attribute in xs:simpleContent with no xs:extension; read as an extension of xs:string`,
				`a.xsd:15:28: warning: xs:all with xs:choice (XSD 1.1); read as a repeated xs:choice`,
			},
		},
		{
			name: "declaration conflicts",
			files: map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns='urn:a'>
  <xs:element name='e' type='xs:string'><xs:complexType/></xs:element>
  <xs:complexType name='c'>
    <xs:attribute name='a' type='xs:string' use='required' default='x'/>
    <xs:attribute/>
  </xs:complexType>
  <xs:complexType name='d'><xs:all><xs:element name='x' maxOccurs='2'/></xs:all></xs:complexType>
  <xs:complexType name='f'><xs:sequence><xs:element name='x' minOccurs='2' maxOccurs='1'/></xs:sequence></xs:complexType>
</xs:schema>`},
			want: []string{
				`a.xsd:3:41: warning: xs:element has both a type attribute and an anonymous xs:complexType; the anonymous type is kept`,
				`a.xsd:5:5: warning: xs:attribute with a default and use="required"; kept required, default dropped`,
				`a.xsd:6:5: warning: xs:attribute has neither name nor ref; dropped (the attribute is kept as an unknown attribute when it occurs)`,
				`a.xsd:8:28: warning: xs:all with maxOccurs above 1 (XSD 1.1); read as a repeated xs:choice`,
				`a.xsd:9:41: warning: minOccurs 2 is greater than maxOccurs 1; maxOccurs read as 2`,
			},
		},
		{
			name: "include not found",
			files: map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a'>
  <xs:include schemaLocation='http://example.org/part.xsd'/>
</xs:schema>`},
			want: []string{
				`a.xsd:3:3: warning: xs:include: cannot find "http://example.org/part.xsd" (search dirs: .); references to its components are kept as untyped content`,
			},
		},
		{
			name: "error in an imported schema",
			files: map[string]string{
				"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns:b='urn:b'>
  <xs:import namespace='urn:b' schemaLocation='b.xsd'/>
  <xs:element name='e' type='b:t'/>
</xs:schema>`,
				"b.xsd": xsHead + ` targetNamespace='urn:b'>
  <xs:complexType name='t'><xs:sequence><xs:element name='x' type='xs:strin'/></xs:sequence></xs:complexType>
</xs:schema>`},
			want: []string{
				`b.xsd:3:41: warning: type="xs:strin": strin is not an XSD built-in type; read as xs:string`,
			},
		},
		{
			name: "undeclared xsd prefix on schema elements",
			files: map[string]string{"a.xsd": `<?xml version='1.0'?>
<xsd:schema targetNamespace='urn:a'>
  <xsd:element name='e' type='xsd:string'/>
</xsd:schema>`},
			want: []string{`a.xsd:2:1: warning: namespace prefix "xsd" is not declared; read as the XSD namespace`},
		},
		{
			name: "derivations and content in the wrong place",
			files: map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns='urn:a'>
  <xs:complexType name='empty'/>
  <xs:element name='hash-used'>
    <xs:complexType>
      <xs:extension base='empty'><xs:attribute name='algo' type='xs:NCName'/></xs:extension>
    </xs:complexType>
  </xs:element>
  <xs:element name='accept'>
    <xs:complexType>
      <xs:simpleContent>
        <xs:extension base='empty'><xs:attribute name='id' type='xs:string'/></xs:extension>
      </xs:simpleContent>
    </xs:complexType>
  </xs:element>
  <xs:element name='prompt'>
    <xs:complexType>
      <xs:simpleContent>
        <xs:attribute name='barge-in' type='xs:boolean'/>
        <xs:sequence><xs:element name='output' type='xs:string'/></xs:sequence>
      </xs:simpleContent>
    </xs:complexType>
  </xs:element>
  <xs:element name='query'>
    <xs:complexType>
      <xs:choice>
        <xs:all><xs:element name='first' type='xs:string'/></xs:all>
        <xs:element name='x' type='xs:string'/>
      </xs:choice>
      <xs:attribute name='xml:lang' type='xs:language'/>
    </xs:complexType>
  </xs:element>
  <xs:element name='p' type='nope:t'/>
</xs:schema>`},
			want: []string{
				`a.xsd:6:7: warning: xs:extension directly in xs:complexType; read as in an xs:complexContent`,
				`a.xsd:12:9: warning: simpleContent extension: base type {urn:a}empty does not have simple content; read as complexContent`,
				`a.xsd:18:7: warning: xs:simpleContent holds particles and no xs:extension; its content read as the complex type's`,
				`a.xsd:20:9: warning: xs:sequence after the attributes; read as if it came first`,
				`a.xsd:27:9: warning: xs:all in xs:choice; read as a repeated xs:choice`,
				`a.xsd:30:7: warning: xs:attribute name="xml:lang"; read as ref="xml:lang"`,
				`a.xsd:30:7: warning: ref="xml:lang": the XML namespace is used without an xs:import; treated as imported`,
				`a.xsd:33:3: warning: type="nope:t": namespace prefix "nope" is not declared; kept as untyped content`,
			},
		},
		{
			name: "facets directly in xs:simpleType",
			files: map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a'>
  <xs:simpleType name='kind' base='xs:NMTOKEN'><xs:enumeration value='roster'/></xs:simpleType>
  <xs:simpleType name='size'><xs:maxLength value='3'/></xs:simpleType>
</xs:schema>`},
			want: []string{
				`a.xsd:3:48: warning: xs:enumeration directly in xs:simpleType; read as in an xs:restriction of xs:NMTOKEN`,
				`a.xsd:4:30: warning: xs:maxLength directly in xs:simpleType; read as in an xs:restriction of xs:string`,
			},
		},
		{
			name: "default namespace not imported",
			files: map[string]string{
				"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns='urn:b'>
  <xs:element name='e' type='t'/>
</xs:schema>`,
				"b.xsd": xsHead + ` targetNamespace='urn:b'><xs:simpleType name='t'><xs:restriction base='xs:int'/></xs:simpleType></xs:schema>`,
			},
			want: []string{
				`a.xsd:3:3: warning: type="t": namespace urn:b is used without an xs:import; looked up in the search dirs as for an xs:import`,
			},
		},
		{
			name: "illegal cycles",
			files: map[string]string{"a.xsd": xsHead + ` targetNamespace='urn:a' xmlns='urn:a'>
  <xs:group name='g'><xs:sequence><xs:group ref='g'/></xs:sequence></xs:group>
  <xs:simpleType name='s'><xs:restriction base='s'/></xs:simpleType>
  <xs:complexType name='c1'><xs:complexContent><xs:extension base='c2'/></xs:complexContent></xs:complexType>
  <xs:complexType name='c2'><xs:complexContent><xs:extension base='c1'/></xs:complexContent></xs:complexType>
  <xs:attributeGroup name='ag'><xs:attributeGroup ref='ag'/></xs:attributeGroup>
</xs:schema>`},
			want: []string{
				`a.xsd:3:35: warning: circular group: {urn:a}g contains itself; the inner reference is kept raw (a lax wildcard)`,
				`a.xsd:4:27: warning: circular simple type: restriction {urn:a}s depends on itself; read as xs:anySimpleType`,
				`a.xsd:6:48: warning: circular type derivation: base {urn:a}c1 derives from itself; the base is ignored`,
				`a.xsd:7:32: warning: circular attribute group: {urn:a}ag contains itself; the inner reference is ignored`,
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
