package site

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math"
	"sync"
	"unsafe"

	"github.com/mapsite/mapsite/diag"
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
	"github.com/mapsite/mapsite/internal/crc"
	"github.com/mapsite/mapsite/internal/tomlpos"
)

// The binary form of a decoded data file in the cache on disk: reading it
// back is what a build after an edit spends instead of TOML decoding, so
// it is written by hand, field by field, and read in one pass. Every
// string read back is a piece of one string made of the whole entry,
// which costs one allocation instead of one a string.
//
//	magic, key
//	diagnostics: n, then File Line Column Record Field Message Severity Source
//	tables: indexed (0/1), n, then path line column
//	records: n, then path, the record's FieldsDigest (16 bytes), the
//	fields it covers (see covered; of the counts, a mask of those that
//	are not zero, then those), then File, Line and Location
//	the CRC-32C of all that, 4 bytes little-endian
//
// Strings are a uvarint length and the bytes; numbers varints; floats
// their IEEE 754 bits as uvarints; dates and counts their MarshalBinary
// bytes, as strings. A record's digest is the hash of the bytes of the
// fields it covers, as written here (see FieldsDigest): one encoding
// serves both. The digests are read back, not made again: a build after
// an edit takes them from there (see DecodedDigest) instead of hashing
// 100,000 records; the checksum refuses an entry damaged on disk.

const wireMagic = "mapsite decoded file 5\n"

var errWire = errors.New("site: bad cache entry")

type wireWriter struct{ b []byte }

func (w *wireWriter) str(s string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
}

func (w *wireWriter) int(n int)       { w.b = binary.AppendVarint(w.b, int64(n)) }
func (w *wireWriter) float(f float64) { w.b = binary.AppendUvarint(w.b, math.Float64bits(f)) }
func (w *wireWriter) bool(v bool) {
	if v {
		w.int(1)
	} else {
		w.int(0)
	}
}
func (w *wireWriter) bytes(b []byte) {
	w.b = binary.AppendUvarint(w.b, uint64(len(b)))
	w.b = append(w.b, b...)
}

// date writes d; the zero date (a source without its published date) as
// an empty string.
func (w *wireWriter) date(d incident.Date) {
	if d == (incident.Date{}) {
		w.str("")
		return
	}
	var buf [64]byte
	b, _ := d.AppendBinary(buf[:0]) // on the stack: no allocation a date
	w.bytes(b)
}

func (w *wireWriter) count(c incident.Count) {
	var buf [64]byte
	b, _ := c.AppendBinary(buf[:0])
	w.bytes(b)
}

// strings writes a list, telling nil (-1) from empty.
func (w *wireWriter) strings(list []string) {
	if list == nil {
		w.int(-1)
		return
	}
	w.int(len(list))
	for _, s := range list {
		w.str(s)
	}
}

// encodeDecoded returns the binary form of dec, the decoding of data file
// f, under key, appended to buf[:0]. With note, it gives every record of
// dec that has none its digest, hashed from the bytes written (only while
// nothing else reads dec).
func encodeDecoded(buf []byte, key, f string, dec *decoded, note bool) ([]byte, bool) {
	w := &wireWriter{b: buf[:0]}
	w.b = append(w.b, wireMagic...)
	w.str(key)
	w.int(len(dec.l))
	for _, d := range dec.l {
		w.str(d.File)
		w.int(d.Line)
		w.int(d.Column)
		w.str(d.Record)
		w.str(d.Field)
		w.str(d.Message)
		w.int(int(d.Severity))
		w.str(d.Source)
	}
	var ix *positions
	for k := range dec.records {
		p := dec.where[k]
		if p.ix == nil || p.file != f || ix != nil && p.ix != ix {
			return nil, false // not as decodeData makes it; never happens
		}
		ix = p.ix
	}
	w.bool(ix != nil)
	if ix != nil {
		ix.eachTable(func(n int) { w.int(n) }, func(path []byte, p tomlpos.Pos) {
			w.bytes(path)
			w.int(p.Line)
			w.int(p.Column)
		})
	}
	w.int(len(dec.records))
	for k, r := range dec.records {
		p := &dec.where[k]
		w.str(p.path)
		at := len(w.b)
		w.b = append(w.b, p.digest[:]...) // its place, when it has none
		w.covered(r)
		if !p.digested {
			d := digestOf(w.b[at+len(p.digest):])
			copy(w.b[at:], d[:])
			if note {
				p.digest, p.digested = d, true
			}
		}
		w.placed(r)
	}
	w.b = crc.Append(w.b)
	return w.b, true
}

