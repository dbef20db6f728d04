package basemap

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"
)

// streetFixture is the PMTiles archive that tests/basemap.test.mjs draws
// as a publisher's street map: a square of land around the Bosphorus
// whose southern half is water, a road and a place, in the layers of the
// Protomaps basemap schema (earth, water, roads, places), zoom 0 to 12.
const streetFixture = "../tests/fixtures/street/basemap.pmtiles"

// fixtureBound is the area the fixture covers.
var fixtureBound = orb.Bound{Min: orb.Point{28.80, 40.90}, Max: orb.Point{29.20, 41.15}}

func fixtureLayers() map[string]*geojson.FeatureCollection {
	b := fixtureBound
	mid := (b.Min[1] + b.Max[1]) / 2
	earth := geojson.NewFeature(b.ToPolygon())
	earth.Properties = geojson.Properties{"kind": "earth"}
	water := geojson.NewFeature(orb.Bound{Min: b.Min, Max: orb.Point{b.Max[0], mid}}.ToPolygon())
	water.Properties = geojson.Properties{"kind": "ocean", "name": "Fixture Sea"}
	road := geojson.NewFeature(orb.LineString{{b.Min[0], mid + 0.05}, {b.Max[0], mid + 0.06}})
	road.Properties = geojson.Properties{"kind": "major_road", "kind_detail": "primary", "name": "Fixture Road", "min_zoom": 5}
	place := geojson.NewFeature(orb.Point{29.0, mid + 0.08})
	place.Properties = geojson.Properties{"kind": "locality", "kind_detail": "city", "name": "Fixtureville", "min_zoom": 3, "population_rank": 12}
	fc := func(f *geojson.Feature) *geojson.FeatureCollection {
		c := geojson.NewFeatureCollection()
		c.Append(f)
		return c
	}
	return map[string]*geojson.FeatureCollection{"earth": fc(earth), "water": fc(water), "roads": fc(road), "places": fc(place)}
}

// makeStreetFixture writes the fixture's tiles with orb's mvt and packs
// them with go-pmtiles.
func makeStreetFixture(t testing.TB) []byte {
	t.Helper()
	tiles := map[uint64][]byte{}
	for z := maptile.Zoom(0); z <= 12; z++ {
		for _, tile := range tilesOf(fixtureBound, z) {
			fcs := fixtureLayers()
			var layers mvt.Layers // in a fixed order: NewLayers would take a map's
			for _, name := range []string{"earth", "water", "roads", "places"} {
				layers = append(layers, mvt.NewLayer(name, fcs[name]))
			}
			layers.ProjectToTile(tile)
			layers.Clip(mvt.MapboxGLDefaultExtentBound)
			layers.RemoveEmpty(0, 0)
			data, err := mvt.Marshal(layers)
			if err != nil {
				t.Fatal(err)
			}
			tiles[pmtiles.ZxyToID(uint8(z), tile.X, tile.Y)] = data
		}
	}
	return packPMTiles(t, tiles, fixtureBound)
}

// tilesOf returns the tiles of zoom z that bound b touches.
func tilesOf(b orb.Bound, z maptile.Zoom) []maptile.Tile {
	nw := maptile.At(orb.Point{b.Min[0], b.Max[1]}, z)
	se := maptile.At(orb.Point{b.Max[0], b.Min[1]}, z)
	var out []maptile.Tile
	for y := nw.Y; y <= se.Y; y++ {
		for x := nw.X; x <= se.X; x++ {
			out = append(out, maptile.New(x, y, z))
		}
	}
	return out
}

