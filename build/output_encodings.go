package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/mapsite/mapsite/internal/crc"
)

// The index of encodings. Beside a large output (one that keeps a spare
// tree, see output_spare.go), a build leaves ".<name>.encodings": where
// each record's GeoJSON feature lies in the output's layers/all.geojson,
// and its row in incidents.csv, with the keys they were made from (the
// record's digest and attribution label, or the base URL; see
// featureCache). The next build reads those two files back and takes from
// them the encodings of every record whose key is unchanged, instead of
// encoding 100,000 features and rows again after a one-record edit.
//
// The index is trusted only for the very files it was made with: it names
// the binary that made it and, for both files, the size, the modification
// time, the file number (inode) and the time of the last change of status
// (see fileStamp), and the files must have the same: a build never writes
// into a file of the output (it makes a new one, or writes into the
// spare's, see output_patch.go, which the index stamps afterwards), and a
// file replaced or edited by hand has a new number or a new status time,
// whatever its modification time.
// The output's manifest must list them with the same size. A build with
// another binary, or after the output changed in any other way, ignores
// it. (The files' digests served this before; a build no longer makes
// them, see hashed.) Where the system offers no file numbers, no index is
// written.

// encodingsSuffix names the index beside the output.
const encodingsSuffix = ".encodings"

const encodingsHeader = "mapsite encodings 5\n"

// The files whose encodings are indexed, with the bytes between two
// encodings in each.
var indexedFiles = []struct {
	path  string
	cache *featureCache
	gap   int
}{
	{"layers/all.geojson", &lastFeatures, 1}, // features joined by ","
	{"incidents.csv", &lastCSVRows, 0},       // rows, each with its line end
	{tablePage, &tableRowIndex, 0},           // the table page's rows, one after the other
}

// tablePage is the table page's path.
const tablePage = "incidents/index.html"

// spans says where the encodings of one file lie: the i-th, made from
// keys[i], is at off[i], n[i] bytes long.
type spans struct {
	keys []featureKey
	off  []int
	n    []int
}

// locate finds the encodings e, one after the other and gap bytes apart,
// in b, the file made of them; nil when they are not all there, in order.
func locate(b []byte, e *encoded, gap int) *spans {
	s := &spans{keys: e.keys, off: make([]int, len(e.b)), n: make([]int, len(e.b))}
	if len(e.b) == 0 {
		return s
	}
	pos := bytes.Index(b, e.b[0])
	if pos < 0 {
		return nil
	}
	for i, x := range e.b {
		if i > 0 {
			pos += gap
		}
		if pos > len(b) || !bytes.HasPrefix(b[pos:], x) {
			return nil
		}
		s.off[i], s.n[i] = pos, len(x)
		pos += len(x)
	}
	return s
}

// note takes, from the file p that the build puts (when it is one of
// indexedFiles), where each encoding lies in it, for the index.
func (s *dirSink) note(p string, b []byte) {
	noteScriptPut(p, b)
	for i, f := range indexedFiles {
		if f.path != p || s.spans == nil {
			continue
		}
		if e := f.cache.takeMade(); e != nil {
			s.mu.Lock()
			s.spans[i] = locate(b, e, f.gap)
			s.mu.Unlock()
		}
	}
}

// encodeIndex returns the index of the encodings in the files of made,
// the manifest of the tree root. Its form: the header, the binary's
// digest, then for each indexed file its path and whether it is indexed
// (a file whose encodings were not found, such as a table page of the
// site's own template, is not); for those that are, the file number,
// status time, size and modification time, its labels, and per encoding
// the record's digest, the number of its label, the gap before it and its
// length. writeIndex appends the chunks (encodeBuilt), the columns
// (encodeColumns), their runs' digests (encodeRuns), what the files of the
// tree swapped out hold of the new ones (encodeBases) and, last, the
// CRC-32C of all of it.
func encodeIndex(root string, made *madeFiles, all []*spans) ([]byte, error) {
	bin := binaryDigest()
	b := append([]byte(encodingsHeader), bin[:]...)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for i, f := range indexedFiles {
		s := all[i]
		e, _ := made.get(f.path)
		str(f.path)
		if s == nil {
			b = append(b, 0)
			continue
		}
		b = append(b, 1)
		fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(f.path)))
		if err != nil {
			return nil, err
		}
		number, changed, ok := fileStamp(fi)
		if !ok {
			return nil, errors.New("no file numbers on this system")
		}
		b = binary.AppendUvarint(b, number)
		b = binary.AppendVarint(b, changed)
		b = binary.AppendUvarint(b, uint64(e.size))
		b = binary.AppendVarint(b, fi.ModTime().UnixNano())
		labels := map[string]int{}
		var names []string
		for _, k := range s.keys {
			if _, ok := labels[k.label]; !ok {
				labels[k.label] = len(names)
				names = append(names, k.label)
			}
		}
		b = binary.AppendUvarint(b, uint64(len(names)))
		for _, n := range names {
			str(n)
		}
		b = binary.AppendUvarint(b, uint64(len(s.keys)))
		end := 0
		for j, k := range s.keys {
			b = append(b, k.record[:]...)
			b = binary.AppendUvarint(b, uint64(labels[k.label]))
			b = binary.AppendUvarint(b, uint64(s.off[j]-end))
			b = binary.AppendUvarint(b, uint64(s.n[j]))
			end = s.off[j] + s.n[j]
		}
	}
	return b, nil
}

