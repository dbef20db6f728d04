package tiles

// The PMTiles v3 layout, as the specification gives it
// (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md): a
// 127-byte header, a root directory that fits with it in the first 16 kB
// a reader fetches, the metadata, leaf directories and the tile data.
//
// The build lays the archive out itself. go-pmtiles, which DESIGN.md
// named for it, is one package that also holds its cloud-storage server
// and converters, and brings about 300 packages into the binary (storage
// clients, SQLite, gRPC): 36 MB, and 40 ms of package initialisation at
// every start on a slow machine, a fifth of a 1,000-record build, for the
// few lines below. The tests read every archive back with go-pmtiles.

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
)

// The header's fixed values.
const (
	headerLen     = 127
	rootRoom      = 16384 - headerLen // a root directory fits beside the header in a reader's first 16 kB
	gzipCode      = 2                 // compression: gzip
	mvtCode       = 1                 // tile type: Mapbox Vector Tile
	firstLeafSize = 4096              // entries of a leaf directory, doubled until the root fits
)

// entry is one entry of a directory: a run of tiles with consecutive IDs
// and the same bytes, or (run 0) a leaf directory.
type entry struct {
	id     uint64 // the first tile's ID
	offset uint64 // in the tile data; a leaf's in the leaf directories
	length uint32
	run    uint32 // tiles in the run; 0 for a leaf directory
}

// header is what an archive's header says beyond its fixed values.
type header struct {
	root, meta, leaves, data     span
	addressed, entries, contents uint64 // tiles, entries and distinct tile contents
	minZoom, maxZoom, centerZoom uint8
	minLon, minLat               int32 // degrees × 10⁷
	maxLon, maxLat               int32
	centerLon, centerLat         int32
}

// span is a part of the archive, by its offset from the archive's start.
type span struct{ offset, length uint64 }

// appendHeader appends h's 127 bytes, little-endian as the format has them.
func appendHeader(b []byte, h header) []byte {
	b = append(b, "PMTiles"...)
	b = append(b, 3)
	for _, v := range []uint64{h.root.offset, h.root.length, h.meta.offset, h.meta.length,
		h.leaves.offset, h.leaves.length, h.data.offset, h.data.length, h.addressed, h.entries, h.contents} {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	b = append(b, 1, gzipCode, gzipCode, mvtCode, h.minZoom, h.maxZoom) // clustered: tiles are in ID order
	for _, v := range []int32{h.minLon, h.minLat, h.maxLon, h.maxLat} {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	b = append(b, h.centerZoom)
	b = binary.LittleEndian.AppendUint32(b, uint32(h.centerLon))
	return binary.LittleEndian.AppendUint32(b, uint32(h.centerLat))
}

// tileID returns the ID of tile z/x/y: the count of tiles of the zooms
// below z, plus the tile's place along the Hilbert curve through zoom z.
func tileID(z uint8, x, y uint32) uint64 {
	id := (uint64(1)<<(2*z) - 1) / 3 // 1 + 4 + … + 4^(z-1)
	for s := uint32(1) << z >> 1; s > 0; s >>= 1 {
		rx, ry := one(x&s), one(y&s)
		id += uint64(s) * uint64(s) * uint64(3*rx^ry) // the curve visits quadrants (0,0), (0,1), (1,1), (1,0)
		x, y = hilbertTurn(s, x&(s-1), y&(s-1), rx, ry)
	}
	return id
}

// tileZXY is tileID's inverse.
func tileZXY(id uint64) (z uint8, x, y uint32) {
	first := uint64(0) // the ID of zoom z's first tile
	for ; z < 32 && id-first >= uint64(1)<<(2*z); z++ {
		first += uint64(1) << (2 * z)
	}
	d := id - first
	for s := uint32(1); s < uint32(1)<<z; s <<= 1 {
		rx := uint32(1 & (d >> 1))
		ry := uint32(1 & (d ^ uint64(rx)))
		x, y = hilbertTurn(s, x, y, rx, ry)
		x, y = x+s*rx, y+s*ry
		d >>= 2
	}
	return z, x, y
}

// hilbertTurn turns the position x, y within a square of side s as the
// Hilbert curve turns in quadrant rx, ry.
func hilbertTurn(s, x, y, rx, ry uint32) (uint32, uint32) {
	if ry == 0 {
		if rx == 1 {
			x, y = s-1-x, s-1-y
		}
		x, y = y, x
	}
	return x, y
}

func one(v uint32) uint32 {
	if v != 0 {
		return 1
	}
	return 0
}

// directory returns entries, in ID order, as one gzip-compressed
// directory: their count, then their ID deltas, runs, lengths and
// offsets, each a varint column; an offset that follows on from the entry
// before is written as 0, any other as offset+1.
func directory(entries []entry) []byte {
	raw := make([]byte, 0, 4+len(entries)*8)
	raw = binary.AppendUvarint(raw, uint64(len(entries)))
	last := uint64(0)
	for _, e := range entries {
		raw = binary.AppendUvarint(raw, e.id-last)
		last = e.id
	}
	for _, e := range entries {
		raw = binary.AppendUvarint(raw, uint64(e.run))
	}
	for _, e := range entries {
		raw = binary.AppendUvarint(raw, uint64(e.length))
	}
	for i, e := range entries {
		if i > 0 && e.offset == entries[i-1].offset+uint64(entries[i-1].length) {
			raw = append(raw, 0)
		} else {
			raw = binary.AppendUvarint(raw, e.offset+1)
		}
	}
	return gzipped(raw)
}

// directories returns the root directory and the leaf directories of
// entries, in ID order. When the entries do not fit in one root, the root
// points to leaves of firstLeafSize entries, or twice, four times … as
// many, the fewest that make it fit.
func directories(entries []entry) (root, leaves []byte) {
	if len(entries) <= rootRoom {
		if root = directory(entries); len(root) <= rootRoom {
			return root, nil
		}
	}
	for size := firstLeafSize; ; size *= 2 {
		refs := make([]entry, 0, (len(entries)+size-1)/size)
		leaves = leaves[:0]
		for i := 0; i < len(entries); i += size {
			leaf := directory(entries[i:min(i+size, len(entries))])
			refs = append(refs, entry{id: entries[i].id, offset: uint64(len(leaves)), length: uint32(len(leaf))})
			leaves = append(leaves, leaf...)
		}
		if root = directory(refs); len(root) <= rootRoom {
			return root, leaves
		}
	}
}

// metadata returns the archive's JSON metadata, gzip-compressed.
func metadata(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return gzipped(b), nil
}

// gzipped compresses b with gzip at its best compression (directories are
// read on every visit; they are made once).
func gzipped(b []byte) []byte {
	var out bytes.Buffer
	w, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	w.Write(b)
	w.Close()
	return out.Bytes()
}
