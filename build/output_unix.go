//go:build unix

package build

import (
	"errors"
	"io/fs"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// tryLock takes an exclusive flock on f without waiting, and reports
// whether it did.
func tryLock(f *os.File) (bool, error) {
	err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}

// killSelf ends the process as SIGKILL would from outside.
func killSelf() {
	unix.Kill(os.Getpid(), unix.SIGKILL)
	select {}
}

// createFile creates the file name, which must not exist, holding data, in
// three system calls (open, write, close): os.OpenFile makes eight, as it
// first offers the file to the network poller, which refuses it. A build
// creates a file per page.
func createFile(name string, data []byte) error {
	return createAt(unix.AT_FDCWD, name, name, data, false)
}

// holdDir returns the folder name, held open (see heldDir).
func holdDir(name string) (*heldDir, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	fd := int(f.Fd())
	return &heldDir{name: name, f: f, fd: fd, inMemory: onMemoryFS(fd)}, nil
}

// createIn is createFile for the file rel in the folder d.
func createIn(d *heldDir, rel string, data []byte) error {
	err := createAt(d.fd, rel, "", data, d.inMemory && len(data) <= briefMax)
	runtime.KeepAlive(d.f)
	if pe, ok := err.(*fs.PathError); ok {
		pe.Path = d.path(rel)
	}
	return err
}

// mkdirIn makes the folder rel in the folder d.
func mkdirIn(d *heldDir, rel string) error {
	mkdirat := unix.Mkdirat
	if d.inMemory {
		mkdirat = briefMkdirat
	}
	err := mkdirat(d.fd, rel, 0o755)
	for err == unix.EINTR {
		err = mkdirat(d.fd, rel, 0o755)
	}
	runtime.KeepAlive(d.f)
	if err != nil {
		return &fs.PathError{Op: "mkdir", Path: d.path(rel), Err: err}
	}
	return nil
}

// briefMax is the most a file made by brief system calls may hold (see
// createAt): a longer copy is made in the scheduler's view.
const briefMax = 1 << 20

// createAt creates the file rel in the folder open as dirfd (AT_FDCWD for
// the working folder), which must not exist, holding data; name is its
// path in errors. With brief, the calls are made without telling Go's
// scheduler (see briefOpenat): only for a folder on a file system held in
// memory, which never waits for a device.
func createAt(dirfd int, rel, name string, data []byte, brief bool) error {
	openat, write, closeFD := unix.Openat, unix.Write, unix.Close
	if brief {
		openat, write, closeFD = briefOpenat, briefWrite, briefClose
	}
	fd, err := openat(dirfd, rel, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o644)
	for err == unix.EINTR {
		fd, err = openat(dirfd, rel, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o644)
	}
	if err != nil {
		return &fs.PathError{Op: "open", Path: name, Err: err}
	}
	for len(data) > 0 {
		n, err := write(fd, data)
		if err == unix.EINTR {
			continue
		}
		if err == nil && n == 0 {
			err = unix.EIO
		}
		if err != nil {
			closeFD(fd)
			return &fs.PathError{Op: "write", Path: name, Err: err}
		}
		data = data[n:]
	}
	if err := closeFD(fd); err != nil {
		return &fs.PathError{Op: "close", Path: name, Err: err}
	}
	return nil
}

// mapFile maps the whole file f, size bytes long, read-only into memory:
// its bytes are the system's page cache, not the heap's, and only the
// pages read count. unmap lets go of them; no slice of b may be used
// after.
func mapFile(f *os.File, size int) (b []byte, unmap func(), err error) {
	if size == 0 {
		return []byte{}, func() {}, nil
	}
	b, err = unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return b, func() { unix.Munmap(b) }, nil
}

// dropPages lets the system take back the pages of b, a mapping of
// mapFile's, that this process has read: they count in its memory no
// more. b stays valid: the file's pages are read again if b is.
func dropPages(b []byte) {
	if len(b) > 0 {
		unix.Madvise(b, unix.MADV_DONTNEED)
	}
}
