package hugeheap

import (
	"math"
	"testing"
)

func TestThpMode(t *testing.T) {
	for _, tc := range []struct{ enabled, want string }{
		{"always [madvise] never\n", "madvise"},
		{"[always] madvise never\n", "always"},
		{"always madvise [never]\n", "never"},
		{"always madvise never\n", ""},
		{"", ""},
		{"[broken", ""},
	} {
		if got := thpMode(tc.enabled); got != tc.want {
			t.Errorf("thpMode(%q) = %q, want %q", tc.enabled, got, tc.want)
		}
	}
}

func TestDisabled(t *testing.T) {
	for _, tc := range []struct {
		godebug string
		want    bool
	}{
		{"", false},
		{"disablethp=1", true},
		{"gctrace=1,disablethp=1", true},
		{"disablethp=0", false},
		{"madvdontneed=1", false},
	} {
		if got := disabled(tc.godebug); got != tc.want {
			t.Errorf("disabled(%q) = %v, want %v", tc.godebug, got, tc.want)
		}
	}
}

func TestAligned(t *testing.T) {
	const mb = 1 << 20
	for _, tc := range []struct {
		start  uintptr
		n      int
		lo, hi int
	}{
		{0xc000000000, 8 * mb, 0, 8 * mb},              // aligned both ends
		{0xc000000000 + mb, 8 * mb, mb, 7 * mb},        // a huge page lost at each end
		{0xc000000000 + 4096, 2 * mb, 0, 0},            // no whole huge page inside
		{0xc000000000, mb, 0, 0},                       // smaller than one
		{0xc000000000 + 2*mb - 1, 4 * mb, 1, 2*mb + 1}, // one byte short of a boundary
	} {
		lo, hi := aligned(tc.start, tc.n)
		if lo != tc.lo || hi != tc.hi {
			t.Errorf("aligned(%#x, %d) = %d, %d, want %d, %d", tc.start, tc.n, lo, hi, tc.lo, tc.hi)
		}
	}
}

func TestCapped(t *testing.T) {
	for _, tc := range []struct {
		n     int
		limit int64
		want  int
	}{
		{1 << 30, math.MaxInt64, 1 << 30}, // no limit
		{1 << 30, 16 << 30, 1 << 30},      // a limit far above
		{1 << 30, 1 << 30, 256 << 20},     // a 1 GB limit: a quarter of it
		{1 << 30, 100 << 20, 25 << 20},    // a small machine
	} {
		if got := capped(tc.n, tc.limit); got != tc.want {
			t.Errorf("capped(%d, %d) = %d, want %d", tc.n, tc.limit, got, tc.want)
		}
	}
}
