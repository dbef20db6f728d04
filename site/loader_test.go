package site

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/mapsite/mapsite/diag"
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/internal/synth"
)

// sameSite says how two loaded sites differ, or returns "" when they are
// the same: every exported field, and where each record and place is
// written (the map of positions is keyed by record, so it is compared
// record by record).
func sameSite(a, b *Site) string {
	switch {
	case a.Dir != b.Dir:
		return fmt.Sprintf("Dir %q != %q", a.Dir, b.Dir)
	case !reflect.DeepEqual(a.Config, b.Config):
		return "Config differs"
	case !reflect.DeepEqual(a.Files, b.Files):
		return fmt.Sprintf("Files %q != %q", a.Files, b.Files)
	case !reflect.DeepEqual(a.Places, b.Places):
		return "Places differ"
	case !reflect.DeepEqual(a.placeIDs, b.placeIDs) || !reflect.DeepEqual(a.placeWhere, b.placeWhere):
		return "place positions differ"
	case !reflect.DeepEqual(a.placeProblems, b.placeProblems):
		return "place problems differ"
	case len(a.Records) != len(b.Records):
		return fmt.Sprintf("%d records != %d", len(a.Records), len(b.Records))
	case len(a.where) != len(b.where):
		return fmt.Sprintf("%d positions != %d", len(a.where), len(b.where))
	}
	// A file's records share its index of positions: compare each pair
	// of indexes once.
	same := map[[2]uintptr]bool{}
	for i, r := range a.Records {
		if !reflect.DeepEqual(r, b.Records[i]) {
			return fmt.Sprintf("record %d: %+v != %+v", i, r, b.Records[i])
		}
		pa, pb := a.where[r], b.where[b.Records[i]]
		if pa.file != pb.file || pa.path != pb.path {
			return fmt.Sprintf("record %d (%s): written at %s %s, not %s %s", i, r.ID, pa.file, pa.path, pb.file, pb.path)
		}
		k := [2]uintptr{uintptr(unsafe.Pointer(pa.ix)), uintptr(unsafe.Pointer(pb.ix))}
		eq, ok := same[k]
		if !ok {
			eq = bytes.Equal(pa.ix.source(), pb.ix.source()) && reflect.DeepEqual(pa.ix.tableIndex(), pb.ix.tableIndex()) && reflect.DeepEqual(pa.ix.index(), pb.ix.index())
			same[k] = eq
		}
		if !eq {
			return fmt.Sprintf("record %d (%s): the index of positions of %s differs", i, r.ID, pa.file)
		}
	}
	return ""
}

