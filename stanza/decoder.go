package stanza

import (
	"math/bits"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Kind is the kind of token the Decoder stopped at.
type Kind uint8

// Token kinds returned by Decoder.Next.
const (
	// None: no token; the input is exhausted (Err is nil) or an error
	// occurred (Err is not nil).
	None Kind = iota
	// StartElement: Name and Attrs describe the start tag.
	StartElement
	// EndElement: Name describes the end tag. An empty-element tag <a/>
	// yields a StartElement and then an EndElement.
	EndElement
	// CharData: Text holds the unescaped character data (text and CDATA
	// sections up to the next tag, merged).
	CharData
)

func (k Kind) String() string {
	switch k {
	case StartElement:
		return "StartElement"
	case EndElement:
		return "EndElement"
	case CharData:
		return "CharData"
	}
	return "None"
}

type binding struct {
	prefix string
	space  string
	depth  int // element depth that declared it; 0 for the scope given to Reset
}

type openElem struct {
	qname string // the prefixed name exactly as written, to match the end tag
	space string // the namespace of the name
	nbind int    // len(bindings) before this element's declarations
	colon int    // the offset of the colon in qname, -1 if none
}

// name returns the expanded name of e.
func (e *openElem) name() Name { return Name{Space: e.space, Local: e.qname[e.colon+1:]} }

// prefix returns the prefix of the name of e, "" if none.
func (e *openElem) prefix() string {
	if e.colon < 0 {
		return ""
	}
	return e.qname[:e.colon]
}

// rawAttr is a prefixed attribute of the current start tag, resolved once
// the tag's declarations are all read.
type rawAttr struct {
	qname  string
	prefix string
	local  string
	off    int
	idx    int // index in Decoder.attrs
}

// Decoder is a pull tokenizer for XMPP's restricted XML (RFC 6120 section
// 11) over one complete input: a stanza cut from a stream by the Framer, or
// a whole document. The input is held as a string, so names, attribute
// values and text are substrings of it and cost no allocation; a value is
// copied only when it holds an entity or character reference, a CDATA
// section or a carriage return.
//
// The legal call order: Reset (or NewDecoder), then Next until it returns
// None. After Next returns StartElement, Name and Attrs describe the tag, and
// one of Skip, ReadText, ReadRaw or a generated DecodeXMPP method may consume
// the element through its end tag. After CharData, Text holds the text.
// Errors are sticky: once Next returns None with a non-nil Err, it always does.
//
// A Decoder reused for many inputs, each decoded into a reused value, keeps
// the payloads and optional children those values drop, and decodes later
// elements of the same kinds into them (see Recycle): once warm, such a
// decode allocates only the copy ResetBytes makes. The values it has to
// make, into a fresh value, come from chunks shared with the next values
// of their type (see New): a value kept keeps its chunk-mates in memory,
// at most those decoded from the 32 KiB of input around it.
type Decoder struct {
	s     string
	arena []byte // spare room after a ResetBytes copy, for unescaped values
	pos   int
	base  int64 // offset of s in the enclosing document, for errors

	kind       Kind
	space      bool // the CharData is whitespace only, found so by its scan
	name       Name
	qname      string
	text       string
	attrs      []Attr
	raw        []rawAttr
	pendingEnd bool
	tokStart   int
	starts     int // StartElements returned, for Content

	stack    []openElem
	bindings []binding
	scope    int  // len(bindings) given by Reset's scope
	bound    bool // bindings[:2] hold the xml prefix's and the empty default's (see Reset)

	limits Limits
	err    error
	inRoot bool // the input is text inside an element (a Tokenizer text frame)

	// raw capture: bindings from outside the captured element that it uses
	capturing bool
	capDepth  int
	capUsed   []NSBinding

	rc recycler // values dropped by decodes into reused values (recycle.go)

	// chunks of the values New, Grow and Append make, by type (chunk.go)
	chunks     []chunkSlot
	chunkTypes int     // slots taken in chunks
	chunkUsed  []int16 // slots used in this epoch
	chunkBytes int     // bytes of input in this epoch

	// strs holds the new strings Take hands out for the input being read,
	// a few to an allocation; Reset starts anew, so that a new string kept
	// does not keep the new strings of other inputs, and their inputs, in
	// memory (a string set aside with Spare and taken again may, as any
	// recycled value).
	strs []string

	// owned: the input is memory never written again (ResetOwned), and
	// unescaped values go into chunk, likewise only ever appended to.
	owned bool
	chunk []byte
	// isolated: the input is a copy ResetBytesIsolated made, which no
	// later input may share.
	isolated bool
}

// NewDecoder returns a Decoder reading b, which is converted to a string
// once.
func NewDecoder(b []byte) *Decoder {
	d := &Decoder{}
	d.ResetBytes(b, 0, nil)
	return d
}

// ResetBytes is Reset for input in a byte slice, which d copies (b may be
// reused as soon as it returns). The copy is the one allocation of a
// decode, at most: it has room after the input for the values that need
// unescaping, so that every string d returns shares it. A Decoder that
// reads input after input copies small ones (up to 1 KiB) one after the
// other into memory of 8 KiB, which then costs one allocation for several
// of them: a string kept from one keeps that memory, the bytes of its
// neighbours included, until none of its strings is referenced. A caller
// that keeps a few values from many inputs uses ResetBytesIsolated, or
// clones them.
func (d *Decoder) ResetBytes(b []byte, base int64, scope []NSBinding) {
	// After the input copied before, but not after the memory of
	// ResetOwned, whose next input will append to it, nor after an input
	// of its own; in memory for several inputs once d reads more than one.
	d.resetCopy(b, base, scope, !d.owned && !d.isolated, cap(d.arena) > 0)
}

// ResetBytesIsolated is ResetBytes with a copy of b of its own: the
// strings d returns keep no other input in memory, and the values it makes
// for this input are each an allocation of their own, sharing no chunk
// (see New).
func (d *Decoder) ResetBytesIsolated(b []byte, base int64, scope []NSBinding) {
	d.resetCopy(b, base, scope, false, false)
	d.isolated = true
}

// resetCopy resets d to read a copy of b: after what the arena holds when
// after is set and there is room, else into new memory, of slabSize for a
// small input when slab is set.
func (d *Decoder) resetCopy(b []byte, base int64, scope []NSBinding, after, slab bool) {
	n := len(b)
	if n == 0 {
		d.Reset("", base, scope)
		return
	}
	// What the arena holds is never written again: the copy may follow it.
	need := n + n/8 + 64
	var room []byte
	if after {
		room = d.arena[len(d.arena):]
	}
	if cap(room) < need {
		size := need
		if slab && n <= slabMax {
			size = slabSize
		}
		room = makeNoZero(size)
	}
	buf := append(room, b...)
	// buf[:n] is never written again: the string may alias it.
	d.Reset(unsafe.String(unsafe.SliceData(buf), n), base, scope)
	d.arena = buf[n:n]
}

// makeNoZero returns an empty slice with room for n bytes that are not
// zeroed first, as make would: the copies of ResetBytes write them all
// before anything reads them. strings.Builder.Grow is the standard
// library's way to such memory; the Builder is dropped once its buffer is
// taken.
func makeNoZero(n int) []byte {
	var b strings.Builder
	b.Grow(n)
	b.WriteByte(0)
	return unsafe.Slice(unsafe.StringData(b.String()), n)[:0]
}

// Sizes of the memory ResetBytes copies small inputs into.
const (
	slabSize = 8 << 10
	slabMax  = 1 << 10
)

// ResetOwned is ResetBytes for input that is never written again, such as
// a frame from a Framer: d reads b in place, without copying it, so that
// the strings it returns keep b in memory. Values that need unescaping go
// into memory of d's own that is never written again either.
func (d *Decoder) ResetOwned(b []byte, base int64, scope []NSBinding) {
	d.Reset(unsafe.String(unsafe.SliceData(b), len(b)), base, scope)
	d.owned = true
	d.arena = d.chunk
}

// useArena records b as the arena after values were appended to it.
func (d *Decoder) useArena(b []byte) {
	d.arena = b
	if d.owned {
		d.chunk = b
	}
}

// minChunk is the size of the memory a Decoder reading owned input takes
// for unescaped values at a time.
const minChunk = 1 << 10

// NewDecoderString returns a Decoder reading s.
func NewDecoderString(s string) *Decoder {
	d := &Decoder{}
	d.Reset(s, 0, nil)
	return d
}

// Reset makes d read s, as if s stood at byte offset base of a document
// whose enclosing elements declared the namespace bindings in scope (for a
// stanza from a stream: xmlns='jabber:client' and the stream prefix). It
// keeps its buffers, so a reused Decoder does not allocate.
func (d *Decoder) Reset(s string, base int64, scope []NSBinding) {
	d.s = s
	d.arena = nil
	d.strs = nil
	d.pos = 0
	d.base = base
	d.kind = None
	d.name = Name{}
	d.qname = ""
	d.text = ""
	d.attrs = d.attrs[:0]
	d.raw = d.raw[:0]
	d.pendingEnd = false
	d.stack = d.stack[:0]
	if d.bound {
		// The first two bindings, written by an earlier Reset, are never
		// written again: truncations stop above them.
		d.bindings = d.bindings[:2]
	} else {
		d.bindings = d.bindings[:0]
		d.bind("xml", NSXML, 0)
		d.bind("", "", 0)
		d.bound = true
	}
	for _, b := range scope {
		d.bind(b.Prefix, b.Space, 0)
	}
	d.scope = len(d.bindings)
	if d.limits.MaxDepth == 0 {
		d.limits = Limits{}.WithDefaults()
	}
	d.err = nil
	d.inRoot = false
	d.capturing = false
	d.capUsed = d.capUsed[:0]
	d.owned = false
	d.isolated = false
	d.chunkInput(len(s))
}

// SetLimits sets the depth, attribute and name limits the Decoder enforces.
func (d *Decoder) SetLimits(l Limits) { d.limits = l.WithDefaults() }

// Err returns the first error, or nil at a clean end of input.
func (d *Decoder) Err() error { return d.err }

// Kind returns the kind of the current token.
func (d *Decoder) Kind() Kind { return d.kind }

// Name returns the expanded name of the current start or end tag.
func (d *Decoder) Name() Name { return d.name }

// Attrs returns the attributes of the current start tag, namespace
// declarations excluded. The slice is reused by the next call to Next.
func (d *Decoder) Attrs() []Attr { return d.attrs }

// Text returns the current character data.
func (d *Decoder) Text() string { return d.text }

// TextIsSpace reports whether the current character data is whitespace
// only, as IsSpace(d.Text()) does, without reading it again when the scan
// found it so.
func (d *Decoder) TextIsSpace() bool { return d.space || IsSpace(d.text) }

// Depth returns the number of elements open around the current position
// (after a StartElement, the element itself counts).
func (d *Decoder) Depth() int { return len(d.stack) }

// Offset returns the document offset of the start of the current token.
func (d *Decoder) Offset() int64 { return d.base + int64(d.tokStart) }

// InputOffset returns the document offset of the first byte not yet read.
func (d *Decoder) InputOffset() int64 { return d.base + int64(d.pos) }

// Scope returns the namespace bindings in effect at the current position,
// innermost last (the xml prefix is left out).
func (d *Decoder) Scope() []NSBinding {
	out := make([]NSBinding, 0, len(d.bindings))
	for _, b := range d.bindings[2:] {
		out = append(out, NSBinding{Prefix: b.prefix, Space: b.space})
	}
	return out
}

func (d *Decoder) fail(off int, kind error, msg string) Kind {
	if d.err == nil {
		d.err = newSyntaxError(d.s, d.base, off, kind, msg)
	}
	d.kind = None
	return None
}

// Next advances to the next token and returns its kind.
func (d *Decoder) Next() Kind {
	if d.err != nil {
		return None
	}
	if d.pendingEnd {
		d.pendingEnd = false
		d.kind = EndElement
		d.popElement()
		return EndElement
	}
	s := d.s
	if d.pos >= len(s) {
		if len(d.stack) > 0 {
			return d.fail(d.pos, ErrNotWellFormed, "unexpected end of input inside <"+d.stack[len(d.stack)-1].qname+">")
		}
		d.kind = None
		return None
	}
	d.tokStart = d.pos
	if s[d.pos] != '<' {
		return d.charData()
	}
	if d.pos+1 >= len(s) {
		return d.fail(d.pos, ErrNotWellFormed, "unexpected end of input after '<'")
	}
	switch s[d.pos+1] {
	case '/':
		return d.endTag()
	case '!':
		if strings.HasPrefix(s[d.pos:], "<![CDATA[") {
			return d.charData()
		}
		if strings.HasPrefix(s[d.pos:], "<!--") {
			return d.fail(d.pos, ErrRestrictedXML, "comments are not allowed")
		}
		return d.fail(d.pos, ErrRestrictedXML, "DTDs and declarations are not allowed")
	case '?':
		if d.pos == 0 && d.base == 0 && isXMLDecl(s) {
			return d.xmlDecl()
		}
		return d.fail(d.pos, ErrRestrictedXML, "processing instructions are not allowed")
	}
	return d.startTag()
}

func isXMLDecl(s string) bool {
	return len(s) > 6 && s[:5] == "<?xml" && isSpace(s[5])
}

// xmlDecl skips an XML declaration at the very start of a document.
func (d *Decoder) xmlDecl() Kind {
	end := strings.Index(d.s, "?>")
	if end < 0 {
		return d.fail(0, ErrNotWellFormed, "unterminated XML declaration")
	}
	decl := d.s[5:end]
	if !strings.Contains(decl, "version") {
		return d.fail(0, ErrNotWellFormed, "XML declaration without version")
	}
	for i := 0; i < len(decl); i++ {
		if decl[i] == '<' || decl[i] >= utf8.RuneSelf {
			return d.fail(5+i, ErrNotWellFormed, "bad character in XML declaration")
		}
	}
	d.pos = end + 2
	return d.Next()
}

func (d *Decoder) popElement() {
	n := len(d.stack) - 1
	d.bindings = d.bindings[:d.stack[n].nbind]
	d.stack = d.stack[:n]
}

// lookup resolves a prefix ("" for the default namespace).
func (d *Decoder) lookup(prefix string) (string, bool) {
	for i := len(d.bindings) - 1; i >= 0; i-- {
		b := &d.bindings[i]
		if b.prefix == prefix {
			if d.capturing && b.depth < d.capDepth {
				d.markUsed(b.prefix, b.space)
			}
			return b.space, true
		}
	}
	if prefix == "" {
		return "", true
	}
	return "", false
}

func (d *Decoder) markUsed(prefix, space string) {
	if prefix == "xml" {
		return
	}
	for _, u := range d.capUsed {
		if u.Prefix == prefix {
			return
		}
	}
	d.capUsed = append(d.capUsed, NSBinding{Prefix: prefix, Space: space})
}

// scanName reads an XML Name at d.pos and returns it with the position of
// its colon (-1 if none).
func (d *Decoder) scanName() (string, int, bool) {
	s := d.s
	start := d.pos
	i := d.pos
	colon := -1
	// Fast path: ASCII names, the common case.
	if i < len(s) && nameStart[s[i]] {
		i++
		for i < len(s) {
			c := s[i]
			if nameCont[c] {
				i++
				continue
			}
			if c != ':' {
				break
			}
			if colon >= 0 {
				d.fail(i, ErrNotWellFormed, "more than one colon in a name")
				return "", -1, false
			}
			colon = i - start
			if i+1 >= len(s) || (s[i+1] < utf8.RuneSelf && nameByte[s[i+1]] != 2) {
				break
			}
			i++
		}
		if i >= len(s) || s[i] < utf8.RuneSelf {
			if colon < 0 && i-start <= d.limits.MaxNameBytes {
				d.pos = i // not empty: its first byte was read
				return s[start:i], -1, true
			}
			return d.endName(start, i, colon)
		}
	}
	// General path: non-ASCII characters.
	i = start
	colon = -1
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if nameByte[c] == 0 {
				break
			}
			if c == ':' {
				if colon >= 0 {
					d.fail(i, ErrNotWellFormed, "more than one colon in a name")
					return "", -1, false
				}
				colon = i - start
			} else if i == start || i == start+colon+1 {
				if nameByte[c] != 2 {
					d.fail(i, ErrNotWellFormed, "name starts with '"+string(c)+"'")
					return "", -1, false
				}
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			d.fail(i, ErrInvalidUTF8, "invalid UTF-8 in name")
			return "", -1, false
		}
		first := i == start || i == start+colon+1
		if !isNameRune(r, first) {
			break
		}
		i += n
	}
	return d.endName(start, i, colon)
}

