package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/paulmach/orb/geojson"

	"github.com/mapsite/mapsite/incident"
)

// The map page's data come in three parts, all scripts, so that the map
// works from file:// (where a page may not fetch a local file) under the
// pages' Content Security Policy (script-src 'self'):
//
//   - data.js (window.MAPSITE_DATA): what the map needs before its first
//     draw, in columns: per record its id, point, layer, date span and
//     text, title, place, country, location precision, perpetrator,
//     attribution and tags, and what its popup shows beyond them (the
//     counts' texts, whether the analyst gave the coordinates); the values
//     that repeat (places, countries, dates as text, tags …) are written
//     once, and records refer to them by number. About 140 bytes a record
//     instead of the feature's 1.3 kB.
//   - detail chunks (assets/records/d<k>.<hash>.js): every record's whole
//     GeoJSON feature, the bytes of the GeoJSON files, detailChunk records
//     a file in the data's order. The map loads all of those it needs for
//     a download of the filtered records (and, drawn from vector tiles,
//     one when a popup opens).
//   - text chunks (assets/records/s<k>.<hash>.js): the summaries, which the
//     search box searches, textChunk records a file. The map loads them
//     when a search is first asked for.
//
// A chunk's name carries the hash of its content, so a browser may cache
// it for ever; data.js names them. assets/map-data.js is the one reader
// of this format.

// Records per chunk. A detail chunk is about 340 kB at 1.3 kB a record:
// a popup loads one. The text chunks are loaded together, so they are
// fewer and larger.
const (
	detailChunk = 256
	textChunk   = 4096
)

// mapData is the map page's data: data.js and the chunk files it names.
type mapData struct {
	m      *model                     // whose records the chunks hold, in order; nil: not known (see chunk)
	script []byte                     // data.js
	put    func(string, []byte) error // takes each chunk, by path in the output, e.g. "assets/records/d0.1a2b3c4d5e.js"
	err    error                      // put's first error
	// With transient set, put keeps nothing of a chunk (a sink's
	// putTransient), and addChunk writes each into buf, again.
	transient bool
	buf       []byte
}

// mapData returns the map's data script, data.js, and hands its chunks
// (see above) to put as it makes them, so that they are not all held at
// once. Records are in the model's order (date, then id); the bytes depend
// only on the model.
func (m *model) mapData(put func(path string, b []byte) error) ([]byte, error) {
	return m.makeMapData(mapData{m: m, put: put})
}

// mapDataTo is mapData into out. Unless the chunks are kept for the next
// render (see lastMade), they are handed to out.putTransient, all made in
// one buffer (the text chunks were 45 MB at 100,000 records).
func (m *model) mapDataTo(out sink) ([]byte, error) {
	return m.makeMapData(m.mapDataInto(out))
}

// mapDataInto returns the mapData that mapDataTo hands to out.
func (m *model) mapDataInto(out sink) mapData {
	if lastMade.enabled.Load() {
		return mapData{m: m, put: out.put}
	}
	return mapData{m: m, put: out.putTransient, transient: true}
}

// makeMapData is mapData, with the chunks handed to out.
func (m *model) makeMapData(out mapData) ([]byte, error) {
	details := m.details // made with the features when a build encodes each record once (encodeOnce)
	if details == nil {
		details = out.detailChunks(m.features())
	}
	f := m.mapFront(&out)
	return f.script(details), out.err
}

// mapFront is the map's data but the detail chunks: data.js up to their
// names, and the text chunks' names. It does not wait for the features
// (see aggregates).
type mapFront struct {
	b     []byte
	texts []string
}

// mapFront makes the text chunks, handing them to out, and data.js up
// to the names of the detail chunks, the two side by side.
func (m *model) mapFront(out *mapData) mapFront {
	var texts []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		texts = m.textChunks(out)
	}()
	b := make([]byte, 0, 4096+160*len(m.Records))
	b = append(b, "window.MAPSITE_DATA={"...)
	b = m.appendMapConfig(b)
	b = append(b, `,"records":`...)
	b = m.appendColumns(b)
	b = append(b, `,"links":`...)
	b = m.appendLinksBuilt(b)
	<-done
	return mapFront{b, texts}
}

