//go:build !amd64 || purego

package stanza

import "unsafe"

// encSIMD reports whether encScanText and encScanAttr are the SSE2 scans of
// scan_amd64.s: not on this architecture, where they are the encoder's word-wide loops.
const encSIMD = false

func encScanText(p *byte, n int) int { return encSkipText(unsafe.String(p, n), 0) }

func encScanAttr(p *byte, n int) int { return encSkipAttr(unsafe.String(p, n), 0) }

func encAttrSSE(dst *byte, open, value string) int { panic("unreachable") }
