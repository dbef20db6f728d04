package build

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// siblings returns the names beside out that a build made, other than out
// itself, its lock file, its spare tree (see checkSpare) and its index of
// encodings.
func siblings(t *testing.T, out string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range entries {
		if n := e.Name(); n != filepath.Base(out) && n != "."+filepath.Base(out)+".lock" && n != "."+filepath.Base(out)+spareSuffix && n != "."+filepath.Base(out)+encodingsSuffix {
			left = append(left, n)
		}
	}
	return left
}

func TestSwapLeavesARealFolder(t *testing.T) {
	for _, tt := range []struct {
		name       string
		noExchange bool
	}{{"exchange", false}, {"two renames", true}} {
		t.Run(tt.name, func(t *testing.T) {
			defer func(v bool) { noExchange = v }(noExchange)
			noExchange = tt.noExchange
			siteDir := copySite(t)
			out := filepath.Join(t.TempDir(), "public")
			buildTo(t, siteDir, out)
			first := readTree(t, out)
			src, _ := os.ReadFile(filepath.Join(siteDir, "data", "records.toml"))
			os.WriteFile(filepath.Join(siteDir, "data", "records.toml"), bytes.Replace(src, []byte("A day-precision attack"), []byte("An edited attack"), 1), 0o644)
			buildTo(t, siteDir, out)
			fi, err := os.Lstat(out)
			if err != nil || !fi.IsDir() {
				t.Fatalf("output is %v, %v; want a real folder", fi.Mode(), err)
			}
			second := readTree(t, out)
			if bytes.Equal(first["incidents/kerman-2024-01-03/index.html"], second["incidents/kerman-2024-01-03/index.html"]) {
				t.Errorf("the second build did not replace the first")
			}
			if left := siblings(t, out); len(left) > 0 {
				t.Errorf("left beside the output: %v", left)
			}
		})
	}
}

func TestLinkedOutputStaysALink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "www")
	link := filepath.Join(dir, "public")
	if err := os.Symlink(real, link); err != nil {
		t.Skip(err)
	}
	buildTo(t, fixture, link)
	buildTo(t, fixture, link)
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the output link was replaced: %v, %v", fi.Mode(), err)
	}
	if _, err := os.Stat(filepath.Join(real, "index.html")); err != nil {
		t.Errorf("the folder the link names was not written: %v", err)
	}
}

// TestNextBuildRestoresMovedAside: a build killed between the two renames
// of the fallback swap leaves no output folder; the next build, even one
// that fails on bad data, puts the old one back.
func TestNextBuildRestoresMovedAside(t *testing.T) {
	for _, name := range []string{"public", "pub[1]*"} {
		t.Run(name, func(t *testing.T) {
			siteDir := copySite(t)
			out := filepath.Join(t.TempDir(), name)
			buildTo(t, siteDir, out)
			before := readTree(t, out)
			if err := os.Rename(out, filepath.Join(filepath.Dir(out), "."+name+".old-123")); err != nil {
				t.Fatal(err)
			}
			os.Mkdir(filepath.Join(filepath.Dir(out), "."+name+".new-123"), 0o755) // the new tree, half written
			os.WriteFile(filepath.Join(siteDir, "data", "broken.toml"), []byte("[[record]]\nid = \"x\"\nlayer = \"nope\"\n"), 0o644)
			var log bytes.Buffer
			if _, err := Build(context.Background(), Options{SiteDir: siteDir, OutDir: out, Log: &log}); err == nil {
				t.Fatal("Build(broken) succeeded")
			}
			assertSameTree(t, before, readTree(t, out))
			if !strings.Contains(log.String(), "restored") {
				t.Errorf("the build did not say it restored the output: %q", log.String())
			}
			if left := siblings(t, out); len(left) > 0 {
				t.Errorf("left beside the output: %v", left)
			}
		})
	}
}

// holdLock takes out's lock as another build would, until release is called.
func holdLock(t *testing.T, out string) (release func()) {
	t.Helper()
	o, err := openOutput(out, time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	return o.close
}

func TestConcurrentBuildRefusesAfterWait(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	buildTo(t, fixture, out)
	before := readTree(t, out)
	release := holdLock(t, out)
	defer release()
	var log bytes.Buffer
	_, err := Build(context.Background(), Options{SiteDir: fixture, OutDir: out, LockWait: 300 * time.Millisecond, Log: &log})
	if err == nil || !strings.Contains(err.Error(), "another mapsite build") || !strings.Contains(err.Error(), "still writing") {
		t.Fatalf("Build while another holds the lock = %v, want a refusal naming the other build", err)
	}
	if !strings.Contains(log.String(), "waiting for another mapsite build") {
		t.Errorf("the build did not say it waits: %q", log.String())
	}
	assertSameTree(t, before, readTree(t, out))
}

func TestConcurrentBuildWaits(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	release := holdLock(t, out)
	time.AfterFunc(300*time.Millisecond, release)
	var log bytes.Buffer
	start := time.Now()
	if _, err := Build(context.Background(), Options{SiteDir: fixture, OutDir: out, LockWait: 10 * time.Second, Log: &log}); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) < 300*time.Millisecond || !strings.Contains(log.String(), "waiting") {
		t.Errorf("the build did not wait for the lock (%s, %q)", time.Since(start), log.String())
	}
}

