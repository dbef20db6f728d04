// Package tiles writes a site's records as vector tiles (Mapbox Vector
// Tiles, encoded with orb's encoding/mvt) into one PMTiles v3 archive
// (laid out by pmtiles.go), for a map with more records than a browser
// can take in one data script.
//
// The archive has one layer, "records". From PointZoom on, its tiles hold
// every record as a point with what the map lists and filters it by (see
// Record). Below PointZoom, they hold clusters made on a grid of
// CellPixels-pixel cells, one zoom from the next, so that a cluster at
// zoom z is the union of clusters at z+1. Records of different countries
// are never in one cluster, nor records placed only at a country or
// region with records placed at a point: the map's country filter is then
// exact on clusters. A cluster carries its count per layer, attribution
// and year of start, so the map can count what its layer, attribution
// and date filters keep (the dates to the year). A cluster of one record
// is written as the record.
//
// Where more than StackCap records of one country fall on one pixel of
// the point zoom (records placed at the same city, say), the tiles hold
// the StackCap last of them in the order given (the newest, in the
// build's date order) as points, and the rest as one cluster that never
// splits: a tile stays small whatever the data.
//
// Two archives of the same records are byte-identical: features are
// written in a fixed order, properties sorted by name (orb), tiles in
// tile-ID order, compressed with gzip at its default level.
package tiles

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
)

// LayerName is the name of the archive's one vector layer.
const LayerName = "records"

// Record is one record as the tiles carry it.
type Record struct {
	Lon, Lat    float64
	Key         int    // the record's number in the map data's order (its details are in chunk Key/256)
	ID          string // its id: the page at incidents/<id>/
	Title       string
	Layer       int    // index of its layer in site.toml
	Attribution int    // 1 + index of its attribution in site.toml's vocabulary; 0 for none
	Country     string // ISO 3166-1 alpha-2
	Start       string // ISO date of its first day
	End         string // ISO date of its last day; "" when the same as Start
	DateText    string // the date as written ("2023-summer")
	Place       string // the place as written; may be ""
	Precision   string // venue, neighbourhood, district, city, region, country
}

// area says whether the record stands for a whole country or region.
func (r *Record) area() bool { return r.Precision == "country" || r.Precision == "region" }

// year is the year of the record's first day.
func (r *Record) year() int {
	y, _ := strconv.Atoi(r.Start[:min(4, len(r.Start))])
	return y
}

// Options shape the archive.
type Options struct {
	MinZoom    int // the first zoom with tiles (the map shows no zoom below 2)
	PointZoom  int // from this zoom on, every record is its own feature; the archive's last zoom
	CellPixels int // the side of a cluster's grid cell, in pixels of a 256-pixel tile
	StackCap   int // at most this many records of one country at one pixel of the point zoom are points
}

// DefaultOptions are the options the build uses.
var DefaultOptions = Options{MinZoom: 2, PointZoom: 10, CellPixels: 64, StackCap: 256}

// Stats describe an archive.
type Stats struct {
	Tiles    int
	Features map[int]int // features per zoom
	Records  map[int]int // records counted per zoom (the sum of the clusters' counts and the points)
	Bytes    int
	Largest  int // bytes of the largest tile (compressed)
}

// item is a cluster or a record at one zoom: its position in Web
// Mercator ([0, 1) both ways), sums of its records' positions, its count
// per layer, attribution and year, and the zoom at which it splits.
type item struct {
	sx, sy  float64 // sums of the records' x and y
	n       int
	rec     int // the record, when n == 1
	country string
	area    bool
	hist    []bin
	expand  int // the zoom at which it falls apart into more than one item
}

// bin counts the records of one layer and attribution whose date starts
// in one year.
type bin struct {
	key uint64 // layer<<32 | attribution<<16 | year
	n   uint32
}

// binKey returns the key of r's bin.
func binKey(r *Record) uint64 {
	return uint64(uint32(r.Layer))<<32 | uint64(uint16(r.Attribution))<<16 | uint64(uint16(r.year()))
}

