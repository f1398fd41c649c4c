// Package ir is the Go-shaped model of a set of XSD schemas: one Package per
// target namespace, with every Go name, type, field and clash decided here,
// once, so that the emitter only prints.
package ir

import (
	"fmt"
	"sort"
	"strings"

	"github.com/protoxmpp/protoxmpp/gen/xsd"
)

// Package is the Go package generated for one XML namespace.
type Package struct {
	Namespace string
	Name      string // Go package name
	Path      string // import path
	Dir       string // output folder, relative to the output root
	Files     []string
	Doc       string
	Structs   []*Struct // sorted by Go name
	Enums     []*Enum   // sorted by Go name
	// Family lists the other namespaces whose elements have the shapes
	// of Namespace's (jabber:server and jabber:component:accept beside
	// jabber:client): namespaces the package map sends to this package's
	// folder with no schema of their own. The types decode from any of
	// them, remember which, and encode in the namespace of their context.
	Family []string

	names map[string]bool
}

// Struct is a generated struct type: for a global element, a named complex
// type used by local elements, or the anonymous type of a local element.
type Struct struct {
	Pkg  *Package
	Name string
	Doc  string
	Pos  xsd.Pos

	// Element is set for global elements: the type implements
	// stanza.Element and is registered.
	Element *xsd.QName
	// Empty marks the empty-element idiom: no attributes, no content.
	Empty bool

	Attrs  []*AttrField
	Fields []*Field // child elements and the wildcard, in schema order
	Text   *TextField

	// AnyAttrsName is the field keeping attributes the schema does not
	// describe ("" for Empty structs).
	AnyAttrsName string
	// OrderName is the field recording child order when it differs from
	// the schema's ("" when the type has fewer than two child slots).
	OrderName string
	// ExtraName is the field keeping, in place, the content the schema
	// does not allow ("" for Empty structs and simple content). Its slot
	// in the recorded order is ExtraSlot, after every field's.
	ExtraName string
	ExtraSlot int
	// ElementEnum is set for the type of several global empty elements
	// marked protoxmpp:enum: its Value field, of this enumerated type, is
	// the name of the element decoded or to encode.
	ElementEnum *Enum
	// RequiredChoices are the fields of the alternatives of each choice
	// that must be present: validation reports when none is.
	RequiredChoices [][]*Field
	// OpenAttrs is set when the schema admits any attribute
	// (xs:anyAttribute); validation then reports no unknown attribute in a
	// namespace, and none in no namespace when OpenLocalAttrs is set too.
	OpenAttrs, OpenLocalAttrs bool
	// TextInAny is set for untyped content (xs:anyType): the runs of text
	// are kept in the Any field as *stanza.Text, in place among the
	// children, so that decoding is lossless; there is no Text field.
	TextInAny *Field

	built bool
	xtype *xsd.ComplexType
}

// ScalarKind is the Go shape of a simple type.
type ScalarKind int

// Scalar kinds.
const (
	KString ScalarKind = iota
	KBool
	KInt
	KUint
	KFloat
	KBase64
	KHex
	KDateTime // stanza.DateTime, kept lexically
	KJID      // jid.JID, an XMPP address kept as its text (protoxmpp:type='jid')
	KList
	KEnum
)

// Scalar is the Go type of a simple type.
type Scalar struct {
	Kind ScalarKind
	Bits int     // for KInt, KUint, KFloat
	Elem *Scalar // for KList
	Enum *Enum   // for KEnum
	XSD  string  // the XSD built-in it derives from
	// Union lists the member types of an xs:union (held as a string):
	// validation accepts a value that one of them accepts.
	Union []*Scalar
	// Facets are the constraining facets of the derived type (length,
	// minLength, maxLength, pattern, minInclusive, maxInclusive,
	// minExclusive, maxExclusive), the nearest definition of each along the
	// derivation; nil when none.
	Facets map[string]string
}

// IsStringLike reports whether the zero value "" can stand for absent.
func (s *Scalar) IsStringLike() bool {
	switch s.Kind {
	case KString, KDateTime, KBase64, KHex, KList, KJID:
		return true
	case KEnum:
		return s.Enum.Base.IsStringLike()
	}
	return false
}

// Enum is a named Go type with constants for an enumerated simple type.
type Enum struct {
	Pkg    *Package
	Name   string
	Doc    string
	Base   *Scalar
	Values []EnumValue
}

