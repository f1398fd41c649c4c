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
// Load reports as errors (*Error values carrying a position, joined with
// errors.Join when there are several) only what it cannot read in the files
// it is given: malformed XML, a root that is not xs:schema, a file that
// cannot be read. An imported or included file that is not well-formed is
// treated as one that cannot be found, with a warning.
// Everything else is repaired or degraded, with a
// Warning that cites the construct's file:line:col and says what was
// assumed, so that every well-formed schema yields a model.
//
// Repairs are for defects with one sensible reading, made on the parsed
// tree before anything is resolved (see repair.go): XSD 1.1's xs:all with
// wildcards, groups or repeated elements (or nested in a model group) is
// read as a repeated xs:choice, and xs:assert is ignored; particles after
// the attributes are read as if they came first, and particles directly in
// xs:complexType as one xs:sequence; a derivation directly in
// xs:complexType is read in the simple or complex content it lacks;
// attributes in xs:element move to its anonymous complex type, attributes
// in an xs:simpleContent without derivation are read as an extension of
// xs:string, and an xs:restriction directly in xs:attribute, or facets
// directly in xs:simpleType, as an anonymous simple type; type= beside an
// anonymous type keeps the anonymous one, a default on a required
// attribute is dropped, an attribute with neither name nor ref is dropped,
// and xs:annotations is read as xs:annotation. While resolving: the
// undeclared prefixes xs and xsd and a doubled prefix (xs:xs:int) are read
// as XSD, misspelled built-ins (xs:datetime, xs:bolean) and unprefixed
// built-in names in no namespace (integer) as the built-in; a namespace the
// schema refers to without importing it is imported implicitly, its schema
// looked up as for an xs:import without schemaLocation; a duplicate global
// keeps the first declaration; an xs:include that cannot be found is
// skipped; schema elements and attributes out of place are ignored.
//
// Degradations are for references that resolve to nothing: an undefined
// type, element, group, attribute or attribute group (in the schema's own
// namespace, a loaded one, or one whose schema cannot be found) is replaced
// by a stand-in, so that the content it stood for is kept as untyped
// content. An element ref resolves to a stand-in global element of that
// name with type xs:anyType (one per name, listed in no Schema's Elements),
// a type to xs:anyType (xs:anySimpleType where a simple type is required),
// an attribute ref to an attribute of type xs:string, a group ref to a lax
// xs:any wildcard with the ref's bounds; an attribute group ref is dropped.
// References into a namespace that is imported but whose schema cannot be
// found get one warning at the xs:import; others one at each reference. A
// schema found for an import only by scanning the search dirs for its
// namespace is not used if it does not load without errors (the next
// candidate is tried, else the import counts as not found). Illegal cycles
// are broken where they close: a group that contains itself becomes a lax
// wildcard there, an attribute group or union member is ignored, a simple
// type reads as xs:anySimpleType, a derivation or substitution group loses
// its base or head. Identity
// constraints (xs:key, xs:keyref, xs:unique), notations and xs:appinfo are
// ignored; xs:redefine is ignored with a warning.
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