// mercator projects lon, lat to Web Mercator in [0, 1).
func mercator(lon, lat float64) (float64, float64) {
	lat = math.Max(-85.05112878, math.Min(85.05112878, lat))
	x := (lon + 180) / 360
	s := math.Sin(lat * math.Pi / 180)
	y := 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
	return math.Min(math.Max(x, 0), math.Nextafter(1, 0)), math.Min(math.Max(y, 0), math.Nextafter(1, 0))
}

// Archive returns the PMTiles archive of records, in the order given
// (which must not depend on anything but the records).
func Archive(records []Record, opt Options) ([]byte, Stats, error) {
	if opt.PointZoom < opt.MinZoom || opt.MinZoom < 0 || opt.PointZoom > 20 || opt.CellPixels <= 0 || opt.CellPixels > 256 || opt.StackCap < 1 {
		return nil, Stats{}, fmt.Errorf("tiles: bad options %+v", opt)
	}
	st := Stats{Features: map[int]int{}, Records: map[int]int{}}
	// The records, as the items of the point zoom.
	level := make([]item, len(records))
	for i := range records {
		r := &records[i]
		x, y := mercator(r.Lon, r.Lat)
		level[i] = item{sx: x, sy: y, n: 1, rec: i, country: r.Country, area: r.area(),
			hist: []bin{{key: binKey(r), n: 1}}, expand: opt.PointZoom + 1}
	}
	level = stack(level, opt.PointZoom, opt.StackCap)
	levels := make([][]item, opt.PointZoom+1)
	levels[opt.PointZoom] = level
	for z := opt.PointZoom - 1; z >= opt.MinZoom; z-- {
		level = clusterLevel(level, z, opt.CellPixels)
		levels[z] = level
	}

	type tileOut struct {
		id   uint64
		data []byte
	}
	var (
		mu    sync.Mutex
		outs  []tileOut
		first error
	)
	for z := opt.MinZoom; z <= opt.PointZoom; z++ {
		groups := byTile(levels[z], z)
		ids := make([]uint64, 0, len(groups))
		for id := range groups {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		var wg sync.WaitGroup
		work := make(chan uint64)
		for w := 0; w < 2; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// One compressor a worker: each holds about a megabyte.
				gz, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
				for id := range work {
					data, err := encodeTile(gz, records, levels[z], groups[id], id)
					mu.Lock()
					if err != nil && first == nil {
						first = err
					}
					outs = append(outs, tileOut{id, data})
					mu.Unlock()
				}
			}()
		}
		for _, id := range ids {
			work <- id
		}
		close(work)
		wg.Wait()
		st.Features[z] = len(levels[z])
		for _, it := range levels[z] {
			st.Records[z] += it.n
		}
	}
	if first != nil {
		return nil, st, first
	}
	slices.SortFunc(outs, func(a, b tileOut) int {
		switch {
		case a.id < b.id:
			return -1
		case a.id > b.id:
			return 1
		}
		return 0
	})

	var data bytes.Buffer
	entries := make([]entry, 0, len(outs))
	for _, t := range outs {
		entries = append(entries, entry{id: t.id, offset: uint64(data.Len()), length: uint32(len(t.data)), run: 1})
		data.Write(t.data)
		st.Largest = max(st.Largest, len(t.data))
	}
	st.Tiles = len(outs)
	b, err := pack(entries, data.Bytes(), records, opt)
	st.Bytes = len(b)
	return b, st, err
}

// stack merges, of the records that fall on one pixel of zoom z (a tile
// being 4096 pixels across) with the same country and kind, all but the
// last cap into one item that never splits, placed where the first of
// them was; the others keep their order.
func stack(records []item, z, cap int) []item {
	type key struct {
		px, py  int64
		country string
		area    bool
	}
	scale := math.Ldexp(tilePixels, z)
	keyOf := func(it *item) key {
		return key{int64(it.sx * scale), int64(it.sy * scale), it.country, it.area}
	}
	count := map[key]int{}
	for i := range records {
		count[keyOf(&records[i])]++
	}
	stacked := false
	for _, n := range count {
		stacked = stacked || n > cap
	}
	if !stacked {
		return records
	}
	out := make([]item, 0, len(records))
	at := map[key]int{} // the stack's place in out
	for i := range records {
		it := &records[i]
		k := keyOf(it)
		if count[k] <= cap {
			out = append(out, *it)
			continue
		}
		count[k]-- // records left at k, this one included before
		j, ok := at[k]
		if !ok {
			j = len(out)
			at[k] = j
			out = append(out, item{rec: -1, country: it.country, area: it.area, expand: z + 1})
		}
		s := &out[j]
		s.sx += it.sx
		s.sy += it.sy
		s.n += it.n
		s.hist = append(s.hist, it.hist...)
		if s.n == 1 {
			s.rec = it.rec
		}
	}
	for j := range out {
		if out[j].n > 1 {
			out[j].rec = -1
			out[j].hist = mergeBins(out[j].hist)
		}
	}
	return out
}

