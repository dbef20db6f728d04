package basemap

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
)

// TestTrimmedClipsAlike checks that clipping a trimmed polygon gives what
// clipping the whole polygon gives, point for point: on the land of the
// base map in the views of random locators at every zoom, and on random
// rings that wander in and out of a view.
func TestTrimmedClipsAlike(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	check := func(view orb.Bound, p orb.Polygon) {
		t.Helper()
		want := clip.Polygon(view, p.Clone())
		got := clip.Polygon(view, trimmed(view, p))
		if !slices.EqualFunc(got, want, func(a, b orb.Ring) bool { return slices.Equal(a, b) }) {
			t.Fatalf("view %v: clipping the trimmed polygon differs from clipping the whole: %d rings of %d points, want %d of %d",
				view, len(got), points(got), len(want), points(want))
		}
	}
	loc := bundled(t).Locators(Site{Language: "en"})
	trims := 0
	for range 400 {
		z := []int{4, 6, 8, 10, 11}[r.IntN(5)]
		lon, lat := -180+r.Float64()*360, -60+r.Float64()*130
		w, h := 360/float64(int(1)<<z)*1.25, 180/float64(int(1)<<z)*0.75
		view := orb.Bound{Min: orb.Point{lon - w/2, lat - h/2}, Max: orb.Point{lon + w/2, lat + h/2}}
		for _, p := range loc.land(z, view) {
			check(view, p)
			if n, m := points(p), points(trimmed(view, p)); m < n {
				trims++
			}
		}
	}
	if trims < 100 {
		t.Fatalf("only %d polygons of land were trimmed: the test does not exercise trimmed", trims)
	}
	view := orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{1, 1}}
	for range 20000 {
		ring := orb.Ring{}
		pt := orb.Point{r.NormFloat64() * 2, r.NormFloat64() * 2}
		for range 3 + r.IntN(40) {
			ring = append(ring, pt)
			pt = orb.Point{pt[0] + r.NormFloat64(), pt[1] + r.NormFloat64()}
			if r.IntN(8) == 0 { // on a side of the view
				pt[r.IntN(2)] = float64(2*r.IntN(2) - 1)
			}
		}
		if r.IntN(2) == 0 {
			ring = append(ring, ring[0])
		}
		check(view, orb.Polygon{ring, ring.Clone()})
	}
}

// points counts the points of p's rings.
func points(p orb.Polygon) int {
	n := 0
	for _, r := range p {
		n += len(r)
	}
	return n
}
