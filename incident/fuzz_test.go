package incident

import (
	"testing"
	"unicode/utf8"
)

// FuzzParseDate checks that any text either fails to parse or gives a date
// that starts no later than it ends and reads back as itself.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-01-03", "2024-02", "2023-summer", "2023-winter", "2021", "2022/2023",
		"2023-12/2024-01", "2023/2024-04", " 2024 ", "2024-02-30", "0000", "9999-12-31", "2024//2025", "2024-13", "2024-fall/2025-spring"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !utf8.ValidString(err.Error()) && utf8.ValidString(s) {
				t.Errorf("ParseDate(%q): error %q is not UTF-8", s, err)
			}
			return
		}
		if d.IsZero() || d.End.Before(d.Start) {
			t.Fatalf("ParseDate(%q) = %v .. %v", s, d.Start, d.End)
		}
		again, err := ParseDate(d.ISO())
		if err != nil || again.Start != d.Start || again.End != d.End || again.ISO() != d.ISO() {
			t.Fatalf("ParseDate(%q).ISO() = %q, which reads back as %v (%v)", s, d.ISO(), again, err)
		}
		if d.String() == "" {
			t.Fatalf("ParseDate(%q).String() is empty", s)
		}
	})
}

// FuzzParseCount checks that a count parses to numbers that are not
// negative, a range that runs upwards, and a text that reads back the same.
func FuzzParseCount(f *testing.F) {
	for _, s := range []string{"103", "at least 140", "Over  500", "almost 400", "more than 1,000", "25-29", "25–29",
		"-3", "29-25", "up to 20", "9223372036854775807", "1e3", "about -1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCount(s)
		if err != nil {
			return
		}
		if c.N < 0 || c.Max != 0 && c.Max <= c.N || !c.IsSet() {
			t.Fatalf("ParseCount(%q) = %+v", s, c)
		}
		again, err := ParseCount(c.String())
		if err != nil || again != c {
			t.Fatalf("ParseCount(%q).String() = %q, which reads back as %+v (%v)", s, c.String(), again, err)
		}
	})
}
