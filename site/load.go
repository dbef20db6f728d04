// Package site loads a mapsite site folder: its site.toml, its records in
// data/*.toml and its own places in data/places.toml. Loading validates
// everything and reports every problem with the file, line and column it
// points at; nothing is written.
package site

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/mapsite/mapsite/diag"
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
	"github.com/mapsite/mapsite/internal/tomlfast"
	"github.com/mapsite/mapsite/internal/tomlpos"
)

// ConfigFile and DataDir name the parts of a site folder.
const (
	ConfigFile = "site.toml"
	DataDir    = "data"
	PlacesFile = "places.toml" // in DataDir: the site's own places
)

// Site is a loaded, validated site.
type Site struct {
	Dir     string
	Config  Config
	Records []*incident.Record // sorted by date, then id
	Places  []geo.Place        // the site's own places, from data/places.toml
	Files   []string           // every input file read, relative to Dir

	where         map[*incident.Record]position
	placeIDs      map[string]position // the site's places by ID
	placeWhere    []position          // of each of Places
	placeProblems diag.List           // found by Gazetteer, reported by Geocode
}

// Load reads and validates the site in dir. The list holds every problem
// found, errors and warnings, sorted; when it has errors the Site is
// incomplete and must not be built. An error that is not about the data
// (an unreadable folder) is returned as a single diagnostic too.
func Load(dir string) (*Site, diag.List) {
	return load(dir, nil, nil)
}

