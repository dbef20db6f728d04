// Package basemap makes the offline base map: Natural Earth outlines
// (1:10m, simplified per zoom band, cut at the antimeridian) and place
// labels (countries, cities by population, and the districts around the
// records), written as small scripts that the map loads by zoom and
// view, and a static SVG locator for each record's page.
//
// Scripts rather than fetched files or tiles keep the site working from
// file://, where a page may load scripts but not fetch files; docs/BASEMAP.md
// gives the figures behind the choice.
package basemap

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"iter"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/mapsite/mapsite/geo"
	"github.com/paulmach/orb"
)

// Base is the base map as a build uses it: the outline scripts of every
// band, made once by Generate and embedded in the binary
// (data/basemap.bin), and the labels a site picks from. It depends only on
// data the binary carries, so a process loads it once (see Bundled).
type Base struct {
	world      []byte          // the world band's outlines and badge points: the members "land", "cc" and "lp" of MAPSITE_BASEMAP
	cells      [][]outlineCell // per band, by row, then column; nil for the world band
	countries  []countryAnchor
	cities     []Label    // those labelled worldwide (MinZoom <= worldLabelZoom), in sortLabels' order
	deepCities *labelGrid // the others, MinZoom set as worldwide, by place
	regions    []Label    // admin-1 regions, MinZoom set, in sortLabels' order
	districts  *labelGrid // districts and neighbourhoods, by place

	landMu sync.Mutex
	land   map[[3]int][]landPart // decoded outlines of a band's cell, for the locators
	lats   []func() *latitudes   // by band, for the locators

	outlines     string // the outline cells' folder, which Generate stored (see outlineDir)
	outlineCells int    // the number of outline cells, of every band
}

// outlineCell is one cell script of outlines, written as it is.
type outlineCell struct {
	key    cellKey
	script []byte            // MAPSITE_BASEMAP.cells["o1/2/3"]={…};
	sum    [sha256.Size]byte // the script's SHA-256
	path   string            // its path under assets/ (see Scripts.Cells)
}

// prepared is the base map as Generate makes it from the Natural Earth
// topology and the gazetteer: outlines as geometry.
type prepared struct {
	topo      *topology
	countries []countryAnchor
	bands     []outlines
	cells     []map[cellKey]outlines // per band; nil for the world band
	cities    []Label
	regions   []Label
	districts []Label
}

//go:embed data/basemap.bin
var bundledData []byte

// Bundled returns the base map the binary carries (data/basemap.bin, made
// by `make basemap-data` from world-atlas's countries-10m.json and the
// gazetteer).
var Bundled = sync.OnceValues(func() (*Base, error) { return Load(bundledData) })

