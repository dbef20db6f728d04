package build

import (
	"fmt"
	"html/template"
	"io"
	"path/filepath"

	"github.com/paulmach/orb"

	"github.com/mapsite/mapsite/basemap"
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/site"
)

// readBasemap reads the publisher's PMTiles archive, which may be large,
// through site.Open: never a link out of the site folder, never a FIFO.
func readBasemap(siteDir, name string) ([]byte, error) {
	f, err := site.Open(siteDir, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// addBasemap adds the offline base map (package basemap) to the assets:
// the world script, which the map page loads, and the cell scripts that
// the map loads as the reader zooms in. It copies the publisher's PMTiles
// archive ([map] basemap) to the same path in the output.
func (m *model) addBasemap(a *assetSet, siteDir string) error {
	base, err := basemap.Bundled()
	if err != nil {
		return err
	}
	site := basemap.Site{Language: m.Config.Language}
	for _, rv := range m.Records {
		site.Points = append(site.Points, orb.Point{rv.Location.Lon, rv.Location.Lat})
	}
	street := filepath.ToSlash(m.Config.Map.Basemap)
	if street != "" {
		b, err := readBasemap(siteDir, street)
		if err != nil {
			return fmt.Errorf("site.toml [map] basemap: %w", err)
		}
		a.files[street] = b
	}
	s := base.Scripts(site, street)
	loc := base.Locators(site)
	// Records at the same place in the same layer share a locator: each
	// distinct one is drawn once, on every core.
	marks := make([]basemap.Mark, len(m.Records))
	index := map[basemap.Mark]int{}
	var unique []basemap.Mark
	for i, rv := range m.Records {
		p := rv.Location.Precision
		label := rv.Place
		if label == "" {
			label = rv.CountryName
		}
		marks[i] = basemap.Mark{
			Lon: rv.Location.Lon, Lat: rv.Location.Lat, Zoom: basemap.LocatorZoom(p.String()), Color: rv.Layer.Color,
			Solid: p <= geo.Neighbourhood, WholeArea: p >= geo.Region, Label: label,
		}
		if _, ok := index[marks[i]]; !ok {
			index[marks[i]] = len(unique)
			unique = append(unique, marks[i])
		}
	}
	svgs := make([]template.HTML, len(unique))
	parallel(len(unique), func(i int) error {
		svgs[i] = template.HTML(loc.SVG(unique[i])) // SVG escapes everything from the data
		return nil
	})
	m.locators = make(map[string]template.HTML, len(m.Records))
	for i, rv := range m.Records {
		m.locators[rv.ID] = svgs[index[marks[i]]]
	}
	a.addFingerprinted("basemap-world.js", s.World)
	for p, b := range s.Cells {
		a.files["assets/"+p] = b
	}
	return nil
}

// Locator returns the locator map of the record with the given ID, an
// inline SVG that record pages show beside the facts.
func (m *model) Locator(id string) template.HTML { return m.locators[id] }
