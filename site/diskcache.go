package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mapsite/mapsite/diag"
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
	"github.com/mapsite/mapsite/internal/tomlpos"
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
// used go once the folder holds more than maxDecodedBytes.

const (
	decodedFormat   = "mapsite decoded file 1"
	maxDecodedBytes = 512 << 20
	maxDecodedSize  = 64 << 20 // the largest entry read
)

// decodedDir returns the folder of the decoded files, or "" when the
// cache on disk is off.
func decodedDir() string {
	switch v := os.Getenv(geo.CacheEnv); v {
	case "off", "0", "false", "no":
		return ""
	case "":
		dir, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		return filepath.Join(dir, "mapsite", "decoded")
	default:
		return filepath.Join(v, "decoded")
	}
}

// wireFile is a decoded data file as stored.
type wireFile struct {
	Format  string
	Key     string
	Records []wireRecord
	Paths   []string // where each record is written, e.g. "record[3]"
	Diags   diag.List
	Tables  tomlpos.Index // the file's table headers, when it has records
	Indexed bool          // Tables is set (gob does not tell nil from empty)
}

// wireRecord is a record as stored: gob drops what is nil or zero, so
// what would come back different is said apart.
type wireRecord struct {
	R      incident.Record
	Coords bool  // Coordinates is set (and may be [0, 0])
	Empty  uint8 // 1: Related, 2: Tags, 4: Sources is empty but not nil
}

func toWire(r *incident.Record) wireRecord {
	w := wireRecord{R: *r, Coords: r.Coordinates != nil}
	for bit, empty := range []bool{r.Related != nil && len(r.Related) == 0, r.Tags != nil && len(r.Tags) == 0, r.Sources != nil && len(r.Sources) == 0} {
		if empty {
			w.Empty |= 1 << bit
		}
	}
	return w
}

func (w *wireRecord) record() *incident.Record {
	r := w.R
	if w.Coords && r.Coordinates == nil {
		r.Coordinates = &[2]float64{}
	}
	if w.Empty&1 != 0 {
		r.Related = []string{}
	}
	if w.Empty&2 != 0 {
		r.Tags = []string{}
	}
	if w.Empty&4 != 0 {
		r.Sources = []incident.Source{}
	}
	return &r
}

// diskHits counts the files read back from the cache, for tests.
var diskHits atomic.Int64

// diskCache is the decoded files on disk for one load.
type diskCache struct {
	dir     string
	version string
	mu      sync.Mutex
	wrote   bool
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
	h := sha256.Sum256(fmt.Appendf(nil, "%s\n%s\n%s\n%x\n", decodedFormat, c.version, f, sum))
	return hex.EncodeToString(h[:])
}

func (c *diskCache) path(key string) string {
	return filepath.Join(c.dir, key[:32]+".gob")
}

// get returns the decoding of data file f, whose bytes are src, or nil.
func (c *diskCache) get(dir, f string, src []byte, sum [32]byte) (dec *decoded) {
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
	var buf bytes.Buffer
	buf.Grow(int(fi.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(fh, maxDecodedSize)); err != nil {
		return nil
	}
	b := buf.Bytes()
	defer func() {
		if recover() != nil { // gob should not panic; a cache never fails a load
			dec = nil
		}
	}()
	var w wireFile
	if gob.NewDecoder(bytes.NewReader(b)).Decode(&w) != nil || w.Format != decodedFormat || w.Key != key || len(w.Paths) != len(w.Records) {
		return nil
	}
	now := time.Now()
	os.Chtimes(path, now, now) // recently used
	diskHits.Add(1)
	dec = &decoded{sum: sum, where: make(map[*incident.Record]position, len(w.Records)), l: w.Diags}
	var ix *positions
	if w.Indexed {
		if w.Tables == nil {
			w.Tables = tomlpos.Index{}
		}
		ix = &positions{src: bytes.TrimPrefix(src, utf8BOM), tables: w.Tables}
	}
	for i := range w.Records {
		r := w.Records[i].record()
		dec.records = append(dec.records, r)
		dec.where[r] = position{file: f, ix: ix, path: w.Paths[i]}
	}
	return dec
}

// put stores dec, the decoding of data file f. A cache that cannot be
// written is no error of the load.
func (c *diskCache) put(f string, dec *decoded) {
	key := c.key(f, dec.sum)
	w := wireFile{Format: decodedFormat, Key: key, Diags: dec.l}
	for _, r := range dec.records {
		p := dec.where[r]
		if p.ix == nil || p.file != f {
			return // not made by decodeData; never happens
		}
		w.Records = append(w.Records, toWire(r))
		w.Paths = append(w.Paths, p.path)
		w.Tables, w.Indexed = p.ix.tables, true
	}
	var buf bytes.Buffer
	if gob.NewEncoder(&buf).Encode(&w) != nil {
		return
	}
	if os.MkdirAll(c.dir, 0o700) != nil {
		return
	}
	tmp, err := os.CreateTemp(c.dir, ".decoded-*.tmp")
	if err != nil {
		return
	}
	_, err = tmp.Write(buf.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), c.path(key))
	}
	if err != nil {
		os.Remove(tmp.Name())
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
		case strings.HasSuffix(e.Name(), ".gob"):
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