// EnumValue is one constant.
type EnumValue struct {
	GoName string
	Value  string
	Doc    string
}

// AttrField is a struct field for an attribute.
type AttrField struct {
	GoName   string
	Doc      string
	Name     xsd.QName
	Type     *Scalar
	Required bool
	Pointer  bool // optional non-string scalar: nil when absent
	Default  *string
	Fixed    *string
}

// FieldKind says how a child element is held.
type FieldKind int

// Field kinds.
const (
	FlagField   FieldKind = iota // empty element: bool
	ScalarField                  // simple-typed element: its Go scalar
	StructField                  // complex element: a struct
	RawField                     // anyType element: *stanza.RawElement
	AnyField                     // wildcard: []stanza.Element
	ChoiceField                  // choice among empty or text-only elements: one enumerated value
)

// Field is a struct field for a child element or the wildcard.
type Field struct {
	GoName   string
	Doc      string
	Kind     FieldKind
	Name     xsd.QName // element name (not for AnyField)
	Scalar   *Scalar
	Struct   *Struct
	Repeated bool
	Pointer  bool // optional struct, or optional non-string scalar
	Required bool // a single element the content model requires
	Slot     int  // position among the struct's child slots
	// Min and Max are the occurrence bounds validation checks on a
	// repeated field (Max is -1 for unbounded).
	Min, Max int
	// Wildcard is the namespace constraint of an AnyField ("##any",
	// "##other", or a list of URIs, ##local and ##targetNamespace).
	Wildcard string
	// WildcardNS is the target namespace of the schema document holding
	// the wildcard, against which ##other and ##targetNamespace resolve.
	WildcardNS string
	// Choice lists the alternatives of a ChoiceField, whose Scalar is the
	// enumerated type of their local names (all in the namespace of
	// Name.Space); TextName is the string field holding the text of an
	// alternative with text content ("" when none has any).
	Choice   []ChoiceAlt
	TextName string
}

// ChoiceAlt is one alternative of a ChoiceField.
type ChoiceAlt struct {
	Name xsd.QName
	// Text is set when the element may hold text (a simple type).
	Text  bool
	Value EnumValue
}

// TextField holds simple content or mixed text.
type TextField struct {
	GoName string
	Type   *Scalar
	Mixed  bool
}

// Options configure Build.
type Options struct {
	// Packages maps a namespace to its Go package folder/name.
	Packages map[string]string
	// Module is the import path of the output root folder.
	Module string
}

// Builder turns a loaded schema set into packages.
type builder struct {
	set      *xsd.Set
	opts     Options
	pkgs     map[string]*Package
	order    []*Package
	elemType map[*xsd.Element]*Struct
	ctype    map[*xsd.ComplexType]*Struct
	enums    map[*xsd.SimpleType]*Enum
	choices  map[*xsd.Particle]*Enum // by the first alternative's particle
	warnings []string
	errs     []error
}

