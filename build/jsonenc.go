package build

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The GeoJSON features are written by hand, without reflection, once per
// record, and the same bytes go into all.geojson, the layer files and the
// map's data script. These helpers write JSON values exactly as
// encoding/json does (TestJSONEncodersMatchEncodingJSON checks it), so the
// output is what json.Marshal gave before.

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaped as encoding/json
// escapes it: quotes, backslashes and control characters, and <, > and &
// (so that the data is safe inside a <script>), U+2028 and U+2029 (line
// terminators in JavaScript), and invalid UTF-8 as U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		// Eight bytes at a time while none needs care: most text is
		// plain ASCII (a third of the CPU a feature took was here).
		for i+8 <= len(s) && plain8(binary.LittleEndian.Uint64([]byte(s[i:i+8]))) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if jsonPlain[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonPlain tells the bytes appendString writes as they are, one at a
// time: ASCII but control characters and " \ < > &.
var jsonPlain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = !strings.ContainsRune(`"\<>&`, rune(c))
	}
	return t
}()

// plain8 reports whether none of the eight bytes of x needs escaping in
// a JSON string (see appendString): none is below 0x20, past 0x7f, or
// one of " \ < > &. " and & differ in one bit (0x04), as < and > do
// (0x02): each pair is one test with that bit set. Each test is exact
// for "any byte of x" (a borrow only runs on from a byte that already
// matched). Small enough to be inlined (a call per eight bytes was most
// of appendString's time).
func plain8(x uint64) bool {
	const ones = 0x0101010101010101
	q := x | 0x04*ones ^ '&'*ones // zero where " or &
	a := x | 0x02*ones ^ '>'*ones // where < or >
	s := x ^ '\\'*ones            // where \
	bad := x | (x-0x20*ones)&^x | (q-ones)&^q | (a-ones)&^a | (s-ones)&^s
	return bad&(0x80*ones) == 0 // past 0x7f, below 0x20, or one of those
}

// appendFloat appends f as encoding/json writes a float64.
func appendFloat(b []byte, f float64) []byte {
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) || math.IsNaN(f) || math.IsInf(f, 0) {
		// Exponent form (and the error for NaN and infinities) are
		// encoding/json's; coordinates almost never come here.
		out, err := json.Marshal(f)
		if err != nil {
			return append(b, "null"...)
		}
		return append(b, out...)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// appendStrings appends a JSON array of strings.
func appendStrings(b []byte, list []string) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}
