package geo

import (
	_ "embed"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

// indexBin is the name index of the GeoNames places and divisions, built
// by BuildIndex (scripts/gazetteer/citykeys) from data/cities.tsv and
// data/divisions.tsv: "GNX2", the number of entries n, then buckets+1
// the data rows of cities.tsv, of divisions.tsv, and the row of the first
// place of cities.tsv known only from cities500 (its rows if none), then
// buckets+1 bucket starts (the first entry whose key's first two bytes,
// the second read as 0 when the key has one, are at least the bucket's
// number), then n entries of two uint32s, sorted by key and then by row,
// then the offsets of every rowMark-th data row of cities.tsv (from its
// first) and of divisions.tsv (all numbers little-endian uint32s):
//
//	key   offset of a key in cities.tsv, or with bit 31 set in
//	      divisions.tsv; the key runs to the next '|' or newline
//	row   the row's number among the data rows of cities.tsv followed by
//	      those of divisions.tsv, which is the place's index after
//	      Gazetteer.geoStart
//
// So loading builds no map of the 270,000 keys: lookup binary-searches
// the entries of the key's bucket, reading the keys where they lie in the
// embedded files, and a row is found from the offset of its block of
// rowMark rows (see rows.go).
// TestIndex checks that the index matches the files.
//
//go:embed data/index.bin
var indexBin string

const (
	indexMagic  = "GNX3"
	buckets     = 1 << 16
	indexCounts = len(indexMagic) + 4 // the three row counts after n
	indexHeader = indexCounts + 3*4 + 4*(buckets+1)
	entrySize   = 8
	inDivisions = 1 << 31
	rowMark     = 32 // rows a block (see rowOffset)
)

// bucketOf is the bucket of key k: its first two bytes.
func bucketOf(k string) int {
	switch len(k) {
	case 0:
		return 0
	case 1:
		return int(k[0]) << 8
	}
	return int(k[0])<<8 | int(k[1])
}

// BuildIndex returns the index of the keys of citiesTSV and divisionsTSV,
// given as the texts of data/cities.tsv and data/divisions.tsv with their
// key columns filled.
func BuildIndex(cities, divisions string) []byte {
	type ent struct {
		key      string
		off, row uint32
	}
	var ents []ent
	var marks [2][]uint32
	var rows [2]uint32
	c500 := -1
	row := uint32(0)
	for f, text := range [2]string{cities, divisions} {
		for pos := 0; pos < len(text); {
			end := strings.IndexByte(text[pos:], '\n')
			if end < 0 {
				end = len(text) - pos
			}
			line := text[pos : pos+end]
			if line != "" && line[0] != '#' {
				if rows[f]%rowMark == 0 {
					marks[f] = append(marks[f], uint32(pos))
				}
				if f == 0 && c500 < 0 && strings.HasPrefix(line, "cities500:") {
					c500 = int(rows[f])
				}
				rows[f]++
				start := pos + strings.LastIndexByte(line, '\t') + 1
				keys := line[start-pos:]
				off := start
				for keys != "" {
					k, rest, _ := strings.Cut(keys, "|")
					o := uint32(off)
					if f == 1 {
						o |= inDivisions
					}
					ents = append(ents, ent{k, o, row})
					off += len(k) + 1
					keys = rest
				}
				row++
			}
			pos += end + 1
		}
	}
	slices.SortStableFunc(ents, func(a, b ent) int {
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		return int(a.row) - int(b.row)
	})
	if c500 < 0 {
		c500 = int(rows[0])
	}
	out := make([]byte, 0, indexHeader+entrySize*len(ents)+4*(len(marks[0])+len(marks[1])))
	out = append(out, indexMagic...)
	for _, n := range []uint32{uint32(len(ents)), rows[0], rows[1], uint32(c500)} {
		out = binary.LittleEndian.AppendUint32(out, n)
	}
	e := 0
	for b := 0; b <= buckets; b++ {
		for e < len(ents) && bucketOf(ents[e].key) < b {
			e++
		}
		out = binary.LittleEndian.AppendUint32(out, uint32(e))
	}
	for _, e := range ents {
		out = binary.LittleEndian.AppendUint32(out, e.off)
		out = binary.LittleEndian.AppendUint32(out, e.row)
	}
	for _, m := range slices.Concat(marks[0], marks[1]) {
		out = binary.LittleEndian.AppendUint32(out, m)
	}
	return out
}

// checkIndex reports whether indexBin has the right form and size.
func checkIndex() error {
	if len(indexBin) < indexHeader || indexBin[:len(indexMagic)] != indexMagic {
		return fmt.Errorf("geo: data/index.bin: bad header")
	}
	n := indexLen()
	if size := indexHeader + entrySize*n + 4*(blocks(cityRowCount())+blocks(divisionRowCount())); size != len(indexBin) {
		return fmt.Errorf("geo: data/index.bin: %d entries, %d bytes", n, len(indexBin))
	}
	if c500Row() > cityRowCount() {
		return fmt.Errorf("geo: data/index.bin: bad row counts")
	}
	return nil
}

// blocks is the number of blocks of rowMark rows that hold n rows.
func blocks(n int) int { return (n + rowMark - 1) / rowMark }

// cityRows is the number of data rows of data/cities.tsv.
func cityRowCount() int { return int(indexUint32(indexCounts)) }

// divisionRowCount is the number of data rows of data/divisions.tsv.
func divisionRowCount() int { return int(indexUint32(indexCounts + 4)) }

// c500Row is the row of the first place of data/cities.tsv known only
// from cities500, or cityRowCount() if there is none.
func c500Row() int { return int(indexUint32(indexCounts + 8)) }

// rowMarkAt is the offset of data row k*rowMark of data/cities.tsv, or of
// data/divisions.tsv if div.
func rowMarkAt(div bool, k int) int {
	off := indexHeader + entrySize*indexLen()
	if div {
		off += 4 * blocks(cityRowCount())
	}
	return int(indexUint32(off + 4*k))
}

// indexLen is the number of entries of the index.
func indexLen() int {
	return int(indexUint32(len(indexMagic)))
}

// indexUint32 reads the little-endian uint32 at offset off of indexBin.
func indexUint32(off int) uint32 {
	b := indexBin[off : off+4]
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// bucketStart is the first entry of bucket b (b may be buckets: the end).
func bucketStart(b int) int {
	return int(indexUint32(indexCounts + 3*4 + 4*b))
}

// indexEntry returns the key and the row of entry e.
func indexEntry(e int) (string, int32) {
	b := indexBin[indexHeader+entrySize*e : indexHeader+entrySize*(e+1)]
	off := uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
	row := int32(uint32(b[4]) | uint32(b[5])<<8 | uint32(b[6])<<16 | uint32(b[7])<<24)
	text := citiesTSV
	if off&inDivisions != 0 {
		text, off = divisionsTSV, off&^inDivisions
	}
	key := text[off:]
	for i := 0; i < len(key); i++ {
		if c := key[i]; c == '|' || c == '\n' {
			key = key[:i]
			break
		}
	}
	return key, row
}

// indexFind returns the first entry whose key is not less than k.
func indexFind(k string) int {
	b := bucketOf(k)
	lo, hi := bucketStart(b), bucketStart(b+1)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if key, _ := indexEntry(m); key < k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// indexed appends to out the places (as indexes into g.places) filed under
// key k in the index, and returns it.
func (g *Gazetteer) indexed(out []int32, k string) []int32 {
	n := indexLen()
	for e := indexFind(k); e < n; e++ {
		key, row := indexEntry(e)
		if key != k {
			break
		}
		out = append(out, g.geoStart+row)
	}
	return out
}
