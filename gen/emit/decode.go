package emit

import (
	"fmt"
	"sort"

	"github.com/dave/jennifer/jen"

	"github.com/protoxmpp/protoxmpp/gen/ir"
)

func (g *gen) decoders(f *jen.File) {
	for _, st := range g.p.Structs {
		f.Line()
		f.Comment(fmt.Sprintf("DecodeXMPP decodes into v the element whose StartElement d has just returned, through its end tag. It reuses v's slices and pointed-to values."))
		f.Func().Params(jen.Id("v").Op("*").Id(st.Name)).Id("DecodeXMPP").Params(jen.Id("d").Op("*").Add(rt(rtDecoder))).Error().BlockFunc(func(b *jen.Group) {
			g.decodeBody(b, st)
		})
	}
}

// valueFrom returns statements that parse the string expression src as s and
// hand the value to assign; onErr builds the statement returning an error.
func (g *gen) valueFrom(s *ir.Scalar, src jen.Code, assign func(val jen.Code) []jen.Code, onErr func(err jen.Code) jen.Code) []jen.Code {
	conv := func(parse string, args []jen.Code, cast jen.Code) []jen.Code {
		call := rt(parse).Call(append([]jen.Code{src}, args...)...)
		out := []jen.Code{
			jen.List(jen.Id("x"), jen.Id("err")).Op(":=").Add(call),
			jen.If(jen.Id("err").Op("!=").Nil()).Block(onErr(jen.Id("err"))),
		}
		var val jen.Code = jen.Id("x")
		if cast != nil {
			val = jen.Add(cast).Call(jen.Id("x"))
		}
		return append(out, assign(val)...)
	}
	switch s.Kind {
	case ir.KString:
		return assign(src)
	case ir.KDateTime:
		return assign(rt(rtDateTime).Call(src))
	case ir.KBool:
		return conv(rtParseBool, nil, nil)
	case ir.KInt:
		return conv(rtParseInt, []jen.Code{jen.Lit(s.Bits)}, g.scalarType(s))
	case ir.KUint:
		return conv(rtParseUint, []jen.Code{jen.Lit(s.Bits)}, g.scalarType(s))
	case ir.KFloat:
		return conv(rtParseFloat, []jen.Code{jen.Lit(s.Bits)}, g.scalarType(s))
	case ir.KBase64:
		return conv(rtParseB64, nil, nil)
	case ir.KHex:
		return conv(rtParseHex, nil, nil)
	case ir.KEnum:
		et := jen.Qual(s.Enum.Pkg.Path, s.Enum.Name)
		return g.valueFrom(s.Enum.Base, src, func(val jen.Code) []jen.Code {
			return assign(et.Clone().Call(val))
		}, onErr)
	case ir.KList:
		inner := g.valueFrom(s.Elem, jen.Id("it"), func(val jen.Code) []jen.Code {
			return []jen.Code{jen.Id("list").Op("=").Append(jen.Id("list"), val)}
		}, onErr)
		return append([]jen.Code{
			jen.Var().Id("list").Add(g.scalarType(s)),
			jen.For(jen.List(jen.Id("_"), jen.Id("it")).Op(":=").Range().Add(rt(rtSplitList).Call(src))).Block(inner...),
		}, assign(jen.Id("list"))...)
	}
	return assign(src)
}

