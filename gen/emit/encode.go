package emit

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/protoxmpp/protoxmpp/gen/ir"
)

func (g *gen) encoders(f *jen.File) {
	var globals []*ir.Struct
	for _, st := range g.p.Structs {
		if st.Element != nil && st.Pkg == g.p {
			globals = append(globals, st)
		}
	}
	if len(globals) > 0 {
		f.Func().Id("init").Params().BlockFunc(func(b *jen.Group) {
			for _, st := range globals {
				locals := []string{st.Element.Local}
				if st.ElementEnum != nil {
					locals = locals[:0]
					for _, v := range st.ElementEnum.Values {
						locals = append(locals, v.Value)
					}
				}
				spaces := []jen.Code{jen.Id("NS")}
				for _, ns := range g.p.Family {
					spaces = append(spaces, jen.Lit(ns))
				}
				for _, local := range locals {
					for _, space := range spaces {
						g.register(b, st, space, local)
					}
				}
			}
		})
	}
	for _, st := range g.p.Structs {
		if st.Element != nil {
			g.globalMethods(f, st)
		}
		g.selfNS = nil
		if g.family() {
			g.selfNS = jen.Id("e").Dot("DefaultNS").Call()
		}
		f.Line()
		f.Comment("EncodeElement appends v to e as an element named {space}local.")
		f.Func().Params(jen.Id("v").Op("*").Id(st.Name)).Id("EncodeElement").Params(
			jen.Id("e").Op("*").Add(rt(rtEncoder)), jen.List(jen.Id("space"), jen.Id("local")).String(),
		).Block(
			jen.Id("e").Dot("Start").Call(jen.Id("space"), jen.Id("local")),
			jen.Id("v").Dot("encodeContent").Call(jen.Id("e")),
		)
		f.Line()
		f.Comment("encodeContent appends the attributes, content and end tag of v to e, whose start tag is open.")
		f.Func().Params(jen.Id("v").Op("*").Id(st.Name)).Id("encodeContent").Params(
			jen.Id("e").Op("*").Add(rt(rtEncoder)),
		).BlockFunc(func(b *jen.Group) {
			g.encodeBody(b, st)
		})
		if g.family() {
			// A kept copy is in the namespace of the element that kept it.
			g.selfNS = jen.Id("x").Dot("ElementName").Call().Dot("Space")
		}
		g.staleCopyMethod(f, st)
		g.selfNS = nil
	}
}

func (g *gen) register(b *jen.Group, st *ir.Struct, space jen.Code, local string) {
	// A value with a wildcard comes with room for its first child in the
	// same allocation: most stanzas carry one payload, and a fresh value
	// (what the registry decodes into) would need a slice for it.
	// Left without a child, the field is nil again, as in any new value.
	body := []jen.Code{jen.Id("v").Op(":=").Add(rt(rtNew)).Types(jen.Id(st.Name)).Call(jen.Id("d"))}
	var after []jen.Code
	for _, fl := range st.Fields {
		if fl.Kind == ir.AnyField && fl.Repeated {
			field := jen.Id("v").Dot(fl.GoName)
			body = []jen.Code{
				jen.Id("p").Op(":=").Add(rt(rtNew)).Types(jen.Struct(jen.Id("v").Id(st.Name), jen.Id("first").Index(jen.Lit(1)).Add(rt(rtElement)))).Call(jen.Id("d")),
				jen.Id("v").Op(":=").Op("&").Id("p").Dot("v"),
				field.Clone().Op("=").Id("p").Dot("first").Index(jen.Empty(), jen.Lit(0)),
			}
			after = []jen.Code{jen.If(jen.Len(field.Clone()).Op("==").Lit(0)).Block(field.Clone().Op("=").Nil())}
			break
		}
	}
	body = append(body, jen.Id("err").Op(":=").Id("v").Dot("DecodeXMPP").Call(jen.Id("d")))
	body = append(body, after...)
	body = append(body, jen.Return(jen.Id("v"), jen.Id("err")))
	b.Add(rt(rtRegister)).Call(
		rt(rtName).Values(jen.Dict{jen.Id("Space"): space, jen.Id("Local"): jen.Lit(local)}),
		jen.Func().Params(jen.Id("d").Op("*").Add(rt(rtDecoder))).Params(rt(rtElement), jen.Error()).Block(body...),
	)
}

