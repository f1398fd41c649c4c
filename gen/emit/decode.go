package emit

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/protoxmpp/protoxmpp/gen/ir"
)

func (g *gen) decoders(f *jen.File) {
	g.decoding = true
	defer func() { g.decoding = false }()
	for _, st := range g.p.Structs {
		f.Line()
		f.Comment(fmt.Sprintf("DecodeXMPP decodes into v the element whose StartElement d has just returned, through its end tag. It reuses v's slices and pointed-to values, and gives what v held and no longer holds to d for later decodes to reuse (see stanza.Decoder.Recycle)."))
		g.selfNS = nil
		if g.family() {
			g.selfNS = jen.Id("space")
		}
		f.Func().Params(jen.Id("v").Op("*").Id(st.Name)).Id("DecodeXMPP").Params(jen.Id("d").Op("*").Add(rt(rtDecoder))).Error().BlockFunc(func(b *jen.Group) {
			if g.family() && !st.Empty {
				// The namespace of the element decoded: its children are in it.
				b.Id("space").Op(":=").Id("d").Dot("Name").Call().Dot("Space")
			}
			g.decodeBody(b, st)
		})
		g.selfNS = nil
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
	case ir.KJID:
		// The text as it came: no preparation on decode.
		return assign(jen.Qual(jidPath, "Raw").Call(src))
	case ir.KBool:
		return conv(rtParseBool, nil, nil)
	case ir.KInt:
		return conv(rtParseInt, []jen.Code{jen.Lit(s.Bits)}, g.scalarType(s))
	case ir.KUint:
		return conv(rtParseUint, []jen.Code{jen.Lit(s.Bits)}, g.scalarType(s))
	case ir.KFloat:
		return conv(rtParseFloat, []jen.Code{jen.Lit(s.Bits)}, g.scalarType(s))
	case ir.KBase64:
		if g.decoding {
			// Into the decoder's spare room when it fits.
			out := []jen.Code{
				jen.List(jen.Id("x"), jen.Id("err")).Op(":=").Id("d").Dot(rtParseB64).Call(src),
				jen.If(jen.Id("err").Op("!=").Nil()).Block(onErr(jen.Id("err"))),
			}
			return append(out, assign(jen.Id("x"))...)
		}
		return conv(rtParseB64, nil, nil)
	case ir.KHex:
		return conv(rtParseHex, nil, nil)
	case ir.KEnum:
		et := jen.Qual(s.Enum.Pkg.Path, s.Enum.Name)
		return g.valueFrom(s.Enum.Base, src, func(val jen.Code) []jen.Code {
			return assign(et.Clone().Call(val))
		}, onErr)
	case ir.KList:
		// The items are parsed in a function of their own, so that a bad
		// one fails the whole list (onErr may break or continue a loop of
		// the caller's, which the loop over items would capture).
		inner := g.valueFrom(s.Elem, jen.Id("it"), func(val jen.Code) []jen.Code {
			return []jen.Code{jen.Id("list").Op("=").Append(jen.Id("list"), val)}
		}, func(err jen.Code) jen.Code { return jen.Return(jen.Nil(), err) })
		parse := jen.Func().Params().Params(g.scalarType(s), jen.Error()).Block(
			jen.Var().Id("list").Add(g.scalarType(s)),
			jen.For(jen.List(jen.Id("_"), jen.Id("it")).Op(":=").Range().Add(rt(rtSplitList).Call(src))).Block(inner...),
			jen.Return(jen.Id("list"), jen.Nil()),
		).Call()
		return append([]jen.Code{
			jen.List(jen.Id("list"), jen.Id("err")).Op(":=").Add(parse),
			jen.If(jen.Id("err").Op("!=").Nil()).Block(onErr(jen.Id("err"))),
		}, assign(jen.Id("list"))...)
	}
	return assign(src)
}

