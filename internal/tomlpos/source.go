package tomlpos

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// At returns the line and column of byte offset off in src, counting
// columns in characters. Only '\n' ends a line, so a CRLF file gets the same
// lines as an LF one. An offset beyond src is taken as its end.
func At(src []byte, off int) Pos {
	off = max(0, min(off, len(src)))
	line := 1 + bytes.Count(src[:off], []byte("\n"))
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return Pos{Line: line, Column: 1 + utf8.RuneCount(src[start:off])}
}

// Excerpt returns line n of src (1-based) and, under it, a caret at column
// col, for showing where a syntax error is: tabs become spaces, a trailing
// '\r' is dropped, and a line longer than width characters is cut around
// the column. It returns "" when src has no line n.
func Excerpt(src []byte, n, col, width int) string {
	if n < 1 {
		return ""
	}
	lines := bytes.SplitN(src, []byte("\n"), n+1)
	if len(lines) < n {
		return ""
	}
	text := strings.TrimSuffix(string(lines[n-1]), "\r")
	text = strings.ReplaceAll(text, "\t", " ")
	runes := []rune(text)
	col = max(1, min(col, len(runes)+1))
	from := 0
	if len(runes) > width {
		from = max(0, min(col-1-width/2, len(runes)-width))
		runes = runes[from : from+width]
	}
	prefix, suffix := "", ""
	if from > 0 {
		prefix = "…"
	}
	if from+len(runes) < len([]rune(text)) {
		suffix = "…"
	}
	caret := strings.Repeat(" ", utf8.RuneCountInString(prefix)+col-1-from) + "^"
	return prefix + string(runes) + suffix + "\n" + caret
}

// CheckDepth reports where src first nests deeper than max, counting each
// open array, inline table or table header bracket and each part of a
// dotted key; ok is true when it never does. It reads src once, so it is
// cheap to run before a decoder whose cost grows with the square of the
// depth. Strings and comments are skipped; src need not be valid TOML.
func CheckDepth(src []byte, max int) (at Pos, ok bool) {
	depth, dots := 0, 0
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			dots = 0
		case '"', '\'':
			i = skipString(src, i) - 1
		case '[', '{':
			depth++
			dots = 0
		case ']', '}':
			depth--
			dots = 0
		case '.':
			dots++
		case '=', ',', '\n':
			dots = 0
		}
		if depth < 0 {
			depth = 0
		}
		if depth+dots > max {
			return At(src, i), false
		}
	}
	return Pos{}, true
}

// skipString returns the offset just past the string that starts at
// src[i] (basic or literal, on one line or several), or len(src) when it
// is not closed. A single-line string ends at the end of its line at the
// latest. A multi-line string's closing quotes may be followed by up to
// two more, which belong to the string.
func skipString[T string | []byte](src T, i int) int {
	q := src[i]
	if i+2 < len(src) && src[i+1] == q && src[i+2] == q {
		for j := i + 3; j+2 < len(src); j++ {
			switch {
			case q == '"' && src[j] == '\\':
				j++
			case src[j] == q && src[j+1] == q && src[j+2] == q:
				end := j + 3
				for end < len(src) && end < j+5 && src[end] == q {
					end++
				}
				return end
			}
		}
		return len(src)
	}
	for j := i + 1; j < len(src); j++ {
		switch {
		case src[j] == '\n':
			return j // unterminated: the decoder will say so
		case q == '"' && src[j] == '\\' && j+1 < len(src) && src[j+1] != '\n':
			j++
		case src[j] == q:
			return j + 1
		}
	}
	return len(src)
}
