package basemap

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"math"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/mapsite/mapsite/internal/synth"
)

var update = flag.Bool("update", false, "update the .golden files in testdata/")

// seed is a site like the seed data set: records in İstanbul, Kerman and
// Krasnogorsk.
var seed = Site{Language: "en", Points: []orb.Point{{28.9784, 41.0082}, {57.0786, 30.2839}, {37.3887, 55.8253}}}

func bundled(t testing.TB) *Base {
	t.Helper()
	b, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// golden compares got with testdata/name, or writes it there with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (%d bytes, want %d); run go test -update and review the diff", name, len(got), len(want))
	}
}

func TestCutPolygon(t *testing.T) {
	tests := []struct {
		name  string
		ring  orb.Ring
		parts int
		area  float64 // total, square degrees
	}{
		{"no crossing", orb.Ring{{10, 10}, {20, 10}, {20, 20}, {10, 20}, {10, 10}}, 1, 100},
		// An island from 178° E to 178° W, written the short way across the antimeridian.
		{"across the antimeridian", orb.Ring{{178, -17}, {-178, -17}, {-178, -15}, {178, -15}, {178, -17}}, 2, 8},
		// A ring around the South Pole, as Natural Earth draws Antarctica.
		{"around the pole", orb.Ring{{-180, -70}, {-90, -75}, {0, -70}, {90, -75}, {180, -70}, {-180, -70}}, 1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cutPolygon(orb.Polygon{tt.ring})
			if len(got) != tt.parts {
				t.Fatalf("cutPolygon gave %d parts, want %d: %v", len(got), tt.parts, got)
			}
			area := 0.0
			for _, p := range got {
				b := p.Bound()
				if b.Min[0] < -180 || b.Max[0] > 180 {
					t.Errorf("part %v leaves [-180, 180]", b)
				}
				for _, r := range p {
					for i := 1; i < len(r); i++ {
						// An edge along a pole's parallel is off the map; any other may not cross it.
						if math.Abs(r[i][0]-r[i-1][0]) > 180 && !(math.Abs(r[i][1]) == 90 && r[i][1] == r[i-1][1]) {
							t.Errorf("part still has an edge across the world: %v", r)
						}
					}
				}
				area += math.Abs(planar.Area(p))
			}
			if tt.area > 0 && math.Abs(area-tt.area) > 1e-9 {
				t.Errorf("area %g, want %g", area, tt.area)
			}
			if tt.area < 0 && !contains(got[0], orb.Point{0, -85}) {
				t.Errorf("the pole's ring does not cover the pole: %v", got[0])
			}
		})
	}
}

func TestCutLine(t *testing.T) {
	got := cutLine(orb.LineString{{170, 0}, {179, 10}, {-179, 12}, {-170, 20}})
	if len(got) != 2 {
		t.Fatalf("cutLine gave %d parts, want 2: %v", len(got), got)
	}
	if end, start := got[0][len(got[0])-1], got[1][0]; end != (orb.Point{180, 11}) || start != (orb.Point{-180, 11}) {
		t.Errorf("cut at %v and %v, want (180, 11) and (-180, 11)", end, start)
	}
}

// TestSeasAreSea checks that no band fills a sea as land, and that land
// across the antimeridian is filled once: the faults of drawing Natural
// Earth's polygons unsplit (the White and Barents seas filled, a band
// across the Arctic, a line at 16° S).
func TestSeasAreSea(t *testing.T) {
	b := bundled(t)
	points := []struct {
		name     string
		lon, lat float64
		land     bool
	}{
		{"Barents Sea", 40, 72, false},
		{"White Sea", 38.5, 65.5, false},
		{"South Pacific", -150, -16, false},
		{"Arctic Ocean north of Alaska", -150, 75, false},
		{"Bering Sea", 179.9, 58, false},
		{"Moscow", 37.62, 55.75, true},
		{"Chukotka, east of 180°", -175, 66.5, true},
		{"Vanua Levu, Fiji", 179.2, -16.5, true},
		{"Antarctica", 0, -80, true},
	}
	for i, band := range Bands {
		for _, p := range points {
			// A cell's land overlaps its neighbours' a little: look in
			// the cell the point lies in.
			land := b.cellLand(i, cellKey{})
			if band.Cell > 0 {
				k := cellsOf(orb.Bound{Min: orb.Point{p.lon, p.lat}, Max: orb.Point{p.lon, p.lat}}, band.Cell)
				land = b.cellLand(i, k[0])
			}
			n := 0
			for _, poly := range land {
				if poly.Bound().Pad(1e-9).Contains(orb.Point{p.lon, p.lat}) && contains(poly.Polygon, orb.Point{p.lon, p.lat}) {
					n++
				}
			}
			if p.land && n != 1 || !p.land && n != 0 {
				t.Errorf("band %d: %s (%g, %g) lies in %d land polygons, want %v", i, p.name, p.lon, p.lat, n, p.land)
			}
		}
	}
}

