package build

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/internal/assetmin"
	"github.com/mapsite/mapsite/internal/cachefile"
	"github.com/mapsite/mapsite/internal/crc"
	"github.com/mapsite/mapsite/internal/program"
)

// minifier minifies output files by their extension.
type minifier struct {
	m    *assetmin.Minifier
	seen func(name string) // when not nil, told of each file cached minifies itself (for tests)
}

// minified remembers, for the life of the process, what large files that
// rarely change (the vendored libraries and outlines) minify to, so that
// mapsite serve's rebuilds skip that work. Keys are content hashes.
var minified sync.Map // [sha256.Size]byte -> []byte

// cached is file for inputs worth remembering: the assets. It takes the
// copy minified when mapsite was built (see preminified) when there is
// one for these bytes; else it remembers them for the process and, with
// the caches on, in the user's cache folder (minified/), so that a new
// process minifies them only once per version of mapsite.
func (m *minifier) cached(name string, b []byte) ([]byte, error) {
	key := assetmin.Key(name, b)
	if out, ok := minified.Load(key); ok {
		return out.([]byte), nil
	}
	if out, ok := preminified(key); ok {
		minified.Store(key, out)
		return out, nil
	}
	path := minifiedPath(key)
	if out, ok := readMinified(path); ok {
		minified.Store(key, out)
		return out, nil
	}
	out, err := m.file(name, b)
	if m.seen != nil {
		m.seen(name)
	}
	if err == nil {
		minified.Store(key, out)
		writeMinified(path, out)
	}
	return out, err
}

// minifiedPath returns the file in the cache folder for the minified
// input of key, named for the key and this binary (whose minifier made
// it); "" when the caches on disk are off.
func minifiedPath(key [sha256.Size]byte) string {
	dir := geo.CacheDir()
	if dir == "" {
		return ""
	}
	id := sha256.Sum256(append(key[:], program.ID()...))
	return filepath.Join(dir, "minified", hex.EncodeToString(id[:16])+".min")
}

// readMinified returns the minified bytes stored at path, when whole.
func readMinified(path string) ([]byte, bool) {
	if path == "" {
		return nil, false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	return crc.Trim(b)
}

// writeMinified stores out at path, through a temporary file renamed
// into place, and removes what no build has written for a month (the
// files of older versions of mapsite). Failures only lose the cache.
func writeMinified(path string, out []byte) {
	if path == "" {
		return
	}
	if cachefile.Write(path, ".minified-*.tmp", crc.Append(slices.Clip(out))) != nil {
		return
	}
	dir := filepath.Dir(path)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > 30*24*time.Hour {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

func newMinifier() *minifier {
	return &minifier{m: assetmin.New()}
}

// file minifies b by the extension of name; other files pass unchanged.
func (m *minifier) file(name string, b []byte) ([]byte, error) {
	return m.m.File(name, b)
}
