package build

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// A large site's map (maptiles.go) holds no records to search, so the
// build writes an index of their words for assets/map-search.js:
//
//   - search shards (s<i>): every word of the records' titles, places,
//     countries, tags and perpetrators, folded as the page folds a query
//     (searchWords), with the numbers of the records that hold it. A
//     word's shard is given by its first two characters (searchShard),
//     so a word and every word it begins share one. A shard lists its
//     words in byte order, each followed by its records' numbers in
//     ascending order, written as base-36 differences ("0,4,1a").
//   - cards (c<j>): searchCard records each, in the model's order, with
//     what the list shows of a record and what the filters read: id,
//     title, date, layer number, country, first and last day ("" when it
//     is the first), place (or country name), and attribution (its number
//     as attributionIndex gives it, 0 for none).
//
// Summaries are not indexed: they would make the index several times
// larger, and the detail chunks hold them for the popup.

// searchCard is the number of records a card chunk holds.
const searchCard = 128

// searchShards returns the number of search shards for n records: one
// per 2,000 records or so, a power of two, at most 1,024.
func searchShards(n int) int {
	s := 1
	for s*2000 < n && s < 1024 {
		s *= 2
	}
	return s
}

// searchShard returns the shard of a folded word of two characters or
// more, from its first two: FNV-1a over their code points, as
// assets/map-search.js computes it.
func searchShard(word string, shards int) int {
	h, n := uint32(2166136261), 0
	for _, r := range word {
		if n == 2 {
			break
		}
		h ^= uint32(r)
		h *= 16777619
		n++
	}
	return int(h % uint32(shards))
}

// searchWords calls add with each word of s as a search finds it: lower
// case, without the diacritics U+0300 to U+036F (as the page's fold),
// final sigma as sigma, split at anything that is not a letter, digit or
// mark. Words of one character are left out.
func searchWords(s string, add func(string)) {
	ascii := isASCII(s)
	if !ascii {
		s = norm.NFD.String(s)
		s = strings.Map(func(r rune) rune {
			switch {
			case r >= 0x300 && r <= 0x36f:
				return -1
			case r == 'ı':
				return 'i'
			}
			return r
		}, s)
	}
	s = strings.ToLower(s)
	if !ascii {
		s = strings.ReplaceAll(s, "ς", "σ")
	}
	start := -1
	for i, r := range s {
		word := unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
		if word && start < 0 {
			start = i
		} else if !word && start >= 0 {
			addWord(s[start:i], add)
			start = -1
		}
	}
	if start >= 0 {
		addWord(s[start:], add)
	}
}

func addWord(w string, add func(string)) {
	if utf8.RuneCountInString(w) >= 2 {
		add(w)
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// searchIndex writes the search shards and cards (see above) as chunks
// of out, and returns their file names in order.
func (m *model) searchIndex(out *mapData) (shardFiles, cardFiles []string) {
	postings := make(map[string][]int32)
	var seen []string
	for k, rv := range m.Records {
		seen = seen[:0]
		add := func(w string) {
			if slices.Contains(seen, w) {
				return
			}
			seen = append(seen, w)
			postings[w] = append(postings[w], int32(k))
		}
		for _, s := range [...]string{rv.Title, rv.Place, rv.Location.Matched, rv.CountryName, rv.Perpetrator} {
			searchWords(s, add)
		}
		for _, t := range rv.Tags {
			searchWords(t, add)
		}
	}

	shards := make([][]string, searchShards(len(m.Records)))
	for w := range postings {
		i := searchShard(w, len(shards))
		shards[i] = append(shards[i], w)
	}
	for i, words := range shards {
		slices.Sort(words)
		size := 0
		for _, w := range words {
			size += len(w) + 4 + 3*len(postings[w])
		}
		shardFiles = append(shardFiles, out.addChunk("s"+strconv.Itoa(i), size, func(b []byte) []byte {
			for j, w := range words {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendString(b, w)
				b = append(b, `,"`...)
				last := int32(0)
				for p, k := range postings[w] {
					if p > 0 {
						b = append(b, ',')
					}
					b = strconv.AppendInt(b, int64(k-last), 36)
					last = k
				}
				b = append(b, '"')
			}
			return b
		}))
	}

	layerIndex, attributionIndex := m.layerIndex(), m.attributionIndex()
	for c := 0; c*searchCard < len(m.Records); c++ {
		part := m.Records[c*searchCard : min((c+1)*searchCard, len(m.Records))]
		cardFiles = append(cardFiles, out.addChunk("c"+strconv.Itoa(c), 100*len(part), func(b []byte) []byte {
			for i, rv := range part {
				if i > 0 {
					b = append(b, ',')
				}
				where := rv.Place
				if where == "" {
					where = rv.CountryName
				}
				b = appendString(b, rv.ID)
				b = append(b, ',')
				b = appendString(b, rv.Title)
				b = append(b, ',')
				b = appendString(b, rv.dateText())
				b = append(b, ',')
				b = strconv.AppendInt(b, int64(layerIndex[rv.Record.Layer]), 10)
				b = append(b, ',')
				b = appendString(b, rv.Country)
				b = append(b, ',')
				b = appendDate(b, rv, false)
				b = append(b, ',')
				b = appendDate(b, rv, true)
				b = append(b, ',')
				b = appendString(b, where)
				b = append(b, ',')
				b = strconv.AppendInt(b, int64(attributionIndex[rv.Attribution]), 10)
			}
			return b
		}))
	}
	return shardFiles, cardFiles
}
