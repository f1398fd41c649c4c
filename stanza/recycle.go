package stanza

import (
	"encoding/base64"
	"strings"
	"unsafe"
)

// Recycling. A value decoded into again (a reused *xmpp.Message, say) drops
// the payloads it held; generated decoders hand them to the Decoder with
// Recycle, and take them back with DecodeChild and ReadRawChild when a
// later element of the same name comes, wherever it stands. So a reused
// value that sees disco, then a chat state, then disco again decodes the
// second disco into the memory of the first, and a stream of mixed
// payloads settles into decoding without allocating.
//
// A Decoder keeps at most 512 values in all (recycleMax), whatever the
// input: each may keep the input it was decoded from in memory, so a
// Decoder reused over many large stanzas with many kinds of payload can
// hold up to that many inputs. DropRecycled lets them go.
//
// Only values that a decode into a reused value has dropped are recycled:
// the contract of generated DecodeXMPP methods is that they reuse the
// value's slices and pointed-to values, and these are some of them. A
// value never passed back to a decoder is never touched.

// Bounds of what a Decoder keeps for reuse, so that a peer sending many
// kinds of payload cannot make it hold much memory: a value kept may keep
// the input it was decoded from in memory, so at most recycleMax values
// are kept in all.
const (
	recycleMax        = 512 // values kept, of every kind together
	recycleMaxNames   = 512 // types known (Spare)
	recycleMaxPerName = 4   // typed values kept per name
	recycleMaxRaw     = 32  // raw elements and text runs, each
	recycleMaxSpare   = 64  // optional children kept per type (Spare)
)

type recycler struct {
	kept       int            // values held, of every kind
	typed      []*recycleSlot // by the registered name's number (regEntry.id)
	raw        []*RawElement
	text       []*Text
	spare      map[any]*spareSlot // optional children by type, keyed by a nil *T
	spareCache [64]*spareSlot     // in front of spare, by the type's address
	orders     []Order            // buffers of orders no longer needed
}

// Recycle hands the elements of els, which the value being decoded into
// held and is about to drop, to d for reuse by later decodes, and clears
// els. Generated decoders call it; an element must not be held elsewhere
// in the value, since it will be overwritten.
func (d *Decoder) Recycle(els []Element) {
	if len(els) > 0 { // inlined: most values have nothing to recycle
		d.recycleAll(els)
	}
}

// recycleAll is not inlined, so that Recycle is.
//
//go:noinline
func (d *Decoder) recycleAll(els []Element) {
	for i, el := range els {
		if el == nil {
			continue
		}
		els[i] = nil
		d.recycle(el)
	}
}

// RecycleRaw is Recycle for raw elements.
func (d *Decoder) RecycleRaw(els []*RawElement) {
	if len(els) > 0 {
		d.recycleRawAll(els)
	}
}

//go:noinline
func (d *Decoder) recycleRawAll(els []*RawElement) {
	for i, r := range els {
		if r != nil {
			els[i] = nil
			d.recycleRaw(r)
		}
	}
}

func (d *Decoder) recycle(el Element) {
	rc := &d.rc
	switch x := el.(type) {
	case *RawElement:
		d.recycleRaw(x)
	case *Text:
		if len(rc.text) < recycleMaxRaw && rc.kept < recycleMax && !holds(rc.text, x) {
			rc.text = append(rc.text, x)
			rc.kept++
		}
	default:
		// Only values of registered names come back, through
		// DecodeChild: a value of another name is let go.
		e := regFind(el.ElementName())
		if e == nil || rc.kept >= recycleMax {
			return
		}
		sl := d.slot(e.id)
		if len(sl.free) >= recycleMaxPerName || holds(sl.free, el) {
			return
		}
		sl.free = append(sl.free, el)
		rc.kept++
	}
}

// recycleSlot holds the values of one registered element name recycled
// for reuse.
type recycleSlot struct {
	free []Element
}

