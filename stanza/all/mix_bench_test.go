package all_test

import (
	"bytes"
	"encoding/xml"
	"flag"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/protoxmpp/protoxmpp/internal/xmltest"
	"github.com/protoxmpp/protoxmpp/stanza"
	"github.com/protoxmpp/protoxmpp/stanza/xmpp"
	"github.com/protoxmpp/protoxmpp/stream"
)

// The structs a Go user writes for encoding/xml: the stanza's attributes
// and defined children, and ",any" catch-alls for its payloads, kept as
// raw inner XML so that nothing is lost.
type (
	mixAny struct {
		XMLName xml.Name
		Attrs   []xml.Attr `xml:",any,attr"`
		Inner   []byte     `xml:",innerxml"`
	}
	mixText struct {
		Lang  string `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
		Value string `xml:",chardata"`
	}
	mixMessage struct {
		XMLName xml.Name  `xml:"message"`
		From    string    `xml:"from,attr,omitempty"`
		To      string    `xml:"to,attr,omitempty"`
		ID      string    `xml:"id,attr,omitempty"`
		Type    string    `xml:"type,attr,omitempty"`
		Lang    string    `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
		Subject []mixText `xml:"subject"`
		Body    []mixText `xml:"body"`
		Thread  *mixText  `xml:"thread"`
		Error   *mixAny   `xml:"error"`
		Any     []mixAny  `xml:",any"`
	}
	mixPresence struct {
		XMLName  xml.Name  `xml:"presence"`
		From     string    `xml:"from,attr,omitempty"`
		To       string    `xml:"to,attr,omitempty"`
		ID       string    `xml:"id,attr,omitempty"`
		Type     string    `xml:"type,attr,omitempty"`
		Lang     string    `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
		Show     string    `xml:"show,omitempty"`
		Status   []mixText `xml:"status"`
		Priority string    `xml:"priority,omitempty"`
		Error    *mixAny   `xml:"error"`
		Any      []mixAny  `xml:",any"`
	}
	mixIQ struct {
		XMLName xml.Name `xml:"iq"`
		From    string   `xml:"from,attr,omitempty"`
		To      string   `xml:"to,attr,omitempty"`
		ID      string   `xml:"id,attr,omitempty"`
		Type    string   `xml:"type,attr,omitempty"`
		Lang    string   `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
		Error   *mixAny  `xml:"error"`
		Any     []mixAny `xml:",any"`
	}
)

// mixStanza is one stanza of the mix: its bytes and what each side decodes
// it into.
type mixStanza struct {
	data []byte
	kind string // message, presence, iq
	slot int    // 0, 1, 2 for message, presence, iq
	std  any    // the encoding/xml value, decoded
	ours stanza.Element
}

// untypedNS matches a namespace declaration, with its prefix and value.
var untypedNS = regexp.MustCompile(`xmlns(:[^=\s]+)?=(['"])([^'"]*)['"]`)

// untypedMix returns the mix with every namespace but the stanzas' own
// renamed under urn:example:untyped:, so that no imported package types
// any payload: every payload is then kept raw, as the payloads of
// extensions an application does not import are.
func untypedMix(tb testing.TB, mix []mixStanza) []mixStanza {
	tb.Helper()
	out := make([]mixStanza, len(mix))
	for i, m := range mix {
		data := untypedNS.ReplaceAllFunc(m.data, func(b []byte) []byte {
			sm := untypedNS.FindSubmatch(b)
			if ns := string(sm[3]); ns == xmpp.NS || ns == "" {
				return b
			}
			return fmt.Appendf(nil, "xmlns%s=%surn:example:untyped:%s%s", sm[1], sm[2], sm[3], sm[2])
		})
		u := mixStanza{data: data, kind: m.kind, slot: m.slot}
		u.std, u.ours = mixValues(m.slot)
		if err := xml.Unmarshal(data, u.std); err != nil {
			tb.Fatalf("untyped %s: %v", data, err)
		}
		if err := stanza.Unmarshal(data, u.ours); err != nil {
			tb.Fatalf("untyped %s: %v", data, err)
		}
		var payloads []stanza.Element
		switch x := u.ours.(type) {
		case *xmpp.Message:
			payloads = x.Any
		case *xmpp.Presence:
			payloads = x.Any
		case *xmpp.IQ:
			payloads = x.Any
		}
		for _, p := range payloads {
			if _, raw := p.(*stanza.RawElement); !raw {
				tb.Fatalf("untyped %s: payload %T typed", data, p)
			}
		}
		out[i] = u
	}
	return out
}