// prepare makes the base map from a TopoJSON topology of countries (such
// as world-atlas's countries-10m.json) and a gazetteer: seconds of CPU,
// which is why it runs at generation time (see Generate).
func prepare(topoJSON []byte, g *geo.Gazetteer) (*prepared, error) {
	t, err := decodeTopology(topoJSON)
	if err != nil {
		return nil, fmt.Errorf("basemap: %w", err)
	}
	b := &prepared{topo: t, bands: make([]outlines, len(Bands)), cells: make([]map[cellKey]outlines, len(Bands))}
	var wg sync.WaitGroup
	for i, band := range Bands {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.bands[i] = bandOutlines(t, band)
			if i == 0 {
				b.countries = countryAnchors(t, b.bands[0])
			}
			if band.Cell > 0 {
				b.cells[i] = b.bands[i].cut(band.Cell, 2*band.Quantum)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		b.cities = cityLabels(g)
		b.regions = regionLabels(g)
		b.districts = districtLabels(g)
	}()
	wg.Wait()
	return b, nil
}

// regionLabels returns the gazetteer's first-level regions, the most
// populous first, with the zoom from which each shows.
func regionLabels(g *geo.Gazetteer) []Label {
	var out []Label
	for r := range g.Regions() {
		out = append(out, Label{Name: regionName(r.Name), Lon: r.Lon, Lat: r.Lat, Kind: KindRegion, MaxZoom: regionMaxZoom, Population: r.Population})
	}
	sortByPopulation(out)
	thin(out, regionMinZoom, regionMaxZoom, nil)
	return out
}

// regionName drops the English level word some GeoNames names carry
// ("Gilan Province" is labelled "Gilan"), where the rest is a name.
func regionName(name string) string {
	for _, w := range []string{" Province", " Governorate"} {
		if stem, ok := strings.CutSuffix(name, w); ok && stem != "" {
			return stem
		}
	}
	return name
}

// sortByPopulation sorts labels most populous first, then by name and place.
func sortByPopulation(ls []Label) {
	sort.Slice(ls, func(i, j int) bool {
		a, b := ls[i], ls[j]
		if a.Population != b.Population {
			return a.Population > b.Population
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Lon != b.Lon {
			return a.Lon < b.Lon
		}
		return a.Lat < b.Lat
	})
}

// districtLabels returns the gazetteer's districts and neighbourhoods
// (curated ones, GeoNames admin-2 districts and sections of cities): the
// districts, then the neighbourhoods, each the most populous first. Which
// of them show, and from which zoom, depends on a site's records (see
// Labels).
func districtLabels(g *geo.Gazetteer) []Label {
	var ds, hs []Label
	for p := range g.Places() {
		l := Label{Name: p.Name, Lon: p.Lon, Lat: p.Lat, Kind: KindDistrict, MaxZoom: MaxZoom, Population: p.Population, Precision: p.Precision}
		switch p.Precision {
		case geo.District:
			ds = append(ds, l)
		case geo.Neighbourhood:
			hs = append(hs, l)
		}
	}
	sortByPopulation(ds)
	sortByPopulation(hs)
	return append(ds, hs...)
}

// Site is what a site adds to the base map: the language of its labels
// and the points of its records, around which the deeper labels are kept.
type Site struct {
	Language string      // BCP 47, e.g. "en", "de"
	Points   []orb.Point // lon, lat of every record
}

// Scripts are a site's base-map scripts.
type Scripts struct {
	// World is window.MAPSITE_BASEMAP: the world band's outlines and
	// labels, and which cell scripts there are.
	World []byte
	// Cells are the cell scripts, by path under the site's assets/
	// ("basemap/1a2b3c4d5e/o2-7-3.js", the folder named for the content
	// of the cells of its kind: outlines o, labels l); each adds its part
	// to MAPSITE_BASEMAP.cells.
	Cells map[string][]byte
}

// near answers whether a point lies within NearKm of a site's records.
type near struct {
	grid map[uint64][]orb.Point // by nearKey of their cell
}

// nearKey packs the cell (x, y) of the near grid into one word, which a
// map hashes faster than a pair.
func nearKey(x, y int) uint64 { return uint64(uint32(x))<<32 | uint64(uint32(y)) }

const nearCell = 0.5 // degrees

// newNear indexes pts, which hold each point once (see distinct).
func newNear(pts []orb.Point) *near {
	n := &near{grid: map[uint64][]orb.Point{}}
	for _, p := range pts {
		k := nearKey(int(math.Floor(p[0]/nearCell)), int(math.Floor(p[1]/nearCell)))
		n.grid[k] = append(n.grid[k], p)
	}
	return n
}

// nearLat is a difference of latitude, in degrees, beyond which two
// points are surely farther apart than NearKm: a great circle is at least
// as long as the arc of latitude it spans (with a margin for rounding, so
// that a pair near the limit is still measured).
const nearLat = NearKm / (6371.0 * math.Pi / 180) * 1.0001

func (n *near) has(lon, lat float64) bool {
	kx, ky := int(math.Floor(lon/nearCell)), int(math.Floor(lat/nearCell))
	// NearKm is under 0.5° of latitude; of longitude, up to ±60° of latitude.
	r := 1
	if math.Abs(lat) > 60 {
		r = 3
	}
	for dy := -1; dy <= 1; dy++ {
		for dx := -r; dx <= r; dx++ {
			for _, p := range n.grid[nearKey(kx+dx, ky+dy)] {
				if math.Abs(p[1]-lat) <= nearLat && km(lon, lat, p[0], p[1]) <= NearKm {
					return true
				}
			}
		}
	}
	return false
}

// distinct returns the points of pts, each once, in the order they first
// come: a large site has many records at each place (100,000 synthetic
// records stand at about 6,400 points), and which labels lie near its
// records depends only on the set of their points.
func distinct(pts []orb.Point) []orb.Point {
	seen := make(map[orb.Point]struct{}, len(pts)/4)
	out := make([]orb.Point, 0, len(pts)/4)
	for _, p := range pts {
		if _, ok := seen[p]; !ok {
			seen[p] = struct{}{}
			out = append(out, p)
		}
	}
	return out
}

// km is the great-circle distance between two points.
func km(lon1, lat1, lon2, lat2 float64) float64 {
	const r = 6371.0
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

// Labels returns the labels of a site, in the order a map places them:
// countries in the site's language, cities labelled worldwide down to
// zoom worldLabelZoom, and deeper towns, districts and neighbourhoods near
// the records.
func (b *Base) Labels(s Site) []Label {
	countries := countryLabels(b.countries, s.Language)
	pts := distinct(s.Points)
	n := newNear(pts)
	// Cities: those that show worldwide, and near the records the smaller
	// ones, given room among each other from the zoom after.
	cells := nearCells(pts)
	var local []Label
	for _, l := range b.cities {
		if cells.set[gridCell(l.Lon, l.Lat)] && n.has(l.Lon, l.Lat) {
			local = append(local, l)
		}
	}
	local = append(local, b.deepCities.near(n, cells)...)
	sortByRank(local)
	thin(local, worldLabelZoom+1, MaxZoom, nil)
	// Districts and neighbourhoods, near the records only.
	var ds, hs []Label
	for _, l := range b.districts.near(n, cells) {
		if l.Precision == geo.District {
			ds = append(ds, l)
		} else {
			hs = append(hs, l)
		}
	}
	sortByRank(ds)
	sortByRank(hs)
	thin(ds, districtMinZoom, MaxZoom, nil)
	thin(hs, hoodMinZoom, MaxZoom, nil)

	// The labels of every site (the cities labelled worldwide and the
	// regions up to their last zoom) come from the binary in the order a
	// map places them, in which they are merged with the site's own,
	// sorted (a sort of all of them was about 5 ms of every build). No
	// label of one list compares equal to one of another, as their kinds
	// or zooms differ, so the merge is the order of sorting them all.
	regions := b.regions[:countFunc(b.regions, func(l *Label) bool { return l.MinZoom <= regionMaxZoom })]
	deep := func(l *Label) bool { return l.MinZoom <= MaxZoom }
	size := len(countries)
	size += countFunc(local, func(l *Label) bool { return l.MinZoom > worldLabelZoom && l.MinZoom <= MaxZoom })
	size += countFunc(ds, deep) + countFunc(hs, deep)
	own := append(make([]Label, 0, size), countries...)
	for _, l := range local {
		if l.MinZoom > worldLabelZoom && l.MinZoom <= MaxZoom {
			own = append(own, l)
		}
	}
	for _, ls := range [2][]Label{ds, hs} {
		for _, l := range ls {
			if deep(&l) {
				own = append(own, l)
			}
		}
	}
	sortLabels(own)
	return mergeLabels(make([]Label, 0, len(own)+len(b.cities)+len(regions)), b.cities, own, regions)
}

// countFunc returns the number of labels of ls for which f is true.
func countFunc(ls []Label, f func(*Label) bool) int {
	n := 0
	for i := range ls {
		if f(&ls[i]) {
			n++
		}
	}
	return n
}

// OutlineSums yields each outline cell script of Scripts.Cells, the
// Base's own bytes in every site's scripts, with its SHA-256, which was
// made with it (see Generate).
func (b *Base) OutlineSums() iter.Seq2[[]byte, [sha256.Size]byte] {
	return func(yield func([]byte, [sha256.Size]byte) bool) {
		for _, cells := range b.cells {
			for i := range cells {
				if !yield(cells[i].script, cells[i].sum) {
					return
				}
			}
		}
	}
}

// Scripts returns the base-map scripts of a site. Their bytes depend only
// on the binary's data and s. street, when not "", is the URL of the
// publisher's PMTiles archive relative to the map page.
func (b *Base) Scripts(s Site, street string) Scripts {
	return b.scripts(s, street, b.Labels(s))
}

// ForSite returns the base-map scripts and the locator maker of site s
// (see Scripts and Locators), choosing its labels once for both.
func (b *Base) ForSite(s Site, street string) (Scripts, *Locators) {
	labels := b.Labels(s)
	return b.scripts(s, street, labels), b.locators(labels)
}

func (b *Base) scripts(s Site, street string, labels []Label) Scripts {
	// Labels go to the band of their MinZoom: the world script or a cell.
	// inCells notes the index of each label that goes to a cell (not a
	// copy: 18,000 labels for a small site), sorted by band, row and
	// column, each cell's labels in their order.
	var worldLabels []Label
	inCells := make([]cellLabel, 0, len(labels))
	for i := range labels {
		l := &labels[i]
		band := bandFor(l.MinZoom)
		if Bands[band].Cell == 0 {
			worldLabels = append(worldLabels, *l)
			continue
		}
		if k, ok := cellOf(l.Lon, l.Lat, Bands[band].Cell); ok {
			inCells = append(inCells, newCellLabel(band, k, i))
		}
	}
	slices.Sort(inCells)
	labelCells := 0
	for i := range inCells {
		if i == 0 || inCells[i].cell() != inCells[i-1].cell() {
			labelCells++
		}
	}
	out := Scripts{Cells: make(map[string][]byte, b.outlineCells+labelCells)}
	// The label cells are written one after another into blocks that
	// they share, and hashed as cellDir hashes them for their folder's
	// name, which their paths take at the end.
	var (
		made  []cell
		block []byte
	)
	labelDir := sha256.New()
	// The world script lists the cells of each band as [x0, y0, x1, y1, …].
	w := []byte(`window.MAPSITE_BASEMAP={"bands":[`)
	for i, band := range Bands {
		if i > 0 {
			w = append(w, ',')
		}
		w = fmt.Appendf(w, `{"min":%d,"max":%d,"q":%g,"cell":%g,"o":[`, band.MinZoom, band.MaxZoom, band.Quantum, band.Cell)
		for j, c := range b.cells[i] {
			out.Cells[c.path] = c.script
			w = appendKey(w, j, c.key)
		}
		w = append(w, `],"l":[`...)
		for j := 0; len(inCells) > 0 && inCells[0].band() == i; j++ {
			k, n := inCells[0].key(), 1
			for n < len(inCells) && inCells[n].cell() == inCells[0].cell() {
				n++
			}
			run := inCells[:n]
			inCells = inCells[n:]
			need := 64 // the cell's head and tail
			for _, c := range run {
				need += len(labels[c.index()].Name) + 40 // and its numbers and punctuation
			}
			if cap(block)-len(block) < need {
				block = make([]byte, 0, max(need, labelBlock))
			}
			start := len(block)
			block = fmt.Appendf(block, `MAPSITE_BASEMAP.cells["l%d/%d/%d"]={"labels":[`, i, k.X, k.Y)
			for m, c := range run {
				if m > 0 {
					block = append(block, ',')
				}
				block = appendLabel(block, &labels[c.index()])
			}
			block = append(block, "]};"...)
			c := cell{fmt.Sprintf("l%d-%d-%d.js", i, k.X, k.Y), block[start:len(block):len(block)]}
			labelDir.Write([]byte(c.name))
			labelDir.Write(c.body)
			made = append(made, c)
			w = appendKey(w, j, k)
		}
		w = append(w, "]}"...)
	}
	// Each kind of cell has a folder named for the content of its cells,
	// so that browsers may cache them for ever: the outlines' is the same
	// for every site and every build of this base map, so a reader keeps
	// them from one update of the site to the next, and a build whose
	// labels changed makes only the label cells anew.
	dirs := map[byte]string{'o': b.outlineDir(), 'l': dirNamed(labelDir)}
	for _, c := range made {
		out.Cells[dirs['l']+c.name] = c.body
	}
	streetJSON, _ := json.Marshal(street)
	langJSON, _ := json.Marshal(s.Language)
	w = fmt.Appendf(w, `],"dirs":{"o":%q,"l":%q},"street":%s,"lang":%s,"cells":{},`, dirs['o'], dirs['l'], streetJSON, langJSON)
	w = append(w, b.world...)
	w = append(w, ',')
	w = appendLabels(w, worldLabels)
	// The page's URL of this script locates the cells, at any path and from disk.
	w = append(w, "};MAPSITE_BASEMAP.src=document.currentScript&&document.currentScript.src;"...)
	out.World = w
	return out
}

// labelBlock is the size of the blocks that label cells are written into.
const labelBlock = 256 << 10

// A cellLabel is a label's index in a site's labels and the cell it goes
// to, in one number that sorts by band, row, column and index: the band
// in the top 4 bits, the row and the column in 14 bits each (a band's
// cells are at least 5 degrees: 72 columns, 36 rows), the index in the
// low 32.
type cellLabel uint64

func newCellLabel(band int, k cellKey, i int) cellLabel {
	return cellLabel(uint64(band)<<60 | uint64(k.Y)<<46 | uint64(k.X)<<32 | uint64(uint32(i)))
}

func (c cellLabel) band() int { return int(c >> 60) }
func (c cellLabel) key() cellKey {
	return cellKey{X: int(c>>32) & (1<<14 - 1), Y: int(c>>46) & (1<<14 - 1)}
}
func (c cellLabel) cell() uint64  { return uint64(c) >> 32 }
func (c cellLabel) index() uint32 { return uint32(c) }

// cell is a cell script of the base map, by file name.
type cell struct {
	name string
	body []byte
}

// outlineDir returns the folder of the outline cells, which are the same
// for every site: named for them by Generate.
func (b *Base) outlineDir() string { return b.outlines }

// outlineName is the file name of cell k of band i of the outlines.
func outlineName(i int, k cellKey) string { return fmt.Sprintf("o%d-%d-%d.js", i, k.X, k.Y) }

// cellDir returns the folder of the cells of one kind: named for their
// names and content.
func cellDir(cells []cell, kind byte) string {
	h := sha256.New()
	for _, c := range cells {
		if c.name[0] == kind {
			h.Write([]byte(c.name))
			h.Write(c.body)
		}
	}
	return dirNamed(h)
}

// dirNamed returns the folder of cells whose names and content h has
// hashed.
func dirNamed(h hash.Hash) string {
	return "basemap/" + hex.EncodeToString(h.Sum(nil))[:10] + "/"
}

func appendKey(b []byte, j int, k cellKey) []byte {
	if j > 0 {
		b = append(b, ',')
	}
	return fmt.Appendf(b, "%d,%d", k.X, k.Y)
}

// sortedKeys returns the keys of m by row, then column.
func sortedKeys[V any](m map[cellKey]V) []cellKey {
	keys := make([]cellKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Y != keys[j].Y {
			return keys[i].Y < keys[j].Y
		}
		return keys[i].X < keys[j].X
	})
	return keys
}