// indexReader reads an index, remembering its first error.
type indexReader struct {
	b   []byte
	err error
}

var errBadIndex = errors.New("damaged index of encodings")

func (r *indexReader) uint() int {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > 1<<40 {
		r.err, r.b = errBadIndex, nil
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

func (r *indexReader) bytes(n int) []byte {
	if n > len(r.b) {
		r.err, r.b = errBadIndex, nil
		return make([]byte, n)
	}
	x := r.b[:n:n]
	r.b = r.b[n:]
	return x
}

func (r *indexReader) number() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err, r.b = errBadIndex, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *indexReader) str() string { return string(r.bytes(r.uint())) }

func (r *indexReader) int() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err, r.b = errBadIndex, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

// decodeIndex reads an index made by this binary and returns, for each of
// indexedFiles, the encodings it lists by key, read from the file in the
// output tree root, whose manifest is live: nil for a file that is not
// the one the index was made with.
func decodeIndex(b []byte, live *liveManifest, root string, pf *priorFiles) ([]*priorEncoded, map[string]builtFile, error) {
	rest, ok := bytes.CutPrefix(b, []byte(encodingsHeader))
	bin := binaryDigest()
	if !ok || !bytes.HasPrefix(rest, bin[:]) {
		return nil, nil, errors.New("made by another version")
	}
	if len(b) < len(encodingsHeader)+len(bin)+4 {
		return nil, nil, errBadIndex
	}
	if _, ok := crc.Trim(b); !ok {
		return nil, nil, errBadIndex
	}
	rest = rest[:len(rest)-4]
	r := &indexReader{b: rest[len(bin):]}
	out := make([]*priorEncoded, len(indexedFiles))
	type span struct {
		k        featureKey
		off, end int
	}
	for i, f := range indexedFiles {
		path := r.str()
		if indexed := r.uint(); r.err != nil || path != f.path || indexed > 1 {
			return nil, nil, errBadIndex
		} else if indexed == 0 {
			continue
		}
		number := r.number()
		changed := r.int()
		size := r.uint()
		mtime := r.int()
		labels := make([]string, min(r.uint(), len(r.b)))
		for j := range labels {
			labels[j] = r.str()
		}
		n := r.uint()
		if r.err != nil || n > len(r.b) {
			return nil, nil, errBadIndex
		}
		spans := make([]span, n)
		end := 0
		for j := range spans {
			sp := &spans[j]
			copy(sp.k.record[:], r.bytes(len(sp.k.record)))
			l := r.uint()
			sp.off = end + r.uint()
			sp.end = sp.off + r.uint()
			end = sp.end
			if r.err != nil || l >= len(labels) || end > size {
				return nil, nil, errBadIndex
			}
			sp.k.label = labels[l]
		}
		name := filepath.Join(root, filepath.FromSlash(path))
		if e, ok := live.get(path); !ok || e.size != int64(size) {
			continue // made for another output
		}
		fi, err := os.Lstat(name)
		if err != nil || fi.Size() != int64(size) || fi.ModTime().UnixNano() != mtime {
			continue // changed since
		}
		if n, c, ok := fileStamp(fi); !ok || n != number || c != changed {
			continue // another file, or changed since
		}
		file, err := pf.read(path, name, size)
		if err != nil {
			continue
		}
		pf.stamp(path, fileID{number, changed, mtime, int64(size)})
		p := &priorEncoded{keys: make([]featureKey, n), b: make([][]byte, n)}
		for j, sp := range spans {
			p.keys[j], p.b[j] = sp.k, file[sp.off:sp.end:sp.end]
		}
		out[i] = p
	}
	built := decodeBuilt(r, live, root)
	columns := decodeColumns(r, live, root, pf)
	runs := decodeRuns(r)
	bases := decodeBases(r)
	if r.err != nil || len(r.b) != 0 {
		return nil, nil, errBadIndex
	}
	pf.mu.Lock()
	pf.bases = bases
	pf.mu.Unlock()
	resetColumns(columns)
	lastColumnsBuilt.Lock()
	lastColumnsBuilt.priorRuns = runs
	lastColumnsBuilt.Unlock()
	return out, built, nil
}

// priorEncodings gives indexedFiles' caches the encodings the index beside
// the output lists (none when it has none this build can trust), and has
// them keep this build's for its index. It returns the output's files it
// read them from (see priorFiles), which the build lets go of at its end
// (see endBuild).
func (o *output) priorEncodings(live *liveManifest) *priorFiles {
	var prior []*priorEncoded
	var built map[string]builtFile
	resetColumns(nil)
	pf := &priorFiles{byPath: map[string]*priorFile{}}
	if b, err := os.ReadFile(o.sibling(encodingsSuffix)); err == nil && live != nil {
		if prior, built, err = decodeIndex(b, live, o.dir, pf); err != nil {
			pf.close() // nothing taken from them
			pf = &priorFiles{byPath: map[string]*priorFile{}}
		}
	}
	lastBuilt.Lock()
	lastBuilt.prior, lastBuilt.made, lastBuilt.sink = built, nil, nil
	lastBuilt.priors = pf
	lastBuilt.Unlock()
	for i, f := range indexedFiles {
		if prior != nil {
			f.cache.forBuild(prior[i], true)
		} else {
			f.cache.forBuild(nil, true)
		}
	}
	return pf
}

// priorFiles are the files of the output a build replaces whose
// encodings or columns it takes (see decodeIndex), by slash path. They
// are mapped into memory, not read: an encoding taken costs nothing until
// its bytes are read, and the files the build makes from them copy runs
// of them from file to file (see pieceFile.write) without reading them at
// all. The output does not change while the build holds its lock, and no
// build ever writes into a file of it (the files are not to be edited
// by hand either: one cut short meanwhile would end the build). A process
// with a Renderer, whose encodings outlive the build, reads them into
// memory instead.
type priorFiles struct {
	mu     sync.Mutex
	byPath map[string]*priorFile
	bases  map[string]spareBase // the spare's files, as the index knows them (see output_patch.go)
}

type priorFile struct {
	b     []byte
	f     *os.File // the file, open; nil when b was read
	unmap func()
	// id is the file's stamp, as the index that listed it had it (when
	// stamped).
	id      fileID
	stamped bool
}

// stamp notes the stamp of the file at p, as the index had it.
func (pf *priorFiles) stamp(p string, id fileID) {
	if f := pf.get(p); f != nil {
		pf.mu.Lock()
		f.id, f.stamped = id, true
		pf.mu.Unlock()
	}
}

// base returns what the index says of the spare's file at p.
func (pf *priorFiles) base(p string) (spareBase, bool) {
	if pf == nil {
		return spareBase{}, false
	}
	pf.mu.Lock()
	defer pf.mu.Unlock()
	b, ok := pf.bases[p]
	return b, ok
}

// read returns the bytes of the output's file name, at slash path p,
// which the index says is size bytes long.
func (pf *priorFiles) read(p, name string, size int) ([]byte, error) {
	if keepEncodings.Load() {
		b, err := os.ReadFile(name)
		if err == nil && len(b) != size {
			err = errBadIndex
		}
		return b, err
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || fi.Size() != int64(size) {
		f.Close()
		return nil, errBadIndex
	}
	b, unmap, err := mapFile(f, size)
	if err != nil {
		f.Close()
		return nil, err
	}
	pf.mu.Lock()
	pf.byPath[p] = &priorFile{b: b, f: f, unmap: unmap}
	pf.mu.Unlock()
	return b, nil
}

// get returns the output's file at slash path p, when it is mapped.
func (pf *priorFiles) get(p string) *priorFile {
	if pf == nil {
		return nil
	}
	pf.mu.Lock()
	defer pf.mu.Unlock()
	return pf.byPath[p]
}

// close lets go of the files: no slice of them may be used after.
func (pf *priorFiles) close() {
	if pf == nil {
		return
	}
	pf.mu.Lock()
	defer pf.mu.Unlock()
	for p, f := range pf.byPath {
		f.unmap()
		f.f.Close()
		delete(pf.byPath, p)
	}
}

// dropPages lets the system take back the pages of the mapped files
// that the build has read, but those of the files at the paths keep
// (see dropPages): at 100,000 records, the features of all.geojson read
// for the layer file and the detail chunk that changed, the map data's
// columns, the table's rows. They are read again, should they be.
func (pf *priorFiles) dropPages(keep ...string) {
	if pf == nil {
		return
	}
	pf.mu.Lock()
	defer pf.mu.Unlock()
	for p, f := range pf.byPath {
		if !slices.Contains(keep, p) {
			dropPages(f.b)
		}
	}
}

// drop drops the pages of the mapped file at p (see dropPages).
func (pf *priorFiles) drop(p string) {
	if f := pf.get(p); f != nil {
		dropPages(f.b)
	}
}

// dropPriorPages drops the pages of the current build's mapped files (see
// priorFiles.dropPages) but those of the files at the paths keep.
func dropPriorPages(keep ...string) {
	lastBuilt.Lock()
	pf := lastBuilt.priors
	lastBuilt.Unlock()
	pf.dropPages(keep...)
}

// offset returns where piece lies in the file, when it is a slice of its
// bytes.
func (f *priorFile) offset(piece []byte) (int, bool) {
	if len(piece) == 0 || len(f.b) == 0 {
		return 0, false
	}
	at := uintptr(unsafe.Pointer(unsafe.SliceData(piece)))
	base := uintptr(unsafe.Pointer(unsafe.SliceData(f.b)))
	if at < base || at-base+uintptr(len(piece)) > uintptr(len(f.b)) {
		return 0, false
	}
	return int(at - base), true
}

// inPlace reports whether piece is the very slice of the file at off.
func (f *priorFile) inPlace(off int, piece []byte) bool {
	at, ok := f.offset(piece)
	return ok && at == off
}

// holdsAt reports whether the file holds piece at off: without reading
// it when piece is that very slice of it.
func (f *priorFile) holdsAt(off int, piece []byte) bool {
	if at, ok := f.offset(piece); ok && at == off {
		return true
	}
	return off+len(piece) <= len(f.b) && bytes.Equal(f.b[off:off+len(piece)], piece)
}

// writeIndex leaves beside the output the index of the encodings of the
// tree made through s (see note), when keep is set and the build found
// any; else it removes any index there. The index is written to a
// temporary file first, then renamed over the old one.
func (o *output) writeIndex(s *dirSink, keep bool) error {
	b, err := indexText(s, keep)
	if err != nil {
		return err
	}
	return o.putIndex(b)
}

// indexText returns the index that writeIndex writes: nil when there is
// none to write.
func indexText(s *dirSink, keep bool) ([]byte, error) {
	found := false
	for _, sp := range s.spans {
		found = found || sp != nil
	}
	if !keep || !found {
		return nil, nil
	}
	b, err := encodeIndex(s.root, s.made, s.spans)
	if err != nil {
		return nil, err
	}
	lastBuilt.Lock()
	b = encodeBuilt(b, s.root, lastBuilt.made)
	lastBuilt.Unlock()
	b = encodeColumns(b, s.root)
	lastColumnsBuilt.Lock()
	b = encodeRuns(b, lastColumnsBuilt.madeRuns)
	lastColumnsBuilt.Unlock()
	s.mu.Lock()
	b = encodeBases(b, s.bases)
	s.mu.Unlock()
	return crc.Append(b), nil
}

// putIndex writes the index b (see indexText) beside the output, or
// removes the one there when b is nil.
func (o *output) putIndex(b []byte) error {
	path := o.sibling(encodingsSuffix)
	if b == nil {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	tmp := o.sibling(".new-" + randomName() + encodingsSuffix)
	if err := writeFile(tmp, b); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// Built files. The map's chunks are each made from a run of records (see
// mapData): a detail chunk from their features, a text chunk from their
// summaries. The index also lists, by chunk key, the digest of what each
// chunk of the output was made from (chunkInputs) and its path; a build
// whose chunk has the same inputs takes the output's file as it is (see
// putUnchanged), without making, hashing or comparing its bytes. A file is
// trusted as the encodings are: by its size in the manifest and its
// file number, status and modification times.

// builtTaken counts the chunks taken unchanged, for tests.
var builtTaken atomic.Int64

// builtFile is a chunk as the index lists it.
type builtFile struct {
	inputs digest
	path   string // in the output
}

// lastBuilt is the current build's: what the output it replaces holds
// (prior), what it makes (made, for its index), and its sink. A build
// sets it in output.begin and clears it in output.close; Render and a
// Renderer never set it.
var lastBuilt struct {
	sync.Mutex
	prior  map[string]builtFile // by chunk key
	made   map[string]builtFile
	sink   *dirSink
	priors *priorFiles // the output's files the encodings are taken from
}

// takesBuilt has the chunks of the build through s take unchanged files
// from those the index listed (see priorEncodings), and note theirs for
// the build's index.
func (s *dirSink) takesBuilt() {
	lastBuilt.Lock()
	lastBuilt.made, lastBuilt.sink = map[string]builtFile{}, s
	lastBuilt.Unlock()
	lastColumnsBuilt.Lock()
	lastColumnsBuilt.made = []namedColumn{}
	lastColumnsBuilt.Unlock()
}

// endBuild forgets the build's chunks and sink, and lets go of the
// output's files it took encodings from.
func endBuild() {
	lastBuilt.Lock()
	priors := lastBuilt.priors
	lastBuilt.prior, lastBuilt.made, lastBuilt.sink, lastBuilt.priors = nil, nil, nil, nil
	lastBuilt.Unlock()
	resetColumns(nil)
	for _, f := range indexedFiles {
		f.cache.forBuild(nil, false) // nothing read from the files kept
	}
	priors.close()
}

// builtWanted reports whether a build is noting its chunks.
func builtWanted() bool {
	lastBuilt.Lock()
	defer lastBuilt.Unlock()
	return lastBuilt.made != nil
}

// noteBuilt notes that the chunk key of this build, at path, was made
// from inputs.
func noteBuilt(key string, inputs digest, path string) {
	lastBuilt.Lock()
	if lastBuilt.made != nil {
		lastBuilt.made[key] = builtFile{inputs, path}
	}
	lastBuilt.Unlock()
}

// takeBuilt puts the output's chunk key into the build, unchanged, when
// it was made from inputs, and returns its path; "" when the build must
// make it.
func takeBuilt(key string, inputs digest) (string, error) {
	lastBuilt.Lock()
	f, ok := lastBuilt.prior[key]
	s := lastBuilt.sink
	lastBuilt.Unlock()
	if !ok || s == nil || f.inputs != inputs {
		return "", nil
	}
	if taken, err := s.putUnchanged(f.path); err != nil || !taken {
		return "", err
	}
	builtTaken.Add(1)
	noteBuilt(key, inputs, f.path)
	return f.path, nil
}

// putUnchanged puts the output's file p into the new tree as it is, as put
// would with the same bytes: left as it is where the spare holds the very
// same file, else linked (or copied). It reports false when it cannot
// (the output has no such file, or it would be listed otherwise), and the
// caller makes the file.
func (s *dirSink) putUnchanged(p string) (bool, error) {
	if err := s.ready(); err != nil {
		return false, err
	}
	e, ok := s.prev.get(p)
	if !ok || e.keyed || e.summed != hashed(int(e.size), false) {
		return false, nil
	}
	live := filepath.Join(s.prevRoot, filepath.FromSlash(p))
	if old, ok := s.stale[p]; ok && old.size == e.size {
		a, err1 := os.Lstat(filepath.Join(s.root, filepath.FromSlash(p)))
		b, err2 := os.Lstat(live)
		if err1 == nil && err2 == nil && os.SameFile(a, b) {
			s.taken.Add(1) // the spare has it already
			s.record(p, e)
			return true, nil
		}
	}
	if err := s.mkdirs(slashDir(p)); err != nil {
		return false, err
	}
	if err := s.clear(p); err != nil {
		return false, err
	}
	if err := s.take(p); err != nil {
		return false, nil // made anew by the caller
	}
	s.record(p, e)
	return true, nil
}

// chunkInputs is the digest of what the chunk key is made from: the
// texts, or else the features of m's records lo to hi, known by the
// records' digests and attribution labels (see featureCache). Texts that
// are the very summaries of those records are known by the records'
// digests too, rather than hashed (60 MB at 100,000 records): a record
// edited in another field then makes its text chunk again, the same.
func chunkInputs(m *model, key string, lo, hi int, texts []string) digest {
	if texts != nil && summariesOf(m, lo, hi, texts) {
		digests := recordDigests(m)
		b := make([]byte, 0, 64+len(key)+(hi-lo)*len(digest{}))
		b = append(b, "summaries\n"...)
		b = binary.AppendUvarint(b, uint64(len(key)))
		b = append(b, key...)
		b = binary.AppendUvarint(b, uint64(hi-lo))
		for _, d := range digests[lo:hi] {
			b = append(b, d[:]...)
		}
		return sum(b)
	}
	h := sha256.New()
	b := make([]byte, 0, 4096)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		if len(b)+len(s) > cap(b) {
			h.Write(b)
			b = b[:0]
			h.Write([]byte(s))
			return
		}
		b = append(b, s...)
	}
	str(key)
	if texts != nil {
		b = binary.AppendUvarint(b, uint64(len(texts)))
		for _, t := range texts {
			str(t)
		}
	} else {
		digests := recordDigests(m)
		b = binary.AppendUvarint(b, uint64(hi-lo))
		for i := lo; i < hi; i++ {
			b = append(b, digests[i][:]...)
			str(m.Records[i].AttributionLabel)
		}
	}
	h.Write(b)
	var d digest
	copy(d[:], h.Sum(nil))
	return d
}

// summariesOf reports whether texts are the summaries of m's records lo
// to hi: the same strings, by address and length.
func summariesOf(m *model, lo, hi int, texts []string) bool {
	if lo < 0 || hi > len(m.Records) || hi-lo != len(texts) {
		return false
	}
	for i, t := range texts {
		s := m.Records[lo+i].Summary
		if len(s) != len(t) || unsafe.StringData(s) != unsafe.StringData(t) {
			return false
		}
	}
	return true
}

// encodeBuilt appends the index's list of chunks made into the tree root:
// their number, then per chunk its key, inputs, path, and the path's
// file number, status time, size and modification time.
func encodeBuilt(b []byte, root string, made map[string]builtFile) []byte {
	keys := make([]string, 0, len(made))
	for k := range made {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var list []byte
	n := 0
	for _, k := range keys {
		f := made[k]
		fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(f.path)))
		if err != nil {
			continue
		}
		number, changed, ok := fileStamp(fi)
		if !ok {
			continue
		}
		for _, s := range []string{k, f.path} {
			list = binary.AppendUvarint(list, uint64(len(s)))
			list = append(list, s...)
		}
		list = append(list, f.inputs[:]...)
		list = binary.AppendUvarint(list, number)
		list = binary.AppendVarint(list, changed)
		list = binary.AppendUvarint(list, uint64(fi.Size()))
		list = binary.AppendVarint(list, fi.ModTime().UnixNano())
		n++
	}
	b = binary.AppendUvarint(b, uint64(n))
	return append(b, list...)
}

// decodeBuilt reads the list encodeBuilt wrote, and returns the chunks
// whose files in the output tree root, whose manifest is live, are still
// the ones listed.
func decodeBuilt(r *indexReader, live *liveManifest, root string) map[string]builtFile {
	n := r.uint()
	prior := make(map[string]builtFile, min(n, len(r.b)))
	for range n {
		key, path := r.str(), r.str()
		var f builtFile
		copy(f.inputs[:], r.bytes(len(f.inputs)))
		f.path = path
		number, changed, size, mtime := r.number(), r.int(), r.uint(), r.int()
		if r.err != nil {
			return nil
		}
		if e, ok := live.get(path); !ok || e.size != int64(size) {
			continue
		}
		fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(path)))
		if err != nil || fi.Size() != int64(size) || fi.ModTime().UnixNano() != mtime {
			continue
		}
		if n, c, ok := fileStamp(fi); !ok || n != number || c != changed {
			continue
		}
		prior[key] = f
	}
	return prior
}