// staleCopyMethod writes staleCopy for a struct that may keep simple
// children in a non-canonical form.
func (g *gen) staleCopyMethod(f *jen.File, st *ir.Struct) {
	kept := keptScalars(st)
	if len(kept) == 0 {
		return
	}
	f.Line()
	f.Comment("staleCopy reports a child kept in XMLExtra in a non-canonical form whose field no longer has its value: the field is written instead.")
	f.Func().Params(jen.Id("v").Op("*").Id(st.Name)).Id("staleCopy").Params(jen.Id("x").Add(rt(rtElement))).Bool().BlockFunc(func(b *jen.Group) {
		for _, fl := range kept {
			field := jen.Id("v").Dot(fl.GoName)
			name := rt(rtName).Values(jen.Dict{jen.Id("Space"): g.spaceExpr(fl.Name.Space, st.Pkg), jen.Id("Local"): jen.Lit(fl.Name.Local)})
			b.If(jen.List(jen.Id("lex"), jen.Id("ok")).Op(":=").Add(rt("KeptText")).Call(jen.Id("x"), name), jen.Id("ok")).Block(
				jen.Return(field.Clone().Op("==").Nil().Op("||").Op("!").Add(g.sameValue(fl.Scalar, jen.Id("lex"), jen.Op("*").Add(field.Clone())))),
			)
		}
		b.Return(jen.False())
	})
}

