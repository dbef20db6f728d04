package tomlfast

import (
	"encoding/binary"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/BurntSushi/toml"

	"github.com/mapsite/mapsite/internal/synth"
	"github.com/mapsite/mapsite/internal/tomlpos"
)

// reference decodes text with BurntSushi, as site does; ok is false when
// it refuses the text or panics.
func reference(text string) (doc map[string]any, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_, err := toml.Decode(text, &doc)
	return doc, err == nil
}

// same checks that Decode declines text or gives what BurntSushi gives,
// with the same types, and reports whether it accepted it.
func same(t *testing.T, name, text, key string) bool {
	t.Helper()
	doc, headers, ok := Decode(text, key)
	if !ok {
		return false
	}
	got := doc.Map()
	checkTables(t, name, doc)
	doc.Release() // the next Decode fills its slices again
	if at, ok := tomlpos.CheckDepth([]byte(text), 3); !ok || strings.IndexByte(text, 0) >= 0 {
		// site checks both before BurntSushi decodes, but not before
		// Decode, which never accepts such text.
		t.Errorf("%s: Decode accepted text that nests deeper than 3 (at %v) or holds NUL: %s", name, at, cut(fmt.Sprintf("%q", text)))
	}
	if ix, want := Index(headers, key), tomlpos.ScanTables(text); !reflect.DeepEqual(ix, want) {
		t.Errorf("%s: Index(headers) =\n%v\nScanTables gives\n%v", name, ix, want)
	}
	want, wok := reference(text)
	switch {
	case !wok:
		t.Errorf("%s: Decode accepted text BurntSushi refuses:\n%s", name, cut(fmt.Sprintf("%q", text)))
	case !reflect.DeepEqual(got, want):
		t.Errorf("%s: Decode(%s) =\n%s\nBurntSushi gives\n%s", name, cut(fmt.Sprintf("%q", text)),
			cut(fmt.Sprintf("%#v", got)), cut(fmt.Sprintf("%#v", want)))
	}
	return true
}

// checkTables checks that the accessors of every table of doc agree with
// the map Doc.Map makes of it (which same compares with BurntSushi's).
func checkTables(t *testing.T, name string, doc *Doc) {
	t.Helper()
	var tables []Table
	for i := range doc.Len() {
		tables = append(tables, doc.Table(i))
	}
	for i := 0; i < len(tables); i++ { // tables grows with their sub-tables
		tab := tables[i]
		m := tab.Map()
		if tab.Len() != len(m) {
			t.Errorf("%s: table %d: Len %d, its map has %d keys", name, i, tab.Len(), len(m))
		}
		var each []string
		tab.EachKey(func(k string) bool { each = append(each, k); return true })
		if keys := tab.Keys(); !slices.Equal(each, keys) {
			t.Errorf("%s: table %d: EachKey gives %q, Keys %q", name, i, each, keys)
		}
		if len(each) > 0 {
			n := 0
			if tab.EachKey(func(string) bool { n++; return n < len(each) }) || n != len(each) {
				t.Errorf("%s: table %d: EachKey went on after false, or reported true", name, i)
			}
		}
		for _, k := range []string{"id", "source", "x", ""} {
			if _, ok := m[k]; tab.Has(k) != ok {
				t.Errorf("%s: table %d: Has(%q) = %v", name, i, k, !ok)
			}
		}
		for k, v := range m {
			if !tab.Has(k) {
				t.Errorf("%s: table %d: Has(%q) = false", name, i, k)
			}
			val, isValue := tab.Value(k)
			subs, isTables := tab.Tables(k)
			if n := tab.NumTables(k); n != len(subs) || !slices.Equal(tab.AppendTables(nil, k), subs) {
				t.Errorf("%s: table %d: NumTables(%q) = %d, AppendTables differs from Tables", name, i, k, n)
			}
			_, wantTables := v.([]map[string]any)
			if isValue == wantTables || isTables != wantTables {
				t.Errorf("%s: table %d: %q is a value %v, tables %v; want tables %v", name, i, k, isValue, isTables, wantTables)
			}
			if isValue && !reflect.DeepEqual(val.Any(), v) {
				t.Errorf("%s: table %d: Value(%q).Any() = %#v, want %#v", name, i, k, val.Any(), v)
			}
			if isValue && val.Kind() == String && val.Str() != v {
				t.Errorf("%s: table %d: Value(%q).Str() = %q, want %q", name, i, k, val.Str(), v)
			}
			if isValue && val.Kind() == Integer && val.Int() != v {
				t.Errorf("%s: table %d: Value(%q).Int() = %d, want %v", name, i, k, val.Int(), v)
			}
			if isValue && val.Kind() == Date && !reflect.DeepEqual(val.Time(), v) {
				t.Errorf("%s: table %d: Value(%q).Time() = %v, want %v", name, i, k, val.Time(), v)
			}
			if isValue && val.Kind() == Date && val.DateText() != v.(time.Time).Format(time.DateOnly) {
				t.Errorf("%s: table %d: Value(%q).DateText() = %q, want %v", name, i, k, val.DateText(), v)
			}
			if isValue && val.Kind() == Array && val.Len() != len(v.([]any)) {
				t.Errorf("%s: table %d: Value(%q).Len() = %d, want %d", name, i, k, val.Len(), len(v.([]any)))
			}
			tables = append(tables, subs...)
		}
	}
}

