// Command run measures mapsite against Hugo on synthetic sites and prints
// one Markdown table: cold build time, a build with warm caches, peak RSS,
// output size, what writing each output alone takes, a rebuild after a
// one-record edit, mapsite serve's save-to-reload time, and the map's
// first draw, popup, filter and first search times in headless Chromium.
//
// Runs of mapsite and Hugo alternate, and each figure is the median of
// -runs runs. Sites and outputs live under -dir (tmpfs by default). Peak
// RSS is the child's ru_maxrss, the figure /usr/bin/time -v reports.
//
//	go run ./scripts/bench/run -n 1000,10000 -mapsite ./mapsite -hugo ~/.cache/mapsite-bench/bin/hugo
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mapsite/mapsite/internal/hugeheap"
)

func main() {
	ns := flag.String("n", "1000,10000,100000", "comma-separated numbers of records")
	runs := flag.Int("runs", 3, "runs of each measurement (the median is shown)")
	dir := flag.String("dir", "/dev/shm/mapsite-bench", "scratch folder for sites and outputs (tmpfs)")
	mapsite := flag.String("mapsite", "./mapsite", "the mapsite binary")
	hugo := flag.String("hugo", "", "the Hugo binary (Hugo columns are left empty without it)")
	browser := flag.Bool("browser", true, "time the map in headless Chromium (node scripts/bench/map.mjs)")
	keep := flag.Bool("keep", false, "keep each size's sites and outputs in the scratch folder (by default removed once measured)")
	pageOnly := flag.Bool("page-cost", false, "print what touching a page of fresh memory costs, in nanoseconds, and exit")
	floorOf := flag.String("write-floor", "", "print the median wall and CPU time, in nanoseconds, of writing -runs copies of this output folder from memory as a build writes its own (floor.go), and exit")
	flag.Parse()
	if *pageOnly {
		fmt.Println(pageCost().Nanoseconds())
		return
	}
	if *floorOf != "" {
		r, err := writeFloor(*floorOf, *runs)
		if err != nil {
			log.Fatalf("run: -write-floor: %v", err)
		}
		fmt.Println(r.wall.Nanoseconds(), r.cpu.Nanoseconds())
		return
	}

	b := bench{runs: *runs, dir: *dir, hugo: *hugo, browser: *browser, keep: *keep}
	var err error
	if b.mapsite, err = filepath.Abs(*mapsite); err != nil {
		log.Fatal(err)
	}
	if b.browser {
		if err := findBrowser(); err != nil {
			log.Fatalf("run: %v", err)
		}
	}
	page := pageCostApart()
	if page > 0 {
		fmt.Fprintf(os.Stderr, "bench: this machine takes %.1f µs to touch a page of fresh memory\n", float64(page.Nanoseconds())/1000)
	}
	var rows []row
	for _, f := range strings.Split(*ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			log.Fatalf("run: -n: %q is not a number of records", f)
		}
		r, err := b.measure(n)
		if err != nil {
			log.Fatalf("run: %d records: %v", n, err)
		}
		rows = append(rows, r)
		fmt.Fprintf(os.Stderr, "%d records done\n", n)
	}
	printTable(os.Stdout, rows, *runs, page, hugeheap.Mode())
}

type bench struct {
	runs          int
	dir           string
	mapsite, hugo string
	browser       bool
	keep          bool   // keep the scratch of each size
	cache         string // MAPSITE_CACHE for the mapsite runs (see measure)
}

// removeOutput removes a mapsite output folder and what a build keeps
// beside it (the spare tree and the index of encodings, see README), so
// that the next build into it starts from nothing.
func removeOutput(out string) {
	os.RemoveAll(out)
	for _, suffix := range []string{".spare", ".encodings"} {
		os.RemoveAll(filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+suffix))
	}
}

// result is one process run.
type result struct {
	wall time.Duration
	cpu  time.Duration // user + system: steadier than wall on a shared machine
	rss  int64         // bytes
}

