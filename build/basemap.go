package build

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"github.com/mapsite/mapsite/basemap"
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/internal/cachefile"
	"github.com/mapsite/mapsite/internal/crc"
	"github.com/mapsite/mapsite/internal/program"
	"github.com/mapsite/mapsite/site"
)

// readBasemap reads the publisher's PMTiles archive, which may be large,
// through site.Open: never a link out of the site folder, never a FIFO.
func readBasemap(siteDir, name string) ([]byte, error) {
	f, err := site.Open(siteDir, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// addBasemap adds the offline base map (package basemap) to the assets:
// the world script, which the map page loads, and the cell scripts that
// the map loads as the reader zooms in. It copies the publisher's PMTiles
// archive ([map] basemap) to the same path in the output.
func (m *model) addBasemap(a *assetSet, siteDir string) error {
	base, err := basemap.Bundled()
	if err != nil {
		return err
	}
	noteOutlineSums(base)
	site := basemap.Site{Language: m.Config.Language, Points: make([]orb.Point, 0, len(m.Records))}
	for _, rv := range m.Records {
		site.Points = append(site.Points, orb.Point{rv.Location.Lon, rv.Location.Lat})
	}
	street := filepath.ToSlash(m.Config.Map.Basemap)
	if street != "" {
		b, err := readBasemap(siteDir, street)
		if err != nil {
			return fmt.Errorf("site.toml [map] basemap: %w", err)
		}
		a.files[street] = b
	}
	s, loc := preparedBasemap(base, site, street)
	// A record's locator is drawn when its page is rendered (see Locator),
	// so that the build never holds them all. Records at the same point
	// and zoom share the locator's body (see basemap.Locators.Body), drawn
	// once and kept until the last of them is rendered; the pages are
	// rendered in order of it (see pageOrder), so few are kept at a time.
	m.locators = &locators{loc: loc, views: map[locatorView]*locatorBody{}}
	for _, rv := range m.Records {
		mark := locatorMark(rv)
		v := locatorView{mark.Lon, mark.Lat, mark.Zoom}
		body := m.locators.views[v]
		if body == nil {
			body = &locatorBody{view: v, n: len(m.locators.views)}
			m.locators.views[v] = body
		}
		body.left++
		rv.locator = body
	}
	a.addFingerprinted("basemap-world.js", s.World)
	for p, b := range s.Cells {
		a.files["assets/"+p] = b
	}
	return nil
}

// outlineSums holds the digests of the bundled base map's outline cell
// scripts (basemap.Base.OutlineSums), which every build writes as they
// are, by the address of their first byte, once a build has added them:
// the sink takes a cell's digest from it instead of hashing the cell
// (see knownSum), about 8 MB of scripts a build.
var outlineSums atomic.Pointer[map[*byte]knownCell]

// knownCell is an outline cell's length and digest.
type knownCell struct {
	n int
	d digest
}

// noteOutlineSums fills outlineSums from base, once.
func noteOutlineSums(base *basemap.Base) {
	if outlineSums.Load() != nil {
		return
	}
	m := map[*byte]knownCell{}
	for script, d := range base.OutlineSums() {
		if len(script) > 0 {
			m[&script[0]] = knownCell{len(script), digest(d[:16])}
		}
	}
	outlineSums.CompareAndSwap(nil, &m)
}

// knownSum returns sum(b), known without hashing when b is the bytes of
// one of the bundled base map's outline cells (the same address and
// length: the bundled data never changes).
func knownSum(b []byte) digest {
	if m := outlineSums.Load(); m != nil && len(b) > 0 {
		if c, ok := (*m)[&b[0]]; ok && c.n == len(b) {
			return c.d
		}
	}
	return sum(b)
}

// lastBasemap keeps, for the life of the process, the base map prepared
// for the last build: mapsite serve rebuilds after every save, and most
// saves move no record, so the next build finds the same points and skips
// preparing it again (seconds of CPU, whatever the number of records).
var lastBasemap struct {
	sync.Mutex
	key     [sha256.Size]byte
	scripts basemap.Scripts
	loc     *basemap.Locators
}

// preparedBasemap returns the scripts and locators of site, prepared by
// base or taken from the last build when its language, points and street
// map were the same: the last build of the process, or the last one that
// stored it in the cache folder (see storedBasemap). Both are only read
// afterwards.
func preparedBasemap(base *basemap.Base, site basemap.Site, street string) (basemap.Scripts, *basemap.Locators) {
	h := sha256.New()
	fmt.Fprintf(h, "%q %q %d\n", site.Language, street, len(site.Points))
	var buf [16]byte
	for _, p := range site.Points {
		binary.LittleEndian.PutUint64(buf[:8], math.Float64bits(p[0]))
		binary.LittleEndian.PutUint64(buf[8:], math.Float64bits(p[1]))
		h.Write(buf[:])
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])
	lastBasemap.Lock()
	defer lastBasemap.Unlock()
	if lastBasemap.loc == nil || lastBasemap.key != key {
		lastBasemap.key = key
		var ok bool
		lastBasemap.scripts, lastBasemap.loc, ok = storedBasemap(base, key)
		if !ok {
			basemapsPrepared.Add(1)
			lastBasemap.scripts, lastBasemap.loc = base.ForSite(site, street)
			storeBasemap(base, key, lastBasemap.scripts, lastBasemap.loc)
		}
	}
	return lastBasemap.scripts, lastBasemap.loc
}

// basemapsPrepared counts the base maps prepared, for tests.
var basemapsPrepared atomic.Int64

// The cache folder keeps the base map prepared last, with its key (see
// preparedBasemap) and this binary's identity, whose bundled base map it
// was prepared from: one file, replaced when a build prepares another.
// Most rebuilds move no record and read it back (about 3 MB at 100,000
// records: the world script, the label cells and the labels).
const basemapHeader = "mapsite prepared basemap\n"

// basemapPath returns the file of the prepared base map in the cache
// folder, with the key it must begin with to be one of site key's for
// this binary; "" when the caches on disk are off.
func basemapPath(key [sha256.Size]byte) (string, []byte) {
	dir := geo.CacheDir()
	if dir == "" {
		return "", nil
	}
	id := sha256.Sum256(append(key[:], program.ID()...))
	return filepath.Join(dir, "basemap", "prepared"), append([]byte(basemapHeader), id[:]...)
}

// storedBasemap returns the base map stored for key, when there is a
// whole one.
func storedBasemap(base *basemap.Base, key [sha256.Size]byte) (basemap.Scripts, *basemap.Locators, bool) {
	path, head := basemapPath(key)
	if path == "" {
		return basemap.Scripts{}, nil, false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return basemap.Scripts{}, nil, false
	}
	b, ok := crc.Trim(b)
	if !ok {
		return basemap.Scripts{}, nil, false
	}
	rest, ok := bytes.CutPrefix(b, head)
	if !ok {
		return basemap.Scripts{}, nil, false
	}
	s, loc, err := base.DecodePrepared(rest)
	return s, loc, err == nil
}

// storeBasemap stores the base map prepared for key. Failures only lose
// the cache.
func storeBasemap(base *basemap.Base, key [sha256.Size]byte, s basemap.Scripts, loc *basemap.Locators) {
	path, head := basemapPath(key)
	if path == "" {
		return
	}
	b := base.AppendPrepared(head, s, loc, 4) // 4: the CRC-32C
	cachefile.Write(path, ".basemap-*.tmp", crc.Append(b))
}

// Locator returns the locator map of the record with the given ID, an
// inline SVG that record pages show beside the facts.
func (m *model) Locator(id string) template.HTML {
	return template.HTML(m.appendLocator(nil, id)) // SVG escapes everything from the data
}

// appendLocator appends the locator map of the record with the given ID
// to b (see Locator).
func (m *model) appendLocator(b []byte, id string) []byte {
	return m.appendRecordLocator(b, m.byID[id])
}

// appendRecordLocator appends the locator map of rv, one of m's records
// (a record's ID is its own), to b; nothing when rv is nil.
func (m *model) appendRecordLocator(b []byte, rv *recordView) []byte {
	if m.locators == nil || rv == nil || rv.locator == nil {
		return b
	}
	return m.locators.appendTo(b, rv)
}

// locatorMark returns the mark of rv's locator.
func locatorMark(rv *recordView) basemap.Mark {
	p := rv.Location.Precision
	label := rv.Place
	if label == "" {
		label = rv.CountryName
	}
	return basemap.Mark{
		Lon: rv.Location.Lon, Lat: rv.Location.Lat, Zoom: basemap.LocatorZoom(p.String()), Color: rv.Layer.Color,
		Solid: p <= geo.Neighbourhood, WholeArea: p >= geo.Region, Label: label,
	}
}

// locators draws the record pages' locator maps on demand, from any
// goroutine. A locator's body is drawn once for all the records at its
// point and zoom (each record's locator field), and let go of once each
// has taken it.
//
// A land outline longer than sharedLand is not inlined in the pages but
// written once into a file of its own, assets/locators/<name>.svg (see
// basemap.LandFile), which their locators show as an image. Its name is
// a digest of its bytes, so that the pages are the same whatever binary
// or path built them; the manifest notes it with the view's input key
// (the binary's identity and the view, see landKey), which the keys of
// the pages that show it cover, so that a rebuild finds it by that key
// and takes it without drawing it (see takeLands).
type locators struct {
	loc   *basemap.Locators
	views map[locatorView]*locatorBody
	// out takes the land files, once the pages are being rendered (see
	// model.pages); err is the first error it gave.
	out sink
	mu  sync.Mutex
	err error
}

// sharedLand is the length of a land outline from which it goes into a
// file of its own. The synthetic site of 100,000 records has outlines
// of under 700 bytes in every view of a city, district or venue, and of
// 1 to 30 kB (12 kB the median) around a region or country, where many
// records share a view: any threshold from 1 to 4 kB shares the same
// views (11,000 records, 150 MB of pages). An outline under 2 kB keeps a
// typical page (5 to 6 kB) in its two 4 kB pages; one above it is worth
// an image's request, which the reader's browser makes once per view.
const sharedLand = 2 << 10

// landDir is the folder of the land files, and landHref its address
// from a record page.
const (
	landDir  = "assets/locators/"
	landHref = "../../" + landDir
)

// A locatorView is what a locator's body depends on: its point and zoom.
type locatorView struct {
	lon, lat float64
	zoom     int
}

// landKey returns the input key of the land file of view v: the binary
// draws the land from the base map it bundles.
func landKey(v locatorView) digest {
	var buf [64]byte
	b := append(buf[:0], "locator land\n"...)
	bin := binaryDigest()
	b = append(b, bin[:]...)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v.lon))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v.lat))
	b = binary.AppendVarint(b, int64(v.zoom))
	return sum(b)
}