func (d *Decoder) endName(start, i, colon int) (string, int, bool) {
	s := d.s
	if i == start {
		if i >= len(s) {
			d.fail(i, ErrNotWellFormed, "unexpected end of input, expected a name")
		} else {
			d.fail(i, ErrNotWellFormed, "expected a name")
		}
		return "", -1, false
	}
	if colon == 0 || colon == i-start-1 {
		d.fail(start, ErrNotWellFormed, "empty prefix or local name")
		return "", -1, false
	}
	if i-start > d.limits.MaxNameBytes {
		d.fail(start, ErrLimitName, "name longer than the limit")
		return "", -1, false
	}
	d.pos = i
	return s[start:i], colon, true
}

func (d *Decoder) skipSpace() bool {
	s := d.s
	i := d.pos
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	moved := i > d.pos
	d.pos = i
	return moved
}

func (d *Decoder) startTag() Kind {
	s := d.s
	start := d.pos
	// The element's name in its common shape, ASCII without a colon, is
	// read here, through p (no bounds checks); any other by scanName.
	var qname string
	colon := -1
	ok := false
	n := len(s)
	p := unsafe.Pointer(unsafe.StringData(s))
	i := start + 1
	if i < n && nameStart[decAt(p, i)] {
		i = decLetters(p, i+1, n)
		for i < n && nameCont[decAt(p, i)] {
			i++
		}
		if i < n {
			c := decAt(p, i)
			ok = c < utf8.RuneSelf && c != ':' && i-start-1 <= d.limits.MaxNameBytes
		}
	}
	if ok {
		qname = decStr(p, start+1, i-start-1)
		d.pos = i
	} else {
		d.pos = start + 1
		if qname, colon, ok = d.scanName(); !ok {
			return None
		}
	}
	if len(d.stack)+1 > d.limits.MaxDepth {
		return d.fail(start, ErrLimitDepth, "elements nested deeper than the limit")
	}
	d.raw = d.raw[:0]
	d.attrs = d.attrs[:0]
	nbind := len(d.bindings)
	depth := len(d.stack) + 1
	empty := false
	nattr := 0      // attributes and declarations read
	var seen uint64 // a bit per attribute name hash, to compare names only on a hit
	for {
		// The common attributes first, then one of any other shape, or
		// the tag's end.
		d.pos, seen, nattr = d.commonAttrs(s, d.pos, seen, nattr, depth)
		var sp bool
		if p := d.pos; p+1 < len(s) && s[p] == ' ' && !isSpace(s[p+1]) {
			d.pos++ // one space
			sp = true
		} else {
			sp = d.skipSpace()
		}
		if d.pos >= len(s) {
			return d.fail(d.pos, ErrNotWellFormed, "unexpected end of input in start tag <"+qname+">")
		}
		c := s[d.pos]
		if c == '>' {
			d.pos++
			break
		}
		if c == '/' {
			if d.pos+1 < len(s) && s[d.pos+1] == '>' {
				d.pos += 2
				empty = true
				break
			}
			return d.fail(d.pos, ErrNotWellFormed, "expected '/>'")
		}
		if !sp {
			return d.fail(d.pos, ErrNotWellFormed, "expected whitespace before attribute in <"+qname+">")
		}
		aoff := d.pos
		aname, acolon, ok := d.scanName()
		if !ok {
			return None
		}
		if d.pos < len(s) && s[d.pos] == '=' {
			d.pos++
		} else {
			d.skipSpace()
			if d.pos >= len(s) || s[d.pos] != '=' {
				return d.fail(d.pos, ErrNotWellFormed, "expected '=' after attribute "+aname)
			}
			d.pos++
			d.skipSpace()
		}
		val, ok := d.attrValue()
		if !ok {
			return None
		}
		if nattr >= d.limits.MaxAttrs {
			return d.fail(aoff, ErrLimitAttrs, "more attributes than the limit on <"+qname+">")
		}
		nattr++
		if bit := attrBit(len(aname), aname[0], aname[len(aname)-1]); seen&bit == 0 {
			seen |= bit
		} else if tagHasAttr(s[start:aoff], aname) {
			return d.fail(aoff, ErrNotWellFormed, "duplicate attribute "+aname)
		}
		if acolon < 0 {
			if aname == "xmlns" {
				if val == NSXML || val == NSXMLNS {
					return d.fail(aoff, ErrNotWellFormed, "reserved namespace bound as default")
				}
				d.bind("", val, depth)
				continue
			}
			d.attrs = appendAttr(d.attrs, aname, val)
			continue
		}
		prefix, local := aname[:acolon], aname[acolon+1:]
		if prefix == "xmlns" {
			switch {
			case local == "xmlns":
				return d.fail(aoff, ErrNotWellFormed, "the xmlns prefix cannot be declared")
			case local == "xml":
				if val != NSXML {
					return d.fail(aoff, ErrNotWellFormed, "the xml prefix cannot be rebound")
				}
				continue
			case val == "":
				return d.fail(aoff, ErrNotWellFormed, "prefix "+local+" bound to an empty namespace")
			case val == NSXML || val == NSXMLNS:
				return d.fail(aoff, ErrNotWellFormed, "reserved namespace bound to prefix "+local)
			}
			d.bind(local, val, depth)
			continue
		}
		d.raw = append(d.raw, rawAttr{qname: aname, prefix: prefix, local: local, off: aoff, idx: len(d.attrs)})
		d.attrs = appendAttr(d.attrs, local, val)
	}
	// Resolve the element name.
	prefix, local := "", qname
	if colon >= 0 {
		prefix, local = qname[:colon], qname[colon+1:]
	}
	var space string
	if b := &d.bindings[len(d.bindings)-1]; colon < 0 && b.prefix == "" && !d.capturing {
		space = b.space // the innermost binding is the default namespace's: lookup's first step
	} else if space, ok = d.lookup(prefix); !ok {
		d.stack = append(d.stack, openElem{qname: qname, nbind: nbind, colon: colon})
		return d.fail(start+1, ErrUnboundPrefix, "unbound prefix "+prefix+" on <"+qname+">")
	}
	d.push(qname, space, nbind, colon)
	d.name = Name{Space: space, Local: local}
	d.qname = qname
	// Resolve prefixed attributes.
	for _, r := range d.raw {
		sp, ok := d.lookup(r.prefix)
		if !ok {
			return d.fail(r.off, ErrUnboundPrefix, "unbound prefix "+r.prefix+" on attribute "+r.qname)
		}
		d.attrs[r.idx].Name.Space = sp
		for i, o := range d.attrs {
			if i != r.idx && o.Name == d.attrs[r.idx].Name {
				return d.fail(r.off, ErrNotWellFormed, "duplicate attribute {"+sp+"}"+r.local)
			}
		}
	}
	d.pendingEnd = empty
	d.kind = StartElement
	d.starts++
	return StartElement
}

