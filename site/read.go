package site

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Limits on what the loader reads, so that a hostile or broken file fails
// fast, in bounded time and memory, rather than exhausting the machine.
const (
	// MaxFileSize is the largest file a site may hold in data/, site.toml,
	// templates/ or assets/: 8 MiB, some 300 times the seed's largest data
	// file. A file this size decodes in well under a second.
	MaxFileSize = 8 << 20
	// MaxDepth is how deeply a TOML file may nest arrays, inline tables and
	// dotted keys. Records need 3; the TOML decoder's time grows with the
	// square of the depth.
	MaxDepth = 32
)

// ErrOutside is the error of a file that is a symbolic link resolving
// outside the site folder. Such links are refused so that a site cannot
// publish, or quote in an error message, a file that is not its own.
var ErrOutside = errors.New("links outside the site folder")

// ReadFile reads the file name (slash-separated, relative to the site
// folder dir) the way the loader reads every site file: through Open, and
// refusing a file larger than MaxFileSize before reading it whole. The
// build reads a site's own templates/ and assets/ through it.
func ReadFile(dir, name string) ([]byte, error) {
	f, err := Open(dir, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.Size() > MaxFileSize {
		return nil, tooLarge(fi.Size())
	}
	// Room for the file as it was, read in one piece (io.ReadAll would
	// grow its buffer step by step); a file that grew since is still
	// read to the limit.
	var buf bytes.Buffer
	buf.Grow(int(fi.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxFileSize+1)); err != nil {
		return nil, err
	}
	if buf.Len() > MaxFileSize {
		return nil, tooLarge(int64(buf.Len()))
	}
	return buf.Bytes(), nil
}

// Open opens the file name (slash-separated, relative to the site folder
// dir) for reading, safely: a symbolic link is followed only when it
// resolves inside dir (else the error wraps ErrOutside), and a file that is
// not a regular file (a FIFO, a device, a socket, a folder) is refused
// without being opened in a way that could block. A missing file gives an
// error that wraps fs.ErrNotExist, so callers can fall back to a default.
// It sets no size limit: use it for large files such as a base map.
func Open(dir, name string) (*os.File, error) {
	path, err := resolve(dir, name)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", kind(fi.Mode()))
	}
	// O_NONBLOCK: should the file be swapped for a FIFO after the Stat,
	// opening it still returns at once, and the second check refuses it.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = fmt.Errorf("not a regular file (%s)", kind(fi.Mode()))
		}
		return nil, err
	}
	return f, nil
}

func tooLarge(n int64) error {
	return fmt.Errorf("too large: %s; a file may hold at most %s (split the records over several files)", mib(n), mib(MaxFileSize))
}

func mib(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// resolve returns the path of name in dir with every symbolic link
// followed, or an error wrapping ErrOutside when it leads out of dir.
func resolve(dir, name string) (string, error) {
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", err
	}
	root, err = filepath.Abs(root)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, filepath.FromSlash(name))
	if _, err := os.Lstat(path); err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("a symbolic link to a file that does not exist (%s)", linkTarget(path))
		}
		return "", err
	}
	real, err = filepath.Abs(real)
	if err != nil {
		return "", err
	}
	if !inside(root, real) {
		return "", fmt.Errorf("refused: %w (to %s); copy it into the site instead", ErrOutside, linkTarget(path))
	}
	return real, nil
}

// inside reports whether path is root or below it; both are absolute and
// free of links.
func inside(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// linkTarget names where the link at path points, as written in it, for
// messages; a link in a parent folder is named by the folder.
func linkTarget(path string) string {
	if t, err := os.Readlink(path); err == nil {
		return fmt.Sprintf("%q", t)
	}
	return "through a linked folder"
}

// kind names a file mode that is not a regular file.
func kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return m.Type().String()
}
