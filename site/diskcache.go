package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/internal/cachefile"
)

// The loader keeps each data file's decoding on disk, in decoded/ in the
// cache folder that geo.CacheEnv names (the user's cache folder by
// default; "off" turns it off), keyed by the file's path, the SHA-256 of
// its bytes and the program (geo.Version: any new build of mapsite has
// other keys). A build after an edit then decodes only the files that
// changed: reading a file's decoding back takes a fraction of the time
// TOML decoding takes. A missing, corrupt or foreign entry is decoded
// again and rewritten; entries are written to a temporary file and
// renamed, so builds running at once read whole files; the least recently
// used go once the folder holds more than maxDecodedBytes. Beside them,
// the stamps of data files (see stamp.go) are pruned the same way.

// maxDecodedBytes bounds the folder of decoded files; a variable for
// tests.
var maxDecodedBytes int64 = 512 << 20

const maxDecodedSize = 64 << 20 // the largest entry read

// decodedDir returns the folder of the decoded files, or "" when the
// cache on disk is off.
func decodedDir() string {
	if dir := geo.CacheDir(); dir != "" {
		return filepath.Join(dir, "decoded")
	}
	return ""
}

// diskHits counts the files read back from the cache, for tests.
var diskHits atomic.Int64

// diskCache is the decoded files on disk for one load.
type diskCache struct {
	dir     string
	version string
	// mapped has get map entries into memory rather than read them (see
	// mapEntry): only for a build, whose process ends with it, as such
	// a mapping is never undone.
	mapped bool
	mu     sync.Mutex
	wrote  bool
	// later keeps what put is given in pending, for flush to store:
	// a Loader stores its new decodings after its load, not during it.
	later   bool
	pending []pendingPut
	buffers [][]byte // for store, free (see buffer)
}

type pendingPut struct {
	f   string
	dec *decoded
}

// flush stores what put kept for later, then prunes.
func (c *diskCache) flush() {
	c.mu.Lock()
	pending := c.pending
	c.pending, c.later = nil, false
	c.mu.Unlock()
	for _, p := range pending {
		c.store(p.f, p.dec, false) // dec may be read meanwhile: it is not changed
	}
	c.prune()
}

func newDiskCache() *diskCache {
	dir := decodedDir()
	if dir == "" {
		return nil
	}
	return &diskCache{dir: dir, version: geo.Version()}
}

// key is the key of data file f whose bytes have the SHA-256 sum.
func (c *diskCache) key(f string, sum [32]byte) string {
	h := sha256.Sum256(fmt.Appendf(nil, "%s%s\n%s\n%x\n", wireMagic, c.version, f, sum))
	return hex.EncodeToString(h[:])
}

func (c *diskCache) path(key string) string {
	return filepath.Join(c.dir, key[:32]+".bin")
}

// get returns the decoding of data file f, whose bytes are src, or nil.
func (c *diskCache) get(f string, src []byte, sum [32]byte) (dec *decoded) {
	key := c.key(f, sum)
	path := c.path(key)
	fh, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxDecodedSize {
		return nil
	}
	// Mapped (see mapEntry), or read with one system call into a buffer
	// of the entry's size (one byte more shows that it ends there); the
	// decoding keeps it.
	b, mapped := []byte(nil), false
	if c.mapped {
		b, mapped = mapEntry(fh, fi.Size())
	}
	if !mapped {
		b = make([]byte, fi.Size()+1)
		n, err := io.ReadFull(fh, b)
		if err != io.ErrUnexpectedEOF || int64(n) != fi.Size() {
			return nil // another size than stat said: written meanwhile
		}
		b = b[:n]
	} else {
		// A mapped file cut short meanwhile faults when read: a panic
		// here, which the recover below takes, not the end of the
		// process. Entries are renamed into place, never written into.
		defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	}
	defer func() {
		if recover() != nil { // decodeWire checks every bound; a cache never fails a load
			dec = nil
		}
		if dec == nil && mapped {
			unmapEntry(b)
		}
	}()
	dec, err = decodeWire(b, key, f, bytes.TrimPrefix(src, utf8BOM), sum)
	if err != nil {
		return nil
	}
	now := time.Now()
	os.Chtimes(path, now, now) // recently used
	diskHits.Add(1)
	return dec
}

