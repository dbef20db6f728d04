package site

import (
	"strings"

	"github.com/mapsite/mapsite/incident"
)

// compact copies the strings of records, decoded from one data file, into
// one string of their own. The TOML decoder's strings are pieces of its
// own copy of the whole file (keys, comments and syntax included), or, for
// those with escapes, strings it built one by one: a record keeping any of
// them keeps them all, which is most of a loaded site's memory. A short
// value (a layer, a country, a tag, a date) is stored once however many
// records repeat it.
func compact(records []*incident.Record) {
	n := 0
	for _, r := range records {
		r.EachString(func(s *string) { n += len(*s) })
	}
	var b strings.Builder
	b.Grow(n)
	at := make([]int, 0, 32*len(records))      // where each string is in b, in EachString's order
	seen := make(map[string]int, len(records)) // titles and URLs are short, and seldom repeated
	for _, r := range records {
		r.EachString(func(s *string) {
			if len(*s) <= maxInterned {
				if off, ok := seen[*s]; ok {
					at = append(at, off)
					return
				}
				seen[*s] = b.Len()
			}
			at = append(at, b.Len())
			b.WriteString(*s)
		})
	}
	arena, i := b.String(), 0
	for _, r := range records {
		r.EachString(func(s *string) {
			if len(*s) > 0 {
				*s = arena[at[i] : at[i]+len(*s)]
			}
			i++
		})
	}
}

// maxInterned is the longest value compact stores once for all the
// records that hold it: longer ones (titles, summaries, addresses) are
// seldom repeated.
const maxInterned = 64
