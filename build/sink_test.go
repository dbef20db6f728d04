package build

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestPutPieces puts a file in pieces through a dirSink over a spare tree
// and beside a previous output holding other bytes at its path, and checks
// the file, how it was made (taken from the spare, linked from the
// previous output, or written), that the encodings' spans are where the
// pieces put them, and that nothing else is left in the tree.
func TestPutPieces(t *testing.T) {
	defer func(n int) { bigFile = n }(bigFile)
	pieces := []string{"head[", "one", ",", "two", ",", "three", "]tail"}
	want := strings.Join(pieces, "")
	for _, tc := range []struct {
		name        string
		big         int
		spare, prev string // "" for no file
		how         string // "spare", "taken" or "written"
	}{
		{"small, new", 1 << 20, "", "", "written"},
		{"small, as the spare", 1 << 20, want, "", "spare"},
		{"new", 1, "", "", "written"},
		{"as the spare", 1, want, "x" + want, "spare"},
		{"as the previous output", 1, "x" + want, want, "taken"},
		{"as both", 1, want, want, "spare"},
		{"differs at the end from the previous output", 1, "", want[:len(want)-1] + "!", "written"},
		{"differs late from one, early from the other", 5, want[:20] + "!!!!!!", "!" + want[1:], "written"},
		{"a prefix of the spare", 1, want + "more", "", "written"},
		{"longer than the previous output", 1, "", want[:10], "written"},
		{"over a folder of the spare", 1, "dir", "", "written"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bigFile = tc.big
			base := t.TempDir()
			root, prevRoot := filepath.Join(base, "new"), filepath.Join(base, "prev")
			const p = "layers/all.geojson"
			stale, prev := manifest{}, manifest{}
			for _, d := range []struct {
				root, text string
				m          manifest
			}{{root, tc.spare, stale}, {prevRoot, tc.prev, prev}} {
				name := filepath.Join(d.root, filepath.FromSlash(p))
				if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
					t.Fatal(err)
				}
				switch d.text {
				case "":
					continue
				case "dir":
					if err := os.MkdirAll(filepath.Join(name, "x"), 0o755); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if err := os.WriteFile(name, []byte(d.text), 0o644); err != nil {
					t.Fatal(err)
				}
				d.m[p] = entry{size: int64(len(d.text))}
			}
			s := newDirSink(root, mappedManifest(prev), prevRoot)
			s.onSpare(stale, nil)
			lastFeatures.forBuild(nil, false)
			w := s.pieces(p)
			for i, x := range pieces {
				if err := w.add([]byte(x), i%2 == 1); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.close(); err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(root, filepath.FromSlash(p))
			if got, err := os.ReadFile(name); err != nil || string(got) != want {
				t.Fatalf("file holds %q (%v), want %q", got, err, want)
			}
			if e, _ := s.made.get(p); e.size != int64(len(want)) || e.summed != (tc.big > len(want)) {
				t.Errorf("manifest entry %+v, want size %d", e, len(want))
			}
			how := "written"
			if s.reused() > 0 {
				how = "taken"
				if fi, err := os.Stat(filepath.Join(prevRoot, filepath.FromSlash(p))); err != nil || !os.SameFile(fi, mustStat(t, name)) {
					how = "spare"
				}
			}
			if how != tc.how {
				t.Errorf("the file was %s, want %s", how, tc.how)
			}
			if err := s.prune(); err != nil {
				t.Fatal(err)
			}
			entries, _ := os.ReadDir(filepath.Dir(name))
			if len(entries) != 1 {
				t.Errorf("the folder holds %d files, want the one put", len(entries))
			}
		})
	}
}

