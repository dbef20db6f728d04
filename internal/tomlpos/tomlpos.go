// Package tomlpos finds where each key of a TOML document is written, which
// the TOML decoder does not tell. Paths name array-of-tables elements by
// index, as in "record[3].source[0].url".
package tomlpos

import (
	"strconv"
	"strings"
)

// Pos is a 1-based line and column.
type Pos struct {
	Line, Column int
}

// Index maps key paths to the position of their key (for a table, of its
// header).
type Index map[string]Pos

// Lookup returns the position of path, or of its nearest enclosing table
// when path itself is not written in the file (a missing key).
func (ix Index) Lookup(path string) Pos {
	for {
		if p, ok := ix[path]; ok {
			return p
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return Pos{Line: 1, Column: 1}
		}
		path = path[:i]
	}
}

// Scan indexes src. It is forgiving: a document the decoder rejects still
// gets an index of what could be read.
func Scan(src []byte) Index {
	return scan(string(src), true)
}

// ScanTables indexes only the table headers of text and the tables they
// imply, at a fraction of Scan's cost when most lines are keys. When text
// is valid TOML, the position it gives of an array-of-tables element
// ("record[3]") is the one Scan gives: what a loader needs for every
// record, while the full index is needed only to point at a key with a
// problem.
func ScanTables(text string) Index {
	return scan(text, false)
}

// Split is ScanTables, and also cuts text into the elements of the
// top-level array of tables key: starts holds the offset of each line that
// starts one (a [[key]] header, as ScanTables reads it), in order. ok is
// false when text holds a statement that belongs to none of them: a key
// or table before the first, or a header of another top-level table.
// Values are read whole, strings and comments included, so a header line
// inside a multi-line string is text, as the decoder reads it; in a
// document the decoder rejects, only decoding can tell.
func Split(text, key string) (ix Index, starts []int, ok bool) {
	s := newScanner(text, false)
	s.split, s.ok = key, true
	s.run(text, 0)
	return s.ix, s.starts, s.ok && len(s.starts) > 0
}

// SplitFrom is Split from offset from on, without the index, for a text
// in which Split finds an element starting at from: it returns the starts
// Split finds from there, and ok as Split would give it if nothing before
// from made it false. Before each start after from, stop is called with
// its offset; when it returns true, the scan ends there.
func SplitFrom(text, key string, from int, stop func(start int) bool) (starts []int, ok bool) {
	s := &scanner{ix: Index{}, counts: map[string]int{}, split: key, ok: true, stop: stop}
	s.run(text, from)
	return s.starts, s.ok && len(s.starts) > 0
}

func scan(text string, keys bool) Index {
	s := newScanner(text, keys)
	s.run(text, 0)
	return s.ix
}

func newScanner(text string, keys bool) *scanner {
	// Room for an entry a line, or a table header.
	n := strings.Count(text, "\n[")
	if keys {
		n = strings.Count(text, "\n")
	}
	return &scanner{ix: make(Index, n+1), counts: map[string]int{}, keys: keys}
}

// run indexes text from offset from (the start of a line, taken as line
// 1 when it is not 0), a statement at a time.
func (s *scanner) run(text string, from int) {
	for n, start := 0, from; start <= len(text) && !s.stopped; n++ {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		stop := s.line(text, start, end, n)
		if stop > end { // a value over several lines
			n += strings.Count(text[end:stop], "\n")
		}
		start = stop + 1
	}
}

type scanner struct {
	ix      Index
	counts  map[string]int // elements seen of each array of tables, by resolved path
	current string         // resolved path of the current table
	keys    bool           // index keys, not only tables

	// For Split: the key of the array of tables cut at, the offsets of
	// its elements' header lines, and whether every statement is inside
	// one of them.
	split   string
	starts  []int
	ok      bool
	stop    func(start int) bool // for SplitFrom
	stopped bool
}

// within notes, for Split, a statement at offset start whose table is
// parent (resolved, "" for the top level) and whose last segment is
// last; a key's parent is the current table and last is "".
func (s *scanner) within(start int, parent, last string, array bool) {
	switch {
	case s.split == "":
	case array && parent == "" && last == s.split:
		if s.stop != nil && len(s.starts) > 0 && s.stop(start) {
			s.stopped = true
			return
		}
		s.starts = append(s.starts, start)
	case len(s.starts) == 0 || !strings.HasPrefix(parent, s.split+"["):
		s.ok = false
	}
}