// slot returns the slot of a registered name's number, making it.
func (d *Decoder) slot(id int32) *recycleSlot {
	rc := &d.rc
	if int(id) >= len(rc.typed) {
		rc.typed = append(rc.typed, make([]*recycleSlot, int(id)+1-len(rc.typed))...)
	}
	sl := rc.typed[id]
	if sl == nil {
		sl = new(recycleSlot)
		rc.typed[id] = sl
	}
	return sl
}

func (d *Decoder) recycleRaw(r *RawElement) {
	rc := &d.rc
	if len(rc.raw) < recycleMaxRaw && rc.kept < recycleMax && !holds(rc.raw, r) {
		rc.raw = append(rc.raw, r)
		rc.kept++
	}
}

// holds reports whether list has x already: a value that stood twice in
// what was recycled must not be handed out twice.
func holds[T comparable](list []T, x T) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

// DecodeChild is DecodeElement for a child of a value being decoded: the
// element goes into a value of its name that an earlier decode on d
// recycled, when there is one, and into a new one otherwise.
func DecodeChild(d *Decoder) (Element, error) {
	e := regFind(d.name)
	if e == nil || e.f == nil {
		return d.ReadRawChild()
	}
	var old Element
	if rc := &d.rc; int(e.id) < len(rc.typed) {
		if sl := rc.typed[e.id]; sl != nil {
			if n := len(sl.free); n > 0 {
				old = sl.free[n-1]
				sl.free[n-1] = nil
				rc.kept--
				sl.free = sl.free[:n-1]
			}
		}
	}
	m := d.Mark()
	var v Element
	var err error
	if old != nil {
		v, err = old, old.DecodeXMPP(d)
	} else {
		v, err = e.f(d)
	}
	if err == nil {
		return v, nil
	}
	if old != nil {
		d.recycle(old)
	}
	r, err := d.Fallback(m, err)
	if err != nil {
		return nil, err // not a typed nil
	}
	return r, nil
}

// ReadRawChild is ReadRaw for a child of a value being decoded: the
// RawElement may be one that an earlier decode on d recycled.
func (d *Decoder) ReadRawChild() (*RawElement, error) {
	if n := len(d.rc.raw); n > 0 {
		r := d.rc.raw[n-1]
		d.rc.raw[n-1] = nil
		d.rc.kept--
		d.rc.raw = d.rc.raw[:n-1]
		if err := d.readRawInto(r); err != nil {
			return nil, err
		}
		return r, nil
	}
	return d.ReadRaw()
}

// NewText returns a Text holding the current character data, one that an
// earlier decode on d recycled when there is one.
func (d *Decoder) NewText(s string) *Text {
	if n := len(d.rc.text); n > 0 {
		t := d.rc.text[n-1]
		d.rc.text[n-1] = nil
		d.rc.kept--
		d.rc.text = d.rc.text[:n-1]
		t.Value = s
		return t
	}
	t := New[Text](d)
	t.Value = s
	return t
}

// Take returns a *T that an earlier decode on d set aside with Spare, or a
// new one from New (for isolated input, a new *string shares its
// allocation with the few other strings taken for the same input, see
// newString). Generated decoders take the value of an optional child from
// it when the value being decoded into has none, so that a child present
// in one stanza, absent in the next and present again reuses its memory.
func Take[T any](d *Decoder) *T {
	if sl := d.spareSlot(any((*T)(nil)), false); sl != nil {
		if n := len(sl.list) - 1; n >= 0 {
			x := sl.list[n]
			sl.list[n] = nil
			d.rc.kept--
			sl.list = sl.list[:n]
			return x.(*T)
		}
	}
	if _, ok := any((*T)(nil)).(*string); ok && d.isolated {
		return any(d.newString()).(*T)
	}
	return New[T](d)
}

