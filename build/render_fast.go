package build

import (
	"encoding/binary"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mapsite/mapsite/site"
)

// The fast render path: the built-in templates (templates/*.html), written
// out as plain Go. Each page is appended to a byte slice, and every value
// from the data goes through the escaper html/template would choose in its
// place (render_escape.go), so the pages are the same, byte for byte, as
// html/template makes from the same templates (TestFastPathMatchesTemplates
// renders sites both ways and compares every page). It exists because
// html/template finds every field and function by reflection, for every
// value of every page: about half of a 10,000-record build's CPU.
//
// A site that overrides a template gets html/template for the pages that
// use it (see templateSet). A change to a built-in template must be made
// here too; the comparison test fails until it is.

// fastWriter appends one page.
type fastWriter struct {
	b   []byte
	p   *page
	err error // the first asset that was missing, or add's first error
	// add, when set, takes the page in pieces: the table page hands it
	// what it has so far and each row, so that the page is never whole
	// (see renderFastPieces).
	add func(piece []byte, encoding bool) error
}

// renderFast renders p from the built-in templates; size is a guess of
// the page's length.
func renderFast(p *page, b []byte) ([]byte, error) {
	w := &fastWriter{b: b, p: p}
	w.base()
	return w.b, w.err
}

// renderFastPieces renders p from the built-in templates, handing it to
// add in pieces, b being room for them: each piece is add's once handed
// (a sink's piece writer copies it). The table page's rows are each a
// piece of their own, marked as encodings for the index beside the output
// (see indexedFiles); at 100,000 records the page is 70 MB.
func renderFastPieces(p *page, b []byte, add func(piece []byte, encoding bool) error) error {
	w := &fastWriter{b: b[:0], p: p, add: add}
	w.base()
	if w.err == nil {
		w.err = add(w.b, false)
	}
	return w.err
}

// flush hands what w has so far to w.add, and empties w.b for what comes
// next.
func (w *fastWriter) flush(encoding bool) {
	if w.err == nil {
		w.err = w.add(w.b, encoding)
	}
	w.b = w.b[:0]
}

// keep makes b, which was w.b with bytes appended, w.b: only its length
// when it is still in w.b's array (append never gives a new array of the
// same capacity), as w.b = append(w.b, ...) does, so that the pointer is
// written, through the collector's write barrier while it marks, only
// when the page outgrows its buffer.
func (w *fastWriter) keep(b []byte) {
	if cap(b) == cap(w.b) {
		w.b = w.b[:len(b)]
	} else {
		w.b = b
	}
}

// s appends template text.
func (w *fastWriter) s(s string) { w.b = append(w.b, s...) }

// h appends a value in HTML text or a quoted attribute.
func (w *fastWriter) h(s string) { w.keep(appendHTML(w.b, s)) }

// int appends a number in HTML text or an attribute.
func (w *fastWriter) int(n int) { w.keep(strconv.AppendInt(w.b, int64(n), 10)) }

// number appends a count as the "Number" method writes it, escaped.
func (w *fastWriter) number(n int) { w.h(w.p.Number(n)) }

// iso appends a day as 2006-01-02 (the "iso" template function).
func (w *fastWriter) iso(t time.Time) { w.keep(appendISODate(w.b, t)) }

// appendISODate appends t as t.AppendFormat(b, "2006-01-02") does, its
// digits written directly for the years 0 to 9999.
func appendISODate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, "2006-01-02")
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}

// asset returns a named asset; a missing one fails the page, as it does in
// the templates' {{with .Asset "name"}}.
func (w *fastWriter) asset(name string) (asset, bool) {
	a, err := w.p.Asset(name)
	if err != nil {
		if w.err == nil {
			w.err = err
		}
		return a, false
	}
	return a, true
}

// script appends a deferred script tag for a named asset.
func (w *fastWriter) script(name string) {
	if a, ok := w.asset(name); ok {
		w.s(`<script defer src="`)
		w.keep(appendURL(w.b, w.p.Root))
		w.keep(appendURL(w.b, a.Path))
		w.s(`"></script>`)
	}
}

// stylesheet appends a stylesheet link for a named asset.
func (w *fastWriter) stylesheet(name string) {
	if a, ok := w.asset(name); ok {
		w.s(`<link rel="stylesheet" href="`)
		w.keep(appendURL(w.b, w.p.Root))
		w.keep(appendURL(w.b, a.Path))
		w.s(`">`)
	}
}

// rootLink appends an href to a path below the site root.
func (w *fastWriter) rootLink(path string) {
	w.s(`<a href="`)
	w.keep(appendURL(w.b, w.p.Root))
	w.s(path)
}

