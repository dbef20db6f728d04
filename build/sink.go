package build

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// A sink takes the output files as the build makes them. put may be
// called from several goroutines at once, and must not keep b past the
// call unless it owns it (the build never reuses a slice it has put).
type sink interface {
	put(path string, b []byte) error
	// putTransient is put, but b is the caller's again once it returns: a
	// sink that keeps the bytes keeps a copy.
	putTransient(path string, b []byte) error
	// pieces returns a writer that puts the file path made of the pieces
	// it is given, in order, without joining them into one buffer where
	// the sink can help it: the GeoJSON layers and incidents.csv, made of
	// a piece per record. Several may be open at once.
	pieces(path string) pieceWriter
	// keyPages gives the sink the input keys of this build's record
	// pages, before the pages are rendered.
	keyPages(k *pageKeys)
	// reuse reports whether the page at path, which shows the record rv,
	// has the input key it had in the previous build, and has been taken
	// from it; if not, the caller renders the page and puts it.
	reuse(path string, rv *recordView) bool
	// reuseFile reports whether the file at path, made from the input
	// key, was made by the previous build from the same key and has been
	// taken from it; if not, the caller may make it with putKeyed.
	reuseFile(path string, key digest) bool
	// keyedPath returns the path, under the folder dir ("a/b/"), of the
	// previous build's file made from the input key (see putKeyed), or "".
	keyedPath(dir string, key digest) string
	// putKeyed is put of a file made from the input key, which the next
	// build's reuseFile compares.
	putKeyed(path string, key digest, b []byte) error
	// takes reports whether reuse may take a page: whether there is a
	// previous build to take pages from.
	takes() bool
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
	// prevKeyed and madeKeyed hold the paths of the files other than
	// record pages that were made from an input key (see putKeyed), by
	// key: the previous render's and this one's.
	prevKeyed, madeKeyed map[digest]string
	taken                atomic.Int64
}

func (s *memSink) put(path string, b []byte) error {
	s.mu.Lock()
	s.files[path] = b
	s.mu.Unlock()
	return nil
}

func (s *memSink) pieces(path string) pieceWriter { return &memPieces{s: s, path: path} }

// memPieces gathers a file's pieces for a memSink.
type memPieces struct {
	s    *memSink
	path string
	b    []byte
}

func (w *memPieces) add(piece []byte, _ bool) error {
	w.b = append(w.b, piece...)
	return nil
}

func (w *memPieces) close() error { return w.s.put(w.path, w.b) }

func (w *memPieces) abort() { w.b = nil }

func (s *memSink) putTransient(path string, b []byte) error { return s.put(path, bytes.Clone(b)) }

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

func (s *memSink) reuseFile(path string, key digest) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.made == nil {
		return false
	}
	if old, ok := s.prevKeys[path]; ok && old == key {
		if b, ok := s.prev[path]; ok {
			s.files[path], s.made[path] = b, key
			s.keyed(path, key)
			s.taken.Add(1)
			return true
		}
	}
	return false
}

// keyed notes the file at path as made from key, for the next render's
// keyedPath; s.mu is held.
func (s *memSink) keyed(path string, key digest) {
	if s.madeKeyed == nil {
		s.madeKeyed = map[digest]string{}
	}
	s.madeKeyed[key] = path
}

func (s *memSink) keyedPath(dir string, key digest) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.prevKeyed[key]; ok && strings.HasPrefix(p, dir) {
		return p
	}
	return ""
}

func (s *memSink) putKeyed(path string, key digest, b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.made != nil {
		s.made[path] = key
		s.keyed(path, key)
	}
	s.files[path] = b
	return nil
}

