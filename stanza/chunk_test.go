package stanza

import (
	"fmt"
	"runtime"
	"testing"
	"unsafe"
)

// chunkValue is a value of a few words, with pointers, as generated types
// are.
type chunkValue struct {
	S string
	N int
	L []string
}

// TestNewChunks checks that the values New hands out are distinct, zero
// and a fraction of an allocation each once the type is warm, and that a
// decoder reading isolated input allocates each on its own.
func TestNewChunks(t *testing.T) {
	var d Decoder
	d.Reset("<a/>", 0, nil)
	var vals []*chunkValue
	for i := range 100 {
		v := New[chunkValue](&d)
		if v.S != "" || v.N != 0 || v.L != nil {
			t.Fatalf("value %d is not zero: %+v", i, *v)
		}
		v.S, v.N = fmt.Sprint(i), i
		vals = append(vals, v)
	}
	for i, v := range vals {
		if v.N != i || v.S != fmt.Sprint(i) {
			t.Fatalf("value %d holds %+v: two values share memory", i, *v)
		}
	}
	size := int(unsafe.Sizeof(chunkValue{}))
	per := chunkBytes / size
	if n := testing.AllocsPerRun(10, func() {
		for range 10 * per {
			New[chunkValue](&d)
		}
	}); n > 11 {
		t.Errorf("%d warm values took %v allocations, want at most 11", 10*per, n)
	}
	d.ResetBytesIsolated([]byte("<a/>"), 0, nil)
	if n := testing.AllocsPerRun(10, func() {
		for range 5 {
			New[chunkValue](&d)
		}
	}); n != 5 {
		t.Errorf("5 values for isolated input took %v allocations, want 5", n)
	}

}

// TestChunkEpochDrops checks that a new epoch drops the chunks of the
// slots used in the one before, so that a decoder keeps no value of
// theirs in memory.
func TestChunkEpochDrops(t *testing.T) {
	var d Decoder
	d.Reset("<a/>", 0, nil)
	New[chunkValue](&d)
	New[int64](&d)
	for d.chunkBytes != 0 {
		d.Reset("<a>"+string(make([]byte, 4<<10))+"</a>", 0, nil)
	}
	for i := range d.chunks {
		if sl := &d.chunks[i]; sl.free != nil || sl.left != 0 {
			t.Errorf("slot %d keeps its chunk (%d values left) after the epoch", i, sl.left)
		}
	}
	if len(d.chunkUsed) != 0 {
		t.Errorf("%d slots listed as used after the epoch, want 0", len(d.chunkUsed))
	}
}

// TestGrowAppendChunks checks that lists grown from chunks hold what was
// appended, that appending past their capacity does not write over a
// neighbour, and that a long list outgrows the chunks.
func TestGrowAppendChunks(t *testing.T) {
	var d Decoder
	d.Reset("<a/>", 0, nil)
	var a, b []string
	for i := range 20 {
		a = Append(&d, a, fmt.Sprint("a", i))
		b = Grow(&d, b)
		b[len(b)-1] = fmt.Sprint("b", i)
	}
	c := Append(&d, nil, "c")
	c = append(c, "c1") // the caller's append, past the capacity New gave
	runtime.GC()        // the lists live in the chunks' memory only
	for i := range 20 {
		if a[i] != fmt.Sprint("a", i) || b[i] != fmt.Sprint("b", i) {
			t.Fatalf("lists share memory: a[%d]=%q b[%d]=%q", i, a[i], i, b[i])
		}
	}
	if c[0] != "c" || c[1] != "c1" {
		t.Fatalf("c = %q", c)
	}
	// A list of one takes no allocation of its own once warm.
	if n := testing.AllocsPerRun(10, func() {
		for range 64 {
			Append(&d, []int64(nil), 1)
		}
	}); n > 2 {
		t.Errorf("64 lists of one took %v allocations, want at most 2", n)
	}
}