// commonAttrs reads the attributes of a start tag from s[pos] on as long
// as they have the common shape: whitespace (one space, or the line breaks
// and indentation of a pretty-printed tag), an ASCII name without colon,
// '=' and a value with nothing to unescape, under the limits and with hash
// bits of their own in seen (see startTag). It returns where it stopped,
// which startTag's general path reads from. A function of its own, so
// that the values of its loop stay in registers.
func (d *Decoder) commonAttrs(s string, pos int, seen uint64, nattr, depth int) (int, uint64, int) {
	n := len(s)
	if pos+1 >= n {
		return pos, seen, nattr
	}
	// The bytes are read through p, at offsets that the loop's
	// conditions keep below n: no bounds check of their own.
	p := unsafe.Pointer(unsafe.StringData(s))
	for isSpace(decAt(p, pos)) {
		aoff := pos + 1
		for aoff < n && isSpace(decAt(p, aoff)) {
			aoff++
		}
		if aoff >= n || !nameStart[decAt(p, aoff)] {
			break // not an attribute
		}
		i := decLetters(p, aoff+1, n)
		for i < n && nameCont[decAt(p, i)] {
			i++
		}
		if i+1 >= n || decAt(p, i) != '=' || i-aoff > d.limits.MaxNameBytes {
			break
		}
		// The value, eight bytes at a time: decSkipValue, written here
		// so that the loop's values stay in registers rather than being
		// saved around a call. decValueMask stops at the bytes below '('
		// and at '<' and non-ASCII ones, whatever the quote: a space, '!',
		// '#' to '%' or the other quote is read past, the quote ends the
		// value, and the rest ('&', controls, non-ASCII) is for the
		// general path.
		q := decAt(p, i+1)
		if q != '\'' && q != '"' {
			break
		}
		j := i + 2
		if j+32 <= n {
			// The first 32 bytes without a branch on where the value
			// ends, whose length varies from one attribute to the next
			// more than a branch predictor follows: where each word
			// stops (64 when it does not), and the first of those.
			t := uint(bits.TrailingZeros64(decValueMask(decLoad64(p, j+24))))
			t2 := uint(bits.TrailingZeros64(decValueMask(decLoad64(p, j+16))))
			t = t2 + (-(t2 >> 6) & t)
			t1 := uint(bits.TrailingZeros64(decValueMask(decLoad64(p, j+8))))
			t = t1 + (-(t1 >> 6) & t)
			t0 := uint(bits.TrailingZeros64(decValueMask(decLoad64(p, j))))
			t = t0 + (-(t0 >> 6) & t)
			j += int(t >> 3)
			if t < 256 {
				goto stop
			}
		}
	scan:
		for ; j+8 <= n; j += 8 {
			if m := decValueMask(decLoad64(p, j)); m != 0 {
				j += bits.TrailingZeros64(m) >> 3
				goto stop
			}
		}
		for j < n && decAt(p, j) >= '(' && decAt(p, j) < utf8.RuneSelf && decAt(p, j) != '<' {
			j++
		}
		if j >= n {
			break
		}
	stop:
		if c := decAt(p, j); c != q {
			if c >= ' ' && c < '(' && c != '&' {
				j++
				goto scan
			}
			break
		}
		bit := attrBit(i-aoff, decAt(p, aoff), decAt(p, i-1))
		if seen&bit != 0 || nattr >= d.limits.MaxAttrs {
			break
		}
		// Appended in place, where there is room: the general path
		// grows the lists, so that no call here makes the loop's values
		// be saved around it.
		aname, val := decStr(p, aoff, i-aoff), decStr(p, i+2, j-(i+2))
		if aname != "xmlns" {
			k := len(d.attrs)
			if k == cap(d.attrs) {
				break
			}
			d.attrs = d.attrs[:k+1]
			a := &d.attrs[k]
			a.Name.Space, a.Name.Local, a.Value = "", aname, val
		} else if len(val) != len(NSXML) && len(val) != len(NSXMLNS) { // a reserved one is refused by the general path; comparing would be a call
			k := len(d.bindings)
			if k == cap(d.bindings) {
				break
			}
			d.bindings = d.bindings[:k+1]
			b := &d.bindings[k]
			b.prefix, b.space, b.depth = "", val, depth
		} else {
			break
		}
		seen |= bit
		nattr++
		pos = j + 1
		if pos+1 >= n {
			break
		}
	}
	return pos, seen, nattr
}

