//go:build amd64 && !purego && linux

package stanza

import (
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// TestScanPageEdge runs the SSE2 scans over inputs that end just before a
// page that cannot be read, or start just after one, with a byte to flag
// at every position: their last loads stay in the input's page, and they
// find what the word-wide masks find.
func TestScanPageEdge(t *testing.T) {
	const page = 4096
	mem, err := syscall.Mmap(-1, 0, 3*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip("mmap:", err)
	}
	defer syscall.Munmap(mem)
	if err := syscall.Mprotect(mem[:page], syscall.PROT_NONE); err != nil {
		t.Skip("mprotect:", err)
	}
	if err := syscall.Mprotect(mem[2*page:], syscall.PROT_NONE); err != nil {
		t.Skip("mprotect:", err)
	}
	// A byte is flagged when the word test flags it in a word of 'x'.
	flagged := func(mask func(uint64) uint64, c byte) bool { return mask(0x7878787878787800|uint64(c))&0x80 != 0 }
	want := func(mask func(uint64) uint64, s []byte) int {
		for i, c := range s {
			if flagged(mask, c) {
				return i
			}
		}
		return len(s)
	}
	dst := make([]byte, 200)
	// The names encAttrSSE writes first: from the heap, and at the end of
	// a page before one that cannot be read.
	opens := []string{"", " b='", " a-long-attribute-name='"}
	atEnd := []string{" b='", " id='", " a-long-attribute-name='"}
	names, err := syscall.Mmap(-1, 0, 2*len(atEnd)*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip("mmap:", err)
	}
	defer syscall.Munmap(names)
	for i, o := range atEnd {
		end := (2*i + 1) * page // each name ends where a page it cannot read starts
		if err := syscall.Mprotect(names[end:end+page], syscall.PROT_NONE); err != nil {
			t.Skip("mprotect:", err)
		}
		at := names[end-len(o) : end]
		copy(at, o)
		opens = append(opens, unsafe.String(&at[0], len(at)))
	}
	for n := 1; n < 70; n++ {
		for _, c := range []byte{'&', '<', '>', '\'', '"', '\t', '\n', 0x01, 0x1F, 0x7F, 0x80, 0xC3, 0xFF, ' ', '(', '=', 'a'} {
			for at := -1; at < n; at++ {
				for _, start := range []int{page, page + 7, 2*page - n, 2*page - n - 3, 2*page - n - 20, 2*page - 40} {
					if start+n > 2*page {
						continue
					}
					s := mem[start : start+n]
					copy(s, strings.Repeat("x", n))
					if at >= 0 {
						s[at] = c
					}
					if got, want := encScanText(&s[0], n), want(encTextMask, s); got != want {
						t.Fatalf("encScanText(%q) at page offset %d = %d, want %d", s, start%page, got, want)
					}
					want := want(encAttrMask, s)
					if got := encScanAttr(&s[0], n); got != want {
						t.Fatalf("encScanAttr(%q) at page offset %d = %d, want %d", s, start%page, got, want)
					}
					value := unsafe.String(&s[0], n) // in place, against the page's end
					for _, open := range opens {
						clear(dst)
						written := open + string(s[:want])
						if want == n {
							written += "'"
						}
						if got := encAttrSSE(&dst[0], open, value); got != want || string(dst[:len(written)]) != written {
							t.Fatalf("encAttrSSE(%q, %q) at page offset %d = %d %q, want %d %q", open, s, start%page, got, dst[:len(written)], want, written)
						}
					}
				}
			}
		}
	}
}