// The map data's columns. The index also lists, for the output's data.js,
// where each column lies in it and the digest of what it was made from
// (columnInputs); a build whose column has the same inputs takes its
// bytes from there (see appendColumns), and makes only the columns that
// changed: after a new title, the titles. The file is trusted as the
// encodings are.

// columnsTaken counts the columns taken from the output, for tests.
var columnsTaken atomic.Int64

// builtColumn is a column of data.js: what it was made from, and where it
// lies in the file (off, n) or its bytes (b).
type builtColumn struct {
	inputs digest
	off, n int
	b      []byte
}

// lastColumnsBuilt is the current build's columns: those of the output
// it replaces (prior, by name), those it makes (made, in order), and the
// data.js they went into, until it is put (script).
var lastColumnsBuilt struct {
	sync.Mutex
	prior  map[string]builtColumn
	made   []namedColumn
	script []byte
	path   string // where script was put
	// The digests of the runs of the output's columns (priorRuns) and of
	// this build's (madeRuns), see columnRuns.
	priorRuns, madeRuns *columnRuns
}

type namedColumn struct {
	name string
	builtColumn
}

// columnInputs returns the digest of what each of the columns cols of
// m's records is made from: its name, ctx, and every record's input, in
// order. The records are read once for all columns (most of the time is
// reaching them), in runs of inputsRun on every core; a column's digest
// is that of its runs' digests.
//
// It also returns the runs' digests (made), and the output's (prior; nil
// when its index has none of these columns), which spliceColumn compares.
func columnInputs(m *model, cols []mapColumn) (inputs []digest, made, prior *columnRuns) {
	runs := (len(m.Records) + inputsRun - 1) / inputsRun
	parts := make([][]digest, runs)
	names := make([]string, len(cols))
	for c, col := range cols {
		names[c] = col.name
	}
	lastColumnsBuilt.Lock()
	prior = lastColumnsBuilt.priorRuns
	lastColumnsBuilt.Unlock()
	if prior != nil && !slices.Equal(prior.names, names) {
		prior = nil
	}
	made = &columnRuns{names: names, keys: make([]digest, runs), parts: parts}
	digests := recordDigests(m)
	parallel(runs, func(k int) error {
		lo, hi := k*inputsRun, min((k+1)*inputsRun, len(m.Records))
		// What the run's inputs are made of: its records, known by
		// their digests (a column shows nothing of a record that its
		// digest does not cover, and the index is this binary's).
		key := make([]byte, 0, 16+(hi-lo)*len(digest{}))
		key = binary.AppendUvarint(key, uint64(hi-lo))
		for _, d := range digests[lo:hi] {
			key = append(key, d[:]...)
		}
		made.keys[k] = sum(key)
		if prior != nil && k < len(prior.keys) && prior.keys[k] == made.keys[k] {
			parts[k] = prior.parts[k]
			runsTaken.Add(1)
			return nil
		}
		recs := m.Records[lo:hi]
		hs := make([]hash.Hash, len(cols))
		bufs := make([][]byte, len(cols))
		for c := range cols {
			hs[c], bufs[c] = sha256.New(), make([]byte, 0, 8<<10)
		}
		var v []byte
		for _, rv := range recs {
			for c, col := range cols {
				v = col.input(v[:0], rv)
				b := binary.AppendUvarint(bufs[c], uint64(len(v)))
				b = append(b, v...)
				if len(b) >= 7<<10 {
					hs[c].Write(b)
					b = b[:0]
				}
				bufs[c] = b
			}
		}
		parts[k] = make([]digest, len(cols))
		for c := range cols {
			hs[c].Write(bufs[c])
			copy(parts[k][c][:], hs[c].Sum(nil))
		}
		return nil
	})
	lastColumnsBuilt.Lock()
	if lastColumnsBuilt.made != nil {
		lastColumnsBuilt.madeRuns = made
	}
	lastColumnsBuilt.Unlock()
	out := make([]digest, len(cols))
	for c, col := range cols {
		b := make([]byte, 0, 64+runs*len(digest{}))
		for _, s := range []string{col.name, col.ctx} {
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		}
		b = binary.AppendUvarint(b, uint64(len(m.Records)))
		for k := range parts {
			b = append(b, parts[k][c][:]...)
		}
		out[c] = sum(b)
	}
	return out, made, prior
}

