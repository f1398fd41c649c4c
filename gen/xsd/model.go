package xsd

import (
	"fmt"
	"strconv"
)

// Namespace URIs the loader knows without a schema file.
const (
	// XSDNamespace is the XML Schema namespace: built-in types live here.
	XSDNamespace = "http://www.w3.org/2001/XMLSchema"
	// XMLNamespace is the namespace bound to the xml prefix; its attributes
	// (xml:lang, xml:space, xml:base, xml:id) are built in.
	XMLNamespace = "http://www.w3.org/XML/1998/namespace"
)

// Unbounded is the MaxOccurs value for maxOccurs="unbounded".
const Unbounded = -1

// Pos is a source position: the file as given to Load (or as found through
// an include, an import or the search directories), the 1-based line and the
// 1-based column in bytes. The zero Pos means "no position" (built-ins).
type Pos struct {
	File      string
	Line, Col int
}

// String returns "file:line:col", or just the file when the line is unknown.
func (p Pos) String() string {
	if p.Line == 0 {
		if p.File == "" {
			return "-"
		}
		return p.File
	}
	return p.File + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
}

// IsValid reports whether p carries a line number.
func (p Pos) IsValid() bool { return p.Line > 0 }

// QName is an expanded name: a namespace URI and a local name.
type QName struct {
	Space, Local string
}

// String returns "{space}local", or "local" when there is no namespace.
func (q QName) String() string {
	if q.Space == "" {
		return q.Local
	}
	return "{" + q.Space + "}" + q.Local
}

// IsZero reports whether q is the zero QName (the name of anonymous types).
func (q QName) IsZero() bool { return q == QName{} }

// Error is a schema error at a position. Load returns a *Error, or an
// errors.Join of several of them sorted by position.
type Error struct {
	Pos Pos
	Msg string
}

