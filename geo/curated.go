package geo

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// curatedEntry is one [[place]] table of places/curated.toml, with the set
// of keys it wrote, so that an entry for a GeoNames ID changes only what it
// names.
type curatedEntry struct {
	place  Place
	admin1 string
	set    map[string]bool
	line   int
}

// parseCurated reads the subset of TOML that places/curated.toml uses:
// comments, [[place]] headers, and key = value lines where a value is a
// basic string, a number or a one-line array of strings.
func parseCurated(data []byte) ([]curatedEntry, error) {
	var out []curatedEntry
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		if line == "[[place]]" {
			out = append(out, curatedEntry{set: map[string]bool{}, line: n})
			continue
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("curated.toml:%d: key outside [[place]]", n)
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("curated.toml:%d: want key = value", n)
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		e := &out[len(out)-1]
		if e.set[k] {
			return nil, fmt.Errorf("curated.toml:%d: duplicate key %q", n, k)
		}
		e.set[k] = true
		if err := e.assign(k, v); err != nil {
			return nil, fmt.Errorf("curated.toml:%d: %s: %w", n, k, err)
		}
	}
	return out, sc.Err()
}

func (e *curatedEntry) assign(k, v string) error {
	p := &e.place
	var err error
	switch k {
	case "id", "name", "country", "parent", "precision", "source", "admin1":
		var s string
		if s, err = strconv.Unquote(v); err != nil {
			return fmt.Errorf("want a string")
		}
		switch k {
		case "id":
			p.ID = s
		case "name":
			p.Name = s
		case "country":
			p.Country = s
		case "parent":
			p.Parent = s
		case "source":
			p.Source = s
		case "admin1":
			e.admin1 = s
		case "precision":
			p.Precision, err = ParsePrecision(s)
		}
	case "lat":
		p.Lat, err = strconv.ParseFloat(v, 64)
	case "lon":
		p.Lon, err = strconv.ParseFloat(v, 64)
	case "population":
		p.Population, err = strconv.Atoi(v)
	case "aliases":
		p.Aliases, err = parseStrings(v)
	default:
		return fmt.Errorf("unknown key")
	}
	return err
}

func parseStrings(v string) ([]string, error) {
	if !strings.HasPrefix(v, "[") || !strings.HasSuffix(v, "]") {
		return nil, fmt.Errorf("want an array of strings on one line")
	}
	v = strings.TrimSpace(v[1 : len(v)-1])
	var out []string
	for v != "" {
		if v[0] != '"' {
			return nil, fmt.Errorf("want a string in the array")
		}
		end := 1
		for end < len(v) && v[end] != '"' {
			if v[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(v) {
			return nil, fmt.Errorf("unterminated string")
		}
		s, err := strconv.Unquote(v[:end+1])
		if err != nil {
			return nil, err
		}
		out = append(out, s)
		v = strings.TrimSpace(v[end+1:])
		v = strings.TrimSpace(strings.TrimPrefix(v, ","))
	}
	return out, nil
}
