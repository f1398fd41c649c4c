package xsd_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/protoxmpp/protoxmpp/gen/xsd"
)

func Example() {
	dir, err := os.MkdirTemp("", "xsd-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "ping.xsd")
	err = os.WriteFile(file, []byte(`<?xml version='1.0'?>
<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'
    targetNamespace='urn:xmpp:ping' xmlns='urn:xmpp:ping'
    elementFormDefault='qualified'>
  <xs:element name='ping'>
    <xs:annotation><xs:documentation>An XMPP ping.</xs:documentation></xs:annotation>
    <xs:complexType>
      <xs:sequence><xs:element name='note' type='xs:string' minOccurs='0'/></xs:sequence>
      <xs:attribute ref='xml:lang'/>
    </xs:complexType>
  </xs:element>
</xs:schema>`), 0o644)
	if err != nil {
		log.Fatal(err)
	}

	set, err := xsd.Load([]string{file}, xsd.Options{SearchDirs: []string{dir}})
	if err != nil {
		log.Fatal(err)
	}
	for _, w := range set.Warnings {
		fmt.Println(w.Msg, "at line", w.Pos.Line)
	}
	for _, e := range set.Schemas[0].Elements {
		ct := e.Type.(*xsd.ComplexType)
		fmt.Printf("%s (line %d): %s\n", e.Name.Local, e.Pos.Line, e.Doc)
		for _, p := range ct.Content.Children {
			fmt.Printf("  child %s, type %s, min %d\n", p.Element.Name.Local, p.Element.Type.TypeName().Local, p.MinOccurs)
		}
		for _, a := range ct.Attributes {
			fmt.Printf("  attribute %s, type %s\n", a.Name, a.Type.Primitive())
		}
	}
	// Output:
	// ref="xml:lang": the XML namespace is used without an xs:import; treated as imported at line 9
	// ping (line 5): An XMPP ping.
	//   child note, type string, min 0
	//   attribute {http://www.w3.org/XML/1998/namespace}lang, type language
}
