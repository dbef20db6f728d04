package geo

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fold maps letters that do not decompose to a base letter plus marks
// ("" when r needs no folding). The Turkish dotted capital İ decomposes to
// I plus a dot above, which is dropped, so it becomes "i" as well.
func fold(r rune) string {
	switch r {
	case 'ı':
		return "i"
	case 'ł', 'Ł', 'ŀ', 'Ŀ':
		return "l"
	case 'ø', 'Ø':
		return "o"
	case 'ß', 'ẞ':
		return "ss"
	case 'æ', 'Æ':
		return "ae"
	case 'œ', 'Œ':
		return "oe"
	case 'đ', 'Đ', 'ð', 'Ð':
		return "d"
	case 'þ', 'Þ':
		return "th"
	case 'ħ', 'Ħ':
		return "h"
	case 'ŋ', 'Ŋ':
		return "n"
	// Arabic-script letters that Persian and Arabic writers exchange: the
	// Arabic yeh and alef maksura and the Persian yeh, the Arabic and the
	// Persian kaf, teh marbuta and heh. (Hamza and madda forms decompose
	// under NFKD into a base letter and a mark, which is dropped.)
	case 'ي', 'ى':
		return "ی"
	case 'ك':
		return "ک"
	case 'ة':
		return "ه"
	}
	if '٠' <= r && r <= '٩' { // Arabic-Indic digits
		return digits[r-'٠']
	}
	if '۰' <= r && r <= '۹' { // Persian digits
		return digits[r-'۰']
	}
	return ""
}

var digits = [...]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

// isDropped reports whether r is dropped without a trace: a combining
// mark (diacritics, Arabic harakat), an apostrophe, or the Arabic tatweel
// (a stretching stroke, not a letter).
func isDropped(r rune) bool {
	return unicode.Is(unicode.Mn, r) || isApostrophe(r) || r == 'ـ'
}

// isApostrophe reports whether r joins the letters around it ("Martyrs'",
// "Stephen's") rather than separating words.
func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', '‘', 'ʼ', 'ʻ', '`', '´', 'ʹ', '′':
		return true
	}
	return false
}

// Normalize returns the matching key of s: Unicode compatibility
// decomposition (NFKD, which includes NFKC's folding), the letters of fold
// folded, diacritics removed, lower case (never Turkish casing),
// apostrophes dropped, any other punctuation or space run turned into one
// space, "st" before another word read as "saint", and leading "the"s
// dropped. Two names match when their keys are equal; nothing else matches
// (no prefixes, no edit distance), so "Kerman" never matches "Kermanshah".
//
// Persian and Arabic script: the Arabic yeh (ي) and alef maksura (ى) fold
// to the Persian yeh (ی), the Arabic kaf (ك) to the Persian kaf (ک), teh
// marbuta (ة) to heh (ه); harakat (vowel marks), hamza above or below and
// the tatweel (ـ) are dropped; Arabic-Indic and Persian digits read as
// 0-9. The zero-width non-joiner (ZWNJ, U+200C), which Persian writes
// inside words (می‌رود) and which many writers type as a space, separates
// words like a space, so "استان‌کرمان" and "استان کرمان" match; writing the
// parts together without either is a different key.
//
// Normalize is idempotent: Normalize(Normalize(s)) == Normalize(s).
func Normalize(s string) string {
	if !isASCII(s) {
		// Bytes that are not UTF-8 become U+FFFD, which separates words
		// as they did, so that NFKD reads the letters after them too.
		s = strings.ToValidUTF8(s, "\uFFFD")
		// NFKD: compatibility forms unfolded and letters decomposed into a
		// base and combining marks, which the loop below drops.
		s = norm.NFKD.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true // suppress leading spaces
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'):
			b.WriteByte(byte(r))
			space = false
		case r < utf8.RuneSelf && 'A' <= r && r <= 'Z':
			b.WriteByte(byte(r) + 'a' - 'A')
			space = false
		case r >= utf8.RuneSelf && fold(r) != "":
			b.WriteString(fold(r))
			space = false
		case isDropped(r):
			// dropped: diacritic, harakat, apostrophe or tatweel
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	key := strings.TrimSuffix(b.String(), " ")
	if !strings.Contains(key, " ") {
		return key
	}
	words := strings.Split(key, " ")
	for i := 0; i < len(words)-1; i++ {
		if words[i] == "st" {
			words[i] = "saint"
		}
	}
	for len(words) > 1 && words[0] == "the" {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// DivisionKeys returns the distinct non-empty keys of name and of each
// '|'-separated name in names, the name's first, joined by '|': the keys
// column of data/divisions.tsv.
func DivisionKeys(name, names string) string {
	keys := []string{Normalize(name)}
	if names != "" {
		for _, n := range strings.Split(names, "|") {
			keys = append(keys, Normalize(n))
		}
	}
	out := keys[:0]
	for _, k := range keys {
		if k != "" && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return strings.Join(out, "|")
}