// needsParse reports a scalar whose lexical form is parsed into another Go
// value, so that it can fail to parse or be written in a non-canonical
// form; strings, date-times and string enumerations keep the form itself.
func needsParse(s *ir.Scalar) bool {
	switch s.Kind {
	case ir.KString, ir.KDateTime, ir.KJID:
		return false
	case ir.KEnum:
		return needsParse(s.Enum.Base)
	}
	return true
}

// canonicalCheck returns the condition that the parsed value x, from the
// lexical form src, writes back as src.
func (g *gen) canonicalCheck(s *ir.Scalar, x, src jen.Code) jen.Code {
	// Numbers and binary values are compared without formatting them
	// into a new string.
	switch s.Kind {
	case ir.KInt:
		return jen.Op("!").Add(rt("IsCanonicalInt")).Call(jen.Int64().Call(x), src)
	case ir.KUint:
		return jen.Op("!").Add(rt("IsCanonicalUint")).Call(jen.Uint64().Call(x), src)
	case ir.KFloat:
		return jen.Op("!").Add(rt("IsCanonicalFloat")).Call(jen.Float64().Call(x), jen.Lit(s.Bits), src)
	case ir.KBase64:
		return jen.Op("!").Add(rt("IsCanonicalBase64")).Call(x, src)
	case ir.KHex:
		return jen.Op("!").Add(rt("IsCanonicalHex")).Call(x, src)
	case ir.KEnum:
		return g.canonicalCheck(s.Enum.Base, g.scalarType(s.Enum.Base).Call(x), src)
	}
	return jen.Add(g.stringOf(s, x)).Op("!=").Add(src)
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
	for _, a := range st.Attrs {
		if a.Pointer {
			b.Id("keep" + a.GoName).Op(":=").Id("v").Dot(a.GoName)
		}
	}
	simple := st.Text != nil && !st.Text.Mixed
	keepText := st.ExtraName != "" && !(st.Text != nil && st.Text.Mixed)
	// Element-only content is read with the Decoder's NextIn, which keeps
	// what is not a child in place; text in it makes the element read
	// again, with every run of text kept.
	nextIn := keepText && st.TextInAny == nil
	if nextIn {
		b.Id("content").Op(":=").Id("d").Dot("Content").Call()
		b.Id("again").Op(":")
	} else if keepText {
		// Text in element-only content: the element is read again with
		// every run of text kept in place.
		b.Id("start").Op(":=").Id("d").Dot("Mark").Call()
		b.Id("allText").Op(":=").False()
		b.Id("again").Op(":")
	}
	// What the value held and drops goes back to the decoder, to be
	// decoded into again wherever an element of its name comes.
	for _, fl := range st.Fields {
		switch {
		case fl.Kind == ir.AnyField:
			b.Id("d").Dot("Recycle").Call(jen.Id("v").Dot(fl.GoName))
		case fl.Kind == ir.RawField && fl.Repeated:
			b.Id("d").Dot("RecycleRaw").Call(jen.Id("v").Dot(fl.GoName))
		}
	}
	if st.ExtraName != "" {
		b.Id("d").Dot("Recycle").Call(jen.Id("v").Dot(st.ExtraName))
	}
	// The value is zeroed, and its lists, emptied, put back: not one
	// composite literal, which the compiler builds on the stack with
	// word-sized stores and copies in with 16-byte loads that the
	// processor cannot forward from them.
	var lists []string
	for _, fl := range st.Fields {
		if fl.Repeated || fl.Kind == ir.AnyField {
			lists = append(lists, fl.GoName)
		}
	}
	lists = append(lists, st.AnyAttrsName)
	if st.OrderName != "" {
		lists = append(lists, st.OrderName)
	}
	if st.ExtraName != "" {
		lists = append(lists, st.ExtraName)
	}
	var locals, fields, emptied []jen.Code
	for _, name := range lists {
		locals = append(locals, jen.Id("list"+name))
		fields = append(fields, jen.Id("v").Dot(name))
		emptied = append(emptied, jen.Id("v").Dot(name).Index(jen.Empty(), jen.Lit(0)))
	}
	b.List(locals...).Op(":=").List(emptied...)
	b.Op("*").Id("v").Op("=").Id(st.Name).Values()
	b.List(fields...).Op("=").List(locals...)
	if g.family() && st.Element != nil {
		b.List(jen.Id("v").Dot("XMLNS"), jen.Id("v").Dot("XMLNSInherited")).Op("=").List(jen.Id("internNS").Call(jen.Id("space")), jen.Op("!").Id("d").Dot("DeclaresDefault").Call())
	}
	if en := st.ElementEnum; en != nil {
		b.Id("v").Dot("Value").Op("=").Id(en.Name).Call(jen.Id("d").Dot("Name").Call().Dot("Local"))
	}

	g.decodeAttrs(b, st)

	if simple {
		// Simple content: what does not fit is an error, and the parent
		// keeps the whole element raw in its place.
		b.List(jen.Id("s"), jen.Id("err")).Op(":=").Id("d").Dot("ReadText").Call()
		b.If(jen.Id("err").Op("!=").Nil()).Block(jen.Return(jen.Id("err")))
		for _, c := range g.valueFrom(st.Text.Type, jen.Id("s"), func(val jen.Code) []jen.Code {
			out := []jen.Code{}
			if needsParse(st.Text.Type) {
				out = append(out, jen.If(g.canonicalCheck(st.Text.Type, val, jen.Id("s"))).Block(
					jen.Return(rt("NonCanonical").Call(jen.Id("s"))),
				))
			}
			return append(out, jen.Id("v").Dot(st.Text.GoName).Op("=").Add(val))
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
	bySpace := map[string][]entry{}
	var spaces []string
	add := func(space string, e entry) {
		if _, ok := bySpace[space]; !ok {
			spaces = append(spaces, space)
		}
		bySpace[space] = append(bySpace[space], e)
	}
	for _, fl := range st.Fields {
		switch fl.Kind {
		case ir.AnyField:
			anyField = fl
		case ir.ChoiceField:
			for i := range fl.Choice {
				add(fl.Choice[i].Name.Space, entry{fl, &fl.Choice[i]})
			}
		default:
			add(fl.Name.Space, entry{fl: fl})
		}
	}
	sort.Strings(spaces)

	if keepText && !nextIn {
		// Whitespace alone in an element without children is content too.
		b.Var().Id("ws").String()
		b.Id("kids").Op(":=").False()
	}
	next := jen.Id("d").Dot("Next").Call()
	b.For().BlockFunc(func(loop *jen.Group) {
		if nextIn {
			// A child is read at once; the rest through NextChild's NextIn.
			loop.Id("k").Op(":=").Id("d").Dot("NextChild").Call(append([]jen.Code{jen.Op("&").Id("content")}, keepArgs(st, ordered)...)...)
			next = jen.Id("k")
		}
		loop.Switch(next).BlockFunc(func(sw *jen.Group) {
			sw.Case(rt(rtStartElem)).BlockFunc(func(c *jen.Group) {
				if keepText && !nextIn {
					c.Id("kids").Op("=").True()
				}
				if len(spaces) > 0 || anyField != nil && anyField.Wildcard != "##any" {
					c.Id("n").Op(":=").Id("d").Dot("Name").Call()
				}
				if len(spaces) > 0 {
					c.Switch(jen.Id("n").Dot("Space")).BlockFunc(func(ss *jen.Group) {
						for _, sp := range spaces {
							ss.Case(g.spaceExpr(sp, st.Pkg)).Block(
								jen.Switch(jen.Id("n").Dot("Local")).BlockFunc(func(ls *jen.Group) {
									done := map[*ir.ChoiceAlt]bool{}
									for _, en := range bySpace[sp] {
										if en.alt != nil {
											if done[en.alt] {
												continue
											}
											// Alternatives decoded alike share one case.
											alts := altGroup(bySpace[sp], en.fl, en.alt)
											var names []jen.Code
											for _, a := range alts {
												done[a] = true
												names = append(names, jen.Lit(a.Name.Local))
											}
											ls.Case(names...).BlockFunc(func(cb *jen.Group) {
												g.decodeAlt(cb, st, en.fl, alts, ordered)
												cb.Continue()
											})
											continue
										}
										fl := en.fl
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
					admit := g.wildcardAdmits(st, anyField)
					body := func(c *jen.Group) {
						// Into a value of this name recycled by an earlier decode, if any.
						c.List(jen.Id("x"), jen.Id("err")).Op(":=").Add(rt(rtDecodeChild)).Call(jen.Id("d"))
						c.If(jen.Id("err").Op("!=").Nil()).Block(jen.Return(jen.Id("err")))
						c.Id("v").Dot(anyField.GoName).Op("=").Add(rt(rtAppend)).Call(jen.Id("d"), jen.Id("v").Dot(anyField.GoName), jen.Id("x"))
						if ordered {
							c.Id("ord").Dot("Add").Call(jen.Lit(anyField.Slot))
						}
						c.Continue()
					}
					if admit == nil {
						body(c)
						return
					}
					c.If(admit).BlockFunc(body)
				}
				g.keepExtra(c, st, ordered)
			})
			sw.Case(rt(rtCharData)).BlockFunc(func(c *jen.Group) {
				if nextIn {
					c.Goto().Id("again")
					return
				}
				if st.TextInAny != nil {
					c.Id("v").Dot(st.TextInAny.GoName).Op("=").Add(rt(rtAppend)).Call(jen.Id("d"), jen.Id("v").Dot(st.TextInAny.GoName), rt(rtElement).Call(jen.Id("d").Dot("NewText").Call(jen.Id("d").Dot("Text").Call())))
					return
				}
				if st.Text != nil && st.Text.Mixed {
					c.Id("v").Dot(st.Text.GoName).Op("+=").Id("d").Dot("Text").Call()
					return
				}
				keepT := []jen.Code{jen.Id("v").Dot(st.ExtraName).Op("=").Add(rt(rtAppend)).Call(jen.Id("d"), jen.Id("v").Dot(st.ExtraName), rt(rtElement).Call(jen.Id("d").Dot("NewText").Call(jen.Id("d").Dot("Text").Call())))}
				if ordered {
					keepT = append(keepT, jen.Id("ord").Dot("Add").Call(jen.Lit(st.ExtraSlot)))
				}
				c.If(jen.Id("allText")).Block(keepT...).Else().If(jen.Op("!").Id("d").Dot("TextIsSpace").Call()).Block(
					jen.If(jen.Op("!").Id("d").Dot("Rewind").Call(jen.Id("start"))).Block(jen.Return(jen.Id("d").Dot("Failure").Call())),
					jen.Id("allText").Op("=").True(),
					jen.Goto().Id("again"),
				).Else().If(jen.Op("!").Id("kids")).Block(
					jen.Id("ws").Op("=").Id("d").Dot("Text").Call(),
				)
			})
			sw.Case(rt(rtEndElem)).BlockFunc(func(c *jen.Group) {
				if keepText && !nextIn {
					keepWS := []jen.Code{jen.Id("v").Dot(st.ExtraName).Op("=").Add(rt(rtAppend)).Call(jen.Id("d"), jen.Id("v").Dot(st.ExtraName), rt(rtElement).Call(jen.Id("d").Dot("NewText").Call(jen.Id("ws"))))}
					if ordered {
						keepWS = append(keepWS, jen.Id("ord").Dot("Add").Call(jen.Lit(st.ExtraSlot)))
					}
					c.If(jen.Op("!").Id("kids").Op("&&").Id("ws").Op("!=").Lit("").Op("&&").Op("!").Id("allText")).Block(keepWS...)
				}
				if ordered {
					c.Id("v").Dot(st.OrderName).Op("=").Id("ord").Dot("Finish").Call(jen.Id("d"), jen.Id("v").Dot(st.OrderName))
				}
				// An optional child held before and absent now is set
				// aside for the next value that has one.
				spare := func(k, field string) {
					c.If(jen.Id(k).Op("!=").Nil().Op("&&").Id("v").Dot(field).Op("==").Nil()).Block(
						rt("Spare").Call(jen.Id("d"), jen.Id(k)),
					)
				}
				for _, a := range st.Attrs {
					if a.Pointer {
						spare("keep"+a.GoName, a.GoName)
					}
				}
				for _, fl := range st.Fields {
					if k, ok := keep[fl]; ok {
						spare(k, fl.GoName)
					}
				}
				c.Return(jen.Nil())
			})
			sw.Default().Block(jen.Return(jen.Id("d").Dot("Failure").Call()))
		})
	})
}

// wildcardAdmits returns the condition under which the wildcard of fl takes
// the child named n, nil when it takes every child.
func (g *gen) wildcardAdmits(st *ir.Struct, fl *ir.Field) jen.Code {
	ns := strings.Fields(fl.Wildcard)
	if len(ns) == 0 || len(ns) == 1 && ns[0] == "##any" {
		return nil
	}
	space := jen.Id("n").Dot("Space")
	tns := g.spaceExpr(fl.WildcardNS, st.Pkg)
	if len(ns) == 1 && ns[0] == "##other" {
		return jen.Add(space).Op("!=").Add(tns).Op("&&").Add(space.Clone()).Op("!=").Lit("")
	}
	var cond *jen.Statement
	for _, u := range ns {
		var c *jen.Statement
		switch u {
		case "##local":
			c = jen.Add(space.Clone()).Op("==").Lit("")
		case "##targetNamespace":
			c = jen.Add(space.Clone()).Op("==").Add(tns)
		case "##any", "##other":
			return nil // not valid in a list; take everything
		default:
			c = jen.Add(space.Clone()).Op("==").Lit(u)
		}
		if cond == nil {
			cond = c
		} else {
			cond = cond.Op("||").Add(c)
		}
	}
	return cond
}

// keepExtra writes the statements keeping the current child element in the
// XMLExtra field, in place: raw for the element's own namespace (the
// schema does not allow it here), typed through the registry otherwise.
func (g *gen) keepExtra(c *jen.Group, st *ir.Struct, ordered bool) {
	extra := jen.Id("v").Dot(st.ExtraName)
	c.Var().Id("x").Add(rt(rtElement))
	c.Var().Id("err").Error()
	c.If(jen.Id("d").Dot("Name").Call().Dot("Space").Op("==").Add(g.spaceExpr(st.Pkg.Namespace, st.Pkg))).Block(
		jen.List(jen.Id("x"), jen.Id("err")).Op("=").Id("d").Dot("ReadRawChild").Call(),
	).Else().Block(
		jen.List(jen.Id("x"), jen.Id("err")).Op("=").Add(rt(rtDecodeChild)).Call(jen.Id("d")),
	)
	c.If(jen.Id("err").Op("!=").Nil()).Block(jen.Return(jen.Id("err")))
	c.Add(extra).Op("=").Add(rt(rtAppend)).Call(jen.Id("d"), extra.Clone(), jen.Id("x"))
	if ordered {
		c.Id("ord").Dot("Add").Call(jen.Lit(st.ExtraSlot))
	}
}

func (g *gen) decodeAttrs(b *jen.Group, st *ir.Struct) {
	bySpace := map[string][]*ir.AttrField{}
	var spaces []string
	for _, a := range st.Attrs {
		if _, ok := bySpace[a.Name.Space]; !ok {
			spaces = append(spaces, a.Name.Space)
		}
		bySpace[a.Name.Space] = append(bySpace[a.Name.Space], a)
	}
	sort.Strings(spaces)
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
									parse := needsParse(a.Type)
									for _, c := range g.valueFrom(a.Type, jen.Id("a").Dot("Value"), func(val jen.Code) []jen.Code {
										var out []jen.Code
										if a.Pointer {
											keep := "keep" + a.GoName
											out = []jen.Code{
												jen.If(jen.Id(keep).Op("==").Nil()).Block(jen.Id(keep).Op("=").Add(rt("Take")).Types(g.scalarType(a.Type)).Call(jen.Id("d"))),
												jen.Op("*").Id(keep).Op("=").Add(val),
												jen.Id("v").Dot(a.GoName).Op("=").Id(keep),
											}
										} else {
											out = []jen.Code{jen.Id("v").Dot(a.GoName).Op("=").Add(val)}
										}
										if parse {
											// A valid value written in another form than
											// the canonical one: its form is kept too.
											out = append(out, jen.If(g.canonicalCheck(a.Type, val, jen.Id("a").Dot("Value"))).Block(jen.Break()))
										}
										return out
									}, func(err jen.Code) jen.Code {
										// Not a value of its type: kept as it came.
										return jen.Break()
									}) {
										cb.Add(c)
									}
									cb.Continue()
								})
							}
						}),
					)
				}
			})
		}
		loop.Id("v").Dot(st.AnyAttrsName).Op("=").Add(rt(rtAppend)).Call(jen.Id("d"), jen.Id("v").Dot(st.AnyAttrsName), jen.Id("a"))
	})
}

