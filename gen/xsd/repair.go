package xsd

import (
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
)

// This file repairs, in the parsed tree of a schema file, the constructs
// that are not XSD 1.0 but have one sensible reading (XSD 1.1 features,
// content out of order, declarations in the wrong place, contradictions).
// Each repair rewrites the tree into the XSD 1.0 it stands for and returns a
// warning that cites the construct and says what was assumed; the rest of
// the loader then sees a valid schema. Repairs run once per file, when it is
// parsed, so they are idempotent by construction: a repaired tree has
// nothing left to repair.

// repairer collects the warnings of one file's repairs.
type repairer struct {
	warns []Warning
	// simple holds the names of the file's global simple types, to tell a
	// simple base from a complex one.
	simple map[string]bool
}

func (r *repairer) warnf(p Pos, format string, args ...any) {
	r.warns = append(r.warns, Warning{Pos: p, Msg: fmt.Sprintf(format, args...)})
}

// repairTree repairs root in place and returns the warnings.
func repairTree(root *node) []Warning {
	r := &repairer{simple: map[string]bool{}}
	for _, k := range root.elems() {
		if k.isXSD("simpleType") {
			if name, ok := k.attr("name"); ok {
				r.simple[strings.TrimSpace(name)] = true
			}
		}
	}
	r.walk(root)
	return r.warns
}

// walk repairs n and its descendants, children first where a repair of n
// depends on its children being repaired (attributes moved up).
func (r *repairer) walk(n *node) {
	// Children: renames and removals.
	kids := n.kids[:0:0]
	for _, k := range n.kids {
		if k.name.Space == XSDNamespace {
			switch k.name.Local {
			case "annotations":
				r.warnf(k.pos, "xs:annotations is not an XSD element; read as xs:annotation")
				k.name.Local = "annotation"
			case "assert", "assertion":
				if n.isXSD("complexType") || n.isXSD("extension") || n.isXSD("restriction") {
					r.warnf(k.pos, "xs:%s (XSD 1.1) ignored", k.name.Local)
					continue
				}
			case "attribute":
				_, hasName := k.attr("name")
				_, hasRef := k.attr("ref")
				if !hasName && !hasRef && !n.isXSD("schema") {
					r.warnf(k.pos, "xs:attribute has neither name nor ref; dropped (the attribute is kept as an unknown attribute when it occurs)")
					continue
				}
			}
		}
		kids = append(kids, k)
	}
	n.kids = kids
	for _, k := range n.elems() {
		if k.name.Space == XSDNamespace && k.name.Local != "annotation" && k.name.Local != "documentation" && k.name.Local != "appinfo" {
			r.walk(k)
		}
	}
	if n.name.Space != XSDNamespace {
		return
	}
	if n.isXSD("choice") || n.isXSD("sequence") {
		for _, k := range n.xsdKids("all") {
			r.warnf(k.pos, "xs:all in %s; read as a repeated xs:choice", xsName(n))
			k.name.Local = "choice"
			k.setAttr("minOccurs", "0")
			k.setAttr("maxOccurs", "unbounded")
		}
	}
	switch n.name.Local {
	case "simpleType":
		r.simpleType(n)
	case "attribute":
		r.attribute(n)
	case "element":
		r.element(n)
	case "complexType":
		r.complexType(n)
	case "all":
		r.all(n)
	case "simpleContent":
		r.simpleContent(n)
	}
}

// newXSD returns a new XSD element named local, with n's position and
// namespace bindings.
func newXSD(n *node, local string, attrs ...xml.Attr) *node {
	return &node{name: xml.Name{Space: XSDNamespace, Local: local}, ns: n.ns, pos: n.pos, attrs: attrs}
}

func attr(name, value string) xml.Attr {
	return xml.Attr{Name: xml.Name{Local: name}, Value: value}
}

// delAttr removes the unqualified attribute local from n.
func (n *node) delAttr(local string) {
	n.attrs = slices.DeleteFunc(n.attrs, func(a xml.Attr) bool { return a.Name.Space == "" && a.Name.Local == local })
}

