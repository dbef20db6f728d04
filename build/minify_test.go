package build

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"

	"github.com/mapsite/mapsite/geo"
)

// TestMinifiedOnDisk checks the assets' cache in the cache folder: a
// minified asset is stored there whole, a new process takes it from there
// instead of minifying again, a damaged entry is minified again and
// replaced, and with the caches off nothing is written.
func TestMinifiedOnDisk(t *testing.T) {
	const name, src = "x.js", "function f ( a ) { return a + 1 ; }\n"
	key := sha256.Sum256([]byte(name + "\x00" + src))
	forget := func() { minified.Delete(key) } // as a new process starts
	t.Cleanup(forget)
	m := newMinifier()

	dir := t.TempDir()
	t.Setenv(geo.CacheEnv, dir)
	forget()
	want, err := m.cached(name, []byte(src))
	if err != nil || len(want) == 0 || len(want) >= len(src) {
		t.Fatalf("minified %q, %v", want, err)
	}
	path := minifiedPath(key)
	if filepath.Dir(filepath.Dir(path)) != dir {
		t.Fatalf("stored at %s, outside %s", path, dir)
	}
	if b, ok := readMinified(path); !ok || string(b) != string(want) {
		t.Fatalf("the cache holds %q (whole: %v), want %q", b, ok, want)
	}

	// A new process takes the stored bytes as they are: stored bytes of
	// its own show that it did not minify.
	writeMinified(path, []byte("/* stored */"))
	forget()
	if got, _ := m.cached(name, []byte(src)); string(got) != "/* stored */" {
		t.Errorf("a new process minified again: %q", got)
	}

	// A damaged entry is not read: minified again and replaced.
	b, _ := os.ReadFile(path)
	b[0] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	forget()
	if got, _ := m.cached(name, []byte(src)); string(got) != string(want) {
		t.Errorf("from a damaged entry: %q, want %q", got, want)
	}
	if b, ok := readMinified(path); !ok || string(b) != string(want) {
		t.Errorf("the damaged entry was not replaced: %q (whole: %v)", b, ok)
	}

	// Off: nothing written.
	t.Setenv(geo.CacheEnv, "off")
	forget()
	if minifiedPath(key) != "" {
		t.Error("a cache path with the caches off")
	}
	if got, _ := m.cached(name, []byte(src)); string(got) != string(want) {
		t.Errorf("with the caches off: %q, want %q", got, want)
	}
}