// sizedMix returns the stanzas of the mix of at most 420 bytes, the size of
// real traffic, every other one that carries a payload taken from umix
// (the mix with no payload typed): a set shaped like the held-out one the
// speed issue describes (291 bytes on average, 42% of the stanzas with a
// payload no imported package types).
func sizedMix(mix, umix []mixStanza) []mixStanza { return sizedMixUpTo(mix, umix, 420) }

// sizedMixUpTo is sizedMix with stanzas of up to max bytes.
func sizedMixUpTo(mix, umix []mixStanza, max int) []mixStanza {
	var out []mixStanza
	k := 0
	for i, m := range mix {
		if len(m.data) > max {
			continue
		}
		if !bytes.Equal(umix[i].data, m.data) {
			k++
			if k%2 == 1 {
				m = umix[i]
			}
		}
		out = append(out, m)
	}
	return out
}

// mixCorpus returns every jabber:client message, presence and iq of the
// project's corpus (RFC and XEP examples, Prosody captures, other
// libraries' test vectors, with their unknown payloads) that both
// encoding/xml and protoxmpp decode, with the number left out.
func mixCorpus(tb testing.TB) (mix []mixStanza, total int, skipped int) {
	tb.Helper()
	for _, s := range xmltest.Corpus(tb, "../../testdata/corpus") {
		var d stanza.Decoder
		d.ResetBytes(s.XML, 0, nil)
		if d.Next() != stanza.StartElement {
			continue
		}
		n := d.Name()
		if n.Space != xmpp.NS || (n.Local != "message" && n.Local != "presence" && n.Local != "iq") {
			continue
		}
		total++
		m := mixStanza{data: s.XML, kind: n.Local}
		switch n.Local {
		case "message":
			m.std, m.ours = new(mixMessage), new(xmpp.Message)
		case "presence":
			m.std, m.ours, m.slot = new(mixPresence), new(xmpp.Presence), 1
		default:
			m.std, m.ours, m.slot = new(mixIQ), new(xmpp.IQ), 2
		}
		if xml.Unmarshal(s.XML, m.std) != nil || stanza.Unmarshal(s.XML, m.ours) != nil {
			skipped++
			continue
		}
		mix = append(mix, m)
	}
	return mix, total, skipped
}

func mixBytes(mix []mixStanza) int64 {
	var n int64
	for _, m := range mix {
		n += int64(len(m.data))
	}
	return n
}

// mallocs returns the number of heap allocations so far.
func mallocs() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.Mallocs
}

