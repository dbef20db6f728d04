package main

import (
	"bufio"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// setMemoryLimit gives the Go runtime a soft memory limit of four fifths
// of the memory available when mapsite starts, unless GOMEMLIMIT sets
// one: near the limit the garbage collector runs more often instead of
// letting the heap double, so a very large build (a million records)
// finishes where it would otherwise be killed for lack of memory. It is
// the ceiling of the lower limit mapsite build sets once the site is
// loaded (build.Options.LimitMemory).
func setMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	if avail := memAvailable(); avail > 0 {
		debug.SetMemoryLimit(avail / 5 * 4)
	}
}

// memAvailable returns MemAvailable from /proc/meminfo in bytes, or 0.
func memAvailable() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}