// textChunks makes the text chunks, handing them to out, and returns
// their names.
func (m *model) textChunks(out *mapData) []string {
	var texts []string
	for k := 0; k*textChunk < len(m.Records); k++ {
		part := m.Records[k*textChunk : min((k+1)*textChunk, len(m.Records))]
		n := 0
		summaries := make([]string, len(part))
		for i, rv := range part {
			n += len(rv.Summary) + len(rv.Summary)/8 + 3 // room for a few escapes: the chunk is not grown
			summaries[i] = rv.Summary
		}
		texts = append(texts, out.chunk("s"+strconv.Itoa(k), nil, summaries, n, func(b []byte) []byte {
			for i, rv := range part {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendString(b, rv.Summary)
			}
			return b
		}, k*textChunk, k*textChunk+len(part)))
	}
	return texts
}

// script ends data.js with the detail chunks' names and the text
// chunks'.
func (f mapFront) script(details []string) []byte {
	b := f.b
	b = append(b, `,"details":{"size":`...)
	b = strconv.AppendInt(b, detailChunk, 10)
	b = append(b, `,"files":`...)
	b = appendStrings(b, details)
	b = append(b, `},"texts":{"size":`...)
	b = strconv.AppendInt(b, textChunk, 10)
	b = append(b, `,"files":`...)
	b = appendStrings(b, f.texts)
	b = append(b, "}};\n"...)
	noteScript(b) // for the index of encodings: where the columns went
	return b
}

// layerIndex returns each layer's index in site.toml, by key.
func (m *model) layerIndex() map[string]int {
	index := make(map[string]int, len(m.Layers))
	for i, l := range m.Layers {
		index[l.Key] = i
	}
	return index
}

// detailChunks hands features to the map as detail chunks, detailChunk
// features a chunk, and returns the chunks' names relative to assets/.
// The features are those of d.m's records, in order, when d.m is set.
func (d *mapData) detailChunks(features [][]byte) []string {
	var names []string
	for k := 0; k*detailChunk < len(features); k++ {
		part := features[k*detailChunk : min((k+1)*detailChunk, len(features))]
		names = append(names, d.chunk("d"+strconv.Itoa(k), part, nil, joinedSize(part), func(b []byte) []byte {
			return appendJoined(b, part)
		}, k*detailChunk, k*detailChunk+len(part)))
	}
	return names
}

// appendJoined appends parts to b, a comma between each two.
func appendJoined(b []byte, parts [][]byte) []byte {
	for i, p := range parts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, p...)
	}
	return b
}

// joinedSize is about the length appendJoined appends: a byte more.
func joinedSize(parts [][]byte) int {
	n := 0
	for _, p := range parts {
		n += len(p) + 1
	}
	return n
}

// addChunk adds a chunk script that hands a JSON array to the map under
// key, its items written by items (about size bytes), and returns the
// chunk's name relative to assets/.
func (d *mapData) addChunk(key string, size int, items func([]byte) []byte) string {
	var b []byte
	if d.transient {
		b = slices.Grow(d.buf[:0], size+80)
		defer func() { d.buf = b }()
	} else {
		b = make([]byte, 0, size+80)
	}
	b = appendChunk(b, key, items)
	name := chunkName(key, b)
	if d.err == nil {
		d.err = d.put("assets/"+name, b)
	}
	return name
}

// appendChunk appends the chunk script that hands the JSON array items
// writes to the map under key.
func appendChunk(b []byte, key string, items func([]byte) []byte) []byte {
	b = append(b, "(window.MAPSITE_CHUNKS=window.MAPSITE_CHUNKS||{})["...)
	b = appendString(b, key)
	b = append(b, "]=["...)
	b = items(b)
	return append(b, "];\n"...)
}

