package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/mapsite/mapsite/incident"
	"github.com/mapsite/mapsite/internal/program"
	"github.com/mapsite/mapsite/site"
	"github.com/mapsite/mapsite/templates"
)

// Incremental builds. A record page is rendered again only when its input
// key changes: a hash of everything the page shows. The key is made of
//
//   - the site's key (siteKey): the binary, the site's own templates, the
//     decoded site.toml, the base URL, the build's date, and every asset
//     but the map data (whose name changes with every record), including
//     the base map's label scripts, from which the locators are drawn;
//   - the record's own fields and where it was placed (recordDigest);
//   - the same of the records the page links to: its neighbours in time
//     (prev and next) and its related records, in the order shown.
//
// With templates of its own, a page may show anything of the site: the
// site's key then also covers every record, so a change to any record
// renders every page again (the slower path README promises overrides).
//
// What the bundled templates show of a record page is listed here; a
// template that shows more of the model must add it to the key.
// TestIncrementalEqualsFull, which compares incremental builds with full
// ones after random edits, catches a key that misses something.

// digest is a content or input hash: SHA-256, cut to 128 bits.
type digest [16]byte

func sum(b []byte) digest {
	s := sha256.Sum256(b)
	return digest(s[:16])
}

// keyVersion changes when what a key covers changes, so that an output
// made by another version is never trusted.
const keyVersion = "mapsite page key 3"

// pageKeys gives the input key of every record page of one build.
type pageKeys struct {
	site    digest
	m       *model
	once    sync.Once
	digests []digest // of every record, made on the first key asked for
}

// newPageKeys prepares the keys of m's record pages. templates is the
// digest of the site's templates/ folder (see templatesDigest), taken
// before the templates were read.
func newPageKeys(m *model, a *assetSet, templates digest, overridden bool, updated time.Time) *pageKeys {
	k := &pageKeys{m: m}
	h := sha256.New()
	io.WriteString(h, keyVersion+"\n")
	bin := binaryDigest()
	h.Write(bin[:])
	h.Write(templates[:])
	fmt.Fprintf(h, "%#v\n%q\n%d\n", *m.Config, m.BaseURL, updated.UnixNano())
	// Every asset but the map data: names, inline values and bytes.
	names := make([]string, 0, len(a.byName))
	for name := range a.byName {
		names = append(names, name)
	}
	sort.Strings(names)
	skip := map[string]bool{}
	for _, name := range names {
		x := a.byName[name]
		if name == "data.js" && !overridden {
			skip[x.Path] = true
			continue
		}
		fmt.Fprintf(h, "%q %q %q %q %q\n", name, x.Path, x.DataURI, x.CSS, x.Hash)
	}
	street := filepath.ToSlash(m.Config.Map.Basemap)
	files := assetFilesDigest(a.files, func(p string) bool {
		return skip[p] || p == street // the street map is fetched by the map page only
	})
	h.Write(files[:])
	if overridden {
		for i := range m.Records {
			d := k.digest(i)
			h.Write(d[:])
		}
	}
	copy(k.site[:], h.Sum(nil))
	return k
}

// lastAssetFiles keeps the digest assetFilesDigest made last, and the
// files it was made from. The asset files of mapsite serve's renders are
// the same slices from one render to the next (see lastSums): the 2,500
// base-map cell scripts are then neither sorted, quoted nor looked up
// again, only compared by address. The slices kept keep their addresses
// from being reused, as lastSums' do.
var lastAssetFiles struct {
	sync.Mutex
	files map[string][]byte
	d     digest
}

// assetFilesDigest returns the digest of the asset files, paths and
// bytes, but those skip reports.
func assetFilesDigest(files Files, skip func(p string) bool) digest {
	lastAssetFiles.Lock()
	defer lastAssetFiles.Unlock()
	last, n := lastAssetFiles.files, 0
	same := last != nil
	for p, b := range files {
		if !same {
			break
		}
		if skip(p) {
			continue
		}
		n++
		x, ok := last[p]
		same = ok && len(x) == len(b) && unsafe.SliceData(x) == unsafe.SliceData(b)
	}
	if same && n == len(last) {
		return lastAssetFiles.d
	}
	h := sha256.New()
	kept := make(map[string][]byte, len(files))
	sums := lastSums.begin()
	var line []byte
	for _, p := range files.Paths() {
		if skip(p) {
			continue
		}
		d := sums.sum(files[p])
		line = append(append(strconv.AppendQuote(line[:0], p), ' '), d[:]...)
		h.Write(line)
		kept[p] = files[p]
	}
	lastSums.end(sums)
	var d digest
	copy(d[:], h.Sum(nil))
	lastAssetFiles.files, lastAssetFiles.d = kept, d
	return d
}

// digest returns the digest of the i-th record. The first call makes all
// of them, on every core, or takes them from the features, which need
// them too (recordDigests): every record page asks for its key.
func (k *pageKeys) digest(i int) digest {
	k.once.Do(func() { k.digests = recordDigests(k.m) })
	return k.digests[i]
}