// attrBit is the bit of seen (see startTag) of an attribute name of n bytes
// from first to last. The weights keep the names that meet on one element
// in the corpus's stanzas (xmlns, from, to, id, type; jid, name,
// subscription; category, type, name...) apart: 11 of 5,817 start tags
// have two names on one bit, which startTag then compares.
func attrBit(n int, first, last byte) uint64 {
	return 1 << ((uint(n) + uint(first)*3 + uint(last)*4) & 63)
}

// decAt returns the byte at offset i of the memory at p, which the caller
// knows to hold it.
func decAt(p unsafe.Pointer, i int) byte { return *(*byte)(unsafe.Add(p, i)) }

// decStr returns the n bytes at offset off of the memory at p as a
// string, which the caller knows to be in bounds: built as unsafe.String
// would, without its checks.
func decStr(p unsafe.Pointer, off, n int) string {
	h := struct {
		p unsafe.Pointer
		n int
	}{unsafe.Add(p, off), n}
	return *(*string)(unsafe.Pointer(&h))
}

// tagHasAttr reports whether the start of a start tag, tag, read as
// well-formed, names an attribute (or declaration) qname: startTag reads
// the names again only when the hash bits of two of them meet, which
// keeps a list of them off its path.
func tagHasAttr(tag, qname string) bool {
	i := 1 // past '<' and the element's name, which whitespace ends
	for i < len(tag) && !isSpace(tag[i]) {
		i++
	}
	for {
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		j := i
		for j < len(tag) && tag[j] != '=' && !isSpace(tag[j]) {
			j++
		}
		if j >= len(tag) {
			return false
		}
		if tag[i:j] == qname {
			return true
		}
		for j < len(tag) && tag[j] != '\'' && tag[j] != '"' {
			j++
		}
		if j >= len(tag) {
			return false
		}
		k := strings.IndexByte(tag[j+1:], tag[j])
		if k < 0 {
			return false
		}
		i = j + 1 + k + 1
	}
}

