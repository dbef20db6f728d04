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
		strings.Repeat("é", 150), "a " + strings.Repeat("\u00a0b", 150), strings.Repeat("ab ", 67) + "c"} {
		if got, want := summaryStart(s), whole(s); got != want {
			t.Errorf("summaryStart(%q)\n = %q\nwant %q", s, got, want)
		}
	}
}
