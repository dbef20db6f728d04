package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/mapsite/mapsite/diag"
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
	"github.com/mapsite/mapsite/site"
)

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("check", "[-s SITE_DIR] [--format text|json]", stderr)
	dir := fs.String("s", ".", "site folder (holds site.toml and data/)")
	format := fs.String("format", "text", "output format: text or json")
	if rest, code, ok := parse(fs, args); !ok {
		return code
	} else if len(rest) > 0 {
		fmt.Fprintf(stderr, "mapsite check: unexpected argument %q\n", rest[0])
		return Usage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "mapsite check: --format must be text or json, not %q\n", *format)
		return Usage
	}
	s, problems, err := loadAndGeocode(*dir)
	if err != nil {
		if *format == "json" { // still JSON, for the tools that read it
			diag.List{{Message: err.Error()}}.WriteJSON(stdout)
		}
		fmt.Fprintf(stderr, "mapsite check: %s\n", diag.Printable(err.Error()))
		return DataError
	}
	if *format == "json" {
		if err := problems.WriteJSON(stdout); err != nil {
			fmt.Fprintf(stderr, "mapsite check: %v\n", err)
		}
	} else {
		problems.WriteText(stderr)
		if problems.Errors() == 0 {
			writeSummary(stdout, s)
		}
		if n := problems.Errors(); n > 0 {
			fmt.Fprintf(stderr, "%s, %s\n", plural(n, "error"), plural(problems.Warnings(), "warning"))
		} else if n := problems.Warnings(); n > 0 {
			fmt.Fprintf(stderr, "%s\n", plural(n, "warning"))
		}
	}
	if problems.Errors() > 0 {
		return DataError
	}
	return OK
}

// loadAndGeocode loads the site in dir and geocodes its records. The list
// has every data problem; err is a failure that is not the data's.
func loadAndGeocode(dir string) (*site.Site, diag.List, error) {
	s, problems := site.Load(dir)
	located, err := s.Locate()
	if err != nil {
		return nil, nil, err
	}
	problems.Append(located)
	problems.Sort()
	return s, problems, nil
}

// writeSummary prints what a site holds: records per layer, per country,
// per location precision, and the span of dates.
func writeSummary(w io.Writer, s *site.Site) {
	recs := s.Records
	fmt.Fprintf(w, "%s: %s in %s\n", diag.Printable(s.Config.Title), plural(len(recs), "record"), plural(len(s.Files), "file"))
	if len(recs) == 0 {
		return
	}
	layers := map[string]int{}
	countries := map[string]int{}
	precisions := map[geo.Precision]int{}
	for _, r := range recs {
		layers[r.Layer]++
		countries[r.Country]++
		precisions[r.Location.Precision]++
	}
	var parts []string
	for _, l := range s.Config.Layers {
		parts = append(parts, fmt.Sprintf("%s %d", l.Key, layers[l.Key]))
	}
	fmt.Fprintf(w, "  layers      %s\n", strings.Join(parts, ", "))
	parts = parts[:0]
	ccs := slices.SortedFunc(maps.Keys(countries), func(a, b string) int {
		if countries[a] != countries[b] {
			return countries[b] - countries[a]
		}
		return strings.Compare(a, b)
	})
	for _, cc := range ccs {
		parts = append(parts, fmt.Sprintf("%s %d", cc, countries[cc]))
	}
	fmt.Fprintf(w, "  countries   %s\n", strings.Join(parts, ", "))
	parts = parts[:0]
	for _, p := range slices.Sorted(maps.Keys(precisions)) {
		parts = append(parts, fmt.Sprintf("%s %d", p, precisions[p]))
	}
	fmt.Fprintf(w, "  precision   %s\n", strings.Join(parts, ", "))
	first, last := recs[0].Date, recs[0].Date
	for _, r := range recs {
		if r.Date.End.After(last.End) {
			last = r.Date
		}
	}
	fmt.Fprintf(w, "  dates       %s – %s\n", dateStart(first), dateEnd(last))
}

// dateStart and dateEnd give the first and the last end of a date, which
// are the same but for spans ("2022–2023").
func dateStart(d incident.Date) string {
	s, _, _ := strings.Cut(d.String(), "–")
	return s
}

func dateEnd(d incident.Date) string {
	if d.Span {
		s := d.String()
		if i := strings.LastIndex(s, "–"); i >= 0 {
			return s[i+len("–"):]
		}
	}
	return d.String()
}
