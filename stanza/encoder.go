package stanza

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Encoder appends XML to a buffer. Generated encoders call it in straight-line
// code without checking errors: errors are sticky, so after the first error
// every call is a no-op and Err reports it.
//
// The legal call order is the one of XML itself: Start (or StartPrefixed)
// opens an element and leaves its start tag open; Attr, AttrNS and DeclareNS
// add to the open start tag; the first Text, Start, Element, WriteRaw, End or
// CloseStartTag closes it. End closes the innermost open element, with `/>`
// when nothing was written inside it. Text and WriteRaw are also allowed
// outside any element, where a stream carries whitespace keepalives and
// stanzas.
//
// Output is deterministic: attributes and declarations appear in call order,
// values are always single-quoted, and generated prefixes are ns1, ns2, ...
//
// Escaping is strict, so that any XML parser reads back exactly the strings
// given: text escapes & < > and CR (as &#xD;); attribute values escape & < >
// ' " and TAB, LF, CR (as character references, which survive attribute-value
// normalization). Invalid UTF-8 and characters XML 1.0 forbids (C0 controls
// other than TAB, LF and CR, U+FFFE, U+FFFF) are errors, as are names that are
// not XML names.
//
// A reused Encoder (Reset with the previous buffer truncated to zero length)
// does not allocate once its buffer and internal stacks have grown. An
// Encoder is not safe for concurrent use.
type Encoder struct {
	buf   []byte
	err   error
	def   string      // default namespace in effect at the current position
	open  bool        // the innermost element's start tag is still open
	stack []encElem   // open elements, outermost first
	ns    []NSBinding // bindings in effect: the scope, then each open element's declarations
	// nsHigh is how far ns reached before it was last cut back since
	// Reset, which clears that much: no more, for a stanza declares few.
	nsHigh int
	// attrs locates the attributes written on the open start tag, up to
	// buf[attrScan]: they are read back from the buffer only when a
	// checked call needs them (see syncAttrs), so that writing one costs
	// no record.
	attrs    []encAttr
	attrScan int
	// plain holds the addresses of namespace names declared before that
	// needed no escaping (see plainSlot), direct-mapped by address.
	plain [32]plainNS
}

// plainNS locates a namespace name known to need no escaping, by the
// address and length of its bytes: comparing them costs nothing, where
// comparing the strings would compare their bytes.
type plainNS struct {
	p *byte
	n int
}

// encElem is an open element. Its namespace is not kept: while its start tag
// is open (the only time it is needed), it is the namespace bound to prefix.
type encElem struct {
	// The qualified name as written in the start tag, at buf[off:off+n],
	// with a prefix of plen bytes (0 for none) before its colon: offsets
	// rather than strings, so that opening an element stores no pointer.
	off, n, plen int
	nsLen        int // len(Encoder.ns) outside the element
}

func (el *encElem) qname(buf []byte) []byte { return buf[el.off : el.off+el.n] }

func (el *encElem) prefix(buf []byte) []byte { return buf[el.off : el.off+el.plen] }

func (el *encElem) local(buf []byte) []byte {
	if el.plen == 0 {
		return el.qname(buf)
	}
	return buf[el.off+el.plen+1 : el.off+el.n]
}

// encAttr locates an attribute name written on the open start tag, to reject
// duplicates and declarations that would change its meaning. It holds
// offsets into the buffer rather than strings, so that recording it costs no
// write barrier.
type encAttr struct {
	off  int // offset of the qualified name in Encoder.buf
	n    int // length of the qualified name
	plen int // length of the prefix, 0 for none
}

// prefix returns the attribute's prefix, a slice of buf.
func (a encAttr) prefix(buf []byte) []byte { return buf[a.off : a.off+a.plen] }

// local returns the attribute's local name, a slice of buf.
func (a encAttr) local(buf []byte) []byte {
	if a.plen == 0 {
		return buf[a.off : a.off+a.n]
	}
	return buf[a.off+a.plen+1 : a.off+a.n]
}

// syncAttrs brings e.attrs up to date with the open start tag, reading
// back what was written on it since buf[attrScan]: each attribute and
// declaration is ` qname='value'`, whose value, escaped, holds no quote.
// Declarations are left out.
func (e *Encoder) syncAttrs() {
	el := &e.stack[len(e.stack)-1]
	p := e.attrScan
	if p < el.off+el.n { // records of an earlier start tag
		e.attrs = e.attrs[:0]
		p = el.off + el.n
	}
	buf := e.buf
	for p < len(buf) {
		off := p + 1 // after the space
		eq := bytes.IndexByte(buf[off:], '=') + off
		end := bytes.IndexByte(buf[eq+2:], '\'') + eq + 2
		p = end + 1
		name := buf[off:eq]
		plen := bytes.IndexByte(name, ':')
		if string(name) == "xmlns" || plen == 5 && string(name[:5]) == "xmlns" {
			continue
		}
		e.attrs = append(e.attrs, encAttr{off: off, n: len(name), plen: max(plen, 0)})
	}
	e.attrScan = len(buf)
}

// NewEncoder returns an Encoder that appends to buf[:len(buf)].
func NewEncoder(buf []byte) *Encoder {
	return &Encoder{buf: buf}
}

// Reset makes e append to buf[:len(buf)] as if newly created, clearing the
// error, open elements and scope but keeping the capacity of its internal
// stacks. Reusing the previous output, e.Reset(e.Bytes()[:0]), makes encoding
// allocation-free once warm.
func (e *Encoder) Reset(buf []byte) {
	// Nothing kept refers to the last output's strings. A stanza declares
	// a binding or two: cleared field by field, not by clear's call
	// (and, while the collector marks, its barrier over the whole range).
	ns := e.ns[:max(len(e.ns), e.nsHigh)]
	for i := range ns {
		ns[i].Prefix, ns[i].Space = "", ""
	}
	e.nsHigh = 0
	e.buf = buf
	e.err = nil
	e.def = ""
	e.open = false
	e.stack = e.stack[:0]
	e.ns = e.ns[:0]
	e.attrs = e.attrs[:0]
	e.attrScan = 0
}

