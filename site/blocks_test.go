package site

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/internal/synth"
	"github.com/mapsite/mapsite/internal/tomlpos"
)

// sameDecoded says how two decodings of one data file differ, or returns
// "" when they are the same: the records, where each is written (its path
// and the file's index of positions) and the problems, in order.
func sameDecoded(got, want *decoded) string {
	if len(got.records) != len(want.records) {
		return fmt.Sprintf("%d records, want %d", len(got.records), len(want.records))
	}
	if len(got.where) != len(want.where) {
		return fmt.Sprintf("%d positions, want %d", len(got.where), len(want.where))
	}
	for i, r := range got.records {
		w := want.records[i]
		if !reflect.DeepEqual(r, w) {
			return fmt.Sprintf("record %d:\n%+v\nwant\n%+v", i, *r, *w)
		}
		pg, pw := got.where[i], want.where[i]
		if pg.file != pw.file || pg.path != pw.path {
			return fmt.Sprintf("record %d (%s): written at %s %s, want %s %s", i, r.ID, pg.file, pg.path, pw.file, pw.path)
		}
		if i > 0 {
			continue // a file's records share one index
		}
		switch {
		case !bytes.Equal(pg.ix.src, pw.ix.src):
			return "the positions hold other bytes"
		case !reflect.DeepEqual(pg.ix.tableIndex(), pw.ix.tableIndex()):
			return fmt.Sprintf("the tables are indexed otherwise:\n%v\nwant\n%v", pg.ix.tableIndex(), pw.ix.tableIndex())
		case !reflect.DeepEqual(pg.ix.index(), pw.ix.index()):
			return "the keys are indexed otherwise"
		}
	}
	if !reflect.DeepEqual(got.l, want.l) {
		return fmt.Sprintf("problems:\n%s\n--- want\n%s", listText(got.l), listText(want.l))
	}
	return ""
}

// checkBlocks decodes src, as data file f, a block at a time (taking the
// blocks of prev, when it is not nil) and whole, and fails when the two
// differ. It returns the decoding a block at a time, nil when it fell back
// to the whole file.
func checkBlocks(t *testing.T, f string, src []byte, prev *decoded) *decoded {
	t.Helper()
	sum := sha256.Sum256(src)
	got := decodeBlocks(f, src, sum, prev)
	if got == nil {
		return nil
	}
	want := decodeData("", f, src, sum)
	if d := sameDecoded(got, want); d != "" {
		t.Fatalf("%s, decoded a block at a time: %s\n--- file:\n%s", f, d, src)
	}
	return got
}

const blockRecord = `[[record]]
id = "kerman-2024-01-03"
layer = "attack"
date = 2024-01-03
title = "Kerman bombings"
place = "Kerman"
country = "IR"
killed = "at least 90"
summary = """Two bombs.

[[record]]
not = "a header: inside the string"
"""
tags = ["a", "b"]
[[record.source]]
title = "The Diplomat"
url = "https://thediplomat.com/x"
published = 2024-04-30
[[record.source]]
title = "Second"
url = "https://example.org/2"
`

const blockBad = `[[record]]
id = "Bad Id"
layer = "attack"
date = "2024-13"
title = ""
place = "Kerman"
country = "ir"
summary = "x"
kiled = 3
`

const blockWarn = `[[record]]
id = "late-2024"
layer = "attack"
date = "2023/2024"
title = "t"
place = "Kerman"
country = "IR"
summary = "x"
[[record.source]]
title = "s"
url = "https://example.org/"
published = 2024-04-30
`

