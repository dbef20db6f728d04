package basemap

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"unsafe"

	"github.com/mapsite/mapsite/geo"
	"github.com/paulmach/orb"
)

// The outlines and the ranked place names depend only on Natural Earth
// and the gazetteer, not on a site, and take seconds of CPU and hundreds
// of megabytes to make. Generate makes them once (`make basemap-data`
// writes data/basemap.bin), and a build only loads them: the outline
// cell scripts are kept as the bytes the site gets.
//
// data/basemap.bin holds, after staticMagic, as unsigned varints, floats
// (see staticWriter.float) and length-prefixed bytes:
//
//   - the world band's outlines and the countries' badge points, as the
//     world script carries them (its members "land", "cc" and "lp");
//   - for each finer band, its number of cells, then each cell's column,
//     row, script and the script's SHA-256, by row, then column: a build
//     writes the scripts as they are, and its manifest need not hash
//     them (about 5 ms of CPU);
//   - the folder of the outline cells (see cellDir), which names their
//     content: hashing 8 MB of scripts cost every build about 6 ms of CPU;
//   - the countries' label anchors (code, lon, lat, width);
//   - the cities, the regions and the districts, each a count, then each
//     label's name, lon, lat, kind, zooms, population, precision and rank
//     (coordinates as the 8 bytes of a float64, little-endian, so nothing
//     is rounded); the
//     cities not labelled worldwide and the districts by 1° cell, the
//     cells' keys and lengths before their labels (see grid). The
//     cities labelled worldwide and the regions are in the order a map
//     places them (see sortLabels), in which every site's labels take
//     them: a build merges them with its own instead of sorting all
//     (see Labels).

const staticMagic = "mapsite basemap 3\n"

// Generate makes the embedded base map (data/basemap.bin) from a TopoJSON
// topology of countries (world-atlas's countries-10m.json) and a
// gazetteer. Its output depends only on its inputs.
func Generate(topoJSON []byte, g *geo.Gazetteer) ([]byte, error) {
	p, err := prepare(topoJSON, g)
	if err != nil {
		return nil, err
	}
	e := &staticWriter{b: []byte(staticMagic)}
	worldLand, err := appendBadgePoints(appendOutlines(nil, p.bands[0], Bands[0].Quantum, true), Bands[0].Quantum)
	if err != nil {
		return nil, err
	}
	e.bytes(worldLand)
	var cells []cell
	for i := 1; i < len(Bands); i++ {
		keys := sortedKeys(p.cells[i])
		e.uint(uint64(len(keys)))
		for _, k := range keys {
			e.uint(uint64(k.X))
			e.uint(uint64(k.Y))
			script := outlineScript(i, k, p.cells[i][k])
			e.bytes(script)
			d := sha256.Sum256(script)
			e.bytes(d[:])
			cells = append(cells, cell{outlineName(i, k), script})
		}
	}
	e.bytes([]byte(cellDir(cells, 'o')))
	e.uint(uint64(len(p.countries)))
	for _, c := range p.countries {
		e.bytes([]byte(c.cc))
		e.float(c.lon)
		e.float(c.lat)
		e.float(c.width)
	}
	for i := range p.cities {
		p.cities[i].rank = i
	}
	for i := range p.districts {
		p.districts[i].rank = i
	}
	// The cities labelled worldwide, which every site takes; the others
	// and the districts by place, which a site takes near its records.
	var world, deep []Label
	for _, l := range p.cities {
		if l.MinZoom <= worldLabelZoom {
			world = append(world, l)
		} else {
			deep = append(deep, l)
		}
	}
	sortLabels(world)
	sortLabels(p.regions)
	e.labels(world)
	e.grid(deep)
	e.labels(p.regions)
	e.grid(p.districts)
	return e.b, nil
}

// outlineScript returns the script of cell k of band i: its clip bound,
// in quanta (the map does not stroke edges along it), and its land.
func outlineScript(i int, k cellKey, o outlines) []byte {
	band := Bands[i]
	cb := cellBound(k, band.Cell).Pad(2 * band.Quantum)
	js := fmt.Appendf(nil, `MAPSITE_BASEMAP.cells["o%d/%d/%d"]={"clip":[%d,%d,%d,%d],`, i, k.X, k.Y,
		int64(math.Round(cb.Min[0]/band.Quantum)), int64(math.Round(cb.Min[1]/band.Quantum)),
		int64(math.Round(cb.Max[0]/band.Quantum)), int64(math.Round(cb.Max[1]/band.Quantum)))
	js = appendOutlines(js, o, band.Quantum, false)
	return append(js, "};"...)
}