// The appends of the tokenizer's hot path write each field in place: an
// appended composite literal is built on the stack and copied in 16-byte
// moves that the processor cannot forward from the 8-byte stores that
// built it. Those moves were the hottest instructions of the mix's
// profile; writing the fields made decoding 1-3% faster.

// appendAttr appends the attribute local=value to attrs, with no
// namespace yet (a prefixed one gets its namespace once the element's
// declarations are read).
func appendAttr(attrs []Attr, local, value string) []Attr {
	attrs = append(attrs, Attr{})
	a := &attrs[len(attrs)-1]
	a.Name.Local, a.Value = local, value
	return attrs
}

// bind appends the binding of prefix to space, declared at depth.
func (d *Decoder) bind(prefix, space string, depth int) {
	d.bindings = append(d.bindings, binding{})
	b := &d.bindings[len(d.bindings)-1]
	b.prefix, b.space, b.depth = prefix, space, depth
}

// push appends an open element to d.stack.
func (d *Decoder) push(qname, space string, nbind, colon int) {
	// Into a slot left by an earlier element where there is one: every
	// field is set, and not zeroed first, which costs a bulk write
	// barrier while the garbage collector marks.
	if n := len(d.stack); n < cap(d.stack) {
		d.stack = d.stack[:n+1]
	} else {
		d.stack = append(d.stack, openElem{})
	}
	e := &d.stack[len(d.stack)-1]
	e.qname, e.space, e.nbind, e.colon = qname, space, nbind, colon
}

