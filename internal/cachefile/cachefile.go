// Package cachefile writes the files of mapsite's cache folder whole or
// not at all.
package cachefile

import (
	"os"
	"path/filepath"
)

// Write writes b to path through a temporary file in the same folder,
// named after pattern (see os.CreateTemp), renamed into place: a reader
// sees the old file or the new one, never part of one. It makes the
// folder (mode 0700) when missing, and removes the temporary file when
// it fails.
func Write(path, pattern string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