// priorColumn returns the output's column name, whatever it was made
// from, or nil.
func priorColumn(name string) []byte {
	lastColumnsBuilt.Lock()
	defer lastColumnsBuilt.Unlock()
	return lastColumnsBuilt.prior[name].b
}

// takeColumn returns the output's column name when it was made from
// inputs, else nil.
func takeColumn(name string, inputs digest) []byte {
	b := priorColumnMadeOf(name, inputs)
	if b != nil {
		columnsTaken.Add(1)
	}
	return b
}

// priorColumnMadeOf is takeColumn, uncounted.
func priorColumnMadeOf(name string, inputs digest) []byte {
	lastColumnsBuilt.Lock()
	defer lastColumnsBuilt.Unlock()
	c, ok := lastColumnsBuilt.prior[name]
	if !ok || c.inputs != inputs {
		return nil
	}
	return c.b
}

// noteColumn notes that the column name, made from inputs, lies at off in
// data.js, n bytes long.
func noteColumn(name string, inputs digest, off, n int) {
	lastColumnsBuilt.Lock()
	lastColumnsBuilt.made = append(lastColumnsBuilt.made, namedColumn{name, builtColumn{inputs: inputs, off: off, n: n}})
	lastColumnsBuilt.Unlock()
}

// noteScript notes data.js, the file the columns noted went into.
func noteScript(script []byte) {
	lastColumnsBuilt.Lock()
	if lastColumnsBuilt.made != nil {
		lastColumnsBuilt.script = script
	}
	lastColumnsBuilt.Unlock()
}

