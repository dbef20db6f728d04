package incident

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unsafe"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, iso, text, start, end string
		prec                      DatePrecision
	}{
		{"2024-01-03", "2024-01-03", "3 January 2024", "2024-01-03", "2024-01-03", Day},
		{"2024-02", "2024-02", "February 2024", "2024-02-01", "2024-02-29", Month},
		{"2023-summer", "2023-summer", "summer 2023", "2023-06-01", "2023-08-31", Season},
		{"2023-Fall", "2023-autumn", "autumn 2023", "2023-09-01", "2023-11-30", Season},
		{"2023-winter", "2023-winter", "winter 2023", "2023-12-01", "2024-02-29", Season},
		{"2021", "2021", "2021", "2021-01-01", "2021-12-31", Year},
		{"2022/2023", "2022/2023", "2022–2023", "2022-01-01", "2023-12-31", Year},
		{"2023-12/2024-01", "2023-12/2024-01", "December 2023–January 2024", "2023-12-01", "2024-01-31", Month},
	}
	for _, tt := range tests {
		d, err := ParseDate(tt.in)
		if err != nil {
			t.Errorf("ParseDate(%q) error %v", tt.in, err)
			continue
		}
		got := []string{d.ISO(), d.String(), d.Start.Format(time.DateOnly), d.End.Format(time.DateOnly)}
		want := []string{tt.iso, tt.text, tt.start, tt.end}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("ParseDate(%q) = %v, want %v", tt.in, got, want)
				break
			}
		}
		if d.Precision != tt.prec {
			t.Errorf("ParseDate(%q).Precision = %v, want %v", tt.in, d.Precision, tt.prec)
		}
	}
	for _, bad := range []string{"", "24-01-03", "2024-13", "2024-02-30", "2023-monsoon", "2024/2023", "2024-1-3", "soon"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) succeeded, want an error", bad)
		}
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in, want string
		n, max   int32
		exact    bool
	}{
		{"103", "103", 103, 0, true},
		{"at least 140", "at least 140", 140, 0, false},
		{"Over  500", "over 500", 500, 0, false},
		{"almost 400", "almost 400", 400, 0, false},
		{"more than 1,000", "more than 1000", 1000, 0, false},
		{"25-29", "25–29", 25, 29, false},
		{"25–29", "25–29", 25, 29, false},
		{"2147483647", "2147483647", 2147483647, 0, true},
		{"0-2147483647", "0–2147483647", 0, 2147483647, false},
	}
	for _, tt := range tests {
		c, err := ParseCount(tt.in)
		if err != nil {
			t.Errorf("ParseCount(%q) error %v", tt.in, err)
			continue
		}
		if c.String() != tt.want || c.N != tt.n || c.Max != tt.max || c.Exact() != tt.exact {
			t.Errorf("ParseCount(%q) = %q (n %d, max %d, exact %v), want %q (n %d, max %d, exact %v)",
				tt.in, c, c.N, c.Max, c.Exact(), tt.want, tt.n, tt.max, tt.exact)
		}
	}
	for _, bad := range []string{"many", "-3", "at least", "29-25", "dozens", "1.5",
		"2147483648", "at least 2147483648", "1-2147483648", "99999999999999999999"} {
		if _, err := ParseCount(bad); err == nil {
			t.Errorf("ParseCount(%q) succeeded, want an error", bad)
		}
	}
}

// TestPlainCount checks that parsePlainCount, ParseCount's fast way,
// reads what it takes as the general way does, and that it takes the
// usual counts.
func TestPlainCount(t *testing.T) {
	texts := []string{"0", "7", "007", "103", "999999999", "1000000000", "", " 1", "1 ", "+1", "-1", "1,000", "25-29",
		"at least 140", "at least  140", "At least 140", "at least", "at least ", "up to 20", "over500", "about 0"}
	for _, q := range Qualifiers {
		texts = append(texts, q+" 12", q+" 123456789", q+" 1234567890", q+" x", q+"  3")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"0", "1", "9", " ", "at least ", "over ", "-", ",", "a", "–"}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		texts = append(texts, b.String())
	}
	for _, s := range texts {
		fast, ok := parsePlainCount(s)
		slow, err := parseCount(s)
		if ok && (err != nil || fast != slow) {
			t.Errorf("parsePlainCount(%q) = %+v, parseCount gives %+v, %v", s, fast, slow, err)
		}
	}
	for _, s := range []string{"0", "103", "999999999", "at least 140", "up to 20", "fewer than 3"} {
		if _, ok := parsePlainCount(s); !ok {
			t.Errorf("parsePlainCount(%q) declines", s)
		}
	}
	if n := testing.AllocsPerRun(100, func() { ParseCount("at least 140") }); n > 0 {
		t.Errorf("ParseCount(\"at least 140\") allocates %.0f times", n)
	}
}

// TestRecordSize checks that a record fits the 448-byte allocation size
// class: at 100,000 records each byte of it is 100 kB kept through the
// build, and the next class down is 416 bytes, the next up 480.
func TestRecordSize(t *testing.T) {
	if n := unsafe.Sizeof(Record{}); n > 448 {
		t.Errorf("a Record takes %d bytes, more than 448", n)
	}
	if n := unsafe.Sizeof(Count{}); n > 12 {
		t.Errorf("a Count takes %d bytes, more than 12", n)
	}
}

// TestParseDay compares ParseDay with DateOf of time.Parse, the way a
// TOML local date was read before, on every day of years at both ends of
// the range and around today, and checks that it refuses what time.Parse
// refuses or reads otherwise; and that ParseDate reads those days as
// before.
func TestParseDay(t *testing.T) {
	var years []int
	for y := range 5 {
		years = append(years, y, 1895+y, 9995+y)
	}
	for y := 1900; y <= 2104; y++ {
		years = append(years, y)
	}
	for _, y := range years {
		for day := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() == y; day = day.AddDate(0, 0, 1) {
			s := day.Format(time.DateOnly)
			want := DateOf(day)
			got, ok := ParseDay(s)
			if !ok || got != want || got.ISO() != s {
				t.Fatalf("ParseDay(%q) = %v, %v; want %v", s, got, ok, want)
			}
			if y < 1 {
				continue
			}
			parsed, err := ParseDate(s)
			if err != nil || parsed != want {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", s, parsed, err, want)
			}
		}
	}
	for _, bad := range []string{"", "2024-02-30", "2023-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00",
		"2024-01-32", "2024-1-03", "2024-01-3 ", " 2024-01-3", "2024/01/03", "+024-01-03", "-024-01-03", "2024-0a-03",
		"2024-01-03x", "２０２４-01-03", "2024-01-03T00:00:00"} {
		if d, ok := ParseDay(bad); ok {
			t.Errorf("ParseDay(%q) = %v, want none", bad, d)
		}
	}
	// Every month's last day and the one after, leap years included.
	for _, y := range []int{1900, 2000, 2023, 2024, 2100} {
		for m := time.January; m <= time.December; m++ {
			last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
			for d := last; d <= last+1; d++ {
				s := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-") + fmt.Sprintf("%02d", d)
				_, err := time.Parse(time.DateOnly, s)
				if _, ok := ParseDay(s); ok != (err == nil) {
					t.Errorf("ParseDay(%q) ok = %v; time.Parse error %v", s, ok, err)
				}
			}
		}
	}
}
