package site

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/internal/synth"
)

// liveHeap returns the bytes of live heap objects after two full
// collections: what sync.Pools hold for reuse (tomlfast's Docs) goes at
// the second.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestLoadKeepsLittle loads 2,000 synthetic records, from TOML and from
// the cache on disk, and measures what the loaded site keeps: the records
// and where they are written, not the files' bytes, their indexes or the
// TOML decoder's buffers (5.5 kB a record before they were let go).
func TestLoadKeepsLittle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a synthetic site")
	}
	const n = 2000
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := synth.Site("..", dir, n, 3); err != nil {
		t.Fatal(err)
	}
	var text int
	files, _ := filepath.Glob(filepath.Join(dir, DataDir, "*.toml"))
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		text += int(fi.Size())
	}
	for _, cache := range []string{"off", t.TempDir()} {
		t.Run(filepath.Base(cache), func(t *testing.T) {
			t.Setenv(geo.CacheEnv, cache)
			if cache != "off" {
				Load(dir) // fills the cache on disk
			}
			before := liveHeap()
			s, l := Load(dir)
			if l.Err() != nil {
				t.Fatal(l.Err())
			}
			kept := int(liveHeap()) - int(before)
			runtime.KeepAlive(s)
			perRecord := kept / n
			t.Logf("%d records (%d bytes of TOML a record): %d bytes kept a record", n, text/n, perRecord)
			// Each record's own text, its fields (448 bytes) and its
			// position: 1,821 and 1,957 bytes when a record took 640
			// bytes, 1,581 and 1,755 since.
			if limit := text/n + 900; perRecord > limit {
				t.Errorf("a loaded site keeps %d bytes a record, want at most %d", perRecord, limit)
			}
		})
	}
}

// TestAtAfterRelease checks the positions a loaded site gives after it
// has let go of its files' bytes: read again from the file, the same as
// before; from a file changed since, the record's own line, never a
// position in other bytes. With the caches off the file is let go with a
// hash of its own; with them on, with the SHA-256 the load made of it.
func TestAtAfterRelease(t *testing.T) {
	for _, cache := range []string{"off", "dir"} {
		t.Run(cache, func(t *testing.T) {
			if cache == "dir" {
				cache = t.TempDir()
			}
			t.Setenv(geo.CacheEnv, cache)
			testAtAfterRelease(t)
		})
	}
}

func testAtAfterRelease(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, DataDir), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, "testdata/good/site.toml", filepath.Join(dir, ConfigFile))
	data := "# comment\n\n[[record]]\nid = \"a\"\nlayer = \"attack\"\ndate = 2024-01-03\ntitle = \"T\"\ncountry = \"TR\"\nsummary = \"S\"\n" +
		"place = \"Istanbul\"\n[[record.source]]\ntitle = \"X\"\nurl = \"https://example.org/\"\n"
	write(t, dir, "data/a.toml", []byte(data))
	s, l := Load(dir)
	if l.Err() != nil {
		t.Fatal(l.Err())
	}
	r := s.Records[0]
	if w := s.where[r]; w.ix.src != nil || w.ix.tables != nil {
		t.Errorf("the loaded site keeps the file's bytes (%d) or its tables (%d)", len(w.ix.src), len(w.ix.tables))
	} else if cached := os.Getenv(geo.CacheEnv) != "off"; w.ix.bySum != cached {
		t.Errorf("let go by its SHA-256: %v, want %v", w.ix.bySum, cached)
	}
	if got := s.At(r, "place"); got.Line != 10 || got.Column != 1 {
		t.Errorf("At(place) = line %d column %d, want 10 1", got.Line, got.Column)
	}
	// Before the next position is first asked, the file changes.
	s, _ = Load(dir)
	r = s.Records[0]
	write(t, dir, "data/a.toml", []byte(strings.Replace(data, "# comment\n", "", 1)))
	if got := s.At(r, "place"); got.Line != r.Line || got.Line != 3 || got.Column != 1 {
		t.Errorf("after an edit, At(place) = line %d column %d, want the record's line 3, column 1", got.Line, got.Column)
	}
}