// noteScriptPut notes where data.js was put, when b is it.
func noteScriptPut(p string, b []byte) {
	lastColumnsBuilt.Lock()
	if s := lastColumnsBuilt.script; s != nil && len(s) == len(b) && unsafe.SliceData(s) == unsafe.SliceData(b) {
		lastColumnsBuilt.path, lastColumnsBuilt.script = p, nil
	}
	lastColumnsBuilt.Unlock()
}

// resetColumns sets the prior columns of a build (nil for none) and
// forgets what the last noted.
func resetColumns(prior map[string]builtColumn) {
	lastColumnsBuilt.Lock()
	lastColumnsBuilt.prior, lastColumnsBuilt.made, lastColumnsBuilt.script, lastColumnsBuilt.path = prior, nil, nil, ""
	lastColumnsBuilt.priorRuns, lastColumnsBuilt.madeRuns = nil, nil
	lastColumnsBuilt.Unlock()
}

// columnRuns are the digests columnInputs made of each run of inputsRun
// records: per run, the digest of its records' digests (key) and, per
// column (names), the digest of the run's inputs to it. A build takes
// those of a run whose key is unchanged from the index, and hashes the
// inputs of the others only: after a one-record edit, one run of 25.
type columnRuns struct {
	names []string
	keys  []digest
	parts [][]digest
}

