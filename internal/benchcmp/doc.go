// Package benchcmp compares protoxmpp with the other Go XMPP libraries:
// encoding/xml into hand-tagged structs, mellium.im/xmpp and gosrc.io/xmpp.
// It is a nested module, so that those libraries never enter the main
// module's go.mod; the package itself holds only tests and benchmarks, and
// its commands are cmd/benchtable (a Markdown table from benchmark output)
// and cmd/loadtest (concurrent client sessions against a local Prosody).
//
// Every implementation decodes the same inputs (../../testdata/bench and a
// ~10 MB stream of mixed stanzas built from them), and tests check that
// each one extracts the same summary before anything is timed, so that no
// variant wins by skipping work. Fields a library cannot represent are
// listed, per variant, in the tests.
//
// # Usage
//
//	cd internal/benchcmp
//	go test -run '^$' -bench . -benchmem -count 5 | tee bench.txt
//	go run ./cmd/benchtable < bench.txt
//
// benchtable prints one row per benchmark and implementation: MB/s,
// allocations per operation, and both as ratios to encoding/xml.
package benchcmp