// Build returns the packages for every namespace in set, sorted by path.
func Build(set *xsd.Set, opts Options) ([]*Package, []string, error) {
	b := &builder{set: set, opts: opts, pkgs: map[string]*Package{},
		elemType: map[*xsd.Element]*Struct{}, ctype: map[*xsd.ComplexType]*Struct{}, enums: map[*xsd.SimpleType]*Enum{},
		choices: map[*xsd.Particle]*Enum{}}
	for _, s := range set.Schemas {
		if s.TargetNamespace == xsd.XMLNamespace {
			continue
		}
		p, err := b.pkg(s)
		if err != nil {
			return nil, nil, err
		}
		if p.Doc == "" {
			p.Doc = s.Doc
		}
	}
	// Namespaces mapped to the folder of a schema's package, with no
	// schema of their own, join its family.
	for ns, dir := range opts.Packages {
		if b.pkgs[ns] != nil {
			continue
		}
		for _, p := range b.order {
			if p.Dir == dir {
				p.Family = append(p.Family, ns)
			}
		}
	}
	for _, p := range b.order {
		sort.Strings(p.Family)
	}
	// Declare the struct for every global element first, so that refs
	// resolve whatever the order.
	for _, s := range set.Schemas {
		if s.TargetNamespace == xsd.XMLNamespace {
			continue
		}
		p := b.pkgs[s.TargetNamespace]
		shared := map[string]*Struct{}
		for _, e := range s.Elements {
			if e.Enum != "" {
				if ct, ok := e.Type.(*xsd.ComplexType); ok && isEmptyType(ct) {
					st := shared[e.Enum]
					if st == nil {
						st = &Struct{Pkg: p, Doc: s.Doc, Pos: e.Pos, Element: &xsd.QName{Space: e.Name.Space, Local: e.Name.Local}}
						st.ElementEnum = &Enum{Pkg: p, Base: &Scalar{Kind: KString, XSD: "string"}}
						shared[e.Enum] = st
					}
					st.ElementEnum.Values = append(st.ElementEnum.Values, EnumValue{Value: e.Name.Local, Doc: e.Doc})
					b.elemType[e] = st
					continue
				}
				b.warnings = append(b.warnings, fmt.Sprintf("%s: warning: protoxmpp:enum on an element that is not empty; ignored", e.Pos))
			}
			if _, ok := e.Type.(*xsd.ComplexType); ok {
				st := &Struct{Pkg: p, Doc: e.Doc, Pos: e.Pos, Element: &xsd.QName{Space: e.Name.Space, Local: e.Name.Local}}
				st.xtype = e.Type.(*xsd.ComplexType)
				b.elemType[e] = st
			} else {
				// Simple-typed global element: a struct with a Value.
				st := &Struct{Pkg: p, Doc: e.Doc, Pos: e.Pos, Element: &xsd.QName{Space: e.Name.Space, Local: e.Name.Local}}
				b.elemType[e] = st
			}
		}
	}
	// Name them in document order, so that names are stable.
	for _, s := range set.Schemas {
		for _, e := range s.Elements {
			st := b.elemType[e]
			if st == nil {
				continue
			}
			if en := st.ElementEnum; en != nil {
				// One type for several elements: named once, its values
				// named after the elements.
				if st.Name == "" {
					st.Name = st.Pkg.reserve(e.Enum, "Element")
					en.Name = st.Pkg.reserve(e.Enum+"Value", "Type")
					for i := range en.Values {
						en.Values[i].GoName = st.Pkg.reserve(GoName(en.Values[i].Value), en.Name)
					}
					st.Pkg.Enums = append(st.Pkg.Enums, en)
				}
				continue
			}
			st.Name = st.Pkg.reserve(GoName(e.Name.Local), "Element")
		}
	}
	for _, s := range set.Schemas {
		for _, e := range s.Elements {
			if st := b.elemType[e]; st != nil {
				b.fill(st, e)
			}
		}
	}
	if len(b.errs) > 0 {
		return nil, b.warnings, joinErrs(b.errs)
	}
	for _, p := range b.order {
		sort.Slice(p.Structs, func(i, j int) bool { return p.Structs[i].Name < p.Structs[j].Name })
		sort.Slice(p.Enums, func(i, j int) bool { return p.Enums[i].Name < p.Enums[j].Name })
	}
	out := append([]*Package(nil), b.order...)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, b.warnings, nil
}

func joinErrs(errs []error) error {
	var msgs []string
	for _, e := range errs {
		msgs = append(msgs, e.Error())
	}
	return fmt.Errorf("%s", strings.Join(msgs, "\n"))
}

func (b *builder) pkg(s *xsd.Schema) (*Package, error) {
	if p := b.pkgs[s.TargetNamespace]; p != nil {
		p.Files = append(p.Files, s.File)
		return p, nil
	}
	dir := b.opts.Packages[s.TargetNamespace]
	if dir == "" {
		dir = PackageNameFromFile(s.File)
		if len(b.opts.Packages) > 0 {
			b.warnings = append(b.warnings, fmt.Sprintf("%s: warning: namespace %q has no entry in the package map; using package %q", s.Pos, s.TargetNamespace, dir))
		}
	}
	name := dir
	if i := strings.LastIndexByte(dir, '/'); i >= 0 {
		name = dir[i+1:]
	}
	p := &Package{Namespace: s.TargetNamespace, Name: name, Dir: dir, Files: []string{s.File}, names: map[string]bool{}}
	p.Path = strings.TrimSuffix(b.opts.Module, "/") + "/" + dir
	for _, r := range []string{"NS"} {
		p.names[r] = true
	}
	b.pkgs[s.TargetNamespace] = p
	b.order = append(b.order, p)
	return p, nil
}

