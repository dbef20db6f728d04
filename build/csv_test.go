package build

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// csvTricky are fields a csv.Writer quotes, or nearly does.
var csvTricky = []string{"", "plain", `\.`, `\`, `.\.`, " lead", "\tlead", "\u00a0lead", "\u2003lead", "trail ",
	`say "hi"`, `"`, `""`, "a,b", ",", "line\nbreak", "cr\rret", "crlf\r\nend", "\n", "\r", "=1+2", "-3", "@x",
	"İstanbul – Москва", "bad \xff utf-8", "long plain text that runs past eight bytes, then a comma"}

// writerRow is the row fields make as a csv.Writer with UseCRLF writes it.
func writerRow(fields []string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	w.Write(fields)
	w.Flush()
	return b.Bytes()
}

// TestCSVFieldMatchesWriter checks appendCSVField against encoding/csv,
// field by field, on the fields that need care.
func TestCSVFieldMatchesWriter(t *testing.T) {
	for _, f := range csvTricky {
		// Two fields, so that a lone empty one is not a special case.
		want := writerRow([]string{f, "x"})
		got := append(appendCSVField(nil, f), ",x\r\n"...)
		if !bytes.Equal(got, want) {
			t.Errorf("appendCSVField(%q) = %q, want %q", f, got, want)
		}
	}
}

// FuzzCSVField compares appendCSVField with encoding/csv on any field.
func FuzzCSVField(f *testing.F) {
	for _, s := range csvTricky {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := writerRow([]string{s, "x"})
		if got := append(appendCSVField(nil, s), ",x\r\n"...); !bytes.Equal(got, want) {
			t.Fatalf("appendCSVField(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestCSVRowMatchesWriter checks that a record's row is the one a
// csv.Writer writes of its fields, on synthetic records and on copies
// with tricky titles, places, summaries and notes.
func TestCSVRowMatchesWriter(t *testing.T) {
	m := synthModel(t, 300)
	rows := m.Records
	for i, s := range csvTricky {
		rv := *m.Records[i]
		r := *rv.Record
		r.Title, r.Place, r.Summary, r.Note, r.Perpetrator = s, s, "x"+s, s, s
		r.Tags = []string{s, "b"}
		rv.Record = &r
		rows = append(rows, &rv)
	}
	for _, rv := range rows {
		var fields []string
		cw := &csvWriter{}
		m.csvFields(rv, cw, nil, func(b []byte, field string) []byte {
			fields = append(fields, strings.Clone(field))
			return b
		})
		want := writerRow(fields)
		if got := m.appendCSVRow(nil, rv); !bytes.Equal(got, want) {
			t.Fatalf("record %s: row\n%q\nwant\n%q", rv.ID, got, want)
		}
		if len(fields) != len(csvHeader) {
			t.Fatalf("record %s: %d fields, want %d", rv.ID, len(fields), len(csvHeader))
		}
	}
}