// chunkName returns the name, relative to assets/, of the chunk script b
// made under key: it carries the hash of b.
func chunkName(key string, b []byte) string {
	sum := sha256.Sum256(b)
	return "records/" + key + "." + hex.EncodeToString(sum[:])[:10] + ".js"
}

// appendMapConfig appends the site's title, layers, attribution
// vocabulary, tile servers and initial view, as object members.
func (m *model) appendMapConfig(b []byte) []byte {
	b = append(b, `"title":`...)
	b = appendString(b, m.Config.Title)
	b = append(b, `,"layers":[`...)
	for i, l := range m.Layers {
		sym := l.Symbol
		if sym == "" {
			sym = "circle"
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"key":`...)
		b = appendString(b, l.Key)
		b = append(b, `,"name":`...)
		b = appendString(b, l.Name)
		if l.Description != "" {
			b = append(b, `,"description":`...)
			b = appendString(b, l.Description)
		}
		b = append(b, `,"color":`...)
		b = appendString(b, l.Color)
		b = append(b, `,"symbol":`...)
		b = appendString(b, sym)
		b = append(b, `,"count":`...)
		b = strconv.AppendInt(b, int64(l.Count), 10)
		b = append(b, '}')
	}
	b = append(b, `],"attributions":[`...)
	for i, a := range m.Config.Attributions {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"key":`...)
		b = appendString(b, a.Key)
		b = append(b, `,"label":`...)
		b = appendString(b, a.Label)
		b = append(b, '}')
	}
	b = append(b, `],"tiles":[`...)
	for i, t := range m.Config.Map.Tiles {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = appendString(b, t.Name)
		b = append(b, `,"url":`...)
		b = appendString(b, t.URL)
		b = append(b, `,"attribution":`...)
		b = appendString(b, t.Attribution)
		if t.MaxZoom != 0 {
			b = append(b, `,"max_zoom":`...)
			b = strconv.AppendInt(b, int64(t.MaxZoom), 10)
		}
		b = append(b, '}')
	}
	b = append(b, ']')
	if c := m.Config.Map.Center; c != [2]float64{} {
		b = append(b, `,"center":[`...)
		b = appendFloat(b, c[0])
		b = append(b, ',')
		b = appendFloat(b, c[1])
		b = append(b, ']')
	}
	if z := m.Config.Map.Zoom; z != 0 {
		b = append(b, `,"zoom":`...)
		b = strconv.AppendInt(b, int64(z), 10)
	}
	return b
}

// dict is a column of values that repeat: each value once, in the order
// first met, and per record its number.
type dict struct {
	index  map[string]int
	values []string
	refs   []int
	// recent holds values looked up, by their address: the loader keeps
	// one copy of a short value for the records of a file (see
	// site.compact), so most are found here without hashing them.
	recent [256]struct {
		p   *byte
		n   int
		ref int
	}
}

func newDict(n int) *dict { return &dict{index: map[string]int{}, refs: make([]int, 0, n)} }

func (d *dict) ref(v string) int {
	p := unsafe.StringData(v)
	r := &d.recent[(uintptr(unsafe.Pointer(p))*0x9e3779b97f4a7c15)>>56]
	if r.p == p && r.n == len(v) && p != nil { // the same bytes: the same string
		return r.ref
	}
	i, ok := d.index[v]
	if !ok {
		i = len(d.values)
		d.index[v] = i
		d.values = append(d.values, v)
	}
	r.p, r.n, r.ref = p, len(v), i
	return i
}

func (d *dict) add(v string) { d.refs = append(d.refs, d.ref(v)) }

// appendTo appends the column as {"values":[…],"refs":[…]}.
func (d *dict) appendTo(b []byte) []byte {
	n := 32 + len(d.refs)*(len(strconv.Itoa(len(d.values)))+1)
	for _, v := range d.values {
		n += len(v) + len(v)/8 + 3 // room for a few escapes
	}
	b = slices.Grow(b, n)
	b = append(b, `{"values":`...)
	b = appendStrings(b, d.values)
	b = append(b, `,"refs":`...)
	return append(appendInts(b, d.refs), '}')
}