// PackageNameFromFile derives a package name from a schema file name, for
// namespaces the package map does not name: "xep-0030-disco-info.xsd"
// becomes "xep0030discoinfo".
func PackageNameFromFile(file string) string {
	base := file
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	base = strings.TrimSuffix(base, ".xsd")
	var sb strings.Builder
	for _, r := range strings.ToLower(base) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			sb.WriteRune(r)
		}
	}
	n := sb.String()
	if n == "" || (n[0] >= '0' && n[0] <= '9') {
		n = "x" + n
	}
	return n
}

// reserve returns a package-level name not used yet, adding suffix (then
// numbers) on a clash.
func (p *Package) reserve(name, suffix string) string {
	if !p.names[name] {
		p.names[name] = true
		return name
	}
	if !p.names[name+suffix] {
		p.names[name+suffix] = true
		return name + suffix
	}
	for i := 2; ; i++ {
		n := fmt.Sprintf("%s%s%d", name, suffix, i)
		if !p.names[n] {
			p.names[n] = true
			return n
		}
	}
}

func (b *builder) errorf(pos xsd.Pos, format string, args ...any) {
	b.errs = append(b.errs, fmt.Errorf("%s: %s", pos, fmt.Sprintf(format, args...)))
}

// fill builds the fields of a global element's struct.
func (b *builder) fill(st *Struct, e *xsd.Element) {
	if st.built {
		return
	}
	st.built = true
	st.Pkg.Structs = append(st.Pkg.Structs, st)
	if st.ElementEnum != nil {
		// Empty elements: what they may not hold is kept all the same.
		st.AnyAttrsName, st.ExtraName = "AnyAttrs", "XMLExtra"
		return
	}
	switch t := e.Type.(type) {
	case *xsd.ComplexType:
		b.fillComplex(st, t)
	case *xsd.SimpleType:
		st.Text = &TextField{GoName: "Value", Type: b.genType(b.scalar(t, st.Pkg, st.Name+"Value", e.Pos), e.GenType, e.Pos)}
		st.AnyAttrsName = "AnyAttrs"
	}
}

// member names a struct's fields and keeps them unique.
type members map[string]bool

var reservedMembers = []string{"DecodeXMPP", "EncodeXMPP", "EncodeElement", "ElementName", "MarshalXML", "UnmarshalXML"}

func newMembers() members {
	m := members{}
	for _, r := range reservedMembers {
		m[r] = true
	}
	return m
}

func (m members) add(name, suffix string) string {
	if !m[name] {
		m[name] = true
		return name
	}
	if !m[name+suffix] {
		m[name+suffix] = true
		return name + suffix
	}
	for i := 2; ; i++ {
		n := fmt.Sprintf("%s%s%d", name, suffix, i)
		if !m[n] {
			m[n] = true
			return n
		}
	}
}

func isEmptyType(t *xsd.ComplexType) bool {
	return t != nil && !t.AnyType && !t.Mixed && t.Content == nil && t.SimpleContent == nil &&
		len(t.Attributes) == 0 && t.AnyAttribute == nil
}

func (b *builder) fillComplex(st *Struct, t *xsd.ComplexType) {
	if isEmptyType(t) {
		st.Empty = true
		return
	}
	m := newMembers()
	if t.AnyType {
		any := &Field{GoName: m.add("Any", "Elements"), Kind: AnyField, Repeated: true, Doc: "Any holds the element's content in order: its children, and its runs of text as *stanza.Text.", Wildcard: "##any", Max: xsd.Unbounded}
		st.Fields = append(st.Fields, any)
		st.TextInAny = any
		st.AnyAttrsName = m.add("AnyAttrs", "Field")
		st.OpenAttrs, st.OpenLocalAttrs = true, true
		return
	}
	for _, a := range t.Attributes {
		if a.Prohibited {
			continue
		}
		af := &AttrField{Doc: a.Doc, Name: a.Name, Required: a.Required, Default: a.Default, Fixed: a.Fixed}
		if a.Ref != nil && a.Doc == "" {
			af.Doc = a.Ref.Doc
		}
		base := GoName(a.Name.Local)
		if a.Name.Space == xsd.XMLNamespace && a.Name.Local == "lang" {
			base = "Lang"
		}
		af.GoName = m.add(base, "Attr")
		af.Type = b.genType(b.scalar(a.Type, st.Pkg, st.Name+GoName(a.Name.Local), a.Pos), a.GenType, a.Pos)
		// Required or not, a value that may be absent from what was
		// received: decoding is lossless and validation reports it.
		if !af.Type.IsStringLike() {
			af.Pointer = true
		}
		st.Attrs = append(st.Attrs, af)
	}
	if t.SimpleContent != nil {
		st.Text = &TextField{GoName: m.add("Value", "Text"), Type: b.scalar(t.SimpleContent, st.Pkg, st.Name+"Value", t.Pos)}
	}
	if t.Content != nil {
		b.particles(st, m, t.Content, false, false)
	}
	if t.Mixed && st.Text == nil {
		st.Text = &TextField{GoName: m.add("Text", "Value"), Type: &Scalar{Kind: KString, XSD: "string"}, Mixed: true}
	}
	st.AnyAttrsName = m.add("AnyAttrs", "Field")
	if w := t.AnyAttribute; w != nil {
		st.OpenAttrs = true
		// ##other admits no attribute in no namespace.
		st.OpenLocalAttrs = strings.TrimSpace(w.Namespace) != "##other"
	}
	if st.Text == nil || st.Text.Mixed {
		st.ExtraName = m.add("XMLExtra", "Field")
		st.ExtraSlot = len(st.Fields)
	}
	slots := len(st.Fields)
	if st.ExtraName != "" {
		slots++
	}
	if slots >= 2 {
		st.OrderName = m.add("XMLOrder", "Field")
	}
	for i, f := range st.Fields {
		f.Slot = i
	}
}

