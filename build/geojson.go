package build

import (
	"bytes"
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
)

// roundTo returns the number of decimals kept for a point of precision p:
// six (about 10 cm) for venues, neighbourhoods and districts, four (about
// 10 m) for cities and coarser, whose point stands for an area anyway.
func roundTo(p geo.Precision) int {
	if p < geo.City {
		return 6
	}
	return 4
}

func round(x float64, decimals int) float64 {
	f := math.Pow(10, float64(decimals))
	return math.Round(x*f) / f
}

// point returns the record's rounded point.
func point(r *incident.Record) orb.Point {
	d := roundTo(r.Location.Precision)
	return orb.Point{round(r.Location.Lon, d), round(r.Location.Lat, d)}
}

// prop is one property of a feature as JSON: its key and where its
// encoded value lies in the feature's scratch buffer.
type prop struct {
	key        string
	start, end int
}

// featureJSON returns the GeoJSON feature of a record, encoded: its point
// and the properties a map popup or a GIS user needs. No property is null:
// a value that is not known is left out. Properties are in key order, and
// the bytes are those json.Marshal gives for the same feature
// (TestFeatureJSONMatchesMarshal). The values are encoded one after the
// other into one buffer, then copied out in key order.
func (m *model) featureJSON(rv *recordView) []byte {
	r := rv.Record
	ps := make([]prop, 0, 32)
	vals := make([]byte, 0, 2048)
	add := func(k string, start int) { ps = append(ps, prop{k, start, len(vals)}) }
	str := func(k, v string) {
		start := len(vals)
		vals = appendString(vals, v)
		add(k, start)
	}
	num := func(k string, n int) {
		start := len(vals)
		vals = strconv.AppendInt(vals, int64(n), 10)
		add(k, start)
	}
	str("title", r.Title)
	str("layer", r.Layer)
	str("date", r.Date.ISO())
	str("date_text", r.Date.String())
	str("date_precision", r.Date.Precision.String())
	start := len(vals)
	vals = append(vals, '"')
	vals = append(r.Date.Start.AppendFormat(vals, "2006-01-02"), '"')
	add("date_start", start)
	start = len(vals)
	vals = append(vals, '"')
	vals = append(r.Date.End.AppendFormat(vals, "2006-01-02"), '"')
	add("date_end", start)
	str("country", r.Country)
	str("country_name", rv.CountryName)
	str("precision", r.Location.Precision.String())
	str("url", rv.URL)
	str("summary", r.Summary)
	for _, kv := range [...][2]string{{"place", r.Place}, {"matched_place", r.Location.Matched}, {"place_id", r.Location.PlaceID},
		{"attribution", r.Attribution}, {"perpetrator", r.Perpetrator}, {"note", r.Note}, {"attribution_label", rv.AttributionLabel}} {
		if kv[1] != "" {
			str(kv[0], kv[1])
		}
	}
	if r.Location.Explicit {
		start := len(vals)
		vals = append(vals, "true"...)
		add("coordinates_given", start)
	}
	for _, name := range incident.CountFields {
		c := r.Counts.Get(name)
		if !c.IsSet() {
			continue
		}
		num(name, c.N)
		str(name+"_text", c.String())
		if c.Qualifier != "" {
			str(name+"_qualifier", c.Qualifier)
		}
		if c.Max > 0 {
			num(name+"_max", c.Max)
		}
	}
	if len(r.Tags) > 0 {
		start := len(vals)
		vals = appendStrings(vals, r.Tags)
		add("tags", start)
	}
	if len(r.Related) > 0 {
		start := len(vals)
		vals = appendStrings(vals, r.Related)
		add("related", start)
	}
	start = len(vals)
	vals = append(vals, '[')
	for i, src := range r.Sources {
		if i > 0 {
			vals = append(vals, ',')
		}
		vals = append(vals, `{"title":`...)
		vals = appendString(vals, src.Title)
		vals = append(vals, `,"url":`...)
		vals = appendString(vals, src.URL)
		vals = append(vals, '}')
	}
	vals = append(vals, ']')
	add("sources", start)
	slices.SortFunc(ps, func(a, b prop) int { return cmp.Compare(a.key, b.key) })

	pt := point(r)
	b := make([]byte, 0, len(vals)+len(ps)*24+len(r.ID)+96)
	b = append(b, `{"id":`...)
	b = appendString(b, r.ID)
	b = append(b, `,"type":"Feature","geometry":{"type":"Point","coordinates":[`...)
	b = appendFloat(b, pt[0])
	b = append(b, ',')
	b = appendFloat(b, pt[1])
	b = append(b, `]},"properties":{`...)
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, p.key)
		b = append(b, ':')
		b = append(b, vals[p.start:p.end]...)
	}
	return append(b, "}}"...)
}

