//go:build !(amd64 || arm64 || ppc64le || 386)

package stanza

import "unsafe"

// decLoad64 returns the eight bytes at offset i of the memory at p, the
// first the lowest, which the caller knows to hold them: byte by byte,
// which the compiler merges into one load where the architecture allows.
func decLoad64(p unsafe.Pointer, i int) uint64 {
	b := (*[8]byte)(unsafe.Add(p, i))
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}
