package seedcheck

import (
	"sync"
	"testing"

	"github.com/mapsite/mapsite/diag"
	"github.com/mapsite/mapsite/site"
)

// seedDir is the repository root, which is the seed site.
const seedDir = "../.."

var seed struct {
	loadOnce, geoOnce sync.Once
	site              *site.Site
	load, geo         diag.List
	geoErr            error
}

// loadSeed loads the seed site once, as build does, and fails the test if
// loading found errors.
func loadSeed(t *testing.T) (*site.Site, diag.List) {
	t.Helper()
	seed.loadOnce.Do(func() { seed.site, seed.load = site.Load(seedDir) })
	failOnErrors(t, "loading", seed.load)
	return seed.site, seed.load
}

// geocodeSeed loads the seed site and places every record with the real,
// embedded place list, as build does.
func geocodeSeed(t *testing.T) *site.Site {
	t.Helper()
	s, _ := loadSeed(t)
	seed.geoOnce.Do(func() {
		g, err := s.Gazetteer()
		if err != nil {
			seed.geoErr = err
			return
		}
		seed.geo = s.Geocode(g)
	})
	if seed.geoErr != nil {
		t.Fatal(seed.geoErr)
	}
	failOnErrors(t, "geocoding", seed.geo)
	return s
}

func failOnErrors(t *testing.T, step string, l diag.List) {
	t.Helper()
	if n := l.Errors(); n > 0 {
		for _, d := range l {
			t.Log(d)
		}
		t.Fatalf("%s the seed site found %d errors", step, n)
	}
}
