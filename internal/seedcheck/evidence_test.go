package seedcheck

import (
	"strings"
	"testing"

	"github.com/mapsite/mapsite/diag"
)

// TestSpansEndWithTheEvidence checks that no seed record's date or span
// runs past the publication of its newest source, which the loader warns
// about, and that the check has something to work with: every record cites
// at least one source with a known publication date (the article, at least).
func TestSpansEndWithTheEvidence(t *testing.T) {
	s, l := loadSeed(t)
	for _, d := range l {
		if d.Severity == diag.Warning && d.Field == "date" && strings.Contains(d.Message, "newest source") {
			t.Errorf("%s", d)
		}
	}
	for _, r := range s.Records {
		dated := 0
		for _, src := range r.Sources {
			if !src.Published.IsZero() {
				dated++
			}
		}
		if dated == 0 {
			t.Errorf("%s:%d: record %q: no source gives its publication date (published = YYYY-MM-DD), so its span cannot be checked against the evidence",
				r.File, r.Line, r.ID)
		}
	}
}
