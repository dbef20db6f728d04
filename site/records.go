package site

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/mapsite/mapsite/diag"
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
	"github.com/mapsite/mapsite/internal/tomlfast"
	"github.com/mapsite/mapsite/internal/tomlpos"
)

// recordKeys are the keys a [[record]] may have, in the order they are
// documented.
var recordKeys = []string{"id", "layer", "date", "title", "place", "country", "coordinates",
	"killed", "injured", "casualties", "detained", "arrested", "deported", "note",
	"attribution", "perpetrator", "summary", "related", "tags", "source"}

var sourceKeys = []string{"title", "url", "published"}

// longKeys are the text fields that may hold paragraphs, and so tabs and
// line breaks; in any other text, a control character is an error.
var longKeys = map[string]bool{"summary": true, "note": true}

// decoder turns one file's generic TOML into typed values, collecting a
// diagnostic for every problem.
type decoder struct {
	file    string
	ix      *positions
	l       *diag.List
	errors  int    // reported so far
	stopped bool   // after too many errors
	record  string // id of the record being decoded, for messages
	base    string // path of the table being decoded, e.g. "record[3]"
	i       int    // the index of the table being decoded, 3
	// source is, while a source of the record is decoded, its index, and
	// else -1: the table's path is then base.source[source], made only for
	// a diagnostic.
	source int
	// tables holds where each table of the array is written, when known
	// without ix: as ix.table gives it.
	tables []tomlpos.Pos
	// doc is the file as tomlfast decoded it, if it did: its tables are
	// those being decoded (see release).
	doc *tomlfast.Doc
	// The records, and their lists of strings and sources, are cut from
	// blocks of blockSize (see cutBlock), not allocated one by one: that was
	// about five allocations a record.
	records   []incident.Record
	strBlock  []string
	srcBlock  []incident.Source
	blockSize int
}

// cutBlock returns a list of n items cut from *block, which it refills with
// size items when too short; a list longer than a quarter of size is
// made on its own. The list's capacity is n: appending to it never
// reaches into the block.
func cutBlock[T any](block *[]T, n, size int) []T {
	if n > size/4 {
		return make([]T, n)
	}
	if len(*block) < n {
		*block = make([]T, size)
	}
	list := (*block)[:n:n]
	*block = (*block)[n:]
	return list
}

// newRecord returns a zero record of d's block.
func (d *decoder) newRecord() *incident.Record {
	if len(d.records) == 0 {
		d.records = make([]incident.Record, max(d.blockSize, 1))
	}
	r := &d.records[0]
	d.records = d.records[1:]
	return r
}

// stringList returns a list of n strings for a record.
func (d *decoder) stringList(n int) []string {
	if n == 0 {
		return []string{}
	}
	return cutBlock(&d.strBlock, n, min(max(4*d.blockSize, 16), wireBlock))
}

// sourceList returns an empty list with room for n sources for a record.
// Its blocks are a quarter of a string block's length (a source is six
// times the size of a string): what a file leaves unused of its last one
// is at most 26 kB.
func (d *decoder) sourceList(n int) []incident.Source {
	return cutBlock(&d.srcBlock, n, min(max(2*d.blockSize, 16), wireBlock/4))[:0]
}

// release gives back the memory of the tables decodeTables returned, which
// may not be used after.
func (d *decoder) release() {
	if d != nil && d.doc != nil {
		d.doc.Release()
		d.doc = nil
	}
}

func (d *decoder) errorf(key, format string, args ...any) {
	d.report(diag.Error, key, format, args...)
}

func (d *decoder) report(sev diag.Severity, key, format string, args ...any) {
	base := d.base
	if d.source >= 0 {
		base += ".source[" + strconv.Itoa(d.source) + "]"
	}
	p := d.ix.Lookup(base + "." + key)
	field := key
	if i := strings.IndexByte(base, '.'); i >= 0 { // record[3].source[0] -> source.title
		field = stripIndexes(base[i+1:]) + "." + key
	}
	d.l.Add(diag.Diagnostic{File: d.file, Line: p.Line, Column: p.Column, Record: d.record,
		Field: field, Message: fmt.Sprintf(format, args...), Severity: sev})
	if sev == diag.Error {
		d.errors++
	}
}