// base is base.html's "base".
func (w *fastWriter) base() {
	p := w.p
	w.s("<!DOCTYPE html>\n<html lang=\"")
	w.h(p.Config.Language)
	w.s("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"")
	w.csp()
	w.s("\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<title>")
	if p.Kind == "map" {
		w.h(p.Config.Title)
	} else {
		w.h(p.Title)
		w.s(" · ")
		w.h(p.Config.Title)
	}
	w.s("</title>\n<meta name=\"description\" content=\"")
	w.h(p.Description)
	w.s("\">\n<meta property=\"og:type\" content=\"")
	if p.Kind == "record" {
		w.s("article")
	} else {
		w.s("website")
	}
	w.s("\">\n<meta property=\"og:title\" content=\"")
	w.h(p.Title)
	w.s("\">\n<meta property=\"og:description\" content=\"")
	w.h(p.Description)
	w.s("\">\n<meta property=\"og:site_name\" content=\"")
	w.h(p.Config.Title)
	w.s("\">\n")
	if c := p.Canonical(); c != "" {
		w.s("<meta property=\"og:url\" content=\"")
		w.h(c)
		w.s("\">\n<link rel=\"canonical\" href=\"")
		w.keep(appendURL(w.b, c))
		w.s("\">")
	}
	w.s("\n<link rel=\"alternate\" type=\"application/atom+xml\" title=\"")
	w.h(p.Config.Title)
	w.s("\" href=\"")
	w.keep(appendURL(w.b, p.Root))
	w.s("feed.xml\">\n")
	if a, ok := w.asset("favicon.svg"); ok {
		// A template.URL: html/template skips the scheme check.
		w.s("<link rel=\"icon\" type=\"image/svg+xml\" href=\"")
		w.favicon(string(a.DataURI))
		w.s("\">")
	}
	w.s("\n")
	if p.Kind == "map" {
		w.stylesheet("leaflet.css")
	}
	w.s("\n")
	if p.Kind == "404" {
		if a, ok := w.asset("404.css"); ok {
			w.s("<style>")
			w.s(string(a.CSS)) // a template.CSS: written as it is
			w.s("</style>")
		}
	} else {
		w.stylesheet("site.css")
	}
	w.s("\n</head>\n<body class=\"page-")
	w.h(p.Kind)
	w.s("\">\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header class=\"site-header\">\n<div class=\"brand\">\n<a class=\"site-title\" href=\"")
	w.keep(appendURL(w.b, p.Root))
	w.s("./\">")
	w.h(p.Config.Title)
	w.s("</a>\n")
	if d := p.Config.Description; d != "" {
		w.s("<p class=\"tagline\">")
		w.h(d)
		w.s("</p>")
	}
	w.s("\n</div>\n<nav class=\"site-nav\" aria-label=\"Site\">\n")
	w.rootLink("./\"")
	w.current("map")
	w.s(">Map</a>\n")
	w.rootLink("incidents/\"")
	w.current("table")
	w.s(">Table</a>\n")
	w.rootLink("about/\"")
	w.current("about")
	w.s(">About</a>\n")
	w.rootLink("about/#downloads\">Downloads</a>\n</nav>\n</header>\n")
	switch p.Kind {
	case "map":
		w.mapMain()
	case "table":
		w.tableMain()
	case "record":
		w.recordMain()
	case "about":
		w.aboutMain()
	case "404":
		w.notFoundMain()
	}
	w.s("\n")
	if p.Kind != "map" {
		w.footer()
	}
	w.s("\n")
	if p.Kind != "404" {
		w.script("site.js")
	}
	w.s("\n")
	switch p.Kind {
	case "map":
		w.mapPageScripts()
	case "table":
		w.script("table.js")
	}
	w.s("\n</body>\n</html>\n")
}

// current marks the navigation link of the page's own kind.
func (w *fastWriter) current(kind string) {
	if w.p.Kind == kind {
		w.s(` aria-current="page"`)
	}
}

// csp is base.html's "csp", inside the meta element's content attribute.
func (w *fastWriter) csp() {
	w.s("default-src 'none'; script-src 'self'; style-src 'self'")
	if w.p.Kind == "404" {
		if a, ok := w.asset("404.css"); ok {
			w.s(" ")
			w.h(a.Hash)
		}
	}
	w.s("; img-src 'self' data:")
	for _, t := range w.p.Config.Map.Tiles {
		w.s(" ")
		w.h(t.Origin())
	}
	w.s("; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'")
}

// footer is base.html's "footer".
func (w *fastWriter) footer() {
	p := w.p
	w.s("\n<footer class=\"site-footer\">\n<p>")
	w.h(p.Config.Title)
	if l := p.Config.About.License; l != "" {
		w.s(" · ")
		w.h(l)
	}
	w.s("</p>\n<p>")
	w.rootLink("about/\">Method and sources</a> · ")
	w.rootLink("about/#downloads\">Data downloads</a> · ")
	w.rootLink("feed.xml\">Atom feed</a>")
	if !p.Updated.IsZero() {
		w.s(" · Updated <time datetime=\"")
		w.iso(p.Updated)
		w.s("\">")
		w.updated(p.Updated)
		w.s("</time>")
	}
	w.s("</p>\n</footer>\n")
}

// Every page of a build shows the same favicon and date of update: the
// last build's are kept, escaped, for the next page to take (the favicon
// is a data URI of about 900 bytes).
var (
	lastFavicon atomic.Pointer[struct{ uri, href string }]
	lastUpdated atomic.Pointer[struct {
		t    time.Time
		text string
	}]
)

// favicon appends the favicon's data URI in an href (a template.URL:
// html/template skips the scheme check).
func (w *fastWriter) favicon(uri string) {
	if l := lastFavicon.Load(); l != nil && l.uri == uri {
		w.s(l.href)
		return
	}
	start := len(w.b)
	w.keep(appendURLRest(w.b, uri))
	lastFavicon.Store(&struct{ uri, href string }{uri, string(w.b[start:])})
}

// updated appends t as the footer shows it, escaped.
func (w *fastWriter) updated(t time.Time) {
	if l := lastUpdated.Load(); l != nil && l.t == t { // the same instant and location
		w.s(l.text)
		return
	}
	start := len(w.b)
	w.h(t.Format("2 January 2006"))
	lastUpdated.Store(&struct {
		t    time.Time
		text string
	}{t, string(w.b[start:])})
}

// symbol is base.html's "symbol": a layer's symbol in its colour.
func (w *fastWriter) symbol(l site.Layer) {
	w.s(`<svg class="symbol" viewBox="-8 -8 16 16" width="14" height="14" aria-hidden="true" focusable="false"><g fill="`)
	w.h(l.Color)
	w.s(`" stroke="#1b1b1b" stroke-width="1.2">`)
	switch l.Symbol {
	case "square":
		w.s(`<rect x="-5.5" y="-5.5" width="11" height="11"/>`)
	case "triangle":
		w.s(`<path d="M0-7.2L7 5.6H-7Z"/>`)
	case "diamond":
		w.s(`<path d="M0-7.6L7 0 0 7.6-7 0Z"/>`)
	case "star":
		w.s(`<path d="M0-7L1.94-2.07 7.23-1.75 3.14 1.62 4.47 6.75 0 3.9-4.47 6.75-3.14 1.62-7.23-1.75-1.94-2.07Z"/>`)
	default:
		w.s(`<circle r="6.2"/>`)
	}
	w.s(`</g></svg>`)
}

// mapScripts is base.html's "mapScripts".
func (w *fastWriter) mapScripts() {
	w.s("\n")
	w.script("leaflet.js")
	w.s("\n")
	w.script("basemap-world.js")
	w.s("\n")
	if w.p.Config.Map.Basemap != "" {
		w.script("protomaps-leaflet.min.js")
	}
	w.s("\n")
	w.script("map-core.js")
	w.s("\n")
	w.script("map-draw.js")
	w.s("\n")
	w.script("basemap.js")
	w.s("\n")
}

// mapPageScripts is map.html's "scripts".
func (w *fastWriter) mapPageScripts() {
	w.s("\n")
	w.mapScripts()
	for _, name := range []string{"supercluster.min.js", "data.js", "map-data.js", "map-state.js", "map-panel.js", "map-popup.js", "map-areas.js", "map-timeline.js"} {
		w.s("\n")
		w.script(name)
	}
	w.s("\n")
	if w.p.VectorTiles() { // a large site's records come as vector tiles (maptiles.go)
		if w.p.Config.Map.Basemap == "" {
			w.script("protomaps-leaflet.min.js")
		}
		w.s("\n")
		w.script("map-tiles.js")
		w.s("\n")
		w.script("map-search.js")
	}
	w.s("\n")
	w.script("map.js")
	w.s("\n")
}

// paragraphs appends text split at blank lines, a <p> each.
func (w *fastWriter) paragraphs(text string) {
	// As paragraphs gives them, without making their strings: the parts
	// between blank lines, their words joined by one space, the empty
	// ones left out (appendHTML leaves spaces as they are, so words one
	// space apart are escaped as one run).
	text = strings.ReplaceAll(text, "\r\n", "\n")
	for text != "" {
		para, rest, _ := strings.Cut(text, "\n\n")
		text = rest
		if wordsOneSpaceApart(para) { // most summaries: their words as they are
			w.s("<p>")
			w.h(para)
			w.s("</p>")
			continue
		}
		words := 0
		run, end := 0, 0 // the words not yet written: para[run:end]
		for i := 0; i < len(para); {
			if sp, n := spaceAt(para, i); sp {
				i += n
				continue
			}
			j := i
			for j < len(para) {
				sp, n := spaceAt(para, j)
				if sp {
					break
				}
				j += n
			}
			switch {
			case words == 0:
				w.s("<p>")
				run = i
			case i == end+1 && para[end] == ' ':
				// one space from the last word: the same run
			default:
				w.h(para[run:end])
				w.s(" ")
				run = i
			}
			end = j
			words++
			i = j
		}
		if words > 0 {
			w.h(para[run:end])
			w.s("</p>")
		}
	}
}

// wordsOneSpaceApart reports whether s is words of printable ASCII one
// space apart, as paragraphs would join them: not empty, no other space,
// no space at either end, no two together. It looks at eight bytes at a
// time.
func wordsOneSpaceApart(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") {
		return false
	}
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		// Past 0x7e, or below 0x20 (each test exact for "any byte").
		if (x|(x+ones)|(x-0x20*ones)&^x)&highs != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// spaceAt reports whether s has a space (unicode.IsSpace) at byte i, and
// the length of the rune there.
func spaceAt(s string, i int) (bool, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return c == ' ' || '\t' <= c && c <= '\r', 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r), n
}

