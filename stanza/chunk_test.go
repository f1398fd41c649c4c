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

// TestChunkTableGrows takes values of 40 types, which grows the table of
// slots from its first size: each type keeps its slot, and the values
// already handed out stay distinct from the next ones.
func TestChunkTableGrows(t *testing.T) {
	news := []func(d *Decoder) any{
		func(d *Decoder) any { return New[[1]int64](d) },
		func(d *Decoder) any { return New[[2]int64](d) },
		func(d *Decoder) any { return New[[3]int64](d) },
		func(d *Decoder) any { return New[[4]int64](d) },
		func(d *Decoder) any { return New[[5]int64](d) },
		func(d *Decoder) any { return New[[6]int64](d) },
		func(d *Decoder) any { return New[[7]int64](d) },
		func(d *Decoder) any { return New[[8]int64](d) },
		func(d *Decoder) any { return New[[9]int64](d) },
		func(d *Decoder) any { return New[[10]int64](d) },
		func(d *Decoder) any { return New[[11]int64](d) },
		func(d *Decoder) any { return New[[12]int64](d) },
		func(d *Decoder) any { return New[[13]int64](d) },
		func(d *Decoder) any { return New[[14]int64](d) },
		func(d *Decoder) any { return New[[15]int64](d) },
		func(d *Decoder) any { return New[[16]int64](d) },
		func(d *Decoder) any { return New[[17]int64](d) },
		func(d *Decoder) any { return New[[18]int64](d) },
		func(d *Decoder) any { return New[[19]int64](d) },
		func(d *Decoder) any { return New[[20]int64](d) },
		func(d *Decoder) any { return New[[21]int64](d) },
		func(d *Decoder) any { return New[[22]int64](d) },
		func(d *Decoder) any { return New[[23]int64](d) },
		func(d *Decoder) any { return New[[24]int64](d) },
		func(d *Decoder) any { return New[[25]int64](d) },
		func(d *Decoder) any { return New[[26]int64](d) },
		func(d *Decoder) any { return New[[27]int64](d) },
		func(d *Decoder) any { return New[[28]int64](d) },
		func(d *Decoder) any { return New[[29]int64](d) },
		func(d *Decoder) any { return New[[30]int64](d) },
		func(d *Decoder) any { return New[[31]int64](d) },
		func(d *Decoder) any { return New[[32]int64](d) },
		func(d *Decoder) any { return New[[33]int64](d) },
		func(d *Decoder) any { return New[[34]int64](d) },
		func(d *Decoder) any { return New[[35]int64](d) },
		func(d *Decoder) any { return New[[36]int64](d) },
		func(d *Decoder) any { return New[[37]int64](d) },
		func(d *Decoder) any { return New[[38]int64](d) },
		func(d *Decoder) any { return New[[39]int64](d) },
		func(d *Decoder) any { return New[[40]int64](d) },
	}
	var d Decoder
	d.Reset("<a/>", 0, nil)
	first := make([]any, len(news))
	for i, f := range news {
		first[i] = f(&d)
	}
	if len(d.chunks) <= chunkTableMin {
		t.Fatalf("the table has %d slots for %d types", len(d.chunks), len(news))
	}
	if d.chunkTypes != len(news) || len(d.chunkUsed) != len(news) {
		t.Errorf("%d types and %d slots used in the table, want %d", d.chunkTypes, len(d.chunkUsed), len(news))
	}
	for i, f := range news {
		if second := f(&d); second == first[i] {
			t.Errorf("type %d: the same value handed out twice", i)
		}
	}
	if d.chunkTypes != len(news) {
		t.Errorf("%d types in the table after taking them again, want %d", d.chunkTypes, len(news))
	}
}
