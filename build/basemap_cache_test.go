package build

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"github.com/mapsite/mapsite/basemap"
	"github.com/mapsite/mapsite/geo"
)

// TestPreparedBasemapReused checks that a build with the same points reuses
// the base map prepared for the last one, and that a moved point, another
// language or a street map prepares it again.
func TestPreparedBasemapReused(t *testing.T) {
	base, err := basemap.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	site := basemap.Site{Language: "en", Points: []orb.Point{{2.35, 48.85}, {28.97, 41.01}}}
	_, a := preparedBasemap(base, site, "")
	_, b := preparedBasemap(base, basemap.Site{Language: "en", Points: []orb.Point{{2.35, 48.85}, {28.97, 41.01}}}, "")
	if a != b {
		t.Error("the same points prepared the base map again")
	}
	for name, next := range map[string]func() (basemap.Scripts, *basemap.Locators){
		"moved point": func() (basemap.Scripts, *basemap.Locators) {
			return preparedBasemap(base, basemap.Site{Language: "en", Points: []orb.Point{{2.35, 48.85}, {28.97, 41.02}}}, "")
		},
		"language": func() (basemap.Scripts, *basemap.Locators) {
			return preparedBasemap(base, basemap.Site{Language: "de", Points: site.Points}, "")
		},
		"street map": func() (basemap.Scripts, *basemap.Locators) { return preparedBasemap(base, site, "map.pmtiles") },
	} {
		_, a = preparedBasemap(base, site, "")
		if _, c := next(); c == a {
			t.Errorf("%s: the last base map reused", name)
		}
	}
}

// TestPreparedBasemapStored: a new process (the last base map forgotten)
// reads the base map from the cache folder when its points are the same,
// and prepares it again when they moved, when the file is damaged, or
// without a cache folder; what it reads is what it would prepare.
func TestPreparedBasemapStored(t *testing.T) {
	base, err := basemap.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	cache := t.TempDir()
	t.Setenv(geo.CacheEnv, cache)
	site := basemap.Site{Language: "en", Points: []orb.Point{{2.35, 48.85}, {28.97, 41.01}, {37.39, 55.83}}}
	moved := basemap.Site{Language: "en", Points: []orb.Point{{2.35, 48.85}, {28.97, 41.01}, {37.39, 55.84}}}
	newProcess := func() {
		lastBasemap.Lock()
		lastBasemap.loc = nil
		lastBasemap.Unlock()
	}
	wantScripts, wantLoc := base.ForSite(site, "map.pmtiles")
	mark := basemap.Mark{Lon: 2.35, Lat: 48.85, Zoom: 10, Color: "#aa0000", Label: "Paris"}
	for _, step := range []struct {
		name     string
		before   func()
		site     basemap.Site
		prepares bool
	}{
		{"first build", func() {}, site, true},
		{"same points", func() {}, site, false},
		{"moved point", func() {}, moved, true},
		{"back again", func() {}, site, true},
		{"back again, once more", func() {}, site, false},
		{"damaged file", func() {
			p := filepath.Join(cache, "basemap", "prepared")
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			b[len(b)/2] ^= 1
			os.WriteFile(p, b, 0o600)
		}, site, true},
		{"no cache folder", func() { t.Setenv(geo.CacheEnv, "off") }, site, true},
	} {
		step.before()
		newProcess()
		n := basemapsPrepared.Load()
		s, loc := preparedBasemap(base, step.site, "map.pmtiles")
		if prepared := basemapsPrepared.Load() > n; prepared != step.prepares {
			t.Errorf("%s: prepared %v, want %v", step.name, prepared, step.prepares)
		}
		if step.site.Points[2] == site.Points[2] {
			if !reflect.DeepEqual(s, wantScripts) {
				t.Errorf("%s: the scripts differ from ForSite's", step.name)
			}
			if loc.SVG(mark) != wantLoc.SVG(mark) {
				t.Errorf("%s: the locator differs from ForSite's", step.name)
			}
		}
	}
}
