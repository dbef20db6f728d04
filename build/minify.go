package build

import (
	"crypto/sha256"
	"path"
	"regexp"
	"sync"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"
)

// minifier minifies output files by their extension.
type minifier struct {
	m *minify.M
}

// minified remembers, for the life of the process, what large files that
// rarely change (the vendored libraries and outlines) minify to, so that
// mapsite serve's rebuilds skip that work. Keys are content hashes.
var minified sync.Map // [sha256.Size]byte -> []byte

// cached is file for inputs worth remembering.
func (m *minifier) cached(name string, b []byte) ([]byte, error) {
	key := sha256.Sum256(append([]byte(name+"\x00"), b...))
	if out, ok := minified.Load(key); ok {
		return out.([]byte), nil
	}
	out, err := m.file(name, b)
	if err == nil {
		minified.Store(key, out)
	}
	return out, err
}

func newMinifier() *minifier {
	m := minify.New()
	m.AddFunc("text/css", css.Minify)
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true, KeepDefaultAttrVals: true})
	m.AddFunc("image/svg+xml", svg.Minify)
	m.AddFuncRegexp(regexp.MustCompile("^(application|text)/(x-)?(java|ecma)script$"), js.Minify)
	m.AddFuncRegexp(regexp.MustCompile(`[/+]json$`), json.Minify)
	m.AddFuncRegexp(regexp.MustCompile(`[/+]xml$`), xml.Minify)
	return &minifier{m: m}
}

var mediaTypes = map[string]string{
	".html":    "text/html",
	".css":     "text/css",
	".js":      "application/javascript",
	".json":    "application/json",
	".geojson": "application/geo+json",
	".svg":     "image/svg+xml",
	".xml":     "application/xml",
}

// file minifies b by the extension of name; other files pass unchanged.
func (m *minifier) file(name string, b []byte) ([]byte, error) {
	mt, ok := mediaTypes[path.Ext(name)]
	if !ok {
		return b, nil
	}
	return m.m.Bytes(mt, b)
}
