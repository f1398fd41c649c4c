package stanza

import (
	"errors"
	"math/bits"
	"strings"
	"sync"
)

// Element is implemented by every generated type for a global element, and
// by RawElement.
type Element interface {
	// ElementName returns the element's expanded name.
	ElementName() Name
	// DecodeXMPP decodes the element from d, which has just returned its
	// StartElement; it consumes the element through its end tag.
	DecodeXMPP(d *Decoder) error
	// EncodeXMPP appends the element to e. Errors are sticky in e.
	EncodeXMPP(e *Encoder)
}

// RawElement is an element no imported schema describes (or one whose typed
// decoding failed), kept exactly as received so that it re-encodes unchanged.
type RawElement struct {
	// Name is the element's expanded name.
	Name Name
	// XML is the element exactly as it was received, from its '<' to the
	// end of its end tag.
	XML string
	// Scope lists the namespace bindings from enclosing elements that XML
	// relies on without declaring them. Encoding adds them to the start tag
	// where the output does not already have them in effect.
	Scope []NSBinding
	// Err is the error of the typed decoder registered for Name, when the
	// element was kept raw because that decoder refused it.
	Err error
}

// ElementName returns r.Name.
func (r *RawElement) ElementName() Name { return r.Name }

// DecodeXMPP captures the current element of d.
func (r *RawElement) DecodeXMPP(d *Decoder) error {
	x, err := d.ReadRaw()
	if err != nil {
		return err
	}
	*r = *x
	return nil
}

// EncodeXMPP writes r.XML unchanged, with namespace declarations added to its
// start tag for the bindings of Scope not in effect at e.
func (r *RawElement) EncodeXMPP(e *Encoder) {
	var missing []NSBinding
	for _, b := range r.Scope {
		var have string
		var ok bool
		if b.Prefix == "" {
			have, ok = e.DefaultNS(), true
		} else {
			have, ok = e.LookupPrefix(b.Prefix)
		}
		if !ok || have != b.Space {
			missing = append(missing, b)
		}
	}
	if len(missing) == 0 {
		e.WriteRaw(r.XML)
		return
	}
	// Insert the declarations after the element name.
	end := 1
	for end < len(r.XML) && !isSpace(r.XML[end]) && r.XML[end] != '/' && r.XML[end] != '>' {
		end++
	}
	e.WriteRaw(r.XML[:end])
	if e.err != nil {
		return
	}
	for _, m := range missing {
		if m.Prefix == "" {
			e.buf = append(e.buf, " xmlns='"...)
		} else {
			e.buf = append(append(append(e.buf, " xmlns:"...), m.Prefix...), "='"...)
		}
		e.buf = append(append(e.buf, escapeAttrString(m.Space)...), '\'')
	}
	e.buf = append(e.buf, r.XML[end:]...)
}

func escapeAttrString(s string) string {
	if !strings.ContainsAny(s, "&<>'\"\t\n\r") {
		return s
	}
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "'", "&apos;", "\"", "&quot;",
		"\t", "&#x9;", "\n", "&#xA;", "\r", "&#xD;")
	return r.Replace(s)
}

// ReadRaw consumes the current element through its end tag and returns it as
// a RawElement. Call it right after Next returned StartElement.
func (d *Decoder) ReadRaw() (*RawElement, error) {
	r := New[RawElement](d)
	if err := d.readRawInto(r); err != nil {
		return nil, err
	}
	return r, nil
}

// readRawInto is ReadRaw into r, whose Scope slice it reuses.
func (d *Decoder) readRawInto(r *RawElement) error {
	if d.kind != StartElement {
		return errors.New("stanza: ReadRaw called when not at a start tag")
	}
	start := d.tokStart
	depth := len(d.stack)
	name := d.name
	d.capturing = true
	d.capDepth = depth
	d.capUsed = d.capUsed[:0]
	// The start tag was resolved before the capture began: account for it.
	d.lookup(d.stack[depth-1].prefix())
	for _, r := range d.raw {
		if r.prefix != "" {
			d.lookup(r.prefix)
		}
	}
	err := d.Skip()
	d.capturing = false
	if err != nil {
		return err
	}
	scope := r.Scope[:0]
	if len(d.capUsed) > 0 {
		scope = append(scope, d.capUsed...)
	} else {
		scope = nil
	}
	// Field by field: a composite literal is built on the stack and
	// copied in with loads the processor cannot forward from its stores.
	r.Name, r.XML, r.Scope, r.Err = name, d.s[start:d.pos], scope, nil
	return nil
}

// DecodeFunc decodes one element whose StartElement the Decoder has just
// returned.
type DecodeFunc func(d *Decoder) (Element, error)

var (
	registry = map[Name]DecodeFunc{}
	regIDs   = map[Name]int32{} // each name's number, in the order of registration, for recycler.typed
)

