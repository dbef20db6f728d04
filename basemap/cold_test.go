package basemap

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/internal/synth"
)

// synthMarks returns the site of n records of the synthetic benchmark
// and the marks of its locators, each view once (a build draws a body
// per point and zoom): records with coordinates of their own as venues.
func synthMarks(tb testing.TB, n int) (Site, []Mark) {
	tb.Helper()
	pool, err := synth.LoadPlaces("..")
	if err != nil {
		tb.Fatal(err)
	}
	s := Site{Language: "en"}
	var marks []Mark
	seen := map[Mark]bool{}
	for _, r := range synth.Generate(n, 1, pool) {
		lon, lat, p := r.Place.Lon, r.Place.Lat, r.Place.Precision
		if r.Coords != nil {
			lon, lat, p = r.Coords[0], r.Coords[1], geo.Venue
		}
		s.Points = append(s.Points, [2]float64{lon, lat})
		m := Mark{Lon: lon, Lat: lat, Zoom: LocatorZoom(p.String())}
		if !seen[m] {
			seen[m] = true
			marks = append(marks, m)
		}
	}
	return s, marks
}

// BenchmarkCold1k measures what the base map costs a cold build of 1,000
// synthetic records, in a process of its own: loading the bundled base
// map, the site's scripts and labels, and the body of every locator view.
func BenchmarkCold1k(b *testing.B) {
	s, marks := synthMarks(b, 1000)
	for b.Loop() {
		base, err := Load(bundledData)
		if err != nil {
			b.Fatal(err)
		}
		_, loc := base.ForSite(s, "")
		for _, m := range marks {
			loc.Body(m)
		}
	}
}

// BenchmarkBodies1k measures the bodies of the locator views of 1,000
// synthetic records, from a base map loaded anew (its land not decoded).
func BenchmarkBodies1k(b *testing.B) {
	s, marks := synthMarks(b, 1000)
	for b.Loop() {
		b.StopTimer()
		base, err := Load(bundledData)
		if err != nil {
			b.Fatal(err)
		}
		_, loc := base.ForSite(s, "")
		b.StartTimer()
		for _, m := range marks {
			loc.Body(m)
		}
	}
}

// TestLatitudes checks the table of latitudes against mercatorY, to the
// bit, on and off each band's grid, made and then read back.
func TestLatitudes(t *testing.T) {
	base := bundled(t)
	r := rand.New(rand.NewPCG(7, 8))
	for i, band := range Bands {
		ys := base.latitudes(i)
		var lats []float64
		for range 20000 {
			k := r.IntN(int(180/band.Quantum)+1) - int(90/band.Quantum)
			lats = append(lats, float64(k)*band.Quantum, (r.Float64()-0.5)*180)
		}
		lats = append(lats, -90, 90, 0, 85.0511, -85.0511, 89.99)
		for range 2 { // made, then from the table
			for _, lat := range lats {
				if got, want := ys.y(lat), mercatorY(lat); math.Float64bits(got) != math.Float64bits(want) {
					t.Fatalf("band %d: y(%v) = %v, want %v", i, lat, got, want)
				}
			}
		}
		if band.Quantum >= 0.003 && len(ys.ys) == 0 {
			t.Errorf("band %d has no table", i)
		}
	}
}