// tilePixels is the number of pixels across a tile (its extent), at
// which records count as at one point.
const tilePixels = mvt.DefaultExtent

// clusterLevel groups the items of zoom z+1 into those of zoom z: by
// grid cell, country and whether they stand for areas, in the order
// first met.
func clusterLevel(below []item, z, cell int) []item {
	type key struct {
		cx, cy  int32
		country string
		area    bool
	}
	scale := math.Ldexp(256, z) / float64(cell)
	index := make(map[key]int, len(below)/2)
	var out []item
	var children []int
	for i := range below {
		c := &below[i]
		x, y := c.sx/float64(c.n), c.sy/float64(c.n)
		k := key{int32(x * scale), int32(y * scale), c.country, c.area}
		j, ok := index[k]
		if !ok {
			j = len(out)
			index[k] = j
			out = append(out, item{rec: c.rec, country: c.country, area: c.area, expand: c.expand})
			children = append(children, 0)
		}
		g := &out[j]
		g.sx += c.sx
		g.sy += c.sy
		g.n += c.n
		g.hist = append(g.hist, c.hist...)
		children[j]++
	}
	for j := range out {
		g := &out[j]
		if children[j] > 1 {
			g.expand = z + 1
			g.rec = -1
		}
		g.hist = mergeBins(g.hist)
	}
	return out
}

// mergeBins sorts bins by key and adds up those with the same key.
func mergeBins(b []bin) []bin {
	if len(b) < 2 {
		return b
	}
	slices.SortFunc(b, func(x, y bin) int { return cmp.Compare(x.key, y.key) })
	out := b[:1]
	for _, v := range b[1:] {
		if last := &out[len(out)-1]; last.key == v.key {
			last.n += v.n
		} else {
			out = append(out, v)
		}
	}
	return slices.Clip(out)
}

// byTile returns the items of zoom z by the PMTiles ID of their tile.
func byTile(items []item, z int) map[uint64][]int32 {
	out := map[uint64][]int32{}
	n := math.Ldexp(1, z)
	for i := range items {
		it := &items[i]
		tx, ty := uint32(it.sx/float64(it.n)*n), uint32(it.sy/float64(it.n)*n)
		id := tileID(uint8(z), tx, ty)
		out[id] = append(out[id], int32(i))
	}
	return out
}

