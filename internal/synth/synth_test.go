package synth

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/site"
)

// TestSite checks that a generated site is deterministic, builds without
// a problem, and has records at every precision the place list offers.
func TestSite(t *testing.T) {
	const n = 1500
	a, b := t.TempDir(), t.TempDir()
	if _, err := Site("../..", a, n, 7); err != nil {
		t.Fatal(err)
	}
	if _, err := Site("../..", b, n, 7); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{DataFile(0), DataFile(n - 1)} {
		x, err1 := os.ReadFile(filepath.Join(a, f))
		y, err2 := os.ReadFile(filepath.Join(b, f))
		if err1 != nil || err2 != nil || string(x) != string(y) {
			t.Fatalf("%s differs between two runs with the same seed (%v, %v)", f, err1, err2)
		}
	}
	s, problems := site.Load(a)
	if err := problems.Err(); err != nil {
		t.Fatal(err)
	}
	g, err := s.Gazetteer()
	if err != nil {
		t.Fatal(err)
	}
	if l := s.Geocode(g); len(l) > 0 {
		t.Fatalf("geocoding the synthetic site: %v", l)
	}
	if len(s.Records) != n {
		t.Fatalf("%d records, want %d", len(s.Records), n)
	}
	seen := map[geo.Precision]int{}
	explicit := 0
	for _, r := range s.Records {
		seen[r.Location.Precision]++
		if r.Location.Explicit {
			explicit++
		}
	}
	for _, p := range []geo.Precision{geo.Venue, geo.Neighbourhood, geo.District, geo.City, geo.Country} {
		if seen[p] == 0 {
			t.Errorf("no record at %s precision: %v", p, seen)
		}
	}
	if explicit == 0 {
		t.Error("no record with explicit coordinates")
	}
}
