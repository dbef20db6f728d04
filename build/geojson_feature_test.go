package build

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
	"github.com/mapsite/mapsite/internal/synth"
	"github.com/mapsite/mapsite/site"
)

// TestFeatureJSONMatchesMarshal compares the hand-written feature encoder
// with json.Marshal of the same feature built with orb's geojson types, on
// the seed site, the hostile site and a synthetic site that has every kind
// of field.
func TestFeatureJSONMatchesMarshal(t *testing.T) {
	synthDir := filepath.Join(t.TempDir(), "synth")
	if _, err := synth.Site("..", synthDir, 300, 3); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"..", "../testdata/hostile", synthDir} {
		m := locatedModel(t, dir, "")
		for _, rv := range m.Records {
			want, err := json.Marshal(referenceFeature(rv))
			if err != nil {
				t.Fatal(err)
			}
			got := m.featureJSON(rv)
			if string(got) != string(want) {
				t.Errorf("%s: record %s:\n got %s\nwant %s", dir, rv.ID, got, want)
			}
			if cap(got) != len(got) { // kept until the map data is made: no spare room
				t.Errorf("%s: record %s: feature of %d bytes allocated with %d", dir, rv.ID, len(got), cap(got))
			}
		}
	}
}

// referenceFeature is the feature featureJSON encodes, as orb's types.
func referenceFeature(rv *recordView) *geojson.Feature {
	r := rv.Record
	f := geojson.NewFeature(point(r))
	f.ID = r.ID
	p := geojson.Properties{
		"title": r.Title, "layer": r.Layer, "date": r.Date.ISO(), "date_text": r.Date.String(),
		"date_precision": r.Date.Precision.String(), "date_start": r.Date.Start.Format("2006-01-02"),
		"date_end": r.Date.End.Format("2006-01-02"), "country": r.Country, "country_name": rv.CountryName,
		"precision": r.Location.Precision.String(), "url": rv.URL, "summary": r.Summary,
	}
	for k, v := range map[string]string{"place": r.Place, "matched_place": r.Location.Matched, "place_id": r.Location.PlaceID,
		"attribution": r.Attribution, "perpetrator": r.Perpetrator, "note": r.Note, "attribution_label": rv.AttributionLabel} {
		if v != "" {
			p[k] = v
		}
	}
	if r.Location.Explicit {
		p["coordinates_given"] = true
	}
	for _, name := range incident.CountFields {
		c := r.Counts.Get(name)
		if !c.IsSet() {
			continue
		}
		p[name], p[name+"_text"] = c.N, c.String()
		if c.Qualifier() != "" {
			p[name+"_qualifier"] = c.Qualifier()
		}
		if c.Max > 0 {
			p[name+"_max"] = c.Max
		}
	}
	if len(r.Tags) > 0 {
		p["tags"] = r.Tags
	}
	if len(r.Related) > 0 {
		p["related"] = r.Related
	}
	type source struct {
		Title string `json:"title"`
		URL   string `json:"url"`
	}
	sources := []source{}
	for _, s := range r.Sources {
		sources = append(sources, source{s.Title, s.URL})
	}
	p["sources"] = sources
	f.Properties = p
	return f
}

// BenchmarkFeatureJSON encodes the features of 1,000 synthetic records.
func BenchmarkFeatureJSON(b *testing.B) {
	m := synthModel(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		for _, rv := range m.Records {
			m.featureJSON(rv)
		}
	}
}

// round rounds x to decimals as point did with math.Pow.
func round(x float64, decimals int) float64 {
	f := math.Pow(10, float64(decimals))
	return math.Round(x*f) / f
}

// TestPointMatchesRound checks point against round, which it replaced,
// on coordinates of every precision, halves and extremes among them.
func TestPointMatchesRound(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	coords := []float64{0, 180, -180, 90, -90, 0.0000005, -0.0000005, 0.00005, 12.3456785, -12.3456785, 1e-300}
	for range 20000 {
		coords = append(coords, rng.Float64()*360-180, math.Round((rng.Float64()*360-180)*1e7)/1e7)
	}
	for p := geo.Precision(0); p <= geo.Country; p++ {
		for i, x := range coords {
			y := coords[len(coords)-1-i]
			r := &incident.Record{Location: incident.Location{Lon: x, Lat: y, Precision: p}}
			d := roundTo(p)
			if got, want := point(r), (orb.Point{round(x, d), round(y, d)}); got != want {
				t.Fatalf("point(%v, %v, %v) = %v, want %v", x, y, p, got, want)
			}
		}
	}
}

// TestAppendCount checks appendCount against Count.String on every
// qualifier, a range and an unset count.
func TestAppendCount(t *testing.T) {
	texts := []string{"", "0", "7", "140", "25-29", "999999999"}
	for _, q := range incident.Qualifiers {
		texts = append(texts, q+" 12")
	}
	for _, s := range texts {
		var c incident.Count
		if s != "" {
			var err error
			if c, err = incident.ParseCount(s); err != nil {
				t.Fatalf("%q: %v", s, err)
			}
		}
		if got, want := string(appendCount([]byte("x"), &c)), "x"+c.String(); got != want {
			t.Errorf("%q: appendCount = %q, want %q", s, got, want)
		}
		// The feature writes the text between quotes, unescaped.
		if want, _ := json.Marshal(c.String()); `"`+c.String()+`"` != string(want) {
			t.Errorf("%q: %s needs escaping", s, want)
		}
	}
}

// locatedModel loads and places the site in dir and returns its model,
// failing the test on any error.
func locatedModel(t testing.TB, dir, baseURL string) *model {
	t.Helper()
	s, problems := site.Load(dir)
	located, err := s.Locate()
	if err != nil {
		t.Fatal(err)
	}
	if problems.Append(located); problems.Err() != nil {
		t.Fatalf("%s: %v", dir, problems.Err())
	}
	return newModel(s, baseURL)
}