// load is Load; with a cache, a data file whose bytes are those of the
// cached decoding is not decoded again, and the cache is brought up to date.
// With a spool, the new decodings are not stored on disk but handed to it.
func load(dir string, cache map[string]*decoded, spool func(*diskCache)) (*Site, diag.List) {
	s := &Site{Dir: dir, placeIDs: map[string]position{}}
	var l diag.List
	s.loadConfig(&l)
	files, skipped, err := dataFiles(dir)
	if err != nil {
		l.Add(diag.Diagnostic{File: DataDir, Message: err.Error()})
	}
	l.Append(skipped)
	// Record files are read and decoded on every core, each into a part of
	// its own, and the parts merged in file order: the result is the same
	// as one file after the other. data/places.toml is decoded in the merge.
	type part struct {
		dec *decoded
		src []byte
		err error
	}
	parts := make([]part, len(files))
	disk := newDiskCache()
	if disk != nil && cache == nil {
		disk.mapped = true // a build's: see diskCache.mapped
	}
	if disk != nil && spool != nil {
		disk.later = true
		defer spool(disk)
	} else {
		defer disk.prune()
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(files); i = int(next.Add(1) - 1) {
				p := &parts[i]
				if cache == nil && disk != nil && filepath.Base(files[i]) != PlacesFile {
					// A build: see decodeStamped.
					var unread bool
					if p.dec, unread, p.err = decodeStamped(dir, files[i], disk); p.err != nil || unread {
						continue
					}
				} else {
					if p.src, p.err = ReadFile(dir, files[i]); p.err != nil || filepath.Base(files[i]) == PlacesFile {
						continue
					}
					p.dec = decodeCached(dir, files[i], p.src, cache, disk)
					p.src = nil
				}
				if cache == nil {
					// Nothing else holds these records: let go of the
					// file's bytes and index now (see positions.release),
					// not once every file is decoded (230 MB at 100,000
					// records).
					for k := range p.dec.records {
						if ix := p.dec.where[k].ix; p.dec.sum != ([32]byte{}) {
							ix.releaseSum(dir, files[i], p.dec.sum) // the file's sum, made to look it up
						} else {
							ix.release(dir, files[i])
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	if cache != nil {
		clear(cache)
	}
	n := 0
	for _, p := range parts {
		if p.dec != nil {
			n += len(p.dec.records)
		}
	}
	s.Records = make([]*incident.Record, 0, n)
	s.where = make(map[*incident.Record]position, n)
	for i, f := range files {
		s.Files = append(s.Files, f)
		p := &parts[i]
		switch {
		case p.err != nil:
			l.Add(diag.Diagnostic{File: f, Line: 1, Message: readError(p.err)})
		case p.dec == nil:
			s.decodeFile(f, p.src, &l, nil)
		case cache == nil:
			// Nothing else holds these records: take them as they are
			// (their file's bytes were let go of once decoded).
			s.Records = append(s.Records, p.dec.records...)
			for k, r := range p.dec.records {
				s.where[r] = p.dec.where[k]
			}
			l.Append(p.dec.l)
		default:
			// The cached records stay as decoded, for the next load; the
			// site gets copies, which geocoding may write into.
			cache[f] = p.dec
			for k, r := range p.dec.records {
				c := r.Clone()
				s.Records = append(s.Records, c)
				s.where[c] = p.dec.where[k]
			}
			l.Append(p.dec.l)
		}
		parts[i] = part{}
	}
	if len(files) == 0 && err == nil {
		l.Add(diag.Diagnostic{File: DataDir, Severity: diag.Warning,
			Message: "no records: data/ holds no *.toml files, so the site would be empty"})
	} else if len(s.Records) == 0 && l.Errors() == 0 {
		l.Add(diag.Diagnostic{File: DataDir, Severity: diag.Warning,
			Message: "no records: the files in data/ hold no [[record]] tables, so the site would be empty"})
	}
	// The records are sorted on a goroutine of their own while they are
	// checked in file order (crossCheck names the first of two records
	// with one id): into a new list, which the site then takes.
	var sorted []*incident.Record
	done := make(chan struct{})
	go func() {
		defer close(done)
		sorted = sortedRecords(s.Records)
	}()
	checkOverrides(dir, &l)
	s.crossCheck(&l)
	<-done
	s.Records = sorted
	l.Sort()
	return s, l
}

// sortedRecords returns records sorted by date (Date.Compare), then by
// ID, in a new list; records is only read. It sorts
// keys taken out of the records once, side by side in memory: comparing
// the records themselves, scattered over the heap, took 0.19 s of a
// rebuild's CPU at 100,000 records. The keys hold no pointer (a record by
// its index, its ID by its first 8 bytes, the rest read from the record
// only when those are equal), so moving them costs the collector nothing
// while it runs. The order is the one sorting the records with the same
// comparison gives, ties included, since the sort sees the same answers.
func sortedRecords(records []*incident.Record) []*incident.Record {
	type key struct {
		start, end         int64 // seconds, as time.Time.Unix
		startNano, endNano int32
		id                 uint64 // the ID's first 8 bytes, big-endian, padded with zeros
		i                  int    // the record's index in records
	}
	keys := make([]key, len(records))
	for i, r := range records {
		keys[i] = key{r.Date.Start.Unix(), r.Date.End.Unix(), int32(r.Date.Start.Nanosecond()), int32(r.Date.End.Nanosecond()), idPrefix(r.ID), i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		switch {
		case a.start != b.start:
			return cmp.Compare(a.start, b.start)
		case a.startNano != b.startNano:
			return cmp.Compare(a.startNano, b.startNano)
		case a.end != b.end:
			return cmp.Compare(a.end, b.end)
		case a.endNano != b.endNano:
			return cmp.Compare(a.endNano, b.endNano)
		case a.id != b.id:
			// The first of the 8 bytes that differ orders the IDs as
			// strings.Compare does: a shorter ID's padding is a zero,
			// below the other's byte there.
			return cmp.Compare(a.id, b.id)
		}
		return strings.Compare(records[a.i].ID, records[b.i].ID)
	})
	sorted := make([]*incident.Record, len(records))
	for i := range keys {
		sorted[i] = records[keys[i].i]
	}
	return sorted
}

// idPrefix returns the first 8 bytes of id as a big-endian number, padded
// with zeros.
func idPrefix(id string) uint64 {
	var b [8]byte
	copy(b[:], id)
	return binary.BigEndian.Uint64(b[:])
}

// decodeStamped returns a build's decoding of data file f: the cached one,
// without reading the file, when its stamp says it is unchanged (unread;
// see stamp.go), else that of its bytes, read and hashed, whose stamp it
// then notes for the next build.
func decodeStamped(dir, f string, disk *diskCache) (dec *decoded, unread bool, err error) {
	dec, prev := disk.unchanged(dir, f)
	if dec != nil {
		return dec, true, nil
	}
	at := time.Now()
	src, st, stamped, err := readStamped(dir, f)
	if err != nil {
		return nil, false, err
	}
	dec = decodeCached(dir, f, src, nil, disk)
	if stamped {
		disk.noteStamp(dir, f, st, at, dec, prev)
	}
	return dec, false, nil
}

// decodeCached returns the decoding of data file f, whose bytes are src:
// the one in memory (the Loader's, which cache holds; it is only read
// here) or on disk when its bytes are the same, else a new one, which is
// then stored on disk.
func decodeCached(dir, f string, src []byte, cache map[string]*decoded, disk *diskCache) *decoded {
	if cache == nil && disk == nil {
		return decodeData(dir, f, src, [32]byte{})
	}
	sum := sha256.Sum256(src)
	c := cache[f]
	if c != nil && c.sum == sum {
		return c
	}
	// A Loader's changed file is decoded a [[record]] at a time (see
	// decodeBlocks), which it may then do again after the next edit; a
	// file it has not seen yet is first looked for on disk.
	if disk != nil && c == nil {
		if dec := disk.get(f, src, sum); dec != nil {
			return dec
		}
	}
	var dec *decoded
	if cache != nil && filepath.Base(f) != PlacesFile {
		dec = decodeBlocks(f, src, sum, c)
		if dec == nil {
			dec = decodeData(dir, f, src, sum)
			dec.whole = true
		}
	}
	if dec == nil {
		dec = decodeData(dir, f, src, sum)
	}
	if disk != nil {
		disk.put(f, dec)
	}
	return dec
}

// decoded is one data file of records, decoded: what Load takes from it,
// and the SHA-256 of the bytes it was decoded from.
type decoded struct {
	sum     [32]byte
	records []*incident.Record
	where   []position // of records[i], at i
	l       diag.List
	// When decoded a block at a time: the index of positions all
	// records share, where the blocks start, and the blocks.
	ix     *positions
	starts []int
	list   []*block
	// whole says that it could not be decoded a block at a time (see
	// decodeBlocks), which warm then does not try again.
	whole bool
}

// decodeData decodes the records of data file f, whose bytes are src.
func decodeData(dir, f string, src []byte, sum [32]byte) *decoded {
	s := &Site{Dir: dir}
	var l diag.List
	var where []position
	s.decodeFile(f, src, &l, &where)
	return &decoded{sum: sum, records: s.Records, where: where, l: l}
}

// A Loader loads one site folder again and again, as mapsite serve does
// after every save: a data file whose path and bytes are those of the
// previous load is not decoded again (its bytes are still read, and
// compared by their SHA-256, so a change that keeps a file's size and
// modification time is seen). site.toml and data/places.toml are read and
// decoded every time, and every check across files is made again, so
// Load's result and problems are those of the package-level Load. A Loader
// is safe for use by several goroutines; its loads run one at a time.
type Loader struct {
	dir   string
	mu    sync.Mutex
	cache map[string]*decoded // by path relative to dir, as of the last Load
	// warming is set while warm runs.
	warming bool
	// The new decodings of the loads since the last store on disk, and
	// the timer that stores them once the loads pause (see storeAfter).
	spoolMu sync.Mutex
	spooled []*diskCache
	timer   *time.Timer
	storing sync.Mutex // held by store
}

// storeAfter is how long a Loader waits, once its loads pause, before it
// stores their new decodings on disk (for the next process: see
// diskCache): not while mapsite serve renders after a save.
const storeAfter = 750 * time.Millisecond

// NewLoader returns a Loader of the site in dir.
func NewLoader(dir string) *Loader {
	return &Loader{dir: dir, cache: map[string]*decoded{}}
}

// Load reads and validates the site, like the package-level Load. The
// records it returns are the caller's: they are copies of those kept for
// the next load, so geocoding may write into them.
func (l *Loader) Load() (*Site, diag.List) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s, list := load(l.dir, l.cache, l.spool)
	if !l.warming {
		for _, dec := range l.cache {
			if warmable(dec) {
				l.warming = true
				go l.warm()
				break
			}
		}
	}
	return s, list
}

// warm decodes again, a [[record]] table at a time, the files of the last
// load that were not (those read back from the cache on disk, as when
// mapsite serve starts), so that the first edit of one decodes one table,
// not the whole file. It runs on one goroutine after a load, the most
// recently modified files first, and takes the Loader's lock only to put
// each file's blocks in place of a decoding that is still the current one.
func (l *Loader) warm() {
	l.mu.Lock()
	type job struct {
		f   string
		dec *decoded
		mod time.Time
	}
	var jobs []job
	for f, dec := range l.cache {
		if !warmable(dec) {
			continue
		}
		j := job{f: f, dec: dec}
		if fi, err := os.Stat(filepath.Join(l.dir, filepath.FromSlash(f))); err == nil {
			j.mod = fi.ModTime()
		}
		jobs = append(jobs, j)
	}
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.warming = false
		l.mu.Unlock()
	}()
	slices.SortFunc(jobs, func(a, b job) int { return b.mod.Compare(a.mod) })
	for _, j := range jobs {
		src := j.dec.where[0].ix.src // the file's bytes, without a byte order mark
		blocks := decodeBlocks(j.f, src, j.dec.sum, nil)
		l.mu.Lock()
		switch {
		case blocks == nil:
			j.dec.whole = true
		case l.cache[j.f] == j.dec:
			l.cache[j.f] = blocks
		}
		l.mu.Unlock()
	}
}

// warmable reports whether warm should decode dec again a block at a time.
func warmable(dec *decoded) bool {
	return dec.list == nil && !dec.whole && len(dec.records) > 0
}

// spool keeps the new decodings of a load for store, and starts or
// restarts the timer that calls it.
func (l *Loader) spool(disk *diskCache) {
	l.spoolMu.Lock()
	defer l.spoolMu.Unlock()
	l.spooled = append(l.spooled, disk)
	if l.timer == nil {
		l.timer = time.AfterFunc(storeAfter, l.store)
	} else {
		l.timer.Reset(storeAfter)
	}
}

// Close stores on disk, now, the new decodings that the timer would have
// stored, and stops the timer: after it, nothing of the Loader's writes.
// mapsite serve calls it when it stops; the Loader may still load, and a
// load after Close stores its decodings as before.
func (l *Loader) Close() {
	l.spoolMu.Lock()
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	l.spoolMu.Unlock()
	l.store()
}

// store stores on disk the new decodings of the loads since it last ran.
func (l *Loader) store() {
	l.storing.Lock() // one at a time, so that Close waits for the timer's
	defer l.storing.Unlock()
	l.spoolMu.Lock()
	spooled := l.spooled
	l.spooled = nil
	l.spoolMu.Unlock()
	for _, disk := range spooled {
		disk.flush()
	}
}

// decodeFile decodes one data file. A panic, which no input should cause,
// becomes a diagnostic on that file rather than ending check, build or
// serve; the file's records are then left out. Where the records are
// written goes into where, in their order, or without it, into s.where.
func (s *Site) decodeFile(f string, src []byte, l *diag.List, where *[]position) {
	records, places := len(s.Records), len(s.Places)
	defer func() {
		if r := recover(); r != nil {
			s.Records, s.Places = s.Records[:records], s.Places[:places]
			l.Add(diag.Diagnostic{File: f, Line: 1, Column: 1,
				Message: fmt.Sprintf("mapsite failed on this file (%v); please report it, with the file", r)})
		}
	}()
	if filepath.Base(f) == PlacesFile {
		s.Places = append(s.Places, s.decodePlaces(f, src, l)...)
		return
	}
	list, at := s.decodeRecords(f, src, l)
	s.Records = append(s.Records, list...)
	if where != nil {
		*where = append(*where, at...)
		return
	}
	for k, r := range list {
		s.where[r] = at[k]
	}
}

// dataFiles lists data/**/*.toml, relative to dir, sorted, and warnings
// about the other files there, which are not read (hidden files aside):
// files of other names, and anything that is not a regular file (a FIFO,
// a device, a socket), which is never opened. A symbolic link is listed
// like the file it leads to; ReadFile refuses it if that is outside dir.
func dataFiles(dir string) (files []string, skipped diag.List, err error) {
	root := filepath.Join(dir, DataDir)
	if fi, err := os.Lstat(root); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// data/ itself may be a link to a folder inside the site.
		if root, err = resolve(dir, DataDir); err != nil {
			return nil, nil, errors.New(readError(err))
		}
	}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		hidden := strings.HasPrefix(d.Name(), ".")
		if d.IsDir() {
			if path != root && hidden {
				return filepath.SkipDir
			}
			return nil
		}
		if hidden {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = DataDir + "/" + filepath.ToSlash(rel)
		skip := func(format string, args ...any) {
			skipped.Add(diag.Diagnostic{File: rel, Severity: diag.Warning, Message: fmt.Sprintf(format, args...)})
		}
		mode := d.Type()
		if mode&fs.ModeSymlink != 0 {
			if fi, err := os.Stat(path); err == nil {
				mode = fi.Mode().Type()
			}
			if mode.IsDir() {
				skip("not read: a symbolic link to a folder is not followed (move the files into data/)")
				return nil
			}
		}
		switch {
		case mode&^fs.ModeSymlink != 0:
			skip("not read: not a regular file (%s); skipped without opening it", kind(mode))
		case strings.HasSuffix(d.Name(), ".toml"):
			files = append(files, rel)
		default:
			skip("not read: only *.toml files in data/ hold records (rename it to .toml, or move it out of data/)")
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("no %s folder: put records in %s/*.toml", DataDir, DataDir)
	}
	slices.Sort(files)
	return files, skipped, err
}

// OverrideDirs are the folders of a site whose files replace the built-in
// templates and assets; the build reads them with ReadFile.
var OverrideDirs = []string{"templates", "assets"}

// checkOverrides reports, before any build, the files in OverrideDirs that
// ReadFile would refuse: links that lead out of the site and files that are
// not regular files.
func checkOverrides(dir string, l *diag.List) {
	for _, sub := range OverrideDirs {
		root := filepath.Join(dir, sub)
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil // a missing folder is fine; an unreadable one fails in the build
			}
			rel, err := filepath.Rel(dir, path)
			if err != nil {
				return nil
			}
			rel = filepath.ToSlash(rel)
			if d.Type()&fs.ModeSymlink != 0 {
				if _, err := resolve(dir, rel); err != nil {
					l.Add(diag.Diagnostic{File: rel, Line: 1, Message: readError(err)})
					return nil
				}
			}
			if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() && !fi.IsDir() {
				l.Add(diag.Diagnostic{File: rel, Line: 1, Message: fmt.Sprintf("not a regular file (%s): the build cannot use it", kind(fi.Mode()))})
			}
			return nil
		})
	}
}

