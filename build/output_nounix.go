//go:build !unix

package build

import "os"

// createFile creates the file name, which must not exist, holding data.
func createFile(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err2 := f.Close(); err == nil {
		err = err2
	}
	return err
}

// holdDir returns the folder name, not held open: this system is given
// paths (see heldDir). A folder held open could not be renamed on Windows.
func holdDir(name string) (*heldDir, error) { return &heldDir{name: name}, nil }

// createIn is createFile for the file rel in the folder d.
func createIn(d *heldDir, rel string, data []byte) error { return createFile(d.path(rel), data) }

// mkdirIn makes the folder rel in the folder d.
func mkdirIn(d *heldDir, rel string) error { return os.Mkdir(d.path(rel), 0o755) }

// mapFile reads the whole file f, size bytes long, into memory: this
// system has no mapping the build uses.
func mapFile(f *os.File, size int) (b []byte, unmap func(), err error) {
	b = make([]byte, size)
	if _, err := f.ReadAt(b, 0); err != nil {
		return nil, nil, err
	}
	return b, func() {}, nil
}

// dropPages does nothing: mapFile's bytes are the heap's here.
func dropPages(b []byte) {}