// TestBlocksEqualWhole decodes files a block at a time and whole: where
// decoding a block at a time is allowed, the two must be the same; where
// it is not, it must fall back to the whole file.
func TestBlocksEqualWhole(t *testing.T) {
	many := strings.Repeat(blockBad, 120) // 600 errors: the whole-file decoding stops at 200
	tests := []struct {
		name   string
		src    string
		blocks bool // decoded a block at a time, not whole
	}{
		{"one record", blockRecord, true},
		{"three records", blockRecord + blockBad + blockWarn, true},
		{"problems and warnings", blockWarn + blockBad + blockBad + blockWarn, true},
		{"comments and blank lines first", "# records\n\n  # more\n" + blockRecord + blockWarn, true},
		{"blank lines between", blockRecord + "\n\n# next\n\n" + blockWarn + "\n", true},
		{"CRLF", strings.ReplaceAll(blockRecord+blockBad+blockWarn, "\n", "\r\n"), true},
		{"byte order mark", "\ufeff" + blockRecord + blockWarn, true},
		{"BOM and CRLF", "\ufeff" + strings.ReplaceAll(blockBad+blockWarn, "\n", "\r\n"), true},
		{"quoted and spaced header", strings.Replace(blockWarn, "[[record]]", `[[ "record" ]] # a comment`, 1) + blockBad, true},
		{"indented header", "  " + blockRecord + "\t" + blockWarn, true},
		{"sub-table", blockWarn + "[record.extra]\nx = 1\n" + blockBad, true},
		{"duplicate ids", blockWarn + blockWarn, true},
		{"no final newline", blockRecord + strings.TrimSuffix(blockWarn, "\n"), true},
		{"unknown key before the first", "title = \"x\"\n" + blockRecord, false},
		{"another table after", blockRecord + "[meta]\nx = 1\n" + blockWarn, false},
		{"another array of tables", blockRecord + "[[place]]\nname = \"x\"\n", false},
		{"a plain [record] table", blockRecord + "[record]\nid = \"x\"\n", false},
		{"no records", "# nothing yet\n", false},
		{"empty", "", false},
		{"syntax error", blockRecord + "= oops\n" + blockWarn, false},
		{"duplicate key", blockWarn + strings.Replace(blockBad, "layer = ", "id = \"again\"\nlayer = ", 1), false},
		{"duplicate sub-table", blockWarn + "[record.x]\na = 1\n[record.x]\nb = 2\n", false},
		{"header inside a string after an escaped quote", blockWarn + "summary2 = \"\"\"a \\\"\"\" \n[[record]]\nx = 1\n\"\"\"\n" + blockBad, true},
		{"header inside a string inside an array", blockWarn + "tags = [\"\"\"\n]\n[[record]]\n\"\"\"]\n" + blockBad, true},
		{"header inside an unclosed string", blockWarn + "summary2 = \"\"\"a\n[[record]]\nx = 1\n" + blockBad, false},
		{"unterminated string", blockWarn + "[[record]]\nid = \"x\n", false},
		{"unclosed array", blockWarn + "tags = [\n\"a\",\n[[record]]\n", false},
		{"too many errors", many, false},
		{"a key that is a record index", blockWarn + "[\"record[0]\".x]\na = 1\n", false},
		{"a key that is a record index, later", blockBad + blockWarn + "[[\"record[0]\".x]]\na = 1\n", false},
		{"an escaped header", blockWarn + "[[\"rec\\u006frd\"]]\nid = \"x\"\n", false},
		{"inline array of sources", strings.Replace(blockBad, "kiled = 3", "source = [{title = \"s\", url = \"https://a.org/\"}]", 1) + blockWarn, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := checkBlocks(t, "data/a.toml", []byte(tc.src), nil)
			if (got != nil) != tc.blocks {
				t.Fatalf("decoded a block at a time: %v, want %v", got != nil, tc.blocks)
			}
			if got == nil {
				return
			}
			// Again, from the blocks just decoded: unchanged, then with
			// a line added before every block.
			again := checkBlocks(t, "data/a.toml", []byte(tc.src), got)
			if again == nil {
				t.Fatal("fell back on the second decoding")
			}
			for k, b := range again.list {
				if got.list[k] != b {
					t.Fatal("an unchanged block was decoded again")
				}
			}
			moved := strings.ReplaceAll(tc.src, "[[record]]", "# moved\n[[record]]")
			checkBlocks(t, "data/a.toml", []byte(moved), got)
		})
	}
}

