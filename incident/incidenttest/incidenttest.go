// Package incidenttest provides records for tests in other packages.
package incidenttest

import (
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
)

// Full returns a record with every field set to a value that is not its
// zero value, for tests that change each field in turn (a digest must
// change with each).
func Full() *incident.Record {
	date, _ := incident.ParseDate("2024-01-03")
	pub, _ := incident.ParseDate("2024-04")
	killed, _ := incident.ParseCount("at least 3")
	return &incident.Record{
		ID: "x", Layer: "attack", Date: date, Title: "t", Place: "p", Country: "FR",
		Coordinates: &[2]float64{1, 2}, Counts: incident.Counts{Killed: killed, Injured: incident.ExactCount(2), Casualties: incident.ExactCount(3),
			Detained: incident.ExactCount(4), Arrested: incident.ExactCount(5), Deported: incident.ExactCount(6)},
		Note: "n", Attribution: "claimed", Perpetrator: "p", Summary: "s", Related: []string{"y"}, Tags: []string{"z"},
		Sources: []incident.Source{{Title: "s", URL: "https://example.org/", Published: pub}},
		File:    "data/x.toml", Line: 3,
		Location: incident.Location{Lon: 1, Lat: 2, Precision: geo.City, PlaceID: "q", Matched: "m", Explicit: true},
	}
}
