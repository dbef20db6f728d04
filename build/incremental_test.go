package build

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mapsite/mapsite/basemap"
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
	"github.com/mapsite/mapsite/incident/incidenttest"
	"github.com/mapsite/mapsite/internal/synth"
	"github.com/mapsite/mapsite/site"
)

// edit is one change to a synthetic site, as an analyst would make it.
type edit struct {
	name  string
	apply func(e *editor)
}

// editor holds a synthetic site being edited: its records and site.toml.
type editor struct {
	rng   *rand.Rand
	recs  []synth.Record
	cfg   []byte
	pool  *synth.PlacePool
	added int
	out   string // the output the edits are built into
}

// landImage finds the land file a record page's locator shows.
var landImage = regexp.MustCompile(`<image href="\.\./\.\./(assets/locators/[0-9a-f]+\.svg)"`)

// sharedCountry reports whether the locator of a record placed only at
// country p shows its land from a file (see locators).
func sharedCountry(p *synth.Record) bool {
	base, err := basemap.Bundled()
	if err != nil {
		panic(err)
	}
	m := basemap.Mark{Lon: p.Place.Lon, Lat: p.Place.Lat, Zoom: basemap.LocatorZoom("country")}
	return len(base.Locators(basemap.Site{Language: "en"}).Body(m).Land) > sharedLand
}

func (e *editor) pick() *synth.Record { return &e.recs[e.rng.IntN(len(e.recs))] }

var edits = []edit{
	{"title", func(e *editor) {
		r := e.pick()
		r.Title = fmt.Sprintf("An edited title <%d> & more", e.rng.IntN(1000))
	}},
	{"summary", func(e *editor) {
		r := e.pick()
		r.Summary += fmt.Sprintf("\n\nA new paragraph %d.", e.rng.IntN(1000))
	}},
	{"date", func(e *editor) {
		// A day date anywhere in the range: the record moves in time
		// order, and the build's date may change.
		r := e.pick()
		r.Start = fmt.Sprintf("%04d-%02d-%02d", 1990+e.rng.IntN(36), 1+e.rng.IntN(12), 1+e.rng.IntN(28))
		r.Date = r.Start
	}},
	{"new record", func(e *editor) {
		e.added++
		r := synth.Generate(1, uint64(1000+e.added), e.pool)[0]
		r.ID = fmt.Sprintf("new-%d", e.added)
		i := e.rng.IntN(len(e.recs) + 1)
		e.recs = slices.Insert(e.recs, i, r)
	}},
	{"deleted record", func(e *editor) {
		i := e.rng.IntN(len(e.recs))
		id := e.recs[i].ID
		e.recs = slices.Delete(e.recs, i, i+1)
		for j := range e.recs {
			e.recs[j].Related = slices.DeleteFunc(e.recs[j].Related, func(s string) bool { return s == id })
		}
	}},
	{"related", func(e *editor) {
		a, b := e.pick(), e.pick()
		if a.ID != b.ID {
			a.Related = []string{b.ID}
		}
	}},
	{"place", func(e *editor) {
		// Another record's place: the point moves, and the labels near
		// the records may change.
		a, b := e.pick(), e.pick()
		a.Place, a.Coords = b.Place, b.Coords
	}},
	{"layer", func(e *editor) {
		r := e.pick()
		r.Layer = []string{"attack", "arrest", "plot", "threat", "network"}[e.rng.IntN(5)]
	}},
	{"site.toml", func(e *editor) {
		re := regexp.MustCompile(`(?m)^title\s*=\s*"([^"]*)"`)
		e.cfg = re.ReplaceAll(e.cfg, []byte(fmt.Sprintf(`title = "Edited site %d"`, e.rng.IntN(1000))))
	}},
	{"layer name", func(e *editor) {
		// What the table's rows show of the layers (see tableRowsContext).
		re := regexp.MustCompile(`(?m)^name\s*=\s*"Attacks[^"]*"`)
		e.cfg = re.ReplaceAll(e.cfg, []byte(fmt.Sprintf(`name = "Attacks %d"`, e.rng.IntN(1000))))
	}},
	{"shared land gone", func(e *editor) {
		// The records whose locators show one land file all move to a
		// city: the file leaves the output.
		file := ""
		var city *synth.Record
		for i := range e.recs {
			r := &e.recs[i]
			if r.Place.Precision == geo.City && r.Coords == nil {
				city = r
			}
			b, _ := os.ReadFile(filepath.Join(e.out, "incidents", r.ID, "index.html"))
			if m := landImage.FindSubmatch(b); m != nil && file == "" {
				file = string(m[1])
			}
		}
		for i := range e.recs {
			b, _ := os.ReadFile(filepath.Join(e.out, "incidents", e.recs[i].ID, "index.html"))
			if file != "" && city != nil && bytes.Contains(b, []byte(file)) {
				e.recs[i].Place, e.recs[i].Coords = city.Place, nil
			}
		}
	}},
	{"shared land new", func(e *editor) {
		// A record moves to a country no record is placed at, whose
		// land is shared: a land file joins the output.
		have := map[string]bool{}
		for _, r := range e.recs {
			have[r.Place.Text] = true
		}
		for s := uint64(5000); s < 5100; s++ {
			for _, g := range synth.Generate(50, s, e.pool) {
				if g.Place.Precision == geo.Country && g.Coords == nil && !have[g.Place.Text] && sharedCountry(&g) {
					r := e.pick()
					r.Place, r.Coords = g.Place, nil
					return
				}
			}
		}
		panic("no country left to move a record to")
	}},
	{"nothing", func(e *editor) {}},
}

