//go:build unix

package main

import (
	"os"
	"runtime"
	"slices"
	"syscall"
	"time"
)

// usage returns the CPU time and peak RSS of a finished process.
func usage(ps *os.ProcessState) (cpu time.Duration, rss int64) {
	ru, _ := ps.SysUsage().(*syscall.Rusage)
	if ru == nil {
		return 0, 0
	}
	rss = int64(ru.Maxrss) * 1024 // kilobytes on Linux and the BSDs
	if runtime.GOOS == "darwin" {
		rss = int64(ru.Maxrss) // bytes
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), rss
}

// selfCPU is this process's user and system time so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// pageCost is what this machine takes to touch a page of fresh memory
// (the kernel's fault and zeroing): the median of three 256 MiB anonymous
// mappings touched page by page. Builds write and fault in hundreds of
// thousands of pages, so two machines' runs compare only when this does.
func pageCost() time.Duration {
	const size = 256 << 20
	page := os.Getpagesize()
	var runs []time.Duration
	for range 3 {
		b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			return 0
		}
		start := time.Now()
		for i := 0; i < size; i += page {
			b[i] = 1
		}
		runs = append(runs, time.Since(start)/time.Duration(size/page))
		syscall.Munmap(b)
	}
	slices.Sort(runs)
	return runs[1]
}
