package build

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestSearchWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Attack on a bus in Kerman", []string{"attack", "on", "bus", "in", "kerman"}},
		{"Crocus City Hall, Krasnogorsk (Moscow Oblast)", []string{"crocus", "city", "hall", "krasnogorsk", "moscow", "oblast"}},
		{"Şişli, İstanbul; Kadıköy", []string{"sisli", "istanbul", "kadikoy"}},
		{"Réunion — Saint-Denis 2024", []string{"reunion", "saint", "denis", "2024"}},
		{"ΟΔΟΣ", []string{"οδοσ"}},
		{"Крокус Сити Холл", []string{"крокус", "сити", "холл"}},
		{"کرمان، گلزار شهدا", []string{"کرمان", "گلزار", "شهدا"}},
		{"बम धमाका", []string{"बम", "धमाका"}}, // vowel signs are marks: they stay in the word
		{"a b 7 x1", []string{"x1"}},
		{"", nil},
	} {
		var got []string
		searchWords(tc.in, func(w string) { got = append(got, w) })
		if !slices.Equal(got, tc.want) {
			t.Errorf("searchWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestSearchShard checks that a word shares its shard with every word
// it begins, and that the shards are spread.
func TestSearchShard(t *testing.T) {
	for _, w := range []string{"kerman", "istanbul", "крокус", "کرمان", "x1"} {
		for n := 2; n <= len([]rune(w)); n++ {
			if a, b := searchShard(string([]rune(w)[:n]), 64), searchShard(w, 64); a != b {
				t.Errorf("%q is in shard %d, its prefix %q in %d", w, b, string([]rune(w)[:n]), a)
			}
		}
	}
	used := map[int]bool{}
	for _, w := range []string{"aa", "ab", "ba", "bb", "ka", "ke", "mo", "is", "sh", "ar", "po", "ta"} {
		used[searchShard(w, 64)] = true
	}
	if len(used) < 8 {
		t.Errorf("12 prefixes fall in %d of 64 shards", len(used))
	}
	for _, tc := range []struct{ n, want int }{{1, 1}, {2000, 1}, {2001, 2}, {100000, 64}, {1000000, 512}, {10000000, 1024}} {
		if got := searchShards(tc.n); got != tc.want {
			t.Errorf("searchShards(%d) = %d, want %d", tc.n, got, tc.want)
		}
	}
}

// chunkItems returns the array a chunk script hands over.
func chunkItems(t *testing.T, b []byte) []any {
	t.Helper()
	s := string(b)
	i := strings.Index(s, "]=[")
	if i < 0 || !strings.HasSuffix(s, "];\n") {
		t.Fatalf("not a chunk script: %.80q", s)
	}
	var items []any
	if err := json.Unmarshal([]byte(s[i+2:len(s)-2]), &items); err != nil {
		t.Fatal(err)
	}
	return items
}

// TestSearchIndex renders a site drawn from vector tiles and reads its
// search index back: each record is found by every word of its title and
// place, in the shard its word names, and its card is at its number.
func TestSearchIndex(t *testing.T) {
	const n = 2500
	dir, files := renderVector(t, n)
	var D struct {
		Search struct {
			Shards   []string
			Cards    []string
			CardSize int `json:"card_size"`
		}
	}
	decodeData(t, files, &D)
	if len(D.Search.Shards) != searchShards(n) || len(D.Search.Cards) != (n+searchCard-1)/searchCard || D.Search.CardSize != searchCard {
		t.Fatalf("%d shards and %d cards of %d, want %d and %d of %d", len(D.Search.Shards), len(D.Search.Cards), D.Search.CardSize,
			searchShards(n), (n+searchCard-1)/searchCard, searchCard)
	}
	postings := map[string][]int{}
	for i, name := range D.Search.Shards {
		items := chunkItems(t, files["assets/"+name])
		for j := 0; j < len(items); j += 2 {
			w := items[j].(string)
			if j > 0 && items[j-2].(string) >= w {
				t.Fatalf("shard %d: %q after %q", i, w, items[j-2])
			}
			if s := searchShard(w, len(D.Search.Shards)); s != i {
				t.Errorf("%q is in shard %d, not %d", w, i, s)
			}
			k := 0
			for p, d := range strings.Split(items[j+1].(string), ",") {
				v, err := strconv.ParseInt(d, 36, 64)
				if err != nil || (p > 0 && v <= 0) {
					t.Fatalf("%q: posting %q", w, d)
				}
				k += int(v)
				postings[w] = append(postings[w], k)
			}
		}
	}
	var cards []any
	for _, name := range D.Search.Cards {
		cards = append(cards, chunkItems(t, files["assets/"+name])...)
	}
	const fields = 9 // map-search.js's FIELDS
	if len(cards) != fields*n {
		t.Fatalf("%d card values, want %d for each of %d records", len(cards), fields, n)
	}
	m := locatedModel(t, dir, "")
	attributions := 0
	for k, rv := range m.Records {
		card := cards[fields*k : fields*(k+1)]
		if card[0] != rv.ID || card[1] != rv.Title {
			t.Fatalf("card %d is %v %v, want %s %q", k, card[0], card[1], rv.ID, rv.Title)
		}
		// The attribution, numbered from 1 in site.toml's order.
		want := 0
		for i, a := range m.Config.Attributions {
			if a.Key == rv.Attribution {
				want = i + 1
				attributions++
			}
		}
		if card[8] != float64(want) {
			t.Fatalf("card %d has attribution %v, want %d (%q)", k, card[8], want, rv.Attribution)
		}
		searchWords(rv.Title+" "+rv.Place, func(w string) {
			if _, found := slices.BinarySearch(postings[w], k); !found {
				t.Errorf("%s is not found by %q", rv.ID, w)
			}
		})
	}
	if attributions == 0 {
		t.Error("no record has an attribution: the test checks nothing of it")
	}
}

// BenchmarkSearchIndex times the search index of 10,000 records.
func BenchmarkSearchIndex(b *testing.B) {
	m := synthModel(b, 10000)
	out := &mapData{put: func(string, []byte) error { return nil }}
	b.ResetTimer()
	for range b.N {
		m.searchIndex(out)
	}
}
