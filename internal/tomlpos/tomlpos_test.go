package tomlpos

import "testing"

func TestScan(t *testing.T) {
	src := `title = "x"   # comment
[map]
zoom = 3

[[record]]
id = "a"
summary = """
not = a key
"""
tags = [
  "x = y",
  "z",
]
[[record.source]]
url = "https://a"
[[record.source]]
  url = "https://b"

[[record]]
"id" = "b"
[[record.source]]
title = 'it''s'
`
	ix := Scan([]byte(src))
	tests := []struct {
		path string
		want Pos
	}{
		{"title", Pos{1, 1}},
		{"map", Pos{2, 1}},
		{"map.zoom", Pos{3, 1}},
		{"record[0]", Pos{5, 1}},
		{"record[0].id", Pos{6, 1}},
		{"record[0].summary", Pos{7, 1}},
		{"record[0].tags", Pos{10, 1}},
		{"record[0].source[0].url", Pos{15, 1}},
		{"record[0].source[1].url", Pos{17, 3}},
		{"record[1].id", Pos{20, 1}},
		{"record[1].source[0].title", Pos{22, 1}},
	}
	for _, tt := range tests {
		if got := ix[tt.path]; got != tt.want {
			t.Errorf("Scan()[%q] = %v, want %v", tt.path, got, tt.want)
		}
	}
	if _, ok := ix["record[0].not"]; ok {
		t.Errorf("a line inside a multi-line string was taken for a key")
	}
	if got, want := ix.Lookup("record[1].layer"), (Pos{19, 1}); got != want {
		t.Errorf("Lookup(missing key) = %v, want the record header %v", got, want)
	}
	if got, want := ix.Lookup("record[0].source[1].title"), (Pos{16, 1}); got != want {
		t.Errorf("Lookup(missing source key) = %v, want %v", got, want)
	}
}
