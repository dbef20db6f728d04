package cachefile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, path string
		b          string
		fails      bool
	}{
		{"new file in a new folder", "a/b/file", "one", false},
		{"replaced", "a/b/file", "two", false},
		{"over a folder", "a", "three", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.path)
			err := Write(p, ".test-*.tmp", []byte(tc.b))
			if (err != nil) != tc.fails {
				t.Fatalf("Write: %v, want failure %v", err, tc.fails)
			}
			if !tc.fails {
				if got, err := os.ReadFile(p); err != nil || string(got) != tc.b {
					t.Errorf("the file holds %q (%v), want %q", got, err, tc.b)
				}
			}
			left, _ := filepath.Glob(filepath.Join(filepath.Dir(p), ".test-*.tmp"))
			if len(left) != 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
	if fi, err := os.Stat(filepath.Join(dir, "a", "b")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the folder made: %v, %v; want mode 0700", fi, err)
	}
}
