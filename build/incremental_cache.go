package build

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// lastFeatures keeps, in a process that renders a site again and again
// (mapsite serve, through a Renderer), each record's GeoJSON feature of the
// last render by the record's digest and attribution label, which with the
// binary are all a feature depends on (see featureJSON): a one-record edit
// encodes one feature instead of all. A single build keeps nothing.
// lastCSVRows does the same for the rows of incidents.csv, by the record's
// digest and the base URL (see csvRow).
var lastFeatures, lastCSVRows = featureCache{enabled: &keepEncodings}, featureCache{enabled: &keepEncodings}

// keepEncodings is set by NewRenderer.
var keepEncodings atomic.Bool

type featureCache struct {
	enabled *atomic.Bool
	mu      sync.Mutex
	last    map[featureKey][]byte
	// prior holds encodings read from the output a build replaces (see
	// priorEncodings), for the next encode only.
	prior *priorEncoded
	// keep says the next encode keeps what it made in made, for the
	// build's index of encodings (see dirSink.note).
	keep bool
	made *encoded
	// fresh counts the records encoded, not taken, for tests.
	fresh atomic.Int64
}

type featureKey struct {
	record digest
	label  string // the record's attribution label (features) or the base URL (CSV rows)
}

// priorEncoded is the encodings of the output a build replaces, in that
// build's order, with their keys (see priorEncodings).
type priorEncoded struct {
	keys   []featureKey
	b      [][]byte
	misses atomic.Int64
	once   sync.Once
	byKey  map[featureKey][]byte
}

// get returns the encoding of key, which the build has at place i: most
// often the prior build had it at the same place, and no map is made. A
// few records not found there are encoded again (an edited record is in
// no place); past priorMisses, the encodings are looked up by key, made
// into a map once (a record added or removed moves all those after it).
func (p *priorEncoded) get(i int, key featureKey) ([]byte, bool) {
	if p == nil {
		return nil, false
	}
	if i < len(p.keys) && p.keys[i] == key {
		return p.b[i], true
	}
	if p.misses.Add(1) <= priorMisses {
		return nil, false
	}
	p.once.Do(func() {
		p.byKey = make(map[featureKey][]byte, len(p.keys))
		for j, k := range p.keys {
			p.byKey[k] = p.b[j]
		}
	})
	b, ok := p.byKey[key]
	return b, ok
}

// priorMisses is how many encodings a build makes again rather than look
// up by key (see priorEncoded.get).
const priorMisses = 16

// encoded is the encodings of one encode, in the model's order, with their
// keys.
type encoded struct {
	keys []featureKey
	b    [][]byte
}

// forBuild sets what the next encode takes (prior, nil for nothing) and
// whether it keeps what it makes for the build's index.
func (c *featureCache) forBuild(prior *priorEncoded, keep bool) {
	c.mu.Lock()
	c.prior, c.keep, c.made = prior, keep, nil
	c.mu.Unlock()
}

// forIndex reports whether the next encode is a build's, which takes
// encodings from the output it replaces or keeps its own for the index
// (see forBuild).
func (c *featureCache) forIndex() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.prior != nil || c.keep
}

// takeMade returns, once, what the last encode kept (see forBuild).
func (c *featureCache) takeMade() *encoded {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.made
	c.made = nil
	return e
}

// encodeFeatures returns the features of m's records, encoded by encode or
// taken from the last render's.
func (c *featureCache) encodeFeatures(m *model, encode func(*recordView) []byte) [][]byte {
	return c.encode(m, func(rv *recordView) string { return rv.AttributionLabel }, encode)
}

// encode returns encode(rv) of every record of m, or the bytes the last
// render (or the output the build replaces) had for a record of the same
// digest and the same extra(rv).
func (c *featureCache) encode(m *model, extra func(*recordView) string, encode func(*recordView) []byte) [][]byte {
	out := make([][]byte, len(m.Records))
	enabled := c.enabled.Load()
	c.mu.Lock()
	last, prior, keep := c.last, c.prior, c.keep
	c.prior, c.keep = nil, false
	c.mu.Unlock()
	if !enabled && prior == nil && !keep {
		parallel(len(m.Records), func(i int) error {
			out[i] = encode(m.Records[i])
			return nil
		})
		c.fresh.Add(int64(len(out)))
		return out
	}
	keys := make([]featureKey, len(m.Records))
	digests := recordDigests(m) // shared with the page keys
	parallel(len(m.Records), func(i int) error {
		rv := m.Records[i]
		keys[i] = featureKey{digests[i], extra(rv)}
		if b, ok := last[keys[i]]; ok && enabled {
			out[i] = b
		} else if b, ok := prior.get(i, keys[i]); ok {
			out[i] = b
		} else {
			out[i] = encode(rv)
			c.fresh.Add(1)
		}
		return nil
	})
	if keep {
		c.mu.Lock()
		c.made = &encoded{keys, out}
		c.mu.Unlock()
	}
	if !enabled {
		return out
	}
	next := make(map[featureKey][]byte, len(keys))
	for i, k := range keys {
		next[k] = out[i]
	}
	c.mu.Lock()
	c.last = next
	c.mu.Unlock()
	return out
}

// madeAtOnce counts the builds that took aggregatesAtOnce, for tests.
var madeAtOnce atomic.Int64

// takesEncodings reports whether a build takes both the features and the
// CSV rows from the output it replaces (see priorEncodings): it then
// encodes only the records that changed, and keeps on the heap neither
// the rows nor the features that the other files are made from.
func takesEncodings() bool {
	if keepEncodings.Load() {
		return false
	}
	for _, c := range []*featureCache{&lastFeatures, &lastCSVRows} {
		c.mu.Lock()
		prior := c.prior
		c.mu.Unlock()
		if prior == nil {
			return false
		}
	}
	return true
}

// aggregatesAtOnce is aggregates in a build that takes its encodings
// (takesEncodings) of a site without vector tiles: incidents.csv, the layers and the map data are made
// at once, each on a goroutine, once the features are (the layers and
// the map data both take them). Made one after the other, they were the
// longest path of a one-edit rebuild at 100,000 records, about half of
// its render step, while a core waited.
func (m *model) aggregatesAtOnce(out sink) ([]byte, error) {
	madeAtOnce.Add(1)
	var (
		dataJS                   []byte
		csvErr, layerErr, mapErr error
		wg                       sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if csvErr = m.csvFile(out); csvErr != nil {
			csvErr = fmt.Errorf("csv: %w", csvErr)
		}
	}()
	m.features()
	wg.Add(1)
	go func() {
		defer wg.Done()
		if layerErr = m.layers(out); layerErr != nil {
			layerErr = fmt.Errorf("geojson: %w", layerErr)
		}
	}()
	if dataJS, mapErr = m.mapData(out.put); mapErr != nil {
		mapErr = fmt.Errorf("map data: %w", mapErr)
	}
	wg.Wait()
	return dataJS, errors.Join(csvErr, layerErr, mapErr)
}