func (g *gen) decodeChild(cb *jen.Group, st *ir.Struct, fl *ir.Field, keep string, ordered bool) {
	local := fl.Name.Local
	wrap := func(err jen.Code) jen.Code {
		return jen.Return(rt(rtWrapElement).Call(err, jen.Lit(local)))
	}
	// fallback keeps the child raw in XMLExtra after its typed decoding
	// failed with err, undoing what undo lists.
	fallback := func(err jen.Code, undo ...jen.Code) jen.Code {
		body := append([]jen.Code{}, undo...)
		body = append(body,
			jen.If(jen.Id("ferr").Op(":=").Id("d").Dot("KeepFallback").Call(append([]jen.Code{jen.Id("m"), err}, keepArgs(st, ordered)...)...), jen.Id("ferr").Op("!=").Nil()).Block(wrap(jen.Id("ferr"))),
		)
		return jen.Block(append(body, jen.Continue())...)
	}
	single := !fl.Repeated && fl.Slot < 64
	bit := jen.Lit(uint64(1) << uint(fl.Slot))
	if single {
		// A second one where the schema allows one: kept in place, raw.
		cb.If(jen.Id("seen").Op("&").Add(bit).Op("!=").Lit(0)).Block(
			jen.If(jen.Id("err").Op(":=").Id("d").Dot("KeepRaw").Call(keepArgs(st, ordered)...), jen.Id("err").Op("!=").Nil()).Block(wrap(jen.Id("err"))),
			jen.Continue(),
		)
	}
	if fl.Kind != ir.RawField {
		cb.Id("m").Op(":=").Id("d").Dot("Mark").Call()
	}
	target := jen.Id("v").Dot(fl.GoName)
	switch fl.Kind {
	case ir.FlagField:
		cb.If(jen.Id("err").Op(":=").Add(rt(rtDecodeEmpty)).Call(jen.Id("d")), jen.Id("err").Op("!=").Nil()).Add(fallback(jen.Id("err")))
		cb.Add(target).Op("=").True()
	case ir.ScalarField:
		cb.List(jen.Id("s"), jen.Id("err")).Op(":=").Id("d").Dot("ReadSimple").Call()
		cb.If(jen.Id("err").Op("!=").Nil()).Add(fallback(jen.Id("err")))
		for _, c := range g.valueFrom(fl.Scalar, jen.Id("s"), func(val jen.Code) []jen.Code {
			var out []jen.Code
			switch {
			case fl.Repeated:
				if needsParse(fl.Scalar) {
					// Kept raw rather than rewritten in the canonical form.
					out = append(out, jen.If(g.canonicalCheck(fl.Scalar, val, jen.Id("s"))).Add(fallback(rt("NonCanonical").Call(jen.Id("s")))))
				}
				return append(out, target.Clone().Op("=").Add(rt(rtAppend)).Call(jen.Id("d"), target.Clone(), val))
			case fl.Pointer:
				out = append(out,
					jen.If(jen.Id(keep).Op("==").Nil()).Block(jen.Id(keep).Op("=").Add(rt("Take")).Types(g.scalarType(fl.Scalar)).Call(jen.Id("d"))),
					jen.Op("*").Id(keep).Op("=").Add(val),
					target.Clone().Op("=").Id(keep),
				)
				if needsParse(fl.Scalar) {
					// A valid value in another form than the canonical one:
					// the field has the value, and the element is kept as
					// it came, in place, to be written instead of the field
					// while it stands for the field's value.
					keepCopy := fallback(rt("NonCanonical").Call(jen.Id("s")))
					if single {
						keepCopy = jen.Block(jen.Id("seen").Op("|=").Add(bit), keepCopy)
					}
					out = append(out, jen.If(g.canonicalCheck(fl.Scalar, val, jen.Id("s"))).Add(keepCopy))
				}
				return out
			}
			return append(out, target.Clone().Op("=").Add(val))
		}, func(err jen.Code) jen.Code { return fallback(err) }) {
			cb.Add(c)
		}
	case ir.StructField:
		t := jen.Qual(fl.Struct.Pkg.Path, fl.Struct.Name)
		switch {
		case fl.Repeated:
			cb.Add(target).Op("=").Add(rt(rtGrow)).Call(jen.Id("d"), target.Clone())
			cb.If(jen.Id("err").Op(":=").Add(target.Clone()).Index(jen.Len(target.Clone()).Op("-").Lit(1)).Dot("DecodeXMPP").Call(jen.Id("d")), jen.Id("err").Op("!=").Nil()).Add(
				fallback(jen.Id("err"), target.Clone().Op("=").Add(target.Clone()).Index(jen.Empty(), jen.Len(target.Clone()).Op("-").Lit(1))))
		case fl.Pointer:
			cb.If(jen.Id(keep).Op("==").Nil()).Block(jen.Id(keep).Op("=").Add(rt("Take")).Types(t).Call(jen.Id("d")))
			cb.If(jen.Id("err").Op(":=").Id(keep).Dot("DecodeXMPP").Call(jen.Id("d")), jen.Id("err").Op("!=").Nil()).Add(fallback(jen.Id("err")))
			cb.Add(target).Op("=").Id(keep)
		default:
			cb.If(jen.Id("err").Op(":=").Add(target).Dot("DecodeXMPP").Call(jen.Id("d")), jen.Id("err").Op("!=").Nil()).Add(fallback(jen.Id("err")))
		}
	case ir.RawField:
		cb.List(jen.Id("r"), jen.Id("err")).Op(":=").Id("d").Dot("ReadRaw").Call()
		cb.If(jen.Id("err").Op("!=").Nil()).Block(wrap(jen.Id("err")))
		if fl.Repeated {
			cb.Add(target).Op("=").Add(rt(rtAppend)).Call(jen.Id("d"), target.Clone(), jen.Id("r"))
		} else {
			cb.Add(target).Op("=").Id("r")
		}
	}
	if single {
		cb.Id("seen").Op("|=").Add(bit)
	}
	if ordered {
		cb.Id("ord").Dot("Add").Call(jen.Lit(fl.Slot))
	}
}

