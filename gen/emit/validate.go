package emit

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/protoxmpp/protoxmpp/gen/ir"
)

// validators writes, for every struct, the ValidateXMPP method that
// reports where a decoded value departs from its schema: required
// attributes and children, occurrence bounds, enumerations, fixed values,
// lexical spaces and facets, and the content kept in XMLExtra.
func (g *gen) validators(f *jen.File) {
	g.facetVars = map[string]string{}
	g.facetDecls = nil
	for _, st := range g.p.Structs {
		f.Line()
		f.Comment("ValidateXMPP reports to c every way v departs from its schema, and validates the typed values inside it.")
		f.Func().Params(jen.Id("v").Op("*").Id(st.Name)).Id("ValidateXMPP").Params(jen.Id("c").Op("*").Add(rt("Checker"))).BlockFunc(func(b *jen.Group) {
			g.validateBody(b, st)
		})
	}
	for _, d := range g.facetDecls {
		f.Line()
		f.Add(d)
	}
}

func (g *gen) validateBody(b *jen.Group, st *ir.Struct) {
	if st.Empty {
		return
	}
	if en := st.ElementEnum; en != nil {
		for _, c := range g.checkString(&ir.Scalar{Kind: ir.KEnum, Enum: en, XSD: "string"}, jen.Lit(""), jen.Lit(""), jen.String().Call(jen.Id("v").Dot("Value"))) {
			b.Add(c)
		}
	}
	kept := jen.Id("v").Dot(st.AnyAttrsName)
	for _, a := range st.Attrs {
		space := g.spaceExpr(a.Name.Space, g.p)
		local := a.Name.Local
		field := jen.Id("v").Dot(a.GoName)
		b.BlockFunc(func(ab *jen.Group) {
			if !needsParse(a.Type) {
				// The value, or the empty value kept in AnyAttrs.
				ab.Id("val").Op(":=").Add(textOf(a.Type, field.Clone()))
				ab.Id("have").Op(":=").Id("val").Op("!=").Lit("")
				ab.If(jen.Op("!").Id("have")).Block(
					jen.List(jen.Id("val"), jen.Id("have")).Op("=").Add(rt("KeptAttr")).Call(kept.Clone(), space, jen.Lit(local)),
				)
				if a.Required {
					ab.If(jen.Op("!").Id("have")).Block(
						jen.Id("c").Dot("ReportAttr").Call(space, jen.Lit(local), jen.Lit("required attribute missing")),
					)
				}
				checks := g.checkString(a.Type, space, jen.Lit(local), jen.Id("val"))
				if a.Fixed != nil {
					checks = append(checks, jen.If(jen.Id("val").Op("!=").Lit(*a.Fixed)).Block(
						jen.Id("c").Dot("ReportAttr").Call(space, jen.Lit(local), jen.Lit(fmt.Sprintf("value differs from the fixed value %q", *a.Fixed))),
					))
				}
				if len(checks) > 0 {
					ab.If(jen.Id("have")).Block(checks...)
				}
				return
			}
			set := field.Clone().Op("!=").Nil()
			val := jen.Op("*").Add(field.Clone())
			if !a.Pointer {
				set = jen.Len(field.Clone()).Op(">").Lit(0)
				val = field.Clone()
			}
			ab.List(jen.Id("lex"), jen.Id("isKept")).Op(":=").Add(rt("KeptAttr")).Call(kept.Clone(), space, jen.Lit(local))
			missing := []jen.Code{}
			if a.Required {
				missing = append(missing, jen.Id("c").Dot("ReportAttr").Call(space, jen.Lit(local), jen.Lit("required attribute missing")))
			}
			notSet := jen.If(jen.Id("isKept")).Block(
				// Kept because it is not a value of its type.
				jen.Id("c").Dot("Lexical").Call(space, jen.Lit(local), jen.Lit(xsdName(a.Type)), jen.Id("lex"), g.facetsExpr(a.Type)),
			)
			if len(missing) > 0 {
				notSet = notSet.Else().Block(missing...)
			}
			whenSet := g.checkValue(a.Type, space, jen.Lit(local), val)
			if a.Fixed != nil {
				whenSet = append(whenSet, jen.If(jen.Add(g.stringOf(a.Type, val)).Op("!=").Lit(*a.Fixed)).Block(
					jen.Id("c").Dot("ReportAttr").Call(space, jen.Lit(local), jen.Lit(fmt.Sprintf("value differs from the fixed value %q", *a.Fixed))),
				))
			}
			if len(whenSet) == 0 {
				whenSet = []jen.Code{jen.Id("_").Op("=").Id("lex")}
			}
			ab.If(jen.Op("!").Parens(set)).Block(notSet).Else().Block(whenSet...)
		})
	}
	if !st.OpenLocalAttrs {
		var known []jen.Code
		for _, a := range st.Attrs {
			if a.Name.Space == "" {
				known = append(known, jen.Lit(a.Name.Local))
			}
		}
		b.For(jen.List(jen.Id("_"), jen.Id("a")).Op(":=").Range().Add(kept.Clone())).BlockFunc(func(lb *jen.Group) {
			lb.If(jen.Id("a").Dot("Name").Dot("Space").Op("!=").Lit("")).Block(jen.Continue())
			if len(known) > 0 {
				lb.Switch(jen.Id("a").Dot("Name").Dot("Local")).Block(jen.Case(known...).Block(jen.Continue()))
			}
			lb.Id("c").Dot("ReportAttr").Call(jen.Lit(""), jen.Id("a").Dot("Name").Dot("Local"), jen.Lit("attribute not in the schema"))
		})
	}
	if st.Text != nil && !st.Text.Mixed {
		for _, c := range g.checkValue(st.Text.Type, jen.Lit(""), jen.Lit(""), jen.Id("v").Dot(st.Text.GoName)) {
			b.Add(c)
		}
	}
	for _, fl := range st.Fields {
		field := jen.Id("v").Dot(fl.GoName)
		local := fl.Name.Local
		switch fl.Kind {
		case ir.AnyField:
			b.Id("c").Dot("Elements").Call(field)
			continue
		case ir.ChoiceField:
			var names []string
			var vals []jen.Code
			for _, a := range fl.Choice {
				names = append(names, a.Name.Local)
				vals = append(vals, jen.Qual(fl.Scalar.Enum.Pkg.Path, a.Value.GoName))
			}
			miss := jen.Null()
			if fl.Required {
				miss = jen.Case(jen.Lit("")).Block(jen.Id("c").Dot("Report").Call(jen.Lit("required child missing: one of <" + strings.Join(names, "/>, <") + "/>")))
			} else {
				miss = jen.Case(jen.Lit(""))
			}
			b.Switch(field.Clone()).Block(
				miss,
				jen.Case(vals...),
				jen.Default().Block(jen.Id("c").Dot("NotOneOf").Call(jen.Lit(""), jen.Lit(""), jen.String().Call(field.Clone()), jen.Lit(strings.Join(names, ", ")))),
			)
			if fl.TextName != "" {
				var empty []jen.Code
				for _, a := range fl.Choice {
					if !a.Text {
						empty = append(empty, jen.Qual(fl.Scalar.Enum.Pkg.Path, a.Value.GoName))
					}
				}
				if len(empty) > 0 {
					b.If(jen.Id("v").Dot(fl.TextName).Op("!=").Lit("")).Block(
						jen.Switch(field.Clone()).Block(jen.Case(empty...).Block(
							jen.Id("c").Dot("Report").Call(jen.Lit("text in <").Op("+").String().Call(field.Clone()).Op("+").Lit("/>, which is empty")),
						)),
					)
				}
			}
			continue
		case ir.FlagField, ir.RawField:
			if fl.Required && fl.Kind == ir.RawField {
				b.If(field.Clone().Op("==").Nil()).Block(jen.Id("c").Dot("Report").Call(jen.Lit(fmt.Sprintf("required child <%s/> missing", local))))
			}
			continue
		}
		if fl.Repeated {
			if fl.Min > 0 {
				b.If(jen.Len(field.Clone()).Op("<").Lit(fl.Min)).Block(
					jen.Id("c").Dot("Report").Call(jen.Lit(fmt.Sprintf("expected at least %d <%s/>, found ", fl.Min, local)).Op("+").Qual("strconv", "Itoa").Call(jen.Len(field.Clone()))),
				)
			}
			if fl.Max > 1 {
				b.If(jen.Len(field.Clone()).Op(">").Lit(fl.Max)).Block(
					jen.Id("c").Dot("Report").Call(jen.Lit(fmt.Sprintf("expected at most %d <%s/>, found ", fl.Max, local)).Op("+").Qual("strconv", "Itoa").Call(jen.Len(field.Clone()))),
				)
			}
			var body []jen.Code
			switch fl.Kind {
			case ir.StructField:
				body = []jen.Code{jen.Id("v").Dot(fl.GoName).Index(jen.Id("i")).Dot("ValidateXMPP").Call(jen.Id("c"))}
			case ir.ScalarField:
				body = g.checkValue(fl.Scalar, jen.Lit(""), jen.Lit(""), jen.Id("v").Dot(fl.GoName).Index(jen.Id("i")))
			}
			if len(body) == 0 {
				continue
			}
			b.For(jen.Id("i").Op(":=").Range().Add(field.Clone())).Block(append(append([]jen.Code{
				jen.Id("c").Dot("Enter").Call(jen.Lit(local), jen.Id("i").Op("+").Lit(1)),
			}, body...), jen.Id("c").Dot("Leave").Call())...)
			continue
		}
		var body []jen.Code
		switch fl.Kind {
		case ir.StructField:
			if fl.Pointer {
				body = []jen.Code{field.Clone().Dot("ValidateXMPP").Call(jen.Id("c"))}
			} else {
				body = []jen.Code{jen.Parens(jen.Op("&").Add(field.Clone())).Dot("ValidateXMPP").Call(jen.Id("c"))}
			}
		case ir.ScalarField:
			val := field.Clone()
			if fl.Pointer {
				val = jen.Op("*").Add(field.Clone())
			}
			body = g.checkValue(fl.Scalar, jen.Lit(""), jen.Lit(""), val)
		}
		enter := append(append([]jen.Code{jen.Id("c").Dot("Enter").Call(jen.Lit(local), jen.Lit(0))}, body...), jen.Id("c").Dot("Leave").Call())
		if !fl.Pointer {
			if len(body) > 0 {
				b.Block(enter...)
			}
			continue
		}
		missing := jen.Null()
		if fl.Required {
			missing = jen.Else().Block(jen.Id("c").Dot("Report").Call(jen.Lit(fmt.Sprintf("required child <%s/> missing", local))))
		}
		if len(body) == 0 {
			if fl.Required {
				b.If(field.Clone().Op("==").Nil()).Block(jen.Id("c").Dot("Report").Call(jen.Lit(fmt.Sprintf("required child <%s/> missing", local))))
			}
			continue
		}
		b.If(field.Clone().Op("!=").Nil()).Block(enter...).Add(missing)
	}
	for _, alts := range st.RequiredChoices {
		var absent *jen.Statement
		var names []string
		for _, fl := range alts {
			var a *jen.Statement
			f := jen.Id("v").Dot(fl.GoName)
			switch {
			case fl.Kind == ir.FlagField:
				a = jen.Op("!").Add(f)
			case fl.Repeated || fl.Kind == ir.AnyField:
				a = jen.Len(f).Op("==").Lit(0)
			case fl.Kind == ir.ChoiceField:
				a = f.Op("==").Lit("")
			case fl.Pointer || fl.Kind == ir.RawField:
				a = f.Op("==").Nil()
			default:
				a = nil
			}
			if a == nil {
				absent = nil
				break
			}
			if fl.Kind == ir.AnyField {
				names = append(names, "any element")
			} else {
				names = append(names, "<"+fl.Name.Local+"/>")
			}
			if absent == nil {
				absent = a
			} else {
				absent = absent.Op("&&").Add(a)
			}
		}
		if absent != nil && len(names) == len(alts) {
			b.If(absent).Block(jen.Id("c").Dot("Report").Call(jen.Lit("required child missing: one of " + strings.Join(names, ", "))))
		}
	}
	if st.ExtraName != "" {
		b.Id("c").Dot("Extra").Call(jen.Id("v").Dot(st.ExtraName))
	}
}

