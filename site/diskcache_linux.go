//go:build linux

package site

import (
	"os"

	"golang.org/x/sys/unix"
)

// mapEntry maps the cache entry f, size bytes long, read-only into memory,
// its pages read in at once (MAP_POPULATE): a decoding's strings then
// point into the system's page cache, not into a copy on the heap. ok is
// false when it cannot, and the entry is then read (see diskCache.get).
// The mapping is never undone but by unmapEntry, before any of its bytes
// are handed out: it lives as long as the process.
func mapEntry(f *os.File, size int64) (b []byte, ok bool) {
	if size <= 0 || !mappedEntries.take(size) {
		return nil, false
	}
	b, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED|unix.MAP_POPULATE)
	if err != nil {
		mappedEntries.give(size)
		return nil, false
	}
	return b, true
}

// unmapEntry undoes mapEntry, for an entry that is not used.
func unmapEntry(b []byte) {
	if unix.Munmap(b) == nil {
		mappedEntries.give(int64(len(b)))
	}
}
