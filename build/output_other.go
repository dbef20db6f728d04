//go:build !linux && !darwin

package build

import "io/fs"

// exchange returns errNoExchange: the swap takes two renames, and the next
// build repairs a kill between them.
func exchange(a, b string) error { return errNoExchange }

// fileStamp reports that this system offers nothing that tells a file
// apart from another of the same size and modification time: the index of
// encodings is not trusted here (see output_encodings.go).
func fileStamp(fi fs.FileInfo) (number uint64, changed int64, ok bool) { return 0, 0, false }
