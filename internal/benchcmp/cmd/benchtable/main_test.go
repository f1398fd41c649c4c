package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/protoxmpp/protoxmpp/internal/benchcmp
cpu: Some CPU
BenchmarkDecode/message/protoxmpp-2         	  900000	      1300 ns/op	 300.00 MB/s	     512 B/op	       3 allocs/op
BenchmarkDecode/message/encoding_xml-2      	   90000	     13000 ns/op	  30.00 MB/s	    4096 B/op	      60 allocs/op
BenchmarkDecode/message/protoxmpp-2         	  900000	      1200 ns/op	 330.00 MB/s	     512 B/op	       3 allocs/op
BenchmarkDecode/message/encoding_xml-2      	   90000	     12000 ns/op	  33.00 MB/s	    4096 B/op	      60 allocs/op
BenchmarkDecode/message/protoxmpp-2         	  900000	      1250 ns/op	 310.00 MB/s	     512 B/op	       3 allocs/op
BenchmarkDecode/message/encoding_xml-2      	   90000	     12500 ns/op	  31.00 MB/s	    4096 B/op	      60 allocs/op
BenchmarkEncode/message/gosrc-2             	   90000	     12500 ns/op	  15.50 MB/s	    4096 B/op	      30 allocs/op
BenchmarkEncode/message/encoding_xml-2      	   90000	     12500 ns/op	  31.00 MB/s	    4096 B/op	      20 allocs/op
BenchmarkStream/protoxmpp-2                 	       5	 200000000 ns/op	  52.43 MB/s	 1000 B/op	  100000 allocs/op	    400000 stanzas/s
some log line from a benchmark
PASS
ok  	github.com/protoxmpp/protoxmpp/internal/benchcmp	12.3s
`

func TestTable(t *testing.T) {
	rows, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := write(&out, rows, "encoding_xml"); err != nil {
		t.Fatal(err)
	}
	// Medians: protoxmpp 310 MB/s, encoding/xml 31 MB/s. The stream has no
	// encoding/xml row in the sample, so no ratios.
	want := `| benchmark | implementation | MB/s | speed vs encoding_xml | allocs/op | allocs vs encoding_xml | stanzas/s |
| --- | --- | ---: | ---: | ---: | ---: | ---: |
| Decode/message | protoxmpp | 310 | 10.00× | 3 | 0.05× |  |
| Decode/message | encoding_xml | 31.0 | 1.00× | 60 | 1.00× |  |
| Encode/message | gosrc | 15.5 | 0.50× | 30 | 1.50× |  |
| Encode/message | encoding_xml | 31.0 | 1.00× | 20 | 1.00× |  |
| Stream | protoxmpp | 52.4 |  | 100000 |  | 400000 |
`
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"no implementation", "BenchmarkDecode-2 100 10 ns/op\n"},
		{"odd fields", "BenchmarkDecode/x/y-2 100 10 ns/op 5\n"},
		{"bad number", "BenchmarkDecode/x/y-2 100 ten ns/op\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := parse(strings.NewReader(tc.in)); err == nil {
				t.Errorf("parse(%q) succeeded, want an error", tc.in)
			}
		})
	}
}

func TestRatio(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{{0, "0×"}, {1, "1.00×"}, {0.05, "0.05×"}, {1.0 / 4460, "1/4460"}, {9.6, "9.60×"}} {
		if got := ratio(tc.in); got != tc.want {
			t.Errorf("ratio(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMedianEven(t *testing.T) {
	r := &result{values: map[string][]float64{"MB/s": {4, 1, 3, 2}}}
	if got, ok := r.median("MB/s"); !ok || got != 2.5 {
		t.Errorf("median = %v, %v; want 2.5, true", got, ok)
	}
	if _, ok := r.median("allocs/op"); ok {
		t.Error("median of an absent unit reported ok")
	}
}
