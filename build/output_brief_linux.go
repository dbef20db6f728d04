package build

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Brief system calls. A goroutine in a system call normally tells Go's
// scheduler, and the scheduler's monitor hands the goroutine's processor
// to another thread if the call lasts over 20 µs. Making a record page
// takes four calls (mkdirat, openat, write, close) that a virtual machine
// can make last about that long each, so a cold build of 10,000 records
// woke the monitor about 10,000 times and moved processors between
// threads about 2,000 times (strace: 10,162 nanosleeps and 1,989 futex
// calls; 907 and 719 with brief calls), and a rebuild links every page
// it keeps from the previous output. Where the folder is on a file
// system held in memory (see onMemoryFS), these calls never wait for a
// device: they are the kernel's CPU work, like a copy, and are made
// without telling the scheduler (RawSyscall), as the runtime makes its own
// short calls. On a disk they may wait (for the journal, for write-back),
// and the ordinary calls of golang.org/x/sys/unix are made.

// onMemoryFS reports whether the folder open as fd is on a file system
// held in memory (tmpfs, ramfs).
func onMemoryFS(fd int) bool {
	var st unix.Statfs_t
	return unix.Fstatfs(fd, &st) == nil && inMemory(&st)
}

// memoryFSAt is onMemoryFS for the folder at path.
func memoryFSAt(path string) bool {
	var st unix.Statfs_t
	return unix.Statfs(path, &st) == nil && inMemory(&st)
}

// inMemory reports whether st is of a file system held in memory.
func inMemory(st *unix.Statfs_t) bool {
	return st.Type == unix.TMPFS_MAGIC || st.Type == unix.RAMFS_MAGIC
}

// briefLink is os.Link made as a brief call.
func briefLink(from, to string) error {
	f, err := unix.BytePtrFromString(from)
	if err != nil {
		return &os.LinkError{Op: "link", Old: from, New: to, Err: err}
	}
	t, err := unix.BytePtrFromString(to)
	if err != nil {
		return &os.LinkError{Op: "link", Old: from, New: to, Err: err}
	}
	cwd := unix.AT_FDCWD
	_, _, e := unix.RawSyscall6(unix.SYS_LINKAT, uintptr(cwd), uintptr(unsafe.Pointer(f)), uintptr(cwd), uintptr(unsafe.Pointer(t)), 0, 0)
	if e != 0 {
		return &os.LinkError{Op: "link", Old: from, New: to, Err: e}
	}
	return nil
}

// briefMkdirat is unix.Mkdirat made as a brief call.
func briefMkdirat(dirfd int, path string, mode uint32) error {
	p, err := unix.BytePtrFromString(path)
	if err != nil {
		return err
	}
	_, _, e := unix.RawSyscall(unix.SYS_MKDIRAT, uintptr(dirfd), uintptr(unsafe.Pointer(p)), uintptr(mode))
	return errnoErr(e)
}

// briefOpenat is unix.Openat made as a brief call.
func briefOpenat(dirfd int, path string, flags int, mode uint32) (int, error) {
	p, err := unix.BytePtrFromString(path)
	if err != nil {
		return -1, err
	}
	fd, _, e := unix.RawSyscall6(unix.SYS_OPENAT, uintptr(dirfd), uintptr(unsafe.Pointer(p)), uintptr(flags), uintptr(mode), 0, 0)
	if e != 0 {
		return -1, e
	}
	return int(fd), nil
}

// briefWrite is unix.Write made as a brief call.
func briefWrite(fd int, b []byte) (int, error) {
	n, _, e := unix.RawSyscall(unix.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// briefClose is unix.Close made as a brief call.
func briefClose(fd int) error {
	_, _, e := unix.RawSyscall(unix.SYS_CLOSE, uintptr(fd), 0, 0)
	return errnoErr(e)
}

// errnoErr returns e as an error, nil for 0.
func errnoErr(e unix.Errno) error {
	if e != 0 {
		return e
	}
	return nil
}