// Bytes returns everything appended so far, including the buffer given to
// NewEncoder or Reset. After an error the output is incomplete (the failing
// call may have written part of its markup) and must not be sent.
func (e *Encoder) Bytes() []byte { return e.buf }

// Err returns the first error, or nil. Every error matches ErrEncode with
// errors.Is; invalid UTF-8 and forbidden characters also match ErrInvalidUTF8.
func (e *Encoder) Err() error { return e.err }

// Depth returns the number of open elements.
func (e *Encoder) Depth() int { return len(e.stack) }

// DefaultNS returns the default namespace in effect at the current position
// ("" if none). While a start tag is open, the position is inside that element.
func (e *Encoder) DefaultNS() string { return e.def }

// LookupPrefix returns the namespace bound to prefix at the current position,
// and false if the prefix is unbound. The empty prefix reports the default
// namespace (false when none is in effect); "xml" and "xmlns" are always bound.
func (e *Encoder) LookupPrefix(prefix string) (string, bool) {
	switch prefix {
	case "":
		return e.def, e.def != ""
	case "xml":
		return NSXML, true
	case "xmlns":
		return NSXMLNS, true
	}
	for i := len(e.ns) - 1; i >= 0; i-- {
		if e.ns[i].Prefix == prefix {
			return e.ns[i].Space, e.ns[i].Space != ""
		}
	}
	return "", false
}

// SetScope declares bindings already in effect around the output, such as
// the ones of the stream header (xmlns='jabber:client' and
// xmlns:stream='http://etherx.jabber.org/streams'). Elements in the scope's
// default namespace are then written without xmlns, and elements and
// attributes in a namespace bound to a prefix use that prefix
// (<stream:features>). Later bindings in b override earlier ones. SetScope
// replaces any previous scope; calling it while an element is open is an
// error. Call it after Reset.
func (e *Encoder) SetScope(b []NSBinding) {
	if e.err != nil {
		return
	}
	if len(e.stack) > 0 {
		e.fail("SetScope", "called with open elements")
		return
	}
	e.truncNS(0)
	e.ns = append(e.ns, b...)
	e.def = ""
	for _, x := range b {
		if x.Prefix == "" {
			e.def = x.Space
		}
	}
}

// Start opens an element in namespace space. The start tag stays open so that
// attributes can be added. The element is written unprefixed when space is the
// default namespace in effect, with the prefix bound to space when there is one
// (the xml prefix for NSXML), and otherwise unprefixed with xmlns='space'. An
// empty space where a default namespace is in effect undeclares it with an
// empty xmlns attribute.
func (e *Encoder) Start(space, local string) {
	if e.err != nil {
		return
	}
	if !encIsNCName(local) {
		e.nameError("element name", local)
		return
	}
	e.startIn(space, local)
}

// StartTrusted is Start for a local name known to be an NCName, such as a
// name generated code takes from its schema: the name is not checked again.
func (e *Encoder) StartTrusted(space, local string) {
	if e.err != nil {
		return
	}
	e.startIn(space, local)
}

// StartQuoted is StartTrusted with the element's name given as it is
// written after '<' ("<local", generated code passes such constants): an
// element in the default namespace in effect, the common case of a child,
// is opened with one append.
func (e *Encoder) StartQuoted(space, open string) {
	if e.err != nil {
		return
	}
	if space != e.def {
		e.startIn(space, open[1:])
		return
	}
	e.openTag(open, len(open)-1)
}

// openTag appends tag, the start of a start tag whose name is the n bytes
// after its '<', closing the start tag open before, and pushes the element.
func (e *Encoder) openTag(tag string, n int) {
	buf := e.buf
	if e.open {
		buf = append(buf, '>')
	}
	off := len(buf) + 1
	buf = append(buf, tag...)
	e.stack = append(e.stack, encElem{off: off, n: n, nsLen: len(e.ns)})
	e.open = true
	e.buf = buf
}

// StartDeclared is StartQuoted for generated code that also passes the
// start tag with space declared as the default namespace, decl ("<local
// xmlns='space'", for a space with nothing to escape): an element that
// brings a namespace of its own, as a payload does, is opened with one
// append where a prefix is not bound to space already. decl is written as
// it is, unchecked: generated code passes constants the generator checked.
func (e *Encoder) StartDeclared(space, open, decl string) {
	if e.err != nil {
		return
	}
	if space == e.def {
		e.StartQuoted(space, open)
		return
	}
	if _, ok := e.prefixFor(space); ok || space == NSXML || space == NSXMLNS {
		e.startIn(space, open[1:])
		return
	}
	e.openTag(decl, len(open)-1)
	e.ns = append(e.ns, NSBinding{Space: space})
	e.def = space
}

func (e *Encoder) startIn(space, local string) {
	switch {
	case space == e.def:
		e.start("", space, local, false)
	case space == NSXML:
		e.start("xml", space, local, false)
	case space == NSXMLNS:
		e.fail("element <"+local+">", "namespace "+NSXMLNS+" is reserved")
	default:
		if p, ok := e.prefixFor(space); ok {
			e.start(p, space, local, false)
		} else {
			e.start("", space, local, true)
		}
	}
}