// checkString returns the checks of a string-kept value (string, date-time
// or string enumeration) at the attribute local of space, or the text
// when local is "".
func (g *gen) checkString(s *ir.Scalar, space, local, val jen.Code) []jen.Code {
	if s.Kind == ir.KJID {
		// Prepared on demand, here: RFC 7622 with PRECIS.
		return []jen.Code{jen.If(jen.Id("err").Op(":=").Qual(jidPath, "Raw").Call(val).Dot("Check").Call(), jen.Id("err").Op("!=").Nil()).Block(
			jen.Id("c").Dot("Invalid").Call(space, local, val, jen.Lit("JID"), jen.Id("err")),
		)}
	}
	if s.Kind == ir.KEnum {
		var vals []jen.Code
		var names []string
		for _, v := range s.Enum.Values {
			vals = append(vals, jen.Lit(v.Value))
			names = append(names, v.Value)
		}
		return []jen.Code{jen.Switch(val).Block(
			jen.Case(vals...),
			jen.Default().Block(jen.Id("c").Dot("NotOneOf").Call(space, local, val, jen.Lit(strings.Join(names, ", ")))),
		)}
	}
	if len(s.Union) > 0 {
		var members []jen.Code
		for _, m := range s.Union {
			members = append(members, jen.Func().Params(jen.Id("v").String()).Bool().BlockFunc(func(f *jen.Group) {
				if m.Kind == ir.KEnum {
					var vals []jen.Code
					for _, v := range m.Enum.Values {
						vals = append(vals, jen.Lit(canonicalLiteral(m.Enum.Base, v.Value)))
					}
					if needsParse(m) {
						f.Return(jen.Add(rt("CheckLexical")).Call(jen.Lit(xsdName(m)), jen.Id("v")).Op("==").Lit("").Op("&&").Add(rt("InCanonical")).Call(jen.Lit(xsdName(m)), jen.Id("v"), jen.Index().String().Values(vals...)))
						return
					}
					f.Switch(jen.Id("v")).Block(jen.Case(vals...).Block(jen.Return(jen.True())))
					f.Return(jen.False())
					return
				}
				f.Return(jen.Add(rt("CheckValue")).Call(jen.Lit(xsdName(m)), jen.Id("v"), g.facetsExpr(m)).Op("==").Lit(""))
			}))
		}
		return []jen.Code{jen.Id("c").Dot("Union").Call(append([]jen.Code{space, local, val}, members...)...)}
	}
	x := xsdName(s)
	if (x == "string" || x == "") && s.Facets == nil {
		return nil
	}
	return []jen.Code{jen.Id("c").Dot("Lexical").Call(space, local, jen.Lit(x), val, g.facetsExpr(s))}
}