// lastDigests keeps the digests of the records of the last model whose
// digests were all made (see recordDigests), so that the features and the
// page keys of one render share them; and, in a process that renders a
// site again and again (a Renderer), the last such model's, whose
// digests the next model takes for every record that is the same (see
// sameRecord): a one-record edit hashes one record, not all.
var lastDigests struct {
	sync.Mutex
	m       *model
	digests []digest
	base    *model // the last model of a Renderer, and its digests
	baseDig []digest
	fresh   atomic.Int64 // digests made, not taken, for tests
}

// recordDigests returns the digest of every record of m, in order, made
// once per model on every core.
func recordDigests(m *model) []digest {
	lastDigests.Lock()
	defer lastDigests.Unlock()
	if lastDigests.m != m {
		d := make([]digest, len(m.Records))
		var from []int32
		keep := keepEncodings.Load()
		if keep && lastDigests.base != nil {
			from = sameRecordsOf(lastDigests.base, m)
		}
		prev := lastDigests.baseDig
		parallel(len(m.Records), func(i int) error {
			if from != nil && from[i] >= 0 {
				d[i] = prev[from[i]]
			} else if f, ok := m.site.DecodedDigest(m.Records[i].Record); ok {
				d[i] = placedDigest(f, &m.Records[i].Location)
			} else {
				d[i] = recordDigest(m.Records[i].Record)
				lastDigests.fresh.Add(1)
			}
			return nil
		})
		lastDigests.m, lastDigests.digests = m, d
		if keep {
			lastDigests.base, lastDigests.baseDig = m, d
		} else {
			lastDigests.base, lastDigests.baseDig = nil, nil
		}
	}
	return lastDigests.digests
}

// sameRecords returns, for each record of m, the index in prev of the
// record with the same id that is the same in every field recordDigest
// covers (see sameRecord), or -1. The common case, a model whose ids are
// in prev's order, takes no map.
func sameRecords(prev, m *model) []int32 {
	from := make([]int32, len(m.Records))
	var index map[string]int
	for i, rv := range m.Records {
		from[i] = int32(i)
		if i >= len(prev.Records) || prev.Records[i].ID != rv.ID {
			if index == nil {
				index = make(map[string]int, len(prev.Records))
				for k, p := range prev.Records {
					index[p.ID] = k
				}
			}
			if j, ok := index[rv.ID]; ok {
				from[i] = int32(j)
			} else {
				from[i] = -1
			}
		}
	}
	parallel(len(from), func(i int) error {
		if j := from[i]; j >= 0 && !sameRecord(prev.Records[j].Record, m.Records[i].Record) {
			from[i] = -1
		}
		return nil
	})
	return from
}

// sameRecord reports whether a and b are the same in every field that
// recordDigest covers: when it does, their digests are equal. It never
// reports true for records that differ (floats are compared bit for bit,
// like the digest does), and may report false for equal ones (dates whose
// times have different locations), which costs only a digest.
// TestRecordDigestCoversEveryField checks it with the digest.
func sameRecord(a, b *incident.Record) bool {
	if a == b {
		return true
	}
	if a.ID != b.ID || a.Layer != b.Layer || a.Date != b.Date || a.Title != b.Title || a.Place != b.Place ||
		a.Country != b.Country || a.Counts != b.Counts || a.Note != b.Note || a.Attribution != b.Attribution ||
		a.Perpetrator != b.Perpetrator || a.Summary != b.Summary {
		return false
	}
	if (a.Coordinates == nil) != (b.Coordinates == nil) ||
		a.Coordinates != nil && !(sameFloat(a.Coordinates[0], b.Coordinates[0]) && sameFloat(a.Coordinates[1], b.Coordinates[1])) {
		return false
	}
	la, lb := a.Location, b.Location
	if !sameFloat(la.Lon, lb.Lon) || !sameFloat(la.Lat, lb.Lat) || la.Precision != lb.Precision ||
		la.PlaceID != lb.PlaceID || la.Matched != lb.Matched || la.Explicit != lb.Explicit {
		return false
	}
	return slices.Equal(a.Related, b.Related) && slices.Equal(a.Tags, b.Tags) && slices.Equal(a.Sources, b.Sources)
}