// StartPrefixed is Start with an explicit prefix: the element is written as
// prefix:local, and xmlns:prefix='space' is declared on it unless prefix is
// already bound to space. An empty prefix writes the element unprefixed,
// declaring xmlns='space' unless space is the default namespace in effect.
func (e *Encoder) StartPrefixed(prefix, space, local string) {
	if e.err != nil {
		return
	}
	if !encIsNCName(local) {
		e.nameError("element name", local)
		return
	}
	if prefix == "" {
		if space == NSXML || space == NSXMLNS {
			e.fail("element <"+local+">", "namespace "+space+" cannot be the default namespace")
			return
		}
		e.start("", space, local, space != e.def)
		return
	}
	if !e.checkBinding("element <"+prefix+":"+local+">", prefix, space) {
		return
	}
	if prefix == "xml" {
		e.start(prefix, space, local, false)
		return
	}
	bound, ok := e.LookupPrefix(prefix)
	e.start(prefix, space, local, !ok || bound != space)
}

// checkBinding reports whether prefix (not "") may be bound to space, setting
// the error if not.
func (e *Encoder) checkBinding(what, prefix, space string) bool {
	switch {
	case prefix == "xmlns":
		e.fail(what, "prefix xmlns is reserved")
	case prefix == "xml" && space != NSXML:
		e.fail(what, "prefix xml must be bound to "+NSXML)
	case prefix != "xml" && (space == NSXML || space == NSXMLNS):
		e.fail(what, "namespace "+space+" cannot be bound to prefix "+prefix)
	case space == "":
		e.fail(what, "prefix "+prefix+" cannot be bound to the empty namespace")
	case !encIsNCName(prefix):
		e.nameError("prefix", prefix)
	default:
		return true
	}
	return false
}

// start writes the start of a start tag for a name already checked, declaring
// prefix (or the default namespace) as space when declare is set.
func (e *Encoder) start(prefix, space, local string, declare bool) {
	buf := e.buf
	if e.open {
		buf = append(buf, '>')
		e.open = false
	}
	buf = append(buf, '<')
	off := len(buf)
	if prefix != "" {
		buf = append(buf, prefix...)
		buf = append(buf, ':')
	}
	buf = append(buf, local...)
	e.stack = append(e.stack, encElem{off: off, n: len(buf) - off, plen: len(prefix), nsLen: len(e.ns)})
	e.open = true
	e.buf = buf
	if declare {
		e.declare(prefix, space)
	}
}

// declare writes xmlns='space' or xmlns:prefix='space' on the open start tag
// and records the binding.
func (e *Encoder) declare(prefix, space string) {
	buf := append(e.buf, " xmlns"...)
	if prefix != "" {
		buf = append(buf, ':')
		buf = append(buf, prefix...)
	}
	buf = append(buf, '=', '\'')
	if c := e.plainSlot(space); c.p == unsafe.StringData(space) && c.n == len(space) && c.p != nil {
		buf = append(buf, space...)
	} else if encSkipAttr(space, 0) == len(space) { // the common case: nothing to escape or check
		buf = append(buf, space...)
		*c = plainNS{unsafe.StringData(space), len(space)}
	} else {
		var bad int
		buf, bad = encAppendEscaped(buf, space, true)
		if bad >= 0 {
			e.buf = buf
			e.charError("namespace", space, bad)
			return
		}
	}
	e.buf = append(buf, '\'')
	e.ns = append(e.ns, NSBinding{Prefix: prefix, Space: space})
	if prefix == "" {
		e.def = space
	}
}

// plainSlot returns the entry of e.plain for the bytes of space: the entry
// holds them when space is, in memory, a string declared before that
// needed no escaping. Generated code declares its namespaces with the same
// constants again and again, which are then not checked again.
func (e *Encoder) plainSlot(space string) *plainNS {
	a := uintptr(unsafe.Pointer(unsafe.StringData(space)))
	return &e.plain[(a>>4^a>>9)%uintptr(len(e.plain))]
}

// prefixFor returns a non-empty prefix bound to space and not shadowed at the
// current position, preferring the innermost.
func (e *Encoder) prefixFor(space string) (string, bool) {
	if space == "" {
		return "", false
	}
outer:
	for i := len(e.ns) - 1; i >= 0; i-- {
		b := e.ns[i]
		if b.Space != space || b.Prefix == "" {
			continue
		}
		for _, c := range e.ns[i+1:] {
			if c.Prefix == b.Prefix {
				continue outer
			}
		}
		return b.Prefix, true
	}
	return "", false
}

// Attr adds an attribute without namespace to the open start tag. The value
// is escaped. Calling it when no start tag is open, with a name that is not an
// XML name without colon, with "xmlns", or twice with the same name is an
// error.
func (e *Encoder) Attr(local, value string) {
	if e.err != nil {
		return
	}
	if !e.open {
		e.fail("attribute "+local, "no start tag is open")
		return
	}
	if !encIsNCName(local) {
		e.nameError("attribute name", local)
		return
	}
	if local == "xmlns" {
		e.fail("attribute xmlns", "namespace declarations are written with DeclareNS")
		return
	}
	e.syncAttrs()
	for _, a := range e.attrs {
		if a.plen == 0 && string(a.local(e.buf)) == local {
			e.fail("attribute "+local, "duplicate attribute")
			return
		}
	}
	e.attr(local, value)
}

// AttrTrusted is Attr for a local name known to be an NCName other than
// xmlns that no attribute written before on this start tag has: generated
// code calls it with its schema's attribute names, before any attribute
// kept from the input. Only the value is checked.
func (e *Encoder) AttrTrusted(local, value string) {
	if e.err != nil {
		return
	}
	if !e.open {
		e.fail("attribute "+local, "no start tag is open")
		return
	}
	e.attr(local, value)
}

