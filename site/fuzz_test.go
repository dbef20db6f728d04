package site

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
)

const fuzzConfig = `title = "Fuzz"
[[layer]]
key = "attack"
name = "Attacks"
color = "#D55E00"
[[attribution]]
key = "claimed"
label = "Claimed"
`

const fuzzRecord = `[[record]]
id = "kerman-2024-01-03"
layer = "attack"
date = "2023/2024"
title = "Kerman bombings"
place = "Kerman"
country = "IR"
killed = "at least 90"
summary = """Two bombs."""
related = []
[[record.source]]
title = "The Diplomat"
url = "https://thediplomat.com/x"
published = 2024-04-30
`

const fuzzPlace = `[[place]]
name = "Shah Cheragh"
country = "IR"
parent = "Shiraz"
lat = 29.61
lon = 52.5432
source = "OpenStreetMap"
`

// FuzzLoad builds a site folder from the fuzz input (its site.toml, one
// data file and data/places.toml) and loads it. No input may
// panic; every problem must name its file and print safely to a terminal;
// a site that loads without errors must hold only valid records; and
// loading it again, from the cache on disk, must give the same site and
// problems.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(fuzzConfig), []byte(fuzzRecord), []byte(fuzzPlace))
	f.Add([]byte(fuzzConfig), []byte(strings.ReplaceAll(fuzzRecord, "\n", "\r\n")), []byte(""))
	f.Add([]byte("title = \"My map\r\n"), []byte(fuzzRecord), []byte(""))
	f.Add([]byte(fuzzConfig), []byte("id = \"kerman\\"), []byte(""))
	f.Add([]byte(fuzzConfig+"[[map.tiles]]\nname = \"t\"\nurl = \"https://{s}.t.org/{z}/{x}/{y}.png\"\nattribution = \"a\"\n"), []byte(fuzzRecord), []byte(strings.Replace(fuzzPlace, "Shiraz", "Atlantis", 1)))
	dir := f.TempDir()
	f.Setenv(geo.CacheEnv, f.TempDir())
	f.Fuzz(func(t *testing.T, config, data, places []byte) {
		os.RemoveAll(filepath.Join(dir, "data"))
		if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range map[string][]byte{ConfigFile: config, "data/a.toml": data, "data/places.toml": places} {
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		// Geocoding is left out: resolving an unknown name in the bundled
		// list takes most of a second, which would starve the fuzzer.
		s, l := Load(dir)
		again, al := Load(dir)
		if d := sameSite(again, s); d != "" {
			t.Errorf("loaded again from the cache on disk: %s", d)
		}
		if !reflect.DeepEqual(al, l) {
			t.Errorf("loaded again from the cache on disk, the problems differ:\n%s\n--- want\n%s", listText(al), listText(l))
		}
		for _, d := range l {
			if d.File == "" {
				t.Errorf("%v: no file", d)
			}
			if strings.ContainsAny(d.String(), "\x00\x1b\x07\r\u009b") {
				t.Errorf("%q: prints control characters", d.String())
			}
		}
		if l.Errors() > 0 {
			return
		}
		for _, r := range s.Records {
			if !incident.ValidID.MatchString(r.ID) || len(r.Sources) == 0 || r.Date.IsZero() {
				t.Errorf("record %+v passed the checks", r)
			}
			if _, ok := s.Config.Layer(r.Layer); !ok {
				t.Errorf("record %q: layer %q passed the checks", r.ID, r.Layer)
			}
		}
		for _, tl := range s.Config.Map.Tiles {
			if o := tl.Origin(); strings.ContainsAny(o, " ;'\"") {
				t.Errorf("tile URL %q gives the CSP origin %q", tl.URL, o)
			}
		}
	})
}

// FuzzSlug checks that the ids made from place names (for a record without
// an id, and as the hint for a bad one) are valid ids or empty, and stable.
func FuzzSlug(f *testing.F) {
	for _, s := range []string{"Kerman", "İstanbul, Başakşehir", "Golzar-e Shohada cemetery, Kerman", "", "--", "Ⅻ", "ß", "東京", "Kerman 2024", "a\u0301b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id := slug(s)
		if id != "" && !incident.ValidID.MatchString(id) {
			t.Fatalf("slug(%q) = %q, not a valid id", s, id)
		}
		if again := slug(id); again != id {
			t.Fatalf("slug(slug(%q)) = %q, want %q", s, again, id)
		}
		if p := firstPart(s); len(p) > len(s) {
			t.Fatalf("firstPart(%q) = %q", s, p)
		}
	})
}
