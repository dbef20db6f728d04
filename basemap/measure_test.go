package basemap

import (
	"bytes"
	"compress/gzip"
	"flag"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"
)

var measure = flag.Bool("measure", false, "log the sizes of the base map as vector tiles beside its scripts (docs/BASEMAP.md)")

// TestMeasureVectorTiles writes, for a few views of 1280×800 pixels, the
// same outlines and labels as the scripts carry into Mapbox vector tiles
// (the tile route: orb's mvt and maptile, as a PMTiles archive would hold
// them) and logs the bytes a reader would fetch for each, gzipped, beside
// those of the scripts. Run with -measure.
func TestMeasureVectorTiles(t *testing.T) {
	if !*measure {
		t.Skip("run with -measure")
	}
	b := bundled(t)
	labels := b.Labels(seed)
	views := []struct {
		z        int
		lon, lat float64
	}{{3, 40, 35}, {4, 29, 41}, {5, 29, 41}, {6, 54, 32.5}, {7, 29, 41}, {8, 29, 41}, {10, 28.97, 41.02}, {13, 37.3887, 55.8253}}
	for _, v := range views {
		cx, cy := mercator(v.lon, v.lat, v.z)
		tiles := map[maptile.Tile]bool{}
		for y := cy - 400; y <= cy+400; y += 128 {
			for x := cx - 640; x <= cx+640; x += 128 {
				tiles[maptile.Tile{X: uint32(x / 256), Y: uint32(y / 256), Z: maptile.Zoom(v.z)}] = true
			}
		}
		raw, gz := 0, 0
		for tile := range tiles {
			bound := tile.Bound()
			land := geojson.NewFeatureCollection()
			band := bandFor(v.z)
			src := b.cellLand(band, cellKey{})
			if Bands[band].Cell > 0 {
				src = nil
				for _, k := range cellsOf(bound, Bands[band].Cell) {
					src = append(src, b.cellLand(band, k)...)
				}
			}
			for _, p := range src {
				if p.Bound().Intersects(bound) {
					land.Append(geojson.NewFeature(p))
				}
			}
			places := geojson.NewFeatureCollection()
			for _, l := range labels {
				if l.MinZoom <= v.z && v.z <= l.MaxZoom && bound.Contains(orb.Point{l.Lon, l.Lat}) {
					f := geojson.NewFeature(orb.Point{l.Lon, l.Lat})
					f.Properties = geojson.Properties{"name": l.Name, "kind": int(l.Kind), "min_zoom": l.MinZoom}
					places.Append(f)
				}
			}
			layers := mvt.Layers{mvt.NewLayer("earth", land), mvt.NewLayer("places", places)}
			layers.ProjectToTile(tile)
			layers.Clip(mvt.MapboxGLDefaultExtentBound)
			layers.Simplify(simplify.DouglasPeucker(1)) // one unit of the 4096 extent
			data, err := mvt.Marshal(layers)
			if err != nil {
				t.Fatal(err)
			}
			raw += len(data)
			var buf bytes.Buffer
			w := gzip.NewWriter(&buf)
			w.Write(data)
			w.Close()
			gz += buf.Len()
		}
		t.Logf("zoom %2d at %.2f, %.2f: %2d tiles, %4.0f KiB (%4.0f KiB gzipped)", v.z, v.lat, v.lon, len(tiles), float64(raw)/1024, float64(gz)/1024)
	}
}
