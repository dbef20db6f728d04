package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/site"
)

func runPlaces(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("places", "[-s SITE_DIR] [--country CC] [--json] QUERY", stderr)
	dir := fs.String("s", ".", "site folder; its data/places.toml is used when present")
	country := fs.String("country", "", "ISO 3166-1 alpha-2 country hint")
	asJSON := fs.Bool("json", false, "print JSON")
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
		fmt.Fprintf(stderr, "mapsite places: %v\n", err)
		return DataError
	}
	res, err := g.Resolve(geo.Query{Text: query, Country: strings.ToUpper(*country)})
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
			fmt.Fprintf(stderr, "mapsite places: %v\n", err)
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
	p := res.Place
	fmt.Fprintf(stdout, "%s\n", g.Label(p))
	fmt.Fprintf(stdout, "  precision   %s\n", p.Precision)
	fmt.Fprintf(stdout, "  point       lat %.6f, lon %.6f\n", p.Lat, p.Lon)
	fmt.Fprintf(stdout, "  id          %s\n", p.ID)
	if len(res.Chain) > 0 {
		names := make([]string, len(res.Chain))
		for i, c := range res.Chain {
			names[i] = fmt.Sprintf("%s (%s)", c.Name, c.Precision)
		}
		fmt.Fprintf(stdout, "  within      %s\n", strings.Join(names, " › "))
	}
	if p.Population > 0 {
		fmt.Fprintf(stdout, "  population  %d\n", p.Population)
	}
	if p.Source != "" {
		fmt.Fprintf(stdout, "  source      %s\n", p.Source)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stdout, "  warning     %s\n", w)
	}
	if len(res.Candidates) > 0 {
		fmt.Fprintf(stdout, "  runners-up\n")
		for _, c := range res.Candidates {
			fmt.Fprintf(stdout, "    %s (%s, %s): %s\n", g.Label(c.Place), c.Place.Precision, c.Place.ID, c.Why)
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
	for _, d := range problems {
		if d.Severity == 0 && strings.HasSuffix(d.File, site.PlacesFile) {
			fmt.Fprintln(stderr, d)
		}
	}
	return s.Gazetteer()
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