// Register makes DecodeElement decode elements named n with f. Generated
// packages call it from init for each of their global elements; it is not
// safe to call concurrently with decoding.
func Register(n Name, f DecodeFunc) {
	registry[n] = f
	if n.Local == "" {
		return // no element has that name; the table marks its empty entries so
	}
	if _, ok := regIDs[n]; !ok {
		regIDs[n] = int32(len(regIDs))
	}
	if len(registry)*2 > len(regTable) {
		size := 64 // a power of two
		for size < 4*len(registry) {
			size *= 2
		}
		regTable = make([]regEntry, size)
		regShift = uint(64 - bits.TrailingZeros(uint(size)))
		for n, f := range registry {
			if n.Local != "" {
				regPut(n, f)
			}
		}
		return
	}
	regPut(n, f)
}

// Lookup returns the decoder registered for n, or nil.
func Lookup(n Name) DecodeFunc {
	if n.Local == "" {
		return registry[n]
	}
	return lookupRegistered(n)
}

// The registry again, as a table of open addressing that decoding reads:
// a name is found from its lengths and a few of its bytes, cheaper than
// the map's hash of both strings, which a stream of small stanzas paid
// several times per stanza. It is at most half full.
var (
	regTable []regEntry
	regShift uint // 64 - log2(len(regTable))
)

type regEntry struct {
	name Name // Local is "" in an empty entry
	f    DecodeFunc
	id   int32 // the name's number, from 0, which a replaced decoder keeps
}

// regHash hashes n's lengths, the first, middle and last bytes of its
// local name (no loop over it, whose exit a varied stream of names
// mispredicts: with the table a quarter full, 1.13 probes a name on
// average, 4 at most, for the names of every generated package, against
// 1.14 and 7 with a hash of every byte) and the last eight bytes of its
// namespace, where namespaces sharing a prefix differ.
func regHash(n Name) uint64 {
	h := uint64(len(n.Space))<<16 ^ uint64(len(n.Local))
	if l := n.Local; len(l) > 0 {
		h ^= uint64(l[0])<<24 ^ uint64(l[len(l)/2])<<32 ^ uint64(l[len(l)-1])<<40
	}
	if s := n.Space; len(s) >= 8 {
		h = h*31 ^ encLoad64(s, len(s)-8)
	} else {
		for i := 0; i < len(s); i++ {
			h = h*31 + uint64(s[i])
		}
	}
	return h * 0x9E3779B97F4A7C15
}

func regPut(n Name, f DecodeFunc) {
	mask := uint(len(regTable) - 1)
	for i := uint(regHash(n) >> regShift); ; i = (i + 1) & mask {
		if e := &regTable[i]; e.name.Local == "" || e.name == n {
			*e = regEntry{n, f, regIDs[n]}
			return
		}
	}
}

// lookupRegistered is registry[n], read from regTable.
func lookupRegistered(n Name) DecodeFunc {
	if e := regFind(n); e != nil {
		return e.f
	}
	return nil
}

// regFind returns n's entry of regTable, or nil when n is not registered.
func regFind(n Name) *regEntry {
	if len(regTable) == 0 {
		return nil
	}
	mask := uint(len(regTable) - 1)
	for i := uint(regHash(n) >> regShift); ; i = (i + 1) & mask {
		e := &regTable[i]
		if e.name == n {
			return e
		}
		if e.name.Local == "" {
			return nil
		}
	}
}

// DecodeElement decodes the element whose StartElement d has just returned
// into its registered typed value, or into a *RawElement when no package
// registered its name. When the typed decoder rejects the content (a bad
// value, a missing attribute) the element is kept as a *RawElement with Err
// set, so that one bad extension payload does not cost the whole stanza;
// syntax errors are returned.
func DecodeElement(d *Decoder) (Element, error) { return DecodeElementReuse(d, nil) }

// DecodeElementReuse is DecodeElement that decodes into old, reusing its
// memory, when old is a typed value of the same element (generated decoders
// pass the value that stood at the same position of a reused slice).
func DecodeElementReuse(d *Decoder, old Element) (Element, error) {
	// Where the element starts, to read it again as raw after a typed
	// decoder gave up (possibly at the end tag, with the frame popped).
	m := d.Mark()
	var v Element
	var err error
	if _, raw := old.(*RawElement); old != nil && !raw && old.ElementName() == d.name {
		v, err = old, old.DecodeXMPP(d)
	} else if f := lookupRegistered(d.name); f != nil {
		v, err = f(d)
	} else {
		return d.ReadRaw()
	}
	if err == nil {
		return v, nil
	}
	r, err := d.Fallback(m, err)
	if err != nil {
		return nil, err // not a typed nil
	}
	return r, nil
}

