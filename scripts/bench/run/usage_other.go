//go:build !unix

package main

import (
	"os"
	"time"
)

// usage returns the CPU time of a finished process; its peak RSS is not
// known here.
func usage(ps *os.ProcessState) (cpu time.Duration, rss int64) {
	return ps.UserTime() + ps.SystemTime(), 0
}

// pageCost is not measured here (see usage_unix.go).
func pageCost() time.Duration { return 0 }

// selfCPU is not measured here: the write floor shows its wall time only.
func selfCPU() time.Duration { return 0 }
