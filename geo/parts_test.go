package geo

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// parsed parses cities and divisions as loadCities does, after three
// places that stand for the countries, in parts of about size bytes on
// workers goroutines.
func parsed(cities, divisions string, size, workers int) (*eagerList, error) {
	return parsedDiv(cities, divisions, size, size, workers)
}

// parsedDiv is parsed with parts of the divisions of divSize bytes.
func parsedDiv(cities, divisions string, size, divSize, workers int) (*eagerList, error) {
	g := &eagerList{places: make([]Place, 3), admin: make([]string, 3), seat: make([]bool, 3)}
	g.geoStart = 3
	err := g.parseCities(cities, divisions, size, divSize, workers)
	return g, err
}

// sameParse reports how the gazetteers a and b, as parsed returns them,
// differ, or "" if they do not.
func sameParse(a, b *eagerList) string {
	switch {
	case !reflect.DeepEqual(a.places, b.places):
		for i := range min(len(a.places), len(b.places)) {
			if !reflect.DeepEqual(a.places[i], b.places[i]) {
				return fmt.Sprintf("place %d: %+v, want %+v", i, a.places[i], b.places[i])
			}
		}
		return fmt.Sprintf("%d places, want %d", len(a.places), len(b.places))
	case !reflect.DeepEqual(a.admin, b.admin) || !reflect.DeepEqual(a.seat, b.seat):
		return "admin codes or seats differ"
	case !reflect.DeepEqual(a.geoNum, b.geoNum):
		return fmt.Sprintf("geoNum %v, want %v", a.geoNum, b.geoNum)
	case !reflect.DeepEqual(a.iso, b.iso):
		return fmt.Sprintf("iso %v, want %v", a.iso, b.iso)
	case a.geoStart != b.geoStart || a.c500Start != b.c500Start || a.divStart != b.divStart || a.divEnd != b.divEnd:
		return fmt.Sprintf("runs %d %d %d %d, want %d %d %d %d", a.geoStart, a.c500Start, a.divStart, a.divEnd,
			b.geoStart, b.c500Start, b.divStart, b.divEnd)
	}
	return ""
}

// sampleTSV returns the header of data, then n rows from its start and n
// from its end, with blank lines and comments put in at random if odd.
func sampleTSV(data string, n int, odd bool, r *rand.Rand) string {
	var header, rows []string
	for _, line := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
		if strings.HasPrefix(line, "#") {
			header = append(header, line)
		} else {
			rows = append(rows, line)
		}
	}
	rows = append(rows[:n:n], rows[len(rows)-n:]...)
	var b strings.Builder
	for _, line := range append(header, rows...) {
		if odd && r.IntN(8) == 0 {
			b.WriteString([]string{"\n", "# a comment\n", "\n\n", "#\n"}[r.IntN(4)])
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}

// TestParseParts checks that the places parsed in parts, on one goroutine
// or several, are those parsed in one part in order, blank lines and
// comments anywhere (which the first count of rows takes for rows).
func TestParseParts(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, odd := range []bool{false, true} {
		cities := sampleTSV(citiesTSV, 1500, odd, r)
		divisions := sampleTSV(divisionsTSV, 400, odd, r)
		if !odd {
			cities = strings.TrimSuffix(cities, "\n") // a last line without its newline
		}
		want, err := parsedDiv(cities, divisions, len(cities), len(divisions), 1)
		if err != nil {
			t.Fatal(err)
		}
		if want.c500Start == 0 || len(want.iso) == 0 || int(want.divEnd-want.divStart) != 800 || int(want.divStart-want.geoStart) != 3000 {
			t.Fatalf("the sample lacks cities500 places, ISO codes or rows: %d %d %d", want.c500Start, len(want.iso), want.divEnd)
		}
		for _, size := range []int{0, 100, 1000, 5000, 30000, len(cities)} {
			for _, workers := range []int{1, 2, 3} {
				got, err := parsed(cities, divisions, size, workers)
				if err != nil {
					t.Fatalf("odd %v, size %d, workers %d: %v", odd, size, workers, err)
				}
				if d := sameParse(got, want); d != "" {
					t.Fatalf("odd %v, size %d, workers %d: %s", odd, size, workers, d)
				}
			}
		}
	}
}

// TestParsePartsErrors checks that a bad row is found, with its line,
// whatever the parts, and that the first of two is the one reported; the
// ids must be in order across the ends of the parts too.
func TestParsePartsErrors(t *testing.T) {
	cities := sampleTSV(citiesTSV, 50, false, nil)
	divisions := sampleTSV(divisionsTSV, 50, false, nil)
	lines := func(s string) []string { return strings.SplitAfter(s, "\n") }
	// edit returns text with line n (from 1) changed by f.
	edit := func(text string, n int, f func(string) string) string {
		l := lines(text)
		l[n-1] = f(l[n-1])
		return strings.Join(l, "")
	}
	field := func(k int, v string) func(string) string {
		return func(line string) string {
			f := strings.Split(line, "\t")
			f[k] = v
			return strings.Join(f, "\t")
		}
	}
	swap := func(text string, n int) string { // lines n and n+1
		l := lines(text)
		l[n-1], l[n] = l[n], l[n-1]
		return strings.Join(l, "")
	}
	header := strings.Count(cities, "\n#") + 1 // the comment lines
	first := header + 1                        // the line of the first row
	c500 := first + 50                         // of the first cities500 row
	for _, tt := range []struct {
		name              string
		cities, divisions string
		want              string
	}{
		{"fields", edit(cities, first+20, func(s string) string { return "x\t" + s }), divisions,
			fmt.Sprintf("geo: data/cities.tsv:%d: want 12 fields", first+20)},
		{"number", edit(cities, first+7, field(9, "4x")), divisions,
			fmt.Sprintf("geo: data/cities.tsv:%d: bad number", first+7)},
		{"precision", edit(cities, c500+3, field(6, "town")), divisions,
			fmt.Sprintf("geo: data/cities.tsv:%d: bad precision \"town\"", c500+3)},
		{"geonames order", swap(cities, first+30), divisions,
			fmt.Sprintf("geo: data/cities.tsv:%d: GeoNames ids out of order at ", first+31)},
		{"geonames after cities500", swap(cities, c500-1), divisions,
			fmt.Sprintf("geo: data/cities.tsv:%d: GeoNames ids out of order at ", c500)},
		{"cities500 order", swap(cities, c500+10), divisions,
			fmt.Sprintf("geo: data/cities.tsv:%d: ids out of order at \"cities500:", c500+11)},
		{"id", edit(cities, c500+40, field(0, "osm:1")), divisions,
			fmt.Sprintf("geo: data/cities.tsv:%d: bad id \"osm:1\"", c500+40)},
		{"division order", cities, swap(divisions, first+60),
			fmt.Sprintf("geo: data/divisions.tsv:%d: ids out of order at \"admin", first+61)},
		{"division precision", cities, edit(divisions, first+2, field(1, "county")),
			fmt.Sprintf("geo: data/divisions.tsv:%d: bad precision \"county\"", first+2)},
		{"cities before divisions", edit(cities, c500+45, field(8, "")), edit(divisions, first, field(8, "")),
			fmt.Sprintf("geo: data/cities.tsv:%d: bad number", c500+45)},
		{"first of two", edit(edit(cities, first+40, field(10, "east")), first+70, field(6, "x")), divisions,
			fmt.Sprintf("geo: data/cities.tsv:%d: bad number", first+40)},
	} {
		for _, size := range []int{0, 85, 1000, len(tt.cities)} {
			for _, workers := range []int{1, 2} {
				_, err := parsed(tt.cities, tt.divisions, size, workers)
				if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
					t.Errorf("%s, size %d, workers %d: error %v, want %s…", tt.name, size, workers, err, tt.want)
				}
			}
		}
	}
}