type staticWriter struct{ b []byte }

func (e *staticWriter) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *staticWriter) float(f float64) {
	e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(f))
}
func (e *staticWriter) bytes(p []byte) {
	e.uint(uint64(len(p)))
	e.b = append(e.b, p...)
}

func (e *staticWriter) labels(ls []Label) {
	e.uint(uint64(len(ls)))
	for _, l := range ls {
		e.label(l)
	}
}

// grid writes labels by 1° cell (see labelGrid), by row, then column, each
// cell's labels in their order in ls: the cells' keys and lengths first,
// then their labels, so that Load reads the keys without the labels (6 MB
// that a site reads a few cells of).
func (e *staticWriter) grid(ls []Label) {
	cells := map[cellKey][]Label{}
	for _, l := range ls {
		k := gridCell(l.Lon, l.Lat)
		cells[k] = append(cells[k], l)
	}
	keys := sortedKeys(cells)
	e.uint(uint64(len(keys)))
	all := &staticWriter{}
	for _, k := range keys {
		c := &staticWriter{}
		c.labels(cells[k])
		e.uint(zigzag(k.X))
		e.uint(zigzag(k.Y))
		e.uint(uint64(len(c.b)))
		all.b = append(all.b, c.b...)
	}
	e.bytes(all.b)
}

func zigzag(v int) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(u uint64) int { return int(u>>1) ^ -int(u&1) }

func (e *staticWriter) label(l Label) {
	e.bytes([]byte(l.Name))
	e.float(l.Lon)
	e.float(l.Lat)
	for _, v := range []int{int(l.Kind), l.MinZoom, l.MaxZoom, l.Population, int(l.Precision), l.rank} {
		e.uint(uint64(v))
	}
}

// staticReader reads what staticWriter wrote; the first error sticks.
type staticReader struct {
	b   []byte
	err error
}

var errTruncated = errors.New("basemap: data/basemap.bin is truncated (run make basemap-data)")

func (d *staticReader) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.err = errTruncated
		return 0
	}
	d.b = d.b[n:]
	return v
}

// float reads the 8 bytes of a float64's bits, little-endian: a label's
// coordinates are most of what Load reads, and as varints they were 9
// or 10 bytes each, read a byte at a time.
func (d *staticReader) float() float64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 8 {
		d.err = errTruncated
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return math.Float64frombits(v)
}

// count reads a length, which may not exceed what is left to read.
func (d *staticReader) count() int {
	n := d.uint()
	if n > uint64(len(d.b)) {
		d.err = errTruncated
		return 0
	}
	return int(n)
}

// bytes returns the next length-prefixed bytes, sharing d's memory.
func (d *staticReader) bytes() []byte {
	n := d.count()
	if d.err != nil {
		return nil
	}
	p := d.b[:n:n]
	d.b = d.b[n:]
	return p
}

// string returns the next length-prefixed bytes as a string that shares
// d's memory, which must not change afterwards (see Load): the names of
// about 15,000 labels a build, each allocated before.
func (d *staticReader) string() string {
	p := d.bytes()
	if len(p) == 0 {
		return ""
	}
	return unsafe.String(&p[0], len(p))
}

func (d *staticReader) labels() []Label { return d.appendLabels(nil) }

// appendLabels appends the labels that staticWriter.labels wrote to ls.
func (d *staticReader) appendLabels(ls []Label) []Label {
	start, n := len(ls), d.count()
	ls = slices.Grow(ls, n)[:start+n]
	for i := start; i < len(ls); i++ {
		l := &ls[i]
		l.Name = d.string()
		l.Lon, l.Lat = d.float(), d.float()
		l.Kind = Kind(d.uint())
		l.MinZoom, l.MaxZoom, l.Population = int(d.uint()), int(d.uint()), int(d.uint())
		l.Precision = geo.Precision(d.uint())
		l.rank = int(d.uint())
	}
	return ls
}

