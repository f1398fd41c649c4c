// Command benchtable reads `go test -bench` output on standard input and
// prints a Markdown table comparing each implementation with a baseline
// (encoding/xml unless -base says otherwise): MB/s and allocations per
// operation, and both as ratios to the baseline of the same benchmark.
//
// A benchmark name's last element is the implementation
// (BenchmarkDecode/roster/protoxmpp-2 is implementation protoxmpp of
// Decode/roster); with -count N, the median of the N runs is used.
//
// Usage:
//
//	cd internal/benchcmp
//	go test -run '^$' -bench . -benchmem -count 5 > bench.txt
//	go run ./cmd/benchtable < bench.txt
package main
