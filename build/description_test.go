package build

import (
	"strings"
	"testing"
)

// TestSummaryStart compares summaryStart with joining every word and then
// cutting, as descriptions were made before.
func TestSummaryStart(t *testing.T) {
	whole := func(summary string) string {
		s := strings.Join(strings.Fields(summary), " ")
		if len(s) > 200 {
			cut := strings.LastIndex(s[:200], " ")
			if cut < 0 {
				cut = 200
			}
			s = s[:cut] + "…"
		}
		return s
	}
	long := strings.Repeat("word ", 60)
	for _, s := range []string{"", "  ", "one", " a  b\n\nc\t", long, strings.Repeat("x", 199), strings.Repeat("x", 200), strings.Repeat("x", 201),
		strings.Repeat("x", 500), strings.Repeat("x", 199) + " y", strings.Repeat("x", 200) + " y", strings.Repeat("x", 198) + "  yy zz",
		strings.Repeat("é", 150), "a " + strings.Repeat("\u00a0b", 150), strings.Repeat("ab ", 67) + "c",
		// Every kind of space spaceAt tells apart (ASCII's six, and runes
		// of two and three bytes), and bytes that are not UTF-8.
		"\v\fa\rb\u0085c\u2003d\u3000 \u00a0", "\xffa\xc3 b\xe2\x80", "x\u200by\u00e9\u0085"} {
		if got, want := summaryStart(s), whole(s); got != want {
			t.Errorf("summaryStart(%q)\n = %q\nwant %q", s, got, want)
		}
	}
}

// BenchmarkSummaryStart is the summary's part of a record page's
// description (see description).
func BenchmarkSummaryStart(b *testing.B) {
	summary := strings.Repeat("A river flooded the lower town after three days of rain. ", 8)
	buf := make([]byte, 0, 320)
	for b.Loop() {
		buf = appendSummaryStart(buf[:0], summary)
	}
}
