// Command minify writes the minified copies of the assets that a build
// takes instead of minifying them itself (see build/preminified.go): those
// of the site's own assets into the folder -o, which is committed, and,
// when the binary's assets include the front-end libraries, theirs into
// its vendor/ folder, which is not. Files the libraries ship minified
// (*.min.*) are left out, as the build leaves them.
//
//	go run ./scripts/minify -o build/minified
//
// `go generate ./build` and `make vendor` run it.
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/mapsite/mapsite/assets"
	"github.com/mapsite/mapsite/internal/assetmin"
)

func main() {
	out := flag.String("o", "build/minified", "the folder of the copies")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "minify:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	var own, vendor []string
	err := fs.WalkDir(assets.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !assetmin.Minifies(name) || strings.Contains(path.Base(name), ".min.") {
			return err
		}
		switch dir := path.Dir(name); dir {
		case ".":
			own = append(own, name)
		case "vendor":
			vendor = append(vendor, name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := write(out, own); err != nil {
		return err
	}
	if len(vendor) == 0 {
		return os.RemoveAll(filepath.Join(out, "vendor"))
	}
	return write(out, vendor)
}

// write replaces the copies in the folder of names (out, or its vendor/)
// with those of names, and their list.
func write(out string, names []string) error {
	dir := filepath.Join(out, filepath.FromSlash(path.Dir(names[0])))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range old {
		if e.Type().IsRegular() {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	m := assetmin.New()
	var sums []byte
	for _, name := range names { // sorted, as fs.WalkDir gives them
		src, err := fs.ReadFile(assets.FS, name)
		if err != nil {
			return err
		}
		key := assetmin.Key(name, src)
		min, err := m.File(name, src)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if err := os.WriteFile(filepath.Join(out, filepath.FromSlash(name)), min, 0o644); err != nil {
			return err
		}
		sums = assetmin.AppendSum(sums, key, name)
	}
	return os.WriteFile(filepath.Join(dir, assetmin.Sums), sums, 0o644)
}