// blockFiles are files to edit: a data file of the synthetic generator,
// the seed's data files and the test sites' (hostile text among them).
func blockFiles(t testing.TB) map[string][]byte {
	files := map[string][]byte{}
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := synth.Site("..", dir, 120, 3); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, glob := range []string{dir + "/data/*.toml", "../data/*.toml", "testdata/*/data/*.toml", "../testdata/*/data/*.toml", "../build/testdata/site/data/*.toml", "../tests/fixtures/site/data/*.toml"} {
		m, _ := filepath.Glob(glob)
		names = append(names, m...)
	}
	for _, name := range names {
		if filepath.Base(name) == PlacesFile {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	if len(files) < 8 {
		t.Fatalf("only %d files to edit", len(files))
	}
	return files
}

// blockEdits are the pieces random edits insert: whole records, keys,
// headers, string delimiters, line ends.
var blockEdits = []string{
	"\n", "\r\n", "# c\n", "\n[[record]]\n", "[[record]]\nid = \"x\"\n", "\n[[record.source]]\ntitle = \"s\"\nurl = \"https://a.org/\"\n",
	"\n[meta]\n", "\nkey = 1\n", "\"\"\"", "'''", "\"", "[", "]", "=", "\\", "kiled = 3\n", "country = \"xx\"\n",
	"\n[record.x]\n", "\ufeff", "\x00", blockWarn, blockBad,
}

// editBlocks makes a random edit of b: it inserts one of blockEdits, or
// deletes, doubles or swaps lines or records.
func editBlocks(rng *rand.Rand, b []byte) []byte {
	lineStart := func() int {
		if len(b) == 0 {
			return 0
		}
		i := rng.IntN(len(b))
		return bytes.LastIndexByte(b[:i], '\n') + 1
	}
	switch rng.IntN(6) {
	case 0, 1: // insert at a line start
		at := lineStart()
		return append(b[:at:at], append([]byte(blockEdits[rng.IntN(len(blockEdits))]), b[at:]...)...)
	case 2: // insert anywhere
		at := rng.IntN(len(b) + 1)
		return append(b[:at:at], append([]byte(blockEdits[rng.IntN(len(blockEdits))]), b[at:]...)...)
	case 3: // delete a line
		at := lineStart()
		end := bytes.IndexByte(b[at:], '\n')
		if end < 0 {
			return b[:at]
		}
		return append(b[:at:at], b[at+end+1:]...)
	case 4: // double a record
		recs := bytes.Split(b, []byte("[[record]]"))
		if len(recs) < 2 {
			return b
		}
		i := 1 + rng.IntN(len(recs)-1)
		recs = append(recs[:i+1], recs[i:]...)
		return bytes.Join(recs, []byte("[[record]]"))
	default: // swap two records, or change a title
		recs := bytes.Split(b, []byte("[[record]]"))
		if len(recs) < 3 {
			return bytes.Replace(b, []byte("title = \""), fmt.Appendf(nil, "title = \"%d ", rng.IntN(100)), 1)
		}
		i, j := 1+rng.IntN(len(recs)-1), 1+rng.IntN(len(recs)-1)
		recs[i], recs[j] = recs[j], recs[i]
		return bytes.Join(recs, []byte("[[record]]"))
	}
}

// TestBlocksRandomEdits edits real, synthetic and hostile data files at
// random and, after each edit, decodes the file a block at a time from the
// blocks of the previous decoding, and from none, comparing both with the
// whole-file decoding.
func TestBlocksRandomEdits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	blocked, total := 0, 0
	for name, src := range blockFiles(t) {
		prev := checkBlocks(t, name, src, nil)
		if prev == nil {
			t.Logf("%s: decoded whole", name)
		}
		b := bytes.Clone(src)
		for range 40 {
			edited := editBlocks(rng, bytes.Clone(b))
			total++
			got := checkBlocks(t, name, edited, prev)
			checkBlocks(t, name, edited, nil)
			// Keep the edit while the file can still be decoded a block
			// at a time; one that breaks it is undone.
			if got != nil {
				blocked++
				prev = got
			}
			if got != nil || prev == nil {
				b = edited
			}
		}
	}
	// Most edits keep a file that can be decoded a block at a time; the
	// test must not pass by falling back every time.
	if blocked < total/4 {
		t.Fatalf("decoded a block at a time after only %d of %d edits", blocked, total)
	}
	t.Logf("a block at a time after %d of %d edits", blocked, total)
}

// FuzzBlocks inserts the fuzzer's bytes into a data file, at the fuzzer's
// offset, and decodes it a block at a time, from the blocks of the file
// before the edit and from none: it must be the same as decoding it
// whole, or fall back to that.
func FuzzBlocks(f *testing.F) {
	base := blockRecord + blockBad + blockWarn
	for _, e := range blockEdits {
		f.Add([]byte(base), []byte(e), uint(len(blockRecord)))
	}
	f.Add([]byte(strings.ReplaceAll(base, "\n", "\r\n")), []byte("\r\n[[record]]\r\n"), uint(7))
	f.Add([]byte("\ufeff"+base), []byte("x = 1\n"), uint(0))
	f.Fuzz(func(t *testing.T, src, edit []byte, at uint) {
		prev := checkBlocks(t, "data/a.toml", src, nil)
		i := int(at % uint(len(src)+1))
		edited := append(src[:i:i], append(edit, src[i:]...)...)
		checkBlocks(t, "data/a.toml", edited, prev)
		checkBlocks(t, "data/a.toml", edited, nil)
	})
}

// TestLoaderDecodesOneBlock checks that after a one-record edit of a file
// of 300 records, the Loader decodes that record alone (the others moved
// or not), and that the site is the one Load gives.
func TestLoaderDecodesOneBlock(t *testing.T) {
	t.Setenv(geo.CacheEnv, "off")
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := synth.Site("..", dir, 300, 4); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, filepath.FromSlash(synth.DataFile(0)))
	ld := NewLoader(dir)
	t.Cleanup(ld.Close)
	ld.Load()
	for _, tc := range []struct {
		name    string
		edit    func([]byte) []byte
		decodes int64
	}{
		{"a title", func(b []byte) []byte { return bytes.Replace(b, []byte("title = \""), []byte("title = \"Edited "), 1) }, 1},
		{"a comment first, moving every record", func(b []byte) []byte { return append([]byte("# records\n\n"), b...) }, 1},
		{"no change", func(b []byte) []byte { return b }, 0},
		{"a new record", func(b []byte) []byte { return append(b, blockWarn...) }, 1},
	} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		write(t, dir, synth.DataFile(0), tc.edit(b))
		before := blocksDecoded.Load()
		got, gl := ld.Load()
		if n := blocksDecoded.Load() - before; n != tc.decodes {
			t.Errorf("%s: decoded %d blocks, want %d", tc.name, n, tc.decodes)
		}
		want, wl := Load(dir)
		if d := sameSite(got, want); d != "" {
			t.Fatalf("%s: %s", tc.name, d)
		}
		if !reflect.DeepEqual(gl, wl) {
			t.Fatalf("%s: problems:\n%s\n--- want\n%s", tc.name, listText(gl), listText(wl))
		}
	}
}

