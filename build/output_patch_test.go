package build

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// patchedFiles are the files made from the output's encodings, which a
// build writes into in place in the spare (see output_patch.go).
var patchedFiles = []string{"layers/all.geojson", "incidents.csv", tablePage}

// inodes returns the file numbers of the files at paths below root.
func inodes(t *testing.T, root string, paths []string) []uint64 {
	t.Helper()
	var out []uint64
	for _, p := range paths {
		n, _, ok := fileStamp(mustStat(t, filepath.Join(root, filepath.FromSlash(p))))
		if !ok {
			t.Skip("no file numbers on this system")
		}
		out = append(out, n)
	}
	return out
}

// TestSparePatchedInPlace: after the first rebuilds, each build writes
// the spare's all.geojson, incidents.csv and table page in place (the output's files
// are then the spare's, by file number), whether the new title is as long
// as the old one or not, and the output is a cold build's. A spare's file
// with another name (a hard link) is not written into, nor one changed
// since the index was written (same size and time, new status time).
func TestSparePatchedInPlace(t *testing.T) {
	useSpare(t)
	asNewProcess(t)
	e := newSpareEditor(t)
	out := filepath.Join(t.TempDir(), "public")
	spare := filepath.Join(filepath.Dir(out), ".public"+spareSuffix)
	buildTo(t, e.siteDir, out)
	e.retitle(t, "A day-precision attack", "Edited A 0")
	buildTo(t, e.siteDir, out)
	for i, title := range []string{"Edited A 1", "Edited A 2", "Edited A, longer", "B", "Edited A 5"} {
		e.retitle(t, "A day-precision attack", title)
		before := inodes(t, spare, patchedFiles)
		n := filesPatched.Load()
		buildTo(t, e.siteDir, out)
		if got := inodes(t, out, patchedFiles); !slices.Equal(got, before) {
			t.Errorf("edit %d (%q): the output's files are %v, not the spare's %v", i, title, got, before)
		}
		if d := filesPatched.Load() - n; d < int64(len(patchedFiles)) {
			t.Errorf("edit %d (%q): %d files written in place, want %d or more", i, title, d, len(patchedFiles))
		}
		compareTrees(t, title, coldTree(t, e.siteDir), readTree(t, out))
	}

	// The spare's all.geojson has another name: left alone.
	all := filepath.Join(spare, "layers", "all.geojson")
	other := filepath.Join(t.TempDir(), "all.geojson")
	if err := os.Link(all, other); err != nil {
		t.Skip("no hard links here")
	}
	kept, err := os.ReadFile(other)
	if err != nil {
		t.Fatal(err)
	}
	e.retitle(t, "A day-precision attack", "Edited A 6")
	n := filesPatched.Load()
	buildTo(t, e.siteDir, out)
	if b, _ := os.ReadFile(other); !bytes.Equal(b, kept) {
		t.Error("a build wrote into a file of the spare with another name")
	}
	if d := filesPatched.Load() - n; d != int64(len(patchedFiles))-1 {
		t.Errorf("with a hard link to all.geojson: %d files written in place, want %d", d, len(patchedFiles)-1)
	}
	compareTrees(t, "a hard link", coldTree(t, e.siteDir), readTree(t, out))

	// Two more builds, so that the spare's all.geojson is known again,
	// then it is changed by hand: same size and modification time.
	for _, title := range []string{"Edited A 7", "Edited A 8"} {
		e.retitle(t, "A day-precision attack", title)
		buildTo(t, e.siteDir, out)
	}
	fi := mustStat(t, all)
	if err := os.WriteFile(all, bytes.Repeat([]byte{'x'}, int(fi.Size())), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(all, time.Time{}, fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	e.retitle(t, "A day-precision attack", "Edited A 9")
	n = filesPatched.Load()
	buildTo(t, e.siteDir, out)
	if d := filesPatched.Load() - n; d != int64(len(patchedFiles))-1 {
		t.Errorf("with all.geojson changed by hand: %d files written in place, want %d", d, len(patchedFiles)-1)
	}
	compareTrees(t, "all.geojson changed by hand", coldTree(t, e.siteDir), readTree(t, out))
}

// TestGaps: the parts of a range outside a list of ranges.
func TestGaps(t *testing.T) {
	rs := addRange(addRange(addRange(nil, 10, 20), 20, 30), 40, 50) // [10,30) [40,50)
	if len(rs) != 2 {
		t.Fatalf("addRange joined nothing: %v", rs)
	}
	for _, tt := range []struct {
		lo, hi int64
		want   []byteRange
	}{
		{0, 60, []byteRange{{0, 10}, {30, 40}, {50, 60}}},
		{10, 30, nil},
		{15, 45, []byteRange{{30, 40}}},
		{25, 35, []byteRange{{30, 35}}},
		{50, 55, []byteRange{{50, 55}}},
		{0, 5, []byteRange{{0, 5}}},
	} {
		var got []byteRange
		gaps(rs, tt.lo, tt.hi, func(lo, hi int64) error {
			got = append(got, byteRange{lo, hi})
			return nil
		})
		if !slices.Equal(got, tt.want) {
			t.Errorf("gaps [%d,%d) = %v, want %v", tt.lo, tt.hi, got, tt.want)
		}
	}
}

// TestPruneReadsSpareOnlyWhenNeeded: a sink that made every file of the
// spare (one of them twice) does not read the spare's list; one that made
// every record page of it (files listed with a key) but not another file
// looks up the others only, and removes that file; one that did not make
// a record page looks up every file, and removes the page.
func TestPruneReadsSpareOnlyWhenNeeded(t *testing.T) {
	spare := map[string]bool{"a.html": false, "b/c.html": false, "p/1/index.html": true, "p/2/index.html": true} // keyed
	for _, tt := range []struct {
		name    string
		made    []string
		lookups int64 // -1: the list not read
	}{
		{"all made", []string{"a.html", "b/c.html", "a.html", "p/1/index.html", "p/2/index.html", "new.html"}, -1},
		{"a file not made", []string{"a.html", "new.html", "p/2/index.html", "p/1/index.html"}, 2},
		{"a page not made", []string{"a.html", "b/c.html", "p/2/index.html"}, 4},
	} {
		root := t.TempDir()
		stale := manifest{}
		for p, keyed := range spare {
			name := filepath.Join(root, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			stale[p] = entry{size: 3, keyed: keyed}
		}
		s := newDirSink(root, nil, "")
		s.onSpare(stale, nil)
		for _, p := range tt.made {
			if err := s.put(p, []byte("new "+p)); err != nil {
				t.Fatal(err)
			}
		}
		scans, lookups := pruneScans.Load(), pruneLookups.Load()
		if err := s.prune(); err != nil {
			t.Fatal(err)
		}
		switch scanned := pruneScans.Load() != scans; {
		case tt.lookups < 0 && scanned:
			t.Errorf("%s: prune read the spare's list", tt.name)
		case tt.lookups >= 0 && pruneLookups.Load()-lookups != tt.lookups:
			t.Errorf("%s: prune looked up %d files, want %d", tt.name, pruneLookups.Load()-lookups, tt.lookups)
		}
		for p := range spare {
			_, err := os.Lstat(filepath.Join(root, filepath.FromSlash(p)))
			if kept := err == nil; kept != slices.Contains(tt.made, p) {
				t.Errorf("%s: %s kept: %v", tt.name, p, kept)
			}
		}
	}
}

// TestPatchedSpareFailedBuild: a build that wrote into the spare's files
// and then fails (at its marker) leaves the output exactly as it was, and
// the next build makes a cold build's output.
func TestPatchedSpareFailedBuild(t *testing.T) {
	useSpare(t)
	asNewProcess(t)
	e := newSpareEditor(t)
	out := filepath.Join(t.TempDir(), "public")
	for _, title := range []string{"Edited A 0", "Edited A 1", "Edited A 2"} {
		e.retitle(t, "A day-precision attack", title)
		buildTo(t, e.siteDir, out)
	}
	before := readTree(t, out)
	e.retitle(t, "A day-precision attack", "Edited A 3")
	orig := writeFile
	writeFile = func(name string, data []byte) error {
		if filepath.Base(name) == Marker {
			return errors.New("disk full")
		}
		return orig(name, data)
	}
	n := filesPatched.Load()
	_, err := Build(context.Background(), Options{SiteDir: e.siteDir, OutDir: out})
	writeFile = orig
	if err == nil {
		t.Fatal("Build with a failing marker write succeeded")
	}
	if filesPatched.Load() == n {
		t.Fatal("the failed build wrote into no file of the spare")
	}
	assertSameTree(t, before, readTree(t, out))
	buildTo(t, e.siteDir, out)
	compareTrees(t, "after a failed build", coldTree(t, e.siteDir), readTree(t, out))
}
