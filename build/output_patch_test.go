package build

import (
	"bytes"
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
	defer func(n int) { bigFile = n }(bigFile)
	bigFile = 1
	defer func(on bool) { keepEncodings.Store(on) }(keepEncodings.Load())
	keepEncodings.Store(false)
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
// spare (one of them twice) does not read the spare's list; one that did
// not make one reads it and removes that file.
func TestPruneReadsSpareOnlyWhenNeeded(t *testing.T) {
	for _, tt := range []struct {
		name string
		made []string
		scan bool
	}{
		{"all made", []string{"a.html", "b/c.html", "a.html", "new.html"}, false},
		{"one not made", []string{"a.html", "new.html", "new2.html"}, true},
	} {
		root := t.TempDir()
		stale := manifest{}
		for _, p := range []string{"a.html", "b/c.html"} {
			name := filepath.Join(root, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			stale[p] = entry{size: 3}
		}
		s := newDirSink(root, nil, "")
		s.onSpare(stale, nil)
		for _, p := range tt.made {
			if err := s.put(p, []byte("new "+p)); err != nil {
				t.Fatal(err)
			}
		}
		n := pruneScans.Load()
		if err := s.prune(); err != nil {
			t.Fatal(err)
		}
		if scanned := pruneScans.Load() != n; scanned != tt.scan {
			t.Errorf("%s: prune read the spare's list: %v, want %v", tt.name, scanned, tt.scan)
		}
		_, err := os.Lstat(filepath.Join(root, "b", "c.html"))
		if kept := err == nil; kept != slices.Contains(tt.made, "b/c.html") {
			t.Errorf("%s: b/c.html kept: %v", tt.name, kept)
		}
	}
}
