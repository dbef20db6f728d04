package build

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"text/template/parse"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mapsite/mapsite/site"
	"github.com/mapsite/mapsite/templates"
)

// page is what every template gets.
type page struct {
	*model
	Root        string // relative path from the page to the site root: "", "../" or "../../"
	Path        string // the page's path from the root, e.g. "incidents/x/"
	Kind        string // "map", "table", "record", "about", "404"
	Title       string
	Description string
	Record      *recordView
	assets      *assetSet
	Updated     time.Time
}

// Asset returns the root-relative URL and integrity of a named asset.
func (p *page) Asset(name string) (asset, error) { return p.assets.Get(name) }

// rootPath returns the path of the site's root on its host, from the base
// URL ("https://example.org/iskp/" gives "/iskp/"), or "/" without one.
func rootPath(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return u.Path
}

// Canonical returns the page's absolute URL, or "" without a base URL.
func (p *page) Canonical() string {
	if p.BaseURL == "" {
		return ""
	}
	return p.BaseURL + p.Path
}

// templateSet is a site's page templates: each page template parsed by
// html/template, and which of them the fast path renders instead
// (render_fast.go): those the site leaves as built in.
type templateSet struct {
	html map[string]*template.Template // by page template, e.g. "record.html"
	fast map[string]bool               // neither base.html nor the page template is overridden
	size map[string]*atomic.Int64      // the last page's length, a guess for the next one's
}

// pageTemplates are the page templates, each parsed together with base.html.
var pageTemplates = []string{"map.html", "table.html", "record.html", "about.html", "404.html"}

// loadTemplates parses the page templates, taking any the site overrides
// from its own templates/ folder. A site's file the same as the built-in
// one is no override (the seed site keeps the built-in templates in its
// templates/ folder). A page whose template and base.html are both built
// in takes the fast path; an override of base.html sends every page
// through html/template, an override of record.html only the record pages.
func loadTemplates(siteDir string) (*templateSet, error) {
	read := func(name string) (src string, overridden bool, err error) {
		builtin, err := fs.ReadFile(templates.FS, name)
		if err != nil {
			return "", false, err
		}
		if b, err := site.ReadFile(siteDir, "templates/"+name); err == nil {
			return string(b), !bytes.Equal(b, builtin), nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", false, fmt.Errorf("templates/%s: %w", name, err)
		}
		return string(builtin), false, nil
	}
	funcs := template.FuncMap{
		"json": func(v any) (template.JS, error) {
			b, err := json.Marshal(v)
			return template.JS(b), err
		},
		"iso":        func(t time.Time) string { return t.Format("2006-01-02") },
		"paragraphs": paragraphs,
		"title":      func(s string) string { return strings.ToUpper(s[:1]) + s[1:] },
		"css":        cssColor,
	}
	base, baseOverridden, err := read("base.html")
	if err != nil {
		return nil, fmt.Errorf("template base.html: %w", err)
	}
	set := &templateSet{html: map[string]*template.Template{}, fast: map[string]bool{}, size: map[string]*atomic.Int64{}}
	for _, name := range pageTemplates {
		src, overridden, err := read(name)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		t, err := template.New(name).Funcs(funcs).Parse(base)
		if err == nil {
			_, err = t.Parse(src)
		}
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		compactTemplates(t)
		set.html[name] = t
		set.fast[name] = !baseOverridden && !overridden
		set.size[name] = new(atomic.Int64)
	}
	return set, nil
}

// render renders the page p with the page template name: on the fast
// path when the site leaves it as built in, else with html/template.
func (ts *templateSet) render(name string, p *page) ([]byte, error) {
	return ts.renderInto(nil, name, p)
}

// renderInto is render into dst's room, or a new buffer when it is too
// small for the last page of the kind.
func (ts *templateSet) renderInto(dst []byte, name string, p *page) ([]byte, error) {
	size := ts.size[name]
	if hint := int(size.Load()) + 512; cap(dst) < hint {
		dst = make([]byte, 0, hint)
	}
	var b []byte
	if ts.fast[name] {
		var err error
		if b, err = renderFast(p, dst[:0]); err != nil {
			return nil, err
		}
	} else {
		buf := bytes.NewBuffer(dst[:0])
		if err := ts.html[name].ExecuteTemplate(buf, "base", p); err != nil {
			return nil, err
		}
		b = buf.Bytes()
	}
	size.Store(int64(len(b)))
	return b, nil
}