// features returns every record's encoded feature, in the model's order,
// encoding them (on every core) the first time it is called.
func (m *model) features() [][]byte {
	m.featuresOnce.Do(func() {
		m.featureBytes = lastFeatures.encodeFeatures(m, m.featureJSON) // reused in mapsite serve (incremental_cache.go)
	})
	return m.featureBytes
}

// featureCollection writes a FeatureCollection of encoded features, with
// the bbox of their points, as json.Marshal writes orb's.
func featureCollection(features [][]byte, points []orb.Point) []byte {
	n := 256 // the braces, the bbox (four numbers) and the type: never grown
	for _, f := range features {
		n += len(f) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, '{')
	if len(points) > 0 {
		bound := orb.MultiPoint(points).Bound()
		b = append(b, `"bbox":[`...)
		for i, x := range []float64{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]} {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendFloat(b, x)
		}
		b = append(b, "],"...)
	}
	b = append(b, `"features":[`...)
	for i, f := range features {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, f...)
	}
	return append(b, `],"type":"FeatureCollection"}`...)
}

// within points each of features at its copy in b, the FeatureCollection
// featureCollection made of them, in place.
func within(features [][]byte, b []byte) {
	pos := bytes.Index(b, []byte(`"features":[`)) + len(`"features":[`)
	for i, f := range features {
		features[i] = b[pos : pos+len(f) : pos+len(f)]
		pos += len(f) + 1
	}
}

// collection returns a FeatureCollection of features with its bbox.
func collection(features []*geojson.Feature) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	if features != nil {
		fc.Features = features
	}
	if len(features) > 0 {
		b := features[0].Geometry.Bound()
		for _, f := range features[1:] {
			b = b.Union(f.Geometry.Bound())
		}
		fc.BBox = geojson.NewBBox(b)
	}
	return fc
}

// layers makes the GeoJSON files and hands each to put as it is made: one
// FeatureCollection per layer, all records together, and the links between
// related records. Features keep the model's order (date, then id).
func (m *model) layers(put func(path string, b []byte) error) error {
	features := m.features()
	type group struct {
		features [][]byte
		points   []orb.Point
	}
	all := group{features: features, points: make([]orb.Point, len(m.Records))}
	for i, rv := range m.Records {
		all.points[i] = point(rv.Record)
	}
	b := lastMade.collection("layers/all.geojson", all.features, all.points)
	if !keepEncodings.Load() {
		// A single build: each feature becomes its piece of all.geojson,
		// so that the layer files and the map chunks made next copy from
		// there, and the features' own copies (130 MB at 100,000
		// records) are garbage. A Renderer keeps them: its caches know
		// them by address.
		within(features, b)
	}
	if err := put("layers/all.geojson", b); err != nil {
		return err
	}
	b = nil
	byLayer := map[string]*group{}
	for i, rv := range m.Records {
		g := byLayer[rv.Record.Layer]
		if g == nil {
			g = &group{}
			byLayer[rv.Record.Layer] = g
		}
		g.features = append(g.features, features[i])
		g.points = append(g.points, all.points[i])
	}
	inputs := layerFileInputs(m) // a build takes the layer files made from the same (see putBuilt)
	for _, l := range m.Config.Layers {
		g := byLayer[l.Key]
		if g == nil {
			g = &group{}
		}
		path := "layers/" + l.Key + ".geojson"
		in, known := inputs[l.Key]
		if err := putBuilt(path, in, known, func() []byte { return lastMade.collection(path, g.features, g.points) }, put); err != nil {
			return err
		}
	}
	b, err := json.Marshal(collection(m.links()))
	if err != nil {
		return err
	}
	return put("layers/links.geojson", b)
}

// links returns one LineString per pair of related records whose points
// differ, sorted by the pair's ids.
func (m *model) links() []*geojson.Feature {
	type pair struct{ a, b *recordView }
	seen := map[[2]string]bool{}
	var pairs []pair
	for _, rv := range m.Records {
		for _, id := range rv.Related {
			other := m.byID[id]
			a, b := rv, other
			if b.ID < a.ID {
				a, b = b, a
			}
			key := [2]string{a.ID, b.ID}
			if seen[key] || point(a.Record) == point(b.Record) {
				continue
			}
			seen[key] = true
			pairs = append(pairs, pair{a, b})
		}
	}
	slices.SortFunc(pairs, func(x, y pair) int {
		return cmp.Or(cmp.Compare(x.a.ID, y.a.ID), cmp.Compare(x.b.ID, y.b.ID))
	})
	features := make([]*geojson.Feature, len(pairs))
	for i, p := range pairs {
		f := geojson.NewFeature(orb.LineString{point(p.a.Record), point(p.b.Record)})
		f.ID = p.a.ID + "--" + p.b.ID
		f.Properties = geojson.Properties{"from": p.a.ID, "to": p.b.ID,
			"from_title": p.a.Title, "to_title": p.b.Title}
		features[i] = f
	}
	return features
}
