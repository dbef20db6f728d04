package build

import (
	"encoding/binary"
	"strings"
)

// The escapers of the fast render path (render_fast.go). Each does, byte
// for byte, what html/template does to a plain string in the same place,
// so that both paths write the same pages; TestEscapersMatchHTMLTemplate
// and FuzzEscapers compare them with html/template itself.

// appendHTML escapes s for HTML text, a quoted attribute value or RCDATA
// (<title>): html/template's htmlEscaper, attrEscaper and rcdataEscaper,
// which share one table for plain strings. Every byte it replaces is
// ASCII, which no byte of a multi-byte UTF-8 sequence is, so a byte loop
// does what html/template's rune loop does, invalid UTF-8 included. It
// passes over eight bytes at a time while none may need replacing (most
// of a page's text).
func appendHTML(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && !maybeHTMLSpecial8(binary.LittleEndian.Uint64([]byte(s[i:i+8]))) {
			i += 8
			continue
		}
		for end := min(i+8, len(s)); i < end; i++ {
			if !htmlSpecial[s[i]] {
				continue
			}
			var repl string
			switch s[i] {
			case 0:
				repl = "\uFFFD"
			case '"':
				repl = "&#34;"
			case '&':
				repl = "&amp;"
			case '\'':
				repl = "&#39;"
			case '+':
				repl = "&#43;"
			case '<':
				repl = "&lt;"
			case '>':
				repl = "&gt;"
			default:
				continue
			}
			b = append(b, s[last:i]...)
			b = append(b, repl...)
			last = i + 1
		}
	}
	return append(b, s[last:]...)
}

// maybeHTMLSpecial8 reports whether any of the eight bytes of x may be one
// that appendHTML replaces (htmlSpecial), or '#', which shares a test with
// the quotes and '&'. It is never false when one is: each test is exact
// for "any byte of x" (a borrow only runs on from a byte that matched).
func maybeHTMLSpecial8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	z := x                          // 0
	q := x&^(0x05*ones) ^ 0x22*ones // '"', '#', '&', '\''
	a := x&^(0x02*ones) ^ 0x3c*ones // '<', '>'
	p := x ^ '+'*ones               // '+'
	m := (z-ones)&^z | (q-ones)&^q | (a-ones)&^a | (p-ones)&^p
	return m&highs != 0
}

// htmlSpecial marks the bytes appendHTML replaces.
var htmlSpecial = [256]bool{0: true, '"': true, '&': true, '\'': true, '+': true, '<': true, '>': true}

// appendURL writes s as the start of a URL attribute value (href, src):
// html/template's urlFilter, urlNormalizer and attrEscaper. A URL whose
// scheme is not http, https or mailto becomes "#ZgotmplZ", so no value
// from the data can make a javascript: link.
func appendURL(b []byte, s string) []byte {
	if !isSafeURL(s) {
		return append(b, "#ZgotmplZ"...)
	}
	return appendURLRest(b, s)
}

// isSafeURL is html/template's test: a URL with a scheme must be http,
// https or mailto (a colon after a slash is no scheme).
func isSafeURL(s string) bool {
	if scheme, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(scheme, "/") {
		return strings.EqualFold(scheme, "http") || strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "mailto")
	}
	return true
}

// appendURLRest writes s inside a URL attribute value, after its start and
// before any '?' or '#': html/template's urlNormalizer then attrEscaper.
// What a URL may hold stays (valid %-escapes too); every other byte is
// %-escaped; '&' and '+' are then escaped for the attribute.
func appendURLRest(b []byte, s string) []byte {
	return appendURLBytes(b, s, true)
}

// appendURLPart writes s into a URL's query or fragment: html/template's
// urlEscaper then attrEscaper (everything but letters, digits and "-._~"
// is %-escaped).
func appendURLPart(b []byte, s string) []byte {
	return appendURLBytes(b, s, false)
}

const lowerHex = "0123456789abcdef"

// appendURLBytes is html/template's processURLOnto followed by its
// attribute escaper, which, on its output, only touches '&' and '+'. The
// runs of bytes kept as they are are appended whole.
func appendURLBytes(b []byte, s string, norm bool) []byte {
	keep := urlPartByte
	if norm {
		keep = urlRestByte
	}
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if urlKept[c]&keep != 0 {
			continue
		}
		b = append(b, s[last:i]...)
		last = i + 1
		switch {
		case norm && c == '&':
			b = append(b, "&amp;"...)
		case norm && c == '+':
			b = append(b, "&#43;"...)
		case norm && c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, c)
		default:
			b = append(b, '%', lowerHex[c>>4], lowerHex[c&15])
		}
	}
	return append(b, s[last:]...)
}

// urlKept marks the bytes a URL keeps as they are: in its query or
// fragment (urlPartByte), letters, digits and "-._~"; elsewhere
// (urlRestByte), those and "!#$*,/:;=?@[]".
var urlKept = func() (t [256]byte) {
	for c := range t {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", byte(c)) >= 0 {
			t[c] = urlPartByte | urlRestByte
		} else if strings.IndexByte("!#$*,/:;=?@[]", byte(c)) >= 0 {
			t[c] = urlRestByte
		}
	}
	return t
}()

const (
	urlPartByte byte = 1 << iota
	urlRestByte
)

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