// row is the table's line for one number of records. Zero values are
// shown as "–" (not measured).
type row struct {
	n                       int
	hugo, mapsite           result
	mapsiteWarm             result // a new output folder, the caches on disk warm
	hugoBytes, mapsiteBytes int64
	hugoFloor, mapsiteFloor result // writing the same output from memory (floor.go)
	hugoEdit, mapsiteEdit   time.Duration
	serveEdit               time.Duration
	drawn, popup, filter    float64 // ms
	search, searchFocused   float64 // ms: the first search, typed at once or a second after the focus
}

// measure generates the sites of n records and measures everything.
func (b *bench) measure(n int) (row, error) {
	r := row{n: n}
	base := filepath.Join(b.dir, strconv.Itoa(n))
	if !b.keep {
		defer os.RemoveAll(base) // 3.5 GB of tmpfs at 100,000 records
	}
	site, hugoSite := filepath.Join(base, "site"), filepath.Join(base, "hugo")
	out, hugoOut := filepath.Join(base, "public"), filepath.Join(base, "hugo-public")
	args := []string{"run", "./scripts/bench/gen", "-n", strconv.Itoa(n), "-o", site}
	if b.hugo != "" {
		args = append(args, "-hugo", hugoSite)
	}
	b.progress(n, "generating the sites")
	if err := command("go", args...).Run(); err != nil {
		return r, fmt.Errorf("gen: %w", err)
	}
	// A cold build starts with empty caches (MAPSITE_CACHE, a folder of
	// its own each run): it decodes every file and loads the place list.
	cacheRoot := filepath.Join(base, "cache")
	cold := map[string][]result{}
	for i := range b.runs { // alternate the two tools
		if b.hugo != "" {
			os.RemoveAll(hugoOut)
			res, err := b.run(b.hugo, "--minify", "--quiet", "-s", hugoSite, "-d", hugoOut)
			if err != nil {
				return r, fmt.Errorf("hugo: %w", err)
			}
			cold["hugo"] = append(cold["hugo"], res)
			b.progress(n, "Hugo build %d/%d: %s", i+1, b.runs, res)
		}
		removeOutput(out)
		b.cache = filepath.Join(cacheRoot, "cold-"+strconv.Itoa(i))
		os.RemoveAll(b.cache)
		res, err := b.run(b.mapsite, "build", "-q", "-s", site, "-o", out)
		if err != nil {
			return r, fmt.Errorf("mapsite build: %w", err)
		}
		cold["mapsite"] = append(cold["mapsite"], res)
		b.progress(n, "mapsite cold build %d/%d: %s", i+1, b.runs, res)
	}
	r.hugo, r.mapsite = medianResult(cold["hugo"]), medianResult(cold["mapsite"])
	// The same build into a new output folder, with the caches the last
	// cold build left: decoded files, geocoding answers and minified
	// assets are read back.
	for i := range b.runs {
		removeOutput(out)
		res, err := b.run(b.mapsite, "build", "-q", "-s", site, "-o", out)
		if err != nil {
			return r, fmt.Errorf("mapsite build: %w", err)
		}
		cold["warm"] = append(cold["warm"], res)
		b.progress(n, "mapsite warm build %d/%d: %s", i+1, b.runs, res)
	}
	r.mapsiteWarm = medianResult(cold["warm"])
	r.mapsiteBytes = treeSize(out)
	b.progress(n, "writing each output from memory × %d", b.runs)
	r.mapsiteFloor = writeFloorApart(out, b.runs)
	if b.hugo != "" {
		r.hugoBytes = treeSize(hugoOut)
		r.hugoFloor = writeFloorApart(hugoOut, b.runs)
	}

	// A one-record edit: the title of the middle record, a new text each run.
	id := fmt.Sprintf("r%07d", n/2+1)
	dataFile := filepath.Join(site, "data", fmt.Sprintf("part-%04d.toml", (n/2)/1000+1))
	var hugoEdits, edits []time.Duration
	for i := range b.runs {
		if b.hugo != "" {
			if err := editTitle(filepath.Join(hugoSite, "content", "incidents", id+".md"), "title = \"", i); err != nil {
				return r, err
			}
			res, err := b.run(b.hugo, "--minify", "--quiet", "-s", hugoSite, "-d", hugoOut)
			if err != nil {
				return r, fmt.Errorf("hugo: %w", err)
			}
			hugoEdits = append(hugoEdits, res.wall)
			b.progress(n, "Hugo after an edit %d/%d: %s", i+1, b.runs, res)
		}
		if err := editRecordTitle(dataFile, id, i); err != nil {
			return r, err
		}
		res, err := b.run(b.mapsite, "build", "-q", "-s", site, "-o", out)
		if err != nil {
			return r, fmt.Errorf("mapsite rebuild: %w", err)
		}
		edits = append(edits, res.wall)
		b.progress(n, "mapsite rebuild after an edit %d/%d: %s", i+1, b.runs, res)
	}
	r.hugoEdit, r.mapsiteEdit = median(hugoEdits), median(edits)

	var err error
	b.progress(n, "mapsite serve, save to reload × %d", b.runs)
	if r.serveEdit, err = b.serveEdit(site, dataFile, id); err != nil {
		return r, fmt.Errorf("serve: %w", err)
	}
	if b.browser {
		b.progress(n, "the map in headless Chromium × %d", b.runs)
		if err := b.mapTimes(&r, out, id); err != nil {
			return r, fmt.Errorf("map: %w", err)
		}
	}
	return r, nil
}