// inputsRun is the number of records of a run (see columnInputs). Tests
// lower it.
var inputsRun = 4096

// runsTaken counts the runs whose column digests were taken, for tests.
var runsTaken atomic.Int64

// encodeRuns appends the index's column runs: their column names, then
// per run its key and a digest per column; 0 when there are none.
func encodeRuns(b []byte, c *columnRuns) []byte {
	if c == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(c.names)))
	for _, n := range c.names {
		b = binary.AppendUvarint(b, uint64(len(n)))
		b = append(b, n...)
	}
	b = binary.AppendUvarint(b, uint64(len(c.keys)))
	for k, key := range c.keys {
		b = append(b, key[:]...)
		for _, d := range c.parts[k] {
			b = append(b, d[:]...)
		}
	}
	return b
}

// decodeRuns reads what encodeRuns wrote.
func decodeRuns(r *indexReader) *columnRuns {
	n := r.uint()
	if n == 0 || r.err != nil || n > len(r.b) {
		return nil
	}
	c := &columnRuns{names: make([]string, n)}
	for i := range c.names {
		c.names[i] = r.str()
	}
	runs := r.uint()
	if r.err != nil || runs > len(r.b)/len(digest{}) {
		return nil
	}
	c.keys, c.parts = make([]digest, runs), make([][]digest, runs)
	for k := range c.keys {
		copy(c.keys[k][:], r.bytes(len(digest{})))
		c.parts[k] = make([]digest, len(c.names))
		for i := range c.parts[k] {
			copy(c.parts[k][i][:], r.bytes(len(digest{})))
		}
	}
	if r.err != nil {
		return nil
	}
	return c
}

