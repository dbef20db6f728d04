package geo

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite data/digest.txt and curated_data.go")

// TestDataDigest keeps data/digest.txt, part of the key of every cached
// answer, equal to the digest of the embedded place list: after a change
// to it, run go test ./geo -run TestDataDigest -update.
func TestDataDigest(t *testing.T) {
	want := digestData(embeddedData())
	if *update {
		if err := os.WriteFile("data/digest.txt", []byte(want+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got := strings.TrimSpace(dataDigest); got != want {
		t.Fatalf("data/digest.txt = %s, but the embedded data's digest is %s: run go test ./geo -run TestDataDigest -update", got, want)
	}
}

// cacheQueries are queries of every kind: answers with and without
// warnings, level words, other scripts, unknown names and countries.
var cacheQueries = []Query{
	{Text: "Kerman", Country: "IR"}, {Text: "Kerman"}, {Text: "Paris"}, {Text: "Sarıyer, Istanbul", Country: "TR"},
	{Text: "Kerman Province", Country: "IR"}, {Text: "Керман"}, {Text: "Crocus City Hall, Moscow", Country: "RU"},
	{Text: "Kerman", Country: "IR", Region: true}, {Text: " kerman ,, ", Country: "ir"}, {Text: "London, Ontario"},
	{Text: "Kadıköy, Ankara", Country: "TR"}, {Text: "Atlantis"}, {Text: "Paris", Country: "XX"}, {Text: ","},
}

// answers resolves every query with r, or with g when r is nil.
func answers(t *testing.T, g *Gazetteer, r *Resolver) []string {
	t.Helper()
	var out []string
	for _, q := range cacheQueries {
		var a Answer
		var err error
		if r != nil {
			a, err = r.Resolve(q)
		} else {
			a, err = g.Answer(q)
		}
		out = append(out, fmt.Sprintf("%#v: %#v %v", q, a, err))
	}
	for _, id := range []string{"country:TR", "geonames:745044", "geonames:0", "nothing"} {
		var ok bool
		if r != nil {
			var err error
			if ok, err = r.Has(id); err != nil {
				t.Fatal(err)
			}
		} else {
			_, ok = g.Place(id)
		}
		out = append(out, fmt.Sprintf("has %q: %v", id, ok))
	}
	return out
}

// TestResolverMatchesGazetteer checks that a Resolver's answers, warnings
// and errors equal the gazetteer's with the cache off, cold, warm in
// memory and warm from the file; that the warm file answers known names
// without loading the place list; and that a corrupt or foreign cache file
// is ignored and replaced.
func TestResolverMatchesGazetteer(t *testing.T) {
	g, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	want := answers(t, g, nil)
	loads := 0
	load := func() (*Gazetteer, error) { loads++; return g, nil }
	dir := t.TempDir()
	known := cacheQueries[:10] // every one resolves
	for _, step := range []struct {
		name, env string
		forget    bool
		file      string // written into the cache file first, if any
		wantLoads int    // for the known queries
	}{
		{"off", "off", true, "", 1},
		{"cold", dir, true, "", 1},
		{"warm in memory", dir, false, "", 0},
		{"warm from the file", dir, true, "", 0},
		{"corrupt file", dir, true, `{"format": "mapsite geocode cache 1", "answers": {"x": `, 1},
		{"rewritten", dir, true, "", 0},
		{"foreign file", dir, true, `{"format": "mapsite geocode cache 1", "key": "another", "answers": {}}`, 1},
		{"old format", dir, true, `{"format": "mapsite geocode cache 0"}`, 1},
		{"not JSON", dir, true, "\x00\x01binary", 1},
		{"rewritten again", dir, true, "", 0},
	} {
		t.Setenv(CacheEnv, step.env)
		if step.forget {
			forgetTables()
		}
		r := NewResolver("test key", load)
		if step.file != "" {
			if err := os.WriteFile(r.file, []byte(step.file), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		loads = 0
		for _, q := range known {
			if _, err := r.Resolve(q); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
		}
		if _, err := r.Has("country:TR"); err != nil {
			t.Fatal(err)
		}
		if loads != step.wantLoads {
			t.Errorf("%s: the place list was loaded %d times for known names, want %d", step.name, loads, step.wantLoads)
		}
		if got := answers(t, g, r); !slices.Equal(got, want) {
			t.Errorf("%s: the Resolver's answers differ from the gazetteer's:\n%s\n--- want\n%s", step.name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if err := r.Save(); err != nil {
			t.Fatalf("%s: Save: %v", step.name, err)
		}
		if step.env == "off" {
			if entries, _ := os.ReadDir(dir); len(entries) > 0 {
				t.Errorf("with %s=off, the cache folder holds %d files", CacheEnv, len(entries))
			}
		}
	}
}

// TestSaveConcurrent saves answers from many resolvers of one key at once
// (as builds in several processes do: each has tables of its own) while
// the file is read: every read must see a whole file.
func TestSaveConcurrent(t *testing.T) {
	g, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Setenv(CacheEnv, dir)
	file := NewResolver("concurrent", nil).file
	done, stop := make(chan bool), make(chan bool)
	go func() {
		defer close(done)
		for reads := 0; ; reads++ {
			select {
			case <-stop:
				if reads < 10 {
					t.Errorf("only %d reads while saving", reads)
				}
				return
			default:
			}
			b, err := os.ReadFile(file)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			var c cacheFile
			if err != nil || json.Unmarshal(b, &c) != nil || c.Format != cacheFormat {
				t.Errorf("read a broken cache file (%v): %.80q", err, b)
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				r := &Resolver{key: NewResolver("concurrent", nil).key, file: file,
					load: func() (*Gazetteer, error) { return g, nil },
					t:    &table{answers: map[string]Answer{}, ids: map[string]bool{}, errs: map[Query]error{}}}
				if _, err := r.Resolve(cacheQueries[(i+j)%10]); err != nil {
					t.Error(err)
				}
				if err := r.Save(); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-done
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".geocode-*")); len(tmp) > 0 {
		t.Errorf("temporary files left: %q", tmp)
	}
}

// TestPrune keeps at most maxCacheFiles cache files, the newest, and the
// one just written.
func TestPrune(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(CacheEnv, dir)
	old := time.Now().Add(-2 * time.Hour)
	for i := range 12 {
		p := filepath.Join(dir, fmt.Sprintf("geocode-%02d.json", i))
		if err := os.WriteFile(p, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
		mod := old.Add(time.Duration(i) * time.Minute)
		os.Chtimes(p, mod, mod)
	}
	tmp := filepath.Join(dir, ".geocode-1.tmp")
	os.WriteFile(tmp, nil, 0o600)
	os.Chtimes(tmp, old, old)
	other := filepath.Join(dir, "notes.txt")
	os.WriteFile(other, nil, 0o600)

	forgetTables()
	g, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	r := NewResolver("prune", func() (*Gazetteer, error) { return g, nil })
	os.WriteFile(r.file, []byte("{}"), 0o600)
	os.Chtimes(r.file, old, old) // the oldest, but just written below
	if _, err := r.Resolve(Query{Text: "Kerman"}); err != nil {
		t.Fatal(err)
	}
	if err := r.Save(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "geocode-*.json"))
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	if len(files) != maxCacheFiles || !slices.Contains(files, r.file) {
		t.Errorf("after Save, the cache files are %q, want the %d newest, %s among them", names, maxCacheFiles, filepath.Base(r.file))
	}
	for i := range 5 {
		if _, err := os.Stat(filepath.Join(dir, fmt.Sprintf("geocode-%02d.json", i))); err == nil {
			t.Errorf("geocode-%02d.json, among the oldest, was kept", i)
		}
	}
	if _, err := os.Stat(tmp); err == nil {
		t.Error("an old temporary file was kept")
	}
	if _, err := os.Stat(other); err != nil {
		t.Error("a file that is not the cache's was removed")
	}
}

// TestRelease checks that Release lets go of the loaded gazetteers and
// keeps the answers: a Resolver answers what it answered before without
// loading, loads again for a new place, and Bundled loads anew.
func TestRelease(t *testing.T) {
	t.Setenv(CacheEnv, "off")
	forgetTables()
	g, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	loads := 0
	load := func() (*Gazetteer, error) { loads++; return Bundled() }
	r := NewResolver("release", load)
	before, err := r.Resolve(Query{Text: "Kerman", Country: "IR"})
	if err != nil {
		t.Fatal(err)
	}
	Release()
	if r.t.g != nil {
		t.Error("a Resolver's table keeps its gazetteer after Release")
	}
	after, err := r.Resolve(Query{Text: "Kerman", Country: "IR"})
	if err != nil || !reflect.DeepEqual(after, before) || loads != 1 {
		t.Errorf("after Release: %v, %v with %d loads, want %v from memory (1 load)", after, err, loads, before)
	}
	if _, err := r.Resolve(Query{Text: "Shiraz", Country: "IR"}); err != nil || loads != 2 {
		t.Errorf("a new place after Release: %v with %d loads, want the list loaded again (2)", err, loads)
	}
	if g2, err := Bundled(); err != nil || g2 == g {
		t.Errorf("Bundled after Release = the same gazetteer (%v)", err)
	}
}

// TestReleaseNoCollection checks that Release lets go of a loaded list
// without a collection: the list is small (see Release).
func TestReleaseNoCollection(t *testing.T) {
	t.Setenv(CacheEnv, "off")
	forgetTables()
	Release()
	collections := func() uint32 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.NumGC
	}
	r := NewResolver("collects", Bundled)
	if _, err := r.Resolve(Query{Text: "Kerman", Country: "IR"}); err != nil {
		t.Fatal(err)
	}
	if r.t.g == nil {
		t.Fatal("no list loaded")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(-1)) // no collection of the runtime's own
	n := collections()
	Release()
	if got := collections() - n; got != 0 {
		t.Errorf("Release ran %d collections, want none", got)
	}
	if r.t.g != nil {
		t.Error("a Resolver's table keeps its gazetteer after Release")
	}
}
