package stanza

import (
	"errors"
	"math/bits"
	"unsafe"
)

// Mark is where an element starts in a Decoder's input, so that the
// element can be read again: as raw content after a typed decoder gave up
// on it, or a second time with whitespace kept.
type Mark struct{ depth, tok, nbind int }

// Mark returns the position of the element whose StartElement d has just
// returned.
func (d *Decoder) Mark() Mark {
	m := Mark{depth: len(d.stack), tok: d.tokStart}
	if m.depth > 0 {
		m.nbind = d.stack[m.depth-1].nbind
	}
	return m
}

// Rewind goes back to the start tag at m, dropping every token read since,
// and returns it again: d is then where it was just after the StartElement
// at m. It reports false, with d's error set, when that is not possible.
func (d *Decoder) Rewind(m Mark) bool {
	if m.depth == 0 {
		return false
	}
	return d.rewind(m.depth, m.tok, m.nbind) == StartElement
}

// Fallback reads the element at m again, as a RawElement whose Err is
// err, after a typed decoder returned err for it: this is how generated
// decoders keep, in place, an element whose content does not fit its type.
// A *SyntaxError (malformed input, a broken limit) is returned as it is:
// such input is never kept.
func (d *Decoder) Fallback(m Mark, err error) (*RawElement, error) {
	var se *SyntaxError
	if errors.As(err, &se) {
		return nil, err
	}
	if !d.Rewind(m) {
		return nil, d.errOrEOF()
	}
	r, rerr := d.ReadRaw()
	if rerr != nil {
		return nil, rerr
	}
	r.Err = err
	return r, nil
}

// KeepRaw reads the element d has just returned the start of as a
// RawElement and appends it to extra, recording it at slot of ord unless
// ord is nil: how a generated decoder keeps, in place, a child it cannot
// hold (a second one where one is allowed). It is a call rather than code
// written into every decoder for every child, for content that seldom
// comes: the generated decoders are 17% smaller for it.
func (d *Decoder) KeepRaw(extra *[]Element, ord *OrderRecorder, slot int) error {
	r, err := d.ReadRaw()
	if err != nil {
		return err
	}
	*extra = Append(d, *extra, Element(r))
	if ord != nil {
		ord.Add(slot)
	}
	return nil
}

// Content is what a generated decoder of element-only content keeps while
// it reads an element's content with NextIn: where the element starts, to
// read it again should text stand among its children, and what was read
// of it so far.
type Content struct {
	start   Mark
	starts  int // the Decoder's count of StartElements after the element's own
	ws      string
	allText bool
}

// Content returns the Content of the element whose StartElement d has just
// returned.
func (d *Decoder) Content() Content { return Content{start: d.Mark(), starts: d.starts} }

// NextIn reads on from k, a token of c's element's content that Next
// returned and that is not a StartElement, up to the element's next child
// or its end, keeping in place what is not a child: the part of the loop of
// every decoder of element-only content that is not a child (generated
// decoders reach it through NextChild; a hand-written one may call it
// after Next). It returns
//
//   - StartElement: a child starts, as from Next;
//   - EndElement: the element ends; whitespace alone in an element without
//     children is kept in extra (as a *Text) first, so that it survives a
//     round trip;
//   - CharData: text other than whitespace stands among the children: d is
//     back after the element's start tag (see Rewind), and the caller decodes
//     the element again from there, every run of text then kept in extra, in
//     its place;
//   - None: d failed (see Failure).
//
// What it keeps in extra it records in ord, when ord is not nil, as held by
// the field at slot.
func (d *Decoder) NextIn(k Kind, c *Content, extra *[]Element, ord *OrderRecorder, slot int) Kind {
	if k == EndElement && c.ws == "" { // inlined: the end of most elements
		return k
	}
	return d.nextIn(k, c, extra, ord, slot)
}

// NextChild is Next and then, for what is not a child start, NextIn: the
// loop of every generated decoder of element-only content. Whitespace that
// stands between two tags is read here rather than returned by Next as a
// token for NextIn to drop (it keeps only the run before the first child),
// which saves a pretty-printed element a round of calls per line.
func (d *Decoder) NextChild(c *Content, extra *[]Element, ord *OrderRecorder, slot int) Kind {
	var k Kind
	// The input is read through p at offsets below n: no bounds checks.
	if n, i := len(d.s), d.pos; d.err == nil && !d.pendingEnd && i+1 < n {
		p := unsafe.Pointer(unsafe.StringData(d.s))
		if decAt(p, i) != '<' && !c.allText {
			// charData's fast path, written out here (a call per run
			// costs 1.6% of the decode).
			j := i
			for j+8 <= n {
				if m := decNotSpace(decLoad64(p, j)); m != 0 {
					j += bits.TrailingZeros64(m) >> 3
					goto run
				}
				j += 8
			}
			for j < n && decAt(p, j) <= ' ' && isSpace(decAt(p, j)) && decAt(p, j) != '\r' {
				j++
			}
		run:
			if j > i && j+1 < n && decAt(p, j) == '<' && decAt(p, j+1) != '!' {
				if d.starts == c.starts { // no child yet: kept should the element end
					c.ws = decStr(p, i, j-i)
				}
				i = j
			}
		}
		// Next's own dispatch, for the tags it reads most.
		if decAt(p, i) == '<' && i+1 < n {
			switch decAt(p, i+1) {
			case '/':
				d.pos, d.tokStart = i, i
				k = d.endTag()
				goto done
			case '!', '?':
			default:
				d.pos, d.tokStart = i, i
				if k = d.startTag(); k == StartElement {
					return k
				}
				goto done
			}
		}
	}
	k = d.Next()
done:
	if k != StartElement {
		k = d.NextIn(k, c, extra, ord, slot)
	}
	return k
}