// tooMany reports whether the file has MaxFileErrors errors or more, and
// the first time, says so in the list.
func (d *decoder) tooMany() bool {
	if d.errors < MaxFileErrors || d.stopped {
		return d.stopped
	}
	d.stopped = true
	d.l.Add(diag.Diagnostic{File: d.file, Line: 1, Column: 1,
		Message: fmt.Sprintf("too many errors (%d); fix these and check again", d.errors)})
	return true
}

// decodeTables parses a data file that holds only an array of tables
// named key ([[record]] or [[place]]), reporting any other top-level key.
func decodeTables(file string, src []byte, key string, l *diag.List) (*decoder, []table) {
	src = bytes.TrimPrefix(src, utf8BOM)
	// The text is src's bytes, not a copy (as large as the file): a data
	// file's bytes are never written once read, and the records' strings
	// are copied out of them (see compact).
	text := unsafe.String(unsafe.SliceData(src), len(src))
	var (
		doc     map[string]any
		fast    *tomlfast.Doc
		headers []tomlfast.Header
		dg      *diag.Diagnostic
	)
	if key == "record" {
		doc, fast, headers, dg = decodeRecordsText(file, src, text)
	} else if dg = checkText(file, src); dg == nil {
		_, dg = decodeChecked(file, src, text, &doc)
	}
	if dg != nil {
		l.Add(*dg)
		return nil, nil
	}
	d := &decoder{file: file, l: l, source: -1}
	if headers != nil {
		// Decoded by tomlfast, which says where the tables are.
		d.ix = &positions{src: src, lazyTables: true, headers: headers}
		d.tables = make([]tomlpos.Pos, 0, len(headers))
		for _, h := range headers {
			if h.Sub == "" {
				d.tables = append(d.tables, tomlpos.Pos{Line: h.Line, Column: h.Column})
			}
		}
	} else {
		d.ix = newPositions(src, text)
	}
	if fast != nil {
		d.doc = fast
		// Only [[key]] tables: nothing else to report.
		if fast.Len() == 0 {
			l.Add(diag.Diagnostic{File: file, Line: 1, Column: 1, Severity: diag.Warning,
				Message: fmt.Sprintf("no [[%s]] tables in this file", key)})
			return d, nil
		}
		tables := make([]table, fast.Len())
		for i := range tables {
			tables[i] = table{fast: fast.Table(i), isFast: true}
		}
		return d, tables
	}
	for _, k := range sortedKeys(doc) {
		if k != key && !d.tooMany() {
			p := d.ix.Lookup(k)
			l.Add(diag.Diagnostic{File: file, Line: p.Line, Column: p.Column, Field: k,
				Message: fmt.Sprintf("unknown top-level key %q: this file holds [[%s]] tables only%s", k, key, suggest(k, []string{key}))})
			d.errors++
		}
	}
	v, ok := doc[key]
	if !ok {
		l.Add(diag.Diagnostic{File: file, Line: 1, Column: 1, Severity: diag.Warning,
			Message: fmt.Sprintf("no [[%s]] tables in this file", key)})
		return d, nil
	}
	tables, ok := v.([]map[string]any)
	if !ok {
		p := d.ix.Lookup(key)
		l.Add(diag.Diagnostic{File: file, Line: p.Line, Column: p.Column, Field: key,
			Message: fmt.Sprintf("%s must be an array of tables: write each one under a [[%s]] header", key, key)})
		return d, nil
	}
	return d, tablesOf(tables)
}

// decodeRecords reads the [[record]] tables of one data file, and where
// each is written.
func (s *Site) decodeRecords(file string, src []byte, l *diag.List) ([]*incident.Record, []position) {
	d, tables := decodeTables(file, src, "record", l)
	records := make([]*incident.Record, 0, len(tables))
	where := make([]position, 0, len(tables))
	if d != nil {
		d.blockSize = len(tables)
	}
	// The tables' paths, record[i], are pieces of one buffer with room
	// for all (were it to grow, the pieces cut before would still hold).
	paths := make([]byte, 0, len(tables)*len("record[]")+len(tables)*len(strconv.Itoa(len(tables))))
	for i, t := range tables {
		if d.tooMany() {
			break
		}
		at := len(paths)
		paths = append(paths, "record["...)
		paths = strconv.AppendInt(paths, int64(i), 10)
		paths = append(paths, ']')
		d.base, d.i = unsafe.String(&paths[at], len(paths)-at), i
		r := d.record1(t)
		where = append(where, position{file: file, ix: d.ix, path: d.base})
		records = append(records, r)
	}
	d.release()
	compact(records, src)
	return records, where
}

