package site

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mapsite/mapsite/diag"
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/internal/synth"
)

// A site's own places for the Locate tests: parents by name and by id.
const goodPlaces = `[[place]]
name = "Shah Cheragh"
country = "IR"
parent = "Shiraz"
lat = 29.61
lon = 52.5432
source = "OpenStreetMap"

[[place]]
id = "depot"
name = "Test Depot"
country = "TR"
parent = "country:TR"
precision = "venue"
lat = 41.0
lon = 29.0
source = "a survey"
`

// Places whose parents cannot be found, and records that fail to
// geocode or get warnings.
const (
	badPlaces = goodPlaces + `
[[place]]
name = "Lost Shrine"
country = "IR"
parent = "Atlantis"
lat = 30
lon = 52
source = "a survey"

[[place]]
name = "Lost Depot"
country = "IR"
parent = "geonames:0"
lat = 30
lon = 53
source = "a survey"
`
	trapRecords = `[[record]]
layer = "attack"
date = 2024-01-03
title = "Unknown"
place = "Kermn"
country = "IR"
summary = "x"
[[record.source]]
title = "s"
url = "https://example.org/"

[[record]]
layer = "attack"
date = 2024-01-04
title = "Contradiction"
place = "Kadıköy, Ankara"
country = "TR"
summary = "x"
[[record.source]]
title = "s"
url = "https://example.org/"

[[record]]
layer = "attack"
date = 2024-01-05
title = "Ambiguous"
place = "Springfield"
country = "US"
summary = "x"
[[record.source]]
title = "s"
url = "https://example.org/"

[[record]]
layer = "attack"
date = 2024-01-06
title = "Outside"
coordinates = [2.35, 48.85]
country = "IR"
summary = "x"
[[record.source]]
title = "s"
url = "https://example.org/"

[[record]]
layer = "attack"
date = 2024-01-07
title = "Swapped"
coordinates = [30.28, 57.07]
country = "IR"
summary = "x"
[[record.source]]
title = "s"
url = "https://example.org/"

[[record]]
layer = "attack"
date = 2024-01-08
title = "Own place"
place = "Shah Cheragh"
country = "IR"
summary = "x"
[[record.source]]
title = "s"
url = "https://example.org/"
`
)

// geocoded is what geocoding decides: every record's location, and the
// problems.
func geocoded(s *Site, l diag.List) string {
	var b []byte
	for _, r := range s.Records {
		b = fmt.Appendf(b, "%s %#v\n", r.ID, r.Location)
	}
	return string(b) + listText(l)
}

// TestLocateEqualsGeocode geocodes two sites, one clean and one full of
// problems (unknown and contradicting places, an ambiguous one, points
// outside the country, own places with unknown parents), with Gazetteer
// and Geocode, and with Locate: with the cache off, cold, warm in memory
// and warm from disk. Locations and problems must be the same; and the
// clean site, warm, must be placed without loading the place list.
func TestLocateEqualsGeocode(t *testing.T) {
	clean := filepath.Join(t.TempDir(), "clean")
	if _, err := synth.Site("..", clean, 1000, 3); err != nil {
		t.Fatal(err)
	}
	write(t, clean, "data/places.toml", []byte(goodPlaces))
	write(t, clean, "data/own.toml", []byte(trapRecords[len(trapRecords)-len(`[[record]]
layer = "attack"
date = 2024-01-08
title = "Own place"
place = "Shah Cheragh"
country = "IR"
summary = "x"
[[record.source]]
title = "s"
url = "https://example.org/"
`):]))
	messy := filepath.Join(t.TempDir(), "messy")
	for _, f := range []string{"site.toml", "data/europe.toml", "data/iran.toml"} {
		b, err := os.ReadFile(filepath.Join("..", f))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(messy, "data"), 0o755)
		write(t, messy, f, b)
	}
	write(t, messy, "data/traps.toml", []byte(trapRecords))
	write(t, messy, "data/places.toml", []byte(badPlaces))

	loads := 0
	bundledList = func() (*geo.Gazetteer, error) { loads++; return geo.Bundled() }
	defer func() { bundledList = geo.Bundled }()
	cache := t.TempDir()
	for _, dir := range []string{clean, messy} {
		s, l := Load(dir)
		g, err := s.Gazetteer()
		if err != nil {
			t.Fatal(err)
		}
		l.Append(s.Geocode(g))
		l.Sort()
		want := geocoded(s, l)
		if dir == clean && l.Errors() > 0 {
			t.Fatalf("the clean site has errors:\n%s", listText(l))
		}
		if dir == messy && l.Errors() < 5 {
			t.Fatalf("the messy site has only %d errors:\n%s", l.Errors(), listText(l))
		}
		for _, step := range []struct {
			name, env string
			forget    bool
		}{
			{"off", "off", true},
			{"cold", cache, true},
			{"warm in memory", cache, false},
			{"warm from disk", cache, true},
		} {
			t.Setenv(geo.CacheEnv, step.env)
			if step.forget {
				geo.ForgetAnswers()
			}
			loads = 0
			s, l := Load(dir)
			gl, err := s.Locate()
			if err != nil {
				t.Fatal(err)
			}
			l.Append(gl)
			l.Sort()
			if got := geocoded(s, l); got != want {
				t.Errorf("%s, %s: Locate differs from Geocode:\n%s\n--- want\n%s", filepath.Base(dir), step.name, got, want)
			}
			if dir == clean && step.name != "off" && step.name != "cold" && loads > 0 {
				t.Errorf("%s, %s: the place list was loaded", filepath.Base(dir), step.name)
			}
		}
	}
}
