package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// column is one column of the table: its heading and how a row shows it.
type column struct {
	head string
	cell func(r row) string
}

var columns = []column{
	{"records", func(r row) string { return thousands(r.n) }},
	{"build Hugo / mapsite", func(r row) string { return pair(secs(r.hugo.wall), secs(r.mapsite.wall)) }},
	{"Hugo ÷ mapsite", func(r row) string { return ratio(r.hugo.wall, r.mapsite.wall) }},
	{"build CPU Hugo / mapsite", func(r row) string { return pair(secs(r.hugo.cpu), secs(r.mapsite.cpu)) }},
	{"CPU Hugo ÷ mapsite", func(r row) string { return ratio(r.hugo.cpu, r.mapsite.cpu) }},
	{"mapsite, warm caches", func(r row) string { return secs(r.mapsiteWarm.wall) }},
	{"Hugo ÷ warm", func(r row) string { return ratio(r.hugo.wall, r.mapsiteWarm.wall) }},
	{"peak RSS Hugo / mapsite", func(r row) string { return pair(bytes(r.hugo.rss), bytes(r.mapsite.rss)) }},
	{"output Hugo / mapsite", func(r row) string { return pair(bytes(r.hugoBytes), bytes(r.mapsiteBytes)) }},
	{"writing the output alone Hugo / mapsite", func(r row) string { return pair(secs(r.hugoFloor.wall), secs(r.mapsiteFloor.wall)) }},
	{"rebuild after 1 edit Hugo / mapsite", func(r row) string { return pair(secs(r.hugoEdit), secs(r.mapsiteEdit)) }},
	{"serve: save → reload", func(r row) string { return secs(r.serveEdit) }},
	{"map: markers drawn", func(r row) string { return millis(r.drawn) }},
	{"popup", func(r row) string { return millis(r.popup) }},
	{"filter", func(r row) string { return millis(r.filter) }},
	{"first search: at once / 1 s after the focus", func(r row) string { return pair(millis(r.search), millis(r.searchFocused)) }},
}

// printTable writes rows as a Markdown table, and under it how the runs
// were made, what a page of fresh memory cost on the machine (page; zero
// if not measured) and the mode of its transparent huge pages (thp; ""
// if there are none).
func printTable(w io.Writer, rows []row, runs int, page time.Duration, thp string) {
	heads := make([]string, len(columns))
	rules := make([]string, len(columns))
	for i, c := range columns {
		heads[i], rules[i] = c.head, "---"
	}
	fmt.Fprintf(w, "| %s |\n|%s|\n", strings.Join(heads, " | "), strings.Join(rules, "|"))
	for _, r := range rows {
		cells := make([]string, len(columns))
		for i, c := range columns {
			cells[i] = c.cell(r)
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	fmt.Fprintf(w, "\nMedians of %d alternating runs; outputs on tmpfs; Hugo with --minify; map times in headless Chromium.\n", runs)
	fmt.Fprintln(w, "\"Writing the output alone\" writes a copy of each tool's output from memory as mapsite's build writes its own (build.WriteFiles), with nothing else to do: the kernel's part, which no build of that output with that writer goes below.")
	fmt.Fprintln(w, "mapsite's build starts with empty caches (MAPSITE_CACHE); \"warm caches\" builds into a new output folder with the decoded files, geocoding answers and minified assets of an earlier run; the rebuild after an edit and serve keep them.")
	if page > 0 {
		fmt.Fprintf(w, "This machine: %.1f µs to touch a page of fresh memory (median of three 256 MiB mappings); runs on machines that differ here differ throughout.\n", float64(page.Nanoseconds())/1000)
	}
	if thp != "" {
		fmt.Fprintf(w, "Transparent huge pages: %s (in the madvise mode mapsite's heap asks for them, Hugo's does not: internal/hugeheap).\n", thp)
	}
}

const none = "–"

func pair(a, b string) string { return a + " / " + b }

func secs(d time.Duration) string {
	switch {
	case d == 0:
		return none
	case d < time.Second:
		return fmt.Sprintf("%d ms", d.Milliseconds())
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func millis(ms float64) string {
	if ms == 0 {
		return none
	}
	return fmt.Sprintf("%.0f ms", ms)
}

func ratio(a, b time.Duration) string {
	if a == 0 || b == 0 {
		return none
	}
	return fmt.Sprintf("%.1f×", float64(a)/float64(b))
}

func bytes(n int64) string {
	switch {
	case n == 0:
		return none
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
}

// thousands writes n with thousands separators: 100000 gives "100,000".
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
