package build

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// A sink takes the output files as the build makes them. put may be
// called from several goroutines at once, and must not keep b past the
// call unless it owns it (the build never reuses a slice it has put).
type sink interface {
	put(path string, b []byte) error
	// keyPages gives the sink the input keys of this build's record
	// pages, before the pages are rendered.
	keyPages(k *pageKeys)
	// reuse reports whether the page at path, which shows the record rv,
	// has the input key it had in the previous build, and has been taken
	// from it; if not, the caller renders the page and puts it.
	reuse(path string, rv *recordView) bool
	// count returns the number of files and bytes put or reused so far.
	count() (files, bytes int)
	// reused returns the number of files taken from the previous build.
	reused() int
}

// memSink keeps the files in memory: Render, and mapsite serve through
// a Renderer, which hands it the previous render's files and page keys.
type memSink struct {
	mu       sync.Mutex
	files    Files
	keys     *pageKeys         // nil: no page is reused, and no key kept
	prev     Files             // the previous render
	prevKeys map[string]digest // its pages' input keys
	made     map[string]digest // this render's pages' input keys
	taken    atomic.Int64
}

func (s *memSink) put(path string, b []byte) error {
	s.mu.Lock()
	s.files[path] = b
	s.mu.Unlock()
	return nil
}

func (s *memSink) keyPages(k *pageKeys) {
	if s.made != nil {
		s.keys = k
	}
}

func (s *memSink) reuse(path string, rv *recordView) bool {
	if s.keys == nil {
		return false
	}
	key := s.keys.key(rv)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.made[path] = key
	if old, ok := s.prevKeys[path]; ok && old == key {
		if b, ok := s.prev[path]; ok {
			s.files[path] = b
			s.taken.Add(1)
			return true
		}
	}
	return false
}

func (s *memSink) reused() int { return int(s.taken.Load()) }

func (s *memSink) count() (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.files), s.files.Size()
}

// dirSink writes every file into a folder (the build's temporary folder)
// as soon as it is made, so that the build's memory does not grow with
// the number of pages. Given the manifest of the output it replaces, it
// takes from there every file whose bytes are the same (or, for a record
// page, whose input key is), by a hard link, or a copy where links fail.
//
// The folder may start empty, or hold the spare tree (see output.begin):
// an older whole output, listed by its manifest (stale). A file the spare
// already holds with the same bytes (or key) is left as it is; any other
// is removed first and made anew, and prune removes, at the end, the
// files the build did not make. Either way the sink never writes into a
// file it did not create: a file of the spare or a linked one may share
// its inode with the live output.
type dirSink struct {
	root     string
	prev     manifest // of the output being replaced; nil without one
	prevRoot string
	keys     *pageKeys // the record pages' keys, once known

	stale   manifest     // what root holds at the start: nil when it is empty
	prepare func() error // makes root, before the first file; nil when it exists
	once    sync.Once
	prepErr error

	mu    sync.Mutex
	dirs  map[string]bool // folders made so far, by slash path ("" is root)
	made  manifest        // every file put or reused so far
	spans []*spans        // where the encodings lie in indexedFiles (see note); nil: not wanted

	files, bytes, taken atomic.Int64
	noLink              atomic.Bool // links failed once: copy instead
}

// newDirSink returns a sink into the empty folder root, reusing files of
// prev, the manifest of the output folder prevRoot (nil for none).
func newDirSink(root string, prev manifest, prevRoot string) *dirSink {
	return &dirSink{root: root, prev: prev, prevRoot: prevRoot, dirs: map[string]bool{"": true}, made: make(manifest, len(prev))}
}

// onSpare makes s a sink into a folder that will hold the files of stale
// once prepare has run (see output.begin). Its folders exist: mkdirs
// finds them there.
func (s *dirSink) onSpare(stale manifest, prepare func() error) {
	s.stale, s.prepare = stale, prepare
}

// ready runs prepare, once, before the sink writes its first file: a
// build that fails before it writes anything leaves the spare as it was.
func (s *dirSink) ready() error {
	s.once.Do(func() {
		if s.prepare != nil {
			s.prepErr = s.prepare()
		}
	})
	return s.prepErr
}

func (s *dirSink) keyPages(k *pageKeys) { s.keys = k }