// particles adds fields for a particle tree. optional and repeated carry the
// bounds of enclosing particles.
func (b *builder) particles(st *Struct, m members, p *xsd.Particle, optional, repeated bool) {
	if p == nil {
		return
	}
	opt := optional || p.MinOccurs == 0
	rep := repeated || p.MaxOccurs == xsd.Unbounded || p.MaxOccurs > 1
	switch p.Kind {
	case xsd.SequenceParticle, xsd.AllParticle:
		for _, c := range p.Children {
			b.particles(st, m, c, opt, rep)
		}
	case xsd.ChoiceParticle:
		if p.Enum != "" && b.enumChoice(st, m, p, opt, rep) {
			return
		}
		n := len(st.Fields)
		for _, c := range p.Children {
			b.particles(st, m, c, true, rep)
		}
		if !opt && !rep && len(st.Fields) > n+1 {
			// One of them must be there: validation checks it.
			st.RequiredChoices = append(st.RequiredChoices, append([]*Field(nil), st.Fields[n:]...))
		}
	case xsd.AnyParticle:
		for _, f := range st.Fields {
			if f.Kind == AnyField {
				return
			}
		}
		doc := "Any holds child elements the schema leaves open (xs:any): typed values for namespaces whose generated package is imported, *stanza.RawElement otherwise."
		ns, tns := "##any", st.Pkg.Namespace
		if p.Wildcard != nil && p.Wildcard.Namespace != "" {
			ns, tns = p.Wildcard.Namespace, p.Wildcard.TargetNamespace
		}
		st.Fields = append(st.Fields, &Field{GoName: m.add("Any", "Elements"), Kind: AnyField, Repeated: true, Doc: doc, Wildcard: ns, WildcardNS: tns, Max: xsd.Unbounded})
	case xsd.ElementParticle:
		b.elementField(st, m, p.Element, opt, rep)
		f := st.Fields[len(st.Fields)-1]
		if f.Name == elemName(p.Element) && f.Repeated && f.Min == 0 && f.Max == 0 {
			f.Min, f.Max = 0, xsd.Unbounded
			if !optional {
				f.Min = p.MinOccurs
			}
			if !repeated {
				f.Max = p.MaxOccurs
			}
		}
	}
}

