package site

import (
	"encoding/json"
	"errors"
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
func (s *Site) decodePlaces(file string, src []byte, l *diag.List) []geo.Place {
	d, tables := decodeTables(file, src, "place", l)
	var places []geo.Place
	for i, t := range tables {
		if d.tooMany() {
			break
		}
		d.base = fmt.Sprintf("place[%d]", i)
		d.record = ""
		before := d.errors
		for _, k := range t.sortedKeys() {
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
		v, _ := t.get("population")
		if n, ok := v.(int64); ok {
			p.Population = int(n)
		}
		if first, dup := s.placeIDs[p.ID]; dup {
			d.errorf("id", "place id %q is given twice (first at %s:%d); give one of them another id", p.ID, first.file, first.ix.Lookup(first.path).Line)
		}
		if d.errors > before {
			continue // reported; a bad place is left out of the gazetteer
		}
		s.placeIDs[p.ID] = position{file: file, ix: d.ix, path: d.base}
		s.placeWhere = append(s.placeWhere, s.placeIDs[p.ID])
		places = append(places, p)
	}
	return places
}

func (d *decoder) number(t table, key string, lo, hi float64) float64 {
	v, ok := t.get(key)
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
// added. A place whose parent cannot be found is added under its country
// instead, and the problem is reported by Geocode, with the file and line;
// the error is for a bundled list that cannot be read.
func (s *Site) Gazetteer() (*geo.Gazetteer, error) {
	s.placeProblems = nil
	g, err := geo.Bundled()
	if err != nil {
		return nil, fmt.Errorf("load place list: %w", err)
	}
	places, _ := s.ownPlaces(g.Answer, func(id string) (bool, error) {
		_, ok := g.Place(id)
		return ok, nil
	})
	if len(places) == 0 {
		return g, nil
	}
	n, err := g.With(places)
	if err != nil { // every place was checked above; this is a bug
		s.placeProblems.Add(diag.Diagnostic{File: s.placeWhere[0].file, Line: 1, Column: 1, Message: err.Error()})
		return g, nil
	}
	return n, nil
}

// ownPlaces returns the site's own places as they join the bundled list,
// with each parent written as a name replaced by the id of the place it
// names there (resolve), and each parent that cannot be found removed and
// reported in s.placeProblems. has says whether the bundled list has a
// place of an id. The error is one of resolve or has that is not about
// the place (the bundled list cannot be loaded).
func (s *Site) ownPlaces(resolve func(geo.Query) (geo.Answer, error), has func(string) (bool, error)) ([]geo.Place, error) {
	s.placeProblems = nil
	if len(s.Places) == 0 {
		return nil, nil
	}
	places := make([]geo.Place, len(s.Places))
	copy(places, s.Places)
	for i, p := range places {
		if p.Parent == "" {
			continue
		}
		// A parent written as a name ("Paris") rather than an id is
		// resolved in the bundled list, within the place's country.
		if !strings.Contains(p.Parent, ":") {
			a, err := resolve(geo.Query{Text: p.Parent, Country: p.Country})
			if le := (*geo.LoadError)(nil); errors.As(err, &le) {
				return nil, err
			}
			if err != nil {
				s.placeProblem(i, "parent", "parent %q: %v", p.Parent, err)
				places[i].Parent = ""
				continue
			}
			places[i].Parent = a.ID
			continue
		}
		ok, err := has(p.Parent)
		if err != nil {
			return nil, err
		}
		if !ok && s.placeIDs[p.Parent].ix == nil {
			s.placeProblem(i, "parent", "parent %q is not the id of a place (ids look like %q, or write the parent's name)", p.Parent, "geonames:745044")
			places[i].Parent = ""
		}
	}
	return places, nil
}

// bundledList returns the bundled place list; a variable, so that tests
// can see when Locate loads it.
var bundledList = geo.Bundled

// Locate places every record as Geocode does with the site's Gazetteer,
// with the same result and problems, but through geo.Resolver: the place
// list is loaded only when a place is not among the answers this process
// or the cache on disk (geo.CacheEnv) already holds. The error is for a
// place list that cannot be read.
func (s *Site) Locate() (diag.List, error) {
	bundled := geo.NewResolver(geo.Version(), bundledList)
	places, err := s.ownPlaces(bundled.Resolve, bundled.Has)
	if err != nil {
		return nil, fmt.Errorf("load place list: %w", err)
	}
	r := bundled
	if len(places) > 0 {
		// The key of the gazetteer with the site's places is every
		// field of every one of them, as they are added.
		key, err := json.Marshal(places)
		if err != nil {
			return nil, err
		}
		r = geo.NewResolver(geo.Version()+"\n"+string(key), func() (*geo.Gazetteer, error) {
			g, err := bundled.Gazetteer()
			if err != nil {
				return nil, err
			}
			return g.With(places)
		})
	}
	l, err := s.geocode(r.Resolve)
	if err != nil {
		return nil, fmt.Errorf("load place list: %w", err)
	}
	bundled.Save()
	r.Save()
	return l, nil
}

func (s *Site) placeProblem(i int, key, format string, args ...any) {
	w := s.placeWhere[i]
	p := w.ix.Lookup(w.path + "." + key)
	s.placeProblems.Add(diag.Diagnostic{File: w.file, Line: p.Line, Column: p.Column, Record: s.Places[i].Name,
		Field: key, Message: fmt.Sprintf(format, args...)})
}

// Geocode places every record: explicit coordinates are kept (and checked
// against the record's country), place names are resolved with g. It
// returns the problems found: unknown places are errors, ambiguous ones
// warnings, and so are a point outside the record's country (an error
// when swapping lon and lat would put it inside: a typo, not a choice).
// The list includes the problems Gazetteer found with the site's places.
func (s *Site) Geocode(g *geo.Gazetteer) diag.List {
	l, _ := s.geocode(g.Answer) // g.Answer has no other error than a name's
	return l
}

// geocode is Geocode with resolve for the gazetteer's Answer; the error is
// one of resolve that is not about a name (a place list that cannot be
// loaded).
func (s *Site) geocode(resolve func(geo.Query) (geo.Answer, error)) (diag.List, error) {
	l := slices.Clone(s.placeProblems)
	unknown := 0
	// Many records name the same place: each query is resolved once (an
	// answer is the same for the same query; errors are asked again).
	answers := map[geo.Query]geo.Answer{}
	for _, r := range s.Records {
		if r.Coordinates != nil {
			lon, lat := r.Coordinates[0], r.Coordinates[1]
			r.Location = incident.Location{Lon: lon, Lat: lat, Precision: geo.Venue, Explicit: true, Matched: r.Place}
			if inside, known := geo.InCountry(r.Country, lon, lat); known && !inside {
				dg := s.At(r, "coordinates")
				dg.Severity = diag.Warning
				dg.Message = fmt.Sprintf("[%g, %g] lies outside %s: is it [lon, lat]?", lon, lat, geo.CountryName(r.Country))
				if in, _ := geo.InCountry(r.Country, lat, lon); in {
					dg.Severity = diag.Error
					dg.Message = fmt.Sprintf("[%g, %g] lies outside %s but [%g, %g] is inside: lon and lat look swapped", lon, lat, geo.CountryName(r.Country), lat, lon)
				}
				l.Add(dg)
			}
			continue
		}
		if r.Place == "" {
			continue
		}
		if unknown == MaxFileErrors {
			// Each unknown name costs a search for suggestions; stop.
			l.Add(diag.Diagnostic{File: DataDir, Message: fmt.Sprintf("too many unknown places (%d); fix these and check again", unknown)})
			unknown++
		}
		if unknown > MaxFileErrors {
			continue
		}
		q := geo.Query{Text: r.Place, Country: r.Country}
		a, ok := answers[q]
		var err error
		if !ok {
			if a, err = resolve(q); err == nil {
				answers[q] = a
			}
		}
		if le := (*geo.LoadError)(nil); errors.As(err, &le) {
			return nil, err
		}
		if err != nil {
			dg := s.At(r, "place")
			dg.Message = err.Error()
			l.Add(dg)
			unknown++
			continue
		}
		for _, w := range a.Warnings {
			dg := s.At(r, "place")
			dg.Severity = diag.Warning
			dg.Message = w
			l.Add(dg)
		}
		r.Location = incident.Location{
			Lon: a.Lon, Lat: a.Lat, Precision: a.Precision,
			PlaceID: a.ID, Matched: a.Label,
		}
	}
	l.Sort()
	return l, nil
}
