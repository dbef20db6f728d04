package geo

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
)

// The GeoNames places and divisions, places[geoStart:divEnd] of a
// Gazetteer, are not parsed when the list loads: a row becomes a place
// when a lookup first asks for it (Gazetteer.row), found by its number
// from the offsets of data/index.bin's blocks of rowMark rows, or by its
// id by binary search of the sorted rows. Cold builds of the seed site
// and of 1,000 and 10,000 synthetic records parse 100, 138 and 309 of the
// 210,790 rows.

// A geoRow is a GeoNames place or division as its row gives it, with the
// parent that linkParents gives it.
type geoRow struct {
	Place
	admin  string // as Gazetteer.admin keeps them (see adminCodes)
	seat   bool   // the seat of its admin-1 division, or a region
	iso    string // ISO 3166-2 code of a region, where known
	parent int32  // index of its parent, or -1
}

// rowChunk is the number of rows of a part of a rowStore's table of
// parsed rows, made when one of its rows is first parsed.
const rowChunk = 256

// A rowStore holds the rows parsed so far, without locks. A gazetteer
// made by With shares its base's.
type rowStore struct {
	base  *Gazetteer        // the loaded gazetteer, in which rows find their parents
	fixed map[int32]*geoRow // rows places/curated.toml changes, made while loading
	// regions are the rows of fixed that are regions, by country and
	// admin-1 code ("IR.29"): the others are found by their id.
	regions map[string]int32
	ready   bool // the load is done: rows are linked and kept in parts
	parts   []atomic.Pointer[[rowChunk]atomic.Pointer[geoRow]]
}

// isRow reports whether place i is a GeoNames place or division.
func (g *Gazetteer) isRow(i int32) bool { return i >= g.geoStart && i < g.divEnd }

// slot is the index in g.places (and g.admin, g.seat, g.parent) of place
// i, which is not a row.
func (g *Gazetteer) slot(i int32) int32 {
	if i < g.geoStart {
		return i
	}
	return i - (g.divEnd - g.geoStart)
}

// size is the number of places, hidden ones included.
func (g *Gazetteer) size() int32 { return int32(len(g.places)) + g.divEnd - g.geoStart }

// place returns place i. Its fields are not to be changed (see mutable).
func (g *Gazetteer) place(i int32) *Place {
	if g.isRow(i) {
		return &g.row(i).Place
	}
	return &g.places[g.slot(i)]
}

// mutable returns place i for loadCurated to change.
func (g *Gazetteer) mutable(i int32) *Place {
	if g.isRow(i) {
		return &g.fixRow(i).Place
	}
	return &g.places[g.slot(i)]
}

// adminOf returns the admin codes of place i (see adminCodes).
func (g *Gazetteer) adminOf(i int32) string {
	if g.isRow(i) {
		return g.row(i).admin
	}
	return g.admin[g.slot(i)]
}

// setAdmin sets the admin codes of place i, a curated one.
func (g *Gazetteer) setAdmin(i int32, codes string) {
	if g.isRow(i) {
		g.fixRow(i).admin = codes
		return
	}
	g.admin[g.slot(i)] = codes
}

// seatOf reports whether place i is the seat of its admin-1 division or a
// region.
func (g *Gazetteer) seatOf(i int32) bool {
	if g.isRow(i) {
		return g.row(i).seat
	}
	return g.seat[g.slot(i)]
}

// row returns row i (a place index), parsing it the first time. Until the
// load is done, a row is parsed afresh each time and not linked.
func (g *Gazetteer) row(i int32) *geoRow {
	s := g.rows
	if !s.ready {
		if r, ok := s.fixed[i]; ok {
			return r
		}
		return g.parseRow(i)
	}
	k := i - g.geoStart
	part := s.parts[k/rowChunk].Load()
	if part == nil {
		s.parts[k/rowChunk].CompareAndSwap(nil, new([rowChunk]atomic.Pointer[geoRow]))
		part = s.parts[k/rowChunk].Load()
	}
	slot := &part[k%rowChunk]
	if r := slot.Load(); r != nil {
		return r
	}
	r := g.parseRow(i)
	r.parent = s.base.link(i, &r.Place, r.admin)
	if !slot.CompareAndSwap(nil, r) {
		return slot.Load() // another goroutine's, the same
	}
	return r
}

