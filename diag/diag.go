// Package diag collects the problems found in a site's files, each with the
// file, line and column it points at, so that all of them can be reported at
// once, sorted, as text or as JSON.
package diag

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Severity tells an error, which stops a build, from a warning, which does not.
type Severity int

const (
	Error Severity = iota
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// MarshalText makes a Severity read as a word in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Diagnostic is one problem in a site's input: where it is, which record and
// field it concerns, and what to do about it.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	Record   string   `json:"record"`
	Field    string   `json:"field"`
	Message  string   `json:"message"`
	Severity Severity `json:"severity"`
	// Source is the offending line of the file, when showing it helps (a
	// syntax error), followed by a line with a caret under the column.
	Source string `json:"source,omitempty"`
}

// String formats d the way compilers do, safe to print to a terminal
// (control characters are escaped, see Printable):
//
//	data/turkey.toml:42:3: record "istanbul-church-2024": place: unknown place "Basaksehr"
//
// A Source excerpt follows on indented lines.
func (d Diagnostic) String() string {
	var b strings.Builder
	if d.File != "" {
		b.WriteString(Printable(d.File))
		if d.Line > 0 {
			fmt.Fprintf(&b, ":%d", d.Line)
			if d.Column > 0 {
				fmt.Fprintf(&b, ":%d", d.Column)
			}
		}
		b.WriteString(": ")
	}
	if d.Severity == Warning {
		b.WriteString("warning: ")
	}
	if d.Record != "" {
		fmt.Fprintf(&b, "record %q: ", d.Record)
	}
	if d.Field != "" {
		b.WriteString(Printable(d.Field))
		b.WriteString(": ")
	}
	b.WriteString(Printable(d.Message))
	if d.Source != "" {
		for _, line := range strings.Split(d.Source, "\n") {
			b.WriteString("\n    ")
			b.WriteString(Printable(line))
		}
	}
	return b.String()
}

// List is a set of diagnostics. The zero value is ready to use.
type List []Diagnostic

// Add appends a diagnostic.
func (l *List) Add(d Diagnostic) { *l = append(*l, d) }

// Append appends all of other.
func (l *List) Append(other List) { *l = append(*l, other...) }

// Sort orders the list by file, line, column, then message, so that output
// does not depend on the order in which problems were found.
func (l List) Sort() {
	slices.SortStableFunc(l, func(a, b Diagnostic) int {
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
			cmp.Compare(a.Severity, b.Severity),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

// Errors returns the number of diagnostics of severity Error.
func (l List) Errors() int { return l.count(Error) }

// Warnings returns the number of diagnostics of severity Warning.
func (l List) Warnings() int { return l.count(Warning) }

func (l List) count(s Severity) int {
	n := 0
	for _, d := range l {
		if d.Severity == s {
			n++
		}
	}
	return n
}

// Err returns nil when the list has no errors (warnings do not count), and
// the list as an error otherwise.
func (l List) Err() error {
	if l.Errors() == 0 {
		return nil
	}
	return &DataError{List: l}
}

// WriteText prints one diagnostic a line.
func (l List) WriteText(w io.Writer) error {
	for _, d := range l {
		if _, err := fmt.Fprintln(w, d); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON prints the list as a JSON array (an empty array when there is
// nothing to say).
func (l List) WriteJSON(w io.Writer) error {
	if l == nil {
		l = List{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(l)
}

// DataError is the error of a site whose input has problems: the user's to
// fix, as opposed to an internal failure. Its message lists them all.
type DataError struct {
	List List
}

func (e *DataError) Error() string {
	n := e.List.Errors()
	var b strings.Builder
	for _, d := range e.List {
		b.WriteString(d.String())
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "%d %s", n, plural(n, "error"))
	return b.String()
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