// AttrConst appends attr, a whole attribute as it is written ("
// local='value'"), to the open start tag: generated code calls it with
// constants for the values of an enumeration, which have nothing to escape
// and need no check. The name is trusted as with AttrTrusted.
func (e *Encoder) AttrConst(attr string) {
	if e.err != nil {
		return
	}
	if !e.open {
		e.fail("attribute "+attr, "no start tag is open")
		return
	}
	e.buf = append(e.buf, attr...)
}

// AttrQuoted is AttrTrusted with the attribute's name given as it is
// written before the value: " local='" (generated code passes such
// constants), which is appended in one piece.
func (e *Encoder) AttrQuoted(open, value string) {
	if e.err != nil {
		return
	}
	if !e.open {
		e.fail("attribute "+open, "no start tag is open")
		return
	}
	buf := e.buf
	if encSIMD {
		n := len(buf)
		if cap(buf)-n < len(open)+len(value)+33 {
			buf = slices.Grow(buf, len(open)+len(value)+33)
		}
		i := encAttrSSE((*byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(buf)), n)), open, value)
		if i == len(value) { // the common case: nothing to escape or check
			e.buf = buf[:n+len(open)+i+1]
			return
		}
		e.attrEscaped(buf[:n+len(open)+i], i, "", open[1:len(open)-2], value)
		return
	}
	// encCopyAttr, written out here: this is where most values of
	// generated code go, and a call less per attribute shows.
	if cap(buf)-len(buf) < len(open)+len(value)+9 {
		buf = slices.Grow(buf, len(open)+len(value)+9)
	}
	buf = append(buf, open...)
	n := len(buf)
	// The room grown above holds the value and more: the copy writes
	// through a pointer, without bounds checks.
	dst := unsafe.Add(unsafe.Pointer(unsafe.SliceData(buf)), n)
	src := unsafe.Pointer(unsafe.StringData(value))
	i := 0
	for ; i+8 <= len(value); i += 8 {
		w := decLoad64(src, i)
		encStore64(dst, i, w)
		if m := encAttrMask(w); m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			break
		}
	}
	if i+8 > len(value) {
		for ; i < len(value); i++ {
			c := decAt(src, i)
			if encAttrTab[c] != encSafe {
				break
			}
			*(*byte)(unsafe.Add(dst, i)) = c
		}
	}
	buf = buf[:n+i]
	if i == len(value) { // the common case: nothing to escape or check
		e.buf = append(buf, '\'')
		return
	}
	e.attrEscaped(buf, i, "", open[1:len(open)-2], value)
}

func (e *Encoder) attr(local, value string) {
	buf := append(e.buf, ' ')
	buf = append(buf, local...)
	buf, i := encCopyAttr(append(buf, '=', '\''), value)
	if i == len(value) { // the common case: nothing to escape or check
		e.buf = append(buf, '\'')
		return
	}
	e.attrEscaped(buf, i, "", local, value)
}

// attrEscaped appends the rest of value from value[i], escaped, and the
// closing quote to buf, which ends with the opening quote of the attribute
// prefix:local and value[:i] (the names are for errors only). Callers copy
// a value with nothing to escape themselves.
func (e *Encoder) attrEscaped(buf []byte, i int, prefix, local, value string) {
	buf, bad := encAppendEscapedFrom(buf, value, i, true)
	if bad >= 0 {
		e.buf = buf
		if prefix != "" {
			local = prefix + ":" + local
		}
		e.charError("attribute "+local, value, bad)
		return
	}
	e.buf = append(buf, '\'')
}

// AttrNS adds an attribute in namespace space to the open start tag. NSXML
// uses the reserved prefix xml (xml:lang); any other namespace uses a prefix
// bound to it at the current position or, if there is none, the first of ns1,
// ns2, ... that is unbound, declared on this element. An empty space is Attr.
func (e *Encoder) AttrNS(space, local, value string) {
	if space == "" {
		e.Attr(local, value)
		return
	}
	if e.err != nil {
		return
	}
	if !e.open {
		e.fail("attribute "+local, "no start tag is open")
		return
	}
	if !encIsNCName(local) {
		e.nameError("attribute name", local)
		return
	}
	if space == NSXMLNS {
		e.fail("attribute "+local, "namespace declarations are written with DeclareNS")
		return
	}
	e.syncAttrs()
	for _, a := range e.attrs {
		if a.plen > 0 && string(a.local(e.buf)) == local && e.spaceOf(a.prefix(e.buf)) == space {
			e.fail("attribute "+local, "duplicate attribute in namespace "+space)
			return
		}
	}
	e.attrNS(space, local, value)
}

// AttrNSTrusted is AttrNS for a local name known to be an NCName, in a
// namespace other than xmlns's, that no attribute written before on this
// start tag has: generated code calls it with its schema's attribute names
// (xml:lang), before any attribute kept from the input. Only the value is
// checked.
func (e *Encoder) AttrNSTrusted(space, local, value string) {
	if space == "" {
		e.AttrTrusted(local, value)
		return
	}
	if e.err != nil {
		return
	}
	if !e.open {
		e.fail("attribute "+local, "no start tag is open")
		return
	}
	e.attrNS(space, local, value)
}

func (e *Encoder) attrNS(space, local, value string) {
	prefix := "xml"
	if space != NSXML {
		var ok bool
		if prefix, ok = e.prefixFor(space); !ok {
			prefix = e.newPrefix()
			e.declare(prefix, space)
			if e.err != nil {
				return
			}
		}
	}
	buf := append(e.buf, ' ')
	buf = append(buf, prefix...)
	buf = append(buf, ':')
	buf = append(buf, local...)
	buf, i := encCopyAttr(append(buf, '=', '\''), value)
	if i == len(value) { // the common case: nothing to escape or check
		e.buf = append(buf, '\'')
		return
	}
	e.attrEscaped(buf, i, prefix, local, value)
}

