package build

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"iter"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unsafe"
)

// ManifestName is the file, beside the Marker in every output folder, that
// lists each file of the output with its size, the digest of its bytes
// when it is small (see hashed), and, for a record page, the input key it
// was rendered from (see pageKeys): the next build into the folder takes
// from it every file that would come out the same. It is written just
// before the marker.
const ManifestName = ".mapsite-manifest"

// manifestHeader starts a manifest, with the version of the key scheme:
// a manifest of another version is ignored, and every file made again.
const manifestHeader = "mapsite manifest 2; " + keyVersion + "\n"

// A manifest is what a build knows of the files of an output, by slash
// path.
type manifest map[string]entry

// madeFiles is the manifest of the files a build has put so far, which
// every worker writes at once: in shards, each with a lock of its own. One
// lock was taken by two workers about 200,000 times in a one-edit rebuild
// at 100,000 records, and waiting for it cost more than the map.
//
// Given the spare's manifest (follow), the entries of the paths it lists
// are kept by its line numbers instead, under the shard lock of the line:
// no map insert for them, and the manifest is encoded by walking those
// lines, already in order, merged with the few other paths, sorted. At
// 100,000 records that saves the insert and the sort of 100,000 paths.
type madeFiles struct {
	shards [madeShards]madeShard
	listed manifest   // the spare's manifest, whose paths lines keeps; nil without
	lines  []madeLine // the paths of listed set so far, by line: in order
	// room is the room a shard's map is made with, at its first entry:
	// made up front, they were 9 MB at 100,000 records that follow then
	// dropped.
	room int
}

const madeShards = 64

type madeShard struct {
	mu    sync.Mutex
	m     manifest
	lined int      // lines set under this lock
	_     [40]byte // a cache line of its own
}

// A madeLine is a path of madeFiles.listed, once set, and its entry.
type madeLine struct {
	p   string
	e   entry
	set bool
}

var madeSeed = maphash.MakeSeed()

// newMadeFiles returns an empty madeFiles with room for about n files.
func newMadeFiles(n int) *madeFiles {
	return &madeFiles{room: n/madeShards + 1}
}

// follow makes f keep the entries of the paths that listed, a decoded
// manifest, lists by their lines (see madeFiles). It must be called
// before any entry is set. A manifest whose lines are not numbered, as
// one made in memory, is not followed: decodeManifest numbers all of them
// or none.
func (f *madeFiles) follow(listed manifest) {
	for _, e := range listed {
		if e.line <= 0 {
			return
		}
		break
	}
	f.listed, f.lines = listed, make([]madeLine, len(listed))
	f.room = 64
}

// line returns the index in f.lines of p, or -1 when it is not listed.
func (f *madeFiles) line(p string) int {
	if e, ok := f.listed[p]; ok && e.line > 0 && int(e.line) <= len(f.lines) {
		return int(e.line) - 1
	}
	return -1
}

func (f *madeFiles) shard(p string) *madeShard {
	return &f.shards[maphash.String(madeSeed, p)%madeShards]
}

// get returns the entry of p, and whether there is one.
func (f *madeFiles) get(p string) (entry, bool) {
	if i := f.line(p); i >= 0 {
		s := &f.shards[i%madeShards]
		s.mu.Lock()
		l := f.lines[i]
		s.mu.Unlock()
		return l.e, l.set
	}
	s := f.shard(p)
	s.mu.Lock()
	e, ok := s.m[p]
	s.mu.Unlock()
	return e, ok
}

// set makes e the entry of p, and reports whether p had none.
func (f *madeFiles) set(p string, e entry) bool { return f.setAt(p, e, f.line(p)) }

// setListed is set of a path of the listed manifest, whose entry there is
// listed: its line is known, not looked up again.
func (f *madeFiles) setListed(p string, e, listed entry) bool {
	i := -1
	if f.listed != nil && listed.line > 0 && int(listed.line) <= len(f.lines) {
		i = int(listed.line) - 1
	}
	return f.setAt(p, e, i)
}

// setAt is set, given the index of p in f.lines (see line).
func (f *madeFiles) setAt(p string, e entry, i int) bool {
	if i >= 0 {
		s := &f.shards[i%madeShards]
		s.mu.Lock()
		l := &f.lines[i]
		had := l.set
		l.p, l.e, l.set = p, e, true
		if !had {
			s.lined++
		}
		s.mu.Unlock()
		return !had
	}
	s := f.shard(p)
	s.mu.Lock()
	if s.m == nil {
		s.m = make(manifest, f.room)
	}
	n := len(s.m)
	s.m[p] = e // one map operation: the length tells whether p is new
	added := len(s.m) > n
	s.mu.Unlock()
	return added
}

