package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

func main() {
	base := flag.String("base", "encoding_xml", "the `implementation` ratios are taken against")
	flag.Parse()
	rows, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if len(rows) == 0 {
		fmt.Fprintln(os.Stderr, "benchtable: no benchmark results on standard input")
		os.Exit(1)
	}
	if err := write(os.Stdout, rows, *base); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
}

// result is one benchmark of one implementation, with every run's values.
type result struct {
	group, impl string               // "Decode/roster", "protoxmpp"
	values      map[string][]float64 // by unit: "ns/op", "MB/s", "allocs/op", ...
}

// median of the runs for a unit, and whether there were any.
func (r *result) median(unit string) (float64, bool) {
	v := slices.Clone(r.values[unit])
	if len(v) == 0 {
		return 0, false
	}
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2], true
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2, true
}

// parse reads benchmark result lines, in the order they first appear;
// other lines (goos, pkg, PASS, ok ...) are skipped.
func parse(r io.Reader) ([]*result, error) {
	var rows []*result
	byName := map[string]*result{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue // a benchmark's own log line, not a result
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i] // the -GOMAXPROCS suffix
			}
		}
		i := strings.LastIndexByte(name, '/')
		if i < 0 {
			return nil, fmt.Errorf("line %d: %s: no implementation in the name (want Group/impl)", line, f[0])
		}
		res := byName[name]
		if res == nil {
			res = &result{group: name[:i], impl: name[i+1:], values: map[string][]float64{}}
			byName[name] = res
			rows = append(rows, res)
		}
		if len(f)%2 != 0 {
			return nil, fmt.Errorf("line %d: want value-unit pairs after the iteration count", line)
		}
		for j := 2; j+1 < len(f); j += 2 {
			v, err := strconv.ParseFloat(f[j], 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: %q: %v", line, f[j], err)
			}
			res.values[f[j+1]] = append(res.values[f[j+1]], v)
		}
	}
	return rows, sc.Err()
}

// write prints the table: one row per benchmark and implementation.
func write(w io.Writer, rows []*result, base string) error {
	bases := map[string]*result{}
	for _, r := range rows {
		if r.impl == base {
			bases[r.group] = r
		}
	}
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "| benchmark | implementation | MB/s | speed vs %s | allocs/op | allocs vs %s | stanzas/s |\n", base, base)
	fmt.Fprintln(b, "| --- | --- | ---: | ---: | ---: | ---: | ---: |")
	for _, r := range rows {
		mbs, okM := r.median("MB/s")
		allocs, okA := r.median("allocs/op")
		speed, allocRatio := "", ""
		if br := bases[r.group]; br != nil {
			if bm, ok := br.median("MB/s"); ok && okM && bm > 0 {
				speed = fmt.Sprintf("%.2f×", mbs/bm)
			}
			if ba, ok := br.median("allocs/op"); ok && okA && ba > 0 {
				allocRatio = ratio(allocs / ba)
			}
		}
		stanzas, okS := r.median("stanzas/s")
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", r.group, r.impl, number(mbs, okM), speed, count(allocs, okA), allocRatio, number(stanzas, okS))
	}
	return b.Flush()
}

// number formats a value with no more digits than it is worth, or "" when
// the benchmark did not report it.
func number(v float64, ok bool) string {
	switch {
	case !ok:
		return ""
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// count formats a count per operation: whole when it is.
func count(v float64, ok bool) string {
	if ok && v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return number(v, ok)
}

// ratio formats an allocation ratio: two decimals, or 1/N when that would
// round to zero.
func ratio(r float64) string {
	switch {
	case r == 0:
		return "0×"
	case r < 0.01:
		return fmt.Sprintf("1/%.0f", 1/r)
	}
	return fmt.Sprintf("%.2f×", r)
}
