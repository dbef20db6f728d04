package build

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// The escapers and paragraphs look at eight bytes at a time while none
// needs a look (render_escape.go, render_fast.go). These tests put every
// byte at every place around those eight-byte steps and compare with
// html/template and the template's paragraphs function.

// TestEscapersEveryBytePlace puts each byte value at each place of a
// string up to 19 bytes long, and the escapers must do what html/template
// does with it.
func TestEscapersEveryBytePlace(t *testing.T) {
	for c := range 256 {
		for n := 1; n <= 19; n++ {
			for at := range n {
				b := []byte(strings.Repeat("ab", n)[:n])
				b[at] = byte(c)
				checkEscapers(t, string(b))
			}
		}
		if t.Failed() {
			return
		}
	}
}

// TestMaybeHTMLSpecial8 checks the eight-byte test against the table it
// stands for: never false when a byte of x is in htmlSpecial.
func TestMaybeHTMLSpecial8(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		x := r.Uint64()
		// Mostly text, with a special byte now and then.
		var b [8]byte
		for i := range b {
			switch k := r.IntN(10); {
			case k < 6:
				b[i] = byte(0x20 + r.IntN(0x60))
			case k < 8:
				b[i] = byte(x >> (8 * i))
			default:
				b[i] = "\x00\"&'+<>#"[r.IntN(8)]
			}
		}
		x = 0
		special := false
		for i, c := range b {
			x |= uint64(c) << (8 * i)
			special = special || htmlSpecial[c]
		}
		if special && !maybeHTMLSpecial8(x) {
			t.Fatalf("maybeHTMLSpecial8(%q) = false", b[:])
		}
	}
	for _, s := range []string{"abcdefgh", "ABCDEFGH", "01234567", "-., ;:!?", "\x7f\x80\xff\xa2\xa6\xbc\xbe\xab"} {
		if maybeHTMLSpecial8(uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56) {
			t.Errorf("maybeHTMLSpecial8(%q) = true, want false", s)
		}
	}
}

