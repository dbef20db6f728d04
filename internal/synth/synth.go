// Package synth writes deterministic synthetic sites for benchmarks: N
// records spread over real places of the bundled place list at every
// precision (curated venues, neighbourhoods and districts; GeoNames cities;
// countries; and explicit coordinates), and the equivalent Hugo site. The
// same n and seed give the same bytes.
//
// Every candidate place is resolved with the geocoder first and kept only
// if it resolves without a warning, so a generated site builds cleanly.
package synth

import (
	"bufio"
	"cmp"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/mapsite/mapsite/geo"
)

// PerFile is the number of records in each data file
// (data/part-0001.toml, …): a large site keeps its records in many files.
const PerFile = 1000

// Site writes a site of n records into dir (replaced), with root's
// site.toml, and returns the records.
func Site(root, dir string, n int, seed uint64) ([]Record, error) {
	pool, err := LoadPlaces(root)
	if err != nil {
		return nil, err
	}
	cfg, err := os.ReadFile(filepath.Join(root, "site.toml"))
	if err != nil {
		return nil, err
	}
	recs := Generate(n, seed, pool)
	return recs, WriteSite(dir, cfg, recs)
}

// DataFile returns the data file, relative to the site, that holds the
// i-th record (from 0).
func DataFile(i int) string {
	return filepath.Join("data", fmt.Sprintf("part-%04d.toml", i/PerFile+1))
}

// place is a candidate place name that resolves cleanly.
type place struct {
	Text, Country string
	Precision     geo.Precision
	Lon, Lat      float64
}

// PlacePool is the resolvable places by precision, plus points inside
// cities for records with explicit coordinates.
type PlacePool struct {
	byPrecision [geo.Country + 1][]place
}