// attrValue reads a quoted attribute value at d.pos, unescaping and
// normalizing it.
func (d *Decoder) attrValue() (string, bool) {
	s := d.s
	if d.pos >= len(s) {
		d.fail(d.pos, ErrNotWellFormed, "unexpected end of input, expected a quoted value")
		return "", false
	}
	q := s[d.pos]
	if q != '\'' && q != '"' {
		d.fail(d.pos, ErrNotWellFormed, "attribute value not quoted")
		return "", false
	}
	start := d.pos + 1
	i := start
	plain := true
	for i < len(s) {
		i = decSkipValue(s, i)
		if i >= len(s) {
			break
		}
		c := s[i]
		if c == q {
			break
		}
		if c < utf8.RuneSelf {
			switch textByte[c] {
			case 0:
				i++
				continue
			case tbLT:
				d.fail(i, ErrNotWellFormed, "'<' in attribute value")
				return "", false
			case tbBad:
				d.fail(i, ErrInvalidUTF8, "character not allowed in XML")
				return "", false
			case tbAmp, tbCR, tbWS:
				plain = false
			}
			i++
			continue
		}
		n, ok := d.checkRune(i)
		if !ok {
			return "", false
		}
		i += n
	}
	if i >= len(s) {
		d.fail(d.pos, ErrNotWellFormed, "unterminated attribute value")
		return "", false
	}
	d.pos = i + 1
	if plain {
		return s[start:i], true
	}
	return d.unescape(s[start:i], start, true)
}

// decSkipValue skips, eight bytes at a time from s[i], the bytes of an
// attribute value that need no look (see decValueMask). It returns the
// offset of the first byte that may, or of the last bytes, fewer than
// eight, which the caller reads one by one.
func decSkipValue(s string, i int) int {
	for ; i+8 <= len(s); i += 8 {
		if m := decValueMask(encLoad64(s, i)); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	return i
}

// decValueMask flags the bytes of x below '(' (controls, space, '!', the
// quotes, '#' to '&'), '<' and the bytes from 0x80: where a scan of an
// attribute value stops, to look at the byte, whichever quote it is in.
// The lowest flag is exact; bytes above it may be flagged too, by a borrow,
// as encZero's are. One subtraction finds the bytes below '(' (they wrap
// to 0xD8 and up) and the bytes from 0x80 keep their high bit.
func decValueMask(x uint64) uint64 {
	return (x | (x - '('*encLSB) | encZero(x^('<'*encLSB))) & encMSB
}

// decLetters returns the offset of the first byte from i on, below n, of
// the memory at p that is not an ASCII letter, read eight bytes at a time
// while eight remain, or where fewer than eight remain: the names of the
// start tags' common shape, whose byte loop reads the rest of a name (the
// digits, '-', '.' and '_' that stop this one, and its last bytes).
func decLetters(p unsafe.Pointer, i, n int) int {
	for ; i+8 <= n; i += 8 {
		if m := decNotLetter(decLoad64(p, i)); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	return i
}

// decNotLetter flags the bytes of x other than the ASCII letters; the
// lowest flag is exact (see decValueMask). Setting bit 5 maps 'A'-'Z' onto
// 'a'-'z' and no byte that is not a letter onto them; then one subtraction
// flags the bytes below 'a', one addition those above 'z', and the bytes
// from 0x80 keep their high bit.
func decNotLetter(x uint64) uint64 {
	y := x | 0x20*encLSB
	return (y | (y - 'a'*encLSB) | (y + (0x7F-'z')*encLSB)) & encMSB
}

// decNotSpace flags the bytes of x other than space, tab and line feed
// (a carriage return is flagged: text holding one is normalized).
func decNotSpace(x uint64) uint64 {
	return ^(decIsByte(x, ' ') | decIsByte(x, '\n') | decIsByte(x, '\t')) & encMSB
}

// decIsByte sets the high bit of each byte of x equal to c and of no other
// (the low bits are left as they fall): exact, where encZero may flag a
// byte above a zero one as well.
func decIsByte(x uint64, c byte) uint64 {
	v := x ^ (uint64(c) * encLSB)
	return ^(((v &^ encMSB) + (encLSB * 0x7F)) | v)
}

// checkRune validates the multi-byte character at s[i].
func (d *Decoder) checkRune(i int) (int, bool) {
	r, n := utf8.DecodeRuneInString(d.s[i:])
	if r == utf8.RuneError && n <= 1 {
		d.fail(i, ErrInvalidUTF8, "invalid UTF-8")
		return 0, false
	}
	if r == 0xFFFE || r == 0xFFFF {
		d.fail(i, ErrInvalidUTF8, "character not allowed in XML")
		return 0, false
	}
	return n, true
}

// unescape resolves references in v (which starts at offset off of the
// input) and normalizes line ends; in attribute values also whitespace.
func (d *Decoder) unescape(v string, off int, attr bool) (string, bool) {
	// Unescaping never lengthens: every reference is longer than the UTF-8
	// of its character. The value goes into the arena when it fits there,
	// into a new buffer otherwise; either way its bytes are never written
	// again once the string is made.
	var b []byte
	start := 0
	inArena := cap(d.arena)-len(d.arena) >= len(v)
	if !inArena && d.owned {
		d.arena = make([]byte, 0, max(minChunk, len(v)))
		inArena = true
	}
	if inArena {
		b, start = d.arena, len(d.arena)
	} else {
		b = make([]byte, 0, len(v))
	}
	for i := 0; i < len(v); {
		c := v[i]
		switch {
		case c == '\r':
			if attr {
				b = append(b, ' ')
			} else {
				b = append(b, '\n')
			}
			i++
			if i < len(v) && v[i] == '\n' {
				i++
			}
		case attr && (c == '\n' || c == '\t'):
			b = append(b, ' ')
			i++
		case c == '&':
			semi := strings.IndexByte(v[i:], ';')
			if semi < 0 {
				d.fail(off+i, ErrNotWellFormed, "'&' without ';'")
				return "", false
			}
			ref := v[i+1 : i+semi]
			r, ok, restricted := resolveRef(ref)
			if !ok {
				if restricted {
					d.fail(off+i, ErrRestrictedXML, "entity reference &"+ref+"; is not allowed")
				} else {
					d.fail(off+i, ErrNotWellFormed, "malformed reference &"+ref+";")
				}
				return "", false
			}
			b = utf8.AppendRune(b, r)
			i += semi + 1
		default:
			special := "&\r"
			if attr {
				special = "&\r\n\t"
			}
			j := len(v)
			if k := strings.IndexAny(v[i+1:], special); k >= 0 {
				j = i + 1 + k
			}
			b = append(b, v[i:j]...)
			i = j
		}
	}
	if inArena {
		d.useArena(b)
	}
	if len(b) == start {
		return "", true
	}
	return unsafe.String(&b[start], len(b)-start), true
}

// resolveRef resolves the body of a reference (between '&' and ';').
// restricted reports a syntactically valid entity name that XMPP forbids.
func resolveRef(ref string) (r rune, ok, restricted bool) {
	switch ref {
	case "lt":
		return '<', true, false
	case "gt":
		return '>', true, false
	case "amp":
		return '&', true, false
	case "apos":
		return '\'', true, false
	case "quot":
		return '"', true, false
	}
	if len(ref) >= 2 && ref[0] == '#' {
		var n uint32
		digits := ref[1:]
		base := uint32(10)
		if digits[0] == 'x' {
			base = 16
			digits = digits[1:]
		}
		if digits == "" {
			return 0, false, false
		}
		for i := 0; i < len(digits); i++ {
			c := digits[i]
			var v uint32
			switch {
			case c >= '0' && c <= '9':
				v = uint32(c - '0')
			case base == 16 && c >= 'a' && c <= 'f':
				v = uint32(c-'a') + 10
			case base == 16 && c >= 'A' && c <= 'F':
				v = uint32(c-'A') + 10
			default:
				return 0, false, false
			}
			n = n*base + v
			if n > utf8.MaxRune {
				return 0, false, false
			}
		}
		r := rune(n)
		if !isXMLChar(r) {
			return 0, false, false
		}
		return r, true, false
	}
	if isNCName(ref) {
		return 0, false, true
	}
	return 0, false, false
}

func isNCName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r == ':' || !isNameRune(r, i == 0) {
			return false
		}
	}
	return true
}