const record = `[[record]]
id = "kerman-2024-01-03"
layer = "attack"
date = 2024-01-03
title = "Twin bombings"
killed = 103
coordinates = [57.0890, 30.2856]
summary = """In the project's own words."""
related = ["kerman-arrests-2024"]
tags = []
[[record.source]]
title = "The Diplomat, 30 April 2024"
url = "https://thediplomat.com/x"
published = 2024-04-30
`

// cut shortens s for a message.
func cut(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…"
	}
	return s
}

// TestDecode checks, case by case, that Decode reads what data files hold
// as BurntSushi does, and declines what it must leave to BurntSushi.
func TestDecode(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		accept     bool
	}{
		{"record", record, true},
		{"CRLF", strings.ReplaceAll(record, "\n", "\r\n"), true},
		{"empty", "", true},
		{"comments only", "# a\n\n  # b\r\n", true},
		{"two records, two sources", record + "\n" + record + "[[record.source]]\ntitle = 'x'\n", true},
		{"indented, spaces in header, comments", "  [[ record ]]  # r\n\tid = 'a' # c\n[[ record . source ]]\n", true},
		{"no final newline", "[[record]]\nid = 1", true},
		{"comment at end without newline", "[[record]]\nid = 1 # x", true},
		{"integers", "[[record]]\na = 0\nb = -0\nc = +7\nd = 9223372036854775807\ne = -9223372036854775808\n", true},
		{"integer out of range", "[[record]]\na = 9223372036854775808\n", false},
		{"leading zero", "[[record]]\na = 012\n", false},
		{"signed leading zero", "[[record]]\na = -01\n", false},
		{"underscores", "[[record]]\na = 1_000\n", false},
		{"hexadecimal", "[[record]]\na = 0x1f\n", false},
		{"floats", "[[record]]\na = 1.5\nb = -0.25\nc = 1e5\nd = 1E+05\ne = 6.02e-23\nf = +3.0\ng = 0.0\nh = -0.0\ni = 0e0\n", true},
		{"float in an array", "[[record]]\na = [57.0890,30.2856,]\n", true},
		{"float without fraction digits", "[[record]]\na = 1.\n", false},
		{"float with two points", "[[record]]\na = 1.2.3\n", false},
		{"float out of range", "[[record]]\na = 1e999\n", false},
		{"float with leading zero", "[[record]]\na = 01.5\n", false},
		{"nan", "[[record]]\na = nan\n", false},
		{"inf", "[[record]]\na = -inf\n", false},
		{"booleans", "[[record]]\na = true\nb = [false, true]\n", true},
		{"not a boolean", "[[record]]\na = truex\n", false},
		{"dates", "[[record]]\na = 2024-02-29\nb = 1900-12-31 # c\nc = [2024-01-01 , 2023-06-30]\nd = 2024-01-03   \n", true},
		{"date past the month", "[[record]]\na = 2023-02-29\n", false},
		{"month 13", "[[record]]\na = 2023-13-01\n", false},
		{"day 0", "[[record]]\na = 2023-01-00\n", false},
		{"date and time", "[[record]]\na = 2024-01-03T10:00:00\n", false},
		{"date, space and time", "[[record]]\na = 2024-01-03 10:00:00\n", false},
		{"date and zone", "[[record]]\na = 2024-01-03Z\n", false},
		{"short date", "[[record]]\na = 2024-1-03\n", false},
		{"time", "[[record]]\na = 10:00:00\n", false},
		{"basic strings", "[[record]]\na = \"\"\nb = \"tab\there\"\nc = \"é ü 日本\"\n", true},
		{"escapes", `[[record]]` + "\n" + `a = "\b\t\n\f\r\e\"\\ \x41\xff \u00e9 \U0001F600"` + "\n", true},
		{"surrogate escape", `[[record]]` + "\n" + `a = "\ud800"` + "\n", false},
		{"escape past Unicode", `[[record]]` + "\n" + `a = "\U00110000"` + "\n", false},
		{"short hex escape", `[[record]]` + "\n" + `a = "\x4"` + "\n", false},
		{"unknown escape", `[[record]]` + "\n" + `a = "\q"` + "\n", false},
		{"escaped space", `[[record]]` + "\n" + `a = "\ "` + "\n", false},
		{"line break in a string", "[[record]]\na = \"x\ny\"\n", false},
		{"control character", "[[record]]\na = \"x\x01\"\n", false},
		{"DEL", "[[record]]\na = \"x\x7f\"\n", false},
		{"not UTF-8", "[[record]]\na = \"x\xff\"\n", false},
		{"not UTF-8 in a comment", "[[record]]\n# \xc3\n", false},
		{"control character in a comment", "[[record]]\n# \x00\n", false},
		{"lone CR", "[[record]]\na = 1\r", false},
		{"lone CR in a string", "[[record]]\na = \"\"\"x\ry\"\"\"\n", false},
		{"literal strings", "[[record]]\na = ''\nb = 'C:\\path\\'\nc = 'é'\n", true},
		{"multi-line basic", "[[record]]\na = \"\"\"\nline one\r\nline \"two\"\n\"\"\"\nb = \"\"\"\"\"\"\n", true},
		{"multi-line basic, first CRLF dropped", "[[record]]\na = \"\"\"\r\nx\"\"\"\n", true},
		{"multi-line basic, quotes before the end", "[[record]]\na = \"\"\"x\"\"\"\"\"\nb = \"\"\"y\"\"\"\"\n", true},
		{"multi-line basic, six quotes at the end", "[[record]]\na = \"\"\"x\"\"\"\"\"\"\n", false},
		{"multi-line basic, escapes", "[[record]]\na = \"\"\"\\\" \\t \\\\\"\"\"\n", true},
		{"multi-line basic, escaped quotes make three", "[[record]]\na = \"\"\"\\\"\"\" \\t \\\\\"\"\"\n", true},
		{"multi-line basic, escaped quote then five", "[[record]]\na = \"\"\"x\\\"\"\"\"\"\"\n", true},
		{"header inside a multi-line string", "[[record]]\na = \"\"\"\n[[record]]\n\"\"\"\nb = '''\n [[record.source]]'''\n", true},
		{"multi-line string in an array", "[[record]]\na = [\"\"\"x\"\"\"]\n", true},
		{"multi-line literal in an array", "[[record]]\na = ['''x''']\n", true},
		{"multi-line string over lines in an array", "[[record]]\na = [\"\"\"\n]\n[[record]]\n\"\"\", '''\n#\n''']\n[[record]]\n", true},
		{"header line after an escaped quote", "[[record]]\na = \"\"\"x \\\"\"\"\n[[record]]\n\"\"\"\n[[record]]\n", true},
		{"line-ending backslash", "[[record]]\na = \"\"\"one \\\n   two \\  \r\n\n three\\\n\"\"\"\n", true},
		{"line-ending backslash before quotes", "[[record]]\na = \"\"\"a\\\n\"\"\"\"\n", true},
		{"backslash, spaces, text", "[[record]]\na = \"\"\"one \\  two\"\"\"\n", false},
		{"escaped backslash at line end", "[[record]]\na = \"\"\"one \\\\\ntwo\"\"\"\n", true},
		{"multi-line literal", "[[record]]\na = '''\nC:\\x\n'''\nb = '''x'''''\n", true},
		{"multi-line literal, six quotes", "[[record]]\na = '''x''''''\n", false},
		{"unterminated", "[[record]]\na = \"\"\"x\n", false},
		{"arrays", "[[record]]\na = [\n  \"x\", # c\n  'y',\n  1, 2.5,\n]\nb = []\nc = [ ]\r\nd = [1,\r\n2]\n", true},
		{"nested array", "[[record]]\na = [[1]]\n", false},
		{"inline table", "[[record]]\na = {b = 1}\n", false},
		{"array of inline tables", "[[record]]\na = [{b = 1}]\n", false},
		{"leading comma", "[[record]]\na = [,1]\n", false},
		{"double comma", "[[record]]\na = [1,,2]\n", false},
		{"missing comma", "[[record]]\na = [1 2]\n", false},
		{"unterminated array", "[[record]]\na = [1,\n", false},
		{"duplicate key", "[[record]]\na = 1\na = 2\n", false},
		{"duplicate key in a source", "[[record]]\n[[record.source]]\na = 1\na = 2\n", false},
		{"same key in record and source", "[[record]]\na = 1\n[[record.source]]\na = 2\n", true},
		{"key then sub-table of its name", "[[record]]\nsource = 1\n[[record.source]]\n", false},
		{"sub-table before any record", "[[record.source]]\na = 1\n", false},
		{"other sub-table", "[[record]]\n[[record.sources]]\na = 1\n", true},
		{"key before the first table", "a = 1\n[[record]]\n", false},
		{"other array of tables", "[[place]]\na = 1\n", false},
		{"table", "[record]\na = 1\n", false},
		{"deeper table", "[[record]]\n[[record.source.x]]\n", false},
		{"quoted header", "[[\"record\"]]\n", false},
		{"space between brackets", "[[record] ]\n", false},
		{"dotted key", "[[record]]\na.b = 1\n", false},
		{"quoted key", "[[record]]\n\"a\" = 1\n", false},
		{"key without value", "[[record]]\na =\n", false},
		{"value on the next line", "[[record]]\na =\n1\n", false},
		{"two values on a line", "[[record]]\na = 1 b = 2\n", false},
		{"text after a header", "[[record]] x\n", false},
		{"bare word", "[[record]]\na = hello\n", false},
		{"byte order mark", "\ufeff[[record]]\n", false},
		{"many sub-table names, repeated", manySubs(), true},
		{"as many keys as a table may have", manyKeys(maxKeys), true},
		{"a key more than a table may have", manyKeys(maxKeys + 1), false},
		{"keys of every bare character", "[[record]]\nA-z_09 = 1\n1234 = 2\n-- = 3\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := same(t, tc.name, tc.text, "record"); got != tc.accept {
				t.Errorf("Decode(%q) accepted = %v, want %v", tc.text, got, tc.accept)
			}
		})
	}
}

