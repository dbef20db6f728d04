//go:build !linux && !darwin

package build

import (
	"io/fs"
	"os"
)

// exchange returns errNoExchange: the swap takes two renames, and the next
// build repairs a kill between them.
func exchange(a, b string) error { return errNoExchange }

// fileStamp reports that this system offers nothing that tells a file
// apart from another of the same size and modification time: the index of
// encodings is not trusted here (see output_encodings.go).
func fileStamp(fi fs.FileInfo) (number uint64, changed int64, ok bool) { return 0, 0, false }

// soleLink reports false: the spare's files are not written into here
// (see output_patch.go).
func soleLink(fi fs.FileInfo) bool { return false }

// copyAt copies n bytes of src from off into dst at to, from b, src's
// bytes mapped.
func copyAt(dst, src *os.File, b []byte, off, to, n int64) error {
	_, err := dst.WriteAt(b[off:off+n], to)
	return err
}