// pageBuffers hold the pages being rendered: 100,000 record pages made
// 800 MB of garbage, much of it surviving a collection that ran meanwhile.
var pageBuffers = sync.Pool{New: func() any { return new([]byte) }}

// pages renders every HTML page and puts it into out as soon as it is
// rendered, on every core; it returns the number of pages. The record
// pages unchanged since the last build are taken first, and the site's
// own pages but the map page (the table, about and 404) rendered; the
// other record pages after start; the map page after ready, which adds
// the map's data script to a.
func (m *model) pages(tmpl *templateSet, a *assetSet, updated time.Time, out sink, prog *progress, start, ready func() error) (int, error) {
	type job struct {
		file, tmpl string
		p          *page
	}
	// The table page is put in pieces, a row a record, when the built-in
	// template renders it in a build (see renderFastPieces).
	tableInPieces := tmpl.fast["table.html"] && !keepEncodings.Load()
	render := func(j job) error {
		j.p.model, j.p.assets, j.p.Updated = m, a, updated
		if j.tmpl == "table.html" && tableInPieces {
			// In pieces: the page is a row a record (see renderFastPieces).
			err := putPieces(out, j.file, func(add func([]byte, bool) error) error {
				return renderFastPieces(j.p, make([]byte, 0, 96<<10), add)
			})
			if err != nil {
				return fmt.Errorf("render %s: %w", j.file, err)
			}
			prog.pageWritten()
			return nil
		}
		if keepEncodings.Load() {
			// A Renderer's: its caches may point into the page (the
			// table page's rows, see segments).
			b, err := tmpl.render(j.tmpl, j.p)
			if err != nil {
				return fmt.Errorf("render %s: %w", j.file, err)
			}
			prog.pageWritten()
			return out.put(j.file, b)
		}
		// Into a buffer used again once the page is put (see putTransient).
		bp := pageBuffers.Get().(*[]byte)
		b, err := tmpl.renderInto(*bp, j.tmpl, j.p)
		if err != nil {
			return fmt.Errorf("render %s: %w", j.file, err)
		}
		prog.pageWritten()
		err = out.putTransient(j.file, b)
		if cap(b) <= 1<<20 {
			*bp = b[:0]
			pageBuffers.Put(bp)
		}
		return err
	}
	jobs := []job{
		{"index.html", "map.html", &page{Kind: "map", Title: m.Config.Title, Description: m.Config.Description}},
		{"incidents/index.html", "table.html", &page{Root: "../", Path: "incidents/", Kind: "table", Title: "All records", Description: m.Config.Description}},
		{"about/index.html", "about.html", &page{Root: "../", Path: "about/", Kind: "about", Title: "About", Description: m.Config.Description}},
		// A host serves 404.html at any depth, where relative links break:
		// its links start at the root path (of the base URL, or "/").
		{"404.html", "404.html", &page{Root: rootPath(m.BaseURL), Kind: "404", Title: "Page not found"}},
	}
	n := len(jobs) + len(m.Records)
	prog.pagesToWrite(n)
	order := m.pageOrder()
	// Where there is a previous build, its unchanged pages are taken
	// and the site's own pages but the map page, which names data.js,
	// rendered (a site's own templates have it added already) before
	// start. Not in a build from nothing, where this only made the keys
	// and the manifest's entries sooner, for a larger live heap at its
	// peak (206 -> 231 MB in a heap profile at 100,000 records).
	taken := func(rv *recordView) bool {
		if out.reuse(rv.URL+"index.html", rv) { // unchanged since the last build (see pageKeys)
			m.locators.skip(rv)
			prog.pageWritten()
			return true
		}
		return false
	}
	rest, early := order, out.takes()
	var own []job
	if early {
		changed := make([]bool, len(order))
		parallel(len(order), func(i int) error {
			changed[i] = !taken(m.Records[order[i]])
			return nil
		})
		rest = nil
		for i, c := range changed {
			if c {
				rest = append(rest, order[i])
			}
		}
		own = jobs[1:]
	}
	if err := parallel(len(own), func(i int) error { return render(own[i]) }); err != nil {
		return n, err
	}
	if err := start(); err != nil {
		return n, err
	}
	if m.locators != nil {
		m.locators.out = out // the land files (see locators)
	}
	// In a build from nothing the table page, which names no data
	// script, is rendered first beside the record pages: alone at the
	// end, its rows made a batch at a time on both cores but handed to
	// the sink on one, it left a core idle (about 0.2 s at 100,000
	// records).
	var table []job
	if !early && tableInPieces {
		table, jobs = jobs[1:2], append(jobs[:1:1], jobs[2:]...)
	}
	err := parallel(len(table)+len(rest), func(i int) error {
		if i < len(table) {
			return render(table[i])
		}
		rv := m.Records[rest[i-len(table)]]
		if !early && taken(rv) {
			return nil
		}
		return render(job{rv.URL + "index.html", "record.html",
			&page{Root: "../../", Path: rv.URL, Kind: "record", Title: rv.Title, Description: description(rv), Record: rv}})
	})
	if err != nil {
		return n, err
	}
	m.locators.takeLands(out)
	if err := m.locators.landErr(); err != nil {
		return n, err
	}
	// Then the map page, which names data.js (with the site's other
	// pages in a build from nothing).
	if err := ready(); err != nil {
		return n, err
	}
	if !early {
		return n, parallel(len(jobs), func(i int) error { return render(jobs[i]) })
	}
	return n, render(jobs[0])
}

