package stanza

import (
	"math/bits"
	"unsafe"
)

// Values that a Decoder makes for the elements it decodes (the element,
// its typed children, their lists and optional scalars) come from chunks:
// one allocation holds several values of a type, handed out one by one to
// the values decoded next, input after input. Allocations per stanza then
// fall from one per value to a fraction, the difference between a stream
// that allocates four to six times per stanza and one that allocates
// once.
//
// The price is memory: a value kept keeps its whole chunk in memory, the
// values of other inputs that share it included, and what they reference.
// Chunks hold at most chunkBytes (a type's first one holds one value, the
// next ones twice as many as the one before), and every chunkEpoch bytes
// of input they are dropped: a value kept keeps at most the values made
// for the chunkEpoch bytes of input around it, and their inputs. (A value
// recycled, see Recycle, is memory made earlier: it keeps what was made
// around it then.) Without the epochs, the chunk of a type seen rarely
// would hold values from long before, and through them other chunks and
// inputs: the live heap of a stream reading the mix of stanza/all grew to
// 50-95 MB, against 3-9 MB with them. A Decoder reading input copied by
// ResetBytesIsolated makes each value on its own, as the memory of its
// input is its own.

// chunkBytes bounds the size of a chunk: values of up to chunkBytes/8
// bytes come eight or more to a chunk once the type is warm.
const chunkBytes = 4 << 10

// chunkSliceMax bounds the capacity of a list taken from a chunk; a list
// that outgrows it is appended to as usual.
const chunkSliceMax = 8

// chunkEpoch bounds what a value keeps in memory: after that many bytes
// of input, the chunks are dropped and the values of the next inputs come
// from new ones. A value kept keeps at most the values decoded from the
// chunkEpoch bytes of input around it, and their inputs.
const chunkEpoch = 32 << 10

// chunkSlot is the chunk of one type T.
type chunkSlot struct {
	key  any            // a nil *T
	free unsafe.Pointer // the next value of the chunk; nil when it has none left
	left int32          // values after free
	used int32          // values taken in this epoch
	next int32          // values in the next chunk
}

// chunkOf returns d's slot of T, with at least n values left at free, or
// nil when d makes values on their own: its input is isolated, or T has
// size zero.
func chunkOf[T any](d *Decoder, n int) *chunkSlot {
	var zero T
	size := unsafe.Sizeof(zero)
	if d.isolated || size == 0 {
		return nil
	}
	sl := d.chunkSlot(any((*T)(nil)))
	if sl == nil {
		return nil
	}
	sl.used += int32(n)
	if int(sl.left) < n {
		k := max(int(sl.next), n)
		c := make([]T, k)
		sl.free, sl.left = unsafe.Pointer(&c[0]), int32(k)
		sl.next = int32(min(2*k, max(chunkBytes/int(size), 1)))
	}
	return sl
}

// take returns the n values at sl's free, which has them, and moves free
// past them.
func take[T any](sl *chunkSlot, n int) []T {
	s := unsafe.Slice((*T)(sl.free), n)
	sl.left -= int32(n)
	if sl.left == 0 {
		sl.free = nil // not past the end of the chunk, into another object
	} else {
		sl.free = unsafe.Add(sl.free, uintptr(n)*unsafe.Sizeof(s[0]))
	}
	return s
}

// chunkSlot returns the slot of key, making it when there is room: the
// slots are a table of open addressing, by the type's address, that grows
// from a few slots as types come.
func (d *Decoder) chunkSlot(key any) *chunkSlot {
	if d.chunkTypes >= len(d.chunks)/2 && len(d.chunks) < chunkTableMax {
		d.growChunks()
	}
	mask := len(d.chunks) - 1
	h := chunkHash(key, mask)
	for range chunkProbes {
		sl := &d.chunks[h]
		if sl.key == key {
			if sl.used == 0 {
				d.chunkUsed = append(d.chunkUsed, int16(h))
			}
			return sl
		}
		if sl.key == nil {
			sl.key = key
			d.chunkTypes++
			d.chunkUsed = append(d.chunkUsed, int16(h))
			return sl
		}
		h = (h + 1) & mask
	}
	return nil
}

