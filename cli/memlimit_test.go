package cli

import (
	"context"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// TestBuildLimitsMemory: mapsite build sets the runtime's memory limit
// once the site is loaded (see build.Options.LimitMemory); mapsite serve,
// whose process lives on, does not.
func TestBuildLimitsMemory(t *testing.T) {
	const ceiling = 64 << 30
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)
	t.Setenv("GOMEMLIMIT", "")
	dir := filepath.Join(t.TempDir(), "mysite")
	if code, _, errs := run(t, "new", dir); code != OK {
		t.Fatalf("new: exit %d: %s", code, errs)
	}

	debug.SetMemoryLimit(ceiling)
	if code, _, errs := run(t, "build", "-q", "-s", dir, "-o", filepath.Join(t.TempDir(), "public")); code != OK {
		t.Fatalf("build: exit %d: %s", code, errs)
	}
	if got := debug.SetMemoryLimit(ceiling); got >= ceiling {
		t.Errorf("build left the memory limit at %d, want a lower one", got)
	}

	// serve stops once it serves, its first build made.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errb strings.Builder
	out := writerFunc(func(p []byte) (int, error) {
		if strings.Contains(string(p), "serving") {
			cancel()
		}
		return len(p), nil
	})
	if code := Run(ctx, []string{"serve", "-s", dir, "--addr", "127.0.0.1:0"}, out, &errb); code != OK {
		t.Fatalf("serve: exit %d: %s", code, errb.String())
	}
	if got := debug.SetMemoryLimit(-1); got != ceiling {
		t.Errorf("serve set the memory limit to %d, want %d as it was", got, ceiling)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
