package seedcheck

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// shingleFile holds the hashes of the article's runs, written by
// gen_shingles.go.
const shingleFile = "testdata/article-shingles.txt"

// articleFile is the article itself, in the steering repository's shared/
// folder beside the clone; only TestShingleFileUpToDate reads it, and skips
// when it is absent.
const articleFile = "../../../shared/seed/000_cf98183fb3a5bc06.txt"

func TestWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"ISKP’s retooling", []string{"iskps", "retooling"}},
		{"ISKP's retooling", []string{"iskps", "retooling"}},
		{"Santiago Bernabéu, Madrid.", []string{"santiago", "bernabeu", "madrid"}},
		{"İzmir and Başakşehir", []string{"izmir", "and", "basaksehir"}},
		{"pro-IS “outlets” (2024)", []string{"pro", "is", "outlets", "2024"}},
		{"After Moscow … Who is Next?", []string{"after", "moscow", "who", "is", "next"}},
		{"  \n", nil},
	} {
		if got := Words(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("Words(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestShingles(t *testing.T) {
	if got := Shingles("one two three four five six seven"); len(got) != 0 {
		t.Errorf("7 words gave %d shingles, want 0", len(got))
	}
	got := Shingles("One, two: three four five six seven eight nine")
	if len(got) != 2 {
		t.Fatalf("9 words gave %d shingles, want 2", len(got))
	}
	if got[1].Words != "two three four five six seven eight nine" {
		t.Errorf("second shingle = %q", got[1].Words)
	}
	if got[0].Hash != HashShingle("one two three four five six seven eight") || len(got[0].Hash) != 16 {
		t.Errorf("first hash = %q", got[0].Hash)
	}
}

// articleShingles reads the hash file into a set.
func articleShingles(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open(shingleFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if len(line) != 16 {
			t.Fatalf("%s: %q is not a 16-digit hash", shingleFile, line)
		}
		set[line] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(set) < 2000 {
		t.Fatalf("%s holds %d hashes; the article has about 2,800 runs of %d words", shingleFile, len(set), ShingleSize)
	}
	return set
}

// TestShingleFileUpToDate checks the hash file against the article, when the
// article is at hand (it is not part of this repository).
func TestShingleFileUpToDate(t *testing.T) {
	text, err := os.ReadFile(articleFile)
	if err != nil {
		t.Skipf("article not at hand (%v); the hash file is checked where it is", err)
	}
	set := articleShingles(t)
	want := map[string]bool{}
	for _, s := range Shingles(string(text)) {
		want[s.Hash] = true
	}
	for h := range want {
		if !set[h] {
			t.Fatalf("%s is stale: run `go generate ./internal/seedcheck`", shingleFile)
		}
	}
	if len(set) != len(want) {
		t.Fatalf("%s holds %d hashes, the article has %d runs: run `go generate ./internal/seedcheck`", shingleFile, len(set), len(want))
	}
}

// TestOwnWords checks that no record's title or summary shares
// ShingleSize or more consecutive words with the article: facts carry
// over from the source, sentences do not.
func TestOwnWords(t *testing.T) {
	set := articleShingles(t)
	s, _ := loadSeed(t)
	for _, r := range s.Records {
		for _, f := range []struct{ name, text string }{{"title", r.Title}, {"summary", r.Summary}} {
			var shared []string
			for _, sh := range Shingles(f.text) {
				if set[sh.Hash] {
					shared = append(shared, sh.Words)
				}
			}
			if len(shared) > 0 {
				t.Errorf("%s:%d: record %q: %s shares %d or more consecutive words with the article (%d such runs, first %q); rewrite it in your own words",
					filepath.ToSlash(r.File), r.Line, r.ID, f.name, ShingleSize, len(shared), shared[0])
			}
		}
	}
}