func (g *gen) decodeBody(b *jen.Group, st *ir.Struct) {
	if st.Empty {
		b.Return(rt(rtDecodeEmpty).Call(jen.Id("d")))
		return
	}
	// Keep memory for reuse: pointers are saved, slices truncated.
	keep := map[*ir.Field]string{}
	for _, fl := range st.Fields {
		if fl.Pointer && (fl.Kind == ir.StructField || fl.Kind == ir.ScalarField) {
			name := "keep" + fl.GoName
			keep[fl] = name
			b.Id(name).Op(":=").Id("v").Dot(fl.GoName)
		}
	}
	reset := jen.Dict{}
	for _, fl := range st.Fields {
		if fl.Repeated || fl.Kind == ir.AnyField {
			reset[jen.Id(fl.GoName)] = jen.Id("v").Dot(fl.GoName).Index(jen.Empty(), jen.Lit(0))
		}
	}
	reset[jen.Id(st.AnyAttrsName)] = jen.Id("v").Dot(st.AnyAttrsName).Index(jen.Empty(), jen.Lit(0))
	if st.OrderName != "" {
		reset[jen.Id(st.OrderName)] = jen.Id("v").Dot(st.OrderName).Index(jen.Empty(), jen.Lit(0))
	}
	b.Op("*").Id("v").Op("=").Id(st.Name).Values(reset)

	g.decodeAttrs(b, st)

	if st.Text != nil && !st.Text.Mixed {
		b.List(jen.Id("s"), jen.Id("err")).Op(":=").Id("d").Dot("ReadText").Call()
		b.If(jen.Id("err").Op("!=").Nil()).Block(jen.Return(jen.Id("err")))
		for _, c := range g.valueFrom(st.Text.Type, jen.Id("s"), func(val jen.Code) []jen.Code {
			return []jen.Code{jen.Id("v").Dot(st.Text.GoName).Op("=").Add(val)}
		}, func(err jen.Code) jen.Code {
			return jen.Return(err)
		}) {
			b.Add(c)
		}
		b.Return(jen.Nil())
		return
	}

	ordered := st.OrderName != ""
	if ordered {
		b.Var().Id("ord").Add(rt(rtOrderRec))
	}
	singles := false
	for _, fl := range st.Fields {
		if !fl.Repeated && fl.Kind != ir.AnyField && fl.Slot < 64 {
			singles = true
		}
	}
	if singles {
		b.Var().Id("seen").Uint64()
	}
	var anyField *ir.Field
	bySpace := map[string][]*ir.Field{}
	var spaces []string
	for _, fl := range st.Fields {
		if fl.Kind == ir.AnyField {
			anyField = fl
			continue
		}
		if _, ok := bySpace[fl.Name.Space]; !ok {
			spaces = append(spaces, fl.Name.Space)
		}
		bySpace[fl.Name.Space] = append(bySpace[fl.Name.Space], fl)
	}
	sort.Strings(spaces)

	b.For().BlockFunc(func(loop *jen.Group) {
		loop.Switch(jen.Id("d").Dot("Next").Call()).BlockFunc(func(sw *jen.Group) {
			sw.Case(rt(rtStartElem)).BlockFunc(func(c *jen.Group) {
				if len(spaces) > 0 {
					c.Id("n").Op(":=").Id("d").Dot("Name").Call()
					c.Switch(jen.Id("n").Dot("Space")).BlockFunc(func(ss *jen.Group) {
						for _, sp := range spaces {
							ss.Case(g.spaceExpr(sp, st.Pkg)).Block(
								jen.Switch(jen.Id("n").Dot("Local")).BlockFunc(func(ls *jen.Group) {
									for _, fl := range bySpace[sp] {
										ls.Case(jen.Lit(fl.Name.Local)).BlockFunc(func(cb *jen.Group) {
											g.decodeChild(cb, st, fl, keep[fl], ordered)
											cb.Continue()
										})
									}
								}),
							)
						}
					})
				}
				if anyField != nil {
					// Reuse the value left at this position by an earlier decode.
					c.Var().Id("old").Add(rt(rtElement))
					c.If(jen.Id("k").Op(":=").Len(jen.Id("v").Dot(anyField.GoName)), jen.Id("k").Op("<").Cap(jen.Id("v").Dot(anyField.GoName))).Block(
						jen.Id("old").Op("=").Id("v").Dot(anyField.GoName).Index(jen.Empty(), jen.Id("k").Op("+").Lit(1)).Index(jen.Id("k")),
					)
					c.List(jen.Id("x"), jen.Id("err")).Op(":=").Add(rt(rtDecodeElem+"Reuse")).Call(jen.Id("d"), jen.Id("old"))
					c.If(jen.Id("err").Op("!=").Nil()).Block(jen.Return(jen.Id("err")))
					c.Id("v").Dot(anyField.GoName).Op("=").Append(jen.Id("v").Dot(anyField.GoName), jen.Id("x"))
					if ordered {
						c.Id("ord").Dot("Add").Call(jen.Lit(anyField.Slot))
					}
				} else {
					c.Return(rt(rtUnexpElem).Call(jen.Id("d")))
				}
			})
			sw.Case(rt(rtCharData)).BlockFunc(func(c *jen.Group) {
				if st.Text != nil && st.Text.Mixed {
					c.Id("v").Dot(st.Text.GoName).Op("+=").Id("d").Dot("Text").Call()
				} else {
					c.If(jen.Op("!").Add(rt(rtIsSpace)).Call(jen.Id("d").Dot("Text").Call())).Block(
						jen.Return(rt(rtUnexpText).Call(jen.Id("d"))),
					)
				}
			})
			sw.Case(rt(rtEndElem)).BlockFunc(func(c *jen.Group) {
				g.requiredChildren(c, st)
				if ordered {
					c.Id("v").Dot(st.OrderName).Op("=").Id("ord").Dot("Result").Call(jen.Id("v").Dot(st.OrderName))
				}
				c.Return(jen.Nil())
			})
			sw.Default().Block(jen.Return(jen.Id("d").Dot("Failure").Call()))
		})
	})
}

