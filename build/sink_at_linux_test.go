package build

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// openFiles returns the number of files this process holds open.
func openFiles(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	return len(fds)
}

// TestBuildLetsGoOfHeldFolders: a build, whole or failed after its first
// files, leaves no folder of the sink open (see dirSink.hold).
func TestBuildLetsGoOfHeldFolders(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	before := openFiles(t)
	buildTo(t, fixture, out)
	if n := openFiles(t); n != before {
		t.Errorf("a build left %d files open, want none", n-before)
	}
	n := 0
	defer func(orig func(*heldDir, string, []byte) error) { writeIn = orig }(writeIn)
	writeIn = func(in *heldDir, rel string, data []byte) error {
		if n++; n == 20 {
			return errors.New("disk full")
		}
		return createIn(in, rel, data)
	}
	if _, err := Build(context.Background(), Options{SiteDir: fixture, OutDir: filepath.Join(t.TempDir(), "public")}); err == nil {
		t.Fatal("Build with a failing disk succeeded")
	}
	if n < 20 {
		t.Fatalf("the build made %d files, want 20 or more", n)
	}
	if n := openFiles(t); n != before {
		t.Errorf("a failed build left %d files open, want none", n-before)
	}
}
