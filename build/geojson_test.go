package build

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/mapsite/mapsite/geo"
)

// TestSeedGeoJSON builds the seed site and checks what GeoJSON validators
// miss: every point has at most six decimals, lies in range, and falls
// inside its record's country (which catches swapped lon/lat).
func TestSeedGeoJSON(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	if _, err := Build(context.Background(), Options{SiteDir: "..", OutDir: out}); err != nil {
		t.Fatalf("Build(seed site): %v", err)
	}
	b, err := os.ReadFile(filepath.Join(out, "layers", "all.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Type     string `json:"type"`
		Features []struct {
			ID       string `json:"id"`
			Geometry struct {
				Type        string            `json:"type"`
				Coordinates []json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) == 0 {
		t.Fatalf("all.geojson: type %q with %d features", fc.Type, len(fc.Features))
	}
	for _, f := range fc.Features {
		if f.Geometry.Type != "Point" || len(f.Geometry.Coordinates) != 2 {
			t.Errorf("%s: geometry %s with %d coordinates", f.ID, f.Geometry.Type, len(f.Geometry.Coordinates))
			continue
		}
		var c [2]float64
		for i, raw := range f.Geometry.Coordinates {
			s := string(raw)
			if _, frac, ok := strings.Cut(s, "."); ok && len(frac) > 6 {
				t.Errorf("%s: coordinate %s has more than 6 decimals", f.ID, s)
			}
			c[i], _ = strconv.ParseFloat(s, 64)
		}
		lon, lat := c[0], c[1]
		if math.Abs(lon) > 180 || math.Abs(lat) > 90 {
			t.Errorf("%s: [%g, %g] out of range", f.ID, lon, lat)
		}
		cc, _ := f.Properties["country"].(string)
		if inside, known := geo.InCountry(cc, lon, lat); known && !inside {
			t.Errorf("%s: [%g, %g] is not inside %s", f.ID, lon, lat, cc)
		}
		for k, v := range f.Properties {
			if v == nil {
				t.Errorf("%s: property %q is null", f.ID, k)
			}
		}
	}
}

// TestFeatureCollectionAllocatesOnce checks that featureCollection sizes
// its buffer once, whatever the bbox: at 100,000 records, growing the 131
// MB of all.geojson by doubling cost a fifth of a second.
func TestFeatureCollectionAllocatesOnce(t *testing.T) {
	features := [][]byte{[]byte(`{"id":"a"}`), []byte(`{"id":"b"}`)}
	for _, points := range [][]orb.Point{
		nil,
		{{1, 2}},
		{{-179.123456, -89.123456}, {179.654321, 89.654321}},
		{{-0.000001, -0.000001}, {-179.999999, -90}},
	} {
		got := testing.AllocsPerRun(10, func() { featureCollection(features, points) })
		if got != 1 {
			t.Errorf("featureCollection(bbox of %v) made %v allocations, want 1", points, got)
		}
	}
}
