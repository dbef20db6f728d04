package build

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// openUnder returns the files this process holds open below dir.
func openUnder(t *testing.T, dir string) []string {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip(err)
	}
	var open []string
	for _, fd := range fds {
		if name, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name())); err == nil && strings.HasPrefix(name, dir) {
			open = append(open, name)
		}
	}
	return open
}

// TestBuildLetsGoOfHeldFolders: a build, whole or failed after its first
// files, leaves no folder of the sink open (see dirSink.hold). The
// collector is off, so that no finalizer closes what the build left.
func TestBuildLetsGoOfHeldFolders(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	dir := t.TempDir()
	buildTo(t, fixture, filepath.Join(dir, "public"))
	if open := openUnder(t, dir); len(open) > 0 {
		t.Errorf("a build left open: %q", open)
	}
	n := 0
	defer func(orig func(*heldDir, string, []byte) error) { writeIn = orig }(writeIn)
	writeIn = func(in *heldDir, rel string, data []byte) error {
		if n++; n == 20 {
			return errors.New("disk full")
		}
		return createIn(in, rel, data)
	}
	dir = t.TempDir()
	if _, err := Build(context.Background(), Options{SiteDir: fixture, OutDir: filepath.Join(dir, "public")}); err == nil {
		t.Fatal("Build with a failing disk succeeded")
	}
	if n < 20 {
		t.Fatalf("the build made %d files, want 20 or more", n)
	}
	if open := openUnder(t, dir); len(open) > 0 {
		t.Errorf("a failed build left open: %q", open)
	}
}
