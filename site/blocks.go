package site

import (
	"bytes"
	"crypto/sha256"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/mapsite/mapsite/diag"
	"github.com/mapsite/mapsite/incident"
	"github.com/mapsite/mapsite/internal/tomlpos"
)

// A Loader decodes a changed data file one [[record]] table at a time:
// the file is cut at its [[record]] headers (tomlpos.Split), each piece is
// decoded as a document of its own, and a piece whose bytes the previous
// decoding of the file already had is not decoded again. A one-record
// edit of a file of 1,000 records then decodes one record, not 1,000.
//
// The result is the whole-file decoding's, record for record and problem
// for problem, because a piece that starts with [[record]] and holds
// nothing but that table's keys and sub-tables means the same alone as in
// its file. Whenever that cannot be shown, the file is decoded whole:
//   - anything outside the [[record]] tables (a key before the first, or
//     another top-level table) or no [[record]] at all;
//   - a piece that does not decode alone into exactly one record and no
//     other top-level key: a syntax error, such as a string left open, in
//     which Split may take a line of the string for a header (the piece
//     before it is then unterminated). Every piece that decodes alone ends
//     at the top level, so the next one starts where a [[record]] header
//     really is;
//   - so many errors that the whole-file decoding stops early;
//   - a panic in the decoder.
//
// TestBlocksEqualWhole and FuzzBlocks compare the two on edits of real,
// synthetic and hostile files.

// A block is one [[record]] table of a data file, decoded on its own.
type block struct {
	key    blockKey         // its bytes' SHA-256
	line   int              // the line of the file it starts on (1-based)
	record *incident.Record // with the file's line numbers
	l      diag.List        // its problems, with the file's line numbers
	errors int              // how many of l are errors
}

// blocksDecoded counts the blocks decoded, for tests.
var blocksDecoded atomic.Int64

// blockKey identifies a block by its bytes.
type blockKey [sha256.Size]byte

// decodeBlocks decodes data file f, whose bytes are src, one [[record]]
// table at a time, taking from prev (the file's previous decoding, or nil)
// the blocks whose bytes are unchanged. It returns nil when the file must
// be decoded whole (see above).
//
// Only the part of the file that changed is cut again: the bytes before
// the first difference and after the last are the previous file's, and
// Split's cuts there are the previous ones (moved, after it), since Split
// reads a [[record]] header the same whatever comes before it.
func decodeBlocks(f string, src []byte, sum [32]byte, prev *decoded) *decoded {
	src = bytes.TrimPrefix(src, utf8BOM)
	text := string(src)
	starts, reuse, ok := cut(text, prev)
	if !ok {
		return nil
	}
	ix := &positions{src: src, lazyTables: true}
	dec := &decoded{
		sum:     sum,
		ix:      ix,
		starts:  starts,
		list:    make([]*block, len(starts)),
		records: make([]*incident.Record, len(starts)),
		where:   make([]position, len(starts)),
	}
	var byKey map[blockKey]*block // prev's blocks by their bytes, made when first needed
	line, at, errs := 1, 0, 0
	for k := range starts {
		start, end := starts[k], len(text)
		if k == 0 {
			start = 0 // blank lines and comments before it, which Split allows
		}
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		line += strings.Count(text[at:start], "\n")
		at = start
		if errs >= MaxFileErrors {
			return nil // the whole-file decoding stops here, and says so
		}
		b := reuse(k)
		if b == nil {
			t := text[start:end]
			key := blockKey(sha256.Sum256([]byte(t)))
			if byKey == nil && prev != nil {
				byKey = make(map[blockKey]*block, len(prev.list))
				for _, b := range prev.list {
					byKey[b.key] = b
				}
			}
			if b = byKey[key]; b == nil {
				if b = decodeBlock(f, t, line); b == nil {
					return nil
				}
				b.key = key
			}
		}
		b = b.moved(line)
		dec.list[k] = b
		errs += b.errors
		dec.records[k] = b.record
		dec.where[k] = position{file: f, ix: ix, path: "record[" + strconv.Itoa(k) + "]"}
		dec.l = append(dec.l, b.l...)
	}
	return dec
}

// cut returns where tomlpos.Split cuts text, and ok as it gives it; reuse
// returns the block of prev that is the k-th of text, byte for byte, or
// nil. With a previous decoding, only what lies between the first and the
// last byte that differ is cut again.
func cut(text string, prev *decoded) (starts []int, reuse func(k int) *block, ok bool) {
	none := func(int) *block { return nil }
	if prev == nil || prev.list == nil {
		_, starts, ok = tomlpos.Split(text, "record")
		return starts, none, ok
	}
	old := prev.ix.src
	n := min(len(old), len(text))
	p := 0 // bytes the same at the start
	for p < n && old[p] == text[p] {
		p++
	}
	q := 0 // and at the end, not overlapping those
	for q < n-p && old[len(old)-1-q] == text[len(text)-1-q] {
		q++
	}
	// Resume at the last cut whose header line is among the same bytes
	// at the start, so that Split reads it as before.
	k := len(prev.starts) - 1
	for k >= 0 {
		if s := prev.starts[k]; s < p && bytes.IndexByte(old[s:p], '\n') >= 0 {
			break
		}
		k--
	}
	if k < 0 {
		_, starts, ok = tomlpos.Split(text, "record")
		return starts, none, ok
	}
	delta := len(text) - len(old)
	j := k + 1 // the next cut of prev that may come back, unchanged, after the change
	var rejoin int
	mid, ok := tomlpos.SplitFrom(text, "record", prev.starts[k], func(t int) bool {
		for j < len(prev.starts) && prev.starts[j]+delta < t {
			j++
		}
		if j < len(prev.starts) && prev.starts[j]+delta == t && t >= len(text)-q {
			rejoin = j
			return true
		}
		return false
	})
	if !ok {
		return nil, nil, false
	}
	starts = make([]int, 0, len(prev.starts)+len(mid))
	starts = append(starts, prev.starts[:k]...)
	starts = append(starts, mid...)
	after := len(starts) // the first block that comes back after the change
	if rejoin > 0 {
		for _, s := range prev.starts[rejoin:] {
			starts = append(starts, s+delta)
		}
	}
	reuse = func(i int) *block {
		switch {
		case i < k:
			return prev.list[i]
		case rejoin > 0 && i >= after:
			return prev.list[rejoin+i-after]
		}
		return nil
	}
	return starts, reuse, true
}

// decodeBlock decodes t, the text of one [[record]] table of data file f
// that starts on the file's line line, or returns nil when it does not
// decode alone into one record and nothing else.
func decodeBlock(f, t string, line int) (b *block) {
	defer func() {
		if recover() != nil {
			b = nil
		}
	}()
	blocksDecoded.Add(1)
	var l diag.List
	d, tables := decodeTables(f, []byte(t), "record", &l)
	if len(l) > 0 || len(tables) != 1 {
		return nil
	}
	d.base = "record[0]"
	r := d.record1(tables[0])
	r.Line += line - 1
	for i := range l {
		l[i].Line += line - 1
	}
	return &block{line: line, record: r, l: l, errors: d.errors}
}

// moved returns b as it is when it starts on line line of its file.
func (b *block) moved(line int) *block {
	delta := line - b.line
	if delta == 0 {
		return b
	}
	r := *b.record // never changed once decoded: the copy may share its slices
	r.Line += delta
	c := &block{key: b.key, line: line, record: &r, errors: b.errors}
	if len(b.l) > 0 {
		c.l = make(diag.List, len(b.l))
		for i, d := range b.l {
			d.Line += delta
			c.l[i] = d
		}
	}
	return c
}