// MaxFileErrors is how many errors are reported in one data file before
// the loader stops reading it, as compilers do, which also bounds the memory
// a file of thousands of empty tables could cost.
const MaxFileErrors = 200

// record1 decodes one record table; it returns the record even when some
// fields are bad, so that cross-record checks still see its id.
func (d *decoder) record1(t table) *incident.Record {
	var p tomlpos.Pos
	if d.i < len(d.tables) {
		p = d.tables[d.i]
	} else {
		p = d.ix.table(d.base)
	}
	r := d.newRecord()
	r.File, r.Line = d.file, p.Line
	d.record = ""
	if id, ok := d.str(t, "id"); ok {
		r.ID = id
		d.record = id
		if !validID(id) {
			hint := fmt.Sprintf(" (e.g. %q)", slug(id))
			if slug(id) == "" {
				hint = `, e.g. id = "kerman-2024-01-03"; or leave id out to derive it from place and date`
			}
			d.errorf("id", "id %q may hold only a-z, 0-9 and single '-' between them%s", id, hint)
		}
	}
	if hasUnknown(t, isRecordKey) {
		for _, k := range t.sortedKeys() {
			if !slices.Contains(recordKeys, k) {
				d.errorf(k, "unknown key %q%s", k, suggest(k, recordKeys))
			}
		}
	}
	r.Layer, _ = d.required(t, "layer", `which layer it belongs to, e.g. layer = "attack"`)
	r.Title, _ = d.required(t, "title", "a short headline")
	r.Summary, _ = d.required(t, "summary", "a neutral summary in your own words")
	r.Place, _ = d.str(t, "place")
	if r.Place != "" && strings.TrimSpace(r.Place) == "" {
		d.errorf("place", "place is blank")
	}
	r.Note, _ = d.str(t, "note")
	r.Attribution, _ = d.str(t, "attribution")
	r.Perpetrator, _ = d.str(t, "perpetrator")
	if cc, ok := d.required(t, "country", `its ISO 3166-1 alpha-2 code, e.g. country = "TR"`); ok {
		r.Country = strings.ToUpper(cc)
		if cc != r.Country {
			d.errorf("country", "write country codes in capitals: %q", r.Country)
		} else if geo.CountryName(cc) == "" {
			d.errorf("country", "%q is not an ISO 3166-1 alpha-2 country code", cc)
		}
	}
	r.Date = d.date(t)
	r.Coordinates = d.coordinates(t)
	if r.Place == "" && !t.has("coordinates") {
		d.errorf("place", `missing: give place = "..." (geocoded) or coordinates = [lon, lat]`)
	}
	for _, name := range incident.CountFields {
		*r.Counts.Get(name) = d.count(t, name)
	}
	r.Related = d.strings(t, "related")
	r.Tags = d.strings(t, "tags")
	r.Sources = d.sources(t)
	d.checkEvidence(r)
	if r.ID == "" && r.Place != "" && !r.Date.IsZero() {
		r.ID = slug(firstPart(r.Place) + "-" + r.Date.ISO())
	}
	return r
}

func (d *decoder) str(t table, key string) (string, bool) {
	if s, ok := t.str(key); ok {
		return d.checkStr(key, s), true
	}
	v, ok := t.get(key)
	if !ok {
		return "", false
	}
	return d.strValue(key, v)
}

// strValue is str for v, the value of key.
func (d *decoder) strValue(key string, v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		d.errorf(key, "%s must be a string, not %s", key, typeName(v))
		return "", false
	}
	return d.checkStr(key, s), true
}

// checkStr reports a control character in s, the value of key, and
// returns s.
func (d *decoder) checkStr(key, s string) string {
	if msg := textProblem(s, longKeys[key]); msg != "" {
		d.errorf(key, "%s", msg)
	}
	return s
}