// DecodedDigest returns the FieldsDigest of r, a record of s, when the
// load has it at hand (read from the decoded-file cache, or made when the
// decoding was stored there); false otherwise.
func (s *Site) DecodedDigest(r *incident.Record) ([16]byte, bool) {
	if s == nil {
		return [16]byte{}, false
	}
	p, ok := s.where[r]
	return p.digest, ok && p.digested
}

// FieldsDigest returns the SHA-256, cut to 128 bits, of every field of r
// that a page may show, but where it was placed (Location, which
// geocoding sets after the load): all but File, Line and Location, as
// the cache on disk writes them (see covered), which reads them back
// equal. TestFieldsDigestCoversEveryField fails when a field is added to
// incident.Record and not here.
func FieldsDigest(r *incident.Record) [16]byte {
	w := digestWriters.Get().(*wireWriter)
	defer digestWriters.Put(w)
	w.b = w.b[:0]
	w.covered(r)
	return digestOf(w.b)
}

// digestOf returns the digest of a record whose covered fields are b.
func digestOf(b []byte) [16]byte {
	sum := sha256.Sum256(b)
	return [16]byte(sum[:16])
}

// digestWriters keeps FieldsDigest's buffers (the 1 kB of each record's
// was 100 MB of garbage at 100,000 records).
var digestWriters = sync.Pool{New: func() any { return &wireWriter{b: make([]byte, 0, 1024)} }}

// covered writes the fields of r that FieldsDigest covers: all but File,
// Line and Location. Every string, list and binary form is written with
// its length, so two records write the same bytes only when decodeWire
// reads them back equal.
func (w *wireWriter) covered(r *incident.Record) {
	for _, s := range []string{r.ID, r.Layer, r.Title, r.Place, r.Country, r.Note, r.Attribution, r.Perpetrator, r.Summary} {
		w.str(s)
	}
	w.date(r.Date)
	w.bool(r.Coordinates != nil)
	if r.Coordinates != nil {
		w.float(r.Coordinates[0])
		w.float(r.Coordinates[1])
	}
	mask := 0 // the counts that are not zero, the only ones written
	for i, name := range incident.CountFields {
		if *r.Counts.Get(name) != (incident.Count{}) {
			mask |= 1 << i
		}
	}
	w.int(mask)
	for i, name := range incident.CountFields {
		if mask&(1<<i) != 0 {
			w.count(*r.Counts.Get(name))
		}
	}
	w.strings(r.Related)
	w.strings(r.Tags)
	if r.Sources == nil {
		w.int(-1)
	} else {
		w.int(len(r.Sources))
		for _, s := range r.Sources {
			w.str(s.Title)
			w.str(s.URL)
			w.date(s.Published)
		}
	}
}

// placed writes the fields of r that covered leaves out.
func (w *wireWriter) placed(r *incident.Record) {
	w.str(r.File)
	w.int(r.Line)
	loc := r.Location
	w.float(loc.Lon)
	w.float(loc.Lat)
	w.int(int(loc.Precision))
	w.str(loc.PlaceID)
	w.str(loc.Matched)
	w.bool(loc.Explicit)
}

// wireReader reads what wireWriter wrote from b, whose text is s (the
// same bytes as a string); the first problem sticks in err.
type wireReader struct {
	b   []byte
	s   string
	off int
	err error
	// The records' lists are cut from larger blocks (see strs and
	// sources): one allocation each was about 200,000 at 100,000
	// records.
	strs    []string
	sources []incident.Source
	points  [][2]float64 // the records' coordinates, likewise
}

