//go:build !linux

package site

import "os"

// mapEntry is mapEntry of diskcache_linux.go: here entries are read.
func mapEntry(f *os.File, size int64) ([]byte, bool) { return nil, false }

func unmapEntry(b []byte) {}
