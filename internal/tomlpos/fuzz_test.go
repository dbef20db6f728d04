package tomlpos

import (
	"bytes"
	"strings"
	"testing"
)

// fuzzSeeds are FuzzScan's seeds; TestScanMatchesReference runs them too.
var fuzzSeeds = []string{
	"title = \"x\"\n[map]\nzoom = 3\n[[record]]\nid = \"a\"\n[[record.source]]\nurl = \"u\"\n",
	"[[record]]\r\nid = \"a\"\r\nx = \"b\r\n",
	"id = \"kerman\\",
	"title = \"My map\r\n",
	"[meta.info]\nx = 1\n",
	"[[record\nid = \"b\"\n",
	"a.b.c = 1\nx = [[1, {a = 2}], \"]\"]\n",
	"s = \"\"\"\nnot = key\n\"\"\"\n",
	"\ufeff[[record]]\n",
	"x = {a={a={a=1}}}",
	"s = '''\n[[x]]\n'''\n[[record]]\nt = [\n 1,\n [2,\n 3]]\n[[record]]\n",
	"x = \"\"\"\nnever closed\n[[record]]\n",
	"a = [\n1,\n",
	"\n\n[[record]]\n\n",
	// Headers inside strings that a line-at-a-time reading took for
	// headers: after an escaped quote, in a multi-line string in an array,
	// in a comment inside an array, and after a string's closing quotes.
	"[[record]]\ns = \"\"\"x \\\"\"\"\n[[record]]\n\"\"\"\n[[record]]\n",
	"[[record]]\ntags = [\"\"\"\n]\n[[record]]\n\"\"\", \"b\"]\n[[record]]\n",
	"[[record]]\ntags = [\n  '''\n  ] # [[record]]\n[[record]]\n  ''''', # ]\n]\n[[record]]\n",
	"a = [\"\"\"x\"\"\"\", 1]\n[[record]]\n",
	"s = \"x\\\n[[record]]\n",
	"[[a]]\n[a.b]\nc = 1\n[[a.d]]\n[[a]]\n[[a.d]]\n\"q.r\" = 2\n",
}

// FuzzScan runs the position index, the offset-to-position map, the
// excerpt and the depth pre-scan on any bytes: none may panic, every
// position they give must lie in the text, Scan must equal the reference
// (refScan) and ScanTables must agree with Scan; a valid document's index
// must hold the elements of its arrays of tables that the decoder finds;
// and skipLine must end each string where skipString does.
func FuzzScan(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s), 3)
	}
	f.Fuzz(func(t *testing.T, src []byte, off int) {
		checkScan(t, src)
		lines := bytes.Count(src, []byte("\n")) + 1
		for path, p := range Scan(src) {
			if p.Line < 1 || p.Line > lines || p.Column < 1 {
				t.Fatalf("Scan: %q at %v, outside a text of %d lines", path, p, lines)
			}
		}
		p := At(src, off)
		if p.Line < 1 || p.Line > lines || p.Column < 1 {
			t.Fatalf("At(%d) = %v, outside a text of %d lines", off, p, lines)
		}
		if ex := Excerpt(src, p.Line, p.Column, 100); !strings.HasSuffix(ex, "^") || strings.Count(ex, "\n") != 1 {
			t.Fatalf("Excerpt(%v) = %q, want a line and a caret", p, ex)
		}
		for i, c := range src {
			if c == '"' || c == '\'' {
				if a, b := skipLine(string(src), i), skipString(src, i); a != b {
					t.Fatalf("skipLine(%q, %d) = %d, skipString = %d", src, i, a, b)
				}
			}
		}
		if at, ok := CheckDepth(src, 8); !ok && (at.Line < 1 || at.Line > lines) {
			t.Fatalf("CheckDepth = %v, outside a text of %d lines", at, lines)
		}
	})
}
