package build

import (
	"context"
	"path/filepath"
	"runtime/debug"
	"testing"
)

func TestMemoryLimit(t *testing.T) {
	const big = 16 << 30
	tests := []struct {
		name    string
		live    uint64
		records int
		ceiling int64
		want    int64
	}{
		{"small build: the floor", 4 << 20, 1000, big, memoryFloor},
		{"100,000 records", 155 << 20, 100_000, big, (155<<20 + 100_000<<10 + 32<<20) * 29 / 20},
		{"the ceiling wins", 1600 << 20, 1_000_000, 2 << 30, 2 << 30},
		{"a ceiling under the floor", 4 << 20, 1000, 100 << 20, 100 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := memoryLimit(tt.live, tt.records, tt.ceiling); got != tt.want {
				t.Errorf("memoryLimit(%d, %d, %d) = %d, want %d", tt.live, tt.records, tt.ceiling, got, tt.want)
			}
		})
	}
}

// TestLimitMemory: a build with LimitMemory lowers the runtime's memory
// limit from the live heap once the site is loaded, unless GOMEMLIMIT is
// set; a build without it (mapsite serve's) leaves the limit alone.
func TestLimitMemory(t *testing.T) {
	const ceiling = 64 << 30
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)
	floor := memoryFloor
	defer func() { memoryFloor = floor }()
	memoryFloor = 0 // so that the rule, not the floor, decides for the small fixture
	build := func(t *testing.T, limit bool) (got int64, records int) {
		t.Helper()
		debug.SetMemoryLimit(ceiling)
		defer debug.SetMemoryLimit(ceiling) // the build's limit is not the test's
		rep, err := Build(context.Background(), Options{SiteDir: fixture, OutDir: filepath.Join(t.TempDir(), "public"), LimitMemory: limit})
		if err != nil {
			t.Fatal(err)
		}
		return debug.SetMemoryLimit(-1), rep.Records
	}

	t.Setenv("GOMEMLIMIT", "")
	got, n := build(t, true)
	// The live heap then holds at least the records, and at most what the
	// process has ever taken from the system.
	low := memoryLimit(uint64(n)*100, n, ceiling)
	high := memoryLimit(readMetric("/memory/classes/total:bytes"), n, ceiling)
	if got <= low || got > high {
		t.Errorf("LimitMemory: the limit is %d, want one from the live heap once loaded, in (%d, %d]", got, low, high)
	}
	if got, _ := build(t, false); got != ceiling {
		t.Errorf("without LimitMemory the limit became %d, want %d as it was", got, ceiling)
	}
	t.Setenv("GOMEMLIMIT", "64GiB")
	if got, _ := build(t, true); got != ceiling {
		t.Errorf("with GOMEMLIMIT set the limit became %d, want %d as it was", got, ceiling)
	}
}
