package site

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/internal/synth"
)

// TestFastSameLoad loads every site of the repository, a synthetic site
// (also with CRLF line ends) and a site of odd records, with tomlfast and
// with BurntSushi alone: the sites and their problems must be the same.
func TestFastSameLoad(t *testing.T) {
	t.Setenv(geo.CacheEnv, "off")
	synthetic := filepath.Join(t.TempDir(), "synth")
	if _, err := synth.Site("..", synthetic, 2500, 3); err != nil {
		t.Fatal(err)
	}
	crlf := filepath.Join(t.TempDir(), "crlf")
	if _, err := synth.Site("..", crlf, 1200, 5); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(crlf, "data", "*.toml"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		write(t, crlf, "data/"+filepath.Base(f), []byte(strings.ReplaceAll(string(b), "\n", "\r\n")))
	}
	odd := filepath.Join(t.TempDir(), "odd")
	if err := os.MkdirAll(filepath.Join(odd, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, "testdata/good/site.toml", filepath.Join(odd, "site.toml"))
	for i, extra := range []string{
		`coordinates = [48.85, 148.85]`,
		`coordinates = ["2", 3]`,
		`coordinates = [1, 2, 3]`,
		`killed = -1`, `killed = 1.5`, `killed = "lots of 140"`, `injured = true`,
		`date2 = 2024-01-03`,
		`tags = "x"`, `tags = [1, "a"]`, `tags = ["a\u0007b"]`, `related = ["r0", "nope"]`,
		"summary2 = \"\"\"\nmany\r\nlines \\\n   joined\"\"\"",
		`note = 'C:\path'`, `note = "tab\there"`, `title = ""`, `country = "fr"`, `country = "XX"`,
		`perpetrator = 3`, `attribution = "maybe"`,
		`source = "x"`,
		"[[record.source]]\ntitle = 's'\nurl = 'ftp://x'\npublished = 2024-13-01",
		"[[record.source]]\ntitle = 's'\nurl = 'https://x.org'\npublished = \"2024\"",
		"[[record.source]]\nurl = 'https://x.org'\nextra = 1",
		"[[record.sources]]\ntitle = 's'",
		"x.y = 1",
		"id = \"dup\"",
		"[[record.note]]\nx = 1",
		`tags = [2024-01-03]`, `related = []`, `killed = 2024-01-03`, `date2 = [1, 2.5, true]`,
		`perpetrator = "a\u0007b"`, `note = "tab\tand\nline"`, `attribution = 1e3`,
	} {
		rec := `[[record]]
id = "r` + string(rune('a'+i)) + `"
layer = "attack"
date = 2024-01-03
title = "t"
place = "Paris"
country = "FR"
summary = "s"
` + extra + `
[[record.source]]
title = "s"
url = "https://example.org/"
published = 2023-12-01
`
		if strings.HasPrefix(extra, "id") {
			rec = strings.Replace(rec, `id = "r`+string(rune('a'+i))+`"`+"\n", "", 1)
		}
		write(t, odd, "data/odd-"+string(rune('a'+i))+".toml", []byte(rec))
	}
	write(t, odd, "data/empty.toml", nil)
	write(t, odd, "data/comments.toml", []byte("# nothing yet\n"))

	for _, dir := range []string{"..", "testdata/good", "testdata/ten-mistakes", "../testdata/hostile",
		"../build/testdata/site", "../tests/fixtures/site", "../tests/fixtures/street", synthetic, crlf, odd} {
		before := fastDecoded.Load()
		fast, fl := Load(dir)
		n := fastDecoded.Load() - before
		fastRecords = false
		slow, sl := Load(dir)
		fastRecords = true
		if d := sameSite(fast, slow); d != "" {
			t.Errorf("%s: with tomlfast: %s", dir, d)
		}
		if !reflect.DeepEqual(fl, sl) {
			t.Errorf("%s: with tomlfast, problems\n%v\nwithout\n%v", dir, fl, sl)
		}
		t.Logf("%s: %d of %d files decoded by tomlfast, %d problems", dir, n, len(fast.Files), len(fl))
		if dir == synthetic && n < 3 {
			t.Errorf("%s: tomlfast decoded %d files", dir, n)
		}
	}
}

// BenchmarkDecodeData decodes one data file of 1,000 synthetic records
// on one core, with tomlfast and with BurntSushi alone.
func BenchmarkDecodeData(b *testing.B) {
	dir := filepath.Join(b.TempDir(), "site")
	if _, err := synth.Site("..", dir, 1000, 1); err != nil {
		b.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(synth.DataFile(0))))
	if err != nil {
		b.Fatal(err)
	}
	for _, fast := range []bool{true, false} {
		name := "tomlfast"
		if !fast {
			name = "BurntSushi"
		}
		b.Run(name, func(b *testing.B) {
			fastRecords = fast
			defer func() { fastRecords = true }()
			b.ReportAllocs()
			for b.Loop() {
				if dec := decodeData(dir, synth.DataFile(0), src, [32]byte{}); len(dec.records) != 1000 || len(dec.l) > 0 {
					b.Fatalf("%d records, %v", len(dec.records), dec.l)
				}
			}
		})
	}
}

