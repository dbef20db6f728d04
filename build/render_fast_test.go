package build

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mapsite/mapsite/incident"
	"github.com/mapsite/mapsite/internal/synth"
	"github.com/mapsite/mapsite/site"
	"github.com/mapsite/mapsite/templates"
)

// withTemplateOverrides copies a site's site.toml and data/ into a new
// folder and gives it, as its own templates/, every built-in template
// with a template comment added: overrides that change no page, but send
// every page through html/template.
func withTemplateOverrides(t *testing.T, siteDir string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"site.toml", "data", "street.pmtiles"} {
		if _, err := os.Stat(filepath.Join(siteDir, name)); err != nil {
			continue
		}
		err := filepath.WalkDir(filepath.Join(siteDir, name), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(siteDir, p)
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755)
			return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	os.Mkdir(filepath.Join(dir, "templates"), 0o755)
	for _, name := range append([]string{"base.html"}, pageTemplates...) {
		b, err := fs.ReadFile(templates.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, "{{/* overridden */}}\n"...)
		if err := os.WriteFile(filepath.Join(dir, "templates", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestFastPathMatchesTemplates renders sites with the built-in templates
// (the fast path) and again with every template overridden by an
// equivalent one (html/template), and wants every file, every page above
// all, the same byte for byte: the seed site, the hostile site (a payload
// in every text field), the build fixture with a base URL, and a
// synthetic site of every date precision, count form and place precision.
func TestFastPathMatchesTemplates(t *testing.T) {
	synthDir := filepath.Join(t.TempDir(), "synth")
	if _, err := synth.Site("..", synthDir, 300, 7); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, dir, baseURL string
	}{
		{"seed", "..", ""},
		{"hostile", "../testdata/hostile", ""},
		{"fixture", fixture, "https://example.org/a+b/x'y/"},
		{"synth", synthDir, ""},
		{"variants", variantsSite(t), "https://example.org/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ts, err := loadTemplates(tc.dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range pageTemplates {
				if !ts.fast[name] {
					t.Fatalf("%s does not take the fast path for %s", tc.dir, name)
				}
			}
			fast, _, err := Render(context.Background(), Options{SiteDir: tc.dir, BaseURL: tc.baseURL})
			if err != nil {
				t.Fatal(err)
			}
			slowDir := withTemplateOverrides(t, tc.dir)
			if ts, err := loadTemplates(slowDir); err != nil || ts.fast["record.html"] {
				t.Fatalf("the overridden templates take the fast path (%v)", err)
			}
			slow, _, err := Render(context.Background(), Options{SiteDir: slowDir, BaseURL: tc.baseURL})
			if err != nil {
				t.Fatal(err)
			}
			pages := 0
			for p, want := range slow {
				got, ok := fast[p]
				switch {
				case !ok:
					t.Errorf("%s: only html/template writes it", p)
				case !bytes.Equal(got, want):
					t.Errorf("%s differs from html/template's (a built-in template changed? make the same change in render_fast.go):\n%s", p, firstDifference(got, want))
				}
				if strings.HasSuffix(p, ".html") {
					pages++
				}
			}
			if len(fast) != len(slow) {
				t.Errorf("%d files on the fast path, %d with html/template", len(fast), len(slow))
			}
			if pages < 5 {
				t.Errorf("only %d pages compared", pages)
			}
		})
	}
}

// variantsSite writes a site that takes every branch of the templates the
// other sites leave out: a street map and a tile layer, every symbol, the
// about page's optional parts, a record placed by coordinates alone, every
// count, a note, related records.
func variantsSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"street.pmtiles": "not read by the build, only copied",
		"site.toml": `title = "Variants <&> 'one' + two"
description = "Every optional part: + & \" '"
language = "fr"
author = "A. Author"

[about]
methodology = """First paragraph, with <b>markup</b>.

Second   paragraph,
over two lines."""
license = "CC BY 4.0 + more"
credits = """Credit one.

Credit two & three."""

[map]
basemap = "street.pmtiles"

[[map.tiles]]
name = "Tiles <x>"
url = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
attribution = "© Example <contributors>"

[[layer]]
key = "attack"
name = "Attacks"
color = "#D55E00"
symbol = "circle"
description = "Attacks & 'claims'"

[[layer]]
key = "arrest"
name = "Arrests"
color = "#0072B2"
symbol = "square"

[[layer]]
key = "plot"
name = "Plots"
color = "#009E73"
symbol = "triangle"

[[layer]]
key = "threat"
name = "Threats"
color = "#CC79A7"
symbol = "diamond"

[[layer]]
key = "network"
name = "Networks"
color = "#E69F00"
symbol = "star"

[[attribution]]
key = "claimed"
label = "Claimed"
description = "The group said so <here>."
`,
		"data/records.toml": `[[record]]
id = "paris-2015"
layer = "attack"
date = 2015-11-13
title = "Paris: \"quoted\" + <b>bold</b>"
place = "Paris"
country = "FR"
killed = "at least 130"
injured = "400-420"
casualties = "over 500"
note = """A note.

Two paragraphs."""
attribution = "claimed"
perpetrator = "Someone & co"
summary = "One."
related = ["tehran-coords"]
tags = ["a+b", "<i>"]
[[record.source]]
title = "Source 'one'"
url = "https://example.org/a b?q=1&r=é#x"
published = 2016-01-01

[[record]]
id = "tehran-coords"
layer = "arrest"
date = "2016-summer"
title = "Placed by coordinates only"
coordinates = [51.389, 35.689]
country = "IR"
detained = 3
arrested = "about 7"
deported = "up to 9"
summary = "Two."
[[record.source]]
title = "Source"
url = "http://example.org/"

[[record]]
id = "plot-2017"
layer = "plot"
date = "2017-03/2017-05"
title = "A plot"
coordinates = [51.4, 35.7]
country = "IR"
summary = "Three."
[[record.source]]
title = "S"
url = "https://example.org/3"

[[record]]
id = "threat-2018"
layer = "threat"
date = "2018"
title = "A threat"
place = "Paris"
country = "FR"
summary = "Four."
[[record.source]]
title = "S"
url = "https://example.org/4"

[[record]]
id = "network-2019"
layer = "network"
date = "2019-02"
title = "A network"
place = "Paris"
country = "FR"
summary = "Five."
[[record.source]]
title = "S"
url = "https://example.org/5"
`,
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// firstDifference shows where two pages part.
func firstDifference(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-80)
	return "fast:          …" + string(got[from:min(len(got), i+80)]) + "…\nhtml/template: …" + string(want[from:min(len(want), i+80)]) + "…"
}

