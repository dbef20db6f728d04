package build

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mapsite/mapsite/internal/crc"
)

// useSpare makes every build of the test keep a spare tree, however small
// the site.
func useSpare(t *testing.T) {
	defer func(n int) { t.Cleanup(func() { spareMinFiles = n }) }(spareMinFiles)
	spareMinFiles = 0
}

// asNewProcess makes t's builds compare every file byte for byte (see
// hashed) and take nothing from memory, as builds in new processes do (a
// Renderer, made by another test, keeps encodings in memory).
func asNewProcess(t *testing.T) {
	defer func(n int, on bool) {
		t.Cleanup(func() { bigFile = n; keepEncodings.Store(on) })
	}(bigFile, keepEncodings.Load())
	bigFile = 1
	keepEncodings.Store(false)
}

// spareEditor changes the titles of the fixture's records in a copy of the
// fixture.
type spareEditor struct {
	siteDir string
	src     []byte
	titles  map[string]string // by the fixture's title
}

func newSpareEditor(t *testing.T) *spareEditor {
	siteDir := copySite(t)
	src, err := os.ReadFile(filepath.Join(siteDir, "data", "records.toml"))
	if err != nil {
		t.Fatal(err)
	}
	return &spareEditor{siteDir: siteDir, src: src, titles: map[string]string{}}
}