// sameFloat compares floats as the digest sees them: bit for bit (0 and -0
// differ; a NaN is the same as itself).
func sameFloat(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

// key returns the input key of rv's page. It may be called from several
// goroutines.
func (k *pageKeys) key(rv *recordView) digest {
	b := make([]byte, 0, 160) // on the stack for up to five related records
	b = append(b, k.site[:]...)
	d := k.digest(k.pos(rv))
	b = append(b, d[:]...)
	for _, other := range []*recordView{rv.Prev, rv.Next} {
		b = append(b, '|')
		if other != nil {
			d := k.digest(k.pos(other))
			b = append(b, d[:]...)
		}
	}
	b = append(b, '|')
	for _, other := range rv.RelatedRecords {
		d := k.digest(k.pos(other))
		b = append(b, d[:]...)
	}
	return sum(b)
}

// pos returns rv's place in m.Records, and 0 for nil or a record that
// is not there.
func (k *pageKeys) pos(rv *recordView) int {
	if rv != nil && rv.pos < len(k.m.Records) && k.m.Records[rv.pos] == rv {
		return rv.pos
	}
	return 0
}

// recordDigest hashes every field of a record that a page may show, and
// where it was placed: all but File and Line, which only messages use.
// It is the digest of the record's site.FieldsDigest, which the load may
// have at hand already (see recordDigests), and of its Location.
// TestRecordDigestCoversEveryField fails when a field is added to
// incident.Record and not here.
func recordDigest(r *incident.Record) digest {
	return placedDigest(site.FieldsDigest(r), &r.Location)
}

// placedDigest returns the digest of a record whose site.FieldsDigest is
// fields, placed at l.
func placedDigest(fields [16]byte, l *incident.Location) digest {
	var buf [128]byte
	b := append(buf[:0], fields[:]...)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(l.Lon))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(l.Lat))
	b = binary.AppendVarint(b, int64(l.Precision))
	b = binary.AppendUvarint(b, uint64(len(l.PlaceID)))
	b = append(b, l.PlaceID...)
	b = binary.AppendUvarint(b, uint64(len(l.Matched)))
	b = append(b, l.Matched...)
	if l.Explicit {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	return sum(b)
}

// templatesDigest hashes the site's templates/ folder, names and bytes,
// and reports whether the site has templates of its own, other than the
// built-in ones. It is taken
// before the templates are read, so that an edit made meanwhile changes
// the next build's key rather than hiding behind this one's.
func templatesDigest(siteDir string) (digest, bool) {
	h := sha256.New()
	own := false
	root := filepath.Join(siteDir, "templates")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		b, err := os.ReadFile(p)
		if err != nil {
			// Unreadable now: a key that matches nothing.
			fmt.Fprintf(h, "%q unreadable %d\n", rel, time.Now().UnixNano())
			own = true
			return nil
		}
		// A file the same as the built-in template of its name is no
		// override (the seed site keeps copies of them).
		if builtin, err := fs.ReadFile(templates.FS, filepath.ToSlash(rel)); err != nil || !bytes.Equal(builtin, b) {
			own = true
		}
		d2 := sum(b)
		fmt.Fprintf(h, "%q %x\n", filepath.ToSlash(rel), d2)
		return nil
	})
	var d digest
	copy(d[:], h.Sum(nil))
	return d, own
}

// binaryDigest is the digest of the running program's identity
// (program.ID): a new binary may render any page differently.
var binaryDigest = sync.OnceValue(func() digest { return sum([]byte(program.ID())) })

// lastSums keeps the digests of the asset files of the process's last
// build by the address and length of their bytes: the base map's cell
// scripts (megabytes) are the same slices from one build of mapsite serve
// to the next (see preparedBasemap), and need not be hashed again. Each
// entry holds its slice, so that no other bytes can take its address
// while it is kept, and a build never changes bytes it has made.
var lastSums sumCache

type sumCache struct {
	mu    sync.Mutex
	last  map[*byte]cachedSum
	noted map[*byte]cachedSum // hashed by the sink since (see note)
}

type cachedSum struct {
	b []byte
	d digest
}

// sums is one build's use of the cache: what it found, and what it keeps
// for the next.
type sums struct {
	last, next map[*byte]cachedSum
}

func (c *sumCache) begin() *sums {
	c.mu.Lock()
	defer c.mu.Unlock()
	last := c.last
	if len(c.noted) > 0 {
		last = make(map[*byte]cachedSum, len(c.last)+len(c.noted))
		maps.Copy(last, c.last)
		maps.Copy(last, c.noted)
		c.noted = nil
	}
	return &sums{last: last, next: make(map[*byte]cachedSum, len(last))}
}

func (c *sumCache) end(s *sums) {
	c.mu.Lock()
	c.last = s.next
	c.mu.Unlock()
}

// note adds the digest d of b, an asset file the sink hashed as it put
// it, for this build's page keys (see begin).
func (c *sumCache) note(b []byte, d digest) {
	if len(b) < 64 {
		return
	}
	c.mu.Lock()
	if c.noted == nil {
		c.noted = map[*byte]cachedSum{}
	}
	c.noted[unsafe.SliceData(b)] = cachedSum{b, d}
	c.mu.Unlock()
}

// sum returns the digest of b, from the cache when the same bytes were
// hashed by the last build.
func (s *sums) sum(b []byte) digest {
	if len(b) < 64 {
		return sum(b)
	}
	at := unsafe.SliceData(b)
	e, ok := s.last[at]
	if !ok || len(e.b) != len(b) {
		e = cachedSum{b, sum(b)}
	}
	s.next[at] = e
	return e.d
}
