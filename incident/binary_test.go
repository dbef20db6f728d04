package incident

import (
	"bytes"
	"encoding/gob"
	"reflect"
	"testing"
	"time"
	"unsafe"
)

// TestBinaryRoundTrip encodes dates and counts of every kind, alone and
// inside a Record through encoding/gob, and checks that they come back
// equal, unexported fields included.
func TestBinaryRoundTrip(t *testing.T) {
	var dates []Date
	for _, s := range []string{"2024-01-03", "2024-02", "2023-summer", "2023-winter", "2021", "2022/2023", "2023-12/2024-01", "0001-01-01", "9999-12-31"} {
		d, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		dates = append(dates, d)
	}
	dates = append(dates, Date{}, DateOf(time.Date(2024, 4, 30, 0, 0, 0, 0, time.FixedZone("date-local", 0))))
	for _, d := range dates {
		b, err := d.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if a, _ := d.AppendBinary([]byte("x")); string(a) != "x"+string(b) {
			t.Errorf("Date %q: AppendBinary gives %q after its prefix, MarshalBinary %q", d.ISO(), a[1:], b)
		}
		var got Date
		if err := got.UnmarshalBinary(b); err != nil || !reflect.DeepEqual(got, d) {
			t.Errorf("Date %q: round trip gives %#v, %v; want %#v", d.ISO(), got, err, d)
		}
		if len(b) == 0 {
			continue
		}
		s := string(b)
		got, err = DateOfBinary(s)
		if err != nil || !reflect.DeepEqual(got, d) {
			t.Errorf("Date %q: DateOfBinary gives %#v, %v; want %#v", d.ISO(), got, err, d)
		}
		if text := got.ISO(); text != "" && unsafe.StringData(text) != unsafe.StringData(s[len(s)-len(text):]) {
			t.Errorf("Date %q: DateOfBinary's text is a copy, not a piece of its input", d.ISO())
		}
	}
	var counts []Count
	for _, s := range []string{"103", "at least 140", "over 500", "25-29", "about 30", "0"} {
		c, err := ParseCount(s)
		if err != nil {
			t.Fatal(err)
		}
		counts = append(counts, c)
	}
	counts = append(counts, Count{}, ExactCount(7))
	for _, c := range counts {
		b, err := c.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if a, _ := c.AppendBinary([]byte("x")); string(a) != "x"+string(b) {
			t.Errorf("Count %v: AppendBinary gives %q after its prefix, MarshalBinary %q", c, a[1:], b)
		}
		var got Count
		if err := got.UnmarshalBinary(b); err != nil || !reflect.DeepEqual(got, c) {
			t.Errorf("Count %v: round trip gives %#v, %v; want %#v", c, got, err, c)
		}
	}
	r := Record{ID: "a", Date: dates[5], Counts: Counts{Killed: counts[1], Injured: counts[3]}, Coordinates: &[2]float64{1, 2},
		Tags: []string{}, Sources: []Source{{Title: "t", URL: "u", Published: dates[len(dates)-1]}}}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(r); err != nil {
		t.Fatal(err)
	}
	var got Record
	if err := gob.NewDecoder(&buf).Decode(&got); err != nil {
		t.Fatal(err)
	}
	got.Tags = []string{} // gob does not tell an empty slice from nil
	if !reflect.DeepEqual(got, r) {
		t.Errorf("Record through gob = %#v, want %#v", got, r)
	}
	for _, bad := range [][]byte{nil, {9, 0}, {0, 2}, {0, 0, 0x80}} {
		if (&Date{}).UnmarshalBinary(bad) == nil {
			t.Errorf("Date.UnmarshalBinary(%v) accepted it", bad)
		}
		if _, err := DateOfBinary(string(bad)); err == nil {
			t.Errorf("DateOfBinary(%q) accepted it", bad)
		}
		if (&Count{}).UnmarshalBinary(bad) == nil && len(bad) < 3 {
			t.Errorf("Count.UnmarshalBinary(%v) accepted it", bad)
		}
	}
}