// retitle gives the record titled title in the fixture a new title.
func (e *spareEditor) retitle(t *testing.T, title, to string) {
	e.titles[title] = to
	b := e.src
	for from, to := range e.titles {
		b = bytes.Replace(b, []byte(`"`+from+`"`), []byte(`"`+to+`"`), 1)
	}
	if err := os.WriteFile(filepath.Join(e.siteDir, "data", "records.toml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// coldTree builds siteDir into a new folder and returns its files.
func coldTree(t *testing.T, siteDir string) map[string][]byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "cold")
	buildTo(t, siteDir, out)
	return readTree(t, out)
}

// TestSpareIsNotWrittenThrough: the spare tree shares, by hard links, the
// files that one build took unchanged from the output before it. A build
// that brings the spare up to date must replace such a file, never write
// into it: the build below fails at its marker, after every other file is
// made, and the output must be exactly as it was. Record A's page is, in
// the spare, the same inode as in the output (edited two builds back,
// unchanged one build back), and this build edits it again.
func TestSpareIsNotWrittenThrough(t *testing.T) {
	useSpare(t)
	e := newSpareEditor(t)
	out := filepath.Join(t.TempDir(), "public")
	buildTo(t, e.siteDir, out)
	e.retitle(t, "A day-precision attack", "Edited A 1")
	buildTo(t, e.siteDir, out)
	e.retitle(t, "A whole-country record", "Edited B 1")
	buildTo(t, e.siteDir, out)
	if !checkSpare(t, out) {
		t.Fatal("no spare tree beside the output")
	}
	before := readTree(t, out)
	e.retitle(t, "A day-precision attack", "Edited A 2")
	orig := writeFile
	writeFile = func(name string, data []byte) error {
		if filepath.Base(name) == Marker {
			return fmt.Errorf("disk full")
		}
		return orig(name, data)
	}
	_, err := Build(context.Background(), Options{SiteDir: e.siteDir, OutDir: out})
	writeFile = orig
	if err == nil {
		t.Fatal("Build with a failing marker write succeeded")
	}
	assertSameTree(t, before, readTree(t, out))
	// The failed build used up the spare; the next build makes a new
	// tree, and keeps the one it swaps out.
	buildTo(t, e.siteDir, out)
	compareTrees(t, "after a failed build", coldTree(t, e.siteDir), readTree(t, out))
	if !checkSpare(t, out) {
		t.Error("no spare tree beside the output after the next build")
	}
}

// TestSpareBehindByTwo: each build brings the spare, two builds behind, up
// to date, whatever changed in between (a page edited, a record added,
// one removed), and the output is a cold build's, file for file.
func TestSpareBehindByTwo(t *testing.T) {
	useSpare(t)
	e := newSpareEditor(t)
	out := filepath.Join(t.TempDir(), "public")
	records := filepath.Join(e.siteDir, "data", "records.toml")
	extra := filepath.Join(e.siteDir, "data", "extra.toml")
	steps := []struct {
		name   string
		change func()
	}{
		{"first", func() {}},
		{"title", func() { e.retitle(t, "A day-precision attack", "Edited A") }},
		{"added", func() {
			os.WriteFile(extra, []byte("[[record]]\nid = \"added-1\"\nlayer = \"attack\"\ndate = 2024-02-01\ntitle = \"Added\"\nplace = \"Kerman\"\ncountry = \"IR\"\nsummary = \"Added.\"\n[[record.source]]\ntitle = \"s\"\nurl = \"https://example.org/s\"\n"), 0o644)
		}},
		{"nothing", func() {}},
		{"removed", func() { os.Remove(extra) }},
		{"title back", func() { os.WriteFile(records, e.src, 0o644); e.titles = map[string]string{} }},
		{"nothing", func() {}},
	}
	for i, st := range steps {
		st.change()
		rep := buildTo(t, e.siteDir, out)
		compareTrees(t, fmt.Sprintf("step %d (%s)", i, st.name), coldTree(t, e.siteDir), readTree(t, out))
		checkNoEmptyFolders(t, fmt.Sprintf("step %d (%s)", i, st.name), out)
		if has := checkSpare(t, out); has != (i > 0) {
			t.Errorf("step %d (%s): spare tree beside the output: %v", i, st.name, has)
		}
		if st.name == "nothing" && rep.Reused != rep.Files {
			t.Errorf("step %d (%s): reused %d of %d files", i, st.name, rep.Reused, rep.Files)
		}
		if t.Failed() {
			t.FailNow()
		}
	}
}

// TestSpareRecovery: a spare without its marker (a build was killed while
// updating it) is removed by the next build, even one that fails; a whole
// tree left as a temporary folder becomes the spare when there is none.
func TestSpareRecovery(t *testing.T) {
	useSpare(t)
	e := newSpareEditor(t)
	out := filepath.Join(t.TempDir(), "public")
	buildTo(t, e.siteDir, out)
	e.retitle(t, "A day-precision attack", "Edited A")
	buildTo(t, e.siteDir, out)
	spare := filepath.Join(filepath.Dir(out), ".public"+spareSuffix)
	if !checkSpare(t, out) {
		t.Fatal("no spare tree")
	}

	// Unmarked, and a file changed: the next build, though it fails on
	// bad data, removes it.
	os.Remove(filepath.Join(spare, Marker))
	os.Remove(filepath.Join(spare, "robots.txt")) // shared with the output: not written into
	os.WriteFile(filepath.Join(spare, "robots.txt"), []byte("half written"), 0o644)
	broken := filepath.Join(e.siteDir, "data", "broken.toml")
	os.WriteFile(broken, []byte("[[record]]\nid = \"x\"\nlayer = \"nope\"\n"), 0o644)
	if _, err := Build(context.Background(), Options{SiteDir: e.siteDir, OutDir: out}); err == nil {
		t.Fatal("Build(broken) succeeded")
	}
	os.Remove(broken)
	if _, err := os.Lstat(spare); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an unmarked spare was kept: %v", err)
	}

	// A whole tree as a temporary folder, and no output (a build killed
	// after the exchange, then the output removed by hand): the tree
	// becomes the spare, and the next build brings it up to date and
	// swaps it in.
	if err := os.Rename(out, filepath.Join(filepath.Dir(out), ".public.new-123")); err != nil {
		t.Fatal(err)
	}
	e.retitle(t, "A whole-country record", "Edited B")
	rep := buildTo(t, e.siteDir, out)
	if rep.Reused == 0 {
		t.Error("the build took nothing from the promoted spare")
	}
	compareTrees(t, "from a promoted spare", coldTree(t, e.siteDir), readTree(t, out))
	for _, n := range siblings(t, out) {
		if strings.Contains(n, ".new-") || strings.Contains(n, ".del-") {
			t.Errorf("left beside the output: %s", n)
		}
	}
	buildTo(t, e.siteDir, out)
	if !checkSpare(t, out) {
		t.Error("no spare tree after the next build")
	}
}

// TestSmallSiteKeepsNoSpare: below spareMinFiles, the swapped-out tree is
// removed, and a spare left from a larger site goes too.
func TestSmallSiteKeepsNoSpare(t *testing.T) {
	useSpare(t)
	out := filepath.Join(t.TempDir(), "public")
	buildTo(t, fixture, out)
	buildTo(t, fixture, out)
	if !checkSpare(t, out) {
		t.Fatal("no spare tree with spareMinFiles 0")
	}
	spareMinFiles = 1 << 30
	buildTo(t, fixture, out)
	if checkSpare(t, out) {
		t.Error("a spare tree beside a small site")
	}
}

