package geo

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mapsite/mapsite/internal/cachefile"
	"github.com/mapsite/mapsite/internal/program"
)

// Answer is what a caller keeps of a resolved query: the place chosen, how
// it is labelled in messages, and the warnings the resolution gave.
type Answer struct {
	ID        string    `json:"id"`
	Lon       float64   `json:"lon"`
	Lat       float64   `json:"lat"`
	Precision Precision `json:"precision"`
	Label     string    `json:"label"`
	Warnings  []string  `json:"warnings,omitempty"`
}

// Answer resolves q and returns what a caller keeps of the result; the
// error is Resolve's.
func (g *Gazetteer) Answer(q Query) (Answer, error) {
	res, err := g.Resolve(q)
	if err != nil {
		return Answer{}, err
	}
	return Answer{ID: res.Place.ID, Lon: res.Place.Lon, Lat: res.Place.Lat, Precision: res.Place.Precision,
		Label: g.Label(res.Place), Warnings: res.Warnings}, nil
}

// dataDigest is the SHA-256 of the embedded place list (see
// embeddedData), made by go test ./geo -run TestDataDigest -update and
// checked by that test.
//
//go:embed data/digest.txt
var dataDigest string

// embeddedData returns the embedded files that make the gazetteer and
// InCountry, by name, in a fixed order.
func embeddedData() [][2]string {
	countries, _ := files.ReadFile("data/countries.tsv")
	curated, _ := files.ReadFile("places/curated.toml")
	return [][2]string{
		{"data/countries.tsv", string(countries)},
		{"places/curated.toml", string(curated)},
		{"data/cities.tsv", citiesTSV},
		{"data/divisions.tsv", divisionsTSV},
		{"data/index.bin", indexBin},
		{"data/outlines.bin", string(outlinesBin)},
	}
}