// escaperCases are strings every escaper must treat as html/template does.
var escaperCases = []string{
	"", "plain", `<script>alert(1)</script>`, `" onmouseover="x`, `'single'`, "a+b=c&d",
	"javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:x", "vbscript:x", "data:text/html,<b>",
	"https://example.org/a b?q=1&r=é#frag", "HTTPS://EXAMPLE.ORG/%41%zz%4", "mailto:a@b.c",
	"/a:b", "../../incidents/x/", "%", "%4", "%41", "a%2", "\x00nul", "tab\there\nline",
	"Başakşehir, İstanbul", "日本語 テキスト", "\xff\xfe broken utf-8 <", "`backtick` =equals",
	"\ufdd0\uffff specials", "!#$&*+,/:;=?@[]-._~", "{{.}}", "&amp; already escaped",
}

// TestEscapersMatchHTMLTemplate compares each escaper with html/template
// executing the same value in the same place.
func TestEscapersMatchHTMLTemplate(t *testing.T) {
	for _, s := range escaperCases {
		checkEscapers(t, s)
	}
}

// FuzzEscapers compares the escapers with html/template on any string.
func FuzzEscapers(f *testing.F) {
	for _, s := range escaperCases {
		f.Add(s)
	}
	f.Fuzz(checkEscapers)
}

// escaperTemplates are the places of a value in the templates, each with
// the escaper the fast path uses there.
var escaperTemplates = []struct {
	src    string
	append func([]byte, string) []byte
	prefix string
	suffix string
}{
	{`<p>{{.}}</p>`, appendHTML, "<p>", "</p>"},
	{`<p title="{{.}}">`, appendHTML, `<p title="`, `">`},
	{`<title>{{.}}</title>`, appendHTML, "<title>", "</title>"},
	{`<meta name="description" content="{{.}}">`, appendHTML, `<meta name="description" content="`, `">`},
	{`<a href="{{.}}">`, appendURL, `<a href="`, `">`},
	{`<a href="../../{{.}}">`, appendURLRest, `<a href="../../`, `">`},
	{`<a href="../../#id={{.}}">`, appendURLPart, `<a href="../../#id=`, `">`},
}