// encGenPrefixes are the first generated prefixes, so that they cost no
// allocation.
var encGenPrefixes = [...]string{"ns1", "ns2", "ns3", "ns4", "ns5", "ns6", "ns7", "ns8", "ns9", "ns10", "ns11", "ns12", "ns13", "ns14", "ns15", "ns16"}

// newPrefix returns the first of ns1, ns2, ... that is unbound.
func (e *Encoder) newPrefix() string {
	for n := 1; ; n++ {
		var p string
		if n <= len(encGenPrefixes) {
			p = encGenPrefixes[n-1]
		} else {
			p = "ns" + strconv.Itoa(n)
		}
		if _, ok := e.LookupPrefix(p); !ok {
			return p
		}
	}
}

// DeclareNS adds a namespace declaration, xmlns='space' for an empty prefix or
// xmlns:prefix='space', to the open start tag, and records the binding for the
// element's content. Declaring a binding already made on this element is a
// no-op. It is an error to call it with no start tag open, to declare a
// reserved prefix or namespace, to bind a prefix to the empty namespace, to
// bind a prefix twice on one element, or to rebind the prefix (or default
// namespace) that the element's own name or one of its attributes uses.
func (e *Encoder) DeclareNS(prefix, space string) {
	if e.err != nil {
		return
	}
	what := "declaration xmlns"
	if prefix != "" {
		what += ":" + prefix
	}
	if !e.open {
		e.fail(what, "no start tag is open")
		return
	}
	if prefix == "" {
		if space == NSXML || space == NSXMLNS {
			e.fail(what, "namespace "+space+" cannot be the default namespace")
			return
		}
	} else if !e.checkBinding(what, prefix, space) {
		return
	}
	if prefix == "xml" {
		return // always bound; nothing to write
	}
	el := &e.stack[len(e.stack)-1]
	for _, b := range e.ns[el.nsLen:] {
		if b.Prefix == prefix {
			if b.Space == space {
				return
			}
			e.fail(what, "already declared on this element as "+b.Space)
			return
		}
	}
	if string(el.prefix(e.buf)) == prefix {
		if cur, _ := e.LookupPrefix(prefix); cur != space {
			e.fail(what, "would change the namespace of the element, "+cur)
			return
		}
	}
	if prefix != "" {
		e.syncAttrs()
		for _, a := range e.attrs {
			if string(a.prefix(e.buf)) == prefix && e.spaceOf(a.prefix(e.buf)) != space {
				e.fail(what, "would change the namespace of attribute "+prefix+":"+string(a.local(e.buf)))
				return
			}
		}
	}
	e.declare(prefix, space)
}

// CloseStartTag writes the '>' that ends the open start tag, for an element
// whose content is written elsewhere, such as the stream header: start it with
// StartPrefixed, add declarations and attributes, then call CloseStartTag. The
// element stays open (Depth counts it); a later End writes its end tag.
// Calling it with no start tag open is an error.
func (e *Encoder) CloseStartTag() {
	if e.err != nil {
		return
	}
	if !e.open {
		e.fail("CloseStartTag", "no start tag is open")
		return
	}
	e.buf = append(e.buf, '>')
	e.open = false
}

// Text writes s, escaped, as character data at the current position, closing
// an open start tag first. Empty text writes nothing, so an element with only
// empty text is written as an empty-element tag.
func (e *Encoder) Text(s string) {
	if e.err != nil || s == "" {
		return
	}
	buf := e.buf
	if e.open {
		buf = append(buf, '>')
		e.open = false
	}
	if encSkipText(s, 0) == len(s) { // the common case: nothing to escape or check
		e.buf = append(buf, s...)
		return
	}
	buf, bad := encAppendEscaped(buf, s, false)
	e.buf = buf
	if bad >= 0 {
		e.charError("text", s, bad)
	}
}

// End closes the innermost open element: with `/>` if nothing was written
// inside it, otherwise with an end tag. End with no open element is an error.
func (e *Encoder) End() {
	if e.err != nil {
		return
	}
	n := len(e.stack) - 1
	if n < 0 {
		e.fail("End", "no open element")
		return
	}
	el := &e.stack[n] // still valid once popped: the array stays
	e.stack = e.stack[:n]
	if e.open {
		e.buf = append(e.buf, '/', '>')
		e.open = false
	} else if buf, l := e.buf, len(e.buf); el.n <= 8 && el.off+8 <= l && cap(buf)-l >= 11 {
		// A short name, copied in one word from the start tag, through
		// a pointer: the conditions above keep every byte in bounds.
		p := unsafe.Pointer(unsafe.SliceData(buf))
		*(*byte)(unsafe.Add(p, l)), *(*byte)(unsafe.Add(p, l+1)) = '<', '/'
		encStore64(p, l+2, decLoad64(p, el.off))
		*(*byte)(unsafe.Add(p, l+2+el.n)) = '>'
		e.buf = buf[:l+3+el.n]
	} else {
		buf = append(buf, '<', '/')
		buf = append(buf, el.qname(buf)...)
		e.buf = append(buf, '>')
	}
	if nsLen := el.nsLen; len(e.ns) != nsLen {
		e.truncNS(nsLen)
		e.def = ""
		for i := len(e.ns) - 1; i >= 0; i-- {
			if e.ns[i].Prefix == "" {
				e.def = e.ns[i].Space
				break
			}
		}
	}
}

// truncNS cuts e.ns back to its first n bindings, recording how far it
// reached for Reset to clear.
func (e *Encoder) truncNS(n int) {
	e.nsHigh = max(e.nsHigh, len(e.ns))
	e.ns = e.ns[:n]
}

