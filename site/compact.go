package site

import (
	"strings"
	"unsafe"

	"github.com/mapsite/mapsite/incident"
)

// compact copies the strings of records, decoded from one data file whose
// bytes are src, into one string of their own. The TOML decoder's strings
// are pieces of the file (keys, comments and syntax included): a record
// keeping any of them would keep it all, which is most of a loaded site's
// memory. A string that is not in src (one with escapes, which the decoder
// built on its own) is kept as it is, unless it is short. A short value (a
// layer, a country, a tag, a date) is stored once however many records
// repeat it.
func compact(records []*incident.Record, src []byte) {
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(src)))
	hi := lo + uintptr(len(src))
	keep := func(s string) bool { // a string of its own, long enough not to be interned
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return len(s) > maxInterned && (p < lo || p >= hi)
	}
	n, short := 0, 0
	for _, r := range records {
		r.EachString(func(s *string) {
			if !keep(*s) {
				n += len(*s)
				if len(*s) <= maxInterned {
					short++
				}
			}
		})
	}
	// The arena has room for every string counted, so it never grows: a
	// piece of b.String() stays where it is while more is written after.
	var b strings.Builder
	b.Grow(n)
	seen := make(map[string]string, min(short, len(records))) // a short value, by its piece of the arena
	for _, r := range records {
		r.EachString(func(s *string) {
			if len(*s) == 0 || keep(*s) {
				return
			}
			interned := len(*s) <= maxInterned && !seldomRepeated(r, s)
			if interned {
				if piece, ok := seen[*s]; ok {
					*s = piece
					return
				}
			}
			at := b.Len()
			b.WriteString(*s)
			*s = b.String()[at:]
			if interned {
				seen[*s] = *s
			}
		})
	}
}

// seldomRepeated reports whether s is a field of r whose value other
// records seldom have: its id, title or note, or a source's title or URL.
// compact stores those as they come, without looking for them first.
func seldomRepeated(r *incident.Record, s *string) bool {
	if s == &r.ID || s == &r.Title || s == &r.Note {
		return true
	}
	for i := range r.Sources {
		if src := &r.Sources[i]; s == &src.Title || s == &src.URL {
			return true
		}
	}
	return false
}

// maxInterned is the longest value compact stores once for all the
// records that hold it: longer ones (titles, summaries, addresses) are
// seldom repeated.
const maxInterned = 64