// compactTemplates collapses, in the text between the actions of every
// template, each run of white space that holds a line break into one line
// break. Done once when the templates are parsed, it gives pages without
// indentation at no cost per page; the data's own text is never touched.
// A line break stands for any white space in HTML text and attributes, and
// keeps line comments in inline scripts ending where they did (no
// template has a <pre> or <textarea>, where it would matter).
func compactTemplates(t *template.Template) {
	for _, tt := range t.Templates() {
		if tt.Tree != nil && tt.Tree.Root != nil {
			compactNode(tt.Tree.Root)
		}
	}
}

var indentation = regexp.MustCompile(`[ \t\r\n]*\n[ \t\r\n]*`)

func compactNode(n parse.Node) {
	switch n := n.(type) {
	case *parse.TextNode:
		n.Text = indentation.ReplaceAll(n.Text, []byte("\n"))
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				compactNode(c)
			}
		}
	case *parse.IfNode:
		compactNode(n.List)
		compactNode(n.ElseList)
	case *parse.RangeNode:
		compactNode(n.List)
		compactNode(n.ElseList)
	case *parse.WithNode:
		compactNode(n.List)
		compactNode(n.ElseList)
	}
}

// parallel calls f(0) … f(n-1) on as many goroutines as there are CPUs and
// returns the errors.
func parallel(n int, f func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	next := atomic.Int64{}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || errs[w] != nil {
					return
				}
				errs[w] = f(i)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// description is a record's one-line summary for social previews.
func description(rv *recordView) string {
	var buf [320]byte // the usual description: one allocation, the string
	b := append(buf[:0], rv.dateText()...)
	b = append(b, ", "...)
	if rv.Place == "" {
		b = append(b, rv.CountryName...)
	} else {
		b = append(b, rv.Place...)
	}
	b = append(b, ". "...)
	return string(appendSummaryStart(b, rv.Summary))
}

// summaryStart returns the summary's words joined by one space, cut at the
// last space within 200 bytes and ended with "…" when longer. Only as many
// words as that needs are joined (a page each: 100,000 whole summaries
// were 70 MB of garbage).
func summaryStart(summary string) string {
	return string(appendSummaryStart(make([]byte, 0, 256), summary))
}

// appendSummaryStart appends summaryStart(summary) to b.
func appendSummaryStart(b []byte, summary string) []byte {
	start := len(b)
	for i := 0; i < len(summary) && len(b)-start <= 200; {
		i = indexSpace(summary, i, false) // the next word
		if i == len(summary) {
			break
		}
		j := indexSpace(summary, i, true) // its end
		if len(b) > start {
			b = append(b, ' ')
		}
		b = append(b, summary[i:j]...)
		i = j
	}
	if len(b)-start <= 200 {
		return b
	}
	cut := bytes.LastIndexByte(b[start:start+200], ' ')
	if cut < 0 {
		cut = 200
	}
	return append(b[:start+cut], "…"...)
}

// indexSpace returns the offset of the first rune of s from i for which
// unicode.IsSpace is space, or len(s). ASCII is tested here, a byte at a
// time: strings.IndexFunc, a call a rune, made description take 1.6 µs
// a record page in a build at 100,000 records, 1.0 µs this way.
func indexSpace(s string, i int, space bool) int {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if (c == ' ' || '\t' <= c && c <= '\r') == space {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) == space {
			return i
		}
		i += n
	}
	return i
}

