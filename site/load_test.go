package site

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mapsite/mapsite/diag"
)

var update = flag.Bool("update", false, "update .golden files")

// golden compares got with testdata/name.golden, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (run go test -update to accept):\n--- got\n%s\n--- want\n%s", name, path, got, want)
	}
}

func TestTenMistakes(t *testing.T) {
	_, l := Load("testdata/ten-mistakes")
	var b bytes.Buffer
	l.WriteText(&b)
	golden(t, "ten-mistakes", b.Bytes())
	if got := l.Errors(); got != 10 {
		t.Errorf("Load(ten-mistakes) has %d errors, want 10", got)
	}
	// Each error points at the line of the field at fault.
	src, _ := os.ReadFile("testdata/ten-mistakes/data/mistakes.toml")
	lines := strings.Split(string(src), "\n")
	for _, d := range l {
		if d.Line < 1 || d.Line > len(lines) {
			t.Errorf("%v: line out of range", d)
			continue
		}
		line := strings.TrimSpace(lines[d.Line-1])
		key := d.Field
		if i := strings.LastIndexByte(key, '.'); i >= 0 {
			key = key[i+1:]
		}
		if !strings.HasPrefix(line, key) && !strings.HasPrefix(line, "[[record") {
			t.Errorf("%v: points at %q, not at field %q", d, line, key)
		}
	}
}

func TestLoadGood(t *testing.T) {
	s, l := Load("testdata/good")
	if len(l) != 0 {
		t.Fatalf("Load(good) = %v, want no problems", l)
	}
	if got, want := len(s.Records), 3; got != want {
		t.Fatalf("Load(good) has %d records, want %d", got, want)
	}
	var ids []string
	for _, r := range s.Records {
		ids = append(ids, r.ID)
	}
	// Sorted by date: the 2022/2023 span, summer 2023, then 3 January 2024.
	if got, want := strings.Join(ids, " "), "turkey-span istanbul-2023-summer kerman-2024-01-03"; got != want {
		t.Errorf("record order = %q, want %q", got, want)
	}
	k := s.Records[2]
	if got, want := k.Counts.Injured.String(), "over 280"; got != want {
		t.Errorf("injured = %q, want %q", got, want)
	}
	if got, want := k.Summary, "Two lines\nof summary."; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
	if got, want := s.Records[1].Counts.Detained.String(), "25–29"; got != want {
		t.Errorf("detained = %q, want %q", got, want)
	}
}

// TestRules checks each validation rule on a one-record file.
func TestRules(t *testing.T) {
	const base = `
[[record]]
id = "r"
layer = "attack"
date = 2024-01-03
title = "t"
place = "Paris"
country = "FR"
summary = "s"
%s
[[record.source]]
title = "s"
url = "https://example.org/"
`
	tests := []struct {
		name, extra, want string
	}{
		{"swapped coordinates", `coordinates = [48.85, 148.85]`, `data/r.toml:10:1: record "r": coordinates: latitude 148.85 is out of range [-90, 90]: write [lon, lat]`},
		{"not a number", `coordinates = [2.35, nan]`, `data/r.toml:10:1: record "r": coordinates: latitude NaN is out of range [-90, 90]`},
		{"infinite", `coordinates = [inf, 48.85]`, `data/r.toml:10:1: record "r": coordinates: longitude +Inf is out of range [-180, 180]`},
		{"known attribution", `attribution = "claimed"`, ``},
		{"unknown attribution", `attribution = "maybe"`, `data/r.toml:10:1: record "r": attribution: unknown attribution "maybe"; site.toml defines: claimed`},
		{"bad tags", `tags = "x"`, `data/r.toml:10:1: record "r": tags: tags must be a list of strings, e.g. tags = ["a", "b"]`},
		{"negative count", `killed = -1`, `data/r.toml:10:1: record "r": killed: killed = -1: a count cannot be negative`},
		{"largest count", `killed = 2147483647`, ``},
		{"count too large", `killed = 2147483648`, `data/r.toml:10:1: record "r": killed: killed = 2147483648: a count may be at most 2147483647`},
		{"count text too large", `injured = "over 3000000000"`, `data/r.toml:10:1: record "r": injured: cannot read "over 3000000000" as a count: a count may be at most 2147483647`},
		{"qualified count", `killed = "at least 140"`, ``},
		{"bad qualifier", `killed = "lots of 140"`, `data/r.toml:10:1: record "r": killed: cannot read "lots of 140" as a count`},
		{"related to self", `related = ["r"]`, `data/r.toml:10:1: record "r": related: a record cannot be related to itself`},
		{"wrong type", `title2 = 3`, `data/r.toml:10:1: record "r": title2: unknown key "title2" (did you mean "title"?)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			copyFile(t, "testdata/good/site.toml", filepath.Join(dir, "site.toml"))
			os.Mkdir(filepath.Join(dir, "data"), 0o755)
			src := strings.Replace(base, "%s", tt.extra, 1)
			os.WriteFile(filepath.Join(dir, "data", "r.toml"), []byte(src), 0o644)
			_, l := Load(dir)
			got := errorsText(l)
			if tt.want == "" {
				if got != "" {
					t.Errorf("Load() = %q, want no error", got)
				}
				return
			}
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("Load() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSyntaxErrorShowsLine(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "testdata/good/site.toml", filepath.Join(dir, "site.toml"))
	os.Mkdir(filepath.Join(dir, "data"), 0o755)
	os.WriteFile(filepath.Join(dir, "data", "x.toml"), []byte("[[record]]\nid = \"a\"\ntitle = \"unterminated\n"), 0o644)
	_, l := Load(dir)
	if l.Errors() != 1 {
		t.Fatalf("Load() = %v, want one error", l)
	}
	got := l[0].String()
	if !strings.HasPrefix(got, "data/x.toml:3:") || !strings.Contains(got, `title = "unterminated`) {
		t.Errorf("syntax error = %q, want data/x.toml:3 with the offending line", got)
	}
}

func errorsText(l diag.List) string {
	var lines []string
	for _, d := range l {
		if d.Severity == diag.Error {
			lines = append(lines, d.String())
		}
	}
	return strings.Join(lines, "\n")
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestIgnoredFilesAreNamed(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "testdata/good/site.toml", filepath.Join(dir, "site.toml"))
	os.Mkdir(filepath.Join(dir, "data"), 0o755)
	copyFile(t, "testdata/good/data/good.toml", filepath.Join(dir, "data", "good.toml"))
	os.WriteFile(filepath.Join(dir, "data", "more.tml"), []byte("[[record]]\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "data", ".swp"), []byte("x"), 0o644)
	_, l := Load(dir)
	if len(l) != 1 || l[0].File != "data/more.tml" || l[0].Severity != diag.Warning {
		t.Errorf("Load() = %v, want one warning naming data/more.tml", l)
	}
}