func (d *decoder) required(t table, key, what string) (string, bool) {
	s, ok := t.str(key)
	if ok {
		d.checkStr(key, s)
	} else {
		v, present := t.get(key)
		if !present {
			d.errorf(key, "missing: add %s = ... (%s)", key, what)
			return "", false
		}
		s, ok = d.strValue(key, v)
	}
	if ok && strings.TrimSpace(s) == "" {
		d.errorf(key, "%s is empty: give %s", key, what)
		return "", false
	}
	return s, ok
}

func (d *decoder) date(t table) incident.Date {
	// A date or a string, the usual values, without making an any; a
	// local date as it is written, without making a time.Time.
	if s, ok := t.day("date"); ok {
		if date, ok := incident.ParseDay(s); ok {
			return date
		}
	}
	if v, ok := t.time("date"); ok {
		return d.dateOfTime(v)
	}
	if v, ok := t.str("date"); ok {
		return d.dateOfString(v)
	}
	v, ok := t.get("date")
	if !ok {
		d.errorf("date", `missing: add date = 2024-01-03 (or "2024-01", "2023-summer", "2023", "2022/2023")`)
		return incident.Date{}
	}
	switch v := v.(type) {
	case time.Time:
		return d.dateOfTime(v)
	case string:
		return d.dateOfString(v)
	case int64:
		date, err := incident.ParseDate(fmt.Sprint(v))
		if err != nil {
			d.errorf("date", "%v", err)
			return date
		}
		d.errorf("date", "write a year as a string: date = \"%d\"", v)
		return date
	default:
		d.errorf("date", "date must be a TOML date or a string, not %s", typeName(v))
		return incident.Date{}
	}
}

// dateOfTime is date for a TOML date or date-time v.
func (d *decoder) dateOfTime(v time.Time) incident.Date {
	if v.Location().String() != "date-local" {
		d.errorf("date", "write a date without a time of day, e.g. date = %s", v.Format(time.DateOnly))
		return incident.Date{}
	}
	return incident.DateOf(v)
}

// dateOfString is date for a string v.
func (d *decoder) dateOfString(v string) incident.Date {
	date, err := incident.ParseDate(v)
	if err != nil {
		d.errorf("date", "%v", err)
	}
	return date
}

func (d *decoder) coordinates(t table) *[2]float64 {
	v, ok := t.get("coordinates")
	if !ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok || len(list) != 2 {
		d.errorf("coordinates", "coordinates must be [lon, lat], two numbers")
		return nil
	}
	var c [2]float64
	for i, x := range list {
		switch x := x.(type) {
		case float64:
			c[i] = x
		case int64:
			c[i] = float64(x)
		default:
			d.errorf("coordinates", "coordinates must be [lon, lat], two numbers, not %s", typeName(x))
			return nil
		}
	}
	lon, lat := c[0], c[1]
	switch {
	case math.IsNaN(lon) || lon < -180 || lon > 180:
		d.errorf("coordinates", "longitude %g is out of range [-180, 180]: write [lon, lat]", lon)
		return nil
	case math.IsNaN(lat) || lat < -90 || lat > 90:
		hint := ""
		if lon >= -90 && lon <= 90 {
			hint = fmt.Sprintf(" (swapped? [%g, %g])", lat, lon)
		}
		d.errorf("coordinates", "latitude %g is out of range [-90, 90]: write [lon, lat]%s", lat, hint)
		return nil
	}
	return &c
}

func (d *decoder) count(t table, key string) incident.Count {
	if !t.has(key) {
		return incident.Count{}
	}
	// A number or a string, the usual values, without making an any.
	if v, ok := t.int(key); ok {
		return d.exactCount(key, v)
	}
	if v, ok := t.str(key); ok {
		return d.parsedCount(key, v)
	}
	v, _ := t.get(key)
	switch v := v.(type) {
	case int64:
		return d.exactCount(key, v)
	case string:
		return d.parsedCount(key, v)
	default:
		d.errorf(key, "%s must be a whole number or a qualified count such as \"at least 140\", not %s", key, typeName(v))
		return incident.Count{}
	}
}

// exactCount is count for an integer v.
func (d *decoder) exactCount(key string, v int64) incident.Count {
	if v < 0 {
		d.errorf(key, "%s = %d: a count cannot be negative", key, v)
		return incident.Count{}
	}
	if v > incident.MaxCount {
		d.errorf(key, "%s = %d: a count may be at most %d", key, v, incident.MaxCount)
		return incident.Count{}
	}
	return incident.ExactCount(int(v))
}

