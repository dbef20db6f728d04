package geo

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time (user and system, all threads) the process has
// used. The benchmarks report it beside wall time, which on a shared
// machine counts other processes' turns too.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkBundled measures a cold load of the embedded place list and
// reports the heap it keeps.
func BenchmarkBundled(b *testing.B) {
	b.ReportAllocs()
	var g *Gazetteer
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		var err error
		if g, err = loadBundled(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapAlloc)/(1<<20), "heap-MB")
	b.ReportMetric(float64(g.size()), "places")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "load-ms")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "load-cpu-ms")
}

func BenchmarkResolve(b *testing.B) {
	benchmarkResolve(b, []Query{
		{Text: "Santiago Bernabéu", Country: "ES"}, {Text: "Kerman", Country: ""}, {Text: "Sarıyer, Istanbul", Country: "TR"},
		{Text: "Köln", Country: "DE"}, {Text: "Turkey", Country: ""}, {Text: "Crocus City Hall, Moscow", Country: "RU"},
		{Text: "Paris", Country: ""}, {Text: "Başakşehir, İstanbul", Country: "TR"},
	})
}

// BenchmarkResolveCoverage resolves the kinds of name issue 10 added:
// regions, districts, neighbourhoods, level words, other scripts and
// parents given by admin code.
func BenchmarkResolveCoverage(b *testing.B) {
	benchmarkResolve(b, []Query{
		{Text: "Dagestan"}, {Text: "Puchong, Selangor"}, {Text: "Üsküdar"}, {Text: "Kuruçeşme"},
		{Text: "Керман"}, {Text: "کرمان"}, {Text: "Kerman Province"}, {Text: "Derbent, Dagestan"},
		{Text: "Golzar-e Shohada cemetery, Kerman"}, {Text: "Kadıköy, İstanbul"}, {Text: "Tehran"}, {Text: "London, Ontario"},
	})
}

// benchmarkResolve resolves qs in turn and reports lookups per second of
// wall time and of CPU time (steadier on a shared machine).
func benchmarkResolve(b *testing.B, qs []Query) {
	g := bundledT(b)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		if _, err := g.Resolve(qs[i%len(qs)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	b.ReportMetric(float64(b.N)/(cpuTime()-cpu0).Seconds(), "lookups/cpu-s")
}

func BenchmarkResolveNotFound(b *testing.B) {
	g := bundledT(b)
	g.allKeys()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.Resolve(Query{Text: "Basaksehr", Country: "TR"})
	}
}

// BenchmarkBundledCold loads the list once in each of b.N new processes,
// as a build does, and reports the load's wall and CPU time there: in a
// process that has loaded it before, the pages are already mapped and the
// collector paces itself otherwise.
func BenchmarkBundledCold(b *testing.B) {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	var wall, cpu time.Duration
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(exe, "-test.run=^TestColdLoad$")
		cmd.Env = append(os.Environ(), "GEO_COLD_LOAD=1")
		out, err := cmd.Output()
		if err != nil {
			b.Fatalf("%v: %s", err, out)
		}
		var w, c time.Duration
		if _, err := fmt.Sscanf(string(out), "cold load %d %d", &w, &c); err != nil {
			b.Fatalf("%q: %v", out, err)
		}
		wall, cpu = wall+w, cpu+c
	}
	b.ReportMetric(float64(wall.Microseconds())/1000/float64(b.N), "load-ms")
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "load-cpu-ms")
}

// TestColdLoad is BenchmarkBundledCold's new process: it loads the list
// and prints the wall and CPU time that took, in nanoseconds.
func TestColdLoad(t *testing.T) {
	if os.Getenv("GEO_COLD_LOAD") == "" {
		t.Skip("run by BenchmarkBundledCold")
	}
	start, cpu0 := time.Now(), cpuTime()
	if _, err := loadBundled(); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("cold load %d %d\n", time.Since(start), cpuTime()-cpu0)
}