// landFiles returns the land files of the output out.
func landFiles(t *testing.T, out string) map[string]bool {
	t.Helper()
	files := map[string]bool{}
	list, err := os.ReadDir(filepath.Join(out, "assets", "locators"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, f := range list {
		files[f.Name()] = true
	}
	return files
}

// TestIncrementalEqualsFull applies a seeded random sequence of edits to a
// synthetic site and, after each, builds it incrementally into the same
// output folder, renders it with a Renderer (as mapsite serve does), and
// builds it cold into a new folder: every file, paths and bytes, must be
// the same in all three, the manifests included.
//
// It runs twice: with the spare tree (see output_spare.go), which each
// build brings up to date from two builds back, and without.
func TestIncrementalEqualsFull(t *testing.T) {
	if testing.Short() {
		t.Skip("a few dozen builds")
	}
	for _, tt := range []struct {
		name     string
		minFiles int
		renderer bool
	}{{"spare", 0, true}, {"no spare", 1 << 30, true}, {"spare, new process", 0, false}} {
		t.Run(tt.name, func(t *testing.T) {
			defer func(n, big, copyMin, run int, keep bool) {
				spareMinFiles, bigFile, minCopy, inputsRun = n, big, copyMin, run
				keepEncodings.Store(keep)
			}(spareMinFiles, bigFile, minCopy, inputsRun, keepEncodings.Load())
			spareMinFiles = tt.minFiles
			bigFile = 1    // every file compared with the spare's before it is hashed (see dirSink.sum)
			inputsRun = 16 // columns spliced from runs of the output's (see spliceColumn)
			keepEncodings.Store(false)
			copied, patched, spliced := runsCopied.Load(), filesPatched.Load(), runsSpliced.Load()
			if !tt.renderer {
				minCopy = 1 // every run of taken encodings copied file to file (see pieceFile.write)
			}
			testIncrementalEqualsFull(t, tt.minFiles == 0, tt.renderer)
			if !tt.renderer && runsCopied.Load() == copied {
				t.Error("no run of encodings was copied from the output's files")
			}
			if tt.name == "spare, new process" && filesPatched.Load() == patched {
				t.Error("no file of the spare was written into in place")
			}
			if !tt.renderer && runsSpliced.Load() == spliced {
				t.Error("no run of a list column was copied from the output's")
			}
		})
	}
}

// testIncrementalEqualsFull edits and builds; with renderer, a Renderer
// in the same process renders each version too, and the builds share its
// encodings in memory; without, each build has only what the output and
// the files beside it hold, as a new process does.
func testIncrementalEqualsFull(t *testing.T, spare, renderer bool) {
	pool, cfg := synthInputs(t)
	seed := uint64(1)
	if s := os.Getenv("MAPSITE_EDIT_SEED"); s != "" {
		fmt.Sscan(s, &seed)
	}
	t.Logf("edit seed %d (MAPSITE_EDIT_SEED=n tries another)", seed)
	tmp := t.TempDir()
	siteDir, out := filepath.Join(tmp, "site"), filepath.Join(tmp, "public")
	e := &editor{rng: rand.New(rand.NewPCG(seed, 7)), recs: synth.Generate(80, 1, pool), cfg: cfg, pool: pool, out: out}
	if err := synth.WriteSite(siteDir, e.cfg, e.recs); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := Build(ctx, Options{SiteDir: siteDir, OutDir: out}); err != nil {
		t.Fatal(err)
	}
	var r *Renderer
	if renderer {
		r = NewRenderer(Options{SiteDir: siteDir})
		if _, _, err := r.Render(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Every kind of edit once, in a random order, then random ones.
	order := e.rng.Perm(len(edits))
	for range 3 {
		order = append(order, e.rng.IntN(len(edits)))
	}
	lands, appeared, gone := landFiles(t, out), 0, 0
	if len(lands) == 0 {
		t.Fatal("the site has no land file: the test does not exercise them")
	}
	defer func() {
		if !t.Failed() && (appeared == 0 || gone == 0) {
			t.Errorf("land files appeared %d times and left %d times: the edits do not exercise both", appeared, gone)
		}
	}()
	for step, k := range order {
		ed := edits[k]
		ed.apply(e)
		if err := synth.WriteSite(siteDir, e.cfg, e.recs); err != nil {
			t.Fatal(err)
		}
		rep, err := Build(ctx, Options{SiteDir: siteDir, OutDir: out})
		if err != nil {
			t.Fatalf("step %d (%s): incremental build: %v", step, ed.name, err)
		}
		// The cold build takes nothing from earlier ones: not even the
		// features that a Renderer in the process keeps.
		cold := filepath.Join(tmp, fmt.Sprintf("cold-%d", step))
		keepEncodings.Store(false)
		_, err = Build(ctx, Options{SiteDir: siteDir, OutDir: cold})
		keepEncodings.Store(renderer)
		if err != nil {
			t.Fatalf("step %d (%s): cold build: %v", step, ed.name, err)
		}
		want := readTree(t, cold)
		compareTrees(t, fmt.Sprintf("step %d (%s): incremental build", step, ed.name), want, readTree(t, out))
		checkNoEmptyFolders(t, fmt.Sprintf("step %d (%s): incremental build", step, ed.name), out)
		now, in, left := landFiles(t, out), 0, 0
		for f := range now {
			if !lands[f] {
				in++
			}
		}
		for f := range lands {
			if !now[f] {
				left++
			}
		}
		if ed.name == "shared land new" && in == 0 || ed.name == "shared land gone" && left == 0 {
			t.Errorf("step %d (%s): %d land files joined the output and %d left it", step, ed.name, in, left)
		}
		lands, appeared, gone = now, appeared+in, gone+left
		if has := checkSpare(t, out); has != spare {
			t.Errorf("step %d (%s): spare tree beside the output: %v, want %v", step, ed.name, has, spare)
		}
		if rep.Reused == 0 {
			t.Errorf("step %d (%s): the build took nothing from the last", step, ed.name)
		}
		if r == nil {
			t.Logf("step %d (%s): build took %d of %d files from the last", step, ed.name, rep.Reused, rep.Files)
			os.RemoveAll(cold)
			if t.Failed() {
				t.FailNow()
			}
			continue
		}
		files, srep, err := r.Render(ctx)
		if err != nil {
			t.Fatalf("step %d (%s): Renderer: %v", step, ed.name, err)
		}
		delete(want, Marker)
		delete(want, ManifestName)
		compareTrees(t, fmt.Sprintf("step %d (%s): Renderer", step, ed.name), want, files)
		t.Logf("step %d (%s): build took %d of %d files from the last, Renderer %d pages of %d", step, ed.name, rep.Reused, rep.Files, srep.Reused, srep.Pages)
		// A new text renders the record's page, its neighbours' and
		// related records' pages, and the four others, no more.
		if again := srep.Pages - srep.Reused; (ed.name == "title" || ed.name == "summary") && again > 12 {
			t.Errorf("step %d (%s): the Renderer rendered %d pages again", step, ed.name, again)
		}
		os.RemoveAll(cold)
		if t.Failed() {
			t.FailNow()
		}
	}
}

// compareTrees reports every path missing, extra or different in got.
func compareTrees(t *testing.T, what string, want, got map[string][]byte) {
	t.Helper()
	n := 0
	for p, b := range want {
		g, ok := got[p]
		switch {
		case !ok:
			t.Errorf("%s: %s is missing", what, p)
		case !bytes.Equal(g, b):
			t.Errorf("%s: %s differs from a full build's", what, p)
		default:
			continue
		}
		if n++; n > 10 {
			t.Fatalf("%s: and more", what)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: %s is not in a full build", what, p)
		}
	}
}

// TestUnchangedRebuildLinksEverything: a second build of the same site
// renders no record page and writes every file of the output as a link to
// the previous one's, leaving the old output as it was.
func TestUnchangedRebuildLinksEverything(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	first := buildTo(t, fixture, out)
	if first.Reused != 0 {
		t.Errorf("first build reused %d files", first.Reused)
	}
	before := readTree(t, out)
	rep := buildTo(t, fixture, out)
	// Every file but the manifest and the marker, which are written anew.
	if want := len(before) - 2; rep.Reused != want || rep.Files != want {
		t.Errorf("second build reused %d of %d files, want all %d", rep.Reused, rep.Files, want)
	}
	assertSameTree(t, before, readTree(t, out))
}

// TestRebuildCopiesWhereLinksFail: where the system refuses hard links
// (another device, a file system without them), the unchanged files are
// copied from the previous output instead, and the result is the same.
func TestRebuildCopiesWhereLinksFail(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	buildTo(t, fixture, out)
	before := readTree(t, out)
	var tries atomic.Int32
	defer func(orig func(string, string, bool) error) { linkFile = orig }(linkFile)
	linkFile = func(from, to string, _ bool) error {
		tries.Add(1)
		return &os.LinkError{Op: "link", Old: from, New: to, Err: syscall.EXDEV}
	}
	rep := buildTo(t, fixture, out)
	if want := len(before) - 2; rep.Reused != want {
		t.Errorf("reused %d files, want all %d", rep.Reused, want)
	}
	// Each worker may try once before the first failure is known.
	if n := int(tries.Load()); n == 0 || n > runtime.GOMAXPROCS(0) {
		t.Errorf("%d links tried, want one, or one per worker (then copies)", n)
	}
	assertSameTree(t, before, readTree(t, out))
}

// TestReusedFilesAreNotWrittenThrough: a file taken from the previous
// output shares its inode while both exist; the build must create every
// file it writes anew, never open an existing one, so that a failed build
// leaves the old output exactly as it was.
func TestReusedFilesAreNotWrittenThrough(t *testing.T) {
	siteDir := copySite(t)
	out := filepath.Join(t.TempDir(), "public")
	buildTo(t, siteDir, out)
	before := readTree(t, out)
	src, _ := os.ReadFile(filepath.Join(siteDir, "data", "records.toml"))
	os.WriteFile(filepath.Join(siteDir, "data", "records.toml"), bytes.Replace(src, []byte("A day-precision attack"), []byte("An edited attack"), 1), 0o644)
	// The build fails at its marker, after every other file is made.
	orig := writeFile
	writeFile = func(name string, data []byte) error {
		if filepath.Base(name) == Marker {
			return fmt.Errorf("disk full")
		}
		return orig(name, data)
	}
	_, err := Build(context.Background(), Options{SiteDir: siteDir, OutDir: out})
	writeFile = orig
	if err == nil {
		t.Fatal("Build with a failing marker write succeeded")
	}
	assertSameTree(t, before, readTree(t, out))
}

// TestManifestRoundTrip: a manifest reads back as written, and a damaged
// one is refused.
func TestManifestRoundTrip(t *testing.T) {
	m := manifest{
		"index.html":             {sum: sum([]byte("a")), size: 1, summed: true},
		"incidents/x/index.html": {size: 2, key: sum([]byte("k")), keyed: true},
		"layers/all.geojson":     {size: 1 << 30},
		"odd name/with space.js": {sum: sum(nil), size: 0, summed: true},
	}
	got, err := decodeManifest(m.encode())
	if err != nil {
		t.Fatal(err)
	}
	// Read back, each entry has the number of its line.
	for i, p := range slices.Sorted(maps.Keys(m)) {
		e := m[p]
		e.line = int32(i + 1)
		m[p] = e
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("decodeManifest(encode(m)) = %v, want %v", got, m)
	}
	// Paths out of order, twice, or one that encode leaves out: no entry
	// has a line number.
	for _, text := range []string{"- 1 - b\n- 2 - a\n", "- 1 - a\n- 2 - a\n", "- 1 - a\n- 2 - b\rc\n"} {
		got, err := decodeManifest([]byte(manifestHeader + text))
		if err != nil {
			t.Fatal(err)
		}
		for p, e := range got {
			if e.line != 0 {
				t.Errorf("decodeManifest(%q): %s has line %d, want none", text, p, e.line)
			}
		}
	}
	for _, bad := range []string{"", "mapsite manifest; other\n", manifestHeader + "00 1 - x\n", manifestHeader + fmt.Sprintf("%x 1 - x", sum(nil)),
		manifestHeader + "- x - p\n", manifestHeader + "- 1 - \n", manifestHeader + "- 1 zz p\n", manifestHeader + "- -1 - p\n",
		manifestHeader + "- 12345678901234567890 - p\n", manifestHeader + fmt.Sprintf("%x1 1 - p\n", sum(nil)), manifestHeader + "-  1 - p\n"} {
		if _, err := decodeManifest([]byte(bad)); err == nil {
			t.Errorf("decodeManifest(%q) succeeded", bad)
		}
	}
}

// TestRecordDigestCoversEveryField changes each field of a record, one at
// a time, and checks that the record's digest changes: a field added to
// incident.Record must be added to recordDigest.
func TestRecordDigestCoversEveryField(t *testing.T) {
	r := incidenttest.Full()
	messagesOnly := map[string]bool{".File": true, ".Line": true}
	want := recordDigest(r)
	checked := 0
	var walk func(path string, v reflect.Value)
	walk = func(path string, v reflect.Value) {
		if messagesOnly[path] {
			return
		}
		change := func(set func()) {
			old := reflect.New(v.Type()).Elem()
			old.Set(v)
			before := r.Clone()
			set()
			if recordDigest(r) == want {
				t.Errorf("changing %s leaves the record's digest as it was", path)
			}
			if sameRecord(before, r) {
				t.Errorf("changing %s leaves the record the same to sameRecord", path)
			}
			v.Set(old)
			checked++
		}
		switch v.Kind() {
		case reflect.Struct:
			if tm, ok := v.Interface().(time.Time); ok {
				change(func() { v.Set(reflect.ValueOf(tm.Add(24 * time.Hour))) })
				return
			}
			for i := range v.NumField() {
				if f := v.Type().Field(i); f.IsExported() {
					walk(path+"."+f.Name, v.Field(i))
				}
			}
		case reflect.String:
			change(func() { v.SetString(v.String() + "x") })
		case reflect.Int, reflect.Int64, reflect.Int32, reflect.Int8, reflect.Int16:
			change(func() { v.SetInt(v.Int() + 1) })
		case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint:
			change(func() { v.SetUint(v.Uint() + 1) })
		case reflect.Float64:
			change(func() { v.SetFloat(v.Float() + 0.5) })
		case reflect.Bool:
			change(func() { v.SetBool(!v.Bool()) })
		case reflect.Pointer:
			change(func() { v.Set(reflect.Zero(v.Type())) })
			walk(path+"*", v.Elem())
		case reflect.Array:
			for i := range v.Len() {
				walk(fmt.Sprintf("%s[%d]", path, i), v.Index(i))
			}
		case reflect.Slice:
			change(func() { v.Set(v.Slice(0, 0)) })
			for i := range v.Len() {
				walk(fmt.Sprintf("%s[%d]", path, i), v.Index(i))
			}
		default:
			t.Errorf("%s: a %s, which this test cannot change", path, v.Kind())
		}
	}
	walk("", reflect.ValueOf(r).Elem())
	t.Logf("%d fields checked", checked)
}

// TestSameRecord checks what the field walk above cannot: sameRecord
// compares floats as the digest does, bit for bit, and a clone, which
// shares no slice, is the same record.
func TestSameRecord(t *testing.T) {
	date, _ := incident.ParseDate("2024-01-03")
	r := &incident.Record{ID: "x", Date: date, Tags: []string{"a"}, Coordinates: &[2]float64{0, 1},
		Location: incident.Location{Lon: 0, Lat: 1}}
	if c := r.Clone(); !sameRecord(r, c) || recordDigest(r) != recordDigest(c) {
		t.Error("a clone is not the same record")
	}
	negLon := r.Clone()
	negLon.Location.Lon = math.Copysign(0, -1)
	negCoord := r.Clone()
	negCoord.Coordinates[0] = math.Copysign(0, -1)
	for name, c := range map[string]*incident.Record{"location -0": negLon, "coordinates -0": negCoord} {
		if recordDigest(r) == recordDigest(c) {
			t.Fatalf("%s: the digest does not tell 0 from -0", name)
		}
		if sameRecord(r, c) {
			t.Errorf("%s: sameRecord takes -0 for 0, which the digest does not", name)
		}
	}
}

// synthInputs returns the place pool of synthetic records and the seed
// site's site.toml, which the tests that edit synthetic sites start from.
func synthInputs(t *testing.T) (*synth.PlacePool, []byte) {
	t.Helper()
	pool, err := synth.LoadPlaces("..")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile("../site.toml")
	if err != nil {
		t.Fatal(err)
	}
	return pool, cfg
}

// TestBuildTakesDecodedDigests checks that a build through the decoded-file
// cache hashes no record's fields: it takes them from the load (see
// site.DecodedDigest), the cold build as well as the warm one; and that
// with the cache off, the digests it makes are the same.
func TestBuildTakesDecodedDigests(t *testing.T) {
	// Nothing from memory, as in a new process (a Renderer, made by
	// another test, turns that on).
	defer func(on bool) { keepEncodings.Store(on) }(keepEncodings.Load())
	keepEncodings.Store(false)
	t.Setenv(geo.CacheEnv, t.TempDir())
	tmp := t.TempDir()
	var trees []map[string][]byte
	for i, cache := range []string{"", "", "off"} {
		if cache != "" {
			t.Setenv(geo.CacheEnv, cache)
		}
		before := lastDigests.fresh.Load()
		out := filepath.Join(tmp, fmt.Sprint(i))
		rep := buildTo(t, fixture, out)
		want := int64(0)
		if cache == "off" {
			want = int64(rep.Records)
		}
		if fresh := lastDigests.fresh.Load() - before; fresh != want {
			t.Errorf("build %d (cache %q): %d record digests made, want %d", i, cache, fresh, want)
		}
		trees = append(trees, readTree(t, out))
	}
	compareTrees(t, "warm build", trees[0], trees[1])
	compareTrees(t, "build without the cache", trees[0], trees[2])
}

// TestPageKeysPos checks that a page key finds a record's place in the
// model newModel makes, and none for nil or a record not of the model.
func TestPageKeysPos(t *testing.T) {
	s, problems := site.Load(synthSite(t, 40))
	if problems.Errors() > 0 {
		t.Fatal(problems)
	}
	m := newModel(s, "")
	k := &pageKeys{m: m}
	for i, rv := range m.Records {
		if got := k.pos(rv); got != i {
			t.Fatalf("pos(record %d) = %d", i, got)
		}
	}
	stranger := *m.Records[7]
	for _, rv := range []*recordView{nil, &stranger} {
		if got := k.pos(rv); got != 0 {
			t.Errorf("pos(%v) = %d, want 0", rv, got)
		}
	}
}
