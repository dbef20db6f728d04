// Package tomlfast decodes the usual data file, an array of tables of plain
// values, several times faster than github.com/BurntSushi/toml, into the
// values toml.Decode gives for it, kept in a few flat slices rather than
// a map per table (see Doc). It reads only a subset of TOML and
// declines the rest: BurntSushi stays the decoder of record, and every
// text Decode declines (anything outside the subset, anything invalid) is
// to be decoded by it, which also words every error.
//
// The subset: comments and blank lines; [[key]] and [[key.name]] headers
// of bare names (key given by the caller); lines of bare-key = value,
// where a value is a basic or literal string (multi-line too, every
// escape), a decimal integer, a decimal float, a boolean, a local date
// (2024-01-03), or an array of those on one line or several. The rest
// (other tables, dotted or quoted keys, inline tables, nested arrays,
// times, underscores in numbers, hexadecimal, nan and inf, duplicate
// keys, tables of more than 64 keys, control characters, text that is not
// UTF-8) is declined.
package tomlfast

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/mapsite/mapsite/internal/tomlpos"
)

// localDate is the location BurntSushi gives a local date
// (time.Time.Location: "date-local"); it is not exported, so it is taken
// from a date it decodes.
var localDate = sync.OnceValue(func() *time.Location {
	var v map[string]any
	if _, err := toml.Decode("d = 2000-01-01", &v); err != nil {
		panic(err)
	}
	return v["d"].(time.Time).Location()
})

// Decode decodes text, which holds [[key]] tables, into a Doc: what
// toml.Decode(text, &map[string]any{}) gives (Doc.Map), without a Go map
// per table. Strings without escapes share text's bytes. It also returns
// where each table header is written, in order. ok is false when text is
// outside the subset Decode reads or is not valid TOML: the caller decodes
// it with BurntSushi then.
func Decode(text, key string) (doc *Doc, headers []Header, ok bool) {
	if len(text) > math.MaxUint32 {
		return nil, nil, false // past what a field's offsets reach
	}
	// As many fields as lines, at most, and tables as "[[".
	lines, tables := strings.Count(text, "\n")+1, strings.Count(text, "[[")
	doc = docs.Get().(*Doc)
	doc.key, doc.text, doc.loc = key, text, localDate()
	doc.fields = slices.Grow(doc.fields, lines)
	doc.tables = slices.Grow(doc.tables, tables)
	doc.subs = slices.Grow(doc.subs, tables)
	p := parser{text: text, key: key, doc: doc, line: 1, headers: make([]Header, 0, tables)}
	if !p.run() {
		doc.Release()
		return nil, nil, false
	}
	return doc, p.headers, true
}

// docs holds the Docs given back by Release, whose slices Decode fills
// again.
var docs = sync.Pool{New: func() any { return new(Doc) }}

// Release gives d back to Decode, which fills its slices again for
// another text (they were a fifth of what a load allocates). Neither d
// nor any of its Tables and Values may be used after; the strings they
// gave may.
func (d *Doc) Release() {
	clear(d.subs) // their names, and d.strs, hold on to the text
	clear(d.strs)
	*d = Doc{fields: d.fields[:0], items: d.items[:0], tables: d.tables[:0], subs: d.subs[:0], strs: d.strs[:0]}
	docs.Put(d)
}

// A Header is an array-of-tables header: [[key]] when Sub is "", else
// [[key.Sub]]. Line and Column are 1-based; Column counts the bytes of
// the spaces and tabs before the header, as package tomlpos does.
type Header struct {
	Line, Column int
	Sub          string
}

type parser struct {
	text string
	i    int // the next byte to read
	key  string
	doc  *Doc

	headers []Header
	line    int // the line of text[counted]
	counted int
}

// maxKeys is the most keys Decode takes in one table: it finds a
// duplicate by looking through those before, and declines a table of
// more (which no data file has).
const maxKeys = 64