// charData reads text and CDATA sections up to the next tag.
func (d *Decoder) charData() Kind {
	s := d.s
	start := d.pos
	i := d.pos
	// The common case in pretty-printed XML: whitespace up to a tag,
	// eight bytes at a time (NextChild reads the same runs in its own
	// loop, written out there: a call per run costs 1.6% of the decode).
	for i+8 <= len(s) {
		if m := decNotSpace(encLoad64(s, i)); m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			goto run
		}
		i += 8
	}
	for i < len(s) && s[i] <= ' ' && isSpace(s[i]) && s[i] != '\r' {
		i++
	}
run:
	if i > start && i < len(s) && s[i] == '<' && i+1 < len(s) && s[i+1] != '!' {
		d.pos = i
		d.kind = CharData
		d.text = s[start:i]
		d.space = true
		return CharData
	}
	d.space = false
	plain := true
	for i < len(s) {
		// Eight bytes at a time over runs with no markup, reference,
		// control or non-ASCII byte.
		for i+8 <= len(s) {
			if m := encTextMask(encLoad64(s, i)); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			switch textByte[c] {
			case 0, tbWS:
				i++
				continue
			case tbLT:
				if strings.HasPrefix(s[i:], "<![CDATA[") {
					if len(d.stack) == 0 && !d.inRoot {
						return d.fail(i, ErrNotWellFormed, "CDATA section outside the root element")
					}
					end := strings.Index(s[i+9:], "]]>")
					if end < 0 {
						return d.fail(i, ErrNotWellFormed, "unterminated CDATA section")
					}
					if !d.checkText(i+9, i+9+end) {
						return None
					}
					plain = false
					i += 9 + end + 3
					continue
				}
			case tbAmp, tbCR:
				plain = false
				i++
				continue
			case tbGT:
				if i >= 2 && s[i-1] == ']' && s[i-2] == ']' && i-2 >= start {
					return d.fail(i-2, ErrNotWellFormed, "']]>' in text")
				}
				i++
				continue
			case tbBad:
				return d.fail(i, ErrInvalidUTF8, "character not allowed in XML")
			}
			break
		}
		n, ok := d.checkRune(i)
		if !ok {
			return None
		}
		i += n
	}
	d.pos = i
	raw := s[start:i]
	if len(d.stack) == 0 && !d.inRoot {
		for k := 0; k < len(raw); k++ {
			if !isSpace(raw[k]) {
				return d.fail(start+k, ErrNotWellFormed, "text outside the root element")
			}
		}
	}
	d.kind = CharData
	if plain {
		d.text = raw
		return CharData
	}
	txt, ok := d.textValue(raw, start)
	if !ok {
		return None
	}
	d.text = txt
	return CharData
}

// checkText validates the characters of a CDATA section s[i:j].
func (d *Decoder) checkText(i, j int) bool {
	s := d.s
	for i < j {
		c := s[i]
		if c < utf8.RuneSelf {
			if textByte[c] == tbBad {
				d.fail(i, ErrInvalidUTF8, "character not allowed in XML")
				return false
			}
			i++
			continue
		}
		n, ok := d.checkRune(i)
		if !ok {
			return false
		}
		i += n
	}
	return true
}

// textValue builds the value of a text run holding references, carriage
// returns or CDATA sections.
func (d *Decoder) textValue(raw string, off int) (string, bool) {
	if !strings.Contains(raw, "<![CDATA[") {
		return d.unescape(raw, off, false)
	}
	var b strings.Builder
	for len(raw) > 0 {
		k := strings.Index(raw, "<![CDATA[")
		if k < 0 {
			k = len(raw)
		}
		if k > 0 {
			v, ok := d.unescape(raw[:k], off, false)
			if !ok {
				return "", false
			}
			b.WriteString(v)
		}
		if k == len(raw) {
			break
		}
		end := strings.Index(raw[k+9:], "]]>")
		cdata := raw[k+9 : k+9+end]
		if strings.IndexByte(cdata, '\r') >= 0 {
			cdata = strings.ReplaceAll(strings.ReplaceAll(cdata, "\r\n", "\n"), "\r", "\n")
		}
		b.WriteString(cdata)
		adv := k + 9 + end + 3
		raw = raw[adv:]
		off += adv
	}
	return b.String(), true
}

func (d *Decoder) endTag() Kind {
	s := d.s
	start := d.pos
	if len(d.stack) == 0 {
		d.pos += 2
		qname, _, ok := d.scanName()
		if !ok {
			return None
		}
		return d.fail(start, ErrNotWellFormed, "end tag </"+qname+"> without a start tag")
	}
	top := &d.stack[len(d.stack)-1]
	// Fast path: the end tag names the open element (the name was checked
	// at the start tag).
	if p := start + 2 + len(top.qname); p < len(s) && s[p] == '>' && endName(s, start+2, top.qname) {
		d.pos = p + 1 // the common end tag: the name and '>'
	} else {
		if p < len(s) && isSpace(s[p]) && s[start+2:p] == top.qname {
			d.pos = p
		} else {
			d.pos += 2
			qname, _, ok := d.scanName()
			if !ok {
				return None
			}
			if top.qname != qname {
				return d.fail(start, ErrNotWellFormed, "end tag </"+qname+"> does not match <"+top.qname+">")
			}
		}
		d.skipSpace()
		if d.pos >= len(s) || s[d.pos] != '>' {
			return d.fail(d.pos, ErrNotWellFormed, "expected '>' in end tag </"+top.qname+">")
		}
		d.pos++
	}
	d.name = top.name()
	d.popElement()
	d.kind = EndElement
	return EndElement
}