// decodeAlt decodes the alternative alt of the choice field fl: its name
// becomes the field's value, its text the text field's. What the
// alternative cannot hold (attributes, children, text in an empty one) is
// kept raw in place instead, as a second alternative is.
func (g *gen) decodeAlt(cb *jen.Group, st *ir.Struct, fl *ir.Field, alts []*ir.ChoiceAlt, ordered bool) {
	alt := alts[0]
	local := jen.Lit(alt.Name.Local)
	value := jen.Qual(fl.Scalar.Enum.Pkg.Path, alt.Value.GoName)
	if len(alts) > 1 {
		// Each alternative's value is its name (see altGroup).
		local = jen.Id("n").Dot("Local")
		value = jen.Qual(fl.Scalar.Enum.Pkg.Path, fl.Scalar.Enum.Name).Call(jen.Id("n").Dot("Local"))
	}
	// keepRaw keeps the alternative raw in XMLExtra, read by call (KeepRaw
	// or KeepFallback) with args before the ones they share.
	keepRaw := func(call string, args ...jen.Code) []jen.Code {
		return []jen.Code{
			jen.If(jen.Id("err").Op(":=").Id("d").Dot(call).Call(append(args, keepArgs(st, ordered)...)...), jen.Id("err").Op("!=").Nil()).Block(
				jen.Return(rt(rtWrapElement).Call(jen.Id("err"), local.Clone()))),
			jen.Continue(),
		}
	}
	bit := jen.Lit(uint64(1) << uint(fl.Slot))
	if fl.Slot < 64 {
		cb.If(jen.Id("seen").Op("&").Add(bit).Op("!=").Lit(0)).Block(keepRaw("KeepRaw")...)
	}
	cb.Id("m").Op(":=").Id("d").Dot("Mark").Call()
	cb.List(jen.Id("s"), jen.Id("err")).Op(":=").Id("d").Dot("ReadSimple").Call()
	if !alt.Text {
		cb.If(jen.Id("err").Op("==").Nil().Op("&&").Id("s").Op("!=").Lit("")).Block(
			jen.Id("err").Op("=").Add(rt("Errorf")).Call(rt("ErrUnexpected"), jen.Lit("text in an empty element")),
		)
	}
	cb.If(jen.Id("err").Op("!=").Nil()).Block(keepRaw("KeepFallback", jen.Id("m"), jen.Id("err"))...)
	cb.Id("v").Dot(fl.GoName).Op("=").Add(value)
	if fl.TextName != "" {
		cb.Id("v").Dot(fl.TextName).Op("=").Id("s")
	} else {
		cb.Id("_").Op("=").Id("s")
	}
	if fl.Slot < 64 {
		cb.Id("seen").Op("|=").Add(bit)
	}
	if ordered {
		cb.Id("ord").Dot("Add").Call(jen.Lit(fl.Slot))
	}
}