func (g *gen) decodeAttrs(b *jen.Group, st *ir.Struct) {
	bySpace := map[string][]*ir.AttrField{}
	var spaces []string
	var required []*ir.AttrField
	for _, a := range st.Attrs {
		if _, ok := bySpace[a.Name.Space]; !ok {
			spaces = append(spaces, a.Name.Space)
		}
		bySpace[a.Name.Space] = append(bySpace[a.Name.Space], a)
		if a.Required {
			required = append(required, a)
		}
	}
	sort.Strings(spaces)
	reqBit := map[*ir.AttrField]int{}
	for i, a := range required {
		reqBit[a] = i
	}
	useReq := len(required) > 0 && len(required) <= 64
	if useReq {
		b.Var().Id("have").Uint64()
	}
	b.For(jen.List(jen.Id("_"), jen.Id("a")).Op(":=").Range().Id("d").Dot("Attrs").Call()).BlockFunc(func(loop *jen.Group) {
		if len(spaces) > 0 {
			loop.Switch(jen.Id("a").Dot("Name").Dot("Space")).BlockFunc(func(ss *jen.Group) {
				for _, sp := range spaces {
					ss.Case(g.spaceExpr(sp, st.Pkg)).Block(
						jen.Switch(jen.Id("a").Dot("Name").Dot("Local")).BlockFunc(func(ls *jen.Group) {
							for _, a := range bySpace[sp] {
								ls.Case(jen.Lit(a.Name.Local)).BlockFunc(func(cb *jen.Group) {
									if keepsEmpty(a) {
										// Present but empty: kept with the unknown
										// attributes, so that it re-encodes.
										cb.If(jen.Id("a").Dot("Value").Op("==").Lit("")).Block(jen.Break())
									}
									label := attrLabel(a)
									for _, c := range g.valueFrom(a.Type, jen.Id("a").Dot("Value"), func(val jen.Code) []jen.Code {
										if a.Pointer {
											return []jen.Code{
												jen.Id("y").Op(":=").Add(val),
												jen.Id("v").Dot(a.GoName).Op("=").Op("&").Id("y"),
											}
										}
										return []jen.Code{jen.Id("v").Dot(a.GoName).Op("=").Add(val)}
									}, func(err jen.Code) jen.Code {
										return jen.Return(rt(rtAttrError).Call(jen.Lit(label), err))
									}) {
										cb.Add(c)
									}
									if useReq {
										if i, ok := reqBit[a]; ok {
											cb.Id("have").Op("|=").Lit(uint64(1) << uint(i))
										}
									}
									cb.Continue()
								})
							}
						}),
					)
				}
			})
		}
		loop.Id("v").Dot(st.AnyAttrsName).Op("=").Append(jen.Id("v").Dot(st.AnyAttrsName), jen.Id("a"))
	})
	if useReq {
		for i, a := range required {
			b.If(jen.Id("have").Op("&").Lit(uint64(1) << uint(i)).Op("==").Lit(0)).Block(
				jen.Return(rt(rtMissingAttr).Call(jen.Id("d"), jen.Lit(attrLabel(a)))),
			)
		}
	}
}

