package tomlpos

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// refScan is Scan as it was first written, line by line after splitting
// the text: the reference the faster Scan must equal.
func refScan(src []byte) Index {
	s := refScanner{ix: Index{}, counts: map[string]int{}}
	lines := strings.Split(string(src), "\n")
	for n := 0; n < len(lines); n++ {
		n = s.line(lines, n)
	}
	return s.ix
}

type refScanner struct {
	ix      Index
	counts  map[string]int // elements seen of each array of tables, by resolved path
	current string         // resolved path of the current table
}

// line reads the statement starting at lines[n] and returns the index of
// its last line.
func (s *refScanner) line(lines []string, n int) int {
	text := lines[n]
	trimmed := strings.TrimLeft(text, " \t")
	col := len(text) - len(trimmed) + 1
	switch {
	case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		return n
	case strings.HasPrefix(trimmed, "[["):
		end := strings.Index(trimmed, "]]")
		if end < 0 {
			return n
		}
		parent, last := s.resolve(splitKey(trimmed[2:end]))
		s.prefixes(parent, Pos{n + 1, col})
		base := join(parent, last)
		i := s.counts[base]
		s.counts[base] = i + 1
		s.current = base + "[" + strconv.Itoa(i) + "]"
		if _, ok := s.ix[base]; !ok {
			s.ix[base] = Pos{n + 1, col}
		}
		s.ix[s.current] = Pos{n + 1, col}
		return n
	case strings.HasPrefix(trimmed, "["):
		end := strings.Index(trimmed, "]")
		if end < 0 {
			return n
		}
		parent, last := s.resolve(splitKey(trimmed[1:end]))
		s.prefixes(parent, Pos{n + 1, col})
		s.current = join(parent, last)
		s.ix[s.current] = Pos{n + 1, col}
		return n
	}
	eq := keyEnd(trimmed)
	if eq < 0 {
		return n
	}
	path := s.current
	for _, k := range splitKey(trimmed[:eq]) {
		path = join(path, k)
		if _, ok := s.ix[path]; !ok { // a dotted key's tables start here
			s.ix[path] = Pos{n + 1, col}
		}
	}
	s.ix[path] = Pos{n + 1, col}
	return refSkipValue(lines, n, strings.TrimLeft(trimmed[eq+1:], " \t"))
}

// resolve turns the segments of a table header into the resolved path of
// its parent (array-of-tables segments get their latest index) and its last
// segment.
func (s *refScanner) resolve(keys []string) (parent, last string) {
	if len(keys) == 0 {
		return "", ""
	}
	for _, k := range keys[:len(keys)-1] {
		parent = join(parent, k)
		if c, ok := s.counts[parent]; ok && c > 0 {
			parent += "[" + strconv.Itoa(c-1) + "]"
		}
	}
	return parent, keys[len(keys)-1]
}

// prefixes indexes the tables a dotted header such as [meta.info] creates
// implicitly (meta), unless they are written elsewhere first.
func (s *refScanner) prefixes(path string, p Pos) {
	for i := 0; i <= len(path); i++ {
		if i == len(path) || path[i] == '.' {
			if _, ok := s.ix[path[:i]]; !ok && i > 0 {
				s.ix[path[:i]] = p
			}
		}
	}
}

// refSkipValue returns the last line of a value that starts on line n,
// reading it a character at a time over as many lines as it takes:
// strings (a multi-line one may span lines), comments, and the brackets
// of arrays and inline tables.
func refSkipValue(lines []string, n int, value string) int {
	depth := 0
	open := "" // the delimiter of the multi-line string being read
	text := value
	for {
		for i := 0; i < len(text); i++ {
			c := text[i]
			if open != "" {
				switch {
				case c == '\\' && open == `"""`:
					i++
				case strings.HasPrefix(text[i:], open):
					i += 3
					for k := 0; k < 2 && i < len(text) && text[i] == c; k++ {
						i++ // quotes before the closing ones
					}
					i--
					open = ""
				}
				continue
			}
			switch {
			case strings.HasPrefix(text[i:], `"""`) || strings.HasPrefix(text[i:], `'''`):
				open = text[i : i+3]
				i += 2
			case c == '"' || c == '\'':
				// To its closing quote, or the end of the line.
				for i++; i < len(text) && text[i] != c; i++ {
					if c == '"' && text[i] == '\\' {
						i++
					}
				}
			case c == '#':
				i = len(text)
			case c == '[' || c == '{':
				depth++
			case c == ']' || c == '}':
				depth--
			}
		}
		if (open == "" && depth <= 0) || n+1 >= len(lines) {
			return n
		}
		n++
		text = lines[n]
	}
}

// checkScan compares Scan with refScan on src; and when src is valid TOML,
// ScanTables with Scan for every array-of-tables element ("record[3]"),
// which is what ScanTables promises.
func checkScan(t *testing.T, src []byte) {
	t.Helper()
	got, want := Scan(src), refScan(src)
	if !maps.Equal(got, want) {
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("Scan(%.200q)[%q] = %v, want %v", src, k, got[k], v)
			}
		}
		t.Fatalf("Scan(%.200q) has %d entries, want %d", src, len(got), len(want))
	}
	checkSplit(t, src)
	var doc map[string]any
	if _, err := toml.Decode(string(src), &doc); err != nil {
		return
	}
	for k, v := range ScanTables(string(src)) {
		if strings.HasSuffix(k, "]") && got[k] != v {
			t.Fatalf("ScanTables(%.200q)[%q] = %v, but Scan gives %v", src, k, v, got[k])
		}
	}
	// The loader drops a byte order mark before it indexes a file.
	if bom := "\ufeff"; strings.HasPrefix(string(src), bom) {
		got = Scan(src[len(bom):])
	}
	checkElements(t, src, got, "", doc)
}

