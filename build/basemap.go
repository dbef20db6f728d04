package build

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"html/template"
	"io"
	"math"
	"path/filepath"
	"sync"

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
	s, loc := preparedBasemap(base, site, street)
	// A record's locator is drawn when its page is rendered (see Locator),
	// so that the build never holds them all. Records at the same place in
	// the same layer share one, drawn once and kept for the others.
	m.locators = &locators{draw: loc.SVG, marks: make(map[string]basemap.Mark, len(m.Records)), uses: map[basemap.Mark]int{}}
	for _, rv := range m.Records {
		p := rv.Location.Precision
		label := rv.Place
		if label == "" {
			label = rv.CountryName
		}
		mark := basemap.Mark{
			Lon: rv.Location.Lon, Lat: rv.Location.Lat, Zoom: basemap.LocatorZoom(p.String()), Color: rv.Layer.Color,
			Solid: p <= geo.Neighbourhood, WholeArea: p >= geo.Region, Label: label,
		}
		m.locators.marks[rv.ID] = mark
		m.locators.uses[mark]++
	}
	a.addFingerprinted("basemap-world.js", s.World)
	for p, b := range s.Cells {
		a.files["assets/"+p] = b
	}
	return nil
}

// lastBasemap keeps, for the life of the process, the base map prepared
// for the last build: mapsite serve rebuilds after every save, and most
// saves move no record, so the next build finds the same points and skips
// preparing it again (seconds of CPU, whatever the number of records).
var lastBasemap struct {
	sync.Mutex
	key     [sha256.Size]byte
	scripts basemap.Scripts
	loc     *basemap.Locators
}

// preparedBasemap returns the scripts and locators of site, prepared by
// base or taken from the last build when its language, points and street
// map were the same. Both are only read afterwards.
func preparedBasemap(base *basemap.Base, site basemap.Site, street string) (basemap.Scripts, *basemap.Locators) {
	h := sha256.New()
	fmt.Fprintf(h, "%q %q %d\n", site.Language, street, len(site.Points))
	var buf [16]byte
	for _, p := range site.Points {
		binary.LittleEndian.PutUint64(buf[:8], math.Float64bits(p[0]))
		binary.LittleEndian.PutUint64(buf[8:], math.Float64bits(p[1]))
		h.Write(buf[:])
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])
	lastBasemap.Lock()
	defer lastBasemap.Unlock()
	if lastBasemap.loc == nil || lastBasemap.key != key {
		lastBasemap.key = key
		lastBasemap.scripts, lastBasemap.loc = base.ForSite(site, street)
	}
	return lastBasemap.scripts, lastBasemap.loc
}

// Locator returns the locator map of the record with the given ID, an
// inline SVG that record pages show beside the facts.
func (m *model) Locator(id string) template.HTML {
	if m.locators == nil {
		return ""
	}
	return m.locators.get(id)
}

// locators draws the record pages' locator maps on demand, from any
// goroutine, keeping only those that more than one record shows.
type locators struct {
	draw   func(basemap.Mark) string
	marks  map[string]basemap.Mark // by record ID
	uses   map[basemap.Mark]int    // records per mark
	shared sync.Map                // basemap.Mark -> template.HTML, for marks used more than once
}

func (l *locators) get(id string) template.HTML {
	mark, ok := l.marks[id]
	if !ok {
		return ""
	}
	if l.uses[mark] < 2 {
		return template.HTML(l.draw(mark)) // SVG escapes everything from the data
	}
	if svg, ok := l.shared.Load(mark); ok {
		return svg.(template.HTML)
	}
	svg, _ := l.shared.LoadOrStore(mark, template.HTML(l.draw(mark)))
	return svg.(template.HTML)
}