// TestRebuildTakesEncodings: beside a large output, the index of
// encodings lets the next build take every feature, CSV row and table row of an
// unchanged record from the output's files: after a one-record edit it
// encodes one of each; with another base URL, every CSV row (which shows
// it) and no feature; with the output's all.geojson changed by hand, every
// feature, also when the new file has the old one's size and time; the
// table page's rows likewise, with the table page changed by hand. The
// map's chunks, the layer files and the map data's columns are taken
// whole when made from the same, unless changed by hand. The output is a cold build's each time.
func TestRebuildTakesEncodings(t *testing.T) {
	useSpare(t)
	// Every file compared byte for byte, so that a file edited by hand is
	// found out and made again: the cases below edit all.geojson.
	asNewProcess(t)
	e := newSpareEditor(t)
	out := filepath.Join(t.TempDir(), "public")
	buildTo(t, e.siteDir, out)
	if _, err := os.Stat(filepath.Join(filepath.Dir(out), ".public"+encodingsSuffix)); err != nil {
		t.Fatalf("no index of encodings beside the output: %v", err)
	}
	for _, tt := range []struct {
		name           string
		change         func()
		baseURL        string
		features, rows int64
		tableRows      int64
		files          int64 // taken unchanged: the fixture has one detail and one text chunk, two layer files and the links
		columns        int64 // of the map's data taken from the output: 16 in all
		runs           int64 // runs of records whose column digests were taken: 1 in all
		atOnce         int64 // builds that made the CSV, layers and map data at once (takesEncodings)
		lists          int64 // list columns of the map's data made (5 in all), in one pass: not those taken or spliced
	}{
		// The text chunk is made again too: it is known by its records'
		// digests (see chunkInputs).
		{"one title", func() { e.retitle(t, "A day-precision attack", "Edited A") }, "", 1, 1, 1, 1, 15, 0, 1, 0}, // spliced
		{"base URL", func() {}, "https://example.net/", 0, 4, 0, 5, 16, 1, 1, 0},
		{"all.geojson changed", func() {
			editOutput(t, out, "layers/all.geojson", "Edited A", "Edited Z", false)
		}, "https://example.net/", 4, 0, 0, 5, 16, 1, 0, 0},
		// Another file, of the same size and time: told apart by its
		// file number.
		{"all.geojson replaced, same size and time", func() {
			editOutput(t, out, "layers/all.geojson", "Edited A", "Edited Y", true)
		}, "https://example.net/", 4, 0, 0, 5, 16, 1, 0, 0},
		{"table page changed", func() {
			editOutput(t, out, "incidents/index.html", "Edited A", "Edited X", false)
		}, "https://example.net/", 0, 0, 4, 5, 16, 1, 1, 0},
		{"a chunk changed", func() {
			editOutput(t, out, "assets/records/s0.*.js", "a", "b", true)
		}, "https://example.net/", 0, 0, 0, 4, 16, 1, 1, 0},
		{"data.js changed", func() {
			editOutput(t, out, "assets/data.*.js", `"id":["`, `"id":["x`, true)
		}, "https://example.net/", 0, 0, 0, 5, 0, 1, 1, 5},
		// The index itself damaged, or of another version: ignored
		// whole, and everything made again.
		{"index damaged", func() { editIndex(t, out, 2) }, "https://example.net/", 4, 4, 4, 0, 0, 0, 0, 5},
		{"index of an older version", func() { editIndex(t, out, -1) }, "https://example.net/", 4, 4, 4, 0, 0, 0, 0, 5},
	} {
		tt.change()
		f0, r0, t0, c0, k0, n0, a0 := lastFeatures.fresh.Load(), lastCSVRows.fresh.Load(), tableRowIndex.fresh.Load(), builtTaken.Load(), columnsTaken.Load(), runsTaken.Load(), madeAtOnce.Load()
		l0 := listsMade.Load()
		if _, err := Build(context.Background(), Options{SiteDir: e.siteDir, OutDir: out, BaseURL: tt.baseURL}); err != nil {
			t.Fatal(err)
		}
		if f, r := lastFeatures.fresh.Load()-f0, lastCSVRows.fresh.Load()-r0; f != tt.features || r != tt.rows {
			t.Errorf("%s: encoded %d features and %d CSV rows, want %d and %d", tt.name, f, r, tt.features, tt.rows)
		}
		if n := tableRowIndex.fresh.Load() - t0; n != tt.tableRows {
			t.Errorf("%s: made %d table rows, want %d", tt.name, n, tt.tableRows)
		}
		if n := builtTaken.Load() - c0; n != tt.files {
			t.Errorf("%s: took %d map chunks and layer files unchanged, want %d", tt.name, n, tt.files)
		}
		if n := columnsTaken.Load() - k0; n != tt.columns {
			t.Errorf("%s: took %d columns of the map's data, want %d", tt.name, n, tt.columns)
		}
		if n := runsTaken.Load() - n0; n != tt.runs {
			t.Errorf("%s: took the column digests of %d runs of records, want %d", tt.name, n, tt.runs)
		}
		if n := madeAtOnce.Load() - a0; n != tt.atOnce {
			t.Errorf("%s: %d builds made the CSV, layers and map data at once, want %d", tt.name, n, tt.atOnce)
		}
		if n := listsMade.Load() - l0; n != tt.lists {
			t.Errorf("%s: made %d list columns of the map's data, want %d", tt.name, n, tt.lists)
		}
		cold := filepath.Join(t.TempDir(), "cold")
		if _, err := Build(context.Background(), Options{SiteDir: e.siteDir, OutDir: cold, BaseURL: tt.baseURL}); err != nil {
			t.Fatal(err)
		}
		compareTrees(t, tt.name, readTree(t, cold), readTree(t, out))
	}
}

