package stanza

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestIsCanonical(t *testing.T) {
	for _, v := range []int64{0, 1, -1, 9, 10, 99, 100, 12345, math.MaxInt64, math.MinInt64} {
		s := FormatInt(v)
		if !IsCanonicalInt(v, s) || IsCanonicalInt(v, "+"+s) || IsCanonicalInt(v, "0"+s) {
			t.Errorf("IsCanonicalInt(%d) wrong", v)
		}
	}
	for _, v := range []uint64{0, 7, 100, 65535, math.MaxUint64} {
		s := FormatUint(v)
		if !IsCanonicalUint(v, s) || IsCanonicalUint(v, " "+s) || IsCanonicalUint(v, s+"0") {
			t.Errorf("IsCanonicalUint(%d) wrong", v)
		}
	}
	for _, v := range []float64{0, 1.5, -2.25, 1e300, math.Inf(1), math.Inf(-1), math.NaN()} {
		for _, bits := range []int{32, 64} {
			s := FormatFloat(v, bits)
			if !IsCanonicalFloat(v, bits, s) || IsCanonicalFloat(v, bits, s+"0") {
				t.Errorf("IsCanonicalFloat(%v, %d) wrong for %q", v, bits, s)
			}
		}
	}
	if IsCanonicalFloat(1, 64, "1.0") || !IsCanonicalFloat(1, 64, "1") {
		t.Error("IsCanonicalFloat(1) wrong")
	}
	for n := range 200 {
		b := []byte(strings.Repeat("\xfe\x01x", n)[:n])
		b64, hx := FormatBase64(b), FormatHex(b)
		if !IsCanonicalBase64(b, b64) || !IsCanonicalHex(b, hx) {
			t.Fatalf("%d bytes: canonical forms refused", n)
		}
		if n > 0 {
			if IsCanonicalBase64(b, b64[:len(b64)-1]+"A") && b64[len(b64)-1] != 'A' {
				t.Fatalf("%d bytes: changed base64 accepted", n)
			}
			if IsCanonicalHex(b, strings.ToUpper(hx)) {
				t.Fatalf("%d bytes: upper-case hex accepted", n)
			}
		}
		if IsCanonicalBase64(b, b64+"\n") || IsCanonicalHex(b, hx+"0") {
			t.Fatalf("%d bytes: longer form accepted", n)
		}
	}
}

type recycleProbe struct{ n int }

func (p *recycleProbe) ElementName() Name           { return Name{Space: "urn:probe", Local: "p"} }
func (p *recycleProbe) DecodeXMPP(d *Decoder) error { p.n++; return d.Skip() }
func (p *recycleProbe) EncodeXMPP(e *Encoder)       {}

// TestRecycleBounds checks that a Decoder keeps a bounded number of
// recycled values, never hands one out twice, and decodes into them.
func TestRecycleBounds(t *testing.T) {
	registerProbes(t, func(*Decoder) Element { return new(recycleProbe) }, (*recycleProbe)(nil).ElementName())
	var d Decoder
	p := &recycleProbe{}
	els := []Element{p, p, p}
	d.Recycle(els)
	if els[0] != nil || els[2] != nil {
		t.Fatal("Recycle left the slice's elements")
	}
	id := regIDs[p.ElementName()]
	if got := len(d.rc.typed[id].free); got != 1 {
		t.Fatalf("a value recycled three times is kept %d times", got)
	}
	for range 2 * recycleMaxPerName {
		d.Recycle([]Element{&recycleProbe{}})
	}
	if got := len(d.rc.typed[id].free); got != recycleMaxPerName {
		t.Fatalf("%d values kept for one name, want %d", got, recycleMaxPerName)
	}
	d.Reset("<p xmlns='urn:probe'/>", 0, nil)
	d.Next()
	el, err := DecodeChild(&d)
	if err != nil {
		t.Fatal(err)
	}
	if q, ok := el.(*recycleProbe); !ok || q.n != 1 {
		t.Fatalf("DecodeChild gave %#v, want a recycled probe decoded once", el)
	}
	for i := range 3 * recycleMaxRaw {
		d.RecycleRaw([]*RawElement{{XML: strings.Repeat("x", i)}})
		d.recycle(&Text{})
	}
	if len(d.rc.raw) != recycleMaxRaw || len(d.rc.text) != recycleMaxRaw {
		t.Fatalf("%d raw elements and %d texts kept, want %d", len(d.rc.raw), len(d.rc.text), recycleMaxRaw)
	}
	for range 2 * recycleMaxSpare {
		Spare(&d, new(string))
	}
	if got := len(d.rc.spare[any((*string)(nil))].list); got != recycleMaxSpare {
		t.Fatalf("%d spare strings kept, want %d", got, recycleMaxSpare)
	}
	Spare(&d, new(int))
	Spare(&d, new(int))
	x := Take[int](&d)
	if Take[int](&d) == x {
		t.Fatal("Take handed out one value twice")
	}
}

type namedProbe struct{ name Name }

// registerProbes registers names for the test, each decoded into a value
// from newValue, and restores the registry when the test ends.
func registerProbes(t *testing.T, newValue func(*Decoder) Element, names ...Name) {
	saved, savedIDs, savedTable, savedShift := maps.Clone(registry), maps.Clone(regIDs), slices.Clone(regTable), regShift
	t.Cleanup(func() { registry, regIDs, regTable, regShift = saved, savedIDs, savedTable, savedShift })
	for _, n := range names {
		Register(n, func(d *Decoder) (Element, error) {
			v := newValue(d)
			return v, v.DecodeXMPP(d)
		})
	}
}