// mappedEntries bounds the entries a process maps (see mapEntry), which
// stay mapped: past it, entries are read, so that a process that loads
// again and again (tests) does not run out of mappings.
var mappedEntries = entryBudget{count: 4096, bytes: 4 << 30}

type entryBudget struct {
	mu           sync.Mutex
	count, bytes int64
}

// take reports whether an entry of size bytes may be mapped, and counts
// it.
func (e *entryBudget) take(size int64) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.count < 1 || e.bytes < size {
		return false
	}
	e.count--
	e.bytes -= size
	return true
}

// give gives back an entry's share, when it was not mapped after all.
func (e *entryBudget) give(size int64) {
	e.mu.Lock()
	e.count++
	e.bytes += size
	e.mu.Unlock()
}

// put stores dec, the decoding of data file f, and gives its records their
// digests, which the next load reads back with them (see DecodedDigest):
// a build then takes them from there. A cache that cannot be written is
// no error of the load.
func (c *diskCache) put(f string, dec *decoded) {
	c.mu.Lock()
	if c.later {
		c.pending = append(c.pending, pendingPut{f, dec})
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	c.store(f, dec, true) // the load has not handed dec out yet
}

// store writes dec, the decoding of data file f, into the cache; with
// note, it gives dec's records their digests (see encodeDecoded).
func (c *diskCache) store(f string, dec *decoded, note bool) {
	key := c.key(f, dec.sum)
	buf := c.buffer()
	b, ok := encodeDecoded(buf, key, f, dec, note)
	if ok {
		c.write(c.path(key), b)
	}
	c.mu.Lock()
	c.buffers = append(c.buffers, b[:0])
	c.mu.Unlock()
}

// buffer returns a buffer for an entry: one that store used before, or a
// new one. Entries are written from a few buffers that grow to the size
// of the largest, not each from a new one grown to its size: that was
// 380 MB of garbage in a cold build of 100,000 records.
func (c *diskCache) buffer() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := len(c.buffers); n > 0 {
		b := c.buffers[n-1]
		c.buffers = c.buffers[:n-1]
		return b
	}
	return make([]byte, 0, 64<<10)
}

// write writes b to path in the cache folder, through a temporary file
// renamed into place.
func (c *diskCache) write(path string, b []byte) {
	if cachefile.Write(path, ".decoded-*.tmp", b) != nil {
		return
	}
	c.mu.Lock()
	c.wrote = true
	c.mu.Unlock()
}

// prune removes the least recently used entries while the folder holds
// more than maxDecodedBytes, and temporary files a killed build left
// more than an hour ago; only after a load that wrote some.
func (c *diskCache) prune() {
	if c == nil || !c.wrote {
		return
	}
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	type file struct {
		path string
		size int64
		mod  time.Time
	}
	var files []file
	var total int64
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		path := filepath.Join(c.dir, e.Name())
		switch {
		case strings.HasPrefix(e.Name(), ".decoded-") && strings.HasSuffix(e.Name(), ".tmp"):
			if time.Since(fi.ModTime()) > time.Hour {
				os.Remove(path)
			}
		case strings.HasSuffix(e.Name(), ".bin"), strings.HasSuffix(e.Name(), ".stamp"):
			files = append(files, file{path, fi.Size(), fi.ModTime()})
			total += fi.Size()
		}
	}
	if total <= maxDecodedBytes {
		return
	}
	slices.SortFunc(files, func(a, b file) int { return a.mod.Compare(b.mod) })
	for _, f := range files {
		if total <= maxDecodedBytes {
			break
		}
		if os.Remove(f.path) == nil {
			total -= f.size
		}
	}
}
