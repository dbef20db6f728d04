// Package build turns a site folder into a static map site: load,
// validate, geocode, assemble, render, minify, write. Nothing is written
// until every step before has succeeded, and the output folder is swapped
// in whole, so a failed build leaves the previous one as it was.
package build

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mapsite/mapsite/basemap"
	"github.com/mapsite/mapsite/diag"
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/site"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Options say what to build and where.
type Options struct {
	SiteDir string // holds site.toml and data/
	OutDir  string // replaced whole on success
	BaseURL string // overrides site.toml's base_url; only for absolute URLs in the feed, sitemap and social meta
	Force   bool   // replace an output folder that mapsite did not write
	// AllowEmpty lets a build with no records replace a published site
	// that has some.
	AllowEmpty bool
	// LockWait is how long to wait for another build into OutDir to
	// finish before refusing; 0 means DefaultLockWait.
	LockWait time.Duration
	Log      io.Writer // says when the build waits for another, or repairs a killed one's output
	// Loader, when set, loads the site instead of site.Load(SiteDir):
	// mapsite serve keeps one, which decodes only the files that changed.
	Loader interface {
		Load() (*site.Site, diag.List)
	}
	// Progress, when set, gets a progress line (records loaded, pages
	// written, time left) once the build has run for two seconds: a
	// terminal, never a pipe or file (see IsTerminal).
	Progress io.Writer
	// LimitMemory lowers the Go runtime's soft memory limit once the site
	// is loaded, to what the rest of the build needs (see limitMemory):
	// for mapsite build, whose process builds once.
	LimitMemory bool

	lastTemplates *templateCache // a Renderer's: see Options.templates
	// releasePlaces lets go of the place list once every record is
	// placed (see geo.Release): a Build without a Loader, which a
	// process makes once.
	releasePlaces bool
}

// Report describes a finished build.
type Report struct {
	Records   int
	Layers    map[string]int
	Pages     int
	Files     int
	Bytes     int
	Reused    int // files taken unchanged from the previous build (see ManifestName)
	Precision map[geo.Precision]int
	Steps     []Step
	Warnings  diag.List
	Notes     []string // what the build left out, and why
}

// Step is one timed stage of the pipeline.
type Step struct {
	Name     string
	Duration time.Duration
}

// Build builds the site into opt.OutDir. A data problem returns a
// *diag.DataError listing every error; any other failure names the step
// that failed.
func Build(ctx context.Context, opt Options) (*Report, error) {
	if err := checkOutput(opt.SiteDir, opt.OutDir, opt.Force); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	wait := opt.LockWait
	if wait == 0 {
		wait = DefaultLockWait
	}
	out, err := openOutput(opt.OutDir, wait, opt.Log)
	if err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	defer out.close()
	// Files are written into the temporary folder as they are made, and
	// the folder is swapped in only when the build has succeeded. The
	// output's manifest, index and spare are read (begin) while the site
	// loads: nothing before the render step needs them.
	b := beginAside(out)
	prog := startProgress(opt.Progress)
	opt.releasePlaces = opt.Loader == nil
	rep, err := render(ctx, opt, b.sink, prog)
	prog.end()
	tmp, dir, berr := b.wait()
	if berr != nil {
		if err == nil {
			return nil, fmt.Errorf("write: %w", berr)
		}
		return nil, err
	}
	if err == nil {
		checkpoint("rendered")
		if n := out.publishedRecords(); rep.Records == 0 && n > 0 && !opt.AllowEmpty {
			err = fmt.Errorf("output: %w", emptySiteError(opt.OutDir, n))
		}
	}
	if err != nil {
		dir.release()
		out.discard(tmp)
		return nil, err
	}
	err = rep.step(ctx, "write", func() error {
		return out.commit(tmp, dir, rep.Records)
	})
	if err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	return rep, nil
}

// begun is an output.begin run on a goroutine of its own.
type begun struct {
	done chan struct{}
	tmp  string
	dir  *dirSink
	err  error
}