// TestLoaderEqualsLoad edits a copy of a synthetic site (and the seed's
// data files) at random, in every way an analyst might, and after each
// edit compares the Loader's result with a fresh Load: the records, their
// positions and the problems must be the same. Between loads the records
// the Loader returned are written into, as geocoding does, which must not
// reach the next load.
func TestLoaderEqualsLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := synth.Site("..", dir, 1500, 7); err != nil {
		t.Fatal(err)
	}
	seed, _ := filepath.Glob("../data/*.toml")
	for _, f := range seed {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		write(t, dir, "data/seed-"+filepath.Base(f), b)
	}
	rng := rand.New(rand.NewPCG(12, 1))
	data := func() []string {
		files, _ := filepath.Glob(filepath.Join(dir, "data", "*.toml"))
		for i := range files {
			files[i], _ = filepath.Rel(dir, files[i])
		}
		return files
	}
	pick := func() (string, []byte) {
		files := data()
		f := files[rng.IntN(len(files))]
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		return f, b
	}
	// nth returns the offset of a random occurrence of sub in b, or -1.
	nth := func(b []byte, sub string) int {
		n := bytes.Count(b, []byte(sub))
		if n == 0 {
			return -1
		}
		k, off := rng.IntN(n), 0
		for ; k >= 0; k-- {
			i := bytes.Index(b[off:], []byte(sub))
			off += i + len(sub)
		}
		return off - len(sub)
	}
	insertAt := func(b []byte, at int, s string) []byte {
		return slices.Concat(b[:at], []byte(s), b[at:])
	}
	edits := []struct {
		name string
		do   func() string // returns what it did
	}{
		{"retitle", func() string {
			f, b := pick()
			if i := nth(b, "\ntitle = \""); i >= 0 {
				b = insertAt(b, i+len("\ntitle = \""), fmt.Sprintf("Edited %d ", rng.IntN(1000)))
			}
			write(t, dir, f, b)
			return f
		}},
		{"delete a record", func() string {
			f, b := pick()
			if i := nth(b, "[[record]]"); i >= 0 {
				end := bytes.Index(b[i+1:], []byte("[[record]]"))
				if end < 0 {
					end = len(b)
				} else {
					end += i + 1
				}
				b = slices.Concat(b[:i], b[end:])
			}
			write(t, dir, f, b)
			return f
		}},
		{"unknown key", func() string {
			f, b := pick()
			if i := nth(b, "\nsummary = "); i >= 0 {
				b = insertAt(b, i+1, "kiled = 3\n")
			}
			write(t, dir, f, b)
			return f
		}},
		{"bad values", func() string {
			f, b := pick()
			for _, kv := range [][2]string{{"\ncountry = \"", "xx"}, {"\ndate = ", "\"2024-13\" # "}, {"\nlayer = \"", "nolayer-"}} {
				if i := nth(b, kv[0]); i >= 0 && rng.IntN(2) == 0 {
					b = insertAt(b, i+len(kv[0]), kv[1])
				}
			}
			write(t, dir, f, b)
			return f
		}},
		{"syntax error", func() string {
			f, b := pick()
			b = insertAt(b, nth(b, "\n")+1, "= oops\n")
			write(t, dir, f, b)
			return f
		}},
		{"duplicate a record into a new file", func() string {
			_, b := pick()
			i := nth(b, "[[record]]")
			if i < 0 {
				return "none"
			}
			end := bytes.Index(b[i+1:], []byte("[[record]]"))
			if end < 0 {
				end = len(b) - i - 1
			}
			f := fmt.Sprintf("data/dup-%d.toml", rng.IntN(5))
			write(t, dir, f, b[i:i+1+end])
			return f
		}},
		{"remove a file", func() string {
			files := data()
			if len(files) < 3 {
				return "none"
			}
			f := files[rng.IntN(len(files))]
			if err := os.Remove(filepath.Join(dir, f)); err != nil {
				t.Fatal(err)
			}
			return f
		}},
		{"rename a file", func() string {
			f, _ := pick()
			to := fmt.Sprintf("data/renamed-%d.toml", rng.IntN(1000))
			if err := os.Rename(filepath.Join(dir, f), filepath.Join(dir, to)); err != nil {
				t.Fatal(err)
			}
			return f + " -> " + to
		}},
		{"same size and time", func() string {
			// A change that keeps the size and the modification time.
			f, b := pick()
			fi, err := os.Stat(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if i := nth(b, "\ntitle = \""); i >= 0 {
				j := i + len("\ntitle = \"")
				b[j] = "QXZ"[rng.IntN(3)]
			}
			write(t, dir, f, b)
			if err := os.Chtimes(filepath.Join(dir, f), fi.ModTime(), fi.ModTime()); err != nil {
				t.Fatal(err)
			}
			return f
		}},
		{"touch", func() string {
			f, b := pick()
			write(t, dir, f, b)
			return f
		}},
		{"site.toml", func() string {
			b, err := os.ReadFile(filepath.Join(dir, ConfigFile))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte("\nkey = \"attack\"")) {
				b = bytes.Replace(b, []byte("\nkey = \"attack\""), []byte("\nkey = \"attacks\""), 1)
			} else {
				b = bytes.Replace(b, []byte("\nkey = \"attacks\""), []byte("\nkey = \"attack\""), 1)
			}
			write(t, dir, ConfigFile, b)
			return ConfigFile
		}},
		{"places.toml", func() string {
			p := filepath.Join(dir, DataDir, PlacesFile)
			if _, err := os.Stat(p); err == nil && rng.IntN(2) == 0 {
				os.Remove(p)
				return "removed " + PlacesFile
			}
			write(t, dir, "data/"+PlacesFile, []byte(strings.Replace(fuzzPlace, "Shah Cheragh", fmt.Sprintf("Place %d", rng.IntN(3)), 1)+
				strings.Replace(fuzzPlace, "Shah Cheragh", "Place 1", 1)))
			return PlacesFile
		}},
	}
	// Files that the cache on disk must bring back exactly: empty lists,
	// a point at [0, 0], a byte order mark and CRLF, no records, a
	// syntax error.
	write(t, dir, "data/edge.toml", []byte(`[[record]]
id = "null-island"
layer = "attack"
date = 2024-01-03
title = "At [0, 0]"
coordinates = [0, 0]
country = "GH"
summary = "x"
tags = []
related = []
killed = 0
[[record.source]]
title = "s"
url = "https://example.org/"
published = 2024-04-30
`))
	write(t, dir, "data/crlf.toml", []byte("\ufeff[[record]]\r\nid = \"crlf\"\r\nlayer = \"attack\"\r\ndate = \"2023-summer\"\r\ntitle = \"t\"\r\nplace = \"Kerman\"\r\ncountry = \"IR\"\r\nsummary = \"\"\"a\r\nb\"\"\"\r\n[[record.source]]\r\ntitle = \"s\"\r\nurl = \"https://example.org/\"\r\n"))
	write(t, dir, "data/empty.toml", []byte("# nothing yet\n"))
	write(t, dir, "data/broken.toml", []byte("[[record]]\nid = \"x\n"))

	// The reference is Load with the cache on disk off; the Loader and
	// Load use a cache folder of their own, cold for each changed file,
	// then warm.
	cache := t.TempDir()
	ld := NewLoader(dir)
	t.Cleanup(ld.Close)
	check := func(step string) {
		t.Helper()
		t.Setenv(geo.CacheEnv, "off")
		want, wl := Load(dir)
		t.Setenv(geo.CacheEnv, cache)
		got, gl := ld.Load()
		ld.store() // its new decodings, stored on disk once its loads pause
		if d := sameSite(got, want); d != "" {
			t.Fatalf("after %s: Loader.Load differs from Load: %s", step, d)
		}
		if !reflect.DeepEqual(gl, wl) {
			t.Fatalf("after %s: Loader.Load's problems differ from Load's:\n%s\n--- want\n%s", step, listText(gl), listText(wl))
		}
		hits := diskHits.Load()
		disk, dl := Load(dir)
		if n := len(disk.Files) - 1; diskHits.Load()-hits < int64(n-2) { // all but places.toml and broken.toml
			t.Fatalf("after %s: Load read %d files from the cache on disk, want %d", step, diskHits.Load()-hits, n-2)
		}
		if d := sameSite(disk, want); d != "" {
			t.Fatalf("after %s: Load from the cache on disk differs from Load: %s", step, d)
		}
		if !reflect.DeepEqual(dl, wl) {
			t.Fatalf("after %s: Load's problems from the cache on disk differ:\n%s\n--- want\n%s", step, listText(dl), listText(wl))
		}
		// Write into what the Loader returned, as geocoding does and more.
		for _, r := range got.Records {
			r.Location.Lon, r.Location.PlaceID = 999, "scribbled"
			r.Title += "!"
			if len(r.Tags) > 0 {
				r.Tags[0] = "scribbled"
			}
			if len(r.Sources) > 0 {
				r.Sources[0].Title = "scribbled"
			}
			if r.Coordinates != nil {
				r.Coordinates[0] = 0
			}
		}
	}
	check("the first load")
	check("no change")
	for i := range 60 {
		e := edits[rng.IntN(len(edits))]
		what := e.do()
		check(fmt.Sprintf("edit %d, %s (%s)", i, e.name, what))
	}
}

