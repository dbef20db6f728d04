package geo

// curatedEntry is one [[place]] table of places/curated.toml, with the set
// of keys it wrote, so that an entry for a GeoNames ID changes only what it
// names.
type curatedEntry struct {
	place  Place
	admin1 string
	set    uint16 // bit i: the table writes curatedKeys[i]
	line   int    // the entry's number, for messages
}

// curatedKeys are the keys of a [[place]] table.
var curatedKeys = []string{"id", "name", "aliases", "country", "parent", "precision", "lat", "lon", "population", "admin1", "source"}

// has reports whether the entry's table writes key k.
func (e *curatedEntry) has(k string) bool {
	for i, key := range curatedKeys {
		if key == k {
			return e.set&(1<<i) != 0
		}
	}
	return false
}

// curatedEntries are the tables of places/curated.toml, decoded when the
// file is generated (curated_data.go, by go test ./geo -run TestCuratedData
// -update, which also fails when the file is stale) rather than at every
// load: they are static data, which costs no time to load.
func curatedEntries() []curatedEntry { return curatedData }
