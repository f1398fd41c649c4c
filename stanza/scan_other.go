//go:build !amd64 || purego

package stanza

import "unsafe"

// encSIMD reports whether encScanText and encScanAttr are the SSE2 scans of
// scan_amd64.s: not on this architecture (or with -tags purego), where the
// encoder runs its word-wide loops.
const encSIMD = false

// encScanText returns the offset of the first of the n bytes at p that
// encTextMask flags, or n: encSkipText's word loop.
func encScanText(p *byte, n int) int { return encSkipText(unsafe.String(p, n), 0) }

// encScanAttr is encScanText for encAttrMask.
func encScanAttr(p *byte, n int) int { return encSkipAttr(unsafe.String(p, n), 0) }

// encAttrSSE is never called where encSIMD is false.
func encAttrSSE(dst *byte, open, value string) int { panic("stanza: encAttrSSE without SSE2") }