// nextIn is NextIn past its inlined case.
func (d *Decoder) nextIn(k Kind, c *Content, extra *[]Element, ord *OrderRecorder, slot int) Kind {
	for ; ; k = d.Next() {
		switch k {
		case StartElement:
			return StartElement
		case CharData:
			switch {
			case c.allText:
				*extra = Append(d, *extra, Element(d.NewText(d.text)))
				if ord != nil {
					ord.Add(slot)
				}
			case !d.TextIsSpace():
				if !d.Rewind(c.start) {
					return None
				}
				c.allText, c.starts, c.ws = true, d.starts, ""
				return CharData
			case d.starts == c.starts: // no child yet
				c.ws = d.text
			}
		case EndElement:
			if d.starts == c.starts && c.ws != "" && !c.allText {
				*extra = Append(d, *extra, Element(d.NewText(c.ws)))
				if ord != nil {
					ord.Add(slot)
				}
			}
			return EndElement
		default:
			return None
		}
	}
}

// KeepFallback is Fallback, with the RawElement appended to extra as
// KeepRaw does: how a generated decoder keeps, in place, a child whose
// content does not fit its type.
func (d *Decoder) KeepFallback(m Mark, err error, extra *[]Element, ord *OrderRecorder, slot int) error {
	r, err := d.Fallback(m, err)
	if err != nil {
		return err
	}
	*extra = Append(d, *extra, Element(r))
	if ord != nil {
		ord.Add(slot)
	}
	return nil
}

// Text is character data kept in place among an element's children where
// the schema allows none (text in element-only content). Generated types
// hold it in their XMLExtra field, beside the children they keep there;
// once an element has such text, every run of text in it is kept,
// whitespace included, so that it re-encodes as it came.
type Text struct {
	Value string
}

// ElementName returns the zero Name: text has none.
func (t *Text) ElementName() Name { return Name{} }

// DecodeXMPP fails: text is not an element, and generated decoders build
// Text values themselves.
func (t *Text) DecodeXMPP(d *Decoder) error {
	return Errorf(ErrUnexpected, "stanza.Text cannot be decoded from an element")
}

// EncodeXMPP writes the text, escaped.
func (t *Text) EncodeXMPP(e *Encoder) { e.Text(t.Value) }

// Find returns the first element of els that is a T (such as
// *delay.Delay among a message's extensions), and whether there is one.
func Find[T Element](els []Element) (T, bool) {
	for _, el := range els {
		if x, ok := el.(T); ok {
			return x, true
		}
	}
	var zero T
	return zero, false
}

// FindAll returns every element of els that is a T, in order.
func FindAll[T Element](els []Element) []T {
	var out []T
	for _, el := range els {
		if x, ok := el.(T); ok {
			out = append(out, x)
		}
	}
	return out
}

// DecodeBytes decodes the one element in b (whitespace around it aside)
// into the typed value of the package that registered its name, or a
// *RawElement when none did. It never fails on a well-formed element:
// content a typed decoder cannot hold is kept (see the generated types'
// XMLExtra and AnyAttrs fields). The result does not share memory with b:
// b is copied as Unmarshal copies it, with a Decoder later calls reuse.
func DecodeBytes(b []byte) (Element, error) {
	d := decoders.Get().(*Decoder)
	d.ResetBytes(b, 0, nil)
	el, err := d.decodeDocument()
	d.release()
	return el, err
}

// DecodeString is DecodeBytes for a string, whose memory the result shares.
func DecodeString(s string) (Element, error) {
	d := decoders.Get().(*Decoder)
	d.Reset(s, 0, nil)
	el, err := d.decodeDocument()
	d.release()
	return el, err
}

// decodeDocument decodes the one element of d's input, with whitespace
// only around it.
func (d *Decoder) decodeDocument() (Element, error) {
	var el Element
	for {
		switch d.Next() {
		case CharData:
			if !IsSpace(d.Text()) {
				return nil, Errorf(ErrUnexpected, "stanza: text outside the element")
			}
		case StartElement:
			if el != nil {
				return nil, Errorf(ErrUnexpected, "stanza: more than one element")
			}
			var err error
			if el, err = DecodeElement(d); err != nil {
				return nil, err
			}
		default:
			if d.err != nil {
				return nil, d.err
			}
			if el == nil {
				return nil, Errorf(ErrUnexpected, "stanza: no element in input")
			}
			return el, nil
		}
	}
}

// DeclaresDefault reports whether the start tag d has just returned
// declares the default namespace itself (xmlns='...'), rather than
// inheriting it. Generated types of a namespace family remember it: a
// stanza that declared its namespace keeps it wherever it is written.
func (d *Decoder) DeclaresDefault() bool {
	if d.kind != StartElement || len(d.stack) == 0 {
		return false
	}
	for _, b := range d.bindings[d.stack[len(d.stack)-1].nbind:] {
		if b.prefix == "" {
			return true
		}
	}
	return false
}