// encodeColumns appends the index's list of the columns of the data.js
// put into the tree root: 0 when none; else 1, the file's path, number,
// status time, size and modification time, the number of columns, and
// per column its name, inputs, offset and length.
func encodeColumns(b []byte, root string) []byte {
	lastColumnsBuilt.Lock()
	defer lastColumnsBuilt.Unlock()
	c := &lastColumnsBuilt
	if c.path == "" || len(c.made) == 0 {
		return append(b, 0)
	}
	fi, err := os.Lstat(filepath.Join(root, filepath.FromSlash(c.path)))
	if err != nil {
		return append(b, 0)
	}
	number, changed, ok := fileStamp(fi)
	if !ok {
		return append(b, 0)
	}
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = append(b, 1)
	str(c.path)
	b = binary.AppendUvarint(b, number)
	b = binary.AppendVarint(b, changed)
	b = binary.AppendUvarint(b, uint64(fi.Size()))
	b = binary.AppendVarint(b, fi.ModTime().UnixNano())
	b = binary.AppendUvarint(b, uint64(len(c.made)))
	for _, col := range c.made {
		str(col.name)
		b = append(b, col.inputs[:]...)
		b = binary.AppendUvarint(b, uint64(col.off))
		b = binary.AppendUvarint(b, uint64(col.n))
	}
	return b
}

