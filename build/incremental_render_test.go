package build

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mapsite/mapsite/internal/synth"
	"github.com/mapsite/mapsite/site"
	"github.com/mapsite/mapsite/templates"
)

// TestRendererEqualsRender edits a synthetic site of 700 records (three
// detail chunks of the map's data, five layers) at random and, after each
// edit, compares what a Renderer with a site.Loader makes (as mapsite serve
// does: the decoded blocks, features, chunks and layer files of the last
// render reused) with a cold in-memory Render that keeps nothing: every
// file, path and bytes.
func TestRendererEqualsRender(t *testing.T) {
	if testing.Short() {
		t.Skip("a few dozen renders")
	}
	t.Setenv("MAPSITE_CACHE", "off")
	pool, cfg := synthInputs(t)
	e := &editor{rng: rand.New(rand.NewPCG(3, 9)), recs: synth.Generate(700, 2, pool), cfg: cfg, pool: pool}
	siteDir := filepath.Join(t.TempDir(), "site")
	if err := synth.WriteSite(siteDir, e.cfg, e.recs); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ld := site.NewLoader(siteDir)
	t.Cleanup(ld.Close)
	r := NewRenderer(Options{SiteDir: siteDir, Loader: ld})
	if _, _, err := r.Render(ctx); err != nil {
		t.Fatal(err)
	}
	// Every kind of edit once, then random ones; and a title changed
	// without changing its length, which only the bytes tell.
	all := append(slices.Clone(edits), edit{"title of the same length", func(e *editor) {
		r := e.pick()
		b := []byte(r.Title)
		b[0] = "QXZ"[e.rng.IntN(3)]
		r.Title = string(b)
	}}, edit{"a layer's colour and symbol", func(e *editor) {
		// Shown in every row of the table page, which keeps its rows.
		e.cfg = bytes.Replace(e.cfg, []byte(`color       = "#0072B2"
symbol      = "square"`), []byte(`color       = "#123456"
symbol      = "star"`), 1)
	}})
	order := e.rng.Perm(len(all))
	for range 6 {
		order = append(order, e.rng.IntN(len(all)))
	}
	for step, k := range order {
		ed := all[k]
		ed.apply(e)
		if err := synth.WriteSite(siteDir, e.cfg, e.recs); err != nil {
			t.Fatal(err)
		}
		got, _, err := r.Render(ctx)
		if err != nil {
			t.Fatalf("step %d (%s): Renderer: %v", step, ed.name, err)
		}
		keepEncodings.Store(false)
		want, _, err := Render(ctx, Options{SiteDir: siteDir})
		keepEncodings.Store(true)
		if err != nil {
			t.Fatalf("step %d (%s): Render: %v", step, ed.name, err)
		}
		compareTrees(t, fmt.Sprintf("step %d (%s): Renderer", step, ed.name), want, got)
		if t.Failed() {
			t.FailNow()
		}
	}
}

// TestRendererTemplates checks that a Renderer, which keeps its parsed
// templates while the site's templates/ folder is unchanged, renders with
// a template the site adds, changes or removes after its first render.
func TestRendererTemplates(t *testing.T) {
	dir := copySite(t)
	r := NewRenderer(Options{SiteDir: dir})
	about := func() string {
		t.Helper()
		files, _, err := r.Render(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return string(files["about/index.html"])
	}
	builtin, err := fs.ReadFile(templates.FS, "about.html")
	if err != nil {
		t.Fatal(err)
	}
	own := filepath.Join(dir, "templates", "about.html")
	os.MkdirAll(filepath.Dir(own), 0o755)
	os.Remove(own)
	if strings.Contains(about(), "own-about-1") {
		t.Fatal("the marker is there before it is written")
	}
	for _, mark := range []string{"own-about-1", "own-about-2"} {
		if err := os.WriteFile(own, bytes.Replace(builtin, []byte("{{define \"main\"}}"), []byte("{{define \"main\"}}<p>"+mark+"</p>"), 1), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := about(); !strings.Contains(got, mark) {
			t.Fatalf("the about page does not show the site's template (%s)", mark)
		}
	}
	os.Remove(own)
	if strings.Contains(about(), "own-about-2") {
		t.Fatal("the about page still shows the removed template")
	}
}

// TestRendererDropsUnusedFiles checks that the files a Renderer keeps for
// the next render are those its last render made: one that no render
// makes any more (a layer gone, a chunk past the last) is dropped.
func TestRendererDropsUnusedFiles(t *testing.T) {
	dir := copySite(t)
	r := NewRenderer(Options{SiteDir: dir})
	kept := func() []string {
		lastMade.mu.Lock()
		defer lastMade.mu.Unlock()
		var keys []string
		for k := range lastMade.last {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return keys
	}
	files, _, err := r.Render(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(kept(), "layers/all.geojson") {
		t.Fatalf("kept %v, not layers/all.geojson", kept())
	}
	for _, k := range kept() {
		if _, ok := files[k]; !ok && strings.HasPrefix(k, "layers/") {
			t.Errorf("kept %s, which the render did not make", k)
		}
	}
	lastMade.mu.Lock()
	lastMade.last["layers/gone.geojson"] = madeFile{}
	lastMade.mu.Unlock()
	if _, _, err := r.Render(context.Background()); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(kept(), "layers/gone.geojson") {
		t.Fatal("a file no render makes any more is still kept")
	}
}

// TestRendererRemakesOnlyChanged checks that after a one-record edit a
// Renderer hashes that record only, makes its rows of the table page and
// the CSV and its values in the map data's list columns, and takes every
// other row, value, dict column and digest from the last render (TestRendererEqualsRender checks
// that the result is the same as a cold render's).
func TestRendererRemakesOnlyChanged(t *testing.T) {
	t.Setenv("MAPSITE_CACHE", "off")
	pool, cfg := synthInputs(t)
	recs := synth.Generate(300, 4, pool)
	dir := filepath.Join(t.TempDir(), "site")
	if err := synth.WriteSite(dir, cfg, recs); err != nil {
		t.Fatal(err)
	}
	ld := site.NewLoader(dir)
	t.Cleanup(ld.Close)
	r := NewRenderer(Options{SiteDir: dir, Loader: ld})
	if _, _, err := r.Render(context.Background()); err != nil {
		t.Fatal(err)
	}
	counts := func() map[string]int64 {
		c := map[string]int64{"digests": lastDigests.fresh.Load(), "table rows": lastTableRows.fresh.Load(),
			"CSV rows": lastCSVFile.fresh.Load()}
		lastColumns.Lock()
		defer lastColumns.Unlock()
		for name, s := range lastColumns.list {
			c[name] = s.fresh.Load()
		}
		for name, d := range lastColumns.dicts {
			c[name] = d.fresh.Load()
		}
		return c
	}
	before := counts()
	recs[123].Title = "An edited title"
	if err := synth.WriteSite(dir, cfg, recs); err != nil {
		t.Fatal(err)
	}
	files, _, err := r.Render(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(files["incidents/index.html"], []byte(">An edited title</a>")) {
		t.Fatal("the table page does not show the edit")
	}
	after := counts()
	if len(after) < 10 {
		t.Fatalf("only %d caches: %v", len(after), after)
	}
	for name, n := range after {
		want := int64(0) // a dict column: the same values
		lastColumns.Lock()
		if name == "digests" || name == "table rows" || name == "CSV rows" || lastColumns.list[name] != nil {
			want = 1 // the record's own
		}
		lastColumns.Unlock()
		if got := n - before[name]; got != want {
			t.Errorf("%s: made %d after a one-title edit, want %d", name, got, want)
		}
	}
}