// escaperParsed holds escaperTemplates parsed, in the same order.
var escaperParsed []*template.Template

func init() {
	for _, et := range escaperTemplates {
		escaperParsed = append(escaperParsed, template.Must(template.New("").Parse(et.src)))
	}
}

func checkEscapers(t *testing.T, s string) {
	for i, et := range escaperTemplates {
		var want strings.Builder
		if err := escaperParsed[i].Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		got := et.prefix + string(et.append(nil, s)) + et.suffix
		if got != want.String() {
			t.Errorf("%s with %q:\n got %q\nwant %q", et.src, s, got, want.String())
		}
	}
}

// renderSetup prepares a site's model, assets and templates as render
// does, for the page benchmarks.
func renderSetup(tb testing.TB, siteDir string) (*model, *assetSet, *templateSet) {
	tb.Helper()
	s, problems := site.Load(siteDir)
	g, err := s.Gazetteer()
	if err != nil {
		tb.Fatal(err)
	}
	problems.Append(s.Geocode(g))
	if err := problems.Err(); err != nil {
		tb.Fatal(err)
	}
	m := newModel(s, "")
	a, err := collectAssets(siteDir, newMinifier()) // without the map data script, which is not timed
	if err != nil {
		tb.Fatal(err)
	}
	if err := m.addBasemap(a, siteDir); err != nil {
		tb.Fatal(err)
	}
	ts, err := loadTemplates(siteDir)
	if err != nil {
		tb.Fatal(err)
	}
	return m, a, ts
}

// benchmarkRecordPages renders the record pages of 1,000 synthetic records
// on one goroutine, on the fast path or with html/template. The pages
// leave out their locator maps, so that only the templates are timed.
func benchmarkRecordPages(b *testing.B, fast bool) {
	m, a, ts := renderSetup(b, synthSite(b, 1000))
	ts.fast["record.html"] = fast
	m.locators = nil
	pages := make([]*page, len(m.Records))
	for i, rv := range m.Records {
		pages[i] = &page{model: m, assets: a, Root: "../../", Path: rv.URL, Kind: "record", Title: rv.Title, Description: description(rv), Record: rv}
	}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for _, p := range pages {
			out, err := ts.render("record.html", p)
			if err != nil {
				b.Fatal(err)
			}
			n += len(out)
		}
	}
	b.SetBytes(int64(n / max(1, b.N)))
}

// BenchmarkRecordPagesFast renders 1,000 record pages on the fast path.
func BenchmarkRecordPagesFast(b *testing.B) { benchmarkRecordPages(b, true) }

// BenchmarkRecordPagesTemplate renders 1,000 record pages with html/template.
func BenchmarkRecordPagesTemplate(b *testing.B) { benchmarkRecordPages(b, false) }

