package build

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mapsite/mapsite/internal/synth"
	"github.com/mapsite/mapsite/site"
)

// The benchmarks run on synthetic sites (package internal/synth): records
// spread over real places at every precision, one data file per 1,000
// records. make bench compares whole builds with Hugo; these time the
// stages: load, geocode, render, write.

// synthSite writes a synthetic site of n records.
func synthSite(tb testing.TB, n int) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "site")
	if _, err := synth.Site("..", dir, n, 1); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// synthModel loads and places the records of a new synthetic site of n
// records, and assembles its model.
func synthModel(tb testing.TB, n int) *model {
	tb.Helper()
	s, problems := site.Load(synthSite(tb, n))
	located, err := s.Locate()
	if err != nil {
		tb.Fatal(err)
	}
	if problems.Append(located); problems.Err() != nil {
		tb.Fatal(problems.Err())
	}
	return newModel(s, "")
}

// benchmarkBuild times cold builds: the output is removed before each, so
// that nothing is taken from the previous one (see BenchmarkRebuildEdit10k).
func benchmarkBuild(b *testing.B, siteDir string) {
	out := filepath.Join(b.TempDir(), "public")
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

// BenchmarkBuildSeed is a rebuild of the seed site, as mapsite serve does
// after an edit (the place list is loaded once per process).
func BenchmarkBuildSeed(b *testing.B) { benchmarkBuild(b, "..") }

// BenchmarkBuild10k builds a synthetic site of 10,000 records.
func BenchmarkBuild10k(b *testing.B) { benchmarkBuild(b, synthSite(b, 10000)) }

// BenchmarkLoad10k reads and validates 10,000 records.
func BenchmarkLoad10k(b *testing.B) {
	dir := synthSite(b, 10000)
	b.ReportAllocs()
	for b.Loop() {
		if _, l := site.Load(dir); l.Err() != nil {
			b.Fatal(l.Err())
		}
	}
}

// BenchmarkGeocode10k places 10,000 loaded records (the place list is
// loaded once per process).
func BenchmarkGeocode10k(b *testing.B) {
	s, l := site.Load(synthSite(b, 10000))
	if l.Err() != nil {
		b.Fatal(l.Err())
	}
	b.ReportAllocs()
	for b.Loop() {
		g, err := s.Gazetteer()
		if err != nil {
			b.Fatal(err)
		}
		if l := s.Geocode(g); l.Err() != nil {
			b.Fatal(l.Err())
		}
	}
}

// BenchmarkNewModel10k assembles the model of 10,000 loaded records.
func BenchmarkNewModel10k(b *testing.B) {
	s, l := site.Load(synthSite(b, 10000))
	if l.Err() != nil {
		b.Fatal(l.Err())
	}
	for b.Loop() {
		newModel(s, "")
	}
}

// BenchmarkRender10k renders 10,000 records in memory (load and geocode
// included), as mapsite serve does.
func BenchmarkRender10k(b *testing.B) {
	dir := synthSite(b, 10000)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Render(context.Background(), Options{SiteDir: dir}); err != nil {
			b.Fatal(err)
		}
	}
}

// syntheticSite writes a site of n near-identical records over a few
// cities, in one file, data/synthetic.toml (the kill test edits it).
func syntheticSite(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	cfg, err := os.ReadFile(filepath.Join(fixture, "site.toml"))
	if err != nil {
		tb.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "site.toml"), cfg, 0o644)
	os.Mkdir(filepath.Join(dir, "data"), 0o755)
	places := [][2]string{{"Paris", "FR"}, {"İstanbul", "TR"}, {"Tehran", "IR"}, {"Moscow", "RU"}, {"London", "GB"}, {"Madrid", "ES"}, {"Ankara", "TR"}, {"Brussels", "BE"}}
	layers := []string{"attack", "arrest"}
	var b strings.Builder
	for i := range n {
		p := places[i%len(places)]
		fmt.Fprintf(&b, `[[record]]
id = "r%05d"
layer = %q
date = %d-%02d-%02d
title = "Synthetic record %d"
place = %q
country = %q
killed = %d
summary = "A synthetic record for benchmarks."
tags = ["synthetic"]
[[record.source]]
title = "Benchmark"
url = "https://example.org/%d"

`, i, layers[i%2], 2000+i%25, 1+i%12, 1+i%28, i, p[0], p[1], i%50, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "data", "synthetic.toml"), []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// BenchmarkWrite10k writes the 10,000-record site, rendered once, into a
// temporary folder beside the output and swaps it in, as Build does.
func BenchmarkWrite10k(b *testing.B) { benchmarkWrite(b, b.TempDir()) }

// BenchmarkWrite10kShm is BenchmarkWrite10k on /dev/shm (tmpfs), where
// there is one: the system calls without the disk.
func BenchmarkWrite10kShm(b *testing.B) { benchmarkWrite(b, scratch(b)) }

func benchmarkWrite(b *testing.B, root string) {
	files, _, err := Render(context.Background(), Options{SiteDir: synthSite(b, 10000)})
	if err != nil {
		b.Fatal(err)
	}
	paths := files.Paths()
	out, err := openOutput(filepath.Join(root, "public"), DefaultLockWait, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer out.close()
	b.SetBytes(int64(files.Size()))
	for b.Loop() {
		tmp, dir, err := out.begin()
		if err != nil {
			b.Fatal(err)
		}
		dir.prev = nil // write every file, taking none from the last round
		if err := parallel(len(paths), func(i int) error { return dir.put(paths[i], files[paths[i]]) }); err != nil {
			b.Fatal(err)
		}
		if err := out.commit(tmp, dir, 10000); err != nil {
			b.Fatal(err)
		}
	}
}