// TestBlocksCut edits a file of short records in the ways that move, or
// do not move, where it is cut, each time from the blocks of the previous
// decoding: the cut again must be Split's, and the decoding the whole
// file's.
func TestBlocksCut(t *testing.T) {
	rec := func(id string) string {
		return fmt.Sprintf("[[record]]\nid = %q\nlayer = \"attack\"\ndate = 2024-01-03\ntitle = \"t\"\nplace = \"Kerman\"\ncountry = \"IR\"\nsummary = \"x\"\n", id)
	}
	var base strings.Builder
	for i := range 12 {
		base.WriteString(rec(fmt.Sprintf("r%02d", i)))
	}
	src := base.String()
	swap := strings.Replace(strings.Replace(strings.Replace(src, "r03", "XX", 1), "r08", "r03", 1), "XX", "r08", 1)
	edits := []struct {
		name string
		src  string
	}{
		{"a title", strings.Replace(src, "title = \"t\"", "title = \"edited\"", 5)},
		{"two records of one length swapped", swap},
		{"the first line", "# first\n" + src},
		{"the last record", src + "note = \"n\"\n"},
		{"a record inserted", strings.Replace(src, rec("r05"), rec("r05")+rec("new"), 1)},
		{"a record deleted", strings.Replace(src, rec("r07"), "", 1)},
		{"a header made a key", strings.Replace(src, "[[record]]\nid = \"r06\"", "x = 1\nid = \"r06\"", 1)},
		{"a key made a header", strings.Replace(src, "place = \"Kerman\"\ncountry", "[[record]]\ncountry", 1)},
		{"a string swallowing headers", strings.Replace(strings.Replace(src, "summary = \"x\"\n[[record]]\nid = \"r04\"", "summary = \"\"\"x\n[[record]]\nid = \"r04\"", 1), "summary = \"x\"\n[[record]]\nid = \"r09\"", "summary = \"x\"\"\"\"\n[[record]]\nid = \"r09\"", 1)},
		{"a header in a string", strings.Replace(src, "summary = \"x\"\n[[record]]\nid = \"r10\"", "summary = \"\"\"x\n[[record]]\n\"\"\"\n[[record]]\nid = \"r10\"", 1)},
		{"everything", rec("only")},
	}
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			prev := checkBlocks(t, "data/a.toml", []byte(src), nil)
			got := checkBlocks(t, "data/a.toml", []byte(e.src), prev)
			if got == nil {
				if checkBlocks(t, "data/a.toml", []byte(e.src), nil) != nil {
					t.Fatal("fell back from the previous blocks, not from none")
				}
				return
			}
			if _, starts, _ := tomlpos.Split(e.src, "record"); !slices.Equal(got.starts, starts) {
				t.Fatalf("cut at %v, want %v", got.starts, starts)
			}
			// And back.
			if back := checkBlocks(t, "data/a.toml", []byte(src), got); back == nil {
				t.Fatal("fell back on the way back")
			}
		})
	}
}