// recordMain is record.html's "main".
func (w *fastWriter) recordMain() {
	w.s("\n")
	rv := w.p.Record
	if rv == nil {
		w.s("\n")
		return
	}
	w.s("\n<main id=\"main\" class=\"content record\">\n<article>\n<header class=\"record-header\">\n<p class=\"kicker\">")
	w.symbol(*rv.Layer)
	w.s("<span>")
	w.h(rv.Layer.Name)
	w.s("</span>")
	if a := rv.AttributionLabel; a != "" {
		w.s(` <span class="sep" aria-hidden="true">·</span> <span>`)
		w.h(a)
		w.s("</span>")
	}
	w.s("</p>\n<h1>")
	w.h(rv.Title)
	w.s("</h1>\n<p class=\"dateline\"><time datetime=\"")
	w.iso(rv.Date.Start)
	w.s("\">")
	date := rv.dateText()
	w.h(date)
	w.s(`</time> <span class="sep" aria-hidden="true">·</span> `)
	w.placeOrCountry(rv)
	w.s("</p>\n</header>\n<div class=\"record-body\">\n<div class=\"record-main\">\n<div class=\"summary\">")
	w.paragraphs(rv.Summary)
	w.s("</div>\n")
	if rv.Note != "" {
		w.s(`<aside class="note" aria-labelledby="note-title"><h2 id="note-title">Note on the figures</h2>`)
		w.paragraphs(rv.Note)
		w.s("</aside>")
	}
	w.s("\n<h2>Sources</h2>\n<ol class=\"sources\">")
	for _, src := range rv.Sources {
		w.s(`<li><a href="`)
		w.keep(appendURL(w.b, src.URL))
		w.s(`" rel="noopener noreferrer">`)
		w.h(src.Title)
		w.s("</a></li>")
	}
	w.s("</ol>\n")
	if len(rv.RelatedRecords) > 0 {
		w.s("<h2>Related records</h2>\n<ul class=\"related\">")
		for _, o := range rv.RelatedRecords {
			w.s("<li>")
			w.symbol(*o.Layer)
			w.s(`<a href="../../`)
			w.keep(appendURLRest(w.b, o.URL))
			w.s(`">`)
			w.h(o.Title)
			w.s(`</a> <span class="muted">`)
			w.h(o.dateText())
			w.s("</span></li>")
		}
		w.s("</ul>")
	}
	w.s("\n</div>\n<aside class=\"record-side\" aria-label=\"Facts and location\">\n<figure class=\"locator\">\n<div class=\"locator-map\">")
	w.keep(w.p.appendRecordLocator(w.b, rv)) // SVG: written as it is
	w.s("</div>\n<figcaption>")
	w.keep(strconv.AppendFloat(w.b, rv.Location.Lat, 'f', 4, 64))
	w.s(", ")
	w.keep(strconv.AppendFloat(w.b, rv.Location.Lon, 'f', 4, 64))
	w.s(" <span class=\"muted\">(latitude, longitude) · map data: Natural Earth, GeoNames</span></figcaption>\n</figure>\n<p class=\"on-map\"><a class=\"button\" href=\"../../#id=")
	w.keep(appendURLPart(w.b, rv.ID))
	w.s("\">Show on the map</a></p>\n<dl class=\"facts\">\n<dt>Date</dt><dd><time datetime=\"")
	w.iso(rv.Date.Start)
	w.s("\">")
	w.h(date)
	w.s("</time>")
	if prec := rv.Date.Precision.String(); prec != "day" {
		w.s(`<br><span class="muted">only the `)
		w.h(prec)
		w.s(" is known</span>")
	}
	w.s("</dd>\n<dt>Place</dt><dd>")
	w.placeOrCountry(rv)
	if m := rv.Location.Matched; m != "" && m != rv.Place {
		w.s(`<br><span class="muted">located as `)
		w.h(m)
		w.s("</span>")
	}
	w.s(`<br><span class="muted">`)
	w.h(rv.PrecisionNote())
	w.s("</span></dd>\n<dt>Country</dt><dd>")
	w.h(rv.CountryName)
	w.s("</dd>\n")
	for _, c := range rv.CountList() {
		w.s("<dt>")
		w.h(strings.ToUpper(c.Name[:1]) + c.Name[1:])
		w.s("</dt><dd>")
		w.h(c.Text)
		w.s("</dd>")
	}
	w.s("\n")
	if v := rv.Perpetrator; v != "" {
		w.s("<dt>Perpetrator</dt><dd>")
		w.h(v)
		w.s("</dd>")
	}
	w.s("\n")
	if v := rv.AttributionLabel; v != "" {
		w.s("<dt>Attribution</dt><dd>")
		w.h(v)
		w.s("</dd>")
	}
	w.s("\n")
	if len(rv.Tags) > 0 {
		w.s(`<dt>Tags</dt><dd><ul class="tags">`)
		for _, t := range rv.Tags {
			w.s("<li>")
			w.h(t)
			w.s("</li>")
		}
		w.s("</ul></dd>")
	}
	w.s("\n<dt>Record</dt><dd><code>")
	w.h(rv.ID)
	w.s("</code></dd>\n</dl>\n</aside>\n</div>\n</article>\n<nav class=\"prevnext\" aria-label=\"Records in time\">\n")
	if o := rv.Prev; o != nil {
		w.s(`<a rel="prev" class="prev" href="../../`)
		w.keep(appendURLRest(w.b, o.URL))
		w.s(`"><span class="dir">← Earlier</span> <span class="t">`)
		w.h(o.Title)
		w.s(`</span> <span class="muted">`)
		w.h(o.dateText())
		w.s("</span></a>")
	} else {
		w.s("<span></span>")
	}
	w.s("\n")
	if o := rv.Next; o != nil {
		w.s(`<a rel="next" class="next" href="../../`)
		w.keep(appendURLRest(w.b, o.URL))
		w.s(`"><span class="dir">Later →</span> <span class="t">`)
		w.h(o.Title)
		w.s(`</span> <span class="muted">`)
		w.h(o.dateText())
		w.s("</span></a>")
	}
	w.s("\n</nav>\n</main>\n\n")
}