// Error returns "file:line:col: msg" (just msg for an error that concerns
// no file, such as an empty file list).
func (e *Error) Error() string {
	if e.Pos == (Pos{}) {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// Warning is a problem the loader repaired or ignored; loading went on.
type Warning struct {
	Pos Pos
	Msg string
}

// String returns "file:line:col: warning: msg".
func (w Warning) String() string { return w.Pos.String() + ": warning: " + w.Msg }

// Options configures Load.
type Options struct {
	// SearchDirs are the directories where xs:import and xs:include are
	// resolved when the schemaLocation (taken relative to the importing
	// file) does not name an existing file: first by the schemaLocation's
	// base file name, then, for imports, by scanning the *.xsd files of the
	// directories for one whose targetNamespace is the imported namespace.
	SearchDirs []string
}

// Set is every schema loaded by one call to Load, with all references
// resolved to pointers.
type Set struct {
	// Schemas are in load order: the files named in Load first, then the
	// schemas they import, breadth first. Included files are not listed:
	// their components belong to the including schema.
	Schemas []*Schema
	// Warnings lists repairs and ignored constructs, sorted by position.
	Warnings []Warning

	elements        map[QName]*Element
	types           map[QName]Type
	groups          map[QName]*Group
	attributeGroups map[QName]*AttributeGroup
	attributes      map[QName]*Attribute
}

// Element returns the global element declaration named q, or nil.
func (s *Set) Element(q QName) *Element { return s.elements[q] }

// ComplexType returns the global complex type named q (including the
// built-in xs:anyType), or nil.
func (s *Set) ComplexType(q QName) *ComplexType {
	ct, _ := s.types[q].(*ComplexType)
	return ct
}

// SimpleType returns the global simple type named q, including the XSD
// built-in types, or nil.
func (s *Set) SimpleType(q QName) *SimpleType {
	st, _ := s.types[q].(*SimpleType)
	return st
}

// Type returns the global simple or complex type named q, or nil.
func (s *Set) Type(q QName) Type { return s.types[q] }

// Group returns the global model group named q, or nil.
func (s *Set) Group(q QName) *Group { return s.groups[q] }

// AttributeGroup returns the global attribute group named q (including the
// built-in xml:specialAttrs), or nil.
func (s *Set) AttributeGroup(q QName) *AttributeGroup { return s.attributeGroups[q] }

// Attribute returns the global attribute declaration named q (including the
// built-in xml:lang, xml:space, xml:base and xml:id), or nil.
func (s *Set) Attribute(q QName) *Attribute { return s.attributes[q] }

// Schema is one schema document (with the documents it includes).
type Schema struct {
	Pos  Pos // the xs:schema element
	File string
	// TargetNamespace is "" for a schema without one.
	TargetNamespace string
	// ElementFormQualified and AttributeFormQualified are the
	// elementFormDefault and attributeFormDefault of this document.
	ElementFormQualified, AttributeFormQualified bool
	// Doc is the xs:documentation of the xs:schema's annotations.
	Doc string

	// Global components in document order, including those of included
	// files (at the place of the xs:include).
	Elements        []*Element
	ComplexTypes    []*ComplexType
	SimpleTypes     []*SimpleType
	Groups          []*Group
	AttributeGroups []*AttributeGroup
	Attributes      []*Attribute

	// Imports are the imported namespaces in document order.
	Imports []string
}

// Element is an element declaration, global or local, or a local use of a
// global declaration (Ref set).
type Element struct {
	Pos Pos
	Doc string
	// Name is the expanded name: globals are always in the target
	// namespace; locals are qualified per form or elementFormDefault.
	Name   QName
	Global bool
	// Ref is the global declaration when written with ref=; Name, Type,
	// Nillable, Abstract, Default, Fixed and SubstitutionGroup then come
	// from it, MinOccurs and MaxOccurs from the reference.
	Ref *Element
	// Type is the resolved type: a *ComplexType or a *SimpleType (possibly
	// built-in). An element declared without a type and without content
	// has the built-in xs:anyType (a *ComplexType with AnyType set); one
	// with only a substitutionGroup has its head's type.
	Type Type
	// MinOccurs and MaxOccurs are the occurrence bounds (1 and 1 unless
	// given; MaxOccurs is Unbounded for "unbounded"). For global
	// declarations they are always 1.
	MinOccurs, MaxOccurs int
	// Default and Fixed are the value constraints, nil when absent.
	Default, Fixed    *string
	Nillable          bool
	Abstract          bool
	SubstitutionGroup *Element
	// GenType is the protoxmpp:type attribute ("jid"), as for an
	// AttributeUse.
	GenType string
	// Enum is the protoxmpp:enum attribute of a global element
	// (GenNamespace): the global empty elements of a schema that carry the
	// same Enum are the values of one Go type of that name, which decodes
	// any of them and remembers which.
	Enum string
}

// Type is a *ComplexType or a *SimpleType.
type Type interface {
	isType()
	// TypeName returns the type's name, the zero QName if anonymous.
	TypeName() QName
}

// ComplexType is a complex type definition, named or anonymous.
type ComplexType struct {
	Pos  Pos
	Doc  string
	Name QName // zero for anonymous types
	// Mixed is the declared mixed flag (of the complexType or its
	// complexContent).
	Mixed, Abstract bool
	// AnyType marks the built-in xs:anyType (mixed, any content, any
	// attributes).
	AnyType bool
	// Content is the content model, nil for empty or simple content. For
	// a complexContent extension it is the base's content followed by the
	// extension's: a synthesized sequence of the two when both are
	// non-nil. An empty sequence or all is normalized to nil.
	Content *Particle
	// SimpleContent is the value type for simpleContent: the base's value
	// type resolved through extension/restriction chains, or a synthesized
	// anonymous restriction of it when the restriction adds facets.
	SimpleContent *SimpleType
	// Base is the complex base type of a complexContent derivation, or of
	// a simpleContent derivation whose base is a complex type; nil
	// otherwise.
	Base *ComplexType
	// Derivation is "extension", "restriction" or "" (no simpleContent
	// or complexContent).
	Derivation string
	// Attributes are the effective attribute uses: for an extension the
	// base's first, then the type's own, with attribute group references
	// expanded in place; for a restriction the base's, overridden by name
	// by the type's own. Uses marked Prohibited are kept so callers can
	// see them; they are not allowed in instances. The *AttributeUse
	// values may be shared between types.
	Attributes []*AttributeUse
	// AnyAttribute is the attribute wildcard: the type's own, else the
	// first one from its attribute groups, else (for an extension) the
	// base's. Nil if none.
	AnyAttribute *Wildcard
}

// ParticleKind says what a Particle is.
type ParticleKind int

// Particle kinds.
const (
	ElementParticle  ParticleKind = iota // an element declaration (Element)
	SequenceParticle                     // xs:sequence (Children)
	ChoiceParticle                       // xs:choice (Children)
	AllParticle                          // xs:all (Children)
	AnyParticle                          // xs:any (Wildcard)
)

var particleKindNames = [...]string{"element", "sequence", "choice", "all", "any"}

// String returns the XSD name of the kind: "element", "sequence", ...
func (k ParticleKind) String() string {
	if k >= 0 && int(k) < len(particleKindNames) {
		return particleKindNames[k]
	}
	return "ParticleKind(" + strconv.Itoa(int(k)) + ")"
}

// Particle is one term of a content model with its occurrence bounds.
type Particle struct {
	Pos                  Pos
	Kind                 ParticleKind
	MinOccurs, MaxOccurs int // MaxOccurs is Unbounded for "unbounded"
	// Element is the declaration of an ElementParticle; its MinOccurs and
	// MaxOccurs equal the particle's.
	Element *Element
	// Children are the terms of a sequence, choice or all. An xs:group
	// reference is expanded in place into a particle of the group's kind
	// carrying the reference's occurrence bounds, with Group set; its
	// Children slice is shared with the group's particle.
	Children []*Particle
	// Group is the referenced group when this particle came from an
	// xs:group ref.
	Group *Group
	// Wildcard is the wildcard of an AnyParticle.
	Wildcard *Wildcard
	// Enum is the protoxmpp:enum attribute of an xs:choice (GenNamespace):
	// the name of the one Go field, of an enumerated type of the same name,
	// that a choice among empty (or text-only) elements becomes. It carries
	// over to a group reference.
	Enum string
}

// GenNamespace is the namespace of the attributes by which a schema gives
// the generator hints that XSD cannot express (protoxmpp:enum).
const GenNamespace = "urn:protoxmpp:xsd"

// Wildcard is an xs:any or xs:anyAttribute.
type Wildcard struct {
	Pos Pos
	// Namespace is the raw namespace attribute ("##any" when absent), e.g.
	// "##other" or a space-separated list of URIs and ##local /
	// ##targetNamespace.
	Namespace string
	// ProcessContents is "strict" (the default), "lax" or "skip".
	ProcessContents string
	// TargetNamespace is the target namespace of the declaring schema,
	// needed to interpret ##other and ##targetNamespace.
	TargetNamespace string
}

// Group is a global model group definition (xs:group name=).
type Group struct {
	Pos      Pos
	Doc      string
	Name     QName
	Particle *Particle // the group's sequence, choice or all
}

// AttributeGroup is a global attribute group definition, flattened: nested
// attribute group references are expanded in place.
type AttributeGroup struct {
	Pos          Pos
	Name         QName
	Attributes   []*AttributeUse
	AnyAttribute *Wildcard
}

// Attribute is a global attribute declaration.
type Attribute struct {
	Pos            Pos
	Doc            string
	Name           QName
	Type           *SimpleType // xs:anySimpleType when not given
	Default, Fixed *string
}

// AttributeUse is an attribute of a complex type or attribute group: a local
// declaration or a reference to a global one.
type AttributeUse struct {
	Pos Pos
	Doc string
	// Name is the expanded name: local attributes have no namespace unless
	// qualified by form or attributeFormDefault; references (xml:lang)
	// carry their target's namespace.
	Name QName
	Type *SimpleType
	// Required and Prohibited reflect use="required" / "prohibited".
	Required, Prohibited bool
	// Default and Fixed are the value constraints of the use, or else of
	// the referenced declaration; nil when absent.
	Default, Fixed *string
	Ref            *Attribute // the global declaration for ref=
	// GenType is the protoxmpp:type attribute (GenNamespace): "jid" for
	// an address, generated as a jid.JID that keeps its text.
	GenType string
}

// SimpleType is a simple type definition, user-defined or built-in.
type SimpleType struct {
	Pos  Pos
	Doc  string
	Name QName // zero for anonymous types
	// Builtin is the local name of an XSD built-in type ("string", "int",
	// "anySimpleType", ...), "" for user types.
	Builtin string
	// Base is the restriction base, resolved. Built-ins have the base of
	// the XSD type hierarchy (int's base is long); anySimpleType has none.
	Base *SimpleType
	// Enumerations are the enumeration facets in document order.
	Enumerations []Enum
	// Facets holds the other facets by name (length, minLength,
	// maxLength, pattern, minInclusive, maxInclusive, minExclusive,
	// maxExclusive, totalDigits, fractionDigits, whiteSpace). Only the
	// first pattern is kept. Nil when there are none.
	Facets map[string]string
	// List is the item type of an xs:list (and of the built-in list
	// types NMTOKENS, IDREFS and ENTITIES).
	List *SimpleType
	// Union holds the member types of an xs:union: the memberTypes
	// attribute's first, then the inline types.
	Union []*SimpleType
}

// Enum is one enumeration facet.
type Enum struct {
	Value string
	Doc   string
	Pos   Pos
}

func (*ComplexType) isType() {}
func (*SimpleType) isType()  {}

// TypeName returns the type's name, the zero QName if anonymous.
func (t *ComplexType) TypeName() QName { return t.Name }

// TypeName returns the type's name, the zero QName if anonymous.
func (t *SimpleType) TypeName() QName { return t.Name }

// Primitive returns the name of the built-in type at the root of t's
// restriction chain: t.Builtin for a built-in, else the Builtin of the
// nearest built-in ancestor through Base ("int" for a restriction of
// xs:int). It returns "" for a list or union (look at List and Union) and
// for types whose chain is broken by an error.
func (t *SimpleType) Primitive() string {
	for i := 0; t != nil && i < 10000; i++ {
		if t.Builtin != "" {
			return t.Builtin
		}
		if t.List != nil || t.Union != nil {
			return ""
		}
		t = t.Base
	}
	return ""
}

// String describes the particle briefly, for debugging.
func (p *Particle) String() string {
	if p == nil {
		return "<nil>"
	}
	occ := fmt.Sprintf("{%d,%s}", p.MinOccurs, maxString(p.MaxOccurs))
	switch p.Kind {
	case ElementParticle:
		if p.Element != nil {
			return "element " + p.Element.Name.String() + occ
		}
	case AnyParticle:
		if p.Wildcard != nil {
			return "any " + p.Wildcard.Namespace + occ
		}
	}
	return p.Kind.String() + occ
}

func maxString(n int) string {
	if n == Unbounded {
		return "unbounded"
	}
	return strconv.Itoa(n)
}
