package build

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/mapsite/mapsite/assets"
	"github.com/mapsite/mapsite/site"
)

// asset is a file under assets/ in the output, by fingerprinted name. The
// content hash in the name lets browsers cache it for ever. (Subresource
// Integrity attributes are not used: Chromium refuses every script that has
// one when the site is opened from file://, where CORS cannot apply.)
type asset struct {
	Path string // relative to the site root, e.g. "assets/map.1a2b3c4d.js"

	// Inline assets are written into the page: the favicon as a data URI
	// (so that no page asks the host root for /favicon.ico) and the 404
	// page's CSS, with its hash for the Content Security Policy.
	DataURI template.URL
	CSS     template.CSS
	Hash    string // "'sha256-…'", for style-src
}

// assetSet is the output's assets and the names pages refer to them by.
type assetSet struct {
	files  Files
	byName map[string]asset
}

// Get returns the asset a page names, e.g. "map.js".
func (a *assetSet) Get(name string) (asset, error) {
	if x, ok := a.byName[name]; ok {
		return x, nil
	}
	return asset{}, fmt.Errorf("no asset %q", name)
}

// readAsset returns an asset file: the site's own assets/<name> when it
// has one, else the embedded one.
func readAsset(siteDir, name string) ([]byte, error) {
	if b, err := site.ReadFile(siteDir, "assets/"+name); err == nil {
		return b, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("assets/%s: %w", name, err)
	}
	b, err := fs.ReadFile(assets.FS, name)
	if errors.Is(err, fs.ErrNotExist) && strings.HasPrefix(name, "vendor/") {
		return nil, fmt.Errorf("%s is missing from this binary: build mapsite with `make`, which copies the front-end libraries from node_modules", name)
	}
	return b, err
}

// addFingerprinted adds a CSS or JS file under a name that carries its
// content hash, so that browsers may cache it for ever.
func (a *assetSet) addFingerprinted(name string, content []byte) {
	sum := sha256.Sum256(content)
	ext := path.Ext(name)
	base := strings.TrimSuffix(path.Base(name), ext)
	p := "assets/" + base + "." + hex.EncodeToString(sum[:])[:10] + ext
	a.files[p] = content
	a.byName[path.Base(name)] = asset{Path: p}
}

// vendorImages are Leaflet's images, which leaflet.css refers to as
// images/<name> relative to itself.
var vendorImages = []string{"layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"}

// addInline adds the assets pages carry inline: favicon.svg as a data URI
// and 404.css as CSS with its hash.
func (a *assetSet) addInline(siteDir string, min *minifier) error {
	icon, err := readAsset(siteDir, "favicon.svg")
	if err != nil {
		return err
	}
	if icon, err = min.cached("favicon.svg", icon); err != nil {
		return fmt.Errorf("minify favicon.svg: %w", err)
	}
	a.byName["favicon.svg"] = asset{DataURI: template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString(icon))}
	css, err := readAsset(siteDir, "404.css")
	if err != nil {
		return err
	}
	if css, err = min.cached("404.css", css); err != nil {
		return fmt.Errorf("minify 404.css: %w", err)
	}
	sum := sha256.Sum256(css)
	a.byName["404.css"] = asset{CSS: template.CSS(css), Hash: "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"}
	return nil
}

// ownAssets lists the site's own CSS and JavaScript files (assets/*.css
// and assets/*.js in the binary), sorted: the map scripts are split by
// concern into several files, and each new one is published without
// being listed here. A site may override any of them by name.
func ownAssets() ([]string, error) {
	var names []string
	for _, pattern := range []string{"*.css", "*.js"} {
		m, err := fs.Glob(assets.FS, pattern)
		if err != nil {
			return nil, err
		}
		for _, name := range m {
			if name != "404.css" { // inline only
				names = append(names, name)
			}
		}
	}
	sort.Strings(names)
	return names, nil
}

// collectAssets gathers, minifies and fingerprints every asset but the
// map's data script, which is made beside it (see aggregates).
func collectAssets(siteDir string, min *minifier) (*assetSet, error) {
	a := &assetSet{files: Files{}, byName: map[string]asset{}}
	own, err := ownAssets()
	if err != nil {
		return nil, err
	}
	vendor := []string{"vendor/leaflet.css", "vendor/leaflet.js", "vendor/supercluster.min.js", "vendor/protomaps-leaflet.min.js"}
	for _, name := range append(own, vendor...) {
		b, err := readAsset(siteDir, name)
		if err != nil {
			return nil, err
		}
		if !strings.Contains(name, ".min.") {
			if b, err = min.cached(name, b); err != nil {
				return nil, fmt.Errorf("minify %s: %w", name, err)
			}
		}
		a.addFingerprinted(name, b)
	}
	for _, img := range vendorImages {
		b, err := readAsset(siteDir, "vendor/images/"+img)
		if err != nil {
			return nil, err
		}
		a.files["assets/images/"+img] = b
	}
	if err := a.addInline(siteDir, min); err != nil {
		return nil, err
	}
	return a, nil
}
