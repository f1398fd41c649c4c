package xsd

import (
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Resolution happens in two steps per component, so that legal recursion
// (an element whose type contains a reference to the element) is just a
// cycle of pointers:
//
//   - a declaration's "header" (an element's or attribute's type pointer,
//     substitution group) never builds a complex type's body: anonymous
//     complex types are queued in l.pending;
//   - bodies (complex type content and attributes, groups, attribute groups,
//     simple types) are built on first use, and recurse only along edges
//     that must not form cycles (derivation bases, group references,
//     attribute group references, simple type bases, list items and union
//     members). Meeting a body that is being built is therefore always an
//     illegal cycle.

// refKind is the kind of component a QName-valued attribute refers to.
type refKind int

const (
	refElement refKind = iota
	refType
	refSimpleType
	refGroup
	refAttributeGroup
	refAttribute
)

var refKindNames = [...]string{"element", "type", "simple type", "group", "attribute group", "attribute"}

// resolveAll builds every component of every schema.
func (l *loader) resolveAll() {
	for _, si := range l.schemas {
		s := si.s
		for _, e := range s.Elements {
			l.ensureElem(e)
		}
		for _, a := range s.Attributes {
			l.ensureAttr(a)
		}
		for _, t := range s.SimpleTypes {
			l.ensureST(t)
		}
		for _, t := range s.ComplexTypes {
			l.ensureCT(t)
		}
		for _, g := range s.Groups {
			l.ensureGroup(g)
		}
		for _, g := range s.AttributeGroups {
			l.ensureAG(g)
		}
		l.drain()
	}
}

// drain builds the bodies of the queued anonymous complex types.
func (l *loader) drain() {
	for len(l.pending) > 0 {
		ct := l.pending[0].(*ComplexType)
		l.pending = l.pending[1:]
		l.ensureCT(ct)
	}
}

// undeclaredNS is the namespace given to a QName whose prefix is not
// declared (and is not xs or xsd): lookup turns it into a stand-in, the
// warning given already.
const undeclaredNS = "urn:protoxmpp:undeclared-prefix:"

// qname parses the QName value raw of attribute attr of n. Prefixes xs and
// xsd that are not declared, and a doubled prefix (xs:xs:string), are read
// as the XSD namespace, with a warning.
func (l *loader) qname(n *node, d *document, attr, raw string) (QName, bool) {
	v := strings.TrimSpace(raw)
	prefix, local, found := strings.Cut(v, ":")
	if !found {
		prefix, local = "", prefix
	}
	if p2, l2, again := strings.Cut(local, ":"); again && p2 == prefix && isNCName(l2) {
		l.warnf(n.pos, "%s=%q: doubled prefix; read as %s:%s", attr, raw, prefix, l2)
		local = l2
	}
	if !isNCName(local) || found && !isNCName(prefix) {
		l.warnf(n.pos, "%s=%q: not a valid QName; ignored", attr, raw)
		return QName{}, false
	}
	uri, ok := n.ns.lookup(prefix)
	if !ok && prefix != "" {
		if prefix == "xs" || prefix == "xsd" {
			l.warnf(n.pos, "%s=%q: namespace prefix %q is not declared; read as the XSD namespace", attr, raw, prefix)
			return QName{XSDNamespace, local}, true
		}
		l.warnf(n.pos, "%s=%q: namespace prefix %q is not declared; kept as untyped content", attr, raw, prefix)
		return QName{undeclaredNS + prefix, local}, true
	}
	if uri == "" && d.chameleon {
		uri = d.tns
	}
	return QName{uri, local}, true
}

// resolve resolves the QName in attribute attr of n to a component of kind
// k. It returns nil (having reported an error) when it cannot, and nil
// without an error when the attribute is absent.
func (l *loader) resolve(n *node, d *document, attr string, k refKind) any {
	raw, ok := n.attr(attr)
	if !ok {
		return nil
	}
	q, ok := l.qname(n, d, attr, raw)
	if !ok {
		return nil
	}
	return l.lookup(n, d, fmt.Sprintf("%s=%q", attr, raw), q, k)
}

// lookup finds the component q of kind k referred to from n, checking that
// its namespace is visible from d's schema. what quotes the reference.
//
// A reference that cannot be resolved is degraded, with a warning, to a
// stand-in (see standIn): its content is then kept as untyped (raw)
// content. Unprefixed names of XSD built-ins that resolve to nothing, and
// misspelled XSD built-ins, are read as the built-in.
func (l *loader) lookup(n *node, d *document, what string, q QName, k refKind) any {
	si := d.schema
	if strings.HasPrefix(q.Space, undeclaredNS) {
		return l.standIn(n, q, k)
	}
	switch q.Space {
	case XSDNamespace, d.tns:
		// Built-ins and the schema's own components need no import.
	case XMLNamespace:
		if _, ok := si.imports[XMLNamespace]; !ok && !si.xmlWarned {
			si.xmlWarned = true
			l.warnf(n.pos, "%s: the XML namespace is used without an xs:import; treated as imported", what)
		}
	default:
		imp := si.imports[q.Space]
		if imp != nil {
			imp.used = true
		}
		if _, loaded := l.byNS[q.Space]; !loaded {
			switch {
			case imp != nil && imp.missing:
				return l.repairMissing(n, q, k, imp)
			case q.Space == "" && (k == refType || k == refSimpleType) && l.set.types[QName{XSDNamespace, q.Local}] != nil:
				l.warnf(n.pos, "%s: refers to %s in no namespace, which is not imported; read as the XSD built-in xs:%s", what, q.Local, q.Local)
				return l.lookup(n, d, what, QName{XSDNamespace, q.Local}, k)
			case imp != nil:
				// The imported file failed to load; that error is reported.
				return nil
			case q.Space == "":
				l.warnf(n.pos, "%s: refers to %s in no namespace, which is not imported (missing prefix?); %s", what, q.Local, degradeNote(k))
			default:
				l.warnf(n.pos, "%s: namespace %s is not imported; %s", what, q.Space, degradeNote(k))
			}
			return l.standIn(n, q, k)
		}
		if imp == nil {
			l.warnf(n.pos, "%s: %s is not imported by this schema; resolved from the schema loaded for it", what, nsLabel(q.Space))
		}
	}
	var v any
	switch k {
	case refElement:
		if e, ok := l.set.elements[q]; ok {
			v = e
		}
	case refType, refSimpleType:
		if t, ok := l.set.types[q]; ok {
			if _, isCT := t.(*ComplexType); isCT && k == refSimpleType {
				l.warnf(n.pos, "%s: %s is a complex type; a simple type is required here; read as xs:anySimpleType", what, q)
				return l.anySimpleType
			}
			v = t
		}
	case refGroup:
		if g, ok := l.set.groups[q]; ok {
			v = g
		}
	case refAttributeGroup:
		if g, ok := l.set.attributeGroups[q]; ok {
			v = g
		}
	case refAttribute:
		if a, ok := l.set.attributes[q]; ok {
			v = a
		}
	}
	if v == nil {
		switch {
		case q.Space == XSDNamespace && (k == refType || k == refSimpleType):
			if b := builtinLike(q.Local); b != "" {
				l.warnf(n.pos, "%s: %s is not an XSD built-in type; read as xs:%s", what, q.Local, b)
				return l.set.types[QName{XSDNamespace, b}]
			}
			l.warnf(n.pos, "%s: %s is not an XSD built-in type; %s", what, q.Local, degradeNote(k))
		case q.Space == XSDNamespace:
			l.warnf(n.pos, "%s: the XSD namespace has no %s %s; %s", what, refKindNames[k], q.Local, degradeNote(k))
		case q.Space == "" && (k == refType || k == refSimpleType) && l.set.types[QName{XSDNamespace, q.Local}] != nil:
			l.warnf(n.pos, "%s: undefined %s %s; read as the XSD built-in xs:%s", what, refKindNames[k], q, q.Local)
			return l.set.types[QName{XSDNamespace, q.Local}]
		default:
			l.warnf(n.pos, "%s: undefined %s %s; %s", what, refKindNames[k], q, degradeNote(k))
		}
		return l.standIn(n, q, k)
	}
	return v
}

// degradeNote says what becomes of a reference of kind k that cannot be
// resolved (see standIn).
func degradeNote(k refKind) string {
	switch k {
	case refSimpleType:
		return "read as xs:anySimpleType (a string)"
	case refAttribute:
		return "read as an xs:string attribute"
	case refGroup:
		return "its content is kept raw (a lax wildcard)"
	case refAttributeGroup:
		return "dropped (its attributes are kept as unknown attributes)"
	}
	return "its content is kept raw (xs:anyType)"
}

// standIn returns what an unresolvable reference to q of kind k stands
// for: an untyped (xs:anyType) global element, one per name and listed in
// no Schema; xs:anyType for a type; xs:anySimpleType for a simple type; a
// global xs:string attribute, one per name; for a group or an attribute
// group, a placeholder (in l.placeholders) that groupRef turns into a lax
// wildcard and attributeUses drops.
func (l *loader) standIn(n *node, q QName, k refKind) any {
	switch k {
	case refElement:
		e := l.missingElems[q]
		if e == nil {
			e = &Element{Pos: n.pos, Name: q, Global: true, Type: l.anyType, MinOccurs: 1, MaxOccurs: 1}
			l.missingElems[q] = e
		}
		return e
	case refType:
		return l.anyType
	case refSimpleType:
		return l.anySimpleType
	case refAttribute:
		a := l.missingAttrs[q]
		if a == nil {
			a = &Attribute{Pos: n.pos, Name: q, Type: l.set.SimpleType(QName{XSDNamespace, "string"})}
			l.missingAttrs[q] = a
		}
		return a
	case refGroup:
		g := l.missingGroups[q]
		if g == nil {
			g = &Group{Pos: n.pos, Name: q}
			l.missingGroups[q] = g
			l.placeholders[g] = true
		}
		return g
	case refAttributeGroup:
		ag := l.missingAGs[q]
		if ag == nil {
			ag = &AttributeGroup{Pos: n.pos, Name: q}
			l.missingAGs[q] = ag
			l.placeholders[ag] = true
		}
		return ag
	}
	return nil
}

// repairMissing returns the stand-in for component q of kind k, referred
// to from n, whose namespace is imported by imp but has no schema: an
// untyped (xs:anyType) global element, one per name and not listed in any
// Schema; xs:anyType for a type; xs:anySimpleType for a simple type; a
// global attribute of type xs:string, one per name; for a group or an
// attribute group, a placeholder (in l.placeholders) that groupRef turns
// into a lax wildcard and attributeUses drops. The repair is noted on imp,
// for the warning Load emits at the import.
func (l *loader) repairMissing(n *node, q QName, k refKind, imp *importInfo) any {
	note := repairNote{k, q.Local}
	if !imp.repairSeen[note] {
		if imp.repairSeen == nil {
			imp.repairSeen = map[repairNote]bool{}
		}
		imp.repairSeen[note] = true
		imp.repairs = append(imp.repairs, note)
	}
	return l.standIn(n, q, k)
}

// repairList describes the repairs of one missing namespace for the
// warning: "element a as xs:anyType, group g as a lax wildcard, ...".
func repairList(notes []repairNote) string {
	var parts []string
	for _, r := range notes {
		var as string
		switch r.k {
		case refElement:
			as = "as xs:anyType"
		case refType:
			as = "as xs:anyType"
		case refSimpleType:
			as = "as xs:anySimpleType"
		case refAttribute:
			as = "as xs:string"
		case refGroup:
			as = "as a lax wildcard"
		case refAttributeGroup:
			as = "dropped"
		}
		parts = append(parts, refKindNames[r.k]+" "+r.name+" "+as)
	}
	return strings.Join(parts, ", ")
}

func (l *loader) boolAttr(n *node, attr string) bool {
	v, ok := n.attr(attr)
	if !ok {
		return false
	}
	switch strings.TrimSpace(v) {
	case "true", "1":
		return true
	case "false", "0":
		return false
	}
	l.warnf(n.pos, "%s=%q: want true or false; read as false", attr, v)
	return false
}

// occurs returns the minOccurs and maxOccurs of n.
func (l *loader) occurs(n *node) (lo, hi int) {
	lo, hi = 1, 1
	if v, ok := n.attr("minOccurs"); ok {
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 {
			l.warnf(n.pos, "minOccurs=%q: want a non-negative integer; read as 1", v)
		} else {
			lo = i
		}
	}
	if v, ok := n.attr("maxOccurs"); ok {
		v = strings.TrimSpace(v)
		if v == "unbounded" {
			hi = Unbounded
		} else if i, err := strconv.Atoi(v); err != nil || i < 0 {
			l.warnf(n.pos, "maxOccurs=%q: want a non-negative integer or unbounded; read as 1", v)
		} else {
			hi = i
		}
	}
	if hi != Unbounded && lo > hi {
		l.warnf(n.pos, "minOccurs %d is greater than maxOccurs %d; maxOccurs read as %d", lo, hi, lo)
		hi = lo
	}
	return lo, hi
}

// valueConstraint returns the default and fixed attributes of n.
func (l *loader) valueConstraint(n *node) (def, fixed *string) {
	if v, ok := n.attr("default"); ok {
		def = &v
	}
	if v, ok := n.attr("fixed"); ok {
		fixed = &v
	}
	if def != nil && fixed != nil {
		l.warnf(n.pos, "%s has both default and fixed; fixed dropped", xsName(n))
		fixed = nil
	}
	return def, fixed
}

// anonType creates the anonymous type defined by n (an xs:complexType or
// xs:simpleType child of a declaration). Simple types are built at once;
// complex types are queued.
func (l *loader) anonType(n *node, d *document) Type {
	if n.name.Local == "simpleType" {
		return l.anonST(n, d)
	}
	ct := &ComplexType{Pos: n.pos, Doc: docOf(n)}
	l.src[ct] = src{n, d}
	l.pending = append(l.pending, ct)
	return ct
}

func (l *loader) anonST(n *node, d *document) *SimpleType {
	st := &SimpleType{Pos: n.pos, Doc: docOf(n)}
	l.src[st] = src{n, d}
	l.ensureST(st)
	return st
}

// ---- elements ----

// ensureElem resolves the header of a global element. It returns false if
// the element is being resolved already (a substitution group cycle).
func (l *loader) ensureElem(e *Element) bool {
	s, ok := l.src[e]
	if !ok {
		return true
	}
	switch l.state[e] {
	case resolved:
		return true
	case resolving:
		return false
	}
	l.state[e] = resolving
	n, d := s.n, s.d
	l.check(n, "element.global")
	e.Abstract = l.boolAttr(n, "abstract")
	if v := l.resolve(n, d, "substitutionGroup", refElement); v != nil {
		head := v.(*Element)
		if l.ensureElem(head) {
			e.SubstitutionGroup = head
		} else {
			l.warnf(n.pos, "circular substitution group: element %s; the substitution group is ignored", e.Name)
		}
	}
	l.elementDecl(e, n, d)
	l.state[e] = resolved
	return true
}

// elementDecl sets the type and value properties of a declaration (global,
// or local without ref).
func (l *loader) elementDecl(e *Element, n *node, d *document) {
	e.Nillable = l.boolAttr(n, "nillable")
	e.Default, e.Fixed = l.valueConstraint(n)
	_, hasType := n.attr("type")
	var t Type
	if v := l.resolve(n, d, "type", refType); v != nil {
		t = v.(Type)
	}
	if anon := n.xsdKid("complexType", "simpleType"); anon != nil {
		if hasType {
			l.warnf(anon.pos, "xs:element has both a type attribute and an anonymous %s; the anonymous type is kept", xsName(anon))
		}
		t = l.anonType(anon, d)
	}
	switch {
	case t != nil:
		e.Type = t
	case !hasType && e.SubstitutionGroup != nil && e.SubstitutionGroup.Type != nil:
		e.Type = e.SubstitutionGroup.Type
	default:
		e.Type = l.anyType
	}
}

// localElement builds the particle for an xs:element in a content model.
func (l *loader) localElement(n *node, d *document, inAll bool) *Particle {
	lo, hi := l.occurs(n)
	if inAll && (hi > 1 || hi == Unbounded) {
		l.warnf(n.pos, "maxOccurs of an element in xs:all must be 0 or 1; kept")
	}
	e := &Element{Pos: n.pos, Doc: docOf(n), MinOccurs: lo, MaxOccurs: hi, GenType: n.genAttr("type")}
	p := &Particle{Pos: n.pos, Kind: ElementParticle, MinOccurs: lo, MaxOccurs: hi, Element: e}
	if _, ok := n.attr("ref"); ok {
		l.check(n, "element.ref")
		for _, a := range []string{"name", "type"} {
			if _, ok := n.attr(a); ok {
				l.warnf(n.pos, "xs:element with ref must not have a %s attribute; ignored", a)
			}
		}
		e.Type = l.anyType
		v := l.resolve(n, d, "ref", refElement)
		if v == nil {
			return nil
		}
		{
			t := v.(*Element)
			l.ensureElem(t)
			e.Ref = t
			e.Name = t.Name
			if t.Type != nil {
				e.Type = t.Type
			}
			e.Nillable, e.Abstract = t.Nillable, t.Abstract
			e.Default, e.Fixed = t.Default, t.Fixed
			e.SubstitutionGroup = t.SubstitutionGroup
			if e.Doc == "" {
				e.Doc = t.Doc
			}
		}
		return p
	}
	l.check(n, "element")
	name, ok := n.attr("name")
	name = strings.TrimSpace(name)
	if !ok || !isNCName(name) {
		if ok {
			l.warnf(n.pos, "xs:element: invalid name %q; ignored", name)
		} else {
			l.warnf(n.pos, "xs:element has neither name nor ref; ignored")
		}
		return nil
	}
	if l.form(n, d.elemQual) {
		e.Name = QName{d.tns, name}
	} else {
		e.Name = QName{"", name}
	}
	l.elementDecl(e, n, d)
	return p
}

// form returns whether a local declaration is qualified.
func (l *loader) form(n *node, def bool) bool {
	v, ok := n.attr("form")
	if !ok {
		return def
	}
	switch strings.TrimSpace(v) {
	case "qualified":
		return true
	case "unqualified":
		return false
	}
	l.warnf(n.pos, "form=%q: want qualified or unqualified; the schema's default is used", v)
	return def
}

// ---- content models ----

// particleTerm builds a particle for an element, group reference, model
// group or wildcard.
func (l *loader) particleTerm(n *node, d *document) *Particle {
	switch n.name.Local {
	case "element":
		return l.localElement(n, d, false)
	case "group":
		return l.groupRef(n, d)
	case "sequence", "choice", "all":
		return l.modelGroup(n, d)
	case "any":
		l.check(n, "any")
		lo, hi := l.occurs(n)
		return &Particle{Pos: n.pos, Kind: AnyParticle, MinOccurs: lo, MaxOccurs: hi, Wildcard: l.wildcard(n, d)}
	}
	return nil
}

var modelKinds = map[string]ParticleKind{"sequence": SequenceParticle, "choice": ChoiceParticle, "all": AllParticle}

// modelGroup builds an xs:sequence, xs:choice or xs:all.
func (l *loader) modelGroup(n *node, d *document) *Particle {
	l.check(n, n.name.Local)
	lo, hi := l.occurs(n)
	p := &Particle{Pos: n.pos, Kind: modelKinds[n.name.Local], MinOccurs: lo, MaxOccurs: hi}
	for _, a := range n.attrs {
		if a.Name.Space == GenNamespace && a.Name.Local == "enum" {
			if p.Kind != ChoiceParticle {
				l.warnf(n.pos, "protoxmpp:enum is only for xs:choice; ignored")
			}
			p.Enum = a.Value
		}
	}
	inAll := p.Kind == AllParticle
	if inAll && (lo > 1 || hi != 1) {
		l.warnf(n.pos, "xs:all must have minOccurs 0 or 1 and maxOccurs 1; kept as given")
	}
	for _, k := range n.elems() {
		if k.name.Space != XSDNamespace {
			continue
		}
		var c *Particle
		switch k.name.Local {
		case "element":
			c = l.localElement(k, d, inAll)
		case "group", "choice", "sequence", "any":
			if !inAll {
				c = l.particleTerm(k, d)
			}
		}
		if c != nil {
			p.Children = append(p.Children, c)
		}
	}
	return p
}

// groupRef expands an xs:group ref in place.
func (l *loader) groupRef(n *node, d *document) *Particle {
	l.check(n, "group.ref")
	if _, ok := n.attr("ref"); !ok {
		l.warnf(n.pos, "xs:group in a content model needs a ref attribute; ignored")
		return nil
	}
	lo, hi := l.occurs(n)
	v := l.resolve(n, d, "ref", refGroup)
	if v == nil {
		return nil
	}
	g := v.(*Group)
	if l.placeholders[g] {
		// A group of an imported namespace without a schema: its content
		// is unknown, so anything goes.
		w := &Wildcard{Pos: n.pos, Namespace: "##any", ProcessContents: "lax", TargetNamespace: d.tns}
		return &Particle{Pos: n.pos, Kind: AnyParticle, MinOccurs: lo, MaxOccurs: hi, Wildcard: w}
	}
	if !l.ensureGroup(g) {
		l.warnf(n.pos, "circular group: %s contains itself; the inner reference is kept raw (a lax wildcard)", g.Name)
		w := &Wildcard{Pos: n.pos, Namespace: "##any", ProcessContents: "lax", TargetNamespace: d.tns}
		return &Particle{Pos: n.pos, Kind: AnyParticle, MinOccurs: lo, MaxOccurs: hi, Wildcard: w}
	}
	if g.Particle == nil {
		return nil
	}
	return &Particle{Pos: n.pos, Kind: g.Particle.Kind, MinOccurs: lo, MaxOccurs: hi, Children: g.Particle.Children, Group: g, Enum: g.Particle.Enum}
}

// ensureGroup builds a global group. It returns false if the group is
// being built already (an illegal cycle).
func (l *loader) ensureGroup(g *Group) bool {
	s, ok := l.src[g]
	if !ok {
		return true
	}
	switch l.state[g] {
	case resolved:
		return true
	case resolving:
		return false
	}
	l.state[g] = resolving
	l.check(s.n, "group")
	if k := s.n.xsdKid("all", "choice", "sequence"); k != nil {
		g.Particle = l.modelGroup(k, s.d)
	}
	l.state[g] = resolved
	return true
}

// wildcard builds an xs:any or xs:anyAttribute.
func (l *loader) wildcard(n *node, d *document) *Wildcard {
	w := &Wildcard{Pos: n.pos, Namespace: "##any", ProcessContents: "strict", TargetNamespace: d.tns}
	if v, ok := n.attr("namespace"); ok {
		w.Namespace = strings.Join(strings.Fields(v), " ")
	}
	if v, ok := n.attr("processContents"); ok {
		switch v = strings.TrimSpace(v); v {
		case "strict", "lax", "skip":
			w.ProcessContents = v
		default:
			l.warnf(n.pos, "processContents=%q: want strict, lax or skip; read as strict", v)
		}
	}
	return w
}

// contentParticle returns the content model of n (a complexType or a
// complexContent derivation), nil if empty.
func (l *loader) contentParticle(n *node, d *document) *Particle {
	k := n.xsdKid("group", "all", "choice", "sequence")
	if k == nil {
		return nil
	}
	p := l.particleTerm(k, d)
	if p != nil && (p.Kind == SequenceParticle || p.Kind == AllParticle) && len(p.Children) == 0 {
		return nil
	}
	return p
}

// ---- complex types ----

// ensureCT builds a complex type. It returns false if the type is being
// built already (a derivation cycle).
func (l *loader) ensureCT(ct *ComplexType) bool {
	s, ok := l.src[ct]
	if !ok {
		return true
	}
	switch l.state[ct] {
	case resolved:
		return true
	case resolving:
		return false
	}
	l.state[ct] = resolving
	n, d := s.n, s.d
	if ct.Name.IsZero() {
		l.check(n, "complexType")
	} else {
		l.check(n, "complexType.global")
	}
	ct.Mixed = l.boolAttr(n, "mixed")
	ct.Abstract = l.boolAttr(n, "abstract")
	switch k := n.xsdKid("simpleContent", "complexContent"); {
	case k == nil:
		ct.Content = l.contentParticle(n, d)
		ct.Attributes, ct.AnyAttribute = l.attributeUses(n, d)
	case k.name.Local == "simpleContent":
		l.simpleContent(ct, k, d)
	default:
		l.complexContent(ct, k, d)
	}
	l.state[ct] = resolved
	return true
}

// derivationBase resolves the base of a simpleContent or complexContent
// derivation: a complex base (built first) or a simple one. Both are nil
// after an error.
func (l *loader) derivationBase(der *node, d *document) (base *ComplexType, st *SimpleType) {
	if _, ok := der.attr("base"); !ok {
		l.warnf(der.pos, "%s has no base attribute; read as xs:anyType", xsName(der))
		return nil, nil
	}
	switch b := l.resolve(der, d, "base", refType).(type) {
	case *ComplexType:
		if !l.ensureCT(b) {
			l.warnf(der.pos, "circular type derivation: base %s derives from itself; the base is ignored", b.Name)
			return nil, nil
		}
		return b, nil
	case *SimpleType:
		return nil, b
	}
	return nil, nil
}

// complexContent builds a complexContent extension or restriction.
func (l *loader) complexContent(ct *ComplexType, cc *node, d *document) {
	l.check(cc, "complexContent")
	if _, ok := cc.attr("mixed"); ok {
		ct.Mixed = l.boolAttr(cc, "mixed")
	}
	der := cc.xsdKid("extension", "restriction")
	if der == nil {
		return
	}
	l.check(der, "complexContent.der")
	ct.Derivation = der.name.Local
	base, st := l.derivationBase(der, d)
	if st != nil {
		l.warnf(der.pos, "complexContent %s: base %s is a simple type (use simpleContent); the base is ignored", der.name.Local, st.Name)
	}
	own := l.contentParticle(der, d)
	attrs, anyAttr := l.attributeUses(der, d)
	ct.Base = base
	if der.name.Local == "extension" {
		var baseContent *Particle
		var baseAttrs []*AttributeUse
		if base != nil {
			baseContent, baseAttrs = base.Content, base.Attributes
			if anyAttr == nil {
				anyAttr = base.AnyAttribute
			}
			if base.SimpleContent != nil && own != nil {
				l.warnf(der.pos, "complexContent extension adds elements to %s, which has simple content; kept", base.Name)
			}
		}
		switch {
		case baseContent != nil && own != nil:
			ct.Content = &Particle{Pos: der.pos, Kind: SequenceParticle, MinOccurs: 1, MaxOccurs: 1, Children: []*Particle{baseContent, own}}
		case own != nil:
			ct.Content = own
		default:
			ct.Content = baseContent
		}
		ct.Attributes = l.extendAttrs(baseAttrs, attrs)
	} else {
		ct.Content = own
		if base != nil {
			ct.Attributes = restrictAttrs(base.Attributes, attrs)
		} else {
			ct.Attributes = attrs
		}
	}
	ct.AnyAttribute = anyAttr
}

// simpleContent builds a simpleContent extension or restriction.
func (l *loader) simpleContent(ct *ComplexType, sc *node, d *document) {
	l.check(sc, "simpleContent")
	der := sc.xsdKid("extension", "restriction")
	if der == nil {
		return
	}
	restriction := der.name.Local == "restriction"
	l.check(der, "simpleContent."+der.name.Local)
	ct.Derivation = der.name.Local
	base, value := l.derivationBase(der, d)
	if base != nil {
		ct.Base = base
		switch {
		case base.SimpleContent != nil:
			value = base.SimpleContent
		case base.AnyType:
			value = l.anySimpleType
		default:
			// An extension of a type without simple content (an empty
			// type, most often) adds attributes: the one reading is
			// complex content.
			l.warnf(der.pos, "simpleContent %s: base type %s does not have simple content; read as complexContent", der.name.Local, base.Name)
			l.complexContent(ct, &node{name: xml.Name{Space: XSDNamespace, Local: "complexContent"}, ns: sc.ns, pos: sc.pos, kids: []*node{der}}, d)
			return
		}
	} else if value != nil && restriction {
		l.warnf(der.pos, "simpleContent restriction: base %s must be a complex type with simple content (use extension to add attributes to a simple type); read as an extension", value.Name)
	}
	if restriction {
		inline := der.xsdKid("simpleType")
		if inline != nil || der.xsdKid(facetNames...) != nil {
			st := &SimpleType{Pos: der.pos, Base: value}
			if inline != nil {
				st.Base = l.anonST(inline, d)
			}
			l.facets(st, der)
			value = st
		}
	}
	if value == nil {
		value = l.anySimpleType
	}
	ct.SimpleContent = value
	attrs, anyAttr := l.attributeUses(der, d)
	switch {
	case base == nil:
		ct.Attributes = attrs
	case restriction:
		ct.Attributes = restrictAttrs(base.Attributes, attrs)
	default:
		ct.Attributes = l.extendAttrs(base.Attributes, attrs)
		if anyAttr == nil {
			anyAttr = base.AnyAttribute
		}
	}
	ct.AnyAttribute = anyAttr
}

// ---- attributes ----

func indexAttr(uses []*AttributeUse, q QName) int {
	for i, u := range uses {
		if u.Name == q {
			return i
		}
	}
	return -1
}

// extendAttrs returns the base's attribute uses followed by own.
func (l *loader) extendAttrs(base, own []*AttributeUse) []*AttributeUse {
	out := slices.Clone(base)
	for _, u := range own {
		if i := indexAttr(out, u.Name); i >= 0 {
			l.warnf(u.Pos, "attribute %s is already declared by the base type; the base's is kept", u.Name)
			continue
		}
		out = append(out, u)
	}
	return out
}

// restrictAttrs returns the base's attribute uses, replaced by name by own
// ones, followed by the new ones.
func restrictAttrs(base, own []*AttributeUse) []*AttributeUse {
	out := slices.Clone(base)
	for _, u := range own {
		if i := indexAttr(out, u.Name); i >= 0 {
			out[i] = u
		} else {
			out = append(out, u)
		}
	}
	return out
}

// attributeUses builds the attributes, attribute group references and
// attribute wildcard among the children of n.
func (l *loader) attributeUses(n *node, d *document) (uses []*AttributeUse, wild *Wildcard) {
	var fromGroup *Wildcard
	add := func(u *AttributeUse, at Pos) {
		if i := indexAttr(uses, u.Name); i >= 0 {
			l.warnf(at, "duplicate attribute %s (also at %s); the first is kept", u.Name, uses[i].Pos)
			return
		}
		uses = append(uses, u)
	}
	for _, k := range n.xsdKids("attribute", "attributeGroup", "anyAttribute") {
		switch k.name.Local {
		case "attribute":
			if u := l.attributeUse(k, d); u != nil {
				add(u, k.pos)
			}
		case "attributeGroup":
			l.check(k, "attributeGroup.ref")
			if _, ok := k.attr("ref"); !ok {
				l.warnf(k.pos, "xs:attributeGroup here needs a ref attribute; ignored")
				continue
			}
			v := l.resolve(k, d, "ref", refAttributeGroup)
			if v == nil {
				continue
			}
			ag := v.(*AttributeGroup)
			if l.placeholders[ag] {
				continue // of an imported namespace without a schema: dropped
			}
			if !l.ensureAG(ag) {
				l.warnf(k.pos, "circular attribute group: %s contains itself; the inner reference is ignored", ag.Name)
				continue
			}
			for _, u := range ag.Attributes {
				add(u, k.pos)
			}
			if fromGroup == nil {
				fromGroup = ag.AnyAttribute
			}
		case "anyAttribute":
			l.check(k, "anyAttribute")
			wild = l.wildcard(k, d)
		}
	}
	if wild == nil {
		wild = fromGroup
	}
	return uses, wild
}

// attributeUse builds a local attribute declaration or reference. It
// returns nil after an error that leaves it without a name.
func (l *loader) attributeUse(n *node, d *document) *AttributeUse {
	u := &AttributeUse{Pos: n.pos, Doc: docOf(n), GenType: n.genAttr("type")}
	use := "optional"
	if v, ok := n.attr("use"); ok {
		switch v = strings.TrimSpace(v); v {
		case "optional", "required", "prohibited":
			use = v
		default:
			l.warnf(n.pos, "use=%q: want optional, required or prohibited; read as optional", v)
		}
	}
	u.Required, u.Prohibited = use == "required", use == "prohibited"
	u.Default, u.Fixed = l.valueConstraint(n)
	if u.Default != nil && use != "optional" {
		l.warnf(n.pos, "xs:attribute with a default must have use=\"optional\", not %q; default dropped", use)
		u.Default = nil
	}
	if _, ok := n.attr("ref"); ok {
		l.check(n, "attribute.ref")
		for _, a := range []string{"name", "type"} {
			if _, ok := n.attr(a); ok {
				l.warnf(n.pos, "xs:attribute with ref must not have a %s attribute; ignored", a)
			}
		}
		v := l.resolve(n, d, "ref", refAttribute)
		if v == nil {
			return nil
		}
		a := v.(*Attribute)
		l.ensureAttr(a)
		u.Ref, u.Name, u.Type = a, a.Name, a.Type
		if u.Default == nil && u.Fixed == nil {
			u.Default, u.Fixed = a.Default, a.Fixed
		}
		if u.Doc == "" {
			u.Doc = a.Doc
		}
		return u
	}
	l.check(n, "attribute")
	name, ok := n.attr("name")
	name = strings.TrimSpace(name)
	switch {
	case !ok:
		l.warnf(n.pos, "xs:attribute has neither name nor ref; ignored")
		return nil
	case !isNCName(name) || name == "xmlns":
		l.warnf(n.pos, "xs:attribute: invalid name %q; ignored", name)
		return nil
	}
	if l.form(n, d.attrQual) {
		u.Name = QName{d.tns, name}
	} else {
		u.Name = QName{"", name}
	}
	u.Type = l.attributeType(n, d)
	return u
}

// attributeType returns the simple type of an attribute declaration.
func (l *loader) attributeType(n *node, d *document) *SimpleType {
	_, hasType := n.attr("type")
	var t *SimpleType
	if v := l.resolve(n, d, "type", refSimpleType); v != nil {
		t = v.(*SimpleType)
	}
	if anon := n.xsdKid("simpleType"); anon != nil {
		if hasType {
			l.warnf(anon.pos, "xs:attribute has both a type attribute and an anonymous xs:simpleType; the anonymous type is kept")
		}
		t = l.anonST(anon, d)
	}
	if t == nil {
		t = l.anySimpleType
	}
	return t
}

// ensureAttr resolves a global attribute declaration.
func (l *loader) ensureAttr(a *Attribute) {
	s, ok := l.src[a]
	if !ok || l.state[a] != unresolved {
		return
	}
	l.state[a] = resolving
	l.check(s.n, "attribute.global")
	a.Default, a.Fixed = l.valueConstraint(s.n)
	a.Type = l.attributeType(s.n, s.d)
	l.state[a] = resolved
}

// ensureAG builds a global attribute group. It returns false if the group
// is being built already (an illegal cycle).
func (l *loader) ensureAG(ag *AttributeGroup) bool {
	s, ok := l.src[ag]
	if !ok {
		return true
	}
	switch l.state[ag] {
	case resolved:
		return true
	case resolving:
		return false
	}
	l.state[ag] = resolving
	l.check(s.n, "attributeGroup")
	ag.Attributes, ag.AnyAttribute = l.attributeUses(s.n, s.d)
	l.state[ag] = resolved
	return true
}

// ---- simple types ----

// ensureST builds a simple type. It returns false if the type is being
// built already (an illegal cycle).
func (l *loader) ensureST(st *SimpleType) bool {
	s, ok := l.src[st]
	if !ok {
		return true
	}
	switch l.state[st] {
	case resolved:
		return true
	case resolving:
		return false
	}
	l.state[st] = resolving
	n, d := s.n, s.d
	if st.Name.IsZero() {
		l.check(n, "simpleType")
	} else {
		l.check(n, "simpleType.global")
	}
	switch r := n.xsdKid("restriction", "list", "union"); {
	case r == nil:
	case r.name.Local == "restriction":
		l.check(r, "simpleType.restriction")
		st.Base = l.simpleBase(r, d, "base", "restriction")
		l.facets(st, r)
	case r.name.Local == "list":
		l.check(r, "list")
		st.List = l.simpleBase(r, d, "itemType", "list")
	default:
		l.check(r, "union")
		v, hasMembers := r.attr("memberTypes")
		if hasMembers {
			for _, f := range strings.Fields(v) {
				q, ok := l.qname(r, d, "memberTypes", f)
				if !ok {
					continue
				}
				m, _ := l.lookup(r, d, fmt.Sprintf("memberTypes=%q", f), q, refSimpleType).(*SimpleType)
				if m == nil {
					continue
				}
				if !l.ensureST(m) {
					l.warnf(r.pos, "circular simple type: union member %s depends on the union; the member is ignored", m.Name)
					continue
				}
				st.Union = append(st.Union, m)
			}
		}
		for _, k := range r.xsdKids("simpleType") {
			st.Union = append(st.Union, l.anonST(k, d))
		}
		if len(st.Union) == 0 && strings.TrimSpace(v) == "" {
			l.warnf(r.pos, "xs:union has no member types; read as xs:anySimpleType")
		}
	}
	l.state[st] = resolved
	return true
}

// simpleBase returns the simple type named by attribute attr of r or
// defined by its xs:simpleType child (exactly one of them).
func (l *loader) simpleBase(r *node, d *document, attr, what string) *SimpleType {
	_, has := r.attr(attr)
	inline := r.xsdKid("simpleType")
	switch {
	case has && inline != nil:
		l.warnf(inline.pos, "xs:%s has both a %s attribute and an anonymous xs:simpleType; the anonymous type is kept", what, attr)
	case !has && inline == nil:
		l.warnf(r.pos, "xs:%s needs a %s attribute or an xs:simpleType; read as xs:anySimpleType", what, attr)
		return nil
	}
	if inline != nil {
		return l.anonST(inline, d)
	}
	b, _ := l.resolve(r, d, attr, refSimpleType).(*SimpleType)
	if b == nil {
		return l.anySimpleType
	}
	if !l.ensureST(b) {
		l.warnf(r.pos, "circular simple type: %s %s depends on itself; read as xs:anySimpleType", what, b.Name)
		return l.anySimpleType
	}
	return b
}

// facets reads the facets among the children of r into st.
func (l *loader) facets(st *SimpleType, r *node) {
	for _, k := range r.xsdKids(facetNames...) {
		l.check(k, "facet")
		v, ok := k.attr("value")
		if !ok {
			l.warnf(k.pos, "xs:%s has no value attribute; ignored", k.name.Local)
			continue
		}
		if k.name.Local == "enumeration" {
			st.Enumerations = append(st.Enumerations, Enum{Value: v, Doc: docOf(k), Pos: k.pos})
			continue
		}
		if st.Facets == nil {
			st.Facets = map[string]string{}
		}
		if old, dup := st.Facets[k.name.Local]; dup {
			if k.name.Local != "pattern" {
				l.warnf(k.pos, "duplicate facet xs:%s (value %q already given); the first is kept", k.name.Local, old)
			}
			continue
		}
		st.Facets[k.name.Local] = v
	}
}

// nsLabel names a namespace in messages.
func nsLabel(ns string) string {
	if ns == "" {
		return "no namespace"
	}
	return "namespace " + ns
}
