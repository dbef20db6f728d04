// Package hugeheap backs the Go heap with transparent huge pages where the
// kernel gives them only to memory that asks (Linux's THP mode
// "madvise", the default of many distributions and virtual machines).
//
// The Go runtime does not ask for huge pages for the heap, so there every
// 4 kB page the heap grows into costs a page fault: about 20,000 in a
// cold build of 10,000 records. Where a fault is dear (13–18 µs each in
// some virtual machines, about 2 µs on bare hardware) that was a third of
// the build's CPU. Reserve maps address space for the heap to grow into
// and advises it for huge pages, so that it is faulted in 2 MB at a time.
// See docs/SCALING.md, "What makes a build fast".
package hugeheap

import (
	"os"
	"strings"
)

// hugePage is the size of a transparent huge page on amd64 and arm64
// with 4 kB pages; were it larger, the advice would only cover less.
const hugePage = 2 << 20

// Mode returns the mode of the kernel's transparent huge pages ("always",
// "madvise" or "never"), or "" where there are none to read.
func Mode() string {
	enabled, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil {
		return ""
	}
	return thpMode(string(enabled))
}

// thpMode returns the mode the kernel's transparent huge pages are in,
// the bracketed word of /sys/kernel/mm/transparent_hugepage/enabled
// ("always [madvise] never"), or "" if there is none.
func thpMode(enabled string) string {
	_, rest, ok := strings.Cut(enabled, "[")
	if !ok {
		return ""
	}
	mode, _, ok := strings.Cut(rest, "]")
	if !ok {
		return ""
	}
	return mode
}

// disabled reports whether the GODEBUG setting godebug turns huge pages
// off for the heap (disablethp=1), which Reserve respects.
func disabled(godebug string) bool {
	for _, kv := range strings.Split(godebug, ",") {
		if strings.TrimSpace(kv) == "disablethp=1" {
			return true
		}
	}
	return false
}

// aligned returns the part of n bytes at address start that whole huge
// pages cover, as offsets from start: the kernel gives a huge page only
// to an aligned 2 MB that is all advised.
func aligned(start uintptr, n int) (lo, hi int) {
	beg := (start + hugePage - 1) &^ (hugePage - 1)
	end := (start + uintptr(n)) &^ (hugePage - 1)
	if beg >= end {
		return 0, 0
	}
	return int(beg - start), int(end - start)
}

// capped returns n, or a quarter of the soft memory limit if that is less.
func capped(n int, limit int64) int {
	return int(min(int64(n), limit/4))
}