// spaceOf returns the namespace bound to a non-empty prefix at the current
// position, or "" if it is unbound.
func (e *Encoder) spaceOf(prefix []byte) string {
	if string(prefix) == "xml" {
		return NSXML
	}
	for i := len(e.ns) - 1; i >= 0; i-- {
		if e.ns[i].Prefix == string(prefix) {
			return e.ns[i].Space
		}
	}
	return ""
}

// Element writes a simple-content element without attributes: Start, Text
// and End. Empty text writes an empty-element tag.
func (e *Encoder) Element(space, local, text string) {
	if e.err != nil {
		return
	}
	if space != e.def {
		e.Start(space, local)
		e.Text(text)
		e.End()
		return
	}
	// Fast path: no declaration, nothing pushed.
	if !encIsNCName(local) {
		e.nameError("element name", local)
		return
	}
	e.element(local, text)
}

// ElementTrusted is Element for a local name known to be an NCName, such
// as a name generated code takes from its schema.
func (e *Encoder) ElementTrusted(space, local, text string) {
	if e.err != nil {
		return
	}
	if space != e.def {
		e.StartTrusted(space, local)
		e.Text(text)
		e.End()
		return
	}
	e.element(local, text)
}

// ElementQuoted is ElementTrusted with the start and end tags given as
// they are written ("<local>", "</local>"; generated code passes such
// constants).
func (e *Encoder) ElementQuoted(space, open, close, text string) {
	if e.err != nil {
		return
	}
	if space != e.def {
		e.StartTrusted(space, open[1:len(open)-1])
		e.Text(text)
		e.End()
		return
	}
	buf := e.buf
	if e.open {
		buf = append(buf, '>')
		e.open = false
	}
	if text == "" {
		e.buf = append(append(buf, open[:len(open)-1]...), '/', '>')
		return
	}
	buf = append(buf, open...)
	if encSkipText(text, 0) == len(text) { // the common case: nothing to escape or check
		e.buf = append(append(buf, text...), close...)
		return
	}
	buf, bad := encAppendEscaped(buf, text, false)
	if bad >= 0 {
		e.buf = buf
		e.failIn(open[1:len(open)-1], "text", text, bad)
		return
	}
	e.buf = append(buf, close...)
}

// element writes <local>text</local> in the default namespace.
func (e *Encoder) element(local, text string) {
	buf := e.buf
	if e.open {
		buf = append(buf, '>')
		e.open = false
	}
	buf = append(buf, '<')
	buf = append(buf, local...)
	if text == "" {
		e.buf = append(buf, '/', '>')
		return
	}
	buf = append(buf, '>')
	buf, bad := encAppendEscaped(buf, text, false)
	if bad >= 0 {
		e.buf = buf
		e.failIn(local, "text", text, bad)
		return
	}
	buf = append(buf, '<', '/')
	buf = append(buf, local...)
	e.buf = append(buf, '>')
}

// WriteRaw appends xml, which must be well-formed serialized XML valid at the
// current position (it is not checked), closing an open start tag first.
// Raw elements kept byte-for-byte from the input are written with it. Empty
// xml writes nothing.
func (e *Encoder) WriteRaw(xml string) {
	if e.err != nil || xml == "" {
		return
	}
	buf := e.buf
	if e.open {
		buf = append(buf, '>')
		e.open = false
	}
	e.buf = append(buf, xml...)
}

// Byte classes of the escaping tables.
const (
	encSafe    = iota // copied as is
	encEscape         // replaced by encEscapes[c]
	encInvalid        // a character XML forbids
	encMulti          // starts or continues a multi-byte UTF-8 sequence
)

// encTextTab and encAttrTab classify each byte for character data and for
// single-quoted attribute values.
var encTextTab, encAttrTab = func() (t, a [256]uint8) {
	for c := range 256 {
		switch {
		case c >= utf8.RuneSelf:
			t[c], a[c] = encMulti, encMulti
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			t[c], a[c] = encInvalid, encInvalid
		}
	}
	for _, c := range "&<>\r" {
		t[c] = encEscape
	}
	for _, c := range "&<>'\"\t\n\r" {
		a[c] = encEscape
	}
	return t, a
}()

// encEscapes holds the replacement of each byte of class encEscape.
var encEscapes = [256]string{
	'&':  "&amp;",
	'<':  "&lt;",
	'>':  "&gt;",
	'\'': "&apos;",
	'"':  "&quot;",
	'\t': "&#x9;",
	'\n': "&#xA;",
	'\r': "&#xD;",
}

// encAppendEscaped appends s to buf, escaped for an attribute value if attr
// is set and for character data otherwise. Runs of bytes that need no
// escaping are found eight at a time with word-wide tests, finished with the
// byte tables, and copied with one append; only multi-byte UTF-8 runs are
// decoded. It returns the extended buffer and -1, or, if s holds invalid
// UTF-8 or a character XML forbids, the output up to it and the offset of the
// first such byte in s.
func encAppendEscaped(buf []byte, s string, attr bool) ([]byte, int) {
	return encAppendEscapedFrom(buf, s, 0, attr)
}

