package build

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/mapsite/mapsite/incident"
)

var csvHeader = []string{"id", "layer", "date", "date_precision", "date_start", "date_end", "title",
	"place", "matched_place", "precision", "country", "lat", "lon",
	"killed", "injured", "casualties", "detained", "arrested", "deported",
	"attribution", "perpetrator", "summary", "note", "tags", "related", "source_titles", "source_urls", "url"}

// csvFile puts incidents.csv: RFC 4180, UTF-8, CRLF line ends, one row
// per record in date order. Counts keep their qualifiers ("at least 140");
// lists are joined with " | ".
func (m *model) csvFile(out sink) error {
	head := csvHead()
	if keepEncodings.Load() && !lastCSVRows.forIndex() {
		// A Renderer's (mapsite serve): the rows of the records that are
		// the same as in its last render are copied from that file.
		return out.put("incidents.csv", lastCSVFile.make(head, m, m.BaseURL, func(dst []byte, rv *recordView) []byte {
			return m.appendCSVRow(dst, rv)
		}))
	}
	// Each row written on its own, and kept for the next build (see
	// featureCache); the file is put in pieces, never one buffer (84 MB at
	// 100,000 records).
	rows := lastCSVRows.encode(m, func(*recordView) string { return m.BaseURL }, m.csvRow)
	return putPieces(out, "incidents.csv", func(add func([]byte, bool) error) error {
		if err := add(head, false); err != nil {
			return err
		}
		for _, row := range rows {
			if err := add(row, true); err != nil {
				return err
			}
		}
		return nil
	})
}

// csvHead returns the header row of incidents.csv, with its line end.
func csvHead() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	w.Write(csvHeader) // into a bytes.Buffer, which never fails
	w.Flush()
	return slices.Clip(b.Bytes())
}

// lastCSVFile keeps the rows of a Renderer's last incidents.csv (see
// segments). A row shows the record and the base URL.
var lastCSVFile segments

// csvRow returns the CSV row of rv, with its line end.
func (m *model) csvRow(rv *recordView) []byte { return m.appendCSVRow(nil, rv) }

// appendCSVRow appends the CSV row of rv, with its line end, to dst.
func (m *model) appendCSVRow(dst []byte, rv *recordView) []byte {
	cw := csvWriters.Get().(*csvWriter)
	defer csvWriters.Put(cw)
	into := dst
	if into == nil {
		into = cw.b[:0] // then copied out at its size
	}
	b := m.csvFields(rv, cw, into, appendCSVField)
	if dst == nil {
		cw.b = b
		return bytes.Clone(b)
	}
	return b
}

// csvFields appends the CSV row of rv to b, each field with add, which
// appends a field as a csv.Writer writes it (appendCSVField, or one
// through a csv.Writer in the tests), and the commas and the line end.
// The cells made for the row (dates, coordinates, lists joined) are
// written one after the other into cw.cells, and handed to add without
// a copy.
func (m *model) csvFields(rv *recordView, cw *csvWriter, b []byte, add func(b []byte, field string) []byte) []byte {
	p := point(rv.Record)
	c := cw.cells[:0]
	var at [10 + 6]int // cell k is c[at[k]:at[k+1]]
	at[0] = len(c)
	c = rv.Date.Start.AppendFormat(c, "2006-01-02")
	at[1] = len(c)
	c = rv.Date.End.AppendFormat(c, "2006-01-02")
	at[2] = len(c)
	c = strconv.AppendFloat(c, p[1], 'f', -1, 64)
	at[3] = len(c)
	c = strconv.AppendFloat(c, p[0], 'f', -1, 64)
	at[4] = len(c)
	c = appendJoinedCell(c, rv.Tags)
	at[5] = len(c)
	c = appendJoinedCell(c, rv.Related)
	at[6] = len(c)
	for i, src := range rv.Sources {
		if i > 0 {
			c = append(c, " | "...)
		}
		c = append(c, src.Title...)
	}
	at[7] = len(c)
	for i, src := range rv.Sources {
		if i > 0 {
			c = append(c, " | "...)
		}
		c = append(c, src.URL...)
	}
	at[8] = len(c)
	c = append(c, m.BaseURL...) // the URL (see absolute)
	c = append(c, rv.URL...)
	at[9] = len(c)
	for i, name := range incident.CountFields { // cells 9 to 14
		c = appendCount(c, rv.Counts.Get(name))
		at[10+i] = len(c)
	}
	cw.cells = c
	made := func(k int) string {
		if at[k] == at[k+1] {
			return ""
		}
		return unsafe.String(&c[at[k]], at[k+1]-at[k])
	}
	field := func(s string) {
		b = add(b, s)
		b = append(b, ',')
	}
	for _, s := range [...]string{rv.ID, rv.Layer.Key, rv.Date.ISO(), rv.Date.Precision.String(),
		made(0), made(1), cell(rv.Title),
		cell(rv.Place), cell(rv.Location.Matched), rv.Location.Precision.String(), rv.Country,
		made(2), made(3)} {
		field(s)
	}
	for i := range incident.CountFields {
		field(made(9 + i))
	}
	for _, s := range [...]string{rv.Attribution, cell(rv.Perpetrator), cell(rv.Summary), cell(rv.Note),
		cell(made(4)), made(5), cell(made(6)), made(7)} {
		field(s)
	}
	b = add(b, made(8)) // the last field: no comma
	return append(b, '\r', '\n')
}