func mustStat(t *testing.T, name string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(name)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// TestPutPiecesSpans checks that the spans a dirSink notes for an indexed
// file put in pieces are where its encodings lie, large or small.
func TestPutPiecesSpans(t *testing.T) {
	defer func(n int) { bigFile = n }(bigFile)
	for _, big := range []int{1, 1 << 20} {
		bigFile = big
		root := t.TempDir()
		s := newDirSink(root, nil, "")
		s.spans = make([]*spans, len(indexedFiles))
		features := []string{`{"a":1}`, `{"b":22}`, `{"c":333}`}
		keys := make([]featureKey, len(features))
		for i := range keys {
			keys[i].label = features[i]
		}
		lastFeatures.forBuild(nil, false)
		lastFeatures.made = &encoded{keys: keys}
		err := putPieces(s, "layers/all.geojson", func(add func([]byte, bool) error) error {
			return writeCollection(add, [][]byte{[]byte(features[0]), []byte(features[1]), []byte(features[2])}, nil)
		})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(root, "layers", "all.geojson"))
		sp := s.spans[0]
		if sp == nil || len(sp.off) != len(features) {
			t.Fatalf("bigFile %d: spans %+v", big, sp)
		}
		for i, f := range features {
			if got := string(b[sp.off[i] : sp.off[i]+sp.n[i]]); got != f || sp.keys[i] != keys[i] {
				t.Errorf("bigFile %d: encoding %d spans %q, want %q", big, i, got, f)
			}
		}
	}
}

// TestPruneAfterShapeChange builds over a spare tree in which a file now
// stands where a folder was, and a folder where a file was, and checks
// that prune removes only what the build did not make, without failing.
func TestPruneAfterShapeChange(t *testing.T) {
	root := t.TempDir()
	spare := map[string]string{
		"was-folder/page.html":  "old page",
		"was-folder/deep/x.css": "old css",
		"was-file":              "old file",
		"kept.html":             "kept",
		"gone/old.html":         "gone",
	}
	stale := manifest{}
	for p, text := range spare {
		name := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		stale[p] = entry{size: int64(len(text))}
	}
	s := newDirSink(root, nil, "")
	s.onSpare(stale, nil)
	built := map[string]string{
		"was-folder":          "now a file",
		"was-file/index.html": "now in a folder",
		"kept.html":           "kept",
	}
	for p, text := range built {
		if err := s.put(p, []byte(text)); err != nil {
			t.Fatalf("put %s: %v", p, err)
		}
	}
	if err := s.prune(); err != nil {
		t.Fatalf("prune: %v", err)
	}
	got := map[string]string{}
	err := filepath.WalkDir(root, func(name string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(name)
		rel, _ := filepath.Rel(root, name)
		got[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, built) {
		t.Errorf("the tree holds %q, want %q", got, built)
	}
	if _, err := os.Stat(filepath.Join(root, "gone")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the emptied folder is still there (%v)", err)
	}
}

// TestMkdirsNotesSharedFolders puts files through a dirSink, each alone in
// its folder or beside others, and checks that they are all made and that
// the sink notes, as made, only the folders that hold more than one thing
// (see mkdirs): not the 100,000 folders of a site's record pages.
func TestMkdirsNotesSharedFolders(t *testing.T) {
	root := t.TempDir()
	s := newDirSink(root, nil, "")
	files := []string{"incidents/r1/index.html", "incidents/r2/index.html", "data/a.js", "data/b.js", "data/c.js",
		"tiles/1/2/3.png", "incidents/index.html"}
	for _, p := range files {
		if err := s.put(p, []byte(p)); err != nil {
			t.Fatal(err)
		}
	}
	s.release()
	for _, p := range files {
		if b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p))); err != nil || string(b) != p {
			t.Errorf("%s holds %q, %v; want %q", p, b, err, p)
		}
	}
	want := map[string]bool{"": true, "incidents": true, "data": true, "tiles": true, "tiles/1": true}
	if !maps.Equal(s.dirs, want) {
		t.Errorf("folders noted: %v, want %v", slices.Sorted(maps.Keys(s.dirs)), slices.Sorted(maps.Keys(want)))
	}
}