// encAppendEscapedFrom is encAppendEscaped for a buffer that already ends
// with s[:i], which needs no work.
func encAppendEscapedFrom(buf []byte, s string, i int, attr bool) ([]byte, int) {
	tab := &encTextTab
	if attr {
		tab = &encAttrTab
	}
	last := i
	for {
		if attr {
			i = encSkipAttr(s, i)
		} else {
			i = encSkipText(s, i)
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		switch tab[c] {
		case encSafe: // TAB or LF in text, flagged by the word test
			i++
		case encEscape:
			buf = append(buf, s[last:i]...)
			buf = append(buf, encEscapes[c]...)
			i++
			last = i
		case encMulti:
			j, ok := encMultiRun(s, i)
			if !ok {
				return append(buf, s[last:j]...), j
			}
			i = j
		default:
			return append(buf, s[last:i]...), i
		}
	}
	return append(buf, s[last:]...), -1
}

// encSkipText returns the offset of the first byte at or after i that may
// need work in character data (or len(s)).
func encSkipText(s string, i int) int {
	if encSIMD {
		if i >= len(s) {
			return i
		}
		return i + encScanText(unsafe.StringData(s[i:]), len(s)-i)
	}
	for ; i+8 <= len(s); i += 8 {
		if m := encTextMask(encLoad64(s, i)); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(s); i++ {
		if encTextTab[s[i]] != encSafe {
			break
		}
	}
	return i
}

// encCopyAttr appends s to buf up to its first byte that may need work in
// an attribute value, returning the extended buffer and the offset of that
// byte (len(s) if none). With the SSE2 scan, a scan and then a copy; else
// the check and the copy are one pass, eight bytes at a time, which for the
// short values of XMPP costs less than a check followed by a copy.
func encCopyAttr(buf []byte, s string) ([]byte, int) {
	if encSIMD {
		i := encSkipAttr(s, 0)
		return append(buf, s[:i]...), i
	}
	n := len(buf)
	if cap(buf)-n < len(s)+8 {
		buf = slices.Grow(buf, len(s)+8)
	}
	dst := buf[n:cap(buf)]
	i := 0
	for ; i+8 <= len(s) && i+8 <= len(dst); i += 8 {
		w := encLoad64(s, i)
		binary.LittleEndian.PutUint64(dst[i:], w)
		if m := encAttrMask(w); m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			return buf[:n+i], i
		}
	}
	for ; i < len(s) && i < len(dst); i++ {
		c := s[i]
		if encAttrTab[c] != encSafe {
			break
		}
		dst[i] = c
	}
	return buf[:n+i], i
}

// encSkipAttr returns the offset of the first byte at or after i that may
// need work in an attribute value (or len(s)).
func encSkipAttr(s string, i int) int {
	if encSIMD {
		if i >= len(s) {
			return i
		}
		return i + encScanAttr(unsafe.StringData(s[i:]), len(s)-i)
	}
	for ; i+8 <= len(s); i += 8 {
		if m := encAttrMask(encLoad64(s, i)); m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(s); i++ {
		if encAttrTab[s[i]] != encSafe {
			break
		}
	}
	return i
}

// Word-wide byte tests (see "Bit Twiddling Hacks", determine if a word has a
// byte less than n). Each mask has the high bit set in some byte if and only
// if some byte of x is special; the lowest such byte is exact.
const (
	encLSB = 0x0101010101010101
	encMSB = 0x8080808080808080
)

// encLoad64 returns s[i:i+8] as a little-endian word (one load on
// little-endian machines).
func encLoad64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// encStore64 writes w, its lowest byte first, to the eight bytes at
// offset i of the memory at p, which the caller knows to hold them.
func encStore64(p unsafe.Pointer, i int, w uint64) {
	b := (*[8]byte)(unsafe.Add(p, i))
	b[0], b[1], b[2], b[3] = byte(w), byte(w>>8), byte(w>>16), byte(w>>24)
	b[4], b[5], b[6], b[7] = byte(w>>32), byte(w>>40), byte(w>>48), byte(w>>56)
}

// encZero flags the bytes of v that are zero.
func encZero(v uint64) uint64 { return (v - encLSB) &^ v }

// encTextMask flags bytes below 0x20, '&', '<', '>' and bytes from 0x80.
func encTextMask(x uint64) uint64 {
	return (x | (x - 0x20*encLSB) | // 0x00-0x1F (see decValueMask)
		encZero(x^(0x26*encLSB)) | // &
		encZero((x|0x02*encLSB)^(0x3E*encLSB))) & encMSB // < and >
}

// encAttrMask flags bytes below 0x20, '&', '\”, '"', '<', '>' and bytes
// from 0x80.
func encAttrMask(x uint64) uint64 {
	return (x | (x - 0x20*encLSB) | // 0x00-0x1F (see decValueMask)
		encZero((x|encLSB)^(0x27*encLSB)) | // & and '
		encZero(x^(0x22*encLSB)) | // "
		encZero((x|0x02*encLSB)^(0x3E*encLSB))) & encMSB // < and >
}

// encMultiRun checks the run of non-ASCII bytes starting at s[i]. It returns
// the offset of the first ASCII byte after the run (or len(s)) and true if
// the run is valid UTF-8 holding only characters XML allows, or the offset
// of the first bad byte and false. Like Go's UTF-8 decoder it rejects
// overlong forms, surrogates and values above U+10FFFF; it also rejects
// U+FFFE and U+FFFF.
func encMultiRun(s string, i int) (int, bool) {
	for i < len(s) {
		c := s[i]
		switch {
		case c < utf8.RuneSelf:
			return i, true
		case c < 0xC2: // continuation byte or overlong 2-byte form
			return i, false
		case c < 0xE0:
			if i+1 >= len(s) || s[i+1]&0xC0 != 0x80 {
				return i, false
			}
			i += 2
		case c < 0xF0:
			if i+2 >= len(s) {
				return i, false
			}
			c1, c2 := s[i+1], s[i+2]
			lo, hi := byte(0x80), byte(0xBF)
			if c == 0xE0 {
				lo = 0xA0 // overlong
			} else if c == 0xED {
				hi = 0x9F // surrogates
			}
			if c1 < lo || c1 > hi || c2&0xC0 != 0x80 || c == 0xEF && c1 == 0xBF && c2 >= 0xBE {
				return i, false
			}
			i += 3
		case c < 0xF5:
			if i+3 >= len(s) {
				return i, false
			}
			c1 := s[i+1]
			lo, hi := byte(0x80), byte(0xBF)
			if c == 0xF0 {
				lo = 0x90 // overlong
			} else if c == 0xF4 {
				hi = 0x8F // above U+10FFFF
			}
			if c1 < lo || c1 > hi || s[i+2]&0xC0 != 0x80 || s[i+3]&0xC0 != 0x80 {
				return i, false
			}
			i += 4
		default:
			return i, false
		}
	}
	return i, true
}

// Name byte classes for ASCII.
const (
	encNmNo    = iota // not allowed in an NCName
	encNmChar         // allowed after the first character
	encNmStart        // allowed anywhere
)

var encNameTab = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
			t[c] = encNmStart
		case '0' <= c && c <= '9', c == '-', c == '.':
			t[c] = encNmChar
		}
	}
	return t
}()

