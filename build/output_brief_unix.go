//go:build unix && !linux

package build

import "golang.org/x/sys/unix"

// onMemoryFS reports false: brief system calls (see output_brief_linux.go)
// are made on Linux alone, and the ordinary ones here.
func onMemoryFS(int) bool { return false }

var (
	briefMkdirat = unix.Mkdirat
	briefOpenat  = unix.Openat
	briefWrite   = unix.Write
	briefClose   = unix.Close
)