// packPMTiles lays out a PMTiles v3 archive: header, root directory,
// metadata, leaf directories and the tiles, in tile-ID order.
func packPMTiles(t testing.TB, tiles map[uint64][]byte, b orb.Bound) []byte {
	t.Helper()
	ids := make([]uint64, 0, len(tiles))
	for id := range tiles {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var data bytes.Buffer
	var entries []pmtiles.EntryV3
	for _, id := range ids {
		entries = append(entries, pmtiles.EntryV3{TileID: id, Offset: uint64(data.Len()), Length: uint32(len(tiles[id])), RunLength: 1})
		data.Write(tiles[id])
	}
	root, leaves, _ := pmtiles.BuildDirectories(entries, 16384-pmtiles.HeaderV3LenBytes, pmtiles.Gzip)
	meta, err := pmtiles.SerializeMetadata(map[string]interface{}{
		"name": "mapsite street fixture", "attribution": "mapsite test fixture", "vector_layers": []map[string]interface{}{
			{"id": "earth", "fields": map[string]string{}}, {"id": "water", "fields": map[string]string{}},
			{"id": "roads", "fields": map[string]string{}}, {"id": "places", "fields": map[string]string{}},
		},
	}, pmtiles.Gzip)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := pmtiles.IDToZxy(ids[0])
	last, _, _ := pmtiles.IDToZxy(ids[len(ids)-1])
	h := pmtiles.HeaderV3{
		SpecVersion: 3, RootOffset: pmtiles.HeaderV3LenBytes, RootLength: uint64(len(root)),
		AddressedTilesCount: uint64(len(ids)), TileEntriesCount: uint64(len(ids)), TileContentsCount: uint64(len(ids)),
		Clustered: true, InternalCompression: pmtiles.Gzip, TileCompression: pmtiles.NoCompression, TileType: pmtiles.Mvt,
		MinZoom: first, MaxZoom: last, CenterZoom: 10,
		MinLonE7: int32(b.Min[0] * 1e7), MinLatE7: int32(b.Min[1] * 1e7), MaxLonE7: int32(b.Max[0] * 1e7), MaxLatE7: int32(b.Max[1] * 1e7),
		CenterLonE7: int32(b.Center()[0] * 1e7), CenterLatE7: int32(b.Center()[1] * 1e7),
	}
	h.MetadataOffset = h.RootOffset + h.RootLength
	h.MetadataLength = uint64(len(meta))
	h.LeafDirectoryOffset = h.MetadataOffset + h.MetadataLength
	h.LeafDirectoryLength = uint64(len(leaves))
	h.TileDataOffset = h.LeafDirectoryOffset + h.LeafDirectoryLength
	h.TileDataLength = uint64(data.Len())
	var out bytes.Buffer
	out.Write(pmtiles.SerializeHeader(h))
	out.Write(root)
	out.Write(meta)
	out.Write(leaves)
	out.Write(data.Bytes())
	return out.Bytes()
}

// TestStreetFixture checks that the committed fixture is what the
// generator makes (run with -update after changing it), and that
// go-pmtiles reads every tile back.
func TestStreetFixture(t *testing.T) {
	got := makeStreetFixture(t)
	if again := makeStreetFixture(t); !bytes.Equal(got, again) {
		t.Fatal("two runs made different archives")
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(streetFixture), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(streetFixture, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(streetFixture)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from what the generator makes; run go test -update", streetFixture)
	}
	h, err := pmtiles.DeserializeHeader(want[:pmtiles.HeaderV3LenBytes])
	if err != nil {
		t.Fatal(err)
	}
	if h.TileType != pmtiles.Mvt || h.MinZoom != 0 || h.MaxZoom != 12 {
		t.Errorf("header: type %v, zoom %d–%d; want MVT, 0–12", h.TileType, h.MinZoom, h.MaxZoom)
	}
	n := 0
	err = pmtiles.IterateEntries(h, func(off, length uint64) ([]byte, error) { return want[off : off+length], nil }, func(e pmtiles.EntryV3) {
		z, x, y := pmtiles.IDToZxy(e.TileID)
		layers, err := mvt.Unmarshal(want[h.TileDataOffset+e.Offset : h.TileDataOffset+e.Offset+uint64(e.Length)])
		if err != nil {
			t.Errorf("tile %d/%d/%d: %v", z, x, y, err)
			return
		}
		names := map[string]bool{}
		for _, l := range layers {
			names[l.Name] = true
		}
		if !names["earth"] || !names["water"] {
			t.Errorf("tile %d/%d/%d has layers %v, want earth and water", z, x, y, names)
		}
		n++
	})
	if err != nil {
		t.Fatal(err)
	}
	if uint64(n) != h.AddressedTilesCount {
		t.Errorf("read %d tiles, header says %d", n, h.AddressedTilesCount)
	}
}
