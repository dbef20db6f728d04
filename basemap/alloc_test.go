package basemap

import (
	"cmp"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// TestForSiteAllocates bounds what preparing the base map of a small site
// allocates: every cold build pays it, in pages the process has not
// touched yet. Its labels were copied three times over (22 MB for 1,000
// synthetic records); what it keeps is about 4 MB.
func TestForSiteAllocates(t *testing.T) {
	base, s := bundled(t), synthSite(t, 1000)
	base.ForSite(s, "") // anything made once per process
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	sc, _ := base.ForSite(s, "")
	runtime.ReadMemStats(&after)
	if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(10<<20); got > limit {
		t.Errorf("ForSite of 1,000 records allocated %.1f MB, want under %d MB", float64(got)/(1<<20), limit>>20)
	}
	// The label cells share blocks: none may reach into the next.
	for p, b := range sc.Cells {
		if cap(b) != len(b) {
			t.Errorf("cell %s: cap %d, len %d", p, cap(b), len(b))
		}
	}
}

// TestCellOf checks cellOf against cellsOf of the point's bound, which it
// replaces for the labels, at cell edges, poles, the antimeridian and
// random points, at every band's cell size.
func TestCellOf(t *testing.T) {
	pts := []orb.Point{{0, 0}, {-180, -90}, {180, 90}, {179.9999, 89.9999}, {-180.0001, 0}, {0, 90.0001},
		{45, 45}, {-45, -45}, {5, -5}, {math.NaN(), 0}, {0, math.Inf(1)}}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		pts = append(pts, orb.Point{(r.Float64() - 0.5) * 362, (r.Float64() - 0.5) * 182})
	}
	for _, band := range Bands[1:] {
		for _, p := range pts {
			want := cellsOf(orb.Bound{Min: p, Max: p}, band.Cell)
			k, ok := cellOf(p[0], p[1], band.Cell)
			if ok != (len(want) == 1) || ok && k != want[0] {
				t.Errorf("cellOf(%v, %v) = %v, %v; cellsOf gives %v", p, band.Cell, k, ok, want)
			}
		}
	}
}

// TestCellLabel checks that a cellLabel gives back its band, cell and
// index, and sorts as they do, for every band's cells.
func TestCellLabel(t *testing.T) {
	type parts struct {
		band int
		k    cellKey
		i    int
	}
	var all []parts
	r := rand.New(rand.NewPCG(3, 4))
	for band := 1; band < len(Bands); band++ {
		nx, ny := int(math.Ceil(360/Bands[band].Cell)), int(math.Ceil(180/Bands[band].Cell))
		for _, k := range []cellKey{{0, 0}, {nx - 1, ny - 1}, {r.IntN(nx), r.IntN(ny)}, {r.IntN(nx), r.IntN(ny)}} {
			for _, i := range []int{0, 1, r.IntN(1 << 20), math.MaxUint32} {
				all = append(all, parts{band, k, i})
			}
		}
	}
	r.Shuffle(len(all), func(a, b int) { all[a], all[b] = all[b], all[a] })
	cls := make([]cellLabel, len(all))
	for j, p := range all {
		c := newCellLabel(p.band, p.k, p.i)
		if c.band() != p.band || c.key() != p.k || int(c.index()) != p.i {
			t.Errorf("newCellLabel(%d, %v, %d) gives back %d, %v, %d", p.band, p.k, p.i, c.band(), c.key(), c.index())
		}
		cls[j] = c
	}
	slices.SortFunc(all, func(a, b parts) int {
		return cmp.Or(cmp.Compare(a.band, b.band), cmp.Compare(a.k.Y, b.k.Y), cmp.Compare(a.k.X, b.k.X), cmp.Compare(a.i, b.i))
	})
	slices.Sort(cls)
	for j, p := range all {
		if c := cls[j]; c.band() != p.band || c.key() != p.k || int(c.index()) != p.i {
			t.Fatalf("sorted: %d, %v, %d at %d, want %d, %v, %d", c.band(), c.key(), c.index(), j, p.band, p.k, p.i)
		}
	}
}
