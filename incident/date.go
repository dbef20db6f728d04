package incident

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DatePrecision says how exactly a date is known.
type DatePrecision uint8

const (
	Day DatePrecision = iota
	Month
	Season
	Year
)

var datePrecisionNames = [...]string{"day", "month", "season", "year"}

// String returns "day", "month", "season" or "year".
func (p DatePrecision) String() string { return datePrecisionNames[p] }

// Date is the time of an incident as precisely as the sources give it: a
// day, a month, a season, a year, or a span between two of those. Start is
// the first day it may mean and End the last, so dates of any precision
// sort and filter together.
type Date struct {
	Start, End time.Time     // UTC midnights, End inclusive
	Precision  DatePrecision // of the start (and of the end, for spans)
	Span       bool          // written as "start/end"
	text       string        // canonical form
}

var seasons = map[string][2]time.Month{ // northern hemisphere, meteorological
	"spring": {time.March, time.May},
	"summer": {time.June, time.August},
	"autumn": {time.September, time.November},
	"fall":   {time.September, time.November},
	"winter": {time.December, time.February},
}

// ParseDate reads the string forms of a date: "2024-01-03", "2024-02",
// "2023-summer", "2021", and spans "2022/2023" or "2023-12/2024-01".
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if from, to, ok := strings.Cut(s, "/"); ok {
		a, err := parsePoint(from)
		if err != nil {
			return Date{}, err
		}
		b, err := parsePoint(to)
		if err != nil {
			return Date{}, err
		}
		if b.End.Before(a.Start) {
			return Date{}, fmt.Errorf("span %q ends before it starts", s)
		}
		d := Date{Start: a.Start, End: b.End, Precision: max(a.Precision, b.Precision), Span: true}
		d.text = a.text + "/" + b.text
		return d, nil
	}
	return parsePoint(s)
}

// DateOf returns the day-precision Date of t (a TOML local date).
func DateOf(t time.Time) Date {
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return Date{Start: day, End: day, Precision: Day, text: day.Format(time.DateOnly)}
}

// ParseDay reads a day as TOML writes a local date, "2024-01-03" (years
// 0000 to 9999): what DateOf gives for that day, whose text is s itself,
// without formatting it. ok is false for anything else.
func ParseDay(s string) (d Date, ok bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, false
	}
	var n [8]int
	for i, j := range [8]int{0, 1, 2, 3, 5, 6, 8, 9} {
		if s[j] < '0' || s[j] > '9' {
			return Date{}, false
		}
		n[i] = int(s[j] - '0')
	}
	year := n[0]*1000 + n[1]*100 + n[2]*10 + n[3]
	month := time.Month(n[4]*10 + n[5])
	day := n[6]*10 + n[7]
	if month < time.January || month > time.December || day < 1 || day > daysIn(month, year) {
		return Date{}, false
	}
	t := time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
	return Date{Start: t, End: t, Precision: Day, text: s}, true
}

// daysIn returns the number of days of month m of year y.
func daysIn(m time.Month, y int) int {
	if m == time.February {
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + int((0b1010110101010>>m)&1) // 31 in January, March, May, July, August, October, December
}

func parsePoint(s string) (Date, error) {
	if d, ok := ParseDay(s); ok && s[:4] != "0000" {
		return d, nil // the usual form, without splitting and parsing it
	}
	bad := func() (Date, error) {
		return Date{}, fmt.Errorf("cannot read %q as a date: write 2024-01-03, \"2024-01\", \"2023-summer\", \"2023\" or a span \"2022/2023\"", s)
	}
	parts := strings.Split(s, "-")
	if len(parts) > 3 || len(parts[0]) != 4 {
		return bad()
	}
	year, err := strconv.Atoi(parts[0])
	if err != nil || year < 1 {
		return bad()
	}
	switch len(parts) {
	case 1:
		start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		return Date{Start: start, End: start.AddDate(1, 0, -1), Precision: Year, text: parts[0]}, nil
	case 2:
		if months, ok := seasons[strings.ToLower(parts[1])]; ok {
			start := time.Date(year, months[0], 1, 0, 0, 0, 0, time.UTC)
			endYear := year
			if months[1] < months[0] {
				endYear++
			}
			end := time.Date(endYear, months[1]+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
			name := strings.ToLower(parts[1])
			if name == "fall" {
				name = "autumn"
			}
			return Date{Start: start, End: end, Precision: Season, text: parts[0] + "-" + name}, nil
		}
		t, err := time.Parse("2006-01", s)
		if err != nil {
			return bad()
		}
		return Date{Start: t, End: t.AddDate(0, 1, -1), Precision: Month, text: s}, nil
	default:
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return Date{}, fmt.Errorf("cannot read %q as a date: %s", s, dateReason(err))
		}
		return DateOf(t), nil
	}
}

func dateReason(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// IsZero reports whether d is unset. (Not Start.IsZero: "0001-01" is a
// date whose start is the zero time.)
func (d Date) IsZero() bool { return d.text == "" }

// ISO returns the date as written in data files, canonicalised:
// "2024-01-03", "2024-02", "2023-summer", "2021", "2022/2023".
func (d Date) ISO() string { return d.text }

// String returns the date as a reader would say it: "3 January 2024",
// "February 2024", "summer 2023", "2021", "2022–2023".
func (d Date) String() string {
	if d.Span {
		from, to, _ := strings.Cut(d.text, "/")
		a, _ := parsePoint(from)
		b, _ := parsePoint(to)
		return a.String() + "–" + b.String()
	}
	switch d.Precision {
	case Day:
		return d.Start.Format("2 January 2006")
	case Month:
		return d.Start.Format("January 2006")
	case Season:
		_, name, _ := strings.Cut(d.text, "-")
		return name + " " + d.Start.Format("2006")
	default:
		return d.Start.Format("2006")
	}
}

// Compare orders dates by start, then by end (the more precise first).
func (d Date) Compare(e Date) int {
	if c := d.Start.Compare(e.Start); c != 0 {
		return c
	}
	return d.End.Compare(e.End)
}
