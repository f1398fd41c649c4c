package xsd

import (
	"strings"
)

// This file holds the structural rules of XSD 1.0 (the content and the
// attributes each schema element may have). A child element out of place is
// an error, since the loader cannot tell what the author meant; an attribute
// that is not allowed is a warning, since it is ignored.

// slot is one step of a content rule: one of names, between min and max
// times (max < 0: any number).
type slot struct {
	names    []string
	min, max int
}

var facetNames = []string{
	"minExclusive", "minInclusive", "maxExclusive", "maxInclusive",
	"totalDigits", "fractionDigits", "length", "minLength", "maxLength",
	"enumeration", "whiteSpace", "pattern",
}

var (
	annotationSlot = slot{[]string{"annotation"}, 0, 1}
	particleSlot   = slot{[]string{"group", "all", "choice", "sequence"}, 0, 1}
	attrsSlot      = slot{[]string{"attribute", "attributeGroup"}, 0, -1}
	anyAttrSlot    = slot{[]string{"anyAttribute"}, 0, 1}
	facetsSlot     = slot{facetNames, 0, -1}
	onlyAnnotation = []slot{annotationSlot}
)

// contentRules gives the allowed children of each rule (see ruleOf). The
// complexType rule is handled by checkComplexType.
var contentRules = map[string][]slot{
	"annotation":              {{[]string{"appinfo", "documentation"}, 0, -1}},
	"element":                 {annotationSlot, {[]string{"simpleType", "complexType"}, 0, 1}, {[]string{"unique", "key", "keyref"}, 0, -1}},
	"element.ref":             onlyAnnotation,
	"attribute":               {annotationSlot, {[]string{"simpleType"}, 0, 1}},
	"attribute.ref":           onlyAnnotation,
	"simpleContent":           {annotationSlot, {[]string{"restriction", "extension"}, 1, 1}},
	"complexContent":          {annotationSlot, {[]string{"restriction", "extension"}, 1, 1}},
	"complexContent.der":      {annotationSlot, particleSlot, attrsSlot, anyAttrSlot},
	"simpleContent.extension": {annotationSlot, attrsSlot, anyAttrSlot},
	"simpleContent.restriction": {annotationSlot, {[]string{"simpleType"}, 0, 1}, facetsSlot,
		attrsSlot, anyAttrSlot},
	"simpleType":             {annotationSlot, {[]string{"restriction", "list", "union"}, 1, 1}},
	"simpleType.restriction": {annotationSlot, {[]string{"simpleType"}, 0, 1}, facetsSlot},
	"list":                   {annotationSlot, {[]string{"simpleType"}, 0, 1}},
	"union":                  {annotationSlot, {[]string{"simpleType"}, 0, -1}},
	"group":                  {annotationSlot, {[]string{"all", "choice", "sequence"}, 1, 1}},
	"group.ref":              onlyAnnotation,
	"attributeGroup":         {annotationSlot, attrsSlot, anyAttrSlot},
	"attributeGroup.ref":     onlyAnnotation,
	"sequence":               {annotationSlot, {[]string{"element", "group", "choice", "sequence", "any"}, 0, -1}},
	"choice":                 {annotationSlot, {[]string{"element", "group", "choice", "sequence", "any"}, 0, -1}},
	"all":                    {annotationSlot, {[]string{"element"}, 0, -1}},
	"any":                    onlyAnnotation,
	"anyAttribute":           onlyAnnotation,
	"facet":                  onlyAnnotation,
	"import":                 onlyAnnotation,
	"include":                onlyAnnotation,
}

// attrRules gives the attributes each rule allows besides id and qualified
// (foreign) attributes.
var attrRules = map[string][]string{
	"schema":                    {"attributeFormDefault", "blockDefault", "elementFormDefault", "finalDefault", "targetNamespace", "version"},
	"element.global":            {"abstract", "block", "default", "final", "fixed", "name", "nillable", "substitutionGroup", "type"},
	"element":                   {"block", "default", "fixed", "form", "maxOccurs", "minOccurs", "name", "nillable", "type"},
	"element.ref":               {"maxOccurs", "minOccurs", "ref"},
	"attribute.global":          {"default", "fixed", "name", "type"},
	"attribute":                 {"default", "fixed", "form", "name", "type", "use"},
	"attribute.ref":             {"default", "fixed", "ref", "use"},
	"complexType.global":        {"abstract", "block", "final", "mixed", "name"},
	"complexType":               {"mixed"},
	"simpleType.global":         {"final", "name"},
	"simpleType":                {},
	"group":                     {"name"},
	"group.ref":                 {"maxOccurs", "minOccurs", "ref"},
	"attributeGroup":            {"name"},
	"attributeGroup.ref":        {"ref"},
	"sequence":                  {"maxOccurs", "minOccurs"},
	"choice":                    {"maxOccurs", "minOccurs"},
	"all":                       {"maxOccurs", "minOccurs"},
	"any":                       {"maxOccurs", "minOccurs", "namespace", "processContents"},
	"anyAttribute":              {"namespace", "processContents"},
	"simpleContent":             {},
	"complexContent":            {"mixed"},
	"complexContent.der":        {"base"},
	"simpleContent.extension":   {"base"},
	"simpleContent.restriction": {"base"},
	"simpleType.restriction":    {"base"},
	"list":                      {"itemType"},
	"union":                     {"memberTypes"},
	"facet":                     {"value", "fixed"},
	"import":                    {"namespace", "schemaLocation"},
	"include":                   {"schemaLocation"},
	"annotation":                {},
}

