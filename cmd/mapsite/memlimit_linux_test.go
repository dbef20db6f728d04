package main

import (
	"runtime/debug"
	"testing"
)

func TestMemAvailable(t *testing.T) {
	if n := memAvailable(); n < 1<<20 {
		t.Fatalf("memAvailable() = %d, want the bytes of /proc/meminfo's MemAvailable", n)
	}
}

func TestSetMemoryLimit(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)
	t.Setenv("GOMEMLIMIT", "")
	setMemoryLimit()
	if got, avail := debug.SetMemoryLimit(-1), memAvailable(); got <= 0 || got > avail {
		t.Errorf("limit %d, want four fifths of the %d bytes available", got, avail)
	}
	debug.SetMemoryLimit(old)
	t.Setenv("GOMEMLIMIT", "1GiB")
	setMemoryLimit()
	if got := debug.SetMemoryLimit(-1); got != old {
		t.Errorf("with GOMEMLIMIT set, the limit became %d", got)
	}
}