// keepFixed ends the load: the rows places/curated.toml changed go into
// the table of parsed rows.
func (s *rowStore) keepFixed(g *Gazetteer) {
	s.parts = make([]atomic.Pointer[[rowChunk]atomic.Pointer[geoRow]], (g.divEnd-g.geoStart+rowChunk-1)/rowChunk)
	s.ready = true
	for i, r := range s.fixed {
		k := i - g.geoStart
		part := s.parts[k/rowChunk].Load()
		if part == nil {
			part = new([rowChunk]atomic.Pointer[geoRow])
			s.parts[k/rowChunk].Store(part)
		}
		part[k%rowChunk].Store(r)
	}
}

// fixRow returns row i for loadCurated to change: it is kept apart from
// the rows parsed on demand, and linked at the end of the load.
func (g *Gazetteer) fixRow(i int32) *geoRow {
	s := g.rows
	r, ok := s.fixed[i]
	if !ok {
		r = g.parseRow(i)
		s.fixed[i] = r
	}
	return r
}

// parseRow parses row i (a place index). The embedded rows are checked
// by TestRows: a bad one, which go generate never writes, panics.
func (g *Gazetteer) parseRow(i int32) *geoRow {
	var r *geoRow
	var err error
	if i < g.divStart {
		r, err = parseCityRow(rowText(false, int(i-g.geoStart)))
	} else {
		r, err = parseDivisionRow(rowText(true, int(i-g.divStart)))
	}
	if err != nil {
		panic(fmt.Sprintf("geo: place %d: %v", i, err))
	}
	return r
}

// parseCityRow parses a row of data/cities.tsv as setCity does.
func parseCityRow(line string) (*geoRow, error) {
	var f [cityColumns]string
	if !splitTabs(line, f[:]) {
		return nil, fmt.Errorf("want %d fields", cityColumns)
	}
	pop, err1 := atoi(f[8])
	lat, err2 := parseDecimal(f[9])
	lon, err3 := parseDecimal(f[10])
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, fmt.Errorf("bad number")
	}
	var prec Precision
	switch f[6] {
	case "city":
		prec = City
	case "neighbourhood":
		prec = Neighbourhood
	case "district":
		prec = District
	default:
		return nil, fmt.Errorf("bad precision %q", f[6])
	}
	return &geoRow{
		Place: Place{ID: f[0], Name: f[1], Country: f[2], Precision: prec, Parent: f[7],
			Lat: lat, Lon: lon, Population: pop, Source: citySource},
		admin:  joinedFields(line, f[:], 3),
		seat:   f[5] == "PPLA" || f[5] == "PPLC",
		parent: -1,
	}, nil
}

// parseDivisionRow parses a row of data/divisions.tsv as setDivision
// does.
func parseDivisionRow(line string) (*geoRow, error) {
	var f [divisionColumns]string
	if !splitTabs(line, f[:]) {
		return nil, fmt.Errorf("want %d fields", divisionColumns)
	}
	pop, err1 := atoi(f[7])
	lat, err2 := parseDecimal(f[8])
	lon, err3 := parseDecimal(f[9])
	if err1 != nil || err2 != nil || err3 != nil {
		return nil, fmt.Errorf("bad number")
	}
	prec := Region
	if f[1] == "district" {
		prec = District
	} else if f[1] != "region" {
		return nil, fmt.Errorf("bad precision %q", f[1])
	}
	r := &geoRow{
		Place: Place{ID: f[0], Name: f[2], Country: f[3], Precision: prec, Lat: lat, Lon: lon, Population: pop,
			Source: divisionSource(f[10])},
		admin:  joinedFields(line, f[:], 4),
		seat:   prec == Region,
		iso:    f[6],
		parent: -1,
	}
	if f[11] != "" {
		r.Aliases = strings.Split(f[11], "|")
	}
	return r, nil
}

