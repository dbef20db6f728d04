// Package seedcheck checks the project's seed data set against the article
// it was drawn from: that no record borrows the article's sentences, and
// that records sit where the article places them. It holds no copy of the
// article, only hashes of its word runs (see Shingles).
package seedcheck

//go:generate go run gen_shingles.go -article ../../../shared/seed/000_cf98183fb3a5bc06.txt -o testdata/article-shingles.txt

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ShingleSize is the length, in words, of the runs compared: a record may
// share at most ShingleSize-1 consecutive words with the article.
const ShingleSize = 8

// Words splits s into normalised words, so that the same wording matches
// whatever its typography:
//
//   - Unicode compatibility decomposition (NFKD), then combining marks
//     dropped: "Bernabéu" and "Bernabeu" are one word, "İzmir" is "izmir";
//   - lower case (Unicode simple folding, not Turkish rules);
//   - apostrophes of any shape dropped inside words: "ISKP’s" is "iskps";
//   - every other rune that is not a letter or digit (spaces, punctuation,
//     dashes, quotes, brackets) separates words and is discarded.
func Words(s string) []string {
	var words []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			words = append(words, b.String())
			b.Reset()
		}
	}
	for _, r := range norm.NFKD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a diacritic split off by NFKD
		case isApostrophe(r):
			// joins "ISKP" and "s"
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if r == 'ı' { // dotless i has no decomposition
				r = 'i'
			}
			b.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return words
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', '`', '´':
		return true
	}
	return false
}

// Shingle is one run of ShingleSize consecutive words of a text: the words
// themselves, for messages, and the hash the article's runs are kept as.
type Shingle struct {
	Words string // the run, normalised, words joined by one space
	Hash  string // HashShingle(Words)
}

// Shingles returns every run of ShingleSize consecutive words of s, in
// order; none when s has fewer words.
func Shingles(s string) []Shingle {
	w := Words(s)
	var out []Shingle
	for i := 0; i+ShingleSize <= len(w); i++ {
		run := strings.Join(w[i:i+ShingleSize], " ")
		out = append(out, Shingle{Words: run, Hash: HashShingle(run)})
	}
	return out
}

// HashShingle returns the first 64 bits of the SHA-256 of a normalised run,
// in hex. Among the few thousand runs of an article a chance collision is
// about one in 10^12, and the hashes do not give the text back.
func HashShingle(run string) string {
	sum := sha256.Sum256([]byte(run))
	return hex.EncodeToString(sum[:8])
}
