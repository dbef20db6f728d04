package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mapsite/mapsite/diag"
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/site"
)

func runPlaces(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("places", "[-s SITE_DIR] [--country CC] [--region] [--json] QUERY", stderr)
	dir := fs.String("s", ".", "site folder; its data/places.toml is used when present")
	country := fs.String("country", "", "ISO 3166-1 alpha-2 country hint")
	asJSON := fs.Bool("json", false, "print JSON")
	region := fs.Bool("region", false, "the name is a first-level region (province, oblast): prefer it over a city of the same name")
	rest, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(rest) == 0 {
		fs.Usage()
		return Usage
	}
	query := strings.Join(rest, " ")
	g, err := siteGazetteer(*dir, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "mapsite places: %s\n", diag.Printable(err.Error()))
		return DataError
	}
	res, err := g.Resolve(geo.Query{Text: query, Country: strings.ToUpper(*country), Region: *region})
	if err != nil {
		var nf *geo.NotFoundError
		if *asJSON && errors.As(err, &nf) {
			out := struct {
				Error       string      `json:"error"`
				Suggestions []placeJSON `json:"suggestions"`
			}{Error: err.Error(), Suggestions: []placeJSON{}}
			for _, p := range nf.Suggestions {
				out.Suggestions = append(out.Suggestions, toJSON(g, p, ""))
			}
			writeJSON(stdout, out)
		} else {
			fmt.Fprintf(stderr, "mapsite places: %s\n", diag.Printable(err.Error()))
		}
		return DataError
	}
	if *asJSON {
		out := resultJSON{placeJSON: toJSON(g, res.Place, "")}
		out.Chain = []placeJSON{}
		for _, p := range res.Chain {
			out.Chain = append(out.Chain, toJSON(g, p, ""))
		}
		out.Candidates = []placeJSON{}
		for _, c := range res.Candidates {
			out.Candidates = append(out.Candidates, toJSON(g, c.Place, c.Why))
		}
		out.Warnings = append([]string{}, res.Warnings...)
		writeJSON(stdout, out)
		return OK
	}
	// Names and sources may come from the site's places.toml.
	say := func(format string, args ...any) {
		fmt.Fprintln(stdout, diag.Printable(fmt.Sprintf(format, args...)))
	}
	p := res.Place
	say("%s", g.Label(p))
	say("  precision   %s", p.Precision)
	say("  point       lat %.6f, lon %.6f", p.Lat, p.Lon)
	say("  id          %s", p.ID)
	if len(res.Chain) > 0 {
		names := make([]string, len(res.Chain))
		for i, c := range res.Chain {
			names[i] = fmt.Sprintf("%s (%s)", c.Name, c.Precision)
		}
		say("  within      %s", strings.Join(names, " › "))
	}
	if p.Population > 0 {
		say("  population  %d", p.Population)
	}
	if p.Source != "" {
		say("  source      %s", p.Source)
	}
	for _, w := range res.Warnings {
		say("  warning     %s", w)
	}
	if len(res.Candidates) > 0 {
		say("  runners-up")
		for _, c := range res.Candidates {
			say("    %s (%s, %s): %s", g.Label(c.Place), c.Place.Precision, c.Place.ID, c.Why)
		}
	}
	return OK
}

// siteGazetteer returns the place list of the site in dir: the bundled one
// plus data/places.toml when the folder has one.
func siteGazetteer(dir string, stderr io.Writer) (*geo.Gazetteer, error) {
	s, problems := site.Load(dir)
	if len(s.Places) == 0 {
		return geo.Bundled()
	}
	g, err := s.Gazetteer()
	if err != nil {
		return nil, err
	}
	problems.Append(s.Geocode(g)) // holds the problems with places' parents
	problems.Sort()
	for _, d := range problems {
		if d.Severity == diag.Error && strings.HasSuffix(d.File, site.PlacesFile) {
			fmt.Fprintln(stderr, d)
		}
	}
	return g, nil
}

type placeJSON struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	Label      string  `json:"label"`
	Lat        float64 `json:"lat"`
	Lon        float64 `json:"lon"`
	Precision  string  `json:"precision"`
	Country    string  `json:"country"`
	Population int     `json:"population,omitempty"`
	Source     string  `json:"source,omitempty"`
	Why        string  `json:"why,omitempty"`
}

// resultJSON is the answer of places --json: the place, its parents and the
// candidates that lost, each with why.
type resultJSON struct {
	placeJSON
	Chain      []placeJSON `json:"chain"`
	Candidates []placeJSON `json:"candidates"`
	Warnings   []string    `json:"warnings"`
}

func toJSON(g *geo.Gazetteer, p geo.Place, why string) placeJSON {
	return placeJSON{ID: p.ID, Name: p.Name, Label: g.Label(p), Lat: p.Lat, Lon: p.Lon,
		Precision: p.Precision.String(), Country: p.Country, Population: p.Population, Source: p.Source, Why: why}
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
