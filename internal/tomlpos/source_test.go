package tomlpos

import (
	"strings"
	"testing"
)

func TestAt(t *testing.T) {
	src := []byte("a = 1\r\nb = \"İx\"\r\n\r\nc")
	tests := []struct {
		off  int
		want Pos
	}{
		{0, Pos{1, 1}},
		{5, Pos{1, 6}}, // the \r ends line 1, not line 0
		{7, Pos{2, 1}}, // after the \n
		{strings.Index(string(src), "x"), Pos{2, 7}}, // columns count characters
		{len(src), Pos{4, 2}},
		{len(src) + 10, Pos{4, 2}},
		{-1, Pos{1, 1}},
	}
	for _, tt := range tests {
		if got := At(src, tt.off); got != tt.want {
			t.Errorf("At(%d) = %v, want %v", tt.off, got, tt.want)
		}
	}
}

func TestExcerpt(t *testing.T) {
	src := []byte("a = 1\r\n\tb = \"x\r\n")
	if got, want := Excerpt(src, 2, 6, 100), " b = \"x\n     ^"; got != want {
		t.Errorf("Excerpt = %q, want %q", got, want)
	}
	long := []byte(strings.Repeat("a", 300) + "X" + strings.Repeat("b", 300))
	got := Excerpt(long, 1, 301, 40)
	line, caret, _ := strings.Cut(got, "\n")
	if !strings.HasPrefix(line, "…") || !strings.HasSuffix(line, "…") || []rune(line)[len([]rune(caret))-1] != 'X' {
		t.Errorf("Excerpt of a long line = %q, want it cut around the column with the caret under X", got)
	}
	if got := Excerpt(src, 9, 1, 100); got != "" {
		t.Errorf("Excerpt(no such line) = %q", got)
	}
}

func TestCheckDepth(t *testing.T) {
	tests := []struct {
		src  string
		ok   bool
		want Pos
	}{
		{"[[record]]\nx = [1.5, {a = [2]}]\n[[record.source]]\nurl = \"https://a.b.c.d/e\"\n", true, Pos{}},
		{"x = [[[[1]]]]\n", false, Pos{1, 8}},
		{"a.b.c.d = 1\n", true, Pos{}},
		{"a.b.c.d.e = 1\n", false, Pos{1, 8}},
		{"[a.b.c]\n", true, Pos{}},
		{"[a.b.c.d]\n", false, Pos{1, 7}},
		{"x = \"[[[[[[[[\" # [[[[[[\ny = '{{{{{{'\nz = \"\"\"\n[[[[[[\n\"\"\"\n", true, Pos{}},
		{"x = {a = {b = {c = 1}}}\n", true, Pos{}},
		{"x = {a = {b = {c = {d = 1}}}}\n", false, Pos{1, 20}},
	}
	for _, tt := range tests {
		at, ok := CheckDepth([]byte(tt.src), 3)
		if ok != tt.ok || at != tt.want {
			t.Errorf("CheckDepth(%q, 3) = %v, %v; want %v, %v", tt.src, at, ok, tt.want, tt.ok)
		}
	}
}

func TestDottedHeaderTables(t *testing.T) {
	ix := Scan([]byte("title = \"x\"\n\n[meta.info]\nx = 1\nsite.name.short = \"y\"\n"))
	for path, want := range map[string]Pos{"meta": {3, 1}, "meta.info": {3, 1}, "meta.info.site": {5, 1}, "meta.info.site.name.short": {5, 1}} {
		if got := ix[path]; got != want {
			t.Errorf("Scan()[%q] = %v, want %v", path, got, want)
		}
	}
}