// wireBlock is the number of list items a block holds.
const wireBlock = 1024

// stringList returns a list of n strings, cut from r's block.
func (r *wireReader) stringList(n int) []string {
	if n == 0 {
		return []string{}
	}
	if n > wireBlock/4 {
		return make([]string, n)
	}
	if len(r.strs) < n {
		r.strs = make([]string, wireBlock)
	}
	list := r.strs[:n:n]
	r.strs = r.strs[n:]
	return list
}

// sourceList returns a list of n sources, cut from r's block.
func (r *wireReader) sourceList(n int) []incident.Source {
	if n == 0 {
		return []incident.Source{}
	}
	if n > wireBlock/4 {
		return make([]incident.Source, n)
	}
	if len(r.sources) < n {
		r.sources = make([]incident.Source, wireBlock)
	}
	list := r.sources[:n:n]
	r.sources = r.sources[n:]
	return list
}

func (r *wireReader) fail() {
	if r.err == nil {
		r.err = errWire
	}
	r.off = len(r.b)
}

func (r *wireReader) int() int {
	if r.off < len(r.b) && r.b[r.off] < 0x80 { // one byte: most numbers
		x := int(r.b[r.off])
		r.off++
		return x>>1 ^ -(x & 1)
	}
	n, k := binary.Varint(r.b[r.off:])
	if k <= 0 || n > math.MaxInt32 || n < math.MinInt32 {
		r.fail()
		return 0
	}
	r.off += k
	return int(n)
}

func (r *wireReader) uvarint() uint64 {
	if r.off < len(r.b) && r.b[r.off] < 0x80 { // one byte: most lengths
		r.off++
		return uint64(r.b[r.off-1])
	}
	n, k := binary.Uvarint(r.b[r.off:])
	if k <= 0 {
		r.fail()
		return 0
	}
	r.off += k
	return n
}

func (r *wireReader) float() float64 { return math.Float64frombits(r.uvarint()) }
func (r *wireReader) bool() bool     { return r.int() == 1 }

// span returns the bounds of the next string.
func (r *wireReader) span() (int, int) {
	n := r.uvarint()
	if n > uint64(len(r.b)-r.off) {
		r.fail()
		return r.off, r.off
	}
	start := r.off
	r.off += int(n)
	return start, r.off
}

// fixed returns the next n bytes, written as they are.
func (r *wireReader) fixed(n int) []byte {
	if n > len(r.b)-r.off {
		r.fail()
		return nil
	}
	r.off += n
	return r.b[r.off-n : r.off]
}

func (r *wireReader) str() string {
	i, j := r.span()
	return r.s[i:j]
}

// date reads a date; its text is a piece of r.s, as the strings are.
func (r *wireReader) date() incident.Date {
	i, j := r.span()
	if r.err != nil || i == j {
		return incident.Date{}
	}
	d, err := incident.DateOfBinary(r.s[i:j])
	if err != nil {
		r.fail()
	}
	return d
}

func (r *wireReader) count() incident.Count {
	i, j := r.span()
	var c incident.Count
	if r.err == nil && c.UnmarshalBinary(r.b[i:j]) != nil {
		r.fail()
	}
	return c
}

// length reads a list's length (-1 for nil), refusing one longer than
// what is left could hold.
func (r *wireReader) length() int {
	n := r.int()
	if n < -1 || n > len(r.b)-r.off {
		r.fail()
		return 0
	}
	return n
}

func (r *wireReader) strings() []string {
	n := r.length()
	if n < 0 {
		return nil
	}
	list := r.stringList(n)
	for i := range list {
		list[i] = r.str()
	}
	return list
}

