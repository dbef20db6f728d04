package build

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
	"github.com/mapsite/mapsite/site"
)

// roundTo returns the number of decimals kept for a point of precision p:
// six (about 10 cm) for venues, neighbourhoods and districts, four (about
// 10 m) for cities and coarser, whose point stands for an area anyway.
func roundTo(p geo.Precision) int {
	if p < geo.City {
		return 6
	}
	return 4
}

// point returns the record's point rounded to roundTo decimals:
// math.Round(x*f)/f, where f is 10 to that power, a constant
// (TestPointMatchesRound compares it with math.Pow's, which is exact).
func point(r *incident.Record) orb.Point {
	f := 1e4
	if roundTo(r.Location.Precision) == 6 {
		f = 1e6
	}
	return orb.Point{math.Round(r.Location.Lon*f) / f, math.Round(r.Location.Lat*f) / f}
}

// featureJSON returns the GeoJSON feature of a record, encoded: its point
// and the properties a map popup or a GIS user needs. No property is null:
// a value that is not known is left out. Properties are in key order, and
// the bytes are those json.Marshal gives for the same feature
// (TestFeatureJSONMatchesMarshal). It is allocated at its exact size (the
// features are kept until the map data is made: 131 MB at 100,000
// records).
func (m *model) featureJSON(rv *recordView) []byte {
	scratch := featureScratch.Get().(*[]byte)
	defer featureScratch.Put(scratch)
	b := m.appendFeature((*scratch)[:0], rv)
	*scratch = b
	return append(make([]byte, 0, len(b)), b...)
}

var featureScratch = sync.Pool{New: func() any { return new([]byte) }}

