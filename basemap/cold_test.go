package basemap

import (
	"math"
	"math/rand/v2"
	"testing"

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