// run reads the whole text, statement by statement, into p.doc.
func (p *parser) run() bool {
	d := p.doc
	// Where keys go: the last [[key]] table, d.tables[len-1], or its last
	// sub-table, d.subs[len-1].
	var cur *table
	t := p.text
	for p.i < len(t) {
		switch c := t[p.i]; c {
		case ' ', '\t', '\n':
			p.i++
			continue
		case '\r':
			if !p.newline() {
				return false
			}
			continue
		case '#':
			if !p.comment() {
				return false
			}
			continue
		case '[':
			at := p.i
			name, sub, ok := p.header()
			if !ok || name != p.key {
				return false
			}
			p.line += strings.Count(t[p.counted:at], "\n")
			p.counted = at
			col := at - strings.LastIndexByte(t[:at], '\n')
			p.headers = append(p.headers, Header{Line: p.line, Column: col, Sub: sub})
			n := int32(len(d.fields))
			if sub == "" {
				s := int32(len(d.subs))
				d.tables = append(d.tables, table{lo: n, hi: n, subLo: s, subHi: s})
				cur = &d.tables[len(d.tables)-1]
				break
			}
			if len(d.tables) == 0 {
				return false // key.name would make key an implicit table
			}
			record := &d.tables[len(d.tables)-1]
			if record.has(d, sub) {
				return false // sub is a key of another type
			}
			d.subs = append(d.subs, subTable{name: sub, table: table{lo: n, hi: n}})
			record.subHi = int32(len(d.subs))
			record.subKeys |= keyBit(sub)
			cur = &d.subs[len(d.subs)-1].table
		default:
			if cur == nil {
				return false // a key outside every table
			}
			at := p.i
			k, ok := p.bareKey()
			if !ok {
				return false
			}
			p.space()
			if p.i >= len(t) || t[p.i] != '=' {
				return false
			}
			p.i++
			p.space()
			v, ok := p.value()
			if !ok {
				return false
			}
			if cur.hi-cur.lo >= maxKeys || len(k) > maxKeyLen || cur.has(d, k) {
				return false
			}
			v.key, v.keyLen = uint32(at), uint16(len(k))
			d.fields = append(d.fields, v)
			cur.hi++
			cur.keys |= keyBit(k)
		}
		// The statement must end the line, a comment aside.
		if !p.lineEnd() {
			return false
		}
	}
	return true
}

// space skips spaces and tabs.
func (p *parser) space() {
	for p.i < len(p.text) && (p.text[p.i] == ' ' || p.text[p.i] == '\t') {
		p.i++
	}
}

// newline reads a CRLF at p.i; a lone CR is not allowed.
func (p *parser) newline() bool {
	if p.i+1 < len(p.text) && p.text[p.i+1] == '\n' {
		p.i += 2
		return true
	}
	return false
}

