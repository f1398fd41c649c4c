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

// encAttrSSE writes open, then value up to its first byte that
// encAttrMask flags, to dst, and the closing quote after value if no byte
// is flagged; it returns the number of value's bytes written. It may write
// up to sixteen bytes more than it says, after open as after value: dst
// has room for len(open)+len(value)+33 bytes.
//
//go:noescape
func encAttrSSE(dst *byte, open, value string) int