// appendFeature appends the feature featureJSON returns to dst, each value
// where it goes, in the order of featurePlan.
func (m *model) appendFeature(dst []byte, rv *recordView) []byte {
	r := rv.Record
	pt := point(r)
	b := append(dst, featureHead...)
	b = appendString(b, r.ID)
	b = append(b, featurePoint...)
	b = appendFloat(b, pt[0])
	b = append(b, ',')
	b = appendFloat(b, pt[1])
	b = append(b, featureProps...)
	// Each property is written with a comma before it; the first
	// comma is then made the opening brace (sources are always there).
	open := len(b)
	str := func(k int, v string) {
		b = append(b, propKeys[k]...)
		b = appendString(b, v)
	}
	day := func(k int, t time.Time) {
		b = append(b, propKeys[k]...)
		b = append(b, '"')
		b = append(t.AppendFormat(b, "2006-01-02"), '"')
	}
	for _, k := range featurePlan {
		if k >= pCounts {
			c := r.Counts.Get(incident.CountFields[(k-pCounts)/4])
			if !c.IsSet() {
				continue
			}
			b = append(b, propKeys[k]...)
			b = strconv.AppendInt(b, int64(c.N), 10)
			if c.Max > 0 {
				b = append(b, propKeys[k+3]...)
				b = strconv.AppendInt(b, int64(c.Max), 10)
			}
			if q := c.Qualifier(); q != "" {
				str(k+2, q)
			}
			b = append(b, propKeys[k+1]...)
			b = append(b, '"')
			b = append(appendCount(b, c), '"') // digits, qualifiers and an en dash: nothing to escape
			continue
		}
		switch k {
		case pTitle:
			str(k, r.Title)
		case pLayer:
			str(k, r.Layer)
		case pDate:
			str(k, r.Date.ISO())
		case pDateText:
			str(k, rv.dateText())
		case pDatePrecision:
			str(k, r.Date.Precision.String())
		case pDateStart:
			day(k, r.Date.Start)
		case pDateEnd:
			day(k, r.Date.End)
		case pCountry:
			str(k, r.Country)
		case pCountryName:
			str(k, rv.CountryName)
		case pPrecision:
			str(k, r.Location.Precision.String())
		case pURL:
			str(k, rv.URL)
		case pSummary:
			str(k, r.Summary)
		case pPlace, pMatchedPlace, pPlaceID, pAttribution, pPerpetrator, pNote, pAttributionLabel:
			if v := optionalProp(k, rv); v != "" {
				str(k, v)
			}
		case pCoordinatesGiven:
			if r.Location.Explicit {
				b = append(b, propKeys[k]...)
				b = append(b, "true"...)
			}
		case pTags, pRelated:
			list := r.Tags
			if k == pRelated {
				list = r.Related
			}
			if len(list) > 0 {
				b = append(b, propKeys[k]...)
				b = appendStrings(b, list)
			}
		case pSources:
			b = append(b, propKeys[k]...)
			b = append(b, '[')
			for i, src := range r.Sources {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"title":`...)
				b = appendString(b, src.Title)
				b = append(b, `,"url":`...)
				b = appendString(b, src.URL)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
	}
	b[open] = '{'
	return append(b, "}}"...)
}

// optionalProp returns the value of the property k, one of those a feature
// leaves out when "".
func optionalProp(k int, rv *recordView) string {
	r := rv.Record
	switch k {
	case pPlace:
		return r.Place
	case pMatchedPlace:
		return r.Location.Matched
	case pPlaceID:
		return r.Location.PlaceID
	case pAttribution:
		return r.Attribution
	case pPerpetrator:
		return r.Perpetrator
	case pNote:
		return r.Note
	case pAttributionLabel:
		return rv.AttributionLabel
	}
	return ""
}

// The numbers of a feature's properties (see propKeys): the fixed ones,
// then four per count field, from pCounts.
const (
	pTitle = iota
	pLayer
	pDate
	pDateText
	pDatePrecision
	pDateStart
	pDateEnd
	pCountry
	pCountryName
	pPrecision
	pURL
	pSummary
	pPlace
	pMatchedPlace
	pPlaceID
	pAttribution
	pPerpetrator
	pNote
	pAttributionLabel
	pCoordinatesGiven
	pTags
	pRelated
	pSources
	pCounts
	numProps = pCounts + 4*6 // six count fields (see init)
)

var (
	// propKeys holds each property's key, by number, quoted and
	// followed by a colon, with a comma before it: ,"title":.
	propKeys [numProps]string
	// featurePlan lists the numbers of the properties in their keys'
	// order, which is the order a feature writes them in, as json.Marshal
	// writes a map; a count field's four (its number, then _max,
	// _qualifier and _text, which sort together) stand as one, by its
	// first.
	featurePlan []int
)

func init() {
	fixed := [pCounts]string{"title", "layer", "date", "date_text", "date_precision", "date_start", "date_end",
		"country", "country_name", "precision", "url", "summary", "place", "matched_place", "place_id",
		"attribution", "perpetrator", "note", "attribution_label", "coordinates_given", "tags", "related", "sources"}
	if len(incident.CountFields) != (numProps-pCounts)/4 {
		panic("build: numProps does not count incident.CountFields")
	}
	var keys [numProps]string
	copy(keys[:], fixed[:])
	for i, name := range incident.CountFields {
		for j, suffix := range [4]string{"", "_text", "_qualifier", "_max"} {
			keys[pCounts+4*i+j] = name + suffix
		}
	}
	var order []int
	for k, key := range keys {
		propKeys[k] = `,"` + key + `":` // plain ASCII: nothing to escape
		order = append(order, k)
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(keys[a], keys[b]) })
	for i := 0; i < len(order); i++ {
		k := order[i]
		featurePlan = append(featurePlan, k)
		if k >= pCounts {
			if (k-pCounts)%4 != 0 || !slices.Equal(order[i:i+4], []int{k, k + 3, k + 2, k + 1}) {
				panic("build: a count field's properties do not sort together")
			}
			i += 3
		}
	}
}

// The parts of an encoded feature around its id, point and properties.
const (
	featureHead  = `{"id":`
	featurePoint = `,"type":"Feature","geometry":{"type":"Point","coordinates":[`
	featureProps = `]},"properties":` // the brace is the first property's comma, made so
)

// features returns every record's encoded feature, in the model's order,
// encoding them (on every core) the first time it is called.
func (m *model) features() [][]byte {
	m.featuresOnce.Do(func() {
		m.featureBytes = lastFeatures.encodeFeatures(m, m.featureJSON) // reused in mapsite serve (incremental_cache.go)
	})
	return m.featureBytes
}

// featureCollection writes a FeatureCollection of encoded features, with
// the bbox of their points, as json.Marshal writes orb's.
func featureCollection(features [][]byte, points []orb.Point) []byte {
	n := 256 + joinedSize(features) // the braces, the bbox (four numbers) and the type: never grown
	b := appendJoined(collectionHead(make([]byte, 0, n), points), features)
	return append(b, collectionTail...)
}

// collectionHead appends what comes before the features in a
// FeatureCollection of features at points (see featureCollection).
func collectionHead(b []byte, points []orb.Point) []byte {
	b = append(b, '{')
	if len(points) > 0 {
		bound := orb.MultiPoint(points).Bound()
		b = append(b, `"bbox":[`...)
		for i, x := range [...]float64{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]} {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendFloat(b, x)
		}
		b = append(b, "],"...)
	}
	return append(b, `"features":[`...)
}

const collectionTail = `],"type":"FeatureCollection"}`

// writeCollection hands featureCollection(features, points) to add in
// pieces: the head, each feature, the commas between them, the tail.
func writeCollection(add func([]byte, bool) error, features [][]byte, points []orb.Point) error {
	if err := add(collectionHead(make([]byte, 0, 128), points), false); err != nil {
		return err
	}
	for i, f := range features {
		if i > 0 {
			if err := add(comma, false); err != nil {
				return err
			}
		}
		if err := add(f, true); err != nil {
			return err
		}
	}
	return add([]byte(collectionTail), false)
}

var comma = []byte{','}

// collection returns a FeatureCollection of features with its bbox.
func collection(features []*geojson.Feature) *geojson.FeatureCollection {
	fc := geojson.NewFeatureCollection()
	if features != nil {
		fc.Features = features
	}
	if len(features) > 0 {
		b := features[0].Geometry.Bound()
		for _, f := range features[1:] {
			b = b.Union(f.Geometry.Bound())
		}
		fc.BBox = geojson.NewBBox(b)
	}
	return fc
}

// layers makes the GeoJSON files and hands each to out as it is made: one
// FeatureCollection per layer, all records together, and the links between
// related records. Features keep the model's order (date, then id).
func (m *model) layers(out sink) error {
	features := m.features()
	// put puts a layer file: in pieces in a single build, so that it is
	// never one buffer (all.geojson is 131 MB at 100,000 records); a
	// Renderer keeps the file whole for its next render (see lastMade).
	put := func(path string, g *group) error {
		if keepEncodings.Load() {
			return out.put(path, lastMade.collection(path, g.features, g.points))
		}
		return putPieces(out, path, func(add func([]byte, bool) error) error { return writeCollection(add, g.features, g.points) })
	}
	all := group{features: features, points: make([]orb.Point, len(m.Records))}
	for i, rv := range m.Records {
		all.points[i] = point(rv.Record)
	}
	// In a build, all.geojson (the largest file) is put beside the
	// layer files and the links: after one edit at 100,000 records the
	// two take about as long.
	allDone := make(chan error, 1)
	putAll := func() { allDone <- put("layers/all.geojson", &all) }
	if keepEncodings.Load() {
		putAll()
	} else {
		go putAll()
	}
	err := m.layerFiles(out, features, all.points, put)
	return errors.Join(<-allDone, err)
}

// layerFiles puts the file of each layer, made with put, and the links.
func (m *model) layerFiles(out sink, features [][]byte, points []orb.Point, put func(string, *group) error) error {
	layers := m.layerOf()
	byLayer := make([]group, len(m.Config.Layers))
	for i, l := range layers {
		if l >= 0 {
			g := &byLayer[l]
			g.features = append(g.features, features[i])
			g.points = append(g.points, points[i])
		}
	}
	inputs := layerFileInputs(m) // a build takes the layer files made from the same (see putBuilt)
	for k, l := range m.Config.Layers {
		g := &byLayer[k]
		path := "layers/" + l.Key + ".geojson"
		in, known := inputs[l.Key]
		if err := putBuilt(path, in, known, func() error { return put(path, g) }); err != nil {
			return err
		}
	}
	return m.putLinks(out)
}

// group is the features of a layer file, and their points.
type group struct {
	features [][]byte
	points   []orb.Point
}

// layerOf returns the number of each record's layer in the site's list
// of layers (-1 for none). The loader keeps one copy of each layer's
// name, so the names are most often told apart by address.
func (m *model) layerOf() []int {
	keys := m.Config.Layers
	out := make([]int, len(m.Records))
	// Records of one layer share their view's Layer (see newModel), so
	// each view's Layer is looked up once: a record's name points into
	// its decoded-file cache entry, not at the site's.
	type seen struct {
		l *site.Layer
		j int
	}
	var known []seen
outer:
	for i, rv := range m.Records {
		for _, s := range known {
			if s.l == rv.Layer {
				out[i] = s.j
				continue outer
			}
		}
		k := rv.Record.Layer
		out[i] = -1
		for j := range keys {
			if len(keys[j].Key) == len(k) && (unsafe.StringData(keys[j].Key) == unsafe.StringData(k) || keys[j].Key == k) {
				out[i] = j
				break
			}
		}
		if rv.Layer != nil && len(known) < 16 {
			known = append(known, seen{rv.Layer, out[i]})
		}
	}
	return out
}

// putLinks puts the links between related records, layers/links.geojson;
// a build takes the output's file when it was made from the same (see
// putBuilt and linksInputs).
func (m *model) putLinks(out sink) error {
	const path = "layers/links.geojson"
	in, known := m.linksInputs()
	return putBuilt(path, in, known, func() error {
		b, err := json.Marshal(collection(m.links()))
		if err != nil {
			return err
		}
		return out.put(path, b)
	})
}

// linksInputs returns the digest of all that links reads, and the links
// of the map's data (appendLinks): the id, title, point, number (see
// number) and related ids of each record that has related ones, and the
// id, title, point and number of each record it names. It reports false
// when no build notes what its files are made from (see builtWanted).
func (m *model) linksInputs() (digest, bool) {
	if !builtWanted() {
		return digest{}, false
	}
	h := sha256.New()
	b := make([]byte, 0, 8<<10)
	add := func(rv *recordView) {
		pt := point(rv.Record)
		for _, s := range []string{rv.ID, rv.Title} {
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		}
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(pt[0]))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(pt[1]))
		b = binary.AppendVarint(b, m.number(rv))
	}
	for _, rv := range m.Records {
		if len(rv.Related) == 0 {
			continue
		}
		add(rv)
		b = binary.AppendUvarint(b, uint64(len(rv.Related)))
		for _, id := range rv.Related {
			add(m.byID[id])
		}
		if len(b) >= 7<<10 {
			h.Write(b)
			b = b[:0]
		}
	}
	h.Write(b)
	var d digest
	copy(d[:], h.Sum(nil))
	return d, true
}

// links returns one LineString per pair of related records whose points
// differ, sorted by the pair's ids: made once, for links.geojson, the
// map's data and the links chunk of vector tiles. They must not be
// changed.
func (m *model) links() []*geojson.Feature {
	m.linksOnce.Do(func() { m.linkFeatures = m.makeLinks() })
	return m.linkFeatures
}

// makeLinks makes what links returns.
func (m *model) makeLinks() []*geojson.Feature {
	type pair struct{ a, b *recordView }
	seen := map[[2]string]bool{}
	var pairs []pair
	for _, rv := range m.Records {
		for _, id := range rv.Related {
			other := m.byID[id]
			a, b := rv, other
			if b.ID < a.ID {
				a, b = b, a
			}
			key := [2]string{a.ID, b.ID}
			if seen[key] || point(a.Record) == point(b.Record) {
				continue
			}
			seen[key] = true
			pairs = append(pairs, pair{a, b})
		}
	}
	slices.SortFunc(pairs, func(x, y pair) int {
		return cmp.Or(cmp.Compare(x.a.ID, y.a.ID), cmp.Compare(x.b.ID, y.b.ID))
	})
	features := make([]*geojson.Feature, len(pairs))
	for i, p := range pairs {
		f := geojson.NewFeature(orb.LineString{point(p.a.Record), point(p.b.Record)})
		f.ID = p.a.ID + "--" + p.b.ID
		f.Properties = geojson.Properties{"from": p.a.ID, "to": p.b.ID,
			"from_title": p.a.Title, "to_title": p.b.Title}
		features[i] = f
	}
	return features
}

// single reports whether c has nothing to offer the next encode: no
// Renderer's last encodings, none read from the output a build replaces
// (see featureCache); keep says whether the build wants the keys of the
// encodings for its index. Nothing is changed.
func (c *featureCache) single() (keep, ok bool) {
	if c.enabled.Load() {
		return false, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.keep, c.prior == nil
}

// encodeOnce writes incidents.csv, the GeoJSON layers and the map's
// detail chunks in one pass, in a build with no encodings to take (see
// single; a cold build): each record's CSV row and feature is encoded
// once, handed at once to incidents.csv, all.geojson, its layer file and
// its detail chunk, and dropped, so that nothing is kept per record (the
// features were 131 MB at 100,000 records, the rows 80 MB). It returns the
// detail chunks' names, as detailChunks does, and false, doing nothing,
// when there are encodings to take.
func (m *model) encodeOnce(out sink) (details []string, ok bool, err error) {
	keep, ok := encodesOnce()
	if !ok {
		return nil, false, nil
	}
	details, err = m.encodeEachOnce(out, keep)
	return details, true, err
}

// encodesOnce reports whether a build encodes each record once (see
// encodeOnce), and which encodings it keeps the keys of. Nothing is
// changed.
func encodesOnce() (keep [2]bool, ok bool) {
	keepFeatures, ok1 := lastFeatures.single()
	keepRows, ok2 := lastCSVRows.single()
	return [2]bool{keepFeatures, keepRows}, ok1 && ok2
}

// encodeEachOnce is encodeOnce once encodesOnce has said yes; keep is
// what it returned.
func (m *model) encodeEachOnce(out sink, keep [2]bool) (details []string, err error) {
	keepFeatures, keepRows := keep[0], keep[1]
	// The index of encodings needs only their keys (see noteSpans).
	lastFeatures.forBuild(nil, false)
	lastCSVRows.forBuild(nil, false)
	if keepFeatures || keepRows {
		digests := recordDigests(m)
		fk, ck := make([]featureKey, len(m.Records)), make([]featureKey, len(m.Records))
		for i, rv := range m.Records {
			fk[i] = featureKey{digests[i], rv.AttributionLabel}
			ck[i] = featureKey{digests[i], m.BaseURL}
		}
		for _, c := range []struct {
			keep  bool
			cache *featureCache
			keys  []featureKey
		}{{keepFeatures, &lastFeatures, fk}, {keepRows, &lastCSVRows, ck}} {
			if c.keep {
				c.cache.mu.Lock()
				c.cache.made = &encoded{keys: c.keys}
				c.cache.mu.Unlock()
			}
		}
	}

	// The chunks and layer files made are noted, as detailChunks and
	// layers note theirs, for the next build to take those made from the
	// same.
	noting := builtWanted()

	// The links, which need no encoding, beside it all.
	links := make(chan error, 1)
	go func() { links <- m.putLinks(out) }()
	defer func() {
		if lerr := <-links; err == nil {
			err = lerr
		}
	}()

	// Every file's head first: the bboxes need every point.
	points := make([]orb.Point, len(m.Records))
	layers := m.layerOf() // each record's in m.Config.Layers, as m.Layers
	byLayer := make([][]orb.Point, len(m.Layers))
	for j, l := range m.Layers {
		byLayer[j] = make([]orb.Point, 0, l.Count) // not grown by append
	}
	for i, rv := range m.Records {
		points[i] = point(rv.Record)
		if j := layers[i]; j >= 0 {
			byLayer[j] = append(byLayer[j], points[i])
		}
	}
	type file struct {
		w pieceWriter
		n int // features so far
	}
	csvOut := out.pieces("incidents.csv")
	all := &file{w: out.pieces("layers/all.geojson")}
	files := []*file{all}
	layerFile := make([]*file, len(m.Config.Layers)) // by number (see layerOf)
	defer func() {
		if err != nil {
			csvOut.abort()
			for _, f := range files {
				f.w.abort()
			}
		}
	}()
	if err := csvOut.add(csvHead(), false); err != nil {
		return nil, err
	}
	if err := all.w.add(collectionHead(nil, points), false); err != nil {
		return nil, err
	}
	for j, l := range m.Config.Layers {
		f := &file{w: out.pieces("layers/" + l.Key + ".geojson")}
		files = append(files, f)
		layerFile[j] = f
		if err := f.w.add(collectionHead(nil, byLayer[j]), false); err != nil {
			return nil, err
		}
	}
	byLayer = nil

	// Then the records, a few chunks at a time. Each batch is encoded on
	// every core, a worker a chunk: its records' features and rows, then
	// the chunk and its name. Meanwhile the batch before is written: its
	// pieces handed to the files one after the other and its chunks put
	// (done in turn with the encoding, they kept the two cores about
	// three quarters busy for most of a second at 100,000 records). The
	// two batches' buffers are used in turn: no piece or chunk is kept
	// past its put.
	write := func(bt *encodedBatch) error {
		for i := range bt.n {
			if err := csvOut.add(bt.rows[i], true); err != nil {
				return err
			}
			var layer *file
			if j := layers[bt.start+i]; j >= 0 {
				layer = layerFile[j]
			}
			for _, f := range [...]*file{all, layer} {
				if f == nil {
					continue
				}
				if f.n > 0 {
					if err := f.w.add(comma, false); err != nil {
						return err
					}
				}
				if err := f.w.add(bt.features[i], true); err != nil {
					return err
				}
				f.n++
			}
		}
		for k, name := range bt.names {
			if err := out.putTransient("assets/"+name, bt.chunks[k]); err != nil {
				return err
			}
			if noting { // for the next build to take it if made from the same (see takeBuilt)
				noteBuilt(bt.keys[k], bt.inputs[k], "assets/"+name)
			}
		}
		return nil
	}
	details = make([]string, 0, (len(m.Records)+detailChunk-1)/detailChunk)
	full, free := make(chan *encodedBatch), make(chan *encodedBatch, 2)
	free <- new(encodedBatch)
	free <- new(encodedBatch)
	var failed atomic.Bool
	written := make(chan error, 1)
	go func() {
		var err error
		for bt := range full {
			if err == nil {
				if err = write(bt); err != nil {
					failed.Store(true)
				}
			}
			free <- bt
		}
		written <- err
	}()
	for start := 0; start < len(m.Records) && !failed.Load(); start += onceBatch {
		bt := <-free
		bt.encode(m, start, noting)
		lastFeatures.fresh.Add(int64(bt.n))
		lastCSVRows.fresh.Add(int64(bt.n))
		details = append(details, bt.names...)
		full <- bt
	}
	close(full)
	if err := <-written; err != nil {
		return nil, err
	}

	if err := csvOut.close(); err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := f.w.add([]byte(collectionTail), false); err != nil {
			return nil, err
		}
		if err := f.w.close(); err != nil {
			return nil, err
		}
	}
	if noting {
		for key, in := range layerFileInputs(m) {
			path := "layers/" + key + ".geojson"
			noteBuilt(path, in, path)
		}
	}
	return details, nil
}

// Records encoded at a time by encodeOnce: a few detail chunks.
const onceBatch = 4 * detailChunk

// encodedBatch is a batch of records encoded by encodeOnce, from start,
// n records: per record its feature and CSV row, and per detail chunk
// its script, name, key and, when noted, inputs (see chunkInputs). Its
// buffers are used again by the next batch it encodes.
type encodedBatch struct {
	start, n       int
	features, rows [][]byte
	chunks         [][]byte
	names, keys    []string
	inputs         []digest
}

// encode encodes the batch of m's records from start, a chunk a worker
// on every core; noting says whether to work out the chunks' inputs.
func (bt *encodedBatch) encode(m *model, start int, noting bool) {
	bt.start, bt.n = start, min(onceBatch, len(m.Records)-start)
	if bt.features == nil {
		bt.features, bt.rows = make([][]byte, onceBatch), make([][]byte, onceBatch)
		bt.chunks = make([][]byte, onceBatch/detailChunk)
	}
	nc := (bt.n + detailChunk - 1) / detailChunk
	bt.names, bt.keys, bt.inputs = make([]string, nc), make([]string, nc), make([]digest, nc)
	parallel(nc, func(k int) error {
		lo, hi := k*detailChunk, min((k+1)*detailChunk, bt.n)
		part := m.Records[start+lo : start+hi]
		// The features are encoded into the chunk, and handed to the
		// files from there; each record's row is made beside its
		// feature, while the record is at hand.
		var at [detailChunk + 1]int // feature i is b[at[i]:at[i+1]-1], a comma after it
		key := "d" + strconv.Itoa((start+lo)/detailChunk)
		b := appendChunk(bt.chunks[k][:0], key, func(b []byte) []byte {
			for i, rv := range part {
				at[i] = len(b)
				b = append(m.appendFeature(b, rv), ',')
				bt.rows[lo+i] = m.appendCSVRow(bt.rows[lo+i][:0], rv)
			}
			at[len(part)] = len(b)
			return b[:len(b)-1]
		})
		for i := range part {
			bt.features[lo+i] = b[at[i] : at[i+1]-1]
		}
		bt.chunks[k], bt.names[k], bt.keys[k] = b, chunkName(key, b), key
		if noting {
			bt.inputs[k] = chunkInputs(m, key, start+lo, start+hi, nil)
		}
		return nil
	})
}
