// Package assetmin minifies the files of a site by their extension. The
// build and the generator of the pre-minified assets (scripts/minify)
// share it, so that both give the same bytes.
package assetmin

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"path"
	"regexp"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"
)

// Minifier minifies files by their extension.
type Minifier struct {
	m *minify.M
}

// New returns a Minifier.
func New() *Minifier {
	m := minify.New()
	m.AddFunc("text/css", css.Minify)
	m.Add("text/html", &html.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true, KeepDefaultAttrVals: true})
	m.AddFunc("image/svg+xml", svg.Minify)
	m.AddFuncRegexp(regexp.MustCompile("^(application|text)/(x-)?(java|ecma)script$"), js.Minify)
	m.AddFuncRegexp(regexp.MustCompile(`[/+]json$`), json.Minify)
	m.AddFuncRegexp(regexp.MustCompile(`[/+]xml$`), xml.Minify)
	return &Minifier{m: m}
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

// File minifies b by the extension of name; other files pass unchanged.
// The minifier may change b, so b must be the caller's own copy.
func (m *Minifier) File(name string, b []byte) ([]byte, error) {
	mt, ok := mediaTypes[path.Ext(name)]
	if !ok {
		return b, nil
	}
	return m.m.Bytes(mt, b)
}

// Key identifies the file name with content b, as a minified copy of it
// is stored under (see build/minified/SUMS).
func Key(name string, b []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write(b)
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

// A folder of minified copies (build/minified) lists them in a file
// SUMS, a line each: the hex Key of the source, a space, the copy's path
// in the folder (the source's name under assets/).

// Sums is the name of that list.
const Sums = "SUMS"

// AppendSum adds the line of a copy of name, whose source had key, to a
// list.
func AppendSum(list []byte, key [sha256.Size]byte, name string) []byte {
	list = hex.AppendEncode(list, key[:])
	return append(append(append(list, ' '), name...), '\n')
}

// ParseSums reads a list: the copies' names by their sources' keys.
// Lines it cannot read are skipped (their sources are minified again).
func ParseSums(list []byte, into map[[sha256.Size]byte]string) {
	for line := range bytes.Lines(list) {
		sum, name, ok := bytes.Cut(bytes.TrimSuffix(line, []byte("\n")), []byte(" "))
		var key [sha256.Size]byte
		if !ok || len(name) == 0 || hex.DecodedLen(len(sum)) != len(key) {
			continue
		}
		if _, err := hex.Decode(key[:], sum); err == nil {
			into[key] = string(name)
		}
	}
}

// Minifies reports whether File changes files named name (by their
// extension).
func Minifies(name string) bool {
	_, ok := mediaTypes[path.Ext(name)]
	return ok
}