// digestData returns the hex SHA-256 of the files, each preceded by its
// name and length.
func digestData(files [][2]string) string {
	h := sha256.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s %d\n", f[0], len(f[1]))
		io.WriteString(h, f[1])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Version identifies the bundled place list and the code that resolves
// names in it: the digest of the embedded data, and the running program
// (program.ID, which changes with every build of it, and so with any
// change to the geocoder's rules). Cached answers are valid only for the
// Version they were found with.
var Version = sync.OnceValue(func() string {
	h := sha256.New()
	fmt.Fprintf(h, "mapsite geocoder\n%s\n%s\n", strings.TrimSpace(dataDigest), program.ID())
	return hex.EncodeToString(h.Sum(nil))
})

// CacheEnv names the environment variable that controls the geocoding
// cache on disk: "off" turns it off; a folder puts it there instead of
// mapsite/ in the user's cache folder (os.UserCacheDir).
const CacheEnv = "MAPSITE_CACHE"

// Limits of the caches.
const (
	// maxAnswers bounds the answers kept for one gazetteer, in memory and
	// in its cache file; past it, the memory is emptied and refilled.
	maxAnswers = 50_000
	// maxCacheFiles bounds the cache files kept: one per gazetteer (the
	// bundled list, and the bundled list with each set of a site's own
	// places). The least recently written go first.
	maxCacheFiles = 8
	// maxCacheSize is the largest cache file read.
	maxCacheSize = 32 << 20
	cacheFormat  = "mapsite geocode cache 1"
)

// CacheDir returns mapsite's cache folder, as CacheEnv sets it, or "" when
// the caches on disk are off (or the system has no cache folder).
func CacheDir() string {
	switch v := os.Getenv(CacheEnv); v {
	case "off", "0", "false", "no":
		return ""
	case "":
		dir, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		return filepath.Join(dir, "mapsite")
	default:
		return v
	}
}

// table holds everything known in this process about one gazetteer, named
// by its key: the answers found (in this process or read from the cache
// file), the errors, and the gazetteer itself once loaded.
type table struct {
	mu       sync.Mutex
	answers  map[string]Answer
	ids      map[string]bool // Has, by place id
	errs     map[Query]error // by the query exactly as written
	diskRead bool            // the cache file was read into answers
	dirty    bool            // answers holds some that the file lacks
	g        *Gazetteer      // loaded on the first miss
	gErr     error
}

// tables are the tables of the gazetteers used most recently, at most
// maxTables of them, most recent last.
var tables struct {
	sync.Mutex
	keys  []string
	byKey map[string]*table
}

const maxTables = 4

func tableOf(key string) *table {
	tables.Lock()
	defer tables.Unlock()
	if tables.byKey == nil {
		tables.byKey = map[string]*table{}
	}
	t, ok := tables.byKey[key]
	if ok {
		i := slices.Index(tables.keys, key)
		tables.keys = append(slices.Delete(tables.keys, i, i+1), key)
		return t
	}
	if len(tables.keys) == maxTables {
		delete(tables.byKey, tables.keys[0])
		tables.keys = slices.Delete(tables.keys, 0, 1)
	}
	t = &table{answers: map[string]Answer{}, ids: map[string]bool{}, errs: map[Query]error{}}
	tables.byKey[key] = t
	tables.keys = append(tables.keys, key)
	return t
}

// forgetTables empties the memory of this process, as a new process
// starts; for tests.
func forgetTables() {
	tables.Lock()
	defer tables.Unlock()
	tables.keys, tables.byKey = nil, nil
}

// A Resolver resolves queries against a gazetteer that it loads only when
// it must: it answers first from what this process has found before with
// the same gazetteer, then from the cache on disk (see CacheEnv), and
// only then loads the gazetteer and resolves. Answers equal those of
// Gazetteer.Answer, warnings included; errors come from the gazetteer
// every time (they are kept in memory only, so an unknown name always
// gets its suggestions). A Resolver is safe for concurrent use.
type Resolver struct {
	key  string
	file string // the cache file, or ""
	load func() (*Gazetteer, error)
	t    *table
}

// NewResolver returns a Resolver for the gazetteer that load returns,
// which key must identify: Version for the bundled list, and for a
// gazetteer with places added, Version and everything that went into
// adding them.
func NewResolver(key string, load func() (*Gazetteer, error)) *Resolver {
	sum := sha256.Sum256([]byte(key))
	r := &Resolver{key: hex.EncodeToString(sum[:]), load: load}
	if dir := CacheDir(); dir != "" {
		r.file = filepath.Join(dir, "geocode-"+r.key[:24]+".json")
	}
	r.t = tableOf(r.key)
	return r
}

// queryKey is the key of an answer: what Resolve's answer depends on, the
// normalised parts of the text (empty ones dropped), the country hint and
// the Region flag, each given with its length.
func queryKey(q Query) string {
	var b strings.Builder
	part := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	part(strings.ToUpper(strings.TrimSpace(q.Country)))
	if q.Region {
		b.WriteString("R")
	}
	for _, s := range strings.Split(q.Text, ",") {
		if k := Normalize(s); k != "" {
			part(k)
		}
	}
	return b.String()
}

// Resolve returns the Answer that the gazetteer's Answer method gives for
// q, from memory or the cache file when it can.
func (r *Resolver) Resolve(q Query) (Answer, error) {
	k := queryKey(q)
	t := r.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if a, ok := t.answers[k]; ok {
		return a, nil
	}
	if err, ok := t.errs[q]; ok {
		return Answer{}, err
	}
	if !t.diskRead {
		t.diskRead = true
		r.read()
		if a, ok := t.answers[k]; ok {
			return a, nil
		}
	}
	g, err := r.gazetteer()
	if err != nil {
		return Answer{}, err
	}
	a, err := g.Answer(q)
	if err != nil {
		if len(t.errs) >= maxAnswers {
			clear(t.errs)
		}
		t.errs[q] = err
		return Answer{}, err
	}
	if len(t.answers) >= maxAnswers {
		clear(t.answers)
	}
	t.answers[k] = a
	t.dirty = true
	return a, nil
}

// Has reports whether the gazetteer has a place of the given id, as its
// Place method would.
func (r *Resolver) Has(id string) (bool, error) {
	t := r.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if ok, known := t.ids[id]; known {
		return ok, nil
	}
	if !t.diskRead {
		t.diskRead = true
		r.read()
		if ok, known := t.ids[id]; known {
			return ok, nil
		}
	}
	g, err := r.gazetteer()
	if err != nil {
		return false, err
	}
	_, ok := g.Place(id)
	if len(t.ids) >= maxAnswers {
		clear(t.ids)
	}
	t.ids[id] = ok
	t.dirty = true
	return ok, nil
}

// Gazetteer returns the gazetteer, loading it if no answer has needed it
// yet.
func (r *Resolver) Gazetteer() (*Gazetteer, error) {
	r.t.mu.Lock()
	defer r.t.mu.Unlock()
	return r.gazetteer()
}

// Loaded reports whether the gazetteer has been loaded for this
// Resolver's key in this process.
func (r *Resolver) Loaded() bool {
	r.t.mu.Lock()
	defer r.t.mu.Unlock()
	return r.t.g != nil || r.t.gErr != nil
}

func (r *Resolver) gazetteer() (*Gazetteer, error) {
	t := r.t
	if t.g == nil && t.gErr == nil {
		g, err := r.load()
		if g == nil && err == nil {
			err = errors.New("geo: no gazetteer")
		}
		if err != nil {
			t.gErr = &LoadError{err}
		}
		t.g = g
	}
	return t.g, t.gErr
}

// LoadError is the error of a Resolver whose gazetteer could not be
// loaded, as opposed to a name it does not know.
type LoadError struct{ Err error }

func (e *LoadError) Error() string { return e.Err.Error() }
func (e *LoadError) Unwrap() error { return e.Err }

// cacheFile is the content of a cache file.
type cacheFile struct {
	Format  string            `json:"format"`
	Key     string            `json:"key"`
	Answers map[string]Answer `json:"answers"`
	IDs     map[string]bool   `json:"ids,omitempty"`
}

// read merges the cache file into the table. A file that is missing,
// unreadable, too large, corrupt or made for another key is ignored: the
// next Save replaces it.
func (r *Resolver) read() {
	if r.file == "" {
		return
	}
	f, err := os.Open(r.file)
	if err != nil {
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxCacheSize {
		return
	}
	b, err := io.ReadAll(io.LimitReader(f, maxCacheSize))
	if err != nil {
		return
	}
	var c cacheFile
	if json.Unmarshal(b, &c) != nil || c.Format != cacheFormat || c.Key != r.key {
		return
	}
	t := r.t
	for k, a := range c.Answers {
		if _, ok := t.answers[k]; !ok && len(t.answers) < maxAnswers {
			t.answers[k] = a
		}
	}
	for id, ok := range c.IDs {
		if _, known := t.ids[id]; !known && len(t.ids) < maxAnswers {
			t.ids[id] = ok
		}
	}
	if len(t.answers) > len(c.Answers) || len(t.ids) > len(c.IDs) {
		t.dirty = true
	}
}

// Save writes the answers found since the cache file was read or last
// written into it, when there are any. It writes a temporary file and
// renames it over the old one, so that a build running at the same time
// reads either file whole; and it removes the oldest cache files beyond
// maxCacheFiles. A cache that cannot be written is not an error of the
// build: the error is for tests and diagnostics only.
func (r *Resolver) Save() error {
	if r.file == "" {
		return nil
	}
	t := r.t
	t.mu.Lock()
	if !t.dirty {
		t.mu.Unlock()
		return nil
	}
	b, err := json.Marshal(cacheFile{Format: cacheFormat, Key: r.key, Answers: t.answers, IDs: t.ids})
	t.dirty = false
	t.mu.Unlock()
	if err != nil {
		return err
	}
	if err := cachefile.Write(r.file, ".geocode-*.tmp", b); err != nil {
		return err
	}
	prune(filepath.Dir(r.file), r.file)
	return nil
}

// prune removes the cache files in dir beyond the maxCacheFiles most
// recently written (keep among them), and temporary files that a killed
// build left more than an hour ago.
func prune(dir, keep string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type file struct {
		path string
		mod  time.Time
	}
	var files []file
	for _, e := range entries {
		name := e.Name()
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		path := filepath.Join(dir, name)
		switch {
		case strings.HasPrefix(name, ".geocode-") && strings.HasSuffix(name, ".tmp"):
			if time.Since(fi.ModTime()) > time.Hour {
				os.Remove(path)
			}
		case strings.HasPrefix(name, "geocode-") && strings.HasSuffix(name, ".json") && path != keep:
			files = append(files, file{path, fi.ModTime()})
		}
	}
	if len(files) < maxCacheFiles {
		return
	}
	slices.SortFunc(files, func(a, b file) int { return b.mod.Compare(a.mod) })
	for _, f := range files[maxCacheFiles-1:] {
		if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return
		}
	}
}

// ForgetAnswers empties what this process remembers of answers and the
// gazetteers loaded for them, as if it had just started; the cache files
// stay.
func ForgetAnswers() { forgetTables() }