// Skip consumes the rest of the current element, through its end tag. Call
// it right after Next returned StartElement.
func (d *Decoder) Skip() error {
	depth := len(d.stack)
	for {
		switch d.Next() {
		case EndElement:
			if len(d.stack) < depth {
				return nil
			}
		case None:
			return d.errOrEOF()
		}
	}
}

func (d *Decoder) errOrEOF() error {
	if d.err != nil {
		return d.err
	}
	return newSyntaxError(d.s, d.base, d.pos, ErrNotWellFormed, "unexpected end of input")
}

// ReadText consumes the rest of the current element, which must hold only
// character data, and returns the text. Call it right after Next returned
// StartElement.
func (d *Decoder) ReadText() (string, error) {
	if d.pendingEnd {
		d.Next()
		return "", nil
	}
	var text string
	var b *strings.Builder
	for {
		switch d.Next() {
		case CharData:
			if b != nil {
				b.WriteString(d.text)
			} else if text == "" {
				text = d.text
			} else {
				b = &strings.Builder{}
				b.WriteString(text)
				b.WriteString(d.text)
			}
		case EndElement:
			if b != nil {
				return b.String(), nil
			}
			return text, nil
		case StartElement:
			n := d.name
			err := d.Skip()
			if err != nil {
				return "", err
			}
			return "", WrapElement(&DecodeError{Err: ErrUnexpected}, n.Local).(*DecodeError).withMsg("child element in text-only content")
		default:
			return "", d.errOrEOF()
		}
	}
}

func (e *DecodeError) withMsg(msg string) error {
	e.Err = &msgError{kind: e.Err, msg: msg}
	return e
}

type msgError struct {
	kind error
	msg  string
}

func (e *msgError) Error() string { return e.msg }
func (e *msgError) Unwrap() error { return e.kind }

// Errorf returns an error of the given sentinel kind with a message, for
// generated code: errors.Is(err, kind) holds.
func Errorf(kind error, msg string) error { return &msgError{kind: kind, msg: msg} }

// rewind returns to the start tag of the element whose StartElement was
// just returned (at depth, with the start tag at offset tok), dropping every
// token read since, and reads the start tag again.
func (d *Decoder) rewind(depth, tok, nbind int) Kind {
	d.pos = tok
	d.bindings = d.bindings[:nbind]
	d.stack = d.stack[:depth-1]
	d.pendingEnd = false
	d.err = nil
	return d.Next()
}

// endName reports whether s holds name at offset i, which the caller knows
// to leave len(name) bytes: a name of up to eight bytes that lies in s
// itself, as the names of start tags do, is compared in one word, without
// the branches on its length of a comparison of strings.
func endName(s string, i int, name string) bool {
	sp, np := unsafe.Pointer(unsafe.StringData(s)), unsafe.Pointer(unsafe.StringData(name))
	if n := len(name); n <= 8 && i+8 <= len(s) && uintptr(np)-uintptr(sp) <= uintptr(len(s)-8) {
		return (decLoad64(sp, i)^decLoad64(np, 0))<<(64-8*n) == 0
	}
	return s[i:i+len(name)] == name
}

// isSpace reports whether c is XML whitespace: one comparison for the
// bytes above space, which names and values are made of, and a bit of a
// mask for the others.
func isSpace(c byte) bool {
	return c <= ' ' && uint64(1<<' '|1<<'\t'|1<<'\n'|1<<'\r')>>(c&63)&1 != 0
}

// Character classes for ASCII bytes in text and attribute values.
const (
	tbOK  = 0
	tbBad = iota
	tbLT
	tbAmp
	tbCR
	tbWS // tab and newline: fine in text, normalized in attribute values
	tbGT
)

var textByte = func() (t [utf8.RuneSelf]uint8) {
	for c := 0; c < 0x20; c++ {
		t[c] = tbBad
	}
	t['\t'] = tbWS
	t['\n'] = tbWS
	t['\r'] = tbCR
	t['<'] = tbLT
	t['&'] = tbAmp
	t['>'] = tbGT
	return t
}()

// nameStart and nameCont are the ASCII bytes that may start a name and
// continue one, colon and non-ASCII bytes left out: the fast path of
// scanName tests each byte with one lookup.
var nameStart, nameCont = func() (start, cont [256]bool) {
	for c := range utf8.RuneSelf {
		start[c] = nameByte[c] == 2 && c != ':'
		cont[c] = nameByte[c] != 0 && c != ':'
	}
	return start, cont
}()

// nameByte: 0 not a name byte, 1 a name byte, 2 a name start byte.
var nameByte = func() (t [utf8.RuneSelf]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = 2
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = 2
	}
	t['_'] = 2
	t[':'] = 2
	for c := '0'; c <= '9'; c++ {
		t[c] = 1
	}
	t['-'] = 1
	t['.'] = 1
	return t
}()

// isNameRune reports whether r may appear in an XML Name (XML 1.0 fifth
// edition productions 4 and 4a), at the start when first is true.
func isNameRune(r rune, first bool) bool {
	switch {
	case r < utf8.RuneSelf:
		return nameByte[r] == 2 || (!first && nameByte[r] == 1)
	case r >= 0xC0 && r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x2FF,
		r >= 0x370 && r <= 0x37D, r >= 0x37F && r <= 0x1FFF, r >= 0x200C && r <= 0x200D,
		r >= 0x2070 && r <= 0x218F, r >= 0x2C00 && r <= 0x2FEF, r >= 0x3001 && r <= 0xD7FF,
		r >= 0xF900 && r <= 0xFDCF, r >= 0xFDF0 && r <= 0xFFFD, r >= 0x10000 && r <= 0xEFFFF:
		return true
	case first:
		return false
	case r == 0xB7, r >= 0x300 && r <= 0x36F, r >= 0x203F && r <= 0x2040:
		return true
	}
	return false
}

// isXMLChar reports whether r is a Char of XML 1.0.
func isXMLChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