// findBrowser checks, before minutes of builds, that the map can be timed:
// Node and the Chromium that tests/lib/harness.mjs starts ($CHROMIUM, or
// Debian's /usr/bin/chromium).
func findBrowser() error {
	if _, err := exec.LookPath("node"); err != nil {
		return fmt.Errorf("node is needed to time the map: %w (or pass -browser=false, BENCH_BROWSER=false with make)", err)
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(chromium); err != nil {
		return fmt.Errorf("no Chromium at %s to time the map: install Debian's (apt-get install chromium), set CHROMIUM to another, or pass -browser=false (BENCH_BROWSER=false with make)", chromium)
	}
	return nil
}

// pageCostApart measures pageCost in a process of its own (this program
// with -page-cost): the memory it touches would otherwise count in the
// peak RSS of every child started after it, as a child begins in its
// parent's memory. Zero if it cannot.
func pageCostApart() time.Duration {
	self, err := os.Executable()
	if err != nil {
		return 0
	}
	out, err := exec.Command(self, "-page-cost").Output()
	if err != nil {
		return 0
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		return 0
	}
	return time.Duration(ns)
}

// progress says on stderr what the run of n records is doing, so that a
// long run (about 10 minutes at 100,000 records) shows it is moving.
func (b *bench) progress(n int, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: %d records: %s\n", n, fmt.Sprintf(format, args...))
}

// String is a run as the progress lines show it.
func (r result) String() string {
	return fmt.Sprintf("%.2f s, %.2f s CPU, %d MB", r.wall.Seconds(), r.cpu.Seconds(), r.rss>>20)
}

// run runs a program to completion and returns its wall time and peak RSS.
func (b *bench) run(name string, args ...string) (result, error) {
	cmd := command(name, args...)
	if name == b.mapsite {
		cmd.Env = append(os.Environ(), "MAPSITE_CACHE="+b.cache)
	}
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		return result{}, err
	}
	res := result{wall: wall}
	res.cpu, res.rss = usage(cmd.ProcessState)
	return res, nil
}

// command is exec.Command with stderr shown (a failing run says why).
func command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	return cmd
}

