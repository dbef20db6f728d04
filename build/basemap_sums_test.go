package build

import (
	"bytes"
	"testing"

	"github.com/mapsite/mapsite/basemap"
)

// TestKnownSum checks the digests the sink takes for the base map's
// outline cells against hashing them, and that other bytes are hashed:
// a copy of a cell, and a cell's bytes but its last (the same address).
func TestKnownSum(t *testing.T) {
	base, err := basemap.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	noteOutlineSums(base)
	n := 0
	for script := range base.OutlineSums() {
		n++
		if got, want := knownSum(script), sum(script); got != want {
			t.Fatalf("knownSum of a cell = %x, want %x", got, want)
		}
		if got, want := knownSum(script[:len(script)-1]), sum(script[:len(script)-1]); got != want {
			t.Fatalf("knownSum of a cell's bytes but the last = %x, want %x", got, want)
		}
		if got, want := knownSum(bytes.Clone(script)), sum(script); got != want {
			t.Fatalf("knownSum of a cell's copy = %x, want %x", got, want)
		}
	}
	if m := outlineSums.Load(); m == nil || len(*m) != n || n < 1000 {
		t.Errorf("outline cells noted: %v, want %d", m != nil, n)
	}
}