// rowText returns data row r of data/divisions.tsv if div, else of
// data/cities.tsv.
func rowText(div bool, r int) string {
	text, off := rowOffset(div, r)
	end := strings.IndexByte(text[off:], '\n')
	if end < 0 {
		end = len(text) - off
	}
	return text[off : off+end]
}

// rowOffset returns the text of data/divisions.tsv if div, else of
// data/cities.tsv, and the offset in it of data row r.
func rowOffset(div bool, r int) (string, int) {
	text := citiesTSV
	if div {
		text = divisionsTSV
	}
	off := rowMarkAt(div, r/rowMark)
	for n := r % rowMark; ; {
		end := strings.IndexByte(text[off:], '\n')
		if end < 0 {
			end = len(text) - off
		}
		if line := text[off : off+end]; line != "" && line[0] != '#' {
			if n == 0 {
				return text, off
			}
			n--
		}
		off += end + 1
	}
}

// rowID returns the id column of a row.
func rowID(line string) string {
	if i := strings.IndexByte(line, '\t'); i >= 0 {
		return line[:i]
	}
	return line
}

// searchRows finds among the data rows [lo, hi) of data/divisions.tsv if
// div, else of data/cities.tsv, sorted by id, the one whose id cmp finds
// equal: cmp returns how an id compares with the one sought. It searches
// the first rows of the blocks, then the rows of one block.
func searchRows(div bool, lo, hi int, cmp func(id string) int) (int, bool) {
	if lo >= hi {
		return 0, false
	}
	k0, k1 := blocks(lo), blocks(hi) // the blocks whose first row is in [lo, hi)
	k := k0 + sort.Search(k1-k0, func(x int) bool { return cmp(rowID(rowText(div, (k0+x)*rowMark))) >= 0 })
	r := lo
	if k > k0 {
		r = (k - 1) * rowMark
	}
	text, off := rowOffset(div, r)
	for r < hi && off < len(text) {
		end := strings.IndexByte(text[off:], '\n')
		if end < 0 {
			end = len(text) - off
		}
		if line := text[off : off+end]; line != "" && line[0] != '#' {
			switch c := cmp(rowID(line)); {
			case c == 0:
				return r, true
			case c > 0:
				return 0, false
			}
			r++
		}
		off += end + 1
	}
	return 0, false
}

// geoNumCmp returns the cmp of searchRows for GeoNames id n.
func geoNumCmp(n int) func(string) int {
	return func(id string) int {
		m, err := atoi(strings.TrimPrefix(id, "geonames:"))
		if err != nil || m > math.MaxInt32 {
			return 1 // not a row with a GeoNames id: TestRows checks there is none
		}
		switch {
		case m < n:
			return -1
		case m > n:
			return 1
		}
		return 0
	}
}

// findRow returns the index of the GeoNames place or division with the
// given id.
func (g *Gazetteer) findRow(id string) (int32, bool) {
	if g.rows == nil || g.divEnd == g.geoStart {
		return 0, false
	}
	var r int
	var ok bool
	switch {
	case strings.HasPrefix(id, "geonames:"):
		n, err := strconv.ParseInt(id[len("geonames:"):], 10, 32)
		if err != nil {
			return 0, false
		}
		r, ok = searchRows(false, 0, c500Row(), geoNumCmp(int(n)))
	case strings.HasPrefix(id, "cities500:"):
		r, ok = searchRows(false, c500Row(), cityRowCount(), func(s string) int { return strings.Compare(s, id) })
	case strings.HasPrefix(id, "admin1:") || strings.HasPrefix(id, "admin2:"):
		r, ok = searchRows(true, 0, divisionRowCount(), func(s string) int { return strings.Compare(s, id) })
		r += cityRowCount()
	}
	return g.geoStart + int32(r), ok
}
