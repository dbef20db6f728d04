package site

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mapsite/mapsite/diag"
)

// TestDatePastSources checks the warning for a record whose date runs past
// the publication of its newest source (issue 11): only when a source says
// when it was published, and at the record's date.
func TestDatePastSources(t *testing.T) {
	const base = `[[record]]
id = "r"
layer = "attack"
date = %DATE%
title = "t"
place = "Paris"
country = "FR"
summary = "s"
[[record.source]]
title = "a"
url = "https://example.org/a"
%PUB1%
[[record.source]]
title = "b"
url = "https://example.org/b"
%PUB2%
`
	tests := []struct {
		name, date, pub1, pub2, want string
	}{
		{"no publication dates", `"2023/2024"`, ``, ``, ``},
		{"span past the article", `"2023/2024"`, `published = 2024-04-30`, ``,
			`data/r.toml:4:1: warning: record "r": date: "2023/2024" runs to 31 December 2024, after the newest source was published (30 April 2024): end it where the evidence ends, e.g. date = "2023/2024-04"`},
		{"span ending with the article", `"2023/2024-04"`, `published = 2024-04-30`, ``, ``},
		{"newest source counts", `"2023/2024"`, `published = 2024-04-30`, `published = "2025-01"`, ``},
		{"newest of two still too early", `"2023/2024"`, `published = 2024-01-02`, `published = "2024-04"`,
			`data/r.toml:4:1: warning: record "r": date: "2023/2024" runs to 31 December 2024, after the newest source was published (April 2024): end it where the evidence ends, e.g. date = "2023/2024-04"`},
		{"year of publication", `"2024"`, `published = "2024-04-30"`, ``,
			`data/r.toml:4:1: warning: record "r": date: "2024" runs to 31 December 2024, after the newest source was published (30 April 2024): end it where the evidence ends, e.g. date = "2024/2024-04"`},
		{"month of publication", `"2024-04"`, `published = 2024-04-02`, ``, ``},
		{"month after publication", `"2024-04/2024-05"`, `published = 2024-04-02`, ``,
			`data/r.toml:4:1: warning: record "r": date: "2024-04/2024-05" runs to 31 May 2024, after the newest source was published (2 April 2024): end it where the evidence ends, e.g. date = "2024-04"`},
		{"day after publication", `2024-05-01`, `published = 2024-04-30`, ``,
			`data/r.toml:4:1: warning: record "r": date: 1 May 2024 is after the newest source was published (30 April 2024): is the date right, or is a source missing?`},
		{"day of publication", `2024-04-30`, `published = 2024-04-30`, ``, ``},
		{"month-precision publication covers its month", `2024-04-30`, `published = "2024-04"`, ``, ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			copyFile(t, "testdata/good/site.toml", filepath.Join(dir, "site.toml"))
			os.Mkdir(filepath.Join(dir, "data"), 0o755)
			src := strings.NewReplacer("%DATE%", tt.date, "%PUB1%", tt.pub1, "%PUB2%", tt.pub2).Replace(base)
			os.WriteFile(filepath.Join(dir, "data", "r.toml"), []byte(src), 0o644)
			_, l := Load(dir)
			if l.Errors() > 0 {
				t.Fatalf("Load() = %v, want no errors", l)
			}
			var got []string
			for _, d := range l {
				if d.Severity == diag.Warning {
					got = append(got, d.String())
				}
			}
			if g := strings.Join(got, "\n"); g != tt.want {
				t.Errorf("warnings = %q,\nwant %q", g, tt.want)
			}
		})
	}
}

// TestTooManyErrors checks that the loader stops reading a file after
// MaxFileErrors errors, and says so.
func TestTooManyErrors(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "testdata/good/site.toml", filepath.Join(dir, "site.toml"))
	os.Mkdir(filepath.Join(dir, "data"), 0o755)
	os.WriteFile(filepath.Join(dir, "data", "x.toml"), []byte(strings.Repeat("[[record]]\n", 5000)), 0o644)
	_, l := Load(dir)
	if n := l.Errors(); n < MaxFileErrors || n > MaxFileErrors+20 {
		t.Errorf("Load(5000 empty records) = %d errors, want about %d", n, MaxFileErrors)
	}
	found := false
	for _, d := range l {
		found = found || strings.Contains(d.Message, "too many errors") && d.Line == 1
	}
	if !found {
		t.Errorf("Load(5000 empty records) does not say it stopped at too many errors")
	}
}

// TestTooManyUnknownKeys checks the same limit on unknown keys, in
// site.toml and at the top of a data file; finding where each is written
// must not take time that grows with the square of their number.
func TestTooManyUnknownKeys(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 20000; i++ {
		b.WriteString("k" + strconv.Itoa(i) + " = 1\n")
	}
	keys := b.String()
	for _, name := range []string{"site.toml", "data/r.toml"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			copyFile(t, "testdata/good/site.toml", filepath.Join(dir, "site.toml"))
			os.Mkdir(filepath.Join(dir, "data"), 0o755)
			f, _ := os.OpenFile(filepath.Join(dir, filepath.FromSlash(name)), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
			f.WriteString(keys)
			f.Close()
			start := time.Now()
			_, l := Load(dir)
			if n := l.Errors(); n < MaxFileErrors || n > MaxFileErrors+2 {
				t.Errorf("Load(20000 unknown keys in %s) = %d errors, want %d and a note", name, n, MaxFileErrors+1)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("Load(20000 unknown keys in %s) took %v", name, d)
			}
		})
	}
}
