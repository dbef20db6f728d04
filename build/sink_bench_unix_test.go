//go:build unix

package build

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// BenchmarkSinkPages puts 10,000 record pages of 7.5 kB, each in a folder
// of its own, into a dirSink over an empty folder on two goroutines, as
// a cold build does (reuse first, which finds no previous page), and
// reports the system and user time per page.
// MAPSITE_BENCH_DIR names the folder to write under (/dev/shm, say).
func BenchmarkSinkPages(b *testing.B) {
	const pages = 10000
	page := make([]byte, 7500)
	for i := range page {
		page[i] = 'a' + byte(i%26)
	}
	paths := make([]string, pages)
	for i := range paths {
		paths[i] = fmt.Sprintf("incidents/r%07d/index.html", i)
	}
	base := os.Getenv("MAPSITE_BENCH_DIR")
	var sys, user time.Duration
	for b.Loop() {
		b.StopTimer()
		dir, err := os.MkdirTemp(base, "sinkbench-")
		if err != nil {
			b.Fatal(err)
		}
		root := filepath.Join(dir, ".public.new-0123456789")
		if err := os.Mkdir(root, 0o755); err != nil {
			b.Fatal(err)
		}
		s := newDirSink(root, nil, "")
		u0, s0 := rusage()
		b.StartTimer()
		err = parallel(pages, func(i int) error {
			// As reuse leaves a record page it does not take: keyed,
			// so that put does not hash it.
			s.setMade(paths[i], entry{keyed: true})
			return s.put(paths[i], page)
		})
		b.StopTimer()
		u1, s1 := rusage()
		user, sys = user+u1-u0, sys+s1-s0
		if err != nil {
			b.Fatal(err)
		}
		s.release()
		os.RemoveAll(dir)
		b.StartTimer()
	}
	n := float64(b.N * pages)
	b.ReportMetric(float64(sys.Nanoseconds())/n, "sys-ns/page")
	b.ReportMetric(float64(user.Nanoseconds())/n, "user-ns/page")
}

// rusage returns the user and system time this process has used.
func rusage() (user, sys time.Duration) {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return time.Duration(r.Utime.Nano()), time.Duration(r.Stime.Nano())
}
