package build

import (
	"bytes"
	"encoding/xml"
	"html"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tdewolff/parse/v2"
	htmllex "github.com/tdewolff/parse/v2/html"
)

// pageTags are the elements the page templates make, inline SVG included.
// The map's scripts and Leaflet add more in the browser, where
// tests/hostile.test.mjs looks.
var pageTags = map[string]bool{}

func init() {
	for _, t := range strings.Fields(`html head meta title link style body script noscript a header div p nav main
		h1 h2 h3 section button span details summary form fieldset legend label input select option ol ul li
		figure figcaption dl dt dd code aside article time table caption thead tbody tr th td footer strong br
		svg g rect path circle line polyline polygon text tspan desc`) {
		pageTags[t] = true
	}
}

// TestHostilePages builds testdata/hostile, whose every text field holds a
// payload, and reads every page as a browser's tokenizer would: every
// element must be one the templates make, with no event-handler attribute,
// no javascript: URL and no comment; feed.xml and sitemap.xml hold nothing
// but their own elements. The browser test does the rest.
func TestHostilePages(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	buildTo(t, "../testdata/hostile", out)
	pages := 0
	for p, b := range readTree(t, out) {
		switch {
		case strings.HasSuffix(p, ".html"):
			pages++
			for _, bad := range foreignMarkup(b) {
				t.Errorf("%s: %s", p, bad)
			}
		case p == "feed.xml" || p == "sitemap.xml":
			for _, bad := range foreignXML(b) {
				t.Errorf("%s: %s", p, bad)
			}
		}
	}
	if pages < 30 {
		t.Errorf("only %d pages", pages)
	}
}

// foreignMarkup lists what in an HTML page the templates did not make.
func foreignMarkup(page []byte) []string {
	var bad []string
	l := htmllex.NewLexer(parse.NewInputBytes(page))
	tag := ""
	for {
		tt, data := l.Next()
		switch tt {
		case htmllex.ErrorToken:
			if l.Err() != io.EOF {
				bad = append(bad, "unreadable: "+l.Err().Error())
			}
			return bad
		case htmllex.CommentToken:
			bad = append(bad, "a comment: "+clip(string(data)))
		case htmllex.MathToken:
			bad = append(bad, "a <math> element")
		case htmllex.StartTagToken:
			tag = strings.ToLower(string(l.Text()))
			if !pageTags[tag] {
				bad = append(bad, "a <"+tag+"> element")
			}
		case htmllex.AttributeToken:
			key := strings.ToLower(string(l.AttrKey()))
			val := strings.ToLower(html.UnescapeString(strings.Trim(string(l.AttrVal()), `"'`)))
			val = strings.Map(func(r rune) rune {
				if r <= ' ' || r == 0x7f {
					return -1
				}
				return r
			}, val)
			switch {
			case strings.HasPrefix(key, "on") || key == "data-pwn":
				bad = append(bad, "<"+tag+" "+key+">")
			case (key == "href" || key == "src" || key == "action" || key == "formaction") && (strings.HasPrefix(val, "javascript:") || strings.HasPrefix(val, "vbscript:")):
				bad = append(bad, "<"+tag+" "+key+"="+clip(val)+">")
			case tag == "meta" && key == "http-equiv" && val != "content-security-policy":
				bad = append(bad, "<meta http-equiv="+val+">")
			}
		case htmllex.SVGToken:
			// The lexer hands inline SVG over whole: read inside it as
			// the content of a <div>, which the lexer takes apart.
			if !bytes.HasPrefix(bytes.ToLower(data), []byte("<svg")) {
				bad = append(bad, "an svg token that is not <svg>: "+clip(string(data)))
				break
			}
			inner := bytes.TrimSuffix(data[len("<svg"):], []byte("</svg>"))
			bad = append(bad, foreignMarkup(append(append([]byte("<div"), inner...), "</div>"...))...)
		}
	}
}

// foreignXML lists the elements of an Atom feed or a sitemap outside their
// own namespace, and any processing instruction or directive after the
// header.
func foreignXML(b []byte) []string {
	var bad []string
	d := xml.NewDecoder(bytes.NewReader(b))
	ns := ""
	for i := 0; ; i++ {
		tok, err := d.Token()
		if err == io.EOF {
			return bad
		}
		if err != nil {
			return append(bad, "not well-formed: "+err.Error())
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if ns == "" {
				ns = tok.Name.Space
			}
			if tok.Name.Space != ns {
				bad = append(bad, "an element <"+tok.Name.Local+"> in "+tok.Name.Space)
			}
		case xml.ProcInst:
			if i > 0 {
				bad = append(bad, "a processing instruction "+tok.Target)
			}
		case xml.Directive, xml.Comment:
			bad = append(bad, "a directive or comment")
		}
	}
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// TestForeignMarkup checks the checker: it sees what a payload would make.
func TestForeignMarkup(t *testing.T) {
	tests := []struct {
		page string
		want int
	}{
		{`<!doctype html><html lang="en"><head><title>a &lt;script> b</title></head><body><p title="x &quot; onload=y">t</p></body></html>`, 0},
		{`<body><img src=x onerror=alert(1)></body>`, 2},
		{`<body><p data-pwn>x</p></body>`, 1},
		{`<body><a href=" JaVa&#x09;script:alert(1)">x</a></body>`, 1},
		{`<head><meta http-equiv="refresh" content="0;url=https://evil.example/"></head>`, 1},
		{`<body><!-- x --></body>`, 1},
		{`<body><svg viewBox="0 0 1 1"><circle r="1"/></svg></body>`, 0},
		{`<body><svg onload=alert(1)><circle r="1"/></svg></body>`, 1},
		{`<body><svg><foreignObject><iframe></iframe></foreignObject></svg></body>`, 2},
	}
	for _, tt := range tests {
		if got := foreignMarkup([]byte(tt.page)); len(got) != tt.want {
			t.Errorf("foreignMarkup(%q) = %q, want %d findings", tt.page, got, tt.want)
		}
	}
	if got := foreignXML([]byte(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>a &lt;b></title><x xmlns="http://www.w3.org/1999/xhtml"/></feed>`)); len(got) != 1 {
		t.Errorf("foreignXML found %q, want the xhtml element", got)
	}
}