// setAttr sets the unqualified attribute local of n.
func (n *node) setAttr(local, value string) {
	for i, a := range n.attrs {
		if a.Name.Space == "" && a.Name.Local == local {
			n.attrs[i].Value = value
			return
		}
	}
	n.attrs = append(n.attrs, attr(local, value))
}

// takeKids removes the XSD children of n named one of locals and returns
// them.
func (n *node) takeKids(locals ...string) []*node {
	var out []*node
	n.kids = slices.DeleteFunc(n.kids, func(k *node) bool {
		if k.name.Space == XSDNamespace && slices.Contains(locals, k.name.Local) {
			out = append(out, k)
			return true
		}
		return false
	})
	return out
}

// xsdQName returns a QName for the XSD built-in local as seen from n,
// binding a prefix on n if none is bound to the XSD namespace.
func xsdQName(n *node, local string) string {
	var prefixes []string
	for s := n.ns; s != nil; s = s.parent {
		for p, uri := range s.m {
			if uri == XSDNamespace {
				prefixes = append(prefixes, p)
			}
		}
	}
	slices.Sort(prefixes)
	for _, p := range prefixes {
		if u, _ := n.ns.lookup(p); u == XSDNamespace {
			if p == "" {
				return local
			}
			return p + ":" + local
		}
	}
	n.ns = &scope{parent: n.ns, m: map[string]string{"xsd-builtin": XSDNamespace}}
	return "xsd-builtin:" + local
}

func (r *repairer) attribute(n *node) {
	if rs := n.xsdKids("restriction"); len(rs) > 0 && n.xsdKid("simpleType") == nil {
		r.warnf(rs[0].pos, "xs:restriction directly in xs:attribute; read as an anonymous xs:simpleType")
		n.takeKids("restriction")
		st := newXSD(rs[0], "simpleType")
		st.kids = rs[:1]
		n.kids = append(n.kids, st)
	}
	if name, ok := n.attr("name"); ok {
		if p, local, found := strings.Cut(strings.TrimSpace(name), ":"); found {
			if uri, _ := n.ns.lookup(p); uri == XMLNamespace {
				r.warnf(n.pos, "xs:attribute name=%q; read as ref=%q", name, name)
				n.delAttr("name")
				n.delAttr("type")
				n.setAttr("ref", "xml:"+local)
			}
		}
	}
	_, hasType := n.attr("type")
	if anon := n.xsdKid("simpleType"); anon != nil && hasType {
		r.warnf(anon.pos, "xs:attribute has both a type attribute and an anonymous xs:simpleType; the anonymous type is kept")
		n.delAttr("type")
	}
	if _, ok := n.attr("default"); ok {
		if use, _ := n.attr("use"); strings.TrimSpace(use) == "required" {
			r.warnf(n.pos, "xs:attribute with a default and use=\"required\"; kept required, default dropped")
			n.delAttr("default")
		}
	}
}

// simpleType reads facets directly in xs:simpleType, with or without a
// base attribute (the syntax of XSD drafts before 1.0), as a restriction of
// that base, or of xs:string.
func (r *repairer) simpleType(n *node) {
	if n.xsdKid("restriction", "list", "union") != nil {
		return
	}
	facets := n.takeKids(facetNames...)
	if len(facets) == 0 {
		return
	}
	base, ok := n.attr("base")
	if ok {
		n.delAttr("base")
	} else {
		base = xsdQName(n, "string")
	}
	r.warnf(facets[0].pos, "%s directly in xs:simpleType; read as in an xs:restriction of %s", xsName(facets[0]), base)
	res := newXSD(facets[0], "restriction", attr("base", base))
	res.ns = n.ns
	res.kids = facets
	n.kids = append(n.kids, res)
}

// isSimpleBase tells whether the type named by the QName raw, seen from n,
// is simple: a built-in or a global simple type of this file.
func (r *repairer) isSimpleBase(n *node, raw string) bool {
	prefix, local, found := strings.Cut(strings.TrimSpace(raw), ":")
	if !found {
		prefix, local = "", prefix
	}
	if uri, _ := n.ns.lookup(prefix); uri == XSDNamespace && local != "anyType" {
		return true
	}
	return r.simple[local]
}

