package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Marker is the file every output folder gets, so that a later build knows
// the folder is its own to replace.
const Marker = ".mapsite-output"

// Files is a whole output tree in memory, by slash-separated path.
type Files map[string][]byte

// Paths returns the paths of f, sorted.
func (f Files) Paths() []string {
	paths := make([]string, 0, len(f))
	for p := range f {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	return paths
}

// Size returns the total number of bytes of f.
func (f Files) Size() int {
	n := 0
	for _, b := range f {
		n += len(b)
	}
	return n
}

// checkOutput refuses an output folder that would destroy the analyst's
// work: the site folder itself, one of its parents, or a folder with files
// that mapsite did not write (unless force).
func checkOutput(siteDir, outDir string, force bool) error {
	site, err := filepath.Abs(siteDir)
	if err != nil {
		return err
	}
	out, err := filepath.Abs(outDir)
	if err != nil {
		return err
	}
	site, out = resolve(site), resolve(out)
	if out == site || strings.HasPrefix(site, out+string(filepath.Separator)) || out == filepath.Dir(out) {
		return fmt.Errorf("output folder %s holds the site folder %s: choose another, such as %s", outDir, siteDir, filepath.Join(siteDir, "public"))
	}
	entries, err := os.ReadDir(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(entries) == 0 || force {
		return nil
	}
	if _, err := os.Stat(filepath.Join(out, Marker)); err != nil {
		return fmt.Errorf("output folder %s has files that mapsite did not write (no %s); move them away, choose another folder, or use --force to replace it", outDir, Marker)
	}
	return nil
}

// resolve follows symbolic links as far as the path exists.
func resolve(path string) string {
	if p, err := filepath.EvalSymlinks(path); err == nil {
		return p
	}
	dir, base := filepath.Split(path)
	if dir == path || dir == "" {
		return path
	}
	return filepath.Join(resolve(filepath.Clean(dir)), base)
}

// writeAtomic writes files into a fresh folder beside outDir and then swaps
// it in, so that outDir is either the old tree or the complete new one,
// never a mix, whatever happens during the write.
func writeAtomic(outDir string, files Files) error {
	out, err := filepath.Abs(outDir)
	if err != nil {
		return err
	}
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	// A build killed mid-way leaves its temporary folder behind; sweep them.
	stale, _ := filepath.Glob(filepath.Join(parent, "."+filepath.Base(out)+".new-*"))
	for _, s := range stale {
		os.RemoveAll(s)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(out)+".new-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // a no-op after a successful swap
	if err := writeTree(tmp, files); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	return swap(tmp, out)
}

func writeTree(root string, files Files) error {
	paths := files.Paths()
	made := map[string]bool{}
	for _, p := range paths {
		if dir := filepath.Dir(filepath.Join(root, filepath.FromSlash(p))); !made[dir] {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			made[dir] = true
		}
	}
	for _, p := range paths {
		if err := writeFile(filepath.Join(root, filepath.FromSlash(p)), files[p]); err != nil {
			return err
		}
	}
	return writeFile(filepath.Join(root, Marker), []byte("This folder is written by mapsite build and replaced whole by the next build.\n"))
}

// writeFile is a variable so that tests can make writes fail.
var writeFile = func(name string, data []byte) error {
	return os.WriteFile(name, data, 0o644)
}

// swap replaces out with tmp: the old tree is renamed aside, the new one
// renamed in, and the old one removed. Each rename is atomic; if the
// second fails the old tree is put back.
func swap(tmp, out string) error {
	old := ""
	if _, err := os.Lstat(out); err == nil {
		old = tmp + ".old"
		if err := os.Rename(out, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		if old != "" {
			os.Rename(old, out)
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}