// line reads the statement whose first line, line n (from 0), is
// text[start:end], and returns the offset of the newline that ends its
// last line (len(text) for the last).
func (s *scanner) line(text string, start, end, n int) int {
	line := text[start:end]
	trimmed := strings.TrimLeft(line, " \t")
	col := len(line) - len(trimmed) + 1
	switch {
	case trimmed == "" || trimmed[0] == '#':
		return end
	case strings.HasPrefix(trimmed, "[["):
		close := strings.Index(trimmed, "]]")
		if close < 0 {
			return end
		}
		parent, last := s.resolve(splitKey(trimmed[2:close]))
		s.within(start, parent, last, true)
		s.prefixes(parent, Pos{n + 1, col})
		base := join(parent, last)
		i := s.counts[base]
		s.counts[base] = i + 1
		s.current = base + "[" + strconv.Itoa(i) + "]"
		if _, ok := s.ix[base]; !ok {
			s.ix[base] = Pos{n + 1, col}
		}
		s.ix[s.current] = Pos{n + 1, col}
		return end
	case trimmed[0] == '[':
		close := strings.IndexByte(trimmed, ']')
		if close < 0 {
			return end
		}
		parent, last := s.resolve(splitKey(trimmed[1:close]))
		s.within(start, parent, last, false)
		s.prefixes(parent, Pos{n + 1, col})
		s.current = join(parent, last)
		s.ix[s.current] = Pos{n + 1, col}
		return end
	}
	eq := keyEnd(trimmed)
	if eq < 0 {
		return end
	}
	s.within(start, s.current, "", false)
	if s.keys {
		path := s.current
		for _, k := range splitKey(trimmed[:eq]) {
			path = join(path, k)
			if _, ok := s.ix[path]; !ok { // a dotted key's tables start here
				s.ix[path] = Pos{n + 1, col}
			}
		}
		s.ix[path] = Pos{n + 1, col}
	}
	return skipValue(text, start+col+eq)
}

// resolve turns the segments of a table header into the resolved path of
// its parent (array-of-tables segments get their latest index) and its last
// segment.
func (s *scanner) resolve(keys []string) (parent, last string) {
	if len(keys) == 0 {
		return "", ""
	}
	for _, k := range keys[:len(keys)-1] {
		parent = join(parent, k)
		if c, ok := s.counts[parent]; ok && c > 0 {
			parent += "[" + strconv.Itoa(c-1) + "]"
		}
	}
	return parent, keys[len(keys)-1]
}

// prefixes indexes the tables a dotted header such as [meta.info] creates
// implicitly (meta), unless they are written elsewhere first.
func (s *scanner) prefixes(path string, p Pos) {
	for i := 0; i <= len(path); i++ {
		if i == len(path) || path[i] == '.' {
			if _, ok := s.ix[path[:i]]; !ok && i > 0 {
				s.ix[path[:i]] = p
			}
		}
	}
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// keyEnd returns the index of the '=' that ends a key, or -1.
func keyEnd(s string) int {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '=':
			return i
		case c == '#':
			return -1
		}
	}
	return -1
}

// splitKey splits a dotted key, unquoting quoted parts.
func splitKey(s string) []string {
	if strings.IndexByte(s, '"') < 0 && strings.IndexByte(s, '\'') < 0 {
		// Bare keys, the usual case: the parts are pieces of s.
		keys := strings.Split(s, ".")
		for i, k := range keys {
			keys[i] = strings.TrimSpace(k)
		}
		return keys
	}
	var keys []string
	var b strings.Builder
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				b.WriteByte(c)
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '.':
			keys = append(keys, strings.TrimSpace(b.String()))
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(keys, strings.TrimSpace(b.String()))
}

// skipValue returns the offset of the newline that ends the last line of
// the value that starts at text[from] (or len(text)): a string, which
// may span lines when it is a multi-line one, or an array or inline table
// spread over lines, whose strings and comments may hold any brackets.
func skipValue(text string, from int) int {
	depth := 0
	for i := from; i < len(text); i++ {
		switch text[i] {
		case '\n':
			if depth <= 0 {
				return i
			}
		case '#':
			j := strings.IndexByte(text[i:], '\n')
			if j < 0 {
				return len(text)
			}
			i += j - 1 // the newline is read next
		case '"', '\'':
			i = skipLine(text, i) - 1
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		}
	}
	return len(text)
}

// skipLine is skipString, quicker on the single-line strings most values
// are: it looks for the quote that may close one, and reads the bytes
// before it only when they hold an escape or a newline.
func skipLine(text string, i int) int {
	q := text[i]
	if i+2 < len(text) && text[i+1] == q && text[i+2] == q {
		return skipString(text, i)
	}
	for j := i + 1; ; {
		k := strings.IndexByte(text[j:], q)
		if k < 0 {
			k = len(text) - j
		}
		run := text[j : j+k]
		if nl := strings.IndexByte(run, '\n'); nl >= 0 {
			return j + nl // unterminated: the decoder will say so
		}
		b := -1
		if q == '"' {
			b = strings.IndexByte(run, '\\')
		}
		switch {
		case b >= 0:
			// The escaped byte is skipped, unless it ends the line.
			j += b + 1
			if j < len(text) && text[j] != '\n' {
				j++
			}
		case j+k == len(text):
			return len(text)
		default:
			return j + k + 1
		}
	}
}