// Load returns the base map that Generate wrote to data. The outline
// scripts and the labels' names share data's memory, which must not
// change afterwards.
func Load(data []byte) (*Base, error) {
	rest, ok := bytes.CutPrefix(data, []byte(staticMagic))
	if !ok {
		return nil, errors.New("basemap: data/basemap.bin is not base map data (run make basemap-data)")
	}
	d := &staticReader{b: rest}
	b := &Base{world: d.bytes(), cells: make([][]outlineCell, len(Bands)), land: map[[3]int][]landPart{}}
	for i := range Bands {
		b.lats = append(b.lats, newLatitudes(i))
	}
	for i := 1; i < len(Bands); i++ {
		b.cells[i] = make([]outlineCell, d.count())
		for j := range b.cells[i] {
			x, y := d.uint(), d.uint()
			c := outlineCell{key: cellKey{int(x), int(y)}, script: d.bytes()}
			if n := copy(c.sum[:], d.bytes()); n != len(c.sum) && d.err == nil {
				d.err = errTruncated
			}
			b.cells[i][j] = c
		}
	}
	b.outlines = string(d.bytes())
	for i := range b.cells {
		for j := range b.cells[i] {
			c := &b.cells[i][j]
			c.path = b.outlines + outlineName(i, c.key)
		}
		b.outlineCells += len(b.cells[i])
	}
	b.countries = make([]countryAnchor, d.count())
	for i := range b.countries {
		b.countries[i] = countryAnchor{cc: string(d.bytes()), lon: d.float(), lat: d.float(), width: d.float()}
	}
	b.cities, b.deepCities, b.regions, b.districts = d.labels(), d.grid(), d.labels(), d.grid()
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) > 0 {
		return nil, errors.New("basemap: data/basemap.bin has trailing bytes (run make basemap-data)")
	}
	return b, nil
}

// grid reads what staticWriter.grid wrote; the cells' labels are read
// only when a site asks for them.
func (d *staticReader) grid() *labelGrid {
	n := d.count()
	g := &labelGrid{keys: make([]cellKey, n), ends: make([]int, n)}
	end := 0
	for i := range n {
		g.keys[i] = cellKey{unzigzag(d.uint()), unzigzag(d.uint())}
		end += int(d.uint())
		g.ends[i] = end
	}
	if g.data = d.bytes(); end != len(g.data) && d.err == nil {
		d.err = errTruncated
	}
	return g
}

// labelGrid holds labels by 1° cell of longitude and latitude (cell
// (x, y) spans [x, x+1) × [y, y+1) degrees), encoded until a site asks for
// those of the cells near its records: a build reads a few cells rather
// than 160,000 labels.
type labelGrid struct {
	keys []cellKey // the cells that hold labels, by row, then column
	ends []int     // where each cell's labels end in data
	data []byte    // the cells' labels, one after another
}

func gridCell(lon, lat float64) cellKey {
	return cellKey{int(math.Floor(lon)), int(math.Floor(lat))}
}

// encoded returns the encoded labels of cell k, and whether it has any.
func (g *labelGrid) encoded(k cellKey) ([]byte, bool) {
	i, ok := slices.BinarySearchFunc(g.keys, k, func(a, b cellKey) int {
		if a.Y != b.Y {
			return cmp.Compare(a.Y, b.Y)
		}
		return cmp.Compare(a.X, b.X)
	})
	if !ok {
		return nil, false
	}
	start := 0
	if i > 0 {
		start = g.ends[i-1]
	}
	return g.data[start:g.ends[i]], true
}

// cell returns the labels of cell k, in the order Generate found them.
func (g *labelGrid) cell(k cellKey) []Label {
	c, ok := g.encoded(k)
	if !ok {
		return nil
	}
	d := &staticReader{b: c}
	return d.labels() // Generate's bytes, which TestBundledDataUpToDate checks
}

// near returns the labels that lie within NearKm of a site's records (as
// n.has tells), from the cells of c.
func (g *labelGrid) near(n *near, c *nearby) []Label {
	var out, cell []Label // cell: each cell's labels in turn
	for _, k := range c.cells {
		b, ok := g.encoded(k)
		if !ok {
			continue
		}
		d := &staticReader{b: b}
		cell = d.appendLabels(cell[:0])
		for _, l := range cell {
			if n.has(l.Lon, l.Lat) {
				out = append(out, l)
			}
		}
	}
	return out
}

// nearby is the 1° cells (see gridCell) that hold the points within
// NearKm of a site's records, and perhaps a few more.
type nearby struct {
	cells []cellKey // in the order the records' points first reach them
	set   map[cellKey]bool
}

