package site

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/internal/synth"
)

// TestUnreadStamps checks that Load takes an unchanged data file's
// decoding without reading it, with the positions of its keys still
// found, and that it reads a file again after an edit that keeps its
// size and modification time, after it was replaced, and while its stamp
// is racy.
func TestUnreadStamps(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("no stamps here")
	}
	t.Setenv(geo.CacheEnv, t.TempDir())
	defer func(m time.Duration) { stampMargin = m }(stampMargin)
	stampMargin = 20 * time.Millisecond
	settle := func() { time.Sleep(3 * stampMargin) }
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := synth.Site("..", dir, 300, 5); err != nil {
		t.Fatal(err)
	}
	data, _ := filepath.Glob(filepath.Join(dir, DataDir, "*.toml"))
	var file string
	for _, f := range data {
		if filepath.Base(f) != PlacesFile {
			file = f
			break
		}
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second).Add(123456789)
	if err := os.Chtimes(file, old, old); err != nil {
		t.Fatal(err)
	}
	settle()
	load := func() (*Site, int64) {
		t.Helper()
		n := unreadHits.Load()
		s, l := Load(dir)
		if l.Errors() > 0 {
			t.Fatalf("load: %v", l)
		}
		return s, unreadHits.Load() - n
	}
	load() // reads and stamps
	s, n := load()
	if n == 0 {
		t.Fatal("an unchanged file was read again")
	}
	r := s.Records[0]
	if at := s.At(r, "title"); at.Line <= r.Line {
		t.Fatalf("title of an unread record at line %d, record at %d", at.Line, r.Line)
	}
	// edit changes the first title in the file to one of the same length,
	// and returns it.
	edit := func(name string) string {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(b, []byte("title = \"")) + len("title = \"")
		b[i] ^= 1
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
		end := bytes.IndexByte(b[i:], '"')
		return string(b[i : i+end])
	}
	hasTitle := func(s *Site, title string) bool {
		for _, r := range s.Records {
			if r.Title == title {
				return true
			}
		}
		return false
	}
	for _, tc := range []struct {
		name   string
		change func() string
	}{
		{"same size and times, new bytes", func() string {
			title := edit(file)
			if err := os.Chtimes(file, old, old); err != nil {
				t.Fatal(err)
			}
			return title
		}},
		{"replaced by a file of the same size and times", func() string {
			tmp := file + ".new"
			title := edit(tmp)
			if err := os.Chtimes(tmp, old, old); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(tmp, file); err != nil {
				t.Fatal(err)
			}
			return title
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			settle()
			load() // stamps anew after the last case's edit
			settle()
			if _, n := load(); n == 0 {
				t.Fatal("the file was read again before the edit")
			}
			title := tc.change()
			settle()
			s, _ := load()
			if !hasTitle(s, title) {
				t.Fatalf("the edit to %q was not seen", title)
			}
		})
	}
	t.Run("racy", func(t *testing.T) {
		settle()
		load()
		stampMargin = time.Hour
		defer func() { stampMargin = 20 * time.Millisecond }()
		if _, n := load(); n != 0 {
			t.Fatalf("%d files taken unread while their stamps were racy", n)
		}
	})
}

func TestStampTrusted(t *testing.T) {
	defer func(m time.Duration) { stampMargin = m }(stampMargin)
	stampMargin = 2 * time.Second
	at := time.Date(2026, 12, 1, 6, 0, 0, 500, time.UTC).UnixNano()
	sec := int64(time.Second)
	for _, tc := range []struct {
		name        string
		mod, change int64
		want        bool
	}{
		{"old", at - 10*sec + 7, at - 10*sec + 9, true},
		{"modified within the margin", at - sec, at - 10*sec + 9, false},
		{"changed within the margin", at - 10*sec + 7, at - sec, false},
		{"changed after", at - 10*sec + 7, at + 5, false},
		{"whole seconds", at - 10*sec - 500, at - 10*sec - 500, false},
	} {
		r := stampRecord{st: stamp{mod: tc.mod, change: tc.change}, at: at}
		if got := r.trusted(); got != tc.want {
			t.Errorf("%s: trusted = %v, want %v", tc.name, got, tc.want)
		}
	}
}
