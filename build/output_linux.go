package build

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// exchange swaps the folders a and b in one atomic step
// (renameat2 RENAME_EXCHANGE), or returns errNoExchange where the file
// system cannot.
func exchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.ENOTSUP) {
		return errNoExchange
	}
	return err
}

// fileStamp returns what tells the file fi apart from every other file,
// and from itself before any change: its inode number and the time its
// status last changed (which, unlike the modification time, cannot be set
// back by hand). A build never writes into a file of the output; it
// writes into a file of the spare only once it knows it by this stamp
// (see output_patch.go).
func fileStamp(fi fs.FileInfo) (number uint64, changed int64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return uint64(st.Ino), st.Ctim.Nano(), true
}

// soleLink reports whether the file fi is known to have no other name.
func soleLink(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Nlink == 1
}

// copyAt copies n bytes of src from off into dst at to, file to file
// (copy_file_range); or, where the system cannot, from b, src's bytes
// mapped.
func copyAt(dst, src *os.File, b []byte, off, to, n int64) error {
	for n > 0 {
		roff, woff := off, to
		c, err := unix.CopyFileRange(int(src.Fd()), &roff, int(dst.Fd()), &woff, int(n), 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil || c <= 0 {
			_, err = dst.WriteAt(b[off:off+n], to)
			return err
		}
		off, to, n = off+int64(c), to+int64(c), n-int64(c)
	}
	return nil
}