// landPath returns the path in the output of the land file whose bytes
// are file: named by their digest.
func landPath(file []byte) string {
	d := sum(file)
	return landDir + hex.EncodeToString(d[:8]) + ".svg"
}

// A locatorBody is one view's body, and the number of records yet to take
// it. It is drawn again if taken once more after that (a page rendered
// twice).
type locatorBody struct {
	view  locatorView
	mu    sync.Mutex
	body  basemap.Body
	drawn bool // body holds the view's body
	left  int
	n     int // the view's number, in order of its first record
	// shared is the land file's path when the land is in one ("" when
	// inline), known once the body is drawn (seen); made tells whether
	// the build has put the file or taken it from the last build.
	shared string
	seen   bool
	made   bool
}

func (l *locators) appendTo(b []byte, rv *recordView) []byte {
	mark, lb := locatorMark(rv), rv.locator
	lb.mu.Lock()
	body := lb.body
	var file []byte // the land file, when drawn here and shared
	if !lb.drawn {
		body = l.loc.Body(mark)
		lb.shared, lb.seen = "", true
		if len(body.Land) > sharedLand {
			file = basemap.LandFile(body.Land)
			lb.shared = landPath(file)
		}
	}
	if lb.shared != "" && !lb.made && l.out != nil {
		lb.made = true
		if file == nil {
			file = basemap.LandFile(body.Land)
		}
		l.putLand(lb, file)
	}
	shared := lb.shared
	lb.left--
	lb.body, lb.drawn = body, lb.left > 0
	if !lb.drawn {
		lb.body = basemap.Body{}
	}
	lb.mu.Unlock()
	href := ""
	if shared != "" {
		href = landHref + strings.TrimPrefix(shared, landDir)
	}
	return basemap.AppendLocator(b, mark, body, href)
}