// checkValue returns the checks of a decoded value of s.
func (g *gen) checkValue(s *ir.Scalar, space, local, val jen.Code) []jen.Code {
	if !needsParse(s) {
		return g.checkString(s, space, local, textOf(s, val))
	}
	if s.Kind == ir.KEnum {
		// An enumeration of numbers (or other parsed values): compared
		// in the canonical form.
		var vals []jen.Code
		var names []string
		seen := map[string]bool{}
		for _, v := range s.Enum.Values {
			// Compared by value: '012' and '+3' stand for 12 and 3.
			c := canonicalLiteral(s.Enum.Base, v.Value)
			if !seen[c] {
				seen[c] = true
				vals = append(vals, jen.Lit(c))
			}
			names = append(names, v.Value)
		}
		return []jen.Code{jen.Switch(g.stringOf(s, val)).Block(
			jen.Case(vals...),
			jen.Default().Block(jen.Id("c").Dot("NotOneOf").Call(space, local, g.stringOf(s, val), jen.Lit(strings.Join(names, ", ")))),
		)}
	}
	var out []jen.Code
	if s.Kind == ir.KList {
		// Each item against its own type (enumeration, facets, union).
		if item := g.checkValue(s.Elem, space, local, jen.Id("item")); len(item) > 0 {
			out = append(out, jen.For(jen.List(jen.Id("_"), jen.Id("item")).Op(":=").Range().Add(val)).Block(item...))
		}
	}
	if s.Facets == nil && !narrowInteger(s) {
		return out
	}
	return append(out, jen.Id("c").Dot("Lexical").Call(space, local, jen.Lit(xsdName(s)), g.stringOf(s, val), g.facetsExpr(s)))
}

