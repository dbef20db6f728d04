package build

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mapsite/mapsite/site"
)

// scratch returns a folder for outputs on /dev/shm (tmpfs) where there is
// one, as make bench uses, else a test's temporary folder.
func scratch(b *testing.B) string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		dir, err := os.MkdirTemp("/dev/shm", "mapsite-bench-")
		if err == nil {
			b.Cleanup(func() { os.RemoveAll(dir) })
			return dir
		}
	}
	return b.TempDir()
}

// editTitle gives the record id of the synthetic site dir (package
// internal/synth) the title "Edited title <n>".
func editTitle(tb testing.TB, siteDir, id string, n int) {
	tb.Helper()
	var i int
	fmt.Sscanf(id, "r%d", &i)
	name := filepath.Join(siteDir, "data", fmt.Sprintf("part-%04d.toml", (i-1)/1000+1))
	src, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	at := bytes.Index(src, []byte(fmt.Sprintf("id = %q\n", id)))
	if at < 0 {
		tb.Fatalf("no record %s in %s", id, name)
	}
	start := at + bytes.Index(src[at:], []byte("\ntitle = ")) + 1
	end := start + bytes.IndexByte(src[start:], '\n')
	edited := fmt.Appendf(nil, "%stitle = \"Edited title %d\"%s", src[:start], n, src[end:])
	if err := os.WriteFile(name, edited, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// benchmarkRebuildEdit times mapsite build on the output of the previous
// build after a one-record title edit.
func benchmarkRebuildEdit(b *testing.B, n int) {
	siteDir := synthSite(b, n)
	out := filepath.Join(scratch(b), "public")
	if _, err := Build(context.Background(), Options{SiteDir: siteDir, OutDir: out}); err != nil {
		b.Fatal(err)
	}
	id := fmt.Sprintf("r%07d", n/2+1)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		editTitle(b, siteDir, id, i)
		rep, err := Build(context.Background(), Options{SiteDir: siteDir, OutDir: out})
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.ReportMetric(float64(rep.Reused), "reused-files")
		}
	}
}

// BenchmarkRebuildEdit10k: mapsite build on an existing output of 10,000
// records after a one-record edit.
func BenchmarkRebuildEdit10k(b *testing.B) { benchmarkRebuildEdit(b, 10000) }

// BenchmarkRebuildEdit100k is the same at 100,000 records (generating the
// site and the first build take minutes).
func BenchmarkRebuildEdit100k(b *testing.B) { benchmarkRebuildEdit(b, 100000) }

// benchmarkServeEdit times what mapsite serve does after a one-record
// edit: a render in memory that reuses the previous one.
func benchmarkServeEdit(b *testing.B, n int) {
	siteDir := synthSite(b, n)
	ld := site.NewLoader(siteDir)
	b.Cleanup(ld.Close)
	r := NewRenderer(Options{SiteDir: siteDir, Loader: ld}) // as mapsite serve does
	if _, _, err := r.Render(context.Background()); err != nil {
		b.Fatal(err)
	}
	id := fmt.Sprintf("r%07d", n/2+1)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		editTitle(b, siteDir, id, i)
		if _, _, err := r.Render(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServeEdit1k and BenchmarkServeEdit10k: a save to a site of
// 1,000 or 10,000 records, rendered again by mapsite serve (the watcher
// and the browser's reload aside; scripts/bench/run times those too).
func BenchmarkServeEdit1k(b *testing.B)  { benchmarkServeEdit(b, 1000) }
func BenchmarkServeEdit10k(b *testing.B) { benchmarkServeEdit(b, 10000) }

// BenchmarkBuild10kShm is BenchmarkBuild10k with the output on /dev/shm:
// a cold build each time (the output removed first), without the disk.
func BenchmarkBuild10kShm(b *testing.B) {
	siteDir := synthSite(b, 10000)
	out := filepath.Join(scratch(b), "public")
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		os.RemoveAll(out)
		b.StartTimer()
		if _, err := Build(context.Background(), Options{SiteDir: siteDir, OutDir: out}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCreateFile creates 1,000 small files on /dev/shm (or a
// temporary folder), as a build creates its pages: through os.OpenFile,
// and through createFile, which the build uses.
func BenchmarkCreateFile(b *testing.B) {
	page := bytes.Repeat([]byte("<p>record</p>\n"), 800) // 11 kB, a record page's size
	for _, bm := range []struct {
		name   string
		create func(string, []byte) error
	}{
		{"os.OpenFile", func(name string, data []byte) error {
			f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if err != nil {
				return err
			}
			_, err = f.Write(data)
			if err2 := f.Close(); err == nil {
				err = err2
			}
			return err
		}},
		{"createFile", createFile},
	} {
		b.Run(bm.name, func(b *testing.B) {
			root := scratch(b)
			for i := 0; b.Loop(); i++ {
				dir := filepath.Join(root, fmt.Sprint(i))
				os.Mkdir(dir, 0o755)
				for j := range 1000 {
					if err := bm.create(filepath.Join(dir, fmt.Sprint(j)), page); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				os.RemoveAll(dir)
				b.StartTimer()
			}
		})
	}
}

// BenchmarkManifest encodes and decodes the manifest of a 100,000-record
// output: a line per file, a key per record page.
func BenchmarkManifest(b *testing.B) {
	m := manifest{}
	for i := range 100000 {
		p := fmt.Sprintf("incidents/r%07d/index.html", i)
		m[p] = entry{sum: sum([]byte(p)), size: int64(10000 + i), key: sum([]byte(p + "k")), keyed: true}
	}
	for i := range 3000 {
		p := fmt.Sprintf("assets/basemap/c%d.js", i)
		m[p] = entry{sum: sum([]byte(p)), size: int64(i)}
	}
	text := m.encode()
	b.Run("encode", func(b *testing.B) {
		for b.Loop() {
			m.encode()
		}
	})
	b.Run("made", func(b *testing.B) {
		made := newMadeFiles(len(m))
		for p, e := range m {
			made.set(p, e)
		}
		for b.Loop() {
			made.encode()
		}
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeManifest(text); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("index", func(b *testing.B) { // read in place, as beside a spare (see liveManifest)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := indexManifest(text); err != nil {
				b.Fatal(err)
			}
		}
	})
}