// placeOrCountry appends a record's place as written, or its country when
// it has none.
func (w *fastWriter) placeOrCountry(rv *recordView) {
	if rv.Place != "" {
		w.h(rv.Place)
	} else {
		w.h(rv.CountryName)
	}
}

// tableMain is table.html's "main".
func (w *fastWriter) tableMain() {
	w.s("\n<main id=\"main\" class=\"content wide\">\n<h1>All records</h1>\n<p class=\"lead\">")
	w.number(len(w.p.Records))
	w.s(` records, oldest first. Each links to its own page with its sources. Download the data as <a href="../incidents.csv">CSV</a> or <a href="../layers/all.geojson">GeoJSON</a>, or see them on the <a href="../">map</a>.</p>
<div class="table-tools" id="table-tools" hidden>
<label for="table-filter">Filter</label> <input type="search" id="table-filter" placeholder="Title, place, country, tag" autocomplete="off">
<span id="table-count" class="muted" aria-live="polite"></span>
</div>
<div class="table-wrap" tabindex="0" role="region" aria-labelledby="table-caption">
<table class="records" id="records">
<caption id="table-caption" class="visually-hidden">Every record, oldest first</caption>
<thead><tr>
<th scope="col" data-sort="date">Date</th>
<th scope="col" data-sort="text">Record</th>
<th scope="col" data-sort="text">Layer</th>
<th scope="col" data-sort="text">Country</th>
<th scope="col" data-sort="text">Place</th>
<th scope="col" data-sort="number" class="num">Killed</th>
<th scope="col" data-sort="number" class="num">Injured</th>
</tr></thead>
<tbody>
`)
	seg := func(b []byte, rv *recordView) []byte {
		row := fastWriter{b: b, p: w.p}
		row.tableRow(rv)
		return row.b
	}
	switch {
	case w.add == nil:
		w.b = lastTableRows.make(w.b, w.p.model, tableRowsContext(w.p.model), seg)
	case tableRowIndex.forIndex():
		// Made, or taken from the output the build replaces, as
		// lastTableRows.make does for the index.
		w.flush(false)
		if w.err == nil {
			w.err = tableRowIndex.encodeEach(w.p.model, tableRowsContext(w.p.model), seg, func(r []byte) error { return w.add(r, true) })
		}
	default:
		w.flush(false)
		for _, rv := range w.p.Records {
			w.b = seg(w.b, rv)
			if len(w.b) >= 64<<10 {
				w.flush(false)
			}
		}
	}
	w.s("\n</tbody>\n</table>\n</div>\n</main>\n")
}