func xsdName(s *ir.Scalar) string {
	switch s.Kind {
	case ir.KEnum:
		return xsdName(s.Enum.Base)
	case ir.KList:
		return "list of " + xsdName(s.Elem)
	}
	return s.XSD
}

// facetsExpr returns the package variable holding the facets of s (nil
// when it has none), declaring it the first time.
func (g *gen) facetsExpr(s *ir.Scalar) jen.Code {
	if s.Kind == ir.KEnum {
		return g.facetsExpr(s.Enum.Base)
	}
	if len(s.Facets) == 0 {
		return jen.Nil()
	}
	keys := make([]string, 0, len(s.Facets))
	for k := range s.Facets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var sig strings.Builder
	for _, k := range keys {
		sig.WriteString(k + "=" + s.Facets[k] + "\x00")
	}
	if name, ok := g.facetVars[sig.String()]; ok {
		return jen.Id(name)
	}
	name := "facets" + strconv.Itoa(len(g.facetVars))
	g.facetVars[sig.String()] = name
	num := func(k string) jen.Code {
		if v, ok := s.Facets[k]; ok {
			if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
				return jen.Lit(n)
			}
		}
		return jen.Lit(-1)
	}
	d := jen.Dict{
		jen.Id("Length"):    num("length"),
		jen.Id("MinLength"): num("minLength"),
		jen.Id("MaxLength"): num("maxLength"),
	}
	for _, k := range []string{"minInclusive", "maxInclusive", "minExclusive", "maxExclusive"} {
		if v, ok := s.Facets[k]; ok {
			d[jen.Id(strings.ToUpper(k[:1])+k[1:])] = jen.Lit(strings.TrimSpace(v))
		}
	}
	if p, ok := s.Facets["pattern"]; ok {
		// XSD patterns match the whole value; those Go's regexp cannot
		// read (\i, \c, character class subtraction) are not checked.
		re := "^(?:" + p + ")$"
		if _, err := regexp.Compile(re); err == nil {
			d[jen.Id("Pattern")] = jen.Lit(p)
			d[jen.Id("Match")] = jen.Qual("regexp", "MustCompile").Call(jen.Lit(re)).Dot("MatchString")
		}
	}
	g.facetDecls = append(g.facetDecls, jen.Var().Id(name).Op("=").Op("&").Add(rt("Facets")).Values(d))
	return jen.Id(name)
}

