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
	s := scanner{ix: Index{}, counts: map[string]int{}}
	lines := strings.Split(string(src), "\n")
	for n := 0; n < len(lines); n++ {
		n = s.line(lines, n)
	}
	return s.ix
}

type scanner struct {
	ix      Index
	counts  map[string]int // elements seen of each array of tables, by resolved path
	current string         // resolved path of the current table
}

// line reads the statement starting at lines[n] and returns the index of
// its last line.
func (s *scanner) line(lines []string, n int) int {
	text := lines[n]
	trimmed := strings.TrimLeft(text, " \t")
	col := len(text) - len(trimmed) + 1
	switch {
	case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		return n
	case strings.HasPrefix(trimmed, "[["):
		end := strings.Index(trimmed, "]]")
		if end < 0 {
			return n
		}
		parent, last := s.resolve(splitKey(trimmed[2:end]))
		s.prefixes(parent, Pos{n + 1, col})
		base := join(parent, last)
		i := s.counts[base]
		s.counts[base] = i + 1
		s.current = base + "[" + strconv.Itoa(i) + "]"
		if _, ok := s.ix[base]; !ok {
			s.ix[base] = Pos{n + 1, col}
		}
		s.ix[s.current] = Pos{n + 1, col}
		return n
	case strings.HasPrefix(trimmed, "["):
		end := strings.Index(trimmed, "]")
		if end < 0 {
			return n
		}
		parent, last := s.resolve(splitKey(trimmed[1:end]))
		s.prefixes(parent, Pos{n + 1, col})
		s.current = join(parent, last)
		s.ix[s.current] = Pos{n + 1, col}
		return n
	}
	eq := keyEnd(trimmed)
	if eq < 0 {
		return n
	}
	path := s.current
	for _, k := range splitKey(trimmed[:eq]) {
		path = join(path, k)
		if _, ok := s.ix[path]; !ok { // a dotted key's tables start here
			s.ix[path] = Pos{n + 1, col}
		}
	}
	s.ix[path] = Pos{n + 1, col}
	return skipValue(lines, n, strings.TrimLeft(trimmed[eq+1:], " \t"))
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

// skipValue returns the last line of a value that starts on line n: a
// multi-line string, or an array or inline table spread over lines.
func skipValue(lines []string, n int, value string) int {
	for _, delim := range []string{`"""`, `'''`} {
		if strings.HasPrefix(value, delim) {
			rest := value[3:]
			for {
				if strings.Contains(rest, delim) {
					return n
				}
				n++
				if n >= len(lines) {
					return len(lines) - 1
				}
				rest = lines[n]
			}
		}
	}
	depth := 0
	text := value
	for {
		var quote byte
	scan:
		for i := 0; i < len(text); i++ {
			c := text[i]
			switch {
			case quote != 0:
				if c == '\\' && quote == '"' {
					i++
				} else if c == quote {
					quote = 0
				}
			case c == '"' || c == '\'':
				quote = c
			case c == '#':
				break scan
			case c == '[' || c == '{':
				depth++
			case c == ']' || c == '}':
				depth--
			}
		}
		if depth <= 0 || n+1 >= len(lines) {
			return n
		}
		n++
		text = lines[n]
	}
}