// manySubs returns records with more sub-table names than EachTable
// keeps in its short list, each name more than once.
func manySubs() string {
	var b strings.Builder
	for r := range 2 {
		b.WriteString("[[record]]\n")
		for i := range 30 {
			fmt.Fprintf(&b, "[[record.s%d]]\nn = %d\n", i%12, r*100+i)
		}
	}
	return b.String()
}

// manyKeys returns a record of n keys, and a source of n keys.
func manyKeys(n int) string {
	var b strings.Builder
	b.WriteString("[[record]]\n")
	for i := range n {
		fmt.Fprintf(&b, "k%d = %d\n", i, i)
	}
	b.WriteString("[[record.source]]\n")
	for i := range n {
		fmt.Fprintf(&b, "k%d = %d\n", i, i)
	}
	return b.String()
}

// TestSharesText checks that a string without escapes is a piece of the
// text, not a copy.
func TestSharesText(t *testing.T) {
	doc, _, ok := Decode(record, "record")
	if !ok {
		t.Fatal("declined")
	}
	for _, key := range []string{"title", "summary"} {
		v, _ := doc.Table(0).Value(key)
		s := v.Str()
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		base := uintptr(unsafe.Pointer(unsafe.StringData(record)))
		if p < base || p >= base+uintptr(len(record)) {
			t.Errorf("%s %q is a copy", key, s)
		}
	}
}