// TestLoaderStoresLater checks that a Loader stores its new decodings in
// the cache on disk once its loads pause, not during them.
func TestLoaderStoresLater(t *testing.T) {
	cache := t.TempDir()
	t.Setenv(geo.CacheEnv, cache)
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := synth.Site("..", dir, 50, 4); err != nil {
		t.Fatal(err)
	}
	entries := func() int {
		m, _ := filepath.Glob(filepath.Join(cache, "decoded", "*.bin"))
		return len(m)
	}
	ld := NewLoader(dir)
	t.Cleanup(ld.Close)
	start := time.Now()
	ld.Load()
	if n := entries(); n != 0 && time.Since(start) < storeAfter {
		t.Fatalf("%d decodings stored during the load", n)
	}
	for entries() == 0 {
		if time.Since(start) > storeAfter+10*time.Second {
			t.Fatal("no decoding stored after the loads paused")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestLoaderWarms checks that a Loader whose first load read the files
// back from the cache on disk decodes them a block at a time after it, so
// that the first edit decodes one block; and that the site is Load's.
func TestLoaderWarms(t *testing.T) {
	t.Setenv(geo.CacheEnv, t.TempDir())
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := synth.Site("..", dir, 300, 5); err != nil {
		t.Fatal(err)
	}
	first := NewLoader(dir)
	t.Cleanup(first.Close)
	first.Load()
	first.store()
	hits := diskHits.Load()
	ld := NewLoader(dir)
	t.Cleanup(ld.Close)
	ld.Load()
	if diskHits.Load() == hits {
		t.Fatal("the second Loader read nothing from the cache on disk")
	}
	warm := func() bool {
		ld.mu.Lock()
		defer ld.mu.Unlock()
		for _, dec := range ld.cache {
			if dec.list == nil {
				return false
			}
		}
		return !ld.warming
	}
	for start := time.Now(); !warm(); time.Sleep(20 * time.Millisecond) {
		if time.Since(start) > 20*time.Second {
			t.Fatal("the files read from disk were not decoded a block at a time")
		}
	}
	name := filepath.Join(dir, filepath.FromSlash(synth.DataFile(0)))
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, synth.DataFile(0), bytes.Replace(b, []byte("title = \""), []byte("title = \"Edited "), 1))
	before := blocksDecoded.Load()
	got, gl := ld.Load()
	if n := blocksDecoded.Load() - before; n != 1 {
		t.Errorf("the first edit decoded %d blocks, want 1", n)
	}
	want, wl := Load(dir)
	if d := sameSite(got, want); d != "" {
		t.Fatal(d)
	}
	if !reflect.DeepEqual(gl, wl) {
		t.Fatalf("problems:\n%s\n--- want\n%s", listText(gl), listText(wl))
	}
}

// TestLoaderWarmsOnce checks that a file that cannot be decoded a block at
// a time (a key before its first [[record]]) is not tried again after
// every load.
func TestLoaderWarmsOnce(t *testing.T) {
	t.Setenv(geo.CacheEnv, t.TempDir())
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := synth.Site("..", dir, 50, 6); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, filepath.FromSlash(synth.DataFile(0)))
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, synth.DataFile(0), append([]byte("kind = \"records\"\n"), b...))
	first := NewLoader(dir)
	t.Cleanup(first.Close)
	first.Load()
	first.store()
	ld := NewLoader(dir)
	t.Cleanup(ld.Close)
	warming := func() bool {
		ld.mu.Lock()
		defer ld.mu.Unlock()
		return ld.warming
	}
	for range 3 {
		ld.Load()
		for start := time.Now(); warming(); time.Sleep(10 * time.Millisecond) {
			if time.Since(start) > 20*time.Second {
				t.Fatal("warm does not end")
			}
		}
	}
	ld.Load()
	if warming() {
		t.Fatal("a load warms again a file that cannot be decoded a block at a time")
	}
}
