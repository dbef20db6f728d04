package build

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
)

// A Renderer renders one site in memory again and again, as mapsite serve
// does after every save. Each render takes from the previous good one
// every record page whose input key did not change (see pageKeys), so a
// one-record edit renders a few pages, not all. A failed render leaves
// the previous good one as the base of the next. Set Options.Loader to
// decode only the data files that changed as well.
type Renderer struct {
	opt   Options
	mu    sync.Mutex
	files Files             // the last good render
	keys  map[string]digest // its record pages' input keys
	keyed map[digest]string // its other files made from an input key, by key (see memSink)
}

// NewRenderer returns a Renderer of the site opt.SiteDir (opt.OutDir and
// the options about it are not used).
func NewRenderer(opt Options) *Renderer {
	keepEncodings.Store(true)
	opt.lastTemplates = &templateCache{}
	return &Renderer{opt: opt}
}

// templateCache is a Renderer's parsed templates, with the digest of the
// site's templates/ folder they were read from (see templatesDigest).
type templateCache struct {
	mu  sync.Mutex
	key digest
	set *templateSet
}

// templates returns the site's templates (loadTemplates'); a Renderer's
// are those of its last render while the digest of the site's templates/
// folder, key, is the same: parsing and compacting them is most of the
// time a one-record edit of a 1,000-record site takes to render.
func (opt Options) templates(key digest) (*templateSet, error) {
	c := opt.lastTemplates
	if c == nil {
		return loadTemplates(opt.SiteDir)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.set != nil && c.key == key {
		return c.set, nil
	}
	set, err := loadTemplates(opt.SiteDir)
	if err == nil {
		c.key, c.set = key, set
	}
	return set, err
}

// Render renders the site, like the package-level Render. The files it
// returns are the caller's to read, never to change: the next render
// shares them.
func (r *Renderer) Render(ctx context.Context) (Files, *Report, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	mem := &memSink{files: make(Files, len(r.files)), prev: r.files, prevKeys: r.keys, made: make(map[string]digest, len(r.keys)), prevKeyed: r.keyed}
	lastMade.begin()
	rep, err := render(ctx, r.opt, func() (sink, error) { return mem, nil }, nil)
	lastMade.end(err == nil)
	forgetSame() // the last model is no longer needed (see sameRecordsOf)
	if err != nil {
		return nil, nil, err
	}
	r.files, r.keys, r.keyed = mem.files, mem.made, mem.madeKeyed
	return mem.files, rep, nil
}

// lastMade keeps, in a process that renders a site again and again (a
// Renderer), the files of the last render that are made from the encodings
// of many records, with what each was made from: the map's detail and text
// chunks and the GeoJSON layers. A file whose parts are the very same (the
// same encoded features, which lastFeatures hands out again for a record
// that did not change, the same points, equal summaries) is not made
// again. A one-record edit then makes one detail chunk of 256 features
// and the layer files of its layer, not all of them. A single build keeps
// nothing.
var lastMade = madeCache{enabled: &keepEncodings}

type madeCache struct {
	enabled *atomic.Bool
	mu      sync.Mutex
	last    map[string]madeFile // by the file's key: its path, or a chunk's key
	used    map[string]bool     // the keys asked for since begin
}

// begin and end bracket a Renderer's render: after a good one, the files
// it did not ask for (a chunk past the last, a layer gone) are dropped.
func (c *madeCache) begin() {
	c.mu.Lock()
	c.used = map[string]bool{}
	c.mu.Unlock()
}

func (c *madeCache) end(ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ok {
		for k := range c.last {
			if !c.used[k] {
				delete(c.last, k)
			}
		}
	}
	c.used = nil
}

// madeFile is a file and what it was made from.
type madeFile struct {
	features [][]byte
	points   []orb.Point
	texts    []string
	name     string // a chunk's name
	b        []byte
}

// from reports whether f was made from features, points and texts.
func (f *madeFile) from(features [][]byte, points []orb.Point, texts []string) bool {
	if len(f.features) != len(features) || !slices.Equal(f.points, points) {
		return false
	}
	for i, x := range features {
		if y := f.features[i]; len(x) != len(y) || len(x) > 0 && &x[0] != &y[0] {
			return false
		}
	}
	return slices.Equal(f.texts, texts)
}

// file returns the file key made from features, points and texts, by make
// or as the last render made it.
func (c *madeCache) file(key string, features [][]byte, points []orb.Point, texts []string, make func() (name string, b []byte)) (string, []byte) {
	if !c.enabled.Load() {
		return make()
	}
	c.mu.Lock()
	f, ok := c.last[key]
	if c.used != nil {
		c.used[key] = true
	}
	c.mu.Unlock()
	if ok && f.from(features, points, texts) {
		return f.name, f.b
	}
	name, b := make()
	c.mu.Lock()
	if c.last == nil {
		c.last = map[string]madeFile{}
	}
	c.last[key] = madeFile{features: features, points: points, texts: texts, name: name, b: b}
	c.mu.Unlock()
	return name, b
}

// collection is featureCollection through lastMade, for the file path.
func (c *madeCache) collection(path string, features [][]byte, points []orb.Point) []byte {
	_, b := c.file(path, features, points, nil, func() (string, []byte) {
		return "", featureCollection(features, points)
	})
	return b
}

// chunk is d.addChunk through lastMade, for a chunk made from features or
// texts, those of d.m's records lo to hi (when d.m is set). A build takes
// the chunk from the output it replaces when it was made from the same
// (see takeBuilt).
func (d *mapData) chunk(key string, features [][]byte, texts []string, size int, items func([]byte) []byte, lo, hi int) string {
	var inputs digest
	built := d.m != nil && builtWanted()
	if built {
		inputs = chunkInputs(d.m, key, lo, hi, texts)
		p, err := takeBuilt(key, inputs)
		if err != nil && d.err == nil {
			d.err = err
		}
		if name, ok := strings.CutPrefix(p, "assets/"); ok {
			return name
		}
	}
	name := d.makeChunk(key, features, texts, size, items)
	if built {
		noteBuilt(key, inputs, "assets/"+name)
	}
	return name
}

// makeChunk is d.addChunk through lastMade.
func (d *mapData) makeChunk(key string, features [][]byte, texts []string, size int, items func([]byte) []byte) string {
	made := false
	name, b := lastMade.file(key, features, nil, texts, func() (string, []byte) {
		made = true
		put := d.put
		var b []byte
		d.put = func(path string, chunk []byte) error {
			b = chunk
			return put(path, chunk)
		}
		defer func() { d.put = put }()
		return d.addChunk(key, size, items), b
	})
	if !made && d.err == nil {
		d.err = d.put("assets/"+name, b)
	}
	return name
}

// lastSame memoizes sameRecords for the last pair of models it was asked
// about: the caches below all compare the model they were made from with
// the new one.
var lastSame struct {
	sync.Mutex
	prev, m *model
	from    []int32
}

// forgetSame lets the memo go, and with it the model before the last.
func forgetSame() {
	lastSame.Lock()
	lastSame.prev, lastSame.m, lastSame.from = nil, nil, nil
	lastSame.Unlock()
}

// sameRecordsOf is sameRecords(prev, m), memoized.
func sameRecordsOf(prev, m *model) []int32 {
	lastSame.Lock()
	defer lastSame.Unlock()
	if lastSame.prev != prev || lastSame.m != m {
		lastSame.prev, lastSame.m, lastSame.from = prev, m, sameRecords(prev, m)
	}
	return lastSame.from
}

// segments keeps, in a process that renders a site again and again (a
// Renderer), one byte string per record of the last model laid end to
// end: the rows of the table page or of the CSV, or a column of the map's
// data. The next model takes the segments of its records that are the
// same (see sameRecords), whatever their places, and makes the others: a
// one-record edit makes one segment and copies the rest. A single build
// keeps nothing.
type segments struct {
	mu    sync.Mutex
	m     *model // what b was made from
	ctx   string
	b     []byte // the bytes the segments were appended to, and the segments
	start int    // where the first segment starts in b
	ends  []int  // where each record's segment ends in b
	// fresh counts the segments made, not taken, for tests.
	fresh atomic.Int64
	// index, when set, takes a build's segments instead (see
	// featureCache.forIndex): from the output the build replaces, and
	// kept for its index of encodings (see output_encodings.go).
	index *featureCache
}

// make appends to dst the segments of m's records, each appended by seg,
// or taken from the last call's when the record is the same and ctx, what
// else a segment shows (a site setting), is too. It keeps the bytes it
// appended for the next call: the caller may append more to the slice it
// returns, but never change the bytes in it.
func (s *segments) make(dst []byte, m *model, ctx string, seg func(b []byte, rv *recordView) []byte) []byte {
	if s.index != nil && s.index.forIndex() {
		segs := s.index.encode(m, func(*recordView) string { return ctx }, func(rv *recordView) []byte { return seg(nil, rv) })
		n := 0
		for _, b := range segs {
			n += len(b)
		}
		dst = slices.Grow(dst, n)
		for _, b := range segs {
			dst = append(dst, b...)
		}
		return dst
	}
	if !keepEncodings.Load() {
		for _, rv := range m.Records {
			dst = seg(dst, rv)
		}
		return dst
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var from []int32
	if s.m != nil && s.ctx == ctx {
		from = sameRecordsOf(s.m, m)
	}
	n := len(m.Records)
	b := slices.Grow(dst, len(s.b)-s.start+len(s.b)/16+1024)
	start := len(b)
	ends := make([]int, n)
	for i := 0; i < n; {
		if from == nil || from[i] < 0 {
			b = seg(b, m.Records[i])
			ends[i] = len(b)
			s.fresh.Add(1)
			i++
			continue
		}
		// A run of records that were one after the other: one copy.
		k := i + 1
		for k < n && from[k] >= 0 && from[k] == from[k-1]+1 {
			k++
		}
		at := s.start
		if j := from[i]; j > 0 {
			at = s.ends[j-1]
		}
		shift := len(b) - at
		b = append(b, s.b[at:s.ends[from[k-1]]]...)
		for x := i; x < k; x++ {
			ends[x] = s.ends[from[x]] + shift
		}
		i = k
	}
	s.m, s.ctx, s.b, s.start, s.ends = m, ctx, b, start, ends
	return b
}

// column keeps, like segments, a whole column of the map's data as the
// last model made it, for a column whose values are numbers into a list
// of values (a dict): one changed value may renumber them all, so the
// column is made again whenever a value in it changed, and taken as it
// was otherwise.
type column struct {
	mu  sync.Mutex
	m   *model
	ctx string
	b   []byte
	// fresh counts the columns made, not taken, for tests.
	fresh atomic.Int64
}

// make returns the column of m's records, made by build or taken from the
// last call's when ctx is unchanged and, at every place, the record is the
// same or same reports its value in the column the same.
func (c *column) make(m *model, ctx string, same func(a, b *recordView) bool, build func() []byte) []byte {
	if !keepEncodings.Load() {
		return build()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m != nil && c.ctx == ctx && len(c.m.Records) == len(m.Records) {
		from := sameRecordsOf(c.m, m)
		ok := true
		for i, j := range from {
			if int(j) != i && !same(c.m.Records[i], m.Records[i]) {
				ok = false
				break
			}
		}
		if ok {
			c.m = m // the same bytes
			return c.b
		}
	}
	c.m, c.ctx, c.b = m, ctx, build()
	c.fresh.Add(1)
	return c.b
}

// lastTableRows keeps the table page's rows (see segments and tableRow);
// a build takes them from the output it replaces, through tableRowIndex.
var lastTableRows = segments{index: &tableRowIndex}

// tableRowIndex is the table page's rows for the index of encodings, by
// the record's digest and tableRowsContext. It keeps nothing in memory:
// a Renderer has lastTableRows.
var tableRowIndex = featureCache{enabled: new(atomic.Bool)}

// tableRowsContext is what the table's rows show of the site besides the
// records: the layers' names, colours and symbols.
func tableRowsContext(m *model) string {
	return fmt.Sprintf("%#v", m.Config.Layers)
}
