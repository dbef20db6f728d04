package build

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	// Each row written on its own (a csv.Writer keeps nothing from one row
	// to the next), and kept for the next build (see featureCache); the
	// file is put in pieces, never one buffer (84 MB at 100,000 records).
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
	// A csv.Writer holds a 4 kB buffer: one a row was 400 MB of garbage
	// at 100,000 records. The row is copied out at its size.
	cw := csvWriters.Get().(*csvWriter)
	defer csvWriters.Put(cw)
	cw.b.Reset()
	w := cw.w
	p := point(rv.Record)
	// The cells made for the row (dates, coordinates, lists joined) are
	// written one after the other into cw.cells, and given to the row
	// without a copy: the row is written before they are written over.
	c := cw.cells[:0]
	var at [9]int // cell k is c[at[k]:at[k+1]]
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
	cw.cells = c
	made := func(k int) string {
		if at[k] == at[k+1] {
			return ""
		}
		return unsafe.String(&c[at[k]], at[k+1]-at[k])
	}
	row := append(cw.row[:0], rv.ID, rv.Layer.Key, rv.Date.ISO(), rv.Date.Precision.String(),
		made(0), made(1), cell(rv.Title),
		cell(rv.Place), cell(rv.Location.Matched), rv.Location.Precision.String(), rv.Country,
		made(2), made(3))
	for _, name := range incident.CountFields {
		row = append(row, rv.Counts.Get(name).String())
	}
	row = append(row, rv.Attribution, cell(rv.Perpetrator), cell(rv.Summary), cell(rv.Note),
		cell(made(4)), made(5), cell(made(6)), made(7), m.absolute(rv.URL))
	w.Write(row) // into a bytes.Buffer, which never fails
	w.Flush()
	clear(row)
	cw.row = row
	if dst == nil {
		return bytes.Clone(cw.b.Bytes())
	}
	return append(dst, cw.b.Bytes()...)
}

// csvWriter is a csv.Writer into a buffer, for one row at a time, the
// row's cells, and the bytes of those made for it.
type csvWriter struct {
	b     bytes.Buffer
	w     *csv.Writer
	row   []string
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

var csvWriters = sync.Pool{New: func() any {
	cw := &csvWriter{}
	cw.w = csv.NewWriter(&cw.b)
	cw.w.UseCRLF = true
	return cw
}}

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