// readError words an error of ReadFile for a diagnostic that already names
// the file.
func readError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

func (s *Site) loadConfig(l *diag.List) {
	src, err := ReadFile(s.Dir, ConfigFile)
	if err != nil {
		msg := readError(err)
		if errors.Is(err, fs.ErrNotExist) {
			msg = "missing: a site folder needs a site.toml (mapsite new DIR makes one)"
		}
		l.Add(diag.Diagnostic{File: ConfigFile, Line: 1, Message: msg})
		return
	}
	src = bytes.TrimPrefix(src, utf8BOM)
	md, dg := decodeTOML(ConfigFile, src, &s.Config)
	if dg != nil {
		l.Add(*dg)
		return
	}
	ix := tomlpos.Scan(src)
	written := firstWritten(ix)
	unknown := md.Undecoded()
	for i, k := range unknown {
		if i == MaxFileErrors {
			l.Add(diag.Diagnostic{File: ConfigFile, Line: 1, Column: 1,
				Message: fmt.Sprintf("too many unknown keys (%d); fix these and check again", len(unknown))})
			break
		}
		path, ok := written[k.String()]
		if !ok {
			path = k.String()
		}
		p := ix.Lookup(path)
		l.Add(diag.Diagnostic{File: ConfigFile, Line: p.Line, Column: p.Column, Field: k.String(),
			Message: fmt.Sprintf("unknown key %q%s", k[len(k)-1], configKeyHelp(k))})
	}
	for _, pr := range s.Config.validate() {
		p := ix.Lookup(pr.path)
		l.Add(diag.Diagnostic{File: ConfigFile, Line: p.Line, Column: p.Column, Field: pr.field, Message: pr.msg, Severity: pr.sev})
	}
	if b := s.Config.Map.Basemap; b != "" && basemapRE.MatchString(b) {
		// The build copies it into the output: it must be the site's own.
		f, err := Open(s.Dir, b)
		if err == nil {
			f.Close()
		} else {
			msg := readError(err)
			if errors.Is(err, fs.ErrNotExist) {
				msg = fmt.Sprintf("%q is not in the site folder (put the PMTiles file beside site.toml)", b)
			}
			p := ix.Lookup("map.basemap")
			l.Add(diag.Diagnostic{File: ConfigFile, Line: p.Line, Column: p.Column, Field: "map.basemap", Message: msg})
		}
	}
	if s.Config.Language == "" {
		s.Config.Language = "en"
	}
}