func TestEmptyDataKeepsPublishedSite(t *testing.T) {
	siteDir := copySite(t)
	out := filepath.Join(t.TempDir(), "public")
	buildTo(t, siteDir, out)
	before := readTree(t, out)
	if err := os.Remove(filepath.Join(siteDir, "data", "records.toml")); err != nil {
		t.Fatal(err)
	}
	_, err := Build(context.Background(), Options{SiteDir: siteDir, OutDir: out})
	if err == nil || !strings.Contains(err.Error(), "--allow-empty") || !strings.Contains(err.Error(), "publishes 4 records") {
		t.Fatalf("Build(no records) over a published site = %v, want a refusal that names --allow-empty", err)
	}
	assertSameTree(t, before, readTree(t, out))

	rep, err := Build(context.Background(), Options{SiteDir: siteDir, OutDir: out, AllowEmpty: true})
	if err != nil {
		t.Fatalf("Build(no records, --allow-empty) = %v", err)
	}
	if rep.Records != 0 {
		t.Errorf("built %d records, want 0", rep.Records)
	}
	// An empty site over an empty one needs no flag.
	if _, err := Build(context.Background(), Options{SiteDir: siteDir, OutDir: out}); err != nil {
		t.Errorf("Build(no records) over an empty site = %v", err)
	}
}

func TestPublishedRecords(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	o := &output{dir: out}
	if n := o.publishedRecords(); n != 0 {
		t.Errorf("publishedRecords(no folder) = %d, want 0", n)
	}
	buildTo(t, fixture, out)
	if n := o.publishedRecords(); n != 4 {
		t.Errorf("publishedRecords = %d, want 4", n)
	}
	// A folder written before the marker counted records.
	os.WriteFile(filepath.Join(out, Marker), []byte(markerText), 0o644)
	if n := o.publishedRecords(); n != 4 {
		t.Errorf("publishedRecords(old marker) = %d, want 4", n)
	}
}

// checkSpare reports whether out has a spare tree beside it (see
// output_spare.go), and checks that the spare is whole: marked, and
// holding exactly the files its manifest lists, with their bytes.
func checkSpare(t *testing.T, out string) bool {
	t.Helper()
	spare := filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+spareSuffix)
	if _, err := os.Lstat(spare); err != nil {
		return false
	}
	m := readManifest(spare)
	if m == nil {
		t.Errorf("the spare tree has no marker or manifest")
		return true
	}
	files := readTree(t, spare)
	delete(files, Marker)
	delete(files, ManifestName)
	for p, e := range m {
		b, ok := files[p]
		switch {
		case !ok:
			t.Errorf("spare tree: %s is in its manifest, not in the tree", p)
		case int64(len(b)) != e.size || e.summed && sum(b) != e.sum:
			t.Errorf("spare tree: %s differs from its manifest", p)
		case e.summed != hashed(len(b), e.keyed):
			t.Errorf("spare tree: %s is listed with a digest: %v, want %v", p, e.summed, !e.summed)
		}
	}
	for p := range files {
		if _, ok := m[p]; !ok {
			t.Errorf("spare tree: %s is not in its manifest", p)
		}
	}
	checkNoEmptyFolders(t, "spare tree", spare)
	return true
}

// checkNoEmptyFolders reports every empty folder below dir: a build from
// nothing makes none, and a build that removes a record's page must remove
// its folder too.
func checkNoEmptyFolders(t *testing.T, what, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			if entries, _ := os.ReadDir(p); len(entries) == 0 {
				t.Errorf("%s: empty folder %s", what, p)
			}
		}
		return nil
	})
}

// TestWriteFiles writes a built output again with WriteFiles, on disk and,
// where there is one, on tmpfs (brief calls), and reads back the same
// files; it refuses a folder that exists.
func TestWriteFiles(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	buildTo(t, fixture, out)
	want := Files(readTree(t, out))
	bases := []string{t.TempDir()}
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "mapsite-test-"); err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			bases = append(bases, dir)
		}
	}
	for _, base := range bases {
		dst := filepath.Join(base, "copy")
		if err := WriteFiles(dst, want); err != nil {
			t.Fatalf("WriteFiles into %s: %v", base, err)
		}
		got := Files(readTree(t, dst))
		if len(got) != len(want) {
			t.Errorf("%s: %d files, want %d", base, len(got), len(want))
		}
		for _, p := range want.Paths() {
			if !bytes.Equal(got[p], want[p]) {
				t.Errorf("%s: %s differs (%d bytes, want %d)", base, p, len(got[p]), len(want[p]))
			}
		}
		if err := WriteFiles(dst, want); !errors.Is(err, fs.ErrExist) {
			t.Errorf("WriteFiles into an existing folder: %v, want it refused", err)
		}
	}
}
