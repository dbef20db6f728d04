package build

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mountType returns the type of the file system that holds dir, by the
// longest mount point above it in /proc/self/mountinfo.
func mountType(t *testing.T, dir string) string {
	t.Helper()
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	best, typ := "", ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// id parent major:minor root mountpoint options... - type source super
		left, right, ok := strings.Cut(sc.Text(), " - ")
		fields, after := strings.Fields(left), strings.Fields(right)
		if !ok || len(fields) < 5 || len(after) < 1 {
			continue
		}
		mp := fields[4]
		if (dir == mp || strings.HasPrefix(dir, strings.TrimSuffix(mp, "/")+"/")) && len(mp) >= len(best) {
			best, typ = mp, after[0]
		}
	}
	return typ
}

// TestBriefCalls: a held folder is taken as in memory exactly where
// /proc/self/mountinfo says tmpfs or ramfs, and the sink's calls, brief or
// not, make folders and whole files and fail as the ordinary ones do.
func TestBriefCalls(t *testing.T) {
	dirs := []string{t.TempDir()}
	if d, err := os.MkdirTemp("/dev/shm", "mapsite-brief-"); err == nil {
		t.Cleanup(func() { os.RemoveAll(d) })
		dirs = append(dirs, d)
	}
	sawMemory := false
	for _, dir := range dirs {
		dir, err := filepath.EvalSymlinks(dir)
		if err != nil {
			t.Fatal(err)
		}
		in, err := holdDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer in.close()
		typ := mountType(t, dir)
		if want := typ == "tmpfs" || typ == "ramfs"; in.inMemory != want || memoryFSAt(dir) != want {
			t.Errorf("%s (%s): inMemory = %v, memoryFSAt = %v, want %v", dir, typ, in.inMemory, memoryFSAt(dir), want)
		}
		sawMemory = sawMemory || in.inMemory
		big := strings.Repeat("x", briefMax+3)
		if err := mkdirIn(in, "r1"); err != nil {
			t.Fatal(err)
		}
		for _, f := range []struct{ rel, data string }{{"r1/index.html", "<p>r1</p>"}, {"big.js", big}, {"empty", ""}} {
			if err := createIn(in, f.rel, []byte(f.data)); err != nil {
				t.Fatalf("%s: %v", typ, err)
			}
			if b, err := os.ReadFile(filepath.Join(dir, f.rel)); err != nil || string(b) != f.data {
				t.Errorf("%s: %s holds %d bytes, %v; want %d", typ, f.rel, len(b), err, len(f.data))
			}
		}
		page, link := filepath.Join(dir, "r1", "index.html"), filepath.Join(dir, "linked.html")
		if err := linkFile(page, link, in.inMemory); err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		if a, err1 := os.Stat(page); err1 != nil {
			t.Fatal(err1)
		} else if b, err2 := os.Stat(link); err2 != nil || !os.SameFile(a, b) {
			t.Errorf("%s: %s is not a link of %s (%v)", typ, link, page, err2)
		}
		for _, c := range []struct {
			name, op string
			err      error
			do       func() error
		}{
			{"folder again", "mkdir", fs.ErrExist, func() error { return mkdirIn(in, "r1") }},
			{"file again", "open", fs.ErrExist, func() error { return createIn(in, "r1/index.html", nil) }},
			{"missing folder", "open", fs.ErrNotExist, func() error { return createIn(in, "r2/index.html", nil) }},
			{"folder in missing folder", "mkdir", fs.ErrNotExist, func() error { return mkdirIn(in, "r2/map") }},
			{"link again", "link", fs.ErrExist, func() error { return linkFile(page, link, in.inMemory) }},
			{"link of missing file", "link", fs.ErrNotExist, func() error { return linkFile(filepath.Join(dir, "gone.html"), link+"2", in.inMemory) }},
		} {
			err := c.do()
			var pe *fs.PathError
			var le *os.LinkError
			path, op := "", ""
			if errors.As(err, &pe) {
				path, op = pe.Path, pe.Op
			} else if errors.As(err, &le) {
				path, op = le.New, le.Op
			}
			if !errors.Is(err, c.err) || op != c.op || !strings.HasPrefix(path, dir+string(filepath.Separator)) {
				t.Errorf("%s, %s: err = %v; want %s of a path in %s, %v", typ, c.name, err, c.op, dir, c.err)
			}
		}
	}
	if !sawMemory {
		t.Log("no file system held in memory at /dev/shm: the brief calls were not run")
	}
}