// textProblemBefore is textProblem as it was, a rune at a time past the
// first byte that is not printable ASCII.
func textProblemBefore(s string, long bool) string {
	for i, r := range s {
		switch {
		case long && (r == '\t' || r == '\n' || r == '\r' && strings.HasPrefix(s[i:], "\r\n")):
		case r < 0x20 || r >= 0x7f && r < 0xa0:
			where := "one-line text"
			if long {
				where = "text"
			}
			return fmt.Sprintf("control character %U at byte %d: a %s may not hold one; remove it", r, i, where)
		}
	}
	return ""
}

// TestTextProblemSame compares textProblem with the rune-at-a-time loop
// it replaced, on chosen and on random texts.
func TestTextProblemSame(t *testing.T) {
	texts := []string{"", "plain", "two\n\nparagraphs", "crlf\r\nline", "lone\rcr", "cr at end\r", "tab\there",
		"bell\a", "del\x7f", "c1 \u0085 next", "nbsp\u00a0", "é and 日本", "bad \xff byte", "\xc2", "\xc2\x85", "x\x00"}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", " ", "\t", "\n", "\r", "\r\n", "\x01", "\x7f", "é", "\u0085", "\u009f", "\u00a0", "\xff", "\xc2", "日"}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(40) { // past eight bytes, where printable8 reads them
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		texts = append(texts, b.String())
	}
	for _, s := range texts {
		for _, long := range []bool{false, true} {
			if got, want := textProblem(s, long), textProblemBefore(s, long); got != want {
				t.Errorf("textProblem(%q, %v) = %q, want %q", s, long, got, want)
			}
		}
	}
}

// TestPrintable8 checks printable8 against a byte-by-byte test on words
// with every pair of values at every two neighbouring places (a borrow
// runs from a byte to the next).
func TestPrintable8(t *testing.T) {
	printable := func(c byte) bool { return c >= 0x20 && c < 0x7f }
	for at := range 7 {
		for a := range 256 {
			for b := range 256 {
				w := []byte("abcdefgh")
				w[at], w[at+1] = byte(a), byte(b)
				want := printable(byte(a)) && printable(byte(b))
				if got := printable8(binary.LittleEndian.Uint64(w)); got != want {
					t.Fatalf("printable8(%q) = %v", w, got)
				}
			}
		}
	}
}

// FuzzFastSameDecode decodes the fuzzer's data file with tomlfast and with
// BurntSushi alone: the records and their problems must be the same (the
// decoder reads tomlfast's tables and BurntSushi's maps through one
// table type).
func FuzzFastSameDecode(f *testing.F) {
	f.Add([]byte(fuzzRecord))
	f.Add([]byte(strings.ReplaceAll(fuzzRecord, "\n", "\r\n")))
	f.Add([]byte(fuzzRecord + "[[record.source]]\ntitle = 1\nurl = 'ftp://x'\npublished = '2024'\nx = [2024-01-03]\n"))
	f.Add([]byte("[[record]]\ntitle = \"a\\u0007\"\nkilled = -3\ninjured = 1.5\ndate = 2024\ntags = [1, 'a']\ncoordinates = [200, 1]\n[[record.note]]\n"))
	f.Add([]byte("[[record]]\nid = 'x'\nlayer = ''\ndate = 2024-01-03\nrelated = ['x']\nsource = []\nzz = true\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fast := decodeData(".", "data/a.toml", data, [32]byte{})
		fastRecords = false
		slow := decodeData(".", "data/a.toml", data, [32]byte{})
		fastRecords = true
		if !reflect.DeepEqual(fast.records, slow.records) {
			t.Errorf("%q: records with tomlfast\n%+v\nwith BurntSushi alone\n%+v", data, fast.records, slow.records)
		}
		if !reflect.DeepEqual(fast.l, slow.l) {
			t.Errorf("%q: problems with tomlfast\n%s\nwith BurntSushi alone\n%s", data, listText(fast.l), listText(slow.l))
		}
	})
}
