//go:build !linux

package main

// setMemoryLimit leaves the Go runtime's default (no memory limit) where
// the memory available is not read (see memlimit_linux.go).
func setMemoryLimit() {}