// TestRelease checks that Decode fills the slices of a released Doc
// again, and that the strings a Doc gave outlive it.
func TestRelease(t *testing.T) {
	reused := false
	for range 10 { // sync.Pool may drop what it is given
		doc, _, ok := Decode(record, "record")
		if !ok {
			t.Fatal("declined")
		}
		v, _ := doc.Table(0).Value("title")
		title := v.Str()
		fields := unsafe.SliceData(doc.fields)
		doc.Release()
		other := strings.ReplaceAll(record, "Twin bombings", "Other")
		doc, _, ok = Decode(other, "record")
		if !ok {
			t.Fatal("declined")
		}
		if v, _ := doc.Table(0).Value("title"); v.Str() != "Other" || title != "Twin bombings" {
			t.Fatalf("after Release: title %q, and %q before", v.Str(), title)
		}
		reused = reused || unsafe.SliceData(doc.fields) == fields
		doc.Release()
	}
	if !reused {
		t.Error("Decode never took the slices of a released Doc")
	}
}

// TestRepositoryFiles compares Decode with BurntSushi on every TOML file
// of the repository, every fuzz corpus entry and a synthetic site.
func TestRepositoryFiles(t *testing.T) {
	var texts []string
	var names []string
	add := func(name, text string) {
		names = append(names, name)
		texts = append(texts, text)
	}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git" || d.Name() == "public") {
			return filepath.SkipDir
		}
		if d.IsDir() {
			return nil
		}
		switch {
		case strings.HasSuffix(path, ".toml"):
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			add(path, string(b))
		case strings.Contains(filepath.ToSlash(path), "/testdata/fuzz/"):
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			for i, s := range corpusStrings(string(b)) {
				add(path+"#"+strconv.Itoa(i), s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := synth.Site(root, dir, 3000, 7); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(synth.DataFile(i))))
		if err != nil {
			t.Fatal(err)
		}
		add("synth "+synth.DataFile(i), string(b))
		add("synth CRLF "+synth.DataFile(i), strings.ReplaceAll(string(b), "\n", "\r\n"))
	}
	accepted := 0
	for i, text := range texts {
		for _, key := range []string{"record", "place"} {
			if same(t, names[i], text, key) {
				accepted++
			}
		}
		// Without a byte order mark, as site decodes it.
		if s, ok := strings.CutPrefix(text, "\ufeff"); ok {
			same(t, names[i], s, "record")
		}
	}
	t.Logf("%d texts, %d decodings accepted", len(texts), accepted)
	if accepted < 10 {
		t.Errorf("only %d decodings accepted: the comparison proves little", accepted)
	}
}

