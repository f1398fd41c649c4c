package xsd

import "strings"

// builtinBases lists the XSD 1.0 built-in simple types with the base of each
// in the built-in type hierarchy ("" for anySimpleType). The list types
// (NMTOKENS, IDREFS, ENTITIES) name their item type in builtinLists.
var builtinBases = []struct{ name, base string }{
	{"anySimpleType", ""},
	{"string", "anySimpleType"},
	{"normalizedString", "string"},
	{"token", "normalizedString"},
	{"language", "token"},
	{"Name", "token"},
	{"NCName", "Name"},
	{"ID", "NCName"},
	{"IDREF", "NCName"},
	{"ENTITY", "NCName"},
	{"NMTOKEN", "token"},
	{"NMTOKENS", "anySimpleType"},
	{"IDREFS", "anySimpleType"},
	{"ENTITIES", "anySimpleType"},
	{"anyURI", "anySimpleType"},
	{"QName", "anySimpleType"},
	{"NOTATION", "anySimpleType"},
	{"boolean", "anySimpleType"},
	{"decimal", "anySimpleType"},
	{"integer", "decimal"},
	{"nonPositiveInteger", "integer"},
	{"negativeInteger", "nonPositiveInteger"},
	{"long", "integer"},
	{"int", "long"},
	{"short", "int"},
	{"byte", "short"},
	{"nonNegativeInteger", "integer"},
	{"unsignedLong", "nonNegativeInteger"},
	{"unsignedInt", "unsignedLong"},
	{"unsignedShort", "unsignedInt"},
	{"unsignedByte", "unsignedShort"},
	{"positiveInteger", "nonNegativeInteger"},
	{"float", "anySimpleType"},
	{"double", "anySimpleType"},
	{"duration", "anySimpleType"},
	{"dateTime", "anySimpleType"},
	{"time", "anySimpleType"},
	{"date", "anySimpleType"},
	{"gYearMonth", "anySimpleType"},
	{"gYear", "anySimpleType"},
	{"gMonthDay", "anySimpleType"},
	{"gDay", "anySimpleType"},
	{"gMonth", "anySimpleType"},
	{"hexBinary", "anySimpleType"},
	{"base64Binary", "anySimpleType"},
}

var builtinLists = map[string]string{
	"NMTOKENS": "NMTOKEN",
	"IDREFS":   "IDREF",
	"ENTITIES": "ENTITY",
}

// addBuiltins registers the XSD built-in types and the XML namespace's
// attributes in l's tables. Every Set gets its own copies, so callers may
// annotate them freely.
func (l *loader) addBuiltins() {
	st := map[string]*SimpleType{}
	for _, b := range builtinBases {
		t := &SimpleType{Name: QName{XSDNamespace, b.name}, Builtin: b.name, Base: st[b.base]}
		st[b.name] = t
		l.set.types[t.Name] = t
	}
	for list, item := range builtinLists {
		st[list].List = st[item]
	}
	l.anySimpleType = st["anySimpleType"]

	// xs:anyType: mixed, any elements, any attributes.
	anyNS := func() *Wildcard { return &Wildcard{Namespace: "##any", ProcessContents: "lax"} }
	l.anyType = &ComplexType{
		Name:    QName{XSDNamespace, "anyType"},
		Mixed:   true,
		AnyType: true,
		Content: &Particle{Kind: SequenceParticle, MinOccurs: 1, MaxOccurs: 1, Children: []*Particle{
			{Kind: AnyParticle, MinOccurs: 0, MaxOccurs: Unbounded, Wildcard: anyNS()},
		}},
		AnyAttribute: anyNS(),
	}
	l.set.types[l.anyType.Name] = l.anyType

	// The XML namespace (http://www.w3.org/XML/1998/namespace, xml.xsd).
	space := &SimpleType{Base: st["NCName"], Enumerations: []Enum{{Value: "default"}, {Value: "preserve"}}}
	attrs := []*Attribute{
		{Name: QName{XMLNamespace, "lang"}, Type: st["language"], Doc: "Language of the element's content, as a BCP 47 tag."},
		{Name: QName{XMLNamespace, "space"}, Type: space, Doc: "Whitespace handling: default or preserve."},
		{Name: QName{XMLNamespace, "base"}, Type: st["anyURI"], Doc: "Base URI of the element (XML Base)."},
		{Name: QName{XMLNamespace, "id"}, Type: st["ID"], Doc: "Identifier of the element (xml:id)."},
	}
	special := &AttributeGroup{Name: QName{XMLNamespace, "specialAttrs"}}
	for _, a := range attrs {
		l.set.attributes[a.Name] = a
		special.Attributes = append(special.Attributes, &AttributeUse{Name: a.Name, Type: a.Type, Doc: a.Doc, Ref: a})
	}
	l.set.attributeGroups[special.Name] = special
}

// builtinLike returns the XSD built-in type that name misspells (another
// case, as in datetime, or one letter added, dropped, changed or two
// swapped, as in bolean), or "" when there is none or more than one.
func builtinLike(name string) string {
	var found string
	for _, b := range builtinBases {
		if strings.EqualFold(b.name, name) {
			return b.name
		}
	}
	if len(name) < 4 {
		return ""
	}
	for _, b := range builtinBases {
		if editDistance1(strings.ToLower(b.name), strings.ToLower(name)) {
			if found != "" {
				return ""
			}
			found = b.name
		}
	}
	return found
}

// editDistance1 reports whether a and b differ by one insertion, deletion,
// substitution or transposition of adjacent letters.
func editDistance1(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	switch len(a) - len(b) {
	case 0:
		var diff []int
		for i := range a {
			if a[i] != b[i] {
				diff = append(diff, i)
			}
		}
		switch len(diff) {
		case 1:
			return true
		case 2:
			i, j := diff[0], diff[1]
			return j == i+1 && a[i] == b[j] && a[j] == b[i]
		}
		return false
	case 1:
		for i := range b {
			if a[i] != b[i] {
				return a[i+1:] == b[i:]
			}
		}
		return true
	}
	return false
}
