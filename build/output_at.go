package build

import (
	"os"
	"path/filepath"
)

// A heldDir is a folder of the temporary tree that the sink makes files
// and folders in by names relative to it: where the system can, it holds
// the folder open, and the kernel walks the relative name alone rather
// than the whole path from the root of the file system (see mkdirIn and
// createIn). A record page, "incidents/<id>/index.html", is made in the
// held "incidents" folder.
type heldDir struct {
	name string   // the folder's path
	f    *os.File // the folder, open; nil where the system is given paths (see holdDir)
	fd   int      // f's descriptor
	// inMemory is set where f is on a file system held in memory, whose
	// files are made by brief system calls (see output_brief_linux.go).
	inMemory bool
}

// path returns the path of rel, a name relative to d.
func (d *heldDir) path(rel string) string { return filepath.Join(d.name, rel) }

// close lets go of d's folder.
func (d *heldDir) close() {
	if d.f != nil {
		d.f.Close()
		d.f = nil
	}
}

// writeIn creates the file rel in d, which must not exist, holding data
// (createIn): the sink's new files. It is a variable so that tests can
// make writes fail.
var writeIn = createIn