// serveEdit starts mapsite serve, waits for its first build, and times
// from each edit of the data file to the "reload" event on the page's
// event stream; it returns the median.
func (b *bench) serveEdit(site, dataFile, id string) (time.Duration, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, b.mapsite, "serve", "-s", site, "--addr", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "MAPSITE_CACHE="+b.cache)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	defer func() { cancel(); cmd.Wait() }()
	lines := bufio.NewScanner(stdout)
	var url string
	for lines.Scan() {
		if _, after, ok := strings.Cut(lines.Text(), " at http://"); ok {
			url = "http://" + strings.Fields(after)[0]
			break
		}
	}
	if url == "" {
		return 0, errors.New("serve printed no address")
	}
	go io.Copy(io.Discard, stdout)
	resp, err := http.Get(url + "_mapsite/events")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	events := make(chan string)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				events <- data
			}
		}
		close(events)
	}()
	var times []time.Duration
	for i := range b.runs {
		time.Sleep(300 * time.Millisecond) // let the watcher settle
		start := time.Now()
		if err := editRecordTitle(dataFile, id, 100+i); err != nil {
			return 0, err
		}
		select {
		case ev, ok := <-events:
			if !ok || ev != "reload" {
				return 0, fmt.Errorf("event %q after an edit", ev)
			}
		case <-time.After(5 * time.Minute):
			return 0, errors.New("no reload within 5 minutes")
		}
		times = append(times, time.Since(start))
	}
	return median(times), nil
}

// mapTimes runs the browser timings (scripts/bench/map.mjs).
func (b *bench) mapTimes(r *row, out, id string) error {
	cmd := command("node", "scripts/bench/map.mjs", out, id, strconv.Itoa(b.runs))
	stdout, err := cmd.Output()
	if err != nil {
		return err
	}
	var m struct{ Drawn, Popup, Filter, Search, SearchFocused *float64 }
	if err := json.Unmarshal(stdout, &m); err != nil {
		return fmt.Errorf("map.mjs printed %q: %w", stdout, err)
	}
	for _, x := range []struct {
		dst *float64
		src *float64
	}{{&r.drawn, m.Drawn}, {&r.popup, m.Popup}, {&r.filter, m.Filter}, {&r.search, m.Search}, {&r.searchFocused, m.SearchFocused}} {
		if x.src != nil {
			*x.dst = *x.src
		}
	}
	return nil
}

// editTitle inserts an edit mark after the first occurrence of prefix.
func editTitle(file, prefix string, k int) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	s := string(b)
	i := strings.Index(s, prefix)
	if i < 0 {
		return fmt.Errorf("%s: no %q", file, prefix)
	}
	i += len(prefix)
	return os.WriteFile(file, []byte(s[:i]+"Edit "+strconv.Itoa(k)+": "+s[i:]), 0o644)
}

// editRecordTitle edits the title of record id in a data file.
func editRecordTitle(file, id string, k int) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	s := string(b)
	at := strings.Index(s, "id = \""+id+"\"\n")
	if at < 0 {
		return fmt.Errorf("%s: no record %s", file, id)
	}
	i := strings.Index(s[at:], "title = \"")
	if i < 0 {
		return fmt.Errorf("%s: record %s has no title", file, id)
	}
	i += at + len("title = \"")
	return os.WriteFile(file, []byte(s[:i]+"Edit "+strconv.Itoa(k)+": "+s[i:]), 0o644)
}

// treeSize is the total size of the files under dir.
func treeSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// medianResult takes the medians of wall time, CPU time and peak RSS.
func medianResult(rs []result) result {
	if len(rs) == 0 {
		return result{}
	}
	walls := make([]time.Duration, len(rs))
	cpus := make([]time.Duration, len(rs))
	rss := make([]time.Duration, len(rs))
	for i, r := range rs {
		walls[i], cpus[i], rss[i] = r.wall, r.cpu, time.Duration(r.rss)
	}
	return result{wall: median(walls), cpu: median(cpus), rss: int64(median(rss))}
}