// appendColumns appends the records as an object of columns, each an
// array with one value per record in the model's order (or a dict of
// them). "end" is "" where a record's span ends the day it starts. The
// columns are made on every core; in a Renderer, each is taken from the
// last render's, or spliced from its values, where its records are the
// same (see segments and column).
//
// A build takes from the output it replaces each column whose inputs are
// the same (see columnInputs and takeColumn).
func (m *model) appendColumns(b []byte) []byte {
	cols := m.columns()
	parts := make([][]byte, len(cols))
	var (
		inputs      []digest
		made, prior *columnRuns
	)
	olds := make([][]byte, len(cols)) // the output's list columns to splice (see spliceColumn)
	built := builtWanted()
	if built {
		inputs, made, prior = columnInputs(m, cols)
		for i, c := range cols {
			if parts[i] = takeColumn(c.name, inputs[i]); parts[i] == nil && c.item != nil && prior != nil && !keepEncodings.Load() {
				olds[i] = priorColumn(c.name)
			}
		}
	}
	for i, c := range cols {
		if parts[i] == nil && olds[i] == nil && c.want != nil {
			c.want() // made in one pass with the others wanted (see columns)
		}
	}
	parallel(len(cols), func(i int) error {
		if parts[i] == nil && olds[i] != nil {
			parts[i] = m.spliceColumn(cols[i], i, olds[i], made, prior)
		}
		if parts[i] == nil {
			parts[i] = cols[i].make()
		}
		return nil
	})
	b = append(b, '{')
	for i, c := range cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, c.name...)
		b = append(b, '"', ':')
		if built {
			noteColumn(c.name, inputs[i], len(b), len(parts[i]))
		}
		b = append(b, parts[i]...)
	}
	return append(b, '}')
}

// mapColumn is one column of the map's data: its name, what makes it, and
// what it is made from: what else it shows of the site (ctx) and, per
// record, input (see columnInputs).
type mapColumn struct {
	name  string
	make  func() []byte
	ctx   string
	input func(b []byte, rv *recordView) []byte
	// want, where set, says that make will be called: a single build
	// makes the columns wanted of a kind in one pass over the records,
	// and only those (not the columns taken from the output).
	want func()
	// A list column's item appends a record's value, scalars JSON values
	// (a point is two numbers), for spliceColumn; nil for the others.
	item    func(b []byte, rv *recordView) []byte
	scalars int
}

// runsSpliced counts the runs of records whose values spliceColumn took
// from the output's column, for tests.
var runsSpliced atomic.Int64

// spliceColumn makes the list column c, the i-th of the map's data, from
// old, the output's: the values of each run of records whose inputs to
// it are unchanged (see columnRuns: made is this build's, prior the
// output's) are copied from old, the others appended anew. After a new
// title at 100,000 records, 4,096 titles are written instead of all. It
// returns nil when old cannot be read so.
func (m *model) spliceColumn(c mapColumn, i int, old []byte, made, prior *columnRuns) []byte {
	if len(old) < 2 || old[0] != '[' || old[len(old)-1] != ']' || made == nil || prior == nil {
		return nil
	}
	rest := old[1 : len(old)-1]
	b := make([]byte, 0, len(old)+len(old)/16)
	b = append(b, '[')
	for k := range made.keys {
		lo, hi := k*inputsRun, min((k+1)*inputsRun, len(m.Records))
		if k > 0 {
			b = append(b, ',')
		}
		run, next, ok := cutValues(rest, (hi-lo)*c.scalars)
		if ok && k < len(prior.keys) && prior.parts[k][i] == made.parts[k][i] {
			b = append(b, run...)
			runsSpliced.Add(1)
		} else {
			for j, rv := range m.Records[lo:hi] {
				if j > 0 {
					b = append(b, ',')
				}
				b = c.item(b, rv)
			}
		}
		rest = next // nil once old has no more values: the runs after are made
	}
	return append(b, ']')
}