func (b *builder) elementField(st *Struct, m members, e *xsd.Element, optional, repeated bool) {
	target := e
	if e.Ref != nil {
		target = e.Ref
	}
	// The same element twice in a content model: one repeated field.
	for _, f := range st.Fields {
		if f.Kind != AnyField && f.Name == target.Name {
			f.Repeated = true
			f.Pointer = false
			f.Required = false
			f.Min, f.Max = -1, xsd.Unbounded // not checked
			return
		}
	}
	f := &Field{Name: target.Name, Doc: e.Doc, Repeated: repeated, Required: !optional && !repeated}
	if f.Doc == "" {
		f.Doc = target.Doc
	}
	name := GoName(target.Name.Local)
	switch t := target.Type.(type) {
	case *xsd.SimpleType:
		f.Kind = ScalarField
		hint := st.Name + name
		if target.Global {
			hint = name
		}
		gt := e.GenType
		if gt == "" {
			gt = target.GenType
		}
		f.Scalar = b.genType(b.scalar(t, b.pkgFor(target.Name.Space, st.Pkg), hint, target.Pos), gt, e.Pos)
		// Single values are pointers, so that an element present with
		// empty content (<gone/>) differs from an absent one, required
		// or not (decoding is lossless; validation reports a missing one).
		f.Pointer = !repeated
	case *xsd.ComplexType:
		switch {
		case isEmptyType(t) && !repeated:
			f.Kind = FlagField
		case t.AnyType:
			f.Kind = RawField
			f.Pointer = !repeated
		default:
			f.Kind = StructField
			f.Struct = b.structFor(st, target, t)
			f.Pointer = !repeated
		}
	default:
		b.errorf(e.Pos, "element %s has no type", target.Name.Local)
		return
	}
	f.GoName = m.add(name, "Elem")
	st.Fields = append(st.Fields, f)
}

// enumChoice makes the choice p (marked protoxmpp:enum) one field of an
// enumerated type named after the mark, when every alternative is an
// element of the same namespace with no attributes and no children (empty,
// or text only); it reports false, with a warning, when the mark does not
// apply.
func (b *builder) enumChoice(st *Struct, m members, p *xsd.Particle, optional, repeated bool) bool {
	if repeated || len(p.Children) == 0 {
		b.warnings = append(b.warnings, fmt.Sprintf("%s: warning: protoxmpp:enum on a repeated or empty choice; ignored", p.Pos))
		return false
	}
	var alts []ChoiceAlt
	space := ""
	for i, c := range p.Children {
		if c.Kind != xsd.ElementParticle || c.MaxOccurs > 1 || c.MaxOccurs == xsd.Unbounded {
			b.warnings = append(b.warnings, fmt.Sprintf("%s: warning: protoxmpp:enum on a choice of other particles than single elements; ignored", p.Pos))
			return false
		}
		e := c.Element
		if e.Ref != nil {
			e = e.Ref
		}
		alt := ChoiceAlt{Name: e.Name}
		switch t := e.Type.(type) {
		case *xsd.ComplexType:
			if !isEmptyType(t) {
				b.warnings = append(b.warnings, fmt.Sprintf("%s: warning: protoxmpp:enum: <%s/> is not empty; ignored", p.Pos, e.Name.Local))
				return false
			}
		case *xsd.SimpleType:
			if sc := b.scalar(t, st.Pkg, "", e.Pos); sc.Kind != KString {
				b.warnings = append(b.warnings, fmt.Sprintf("%s: warning: protoxmpp:enum: <%s/> holds a %s; ignored", p.Pos, e.Name.Local, sc.XSD))
				return false
			}
			alt.Text = true
		default:
			return false
		}
		if i == 0 {
			space = e.Name.Space
		} else if e.Name.Space != space {
			b.warnings = append(b.warnings, fmt.Sprintf("%s: warning: protoxmpp:enum: alternatives in several namespaces; ignored", p.Pos))
			return false
		}
		alts = append(alts, alt)
	}
	en := b.choices[p.Children[0]]
	if en == nil {
		owner := b.pkgFor(space, st.Pkg)
		en = &Enum{Pkg: owner, Base: &Scalar{Kind: KString, XSD: "string"}}
		en.Name = owner.reserve(p.Enum, "Type")
		if p.Group != nil {
			en.Doc = p.Group.Doc
		}
		for _, c := range p.Children {
			e := c.Element
			if e.Ref != nil {
				e = e.Ref
			}
			cn := en.Name + GoName(e.Name.Local)
			for owner.names[cn] {
				cn += "_"
			}
			owner.names[cn] = true
			doc := e.Doc
			if doc == "" && c.Element.Doc != "" {
				doc = c.Element.Doc
			}
			en.Values = append(en.Values, EnumValue{GoName: cn, Value: e.Name.Local, Doc: doc})
		}
		owner.Enums = append(owner.Enums, en)
		b.choices[p.Children[0]] = en
	}
	f := &Field{
		GoName: m.add(p.Enum, "Field"), Kind: ChoiceField, Name: xsd.QName{Space: space},
		Scalar: &Scalar{Kind: KEnum, Enum: en, XSD: "string"}, Required: !optional && p.MinOccurs > 0,
		Doc: fmt.Sprintf("%s is the name of the one child element of this choice (empty when there is none): one of the %s constants. A child of this namespace not among them is kept in XMLExtra.", p.Enum, en.Name),
	}
	if p.Group != nil && p.Group.Doc != "" {
		f.Doc += " " + p.Group.Doc
	}
	for i := range alts {
		alts[i].Value = en.Values[i]
		if alts[i].Text {
			f.TextName = p.Enum + "Text"
		}
	}
	if f.TextName != "" {
		f.TextName = m.add(f.TextName, "Field")
	}
	f.Choice = alts
	st.Fields = append(st.Fields, f)
	return true
}