// encodeEach is encode for the table page of a build, which hands its
// rows to the sink as they are made (see renderFastPieces): it calls use
// with the encoding of each record in turn (taken from the output the
// build replaces, or made by encode, a batch at a time on every core, into
// buffers used again), and keeps for the index only their keys, not the
// rows (about 100 MB at 100,000 records, until the index was written).
// extra is the label of every record (see featureKey); the cache keeps no
// encodings of its own (see tableRowIndex).
func (c *featureCache) encodeEach(m *model, extra string, encode func([]byte, *recordView) []byte, use func([]byte) error) error {
	c.mu.Lock()
	prior, keep := c.prior, c.keep
	c.prior, c.keep = nil, false
	c.mu.Unlock()
	digests := recordDigests(m)
	keys := make([]featureKey, len(m.Records))
	bufs := make([][]byte, min(encodeBatch, len(m.Records)))
	out := make([][]byte, len(bufs))
	for lo := 0; lo < len(m.Records); lo += encodeBatch {
		n := min(encodeBatch, len(m.Records)-lo)
		parallel(n, func(j int) error {
			i := lo + j
			keys[i] = featureKey{digests[i], extra}
			if b, ok := prior.get(i, keys[i]); ok {
				out[j] = b
			} else {
				bufs[j] = encode(bufs[j][:0], m.Records[i])
				out[j] = bufs[j]
				c.fresh.Add(1)
			}
			return nil
		})
		for _, b := range out[:n] {
			if err := use(b); err != nil {
				return err
			}
		}
	}
	if keep {
		c.mu.Lock()
		c.made = &encoded{keys: keys}
		c.mu.Unlock()
	}
	return nil
}