// len returns the number of entries.
func (f *madeFiles) len() int {
	n := 0
	for i := range f.shards {
		s := &f.shards[i]
		s.mu.Lock()
		n += len(s.m) + s.lined
		s.mu.Unlock()
	}
	return n
}

// encode is manifest.encode of the entries. Nothing may set an entry
// meanwhile.
func (f *madeFiles) encode() []byte {
	// The paths not listed by line (all of them in a build from nothing:
	// 103,000 at 100,000 records) are sorted in two halves at once, then
	// merged: the manifest is made at the end of a build, when the other
	// core has only the index of encodings to make.
	half := func(shards []madeShard) []pathLine {
		n := 0
		for i := range shards {
			n += len(shards[i].m)
		}
		return sortedLines(n, func(yield func(string, entry) bool) {
			for i := range shards {
				for p, e := range shards[i].m {
					if !yield(p, e) {
						return
					}
				}
			}
		})
	}
	others := 0
	for i := range f.shards {
		others += len(f.shards[i].m)
	}
	var rest []pathLine
	if others < parallelSortMin {
		rest = half(f.shards[:])
	} else {
		var upper []pathLine
		var wg sync.WaitGroup
		wg.Go(func() { upper = half(f.shards[madeShards/2:]) })
		lower := half(f.shards[:madeShards/2])
		wg.Wait()
		rest = mergeLines(lower, upper)
	}
	b := make([]byte, 0, len(manifestHeader)+f.len()*96)
	b = append(b, manifestHeader...)
	for i := range f.lines {
		l := &f.lines[i]
		if !l.set { // listable: see decodeManifest
			continue
		}
		for len(rest) > 0 && rest[0].p < l.p {
			b = appendLine(b, rest[0].p, rest[0].e)
			rest = rest[1:]
		}
		b = appendLine(b, l.p, &l.e)
	}
	if len(rest) < parallelSortMin {
		for _, l := range rest {
			b = appendLine(b, l.p, l.e)
		}
		return b
	}
	// Many lines left (a build from nothing): the second half's text is
	// made on a goroutine of its own.
	var upper []byte
	var wg sync.WaitGroup
	mid := len(rest) / 2
	wg.Go(func() {
		upper = make([]byte, 0, (len(rest)-mid)*96)
		for _, l := range rest[mid:] {
			upper = appendLine(upper, l.p, l.e)
		}
	})
	for _, l := range rest[:mid] {
		b = appendLine(b, l.p, l.e)
	}
	wg.Wait()
	return append(b, upper...)
}

// parallelSortMin is the number of paths from which madeFiles.encode
// sorts them, and writes their lines, on two goroutines.
const parallelSortMin = 8192