func (g *gen) decodeChild(cb *jen.Group, st *ir.Struct, fl *ir.Field, keep string, ordered bool) {
	local := fl.Name.Local
	wrap := func(err jen.Code) jen.Code {
		return jen.Return(rt(rtWrapElement).Call(err, jen.Lit(local)))
	}
	if !fl.Repeated && fl.Slot < 64 {
		bit := jen.Lit(uint64(1) << uint(fl.Slot))
		cb.If(jen.Id("seen").Op("&").Add(bit).Op("!=").Lit(0)).Block(
			jen.Return(rt(rtDuplicate).Call(jen.Id("d"))),
		)
		cb.Id("seen").Op("|=").Add(bit)
	}
	target := jen.Id("v").Dot(fl.GoName)
	switch fl.Kind {
	case ir.FlagField:
		cb.If(jen.Id("err").Op(":=").Add(rt(rtDecodeEmpty)).Call(jen.Id("d")), jen.Id("err").Op("!=").Nil()).Block(wrap(jen.Id("err")))
		cb.Add(target).Op("=").True()
	case ir.ScalarField:
		cb.List(jen.Id("s"), jen.Id("err")).Op(":=").Id("d").Dot("ReadSimple").Call()
		cb.If(jen.Id("err").Op("!=").Nil()).Block(wrap(jen.Id("err")))
		for _, c := range g.valueFrom(fl.Scalar, jen.Id("s"), func(val jen.Code) []jen.Code {
			switch {
			case fl.Repeated:
				return []jen.Code{target.Clone().Op("=").Append(target.Clone(), val)}
			case fl.Pointer:
				return []jen.Code{
					jen.If(jen.Id(keep).Op("==").Nil()).Block(jen.Id(keep).Op("=").New(g.scalarType(fl.Scalar))),
					jen.Op("*").Id(keep).Op("=").Add(val),
					target.Clone().Op("=").Id(keep),
				}
			}
			return []jen.Code{target.Clone().Op("=").Add(val)}
		}, wrap) {
			cb.Add(c)
		}
	case ir.StructField:
		t := jen.Qual(fl.Struct.Pkg.Path, fl.Struct.Name)
		switch {
		case fl.Repeated:
			cb.Add(target).Op("=").Add(rt(rtExtend)).Call(target.Clone())
			cb.If(jen.Id("err").Op(":=").Add(target.Clone()).Index(jen.Len(target.Clone()).Op("-").Lit(1)).Dot("DecodeXMPP").Call(jen.Id("d")), jen.Id("err").Op("!=").Nil()).Block(wrap(jen.Id("err")))
		case fl.Pointer:
			cb.If(jen.Id(keep).Op("==").Nil()).Block(jen.Id(keep).Op("=").New(t))
			cb.Add(target).Op("=").Id(keep)
			cb.If(jen.Id("err").Op(":=").Id(keep).Dot("DecodeXMPP").Call(jen.Id("d")), jen.Id("err").Op("!=").Nil()).Block(wrap(jen.Id("err")))
		default:
			cb.If(jen.Id("err").Op(":=").Add(target).Dot("DecodeXMPP").Call(jen.Id("d")), jen.Id("err").Op("!=").Nil()).Block(wrap(jen.Id("err")))
		}
	case ir.RawField:
		cb.List(jen.Id("r"), jen.Id("err")).Op(":=").Id("d").Dot("ReadRaw").Call()
		cb.If(jen.Id("err").Op("!=").Nil()).Block(wrap(jen.Id("err")))
		if fl.Repeated {
			cb.Add(target).Op("=").Append(target.Clone(), jen.Id("r"))
		} else {
			cb.Add(target).Op("=").Id("r")
		}
	}
	if ordered {
		cb.Id("ord").Dot("Add").Call(jen.Lit(fl.Slot))
	}
}

// keepsEmpty reports an optional attribute whose empty value cannot be told
// from absence in its field: an empty value on the wire is kept in the
// AnyAttrs field instead, so that it survives a round trip (roster ver=”).
func keepsEmpty(a *ir.AttrField) bool {
	return !a.Required && !a.Pointer && a.Type.IsStringLike()
}

// requiredChildren checks, at the end tag, that every child element the
// content model requires was seen: one mask test on the common path, then
// the name of the first missing one.
func (g *gen) requiredChildren(c *jen.Group, st *ir.Struct) {
	var mask uint64
	var req []*ir.Field
	for _, fl := range st.Fields {
		if fl.Required && fl.Slot < 64 {
			mask |= uint64(1) << uint(fl.Slot)
			req = append(req, fl)
		}
	}
	if len(req) == 0 {
		return
	}
	c.If(jen.Id("seen").Op("&").Lit(mask).Op("!=").Lit(mask)).BlockFunc(func(m *jen.Group) {
		for _, fl := range req[:len(req)-1] {
			m.If(jen.Id("seen").Op("&").Lit(uint64(1) << uint(fl.Slot)).Op("==").Lit(0)).Block(
				jen.Return(rt(rtMissingElem).Call(jen.Id("d"), jen.Lit(fl.Name.Local))),
			)
		}
		m.Return(rt(rtMissingElem).Call(jen.Id("d"), jen.Lit(req[len(req)-1].Name.Local)))
	})
}
