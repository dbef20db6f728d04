package build

import (
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
// It never writes into a file it did not create: a linked file is shared
// with the old output.
type dirSink struct {
	root     string
	prev     manifest // of the output being replaced; nil without one
	prevRoot string
	keys     *pageKeys // the record pages' keys, once known

	mu   sync.Mutex
	dirs map[string]bool // folders made so far, by slash path ("" is root)
	made manifest        // every file put or reused so far

	files, bytes, taken atomic.Int64
	noLink              atomic.Bool // links failed once: copy instead
}

// newDirSink returns a sink into the empty folder root, reusing files of
// prev, the manifest of the output folder prevRoot (nil for none).
func newDirSink(root string, prev manifest, prevRoot string) *dirSink {
	return &dirSink{root: root, prev: prev, prevRoot: prevRoot, dirs: map[string]bool{"": true}, made: manifest{}}
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
	err := os.Mkdir(filepath.Join(s.root, filepath.FromSlash(dir)), 0o755)
	if err != nil && !errors.Is(err, fs.ErrExist) { // another worker made it
		return err
	}
	s.mu.Lock()
	s.dirs[dir] = true
	s.mu.Unlock()
	return nil
}

func (s *dirSink) put(p string, b []byte) error {
	if err := s.mkdirs(slashDir(p)); err != nil {
		return err
	}
	d := sum(b)
	s.mu.Lock()
	e := s.made[p] // holds the key when reuse saw the page first
	s.mu.Unlock()
	e.sum, e.size = d, int64(len(b))
	done := false
	if old, ok := s.prev[p]; ok && old.sum == d && old.size == e.size {
		done = s.take(p) == nil
	}
	if !done {
		if err := writeFile(filepath.Join(s.root, filepath.FromSlash(p)), b); err != nil {
			return err
		}
	}
	s.record(p, e)
	return nil
}

func (s *dirSink) reuse(p string, rv *recordView) bool {
	if s.keys == nil {
		return false
	}
	key := s.keys.key(rv)
	old, ok := s.prev[p]
	if !ok || !old.keyed || old.key != key || s.mkdirs(slashDir(p)) != nil || s.take(p) != nil {
		s.mu.Lock()
		s.made[p] = entry{key: key, keyed: true}
		s.mu.Unlock()
		return false
	}
	s.record(p, old)
	return true
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

// begin makes the fresh temporary folder beside the output that a build
// streams its files into (see dirSink), and returns it with a sink into
// it that reuses the files of the output as it is.
func (o *output) begin() (string, *dirSink, error) {
	tmp, err := os.MkdirTemp(filepath.Dir(o.dir), "."+filepath.Base(o.dir)+".new-")
	if err != nil {
		return "", nil, err
	}
	return tmp, newDirSink(tmp, o.previous(), o.dir), nil
}

// commit completes the tree streamed into tmp through s, a site of
// records records (its manifest, then the marker, last), and swaps it in;
// on failure tmp is removed and the output is left as it was.
func (o *output) commit(tmp string, s *dirSink, records int) error {
	if err := o.fill(tmp, s.made, records); err != nil {
		o.discard(tmp)
		return err
	}
	checkpoint("complete")
	if err := o.swap(tmp); err != nil {
		o.discard(tmp)
		return err
	}
	return nil
}
