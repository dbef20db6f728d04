package basemap

import (
	"os"
	"testing"

	"github.com/mapsite/mapsite/geo"
)

// mustInputs returns what Generate makes the base map from: world-atlas's
// countries-10m.json from node_modules, and the gazetteer. It skips the
// test when node_modules is not installed.
func mustInputs(tb testing.TB) ([]byte, *geo.Gazetteer) {
	tb.Helper()
	topo, err := os.ReadFile("../node_modules/world-atlas/countries-10m.json")
	if os.IsNotExist(err) {
		tb.Skip("node_modules/world-atlas is not installed (npm ci)")
	}
	if err != nil {
		tb.Fatal(err)
	}
	g, err := geo.Bundled()
	if err != nil {
		tb.Fatal(err)
	}
	return topo, g
}