// reportMix reports the figures per stanza of a benchmark whose every
// iteration is one pass over the mix.
func reportMix(b *testing.B, n int, before uint64) {
	b.StopTimer()
	stanzas := float64(b.N) * float64(n)
	b.ReportMetric(float64(mallocs()-before)/stanzas, "allocs/stanza")
	b.ReportMetric(stanzas/b.Elapsed().Seconds(), "stanzas/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/stanzas, "ns/stanza")
}

// mixCases are the benchmarks of the mix, each iteration one pass over it:
//
//   - decode/protoxmpp: a reused Decoder, ResetBytes, one reused value per
//     kind of stanza (what an application reading stanzas does);
//   - decode/protoxmpp_string: the same with Reset, for a caller whose
//     input is an immutable string: decoded in place, without the copy
//     ResetBytes makes;
//   - decode/protoxmpp_unmarshal: stanza.Unmarshal into the reused values
//     (the README's call, its Decoder pooled);
//   - decode/protoxmpp_registry: stanza.DecodeElement, a fresh value per
//     stanza (what stream does);
//   - decode/encoding_xml: xml.Unmarshal into the structs above;
//   - encode/protoxmpp: a reused Encoder; encode/protoxmpp_marshal:
//     stanza.Marshal, a new slice per stanza; encode/encoding_xml: a reused
//     xml.Encoder over a reused buffer, as a client writes to its
//     connection;
//   - stream/receiving and stream/initiating: the stanzas as one stream,
//     fed in 4 KiB chunks to a stream.Stream of each role (the receiving
//     one on a jabber:server stream, where stanzas need no authentication
//     first); stream/initiating_isolated with Config.Isolate, and
//     stream/initiating_recycled handing each element back with Recycle.
var mixCases = []struct {
	name string
	run  func(b *testing.B, mix []mixStanza)
}{
	{"decode/protoxmpp", func(b *testing.B, mix []mixStanza) {
		var d stanza.Decoder
		vals := [3]stanza.Element{new(xmpp.Message), new(xmpp.Presence), new(xmpp.IQ)}
		b.SetBytes(mixBytes(mix))
		before := mallocs()
		for b.Loop() {
			for i := range mix {
				d.ResetBytes(mix[i].data, 0, nil)
				d.Next()
				if err := vals[mix[i].slot].DecodeXMPP(&d); err != nil {
					b.Fatal(err)
				}
			}
		}
		reportMix(b, len(mix), before)
	}},
	{"decode/protoxmpp_string", func(b *testing.B, mix []mixStanza) {
		var d stanza.Decoder
		vals := [3]stanza.Element{new(xmpp.Message), new(xmpp.Presence), new(xmpp.IQ)}
		// The inputs as strings, sharing the bytes of the mix (which
		// nothing writes): Reset decodes them in place, without the copy
		// that ResetBytes makes of a slice the caller may write to.
		strs := make([]string, len(mix))
		for i := range mix {
			strs[i] = unsafe.String(unsafe.SliceData(mix[i].data), len(mix[i].data))
		}
		b.SetBytes(mixBytes(mix))
		before := mallocs()
		for b.Loop() {
			for i := range mix {
				d.Reset(strs[i], 0, nil)
				d.Next()
				if err := vals[mix[i].slot].DecodeXMPP(&d); err != nil {
					b.Fatal(err)
				}
			}
		}
		reportMix(b, len(mix), before)
	}},
	{"decode/protoxmpp_unmarshal", func(b *testing.B, mix []mixStanza) {
		vals := [3]stanza.Element{new(xmpp.Message), new(xmpp.Presence), new(xmpp.IQ)}
		b.SetBytes(mixBytes(mix))
		before := mallocs()
		for b.Loop() {
			for i := range mix {
				if err := stanza.Unmarshal(mix[i].data, vals[mix[i].slot]); err != nil {
					b.Fatal(err)
				}
			}
		}
		reportMix(b, len(mix), before)
	}},
	{"decode/protoxmpp_registry", func(b *testing.B, mix []mixStanza) {
		var d stanza.Decoder
		b.SetBytes(mixBytes(mix))
		before := mallocs()
		for b.Loop() {
			for i := range mix {
				d.ResetBytes(mix[i].data, 0, nil)
				d.Next()
				if _, err := stanza.DecodeElement(&d); err != nil {
					b.Fatal(err)
				}
			}
		}
		reportMix(b, len(mix), before)
	}},
	{"decode/encoding_xml", func(b *testing.B, mix []mixStanza) {
		b.SetBytes(mixBytes(mix))
		before := mallocs()
		for b.Loop() {
			for i := range mix {
				var v any
				switch mix[i].kind {
				case "message":
					v = new(mixMessage)
				case "presence":
					v = new(mixPresence)
				default:
					v = new(mixIQ)
				}
				if err := xml.Unmarshal(mix[i].data, v); err != nil {
					b.Fatal(err)
				}
			}
		}
		reportMix(b, len(mix), before)
	}},
	{"encode/protoxmpp", func(b *testing.B, mix []mixStanza) {
		e := stanza.NewEncoder(nil)
		var out int64
		for i := range mix {
			e.Reset(e.Bytes()[:0])
			mix[i].ours.EncodeXMPP(e)
			out += int64(len(e.Bytes()))
		}
		b.SetBytes(out)
		before := mallocs()
		for b.Loop() {
			for i := range mix {
				e.Reset(e.Bytes()[:0])
				mix[i].ours.EncodeXMPP(e)
				if e.Err() != nil {
					b.Fatal(e.Err())
				}
			}
		}
		reportMix(b, len(mix), before)
	}},
	{"encode/protoxmpp_marshal", func(b *testing.B, mix []mixStanza) {
		var out int64
		for i := range mix {
			p, _ := stanza.Marshal(mix[i].ours)
			out += int64(len(p))
		}
		b.SetBytes(out)
		before := mallocs()
		for b.Loop() {
			for i := range mix {
				if _, err := stanza.Marshal(mix[i].ours); err != nil {
					b.Fatal(err)
				}
			}
		}
		reportMix(b, len(mix), before)
	}},
	{"encode/encoding_xml", func(b *testing.B, mix []mixStanza) {
		var buf bytes.Buffer
		enc := xml.NewEncoder(&buf)
		var out int64
		for i := range mix {
			buf.Reset()
			enc.Encode(mix[i].std)
			out += int64(buf.Len())
		}
		b.SetBytes(out)
		before := mallocs()
		for b.Loop() {
			for i := range mix {
				buf.Reset()
				if err := enc.Encode(mix[i].std); err != nil {
					b.Fatal(err)
				}
			}
		}
		reportMix(b, len(mix), before)
	}},
	{"stream/receiving", func(b *testing.B, mix []mixStanza) { mixStream(b, mix, stream.Receiving, false, false) }},
	{"stream/initiating", func(b *testing.B, mix []mixStanza) { mixStream(b, mix, stream.Initiating, false, false) }},
	{"stream/initiating_isolated", func(b *testing.B, mix []mixStanza) { mixStream(b, mix, stream.Initiating, true, false) }},
	{"stream/initiating_recycled", func(b *testing.B, mix []mixStanza) { mixStream(b, mix, stream.Initiating, false, true) }},
}

// mixStream feeds the mix as one stream to a stream.Stream of the role;
// with isolate, each element gets memory of its own (Config.Isolate);
// with recycle, each element is handed back with Recycle once counted, as
// an application that does not keep stanzas does.
func mixStream(b *testing.B, mix []mixStanza, role stream.Role, isolate, recycle bool) {
	var buf bytes.Buffer
	cfg := stream.Config{Role: role, Isolate: isolate}
	if role == stream.Initiating {
		buf.WriteString("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='s1' version='1.0'>")
	} else {
		cfg.NS = stream.NSServer
		buf.WriteString("<?xml version='1.0'?><stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' to='example.com' from='example.net' version='1.0'>")
	}
	for i := range mix {
		buf.Write(mix[i].data)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	before := mallocs()
	for b.Loop() {
		s := stream.New(cfg)
		got := 0
		for off := 0; off < len(data); off += 4 << 10 {
			s.Feed(data[off:min(off+4<<10, len(data))])
			for ev := s.Next(); ev.Kind != stream.EventNone; ev = s.Next() {
				switch ev.Kind {
				case stream.EventOpen:
					if role == stream.Receiving {
						s.Open(stream.Header{From: "example.com"})
					}
				case stream.EventElement:
					got++
					if recycle {
						s.Recycle(ev.Element)
					}
				case stream.EventError, stream.EventStreamError:
					b.Fatal(ev.Err)
				}
			}
			s.Output()
		}
		if got != len(mix) {
			b.Fatalf("%d stanzas out of the stream, want %d (%v)", got, len(mix), s.Err())
		}
	}
	reportMix(b, len(mix), before)
}

// BenchmarkMix decodes and encodes every real stanza of the corpus (see
// mixCorpus), in one run with encoding/xml doing the same: the realistic
// mix of what users receive, payloads the imported packages do not know
// included. Each iteration is one pass over the mix. The codec's cases
// run again on the mix with no payload typed (untyped/), on the stanzas of
// real-traffic size (sized/, see sizedMix), on 30 of those (small/, see
// smallMix) and on 45 copies of the 30 (copies/, see copiesMix).
func BenchmarkMix(b *testing.B) {
	mix, total, skipped := mixCorpus(b)
	size := mixBytes(mix)
	b.Logf("mix: %d stanzas (of the corpus's %d jabber:client stanzas; %d left out because encoding/xml refuses them), %d bytes, %.0f bytes on average",
		len(mix), total, skipped, size, float64(size)/float64(len(mix)))
	for _, c := range mixCases {
		b.Run(c.name, func(b *testing.B) { c.run(b, mix) })
	}
	umix := untypedMix(b, mix)
	for _, c := range mixCases {
		if untypedCase(c.name) {
			b.Run("untyped/"+c.name, func(b *testing.B) { c.run(b, umix) })
		}
	}
	sized := sizedMix(mix, umix)
	for _, c := range mixCases {
		if untypedCase(c.name) {
			b.Run("sized/"+c.name, func(b *testing.B) { c.run(b, sized) })
		}
	}
	small := smallMix(sized)
	copies := copiesMix(b, small)
	for _, c := range mixCases {
		if untypedCase(c.name) {
			b.Run("small/"+c.name, func(b *testing.B) { c.run(b, small) })
			b.Run("copies/"+c.name, func(b *testing.B) { c.run(b, copies) })
		}
	}
}

// copiesMix returns 45 copies of small, each with bytes and values of its
// own: the memory of a set as large as the sized one, and the few inputs
// of small. Against small/ and sized/, it tells whether what makes sized/
// slower is memory or the variety of its inputs, which the processor's
// branch predictors cannot learn.
func copiesMix(tb testing.TB, small []mixStanza) []mixStanza {
	tb.Helper()
	var out []mixStanza
	for range 45 {
		for _, m := range small {
			out = append(out, cloneStanza(tb, m))
		}
	}
	return out
}

// cloneStanza returns m with bytes of its own, decoded into new values by
// both sides.
func cloneStanza(tb testing.TB, m mixStanza) mixStanza {
	tb.Helper()
	c := mixStanza{data: bytes.Clone(m.data), kind: m.kind, slot: m.slot}
	c.std, c.ours = mixValues(m.slot)
	if err := xml.Unmarshal(c.data, c.std); err != nil {
		tb.Fatal(err)
	}
	if err := stanza.Unmarshal(c.data, c.ours); err != nil {
		tb.Fatal(err)
	}
	return c
}

// mixValues returns new values of both sides for a stanza of the slot.
func mixValues(slot int) (std any, ours stanza.Element) {
	switch slot {
	case 0:
		return new(mixMessage), new(xmpp.Message)
	case 1:
		return new(mixPresence), new(xmpp.Presence)
	}
	return new(mixIQ), new(xmpp.IQ)
}

// smallMix returns 30 stanzas of sized, taken at even steps: a working set
// that stays in the processor's caches when looped over, where the whole
// set does not. The two together show how much of a figure is memory:
// sized/ stands for a program handling traffic it did not just touch,
// small/ for one encoding a stanza it just built or decoding one it just
// read. (The branch predictors also learn a short loop better.)
func smallMix(sized []mixStanza) []mixStanza {
	var out []mixStanza
	for i := 0; i < len(sized) && len(out) < 30; i += len(sized) / 30 {
		out = append(out, sized[i])
	}
	return out
}

// untypedCase reports whether the case of that name also runs on the mix
// with no payload typed: the codec's, whose figures it changes.
func untypedCase(name string) bool {
	return name != "stream/receiving" && name != "stream/initiating" && name != "stream/initiating_isolated" && name != "stream/initiating_recycled"
}

var mixFlag = flag.Bool("mix", false, "TestMixRatios: measure the mix and print the ratios to encoding/xml")

// TestMixRatios runs the mix benchmarks in three interleaved rounds,
// keeps the best of each, and prints the README's table with the ratios
// to encoding/xml measured in the same run; then the ratios on the
// stanzas of real-traffic size (sizedMix). It runs with -mix only.
func TestMixRatios(t *testing.T) {
	if !*mixFlag {
		t.Skip("run with -mix to measure the mix")
	}
	mix, total, skipped := mixCorpus(t)
	umix := untypedMix(t, mix)
	res := map[string]testing.BenchmarkResult{}
	var names []string
	for round := range 3 {
		for _, c := range mixCases {
			for _, u := range []bool{false, true} {
				name, m := c.name, mix
				if u {
					if !untypedCase(c.name) {
						continue
					}
					name, m = "untyped/"+c.name, umix
				}
				if round == 0 {
					names = append(names, name)
				}
				r := testing.Benchmark(func(b *testing.B) { c.run(b, m) })
				if old, ok := res[name]; !ok || r.NsPerOp() < old.NsPerOp() {
					res[name] = r
				}
			}
		}
	}
	rows := []string{fmt.Sprintf("mix: %d stanzas (%d in the corpus, %d refused by encoding/xml), %.0f bytes on average", len(mix), total, skipped, float64(mixBytes(mix))/float64(len(mix))),
		"| path | MB/s | stanzas/s | ns/stanza | allocs/stanza |", "| --- | ---: | ---: | ---: | ---: |"}
	for _, name := range names {
		r := res[name]
		rows = append(rows, fmt.Sprintf("| %s | %.0f | %.0f | %.0f | %.2f |", name, float64(r.Bytes)*float64(r.N)/r.T.Seconds()/1e6, r.Extra["stanzas/s"], r.Extra["ns/stanza"], r.Extra["allocs/stanza"]))
	}
	ratio := func(std, ours string) float64 { return float64(res[std].NsPerOp()) / float64(res[ours].NsPerOp()) }
	t.Logf("\n%s\ndecode %.1fx encoding/xml (from a string %.1fx, through the registry %.1fx), encode %.1fx; no payload typed: decode %.1fx (through the registry %.1fx), encode %.1fx", strings.Join(rows, "\n"),
		ratio("decode/encoding_xml", "decode/protoxmpp"), ratio("decode/encoding_xml", "decode/protoxmpp_string"), ratio("decode/encoding_xml", "decode/protoxmpp_registry"), ratio("encode/encoding_xml", "encode/protoxmpp"),
		ratio("untyped/decode/encoding_xml", "untyped/decode/protoxmpp"), ratio("untyped/decode/encoding_xml", "untyped/decode/protoxmpp_registry"), ratio("untyped/encode/encoding_xml", "untyped/encode/protoxmpp"))

	// The stanzas of real-traffic size: each ratio from two runs side by
	// side, the median of nine rounds.
	sized := sizedMix(mix, umix)
	ratios := mixRatios
	dec, str, enc := ratios(sized)
	untyped := 0
	for _, m := range sized {
		if bytes.Contains(m.data, []byte("urn:example:untyped:")) {
			untyped++
		}
	}
	t.Logf("stanzas of real-traffic size: %d of at most 420 bytes, %.0f on average, %d with payloads untyped: decode %.1fx (from a string %.1fx), encode %.1fx",
		len(sized), float64(mixBytes(sized))/float64(len(sized)), untyped, dec, str, enc)
	small := smallMix(sized)
	dec, str, enc = ratios(small)
	t.Logf("%d of them, looped (a working set in cache): decode %.1fx (from a string %.1fx), encode %.1fx", len(small), dec, str, enc)
	dec, str, enc = ratios(copiesMix(t, small))
	t.Logf("45 copies of those (the memory of the sized set, the inputs of the small one): decode %.1fx (from a string %.1fx), encode %.1fx", dec, str, enc)
}

// mixRatios returns the decode, decode from a string and encode ratios to
// encoding/xml on set: each ratio from two runs side by side, the median
// of nine rounds.
func mixRatios(set []mixStanza) (dec, str, enc float64) {
	cases := map[string]func(*testing.B, []mixStanza){}
	for _, c := range mixCases {
		cases[c.name] = c.run
	}
	run := func(name string) float64 {
		return float64(testing.Benchmark(func(b *testing.B) { cases[name](b, set) }).NsPerOp())
	}
	var d, s, e []float64
	for range 9 {
		std := run("decode/encoding_xml")
		d = append(d, std/run("decode/protoxmpp"))
		s = append(s, std/run("decode/protoxmpp_string"))
		std = run("encode/encoding_xml")
		e = append(e, std/run("encode/protoxmpp"))
	}
	median := func(x []float64) float64 { slices.Sort(x); return x[len(x)/2] }
	return median(d), median(s), median(e)
}

// TestMixRatiosLean measures the ratios of TestMixRatios's sets of
// real-traffic size in a process that holds only the set measured, its
// bytes and the values each side decodes it into, as a program timing the
// held-out stanzas would: TestMixRatios holds the whole corpus, decoded
// by both sides and untyped, some megabytes that the collector marks in
// every cycle, and a decode that allocates pays for those cycles in
// proportion to what it allocates. It measures the stanzas of at most 420
// bytes (sizedMix) and those of at most 700 bytes, whose 295 bytes on
// average are the held-out set's. It runs with -mix only.
func TestMixRatiosLean(t *testing.T) {
	if !*mixFlag {
		t.Skip("run with -mix to measure the mix")
	}
	for _, max := range []int{420, 700} {
		set := leanMix(t, max)
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		dec, str, enc := mixRatios(set)
		t.Logf("stanzas of at most %d bytes: %d, %.0f bytes on average, %.1f MB of heap in use: decode %.1fx (from a string %.1fx), encode %.1fx",
			max, len(set), float64(mixBytes(set))/float64(len(set)), float64(ms.HeapAlloc)/1e6, dec, str, enc)
	}
}

// leanMix returns sizedMixUpTo(max) with bytes and values of its own, so
// that nothing else of the corpus stays referenced.
func leanMix(t *testing.T, max int) []mixStanza {
	mix, _, _ := mixCorpus(t)
	var out []mixStanza
	for _, m := range sizedMixUpTo(mix, untypedMix(t, mix), max) {
		out = append(out, cloneStanza(t, m))
	}
	return out
}
