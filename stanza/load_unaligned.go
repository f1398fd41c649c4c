//go:build amd64 || arm64 || ppc64le || 386

package stanza

import "unsafe"

// decLoad64 returns the eight bytes at offset i of the memory at p, the
// first the lowest, which the caller knows to hold them: one load, on the
// little-endian architectures that read a word at any address. Written so,
// it costs the inliner little, which keeps decLetters inlined.
func decLoad64(p unsafe.Pointer, i int) uint64 { return *(*uint64)(unsafe.Add(p, i)) }
