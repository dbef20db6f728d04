package build

import (
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// A sink takes the output files as the build makes them. put may be
// called from several goroutines at once, and must not keep b past the
// call unless it owns it (the build never reuses a slice it has put).
type sink interface {
	put(path string, b []byte) error
	// count returns the number of files and bytes put so far.
	count() (files, bytes int)
}

// memSink keeps the files in memory: Render, for mapsite serve.
type memSink struct {
	mu    sync.Mutex
	files Files
}

func (s *memSink) put(path string, b []byte) error {
	s.mu.Lock()
	s.files[path] = b
	s.mu.Unlock()
	return nil
}

func (s *memSink) count() (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.files), s.files.Size()
}

// dirSink writes every file into a folder (the build's temporary folder)
// as soon as it is made, so that the build's memory does not grow with
// the number of pages.
type dirSink struct {
	root         string
	mu           sync.Mutex
	dirs         map[string]bool // folders made so far
	files, bytes atomic.Int64
}

func newDirSink(root string) *dirSink {
	return &dirSink{root: root, dirs: map[string]bool{root: true}}
}

func (s *dirSink) put(path string, b []byte) error {
	name := filepath.Join(s.root, filepath.FromSlash(path))
	dir := filepath.Dir(name)
	s.mu.Lock()
	made := s.dirs[dir]
	s.mu.Unlock()
	if !made {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		s.mu.Lock()
		s.dirs[dir] = true
		s.mu.Unlock()
	}
	if err := writeFile(name, b); err != nil {
		return err
	}
	if s.files.Add(1) == 1 {
		checkpoint("writing") // the kill test's point in the middle of the write
	}
	s.bytes.Add(int64(len(b)))
	return nil
}

func (s *dirSink) count() (int, int) { return int(s.files.Load()), int(s.bytes.Load()) }

// begin makes the fresh temporary folder beside the output that a build
// streams its files into (see dirSink).
func (o *output) begin() (string, error) {
	return os.MkdirTemp(filepath.Dir(o.dir), "."+filepath.Base(o.dir)+".new-")
}

// commit completes the tree streamed into tmp, a site of records records
// (fill with no more files writes the marker, last), and swaps it in; on
// failure tmp is removed and the output is left as it was.
func (o *output) commit(tmp string, records int) error {
	if err := o.fill(tmp, nil, records); err != nil {
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
