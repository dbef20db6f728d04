package hugeheap

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// advised returns the address ranges of this process's mappings that
// have asked for huge pages ("hg" in their VmFlags in /proc/self/smaps).
func advised(t *testing.T) [][2]uintptr {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	var ranges [][2]uintptr
	var cur [2]uintptr
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if flags, ok := strings.CutPrefix(line, "VmFlags:"); ok {
			for _, fl := range strings.Fields(flags) {
				if fl == "hg" {
					ranges = append(ranges, cur)
				}
			}
			continue
		}
		addrs, _, _ := strings.Cut(line, " ")
		from, to, ok := strings.Cut(addrs, "-")
		if !ok {
			continue
		}
		a, err1 := strconv.ParseUint(from, 16, 64)
		b, err2 := strconv.ParseUint(to, 16, 64)
		if err1 == nil && err2 == nil {
			cur = [2]uintptr{uintptr(a), uintptr(b)}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ranges
}

func inside(ranges [][2]uintptr, p uintptr, n int) bool {
	for _, r := range ranges {
		if p >= r[0] && p+uintptr(n) <= r[1] {
			return true
		}
	}
	return false
}

// TestReserve checks, on the kernel the tests run on, that the reserve is
// advised for huge pages and that the heap then grows into it.
func TestReserve(t *testing.T) {
	if mode := Mode(); mode != "madvise" || disabled(os.Getenv("GODEBUG")) {
		t.Skipf("transparent huge pages are not in the madvise mode here (%q)", mode)
	}
	const n = 64 << 20
	if !Reserve(n) {
		t.Fatal("Reserve reported no collection in the madvise mode")
	}
	var total uintptr
	for _, r := range advised(t) {
		total += r[1] - r[0]
	}
	if total < n-2*hugePage {
		t.Fatalf("%d bytes advised for huge pages, want at least %d", total, n-2*hugePage)
	}
	// A new object larger than what the heap had free before lands in the
	// reserve: its whole huge pages are advised ones.
	b := make([]byte, 8<<20)
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo, hi := aligned(p, len(b))
	if hi-lo < 4<<20 || !inside(advised(t), p+uintptr(lo), hi-lo) {
		t.Errorf("an 8 MB object at %#x is outside the advised ranges %x", p, advised(t))
	}
}

func TestReserveDisabled(t *testing.T) {
	t.Setenv("GODEBUG", "disablethp=1")
	if Reserve(64 << 20) {
		t.Error("Reserve collected with GODEBUG=disablethp=1")
	}
	if Reserve(4096) {
		t.Error("Reserve collected for less than a huge page")
	}
}