// cutValues returns the first n values of b, a list of JSON strings and
// numbers with a comma after each but the last, and what follows them
// and their comma; ok is false when b holds fewer.
func cutValues(b []byte, n int) (values, rest []byte, ok bool) {
	i := 0
	for v := range n {
		if v > 0 {
			if i >= len(b) || b[i] != ',' {
				return nil, nil, false
			}
			i++
		}
		if i >= len(b) {
			return nil, nil, false
		}
		if b[i] != '"' {
			j := bytes.IndexByte(b[i:], ',')
			if j < 0 {
				j = len(b) - i
			}
			i += j
			continue
		}
		// A string: up to the first quote that no backslash escapes.
		j := i + 1
		for {
			q := bytes.IndexByte(b[j:], '"')
			if q < 0 {
				return nil, nil, false
			}
			j += q
			escapes := 0
			for b[j-1-escapes] == '\\' {
				escapes++
			}
			j++
			if escapes%2 == 0 {
				break
			}
		}
		i = j
	}
	values = b[:i]
	if i < len(b) {
		if b[i] != ',' {
			return nil, nil, false
		}
		i++
	}
	return values, b[i:], true
}

// lastColumns holds, by name, the columns of the map's data as a
// Renderer's last render made them (see segments and column).
var lastColumns struct {
	sync.Mutex
	list  map[string]*segments
	dicts map[string]*column
}

// cached returns (*m)[name], made first if missing (the map too).
func cached[T any](m *map[string]*T, name string) *T {
	v := (*m)[name]
	if v == nil {
		if *m == nil {
			*m = map[string]*T{}
		}
		v = new(T)
		(*m)[name] = v
	}
	return v
}

// listColumn is a column of one value per record, each appended with a
// comma after it by value.
func (m *model) listColumn(name, ctx string, value func(b []byte, rv *recordView) []byte) mapColumn {
	lastColumns.Lock()
	s := cached(&lastColumns.list, name)
	lastColumns.Unlock()
	return mapColumn{name: name, make: func() []byte {
		if !keepEncodings.Load() { // a single build keeps nothing: one buffer
			return m.appendLists([]func(b []byte, rv *recordView) []byte{value})[0]
		}
		items := s.make(nil, m, ctx, func(b []byte, rv *recordView) []byte { return append(value(b, rv), ',') })
		b := make([]byte, 0, len(items)+2)
		b = append(b, '[')
		if len(items) > 0 {
			b = append(b, items[:len(items)-1]...) // the last comma
		}
		return append(b, ']')
	}, ctx: ctx, input: value}
}

// sampled is how many records listColumn encodes before it grows its
// buffer for the rest.
const sampled = 256

// listsMade counts the columns appendLists made, for tests.
var listsMade atomic.Int64

// appendLists makes the columns of a single build whose values items
// append, one value per record, in one pass over the records: each
// column as listColumn makes it.
func (m *model) appendLists(items []func(b []byte, rv *recordView) []byte) [][]byte {
	listsMade.Add(int64(len(items)))
	out := make([][]byte, len(items))
	for k := range out {
		out[k] = append(make([]byte, 0, 16*len(m.Records)+2), '[')
	}
	for i, rv := range m.Records {
		for k, value := range items {
			b := out[k]
			if i > 0 {
				b = append(b, ',')
			}
			b = value(b, rv)
			if i == sampled-1 {
				// The room the first records took, for them all: the
				// column is grown once, not by doubling.
				b = slices.Grow(b, len(b)/sampled*(len(m.Records)-sampled)+len(b)/8)
			}
			out[k] = b
		}
	}
	for k := range out {
		out[k] = append(out[k], ']')
	}
	return out
}

// dictColumn is a column made whole by build, which same says is the same
// for two records, and input tells what it shows of a record.
func (m *model) dictColumn(name, ctx string, same func(a, b *recordView) bool, build func() []byte, input func(b []byte, rv *recordView) []byte) mapColumn {
	lastColumns.Lock()
	c := cached(&lastColumns.dicts, name)
	lastColumns.Unlock()
	return mapColumn{name: name, make: func() []byte { return c.make(m, ctx, same, build) }, ctx: ctx, input: input}
}

