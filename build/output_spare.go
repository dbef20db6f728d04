package build

import (
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// The spare tree. A build into a large output keeps the tree it swapped
// out beside the output, as ".<name>.spare", instead of removing it. The
// next build takes that tree as its temporary folder and brings it up to
// date in place (see dirSink): it leaves every file that the spare holds
// with the right bytes, removes and makes anew the others, removes the
// files of records that are gone, writes the marker last and swaps the
// tree in. A one-record edit then costs system calls in proportion to
// the change, not to the site: at 100,000 records, a folder and a link per
// page, then the removal of the old tree, were seconds.
//
// The spare is trusted as far as its marker and manifest say, like the
// output itself:
//   - the marker is removed before anything else of the spare changes, and
//     a spare without a marker is removed by the next build (recover);
//   - taken, the spare is renamed to ".<name>.new-…", so a build killed
//     while updating it leaves an unmarked temporary folder, which the next
//     build removes, as any other;
//   - a whole tree (marked) left by a killed build beside the output, the
//     new one not swapped in or the old one swapped out, becomes the spare
//     when there is none.
//
// The spare shares, by hard links, the files that have not changed since
// it was the output; it costs the disk about the size of the files that
// changed in the last build (at 100,000 records the map data, the CSV,
// the GeoJSON and the table page, about 330 MB), plus a folder per page.

// spareSuffix names the spare tree beside the output.
const spareSuffix = ".spare"

// spareMinFiles is the number of files from which a build keeps the tree
// it swapped out as the spare: below it, linking every file into a new
// folder costs little, and the disk is spared a second tree.
var spareMinFiles = 10000

// takeSpare returns the spare tree's manifest, with the temporary folder it
// will become and the function that makes it so: it unmarks the spare,
// renames it, and removes its manifest, which the build writes anew. It
// returns a nil manifest when there is no spare this build can trust, and
// removes one it cannot.
func (o *output) takeSpare() (string, manifest, func() error) {
	spare := o.sibling(spareSuffix)
	if !exists(spare) {
		return "", nil, nil
	}
	stale := readManifest(spare)
	if stale == nil {
		// Another version's, or not whole. Should the removal fail, the
		// build goes on without it, and the next one tries again.
		o.discard(spare)
		return "", nil, nil
	}
	tmp := o.sibling(".new-" + randomName())
	return tmp, stale, func() error {
		if err := os.Remove(filepath.Join(spare, Marker)); err != nil {
			return err
		}
		if err := os.Rename(spare, tmp); err != nil {
			return err
		}
		checkpoint("spare-taken")
		if err := os.Remove(filepath.Join(tmp, ManifestName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
}

// retire disposes of old, the whole tree a build has just swapped out:
// it becomes the spare when keep is set and it has a manifest, and is
// removed otherwise.
func (o *output) retire(old string, keep bool) error {
	spare := o.sibling(spareSuffix)
	if keep && !exists(spare) && exists(filepath.Join(old, ManifestName)) && os.Rename(old, spare) == nil {
		return nil
	}
	if !keep && exists(spare) {
		// Left by a killed build (see recover) over a small site.
		if err := o.discard(spare); err != nil {
			return err
		}
	}
	return o.discard(old)
}

// hasMarker reports whether the folder dir has the marker, written last:
// it holds a whole output.
func hasMarker(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, Marker))
	return err == nil
}

// exists reports whether there is anything at path.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// randomName returns a random suffix for a folder beside the output.
func randomName() string {
	return strconv.FormatUint(rand.Uint64(), 36)
}