// newString returns a new *string for Take, from memory it shares with the
// other strings taken for the same input: an optional string child is
// common (a version's name, version and os; a vCard's fields), and one
// allocation each was a good part of what a stream of small stanzas
// allocates.
func (d *Decoder) newString() *string {
	if len(d.strs) == cap(d.strs) {
		d.strs = make([]string, 0, strsChunk)
	}
	d.strs = d.strs[:len(d.strs)+1]
	return &d.strs[len(d.strs)-1]
}

// strsChunk is how many strings Take hands out from one allocation.
const strsChunk = 4

// Spare sets p aside for Take: generated decoders call it with the value of
// an optional child that the value decoded into held before and no longer
// holds.
func Spare[T any](d *Decoder, p *T) {
	sl := d.spareSlot(any((*T)(nil)), true)
	if sl == nil || len(sl.list) >= recycleMaxSpare || d.rc.kept >= recycleMax || holds(sl.list, any(p)) {
		return
	}
	sl.list = append(sl.list, p)
	d.rc.kept++
}

// spareSlot holds the values of one type set aside with Spare; key is a
// nil pointer of that type.
type spareSlot struct {
	key  any
	list []any
}

// spareSlot returns the slot of key, making it when create is set and there
// is room for it. A small cache indexed by a hash of the type's address
// (a multiplicative hash: the shift and mask of the address alone sent
// types laid out near each other to the same entries) comes before the map.
func (d *Decoder) spareSlot(key any, create bool) *spareSlot {
	rc := &d.rc
	h := int(uint64((*[2]uintptr)(unsafe.Pointer(&key))[0]) * 0x9E3779B97F4A7C15 >> 58)
	if sl := rc.spareCache[h]; sl != nil && sl.key == key {
		return sl
	}
	sl := rc.spare[key]
	if sl == nil {
		if !create || len(rc.spare) >= recycleMaxNames {
			return nil
		}
		if rc.spare == nil {
			rc.spare = make(map[any]*spareSlot)
		}
		sl = &spareSlot{key: key}
		rc.spare[key] = sl
	}
	rc.spareCache[h] = sl
	return sl
}

// Finish is Result for a generated decoder reading from d: the buffer of
// an order that is no longer needed is set aside on d, and taken back by
// the next order to record, so that orders do not allocate once warm.
func (o *OrderRecorder) Finish(d *Decoder, buf Order) Order {
	rc := &d.rc
	if !o.unsorted {
		if cap(buf) > 0 && len(rc.orders) < recycleMaxRaw {
			rc.orders = append(rc.orders, buf[:0])
		}
		return nil
	}
	if buf == nil {
		if n := len(rc.orders); n > 0 {
			buf = rc.orders[n-1]
			rc.orders[n-1] = nil
			rc.orders = rc.orders[:n-1]
		} else if n := o.n; n > 0 && n <= len(o.runs) {
			// From a chunk (see New): at most eight runs, so the
			// recorder holds them all.
			if sl := chunkOf[Run](d, n); sl != nil {
				buf = take[Run](sl, n)[:0]
			}
		}
	}
	return o.Result(buf)
}

// ParseBase64 is the function ParseBase64 for a value of d's input: the
// bytes go into the room left after d's copy of its input (see
// ResetBytes) when they fit there, which saves an allocation.
func (d *Decoder) ParseBase64(s string) ([]byte, error) {
	enc := base64.StdEncoding
	n := enc.DecodedLen(len(s))
	start := len(d.arena)
	if cap(d.arena)-start < n || strings.ContainsAny(s, " \t\r\n") {
		return ParseBase64(s)
	}
	buf := d.arena[start : start+n]
	m, err := enc.Decode(buf, unsafe.Slice(unsafe.StringData(s), len(s)))
	if err != nil {
		return nil, valueError("base64", s)
	}
	d.useArena(d.arena[:start+m])
	return buf[:m:m], nil
}

// DropRecycled forgets the values d keeps for reuse (see Recycle), so
// that they and the inputs they came from can be collected.
func (d *Decoder) DropRecycled() {
	d.rc = recycler{}
}
