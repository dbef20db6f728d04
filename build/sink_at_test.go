package build

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestSinkMakesInHeldFolders: a dirSink makes a folder in its parent and
// a file in the folder above its own, each held once (see dirSink.hold):
// a record page and its folder are made in "incidents". The files are
// whole, and release lets go of every folder held.
func TestSinkMakesInHeldFolders(t *testing.T) {
	root := filepath.Join(t.TempDir(), "new")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	type made struct{ in, rel string }
	var (
		mu   sync.Mutex
		got  []made
		held []*heldDir
	)
	defer func(orig func(*heldDir, string, []byte) error) { writeIn = orig }(writeIn)
	writeIn = func(in *heldDir, rel string, data []byte) error {
		mu.Lock()
		got = append(got, made{in.name, rel})
		held = append(held, in)
		mu.Unlock()
		return createIn(in, rel, data)
	}
	s := newDirSink(root, nil, "")
	files := []string{"index.html", "about/index.html", "incidents/r1/index.html", "incidents/r2/index.html", "assets/basemap/ab/c.js"}
	for _, p := range files {
		if err := s.put(p, []byte("<"+p+">")); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range files {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil || string(b) != "<"+p+">" {
			t.Errorf("%s = %q, %v; want %q", p, b, err, "<"+p+">")
		}
	}
	want := []made{
		{root, "index.html"},
		{root, filepath.Join("about", "index.html")},
		{filepath.Join(root, "incidents"), filepath.Join("r1", "index.html")},
		{filepath.Join(root, "incidents"), filepath.Join("r2", "index.html")},
		{filepath.Join(root, "assets", "basemap"), filepath.Join("ab", "c.js")},
	}
	if !slices.Equal(got, want) {
		t.Errorf("files made (folder, name):\n%v\nwant\n%v", got, want)
	}
	var dirs []string
	for d := range s.held {
		dirs = append(dirs, d)
	}
	slices.Sort(dirs)
	if want := []string{"", "assets", "assets/basemap", "incidents"}; !slices.Equal(dirs, want) {
		t.Errorf("folders held = %q, want %q", dirs, want)
	}
	s.release()
	if len(s.held) != 0 {
		t.Errorf("%d folders still held after release", len(s.held))
	}
	for _, in := range held {
		if in.f != nil {
			t.Errorf("%s still open after release", in.name)
		}
	}
}

// TestSinkErrorNamesPath: a file the sink cannot make is named by its
// whole path in the error.
func TestSinkErrorNamesPath(t *testing.T) {
	root := filepath.Join(t.TempDir(), "new")
	name := filepath.Join(root, "incidents", "r1", "index.html")
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s := newDirSink(root, nil, "")
	defer s.release()
	err := s.put("incidents/r1/index.html", []byte("x"))
	if err == nil || !strings.Contains(err.Error(), name) {
		t.Errorf("put over an existing file = %v, want an error naming %s", err, name)
	}
}
