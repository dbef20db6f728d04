// Command gen writes basemap/data/basemap.bin, the base map that mapsite
// embeds (see basemap.Generate), from world-atlas's countries-10m.json
// (copied to assets/vendor/ by make vendor) and the embedded gazetteer.
// Run by `make basemap-data` from the repository's root.
package main

import (
	"fmt"
	"os"

	"github.com/mapsite/mapsite/basemap"
	"github.com/mapsite/mapsite/geo"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "basemap/gen:", err)
		os.Exit(1)
	}
}

func run() error {
	topo, err := os.ReadFile("node_modules/world-atlas/countries-10m.json")
	if err != nil {
		return err
	}
	g, err := geo.Bundled()
	if err != nil {
		return err
	}
	data, err := basemap.Generate(topo, g)
	if err != nil {
		return err
	}
	return os.WriteFile("basemap/data/basemap.bin", data, 0o644)
}