// encIsNCName reports whether s is an XML name without colon.
func encIsNCName(s string) bool {
	if len(s) == 0 || encNameTab[s[0]] != encNmStart {
		return encBadNameOffset(s) < 0
	}
	for i := 1; i < len(s); i++ {
		if encNameTab[s[i]] == encNmNo {
			return encBadNameOffset(s) < 0
		}
	}
	return true
}

// encBadNameOffset returns -1 if s is an XML name without colon (XML 1.0 fifth
// edition, production NCName), or the offset of the first bad byte.
func encBadNameOffset(s string) int {
	if s == "" {
		return 0
	}
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if encNameTab[c] == encNmNo || i == 0 && encNameTab[c] != encNmStart {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if n == 1 || !encIsNameRune(r, i == 0) {
			return i
		}
		i += n
	}
	return -1
}

// encIsNameRune reports whether the non-ASCII rune r is a NameStartChar, or a
// NameChar when start is false (XML 1.0 fifth edition, section 2.3).
func encIsNameRune(r rune, start bool) bool {
	switch {
	case r >= 0xC0 && r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x2FF,
		r >= 0x370 && r <= 0x37D, r >= 0x37F && r <= 0x1FFF, r >= 0x200C && r <= 0x200D,
		r >= 0x2070 && r <= 0x218F, r >= 0x2C00 && r <= 0x2FEF, r >= 0x3001 && r <= 0xD7FF,
		r >= 0xF900 && r <= 0xFDCF, r >= 0xFDF0 && r <= 0xFFFD, r >= 0x10000 && r <= 0xEFFFF:
		return true
	}
	return !start && (r == 0xB7 || r >= 0x300 && r <= 0x36F || r >= 0x203F && r <= 0x2040)
}

// encodeError is an encoder error. It matches ErrEncode and, for bad
// characters, ErrInvalidUTF8.
type encodeError struct {
	elem string // local name of the innermost element, "" outside any
	what string // what was being written: "text", "attribute to", ...
	off  int    // byte offset of the problem in the string written, -1 if none
	msg  string
	kind error // second sentinel, or nil
}

func (e *encodeError) Error() string {
	var b strings.Builder
	b.WriteString("stanza: encode")
	if e.elem != "" {
		b.WriteString(" <")
		b.WriteString(e.elem)
		b.WriteByte('>')
	}
	b.WriteString(": ")
	b.WriteString(e.what)
	if e.off >= 0 {
		b.WriteString(" at byte offset ")
		b.WriteString(strconv.Itoa(e.off))
	}
	b.WriteString(": ")
	b.WriteString(e.msg)
	return b.String()
}

func (e *encodeError) Unwrap() []error {
	if e.kind != nil {
		return []error{ErrEncode, e.kind}
	}
	return []error{ErrEncode}
}

// curElem returns the local name of the innermost open element, or "".
func (e *Encoder) curElem() string {
	if len(e.stack) == 0 {
		return ""
	}
	return string(e.stack[len(e.stack)-1].local(e.buf))
}

// fail records an error about the innermost element.
func (e *Encoder) fail(what, msg string) {
	e.err = &encodeError{elem: e.curElem(), what: what, off: -1, msg: msg}
}

// charError records a bad character at offset off of s, written inside the
// innermost element.
func (e *Encoder) charError(what, s string, off int) {
	e.failIn(e.curElem(), what, s, off)
}

// failIn records a bad character at offset off of s, written inside element
// elem.
func (e *Encoder) failIn(elem, what, s string, off int) {
	msg := "invalid UTF-8"
	if r, n := utf8.DecodeRuneInString(s[off:]); n > 1 || r != utf8.RuneError {
		msg = "invalid character " + encQuoteRune(r)
	}
	e.err = &encodeError{elem: elem, what: what, off: off, msg: msg, kind: ErrInvalidUTF8}
}

// nameError records a bad name.
func (e *Encoder) nameError(what, name string) {
	off := encBadNameOffset(name)
	msg := "empty name"
	if name != "" {
		msg = "invalid name " + strconv.Quote(name)
		if r, n := utf8.DecodeRuneInString(name[off:]); n > 1 || r != utf8.RuneError {
			msg += ": character " + encQuoteRune(r)
		} else {
			msg += ": invalid UTF-8"
		}
	}
	e.err = &encodeError{elem: e.curElem(), what: what, off: off, msg: msg}
}

// encQuoteRune formats r as U+XXXX, followed by its quoted form when printable.
func encQuoteRune(r rune) string {
	s := strings.ToUpper(strconv.FormatInt(int64(r), 16))
	for len(s) < 4 {
		s = "0" + s
	}
	s = "U+" + s
	if strconv.IsPrint(r) {
		s += " " + strconv.QuoteRune(r)
	}
	return s
}
