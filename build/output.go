package build

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Marker is the file every output folder gets, so that a later build knows
// the folder is its own to replace. It is written last, so a temporary
// folder that has it is complete, and it records the number of records the
// folder publishes.
const Marker = ".mapsite-output"

const markerText = "This folder is written by mapsite build and replaced whole by the next build.\n"

// DefaultLockWait is how long a build waits for another build into the same
// output folder to finish before it refuses.
const DefaultLockWait = 5 * time.Minute

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

// WriteFiles writes f into dir, a folder it makes (whose parent must
// exist), as a build writes its output: each file's folders when first
// needed, then the file, by the system calls a build makes (brief ones on
// a file system held in memory), on as many goroutines as there are
// cores. It hashes nothing, keeps no manifest and swaps nothing in:
// scripts/bench/run times with it what writing an output costs alone.
func WriteFiles(dir string, f Files) error {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	s := newDirSink(dir, nil, "")
	defer s.release()
	paths := f.Paths()
	return parallel(len(paths), func(i int) error {
		p := paths[i]
		if err := s.mkdirs(slashDir(p)); err != nil {
			return err
		}
		return s.create(p, f[p])
	})
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

// followLinks returns the path that path names after following links,
// also a link to a folder that does not exist yet.
func followLinks(path string) string {
	for range 40 {
		target, err := os.Readlink(path)
		if err != nil {
			break
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = filepath.Clean(target)
	}
	return resolve(path)
}

// An output is an output folder held by one build. Every build of a folder
// first takes its lock (a file beside it, ".<name>.lock"), so at most one
// build at a time writes beside it; then it repairs what a build killed
// mid-way left behind, and removes that build's temporary folders.
//
// The new tree is written into a temporary folder beside the output,
// ".<name>.new-<random>", whose Marker is written last. It is swapped in
// with one atomic exchange of the two folders where the system has one
// (Linux renameat2 RENAME_EXCHANGE, macOS renamex_np RENAME_SWAP).
// Elsewhere the old folder is first renamed aside to ".<name>.old-<random>"
// and the new one renamed in: a kill between the two renames leaves no
// output folder, and the next build, even a failing one, renames the aside
// folder back before anything else. The output folder is always a real
// folder, never a link, so publishers can copy it as it is.
type output struct {
	dir  string   // the output folder: absolute, with links resolved
	name string   // the output folder as the command line names it, for messages
	lock *os.File // held from openOutput to close
	log  io.Writer
}

// sibling returns the path of a folder beside the output: ".<name><suffix>".
func (o *output) sibling(suffix string) string {
	return filepath.Join(filepath.Dir(o.dir), "."+filepath.Base(o.dir)+suffix)
}

// siblings returns the paths beside the output that start with
// ".<name><prefix>" (read, not globbed: the name may hold '*' or '[').
func (o *output) siblings(prefix string) []string {
	entries, _ := os.ReadDir(filepath.Dir(o.dir))
	var paths []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "."+filepath.Base(o.dir)+prefix) {
			paths = append(paths, filepath.Join(filepath.Dir(o.dir), e.Name()))
		}
	}
	return paths
}

// openOutput takes the lock of the output folder outDir, waiting up to
// wait (and saying so on log) while another build holds it, then recovers
// from any build that was killed mid-way.
func openOutput(outDir string, wait time.Duration, log io.Writer) (*output, error) {
	abs, err := filepath.Abs(outDir)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = io.Discard
	}
	// A link as output folder stays a link: the folder it points to is
	// the one replaced.
	o := &output{dir: followLinks(abs), name: outDir, log: log}
	if err := os.MkdirAll(filepath.Dir(o.dir), 0o755); err != nil {
		return nil, err
	}
	if err := o.takeLock(wait); err != nil {
		return nil, err
	}
	checkpoint("locked")
	if err := o.recover(); err != nil {
		o.close()
		return nil, err
	}
	return o, nil
}