// columns lists the columns of the map's data, in order.
func (m *model) columns() []mapColumn {
	var layerKeys strings.Builder
	for _, l := range m.Layers {
		layerKeys.WriteString(strconv.Quote(l.Key))
	}
	// The columns made by dict: in a single build, all those wanted are
	// made by one pass over the records (see dicts), which most of the
	// time reaches.
	var values []func(rv *recordView) string
	var dictsWanted []bool
	dicts := sync.OnceValue(func() []*dict {
		out := make([]*dict, len(values))
		for k := range out {
			if dictsWanted[k] {
				out[k] = newDict(len(m.Records))
			}
		}
		for _, rv := range m.Records {
			for k, value := range values {
				if out[k] != nil {
					out[k].add(value(rv))
				}
			}
		}
		return out
	})
	dict := func(name string, value func(rv *recordView) string) mapColumn {
		k := len(values)
		values, dictsWanted = append(values, value), append(dictsWanted, false)
		c := m.dictColumn(name, "", func(a, b *recordView) bool { return value(a) == value(b) }, func() []byte {
			if !keepEncodings.Load() {
				all := dicts()
				if d := all[k]; d != nil {
					all[k] = nil // made: its refs and index go
					return d.appendTo(nil)
				}
			}
			d := newDict(len(m.Records))
			for _, rv := range m.Records {
				d.add(value(rv))
			}
			return d.appendTo(nil)
		}, func(b []byte, rv *recordView) []byte { return append(b, value(rv)...) })
		c.want = func() { dictsWanted[k] = true }
		return c
	}
	// And those made by list, one value per record, in another.
	var items []func(b []byte, rv *recordView) []byte
	var listsWanted []bool
	lists := sync.OnceValue(func() [][]byte {
		var wanted []func(b []byte, rv *recordView) []byte
		for k, value := range items {
			if listsWanted[k] {
				wanted = append(wanted, value)
			}
		}
		made := m.appendLists(wanted)
		out := make([][]byte, len(items))
		for k := range items {
			if listsWanted[k] {
				out[k], made = made[0], made[1:]
			}
		}
		return out
	})
	list := func(name string, value func(b []byte, rv *recordView) []byte) mapColumn {
		c := m.listColumn(name, "", value)
		k, each := len(items), c.make
		items, listsWanted = append(items, value), append(listsWanted, false)
		c.make = func() []byte {
			if !keepEncodings.Load() {
				if b := lists()[k]; b != nil {
					return b
				}
			}
			return each() // not wanted first: alone
		}
		c.want = func() { listsWanted[k] = true }
		c.item, c.scalars = value, 1
		return c
	}
	date := func(name string, end bool) mapColumn {
		c := list(name, func(b []byte, rv *recordView) []byte { return appendDate(b, rv, end) })
		c.input = appendDateInput
		return c
	}
	raw := func(c mapColumn, input func(b []byte, rv *recordView) []byte) mapColumn {
		c.input = input
		return c
	}
	xy := list("xy", func(b []byte, rv *recordView) []byte {
		pt := point(rv.Record)
		b = appendFloat(b, pt[0])
		b = append(b, ',')
		return appendFloat(b, pt[1])
	})
	xy.scalars = 2
	xy.input = func(b []byte, rv *recordView) []byte { // what appendFloat writes, unwritten
		pt := point(rv.Record)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(pt[0]))
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(pt[1]))
	}
	return []mapColumn{
		raw(list("id", func(b []byte, rv *recordView) []byte { return appendString(b, rv.ID) }),
			func(b []byte, rv *recordView) []byte { return append(b, rv.ID...) }),
		xy,
		m.dictColumn("layer", layerKeys.String(), func(a, b *recordView) bool { return a.Record.Layer == b.Record.Layer }, func() []byte {
			layerIndex := m.layerIndex()
			layers := make([]int, len(m.Records))
			for i, rv := range m.Records {
				layers[i] = layerIndex[rv.Record.Layer]
			}
			return appendInts(nil, layers)
		}, func(b []byte, rv *recordView) []byte { return append(b, rv.Record.Layer...) }),
		date("start", false),
		date("end", true),
		raw(list("title", func(b []byte, rv *recordView) []byte { return appendString(b, rv.Title) }),
			func(b []byte, rv *recordView) []byte { return append(b, rv.Title...) }),
		raw(dict("date_text", func(rv *recordView) string { return rv.dateText() }), appendDateInput),
		dict("place", func(rv *recordView) string { return rv.Place }),
		dict("matched_place", func(rv *recordView) string { return rv.Location.Matched }),
		dict("country", func(rv *recordView) string { return rv.Country }),
		raw(dict("precision", func(rv *recordView) string { return rv.Location.Precision.String() }),
			func(b []byte, rv *recordView) []byte { return binary.AppendVarint(b, int64(rv.Location.Precision)) }),
		dict("perpetrator", func(rv *recordView) string { return rv.Perpetrator }),
		dict("attribution", func(rv *recordView) string { return rv.Attribution }),
		m.dictColumn("country_name", "", func(a, b *recordView) bool { return a.Country == b.Country }, func() []byte {
			countries := newDict(0)
			var names []string
			for _, rv := range m.Records {
				if before := len(countries.values); countries.ref(rv.Country) == before {
					names = append(names, rv.CountryName)
				}
			}
			return appendStrings(nil, names)
		}, func(b []byte, rv *recordView) []byte {
			b = binary.AppendUvarint(b, uint64(len(rv.Country)))
			return append(append(b, rv.Country...), rv.CountryName...)
		}),
		m.dictColumn("popup", strings.Join(incident.CountFields, ","), func(a, b *recordView) bool {
			return string(appendPopupValue(nil, a)) == string(appendPopupValue(nil, b))
		}, m.popupColumn, appendPopupValue),
		m.dictColumn("tags", "", func(a, b *recordView) bool { return slices.Equal(a.Tags, b.Tags) }, func() []byte {
			tags := newDict(0)
			tagRefs := make([][]int, len(m.Records))
			for i, rv := range m.Records {
				for _, t := range rv.Tags {
					tagRefs[i] = append(tagRefs[i], tags.ref(t))
				}
			}
			b := append([]byte(nil), `{"values":`...)
			b = appendStrings(b, tags.values)
			b = append(b, `,"refs":[`...)
			for i, refs := range tagRefs {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendInts(b, refs)
			}
			return append(b, "]}"...)
		}, func(b []byte, rv *recordView) []byte {
			for _, t := range rv.Tags {
				b = binary.AppendUvarint(b, uint64(len(t)))
				b = append(b, t...)
			}
			return b
		}),
	}
}