func (g *gen) globalMethods(f *jen.File, st *ir.Struct) {
	if st.ElementEnum != nil {
		// The name is the value: checked as it is written.
		f.Line()
		f.Comment("ElementName returns the name of the element v stands for, its Value in this namespace.")
		f.Func().Params(jen.Id("v").Op("*").Id(st.Name)).Id("ElementName").Params().Add(rt(rtName)).Block(
			jen.Return(rt(rtName).Values(jen.Dict{jen.Id("Space"): jen.Id("NS"), jen.Id("Local"): jen.String().Call(jen.Id("v").Dot("Value"))})),
		)
		f.Line()
		f.Comment("EncodeXMPP appends v to e, as the element its Value names.")
		f.Func().Params(jen.Id("v").Op("*").Id(st.Name)).Id("EncodeXMPP").Params(jen.Id("e").Op("*").Add(rt(rtEncoder))).Block(
			jen.Id("e").Dot("Start").Call(jen.Id("NS"), jen.String().Call(jen.Id("v").Dot("Value"))),
			jen.Id("v").Dot("encodeContent").Call(jen.Id("e")),
		)
	} else if g.family() {
		f.Line()
		f.Comment(fmt.Sprintf("ElementName returns the name of the <%s/> element, in the namespace it came with (NS for one built here).", st.Element.Local))
		f.Func().Params(jen.Id("v").Op("*").Id(st.Name)).Id("ElementName").Params().Add(rt(rtName)).Block(
			jen.Id("space").Op(":=").Id("v").Dot("XMLNS"),
			jen.If(jen.Id("space").Op("==").Lit("")).Block(jen.Id("space").Op("=").Id("NS")),
			jen.Return(rt(rtName).Values(jen.Dict{jen.Id("Space"): jen.Id("space"), jen.Id("Local"): jen.Lit(st.Element.Local)})),
		)
		f.Line()
		f.Comment("DecodesNamespace reports whether space is one of Namespaces, which v decodes from (stanza.NamespaceFamily).")
		f.Func().Params(jen.Op("*").Id(st.Name)).Id("DecodesNamespace").Params(jen.Id("space").String()).Bool().Block(jen.Return(jen.Id("member").Call(jen.Id("space"))))
		f.Line()
		f.Comment("EncodeXMPP appends v to e: in the namespace it declared when it came with one, else in the namespace in use at e when that is one of Namespaces (a stream's content namespace), else in the one it came with, else NS.")
		// A stanza written on its own, as an Encoder reset for each one
		// writes it, declares its namespace: for each namespace of the
		// family with nothing to escape, the start tag with the
		// declaration is one constant (see Encoder.StartDeclared).
		open := "<" + st.Element.Local
		start := jen.Switch(jen.Id("ns").Op(":=").Id("encodeNS").Call(jen.Id("e"), jen.Id("v").Dot("XMLNS"), jen.Id("v").Dot("XMLNSInherited")), jen.Id("ns")).BlockFunc(func(sw *jen.Group) {
			for i, ns := range append([]string{st.Pkg.Namespace}, st.Pkg.Family...) {
				if !declarable(ns) {
					continue
				}
				nsExpr, decl := jen.Lit(ns), jen.Lit(open+" xmlns='"+ns+"'")
				if i == 0 {
					nsExpr, decl = jen.Id("NS"), jen.Lit(open+" xmlns='").Op("+").Id("NS").Op("+").Lit("'")
				}
				sw.Case(nsExpr.Clone()).Block(jen.Id("e").Dot("StartDeclared").Call(nsExpr, jen.Lit(open), decl))
			}
			sw.Default().Block(jen.Id("e").Dot("StartQuoted").Call(jen.Id("ns"), jen.Lit(open)))
		})
		f.Func().Params(jen.Id("v").Op("*").Id(st.Name)).Id("EncodeXMPP").Params(jen.Id("e").Op("*").Add(rt(rtEncoder))).Block(
			start,
			jen.Id("v").Dot("encodeContent").Call(jen.Id("e")),
		)
	} else {
		name := rt(rtName).Values(jen.Dict{jen.Id("Space"): jen.Id("NS"), jen.Id("Local"): jen.Lit(st.Element.Local)})
		f.Line()
		f.Comment(fmt.Sprintf("ElementName returns the name of the <%s/> element.", st.Element.Local))
		f.Func().Params(jen.Op("*").Id(st.Name)).Id("ElementName").Params().Add(rt(rtName)).Block(jen.Return(name))
		f.Line()
		f.Comment("EncodeXMPP appends v to e.")
		start := jen.Id("e").Dot("StartQuoted").Call(jen.Id("NS"), jen.Lit("<"+st.Element.Local))
		if declarable(st.Element.Space) {
			// The start tag with its declaration, one constant.
			start = jen.Id("e").Dot("StartDeclared").Call(jen.Id("NS"), jen.Lit("<"+st.Element.Local),
				jen.Lit("<"+st.Element.Local+" xmlns='").Op("+").Id("NS").Op("+").Lit("'"))
		}
		f.Func().Params(jen.Id("v").Op("*").Id(st.Name)).Id("EncodeXMPP").Params(jen.Id("e").Op("*").Add(rt(rtEncoder))).Block(
			start,
			jen.Id("v").Dot("encodeContent").Call(jen.Id("e")),
		)
	}
	f.Line()
	f.Comment("MarshalXML implements encoding/xml.Marshaler.")
	f.Func().Params(jen.Id("v").Op("*").Id(st.Name)).Id("MarshalXML").Params(
		jen.Id("e").Op("*").Qual(xmlPath, "Encoder"), jen.Id("_").Qual(xmlPath, "StartElement"),
	).Error().Block(jen.Return(rt(rtMarshalXML).Call(jen.Id("e"), jen.Id("v"))))
	f.Line()
	f.Comment("UnmarshalXML implements encoding/xml.Unmarshaler.")
	f.Func().Params(jen.Id("v").Op("*").Id(st.Name)).Id("UnmarshalXML").Params(
		jen.Id("d").Op("*").Qual(xmlPath, "Decoder"), jen.Id("start").Qual(xmlPath, "StartElement"),
	).Error().Block(jen.Return(rt(rtUnmarshXML).Call(jen.Id("d"), jen.Id("start"), jen.Id("v"))))
}