// encodeBatch is how many rows encodeEach makes at a time.
const encodeBatch = 1024

// tableRow is the row of rv in table.html's "main". Its bytes depend on
// the record and the site's layers only (see lastTableRows).
func (w *fastWriter) tableRow(rv *recordView) {
	w.s("\n<tr data-search=\"")
	w.h(rv.Title)
	w.s(" ")
	w.h(rv.Place)
	w.s(" ")
	w.h(rv.CountryName)
	w.s(" ")
	w.h(rv.Layer.Name)
	w.s(" ")
	for _, t := range rv.Tags {
		w.h(t)
		w.s(" ")
	}
	w.s("\">\n<td data-value=\"")
	w.iso(rv.Date.Start)
	w.s("\"><time datetime=\"")
	w.iso(rv.Date.Start)
	w.s("\">")
	w.h(rv.dateText())
	w.s("</time></td>\n<td><a href=\"../")
	w.keep(appendURLRest(w.b, rv.URL))
	w.s("\">")
	w.h(rv.Title)
	w.s("</a></td>\n<td data-value=\"")
	w.h(rv.Layer.Name)
	w.s("\" class=\"layer-cell\">")
	w.symbol(*rv.Layer)
	w.h(rv.Layer.Name)
	w.s("</td>\n<td>")
	w.h(rv.CountryName)
	w.s("</td>\n<td>")
	w.h(rv.Place)
	w.s("</td>\n<td class=\"num\" data-value=\"")
	if c := rv.Counts.Killed; c.IsSet() {
		w.int(int(c.N))
		w.s("\">")
		w.h(c.String())
	} else {
		w.s("\">")
	}
	w.s("</td>\n<td class=\"num\" data-value=\"")
	if c := rv.Counts.Injured; c.IsSet() {
		w.int(int(c.N))
		w.s("\">")
		w.h(c.String())
	} else {
		w.s("\">")
	}
	w.s("</td>\n</tr>\n")
}

