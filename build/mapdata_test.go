package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// mapPayload is data.js as the map reads it (assets/map-data.js).
type mapPayload struct {
	Title   string                 `json:"title"`
	Layers  []struct{ Key string } `json:"layers"`
	Records struct {
		ID           []string   `json:"id"`
		XY           []float64  `json:"xy"`
		Layer        []int      `json:"layer"`
		Start        []string   `json:"start"`
		End          []string   `json:"end"`
		Title        []string   `json:"title"`
		DateText     dictColumn `json:"date_text"`
		Place        dictColumn `json:"place"`
		MatchedPlace dictColumn `json:"matched_place"`
		Country      dictColumn `json:"country"`
		CountryName  []string   `json:"country_name"`
		Precision    dictColumn `json:"precision"`
		Perpetrator  dictColumn `json:"perpetrator"`
		Attribution  dictColumn `json:"attribution"`
		Tags         struct {
			Values []string `json:"values"`
			Refs   [][]int  `json:"refs"`
		} `json:"tags"`
		Popup struct {
			Fields []string `json:"fields"`
			Values [][]any  `json:"values"`
			Refs   []int    `json:"refs"`
		} `json:"popup"`
	} `json:"records"`
	Links   []int     `json:"links"`
	Details chunkList `json:"details"`
	Texts   chunkList `json:"texts"`
}

type dictColumn struct {
	Values []string `json:"values"`
	Refs   []int    `json:"refs"`
}

func (d dictColumn) at(k int) string { return d.Values[d.Refs[k]] }

type chunkList struct {
	Size  int      `json:"size"`
	Files []string `json:"files"`
}

// scriptJSON returns the JSON a data or chunk script assigns: what
// follows the first "=" that follows prefix, up to the closing ";\n".
func scriptJSON(t *testing.T, name string, b []byte, prefix string) []byte {
	t.Helper()
	if !bytes.HasPrefix(b, []byte(prefix)) || !bytes.HasSuffix(b, []byte(";\n")) {
		t.Fatalf("%s: starts %.60q, ends %q", name, b, b[max(0, len(b)-8):])
	}
	b = bytes.TrimSuffix(b[len(prefix):], []byte(";\n"))
	i := bytes.IndexByte(b, '=')
	return b[i+1:]
}

// TestMapData renders the hostile site (every text a payload) and reads
// the map's data back: every column holds the value of the record's
// GeoJSON feature, the detail chunks hold the features byte for byte, the
// text chunks the summaries, and nothing in any of them could end the
// script or start markup.
func TestMapData(t *testing.T) {
	for _, dir := range []string{fixture, "../testdata/hostile"} {
		t.Run(dir, func(t *testing.T) { checkMapData(t, dir) })
	}
}