// beginAside starts out.begin beside the caller.
func beginAside(out *output) *begun {
	b := &begun{done: make(chan struct{})}
	go func() {
		defer close(b.done)
		b.tmp, b.dir, b.err = out.begin()
	}()
	return b
}

// wait returns what begin returned, once it has.
func (b *begun) wait() (string, *dirSink, error) {
	<-b.done
	return b.tmp, b.dir, b.err
}

// sink waits for begin and returns its sink, for render.
func (b *begun) sink() (sink, error) {
	_, dir, err := b.wait()
	if err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	return dir, nil
}

// step runs f as a timed step of the report.
func (rep *Report) step(ctx context.Context, name string, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	start := time.Now()
	err := f()
	rep.Steps = append(rep.Steps, Step{name, time.Since(start)})
	return err
}

// Render does every step of Build but the write, and returns the site's
// files in memory (the development server serves them from there).
func Render(ctx context.Context, opt Options) (Files, *Report, error) {
	mem := &memSink{files: Files{}}
	rep, err := render(ctx, opt, func() (sink, error) { return mem, nil }, nil)
	if err != nil {
		return nil, nil, err
	}
	return mem.files, rep, nil
}

// render does every step of Build but the swap, and hands each file to
// the sink open returns (called once, before the first file is made) as
// soon as it is made.
func render(ctx context.Context, opt Options, open func() (sink, error), prog *progress) (*Report, error) {
	rep := &Report{Layers: map[string]int{}, Precision: map[geo.Precision]int{}}
	step := func(name string, f func() error) error { return rep.step(ctx, name, f) }
	var (
		s        *site.Site
		problems diag.List
		m        *model
	)
	tmplKey, ownTemplates := templatesDigest(opt.SiteDir) // before they are read: see pageKeys
	prep := prepare(opt, tmplKey)
	defer prep.wait() // nothing may still run when the build returns
	err := step("load", func() error {
		if opt.Loader != nil {
			s, problems = opt.Loader.Load()
		} else {
			s, problems = site.Load(opt.SiteDir)
		}
		prog.loaded(len(s.Records))
		prog.stage("placing them")
		return nil
	})
	if err != nil {
		return nil, err
	}
	if opt.LimitMemory {
		limitMemory(len(s.Records))
	}
	// The model is assembled while the records are placed, when the load
	// found no error (a model needs every related record): newModel reads
	// no record's Location, the one field geocoding writes.
	baseURL, urlErr := normalizeBaseURL(opt.BaseURL, s.Config.BaseURL)
	var early chan *model
	if problems.Errors() == 0 && urlErr == nil {
		early = make(chan *model, 1)
		go func() { early <- newModel(s, baseURL) }()
	}
	err = step("geocode", func() error {
		// Through the geocoding caches: the place list is loaded only
		// for a place not placed before.
		l, err := s.Locate()
		if err != nil {
			return fmt.Errorf("geocode: %w", err)
		}
		problems.Append(l)
		problems.Sort()
		if opt.releasePlaces {
			geo.Release() // nothing after this places a record
		}
		return problems.Err()
	})
	if err != nil {
		if early != nil {
			<-early
		}
		return nil, err
	}
	rep.Warnings = problems
	if urlErr != nil {
		return nil, urlErr
	}
	updated := lastUpdate(s)
	// Past the checks above, the load found no error and the base URL is
	// good: the model is being made (early is set).
	err = step("assemble", func() error {
		m = <-early
		return nil
	})
	if err != nil { // cancelled before the step ran
		<-early
		return nil, err
	}
	out, err := open()
	if err != nil {
		return nil, err
	}
	prog.stage("writing the data files, assets and base map")
	err = step("render", func() error {
		// The files made from every record (see aggregates) are made on a
		// goroutine of their own, beside the assets and the base map,
		// which do not show them. The pages rendered wait for them (the
		// unchanged record pages are taken meanwhile): the map page
		// names data.js, a site's own templates may show anything, and
		// the record pages rendered beside them made a larger live heap
		// (at 100,000 records, peak RSS 649 -> 592 MB with them apart, for
		// the same CPU).
		var dataJS []byte
		done := make(chan error, 1)
		go func() {
			var err error
			dataJS, err = m.aggregates(out)
			done <- err
		}()
		waited, aggErr := false, error(nil)
		wait := func() error {
			if !waited {
				waited, aggErr = true, <-done
			}
			return aggErr
		}
		defer wait() // nothing may still write when the build returns

		files := Files{}
		ready := prep.wait()
		a, err := ready.assets, ready.assetsErr
		if err != nil {
			return fmt.Errorf("assets: %w", err)
		}
		if err := m.addBasemap(a, opt.SiteDir); err != nil {
			return fmt.Errorf("base map: %w", err)
		}
		for p, b := range a.files {
			files[p] = b
		}
		if files["feed.xml"], err = m.feed(updated); err != nil {
			return fmt.Errorf("feed: %w", err)
		}
		sitemap, err := m.sitemap()
		if err != nil {
			return fmt.Errorf("sitemap: %w", err)
		}
		if sitemap != nil {
			files["sitemap.xml"] = sitemap
		} else {
			rep.Notes = append(rep.Notes, "no sitemap.xml: a sitemap needs absolute URLs; set base_url in site.toml or pass --base-url")
		}
		files["robots.txt"] = m.robots()
		paths := files.Paths()
		if err := parallel(len(paths), func(i int) error { return out.put(paths[i], files[paths[i]]) }); err != nil {
			return err
		}
		t, err := ready.templates, ready.templatesErr
		if err != nil {
			return err
		}
		// addData adds data.js to the assets once it is made.
		addData := func() error {
			if err := wait(); err != nil {
				return err
			}
			if _, ok := a.byName["data.js"]; !ok {
				a.addFingerprinted("data.js", dataJS)
				return out.put(a.byName["data.js"].Path, dataJS)
			}
			return nil
		}
		if ownTemplates {
			if err := addData(); err != nil {
				return err
			}
		}
		// The keys do not cover data.js (see newPageKeys).
		out.keyPages(newPageKeys(m, a, tmplKey, ownTemplates, updated))
		rep.Pages, err = m.pages(t, a, updated, out, prog, wait, addData)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	rep.Records = len(s.Records)
	for _, r := range s.Records {
		rep.Layers[r.Layer]++
		rep.Precision[r.Location.Precision]++
	}
	if m.tilesNote != "" {
		rep.Notes = append(rep.Notes, m.tilesNote)
	}
	rep.Files, rep.Bytes = out.count()
	rep.Reused = out.reused()
	return rep, nil
}

// prepared is the work of a build that reads no record: the assets,
// minified and fingerprinted, the templates and the bundled base map.
type prepared struct {
	done         chan struct{}
	assets       *assetSet
	assetsErr    error
	templates    *templateSet
	templatesErr error
}

// prepare starts that work before the load, so that it runs on the core
// that loading and placing the records leave free: at 1,000 records, most
// of the minifying and the base map's outlines no longer wait for them.
func prepare(opt Options, tmplKey digest) *prepared {
	p := &prepared{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.assets, p.assetsErr = collectAssets(opt.SiteDir, newMinifier())
		p.templates, p.templatesErr = opt.templates(tmplKey)
		basemap.Bundled() // kept for the process: addBasemap takes it
	}()
	return p
}

// wait returns p once its work is done.
func (p *prepared) wait() *prepared {
	<-p.done
	return p
}

// aggregates writes the files made from every record, handing each to out
// as it is made, one at a time (at 100,000 records they add up to over
// 400 MB): the GeoJSON layers, incidents.csv and the map's data chunks. It
// returns the map's data script, data.js, which names the chunks.
func (m *model) aggregates(out sink) ([]byte, error) {
	// Nothing after these files needs the features: let them go (130 MB
	// at 100,000 records) rather than keep them while the pages render;
	// nor the pages of the output's files they were taken from, but the
	// table page's, whose rows the pages take (see priorFiles).
	defer func() {
		m.featureBytes = nil
		dropPriorPages(tablePage)
	}()
	// A cold build encodes each record once for all three (see
	// encodeOnce).
	keep, once := encodesOnce()
	switch {
	case once && !m.VectorTiles():
		return m.aggregatesOnce(out, keep)
	case once:
		details, err := m.encodeEachOnce(out, keep)
		if err != nil {
			return nil, fmt.Errorf("csv and geojson: %w", err)
		}
		m.details = details
	case takesEncodings() && !m.VectorTiles():
		return m.aggregatesAtOnce(out)
	default:
		// The CSV first: its rows (80 MB at 100,000 records) are gone
		// before the features are made.
		if err := m.csvFile(out); err != nil {
			return nil, fmt.Errorf("csv: %w", err)
		}
		if err := m.layers(out); err != nil {
			return nil, fmt.Errorf("geojson: %w", err)
		}
	}
	var (
		dataJS []byte
		err    error
	)
	if m.VectorTiles() {
		dataJS, err = m.mapTiles(out.put) // records past [map] vector_tiles_above: see maptiles.go
	} else {
		dataJS, err = m.mapDataTo(out)
	}
	if err != nil {
		return nil, fmt.Errorf("map data: %w", err)
	}
	return dataJS, nil
}

// aggregatesOnce is aggregates in a build that encodes each record once
// (keep is what encodesOnce returned) of a site without vector tiles. The
// map's data but the detail chunks (see mapFront) are made beside the
// encoding, which leaves a core idle at times: at 100,000 records they
// took 0.3 s after it, on one core for part of it.
func (m *model) aggregatesOnce(out sink, keep [2]bool) ([]byte, error) {
	d := m.mapDataInto(out)
	var f mapFront
	done := make(chan struct{})
	go func() {
		defer close(done)
		f = m.mapFront(&d)
	}()
	details, err := m.encodeEachOnce(out, keep)
	<-done
	if err != nil {
		return nil, fmt.Errorf("csv and geojson: %w", err)
	}
	if d.err != nil {
		return nil, fmt.Errorf("map data: %w", d.err)
	}
	m.details = details
	return f.script(details), nil
}

// normalizeBaseURL picks the base URL (the flag wins over site.toml) and
// makes it end in "/".
func normalizeBaseURL(flag, config string) (string, error) {
	u := flag
	if u == "" {
		u = config
	}
	if u == "" {
		return "", nil
	}
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		return "", fmt.Errorf("base URL %q is not an absolute http(s) URL", u)
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u, nil
}

// lastUpdate is the build's date: SOURCE_DATE_EPOCH when set, else the
// newest record's date, so that two builds of the same data are identical.
func lastUpdate(s *site.Site) time.Time {
	if v := os.Getenv("SOURCE_DATE_EPOCH"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	var t time.Time
	for _, r := range s.Records {
		if r.Date.Start.After(t) {
			t = r.Date.Start
		}
	}
	return t
}

// Write prints the build summary.
func (r *Report) Write(w io.Writer) {
	var total time.Duration
	var steps []string
	for _, s := range r.Steps {
		total += s.Duration
		steps = append(steps, s.Name+" "+ms(s.Duration))
	}
	var precs []string
	for p := geo.Venue; p <= geo.Country; p++ {
		if n := r.Precision[p]; n > 0 {
			precs = append(precs, english.Sprintf("%s %d", p, n))
		}
	}
	english.Fprintf(w, "built %d records, %d pages, %d files (%s) in %s\n", r.Records, r.Pages, r.Files, size(r.Bytes), ms(total))
	if r.Reused > 0 {
		english.Fprintf(w, "  unchanged  %d files, taken from the previous build\n", r.Reused)
	}
	fmt.Fprintf(w, "  precision  %s\n", strings.Join(precs, ", "))
	fmt.Fprintf(w, "  steps      %s\n", strings.Join(steps, ", "))
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  note       %s\n", n)
	}
}

// english prints the reports on the terminal, numbers grouped in
// thousands (100,000 records), whatever the site's language.
var english = message.NewPrinter(language.English)

// ms writes a duration for a person: 302.5 ms, 4.12 s, 3 min 33 s.
func ms(d time.Duration) string {
	switch {
	case d < time.Second:
		return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%d min %d s", int(d.Minutes()), int(d.Seconds())%60)
}

func size(n int) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