func (r *repairer) element(n *node) {
	_, hasType := n.attr("type")
	if anon := n.xsdKid("complexType", "simpleType"); anon != nil && hasType {
		r.warnf(anon.pos, "xs:element has both a type attribute and an anonymous %s; the anonymous type is kept", xsName(anon))
		n.delAttr("type")
		hasType = false
	}
	attrs := n.takeKids("attribute", "attributeGroup", "anyAttribute")
	if len(attrs) == 0 {
		return
	}
	if _, isRef := n.attr("ref"); isRef {
		r.warnf(attrs[0].pos, "%s in an xs:element with ref; ignored", xsName(attrs[0]))
		return
	}
	r.warnf(attrs[0].pos, "%s in xs:element; moved to its anonymous complex type", xsName(attrs[0]))
	ct := n.xsdKid("complexType")
	switch {
	case ct != nil:
		if cc := ct.xsdKid("simpleContent", "complexContent"); cc != nil {
			if der := cc.xsdKid("extension", "restriction"); der != nil {
				der.kids = append(der.kids, attrs...)
				return
			}
			cc.kids = append(cc.kids, attrs...)
			return
		}
		ct.kids = append(ct.kids, attrs...)
		return
	case n.xsdKid("simpleType") != nil:
		// An anonymous simple type cannot be a base: the element is read
		// as a restriction of xs:anyType to simple content of that type,
		// which keeps its facets, with the attributes.
		st := n.takeKids("simpleType")[0]
		ct = newXSD(attrs[0], "complexType")
		sc := newXSD(attrs[0], "simpleContent")
		res := newXSD(attrs[0], "restriction")
		res.setAttr("base", xsdQName(res, "anyType"))
		res.kids = append([]*node{st}, attrs...)
		sc.kids = []*node{res}
		ct.kids = []*node{sc}
	case hasType:
		base, _ := n.attr("type")
		n.delAttr("type")
		ct = newXSD(n, "complexType")
		kind := "complexContent"
		if r.isSimpleBase(n, base) {
			kind = "simpleContent"
		}
		cc := newXSD(n, kind)
		ext := newXSD(n, "extension", attr("base", base))
		ext.kids = attrs
		cc.kids = []*node{ext}
		ct.kids = []*node{cc}
	default:
		ct = newXSD(attrs[0], "complexType")
		ct.kids = attrs
	}
	n.kids = append(n.kids, ct)
}

// complexType orders the children of a complex type without simple or
// complex content as XSD 1.0 wants them, and reads particles given directly
// (elements, wildcards, several groups) as one sequence.
func (r *repairer) complexType(n *node) {
	// A simple content holding particles and no derivation: its content is
	// the complex type's.
	if sc := n.xsdKid("simpleContent"); sc != nil && sc.xsdKid("extension", "restriction") == nil {
		r.warnf(sc.pos, "xs:simpleContent holds particles and no xs:extension; its content read as the complex type's")
		i := slices.Index(n.kids, sc)
		n.kids = slices.Concat(n.kids[:i], sc.kids, n.kids[i+1:])
	}
	// A derivation directly in the complex type: the simpleContent or
	// complexContent around it is missing.
	if der := n.xsdKid("extension", "restriction"); der != nil && n.xsdKid("simpleContent", "complexContent") == nil {
		base, _ := der.attr("base")
		kind := "complexContent"
		if r.isSimpleBase(der, base) {
			kind = "simpleContent"
		}
		r.warnf(der.pos, "xs:%s directly in xs:complexType; read as in an xs:%s", der.name.Local, kind)
		n.takeKids("extension", "restriction")
		cc := newXSD(der, kind)
		cc.kids = []*node{der}
		n.kids = append(n.kids, cc)
	}
	if cc := n.xsdKid("simpleContent", "complexContent"); cc != nil {
		// Attributes beside the simple or complex content belong in its
		// derivation.
		if stray := n.takeKids("attribute", "attributeGroup", "anyAttribute"); len(stray) > 0 {
			if der := cc.xsdKid("extension", "restriction"); der != nil {
				r.warnf(stray[0].pos, "%s beside xs:%s; read as in its xs:%s", xsName(stray[0]), cc.name.Local, der.name.Local)
				der.kids = append(der.kids, stray...)
			} else {
				n.kids = append(n.kids, stray...)
			}
		}
		return
	}
	var particles, attrs, rest []*node
	var annots []*node
	sawAttr := false
	var late *node
	for _, k := range n.kids {
		if k.name.Space != XSDNamespace {
			rest = append(rest, k)
			continue
		}
		switch k.name.Local {
		case "annotation":
			annots = append(annots, k)
		case "group", "all", "choice", "sequence", "element", "any":
			if sawAttr && late == nil {
				late = k
			}
			particles = append(particles, k)
		case "attribute", "attributeGroup", "anyAttribute":
			sawAttr = true
			attrs = append(attrs, k)
		default:
			rest = append(rest, k)
		}
	}
	if late != nil {
		r.warnf(late.pos, "%s after the attributes; read as if it came first", xsName(late))
	}
	var direct *node
	for _, p := range particles {
		if p.isXSD("element") || p.isXSD("any") {
			direct = p
			break
		}
	}
	if direct == nil && len(particles) > 1 {
		direct = particles[1]
	}
	if direct != nil {
		r.warnf(direct.pos, "%s directly in xs:complexType; its particles read as one xs:sequence", xsName(direct))
		seq := newXSD(particles[0], "sequence")
		seq.kids = particles
		particles = []*node{seq}
	}
	// anyAttribute last among the attributes.
	slices.SortStableFunc(attrs, func(a, b *node) int {
		ai, bi := a.isXSD("anyAttribute"), b.isXSD("anyAttribute")
		switch {
		case ai == bi:
			return 0
		case ai:
			return 1
		}
		return -1
	})
	var kids []*node
	kids = append(kids, annots...)
	kids = append(kids, particles...)
	kids = append(kids, attrs...)
	kids = append(kids, rest...)
	n.kids = kids
}

