//go:build !linux

package build

import "os"

// memoryFSAt reports false: brief system calls (see output_brief_linux.go)
// are made on Linux alone.
func memoryFSAt(string) bool { return false }

// briefLink is os.Link.
var briefLink = os.Link