// firstWritten maps each key path without indexes (layer.colour) to the
// first written path that matches it (layer[2].colour), since the decoder
// does not say which element an unknown key is in.
func firstWritten(ix tomlpos.Index) map[string]string {
	first := make(map[string]string, len(ix))
	for path, p := range ix {
		k := stripIndexes(path)
		if best, ok := first[k]; !ok || p.Line < ix[best].Line {
			first[k] = path
		}
	}
	return first
}

func stripIndexes(path string) string {
	var b strings.Builder
	skip := false
	for _, r := range path {
		switch {
		case r == '[':
			skip = true
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var (
	utf8BOM       = []byte("\ufeff")
	decodeErrorRE = regexp.MustCompile(`^toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)
)

// decodeTOML decodes src, the text of file without a byte order mark, into
// v. Before decoding it refuses text that is not UTF-8 or nests deeper than
// MaxDepth; a syntax error becomes a diagnostic that shows the line. A panic
// in the decoder, which no input should cause, becomes a diagnostic too, so
// that one file can never take down check, build or serve.
func decodeTOML(file string, src []byte, v any) (md toml.MetaData, dg *diag.Diagnostic) {
	return decodeText(file, src, string(src), v)
}

// decodeText is decodeTOML with src also given as a string, text, which
// the decoded strings may share.
func decodeText(file string, src []byte, text string, v any) (md toml.MetaData, dg *diag.Diagnostic) {
	if dg := checkText(file, src); dg != nil {
		return md, dg
	}
	return decodeChecked(file, src, text, v)
}

// checkText refuses, before any decoding, text that is not UTF-8 or nests
// deeper than MaxDepth.
func checkText(file string, src []byte) *diag.Diagnostic {
	if bytes.HasPrefix(src, []byte{0xff, 0xfe}) || bytes.HasPrefix(src, []byte{0xfe, 0xff}) || bytes.IndexByte(src[:min(len(src), 64)], 0) >= 0 {
		return &diag.Diagnostic{File: file, Line: 1, Column: 1,
			Message: "not UTF-8: the file looks like UTF-16; save it as UTF-8, which TOML requires"}
	}
	if at, ok := tomlpos.CheckDepth(src, MaxDepth); !ok {
		return &diag.Diagnostic{File: file, Line: at.Line, Column: at.Column,
			Message: fmt.Sprintf("nested more than %d levels deep (arrays, inline tables, dotted keys); write each record as a [[record]] table", MaxDepth)}
	}
	return nil
}

// decodeRecordsText decodes src, the text of a data file of records
// without a byte order mark, also given as a string, text, as decodeText
// does. tomlfast decodes it when it can, which gives what BurntSushi gives
// (internal/tomlfast's tests compare the two on every data file of the
// repository, synthetic and hostile files and the fuzzer's), and also
// where its table headers are; it never accepts what checkText refuses.
// BurntSushi decodes every other file, and words every error; headers is
// then nil.
func decodeRecordsText(file string, src []byte, text string) (doc map[string]any, fast *tomlfast.Doc, headers []tomlfast.Header, dg *diag.Diagnostic) {
	if fastRecords {
		if fast, headers, ok := fastDecode(text); ok {
			fastDecoded.Add(1)
			return nil, fast, headers, nil
		}
	}
	_, dg = decodeText(file, src, text, &doc)
	return doc, nil, nil, dg
}

// fastRecords turns tomlfast on; tests turn it off to compare.
// fastDecoded counts the texts it decoded, for tests.
var (
	fastRecords = true
	fastDecoded atomic.Int64
)

// fastDecode is tomlfast.Decode of a file of records; a panic, which no
// input should cause, declines the file as any other problem does.
func fastDecode(text string) (doc *tomlfast.Doc, headers []tomlfast.Header, ok bool) {
	defer func() {
		if recover() != nil {
			doc, headers, ok = nil, nil, false
		}
	}()
	return tomlfast.Decode(text, "record")
}

// decodeChecked is decodeText once checkText has accepted src.
func decodeChecked(file string, src []byte, text string, v any) (md toml.MetaData, dg *diag.Diagnostic) {
	defer func() {
		if r := recover(); r != nil {
			md = toml.MetaData{}
			dg = &diag.Diagnostic{File: file, Line: 1, Column: 1,
				Message: fmt.Sprintf("the TOML decoder failed on this file (%v); look for a syntax error, and please report this", r)}
		}
	}()
	md, err := toml.Decode(text, v)
	if err != nil {
		d := syntaxError(file, src, err)
		return md, &d
	}
	return md, nil
}

// syntaxError turns a TOML decoding error into a diagnostic that shows the
// offending line. Its position comes from the error's byte offset, not from
// the decoder's line count, which is off by one in CRLF files; the excerpt
// is made here, not by toml.ParseError.ErrorWithPosition, which panics on
// some inputs.
func syntaxError(file string, src []byte, err error) diag.Diagnostic {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		// A value of the wrong type for site.toml's fields:
		// toml: line 13 (last key "map.zoom"): incompatible types: ...
		dg := diag.Diagnostic{File: file, Line: 1, Column: 1, Message: strings.TrimPrefix(err.Error(), "toml: ")}
		if m := decodeErrorRE.FindStringSubmatch(err.Error()); m != nil {
			dg.Line, _ = strconv.Atoi(m[1])
			dg.Column = 1
			dg.Field, dg.Message = m[2], m[3]
			if p, ok := tomlpos.Scan(src)[m[2]]; ok {
				dg.Line, dg.Column = p.Line, p.Column
			}
		}
		return dg
	}
	msg := pe.Message
	if pe.Usage != "" {
		msg += "; " + strings.Join(strings.Fields(pe.Usage), " ")
	}
	at := tomlpos.At(src, pe.Position.Start)
	return diag.Diagnostic{File: file, Line: at.Line, Column: at.Column,
		Message: "TOML syntax: " + msg, Source: tomlpos.Excerpt(src, at.Line, at.Column, 100)}
}

// suggest returns ` (did you mean "x"?)` for the closest of known, if any is
// close enough.
func suggest(s string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(s, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