// Unmarshal decodes data, which holds one element, into v. It copies data
// as ResetBytes does, with a Decoder that later calls reuse: decoding
// costs no allocation of its own beyond the copy, which small inputs
// share a few to an allocation (a string kept from v keeps that memory,
// as ResetBytes says). v's children may be reused, as when any Decoder
// decodes into a value again.
func Unmarshal(data []byte, v Element) error {
	d := decoders.Get().(*Decoder)
	d.ResetBytes(data, 0, nil)
	err := d.DecodeOne(v)
	d.release()
	return err
}

// UnmarshalString decodes s, which holds one element, into v, reading s
// in place (the strings of v share its memory), with a Decoder that later
// calls reuse.
func UnmarshalString(s string, v Element) error {
	d := decoders.Get().(*Decoder)
	d.Reset(s, 0, nil)
	err := d.DecodeOne(v)
	d.release()
	return err
}

// decoders holds the Decoders of Unmarshal and UnmarshalString between
// calls, with their stacks, their values to recycle and the memory their
// next copy may go to.
var decoders = sync.Pool{New: func() any { return new(Decoder) }}

// release returns d, done with its input, to decoders, which the next
// call resets. It lets go of the input itself (a caller's string, for
// UnmarshalString) and of the error, and keeps the room left after the
// input's copy, where the next copy goes (what that memory holds is never
// written again): as a Decoder reused by its caller, a pooled one keeps
// its last copy in memory until it is used again or the pool is emptied,
// and the strings its lists held with it. Not a whole Reset, which the
// next call makes anyway: that was a tenth of a small stanza's decode.
func (d *Decoder) release() {
	d.s, d.text, d.qname, d.name, d.err = "", "", "", Name{}, nil
	decoders.Put(d)
}

// DecodeOne reads the next element of d into v; the element must have v's
// name. Whitespace around it is skipped, anything else is an error.
func (d *Decoder) DecodeOne(v Element) error {
	for {
		switch d.Next() {
		case CharData:
			continue
		case StartElement:
			want := v.ElementName()
			if d.name != want && !inFamily(v, d.name, want) {
				return &DecodeError{Path: []string{d.name.Local}, Err: Errorf(ErrUnexpected, "expected <"+want.Local+" xmlns='"+want.Space+"'>, got xmlns='"+d.name.Space+"'")}
			}
			if err := v.DecodeXMPP(d); err != nil {
				return WrapElement(err, want.Local)
			}
			return nil
		default:
			if d.err != nil {
				return d.err
			}
			return Errorf(ErrUnexpected, "stanza: no element in input")
		}
	}
}

// Marshal encodes v into a new slice, of the output's size: the one
// allocation of the call.
func Marshal(v Element) ([]byte, error) {
	m, out, err := marshalPooled(v)
	var b []byte
	if err == nil {
		b = append([]byte(nil), out...)
	}
	m.release(out)
	return b, err
}

// AppendMarshal appends the encoding of v to dst, which it grows as
// append does (and returns unchanged on error).
func AppendMarshal(dst []byte, v Element) ([]byte, error) {
	m := marshalers.Get().(*marshaler)
	m.e.Reset(dst)
	v.EncodeXMPP(&m.e)
	out, err := m.e.Bytes(), m.e.Err()
	m.release(nil)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// marshaler is an Encoder that Marshal and AppendMarshal reuse between
// calls, and the buffer Marshal encodes into before copying the output.
type marshaler struct {
	e   Encoder
	buf []byte
}

var marshalers = sync.Pool{New: func() any { return new(marshaler) }}

// marshalPooled encodes v with a pooled marshaler, into its buffer: the
// output stays valid until m.release.
func marshalPooled(v Element) (m *marshaler, out []byte, err error) {
	m = marshalers.Get().(*marshaler)
	m.e.Reset(m.buf[:0])
	v.EncodeXMPP(&m.e)
	return m, m.e.Bytes(), m.e.Err()
}

// maxMarshalBuf is the largest buffer a marshaler keeps between calls.
const maxMarshalBuf = 64 << 10

// release returns m to marshalers, keeping buf as its buffer unless it is
// nil or large.
func (m *marshaler) release(buf []byte) {
	m.e.Reset(nil)
	if buf != nil && cap(buf) <= maxMarshalBuf {
		m.buf = buf[:0]
	}
	marshalers.Put(m)
}

// NamespaceFamily is implemented by the generated types of a package that
// decodes several namespaces (jabber:client, jabber:server and
// jabber:component:accept): DecodesNamespace reports whether space is one
// of them.
type NamespaceFamily interface {
	DecodesNamespace(space string) bool
}

// inFamily reports whether the element named got may decode into v, whose
// name is want, because v's type decodes a family of namespaces.
func inFamily(v Element, got, want Name) bool {
	f, ok := v.(NamespaceFamily)
	return ok && got.Local == want.Local && f.DecodesNamespace(got.Space)
}
