package site

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/mapsite/mapsite/incident"
)

// TestSortRecords checks that sortedRecords gives the order of sorting the
// records by Date.Compare, then ID, on dates of every precision, spans,
// equal dates, and IDs repeated, alike in their first bytes or short.
func TestSortRecords(t *testing.T) {
	dates := []string{"2024-01-03", "2024-01", "2024-01/2024-03", "2023-summer", "2023-winter", "2024",
		"2022/2023", "2023-12/2024-01", "1999-12-31", "0001", "9999-12"}
	// Short IDs, and long ones alike in their first 8 bytes or more (as
	// the sort sees them first), a zero byte among them.
	ids := []string{"", "a", "b", "c", "ab", "a\x00", "a\x00b", "abcdefgh", "abcdefghi", "abcdefgh\x00",
		"abcdefghij", "abcdefgz", "r0000001", "r00000010", "r0000002"}
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 300 {
		var records []*incident.Record
		for i := range n {
			d, err := incident.ParseDate(dates[rng.IntN(len(dates))])
			if err != nil {
				t.Fatal(err)
			}
			records = append(records, &incident.Record{ID: ids[rng.IntN(len(ids))], Date: d, Line: i})
		}
		want := slices.Clone(records)
		slices.SortFunc(want, func(a, b *incident.Record) int {
			if c := a.Date.Compare(b.Date); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		in := slices.Clone(records)
		got := sortedRecords(records)
		if !slices.Equal(records, in) {
			t.Fatalf("%d records: the list given was changed", n)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%d records: at %d, %s %v (line %d), want %s %v (line %d)", n, i,
					got[i].ID, got[i].Date, got[i].Line, want[i].ID, want[i].Date, want[i].Line)
			}
		}
	}
}

// BenchmarkSortRecords sorts 100,000 shuffled records, with sortedRecords
// and, to compare, by the records themselves.
func BenchmarkSortRecords(b *testing.B) {
	dates := []string{"2024-01-03", "2024-01", "2023-summer", "2024", "2022/2023"}
	rng := rand.New(rand.NewPCG(1, 2))
	var records []*incident.Record
	for i := range 100_000 {
		d, _ := incident.ParseDate(dates[rng.IntN(len(dates))])
		records = append(records, &incident.Record{ID: fmt.Sprintf("r%07d", i), Date: d})
	}
	for _, bc := range []struct {
		name string
		sort func([]*incident.Record)
	}{
		{"keys", func(rs []*incident.Record) { sortedRecords(rs) }},
		{"records", func(rs []*incident.Record) {
			slices.SortFunc(rs, func(a, b *incident.Record) int {
				if c := a.Date.Compare(b.Date); c != 0 {
					return c
				}
				return strings.Compare(a.ID, b.ID)
			})
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				rng.Shuffle(len(records), func(i, j int) { records[i], records[j] = records[j], records[i] })
				b.StartTimer()
				bc.sort(records)
			}
		})
	}
}
