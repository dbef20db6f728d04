package site

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
)

// parsedHTTPURL is the test isHTTPURL stands for.
func parsedHTTPURL(link string) bool {
	u, err := url.Parse(link)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

var httpURLCases = []string{
	"https://news.example.org/1995/1/story-1", "http://example.org", "https://example.org/", "https://example.org?q=1#f",
	"https://ex_ample.org/a[1]/b?c=[2]#d#e", "https://example.org/a%20b", "https://example.org/a%zz", "https://example.org/a b",
	"https://user@example.org/", "https://example.org:8080/x", "https://example.org:port/x", "https://[::1]/x", "https://[::1/x",
	"https:///path", "https://", "http:/example.org", "HTTPS://example.org/", "ftp://example.org/", "javascript:alert(1)",
	"https://exa\x00mple.org/", "https://example.org/\x7f", "https://example.org/é", "https://ex%41mple.org/", "//example.org/x",
	"https://example.org/a'b(c)*d+e,f;g=h:i@j!k$l&m", "https://example.org/<b>", "https://example.org/{x}|^`\\\"",
	"https://exa mple.org/", "https://example.org#", "https://example.org?", "https://-.~_/",
}

// TestIsHTTPURL checks isHTTPURL against url.Parse, and that the usual
// links take the path without it.
func TestIsHTTPURL(t *testing.T) {
	for _, link := range httpURLCases {
		if got, want := isHTTPURL(link), parsedHTTPURL(link); got != want {
			t.Errorf("isHTTPURL(%q) = %v, url.Parse says %v", link, got, want)
		}
	}
	for _, link := range []string{"https://news.example.org/1995/1/story-1", "http://example.org/a?b=c&d=e#f"} {
		if !plainHTTPURL(link) {
			t.Errorf("%q is parsed: it is a plain link", link)
		}
	}
}

// FuzzIsHTTPURL compares isHTTPURL with url.Parse on any link.
func FuzzIsHTTPURL(f *testing.F) {
	for _, link := range httpURLCases {
		f.Add(link)
	}
	f.Fuzz(func(t *testing.T, link string) {
		if got, want := isHTTPURL(link), parsedHTTPURL(link); got != want {
			t.Fatalf("isHTTPURL(%q) = %v, url.Parse says %v", link, got, want)
		}
	})
}

// TestIsHTTPURLRandom compares isHTTPURL with url.Parse on random links
// of the bytes that matter, after http:// or https://.
func TestIsHTTPURLRandom(t *testing.T) {
	const alphabet = "aZ09.-_~/?#[]@:%20%zz!$&'()*+,;= \"<>\\^`{|}\x00\x7f\xc3\xa9"
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		b := []byte([]string{"http://", "https://"}[rng.IntN(2)])
		for range rng.IntN(12) {
			b = append(b, alphabet[rng.IntN(len(alphabet))])
		}
		link := string(b)
		if got, want := isHTTPURL(link), parsedHTTPURL(link); got != want {
			t.Fatalf("isHTTPURL(%q) = %v, url.Parse says %v", link, got, want)
		}
	}
}

// TestValidID compares validID with incident.ValidID on random ids.
func TestValidID(t *testing.T) {
	const alphabet = "az09-_A.é"
	rng := rand.New(rand.NewPCG(3, 4))
	for n := range 100000 {
		var b []byte
		for range n % 9 {
			b = append(b, alphabet[rng.IntN(len(alphabet))])
		}
		id := string(b)
		if got, want := validID(id), incident.ValidID.MatchString(id); got != want {
			t.Fatalf("validID(%q) = %v, incident.ValidID says %v", id, got, want)
		}
	}
}

// TestKeySet checks keySet against a map, in a list and in a map.
func TestKeySet(t *testing.T) {
	for _, n := range []int{0, 1, 3, maxKeyList, maxKeyList + 1, 40} {
		k, m := newKeySet(n), map[string]bool{}
		for i := range n {
			key := fmt.Sprintf("k%d", i%(n/2+1)) // with repeats
			k.add(key)
			m[key] = true
		}
		if k.len() != len(m) {
			t.Errorf("%d keys: len %d, want %d", n, k.len(), len(m))
		}
		for i := range n + 3 {
			key := fmt.Sprintf("k%d", i)
			if k.has(key) != m[key] {
				t.Errorf("%d keys: has(%q) = %v", n, key, !m[key])
			}
		}
	}
}

// TestDuplicateIDs checks that every record after the first with an id
// is reported, each pointing at the first, and that a related id finds
// the first.
func TestDuplicateIDs(t *testing.T) {
	t.Setenv(geo.CacheEnv, "off")
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, "testdata/good/site.toml", filepath.Join(dir, "site.toml"))
	rec := func(id, extra string) string {
		return `[[record]]
id = "` + id + `"
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
`
	}
	write(t, dir, "data/a.toml", []byte(rec("one", "")+rec("two", "")))
	write(t, dir, "data/b.toml", []byte(rec("two", "")+rec("three", `related = ["two"]`)+rec("two", "")))
	_, l := Load(dir)
	var got []string
	for _, d := range l {
		got = append(got, fmt.Sprintf("%s:%d: %s", d.File, d.Line, d.Message))
	}
	want := []string{
		`data/b.toml:2: duplicate id "two": already used at data/a.toml:13; give one of them another id`,
		`data/b.toml:26: duplicate id "two": already used at data/a.toml:13; give one of them another id`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
