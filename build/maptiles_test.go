package build

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
	"github.com/mapsite/mapsite/internal/synth"
	"github.com/mapsite/mapsite/site"
	"github.com/mapsite/mapsite/tiles"
)

// vectorSite writes a synthetic site of n records whose site.toml sets
// [map] to the given lines.
func vectorSite(t *testing.T, n int, mapLines string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := synth.Site("..", dir, n, 7); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "site.toml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if !strings.Contains(s, "\n[map]\n") {
		t.Fatal("the synthetic site.toml has no [map] table")
	}
	s = strings.Replace(s, "\n[map]\n", "\n[map]\n"+mapLines+"\n", 1)
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// renderVector renders a synthetic site of n records drawn from vector
// tiles, and returns its folder and files.
func renderVector(t *testing.T, n int) (string, Files) {
	t.Helper()
	dir := vectorSite(t, n, `vector_tiles = "always"`)
	files, _, err := Render(context.Background(), Options{SiteDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return dir, files
}

// decodeData decodes the map's data script of a render into v.
func decodeData(t *testing.T, files Files, v any) {
	t.Helper()
	if err := json.Unmarshal(scriptJSON(t, "data.js", dataScript(t, files), "window.MAPSITE_DATA"), v); err != nil {
		t.Fatalf("data.js: %v", err)
	}
}

// archiveOf returns the one PMTiles archive of a rendered site.
func archiveOf(t *testing.T, files Files) []byte {
	t.Helper()
	var found []string
	for p := range files {
		if strings.HasPrefix(p, "assets/records/records.") && strings.HasSuffix(p, ".pmtiles") {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		t.Fatalf("archives %v, want one", found)
	}
	return files[found[0]]
}

// pointZoomFeatures returns the features of the archive's tiles at the
// point zoom, read back with go-pmtiles and orb's mvt.
func pointZoomFeatures(t *testing.T, b []byte) []*geojson.Feature {
	t.Helper()
	h, err := pmtiles.DeserializeHeader(b[:pmtiles.HeaderV3LenBytes])
	if err != nil {
		t.Fatal(err)
	}
	var out []*geojson.Feature
	err = pmtiles.IterateEntries(h, func(off, l uint64) ([]byte, error) { return b[off : off+l], nil }, func(e pmtiles.EntryV3) {
		if z, _, _ := pmtiles.IDToZxy(e.TileID); int(z) != tiles.DefaultOptions.PointZoom {
			return
		}
		layers, err := mvt.UnmarshalGzipped(b[h.TileDataOffset+e.Offset : h.TileDataOffset+e.Offset+uint64(e.Length)])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, layers[0].Features...)
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// dataScript returns the map's data script (assets/data.<hash>.js) of a
// render.
func dataScript(t *testing.T, files Files) []byte {
	t.Helper()
	for p, f := range files {
		if dataName.MatchString(p) {
			return f
		}
	}
	t.Fatal("no assets/data.*.js")
	return nil
}

var dataName = regexp.MustCompile(`^assets/data\.[0-9a-f]+\.js$`)

// TestCountryPlaces checks where a map that cannot read the tiles draws
// each country's records: at the point that holds most of them (the first
// met on a tie), with the bounds of all of them.
func TestCountryPlaces(t *testing.T) {
	rec := func(cc string, lon, lat float64, p geo.Precision) *recordView {
		return &recordView{Record: &incident.Record{Country: cc, Location: incident.Location{Lon: lon, Lat: lat, Precision: p}}}
	}
	m := &model{Records: []*recordView{
		rec("IR", 57.0790, 30.2839, geo.City),   // Kerman
		rec("IR", 52.5311, 29.6100, geo.City),   // Shiraz
		rec("IR", 52.53108, 29.61001, geo.City), // Shiraz again, once rounded to the city's 4 decimals
		rec("IR", 51.3890, 35.6892, geo.City),   // Tehran
		rec("TR", 28.9784, 41.0082, geo.City),   // a tie: the first met
		rec("TR", 32.8597, 39.9334, geo.City),
		rec("RU", 37.6173, 55.7558, geo.Venue),
	}}
	got := m.countryPlaces()
	want := map[string]countryPlace{
		"IR": {at: orb.Point{52.5311, 29.61}, bound: orb.Bound{Min: orb.Point{51.389, 29.61}, Max: orb.Point{57.079, 35.6892}}},
		"TR": {at: orb.Point{28.9784, 41.0082}, bound: orb.Bound{Min: orb.Point{28.9784, 39.9334}, Max: orb.Point{32.8597, 41.0082}}},
		"RU": {at: orb.Point{37.6173, 55.7558}, bound: orb.Bound{Min: orb.Point{37.6173, 55.7558}, Max: orb.Point{37.6173, 55.7558}}},
	}
	if len(got) != len(want) {
		t.Fatalf("%d countries, want %d: %v", len(got), len(want), got)
	}
	for cc, w := range want {
		if got[cc] != w {
			t.Errorf("%s: %+v, want %+v", cc, got[cc], w)
		}
	}
}

// TestVectorTilesSite renders a site whose map reads vector tiles: the
// archive holds every record at the point zoom (read back with go-pmtiles
// and orb's mvt), data.js has the summary and no record columns, the map
// page loads the tiles' scripts, the template path writes the same page,
// and two renders are byte-identical.
func TestVectorTilesSite(t *testing.T) {
	const n = 600
	dir := vectorSite(t, n, `vector_tiles = "always"`)
	files, rep, err := Render(context.Background(), Options{SiteDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(rep.Notes, "\n"), "vector tiles") {
		t.Errorf("the report says nothing of the tiles: %q", rep.Notes)
	}
	ids := map[string]bool{}
	for _, f := range pointZoomFeatures(t, archiveOf(t, files)) {
		ids[f.Properties["id"].(string)] = true
	}
	if len(ids) != n {
		t.Errorf("the point zoom holds %d records, want %d", len(ids), n)
	}
	data := dataScript(t, files)
	for _, want := range []string{`"vector":{"archive":"records/records.`, `"summary":{"unit":"month"`, `"ids":{"first":[`, `"details":{"size":256`, `"country_at":[`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("data.js lacks %s", want)
		}
	}
	if bytes.Contains(data, []byte(`"xy":`)) {
		t.Error("data.js holds the record columns")
	}
	index := string(files["index.html"])
	for _, want := range []string{"protomaps-leaflet.min.", "map-tiles."} {
		if !strings.Contains(index, want) {
			t.Errorf("the map page does not load %s", want)
		}
	}

	again, _, err := Render(context.Background(), Options{SiteDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(files) {
		t.Fatalf("%d files, then %d", len(files), len(again))
	}
	for p, f := range files {
		if !bytes.Equal(f, again[p]) {
			t.Errorf("%s differs between two renders", p)
		}
	}

	slow, _, err := Render(context.Background(), Options{SiteDir: withTemplateOverrides(t, dir)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := index, string(slow["index.html"]); got != want {
		t.Errorf("the map page from plain Go differs from the template's:\n%s\nwant\n%s", got, want)
	}
}

// TestVectorTilesSummary checks that a site drawn from vector tiles can
// count and filter by attribution and dates: each record at the point
// zoom carries its attribution's number ("at", 1 + its place in
// site.toml's vocabulary), the summary's groups count as many records of
// each attribution as the data hold, and their days, read back as
// map-tiles.js reads them, span the records' first and last days.
func TestVectorTilesSummary(t *testing.T) {
	const n = 600
	dir, files := renderVector(t, n)
	s, problems := site.Load(dir)
	if problems.Err() != nil {
		t.Fatal(problems.Err())
	}
	number := map[string]int{}
	for i, a := range s.Config.Attributions {
		number[a.Key] = i + 1
	}
	want, byID := map[int]int{}, map[string]int{}
	var first, last time.Time
	for _, r := range s.Records {
		want[number[r.Attribution]]++
		byID[r.ID] = number[r.Attribution]
		if first.IsZero() || r.Date.Start.Before(first) {
			first = r.Date.Start
		}
		if r.Date.End.After(last) {
			last = r.Date.End
		}
	}
	if len(want) < 2 {
		t.Fatalf("the synthetic records have attributions %v: the test needs several", want)
	}

	seen := 0
	for _, f := range pointZoomFeatures(t, archiveOf(t, files)) {
		id, _ := f.Properties["id"].(string)
		got := 0
		if v, ok := f.Properties["at"]; ok {
			got = int(v.(float64))
		}
		if got != byID[id] {
			t.Errorf("record %s has attribution %d in the tiles, want %d", id, got, byID[id])
		}
		seen++
	}
	if seen != n {
		t.Errorf("%d records at the point zoom, want %d", seen, n)
	}

	var D struct {
		Vector struct {
			Summary struct {
				Attribution []int `json:"attribution"`
				Start       []int `json:"start"`
				End         []int `json:"end"`
				N           []int `json:"n"`
			} `json:"summary"`
		} `json:"vector"`
	}
	decodeData(t, files, &D)
	S := D.Vector.Summary
	if len(S.Attribution) != len(S.N) || len(S.Start) != len(S.N) || len(S.End) != len(S.N) {
		t.Fatalf("summary: %d attributions, %d starts and %d ends for %d groups", len(S.Attribution), len(S.Start), len(S.End), len(S.N))
	}
	day, lo, hi := 0, math.MaxInt, math.MinInt
	for i := range S.N {
		day += S.Start[i]
		if S.End[i] < 0 {
			t.Errorf("group %d ends %d days before it starts", i, -S.End[i])
		}
		lo, hi = min(lo, day), max(hi, day+S.End[i])
	}
	unix := func(d int) string { return time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02") }
	if unix(lo) != first.Format("2006-01-02") || unix(hi) != last.Format("2006-01-02") {
		t.Errorf("the summary spans %s to %s, the records %s to %s", unix(lo), unix(hi), first.Format("2006-01-02"), last.Format("2006-01-02"))
	}
	got := map[int]int{}
	for i, a := range S.Attribution {
		got[a] += S.N[i]
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the summary counts %v records per attribution, want %v", got, want)
	}
}

// TestVectorTilesFacets reads back the facet chunks of a large site: per
// perpetrator and tag, data.js lists each value the records hold with its
// count, and its chunk holds exactly the records that hold it, each with
// its number (as the tiles give it), place, layer, attribution, country,
// dates, id and precision; the links chunk holds the links of
// links.geojson, in its order, between such records.
func TestVectorTilesFacets(t *testing.T) {
	const n = 600
	_, files := renderVector(t, n)
	type facetList struct {
		Values []string `json:"values"`
		N      []int    `json:"n"`
		Files  []string `json:"files"`
	}
	var D struct {
		Layers       []struct{ Key string } `json:"layers"`
		Attributions []struct{ Key string } `json:"attributions"`
		Vector       struct {
			Facets struct {
				Perpetrator facetList `json:"perpetrator"`
				Tag         facetList `json:"tag"`
				Links       struct {
					N    int    `json:"n"`
					File string `json:"file"`
				} `json:"links"`
				Precisions []string `json:"precisions"`
			} `json:"facets"`
		} `json:"vector"`
	}
	decodeData(t, files, &D)
	var all geojson.FeatureCollection
	if err := json.Unmarshal(files["layers/all.geojson"], &all); err != nil {
		t.Fatal(err)
	}
	byID := map[string]*geojson.Feature{}
	for _, f := range all.Features {
		byID[f.ID.(string)] = f
	}
	idOf := map[int]string{}
	for _, f := range pointZoomFeatures(t, archiveOf(t, files)) {
		idOf[int(f.Properties["k"].(float64))] = f.Properties["id"].(string)
	}
	number := func(list []struct{ Key string }, key string, base int) int {
		for i, v := range list {
			if v.Key == key {
				return i + base
			}
		}
		return 0
	}
	chunk := func(name string) []any {
		t.Helper()
		var items []any
		if err := json.Unmarshal(scriptJSON(t, name, files["assets/"+name], "(window.MAPSITE_CHUNKS=window.MAPSITE_CHUNKS||{})"), &items); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return items
	}
	// entries reads a chunk's records, facetValues values each, checks
	// each against its feature, and returns their ids.
	entries := func(what string, items []any) []string {
		t.Helper()
		if len(items)%facetValues != 0 {
			t.Fatalf("%s: %d values, not records of %d", what, len(items), facetValues)
		}
		var got []string
		k := 0
		for j := 0; j+facetValues <= len(items); j += facetValues {
			k += int(items[j].(float64))
			id := idOf[k]
			got = append(got, id)
			f := byID[id]
			p := f.Properties
			pt := f.Point()
			first := int(items[j+6].(float64))
			day := func(d int) string { return time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02") }
			end, _ := p["date_end"].(string)
			if end == "" {
				end = p["date_start"].(string)
			}
			attribution, _ := p["attribution"].(string)
			if math.Abs(items[j+1].(float64)/1e5-pt[0]) > 6e-6 || math.Abs(items[j+2].(float64)/1e5-pt[1]) > 6e-6 ||
				int(items[j+3].(float64)) != number(D.Layers, p["layer"].(string), 0) ||
				int(items[j+4].(float64)) != number(D.Attributions, attribution, 1) ||
				items[j+5] != p["country"] || day(first) != p["date_start"] || day(first+int(items[j+7].(float64))) != end ||
				items[j+8] != id || D.Vector.Facets.Precisions[int(items[j+9].(float64))] != p["precision"] {
				t.Errorf("%s: record %s is %v in its chunk; its feature: %v at %v", what, id, items[j:j+facetValues], p, pt)
			}
		}
		return got
	}
	values := map[string]func(p geojson.Properties) []string{
		"perpetrator": func(p geojson.Properties) []string {
			if v, _ := p["perpetrator"].(string); v != "" {
				return []string{v}
			}
			return nil
		},
		"tag": func(p geojson.Properties) []string {
			var out []string
			tags, _ := p["tags"].([]any)
			for _, v := range tags {
				out = append(out, v.(string))
			}
			return out
		},
	}
	for field, of := range values {
		want := map[string][]string{} // value -> ids, in the records' numbers' order
		for k := range n {
			for _, v := range of(byID[idOf[k]].Properties) {
				want[v] = append(want[v], idOf[k])
			}
		}
		fc := map[string]facetList{"perpetrator": D.Vector.Facets.Perpetrator, "tag": D.Vector.Facets.Tag}[field]
		if len(want) < 2 || len(fc.Values) != len(want) || len(fc.N) != len(want) || len(fc.Files) != len(want) {
			t.Fatalf("%s: data.js lists %d values, %d counts and %d files; the records hold %d values", field, len(fc.Values), len(fc.N), len(fc.Files), len(want))
		}
		for i, v := range fc.Values {
			if i > 0 && fc.Values[i-1] >= v {
				t.Errorf("%s: values out of order: %q before %q", field, fc.Values[i-1], v)
			}
			if fc.N[i] != len(want[v]) {
				t.Errorf("%s %q: counted %d, the records hold %d", field, v, fc.N[i], len(want[v]))
			}
			if got := entries(field+" "+v, chunk(fc.Files[i])); fmt.Sprint(got) != fmt.Sprint(want[v]) {
				t.Errorf("%s %q: the chunk holds %v, the records that hold it are %v", field, v, got, want[v])
			}
		}
	}

	var links geojson.FeatureCollection
	if err := json.Unmarshal(files["layers/links.geojson"], &links); err != nil {
		t.Fatal(err)
	}
	L := D.Vector.Facets.Links
	if len(links.Features) < 2 || L.N != len(links.Features) || L.File == "" {
		t.Fatalf("data.js counts %d links in %q; links.geojson has %d", L.N, L.File, len(links.Features))
	}
	items := chunk(L.File)
	e := int(items[0].(float64))
	ids := entries("links", items[1:1+e*facetValues])
	var got, want []string
	for j := 1 + e*facetValues; j+1 < len(items); j += 2 {
		got = append(got, ids[int(items[j].(float64))]+"--"+ids[int(items[j+1].(float64))])
	}
	for _, f := range links.Features {
		want = append(want, f.Properties["from"].(string)+"--"+f.Properties["to"].(string))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || len(items) != 1+e*facetValues+2*len(want) {
		t.Errorf("the links chunk links %v (%d values); links.geojson %v", got, len(items), want)
	}
}

// TestVectorTilesHostile renders the hostile site (every text a payload)
// as a large site: no script of the map's data (data.js, the id, search,
// facet and links chunks) holds < or >, and each chunk is one JSON array.
func TestVectorTilesHostile(t *testing.T) {
	dir := t.TempDir()
	for p, b := range readTree(t, "../testdata/hostile") {
		if p == "site.toml" {
			b = bytes.Replace(b, []byte("\n[map]\n"), []byte("\n[map]\nvector_tiles = \"always\"\n"), 1)
		}
		target := filepath.Join(dir, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(target), 0o755)
		if err := os.WriteFile(target, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files, _, err := Render(context.Background(), Options{SiteDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[byte]int{}
	for p, b := range files {
		if !strings.HasPrefix(p, "assets/records/") && !dataName.MatchString(p) || !strings.HasSuffix(p, ".js") {
			continue
		}
		if bytes.ContainsAny(b, "<>") {
			t.Errorf("%s holds < or >", p)
		}
		if strings.HasPrefix(p, "assets/records/") {
			var items []any
			if err := json.Unmarshal(scriptJSON(t, p, b, "(window.MAPSITE_CHUNKS=window.MAPSITE_CHUNKS||{})"), &items); err != nil {
				t.Errorf("%s: %v", p, err)
			}
			kinds[p[len("assets/records/")]]++
		}
	}
	for _, k := range "ptl" {
		if kinds[byte(k)] == 0 {
			t.Errorf("no %c chunk among the hostile site's: %v", k, kinds)
		}
	}
}

// TestEpochDay checks the summary's day numbers, before 1970 too.
func TestEpochDay(t *testing.T) {
	for _, tc := range []struct {
		day  string
		want int
	}{{"1970-01-01", 0}, {"1970-01-02", 1}, {"1969-12-31", -1}, {"2000-03-01", 11017}, {"1066-10-14", -329893}} {
		d, err := time.Parse("2006-01-02", tc.day)
		if err != nil {
			t.Fatal(err)
		}
		if got := epochDay(d.Add(13 * time.Hour)); got != tc.want {
			t.Errorf("epochDay(%s) = %d, want %d", tc.day, got, tc.want)
		}
	}
}

// TestVectorTilesSwitch checks when the map reads vector tiles.
func TestVectorTilesSwitch(t *testing.T) {
	for _, tc := range []struct {
		lines string
		want  bool
	}{
		{"", false}, // 40 records, far below the default threshold
		{`vector_tiles = "auto"`, false},
		{`vector_tiles_above = 39`, true},
		{`vector_tiles_above = 40`, false},
		{`vector_tiles = "never"` + "\nvector_tiles_above = 1", false},
		{`vector_tiles = "always"`, true},
	} {
		t.Run(tc.lines, func(t *testing.T) {
			files, _, err := Render(context.Background(), Options{SiteDir: vectorSite(t, 40, tc.lines)})
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Contains(string(files["index.html"]), "map-tiles.")
			if got != tc.want {
				t.Errorf("[map] %s: vector tiles %v, want %v", tc.lines, got, tc.want)
			}
		})
	}
}

// benchmarkMapPayload times the map's payload of a synthetic site of n
// records (its features encoded before, as a build has them), as vector
// tiles or as data.js's columns, for an A/B comparison.
func benchmarkMapPayload(b *testing.B, n int, tiles bool) {
	m := synthModel(b, n)
	m.features()
	put := func(string, []byte) error { return nil }
	b.ReportAllocs()
	for b.Loop() {
		var err error
		if tiles {
			_, err = m.mapTiles(put)
		} else {
			_, err = m.mapData(put)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMapTiles10k(b *testing.B)   { benchmarkMapPayload(b, 10000, true) }
func BenchmarkMapColumns10k(b *testing.B) { benchmarkMapPayload(b, 10000, false) }

// TestArchiveTaken checks that a rebuild takes the archive from the output
// when no field the tiles hold changed (a summary) and makes it when one
// did (a title), and that mapsite serve's renders take it, the search
// index and the facet chunks from the last render alike, each when no
// field it is made from changed: each time the same files as a build from
// nothing.
func TestArchiveTaken(t *testing.T) {
	for _, serve := range []bool{false, true} {
		t.Run(map[bool]string{false: "build", true: "serve"}[serve], func(t *testing.T) { testArchiveTaken(t, serve) })
	}
}

func testArchiveTaken(t *testing.T, serve bool) {
	dir := vectorSite(t, 60, `vector_tiles = "always"`)
	tmp := t.TempDir()
	out := filepath.Join(tmp, "public")
	ctx := context.Background()
	defer func(n int) { spareMinFiles = n }(spareMinFiles)
	spareMinFiles = 0 // a spare and an index of encodings, as a large site has
	// A Renderer of an earlier test may have set keepEncodings: a build
	// here is mapsite build's, in a process that renders once.
	kept := keepEncodings.Load()
	t.Cleanup(func() { keepEncodings.Store(kept) })
	keepEncodings.Store(false)
	var r *Renderer
	if serve {
		r = NewRenderer(Options{SiteDir: dir})
	}
	// render builds into out, or renders with r, and returns the files
	// and the report's notes.
	render := func() (map[string][]byte, string) {
		t.Helper()
		if r != nil {
			files, rep, err := r.Render(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return files, strings.Join(rep.Notes, "\n")
		}
		rep, err := Build(ctx, Options{SiteDir: dir, OutDir: out})
		if err != nil {
			t.Fatal(err)
		}
		return readTree(t, out), strings.Join(rep.Notes, "\n")
	}
	render()
	data := filepath.Join(dir, "data", "part-0001.toml")
	for i, tc := range []struct{ edit, field, build, serve string }{
		// how the archive was had: the end of the report's note
		{"summary = \"", "summary", "the archive taken from the previous build", "as in the last build"},
		{"title = \"", "title", "made in", "made in"},
		{"summary = \"", "summary again", "the archive taken from the previous build", "as in the last build"},
		{"perpetrator = \"", "perpetrator", "the archive taken from the previous build", "as in the last build"},
	} {
		b, err := os.ReadFile(data)
		if err != nil {
			t.Fatal(err)
		}
		b = bytes.Replace(b, []byte(tc.edit), []byte(tc.edit+"Edit "+strconv.Itoa(i)+". "), 1)
		if err := os.WriteFile(data, b, 0o644); err != nil {
			t.Fatal(err)
		}
		searches, facets := lastSearch.taken.Load(), lastFacets.taken.Load()
		got, note := render()
		summary := strings.HasPrefix(tc.field, "summary")
		if taken := lastSearch.taken.Load() > searches; taken != (serve && summary) {
			t.Errorf("%s edited: search index taken from the last render: %v", tc.field, taken)
		}
		if taken := lastFacets.taken.Load() > facets; taken != (serve && tc.field != "perpetrator") { // they hold no title
			t.Errorf("%s edited: facet chunks taken from the last render: %v", tc.field, taken)
		}
		want := tc.build
		if serve {
			want = tc.serve
		}
		if !strings.Contains(note, "vector tiles ([map] vector_tiles): ") || !strings.Contains(note, want) {
			t.Errorf("%s edited: the note %q, want %q", tc.field, note, want)
		}
		cold := filepath.Join(tmp, "cold"+strconv.Itoa(i))
		kept := keepEncodings.Load()
		keepEncodings.Store(false) // the cold build takes nothing from the Renderer's
		_, err = Build(ctx, Options{SiteDir: dir, OutDir: cold})
		keepEncodings.Store(kept)
		if err != nil {
			t.Fatal(err)
		}
		wantFiles := readTree(t, cold)
		if serve {
			delete(wantFiles, Marker)
			delete(wantFiles, ManifestName)
		}
		compareTrees(t, tc.field+" edited", wantFiles, got)
	}
}