// mkdirs makes the folder of the slash path p and its parents, each with
// one mkdir, once.
func (s *dirSink) mkdirs(dir string) error {
	s.mu.Lock()
	made := s.dirs[dir]
	s.mu.Unlock()
	if made {
		return nil
	}
	if parent := path.Dir(dir); parent != "." {
		if err := s.mkdirs(parent); err != nil {
			return err
		}
	}
	name := filepath.Join(s.root, filepath.FromSlash(dir))
	err := os.Mkdir(name, 0o755)
	if errors.Is(err, fs.ErrExist) && s.stale != nil {
		// The spare may hold a file where this build has a folder.
		if fi, err2 := os.Lstat(name); err2 == nil && !fi.IsDir() && os.Remove(name) == nil {
			err = os.Mkdir(name, 0o755)
		}
	}
	if err != nil && !errors.Is(err, fs.ErrExist) { // another worker made it
		return err
	}
	s.mu.Lock()
	s.dirs[dir] = true
	s.mu.Unlock()
	return nil
}

func (s *dirSink) put(p string, b []byte) error {
	if err := s.ready(); err != nil {
		return err
	}
	s.note(p, b)
	s.mu.Lock()
	e := s.made[p] // holds the key when reuse saw the page first
	s.mu.Unlock()
	e.size = int64(len(b))
	if e.summed = hashed(len(b), e.keyed); e.summed {
		e.sum = sum(b)
	}
	if holds(s.stale, s.root, p, e, b) {
		s.taken.Add(1) // the spare has it already
		s.record(p, e)
		return nil
	}
	if err := s.mkdirs(slashDir(p)); err != nil {
		return err
	}
	if err := s.clear(p); err != nil {
		return err
	}
	done := false
	if holds(s.prev, s.prevRoot, p, e, b) {
		done = s.take(p) == nil
	}
	if !done {
		if err := s.create(p, b); err != nil {
			return err
		}
	}
	s.record(p, e)
	return nil
}

func (s *dirSink) reuse(p string, rv *recordView) bool {
	if s.keys == nil || s.ready() != nil {
		return false
	}
	key := s.keys.key(rv)
	if old, ok := s.stale[p]; ok && old.keyed && old.key == key {
		s.taken.Add(1) // the spare has it already
		s.record(p, old)
		return true
	}
	old, ok := s.prev[p]
	if !ok || !old.keyed || old.key != key || s.mkdirs(slashDir(p)) != nil || s.clear(p) != nil || s.take(p) != nil {
		s.mu.Lock()
		s.made[p] = entry{key: key, keyed: true}
		s.mu.Unlock()
		return false
	}
	s.record(p, old)
	return true
}

// bigFile is the size from which a file is compared with the old one byte
// for byte rather than by digest (see hashed). Tests lower it.
var bigFile = 256 << 10

// holds reports whether the tree root, whose manifest is m, holds the file
// p with the bytes b, whose entry is e: by digest when both have one, else
// by size, then bytes.
func holds(m manifest, root, p string, e entry, b []byte) bool {
	old, ok := m[p]
	switch {
	case !ok || old.size != e.size:
		return false
	case old.summed && e.summed:
		return old.sum == e.sum
	}
	return sameBytes(filepath.Join(root, filepath.FromSlash(p)), b)
}

// sameBytes reports whether the file name holds exactly b.
func sameBytes(name string, b []byte) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	bp := compareBuffers.Get().(*[]byte)
	defer compareBuffers.Put(bp)
	buf := *bp
	for {
		n, err := io.ReadFull(f, buf)
		if n > len(b) || !bytes.Equal(buf[:n], b[:n]) {
			return false
		}
		b = b[n:]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return len(b) == 0
		}
		if err != nil {
			return false
		}
	}
}

var compareBuffers = sync.Pool{New: func() any { b := make([]byte, 256<<10); return &b }}