// parsedCount is count for a string v.
func (d *decoder) parsedCount(key, v string) incident.Count {
	c, err := incident.ParseCount(v)
	if err != nil {
		d.errorf(key, "%v", err)
	}
	return c
}

func (d *decoder) strings(t table, key string) []string {
	// An array of strings only, the usual value, without making anys.
	if out, ok := t.strs(key, d.stringList); ok {
		for _, s := range out {
			if msg := textProblem(s, false); msg != "" {
				d.errorf(key, "%s", msg) // one error per list is enough
				break
			}
		}
		return out
	}
	v, ok := t.get(key)
	if !ok {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		d.errorf(key, `%s must be a list of strings, e.g. %s = ["a", "b"]`, key, key)
		return nil
	}
	out := d.stringList(len(list))[:0]
	reported := false // one error per list is enough
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			if !reported {
				d.errorf(key, "%s must hold strings only, not %s", key, typeName(x))
			}
			reported = true
			continue
		}
		if msg := textProblem(s, false); msg != "" && !reported {
			d.errorf(key, "%s", msg)
			reported = true
		}
		out = append(out, s)
	}
	return out
}

func (d *decoder) sources(t table) []incident.Source {
	var buf [4]table
	tables, present, ok := t.tables(buf[:0], "source")
	if !present {
		d.errorf("source", "missing: cite at least one source in a [[record.source]] table with title and url")
		return nil
	}
	if !ok {
		d.errorf("source", "source must be written as [[record.source]] tables with title and url")
		return nil
	}
	defer func() { d.source = -1 }()
	out := d.sourceList(len(tables)) // not grown by append: 3 sources would take room for 4
	for i, st := range tables {
		d.source = i
		if hasUnknown(st, isSourceKey) {
			for _, k := range st.sortedKeys() {
				if !slices.Contains(sourceKeys, k) {
					d.errorf(k, "unknown key %q in a source%s", k, suggest(k, sourceKeys))
				}
			}
		}
		title, _ := d.required(st, "title", "the publication and date, e.g. \"The Diplomat, 30 April 2024\"")
		link, ok := d.required(st, "url", "the address of the source")
		if ok {
			if !isHTTPURL(link) {
				d.errorf("url", "%q is not an http(s) URL", link)
				ok = false
			}
		}
		published := d.published(st)
		if ok {
			out = append(out, incident.Source{Title: title, URL: link, Published: published})
		}
	}
	if len(out) == 0 {
		return nil // as before, when no source is valid
	}
	return out
}

// published reads a source's optional publication date: a TOML date or a
// string "2024-04-30" or "2024-04".
func (d *decoder) published(t table) incident.Date {
	const how = `write published = 2024-04-30 (or "2024-04")`
	if s, ok := t.day("published"); ok {
		if date, ok := incident.ParseDay(s); ok {
			return date // the usual value, without making an any or a time.Time
		}
	}
	if v, ok := t.time("published"); ok && v.Location().String() == "date-local" {
		return incident.DateOf(v) // the usual value, without making an any
	}
	v, ok := t.get("published")
	if !ok {
		return incident.Date{}
	}
	switch v := v.(type) {
	case time.Time:
		if v.Location().String() != "date-local" {
			d.errorf("published", "a publication date has no time of day: %s", how)
			return incident.Date{}
		}
		return incident.DateOf(v)
	case string:
		date, err := incident.ParseDate(v)
		if err != nil || date.Span || date.Precision > incident.Month {
			d.errorf("published", "cannot read %q as a publication date: %s", v, how)
			return incident.Date{}
		}
		return date
	default:
		d.errorf("published", "published must be a date, not %s: %s", typeName(v), how)
		return incident.Date{}
	}
}