// takeLock locks ".<name>.lock" beside the output folder. The lock is the
// operating system's (flock), so it dies with its process: a killed build
// never leaves a folder locked.
func (o *output) takeLock(wait time.Duration) error {
	path := o.sibling(".lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("lock %s: %w", path, err)
	}
	deadline := time.Now().Add(wait)
	said := false
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return fmt.Errorf("lock %s: %w", path, err)
		}
		if ok {
			break
		}
		holder := lockHolder(path)
		if time.Now().After(deadline) {
			f.Close()
			return fmt.Errorf("another mapsite build%s is still writing %s after %s; wait for it to finish, or stop it and build again (the next build repairs what it leaves)", holder, o.name, wait.Round(time.Second))
		}
		if !said {
			fmt.Fprintf(o.log, "waiting for another mapsite build%s to finish writing %s (up to %s)\n", holder, o.name, wait.Round(time.Second))
			said = true
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Name the holder for builds that wait.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	o.lock = f
	return nil
}

// lockHolder returns " (process N)" for the build that holds the lock, as
// far as it has said, or "".
func lockHolder(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
		return fmt.Sprintf(" (process %d)", pid)
	}
	return ""
}

// close releases the lock. The lock file stays: removing it would let two
// builds lock two different files of the same name.
func (o *output) close() {
	endBuild() // the build's chunks and sink (see lastBuilt)
	if o.lock != nil {
		o.lock.Close() // releases the flock
		o.lock = nil
	}
}

// recover undoes what builds killed mid-way left: it renames an output
// folder that was moved aside back into place, and removes every temporary
// folder. It runs with the lock held, so no other build is using them.
func (o *output) recover() error {
	asides := o.siblings(".old-")
	if _, err := os.Lstat(o.dir); errors.Is(err, fs.ErrNotExist) && len(asides) > 0 {
		// A build was killed between its two renames. Each rename is
		// atomic, so the aside folder is a whole earlier output; with
		// several (which one build cannot leave), the newest.
		newest, newestTime := "", time.Time{}
		for _, a := range asides {
			if fi, err := os.Stat(a); err == nil && (newest == "" || fi.ModTime().After(newestTime)) {
				newest, newestTime = a, fi.ModTime()
			}
		}
		if newest != "" {
			if err := os.Rename(newest, o.dir); err != nil {
				return fmt.Errorf("restore %s from %s: %w", o.name, newest, err)
			}
			fmt.Fprintf(o.log, "restored %s, which a killed build had left moved aside\n", o.name)
		}
	}
	// A spare without its marker was being brought up to date (see
	// takeSpare): its files no longer match its manifest.
	spare := o.sibling(spareSuffix)
	var stale []string
	if _, err := os.Lstat(spare); err == nil && !hasMarker(spare) {
		stale = append(stale, spare)
	}
	for _, kind := range []string{".new-", ".old-", ".del-"} {
		for _, s := range o.siblings(kind) {
			// A whole tree (with its marker) is the new site a build
			// did not swap in, or the old one it swapped out: either
			// serves as the spare, if there is none.
			if kind != ".del-" && hasMarker(s) && !exists(spare) && os.Rename(s, spare) == nil {
				continue
			}
			stale = append(stale, s)
		}
	}
	// All renamed first, then removed: a build killed while sweeping
	// leaves only ".del-" folders.
	trash := make([]string, len(stale))
	for i, s := range stale {
		var err error
		if trash[i], err = o.trash(s); err != nil {
			return fmt.Errorf("remove %s, left by a killed build: %w", s, err)
		}
	}
	checkpoint("sweeping")
	for _, t := range trash {
		if err := o.remove(t); err != nil {
			return fmt.Errorf("remove %s, left by a killed build: %w", t, err)
		}
	}
	return nil
}

// discard removes a folder that is not the output: first renamed to
// ".<name>.del-…", so that no half-removed tree ever carries a name that
// recover would restore, then removed.
func (o *output) discard(dir string) error {
	del, err := o.trash(dir)
	if err != nil {
		return err
	}
	return o.remove(del)
}

// trash renames dir to ".<name>.del-…" (".public.new-123" becomes
// ".public.del-new-123": unique, as its name was) and returns the new name.
func (o *output) trash(dir string) (string, error) {
	prefix := "." + filepath.Base(o.dir) + "."
	base := filepath.Base(dir)
	if strings.HasPrefix(base, prefix+"del-") {
		return dir, nil
	}
	del := o.sibling(".del-" + strings.TrimPrefix(base, prefix))
	if exists(del) { // ".public.del-spare", left by a build killed while removing it
		del += "-" + randomName()
	}
	return del, os.Rename(dir, del)
}