// corpusStrings returns the string and []byte arguments of a Go fuzz
// corpus file.
func corpusStrings(file string) []string {
	var out []string
	for _, line := range strings.Split(file, "\n") {
		for _, prefix := range []string{"[]byte(", "string("} {
			if q, ok := strings.CutPrefix(line, prefix); ok {
				if s, err := strconv.Unquote(strings.TrimSuffix(q, ")")); err == nil {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// FuzzDecode checks that Decode declines the fuzzer's text or gives what
// BurntSushi gives, record files and edits of them.
func FuzzDecode(f *testing.F) {
	f.Add(record)
	f.Add(strings.ReplaceAll(record, "\n", "\r\n"))
	f.Add("[[record]]\na = \"\"\"x\\\n  \"\"\"\"\"\nb = '''y'''''\nc = [1, 2.5e3, true, 2024-02-29,]\n")
	f.Add("[[record]]\na = \"\\u00e9\\U0001F600\\x41\\e\"\n[[record.source]]\n")
	f.Fuzz(func(t *testing.T, text string) {
		same(t, "fuzz", text, "record")
	})
}

// BenchmarkDecode decodes 1,000 synthetic records with Decode and with
// BurntSushi.
func BenchmarkDecode(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "site")
	if _, err := synth.Site(filepath.Join("..", ".."), dir, 1000, 1); err != nil {
		b.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(synth.DataFile(0))))
	if err != nil {
		b.Fatal(err)
	}
	text := string(src)
	b.Run("tomlfast", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			doc, _, ok := Decode(text, "record")
			if !ok {
				b.Fatal("declined")
			}
			doc.Release()
		}
	})
	b.Run("BurntSushi", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			var doc map[string]any
			if _, err := toml.Decode(text, &doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FuzzDecodeEdit inserts the fuzzer's bytes into a record file, at the
// fuzzer's offset: near-valid files, which FuzzDecode seldom makes.
func FuzzDecodeEdit(f *testing.F) {
	for _, e := range []string{"", "x", "\"", "'''", "\\", "\\u00e9", "\r\n", "[[record]]\n", "[[record.source]]\n",
		"a = 1\n", "= 2", ", 3", "2024-02-30", " 10:00", "1e5", "_", "#", "\n\"\"\"", "]", "\x00", "\xff"} {
		f.Add(e, uint(len(record)/2))
		f.Add(e, uint(0))
	}
	f.Fuzz(func(t *testing.T, edit string, at uint) {
		for _, base := range []string{record, strings.ReplaceAll(record, "\n", "\r\n")} {
			i := int(at % uint(len(base)+1))
			same(t, "edit", base[:i]+edit+base[i:], "record")
		}
	})
}

// TestPlain8 checks plain8 against a byte-by-byte test on words with
// every pair of values at every two neighbouring places (a borrow runs
// from a byte to the next).
func TestPlain8(t *testing.T) {
	plain := func(c byte) bool { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' }
	for at := range 7 {
		for a := range 256 {
			for b := range 256 {
				w := []byte("abcdefgh")
				w[at], w[at+1] = byte(a), byte(b)
				want := plain(byte(a)) && plain(byte(b))
				if got := plain8(binary.LittleEndian.Uint64(w)); got != want {
					t.Fatalf("plain8(%q) = %v", w, got)
				}
			}
		}
	}
}