func (p *namedProbe) ElementName() Name           { return p.name }
func (p *namedProbe) DecodeXMPP(d *Decoder) error { return d.Skip() }
func (p *namedProbe) EncodeXMPP(e *Encoder)       {}

// TestRecycleTotal checks that a Decoder keeps at most recycleMax values
// in all, however many kinds of element it is given, and none of a name
// no package registered (which DecodeChild would never hand back).
func TestRecycleTotal(t *testing.T) {
	var names []Name
	for i := range 3 * recycleMax {
		names = append(names, Name{Space: "urn:probe", Local: fmt.Sprint("p", i)})
	}
	registerProbes(t, func(d *Decoder) Element { return &namedProbe{d.Name()} }, names...)
	var d Decoder
	d.Recycle([]Element{&namedProbe{Name{Space: "urn:probe", Local: "unregistered"}}})
	if d.rc.kept != 0 {
		t.Fatal("a value of a name no package registered was kept")
	}
	for _, n := range names {
		d.Recycle([]Element{&namedProbe{n}, &namedProbe{n}})
		d.RecycleRaw([]*RawElement{{}})
	}
	n := len(d.rc.raw)
	for _, sl := range d.rc.typed {
		if sl != nil {
			n += len(sl.free)
		}
	}
	if n != recycleMax || d.rc.kept != n {
		t.Fatalf("%d values kept (counted %d), want %d", n, d.rc.kept, recycleMax)
	}
	if len(d.rc.typed) > len(regIDs) {
		t.Fatalf("%d names known, of %d registered", len(d.rc.typed), len(regIDs))
	}
	d.Reset("<p0 xmlns='urn:probe'/>", 0, nil)
	d.Next()
	if _, err := DecodeChild(&d); err != nil || d.rc.kept != n-1 {
		t.Fatalf("after taking one back: %v, %d kept", err, d.rc.kept)
	}
	d.DropRecycled()
	if d.rc.kept != 0 || len(d.rc.typed) != 0 || len(d.rc.raw) != 0 {
		t.Fatal("DropRecycled kept values")
	}
}

// TestTakeString hands out strings for two isolated inputs: each one
// distinct, a few to an allocation for the same input, none sharing memory
// with the strings of the input before; one set aside with Spare comes
// back first.
func TestTakeString(t *testing.T) {
	var d Decoder
	d.ResetBytesIsolated([]byte("<a/>"), 0, nil)
	var first []*string
	for i := range 2 * strsChunk {
		p := Take[string](&d)
		*p = fmt.Sprint("first ", i)
		first = append(first, p)
	}
	for i, p := range first {
		if want := fmt.Sprint("first ", i); *p != want {
			t.Fatalf("string %d holds %q, want %q: two were handed the same memory", i, *p, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() {
		d.ResetBytesIsolated([]byte("<b/>"), 0, nil)
		for range strsChunk {
			Take[string](&d)
		}
	}); n != 2 {
		t.Errorf("%d strings for one isolated input took %v allocations, want 2 (its copy and the strings)", strsChunk, n)
	}
	// A new input's strings come from a chunk of their own, even when the
	// chunk of the input before has room.
	d.ResetBytesIsolated([]byte("<b/>"), 0, nil)
	before := Take[string](&d)
	d.ResetBytesIsolated([]byte("<c/>"), 0, nil)
	p := Take[string](&d)
	chunk := d.strs[:cap(d.strs)]
	if &chunk[0] != p {
		t.Fatalf("the first string for a new input is not the first of a new chunk")
	}
	for _, q := range append(first, before) {
		for i := range chunk {
			if &chunk[i] == q {
				t.Fatalf("a new input's chunk holds a string of the input before")
			}
		}
	}
	// A string set aside comes back before new memory is taken.
	Spare(&d, first[0])
	if got := Take[string](&d); got != first[0] {
		t.Errorf("Take after Spare returned new memory")
	}
	// Other types are allocated one by one, as before.
	if b1, b2 := Take[bool](&d), Take[bool](&d); b1 == b2 {
		t.Errorf("two bools share memory")
	}
}

// TestUnmarshalAfterFailure decodes with Unmarshal and UnmarshalString
// after calls that failed in the middle of an element (the pooled Decoder
// released with its stacks full), and checks that release lets go of the
// caller's input.
func TestUnmarshalAfterFailure(t *testing.T) {
	for i := range 20 {
		var p recycleProbe
		bad := fmt.Sprintf("<p xmlns='urn:probe'><a x='%d'><b>", i)
		if err := UnmarshalString(bad, &p); err == nil {
			t.Fatalf("%s: no error", bad)
		}
		if err := Unmarshal([]byte(bad[:len(bad)-3]+"<c/"), &p); err == nil {
			t.Fatalf("%s: no error", bad)
		}
		p = recycleProbe{}
		if err := Unmarshal([]byte("<p xmlns='urn:probe'><a/></p>"), &p); err != nil || p.n != 1 {
			t.Fatalf("after a failure: %v, decoded %d times", err, p.n)
		}
		if err := UnmarshalString("<p xmlns='urn:probe'/>", &p); err != nil || p.n != 2 {
			t.Fatalf("after a failure: %v, decoded %d times", err, p.n)
		}
	}
	var d Decoder
	d.Reset("<p xmlns='urn:probe'>text", 0, nil)
	d.Next()
	d.Next()
	d.release()
	if d.s != "" || d.text != "" || d.qname != "" || d.name != (Name{}) {
		t.Fatalf("release kept the input: %q %q %q %v", d.s, d.text, d.qname, d.name)
	}
}