// checkEvidence warns when r's date runs past the publication of its newest
// source, when any of its sources says when it was published: a span such
// as "2023/2024" read as ending on 31 December 2024 claims more than an
// article of April 2024 can support.
func (d *decoder) checkEvidence(r *incident.Record) {
	var newest incident.Date
	for _, s := range r.Sources {
		if !s.Published.IsZero() && (newest.IsZero() || s.Published.End.After(newest.End)) {
			newest = s.Published
		}
	}
	if newest.IsZero() || r.Date.IsZero() {
		return
	}
	// A date known to the month or coarser may run to the end of the
	// month of publication: "2024-04" is fine for an article of 2 April.
	limit := newest.End
	if r.Date.Precision != incident.Day {
		limit = time.Date(limit.Year(), limit.Month()+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	}
	if !r.Date.End.After(limit) {
		return
	}
	if r.Date.Start.After(newest.End) {
		d.report(diag.Warning, "date", "%s is after the newest source was published (%s): is the date right, or is a source missing?",
			r.Date, newest)
		return
	}
	from, _, _ := strings.Cut(r.Date.ISO(), "/")
	fix := from + "/" + newest.End.Format("2006-01")
	if from == newest.End.Format("2006-01") {
		fix = from
	}
	d.report(diag.Warning, "date", "%q runs to %s, after the newest source was published (%s): end it where the evidence ends, e.g. date = %q",
		r.Date.ISO(), r.Date.End.Format("2 January 2006"), newest, fix)
}

// position is where a record is written.
type position struct {
	file string
	ix   *positions
	path string // e.g. "record[3]"
	// digest is the record's FieldsDigest, when the decoded-file cache
	// made or read it (see DecodedDigest).
	digest   [16]byte
	digested bool
}

// positions says where the tables and keys of one file are written. It
// indexes the table headers at once, since every record needs its line,
// and every key only when first asked: only a problem needs them.
type positions struct {
	src        []byte // the file without a byte order mark; never changed; nil once released
	tables     tomlpos.Index
	lazyTables bool              // tables are indexed when first asked, by tableIndex
	headers    []tomlfast.Header // of a file tomlfast decoded, for tableIndex
	// wire is the index of the tables as a cache entry holds it (see
	// decodeWire), for tableIndex: a build lets go of the index unread.
	wire       []byte
	tablesOnce sync.Once
	once       sync.Once
	all        tomlpos.Index
	// Once released, the file is read again (file, in the site folder
	// dir) when a key's position is first asked, if its bytes are still
	// those decoded: as many, with the same hash.
	dir, file string
	size      int
	hash      uint64
	// bySum: released with the SHA-256 of all the file's bytes (see
	// releaseSum); the file is the one decoded if its sum is still sum.
	bySum bool
	sum   [32]byte
}

// tableIndex returns the index of the tables.
func (p *positions) tableIndex() tomlpos.Index {
	if p.lazyTables {
		p.tablesOnce.Do(func() {
			if p.wire != nil {
				p.tables = readTables(p.wire)
				return
			}
			if p.headers != nil {
				// What ScanTables gives (tomlfast's tests compare them).
				// The headers stay, never changed, for eachTable.
				p.tables = tomlfast.Index(p.headers, "record")
				return
			}
			p.tables = tomlpos.ScanTables(string(p.source()))
		})
	}
	return p.tables
}

// eachTable calls count with the number of entries of tableIndex, then
// each with every entry, in no set order; path is valid only during the
// call. For a file tomlfast decoded, it reads them from the headers
// without making the index, which only a problem needs.
func (p *positions) eachTable(count func(int), each func(path []byte, pos tomlpos.Pos)) {
	if h := p.headers; h != nil {
		n := 0
		tomlfast.EachTable(h, "record", func([]byte, tomlpos.Pos) { n++ })
		count(n)
		tomlfast.EachTable(h, "record", each)
		return
	}
	tables := p.tableIndex()
	count(len(tables))
	var b []byte
	for path, pos := range tables {
		b = append(b[:0], path...)
		each(b, pos)
	}
}

// newPositions indexes the tables of src, whose text is also given as a
// string.
func newPositions(src []byte, text string) *positions {
	return &positions{src: src, tables: tomlpos.ScanTables(text)}
}

// index returns the index of every key; nil when released and the file
// is no longer the one decoded.
func (p *positions) index() tomlpos.Index {
	p.once.Do(func() {
		if src := p.source(); src != nil {
			p.all = tomlpos.Scan(src)
		}
	})
	return p.all
}

// Lookup is tomlpos.Index.Lookup on the index of every key. It returns
// the zero Pos when released and the file is no longer the one decoded.
func (p *positions) Lookup(path string) tomlpos.Pos {
	ix := p.index()
	if ix == nil && p.file != "" {
		return tomlpos.Pos{}
	}
	return ix.Lookup(path)
}

// table is Lookup for the path of an array-of-tables element, cheaply:
// in a file the TOML decoder accepted, ScanTables gives such a path the
// position Scan gives it.
func (p *positions) table(path string) tomlpos.Pos {
	if pos, ok := p.tableIndex()[path]; ok {
		return pos
	}
	return p.Lookup(path)
}

// release drops the file's bytes and its index of tables: a loaded site
// keeps them only to point at a problem found after the load (by the
// checks across files, or geocoding), which few builds have, and at
// 100,000 records they are two thirds of the records' size. The
// positions read file (in the site folder dir) again when first asked for
// one. Only an owner that is done decoding may release (not a Loader,
// which compares the next version of the file with these bytes).
func (p *positions) release(dir, file string) {
	if p.src == nil || p.file != "" {
		return
	}
	p.dir, p.file, p.size, p.hash = dir, file, len(p.src), maphash.Bytes(rereadSeed, p.src)
	p.src, p.tables, p.lazyTables, p.headers, p.wire = nil, nil, true, nil, nil
	p.tablesOnce = sync.Once{} // indexed from headers, maybe: again from the file
}

// releaseSum is release for positions whose file's bytes, all of them,
// have the SHA-256 sum: a file not read (its decoding came from the
// cache), or one whose sum the load made anyway. It hashes nothing.
func (p *positions) releaseSum(dir, file string, sum [32]byte) {
	if p.file != "" {
		return
	}
	p.dir, p.file, p.bySum, p.sum = dir, file, true, sum
	p.src, p.tables, p.lazyTables, p.headers, p.wire = nil, nil, true, nil, nil
	p.tablesOnce = sync.Once{}
}

// rereadSeed seeds the hashes release keeps.
var rereadSeed = maphash.MakeSeed()

// source returns the file's bytes: those kept, or once released, those
// read again if they are still the ones decoded, else nil.
func (p *positions) source() []byte {
	if p.file == "" {
		return p.src
	}
	b, err := ReadFile(p.dir, p.file)
	if err != nil {
		return nil
	}
	if p.bySum {
		if sha256.Sum256(b) != p.sum {
			return nil
		}
		return bytes.TrimPrefix(b, utf8BOM)
	}
	b = bytes.TrimPrefix(b, utf8BOM)
	if len(b) != p.size || maphash.Bytes(rereadSeed, b) != p.hash {
		return nil
	}
	return b
}

// At returns a diagnostic pointing at field of r (or at r itself, when the
// field is not written), ready for a Message.
func (s *Site) At(r *incident.Record, field string) diag.Diagnostic {
	dg := diag.Diagnostic{File: r.File, Line: r.Line, Column: 1, Record: r.ID, Field: field}
	if w, ok := s.where[r]; ok {
		// Zero when the file has changed since it was loaded: the
		// record's line is then the best there is.
		if p := w.ix.Lookup(w.path + "." + field); p.Line > 0 {
			dg.Line, dg.Column = p.Line, p.Column
		}
	}
	return dg
}

// crossCheck checks what spans records and files: unique ids, known layers
// and attributions, related ids that exist.
func (s *Site) crossCheck(l *diag.List) {
	errs := 0
	add := func(dg diag.Diagnostic) bool {
		if errs++; errs > MaxFileErrors {
			return false
		}
		l.Add(dg)
		return true
	}
	defer func() {
		if errs > MaxFileErrors {
			l.Add(diag.Diagnostic{File: DataDir, Message: fmt.Sprintf("too many errors across records (%d); fix these and check again", errs)})
		}
	}()
	// Each id, with the first record that has it: written from the last
	// record back, one map operation a record. Only when two records
	// share an id are they walked again, in order, to report it.
	byID := make(map[string]*incident.Record, len(s.Records))
	withID := 0
	for i := len(s.Records) - 1; i >= 0; i-- {
		if r := s.Records[i]; r.ID != "" {
			byID[r.ID] = r
			withID++
		}
	}
	if len(byID) < withID {
		seen := make(map[string]*incident.Record, len(byID))
		for _, r := range s.Records {
			if r.ID == "" {
				continue
			}
			if first, dup := seen[r.ID]; dup {
				dg := s.At(r, "id")
				dg.Message = fmt.Sprintf("duplicate id %q: already used at %s:%d; give one of them another id", r.ID, first.File, first.Line)
				if !add(dg) {
					return
				}
				continue
			}
			seen[r.ID] = r
		}
	}
	layers, attributions := newKeySet(len(s.Config.Layers)), newKeySet(len(s.Config.Attributions))
	for _, x := range s.Config.Layers {
		layers.add(x.Key)
	}
	for _, x := range s.Config.Attributions {
		attributions.add(x.Key)
	}
	var ids []string // sorted, for suggestions; made when first needed
	for _, r := range s.Records {
		if layers.len() > 0 && r.Layer != "" && !layers.has(r.Layer) {
			dg := s.At(r, "layer")
			dg.Message = fmt.Sprintf("unknown layer %q%s; site.toml defines: %s", r.Layer, suggest(r.Layer, keysOf(s.Config.Layers)), s.Config.layerKeys())
			if !add(dg) {
				return
			}
		}
		if r.Attribution != "" && attributions.len() > 0 && !attributions.has(r.Attribution) {
			dg := s.At(r, "attribution")
			dg.Message = fmt.Sprintf("unknown attribution %q; site.toml defines: %s", r.Attribution, s.Config.attributionKeys())
			if !add(dg) {
				return
			}
		}
		for _, id := range r.Related {
			var msg string
			switch {
			case id == r.ID:
				msg = "a record cannot be related to itself"
			case byID[id] == nil:
				if ids == nil {
					ids = sortedIDs(byID)
				}
				msg = fmt.Sprintf("related id %q does not exist%s", id, suggest(id, ids))
			default:
				continue
			}
			dg := s.At(r, "related") // only now: it may index the whole file
			dg.Message = msg
			if !add(dg) {
				return
			}
		}
	}
}

// keySet is a set of keys, such as a site's layers: a site has a few,
// and a search through a short list costs less than a map's hash, once
// a record; a long one is kept in a map.
type keySet struct {
	list []string
	m    map[string]bool
}

// maxKeyList is the most keys a keySet searches in a list.
const maxKeyList = 16

func newKeySet(n int) *keySet {
	if n > maxKeyList {
		return &keySet{m: make(map[string]bool, n)}
	}
	return &keySet{list: make([]string, 0, n)}
}

func (k *keySet) add(key string) {
	if k.m != nil {
		k.m[key] = true
	} else if !slices.Contains(k.list, key) {
		k.list = append(k.list, key)
	}
}

func (k *keySet) has(key string) bool {
	if k.m != nil {
		return k.m[key]
	}
	return slices.Contains(k.list, key)
}

func (k *keySet) len() int { return len(k.list) + len(k.m) }

func keysOf(layers []Layer) []string {
	keys := make([]string, len(layers))
	for i, l := range layers {
		keys[i] = l.Key
	}
	return keys
}

func sortedIDs(m map[string]*incident.Record) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// hasUnknown reports whether t has a key of which known reports false:
// the cheap test before the sorted walk that reports them.
func hasUnknown(t table, known func(string) bool) bool {
	return !t.eachKey(known)
}

// isRecordKey reports whether k is one of recordKeys
// (TestKnownKeys checks that they agree).
func isRecordKey(k string) bool {
	switch k {
	case "id", "layer", "date", "title", "place", "country", "coordinates",
		"killed", "injured", "casualties", "detained", "arrested", "deported", "note",
		"attribution", "perpetrator", "summary", "related", "tags", "source":
		return true
	}
	return false
}

// isSourceKey reports whether k is one of sourceKeys.
func isSourceKey(k string) bool {
	return k == "title" || k == "url" || k == "published"
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case time.Time:
		return "a date"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	case []map[string]any:
		return "an array of tables"
	}
	return fmt.Sprintf("%T", v)
}

// slug turns s into an id: lower-case ASCII letters and digits joined by '-'.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range geo.Normalize(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

func firstPart(place string) string {
	first, _, _ := strings.Cut(place, ",")
	return first
}
