// Command citykeys fills the key column of geo/data/cities.tsv with
// geo.Normalize of each city's name, so that loading the gazetteer need not
// normalise 135,000 names. Normalize stays the one definition of a key:
// geo's TestCityKeys fails when a stored key differs from it.
//
// scripts/gazetteer/gen.mjs runs it after writing the file; after a change
// to Normalize, run it alone:
//
//	go generate ./geo/
//
// Usage: citykeys FILE (rewritten in place; running it twice is harmless).
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/mapsite/mapsite/geo"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: citykeys FILE")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "citykeys:", err)
		os.Exit(1)
	}
}

// columns are those of cities.tsv: id, name, country, admin1, feature,
// population, lat, lon, key.
const columns = 9

func run(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	lines := strings.SplitAfter(string(data), "\n")
	var out strings.Builder
	out.Grow(len(data) + len(data)/5)
	for n, line := range lines {
		if line == "" || line[0] == '#' || line == "\n" {
			out.WriteString(line)
			continue
		}
		f := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
		if len(f) != columns {
			return fmt.Errorf("%s:%d: want %d fields, got %d", path, n+1, columns, len(f))
		}
		f[len(f)-1] = geo.Normalize(f[1])
		out.WriteString(strings.Join(f, "\t"))
		out.WriteString("\n")
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(out.String()), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
