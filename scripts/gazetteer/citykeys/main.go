// Command citykeys fills the key columns of geo/data/cities.tsv and
// geo/data/divisions.tsv with geo.Normalize of the names, so that loading
// the gazetteer need not normalise 220,000 names. Normalize stays the one
// definition of a key: geo's TestCityKeys fails when a stored key differs
// from it.
//
// scripts/gazetteer/gen.mjs runs it after writing the files; after a change
// to Normalize, run it alone:
//
//	go generate ./geo/
//
// Usage: citykeys PLACES DIVISIONS (both rewritten in place; running it
// twice is harmless). PLACES has 12 columns (key: Normalize of column 2,
// the name); DIVISIONS 13 (keys: the distinct Normalize of the name, column
// 3, and of each '|'-separated name of column 12, joined by '|').
//
// It then writes index.bin beside them: every key of every row, sorted, so
// that package geo finds a name by binary search instead of building a map
// of 250,000 keys at each start (see geo's index.go for the format).
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mapsite/mapsite/geo"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: citykeys PLACES DIVISIONS")
		os.Exit(2)
	}
	var files [2]string
	for i, path := range os.Args[1:] {
		data, err := run(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "citykeys:", err)
			os.Exit(1)
		}
		files[i] = data
	}
	index := geo.BuildIndex(files[0], files[1])
	out := filepath.Join(filepath.Dir(os.Args[1]), "index.bin")
	if err := os.WriteFile(out, index, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "citykeys:", err)
		os.Exit(1)
	}
}

// Column counts of the two kinds of file.
const (
	placeColumns    = 12
	divisionColumns = 13
)

// run fills the key column of the file at path and returns its new text.
func run(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
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
		switch len(f) {
		case placeColumns:
			f[len(f)-1] = geo.Normalize(f[1])
		case divisionColumns:
			f[len(f)-1] = DivisionKeys(f[2], f[11])
		default:
			return "", fmt.Errorf("%s:%d: want %d or %d fields, got %d", path, n+1, placeColumns, divisionColumns, len(f))
		}
		out.WriteString(strings.Join(f, "\t"))
		out.WriteString("\n")
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(out.String()), 0o644); err != nil {
		return "", err
	}
	return out.String(), os.Rename(tmp, path)
}

// DivisionKeys returns the distinct keys of name and of the '|'-separated
// names, the name's first, joined by '|'.
func DivisionKeys(name, names string) string {
	return geo.DivisionKeys(name, names)
}