// TestRebuildSplicesListColumns: a list column of the map's data whose
// inputs changed is made from the output's own (spliceColumn): the runs
// of records whose values are unchanged are copied from it, the others
// made, and data.js is a cold build's. Here a run is a record, so three
// of the fixture's four are copied each time; a title with quotes,
// commas and backslashes is copied too.
func TestRebuildSplicesListColumns(t *testing.T) {
	useSpare(t)
	asNewProcess(t)
	defer func(n int) { inputsRun = n }(inputsRun)
	inputsRun = 1
	e := newSpareEditor(t)
	out := filepath.Join(t.TempDir(), "public")
	buildTo(t, e.siteDir, out)
	for _, tt := range []struct {
		name    string
		change  func()
		spliced int64
		lists   int64
	}{
		{"a title with quotes and backslashes", func() { e.retitle(t, "A span placed by coordinates", `A span, \"placed\" \\\\`) }, 3, 0},
		{"another title", func() { e.retitle(t, "A day-precision attack", "Edited A") }, 3, 0},
		{"a point", func() {
			b, err := os.ReadFile(filepath.Join(e.siteDir, "data", "records.toml"))
			if err != nil {
				t.Fatal(err)
			}
			b = bytes.Replace(b, []byte("[32.854, 39.9208]"), []byte("[32.9, 39.95]"), 1)
			e.src = bytes.Replace(e.src, []byte("[32.854, 39.9208]"), []byte("[32.9, 39.95]"), 1)
			if err := os.WriteFile(filepath.Join(e.siteDir, "data", "records.toml"), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}, 3, 0},
	} {
		tt.change()
		s0, l0 := runsSpliced.Load(), listsMade.Load()
		buildTo(t, e.siteDir, out)
		if n := runsSpliced.Load() - s0; n != tt.spliced {
			t.Errorf("%s: copied %d runs of list columns from the output, want %d", tt.name, n, tt.spliced)
		}
		if n := listsMade.Load() - l0; n != tt.lists {
			t.Errorf("%s: made %d list columns whole, want %d", tt.name, n, tt.lists)
		}
		compareTrees(t, tt.name, coldTree(t, e.siteDir), readTree(t, out))
	}
}

// TestRebuildTakesLinks: the links of the map's data are taken from the
// output's data.js when made from the same (see linksInputs), and made
// again when a linked record changed; data.js is a cold build's.
func TestRebuildTakesLinks(t *testing.T) {
	useSpare(t)
	asNewProcess(t)
	e := newSpareEditor(t)
	out := filepath.Join(t.TempDir(), "public")
	buildTo(t, e.siteDir, out)
	for _, tt := range []struct {
		name      string
		title, to string
		taken     int64
	}{
		{"a record without links", "A whole-country record", "Edited Z", 1},
		{"a linked record", "A day-precision attack", "Edited A", 0},
	} {
		e.retitle(t, tt.title, tt.to)
		n0 := linksTaken.Load()
		buildTo(t, e.siteDir, out)
		if n := linksTaken.Load() - n0; n != tt.taken {
			t.Errorf("%s: took the links %d times, want %d", tt.name, n, tt.taken)
		}
		compareTrees(t, tt.name, coldTree(t, e.siteDir), readTree(t, out))
	}
}

func TestCutValues(t *testing.T) {
	for _, tt := range []struct {
		in     string
		n      int
		values string
		rest   string
		ok     bool
	}{
		{`"a","b","c"`, 2, `"a","b"`, `"c"`, true},
		{`"a","b"`, 2, `"a","b"`, ``, true},
		{`"a,\"b\"","c"`, 1, `"a,\"b\""`, `"c"`, true},
		{`"a\\","b"`, 1, `"a\\"`, `"b"`, true},
		{`"a\\\"","b"`, 1, `"a\\\""`, `"b"`, true},
		{`"",""`, 1, `""`, `""`, true},
		{`1.5,-2,3`, 2, `1.5,-2`, `3`, true},
		{`"a",1`, 2, `"a",1`, ``, true},
		{`"a"`, 2, ``, ``, false},
		{`"a`, 1, ``, ``, false},
		{`"a""b"`, 2, ``, ``, false},
		{``, 0, ``, ``, true},
	} {
		values, rest, ok := cutValues([]byte(tt.in), tt.n)
		if string(values) != tt.values || string(rest) != tt.rest || ok != tt.ok {
			t.Errorf("cutValues(%s, %d) = %s, %s, %v, want %s, %s, %v", tt.in, tt.n, values, rest, ok, tt.values, tt.rest, tt.ok)
		}
	}
}

func TestSameBytes(t *testing.T) {
	dir := t.TempDir()
	long := bytes.Repeat([]byte("0123456789abcdef"), 40000) // 640 kB: more than one read
	name := filepath.Join(dir, "f")
	if err := os.WriteFile(name, long, 0o644); err != nil {
		t.Fatal(err)
	}
	changed := bytes.Clone(long)
	changed[len(changed)-1] = 'x'
	for _, tt := range []struct {
		name string
		b    []byte
		want bool
	}{
		{"same", long, true},
		{"shorter", long[:len(long)-1], false},
		{"shorter by a read", long[:256<<10], false},
		{"longer", append(bytes.Clone(long), 'x'), false},
		{"last byte", changed, false},
		{"empty", nil, false},
	} {
		if got := sameBytes(name, tt.b); got != tt.want {
			t.Errorf("sameBytes(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
	if sameBytes(filepath.Join(dir, "missing"), nil) {
		t.Error("sameBytes(missing file) = true")
	}
}

// editIndex damages the index of encodings beside the output: it flips a
// bit of the byte at 1/at of its length, or, with at -1, puts another
// version in its header (and its checksum right).
func editIndex(t *testing.T, out string, at int) {
	t.Helper()
	name := filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+encodingsSuffix)
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if at > 0 {
		b[len(b)/at] ^= 1
	} else {
		b = append([]byte("mapsite encodings 3\n"), b[len(encodingsHeader):]...)
		b = crc.Append(b[:len(b)-4])
	}
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// editOutput replaces the first old with new in the output's files that
// match pattern, as a new file (never written through: it may be a hard
// link), keeping the old file's modification time when sameTime is set.
func editOutput(t *testing.T, out, pattern, old, new string, sameTime bool) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(out, filepath.FromSlash(pattern)))
	if len(files) == 0 {
		t.Fatalf("no file of the output matches %s", pattern)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(b, []byte(old)) {
			t.Fatalf("%s holds no %q to edit", f, old)
		}
		fi, _ := os.Stat(f)
		os.Remove(f)
		if err := os.WriteFile(f, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
			t.Fatal(err)
		}
		if sameTime {
			os.Chtimes(f, fi.ModTime(), fi.ModTime())
		}
	}
}

// TestLiveManifestBesideSpare: a build beside a spare reads the output's
// manifest in place (see liveManifest), and one without decodes it.
func TestLiveManifestBesideSpare(t *testing.T) {
	for _, spare := range []bool{false, true} {
		func() {
			defer func(n int) { spareMinFiles = n }(spareMinFiles)
			spareMinFiles = 1 << 30
			if spare {
				spareMinFiles = 0
			}
			out := filepath.Join(t.TempDir(), "public")
			siteDir := copySite(t)
			buildTo(t, siteDir, out)
			buildTo(t, siteDir, out)
			o, err := openOutput(out, DefaultLockWait, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer o.close()
			tmp, dir, err := o.begin()
			if err != nil {
				t.Fatal(err)
			}
			defer endBuild()
			defer o.discard(tmp)
			defer dir.release()
			if dir.prev.len() == 0 || (dir.prev.m == nil) != spare {
				t.Errorf("spare %v: the output's manifest of %d entries read in place: %v", spare, dir.prev.len(), dir.prev.m == nil)
			}
		}()
	}
}
