package build

import (
	"cmp"
	"encoding/json"
	"math"
	"slices"

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

// feature returns the GeoJSON feature of a record: its point and the
// properties a map popup or a GIS user needs. No property is null: a
// value that is not known is left out.
func (m *model) feature(rv *recordView) *geojson.Feature {
	r := rv.Record
	f := geojson.NewFeature(point(r))
	f.ID = r.ID
	p := geojson.Properties{
		"title":          r.Title,
		"layer":          r.Layer,
		"date":           r.Date.ISO(),
		"date_text":      r.Date.String(),
		"date_precision": r.Date.Precision.String(),
		"date_start":     r.Date.Start.Format("2006-01-02"),
		"date_end":       r.Date.End.Format("2006-01-02"),
		"country":        r.Country,
		"country_name":   rv.CountryName,
		"precision":      r.Location.Precision.String(),
		"url":            rv.URL,
		"summary":        r.Summary,
	}
	if r.Place != "" {
		p["place"] = r.Place
	}
	if r.Location.Matched != "" {
		p["matched_place"] = r.Location.Matched
	}
	if r.Location.PlaceID != "" {
		p["place_id"] = r.Location.PlaceID
	}
	if r.Location.Explicit {
		p["coordinates_given"] = true
	}
	for _, name := range incident.CountFields {
		c := r.Counts.Get(name)
		if !c.IsSet() {
			continue
		}
		p[name] = c.N
		p[name+"_text"] = c.String()
		if c.Qualifier != "" {
			p[name+"_qualifier"] = c.Qualifier
		}
		if c.Max > 0 {
			p[name+"_max"] = c.Max
		}
	}
	for k, v := range map[string]string{"attribution": r.Attribution, "perpetrator": r.Perpetrator, "note": r.Note} {
		if v != "" {
			p[k] = v
		}
	}
	if rv.AttributionLabel != "" {
		p["attribution_label"] = rv.AttributionLabel
	}
	if len(r.Tags) > 0 {
		p["tags"] = r.Tags
	}
	if len(r.Related) > 0 {
		p["related"] = r.Related
	}
	sources := make([]map[string]string, len(r.Sources))
	for i, s := range r.Sources {
		sources[i] = map[string]string{"title": s.Title, "url": s.URL}
	}
	p["sources"] = sources
	f.Properties = p
	return f
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

// layers returns the GeoJSON files: one FeatureCollection per layer, all
// records together, and the links between related records. Features keep
// the model's order (date, then id).
func (m *model) layers() (map[string][]byte, error) {
	out := map[string][]byte{}
	var all []*geojson.Feature
	byLayer := map[string][]*geojson.Feature{}
	for _, rv := range m.Records {
		f := m.feature(rv)
		all = append(all, f)
		byLayer[rv.Record.Layer] = append(byLayer[rv.Record.Layer], f)
	}
	for _, l := range m.Config.Layers {
		b, err := marshal(collection(byLayer[l.Key]))
		if err != nil {
			return nil, err
		}
		out["layers/"+l.Key+".geojson"] = b
	}
	b, err := marshal(collection(all))
	if err != nil {
		return nil, err
	}
	out["layers/all.geojson"] = b
	b, err = marshal(collection(m.links()))
	if err != nil {
		return nil, err
	}
	out["layers/links.geojson"] = b
	return out, nil
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

func marshal(v any) ([]byte, error) {
	return json.Marshal(v)
}