func (s *memSink) takes() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys != nil && len(s.prevKeys) > 0
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
// file it did not create (a file of the spare or a linked one may share
// its inode with the live output), but for the spare's large files that
// the index knows to have no other name (see output_patch.go).
type dirSink struct {
	root     string
	prev     *liveManifest // of the output being replaced; nil without one
	prevRoot string
	keys     *pageKeys // the record pages' keys, once known

	stale   manifest     // what root holds at the start: nil when it is empty
	prepare func() error // makes root, before the first file; nil when it exists
	once    sync.Once
	prepErr error

	mu    sync.Mutex
	dirs  map[string]bool     // folders made that hold more than one thing, by slash path ("" is root; see mkdirs)
	held  map[string]*heldDir // the folders that files and folders are made in (see hold)
	made  *madeFiles          // every file put or reused so far (a lock each shard)
	spans []*spans            // where the encodings lie in indexedFiles (see note); nil: not wanted
	// priors are prev's files that the build's encodings are taken from
	// (see priorFiles): compared and copied from there, not read.
	priors *priorFiles
	// bases say, for the index, how the files made from priors compare
	// with them (see output_patch.go).
	bases map[string]spareBase

	files, bytes, taken atomic.Int64
	// madeStale counts the files of made that stale lists, madeStaleKeyed
	// those of them that stale lists with a key (record pages, of which
	// it lists staleKeyed), for prune.
	madeStale, madeStaleKeyed atomic.Int64
	staleKeyed                int64
	noLink                    atomic.Bool // links failed once: copy instead
	brief                     bool        // root is on a file system held in memory: links are brief calls
	// keyedIndex holds, by folder, the keyed files of prev and stale under
	// it by key (see keyedPath).
	keyedIndex map[string]map[digest]string
}

// newDirSink returns a sink into the empty folder root, reusing files of
// prev, the manifest of the output folder prevRoot (nil for none).
func newDirSink(root string, prev *liveManifest, prevRoot string) *dirSink {
	return &dirSink{root: root, prev: prev, prevRoot: prevRoot, dirs: map[string]bool{"": true}, made: newMadeFiles(prev.len()),
		brief: memoryFSAt(filepath.Dir(root))}
}