// FuzzRecordPage renders a record page whose text fields hold any strings,
// the loader's checks bypassed, on both paths, and wants the same bytes.
func FuzzRecordPage(f *testing.F) {
	f.Add("Title <b>&</b>", "Place, 'x'", "Summary.\n\nTwo + two.", "tag\x00", "https://example.org/a b?c=d&e=é", "Source \"t\"", "Layer", "#D55E00", "Matched")
	f.Add("", "", "", "", "javascript:alert(1)", "", "", `"><script>`, "")
	f.Add("\xff\xfe", "\ufdd0", "\r\n\r\n", "`", "%zz%41", "{{.}}", "<", "", "\u2028")
	ts, err := loadTemplates(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	a := &assetSet{files: Files{}, byName: map[string]asset{
		"favicon.svg": {DataURI: "data:image/svg+xml;base64,PHN2Zz4+PC9zdmc+"},
		"404.css":     {CSS: "body{color:red}", Hash: "'sha256-ab+c/d='"},
	}}
	for _, name := range []string{"site.css", "site.js", "table.js"} {
		a.byName[name] = asset{Path: "assets/" + name}
	}
	f.Fuzz(func(t *testing.T, title, place, summary, tag, srcURL, srcTitle, layerName, color, matched string) {
		date, err := incident.ParseDate("2023-summer")
		if err != nil {
			t.Fatal(err)
		}
		killed, _ := incident.ParseCount("at least 3")
		r := &incident.Record{ID: "r-1", Layer: "l", Date: date, Title: title, Place: place, Country: "FR",
			Summary: summary, Note: summary, Perpetrator: title, Tags: []string{tag, tag}, Attribution: "a",
			Sources:  []incident.Source{{Title: srcTitle, URL: srcURL}},
			Location: incident.Location{Lon: 2.35, Lat: -48.85, Matched: matched}}
		r.Counts.Killed = killed
		other := &incident.Record{ID: "r-2", Layer: "l", Date: date, Title: srcTitle, Place: place, Country: "FR", Related: []string{"r-1"}}
		s := &site.Site{Config: site.Config{Title: title, Description: summary, Language: layerName,
			Layers:       []site.Layer{{Key: "l", Name: layerName, Color: color, Symbol: "star", Description: tag}},
			Attributions: []site.Attribution{{Key: "a", Label: tag}}},
			Records: []*incident.Record{r, other}}
		m := newModel(s, "")
		for _, rv := range m.Records {
			p := &page{model: m, assets: a, Root: "../../", Path: rv.URL, Kind: "record", Title: rv.Title, Description: description(rv), Record: rv}
			want, err := renderTemplate(ts, "record.html", p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := renderFast(p, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("record page differs from html/template's:\n%s", firstDifference(got, want))
			}
		}
	})
}

// renderTemplate renders p with html/template, whatever the fast path may do.
func renderTemplate(ts *templateSet, name string, p *page) ([]byte, error) {
	var b bytes.Buffer
	err := ts.html[name].ExecuteTemplate(&b, "base", p)
	return b.Bytes(), err
}

// TestCountsInSiteLanguage checks that the map, table and about pages
// write counts as the site's language does, on both render paths.
func TestCountsInSiteLanguage(t *testing.T) {
	t.Setenv("MAPSITE_CACHE", "off")
	dir := filepath.Join(t.TempDir(), "synth")
	if _, err := synth.Site("..", dir, 1200, 5); err != nil {
		t.Fatal(err)
	}
	config, err := os.ReadFile(filepath.Join(dir, "site.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, want string }{
		{"en", "1,200"},
		{"de", "1.200"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			c := regexp.MustCompile(`(?m)^language\s*=.*$`).ReplaceAllString(string(config), "")
			c = fmt.Sprintf("language = %q\n", tc.lang) + c
			if err := os.WriteFile(filepath.Join(dir, "site.toml"), []byte(c), 0o644); err != nil {
				t.Fatal(err)
			}
			fast, _, err := Render(context.Background(), Options{SiteDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			for page, want := range map[string]string{
				"index.html":           `id="visible-count">` + tc.want + `<`,
				"incidents/index.html": tc.want + " records, oldest first",
			} {
				if !strings.Contains(string(fast[page]), want) {
					t.Errorf("%s does not contain %q", page, want)
				}
			}
			slow, _, err := Render(context.Background(), Options{SiteDir: withTemplateOverrides(t, dir)})
			if err != nil {
				t.Fatal(err)
			}
			for _, page := range []string{"index.html", "incidents/index.html", "about/index.html"} {
				if !bytes.Equal(fast[page], slow[page]) {
					t.Errorf("%s differs between the fast path and html/template", page)
				}
			}
		})
	}
}

// TestFastParagraphs checks that the fast path writes a text's paragraphs
// as the template's paragraphs function splits them, without making them.
func TestFastParagraphs(t *testing.T) {
	for _, text := range []string{"", "one", "  one  two\tthree ", "a\n\nb", "a\r\n\r\nb\r\nc", "\n\n\n\nx\n\n\n", "a \u00a0 b\u0085c\u2028d", "<b>&'\"+</b>\n\n  \n\nz", "\xff \xfe\n\n\x00", "x\n \ny"} {
		checkParagraphs(t, text)
		w := &fastWriter{}
		if n := testing.AllocsPerRun(10, func() { w.b = w.b[:0]; w.paragraphs(text) }); n > 0 && !strings.Contains(text, "\r\n") {
			t.Errorf("paragraphs of %q: %v allocations", text, n)
		}
	}
}