// formatAttr returns the statement writing attribute a with value val.
func (g *gen) writeAttr(a *ir.AttrField, val jen.Code) jen.Code {
	local := jen.Lit(a.Name.Local)
	if a.Name.Space != "" {
		return jen.Id("e").Dot("AttrNSTrusted").Call(g.spaceExpr(a.Name.Space, g.p), local, g.stringOf(a.Type, val))
	}
	switch a.Type.Kind {
	case ir.KBool:
		return jen.Id("e").Dot("AttrBool").Call(local, val)
	case ir.KInt:
		return jen.Id("e").Dot("AttrInt").Call(local, jen.Int64().Call(val))
	case ir.KUint:
		return jen.Id("e").Dot("AttrUint").Call(local, jen.Uint64().Call(val))
	case ir.KBase64:
		return jen.Id("e").Dot("AttrBase64").Call(jen.Lit(" "+a.Name.Local+"='"), val)
	}
	quoted := jen.Id("e").Dot("AttrQuoted").Call(jen.Lit(" "+a.Name.Local+"='"), g.stringOf(a.Type, val))
	if en := a.Type.Enum; a.Type.Kind == ir.KEnum && en.Base.Kind == ir.KString && len(en.Values) <= maxConstAttrs {
		// Each value of the enumeration written as one constant, the
		// attribute whole: no scan for what to escape.
		cases := []jen.Code{}
		for _, ev := range en.Values {
			if !constAttrValue(ev.Value) {
				return quoted
			}
			cases = append(cases, jen.Case(jen.Qual(en.Pkg.Path, ev.GoName)).Block(
				jen.Id("e").Dot("AttrConst").Call(jen.Lit(" "+a.Name.Local+"='"+ev.Value+"'"))))
		}
		cases = append(cases, jen.Default().Block(quoted))
		return jen.Switch(val).Block(cases...)
	}
	return quoted
}

// maxConstAttrs bounds the enumerations whose values writeAttr writes as
// constants: a larger one keeps the one call.
const maxConstAttrs = 16