// aboutMain is about.html's "main".
func (w *fastWriter) aboutMain() {
	c := w.p.Config
	w.s("\n<main id=\"main\" class=\"content\">\n<h1>About</h1>\n")
	if c.Description != "" {
		w.s(`<p class="lead">`)
		w.h(c.Description)
		w.s("</p>")
	}
	w.s("\n")
	if c.About.Methodology != "" {
		w.s(`<h2 id="method">Method</h2>`)
		w.paragraphs(c.About.Methodology)
	}
	w.s("\n<h2 id=\"layers\">Layers</h2>\n<ul class=\"layer-list\">\n")
	for _, l := range w.p.Layers {
		w.s("<li>")
		w.symbol(l.Layer)
		w.s("<strong>")
		w.h(l.Name)
		w.s("</strong> (")
		w.number(l.Count)
		w.s(")")
		if l.Description != "" {
			w.s(": ")
			w.h(l.Description)
		}
		w.s("</li>")
	}
	w.s("\n</ul>\n")
	if len(c.Attributions) > 0 {
		w.s("<h2 id=\"attribution\">Attribution</h2>\n<dl class=\"vocab\">")
		for _, a := range c.Attributions {
			w.s("<dt>")
			w.h(a.Label)
			w.s("</dt><dd>")
			w.h(a.Description)
			w.s("</dd>")
		}
		w.s("</dl>")
	}
	w.s(`
<h2 id="downloads">Downloads</h2>
<ul class="downloads">
<li><a href="../incidents.csv" download>incidents.csv</a>: every record, one row each (UTF-8, RFC 4180)</li>
<li><a href="../layers/all.geojson" download>all.geojson</a>: every record as a GeoJSON FeatureCollection</li>
`)
	for _, l := range w.p.Layers {
		w.s(`<li><a href="../layers/`)
		w.keep(appendURLRest(w.b, l.Key))
		w.s(`.geojson" download>`)
		w.h(l.Key)
		w.s(".geojson</a>: ")
		w.h(l.Name)
		w.s(" (")
		w.number(l.Count)
		w.s(")</li>")
	}
	w.s(`
<li><a href="../layers/links.geojson" download>links.geojson</a>: lines between related records</li>
<li><a href="../feed.xml">feed.xml</a>: Atom feed of the newest records</li>
</ul>
<h2 id="credits">Licence and credits</h2>
`)
	if c.About.License != "" {
		w.s("<p>")
		w.h(c.About.License)
		w.s("</p>")
	}
	w.s("\n")
	if c.About.Credits != "" {
		w.paragraphs(c.About.Credits)
	}
	w.s(`
<ul class="credits">
<li>Sources: each record cites its own, with links, on its page.</li>
<li>Places: cities from <a href="https://www.geonames.org/" rel="noopener noreferrer">GeoNames</a>, licensed under <a href="https://creativecommons.org/licenses/by/4.0/" rel="noopener noreferrer">CC BY 4.0</a>; venues and districts curated, with a cited source for each coordinate.</li>
<li>Base map: country outlines from <a href="https://www.naturalearthdata.com/" rel="noopener noreferrer">Natural Earth</a> (public domain) via world-atlas, drawn with <a href="https://leafletjs.com/" rel="noopener noreferrer">Leaflet</a>; clustering by supercluster. The map works offline and asks no third party for anything`)
	if len(c.Map.Tiles) > 0 {
		w.s(" unless you switch to the tile layer")
	}
	w.s(".</li>\n")
	for _, t := range c.Map.Tiles {
		w.s("<li>Tiles (")
		w.h(t.Name)
		w.s("): ")
		w.h(t.Attribution)
		w.s("</li>")
	}
	w.s("\n</ul>\n<p class=\"muted\">Made with mapsite.</p>\n</main>\n")
}

// notFoundMain is 404.html's "main".
func (w *fastWriter) notFoundMain() {
	w.s("\n<main id=\"main\" class=\"content\">\n<h1>Page not found</h1>\n<p>There is no page at this address. It may have been a record that was removed or renamed.</p>\n<p>")
	w.rootLink("./\">Go to the map</a> or ")
	w.rootLink("incidents/\">browse all records</a>.</p>\n</main>\n")
}

