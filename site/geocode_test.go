package site

import (
	"errors"
	"testing"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
)

// TestGeocodeAsksOnce checks that geocode resolves each query once, gives
// every record naming it the same place and warnings, and asks again for
// a query that failed.
func TestGeocodeAsksOnce(t *testing.T) {
	s := &Site{where: map[*incident.Record]position{}}
	places := []string{"Paris", "Lyon", "Paris", "Nowhere", "Paris", "Lyon", "Nowhere"}
	for i, p := range places {
		s.Records = append(s.Records, &incident.Record{ID: string(rune('a' + i)), Place: p, Country: "FR"})
	}
	asked := map[geo.Query]int{}
	l, err := s.geocode(func(q geo.Query) (geo.Answer, error) {
		asked[q]++
		if q.Text == "Nowhere" {
			return geo.Answer{}, errors.New("unknown place")
		}
		return geo.Answer{ID: q.Text, Lon: float64(len(q.Text)), Precision: geo.City, Label: q.Text, Warnings: []string{"near " + q.Text}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[geo.Query]int{{Text: "Paris", Country: "FR"}: 1, {Text: "Lyon", Country: "FR"}: 1, {Text: "Nowhere", Country: "FR"}: 2}
	for q, n := range want {
		if asked[q] != n {
			t.Errorf("%q asked %d times, want %d", q.Text, asked[q], n)
		}
	}
	for _, r := range s.Records {
		if r.Place != "Nowhere" && (r.Location.PlaceID != r.Place || r.Location.Lon != float64(len(r.Place))) {
			t.Errorf("%s: placed at %+v", r.ID, r.Location)
		}
	}
	if warnings, errs := len(l)-l.Errors(), l.Errors(); warnings != 5 || errs != 2 {
		t.Errorf("%d warnings and %d errors, want 5 and 2: %v", warnings, errs, l)
	}
}