func TestScriptsDeterministic(t *testing.T) {
	b := bundled(t)
	a, c := b.Scripts(seed, ""), b.Scripts(seed, "")
	if !bytes.Equal(a.World, c.World) {
		t.Error("two runs wrote different world scripts")
	}
	if len(a.Cells) != len(c.Cells) {
		t.Fatalf("two runs wrote %d and %d cells", len(a.Cells), len(c.Cells))
	}
	for p, body := range a.Cells {
		if !bytes.Equal(body, c.Cells[p]) {
			t.Errorf("two runs wrote different %s", p)
		}
	}
}

// TestOutlineCellsShared checks that the outline cells of two sites with
// different records are the same files, in the same folder, while their
// label cells are apart: a reader's browser keeps the outlines from one
// update of a site to the next.
func TestOutlineCellsShared(t *testing.T) {
	b := bundled(t)
	other := Site{Language: "en", Points: []orb.Point{{-58.38, -34.6}, {151.21, -33.87}}}
	a, c := b.Scripts(seed, ""), b.Scripts(other, "")
	folders := func(s Scripts) map[string]string {
		out := map[string]string{}
		for p := range s.Cells {
			dir, name := path.Split(p)
			if prev, ok := out[name[:1]]; ok && prev != dir {
				t.Fatalf("%s cells in two folders, %s and %s", name[:1], prev, dir)
			}
			out[name[:1]] = dir
		}
		return out
	}
	fa, fc := folders(a), folders(c)
	if fa["o"] == "" || fa["o"] != fc["o"] {
		t.Errorf("outline folders %q and %q, want one", fa["o"], fc["o"])
	}
	if fa["l"] == "" || fc["l"] == "" || fa["l"] == fc["l"] || fa["l"] == fa["o"] {
		t.Errorf("label folders %q and %q (outlines %q): want two of their own", fa["l"], fc["l"], fa["o"])
	}
	outlines := 0
	for p, body := range a.Cells {
		if strings.HasPrefix(p, fa["o"]) {
			outlines++
			if !bytes.Equal(body, c.Cells[p]) {
				t.Errorf("%s differs between the sites", p)
			}
		}
	}
	if outlines < 1000 {
		t.Errorf("%d outline cells, want the whole world's", outlines)
	}
	for _, s := range []Scripts{a, c} {
		if !bytes.Contains(s.World, []byte(fmt.Sprintf(`"dirs":{"o":%q,"l":%q}`, fa["o"], folders(s)["l"]))) {
			t.Errorf("the world script does not name the cells' folders")
		}
	}
}

// TestLabelCellGolden pins the labels of the cell around İstanbul that
// the map loads from zoom 9.
func TestLabelCellGolden(t *testing.T) {
	s := bundled(t).Scripts(seed, "")
	// İstanbul, 28.98° E 41.01° N, in the deepest band's 5° cells.
	for p, body := range s.Cells {
		if strings.HasSuffix(p, "/l4-41-26.js") {
			golden(t, "istanbul-labels.golden.js", body)
			return
		}
	}
	t.Fatal("no label cell l4-41-26")
}