// mapMain is map.html's "main".
func (w *fastWriter) mapMain() {
	w.s("\n<main id=\"main\" class=\"map-layout\">\n<h1 class=\"visually-hidden\">")
	w.h(w.p.Config.Title)
	w.s(`: map</h1>
<section class="panel" id="panel" aria-label="Legend, filters and records">
<button type="button" class="panel-toggle" id="panel-toggle" aria-expanded="true" aria-controls="panel-body" hidden>
<span class="panel-toggle-label">Filters and list</span> <span class="panel-toggle-count" id="panel-toggle-count"></span>
</button>
<div class="panel-body" id="panel-body">
<details class="filter-box" id="filter-box" open>
<summary>Layers and filters</summary>
<form id="filters" class="filters" role="search" aria-label="Filter records">
<fieldset class="legend">
<legend>Layers</legend>
`)
	for _, l := range w.p.Layers {
		w.s("\n<label class=\"layer\" title=\"")
		w.h(l.Description)
		w.s("\"><input type=\"checkbox\" name=\"layer\" value=\"")
		w.h(l.Key)
		w.s("\" checked>\n")
		w.symbol(l.Layer)
		w.s(`<span class="layer-name">`)
		w.h(l.Name)
		w.s(`</span> <span class="count" data-layer-count="`)
		w.h(l.Key)
		w.s(`">`)
		w.number(l.Count)
		w.s("</span></label>\n")
	}
	w.s(`
<label class="layer"><input type="checkbox" name="links" id="links" checked> <span class="links-symbol" aria-hidden="true"></span><span class="layer-name">Links between related records</span></label>
</fieldset>
<fieldset class="dates">
<legend>Dates</legend>
<label for="from">From</label> <input type="date" name="from" id="from">
<label for="to">to</label> <input type="date" name="to" id="to">
</fieldset>
<div class="field"><label for="country">Country</label> <select name="country" id="country"><option value="">All countries</option></select></div>
<div class="field"><label for="attribution">Attribution</label> <select name="attribution" id="attribution"><option value="">Any attribution</option></select></div>
<div class="field"><label for="perpetrator">Perpetrator</label> <select name="perpetrator" id="perpetrator"><option value="">Any perpetrator</option></select></div>
<div class="field"><label for="tag">Tag</label> <select name="tag" id="tag"><option value="">Any tag</option></select></div>
<div class="field"><label for="q">Search</label> <input type="search" name="q" id="q" placeholder="Title, place, tag, summary" autocomplete="off"></div>
<div class="filter-actions"><button type="reset" id="reset" class="link-button">Clear filters</button></div>
<details class="precision-key">
<summary>How precisely markers are placed</summary>
<ul>
<li><svg viewBox="-10 -10 20 20" width="20" height="20" aria-hidden="true"><circle r="6" fill="#555" stroke="#fff" stroke-width="1.5"/></svg> Solid: a venue or neighbourhood</li>
<li><svg viewBox="-10 -10 20 20" width="20" height="20" aria-hidden="true"><circle r="6" fill="#fff" stroke="#555" stroke-width="2.5"/></svg> Hollow: approximate, a district or city</li>
<li><svg viewBox="-10 -10 20 20" width="20" height="20" aria-hidden="true"><rect x="-9" y="-7" width="18" height="14" rx="7" fill="#fff" stroke="#3b3b3b" stroke-width="1.6" stroke-dasharray="3 2"/><circle r="4.2" fill="#3b3b3b"/></svg> Dashed outline and a count: records across a whole country or region, not at a place in it</li>
</ul>
</details>
</form>
</details>
<p class="panel-status" id="panel-status" aria-live="polite">`)
	w.number(len(w.p.Records))
	w.s(` records</p>
<div class="view-tools">
<button type="button" class="tool-button" id="copy-link">Copy link to this view</button>
<span class="download-label" id="download-label">Download the records shown:</span>
<a class="tool-button" id="download-csv" href="incidents.csv" download aria-describedby="download-label">CSV</a>
<a class="tool-button" id="download-geojson" href="layers/all.geojson" download aria-describedby="download-label">GeoJSON</a>
<span class="copy-status" id="copy-status" role="status"></span>
</div>
<h2 class="list-title" id="list-title"><span id="visible-count">`)
	w.number(len(w.p.Records))
	w.s(`</span> <span id="visible-word">records</span></h2>
<p class="list-note" id="list-note" hidden></p>
<ol class="record-list" id="record-list" aria-labelledby="list-title"></ol>
<noscript><p class="noscript">The interactive map needs JavaScript. Every record is listed, with links to its page, in the <a href="incidents/">table</a>.</p></noscript>
</div>
</section>
<div class="map-column">
<div id="map" class="map" role="region" aria-label="Map of the records. The list beside it and the table hold the same records as text."></div>
<section class="timeline" id="timeline" aria-labelledby="timeline-title">
<div class="timeline-head">
<h2 class="timeline-title" id="timeline-title">Timeline</h2>
<p class="timeline-window-text" id="timeline-window"></p>
<div class="timeline-controls">
<button type="button" class="tool-button" id="timeline-back" aria-label="Step back one period">◀</button>
<button type="button" class="tool-button" id="timeline-play" aria-pressed="false">Play</button>
<button type="button" class="tool-button" id="timeline-step" aria-label="Step forward one period">▶</button>
<button type="button" class="tool-button" id="timeline-all">All dates</button>
</div>
</div>
<div class="timeline-chart" id="timeline-chart"></div>
<div class="timeline-ticks" aria-hidden="true"></div>
</section>
</div>
</main>
`)
}
