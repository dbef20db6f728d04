package site

import (
	"strings"
	"unsafe"

	"github.com/mapsite/mapsite/incident"
)

// compact copies the strings of records, decoded from one data file whose
// bytes are src, into an arena of their own. The TOML decoder's strings
// are pieces of the file (keys, comments and syntax included): a record
// keeping any of them would keep it all, which is most of a loaded site's
// memory. A string that is not in src (one with escapes, which the decoder
// built on its own) is kept as it is, unless it is short. A short value (a
// layer, a country, a tag, a date) is stored once however many records
// repeat it.
func compact(records []*incident.Record, src []byte) {
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(src)))
	hi := lo + uintptr(len(src))
	var a arena
	seen := make(map[string]string, len(records)) // a short value, by its piece of the arena
	for _, r := range records {
		r.EachString(func(s *string) {
			if len(*s) == 0 {
				return
			}
			p := uintptr(unsafe.Pointer(unsafe.StringData(*s)))
			short := len(*s) <= maxInterned
			if !short && (p < lo || p >= hi) {
				return // a string of its own, long enough not to be interned
			}
			interned := short && !seldomRepeated(r, s)
			if interned {
				if piece, ok := seen[*s]; ok {
					*s = piece
					return
				}
			}
			*s = a.copy(*s)
			if interned {
				seen[*s] = *s
			}
		})
	}
}

// arena holds copies of strings side by side, in chunks of arenaChunk
// bytes: compact fills them in one pass over the records, without first
// adding up the strings' lengths to make one of the exact size.
type arena struct{ b []byte }

// arenaChunk is the size of an arena's chunks; a string longer than an
// eighth of it is copied on its own, so that at most that much of a
// chunk is left unused before the next.
const arenaChunk = 32 << 10

// copy returns a copy of s in the arena. Bytes written are never
// changed, and a full chunk is left as it is, never grown.
func (a *arena) copy(s string) string {
	if len(s) > cap(a.b)-len(a.b) {
		if len(s) > arenaChunk/8 {
			return strings.Clone(s)
		}
		a.b = make([]byte, 0, arenaChunk)
	}
	at := len(a.b)
	a.b = append(a.b, s...)
	return unsafe.String(&a.b[at], len(s))
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