// onSpare makes s a sink into a folder that will hold the files of stale
// once prepare has run (see output.begin). Its folders exist: mkdirs
// finds them there.
func (s *dirSink) onSpare(stale manifest, prepare func() error) {
	s.stale, s.prepare = stale, prepare
	s.made.follow(stale)
	for _, e := range stale {
		if e.keyed {
			s.staleKeyed++
		}
	}
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

// mkdirs makes the folder dir (a slash path) and its parents, each with
// one mkdir. A folder is noted in dirs, and not made again, once it is
// known to hold more than one thing: a parent, or a folder found made
// already. A record page's folder, "incidents/<id>", which holds its page
// alone, is not: 100,000 of them made dirs a large map, whose look-ups
// and growth took 0.06 to 0.15 s of CPU at 100,000 records.
func (s *dirSink) mkdirs(dir string) error { return s.mkdir(dir, false) }

// mkdir is mkdirs; forFolder says that dir is made for a folder in it,
// and is noted in dirs however it is made.
func (s *dirSink) mkdir(dir string, forFolder bool) error {
	s.mu.Lock()
	made := s.dirs[dir]
	s.mu.Unlock()
	if made {
		return nil
	}
	if parent := path.Dir(dir); parent != "." {
		if err := s.mkdir(parent, true); err != nil {
			return err
		}
	}
	// In its parent, held (see hold).
	in, err := s.hold(slashDir(dir))
	if err != nil {
		return err
	}
	rel := path.Base(dir)
	err = mkdirIn(in, rel)
	if errors.Is(err, fs.ErrExist) && s.stale != nil {
		// The spare may hold a file where this build has a folder.
		name := in.path(rel)
		if fi, err2 := os.Lstat(name); err2 == nil && !fi.IsDir() && os.Remove(name) == nil {
			err = mkdirIn(in, rel)
		}
	}
	switch {
	case err == nil && !forFolder:
		return nil // a folder for files: the next one in it finds it made
	case err != nil && !errors.Is(err, fs.ErrExist): // ErrExist: made before
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
	e, _ := s.made.get(p) // holds the key when reuse saw the page first
	e.size = int64(len(b))
	if e.summed = hashed(len(b), e.keyed); e.summed {
		e.sum = knownSum(b) // the base map's outline cells come with theirs
		if strings.HasPrefix(p, "assets/") {
			lastSums.note(b, e.sum) // for the page keys (see assetFilesDigest)
		}
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
	if s.holdsPrev(p, e, b) {
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

// putTransient is put: a dirSink keeps nothing of b.
func (s *dirSink) putTransient(p string, b []byte) error { return s.put(p, b) }

func (s *dirSink) reuse(p string, rv *recordView) bool {
	if s.keys == nil || s.ready() != nil {
		return false
	}
	key := s.keys.key(rv)
	if s.reuseFile(p, key) {
		return true
	}
	s.setMade(p, entry{key: key, keyed: true})
	return false
}

func (s *dirSink) reuseFile(p string, key digest) bool {
	if s.ready() != nil {
		return false
	}
	if old, ok := s.stale[p]; ok && old.keyed && old.key == key {
		s.taken.Add(1) // the spare has it already
		s.recordStale(p, old)
		return true
	}
	old, ok := s.prev.get(p)
	if !ok || !old.keyed || old.key != key || s.mkdirs(slashDir(p)) != nil || s.clear(p) != nil || s.take(p) != nil {
		return false
	}
	s.record(p, old)
	return true
}

// keyedPath looks key up among the keyed files under dir of the spare
// (which has them at the same path) and of the output being replaced,
// indexed once per folder.
func (s *dirSink) keyedPath(dir string, key digest) string {
	s.mu.Lock()
	index := s.keyedIndex[dir]
	if index == nil {
		index = map[digest]string{}
		for p, e := range s.prev.under(dir) {
			if e.keyed {
				index[e.key] = p
			}
		}
		for p, e := range s.stale { // the spare's path wins
			if e.keyed && strings.HasPrefix(p, dir) {
				index[e.key] = p
			}
		}
		if s.keyedIndex == nil {
			s.keyedIndex = map[string]map[digest]string{}
		}
		s.keyedIndex[dir] = index
	}
	s.mu.Unlock()
	return index[key]
}

func (s *dirSink) putKeyed(p string, key digest, b []byte) error {
	if err := s.ready(); err != nil {
		return err
	}
	s.setMade(p, entry{key: key, keyed: true}) // put keeps the key (see reuse)
	return s.put(p, b)
}

func (s *dirSink) takes() bool { return s.prev.len() > 0 || len(s.stale) > 0 }

// bigFile is the size from which a file is compared with the old one byte
// for byte rather than by digest (see hashed). Tests lower it.
var bigFile = 256 << 10

// holds reports whether the tree root, whose manifest is m, holds the file
// p with the bytes b, whose entry is e: by digest when both have one, else
// by size, then bytes.
func holds(m manifest, root, p string, e entry, b []byte) bool {
	old, ok := m[p]
	return holdsAs(old, ok, root, p, e, b)
}

// holdsAs is holds, given the tree's entry of p, old (ok: there is one).
func holdsAs(old entry, ok bool, root, p string, e entry, b []byte) bool {
	switch {
	case !ok || old.size != e.size:
		return false
	case old.summed && e.summed:
		return old.sum == e.sum
	}
	return sameBytes(filepath.Join(root, filepath.FromSlash(p)), b)
}

// holdsPrev is holds for the previous output, compared in memory when
// the file is one of priors.
func (s *dirSink) holdsPrev(p string, e entry, b []byte) bool {
	old, ok := s.prev.get(p)
	if f := s.priors.get(p); f != nil {
		return ok && old.size == e.size && len(f.b) == len(b) && f.holdsAt(0, b)
	}
	return holdsAs(old, ok, s.prevRoot, p, e, b)
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

// create writes the new file p, in the folder above its own, held (see
// hold).
func (s *dirSink) create(p string, b []byte) error {
	dir := slashDir(slashDir(p))
	in, err := s.hold(dir)
	if err != nil {
		return err
	}
	rel := p
	if dir != "" {
		rel = p[len(dir)+1:]
	}
	rel = filepath.FromSlash(rel)
	err = writeIn(in, rel, b)
	if errors.Is(err, fs.ErrExist) && s.stale != nil {
		// The spare holds a folder where this build has a file.
		if os.RemoveAll(in.path(rel)) == nil {
			err = writeIn(in, rel, b)
		}
	}
	return err
}

// hold returns the folder dir (a slash path, "" for the root), held (see
// heldDir): opened the first time. The sink makes a folder in its parent
// and a file in the folder above its own, so that a record page,
// "incidents/<id>/index.html", and its folder are both made in
// "incidents", and only the folders that hold folders are held (a dozen
// in a site of any size).
func (s *dirSink) hold(dir string) (*heldDir, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in := s.held[dir]; in != nil {
		return in, nil
	}
	in, err := holdDir(filepath.Join(s.root, filepath.FromSlash(dir)))
	if err != nil {
		return nil, err
	}
	if s.held == nil {
		s.held = map[string]*heldDir{}
	}
	s.held[dir] = in
	return in, nil
}

// release lets go of the folders held (see hold), once every file is made.
func (s *dirSink) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, in := range s.held {
		in.close()
	}
	s.held = nil
}

// prune removes the files of the spare that this build did not make, then
// the folders they leave empty. It runs once every file has been put, so
// a folder that is empty then holds nothing of the build. When the build
// made as many of the spare's files as the spare has, it made them all,
// and the spare's list is not read; when it made as many of its keyed
// files (the record pages and the locators' land files), only the spare's
// other files are looked up in made (at 100,000 records, 3,000 lookups
// rather than 103,000: 30 ms).
func (s *dirSink) prune() error {
	if s.stale == nil || s.madeStale.Load() == int64(len(s.stale)) {
		return nil
	}
	pruneScans.Add(1)
	pages := s.madeStaleKeyed.Load() == s.staleKeyed // every record page made
	looked := int64(0)
	defer func() { pruneLookups.Add(looked) }()
	first := true
	for p, e := range s.stale {
		if e.keyed && pages {
			continue
		}
		looked++
		if _, ok := s.made.get(p); ok {
			continue
		}
		if first {
			checkpoint("pruning")
			first = false
		}
		name := filepath.Join(s.root, filepath.FromSlash(p))
		fi, err := os.Lstat(name)
		switch {
		case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
			continue // gone, or a folder above it is now a file of this build (create)
		case err != nil:
			return err
		case fi.IsDir():
			continue // a folder of this build stands where the file was (mkdirs)
		}
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
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

// pruneScans counts the builds whose prune read the spare's list, and
// pruneLookups the files it looked up, for tests.
var pruneScans, pruneLookups atomic.Int64

// record notes the file p, put or reused.
func (s *dirSink) record(p string, e entry) {
	s.setMade(p, e)
	s.recorded(p, e)
}

// recordStale is record of a file the spare holds, whose entry there is
// e, kept: the spare's manifest is not looked up again (twice for each
// of 100,000 record pages).
func (s *dirSink) recordStale(p string, e entry) {
	if s.made.setListed(p, e, e) {
		s.madeStale.Add(1)
		if e.keyed {
			s.madeStaleKeyed.Add(1)
		}
	}
	s.recorded(p, e)
}

// recorded counts the file p, of entry e, recorded.
func (s *dirSink) recorded(p string, e entry) {
	if p == tablePage {
		s.priors.drop(p) // its rows are taken (see priorFiles.dropPages)
	}
	if s.files.Add(1) == 1 {
		checkpoint("writing") // the kill test's point in the middle of the write
	}
	s.bytes.Add(e.size)
}

// setMade makes e the entry of p in the build's manifest, and counts the
// spare's files among those it lists (see prune).
func (s *dirSink) setMade(p string, e entry) {
	if s.made.set(p, e) && s.stale != nil {
		if old, ok := s.stale[p]; ok {
			s.madeStale.Add(1)
			if old.keyed {
				s.madeStaleKeyed.Add(1)
			}
		}
	}
}

// take puts the previous output's file p into the new tree: a hard link,
// or a copy where the system refuses links (another device, a file system
// without them).
func (s *dirSink) take(p string) error {
	from := filepath.Join(s.prevRoot, filepath.FromSlash(p))
	to := filepath.Join(s.root, filepath.FromSlash(p))
	if !s.noLink.Load() {
		err := linkFile(from, to, s.brief)
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

// linkFile is os.Link, made by a brief system call with brief (see
// output_brief_linux.go); a variable so that tests can make links fail.
var linkFile = func(from, to string, brief bool) error {
	if brief {
		return briefLink(from, to)
	}
	return os.Link(from, to)
}

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
	// The spare's manifest is read beside the output's and its index.
	type taken struct {
		tmp     string
		stale   manifest
		prepare func() error
	}
	spare := make(chan taken, 1)
	go func() {
		var t taken
		t.tmp, t.stale, t.prepare = o.takeSpare()
		spare <- t
	}()
	// The output's manifest is read in place beside a spare (see
	// liveManifest), decoded otherwise.
	text := readManifestText(o.dir)
	t := <-spare
	live := o.previous(text, t.stale != nil)
	priors := o.priorEncodings(live)
	var s *dirSink
	if t.stale != nil {
		tmp, stale, prepare := t.tmp, t.stale, t.prepare
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
	s.priors = priors
	s.takesBuilt()
	return s.root, s, nil
}

// commit completes the tree streamed into tmp through s, a site of
// records records (the spare's files it did not make removed, its
// manifest, then the marker, last), and swaps it in; on failure tmp is
// removed and the output is left as it was. The tree swapped out is kept
// as the next build's spare when the site is large (spareMinFiles), with
// the index of the new tree's encodings (see output_encodings.go). The
// manifest's text and the index are made while the spare is pruned: no
// file they describe is pruned, and they are written in the same order
// as before, the index once the tree is complete.
func (o *output) commit(tmp string, s *dirSink, records int) error {
	s.release()
	err := s.ready()
	keep := s.made.len() >= spareMinFiles
	var (
		text     []byte
		index    []byte
		indexErr error
		wg       sync.WaitGroup
	)
	if err == nil {
		wg.Add(2)
		go func() {
			defer wg.Done()
			text = s.made.encode()
		}()
		go func() {
			defer wg.Done()
			index, indexErr = indexText(s, keep)
		}()
		err = s.prune()
		wg.Wait()
	}
	if err == nil {
		err = o.fill(tmp, text, records)
	}
	if err != nil {
		o.discard(tmp)
		return err
	}
	checkpoint("complete")
	// The index of encodings goes with the tree it describes; should it
	// fail, the next build encodes every record.
	if indexErr != nil {
		o.putIndex(nil)
	} else {
		o.putIndex(index)
	}
	if err := o.swap(tmp, keep); err != nil {
		o.discard(tmp)
		return err
	}
	return nil
}

// A pieceWriter takes a file in pieces (see sink.pieces). add takes the
// next piece; encoding says that it is one record's encoding, for the
// index of encodings (see indexedFiles); the piece is not kept past the
// call. close puts the file; abort, after a failure, drops it.
type pieceWriter interface {
	add(piece []byte, encoding bool) error
	close() error
	abort()
}

// putPieces puts the file p made of the pieces write hands to add.
func putPieces(out sink, p string, write func(add func(piece []byte, encoding bool) error) error) error {
	w := out.pieces(p)
	if err := write(w.add); err != nil {
		w.abort()
		return err
	}
	return w.close()
}

// pieces returns a writer of the file p, made of pieces. A file under
// bigFile is gathered and put as one buffer. A larger one is compared, as
// its pieces come, with the files of the spare and of the previous output
// at its path, read alongside, and written only once it differs from
// both: into a new file beside its path, starting with the bytes it had in
// common with the last of them to differ, copied from there, and renamed
// into place once complete; or, where it can, into the spare's file, in
// place (see output_patch.go). So the file is never whole in memory, and a
// file equal to the old one is never written.
func (s *dirSink) pieces(p string) pieceWriter { return &pieceFile{s: s, p: p} }

func (f *pieceFile) close() error {
	err := f.s.ready()
	if err == nil {
		err = f.finish()
	}
	if err != nil {
		f.abort()
		return err
	}
	f.closeFiles()
	return nil
}

// abort closes the files f holds open and removes the new file, or the
// spare's file it was writing into.
func (f *pieceFile) abort() {
	f.closeFiles()
	if f.tmp != "" {
		os.Remove(f.tmp)
		f.tmp = ""
	}
	if f.patched != "" {
		os.Remove(f.patched)
		f.patched = ""
	}
}

// pieceFile is a file being put in pieces through a dirSink.
type pieceFile struct {
	s    *dirSink
	p    string
	buf  []byte // the pieces so far, while under bigFile
	size int64
	// encodings lie at off[i], n[i] bytes long (see note).
	off, n []int

	streaming bool
	olds      []*oldFile // the old files at p that the pieces so far match
	last      *oldFile   // the last old file to differ, nil for none
	done      int64      // bytes compared or written
	tmp       string     // the new file, once the pieces differ from every old one
	file      *os.File
	w         *bufio.Writer
	// prior is the previous output's file at p when it is one of the
	// sink's priors: the pieces are compared with it in memory, and a
	// run of pieces that lie one after the other in it (its encodings,
	// taken) is copied from it, file to file (see write); run and runEnd
	// are the bounds of the run not yet written.
	prior       *priorFile
	run, runEnd int
	// wpos is where the next byte written goes; same, where the file
	// holds prior's bytes at their offsets, for the index (see noteBase).
	wpos int64
	same []byteRange
	// patch is set when the file is the spare's, written into in place
	// (see output_patch.go): patched is its name, patchSame where it
	// holds prior's bytes, lit the bytes to write at litAt.
	patch     bool
	patched   string
	patchSame []byteRange
	lit       []byte
	litAt     int64
}

// oldFile is a file of the spare or of the previous output, read as the
// pieces come; or, for one of the sink's priors, compared in memory
// (mapped, at pos).
type oldFile struct {
	f      *os.File
	r      *bufio.Reader
	spare  bool
	buf    []byte
	mapped *priorFile
	pos    int
}

func (f *pieceFile) add(piece []byte, encoding bool) error {
	if encoding {
		f.off = append(f.off, int(f.size))
		f.n = append(f.n, len(piece))
	}
	f.size += int64(len(piece))
	if !f.streaming {
		f.buf = append(f.buf, piece...)
		if len(f.buf) < bigFile {
			return nil
		}
		if err := f.s.ready(); err != nil {
			return err
		}
		f.stream()
		piece, f.buf = f.buf, nil
	}
	return f.feed(piece)
}

// stream starts comparing with the old files at p, by then known to be at
// least bigFile bytes long. A file made from the encodings of the previous
// output's file at p (one of the sink's priors) is compared with that
// file only, in memory: it differs from it only where records changed,
// and the spare's older file is not read for the rare case it equals that
// one instead (the file is then written anew, with the same bytes).
func (f *pieceFile) stream() {
	f.streaming = true
	if prior := f.s.priors.get(f.p); prior != nil {
		if e, ok := f.s.prev.get(f.p); ok && e.size == int64(len(prior.b)) && len(prior.b) >= len(f.buf) {
			f.prior = prior
			f.olds = append(f.olds, &oldFile{f: prior.f, mapped: prior})
			return
		}
	}
	inSpare, spared := f.s.stale[f.p]
	inPrev, prev := f.s.prev.get(f.p)
	for _, t := range []struct {
		e     entry
		ok    bool
		root  string
		spare bool
	}{{inSpare, spared, f.s.root, true}, {inPrev, prev, f.s.prevRoot, false}} {
		if !t.ok || t.e.size < int64(len(f.buf)) {
			continue
		}
		o, err := os.Open(filepath.Join(t.root, filepath.FromSlash(f.p)))
		if err != nil {
			continue
		}
		f.olds = append(f.olds, &oldFile{f: o, r: bufio.NewReaderSize(o, 256<<10), spare: t.spare})
	}
}

// feed compares piece with the old files still equal so far, and writes
// it once none is.
func (f *pieceFile) feed(piece []byte) error {
	if len(f.olds) > 0 {
		same := f.olds[:0]
		for _, o := range f.olds {
			if o.next(piece) {
				same = append(same, o)
			} else {
				f.last = o
			}
		}
		f.olds = same
		if len(same) > 0 {
			f.done += int64(len(piece))
			return nil
		}
	}
	if f.file == nil {
		if err := f.create(); err != nil {
			return err
		}
	}
	f.done += int64(len(piece))
	return f.write(piece)
}

// write writes piece into the new file. Pieces that lie one after the
// other in prior (and small ones, such as the commas between features,
// that it holds right after them) make a run, copied from prior's file
// once it ends, without being read: after a one-record edit, all of the
// file but the record's new encoding.
func (f *pieceFile) write(piece []byte) error {
	if f.prior == nil {
		return f.writeBytes(piece)
	}
	if f.runEnd > f.run && (f.prior.inPlace(f.runEnd, piece) || len(piece) <= 16 && f.prior.holdsAt(f.runEnd, piece)) {
		f.runEnd += len(piece)
		return nil
	}
	if err := f.flushRun(); err != nil {
		return err
	}
	if at, ok := f.prior.offset(piece); ok {
		f.run, f.runEnd = at, at+len(piece)
		return nil
	}
	return f.writeBytes(piece)
}

// writeBytes writes b into the new file, or the file patched.
func (f *pieceFile) writeBytes(b []byte) error {
	if f.patch {
		err := f.patchAt(f.wpos, b)
		f.wpos += int64(len(b))
		return err
	}
	f.wpos += int64(len(b))
	_, err := f.w.Write(b)
	return err
}

// minCopy is the shortest run copied file to file rather than written
// (see write); a variable for tests.
var minCopy = 64 << 10

// runsCopied counts the runs copied file to file, for tests.
var runsCopied atomic.Int64

// flushRun writes the run of prior's bytes not yet written.
func (f *pieceFile) flushRun() error {
	off, n := f.run, f.runEnd-f.run
	f.run, f.runEnd = 0, 0
	if n == 0 {
		return nil
	}
	if int64(off) == f.wpos {
		f.same = addRange(f.same, f.wpos, f.wpos+int64(n))
	}
	if f.patch {
		return f.patchRun(int64(off), int64(n))
	}
	f.wpos += int64(n)
	if n < minCopy {
		_, err := f.w.Write(f.prior.b[off : off+n])
		return err
	}
	if err := f.w.Flush(); err != nil {
		return err
	}
	runsCopied.Add(1)
	return copyRange(f.file, f.prior.f, int64(off), int64(n))
}

// copyRange appends n bytes of src from off to dst, from file to file
// where the system can (copy_file_range on Linux).
func copyRange(dst, src *os.File, off, n int64) error {
	if _, err := src.Seek(off, io.SeekStart); err != nil {
		return err
	}
	copied, err := dst.ReadFrom(&io.LimitedReader{R: src, N: n})
	if err == nil && copied != n {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// next reports whether the old file's next bytes are b.
func (o *oldFile) next(b []byte) bool {
	if o.mapped != nil {
		if !o.mapped.holdsAt(o.pos, b) {
			return false
		}
		o.pos += len(b)
		return true
	}
	for len(b) > 0 {
		n := min(len(b), 64<<10)
		if cap(o.buf) < n {
			o.buf = make([]byte, 64<<10)
		}
		x := o.buf[:n]
		if _, err := io.ReadFull(o.r, x); err != nil || !bytes.Equal(x, b[:n]) {
			return false
		}
		b = b[n:]
	}
	return true
}

// create makes the new file beside p, starting with the f.done bytes the
// pieces so far had in common with the last old file to differ; or opens
// the spare's file at p to write into, in place, where it can (see
// output_patch.go).
func (f *pieceFile) create() error {
	f.wpos = f.done
	if f.last != nil && f.last.mapped != nil && f.last.mapped == f.prior {
		f.same = addRange(nil, 0, f.done)
	}
	if file, same, ok := f.openPatch(); ok {
		f.file, f.patch, f.patchSame = file, true, same
		f.patched = file.Name()
		filesPatched.Add(1)
		f.wpos = 0
		if err := f.patchRun(0, f.done); err != nil { // the bytes in common, at their offsets
			return err
		}
		if err := f.flushLit(); err != nil {
			return err
		}
		checkpoint("patching") // the kill test's point in a file written into
		return nil
	}
	if err := f.s.mkdirs(slashDir(f.p)); err != nil {
		return err
	}
	dir, base := path.Split(f.p)
	f.tmp = filepath.Join(f.s.root, filepath.FromSlash(dir), ".~"+base+".new")
	file, err := os.OpenFile(f.tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		f.tmp = "" // not ours to remove
		return err
	}
	f.file, f.w = file, bufio.NewWriterSize(file, 256<<10)
	if f.done > 0 {
		if _, err := f.last.f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.CopyN(f.w, f.last.f, f.done); err != nil {
			return err
		}
	}
	return nil
}

// finish completes the file: a small one is put whole; a large one equal
// to an old file is that file, else the new file goes into place.
func (f *pieceFile) finish() error {
	s := f.s
	if !f.streaming {
		s.noteSpans(f.p, f.off, f.n) // before put's note, which finds nothing left then
		return s.put(f.p, f.buf)
	}
	e, _ := s.made.get(f.p)
	e.size, e.summed = f.size, false // never hashed (see hashed): size >= bigFile
	var equal *oldFile
	for _, o := range f.olds {
		if o.mapped != nil && o.pos == len(o.mapped.b) {
			equal = o
			break
		}
		if o.mapped == nil {
			if _, err := o.r.ReadByte(); err == io.EOF {
				equal = o
				break
			}
		}
	}
	switch {
	case equal != nil && equal.spare:
		s.taken.Add(1) // the spare has it already
	case equal != nil:
		if err := s.mkdirs(slashDir(f.p)); err != nil {
			return err
		}
		if err := s.clear(f.p); err != nil {
			return err
		}
		if err := s.take(f.p); err != nil {
			return err
		}
	default:
		if f.file == nil { // a prefix of an old file
			f.last = f.olds[0]
			if err := f.create(); err != nil {
				return err
			}
		}
		if err := f.flushRun(); err != nil {
			return err
		}
		if f.patch {
			if err := f.endPatch(); err != nil {
				return err
			}
		} else if err := f.place(); err != nil {
			return err
		}
		s.noteBase(f.p, f.prior, f.same)
	}
	s.noteSpans(f.p, f.off, f.n)
	s.record(f.p, e)
	return nil
}

// place completes the new file and renames it into place.
func (f *pieceFile) place() error {
	s := f.s
	if err := f.w.Flush(); err != nil {
		return err
	}
	err := f.file.Close()
	f.file = nil
	if err != nil {
		return err
	}
	if err := s.clear(f.p); err != nil {
		return err
	}
	name := filepath.Join(s.root, filepath.FromSlash(f.p))
	err = os.Rename(f.tmp, name)
	if err != nil && s.stale != nil {
		// The spare holds a folder where this build has a file.
		if fi, err2 := os.Lstat(name); err2 == nil && fi.IsDir() && os.RemoveAll(name) == nil {
			err = os.Rename(f.tmp, name)
		}
	}
	if err != nil {
		return err
	}
	f.tmp = ""
	return nil
}

// closeFiles closes the files f still holds open (not the priors'; see
// priorFiles.close).
func (f *pieceFile) closeFiles() {
	for _, o := range append(f.olds, f.last) {
		if o != nil && o.mapped == nil {
			o.f.Close()
		}
	}
	f.olds, f.last = nil, nil
	if f.file != nil {
		f.file.Close()
		f.file = nil
	}
}

// noteSpans takes, for the index, where the encodings of the file p (when
// it is one of indexedFiles) lie: off and n, as its pieces were put,
// checked against what the encode kept (see note). A file put in pieces
// has no encodings found in it by note.
func (s *dirSink) noteSpans(p string, off, n []int) {
	for i, f := range indexedFiles {
		if f.path != p || s.spans == nil {
			continue
		}
		e := f.cache.takeMade()
		if e == nil {
			continue
		}
		var sp *spans
		if len(e.keys) == len(off) && (e.b == nil || len(e.b) == len(n)) {
			sp = &spans{keys: e.keys, off: off, n: n}
			for j, b := range e.b { // nil when the encodings were not kept (see encodeOnce)
				if len(b) != n[j] {
					sp = nil
					break
				}
			}
		}
		s.mu.Lock()
		s.spans[i] = sp
		s.mu.Unlock()
	}
}