// decodeColumns reads the list encodeColumns wrote and returns the
// columns, with their bytes read from the data.js of the output tree
// root, whose manifest is live, when it is still the file listed.
func decodeColumns(r *indexReader, live *liveManifest, root string, pf *priorFiles) map[string]builtColumn {
	if r.uint() != 1 || r.err != nil {
		return nil
	}
	path := r.str()
	number, changed, size, mtime := r.number(), r.int(), r.uint(), r.int()
	n := r.uint()
	cols := make(map[string]builtColumn, min(n, len(r.b)))
	for range n {
		name := r.str()
		var c builtColumn
		copy(c.inputs[:], r.bytes(len(c.inputs)))
		c.off, c.n = r.uint(), r.uint()
		if r.err != nil || c.off+c.n > size {
			return nil
		}
		cols[name] = c
	}
	if e, ok := live.get(path); !ok || e.size != int64(size) {
		return nil
	}
	name := filepath.Join(root, filepath.FromSlash(path))
	fi, err := os.Lstat(name)
	if err != nil || fi.Size() != int64(size) || fi.ModTime().UnixNano() != mtime {
		return nil
	}
	if n, c, ok := fileStamp(fi); !ok || n != number || c != changed {
		return nil
	}
	file, err := pf.read(path, name, size)
	if err != nil {
		return nil
	}
	for k, c := range cols {
		c.b = file[c.off : c.off+c.n : c.off+c.n]
		cols[k] = c
	}
	return cols
}

// layerFileInputs returns, by layer key, the digest of what the layer's
// GeoJSON file is made from: its records' features, known by their
// digests and attribution labels (see featureCache), in order. It returns
// nil unless a build notes what its files are made from (see lastBuilt).
func layerFileInputs(m *model) map[string]digest {
	if !builtWanted() {
		return nil
	}
	digests := recordDigests(m)
	layers := m.layerOf()
	bufs := make([][]byte, len(m.Config.Layers))
	for i, rv := range m.Records {
		if l := layers[i]; l >= 0 {
			b := append(bufs[l], digests[i][:]...)
			b = binary.AppendUvarint(b, uint64(len(rv.AttributionLabel)))
			bufs[l] = append(b, rv.AttributionLabel...)
		}
	}
	out := make(map[string]digest, len(m.Config.Layers))
	for l, layer := range m.Config.Layers {
		b := binary.AppendUvarint(bufs[l], uint64(len(layer.Key)))
		out[layer.Key] = sum(append(b, layer.Key...))
	}
	return out
}

// putBuilt makes the file path with put, or, in a build whose
// output holds it made from the same inputs, takes that file as it is
// (see takeBuilt). known is false when the inputs are not known.
func putBuilt(path string, inputs digest, known bool, put func() error) error {
	if known && builtWanted() {
		p, err := takeBuilt(path, inputs)
		if err != nil {
			return err
		}
		if p == path {
			return nil
		}
	}
	if err := put(); err != nil {
		return err
	}
	if known {
		noteBuilt(path, inputs, path)
	}
	return nil
}
