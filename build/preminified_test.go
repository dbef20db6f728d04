package build

import (
	"bytes"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mapsite/mapsite/assets"
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/internal/assetmin"
)

// minifiedAssets returns the names of the binary's assets that a build
// minifies: the site's own and the front-end libraries not shipped
// minified (those this binary has).
func minifiedAssets(t *testing.T) (own, vendor []string) {
	own, err := ownAssets()
	if err != nil {
		t.Fatal(err)
	}
	own = append(own, "404.css", "favicon.svg")
	for _, name := range []string{"vendor/leaflet.css", "vendor/leaflet.js"} {
		if _, err := fs.Stat(assets.FS, name); err == nil {
			vendor = append(vendor, name)
		}
	}
	return own, vendor
}

// TestPreminifiedUpToDate checks the copies minified when mapsite was
// built (minified/): each of the site's own assets has one, made from its
// source as it is now, and it is what the minifier makes of that source
// now; no copy is left of a source that changed. The libraries' copies,
// which `make vendor` writes, are checked when there are any.
func TestPreminifiedUpToDate(t *testing.T) {
	own, vendor := minifiedAssets(t)
	m := newMinifier()
	check := func(name string, required bool) {
		src, err := fs.ReadFile(assets.FS, name)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := preminified(assetmin.Key(name, src))
		if !ok {
			if required {
				t.Errorf("no minified copy of assets/%s as it is now: run go generate ./build", name)
			}
			return
		}
		want, err := m.file(name, bytes.Clone(src))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("the minified copy of assets/%s is not what the minifier makes of it: run go generate ./build", name)
		}
	}
	for _, name := range own {
		check(name, true)
	}
	for _, name := range vendor {
		check(name, false)
	}
	// Every copy listed is of a source as it is now.
	list, err := preminifiedFS.ReadFile(preminifiedDir + "/" + assetmin.Sums)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[[sha256.Size]byte]string{}
	assetmin.ParseSums(list, listed)
	if n := strings.Count(string(list), "\n"); len(listed) != n {
		t.Errorf("minified/SUMS has %d lines, of which %d can be read", n, len(listed))
	}
	for key, name := range listed {
		src, err := fs.ReadFile(assets.FS, name)
		if err != nil || assetmin.Key(name, src) != key {
			t.Errorf("minified/SUMS lists a copy of assets/%s as it no longer is: run go generate ./build", name)
		}
	}
}

// TestPreminifiedTaken checks that a build from nothing minifies none of
// the site's own assets itself, and that a site's own asset, which has no
// copy, is still minified.
func TestPreminifiedTaken(t *testing.T) {
	t.Setenv(geo.CacheEnv, "off")
	minified.Clear() // as a new process starts
	t.Cleanup(minified.Clear)
	var names []string
	m := newMinifier()
	m.seen = func(name string) { names = append(names, name) }
	if _, err := collectAssets(t.TempDir(), m); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if !strings.HasPrefix(name, "vendor/") {
			t.Errorf("a build minified assets/%s, which has a minified copy", name)
		}
	}

	site := t.TempDir()
	const src = "/* the site's own */\nbody { color : red ; }\n"
	os.MkdirAll(filepath.Join(site, "assets"), 0o755)
	if err := os.WriteFile(filepath.Join(site, "assets", "site.css"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	names = nil
	a, err := collectAssets(site, m)
	if err != nil {
		t.Fatal(err)
	}
	css, err := a.Get("site.css")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(a.files[css.Path]); got != "body{color:red}" {
		t.Errorf("the site's own site.css is published as %q, want it minified", got)
	}
	if !strings.Contains(strings.Join(names, " "), "site.css") {
		t.Errorf("the site's own site.css was not minified; minified: %q", names)
	}
}