// growChunks doubles the table of chunk slots (or makes its first one),
// moving the slots there.
func (d *Decoder) growChunks() {
	old := d.chunks
	d.chunks = make([]chunkSlot, max(2*len(old), chunkTableMin))
	d.chunkTypes = 0
	d.chunkUsed = d.chunkUsed[:0]
	mask := len(d.chunks) - 1
	for i := range old {
		if old[i].key == nil {
			continue
		}
		h := chunkHash(old[i].key, mask)
		for d.chunks[h].key != nil {
			h = (h + 1) & mask
		}
		d.chunks[h] = old[i]
		d.chunkTypes++
		if old[i].used > 0 {
			d.chunkUsed = append(d.chunkUsed, int16(h))
		}
	}
}

// chunkHash places key, a nil *T, in a table of mask+1 slots: the top
// bits of its type's address times the golden ratio.
func chunkHash(key any, mask int) int {
	t := uint64((*[2]uintptr)(unsafe.Pointer(&key))[0])
	return int((t * 0x9E3779B97F4A7C15) >> (64 - bits.Len(uint(mask))))
}

// The table of chunk slots holds from chunkTableMin to chunkTableMax
// slots, at most half of them taken until it is the largest; past
// chunkProbes taken slots, a type's values are made on their own.
const (
	chunkTableMin = 16
	chunkTableMax = 1 << 10
	chunkProbes   = 8
)

// chunkInput counts n bytes of input for the epoch, and starts a new one
// when it is over: the chunks of the slots used are dropped, and the
// next chunk of each holds as many values as the epoch took.
func (d *Decoder) chunkInput(n int) {
	d.chunkBytes += n
	if d.chunkBytes < chunkEpoch {
		return
	}
	d.chunkBytes = 0
	for _, h := range d.chunkUsed {
		sl := &d.chunks[h]
		sl.free, sl.left = nil, 0
		sl.next = max(min(sl.used, sl.next), 1)
		sl.used = 0
	}
	d.chunkUsed = d.chunkUsed[:0]
}

// New returns a new zero *T for a value decoded from d, from a chunk it
// shares with the next values of its type (see above). Generated decoders
// make their values with it.
func New[T any](d *Decoder) *T {
	sl := chunkOf[T](d, 1)
	if sl == nil {
		return new(T)
	}
	return &take[T](sl, 1)[0]
}

// Grow returns s with one more element at the end: in the capacity s has,
// where it is the element decoded there before (generated decoders decode
// over it), or in new memory, zero, which for a short list comes from a
// chunk (see New).
func Grow[T any](d *Decoder, s []T) []T {
	if len(s) == cap(s) {
		s = grow(d, s)
	}
	return s[:len(s)+1]
}

// Extend returns s with one more element at the end, reusing the capacity
// s has.
//
// Deprecated: generated code calls Grow, whose new memory comes from the
// Decoder's chunks; packages generated before it call Extend, which
// allocates as append does.
func Extend[T any](s []T) []T {
	if len(s) < cap(s) {
		return s[:len(s)+1]
	}
	var zero T
	return append(s, zero)
}

// Append is append(s, x) for a list decoded from d; a short list's new
// memory comes from a chunk (see New).
func Append[T any](d *Decoder, s []T, x T) []T {
	if len(s) == cap(s) {
		s = grow(d, s)
	}
	// Not append, whose own path to new memory every call site would
	// carry inlined: grow has made the room.
	s = s[:len(s)+1]
	s[len(s)-1] = x
	return s
}

// grow returns a full s with room for one more element, the zero T past
// its length.
func grow[T any](d *Decoder, s []T) []T {
	n := max(2*cap(s), 1)
	if n <= chunkSliceMax && uintptr(n)*unsafe.Sizeof(s[:1][0]) <= chunkBytes/4 {
		if sl := chunkOf[T](d, n); sl != nil {
			t := take[T](sl, n)[:len(s):n]
			copy(t, s)
			return t
		}
	}
	var zero T
	return append(s, zero)[:len(s)]
}
