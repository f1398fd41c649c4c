package stanza

import (
	"fmt"
	"testing"
)

// TestRegTable checks the registry's table against its map: every
// registered name is found with the decoder it was last registered with,
// names never registered are not, however alike, and no name is far from
// its place.
func TestRegTable(t *testing.T) {
	saved, savedIDs, savedTable, savedShift := registry, regIDs, regTable, regShift
	defer func() { registry, regIDs, regTable, regShift = saved, savedIDs, savedTable, savedShift }()
	registry, regIDs, regTable, regShift = map[Name]DecodeFunc{}, map[Name]int32{}, nil, 0

	decoder := func(tag string) DecodeFunc {
		return func(*Decoder) (Element, error) { return nil, fmt.Errorf("%s", tag) }
	}
	found := func(n Name) string {
		f := lookupRegistered(n)
		if f == nil {
			return ""
		}
		_, err := f(nil)
		return err.Error()
	}
	// Names shaped like XMPP's: namespaces that share long prefixes and
	// differ at the end, short local names shared between namespaces.
	var names []Name
	for i := range 120 {
		spaces := []string{
			fmt.Sprintf("urn:xmpp:ext:%d", i),
			fmt.Sprintf("http://jabber.org/protocol/p%d#info", i),
			fmt.Sprintf("urn:xmpp:x:%d:0", i%10),
		}
		for _, space := range spaces {
			for _, local := range []string{"query", "item", "x", "set", "feature", fmt.Sprintf("e%d", i)} {
				names = append(names, Name{Space: space, Local: local})
			}
		}
	}
	names = append(names, Name{Local: "bare"}, Name{Space: "a", Local: "b"})
	// A name no element has is kept by the map alone, and marks nothing.
	Register(Name{Space: "a"}, decoder("empty"))
	if f := Lookup(Name{Space: "a"}); f == nil {
		t.Errorf("Lookup of a registered name with no local part = nil")
	}
	want := map[Name]string{}
	for i, n := range names {
		tag := fmt.Sprint(i)
		Register(n, decoder(tag))
		want[n] = tag
		if i%7 == 0 { // registered again: the later decoder wins
			Register(n, decoder(tag+"'"))
			want[n] = tag + "'"
		}
	}
	if len(regTable) < 2*len(registry) || len(regTable)&(len(regTable)-1) != 0 {
		t.Fatalf("table of %d entries for %d names: want a power of two, at most half full", len(regTable), len(registry))
	}
	for n, tag := range want {
		if got := found(n); got != tag {
			t.Errorf("%v: found decoder %q, want %q", n, got, tag)
		}
		if got := Lookup(n); got == nil {
			t.Errorf("Lookup(%v) = nil", n)
		}
	}
	for _, n := range []Name{
		{Space: "urn:xmpp:ext:1", Local: "queries"},
		{Space: "urn:xmpp:ext:1000", Local: "query"},
		{Space: "urn:xmpp:ext:", Local: "query"},
		{Local: "query"},
		{Space: "a", Local: "c"},
		{},
	} {
		if got := found(n); got != "" {
			t.Errorf("%v, never registered: found decoder %q", n, got)
		}
	}
	mask := uint(len(regTable) - 1)
	worst, sum := 0, 0
	for n := range want {
		probes := 1
		for i := uint(regHash(n) >> regShift); regTable[i].name != n; i = (i + 1) & mask {
			probes++
		}
		worst = max(worst, probes)
		sum += probes
	}
	t.Logf("%d names in %d entries: %.2f probes on average, %d at worst", len(want), len(regTable), float64(sum)/float64(len(want)), worst)
	if worst > 12 {
		t.Errorf("a name takes %d probes: the hash clusters", worst)
	}
}