// elemName is the name of the element a particle declares or refers to.
func elemName(e *xsd.Element) xsd.QName {
	if e.Ref != nil {
		return e.Ref.Name
	}
	return e.Name
}

func (b *builder) pkgFor(ns string, def *Package) *Package {
	if p := b.pkgs[ns]; p != nil {
		return p
	}
	return def
}

// structFor returns the struct for a child element's complex type.
func (b *builder) structFor(parent *Struct, e *xsd.Element, t *xsd.ComplexType) *Struct {
	if e.Global {
		st := b.elemType[e]
		if st != nil {
			b.fill(st, e)
			return st
		}
	}
	if t.Name.Local != "" {
		if st := b.ctype[t]; st != nil {
			return st
		}
		p := b.pkgFor(t.Name.Space, parent.Pkg)
		st := &Struct{Pkg: p, Doc: t.Doc, Pos: t.Pos, xtype: t}
		st.Name = p.reserve(GoName(t.Name.Local), "Type")
		b.ctype[t] = st
		st.built = true
		p.Structs = append(p.Structs, st)
		b.fillComplex(st, t)
		return st
	}
	if st := b.ctype[t]; st != nil {
		return st
	}
	p := parent.Pkg
	st := &Struct{Pkg: p, Doc: e.Doc, Pos: e.Pos, xtype: t}
	st.Name = p.reserve(parent.Name+GoName(e.Name.Local), "Type")
	b.ctype[t] = st
	st.built = true
	p.Structs = append(p.Structs, st)
	b.fillComplex(st, t)
	return st
}

// scalar maps a simple type to its Go shape; hint names an anonymous
// enumeration.
func (b *builder) scalar(t *xsd.SimpleType, p *Package, hint string, pos xsd.Pos) *Scalar {
	if t == nil {
		return &Scalar{Kind: KString, XSD: "string"}
	}
	if en := enumValues(t); len(en) > 0 {
		if e := b.enums[t]; e != nil {
			return &Scalar{Kind: KEnum, Enum: e, XSD: e.Base.XSD}
		}
		owner := p
		name := hint
		if t.Name.Local != "" {
			owner = b.pkgFor(t.Name.Space, p)
			name = GoName(t.Name.Local)
		}
		base := b.scalar(restrictionBase(t), owner, name, pos)
		if base.Kind == KEnum {
			base = base.Enum.Base
		}
		e := &Enum{Pkg: owner, Doc: t.Doc, Base: base}
		e.Name = owner.reserve(name, "Type")
		b.enums[t] = e
		seen := map[string]bool{}
		for _, v := range en {
			cn := e.Name + GoName(v.Value)
			if v.Value == "" {
				cn = e.Name + "Empty"
			}
			for seen[cn] || owner.names[cn] {
				cn += "_"
			}
			seen[cn] = true
			owner.names[cn] = true
			e.Values = append(e.Values, EnumValue{GoName: cn, Value: v.Value, Doc: v.Doc})
		}
		owner.Enums = append(owner.Enums, e)
		return &Scalar{Kind: KEnum, Enum: e, XSD: base.XSD}
	}
	if t.List != nil {
		return &Scalar{Kind: KList, Elem: b.scalar(t.List, p, hint+"Item", pos), XSD: "list"}
	}
	if len(t.Union) > 0 {
		return b.union(t.Union, p, hint, pos)
	}
	// Walk up to a built-in, gathering the facets on the way.
	var facets map[string]string
	for u := t; u != nil; u = u.Base {
		if u.List != nil {
			return &Scalar{Kind: KList, Elem: b.scalar(u.List, p, hint+"Item", pos), XSD: "list"}
		}
		if len(u.Union) > 0 {
			return b.union(u.Union, p, hint, pos)
		}
		if u.Builtin != "" {
			sc := builtinScalar(u.Builtin)
			if len(facets) > 0 {
				c := *sc
				c.Facets = facets
				sc = &c
			}
			return sc
		}
		for k, v := range u.Facets {
			switch k {
			case "length", "minLength", "maxLength", "pattern", "minInclusive", "maxInclusive", "minExclusive", "maxExclusive":
				if _, ok := facets[k]; !ok {
					if facets == nil {
						facets = map[string]string{}
					}
					facets[k] = v
				}
			}
		}
	}
	return &Scalar{Kind: KString, XSD: "string"}
}

