package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAllowEmpty: a build of an empty data/ does not replace a published
// site unless --allow-empty says so, and the error says how to proceed.
func TestAllowEmpty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mysite")
	if code, _, errs := run(t, "new", dir); code != OK {
		t.Fatalf("new: exit %d: %s", code, errs)
	}
	out := filepath.Join(t.TempDir(), "public")
	if code, _, errs := run(t, "build", "-q", "-s", dir, "-o", out); code != OK {
		t.Fatalf("build: exit %d: %s", code, errs)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "data", "*.toml"))
	for _, f := range files {
		if filepath.Base(f) != "places.toml" {
			os.Remove(f)
		}
	}
	index, _ := os.ReadFile(filepath.Join(out, "index.html"))
	code, _, errs := run(t, "build", "-q", "-s", dir, "-o", out)
	if code != DataError || !strings.Contains(errs, "--allow-empty") {
		t.Errorf("build of an empty data/ over a published site: exit %d, want %d and a hint at --allow-empty\n%s", code, DataError, errs)
	}
	if now, _ := os.ReadFile(filepath.Join(out, "index.html")); string(now) != string(index) {
		t.Errorf("the refused build changed the published site")
	}
	if code, _, errs := run(t, "build", "-q", "--allow-empty", "-s", dir, "-o", out); code != OK {
		t.Errorf("build --allow-empty: exit %d\n%s", code, errs)
	}
}