// popupColumn makes the column "popup": what a record's popup shows that
// the other columns do not hold, so that a popup opens whole without
// loading a detail chunk. It is {"fields":[the count fields],
// "values":[…],"refs":[…]}, each value written once (appendPopupValue).
func (m *model) popupColumn() []byte {
	index := map[string]int{}
	refs := make([]int, len(m.Records))
	b := append([]byte(nil), `{"fields":`...)
	b = appendStrings(b, incident.CountFields)
	b = append(b, `,"values":[`...)
	var v, last []byte // last: the value before, most often the same ([0])
	k := -1
	for i, rv := range m.Records {
		v = appendPopupValue(v[:0], rv)
		if k >= 0 && string(v) == string(last) {
			refs[i] = k
			continue
		}
		last = append(last[:0], v...)
		var ok bool
		k, ok = index[string(v)]
		if !ok {
			k = len(index)
			index[string(v)] = k
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, v...)
		}
		refs[i] = k
	}
	b = append(b, `],"refs":`...)
	return append(appendInts(b, refs), '}')
}

// appendPopupValue appends a record's value of the column "popup": [1
// when the analyst gave the coordinates, else 0, then each count's text
// in the order of incident.CountFields, "" where it has none, the
// trailing ones left out]: [0] for most records of most sites.
func appendPopupValue(b []byte, rv *recordView) []byte {
	b = append(b, '[')
	if rv.Location.Explicit {
		b = append(b, '1')
	} else {
		b = append(b, '0')
	}
	last := -1
	for i, name := range incident.CountFields {
		if rv.Counts.Get(name).IsSet() {
			last = i
		}
	}
	for _, name := range incident.CountFields[:last+1] {
		b = append(b, ',')
		if c := rv.Counts.Get(name); c.IsSet() {
			b = append(appendCount(append(b, '"'), c), '"') // nothing to escape (TestAppendCount)
		} else {
			b = append(b, `""`...)
		}
	}
	return append(b, ']')
}

