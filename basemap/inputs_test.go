package basemap

import (
	"io/fs"
	"testing"

	"github.com/mapsite/mapsite/assets"
	"github.com/mapsite/mapsite/geo"
)

func mustInputs(tb testing.TB) ([]byte, *geo.Gazetteer) {
	tb.Helper()
	topo, err := fs.ReadFile(assets.FS, "vendor/countries-10m.json")
	if err != nil {
		tb.Fatal(err)
	}
	g, err := geo.Bundled()
	if err != nil {
		tb.Fatal(err)
	}
	return topo, g
}
