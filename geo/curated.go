package geo

import (
	"fmt"

	"github.com/BurntSushi/toml"
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
// a site's own files.
func parseCurated(data []byte) ([]curatedEntry, error) {
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
		e := curatedEntry{admin1: t.Admin1, set: map[string]bool{}, line: i + 1}
		for _, k := range curatedKeys {
			_, e.set[k] = raw.Place[i][k]
		}
		e.place = Place{ID: t.ID, Name: t.Name, Aliases: t.Aliases, Country: t.Country, Parent: t.Parent,
			Lat: t.Lat, Lon: t.Lon, Population: t.Population, Source: t.Source}
		if e.set["precision"] {
			if e.place.Precision, err = ParsePrecision(t.Precision); err != nil {
				return nil, fmt.Errorf("curated.toml: place %d (%s): %w", i+1, t.ID, err)
			}
		}
		out[i] = e
	}
	return out, nil
}