// mergeLines merges a and b, each sorted by path, into one such list.
// No path is in both.
func mergeLines(a, b []pathLine) []pathLine {
	out := make([]pathLine, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0].p < b[0].p {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	out = append(out, a...)
	return append(out, b...)
}

type entry struct {
	sum    digest // of the bytes, when summed
	size   int64
	key    digest // of the inputs, for a record page
	keyed  bool
	summed bool
	// line is the number of the entry's line in the manifest it was read
	// from, counted from 1 after the header, when that manifest's paths
	// were in order and each one listable (see madeFiles.follow); else 0.
	line int32
}

// hashed reports whether a file of size bytes, with an input key or not,
// is listed with the digest of its bytes. A large file is compared with
// the old one byte for byte instead, when their sizes are equal (reading
// and comparing costs a third of hashing, and a file of another size
// differs anyway), and a record page is taken by its key, not its bytes:
// a build then hashes neither the 100,000 record pages of a large site
// nor the hundreds of megabytes of GeoJSON, CSV and map data that a
// one-record edit changes. The choice depends only on the file, so a
// build from nothing lists the same as a build that takes from an old
// output.
func hashed(size int, keyed bool) bool { return size < bigFile && !keyed }

// encode returns the manifest's text: the header, then a line per file,
// sorted by path: "<sum or -> <size> <key or -> <path>".
func (m manifest) encode() []byte { return encodeEntries(len(m), maps.All(m)) }

// encodeEntries is encode of the n entries all yields.
func encodeEntries(n int, all iter.Seq2[string, entry]) []byte {
	lines := sortedLines(n, all)
	b := make([]byte, 0, len(manifestHeader)+len(lines)*96)
	b = append(b, manifestHeader...)
	for _, l := range lines {
		b = appendLine(b, l.p, l.e)
	}
	return b
}

// A pathLine is a path of a manifest with its entry.
type pathLine struct {
	p string
	e *entry
}

// sortedLines returns the n entries all yields that a manifest can list
// (see listable), sorted by path. Each path is sorted with its entry,
// which is then not looked up again (103,000 lookups at 100,000 records).
func sortedLines(n int, all iter.Seq2[string, entry]) []pathLine {
	entries := make([]entry, 0, n)
	lines := make([]pathLine, 0, n)
	for p, e := range all {
		if listable(p) {
			entries = append(entries, e)
			lines = append(lines, pathLine{p, &entries[len(entries)-1]})
		}
	}
	slices.SortFunc(lines, func(a, b pathLine) int { return strings.Compare(a.p, b.p) })
	return lines
}

// listable reports whether a manifest can list the path p: one line.
func listable(p string) bool {
	return strings.IndexByte(p, '\n') < 0 && strings.IndexByte(p, '\r') < 0
}

// appendLine appends the manifest's line of p, whose entry is e.
func appendLine(b []byte, p string, e *entry) []byte {
	if e.summed {
		b = hex.AppendEncode(b, e.sum[:])
	} else {
		b = append(b, '-')
	}
	b = append(b, ' ')
	b = strconv.AppendInt(b, e.size, 10)
	b = append(b, ' ')
	if e.keyed {
		b = hex.AppendEncode(b, e.key[:])
	} else {
		b = append(b, '-')
	}
	b = append(b, ' ')
	b = append(b, p...)
	return append(b, '\n')
}

// decodeManifest reads a manifest's text. It is read field by field in
// place, and the paths are pieces of b, which the manifest keeps: b must
// not change after (at 100,000 records, a copy is 7 MB of new memory).
func decodeManifest(b []byte) (manifest, error) {
	text, err := manifestLines(b)
	if err != nil {
		return nil, err
	}
	m := make(manifest, strings.Count(text, "\n"))
	last, sorted := "", true
	for n := int32(1); len(text) > 0; n++ {
		end := strings.IndexByte(text, '\n')
		if end < 0 {
			return nil, errors.New("truncated")
		}
		e, f, err := parseLine(text[:end])
		if err != nil {
			return nil, err
		}
		text = text[end+1:]
		if sorted = sorted && (n == 1 || last < f) && strings.IndexByte(f, '\r') < 0; sorted {
			e.line = n
		}
		m[f], last = e, f
	}
	if !sorted {
		for p, e := range m {
			e.line = 0
			m[p] = e
		}
	}
	return m, nil
}

// manifestLines returns the lines of the manifest b, after its header, as
// a string that shares b's bytes.
func manifestLines(b []byte) (string, error) {
	rest, ok := bytes.CutPrefix(b, []byte(manifestHeader))
	if !ok {
		return "", errors.New("not a manifest of this version")
	}
	return unsafe.String(unsafe.SliceData(rest), len(rest)), nil
}

// parseLine reads a manifest's line, "<sum or -> <size> <key or -> <path>"
// without its line break: the entry (line unset) and the path.
func parseLine(line string) (entry, string, error) {
	var e entry
	f := line
	var err error
	if e.summed, f, err = digestField(f, &e.sum); err != nil {
		return e, "", fmt.Errorf("bad line %q", line)
	}
	size, k := int64(0), 0
	for k < len(f) && '0' <= f[k] && f[k] <= '9' && k < 18 {
		size = size*10 + int64(f[k]-'0')
		k++
	}
	if k == 0 || k >= len(f) || f[k] != ' ' {
		return e, "", fmt.Errorf("bad size in %q", line)
	}
	e.size, f = size, f[k+1:]
	if e.keyed, f, err = digestField(f, &e.key); err != nil || len(f) == 0 {
		return e, "", fmt.Errorf("bad line %q", line)
	}
	return e, f, nil
}

// A liveManifest is the manifest of the output a build replaces, decoded
// (m), or its text read in place: beside a spare, which the build takes
// its files from first, the output's is looked up for a few hundred
// paths, and decoding its 103,000 lines into a map at 100,000 records
// (about 30 ms of CPU and 17 MB) was mostly wasted. Its lines are then
// found by binary search of their paths, in order. A nil *liveManifest
// is none.
type liveManifest struct {
	m      manifest
	text   string  // the lines after the header, their paths in order
	starts []int32 // where each line starts in text, and then len(text)
	paths  []int32 // where each line's path starts in text
}

// mappedManifest returns m as a liveManifest (nil for nil).
func mappedManifest(m manifest) *liveManifest {
	if m == nil {
		return nil
	}
	return &liveManifest{m: m}
}

// indexManifest reads the manifest b in place when its paths are in
// order and each a line (all a build writes are), and decodes it
// otherwise. Each line is read, so that a manifest that cannot be read is
// refused, as decodeManifest refuses it.
func indexManifest(b []byte) (*liveManifest, error) {
	text, err := manifestLines(b)
	if err != nil {
		return nil, err
	}
	n := strings.Count(text, "\n")
	l := &liveManifest{text: text, starts: make([]int32, 0, n+1), paths: make([]int32, 0, n)}
	last := ""
	for at := 0; at < len(text); {
		end := strings.IndexByte(text[at:], '\n')
		if end < 0 {
			return nil, errors.New("truncated")
		}
		_, p, err := parseLine(text[at : at+end])
		if err != nil {
			return nil, err
		}
		if len(l.paths) > 0 && last >= p || strings.IndexByte(p, '\r') >= 0 || len(text) > math.MaxInt32 {
			m, err := decodeManifest(b) // not in order: decoded
			return mappedManifest(m), err
		}
		l.starts = append(l.starts, int32(at))
		l.paths = append(l.paths, int32(at+end-len(p)))
		last, at = p, at+end+1
	}
	l.starts = append(l.starts, int32(len(text)))
	return l, nil
}

// path returns the path of the i-th line.
func (l *liveManifest) path(i int) string { return l.text[l.paths[i] : l.starts[i+1]-1] }

// entry returns the entry of the i-th line.
func (l *liveManifest) entry(i int) entry {
	e, _, _ := parseLine(l.text[l.starts[i] : l.starts[i+1]-1]) // read once already
	return e
}

// get returns the entry of p, and whether there is one.
func (l *liveManifest) get(p string) (entry, bool) {
	switch {
	case l == nil:
		return entry{}, false
	case l.m != nil:
		e, ok := l.m[p]
		return e, ok
	}
	i := sort.Search(len(l.paths), func(i int) bool { return l.path(i) >= p })
	if i < len(l.paths) && l.path(i) == p {
		return l.entry(i), true
	}
	return entry{}, false
}

// len returns the number of entries.
func (l *liveManifest) len() int {
	switch {
	case l == nil:
		return 0
	case l.m != nil:
		return len(l.m)
	}
	return len(l.paths)
}

// under yields the entries whose paths start with dir.
func (l *liveManifest) under(dir string) iter.Seq2[string, entry] {
	return func(yield func(string, entry) bool) {
		switch {
		case l == nil:
			return
		case l.m != nil:
			for p, e := range l.m {
				if strings.HasPrefix(p, dir) && !yield(p, e) {
					return
				}
			}
			return
		}
		for i := sort.Search(len(l.paths), func(i int) bool { return l.path(i) >= dir }); i < len(l.paths); i++ {
			p := l.path(i)
			if !strings.HasPrefix(p, dir) || !yield(p, l.entry(i)) {
				return
			}
		}
	}
}

// digestField reads "<digest in hex or -> " from the start of f into d,
// and returns whether it was a digest, and the rest of f.
func digestField(f string, d *digest) (bool, string, error) {
	if len(f) >= 2 && f[0] == '-' && f[1] == ' ' {
		return false, f[2:], nil
	}
	n := 2 * len(d)
	if len(f) <= n || f[n] != ' ' {
		return false, f, errors.New("bad digest")
	}
	if _, err := hex.Decode(d[:], unsafe.Slice(unsafe.StringData(f), n)); err != nil {
		return false, f, err
	}
	return true, f[n+1:], nil
}

// previous returns the manifest of the output folder as it is, or nil
// when it has none that this build can trust: no marker (not a whole
// output), no manifest, or one of another version. text is its text
// (readManifestText); beside a spare, it is read in place (see
// liveManifest).
func (o *output) previous(text []byte, spare bool) *liveManifest {
	if text == nil {
		return nil
	}
	var (
		l   *liveManifest
		err error
	)
	if spare {
		l, err = indexManifest(text)
	} else {
		var m manifest
		m, err = decodeManifest(text)
		l = mappedManifest(m)
	}
	if err != nil {
		fmt.Fprintf(o.log, "ignoring %s in %s (%v): every file is made again\n", ManifestName, o.name, err)
		return nil
	}
	return l
}

// readManifestText returns the manifest's text of the whole output tree
// dir: nil without a marker or a manifest.
func readManifestText(dir string) []byte {
	if _, err := os.Lstat(filepath.Join(dir, Marker)); err != nil {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		return nil
	}
	return b
}

// readManifest returns the manifest of the whole output tree dir, or nil
// when it has none that a build can trust (see previous).
func readManifest(dir string) manifest {
	m, _ := loadManifest(dir)
	return m
}

// loadManifest reads the manifest of the output tree dir: nil without a
// marker or a manifest, and an error for a manifest that cannot be read.
func loadManifest(dir string) (manifest, error) {
	b := readManifestText(dir)
	if b == nil {
		return nil, nil
	}
	return decodeManifest(b)
}