func TestLocatorGolden(t *testing.T) {
	loc := bundled(t).Locators(seed)
	svg := loc.SVG(Mark{Lon: 37.3887, Lat: 55.8253, Zoom: LocatorZoom("venue"), Color: "#D55E00", Solid: true, Label: "Crocus City Hall, Krasnogorsk"})
	golden(t, "crocus-locator.golden.svg", []byte(svg))
	for _, want := range []string{"Krasnogorsk", `aria-label="Locator map: Crocus City Hall, Krasnogorsk"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("locator lacks %q", want)
		}
	}
	if n := strings.Count(svg, "<text"); n < 2 || n > locatorLabels {
		t.Errorf("locator has %d labels, want 2 to %d", n, locatorLabels)
	}
	hostile := loc.SVG(Mark{Lon: 28.97, Lat: 41.01, Zoom: 10, Color: `"><script>`, Label: `<script>alert(1)</script>`})
	if strings.Contains(hostile, "<script") {
		t.Errorf("locator does not escape its input: %s", hostile)
	}
}

func TestLabelRanking(t *testing.T) {
	b := bundled(t)
	ls := b.Labels(seed)
	index := map[string]Label{}
	order := map[string]int{}
	for i, l := range ls {
		key := l.Name
		if _, ok := index[key]; !ok {
			index[key], order[key] = l, i
		}
	}
	// Cities show by population: a metropolis from the world view, a
	// district town only close in.
	for _, tt := range []struct {
		name       string
		minZ, maxZ int
	}{
		{"İstanbul", 3, 4},
		{"Tehran", 3, 4},
		{"Moscow", 3, 4},
		{"Kerman", 5, 7},
		{"Krasnogorsk", 8, 11},
		{"Fatih", 9, 12}, // a district of İstanbul
	} {
		l, ok := index[tt.name]
		if !ok {
			t.Errorf("no label %q", tt.name)
			continue
		}
		if l.MinZoom < tt.minZ || l.MinZoom > tt.maxZ {
			t.Errorf("%s shows from zoom %d, want %d to %d", tt.name, l.MinZoom, tt.minZ, tt.maxZ)
		}
	}
	if order["İstanbul"] > order["Kerman"] || order["Kerman"] > order["Krasnogorsk"] {
		t.Errorf("labels out of order: İstanbul %d, Kerman %d, Krasnogorsk %d", order["İstanbul"], order["Kerman"], order["Krasnogorsk"])
	}
	for i := 1; i < len(ls); i++ {
		if ls[i].MinZoom < ls[i-1].MinZoom {
			t.Fatalf("label %d (%s, zoom %d) after one of zoom %d", i, ls[i].Name, ls[i].MinZoom, ls[i-1].MinZoom)
		}
	}
	// The cities that show at a zoom stand Spacing pixels apart.
	for _, z := range []int{4, 6} {
		var shown []Label
		for _, l := range b.cities {
			if l.MinZoom <= z {
				shown = append(shown, l)
			}
		}
		for i := range shown {
			xi, yi := mercator(shown[i].Lon, shown[i].Lat, z)
			for j := i + 1; j < len(shown); j++ {
				xj, yj := mercator(shown[j].Lon, shown[j].Lat, z)
				if d := math.Hypot(xi-xj, yi-yj); d < Spacing-1e-6 {
					t.Fatalf("zoom %d: %s and %s are %.0f px apart, under %d", z, shown[i].Name, shown[j].Name, d, Spacing)
				}
			}
		}
	}
	// Far from every record, no small town is labelled.
	for _, l := range ls {
		if l.Kind == KindCity && l.MinZoom > worldLabelZoom && km(l.Lon, l.Lat, 28.9784, 41.0082) > NearKm &&
			km(l.Lon, l.Lat, 57.0786, 30.2839) > NearKm && km(l.Lon, l.Lat, 37.3887, 55.8253) > NearKm {
			t.Fatalf("%s (zoom %d) is labelled far from the records", l.Name, l.MinZoom)
		}
	}
}

func TestCountryNames(t *testing.T) {
	tests := []struct{ cc, lang, want string }{
		{"IR", "en", "Iran"},
		{"DE", "de", "Deutschland"},
		{"DE", "de-AT", "Deutschland"},
		{"RU", "fr", "Russie"},
		{"TR", "tr", "Türkiye"},
		{"IR", "xx", "Iran"}, // no table for the language: English
	}
	for _, tt := range tests {
		if got := countryName(tt.cc, tt.lang); got != tt.want {
			t.Errorf("countryName(%q, %q) = %q, want %q", tt.cc, tt.lang, got, tt.want)
		}
	}
}

// BenchmarkGenerate measures what `make basemap-data` does once: the
// outlines and the ranked labels, from Natural Earth and the gazetteer.
func BenchmarkGenerate(b *testing.B) {
	topo, g := mustInputs(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Generate(topo, g); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad measures what a process pays once to read the embedded
// base map (Bundled).
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(bundledData); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScripts measures what every build pays: a site's labels and
// the scripts.
func BenchmarkScripts(b *testing.B) {
	base := bundled(b)
	for b.Loop() {
		base.Scripts(seed, "")
	}
}

// BenchmarkForSite measures what every build pays: a site's labels, the
// scripts and the locator maker.
func BenchmarkForSite(b *testing.B) {
	base := bundled(b)
	for b.Loop() {
		base.ForSite(seed, "")
	}
}

// benchMarks are marks spread over Europe, the Middle East and Central Asia
// at every locator zoom, and the site they belong to.
func benchMarks() (Site, []Mark) {
	r := rand.New(rand.NewPCG(1, 2))
	zooms := []string{"venue", "district", "city", "region", "country"}
	s := Site{Language: "en"}
	var marks []Mark
	for i := range 2000 {
		lon, lat := -10+r.Float64()*80, 25+r.Float64()*35
		s.Points = append(s.Points, orb.Point{lon, lat})
		p := zooms[i%len(zooms)]
		marks = append(marks, Mark{Lon: lon, Lat: lat, Zoom: LocatorZoom(p), Color: "#D55E00", Solid: p == "venue", WholeArea: p == "region" || p == "country", Label: "Mark"})
	}
	return s, marks
}

// TestLocatorsStable pins the locators of two hundred marks (a hash of
// each), so that work on the locator's speed cannot change what it draws.
func TestLocatorsStable(t *testing.T) {
	s, marks := benchMarks()
	loc := bundled(t).Locators(s)
	var b bytes.Buffer
	for i := 0; i < len(marks); i += 10 {
		m := marks[i]
		fmt.Fprintf(&b, "%.4f %.4f z%d %x\n", m.Lon, m.Lat, m.Zoom, sha256.Sum256([]byte(loc.SVG(m))))
	}
	golden(t, "locators.golden.txt", b.Bytes())
}

// BenchmarkLocatorSVG measures what every record page pays: its locator.
func BenchmarkLocatorSVG(b *testing.B) {
	s, marks := benchMarks()
	loc := bundled(b).Locators(s)
	for _, m := range marks {
		loc.SVG(m) // the land of every cell, decoded once per process
	}
	i := 0
	for b.Loop() {
		loc.SVG(marks[i%len(marks)])
		i++
	}
}

// TestAppendNum checks appendNum against the strconv call it replaces.
func TestAppendNum(t *testing.T) {
	vals := []float64{0, -0.0, 0.04, -0.04, 0.05, -0.05, 0.96, 1, -1, 12.345, -12.35, 99.95, 1e14, 3e15, -3e15, math.Inf(1), math.NaN()}
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		vals = append(vals, (r.Float64()-0.5)*2000)
	}
	for _, v := range vals {
		want := strconv.AppendFloat(nil, math.Round(v*10)/10, 'f', -1, 64)
		if got := appendNum(nil, v); string(got) != string(want) {
			t.Errorf("appendNum(%v) = %s, want %s", v, got, want)
		}
	}
}

// synthSite returns the site of n records of the synthetic benchmark
// (package synth): points at real places, most of them shared by many
// records, as in a large data set.
func synthSite(tb testing.TB, n int) Site {
	tb.Helper()
	pool, err := synth.LoadPlaces("..")
	if err != nil {
		tb.Fatal(err)
	}
	s := Site{Language: "en"}
	for _, r := range synth.Generate(n, 1, pool) {
		p := orb.Point{r.Place.Lon, r.Place.Lat}
		if r.Coords != nil {
			p = orb.Point{r.Coords[0], r.Coords[1]}
		}
		s.Points = append(s.Points, p)
	}
	return s
}

// BenchmarkLabels100k measures the labels of a site of 100,000 synthetic
// records: what a build pays for the base map when its points changed.
func BenchmarkLabels100k(b *testing.B) {
	base, s := bundled(b), synthSite(b, 100000)
	b.ResetTimer()
	for b.Loop() {
		base.Labels(s)
	}
}

// TestLabelsSynthGolden pins the labels of a site of 20,000 synthetic
// records (their number and a hash of each kind's), so that work on the
// speed of Labels cannot change which labels a site gets; and checks that
// the order and repetition of the points do not matter.
func TestLabelsSynthGolden(t *testing.T) {
	base, s := bundled(t), synthSite(t, 20000)
	dump := func(ls []Label) []byte {
		var out bytes.Buffer
		h := map[Kind]*bytes.Buffer{}
		for _, l := range ls {
			if h[l.Kind] == nil {
				h[l.Kind] = &bytes.Buffer{}
			}
			fmt.Fprintf(h[l.Kind], "%q %v %v %d %d %d %d\n", l.Name, l.Lon, l.Lat, l.MinZoom, l.MaxZoom, l.Population, l.Precision)
		}
		for k := KindCountry; k <= KindDistrict; k++ {
			if b := h[k]; b != nil {
				fmt.Fprintf(&out, "kind %d: %d labels, %x\n", k, bytes.Count(b.Bytes(), []byte{'\n'}), sha256.Sum256(b.Bytes()))
			}
		}
		return out.Bytes()
	}
	got := dump(base.Labels(s))
	golden(t, "labels-synth.golden.txt", got)
	// The same points, reversed and each twice.
	var again Site
	again.Language = s.Language
	for i := len(s.Points) - 1; i >= 0; i-- {
		again.Points = append(again.Points, s.Points[i], s.Points[i])
	}
	if other := dump(base.Labels(again)); !bytes.Equal(other, got) {
		t.Errorf("the same points in another order gave other labels:\n%s\nwant\n%s", other, got)
	}
}

// TestAppendEscaped checks appendEscaped against html.EscapeString, which
// it replaces in the locator's accessible name.
func TestAppendEscaped(t *testing.T) {
	for _, s := range []string{"", "Paris", `<b>"A" & 'B'</b>`, "İstanbul, Başakşehir", "\xff<\x00>", "&amp;"} {
		if got, want := string(appendEscaped([]byte("x"), s)), "x"+html.EscapeString(s); got != want {
			t.Errorf("appendEscaped(%q) = %q, want %q", s, got, want)
		}
	}
}

// BenchmarkForSite1k measures the base map prepared for a site of 1,000
// synthetic records: what every cold build of a small site pays.
func BenchmarkForSite1k(b *testing.B) {
	base, s := bundled(b), synthSite(b, 1000)
	b.ResetTimer()
	for b.Loop() {
		base.ForSite(s, "")
	}
}

// TestAppendJSONString checks appendJSONString against json.Marshal, which
// it replaces for the labels' names: every name of the bundled base map
// and strings with what json escapes.
func TestAppendJSONString(t *testing.T) {
	b := bundled(t)
	names := []string{"", "Paris", `a"b`, `a\b`, "<b>", "a&b", "tab\there", "nl\n", "\x7f", "\xff", "ok\xc3", "a\u2028b", "a\u2029b", "İstanbul", "東京", "🙂"}
	for _, ls := range [][]Label{b.cities, b.regions} {
		for _, l := range ls {
			names = append(names, l.Name)
		}
	}
	for _, s := range names {
		want, _ := json.Marshal(s)
		if got := appendJSONString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Errorf("appendJSONString(%q) = %s, want x%s", s, got, want)
		}
	}
}

// TestAppendFixed checks appendFixed, which writes the labels'
// coordinates (four decimals) and the locators' numbers (one), against
// the strconv call it replaces, at every number of decimals it takes.
func TestAppendFixed(t *testing.T) {
	vals := []float64{0, -0.0, 0.00004, -0.00004, 0.00005, -0.00005, 0.1, -0.1, 0.0001, 1, -1, 12.3456, -12.34567, 179.99999, -180, 1e14, 3e15, -3e15, math.Inf(1), math.NaN()}
	r := rand.New(rand.NewPCG(5, 6))
	for range 200000 {
		vals = append(vals, (r.Float64()-0.5)*360, math.Round((r.Float64()-0.5)*3600)/10)
	}
	for _, l := range bundled(t).cities {
		vals = append(vals, l.Lon, l.Lat)
	}
	for _, v := range vals {
		for places, scale := range []float64{1, 10, 100, 1e3, 1e4, 1e5, 1e6} {
			want := strconv.AppendFloat(nil, math.Round(v*scale)/scale, 'f', -1, 64)
			if got := appendFixed(nil, v, places); string(got) != string(want) {
				t.Errorf("appendFixed(%v, %d) = %s, want %s", v, places, got, want)
			}
			if got := appendCoord(nil, v); places == 4 && string(got) != string(want) {
				t.Errorf("appendCoord(%v) = %s, want %s", v, got, want)
			}
		}
	}
}