// check validates n against rule: its attributes (warnings) and its child
// elements (errors). It also checks the children of n's annotations.
func (l *loader) check(n *node, rule string) {
	l.checkAttrs(n, rule)
	base := rule
	switch rule {
	case "element.global":
		base = "element"
	case "attribute.global":
		base = "attribute"
	case "complexType", "complexType.global":
		l.checkComplexType(n)
		l.checkAnnotations(n)
		return
	case "simpleType.global":
		base = "simpleType"
	}
	if slots, ok := contentRules[base]; ok {
		l.checkKids(n, slots)
	}
	l.checkAnnotations(n)
}

func (l *loader) checkAnnotations(n *node) {
	for _, a := range n.xsdKids("annotation") {
		l.checkAttrs(a, "annotation")
		l.checkKids(a, contentRules["annotation"])
	}
}

func (l *loader) checkAttrs(n *node, rule string) {
	allowed, ok := attrRules[rule]
	if !ok {
		return
	}
	for _, a := range n.attrs {
		if a.Name.Space != "" || a.Name.Local == "id" {
			continue
		}
		found := false
		for _, name := range allowed {
			if a.Name.Local == name {
				found = true
				break
			}
		}
		if !found {
			l.warnf(n.pos, "attribute %s is not allowed on %s; ignored", a.Name.Local, xsName(n))
		}
	}
}

// checkKids checks the child elements of n against slots, in order.
func (l *loader) checkKids(n *node, slots []slot) {
	i, count := 0, 0
	for _, k := range n.elems() {
		if k.name.Space != XSDNamespace {
			l.warnf(k.pos, "element %s is not allowed in %s; ignored", k.name.Local+" ("+k.name.Space+")", xsName(n))
			continue
		}
		j, c := i, count
		for j < len(slots) && !inNames(k.name.Local, slots[j].names) {
			j, c = j+1, 0
		}
		if j == len(slots) {
			if earlier(k.name.Local, slots[:i]) {
				l.warnf(k.pos, "%s is out of order in %s; read as if in order", xsName(k), xsName(n))
			} else {
				l.warnf(k.pos, "%s is not allowed in %s; ignored", xsName(k), xsName(n))
			}
			continue
		}
		for ; i < j; i, count = i+1, 0 {
			if count < slots[i].min {
				l.warnf(k.pos, "%s: missing %s before %s; ignored", xsName(n), orNames(slots[i].names), xsName(k))
			}
		}
		count = c + 1
		if slots[i].max >= 0 && count > slots[i].max {
			l.warnf(k.pos, "%s: only one of %s allowed; the first is used", xsName(n), orNames(slots[i].names))
		}
	}
	for ; i < len(slots); i, count = i+1, 0 {
		if count < slots[i].min {
			l.warnf(n.pos, "%s requires %s; read as empty", xsName(n), orNames(slots[i].names))
		}
	}
}

// checkComplexType checks annotation?, (simpleContent | complexContent |
// ((group | all | choice | sequence)?, (attribute | attributeGroup)*,
// anyAttribute?)).
func (l *loader) checkComplexType(n *node) {
	if n.xsdKid("simpleContent", "complexContent") != nil {
		l.checkKids(n, []slot{annotationSlot, {[]string{"simpleContent", "complexContent"}, 1, 1}})
		return
	}
	l.checkKids(n, []slot{annotationSlot, particleSlot, attrsSlot, anyAttrSlot})
}

func inNames(s string, names []string) bool {
	for _, n := range names {
		if n == s {
			return true
		}
	}
	return false
}

func earlier(s string, slots []slot) bool {
	for _, sl := range slots {
		if inNames(s, sl.names) {
			return true
		}
	}
	return false
}

func orNames(names []string) string {
	if len(names) > 4 {
		return "a facet"
	}
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			if i == len(names)-1 {
				b.WriteString(" or ")
			} else {
				b.WriteString(", ")
			}
		}
		b.WriteString("xs:" + n)
	}
	return b.String()
}

// xsName names a schema element in messages ("xs:element"); the position
// that comes with every message tells which one.
func xsName(n *node) string {
	if n.name.Space == XSDNamespace {
		return "xs:" + n.name.Local
	}
	return n.name.Local
}