// narrowInteger reports an integer type narrower than its Go type
// (positiveInteger in a uint64): its value is checked against the
// built-in's range.
func narrowInteger(s *ir.Scalar) bool {
	if s.Kind != ir.KInt && s.Kind != ir.KUint {
		return false
	}
	switch s.XSD {
	case "long", "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte":
		return false
	}
	return true
}

// canonicalLiteral returns the canonical form of the lexical value v of
// the scalar s (an enumeration facet), as the runtime formats the value.
func canonicalLiteral(s *ir.Scalar, v string) string {
	t := strings.TrimSpace(v)
	switch s.Kind {
	case ir.KInt:
		if x, err := strconv.ParseInt(strings.TrimPrefix(t, "+"), 10, 64); err == nil {
			return strconv.FormatInt(x, 10)
		}
	case ir.KUint:
		if x, err := strconv.ParseUint(strings.TrimPrefix(t, "+"), 10, 64); err == nil {
			return strconv.FormatUint(x, 10)
		}
	case ir.KBool:
		switch t {
		case "1", "true":
			return "true"
		case "0", "false":
			return "false"
		}
	}
	return v
}

// textOf returns the text of a string-kept value: its string conversion,
// or String() for a JID.
func textOf(s *ir.Scalar, val jen.Code) jen.Code {
	if s.Kind == ir.KJID {
		return method(val, "String")
	}
	return jen.String().Call(val)
}