// decodeWire reads back what encodeDecoded wrote for data file f under
// key; src is the file's bytes, which the positions keep. It fails on
// anything else. The strings of the decoding are pieces of b, which the
// caller must never change after.
func decodeWire(b []byte, key, f string, src []byte, sum [32]byte) (*decoded, error) {
	if len(b) < len(wireMagic)+4 || string(b[:len(wireMagic)]) != wireMagic {
		return nil, errWire
	}
	b, ok := crc.Trim(b)
	if !ok {
		return nil, errWire
	}
	r := &wireReader{b: b, s: unsafe.String(unsafe.SliceData(b), len(b)), off: len(wireMagic)}
	if r.str() != key {
		return nil, errWire
	}
	dec := &decoded{sum: sum}
	if n := r.length(); n > 0 {
		dec.l = make(diag.List, n)
		for i := range dec.l {
			d := &dec.l[i]
			d.File = r.str()
			d.Line, d.Column = r.int(), r.int()
			d.Record, d.Field, d.Message = r.str(), r.str(), r.str()
			d.Severity = diag.Severity(r.int())
			d.Source = r.str()
		}
	}
	var ix *positions
	if r.bool() {
		// The index of the tables is read when first asked for (see
		// readTables): only checked here.
		start := r.off
		n := r.length()
		for range n {
			r.span()
			r.int()
			r.int()
		}
		if r.err != nil {
			return nil, errWire
		}
		ix = &positions{src: src, lazyTables: true, wire: b[start:r.off:r.off]}
	}
	n := r.length()
	dec.where = make([]position, max(n, 0))
	if n > 0 {
		if ix == nil {
			return nil, errWire
		}
		records := make([]incident.Record, n) // one allocation for all
		dec.records = make([]*incident.Record, n)
		for i := range records {
			p := position{file: f, ix: ix, path: r.str(), digested: true}
			copy(p.digest[:], r.fixed(len(p.digest)))
			rec := &records[i]
			r.record(rec)
			dec.records[i] = rec
			dec.where[i] = p
		}
	}
	if r.err != nil || r.off != len(b) {
		return nil, errWire
	}
	return dec, nil
}

// readTables reads the index of the tables of a cache entry, b, which
// decodeWire has checked.
func readTables(b []byte) tomlpos.Index {
	r := &wireReader{b: b, s: unsafe.String(unsafe.SliceData(b), len(b))}
	n := r.length()
	tables := make(tomlpos.Index, max(n, 0))
	for range n {
		path := r.str()
		tables[path] = tomlpos.Pos{Line: r.int(), Column: r.int()}
	}
	return tables
}

func (r *wireReader) record(rec *incident.Record) {
	for _, p := range []*string{&rec.ID, &rec.Layer, &rec.Title, &rec.Place, &rec.Country, &rec.Note, &rec.Attribution, &rec.Perpetrator, &rec.Summary} {
		*p = r.str()
	}
	rec.Date = r.date()
	if r.bool() {
		if len(r.points) == 0 {
			r.points = make([][2]float64, wireBlock)
		}
		rec.Coordinates = &r.points[0]
		r.points = r.points[1:]
		*rec.Coordinates = [2]float64{r.float(), r.float()}
	}
	mask := r.int()
	for i, name := range incident.CountFields {
		if mask&(1<<i) != 0 {
			*rec.Counts.Get(name) = r.count()
		}
	}
	if mask>>len(incident.CountFields) != 0 {
		r.fail()
	}
	rec.Related = r.strings()
	rec.Tags = r.strings()
	if n := r.length(); n >= 0 {
		rec.Sources = r.sourceList(n)
		for i := range rec.Sources {
			s := &rec.Sources[i]
			s.Title, s.URL = r.str(), r.str()
			s.Published = r.date()
		}
	}
	rec.File = r.str()
	rec.Line = r.int()
	loc := &rec.Location
	loc.Lon, loc.Lat = r.float(), r.float()
	loc.Precision = geo.Precision(r.int())
	loc.PlaceID, loc.Matched = r.str(), r.str()
	loc.Explicit = r.bool()
}