// encodeTile encodes the items of one tile as a vector tile, compressed
// with gz.
func encodeTile(gz *gzip.Writer, records []Record, items []item, which []int32, id uint64) ([]byte, error) {
	z, tx, ty := tileZXY(id)
	n := math.Ldexp(1, int(z))
	fc := geojson.NewFeatureCollection()
	fc.Features = make([]*geojson.Feature, 0, len(which))
	for _, i := range which {
		it := &items[i]
		// The point in the tile's own coordinates, 0 to 4096.
		px := math.Floor((it.sx/float64(it.n)*n - float64(tx)) * mvt.DefaultExtent)
		py := math.Floor((it.sy/float64(it.n)*n - float64(ty)) * mvt.DefaultExtent)
		f := geojson.NewFeature(orb.Point{px, py})
		if it.n == 1 {
			f.Properties = recordProperties(&records[it.rec])
		} else {
			f.Properties = geojson.Properties{"n": it.n, "cc": it.country, "h": histText(it.hist), "x": it.expand}
			if it.area {
				f.Properties["a"] = 1
			}
		}
		fc.Features = append(fc.Features, f)
	}
	layer := mvt.NewLayer(LayerName, fc)
	raw, err := mvt.Marshal(mvt.Layers{layer})
	if err != nil {
		return nil, fmt.Errorf("tiles: tile %d/%d/%d: %w", z, tx, ty, err)
	}
	var buf bytes.Buffer
	buf.Grow(len(raw)/3 + 64)
	gz.Reset(&buf)
	gz.Write(raw)
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// recordProperties are a record's properties in the tiles: short names,
// to keep the tiles small (the map's assets/map-tiles.js reads them).
func recordProperties(r *Record) geojson.Properties {
	p := geojson.Properties{"k": r.Key, "id": r.ID, "t": r.Title, "l": r.Layer, "cc": r.Country,
		"s": r.Start, "dt": r.DateText, "pr": r.Precision}
	if r.End != "" {
		p["e"] = r.End
	}
	if r.Place != "" {
		p["pl"] = r.Place
	}
	if r.Attribution > 0 {
		p["at"] = r.Attribution
	}
	return p
}

// histText writes a cluster's counts per layer, attribution and year as
// "layer:year=n,year=n;layer/attribution:year=n": a part per layer and
// attribution ("/attribution" left out for records with none), years in
// order.
func histText(h []bin) string {
	var b strings.Builder
	last := uint64(math.MaxUint64)
	for _, v := range h {
		part, year := v.key>>16, int(v.key&0xffff)
		if part != last {
			if last != math.MaxUint64 {
				b.WriteByte(';')
			}
			b.WriteString(strconv.FormatUint(part>>16, 10))
			if a := part & 0xffff; a > 0 {
				b.WriteByte('/')
				b.WriteString(strconv.FormatUint(a, 10))
			}
			b.WriteByte(':')
			last = part
		} else {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(year))
		b.WriteByte('=')
		b.WriteString(strconv.FormatUint(uint64(v.n), 10))
	}
	return b.String()
}

// pack lays out a PMTiles v3 archive: header, root directory, metadata,
// leaf directories and the tile data, in tile-ID order.
func pack(entries []entry, data []byte, records []Record, opt Options) ([]byte, error) {
	if len(entries) == 0 {
		return nil, fmt.Errorf("tiles: no records")
	}
	root, leaves := directories(entries)
	meta, err := metadata(map[string]any{
		"name":        "mapsite records",
		"description": "The site's records: clusters below zoom " + strconv.Itoa(opt.PointZoom) + ", every record from it on",
		"vector_layers": []map[string]any{{
			"id": LayerName, "minzoom": opt.MinZoom, "maxzoom": opt.PointZoom,
			"fields": map[string]string{
				"k": "Number", "id": "String", "t": "String", "l": "Number", "cc": "String", "s": "String", "e": "String",
				"dt": "String", "pl": "String", "pr": "String", "n": "Number", "h": "String", "x": "Number", "a": "Number", "at": "Number",
			},
		}},
	})
	if err != nil {
		return nil, err
	}
	bound := orb.Bound{Min: orb.Point{180, 90}, Max: orb.Point{-180, -90}}
	for i := range records {
		bound = bound.Extend(orb.Point{records[i].Lon, records[i].Lat})
	}
	c := bound.Center()
	n := uint64(len(entries))
	h := header{
		root: span{headerLen, uint64(len(root))}, addressed: n, entries: n, contents: n,
		minZoom: uint8(opt.MinZoom), maxZoom: uint8(opt.PointZoom), centerZoom: uint8(opt.MinZoom),
		minLon: e7(bound.Min[0]), minLat: e7(bound.Min[1]), maxLon: e7(bound.Max[0]), maxLat: e7(bound.Max[1]),
		centerLon: e7(c[0]), centerLat: e7(c[1]),
	}
	h.meta = span{h.root.offset + h.root.length, uint64(len(meta))}
	h.leaves = span{h.meta.offset + h.meta.length, uint64(len(leaves))}
	h.data = span{h.leaves.offset + h.leaves.length, uint64(len(data))}
	out := make([]byte, 0, int(h.data.offset)+len(data))
	out = appendHeader(out, h)
	out = append(out, root...)
	out = append(out, meta...)
	out = append(out, leaves...)
	return append(out, data...), nil
}

func e7(v float64) int32 { return int32(math.Round(v * 1e7)) }
