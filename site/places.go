package site

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/mapsite/mapsite/diag"
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
)

var placeKeys = []string{"id", "name", "aliases", "country", "parent", "precision", "lat", "lon", "population", "source"}

// decodePlaces reads the [[place]] tables of data/places.toml.
func decodePlaces(file string, src []byte, l *diag.List) []geo.Place {
	d, tables := decodeTables(file, src, "place", l)
	var places []geo.Place
	for i, t := range tables {
		d.base = fmt.Sprintf("place[%d]", i)
		d.record = ""
		for _, k := range sortedKeys(t) {
			if !slices.Contains(placeKeys, k) {
				d.errorf(k, "unknown key %q in a place%s", k, suggest(k, placeKeys))
			}
		}
		var p geo.Place
		p.Name, _ = d.required(t, "name", "the place's name as readers know it")
		d.record = p.Name
		id, _ := d.str(t, "id")
		if id == "" {
			id = slug(p.Name)
		}
		if !strings.Contains(id, ":") {
			id = "site:" + id
		}
		p.ID = id
		if cc, ok := d.required(t, "country", `its ISO 3166-1 alpha-2 code, e.g. country = "TR"`); ok {
			if geo.CountryName(cc) == "" {
				d.errorf("country", "%q is not an ISO 3166-1 alpha-2 country code", cc)
			}
			p.Country = cc
		}
		p.Parent, _ = d.str(t, "parent")
		p.Source, _ = d.required(t, "source", "where the coordinates come from (a survey, a map, a URL)")
		prec := "venue"
		if s, ok := d.str(t, "precision"); ok {
			prec = s
		}
		pr, err := geo.ParsePrecision(prec)
		if err != nil {
			d.errorf("precision", "%v", err)
		}
		p.Precision = pr
		p.Aliases = d.strings(t, "aliases")
		p.Lat = d.number(t, "lat", -90, 90)
		p.Lon = d.number(t, "lon", -180, 180)
		if n, ok := t["population"].(int64); ok {
			p.Population = int(n)
		}
		places = append(places, p)
	}
	return places
}

func (d *decoder) number(t map[string]any, key string, lo, hi float64) float64 {
	v, ok := t[key]
	if !ok {
		d.errorf(key, "missing: add %s = ... (decimal degrees)", key)
		return 0
	}
	var x float64
	switch v := v.(type) {
	case float64:
		x = v
	case int64:
		x = float64(v)
	default:
		d.errorf(key, "%s must be a number, not %s", key, typeName(v))
		return 0
	}
	if math.IsNaN(x) || x < lo || x > hi {
		d.errorf(key, "%s = %g is out of range [%g, %g]", key, x, lo, hi)
	}
	return x
}

// Gazetteer returns the bundled place list with the site's own places
// added.
func (s *Site) Gazetteer() (*geo.Gazetteer, error) {
	g, err := geo.Bundled()
	if err != nil {
		return nil, fmt.Errorf("load place list: %w", err)
	}
	if len(s.Places) == 0 {
		return g, nil
	}
	places := make([]geo.Place, len(s.Places))
	copy(places, s.Places)
	for i, p := range places {
		// A parent written as a name ("Paris") rather than an id is
		// resolved in the bundled list, within the place's country.
		if p.Parent != "" && !strings.Contains(p.Parent, ":") {
			res, err := g.Resolve(geo.Query{Text: p.Parent, Country: p.Country})
			if err != nil {
				return nil, fmt.Errorf("%s: place %q: parent: %w", PlacesFile, p.Name, err)
			}
			places[i].Parent = res.Place.ID
		}
	}
	return g.With(places)
}

// Geocode places every record: explicit coordinates are kept (and checked
// against the record's country), place names are resolved with g. It
// returns the problems found: unknown places are errors, ambiguous ones
// warnings.
func (s *Site) Geocode(g *geo.Gazetteer) diag.List {
	var l diag.List
	for _, r := range s.Records {
		if r.Coordinates != nil {
			lon, lat := r.Coordinates[0], r.Coordinates[1]
			r.Location = incident.Location{Lon: lon, Lat: lat, Precision: geo.Venue, Explicit: true, Matched: r.Place}
			if inside, known := geo.InCountry(r.Country, lon, lat); known && !inside {
				dg := s.At(r, "coordinates")
				dg.Severity = diag.Warning
				dg.Message = fmt.Sprintf("[%g, %g] lies outside %s: is it [lon, lat]?", lon, lat, geo.CountryName(r.Country))
				if in, _ := geo.InCountry(r.Country, lat, lon); in {
					dg.Message = fmt.Sprintf("[%g, %g] lies outside %s but [%g, %g] is inside: lon and lat look swapped", lon, lat, geo.CountryName(r.Country), lat, lon)
				}
				l.Add(dg)
			}
			continue
		}
		if r.Place == "" {
			continue
		}
		res, err := g.Resolve(geo.Query{Text: r.Place, Country: r.Country})
		if err != nil {
			dg := s.At(r, "place")
			dg.Message = err.Error()
			l.Add(dg)
			continue
		}
		for _, w := range res.Warnings {
			dg := s.At(r, "place")
			dg.Severity = diag.Warning
			dg.Message = w
			l.Add(dg)
		}
		r.Location = incident.Location{
			Lon: res.Place.Lon, Lat: res.Place.Lat, Precision: res.Place.Precision,
			PlaceID: res.Place.ID, Matched: g.Label(res.Place),
		}
	}
	l.Sort()
	return l
}