// feed returns feed.xml: an Atom feed of the newest records.
func (m *model) feed(updated time.Time) ([]byte, error) {
	type link struct {
		Href string `xml:"href,attr"`
		Rel  string `xml:"rel,attr,omitempty"`
	}
	type entry struct {
		Title   string `xml:"title"`
		ID      string `xml:"id"`
		Link    link   `xml:"link"`
		Updated string `xml:"updated"`
		Summary string `xml:"summary"`
	}
	type feed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		Title   string   `xml:"title"`
		ID      string   `xml:"id"`
		Links   []link   `xml:"link"`
		Updated string   `xml:"updated"`
		Author  struct {
			Name string `xml:"name"`
		} `xml:"author"`
		Entries []entry `xml:"entry"`
	}
	f := feed{Title: m.Config.Title, ID: m.idURI(""), Updated: updated.Format(time.RFC3339)}
	f.Author.Name = m.Config.Author
	if f.Author.Name == "" {
		f.Author.Name = m.Config.Title
	}
	if m.BaseURL != "" {
		f.Links = []link{{Href: m.BaseURL}, {Href: m.BaseURL + "feed.xml", Rel: "self"}}
	}
	for i := len(m.Records) - 1; i >= 0 && len(f.Entries) < 50; i-- {
		rv := m.Records[i]
		f.Entries = append(f.Entries, entry{Title: rv.Title, ID: m.idURI(rv.URL), Link: link{Href: m.absolute(rv.URL)},
			Updated: rv.Date.Start.Format(time.RFC3339), Summary: description(rv)})
	}
	b, err := xml.Marshal(f)
	return append([]byte(xml.Header), b...), err
}

// idURI is a stable Atom id: the absolute URL, or a tag URI without a base.
func (m *model) idURI(path string) string {
	if m.BaseURL != "" {
		return m.BaseURL + path
	}
	return "urn:mapsite:" + strings.TrimSuffix(path, "/")
}

// sitemap returns sitemap.xml, or nil when there is no base URL (a sitemap
// needs absolute URLs).
func (m *model) sitemap() ([]byte, error) {
	if m.BaseURL == "" {
		return nil, nil
	}
	type url struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod,omitempty"`
	}
	type urlset struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []url    `xml:"url"`
	}
	s := urlset{URLs: []url{{Loc: m.BaseURL}, {Loc: m.BaseURL + "incidents/"}, {Loc: m.BaseURL + "about/"}}}
	for _, rv := range m.Records {
		s.URLs = append(s.URLs, url{Loc: m.BaseURL + rv.URL})
	}
	b, err := xml.Marshal(s)
	return append([]byte(xml.Header), b...), err
}

// robots returns robots.txt.
func (m *model) robots() []byte {
	s := "User-agent: *\nAllow: /\n"
	if m.BaseURL != "" {
		s += "Sitemap: " + m.BaseURL + "sitemap.xml\n"
	}
	return []byte(s)
}

// paragraphs splits text at blank lines.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// cssColor passes a validated #rrggbb colour into a style attribute.
func cssColor(c string) template.CSS {
	if !hexColor.MatchString(c) {
		return "#777777"
	}
	return template.CSS(c)
}