// LoadPlaces gathers candidates from the curated list, the GeoNames cities
// of at least 150,000 people and the countries, and keeps those the
// bundled geocoder resolves without a warning at the precision expected.
func LoadPlaces(root string) (*PlacePool, error) {
	g, err := geo.Bundled()
	if err != nil {
		return nil, err
	}
	var cands []place
	var curated struct {
		Place []struct {
			Name, Country, Precision string
		}
	}
	if _, err := toml.DecodeFile(filepath.Join(root, "geo/places/curated.toml"), &curated); err != nil {
		return nil, err
	}
	for _, p := range curated.Place {
		if p.Name != "" && p.Country != "" {
			cands = append(cands, place{Text: p.Name, Country: p.Country})
		}
	}
	err = eachTSV(filepath.Join(root, "geo/data/cities.tsv"), func(f []string) {
		if len(f) >= 6 {
			if pop, _ := strconv.Atoi(f[5]); pop >= 150000 {
				cands = append(cands, place{Text: f[1], Country: f[2]})
			}
		}
	})
	if err != nil {
		return nil, err
	}
	err = eachTSV(filepath.Join(root, "geo/data/countries.tsv"), func(f []string) {
		if len(f) >= 2 {
			cands = append(cands, place{Text: f[1], Country: f[0]})
		}
	})
	if err != nil {
		return nil, err
	}
	pool := &PlacePool{}
	seen := map[string]bool{}
	for _, c := range cands {
		key := c.Text + "\x00" + c.Country
		if seen[key] || strings.ContainsAny(c.Text, `"\`) {
			continue
		}
		seen[key] = true
		res, err := g.Resolve(geo.Query{Text: c.Text, Country: c.Country})
		if err != nil || len(res.Warnings) > 0 {
			continue
		}
		c.Precision, c.Lon, c.Lat = res.Place.Precision, res.Place.Lon, res.Place.Lat
		pool.byPrecision[c.Precision] = append(pool.byPrecision[c.Precision], c)
	}
	for p := range pool.byPrecision {
		slices.SortFunc(pool.byPrecision[p], func(a, b place) int {
			return cmp.Or(cmp.Compare(a.Country, b.Country), cmp.Compare(a.Text, b.Text))
		})
	}
	if len(pool.byPrecision[geo.City]) == 0 {
		return nil, fmt.Errorf("gen: no city of the place list resolves; is %s the repository?", root)
	}
	return pool, nil
}

// eachTSV calls f with the tab-separated fields of every line of a file
// that is not a comment.
func eachTSV(name string, f func([]string)) error {
	file, err := os.Open(name)
	if err != nil {
		return err
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if line := sc.Text(); line != "" && line[0] != '#' {
			f(strings.Split(line, "\t"))
		}
	}
	return sc.Err()
}

// Record is one synthetic record, as both generators write it.
type Record struct {
	ID, Layer, Date, Start, Title, Summary, Note string
	Place                                        place
	Coords                                       *[2]float64
	Killed, Injured                              string
	Attribution, Perpetrator                     string
	Tags, Related                                []string
	Sources                                      [][2]string
}

var (
	layers       = []string{"attack", "arrest", "plot", "threat", "network"}
	attributions = []string{"", "claimed", "attributed", "suspected", "disputed"}
	perpetrators = []string{"", "ISKP", "Islamic State", "unknown cell", "a lone attacker"}
	tagWords     = []string{"suicide bombing", "shooting", "stabbing", "shrine", "concert", "church", "airport", "financing", "recruitment", "online", "deportation", "border"}
	verbs        = []string{"Attack on", "Arrests near", "Plot against", "Threat to", "Network around", "Raid at", "Bombing at", "Detentions in"}
	nouns        = []string{"a market", "a transit hub", "a shrine", "a stadium", "a concert hall", "a consulate", "a checkpoint", "a school", "\"Café Royal\" & bar", "a <festival> site"}
	words        = strings.Fields("the authorities said that a group of suspects had travelled from abroad and prepared an attack with help from contacts in several countries while investigators traced payments messages and weapons to a network that recruited online and moved people across borders before the police raided flats and seized phones documents and money")
	qualifiers   = []string{"", "", "", "at least ", "over ", "about ", "almost ", "up to "}
)

// Generate makes n records; the precision mix is roughly a tenth each of
// venues, neighbourhoods and districts, half cities, a tenth countries and
// a twentieth explicit coordinates.
func Generate(n int, seed uint64, pool *PlacePool) []Record {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	type share struct {
		p geo.Precision
		w int
	}
	shares := []share{{geo.Venue, 10}, {geo.Neighbourhood, 6}, {geo.District, 10}, {geo.City, 50}, {geo.Region, 4}, {geo.Country, 12}}
	total := 0
	for _, s := range shares {
		total += s.w
	}
	recs := make([]Record, n)
	for i := range recs {
		r := &recs[i]
		r.ID = fmt.Sprintf("r%07d", i+1)
		r.Layer = layers[rng.IntN(len(layers))]
		// Places: a weighted precision, falling back to cities when the
		// list has none of that precision.
		x, prec, explicit := rng.IntN(total+6), geo.City, true
		for _, s := range shares {
			if x < s.w {
				prec, explicit = s.p, false
				break
			}
			x -= s.w
		}
		list := pool.byPrecision[prec]
		if len(list) == 0 {
			list = pool.byPrecision[geo.City]
		}
		r.Place = list[rng.IntN(len(list))]
		if explicit {
			c := pool.byPrecision[geo.City][rng.IntN(len(pool.byPrecision[geo.City]))]
			r.Place = place{Text: "Near " + c.Text, Country: c.Country}
			r.Coords = &[2]float64{c.Lon + (rng.Float64()-0.5)/500, c.Lat + (rng.Float64()-0.5)/500}
		}
		y, m, d := 1990+rng.IntN(35), 1+rng.IntN(12), 1+rng.IntN(28)
		r.Start = fmt.Sprintf("%04d-%02d-%02d", y, m, d)
		switch k := rng.IntN(20); {
		case k < 13:
			r.Date = r.Start
		case k < 16:
			r.Date, r.Start = fmt.Sprintf("%q", fmt.Sprintf("%04d-%02d", y, m)), fmt.Sprintf("%04d-%02d-01", y, m)
		case k < 17:
			r.Date, r.Start = fmt.Sprintf(`"%04d-summer"`, y), fmt.Sprintf("%04d-06-01", y)
		case k < 19:
			r.Date, r.Start = fmt.Sprintf(`"%04d"`, y), fmt.Sprintf("%04d-01-01", y)
		default:
			r.Date, r.Start = fmt.Sprintf(`"%04d/%04d"`, y, y+1), fmt.Sprintf("%04d-01-01", y)
		}
		r.Title = fmt.Sprintf("%s %s in %s (%d)", pick(verbs), pick(nouns), strings.TrimPrefix(r.Place.Text, "Near "), i+1)
		r.Summary = sentence(rng, 25+rng.IntN(40)) + "\n\n" + sentence(rng, 10+rng.IntN(30))
		if rng.IntN(5) == 0 {
			r.Note = sentence(rng, 12)
		}
		if rng.IntN(3) > 0 {
			r.Killed = pick(qualifiers) + strconv.Itoa(rng.IntN(60))
		}
		if rng.IntN(2) == 0 {
			lo := rng.IntN(200)
			r.Injured = strconv.Itoa(lo)
			if rng.IntN(4) == 0 {
				r.Injured = fmt.Sprintf("%d-%d", lo, lo+1+rng.IntN(20))
			}
		}
		r.Attribution, r.Perpetrator = pick(attributions), pick(perpetrators)
		for range rng.IntN(4) {
			if t := pick(tagWords); !slices.Contains(r.Tags, t) {
				r.Tags = append(r.Tags, t)
			}
		}
		if i > 0 && rng.IntN(25) == 0 {
			r.Related = []string{recs[rng.IntN(i)].ID}
		}
		for j := range 1 + rng.IntN(3) {
			r.Sources = append(r.Sources, [2]string{
				fmt.Sprintf("Report %d on record %d", j+1, i+1),
				fmt.Sprintf("https://news.example.org/%d/%d/story-%d", y, i+1, j+1)})
		}
	}
	return recs
}

// sentence returns n pseudo-random words as a sentence.
func sentence(rng *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = words[rng.IntN(len(words))]
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// WriteSite writes site.toml and data/part-NNNN.toml files.
func WriteSite(dir string, cfg []byte, recs []Record) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "site.toml"), cfg, 0o644); err != nil {
		return err
	}
	for start := 0; start < len(recs); start += PerFile {
		var b strings.Builder
		for _, r := range recs[start:min(start+PerFile, len(recs))] {
			writeRecord(&b, &r)
		}
		name := filepath.Join(dir, DataFile(start))
		if err := os.WriteFile(name, []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeRecord writes one [[record]] table.
func writeRecord(b *strings.Builder, r *Record) {
	fmt.Fprintf(b, "[[record]]\nid = %q\nlayer = %q\ndate = %s\ntitle = %q\nplace = %q\ncountry = %q\n",
		r.ID, r.Layer, r.Date, r.Title, r.Place.Text, r.Place.Country)
	if r.Coords != nil {
		fmt.Fprintf(b, "coordinates = [%.5f, %.5f]\n", r.Coords[0], r.Coords[1])
	}
	if r.Killed != "" {
		fmt.Fprintf(b, "killed = %q\n", r.Killed)
	}
	if r.Injured != "" {
		fmt.Fprintf(b, "injured = %q\n", r.Injured)
	}
	for _, kv := range [][2]string{{"attribution", r.Attribution}, {"perpetrator", r.Perpetrator}, {"note", r.Note}} {
		if kv[1] != "" {
			fmt.Fprintf(b, "%s = %q\n", kv[0], kv[1])
		}
	}
	fmt.Fprintf(b, "summary = %q\n", r.Summary)
	if len(r.Tags) > 0 {
		fmt.Fprintf(b, "tags = [%s]\n", quoteList(r.Tags))
	}
	if len(r.Related) > 0 {
		fmt.Fprintf(b, "related = [%s]\n", quoteList(r.Related))
	}
	for _, s := range r.Sources {
		fmt.Fprintf(b, "[[record.source]]\ntitle = %q\nurl = %q\n", s[0], s[1])
	}
	b.WriteString("\n")
}

func quoteList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// WriteHugo writes the equivalent Hugo site: one minimal page per record
// (title, date, place, summary) in a section whose list links them all.
func WriteHugo(dir string, recs []Record) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	files := map[string]string{
		"hugo.toml": "baseURL = \"https://example.org/bench/\"\ntitle = \"Benchmark\"\n" +
			"disableKinds = [\"taxonomy\", \"term\"]\n[pagination]\npagerSize = 1000000\n",
		"layouts/baseof.html":         "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{{ .Title }}</title></head><body>{{ block \"main\" . }}{{ end }}</body></html>\n",
		"layouts/single.html":         "{{ define \"main\" }}<h1>{{ .Title }}</h1><p>{{ .Date.Format \"2006-01-02\" }} · {{ .Params.place }}, {{ .Params.country }}</p>{{ .Content }}{{ end }}\n",
		"layouts/list.html":           "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Date.Format \"2006-01-02\" }}</li>{{ end }}</ul>{{ end }}\n",
		"layouts/home.html":           "{{ define \"main\" }}<h1>{{ .Site.Title }}</h1><a href=\"incidents/\">All records</a>{{ end }}\n",
		"content/incidents/_index.md": "+++\ntitle = \"All records\"\n+++\n",
	}
	for name, body := range files {
		if err := writeFile(filepath.Join(dir, name), body); err != nil {
			return err
		}
	}
	for _, r := range recs {
		body := fmt.Sprintf("+++\ntitle = %q\ndate = %s\n[params]\nplace = %q\ncountry = %q\n+++\n%s\n",
			r.Title, r.Start, r.Place.Text, r.Place.Country, r.Summary)
		if err := writeFile(filepath.Join(dir, "content/incidents", r.ID+".md"), body); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(name, body string) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, []byte(body), 0o644)
}
