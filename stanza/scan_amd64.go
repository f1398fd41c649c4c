//go:build amd64 && !purego

package stanza

// encSIMD reports whether encScanText and encScanAttr are the SSE2 scans of
// scan_amd64.s, faster than the word-wide loops of the encoder by two to
// three times on the values of XMPP.
const encSIMD = true

// encScanText returns the offset of the first of the n bytes at p that
// encTextMask flags, or n. p may be nil only when n is 0.
//
//go:noescape
func encScanText(p *byte, n int) int

// encScanAttr is encScanText for encAttrMask.
//
//go:noescape
func encScanAttr(p *byte, n int) int

// encCopyAttrSSE copies the n bytes at src to dst up to the first that
// encAttrMask flags, and returns its offset, or n. It may write up to
// sixteen bytes more than it returns: dst has room for n+16. n is not 0.
//
//go:noescape
func encCopyAttrSSE(dst, src *byte, n int) int
