package diag

import (
	"bytes"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{File: "data/turkey.toml", Line: 42, Column: 3, Record: "istanbul-church-2024", Field: "place", Message: `unknown place "Basaksehr"`},
			`data/turkey.toml:42:3: record "istanbul-church-2024": place: unknown place "Basaksehr"`},
		{Diagnostic{File: "site.toml", Line: 1, Message: "x", Severity: Warning}, "site.toml:1: warning: x"},
		{Diagnostic{Message: "bare"}, "bare"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestSortAndCount(t *testing.T) {
	l := List{
		{File: "b.toml", Line: 1, Message: "b"},
		{File: "a.toml", Line: 9, Message: "late", Severity: Warning},
		{File: "a.toml", Line: 2, Message: "early"},
	}
	l.Sort()
	var b strings.Builder
	for _, d := range l {
		b.WriteString(d.Message + " ")
	}
	if got, want := b.String(), "early late b "; got != want {
		t.Errorf("sorted = %q, want %q", got, want)
	}
	if l.Errors() != 2 || l.Warnings() != 1 || l.Err() == nil {
		t.Errorf("Errors %d, Warnings %d, Err %v", l.Errors(), l.Warnings(), l.Err())
	}
	if (List{{Severity: Warning}}).Err() != nil {
		t.Errorf("a list of warnings only is not an error")
	}
}

func TestWriteJSONEmpty(t *testing.T) {
	var b bytes.Buffer
	List(nil).WriteJSON(&b)
	if got := strings.TrimSpace(b.String()); got != "[]" {
		t.Errorf("WriteJSON(nil) = %q, want []", got)
	}
}

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, tabs\tand İstanbul", "plain text, tabs\tand İstanbul"},
		{"\x1b]0;pwned\x07title", `\x1b]0;pwned\x07title`},
		{"\x1b[2J", `\x1b[2J`},
		{"two\nlines\r", `two\nlines\r`},
		{"c1 \u009b31m", `c1 \x9b31m`},
		{"del\x7f", `del\x7f`},
		{"bidi \u202egnp.exe", `bidi \u202egnp.exe`},
		{"bad \xff\xfe utf-8", `bad \xff\xfe utf-8`},
		{"\ufeffbom", `\ufeffbom`},
	}
	for _, tt := range tests {
		if got := Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestStringEscapes(t *testing.T) {
	d := Diagnostic{File: "data/\x1b[31mred.toml", Line: 2, Column: 1, Field: "title", Message: "bad\x1b]0;x\x07", Source: "title = \"\x1b[2J\"\n        ^"}
	got := d.String()
	if strings.ContainsAny(got, "\x1b\x07") {
		t.Errorf("String() = %q: holds control characters", got)
	}
	if want := "data/\\x1b[31mred.toml:2:1: title: bad\\x1b]0;x\\x07\n    title = \"\\x1b[2J\"\n            ^"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
