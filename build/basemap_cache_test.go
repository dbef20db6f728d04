package build

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/mapsite/mapsite/basemap"
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