// remove removes a trashed folder.
func (o *output) remove(dir string) error {
	entries, _ := os.ReadDir(dir)
	for i, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return err
		}
		if i == 0 {
			checkpoint("removing")
		}
	}
	return os.RemoveAll(dir)
}

// publishedRecords returns how many records the site in the output folder
// publishes: 0 when there is none.
func (o *output) publishedRecords() int {
	f, err := os.Open(filepath.Join(o.dir, Marker))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "records: "); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	// Written before the marker counted records: count the record pages.
	pages, _ := filepath.Glob(filepath.Join(o.dir, "incidents", "*", "index.html"))
	return len(pages)
}

// fill completes the tree streamed into root: its manifest, whose text is
// given, then the marker, last.
func (o *output) fill(root string, manifestText []byte, records int) error {
	checkpoint("written")
	if err := writeFile(filepath.Join(root, ManifestName), manifestText); err != nil {
		return err
	}
	marker := fmt.Sprintf("%srecords: %d\n", markerText, records)
	if err := writeFile(filepath.Join(root, Marker), []byte(marker)); err != nil {
		return err
	}
	return os.Chmod(root, 0o755) // MkdirTemp makes it 0700
}

// writeFile creates the file name, which must not exist, and writes data
// into it (createFile). It never opens an existing file: a file of the new
// tree may be a hard link to one of the old output, which must stay as it
// is. It is a variable so that tests can make writes fail.
var writeFile = createFile

// swap puts the complete tree tmp in place of the output folder. The tree
// it replaces becomes the spare when keep is set (see retire), and is
// removed otherwise.
func (o *output) swap(tmp string, keep bool) error {
	if _, err := os.Lstat(o.dir); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(tmp, o.dir)
	}
	if !noExchange {
		err := exchange(tmp, o.dir)
		if err == nil {
			// tmp now holds the old tree.
			checkpoint("exchanged")
			return o.retire(tmp, keep)
		}
		if !errors.Is(err, errNoExchange) {
			return fmt.Errorf("swap %s in: %w", o.name, err)
		}
	}
	aside := o.sibling(".old-" + strings.TrimPrefix(filepath.Base(tmp), "."+filepath.Base(o.dir)+".new-"))
	if err := os.Rename(o.dir, aside); err != nil {
		return fmt.Errorf("move %s aside: %w", o.name, err)
	}
	checkpoint("swap-1")
	if err := os.Rename(tmp, o.dir); err != nil {
		if err2 := os.Rename(aside, o.dir); err2 != nil {
			return fmt.Errorf("swap %s in: %w; the old site is at %s (the next build puts it back)", o.name, err, aside)
		}
		return fmt.Errorf("swap %s in: %w", o.name, err)
	}
	checkpoint("swap-2")
	return o.retire(aside, keep)
}

// errNoExchange says the system cannot exchange two folders atomically.
var errNoExchange = errors.New("atomic exchange unsupported")

// Test hooks, read once: MAPSITE_TEST_DIE_AT names a point at which the
// build kills itself (SIGKILL, so nothing is cleaned up), for the kill test;
// MAPSITE_TEST_NO_EXCHANGE=1 takes the two-rename swap. Each point costs a
// build one string comparison.
var (
	dieAt      = os.Getenv("MAPSITE_TEST_DIE_AT")
	noExchange = os.Getenv("MAPSITE_TEST_NO_EXCHANGE") == "1"
)

// checkpoint is a named point of the write, where the kill test kills the
// build.
func checkpoint(name string) {
	if dieAt == name {
		killSelf()
	}
}

// emptySiteError refuses to replace a published site with an empty one.
func emptySiteError(outDir string, published int) error {
	what := fmt.Sprintf("%d records", published)
	if published == 1 {
		what = "1 record"
	}
	return fmt.Errorf("data/ has no records, but %s publishes %s: this build would empty the site; add records to data/, or run mapsite build --allow-empty to publish an empty site", outDir, what)
}