// TestDecodeLand checks decodeLand against encoding/json on the land of
// every outline script of the bundled base map: the same polygons, rings
// and points, and each polygon's bound as orb makes it.
func TestDecodeLand(t *testing.T) {
	b := bundled(t)
	check := func(name string, obj []byte, q float64) {
		t.Helper()
		var want struct{ Land [][][]int64 }
		if err := json.Unmarshal(obj, &want); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := decodeLand(obj, q)
		if len(got) != len(want.Land) {
			t.Fatalf("%s: %d polygons, want %d", name, len(got), len(want.Land))
		}
		for i, wp := range want.Land {
			var p orb.Polygon
			for _, wr := range wp {
				var r orb.Ring
				var x, y int64
				for j := 0; j+1 < len(wr); j += 2 {
					x, y = x+wr[j], y+wr[j+1]
					r = append(r, orb.Point{float64(x) * q, float64(y) * q})
				}
				p = append(p, r)
			}
			if !p.Equal(got[i].Polygon) || p.Bound() != got[i].bound {
				t.Fatalf("%s: polygon %d differs", name, i)
			}
		}
	}
	check("world", append(append([]byte("{"), b.world...), '}'), Bands[0].Quantum)
	n := 0
	for i, cells := range b.cells {
		for _, c := range cells {
			obj := c.script[bytes.IndexByte(c.script, '=')+1 : len(c.script)-1]
			check(c.path, obj, Bands[i].Quantum)
			n++
		}
	}
	if n == 0 {
		t.Error("no outline cells")
	}
}

// TestZoomCells checks the labels indexed by 1° cell at every zoom against
// a map of each cell's labels, on a synthetic site's labels and two
// outside the array of cells.
func TestZoomCells(t *testing.T) {
	s, _ := synthMarks(t, 1000)
	all := bundled(t).Labels(s)
	all = append(all, Label{Name: "far", Lon: 181.5, Lat: 10, MinZoom: 0, MaxZoom: MaxZoom}, Label{Name: "pole", Lon: 0, Lat: -91, MinZoom: 4, MaxZoom: 4})
	l := bundled(t).locators(all)
	rank := [...]int64{KindCountry: 3, KindRegion: 2, KindCity: 0, KindDistrict: 1}
	for z := 0; z <= MaxZoom; z++ {
		want := map[[2]int][]int64{}
		for i, lb := range all {
			if z >= lb.MinZoom && z <= lb.MaxZoom {
				k := [2]int{int(math.Floor(lb.Lon)), int(math.Floor(lb.Lat))}
				want[k] = append(want[k], rank[lb.Kind]<<32|int64(i))
			}
		}
		c, n := l.zoomCells(z), 0
		for y := -92; y <= 92; y++ {
			for x := -182; x <= 182; x++ {
				got := slices.Sorted(slices.Values(c.at(x, y)))
				if w := slices.Sorted(slices.Values(want[[2]int{x, y}])); !slices.Equal(got, w) {
					t.Fatalf("zoom %d, cell %d %d: %v, want %v", z, x, y, got, w)
				}
				n += len(got)
			}
		}
		if z == 4 && n < 100 {
			t.Errorf("zoom 4: %d labels", n)
		}
	}
}

// TestLabelsInOrder checks that a site's labels, merged from the stored
// lists and the site's own, are in sortLabels' order, for sites of
// several sizes and languages.
func TestLabelsInOrder(t *testing.T) {
	b := bundled(t)
	s1k, _ := synthMarks(t, 1000)
	de := s1k
	de.Language = "de"
	for name, s := range map[string]Site{"seed": seed, "1k": s1k, "1k de": de, "none": {Language: "en"}} {
		ls := b.Labels(s)
		if !slices.IsSortedFunc(ls, func(a, b Label) int { return compareLabels(&a, &b) }) {
			t.Errorf("%s: the labels are not in sortLabels' order", name)
		}
		if len(ls) < len(b.cities) {
			t.Errorf("%s: %d labels", name, len(ls))
		}
	}
}

// TestSortByRank checks sortByRank against sorting the labels by rank,
// on a shuffled list of unique ranks.
func TestSortByRank(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, n := range []int{0, 1, 2, 17, 5000} {
		ls := make([]Label, n)
		for i, rank := range r.Perm(n) {
			ls[i] = Label{Name: fmt.Sprint(rank), rank: rank * 3}
		}
		want := slices.Clone(ls)
		slices.SortFunc(want, func(a, b Label) int { return cmp.Compare(a.rank, b.rank) })
		if sortByRank(ls); !slices.Equal(ls, want) {
			t.Errorf("%d labels: not in the order of their ranks", n)
		}
	}
}
