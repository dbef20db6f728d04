//go:build unix

package main

import (
	"os"
	"runtime"
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