func checkMapData(t *testing.T, dir string) {
	files, _, err := Render(context.Background(), Options{SiteDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var script []byte
	for p, b := range files {
		if strings.HasPrefix(p, "assets/data.") {
			script = b
		}
		if strings.HasPrefix(p, "assets/") && strings.HasSuffix(p, ".js") && !strings.Contains(p, "vendor") {
			if bytes.ContainsAny(b, "<>") && (strings.HasPrefix(p, "assets/data.") || strings.HasPrefix(p, "assets/records/")) {
				t.Errorf("%s holds < or >", p)
			}
		}
	}
	if script == nil {
		t.Fatal("no assets/data.*.js")
	}
	var d mapPayload
	if err := json.Unmarshal(scriptJSON(t, "data.js", script, "window.MAPSITE_DATA"), &d); err != nil {
		t.Fatalf("data.js: %v", err)
	}
	var all struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(files["layers/all.geojson"], &all); err != nil {
		t.Fatal(err)
	}
	type feature struct {
		ID       string `json:"id"`
		Geometry struct {
			Coordinates []float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties struct {
			Title, Layer, Place, Country, Precision, Perpetrator, Attribution, Summary string
			DateText                                                                   string   `json:"date_text"`
			DateStart                                                                  string   `json:"date_start"`
			DateEnd                                                                    string   `json:"date_end"`
			MatchedPlace                                                               string   `json:"matched_place"`
			CountryName                                                                string   `json:"country_name"`
			Tags                                                                       []string `json:"tags"`
		} `json:"properties"`
	}
	n := len(all.Features)
	if n == 0 || len(d.Records.ID) != n {
		t.Fatalf("%d records in data.js, %d features", len(d.Records.ID), n)
	}
	countryName := map[string]string{}
	for i, cc := range d.Records.Country.Values {
		countryName[cc] = d.Records.CountryName[i]
	}
	var details, texts []json.RawMessage
	for c, name := range d.Details.Files {
		var items []json.RawMessage
		if err := json.Unmarshal(scriptJSON(t, name, files["assets/"+name], "(window.MAPSITE_CHUNKS=window.MAPSITE_CHUNKS||{})"), &items); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c < len(d.Details.Files)-1 && len(items) != d.Details.Size {
			t.Errorf("%s holds %d records, not %d", name, len(items), d.Details.Size)
		}
		details = append(details, items...)
	}
	for _, name := range d.Texts.Files {
		var items []json.RawMessage
		if err := json.Unmarshal(scriptJSON(t, name, files["assets/"+name], "(window.MAPSITE_CHUNKS=window.MAPSITE_CHUNKS||{})"), &items); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		texts = append(texts, items...)
	}
	if len(details) != n || len(texts) != n {
		t.Fatalf("chunks hold %d details and %d summaries for %d records", len(details), len(texts), n)
	}
	R := d.Records
	for k, raw := range all.Features {
		if !bytes.Equal(details[k], raw) {
			t.Errorf("record %d: detail chunk holds %.80s, all.geojson %.80s", k, details[k], raw)
		}
		var f feature
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatal(err)
		}
		p := f.Properties
		var summary string
		json.Unmarshal(texts[k], &summary)
		end := R.End[k]
		if end == "" {
			end = R.Start[k]
		}
		var tags []string
		for _, i := range R.Tags.Refs[k] {
			tags = append(tags, R.Tags.Values[i])
		}
		got := []any{R.ID[k], R.XY[2*k], R.XY[2*k+1], d.Layers[R.Layer[k]].Key, R.Start[k], end, R.Title[k], R.DateText.at(k),
			R.Place.at(k), R.MatchedPlace.at(k), R.Country.at(k), countryName[R.Country.at(k)], R.Precision.at(k),
			R.Perpetrator.at(k), R.Attribution.at(k), strings.Join(tags, "|"), summary}
		want := []any{f.ID, f.Geometry.Coordinates[0], f.Geometry.Coordinates[1], p.Layer, p.DateStart, p.DateEnd, p.Title, p.DateText,
			p.Place, p.MatchedPlace, p.Country, p.CountryName, p.Precision,
			p.Perpetrator, p.Attribution, strings.Join(p.Tags, "|"), p.Summary}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("record %s, value %d: data.js has %v, the feature %v", f.ID, i, got[i], want[i])
			}
		}
		// What the popup shows beyond the columns above: as the feature
		// has it, where the record's popup would read it from.
		var props map[string]any
		if err := json.Unmarshal(raw, &struct {
			P *map[string]any `json:"properties"`
		}{&props}); err != nil {
			t.Fatal(err)
		}
		popup := R.Popup.Values[R.Popup.Refs[k]]
		wantGiven := 0.0
		if props["coordinates_given"] == true {
			wantGiven = 1
		}
		if popup[0] != wantGiven {
			t.Errorf("record %s: popup value %v, coordinates_given %v", f.ID, popup, props["coordinates_given"])
		}
		for i, name := range R.Popup.Fields {
			got, _ := props[name+"_text"].(string)
			if v := ""; 1+i < len(popup) {
				v, _ = popup[1+i].(string)
				if v != got {
					t.Errorf("record %s: popup %s %q, the feature %q", f.ID, name, v, got)
				}
			} else if got != "" {
				t.Errorf("record %s: popup has no %s, the feature %q", f.ID, name, got)
			}
		}
		if n := len(popup); n > 1 && popup[n-1] == "" {
			t.Errorf("record %s: popup value %v ends in an empty text", f.ID, popup)
		}
	}
	if len(R.Popup.Fields) != 6 || len(R.Popup.Refs) != n {
		t.Errorf("popup column: fields %v, %d refs for %d records", R.Popup.Fields, len(R.Popup.Refs), n)
	}
	var links struct {
		Features []struct {
			Properties struct{ From, To string } `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(files["layers/links.geojson"], &links); err != nil {
		t.Fatal(err)
	}
	if len(d.Links) != 2*len(links.Features) {
		t.Fatalf("%d link ends in data.js, %d links", len(d.Links), len(links.Features))
	}
	for i, l := range links.Features {
		if a, b := R.ID[d.Links[2*i]], R.ID[d.Links[2*i+1]]; a != l.Properties.From || b != l.Properties.To {
			t.Errorf("link %d: data.js %s–%s, links.geojson %s–%s", i, a, b, l.Properties.From, l.Properties.To)
		}
	}
}

// TestMapDataChunks checks the chunking at sizes that split the records:
// every chunk but the last full, names carrying their content's hash, and
// the same bytes from two runs.
func TestMapDataChunks(t *testing.T) {
	dir := syntheticSite(t, 600)
	files, _, err := Render(context.Background(), Options{SiteDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := Render(context.Background(), Options{SiteDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for p, b := range files {
		if strings.HasPrefix(p, "assets/records/") || strings.HasPrefix(p, "assets/data.") {
			names = append(names, p)
			if !bytes.Equal(again[p], b) {
				t.Errorf("%s differs between two renders", p)
			}
		}
	}
	// 600 records: three detail chunks of up to 256, one text chunk.
	if len(names) != 1+3+1 {
		t.Errorf("data and chunk files: %v", names)
	}
	for _, p := range names {
		sum := sha256.Sum256(files[p])
		if name := "." + hex.EncodeToString(sum[:])[:10] + ".js"; !strings.HasSuffix(p, name) {
			t.Errorf("%s: the content's hash gives %s", p, name)
		}
	}
}

// BenchmarkMapData10k makes the map's data of a synthetic site of 10,000
// records, as a single build does (features encoded once, before).
func BenchmarkMapData10k(b *testing.B) {
	m := synthModel(b, 10000)
	m.features()
	put := func(string, []byte) error { return nil }
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.mapData(put); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDictRecent checks that dict.ref tells values apart by their bytes,
// whether they share an address (one a prefix of the other) or not.
func TestDictRecent(t *testing.T) {
	s := strings.Repeat("ab", 4)
	values := []string{s[:2], s[:3], "", s[:2], strings.Clone(s[:3]), s[:0], s, s[2:4]}
	want := []int{0, 1, 2, 0, 1, 2, 3, 0}
	d := newDict(0)
	for _, v := range values {
		d.add(v)
	}
	if !slices.Equal(d.refs, want) {
		t.Errorf("refs %v, want %v", d.refs, want)
	}
	if !slices.Equal(d.values, []string{"ab", "aba", "", s}) {
		t.Errorf("values %q", d.values)
	}
}