func nearCells(pts []orb.Point) *nearby {
	// A degree of latitude is at least 110.5 km; of longitude, that times
	// the cosine of the latitude.
	const dlat = NearKm / 110.5 * 1.05
	c := &nearby{set: map[cellKey]bool{}}
	for _, p := range pts {
		dlon := 180.0
		if cos := math.Cos((math.Abs(p[1]) + dlat) * math.Pi / 180); cos > dlat/180 {
			dlon = dlat / cos
		}
		for y := int(math.Floor(p[1] - dlat)); y <= int(math.Floor(p[1]+dlat)); y++ {
			for x := int(math.Floor(p[0] - dlon)); x <= int(math.Floor(p[0]+dlon)); x++ {
				k := cellKey{x, y}
				if !c.set[k] {
					c.set[k] = true
					c.cells = append(c.cells, k)
				}
			}
		}
	}
	return c
}

// cellLand returns the land of cell k of band i (of the world for the
// world band), decoded from its script and kept: what the map draws, for
// the locators.
func (b *Base) cellLand(i int, k cellKey) []landPart {
	b.landMu.Lock()
	defer b.landMu.Unlock()
	key := [3]int{i, k.X, k.Y}
	if land, ok := b.land[key]; ok {
		return land
	}
	var js []byte
	if Bands[i].Cell == 0 {
		js = b.world
	} else {
		cs := b.cells[i]
		j := sort.Search(len(cs), func(j int) bool {
			return cs[j].key.Y > k.Y || cs[j].key.Y == k.Y && cs[j].key.X >= k.X
		})
		if j < len(cs) && cs[j].key == k {
			js = cs[j].script
		}
	}
	land := decodeLand(js, Bands[i].Quantum)
	b.land[key] = land
	return land
}

// landPart is a polygon of land with its bounds, which the locators test
// against their view before drawing it.
type landPart struct {
	orb.Polygon
	bound orb.Bound
}

// decodeLand reads the member "land" of a script (see appendOutlines):
// polygons of rings of integers, the first pair a point in quanta of q
// degrees, each pair after it the step from the point before. Each ring
// is made at its length, which the commas before its end tell, and read
// number by number (see readRing): a locator at a country's zoom decodes
// hundreds of kilobytes of them.
func decodeLand(js []byte, q float64) []landPart {
	i := bytes.Index(js, []byte(`"land":`))
	if i < 0 {
		return nil
	}
	var (
		out  []landPart
		poly orb.Polygon
	)
	depth := 0
	for i += len(`"land":`); i < len(js); i++ {
		switch js[i] {
		case '[':
			if depth++; depth == 3 {
				var r orb.Ring
				r, i = readRing(js, i+1, q)
				poly = append(poly, r)
				depth--
			}
		case ']':
			switch depth {
			case 2:
				out = append(out, landPart{poly, poly.Bound()})
				poly = nil
			case 1:
				return out
			}
			depth--
		}
	}
	return out
}

// readRing reads the ring whose numbers start at js[i], up to its ']',
// and returns it and the index of that ']' (len(js) when there is none).
// A number is an optional '-' and digits; what ends it (a comma, or the
// ']') is skipped, as is anything else between numbers.
func readRing(js []byte, i int, q float64) (orb.Ring, int) {
	end := bytes.IndexByte(js[i:], ']')
	if end < 0 {
		end = len(js)
	} else {
		end += i
	}
	r := make(orb.Ring, 0, (bytes.Count(js[i:end], []byte{','})+1)/2)
	var (
		x, y  int64 // the point so far, in quanta
		first int64 // the pair's first number
		odd   bool  // first holds a number, its pair's second to come
	)
	for i < end {
		c := js[i]
		if c != '-' && (c < '0' || c > '9') {
			i++
			continue
		}
		neg := c == '-'
		if neg {
			i++
		}
		var v int64
		for ; i < end && js[i] >= '0' && js[i] <= '9'; i++ {
			v = v*10 + int64(js[i]-'0')
		}
		if neg {
			v = -v
		}
		if !odd {
			first, odd = v, true
			continue
		}
		x, y, odd = x+first, y+v, false
		r = append(r, orb.Point{float64(x) * q, float64(y) * q})
	}
	return r, end
}