// comment reads a comment from its '#' to the end of the line, which it
// leaves unread; a control character other than a tab is not allowed.
func (p *parser) comment() bool {
	t := p.text
	start := p.i
	ascii := true
	for p.i++; p.i < len(t); p.i++ {
		c := t[p.i]
		if c == '\n' || c == '\r' {
			break
		}
		if c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	return ascii || utf8.ValidString(t[start:p.i])
}

// lineEnd reads what may follow a statement: spaces, a comment, and the
// end of the line or of the text.
func (p *parser) lineEnd() bool {
	p.space()
	if p.i >= len(p.text) {
		return true
	}
	switch p.text[p.i] {
	case '#':
		if !p.comment() {
			return false
		}
		if p.i >= len(p.text) {
			return true
		}
		if p.text[p.i] == '\n' {
			p.i++
			return true
		}
		return p.newline()
	case '\n':
		p.i++
		return true
	case '\r':
		return p.newline()
	}
	return false
}

// header reads an array-of-tables header, [[name]] or [[name.sub]].
func (p *parser) header() (name, sub string, ok bool) {
	t := p.text
	if p.i+1 >= len(t) || t[p.i+1] != '[' {
		return "", "", false // a [table]
	}
	p.i += 2
	p.space()
	if name, ok = p.bareKey(); !ok {
		return "", "", false
	}
	p.space()
	if p.i < len(t) && t[p.i] == '.' {
		p.i++
		p.space()
		if sub, ok = p.bareKey(); !ok {
			return "", "", false
		}
		p.space()
	}
	if p.i+1 >= len(t) || t[p.i] != ']' || t[p.i+1] != ']' {
		return "", "", false
	}
	p.i += 2
	return name, sub, true
}

// bareKey reads a bare key: A-Z, a-z, 0-9, '_' and '-', at least one.
func (p *parser) bareKey() (string, bool) {
	t := p.text
	start := p.i
	for p.i < len(t) && isBare(t[p.i]) {
		p.i++
	}
	return t[start:p.i], p.i > start
}

func isBare(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// value reads a value: a scalar, or an array of scalars.
func (p *parser) value() (field, bool) {
	if p.i < len(p.text) && p.text[p.i] == '[' {
		return p.array()
	}
	return p.scalar()
}

// array reads an array of scalars, from its '['; newlines and comments
// may come between its values, and a comma after the last. Its items go
// to the end of p.doc.items, one after the other.
func (p *parser) array() (field, bool) {
	p.i++
	d := p.doc
	start := len(d.items)
	list := func() (field, bool) {
		return field{kind: Array, off: uint32(start), len: uint32(len(d.items) - start)}, true
	}
	for {
		if !p.skipInArray() {
			return field{}, false
		}
		if p.text[p.i] == ']' {
			p.i++
			return list()
		}
		v, ok := p.scalar()
		if !ok {
			return field{}, false
		}
		d.items = append(d.items, v)
		if !p.skipInArray() {
			return field{}, false
		}
		switch p.text[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return list()
		default:
			return field{}, false
		}
	}
}

// skipInArray skips spaces, newlines and comments inside an array, and
// reports whether any text is left.
func (p *parser) skipInArray() bool {
	t := p.text
	for p.i < len(t) {
		switch t[p.i] {
		case ' ', '\t', '\n':
			p.i++
		case '\r':
			if !p.newline() {
				return false
			}
		case '#':
			if !p.comment() {
				return false
			}
		default:
			return true
		}
	}
	return false
}

// scalar reads a string, number, boolean or local date, which must end
// where BurntSushi's lexer ends it.
func (p *parser) scalar() (field, bool) {
	t := p.text
	if p.i >= len(t) {
		return field{}, false
	}
	var (
		v  field
		s  string
		ok bool
	)
	switch c := t[p.i]; {
	case c == '"':
		if strings.HasPrefix(t[p.i:], `"""`) {
			s, ok = p.multiBasic()
		} else {
			s, ok = p.basic()
		}
		v = p.doc.str(s)
	case c == '\'':
		if strings.HasPrefix(t[p.i:], "'''") {
			s, ok = p.multiLiteral()
		} else {
			s, ok = p.literal()
		}
		v = p.doc.str(s)
	case c == 't' && strings.HasPrefix(t[p.i:], "true"):
		p.i += 4
		v, ok = field{kind: Bool, n: 1}, true
	case c == 'f' && strings.HasPrefix(t[p.i:], "false"):
		p.i += 5
		v, ok = field{kind: Bool}, true
	case '0' <= c && c <= '9' || c == '-' || c == '+':
		v, ok = p.number()
	}
	if !ok || p.i < len(t) && !ends(t[p.i]) {
		return field{}, false
	}
	return v, true
}

// ends reports whether c may follow a value: anything else would be read
// as part of it by BurntSushi's lexer, or is an error after it.
func ends(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '#', ',', ']':
		return true
	}
	return false
}

// number reads a decimal integer or float, or a local date.
func (p *parser) number() (field, bool) {
	t := p.text
	start := p.i
	signed := t[p.i] == '-' || t[p.i] == '+'
	if signed {
		p.i++
	}
	d := p.i
	for p.i < len(t) && '0' <= t[p.i] && t[p.i] <= '9' {
		p.i++
	}
	digits := t[d:p.i]
	if digits == "" || len(digits) > 1 && digits[0] == '0' {
		return field{}, false // no digits, or a leading zero (or a date of a year 0xxx)
	}
	float := false
	if p.i < len(t) {
		switch t[p.i] {
		case '-':
			if signed || len(digits) != 4 {
				return field{}, false
			}
			return p.date(start)
		case '.':
			p.i++
			if !p.digits() {
				return field{}, false
			}
			float = true
		}
		if p.i < len(t) && (t[p.i] == 'e' || t[p.i] == 'E') {
			p.i++
			if p.i < len(t) && (t[p.i] == '-' || t[p.i] == '+') {
				p.i++
			}
			if !p.digits() {
				return field{}, false
			}
			float = true
		}
	}
	if float {
		f, err := strconv.ParseFloat(t[start:p.i], 64)
		if err != nil || math.IsInf(f, 0) {
			return field{}, false
		}
		return field{kind: Float, n: math.Float64bits(f)}, true
	}
	n, err := strconv.ParseInt(t[start:p.i], 10, 64)
	if err != nil {
		return field{}, false
	}
	return field{kind: Integer, n: uint64(n)}, true
}

// digits reads one digit or more.
func (p *parser) digits() bool {
	t := p.text
	start := p.i
	for p.i < len(t) && '0' <= t[p.i] && t[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}

// daysIn returns the number of days of month m of year y.
func daysIn(m time.Month, y int) int {
	if m == time.February {
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + int((0b1010110101010>>m)&1) // 31 in January, March, May, July, August, October, December
}

// date reads a local date, YYYY-MM-DD, that starts at start, where p.i
// is at its first '-'. A date followed by a time of day, or anything the
// lexer would take as part of a date-time, is declined.
func (p *parser) date(start int) (field, bool) {
	t := p.text
	if len(t)-start < 10 {
		return field{}, false
	}
	s := t[start : start+10]
	for i := range 10 {
		if i == 4 || i == 7 {
			if s[i] != '-' {
				return field{}, false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return field{}, false
		}
	}
	p.i = start + 10
	// The lexer reads on through spaces and these; they would make
	// another value, or an error.
	j := p.i
	for j < len(t) && t[j] == ' ' {
		j++
	}
	if j < len(t) {
		switch c := t[j]; {
		case '0' <= c && c <= '9', c == '-', c == ':', c == 'T', c == 't', c == '.', c == 'Z', c == 'z', c == '+':
			return field{}, false
		}
	}
	y := int(s[0]-'0')*1000 + int(s[1]-'0')*100 + int(s[2]-'0')*10 + int(s[3]-'0')
	m := time.Month(int(s[5]-'0')*10 + int(s[6]-'0'))
	day := int(s[8]-'0')*10 + int(s[9]-'0')
	if m < 1 || m > 12 || day < 1 {
		return field{}, false
	}
	if day > daysIn(m, y) {
		return field{}, false // past the end of the month
	}
	return field{kind: Date, n: uint64(y)<<16 | uint64(m)<<8 | uint64(day), off: uint32(start), len: 10}, true
}

// basic reads a one-line basic string, from its '"'.
func (p *parser) basic() (string, bool) {
	t := p.text
	start := p.i + 1
	ascii, escapes := true, false
	for i := start; i < len(t); i++ {
		// Eight bytes at a time while none needs a look (most of a data
		// file's bytes are in such strings).
		for i+8 <= len(t) && plain8(binary.LittleEndian.Uint64([]byte(t[i:i+8]))) {
			i += 8
		}
		if i >= len(t) {
			break
		}
		c := t[i]
		switch {
		case c == '"':
			p.i = i + 1
			s := t[start:i]
			if !ascii && !utf8.ValidString(s) {
				return "", false
			}
			if escapes {
				return unescape(s)
			}
			return s, true
		case c == '\\':
			escapes = true
			i++ // an escaped '"' or '\\' does not end the string
		case c < 0x20 && c != '\t' || c == 0x7f:
			return "", false // a line break or a control character
		case c >= 0x80:
			ascii = false
		}
	}
	return "", false
}

// plain8 reports whether none of the eight bytes of x needs a look in a
// basic string: none is below 0x20, 0x7f or past it, '"' or '\\'. Each
// test is exact for "any byte of x" (a borrow or a carry only runs on
// from a byte that already matched).
func plain8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	q, b := x^'"'*ones, x^'\\'*ones // a zero byte where x has one
	bad := x | (x + ones) |         // 0x7f or past it
		(x-0x20*ones)&^x | // below 0x20
		(q-ones)&^q | (b-ones)&^b
	return bad&highs == 0
}

// unescape returns s, the text of a one-line basic string, with its
// escapes replaced.
func unescape(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	from := 0 // the start of the run of text not yet written
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '\\')
		if j < 0 {
			break
		}
		i += j
		b.WriteString(s[from:i])
		n, ok := escape(&b, s, i)
		if !ok {
			return "", false
		}
		i += n
		from = i
	}
	b.WriteString(s[from:])
	return b.String(), true
}

// escape writes the character of the escape at t[i] (a '\\') to b and
// returns the escape's length; ok is false for an escape BurntSushi
// refuses, or a line-ending backslash (which only a multi-line string has).
func escape(b *strings.Builder, t string, i int) (n int, ok bool) {
	if i+1 >= len(t) {
		return 0, false
	}
	var c byte
	switch t[i+1] {
	case 'b':
		c = '\b'
	case 't':
		c = '\t'
	case 'n':
		c = '\n'
	case 'f':
		c = '\f'
	case 'r':
		c = '\r'
	case 'e':
		c = 0x1b
	case '"':
		c = '"'
	case '\\':
		c = '\\'
	case 'x':
		return hexEscape(b, t, i, 2)
	case 'u':
		return hexEscape(b, t, i, 4)
	case 'U':
		return hexEscape(b, t, i, 8)
	default:
		return 0, false
	}
	b.WriteByte(c)
	return 2, true
}

// hexEscape writes the character of \x, \u or \U and n hexadecimal digits
// at t[i].
func hexEscape(b *strings.Builder, t string, i, n int) (int, bool) {
	if i+2+n > len(t) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(t[i+2 : i+2+n]) {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	if !utf8.ValidRune(r) {
		return 0, false
	}
	b.WriteRune(r)
	return 2 + n, true
}

// literal reads a one-line literal string, from its quote.
func (p *parser) literal() (string, bool) {
	t := p.text
	start := p.i + 1
	ascii := true
	for i := start; i < len(t); i++ {
		c := t[i]
		switch {
		case c == '\'':
			p.i = i + 1
			s := t[start:i]
			return s, ascii || utf8.ValidString(s)
		case c < 0x20 && c != '\t' || c == 0x7f:
			return "", false
		case c >= 0x80:
			ascii = false
		}
	}
	return "", false
}

// closing returns how many of the quotes q at t[i:] are part of the
// string (0, 1 or 2) before the three that close it; ok is false when
// fewer than three are there (no end yet) or more than five (an error).
func closing(t string, i int, q byte) (extra int, ok bool) {
	n := 0
	for i+n < len(t) && t[i+n] == q {
		n++
	}
	if n < 3 || n > 5 {
		return 0, false
	}
	return n - 3, true
}

// firstNewline returns the length of the line break at t[i:], which a
// multi-line string drops right after its opening quotes.
func firstNewline(t string, i int) int {
	switch {
	case strings.HasPrefix(t[i:], "\n"):
		return 1
	case strings.HasPrefix(t[i:], "\r\n"):
		return 2
	}
	return 0
}

// multiLiteral reads a multi-line literal string, from its ”'.
func (p *parser) multiLiteral() (string, bool) {
	t := p.text
	start := p.i + 3
	start += firstNewline(t, start)
	ascii := true
	for i := start; i < len(t); i++ {
		c := t[i]
		switch {
		case c == '\'':
			if extra, ok := closing(t, i, '\''); ok {
				s := t[start : i+extra]
				p.i = i + extra + 3
				return s, ascii || utf8.ValidString(s)
			}
			if strings.HasPrefix(t[i:], "''''''") {
				return "", false
			}
		case c == '\r':
			if i+1 >= len(t) || t[i+1] != '\n' {
				return "", false
			}
		case c < 0x20 && c != '\t' && c != '\n' || c == 0x7f:
			return "", false
		case c >= 0x80:
			ascii = false
		}
	}
	return "", false
}

// multiBasic reads a multi-line basic string, from its """.
func (p *parser) multiBasic() (string, bool) {
	t := p.text
	start := p.i + 3
	start += firstNewline(t, start)
	var b *strings.Builder // once an escape is met
	from := start          // the start of the run of text not yet written to b
	ascii := true
	for i := start; i < len(t); {
		c := t[i]
		switch {
		case c == '"':
			extra, ok := closing(t, i, '"')
			if !ok {
				if strings.HasPrefix(t[i:], `""""""`) {
					return "", false
				}
				i++
				continue
			}
			end := i + extra
			p.i = end + 3
			if !ascii && !utf8.ValidString(t[start:end]) {
				return "", false
			}
			if b == nil {
				return t[start:end], true
			}
			b.WriteString(t[from:end])
			return b.String(), true
		case c == '\\':
			if b == nil {
				b = new(strings.Builder)
			}
			b.WriteString(t[from:i])
			n, ok := lineEndingBackslash(t, i)
			if !ok {
				return "", false
			}
			if n == 0 {
				if n, ok = escape(b, t, i); !ok {
					return "", false
				}
			}
			i += n
			from = i
		case c == '\r':
			if i+1 >= len(t) || t[i+1] != '\n' {
				return "", false
			}
			i++
		case c < 0x20 && c != '\t' && c != '\n' || c == 0x7f:
			return "", false
		case c >= 0x80:
			ascii = false
			i++
		default:
			i++
		}
	}
	return "", false
}

// lineEndingBackslash returns the length of the backslash at t[i] and
// the whitespace after it, when that holds a line break: all of it is
// dropped from a multi-line basic string. It returns 0 when the backslash
// is followed by something else, and ok false when it is followed by
// spaces or tabs and then something else (an invalid escape).
func lineEndingBackslash(t string, i int) (n int, ok bool) {
	j := i + 1
	br := false
	for ; j < len(t); j++ {
		c := t[j]
		if c == '\n' {
			br = true
		} else if c == '\r' {
			if j+1 >= len(t) || t[j+1] != '\n' {
				return 0, false
			}
		} else if c != ' ' && c != '\t' {
			break
		}
	}
	switch {
	case j == i+1:
		return 0, true
	case !br:
		return 0, false
	}
	return j - i, true
}

// Index returns the index of the tables of a text that Decode accepted,
// from its headers: what tomlpos.ScanTables gives for the text, without
// reading it again.
func Index(headers []Header, key string) tomlpos.Index {
	ix := make(tomlpos.Index, len(headers)+1)
	EachTable(headers, key, func(path []byte, pos tomlpos.Pos) {
		ix[string(path)] = pos
	})
	return ix
}

// EachTable calls f with every path of Index(headers, key) and its
// position, once each, in the order of the headers, without making the
// index; path is valid only during the call.
func EachTable(headers []Header, key string, f func(path []byte, pos tomlpos.Pos)) {
	records := 0
	var path []byte
	record := 0 // the length of the path of the last [[key]] table, key[i]
	// How many tables of each sub-table name the last [[key]] table has
	// so far: in a short list, and in a map once there are many names.
	type sub struct {
		name string
		n    int
	}
	var (
		subs  []sub
		index map[string]int // into subs
	)
	for _, h := range headers {
		pos := tomlpos.Pos{Line: h.Line, Column: h.Column}
		if h.Sub == "" {
			if records == 0 {
				f(append(path[:0], key...), pos)
			}
			path = strconv.AppendInt(append(append(path[:0], key...), '['), int64(records), 10)
			path = append(path, ']')
			record = len(path)
			records++
			subs, index = subs[:0], nil
			f(path, pos)
			continue
		}
		i, found := 0, false
		if index != nil {
			i, found = index[h.Sub]
		} else {
			for i < len(subs) && !found {
				if found = subs[i].name == h.Sub; !found {
					i++
				}
			}
		}
		path = append(append(path[:record], '.'), h.Sub...)
		if !found {
			i = len(subs)
			subs = append(subs, sub{name: h.Sub})
			if index != nil {
				index[h.Sub] = i
			} else if len(subs) > 8 {
				index = make(map[string]int, 16)
				for j, s := range subs {
					index[s.name] = j
				}
			}
			f(path, pos)
		}
		path = strconv.AppendInt(append(path, '['), int64(subs[i].n), 10)
		path = append(path, ']')
		subs[i].n++
		f(path, pos)
	}
}
