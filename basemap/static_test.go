package basemap

import (
	"bytes"
	"crypto/sha256"
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// TestBundledDataUpToDate regenerates the embedded base map from its
// inputs and compares: data/basemap.bin must be what `make basemap-data`
// makes from today's world-atlas, gazetteer and code.
func TestBundledDataUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerating the base map takes seconds")
	}
	got, err := Generate(mustInputs(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, bundledData) {
		t.Errorf("data/basemap.bin is out of date (%d bytes, regenerated %d): run make basemap-data", len(bundledData), len(got))
	}
}

func TestLoadRejectsDamagedData(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"other file", []byte("PK\x03\x04")},
		{"truncated", bundledData[:len(bundledData)/2]},
		{"trailing bytes", append(bytes.Clone(bundledData), 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Load(tt.data); err == nil {
				t.Error("Load accepted it")
			}
		})
	}
}

// TestLabelGridNear checks the grid that finds the labels near records
// against reading every label, for points at the equator, high latitudes
// and by the antimeridian.
func TestLabelGridNear(t *testing.T) {
	b := bundled(t)
	pts := []orb.Point{{28.9784, 41.0082}, {-0.1, 51.5}, {103.8, 1.35}, {25.8, 66.5}, {-21.9, 64.1}, {179.9, -16.5}, {-179.9, 65.5}, {15.6, 78.2}}
	n := newNear(pts)
	for _, tc := range []struct {
		name string
		g    *labelGrid
	}{{"cities", b.deepCities}, {"districts", b.districts}} {
		var want []Label
		for _, k := range tc.g.keys {
			for _, l := range tc.g.cell(k) {
				if n.has(l.Lon, l.Lat) {
					want = append(want, l)
				}
			}
		}
		got := tc.g.near(n, nearCells(pts))
		if len(want) == 0 {
			t.Fatalf("%s: no label near the points; the test proves nothing", tc.name)
		}
		sortByPopulation(got)
		sortByPopulation(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: near gave %d labels, reading them all %d", tc.name, len(got), len(want))
		}
	}
	// The cities labelled worldwide: Labels tests only those in the cells.
	cells := nearCells(pts)
	var got, want int
	for _, l := range b.cities {
		if n.has(l.Lon, l.Lat) {
			want++
			if cells.set[gridCell(l.Lon, l.Lat)] {
				got++
			}
		}
	}
	if want == 0 || got != want {
		t.Errorf("worldwide cities: %d near the points, %d of them in the cells", want, got)
	}
}

// TestOutlineDirStored checks the folder of the outline cells that
// data/basemap.bin stores against hashing the cells, as Generate names it.
func TestOutlineDirStored(t *testing.T) {
	b := bundled(t)
	var cells []cell
	for i := range Bands {
		for _, c := range b.cells[i] {
			cells = append(cells, cell{outlineName(i, c.key), c.script})
		}
	}
	if want := cellDir(cells, 'o'); b.outlineDir() != want || len(cells) < 1000 {
		t.Errorf("data/basemap.bin names the outline cells' folder %q; their %d scripts hash to %q", b.outlineDir(), len(cells), want)
	}
}

// TestOutlineSums checks the digests of the outline cells that
// data/basemap.bin stores against hashing each script, and that they are
// found by the bytes of the cells a site's scripts hold.
func TestOutlineSums(t *testing.T) {
	b := bundled(t)
	sums := map[*byte][sha256.Size]byte{}
	for c, d := range b.OutlineSums() {
		sums[&c[0]] = d
	}
	n := 0
	for p, c := range b.Scripts(seed, "").Cells {
		if !isOutline(p) {
			continue
		}
		n++
		if got, ok := sums[&c[0]]; !ok || got != sha256.Sum256(c) {
			t.Fatalf("%s: stored digest %x (found %v), want %x", p, got, ok, sha256.Sum256(c))
		}
	}
	if n != len(sums) || n < 1000 {
		t.Errorf("%d outline cells in the scripts, %d digests", n, len(sums))
	}
}

// TestStoredLabelsSorted checks that the labels every site takes are
// stored in the order a map places them, which Labels merges in.
func TestStoredLabelsSorted(t *testing.T) {
	b := bundled(t)
	for name, ls := range map[string][]Label{"cities": b.cities, "regions": b.regions} {
		sorted := slices.Clone(ls)
		sortLabels(sorted)
		if !slices.Equal(sorted, ls) {
			t.Errorf("the %s are not stored in sortLabels' order", name)
		}
	}
}