// simpleContent repairs a simple content with no derivation: attributes
// are read as an extension of xs:string; particles as the content of the
// complex type (done by the complexType repair, which runs after).
func (r *repairer) simpleContent(n *node) {
	if n.xsdKid("extension", "restriction") != nil {
		if stray := n.takeKids("attribute", "attributeGroup", "anyAttribute"); len(stray) > 0 {
			der := n.xsdKid("extension", "restriction")
			r.warnf(stray[0].pos, "%s in xs:simpleContent beside its xs:%s; read as in it", xsName(stray[0]), der.name.Local)
			der.kids = append(der.kids, stray...)
		}
		return
	}
	if n.xsdKid("sequence", "choice", "all", "group", "element", "any") != nil {
		return // unwrapped by the complex type
	}
	attrs := n.takeKids("attribute", "attributeGroup", "anyAttribute")
	ext := newXSD(n, "extension")
	ext.setAttr("base", xsdQName(ext, "string"))
	if len(attrs) > 0 {
		r.warnf(attrs[0].pos, "%s in xs:simpleContent with no xs:extension; read as an extension of xs:string", xsName(attrs[0]))
	} else {
		r.warnf(n.pos, "xs:simpleContent with no xs:extension or xs:restriction; read as xs:string")
	}
	ext.kids = attrs
	n.kids = append(n.kids, ext)
}

// all reads an xs:all that XSD 1.0 does not allow (with wildcards, groups
// or elements that repeat, as XSD 1.1 allows, or nested in another model
// group) as a repeated choice.
func (r *repairer) all(n *node) {
	why := ""
	for _, k := range n.elems() {
		if k.name.Space != XSDNamespace {
			continue
		}
		switch k.name.Local {
		case "any", "choice", "sequence", "group", "all":
			if why == "" {
				why = "with xs:" + k.name.Local
			}
		case "element":
			if v, ok := k.attr("maxOccurs"); ok && strings.TrimSpace(v) != "1" && strings.TrimSpace(v) != "0" && why == "" {
				why = "with maxOccurs above 1"
			}
		}
	}
	if why == "" {
		return
	}
	r.warnf(n.pos, "xs:all %s (XSD 1.1); read as a repeated xs:choice", why)
	n.name.Local = "choice"
	n.setAttr("minOccurs", "0")
	n.setAttr("maxOccurs", "unbounded")
}
