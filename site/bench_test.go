package site

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/internal/synth"
)

// bench10k is a synthetic site of 10,000 records, written once per run
// (or the one MAPSITE_BENCH_SITE names, as scripts/bench/gen writes it).
var bench10k = sync.OnceValues(func() (string, error) {
	if dir := os.Getenv("MAPSITE_BENCH_SITE"); dir != "" {
		return dir, nil
	}
	dir, err := os.MkdirTemp("", "mapsite-bench-")
	if err != nil {
		return "", err
	}
	dir = filepath.Join(dir, "site")
	_, err = synth.Site("..", dir, 10000, 1)
	return dir, err
})

// cpuTime is the CPU time (user and system, all threads) the process has
// used: on a shared machine, a steadier measure than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loop runs f b.N times and reports its CPU time per run beside the wall
// time.
func loop(b *testing.B, f func()) {
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		f()
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

func benchSite(b *testing.B) string {
	dir, err := bench10k()
	if err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkLoad10k reads and validates 10,000 records, decoding every
// file (the cache on disk off).
func BenchmarkLoad10k(b *testing.B) {
	dir := benchSite(b)
	b.Setenv(geo.CacheEnv, "off")
	loop(b, func() {
		if _, l := Load(dir); l.Err() != nil {
			b.Fatal(l.Err())
		}
	})
}

// BenchmarkLoad10kCached reads and validates 10,000 records in a new
// process, as mapsite build does, when the cache on disk holds the
// decoding of every file.
func BenchmarkLoad10kCached(b *testing.B) {
	dir := benchSite(b)
	b.Setenv(geo.CacheEnv, b.TempDir())
	Load(dir)
	loop(b, func() {
		if _, l := Load(dir); l.Err() != nil {
			b.Fatal(l.Err())
		}
	})
}

// BenchmarkLoad10kCold reads and validates 10,000 records as a build with
// an empty cache on disk does: decoding every file, and storing its
// decoding for the next build.
func BenchmarkLoad10kCold(b *testing.B) {
	dir := benchSite(b)
	caches := b.TempDir()
	var gc0 runtime.MemStats
	runtime.ReadMemStats(&gc0)
	loop(b, func() {
		cache, err := os.MkdirTemp(caches, "")
		if err != nil {
			b.Fatal(err)
		}
		b.Setenv(geo.CacheEnv, cache)
		if _, l := Load(dir); l.Err() != nil {
			b.Fatal(l.Err())
		}
		b.StopTimer()
		os.RemoveAll(cache)
		b.StartTimer()
	})
	var gc1 runtime.MemStats
	runtime.ReadMemStats(&gc1)
	b.ReportMetric(float64(gc1.NumGC-gc0.NumGC)/float64(b.N), "gcs/op")
}

// BenchmarkLoaderUnchanged10k loads 10,000 records again, none changed,
// as mapsite serve does after a save that changes nothing.
func BenchmarkLoaderUnchanged10k(b *testing.B) {
	b.Setenv(geo.CacheEnv, "off")
	ld := NewLoader(benchSite(b))
	b.Cleanup(ld.Close)
	ld.Load()
	loop(b, func() {
		if _, l := ld.Load(); l.Err() != nil {
			b.Fatal(l.Err())
		}
	})
}

// BenchmarkLoaderOneFile10k loads 10,000 records again after an edit to
// one data file of 1,000 (alternately two versions of it).
func BenchmarkLoaderOneFile10k(b *testing.B) {
	b.Setenv(geo.CacheEnv, "off")
	src := benchSite(b)
	dir := filepath.Join(b.TempDir(), "site")
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		b.Fatal(err)
	}
	file := filepath.Join(dir, "data", "part-0001.toml")
	orig, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	versions := [][]byte{orig, append(append([]byte{}, orig...), "\n# edited\n"...)}
	ld := NewLoader(dir)
	b.Cleanup(ld.Close)
	ld.Load()
	i := 0
	loop(b, func() {
		i++
		if err := os.WriteFile(file, versions[i%2], 0o644); err != nil {
			b.Fatal(err)
		}
		if _, l := ld.Load(); l.Err() != nil {
			b.Fatal(l.Err())
		}
	})
}

// BenchmarkLocate10k places 10,000 loaded records as a new process does
// when the geocoding cache on disk knows every place: answers from the
// file, no place list.
func BenchmarkLocate10k(b *testing.B) {
	b.Setenv(geo.CacheEnv, b.TempDir())
	s, l := Load(benchSite(b))
	if l.Err() != nil {
		b.Fatal(l.Err())
	}
	if _, err := s.Locate(); err != nil { // fills the cache file
		b.Fatal(err)
	}
	loop(b, func() {
		geo.ForgetAnswers()
		if l, err := s.Locate(); err != nil || l.Err() != nil {
			b.Fatal(err, l.Err())
		}
	})
}

// BenchmarkStoreDigests writes the cache entry of a data file of 1,000
// records as a cold build does, its records' digests made with it.
func BenchmarkStoreDigests(b *testing.B) {
	dir := benchSite(b)
	f := "data/part-0001.toml"
	src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
	if err != nil {
		b.Fatal(err)
	}
	dec := decodeData(dir, f, src, [32]byte{})
	buf := make([]byte, 0, 1<<20)
	loop(b, func() {
		for k := range dec.where {
			dec.where[k].digested = false
		}
		buf, _ = encodeDecoded(buf, "k", f, dec, true)
	})
}

// BenchmarkDecodeStore decodes a data file of 1,000 records and stores
// its decoding in the cache on disk, its digests made, as a cold build
// does.
func BenchmarkDecodeStore(b *testing.B) {
	dir := benchSite(b)
	f := "data/part-0001.toml"
	src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
	if err != nil {
		b.Fatal(err)
	}
	sum := sha256.Sum256(src)
	c := &diskCache{dir: b.TempDir(), version: "bench"}
	loop(b, func() {
		c.put(f, decodeData(dir, f, src, sum))
	})
}

// BenchmarkDecodeFile decodes a data file of 1,000 records from TOML.
func BenchmarkDecodeFile(b *testing.B) {
	dir := benchSite(b)
	f := "data/part-0001.toml"
	src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
	if err != nil {
		b.Fatal(err)
	}
	loop(b, func() {
		decodeData(dir, f, src, [32]byte{})
	})
}

// BenchmarkCompact moves the strings of a data file of 1,000 records into
// an arena of their own, as the load does after decoding (the strings
// are already out of the file's bytes here, which compact treats alike
// but for the long ones the decoder built, left as they are).
func BenchmarkCompact(b *testing.B) {
	dir := benchSite(b)
	f := "data/part-0001.toml"
	src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
	if err != nil {
		b.Fatal(err)
	}
	dec := decodeData(dir, f, src, [32]byte{})
	loop(b, func() {
		compact(dec.records, src)
	})
}