// appendDateInput appends, unambiguously, every field of a record's date
// that its text and days show (see columnInputs): the ISO form, the
// precision, whether a span, and both days as instants and zones.
func appendDateInput(b []byte, rv *recordView) []byte {
	d := rv.Date
	iso := d.ISO()
	b = binary.AppendUvarint(b, uint64(len(iso)))
	b = append(b, iso...)
	b = binary.AppendVarint(b, int64(d.Precision))
	if d.Span {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	for _, t := range []time.Time{d.Start, d.End} {
		name, offset := t.Zone()
		b = binary.AppendVarint(b, t.Unix())
		b = binary.AppendVarint(b, int64(t.Nanosecond()))
		b = binary.AppendVarint(b, int64(offset))
		b = binary.AppendUvarint(b, uint64(len(name)))
		b = append(b, name...)
	}
	return b
}

// appendDate appends a record's first day (or last day, "" where the same
// as the first) as an ISO date.
func appendDate(b []byte, rv *recordView, end bool) []byte {
	d := rv.Date.Start
	if end {
		if rv.Date.End.Equal(d) {
			return append(b, `""`...)
		}
		d = rv.Date.End
	}
	b = append(b, '"')
	b = d.AppendFormat(b, "2006-01-02")
	return append(b, '"')
}

// linksColumn names the links of data.js in the index of encodings, among
// its columns (no column has that name).
const linksColumn = "links"

// linksTaken counts the links taken from the output's data.js, for tests.
var linksTaken atomic.Int64

// appendLinksBuilt is appendLinks, but a build takes the links from the
// output's data.js when they were made from the same (see linksInputs),
// as it takes a column: at 100,000 records, making them was about 30 ms.
func (m *model) appendLinksBuilt(b []byte) []byte {
	in, known := m.linksInputs()
	if !known || keepEncodings.Load() {
		return m.appendLinks(b)
	}
	off := len(b)
	if old := priorColumnMadeOf(linksColumn, in); old != nil {
		b = append(b, old...)
		linksTaken.Add(1)
	} else {
		b = m.appendLinks(b)
	}
	noteColumn(linksColumn, in, off, len(b)-off)
	return b
}

// appendLinks appends the links between related records as a flat array
// of pairs of record numbers (in the order of the records' columns), in
// the order of layers/links.geojson.
func (m *model) appendLinks(b []byte) []byte {
	links := m.links()
	end := func(f *geojson.Feature, end string) int64 {
		id, _ := f.Properties[end].(string)
		return m.number(m.byID[id])
	}
	b = append(b, '[')
	for i, f := range links {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, end(f, "from"), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, end(f, "to"), 10)
	}
	return append(b, ']')
}

// number returns a record's number in the map's data: its place in
// m.Records, which newModel noted.
func (m *model) number(rv *recordView) int64 {
	if rv != nil && rv.pos < len(m.Records) && m.Records[rv.pos] == rv {
		return int64(rv.pos)
	}
	return int64(max(0, slices.Index(m.Records, rv)))
}

// appendInts appends a JSON array of integers.
func appendInts(b []byte, list []int) []byte {
	b = append(b, '[')
	for i, n := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return append(b, ']')
}
