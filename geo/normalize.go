package geo

import (
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
	}
	return ""
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
// space, "st" before another word read as "saint", and a leading "the"
// dropped. Two names match when their keys are equal.
func Normalize(s string) string {
	if !isASCII(s) {
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
		case unicode.Is(unicode.Mn, r) || isApostrophe(r):
			// dropped: diacritic or apostrophe
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
	if words[0] == "the" {
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