// constAttrValue reports whether v can be written in an attribute quoted
// with ' as it is: nothing to escape, nothing a reader normalizes.
func constAttrValue(v string) bool {
	for _, c := range []byte(v) {
		if c == '\'' || c == '&' || c == '<' || c == '"' || c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// stringOf converts a scalar value to its lexical string.
func (g *gen) stringOf(s *ir.Scalar, val jen.Code) jen.Code {
	switch s.Kind {
	case ir.KString:
		return val
	case ir.KDateTime:
		return jen.String().Call(val)
	case ir.KJID:
		return method(val, "String")
	case ir.KBool:
		return rt(rtFormatBool).Call(val)
	case ir.KInt:
		return rt(rtFormatInt).Call(jen.Int64().Call(val))
	case ir.KUint:
		return rt(rtFormatUint).Call(jen.Uint64().Call(val))
	case ir.KFloat:
		return rt(rtFormatFloat).Call(jen.Float64().Call(val), jen.Lit(s.Bits))
	case ir.KBase64:
		return rt(rtFormatB64).Call(val)
	case ir.KHex:
		return rt(rtFormatHex).Call(val)
	case ir.KEnum:
		return g.stringOf(s.Enum.Base, g.scalarType(s.Enum.Base).Call(val))
	case ir.KList:
		return rt(rtJoinList).Call(val, jen.Func().Params(jen.Id("x").Add(g.scalarType(s.Elem))).String().Block(
			jen.Return(g.stringOf(s.Elem, jen.Id("x"))),
		))
	}
	return val
}

// writeText returns the statement writing a scalar as text.
func (g *gen) writeText(s *ir.Scalar, val jen.Code) jen.Code {
	switch s.Kind {
	case ir.KInt:
		return jen.Id("e").Dot("TextInt").Call(jen.Int64().Call(val))
	case ir.KUint:
		return jen.Id("e").Dot("TextUint").Call(jen.Uint64().Call(val))
	case ir.KBool:
		return jen.Id("e").Dot("TextBool").Call(val)
	case ir.KBase64:
		return jen.Id("e").Dot("TextBase64").Call(val)
	}
	return jen.Id("e").Dot("Text").Call(g.stringOf(s, val))
}

// encodeChild returns the statements writing the struct-typed child x: its
// start tag with the schema's name, unchecked, and its content when the
// struct is generated in this package; EncodeElement otherwise.
func (g *gen) encodeChild(fl *ir.Field, x, space jen.Code) []jen.Code {
	if fl.Struct.Pkg != g.p {
		return []jen.Code{jen.Add(x).Dot("EncodeElement").Call(jen.Id("e"), space, jen.Lit(fl.Name.Local))}
	}
	return []jen.Code{
		jen.Id("e").Dot("StartQuoted").Call(space, jen.Lit("<"+fl.Name.Local)),
		jen.Add(x).Dot("encodeContent").Call(jen.Id("e")),
	}
}

// writeElement returns the statements writing a simple-typed child element
// with the value val: one Element call for text, Start, the value and End
// for numbers written without allocating.
func (g *gen) writeElement(fl *ir.Field, space, val jen.Code) []jen.Code {
	switch fl.Scalar.Kind {
	case ir.KInt, ir.KUint, ir.KBool, ir.KBase64:
		return []jen.Code{
			jen.Id("e").Dot("StartQuoted").Call(space, jen.Lit("<"+fl.Name.Local)),
			g.writeText(fl.Scalar, val),
			jen.Id("e").Dot("End").Call(),
		}
	}
	return []jen.Code{jen.Id("e").Dot("ElementQuoted").Call(space, jen.Lit("<"+fl.Name.Local+">"), jen.Lit("</"+fl.Name.Local+">"), g.stringOf(fl.Scalar, val))}
}

// present returns the condition under which an optional scalar is written.
func present(s *ir.Scalar, val jen.Code) jen.Code {
	switch s.Kind {
	case ir.KBase64, ir.KHex, ir.KList:
		return jen.Len(val).Op(">").Lit(0)
	}
	if s.Kind == ir.KEnum {
		return present(s.Enum.Base, val)
	}
	if s.Kind == ir.KJID {
		return jen.Op("!").Add(method(val, "IsZero"))
	}
	return jen.Add(val).Op("!=").Lit("")
}

func (g *gen) encodeBody(b *jen.Group, st *ir.Struct) {
	if st.Empty {
		b.Id("e").Dot("End").Call()
		return
	}
	for _, a := range st.Attrs {
		v := jen.Id("v").Dot(a.GoName)
		val := v.Clone()
		cond := present(a.Type, v.Clone())
		if a.Pointer {
			val = jen.Op("*").Add(v.Clone())
			cond = v.Clone().Op("!=").Nil()
		}
		if !needsParse(a.Type) {
			b.If(cond).Block(g.writeAttr(a, val))
			continue
		}
		// A form other than the canonical one, received for this same
		// value, is written as it came.
		b.If(cond).Block(
			jen.If(
				jen.List(jen.Id("lex"), jen.Id("ok")).Op(":=").Add(rt("KeptAttr")).Call(jen.Id("v").Dot(st.AnyAttrsName), g.spaceExpr(a.Name.Space, g.p), jen.Lit(a.Name.Local)),
				jen.Id("ok").Op("&&").Add(g.sameValue(a.Type, jen.Id("lex"), val)),
			).Block(
				jen.Id("e").Dot("AttrNS").Call(g.spaceExpr(a.Name.Space, g.p), jen.Lit(a.Name.Local), jen.Id("lex")),
			).Else().Block(g.writeAttr(a, val)),
		)
	}
	// An attribute kept for a known name gives way to the field when the
	// field is set: the field was written above (with the kept form when
	// that form is the field's value).
	var shadow []jen.Code
	for _, a := range st.Attrs {
		if !keepsEmpty(a) && !needsParse(a.Type) {
			continue
		}
		set := present(a.Type, jen.Id("v").Dot(a.GoName))
		if a.Pointer {
			set = jen.Id("v").Dot(a.GoName).Op("!=").Nil()
		}
		shadow = append(shadow, jen.Parens(jen.Id("a").Dot("Name").Op("==").Add(rt(rtName)).Values(jen.Dict{
			jen.Id("Space"): g.spaceExpr(a.Name.Space, g.p), jen.Id("Local"): jen.Lit(a.Name.Local),
		}).Op("&&").Add(set)))
	}
	b.For(jen.List(jen.Id("_"), jen.Id("a")).Op(":=").Range().Id("v").Dot(st.AnyAttrsName)).BlockFunc(func(lb *jen.Group) {
		if len(shadow) > 0 {
			cond := jen.Add(shadow[0])
			for _, c := range shadow[1:] {
				cond = cond.Op("||").Add(c)
			}
			lb.If(cond).Block(jen.Continue())
		}
		lb.Id("e").Dot("AttrNS").Call(jen.Id("a").Dot("Name").Dot("Space"), jen.Id("a").Dot("Name").Dot("Local"), jen.Id("a").Dot("Value"))
	})
	if st.Text != nil {
		if st.Text.Mixed {
			b.If(jen.Id("v").Dot(st.Text.GoName).Op("!=").Lit("")).Block(jen.Id("e").Dot("Text").Call(jen.Id("v").Dot(st.Text.GoName)))
		} else {
			b.Add(g.writeText(st.Text.Type, jen.Id("v").Dot(st.Text.GoName)))
		}
	}
	fields := st.Fields
	if st.ExtraName != "" {
		fields = append(fields[:len(fields):len(fields)], &ir.Field{GoName: st.ExtraName, Kind: ir.AnyField, Repeated: true, Slot: st.ExtraSlot})
	}
	if st.OrderName == "" {
		for _, fl := range fields {
			for _, c := range g.encodeField(st, fl) {
				b.Add(c)
			}
		}
		b.Id("e").Dot("End").Call()
		return
	}
	n := len(fields)
	b.If(jen.Len(jen.Id("v").Dot(st.OrderName)).Op("==").Lit(0)).BlockFunc(func(c *jen.Group) {
		for _, fl := range fields {
			for _, x := range g.encodeField(st, fl) {
				c.Add(x)
			}
		}
		c.Id("e").Dot("End").Call()
		c.Return()
	})
	// Follow the recorded order, then write what it does not cover.
	b.Var().Id("n").Index(jen.Lit(n)).Int()
	b.For(jen.List(jen.Id("_"), jen.Id("r")).Op(":=").Range().Id("v").Dot(st.OrderName)).Block(
		jen.If(jen.Int().Call(jen.Id("r").Dot("Slot")).Op(">=").Lit(n)).Block(jen.Continue()),
		jen.For(jen.Id("k").Op(":=").Lit(0), jen.Id("k").Op("<").Int().Call(jen.Id("r").Dot("N")), jen.Id("k").Op("++")).Block(
			jen.Switch(jen.Id("r").Dot("Slot")).BlockFunc(func(sw *jen.Group) {
				for _, fl := range fields {
					sw.Case(jen.Lit(fl.Slot)).Block(g.encodeOne(st, fl, jen.Id("n").Index(jen.Id("r").Dot("Slot")), true)...)
				}
			}),
			jen.Id("n").Index(jen.Id("r").Dot("Slot")).Op("++"),
		),
	)
	for _, fl := range fields {
		if fl.Repeated || fl.Kind == ir.AnyField {
			b.For(jen.Id("i").Op(":=").Id("n").Index(jen.Lit(fl.Slot)), jen.Id("i").Op("<").Len(jen.Id("v").Dot(fl.GoName)), jen.Id("i").Op("++")).Block(
				g.encodeOne(st, fl, jen.Id("i"), false)...,
			)
		} else {
			b.If(jen.Id("n").Index(jen.Lit(fl.Slot)).Op("==").Lit(0)).Block(g.encodeOne(st, fl, jen.Lit(0), false)...)
		}
	}
	b.Id("e").Dot("End").Call()
}

// encodeField writes every value of a field, in canonical order.
func (g *gen) encodeField(st *ir.Struct, fl *ir.Field) []jen.Code {
	if fl.Repeated || fl.Kind == ir.AnyField {
		return []jen.Code{jen.For(jen.Id("i").Op(":=").Range().Id("v").Dot(fl.GoName)).Block(g.encodeOne(st, fl, jen.Id("i"), false)...)}
	}
	return g.encodeOne(st, fl, jen.Lit(0), false)
}

// encodeOne writes the i-th value of a repeated field, or the single value
// of a field when present. With bounded set, i may be past the end of the
// slice (a recorded order longer than the values) and is checked.
func (g *gen) encodeOne(st *ir.Struct, fl *ir.Field, i jen.Code, bounded bool) []jen.Code {
	v := jen.Id("v").Dot(fl.GoName)
	if fl.Repeated || fl.Kind == ir.AnyField {
		elem := v.Clone().Index(i)
		var body []jen.Code
		var cond []jen.Code
		if bounded {
			cond = append(cond, jen.Add(i).Op("<").Len(v.Clone()))
		}
		switch fl.Kind {
		case ir.AnyField, ir.RawField:
			cond = append(cond, jen.Add(elem.Clone()).Op("!=").Nil())
			if fl.GoName == st.ExtraName && len(keptScalars(st)) > 0 {
				cond = append(cond, jen.Op("!").Id("v").Dot("staleCopy").Call(elem.Clone()))
			}
			body = []jen.Code{elem.Clone().Dot("EncodeXMPP").Call(jen.Id("e"))}
		case ir.StructField:
			body = g.encodeChild(fl, elem.Clone(), g.spaceExpr(fl.Name.Space, st.Pkg))
		case ir.ScalarField:
			body = g.writeElement(fl, g.spaceExpr(fl.Name.Space, st.Pkg), elem.Clone())
		}
		if len(cond) == 0 {
			return body
		}
		c := jen.Add(cond[0])
		for _, x := range cond[1:] {
			c = c.Op("&&").Add(x)
		}
		return []jen.Code{jen.If(c).Block(body...)}
	}
	return []jen.Code{g.encodeSingle(st, fl)}
}

// encodeSingle writes the value of a field that is not repeated, when
// present (always for a required one).
func (g *gen) encodeSingle(st *ir.Struct, fl *ir.Field) jen.Code {
	v := jen.Id("v").Dot(fl.GoName)
	space := g.spaceExpr(fl.Name.Space, st.Pkg)
	switch fl.Kind {
	case ir.FlagField:
		return jen.If(v.Clone()).Block(jen.Id("e").Dot("StartQuoted").Call(space, jen.Lit("<"+fl.Name.Local)), jen.Id("e").Dot("End").Call())
	case ir.ChoiceField:
		// The name comes from the value: checked as it is written.
		body := []jen.Code{jen.Id("e").Dot("Start").Call(space, jen.String().Call(v.Clone()))}
		if fl.TextName != "" {
			body = append(body, jen.If(jen.Id("v").Dot(fl.TextName).Op("!=").Lit("")).Block(jen.Id("e").Dot("Text").Call(jen.Id("v").Dot(fl.TextName))))
		}
		body = append(body, jen.Id("e").Dot("End").Call())
		return jen.If(v.Clone().Op("!=").Lit("")).Block(body...)
	case ir.RawField:
		return jen.If(v.Clone().Op("!=").Nil()).Block(v.Clone().Dot("EncodeXMPP").Call(jen.Id("e")))
	case ir.StructField:
		call := g.encodeChild(fl, v.Clone(), space)
		if fl.Pointer {
			return jen.If(v.Clone().Op("!=").Nil()).Block(call...)
		}
		return jen.Block(call...)
	case ir.ScalarField:
		write := func(val jen.Code) []jen.Code { return g.writeElement(fl, space, val) }
		if fl.Pointer && needsParse(fl.Scalar) && st.ExtraName != "" {
			// A copy kept in XMLExtra in a non-canonical form is written
			// in its place instead, while it stands for the value.
			name := rt(rtName).Values(jen.Dict{jen.Id("Space"): space, jen.Id("Local"): jen.Lit(fl.Name.Local)})
			return jen.If(v.Clone().Op("!=").Nil()).Block(
				jen.If(
					jen.List(jen.Id("lex"), jen.Id("ok")).Op(":=").Add(rt("KeptChild")).Call(jen.Id("v").Dot(st.ExtraName), name),
					jen.Op("!").Id("ok").Op("||").Op("!").Add(g.sameValue(fl.Scalar, jen.Id("lex"), jen.Op("*").Add(v.Clone()))),
				).Block(write(jen.Op("*").Add(v.Clone()))...),
			)
		}
		if fl.Pointer {
			return jen.If(v.Clone().Op("!=").Nil()).Block(write(jen.Op("*").Add(v.Clone()))...)
		}
		// A required element: written even when empty, as required
		// struct elements are, so that <value/> survives a round trip.
		return jen.Block(write(v.Clone())...)
	}
	return jen.Null()
}

// sameValue returns the condition that the lexical form lex parses to the
// value val of scalar s: the kept form of an attribute still stands for
// the field. It runs only when such a form was kept.
func (g *gen) sameValue(s *ir.Scalar, lex, val jen.Code) jen.Code {
	slice := false
	switch k := s.Kind; {
	case k == ir.KBase64, k == ir.KHex, k == ir.KList:
		slice = true
	case k == ir.KEnum:
		bk := s.Enum.Base.Kind
		slice = bk == ir.KBase64 || bk == ir.KHex || bk == ir.KList
	}
	return jen.Func().Params().Bool().BlockFunc(func(f *jen.Group) {
		for _, c := range g.valueFrom(s, lex, func(x jen.Code) []jen.Code {
			if slice {
				return []jen.Code{jen.Return(jen.Add(g.stringOf(s, x)).Op("==").Add(g.stringOf(s, val)))}
			}
			return []jen.Code{jen.Return(jen.Add(x).Op("==").Add(val))}
		}, func(err jen.Code) jen.Code { return jen.Return(jen.False()) }) {
			f.Add(c)
		}
	}).Call()
}

// keptScalars lists the single simple-typed children of st that a decoder
// may keep in XMLExtra in a non-canonical form beside their field.
func keptScalars(st *ir.Struct) []*ir.Field {
	if st.ExtraName == "" {
		return nil
	}
	var out []*ir.Field
	for _, fl := range st.Fields {
		if fl.Kind == ir.ScalarField && fl.Pointer && needsParse(fl.Scalar) {
			out = append(out, fl)
		}
	}
	return out
}

// method returns the call of the method name on val, in parentheses when
// val is a dereference (*p).
func method(val jen.Code, name string) jen.Code {
	if st, ok := val.(*jen.Statement); ok && strings.HasPrefix(st.GoString(), "*") {
		return jen.Parens(val).Dot(name).Call()
	}
	return jen.Add(val).Dot(name).Call()
}

// declarable reports whether the namespace space can be declared by
// Encoder.StartDeclared: not empty, and with nothing to escape in an
// attribute value.
func declarable(space string) bool {
	return space != "" && !strings.ContainsAny(space, "&<>'\"") && !strings.ContainsFunc(space, func(r rune) bool { return r < 0x20 || r >= 0x7f })
}