// keepArgs are the arguments of the Decoder's KeepRaw and KeepFallback
// that say where a child kept raw goes: st's XMLExtra, and its slot in the
// order being recorded (none when st records none).
func keepArgs(st *ir.Struct, ordered bool) []jen.Code {
	ord := jen.Nil()
	if ordered {
		ord = jen.Op("&").Id("ord")
	}
	return []jen.Code{jen.Op("&").Id("v").Dot(st.ExtraName), ord, jen.Lit(st.ExtraSlot)}
}

// keepsEmpty reports an attribute whose empty value cannot be told from
// absence in its field: an empty value on the wire is kept in the AnyAttrs
// field instead, so that it survives a round trip (roster ver=”, iq id=”).
func keepsEmpty(a *ir.AttrField) bool {
	return !a.Pointer && a.Type.IsStringLike()
}

// altGroup returns the alternatives of the choice field fl among entries
// that are decoded as alt is: those that may hold text as alt may, when
// each one's value is its name, so that one case of the decoder's switch
// serves them all; alt alone otherwise.
func altGroup(entries []entry, fl *ir.Field, alt *ir.ChoiceAlt) []*ir.ChoiceAlt {
	if alt.Value.Value != alt.Name.Local {
		return []*ir.ChoiceAlt{alt}
	}
	var out []*ir.ChoiceAlt
	for _, en := range entries {
		if a := en.alt; en.fl == fl && a != nil && a.Text == alt.Text && a.Value.Value == a.Name.Local && a.Name.Space == alt.Name.Space {
			out = append(out, a)
		}
	}
	return out
}

// entry is a child element a decoder's switch reads: a field, or one
// alternative of a choice field.
type entry struct {
	fl  *ir.Field
	alt *ir.ChoiceAlt // for a ChoiceField
}