// genType applies the protoxmpp:type hint of a declaration to its scalar:
// "jid" makes a string an address (jid.JID); anything else is warned about.
func (b *builder) genType(sc *Scalar, hint string, pos xsd.Pos) *Scalar {
	switch {
	case hint == "":
		return sc
	case hint == "jid" && sc.Kind == KString:
		return &Scalar{Kind: KJID, XSD: sc.XSD, Facets: sc.Facets}
	}
	b.warnings = append(b.warnings, fmt.Sprintf("%s: warning: protoxmpp:type=%q does not apply to a %s; ignored", pos, hint, sc.XSD))
	return sc
}

// union maps an xs:union to a string that validation checks against each
// member type in turn.
func (b *builder) union(members []*xsd.SimpleType, p *Package, hint string, pos xsd.Pos) *Scalar {
	sc := &Scalar{Kind: KString, XSD: "string"}
	for i, m := range members {
		sc.Union = append(sc.Union, b.scalar(m, p, fmt.Sprintf("%sMember%d", hint, i+1), pos))
	}
	return sc
}

func restrictionBase(t *xsd.SimpleType) *xsd.SimpleType {
	if t.Base != nil {
		return t.Base
	}
	return nil
}

// enumValues returns the enumeration of t or of the nearest restriction
// ancestor that has one.
func enumValues(t *xsd.SimpleType) []xsd.Enum {
	for u := t; u != nil; u = u.Base {
		if len(u.Enumerations) > 0 {
			return u.Enumerations
		}
		if u.Builtin != "" || u.List != nil || len(u.Union) > 0 {
			return nil
		}
	}
	return nil
}

func builtinScalar(name string) *Scalar {
	s := &Scalar{XSD: name}
	switch name {
	case "boolean":
		s.Kind = KBool
	case "byte":
		s.Kind, s.Bits = KInt, 8
	case "short":
		s.Kind, s.Bits = KInt, 16
	case "int":
		s.Kind, s.Bits = KInt, 32
	case "long", "integer", "negativeInteger", "nonPositiveInteger":
		s.Kind, s.Bits = KInt, 64
	case "unsignedByte":
		s.Kind, s.Bits = KUint, 8
	case "unsignedShort":
		s.Kind, s.Bits = KUint, 16
	case "unsignedInt":
		s.Kind, s.Bits = KUint, 32
	case "unsignedLong", "nonNegativeInteger", "positiveInteger":
		s.Kind, s.Bits = KUint, 64
	case "float":
		s.Kind, s.Bits = KFloat, 32
	case "double":
		s.Kind, s.Bits = KFloat, 64
	case "base64Binary":
		s.Kind = KBase64
	case "hexBinary":
		s.Kind = KHex
	case "dateTime", "date", "time":
		s.Kind = KDateTime
	case "NMTOKENS", "IDREFS", "ENTITIES":
		s.Kind, s.Elem = KList, &Scalar{Kind: KString, XSD: "string"}
	default:
		s.Kind = KString
	}
	return s
}

// Imports returns the other generated packages p's code refers to, sorted
// by path.
func (p *Package) Imports() []*Package {
	seen := map[*Package]bool{}
	var add func(s *Scalar)
	add = func(s *Scalar) {
		if s == nil {
			return
		}
		if s.Kind == KEnum && s.Enum.Pkg != p {
			seen[s.Enum.Pkg] = true
		}
		add(s.Elem)
	}
	for _, st := range p.Structs {
		for _, a := range st.Attrs {
			add(a.Type)
		}
		for _, f := range st.Fields {
			add(f.Scalar)
			if f.Struct != nil && f.Struct.Pkg != p {
				seen[f.Struct.Pkg] = true
			}
		}
		if st.Text != nil {
			add(st.Text.Type)
		}
	}
	var out []*Package
	for q := range seen {
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
