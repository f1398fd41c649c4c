package benchcmp_test

import "testing"

// Every benchmark sets bytes to the input's size (for Encode too, whatever
// each library writes), so MB/s compares stanzas per second across
// implementations.

// BenchmarkDecode decodes each input with each implementation.
func BenchmarkDecode(b *testing.B) {
	for _, in := range benchInputs {
		data := readInput(b, in.file)
		for _, v := range in.variants {
			b.Run(in.name+"/"+v.impl, func(b *testing.B) {
				dec := v.decoder()
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := dec(data); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkEncode encodes each input, decoded once by the same
// implementation, into a reused buffer (gosrc: xml.Marshal, as its
// Client.Send does).
func BenchmarkEncode(b *testing.B) {
	for _, in := range benchInputs {
		data := readInput(b, in.file)
		for _, v := range in.variants {
			b.Run(in.name+"/"+v.impl, func(b *testing.B) {
				val, err := v.decoder()(data)
				if err != nil {
					b.Fatal(err)
				}
				enc := v.encoder(val)
				b.SetBytes(int64(len(data)))
				b.ReportAllocs()
				for b.Loop() {
					if _, err := enc(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkStream reads the ~10 MB stream stanza by stanza, every stanza
// decoded to its typed value, with each implementation's reading loop.
func BenchmarkStream(b *testing.B) {
	data, n := benchStream(b)
	for _, r := range streamReaders {
		b.Run(r.impl, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var sum streamSummary
				if err := r.read(data, &sum); err != nil {
					b.Fatal(err)
				}
				if got := sum.Messages + sum.Presences + sum.IQs; got != n {
					b.Fatalf("read %d stanzas of %d", got, n)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "stanzas/s")
		})
	}
}