// putLand puts lb's land file, whose bytes are file, or takes it from
// the last build. The first error is kept for the build (see landErr).
func (l *locators) putLand(lb *locatorBody, file []byte) {
	k := landKey(lb.view)
	if l.out.reuseFile(lb.shared, k) {
		return
	}
	if err := l.out.putKeyed(lb.shared, k, file); err != nil {
		l.mu.Lock()
		if l.err == nil {
			l.err = fmt.Errorf("%s: %w", lb.shared, err)
		}
		l.mu.Unlock()
	}
}

// landErr returns the first error of putting a land file.
func (l *locators) landErr() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// takeLands takes from the last build the land files of the views none
// of whose pages were rendered (all taken unchanged), once the pages are
// done. A page taken unchanged was rendered from the same key by a build
// that made its view's land file, when the land is shared, from the same
// key: the file is found by it (see sink.keyedPath). When the last build
// has no file of that key, the view's land is inline.
func (l *locators) takeLands(out sink) {
	if l == nil {
		return
	}
	var todo []*locatorBody
	for _, lb := range l.views {
		if !lb.seen {
			todo = append(todo, lb)
		}
	}
	parallel(len(todo), func(i int) error {
		lb := todo[i]
		k := landKey(lb.view)
		if p := out.keyedPath(landDir, k); p != "" && out.reuseFile(p, k) {
			lb.mu.Lock()
			lb.shared, lb.seen, lb.made = p, true, true
			lb.mu.Unlock()
		}
		return nil
	})
}

// skip tells l that rv will not take its locator (its page was not
// rendered), so that the body is let go of when the others have taken it.
func (l *locators) skip(rv *recordView) {
	if l == nil || rv.locator == nil {
		return
	}
	lb := rv.locator
	lb.mu.Lock()
	if lb.left--; lb.left <= 0 {
		lb.body, lb.drawn = basemap.Body{}, false
	}
	lb.mu.Unlock()
}

// pageOrder returns the indexes of m.Records in the order their pages
// are best rendered: the records whose locators share a body together, so
// that it is drawn once and let go of soon after. Without locators, it is
// the records' order.
func (m *model) pageOrder() []int {
	order := make([]int, len(m.Records))
	for i := range order {
		order[i] = i
	}
	if m.locators == nil {
		return order
	}
	// Each view numbered by its first record (see locatorBody.n), so that
	// the order stays close to the records' own.
	key := make([]int, len(m.Records))
	for i, rv := range m.Records {
		if rv.locator != nil {
			key[i] = rv.locator.n
		} else {
			key[i] = len(m.locators.views) // none: last
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(key[a], key[b]) })
	return order
}