// TestAdminCodes checks that the admin codes of a place read back as
// given, joined by adminCodes or taken from a row by joinedFields.
func TestAdminCodes(t *testing.T) {
	row, bare := "geonames:1\tA\tTR\t34\t7733234\tPPL", "geonames:2\tB\tTR\t\t\tPPL"
	var f, fb [6]string
	if !splitTabs(row, f[:]) || !splitTabs(bare, fb[:]) {
		t.Fatal("splitTabs")
	}
	g := &Gazetteer{admin: []string{
		adminCodes("", ""), adminCodes("34", ""), adminCodes("", "7733234"), adminCodes("34", "7733234"),
		joinedFields(row, f[:], 3), joinedFields(bare, fb[:], 3),
	}}
	want := [][2]string{{"", ""}, {"34", ""}, {"", "7733234"}, {"34", "7733234"}, {"34", "7733234"}, {"", ""}}
	if g.admin[1] != "34" || g.admin[3] != "34\t7733234" {
		t.Errorf("adminCodes made %q", g.admin)
	}
	for i, w := range want {
		if a1, a2 := g.admin1(int32(i)), g.admin2(int32(i)); a1 != w[0] || a2 != w[1] {
			t.Errorf("codes %d (%q): %q, %q; want %q, %q", i, g.admin[i], a1, a2, w[0], w[1])
		}
	}
}

// TestCuratedAdminTab checks that a curated place whose admin-1 code has a
// tab, which adminCodes would read as two codes, is an error.
func TestCuratedAdminTab(t *testing.T) {
	saved := curatedData
	defer func() { curatedData = saved }()
	curatedData = []curatedEntry{{place: Place{ID: "curated:x", Name: "X", Country: "TR", Precision: City, Source: "a test"},
		admin1: "34\t1", set: 1<<len(curatedKeys) - 1, line: 7}}
	if _, err := loadPlaces(); err == nil || !strings.Contains(err.Error(), "place 7: a tab in admin1") {
		t.Fatalf("error %v, want one for the tab in admin1", err)
	}
	curatedData[0].admin1 = "34"
	if _, err := loadPlaces(); err != nil {
		t.Fatal(err)
	}
}
