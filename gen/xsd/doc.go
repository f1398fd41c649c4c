// Package xsd is a faithful model of the XML Schema 1.0 documents the
// generator reads, with a loader that resolves includes, imports and every
// reference to a pointer, and keeps a file:line:col position on every node.
//
// Load reads the named files and what they include and import; xs:import
// and xs:include are resolved relative to the importing file, then in
// Options.SearchDirs by the schemaLocation's base name, then (imports only)
// by scanning the search dirs for a schema with the imported
// targetNamespace. The XSD built-in types and the XML namespace
// (xml:lang, xml:space, xml:base, xml:id) are built in and need no file.
//
// In the model, xs:group references are expanded in place, attribute
// groups and derivations are flattened into each complex type's Attributes,
// a complexContent extension's Content starts with its base's content, and
// recursion (an element whose type contains the element) is simply a cycle
// of pointers: walkers of the model must keep a visited set.
//
// Load reports schema errors as *Error values carrying a position, joined
// with errors.Join when there are several; problems it can repair (a
// reference to xml:lang without importing the XML namespace, an import
// whose schema cannot be found, attributes that XSD does not allow where
// they are written) become Warnings.
//
// References into a namespace that the referring schema imports but whose
// schema cannot be found are repaired, with one warning at the xs:import:
// an element ref resolves to a stand-in global element of that name with
// type xs:anyType (one per name, listed in no Schema's Elements), a type to
// xs:anyType (xs:anySimpleType where a simple type is required), an
// attribute ref to an attribute of type xs:string, a group ref to a lax
// xs:any wildcard with the ref's bounds; an attribute group ref is dropped.
// A schema found for an import only by scanning the search dirs for its
// namespace is not used if it does not load without errors (the next
// candidate is tried, else the import counts as not found). References into
// namespaces that are not imported, and undefined names in namespaces that
// are loaded, stay errors. Identity constraints
// (xs:key, xs:keyref, xs:unique), notations and xs:appinfo are ignored;
// xs:redefine is ignored with a warning.
//
// Usage:
//
//	set, err := xsd.Load([]string{"schemas/muc.xsd"}, xsd.Options{SearchDirs: []string{"schemas"}})
//	for _, w := range set.Warnings {
//		log.Print(w)
//	}
//	if err != nil {
//		log.Fatal(err) // every line reads file:line:col: message
//	}
//	for _, e := range set.Schemas[0].Elements {
//		fmt.Println(e.Name.Local, e.Type.TypeName())
//	}
package xsd
