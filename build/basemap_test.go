package build

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// streetSite copies the street-map fixture (tests/fixtures/street) to a
// temporary folder, with its PMTiles file or without.
func streetSite(t *testing.T, withFile bool) string {
	t.Helper()
	src := filepath.Join("..", "tests", "fixtures", "street")
	dir := t.TempDir()
	for _, name := range []string{"site.toml", "data/records.toml", "basemap.pmtiles"} {
		if name == "basemap.pmtiles" && !withFile {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestStreetBasemap(t *testing.T) {
	dir := streetSite(t, true)
	files, _, err := Render(context.Background(), Options{SiteDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(filepath.Join(dir, "basemap.pmtiles"))
	if !bytes.Equal(files["basemap.pmtiles"], want) {
		t.Errorf("basemap.pmtiles is not copied to the output as it is (%d bytes, want %d)", len(files["basemap.pmtiles"]), len(want))
	}
	index := string(files["index.html"])
	if !strings.Contains(index, "protomaps-leaflet.min.") {
		t.Error("the map page does not load protomaps-leaflet")
	}
	var world []byte
	for p, b := range files {
		if strings.HasPrefix(p, "assets/basemap-world.") {
			world = b
		}
	}
	if !bytes.Contains(world, []byte(`"street":"basemap.pmtiles"`)) {
		t.Errorf("the world script does not name the street map")
	}
	// A record page shows the static locator and loads no map script.
	page := string(files["incidents/fixture-street/index.html"])
	if !strings.Contains(page, `class="locator-svg"`) || strings.Contains(page, "leaflet.") || strings.Contains(page, "basemap") {
		t.Errorf("record page: want a static locator and no map script")
	}
}

func TestStreetBasemapMissing(t *testing.T) {
	_, _, err := Render(context.Background(), Options{SiteDir: streetSite(t, false)})
	if err == nil || !strings.Contains(err.Error(), "map.basemap") || !strings.Contains(err.Error(), "basemap.pmtiles") {
		t.Fatalf("Render without the PMTiles file: %v, want an error naming map.basemap and the file", err)
	}
}

func TestNoStreetBasemap(t *testing.T) {
	files, _, err := Render(context.Background(), Options{SiteDir: filepath.Join("..", "tests", "fixtures", "site")})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(files["index.html"]), "protomaps-leaflet") {
		t.Error("a site without [map] basemap loads protomaps-leaflet")
	}
	for p := range files {
		if strings.HasSuffix(p, ".pmtiles") {
			t.Errorf("unexpected %s", p)
		}
	}
}

// TestLandFilesNamedByContent checks that the land files, and so the
// pages that show them, are named by their bytes: a build by another
// binary (another identity: path, size or time) writes the same site.
func TestLandFilesNamedByContent(t *testing.T) {
	dir := vectorSite(t, 400, `vector_tiles = "never"`)
	render := func() Files {
		t.Helper()
		files, _, err := Render(context.Background(), Options{SiteDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	first := render()
	lands := 0
	for p := range first {
		if strings.HasPrefix(p, landDir) {
			lands++
		}
	}
	if lands == 0 {
		t.Fatal("no land file: the site needs records placed at a country or region")
	}
	defer func(d func() digest) { binaryDigest = d }(binaryDigest)
	binaryDigest = func() digest { return sum([]byte("another mapsite")) }
	again := render()
	if len(again) != len(first) {
		t.Fatalf("%d files, then %d from another binary", len(first), len(again))
	}
	for p, b := range first {
		if !bytes.Equal(b, again[p]) {
			t.Errorf("%s differs when another binary builds the site", p)
		}
	}
}
