package site

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/mapsite/mapsite/incident"
)

// TestCompact checks what compact does with a file's strings: those in
// the file's bytes are copied out of them, the short ones once for all
// the records that hold them, except the fields that seldom repeat; a
// long string the decoder built on its own is kept as it is.
func TestCompact(t *testing.T) {
	src := []byte(`"attack" "TR" "r1" "r2" "Same title" ` + strings.Repeat("a summary ", 10))
	in := func(s string) string { // s, as a piece of src
		i := strings.Index(string(src), s)
		return unsafe.String(&src[i], len(s))
	}
	own := strings.Repeat("built\n", 20) // as an unescaped string
	records := []*incident.Record{
		{ID: in("r1"), Layer: in("attack"), Country: in("TR"), Title: in("Same title"), Summary: in(strings.Repeat("a summary ", 10))},
		{ID: in("r2"), Layer: in("attack"), Country: in("TR"), Title: in("Same title"), Summary: own},
	}
	compact(records, src)
	inSrc := func(s string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		lo := uintptr(unsafe.Pointer(&src[0]))
		return p >= lo && p < lo+uintptr(len(src))
	}
	a, b := records[0], records[1]
	for _, r := range records {
		r.EachString(func(s *string) {
			if *s != "" && inSrc(*s) {
				t.Errorf("%q is still in the file's bytes", *s)
			}
		})
	}
	if a.Layer != "attack" || a.Country != "TR" || a.Title != "Same title" || a.Summary != strings.Repeat("a summary ", 10) || b.ID != "r2" {
		t.Errorf("the values changed: %+v", *a)
	}
	same := func(x, y string) bool { return unsafe.StringData(x) == unsafe.StringData(y) }
	if !same(a.Layer, b.Layer) || !same(a.Country, b.Country) {
		t.Error("a layer or country is stored once per record")
	}
	if same(a.Title, b.Title) {
		t.Error("a title was looked up among the values seen")
	}
	if !same(b.Summary, own) {
		t.Error("a long string of the decoder's own was copied")
	}
}

// TestFieldsDigestAllocates checks that FieldsDigest makes no garbage (a
// buffer each was 100 MB at 100,000 records).
func TestFieldsDigestAllocates(t *testing.T) {
	r := &incident.Record{ID: "r1", Summary: strings.Repeat("a summary ", 50), Tags: []string{"x"}}
	if n := testing.AllocsPerRun(100, func() { FieldsDigest(r) }); n > 0.5 {
		t.Errorf("FieldsDigest allocates %.1f times a call", n)
	}
}
