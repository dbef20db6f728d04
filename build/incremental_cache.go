package build

import (
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
}

type featureKey struct {
	record digest
	label  string // the record's attribution label (features) or the base URL (CSV rows)
}

// encodeFeatures returns the features of m's records, encoded by encode or
// taken from the last render's.
func (c *featureCache) encodeFeatures(m *model, encode func(*recordView) []byte) [][]byte {
	return c.encode(m, func(rv *recordView) string { return rv.AttributionLabel }, encode)
}

// encode returns encode(rv) of every record of m, or the bytes the last
// render had for a record of the same digest and the same extra(rv).
func (c *featureCache) encode(m *model, extra func(*recordView) string, encode func(*recordView) []byte) [][]byte {
	out := make([][]byte, len(m.Records))
	if !c.enabled.Load() {
		parallel(len(m.Records), func(i int) error {
			out[i] = encode(m.Records[i])
			return nil
		})
		return out
	}
	c.mu.Lock()
	last := c.last
	c.mu.Unlock()
	keys := make([]featureKey, len(m.Records))
	digests := recordDigests(m) // shared with the page keys
	parallel(len(m.Records), func(i int) error {
		rv := m.Records[i]
		keys[i] = featureKey{digests[i], extra(rv)}
		if b, ok := last[keys[i]]; ok {
			out[i] = b
		} else {
			out[i] = encode(rv)
		}
		return nil
	})
	next := make(map[featureKey][]byte, len(keys))
	for i, k := range keys {
		next[k] = out[i]
	}
	c.mu.Lock()
	c.last = next
	c.mu.Unlock()
	return out
}