// TestFastParagraphsLong checks paragraphs longer than eight bytes, whose
// words are one space apart but for one byte at any place: a tab, a
// second space, a line break, a non-ASCII space, a non-ASCII letter,
// invalid UTF-8, a byte to escape, a space at either end.
func TestFastParagraphsLong(t *testing.T) {
	base := "Police raided flats and seized phones in the city centre"
	odd := []string{"\t", "  ", " ", "\n", "\r\n", "\v", "\f", "\r", "\u00a0", "\u0085", "\u2028", "\u3000", "é", "\xff", "\x00", "\x1f", "\x7f",
		"<", ">", "&", "\"", "'", "+", "#", "\n\n", "\r\n\r\n", "\n \n"}
	for _, o := range odd {
		for at := 0; at <= len(base); at++ {
			checkParagraphs(t, base[:at]+o+base[at:])
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"word", "a", "Longerword", " ", " ", " ", "  ", "\t", "\n", "\n\n", "\r\n", "\u00a0", "<b>", "&amp;", "é", "\xe2\x80", ""}
	for range 3000 {
		var b strings.Builder
		for range r.IntN(40) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		checkParagraphs(t, b.String())
	}
}

// checkParagraphs compares the fast path's paragraphs of text with the
// template's paragraphs function, each escaped in a <p>.
func checkParagraphs(t *testing.T, text string) {
	t.Helper()
	w := &fastWriter{}
	w.paragraphs(text)
	var want []byte
	for _, p := range paragraphs(text) {
		want = append(appendHTML(append(want, "<p>"...), p), "</p>"...)
	}
	if string(w.b) != string(want) {
		t.Errorf("paragraphs of %q:\n got %q\nwant %q", text, w.b, want)
	}
}

// TestWordsOneSpaceApart checks the test of paragraphs' quick way against
// what it stands for: the text is its own words joined by one space, all
// printable ASCII.
func TestWordsOneSpaceApart(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	pieces := []string{"word", "a", "Longerword", " ", " ", "  ", "\t", "\n", "\u00a0", "<&>", "é", "~", "\x7f", "\x1f"}
	for range 20000 {
		var b strings.Builder
		for range r.IntN(24) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		want := s != "" && strings.Join(strings.Fields(s), " ") == s
		for _, c := range []byte(s) {
			want = want && 0x20 <= c && c <= 0x7e
		}
		if got := wordsOneSpaceApart(s); got != want {
			t.Fatalf("wordsOneSpaceApart(%q) = %v, want %v", s, got, want)
		}
	}
}

// FuzzFastParagraphs compares the fast path's paragraphs with the
// template's on any text.
func FuzzFastParagraphs(f *testing.F) {
	f.Add("Police raided flats and seized phones.\n\nTwo  words\tapart.")
	f.Add("a\u00a0b c\r\n\r\n <x> ")
	f.Fuzz(checkParagraphs)
}

// TestPageBufferGrowth renders every page of a site into a buffer too
// small for it and into one large enough, and wants the same bytes: the
// writer keeps its buffer's length only while the buffer holds the page
// (see fastWriter.keep).
func TestPageBufferGrowth(t *testing.T) {
	m, a, _ := renderSetup(t, synthSite(t, 50))
	for _, rv := range m.Records {
		p := &page{model: m, assets: a, Root: "../../", Path: rv.URL, Kind: "record", Title: rv.Title, Description: description(rv), Record: rv}
		for _, small := range []int{0, 1, 100, 3000, 5000} {
			got, err := renderFast(p, make([]byte, 0, small))
			if err != nil {
				t.Fatal(err)
			}
			want, err := renderFast(p, make([]byte, 0, 1<<20))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Fatalf("%s from a buffer of %d bytes:\n%s", rv.ID, small, firstDifference(got, want))
			}
		}
	}
}

// TestLastFaviconAndUpdated checks that the favicon and the date of update
// kept from the last page are taken only for the same value: pages of
// builds one after another (mapsite serve) with other icons and dates.
func TestLastFaviconAndUpdated(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip(err)
	}
	t1 := time.Date(2024, 3, 31, 23, 30, 0, 0, time.UTC)
	for _, u := range []time.Time{t1, t1, t1.In(paris), t1.Add(time.Hour), {}, t1} {
		w := &fastWriter{}
		w.updated(u)
		if want := appendHTML(nil, u.Format("2 January 2006")); string(w.b) != string(want) {
			t.Errorf("updated(%v) = %q, want %q", u, w.b, want)
		}
	}
	for _, uri := range []string{"data:image/svg+xml;base64,PHN2Zz4+", "data:image/svg+xml;base64,PHN2Zz4+", "data:a+b&c", "", "data:image/svg+xml;base64,PHN2Zz4+"} {
		w := &fastWriter{b: []byte("x")}
		w.favicon(uri)
		if want := appendURLRest([]byte("x"), uri); string(w.b) != string(want) {
			t.Errorf("favicon(%q) = %q, want %q", uri, w.b, want)
		}
	}
}

// TestAppendISODate checks appendISODate against the time.Format call it
// replaces, over years from before 0 to after 9999, in several locations.
func TestAppendISODate(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skip(err)
	}
	r := rand.New(rand.NewPCG(9, 10))
	days := []time.Time{{}, time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1993, 3, 24, 0, 0, 0, 0, time.UTC)}
	for range 5000 {
		days = append(days, time.Unix(r.Int64N(400e9)-200e9, 0).In([]*time.Location{time.UTC, tokyo}[r.IntN(2)]))
	}
	for _, d := range days {
		if got, want := string(appendISODate([]byte("x"), d)), d.Format("x2006-01-02"); got != want {
			t.Errorf("appendISODate(%v) = %q, want %q", d, got, want)
		}
	}
}