// clear removes the spare's file p, which this build makes anew: removed,
// not written into, as its inode may be the live output's too.
func (s *dirSink) clear(p string) error {
	if _, ok := s.stale[p]; !ok {
		return nil
	}
	err := os.Remove(filepath.Join(s.root, filepath.FromSlash(p)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// create writes the new file p.
func (s *dirSink) create(p string, b []byte) error {
	name := filepath.Join(s.root, filepath.FromSlash(p))
	err := writeFile(name, b)
	if errors.Is(err, fs.ErrExist) && s.stale != nil {
		// The spare holds a folder where this build has a file.
		if os.RemoveAll(name) == nil {
			err = writeFile(name, b)
		}
	}
	return err
}

// prune removes the files of the spare that this build did not make, then
// the folders they leave empty. It runs once every file has been put, so
// a folder that is empty then holds nothing of the build.
func (s *dirSink) prune() error {
	if s.stale == nil {
		return nil
	}
	first := true
	for p := range s.stale {
		if _, ok := s.made[p]; ok {
			continue
		}
		if first {
			checkpoint("pruning")
			first = false
		}
		if err := os.Remove(filepath.Join(s.root, filepath.FromSlash(p))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		// Its folder and their parents, as far as they are empty (an
		// error, ENOTEMPTY most often, ends the climb).
		for d := slashDir(p); d != ""; d = slashDir(d) {
			if os.Remove(filepath.Join(s.root, filepath.FromSlash(d))) != nil {
				break
			}
		}
	}
	return nil
}

// record notes the file p, put or reused.
func (s *dirSink) record(p string, e entry) {
	s.mu.Lock()
	s.made[p] = e
	s.mu.Unlock()
	if s.files.Add(1) == 1 {
		checkpoint("writing") // the kill test's point in the middle of the write
	}
	s.bytes.Add(e.size)
}

// take puts the previous output's file p into the new tree: a hard link,
// or a copy where the system refuses links (another device, a file system
// without them).
func (s *dirSink) take(p string) error {
	from := filepath.Join(s.prevRoot, filepath.FromSlash(p))
	to := filepath.Join(s.root, filepath.FromSlash(p))
	if !s.noLink.Load() {
		err := linkFile(from, to)
		if err == nil {
			s.taken.Add(1)
			return nil
		}
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrExist) {
			return err
		}
		s.noLink.Store(true)
	}
	if err := copyFile(from, to); err != nil {
		return err
	}
	s.taken.Add(1)
	return nil
}

// linkFile is os.Link, a variable so that tests can make links fail.
var linkFile = os.Link

// copyFile copies from into a new file to.
func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	if err2 := dst.Close(); err == nil {
		err = err2
	}
	if err != nil {
		os.Remove(to)
	}
	return err
}

func (s *dirSink) count() (int, int) { return int(s.files.Load()), int(s.bytes.Load()) }

func (s *dirSink) reused() int { return int(s.taken.Load()) }

// slashDir returns the folder of the slash path p, "" for the root.
func slashDir(p string) string {
	d := path.Dir(p)
	if d == "." {
		return ""
	}
	return d
}

// begin returns the temporary folder beside the output that a build
// streams its files into (see dirSink), with a sink into it that reuses
// the files of the output as it is. With a spare tree beside the output
// (see output_spare.go), the temporary folder is that tree, taken when the
// first file is put and brought up to date in place; else it is a new,
// empty folder.
func (o *output) begin() (string, *dirSink, error) {
	live := o.previous()
	o.priorEncodings(live)
	var s *dirSink
	if tmp, stale, prepare := o.takeSpare(); stale != nil {
		s = newDirSink(tmp, live, o.dir)
		s.onSpare(stale, prepare)
	} else {
		tmp, err := os.MkdirTemp(filepath.Dir(o.dir), "."+filepath.Base(o.dir)+".new-")
		if err != nil {
			return "", nil, err
		}
		s = newDirSink(tmp, live, o.dir)
	}
	s.spans = make([]*spans, len(indexedFiles))
	s.takesBuilt()
	return s.root, s, nil
}

// commit completes the tree streamed into tmp through s, a site of
// records records (the spare's files it did not make removed, its
// manifest, then the marker, last), and swaps it in; on failure tmp is
// removed and the output is left as it was. The tree swapped out is kept
// as the next build's spare when the site is large (spareMinFiles), with
// the index of the new tree's encodings (see output_encodings.go).
func (o *output) commit(tmp string, s *dirSink, records int) error {
	err := s.ready()
	if err == nil {
		err = s.prune()
	}
	if err == nil {
		err = o.fill(tmp, s.made, records)
	}
	if err != nil {
		o.discard(tmp)
		return err
	}
	checkpoint("complete")
	keep := len(s.made) >= spareMinFiles
	// The index of encodings goes with the tree it describes; should it
	// fail, the next build encodes every record.
	o.writeIndex(s, keep)
	if err := o.swap(tmp, keep); err != nil {
		o.discard(tmp)
		return err
	}
	return nil
}