// appendCSVField appends field as a csv.Writer with UseCRLF writes it
// (TestCSVFieldMatchesWriter): quoted when it holds a quote, comma, CR
// or LF, starts with a space, or is \. (a quote doubled, LF written as
// CRLF, CR dropped); else as it is.
func appendCSVField(b []byte, field string) []byte {
	if !csvQuoted(field) {
		return append(b, field...)
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(field); i++ {
		// Eight bytes at a time while none is a quote, CR or LF.
		for i+8 <= len(field) {
			const ones = 0x0101010101010101
			x := binary.LittleEndian.Uint64([]byte(field[i : i+8]))
			if hasByte(x, '"'*ones) || hasByte(x, '\r'*ones) || hasByte(x, '\n'*ones) {
				break
			}
			i += 8
		}
		if i == len(field) {
			break
		}
		switch field[i] {
		case '"':
			b = append(append(b, field[start:i]...), '"', '"')
		case '\r':
			b = append(b, field[start:i]...)
		case '\n':
			b = append(append(b, field[start:i]...), '\r', '\n')
		default:
			continue
		}
		start = i + 1
	}
	b = append(b, field[start:]...)
	return append(b, '"')
}

// csvQuoted reports whether a csv.Writer (comma ",") quotes field.
func csvQuoted(field string) bool {
	if field == "" {
		return false
	}
	if field == `\.` {
		return true
	}
	i := 0
	for ; i+8 <= len(field); i += 8 {
		const ones = 0x0101010101010101
		x := binary.LittleEndian.Uint64([]byte(field[i : i+8]))
		if hasByte(x, '"'*ones) || hasByte(x, ','*ones) || hasByte(x, '\r'*ones) || hasByte(x, '\n'*ones) {
			break
		}
	}
	for ; i < len(field); i++ {
		if c := field[i]; c == '"' || c == ',' || c == '\r' || c == '\n' {
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(field)
	return unicode.IsSpace(r)
}

// hasByte reports whether a byte of x is that of c, repeated eight times
// (exact: see plain8).
func hasByte(x, c uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	v := x ^ c
	return (v-ones)&^v&highs != 0
}

// csvWriter holds, for one row at a time, the bytes of the cells made for
// it and, for a row copied out at its size, the row.
type csvWriter struct {
	b     []byte
	cells []byte
}

// appendJoinedCell appends list joined by " | ", as strings.Join.
func appendJoinedCell(b []byte, list []string) []byte {
	for i, s := range list {
		if i > 0 {
			b = append(b, " | "...)
		}
		b = append(b, s...)
	}
	return b
}

var csvWriters = sync.Pool{New: func() any { return &csvWriter{} }}

// absolute returns path (relative to the site root) as an absolute URL
// when the site has a base URL, and unchanged otherwise.
func (m *model) absolute(path string) string {
	return m.BaseURL + path
}

// cell keeps a spreadsheet from reading free text as a formula (CSV
// injection): text that starts with = + - @ or a control character gets a
// leading apostrophe, which spreadsheets show as text.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