func listText(l diag.List) string {
	var b bytes.Buffer
	l.WriteText(&b)
	return b.String()
}

func write(t *testing.T, dir, name string, b []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLoaderCloseStores checks that Close stores a load's new decodings
// at once, not when the timer would have (storeAfter), so that nothing
// of the Loader writes after it: a process that stops keeps them.
func TestLoaderCloseStores(t *testing.T) {
	cache := t.TempDir()
	t.Setenv(geo.CacheEnv, cache)
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := synth.Site("..", dir, synth.PerFile+1, 2); err != nil { // two data files
		t.Fatal(err)
	}
	ld := NewLoader(dir)
	ld.Load()
	entries := func() int {
		n := 0
		filepath.WalkDir(cache, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return nil
		})
		return n
	}
	if n := entries(); n != 0 {
		t.Fatalf("%d cache files before the timer or Close", n)
	}
	ld.Close()
	if n := entries(); n < 2 {
		t.Fatalf("%d cache files after Close, want the 2 data files' decodings", n)
	}
	time.Sleep(storeAfter + 100*time.Millisecond)
	hits := diskHits.Load()
	NewLoader(dir).Load()
	if diskHits.Load()-hits < 2 {
		t.Fatal("a new Loader read nothing of what Close stored")
	}
}
