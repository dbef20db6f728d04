package geo

import (
	"fmt"

	"github.com/BurntSushi/toml"

	"github.com/mapsite/mapsite/internal/tomlfast"
)

// curatedEntry is one [[place]] table of places/curated.toml, with the set
// of keys it wrote, so that an entry for a GeoNames ID changes only what it
// names.
type curatedEntry struct {
	place  Place
	admin1 string
	set    map[string]bool
	line   int // the entry's number, for messages
}

// curatedTable is a [[place]] table as written.
type curatedTable struct {
	ID         string   `toml:"id"`
	Name       string   `toml:"name"`
	Aliases    []string `toml:"aliases"`
	Country    string   `toml:"country"`
	Parent     string   `toml:"parent"`
	Precision  string   `toml:"precision"`
	Lat        float64  `toml:"lat"`
	Lon        float64  `toml:"lon"`
	Population int      `toml:"population"`
	Admin1     string   `toml:"admin1"`
	Source     string   `toml:"source"`
}

var curatedKeys = []string{"id", "name", "aliases", "country", "parent", "precision", "lat", "lon", "population", "admin1", "source"}

// parseCurated reads places/curated.toml. Unknown keys are errors, as in
// a site's own files. The file is decoded by tomlfast when it can, else
// (and to word every error) by BurntSushi.
func parseCurated(data []byte) ([]curatedEntry, error) {
	if out, ok := parseCuratedFast(string(data)); ok {
		return out, nil
	}
	return parseCuratedTOML(data)
}

// parseCuratedFast decodes the file with tomlfast, declining (ok false)
// any file it declines and any key or value that is not of the type
// curatedTable gives it, which parseCuratedTOML then reports.
func parseCuratedFast(text string) (out []curatedEntry, ok bool) {
	defer func() {
		if recover() != nil {
			out, ok = nil, false
		}
	}()
	doc, _, ok := tomlfast.Decode(text, "place")
	if !ok || len(doc) > 1 {
		return nil, false
	}
	var tables []map[string]any
	if v, found := doc["place"]; found {
		if tables, ok = v.([]map[string]any); !ok {
			return nil, false
		}
	}
	out = make([]curatedEntry, len(tables))
	for i, m := range tables {
		e := curatedEntry{set: make(map[string]bool, len(curatedKeys)), line: i + 1}
		var t curatedTable
		for k, v := range m {
			ok := false
			switch k {
			case "id":
				t.ID, ok = v.(string)
			case "name":
				t.Name, ok = v.(string)
			case "country":
				t.Country, ok = v.(string)
			case "parent":
				t.Parent, ok = v.(string)
			case "precision":
				t.Precision, ok = v.(string)
			case "admin1":
				t.Admin1, ok = v.(string)
			case "source":
				t.Source, ok = v.(string)
			case "lat":
				t.Lat, ok = v.(float64)
			case "lon":
				t.Lon, ok = v.(float64)
			case "population":
				var n int64
				n, ok = v.(int64)
				t.Population = int(n)
			case "aliases":
				var a []any
				if a, ok = v.([]any); ok {
					t.Aliases = make([]string, len(a))
					for j, s := range a {
						if t.Aliases[j], ok = s.(string); !ok {
							break
						}
					}
				}
			}
			if !ok {
				return nil, false
			}
		}
		for _, k := range curatedKeys {
			_, e.set[k] = m[k]
		}
		var err error
		if e, err = curatedPlace(e, t); err != nil {
			return nil, false
		}
		out[i] = e
	}
	return out, true
}

// parseCuratedTOML decodes the file with BurntSushi.
func parseCuratedTOML(data []byte) ([]curatedEntry, error) {
	var doc struct {
		Place []curatedTable `toml:"place"`
	}
	md, err := toml.Decode(string(data), &doc)
	if err != nil {
		return nil, fmt.Errorf("curated.toml: %w", err)
	}
	if u := md.Undecoded(); len(u) > 0 {
		return nil, fmt.Errorf("curated.toml: unknown key %q", u[0].String())
	}
	// The decoder says which keys exist only per table path, not per
	// element; decode each element again as a map to learn its keys.
	var raw struct {
		Place []map[string]any `toml:"place"`
	}
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return nil, fmt.Errorf("curated.toml: %w", err)
	}
	out := make([]curatedEntry, len(doc.Place))
	for i, t := range doc.Place {
		e := curatedEntry{set: map[string]bool{}, line: i + 1}
		for _, k := range curatedKeys {
			_, e.set[k] = raw.Place[i][k]
		}
		if out[i], err = curatedPlace(e, t); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// curatedPlace fills e, whose set and line are known, from table t.
func curatedPlace(e curatedEntry, t curatedTable) (curatedEntry, error) {
	e.admin1 = t.Admin1
	e.place = Place{ID: t.ID, Name: t.Name, Aliases: t.Aliases, Country: t.Country, Parent: t.Parent,
		Lat: t.Lat, Lon: t.Lon, Population: t.Population, Source: t.Source}
	if e.set["precision"] {
		var err error
		if e.place.Precision, err = ParsePrecision(t.Precision); err != nil {
			return e, fmt.Errorf("curated.toml: place %d (%s): %w", e.line, t.ID, err)
		}
	}
	return e, nil
}