// checkElements checks that ix, the index of the valid document src, has
// every element of every array of tables that the decoder finds in doc
// (under path prefix), and no more: a header inside a string is no header.
func checkElements(t *testing.T, src []byte, ix Index, prefix string, doc map[string]any) {
	t.Helper()
	for k, v := range doc {
		if strings.ContainsAny(k, ".[]") {
			continue // its path would be ambiguous
		}
		path := join(prefix, k)
		switch v := v.(type) {
		case []map[string]any:
			for i, e := range v {
				p := path + "[" + strconv.Itoa(i) + "]"
				if _, ok := ix[p]; !ok {
					t.Fatalf("Scan(%.200q) misses %s", src, p)
				}
				checkElements(t, src, ix, p, e)
			}
			if p := path + "[" + strconv.Itoa(len(v)) + "]"; ix[p] != (Pos{}) {
				t.Fatalf("Scan(%.200q) finds %s at %v; the decoder finds %d elements", src, p, ix[p], len(v))
			}
		case map[string]any:
			checkElements(t, src, ix, path, v)
		}
	}
}

// checkSplit checks Split on src: its index is ScanTables', and it cuts
// at the lines where ScanTables starts an element of record: the lines
// that the index gives as record[0], record[1] and so on.
func checkSplit(t *testing.T, src []byte) {
	t.Helper()
	text := string(src)
	ix, starts, ok := Split(text, "record")
	tables := ScanTables(text)
	if !maps.Equal(ix, tables) {
		t.Fatalf("Split(%.200q) indexes otherwise than ScanTables", src)
	}
	if ok && len(starts) == 0 {
		t.Fatalf("Split(%.200q) is ok with nothing to cut at", src)
	}
	for i, off := range starts {
		at := At(src, off)
		if at.Column != 1 || (off > 0 && src[off-1] != '\n') {
			t.Fatalf("Split(%.200q) cuts at %d, not a line start", src, off)
		}
		if p := tables["record["+strconv.Itoa(i)+"]"]; p.Line != at.Line {
			t.Fatalf("Split(%.200q) cuts element %d at line %d; ScanTables has it at %v", src, i, at.Line, p)
		}
	}
	if _, more := tables["record["+strconv.Itoa(len(starts))+"]"]; more && ok {
		t.Fatalf("Split(%.200q) cuts %d elements; ScanTables has more", src, len(starts))
	}
}

// TestSplit cuts texts into [[record]] elements, or refuses to.
func TestSplit(t *testing.T) {
	tests := []struct {
		src    string
		starts []int
		ok     bool
	}{
		{"[[record]]\nid = 1\n[[record]]\nid = 2\n", []int{0, 18}, true},
		{"# c\n\n[[record]]\n[[record.source]]\nurl = 1\n[record.x]\n  [[ \"record\" ]] # c\n", []int{5, 53}, true},
		{"[[record]]\ns = \"\"\"\n[[record]]\n\"\"\"\n[[record]]\n", []int{0, 34}, true},
		{"[[record]]\r\nid = 1\r\n[[record]]\r\n", []int{0, 20}, true},
		{"x = 1\n[[record]]\n", []int{6}, false},
		{"[[record]]\n[meta]\n", []int{0}, false},
		{"[[record]]\n[record]\n", []int{0}, false},
		{"[[record]]\n[[place]]\n", []int{0}, false},
		{"# nothing\n", nil, false},
		{"", nil, false},
	}
	for _, tc := range tests {
		_, starts, ok := Split(tc.src, "record")
		if !slices.Equal(starts, tc.starts) || ok != tc.ok {
			t.Errorf("Split(%q) = %v, %v; want %v, %v", tc.src, starts, ok, tc.starts, tc.ok)
		}
		checkSplit(t, []byte(tc.src))
	}
}

// TestScanMatchesReference compares Scan with the reference on the seed
// site's files, every file of the bad-input corpus and the fuzz seeds.
func TestScanMatchesReference(t *testing.T) {
	files, _ := filepath.Glob("../../data/*.toml")
	more, _ := filepath.Glob("../../testdata/bad/*.txtar")
	files = append(append(files, more...), "../../site.toml")
	if len(files) < 100 {
		t.Fatalf("found only %d files to compare on", len(files))
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkScan(t, src)
		// And every file of a txtar archive alone.
		for _, part := range strings.Split(string(src), "\n-- ") {
			checkScan(t, []byte(part))
		}
	}
	for _, s := range fuzzSeeds {
		checkScan(t, []byte(s))
	}
}

// benchFile is a data file of 1,000 synthetic records, if
// MAPSITE_BENCH_SITE names a site made by scripts/bench/gen.
func benchFile(b *testing.B) []byte {
	dir := os.Getenv("MAPSITE_BENCH_SITE")
	if dir == "" {
		b.Skip("MAPSITE_BENCH_SITE is not set")
	}
	src, err := os.ReadFile(filepath.Join(dir, "data", "part-0001.toml"))
	if err != nil {
		b.Fatal(err)
	}
	return src
}

func BenchmarkScan(b *testing.B) {
	src := benchFile(b)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		Scan(src)
	}
}

func BenchmarkScanReference(b *testing.B) {
	src := benchFile(b)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		refScan(src)
	}
}

func BenchmarkScanTables(b *testing.B) {
	src := benchFile(b)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		ScanTables(string(src))
	}
}
