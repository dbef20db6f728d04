package seedcheck

import (
	"regexp"
	"testing"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
)

// articlePlaces are the records whose place the article names below city
// level, with the place as the article names it and the precision that
// name calls for. The airport and Reina are named only as "the Istanbul
// airport" and "the Reina attacks"; they are still single venues.
var articlePlaces = []struct {
	id    string
	named string // the article's words for the place
	want  geo.Precision
}{
	{"krasnogorsk-2024-03-22-crocus", "Crocus City Hall music venue", geo.Venue},
	{"kerman-2024-01-03", "outside the tomb of Major General Qassem Soleimani", geo.Venue},
	{"shiraz-2022-10-26", "Shah Cheragh shrine", geo.Venue},
	{"shiraz-2023-08-13", "Shah Cheragh shrine", geo.Venue},
	{"istanbul-2024-01-28-santa-maria", "the Church of Santa Maria", geo.Venue},
	{"istanbul-2016-06-28-ataturk-airport", "the Istanbul airport", geo.Venue},
	{"istanbul-2017-01-01-reina", "the Reina attacks", geo.Venue},
	{"london-2024-04-emirates-stadium-threat", "Emirates Stadium in London", geo.Venue},
	{"london-emirates-stadium-entrances-threat", "the three entrances of the Emirates Stadium", geo.Venue},
	{"madrid-2024-04-metropolitano-threat", "the Metropolitano Stadium", geo.Venue},
	{"madrid-2024-04-bernabeu-threat", "Santiago Bernabeu Stadium", geo.Venue},
	{"paris-2024-04-parc-des-princes-threat", "Parc des Princes in Paris", geo.Venue},
	{"saint-denis-2015-11-13-stade-de-france", "outside the Stade de France", geo.Venue},
	{"guvercintepe-2023-summer-operation", "the Güvercintepe neighborhood", geo.Neighbourhood},
	{"zeytinburnu-recruitment", "Zeytinburnu", geo.District},
	{"basaksehir-recruitment", "Başakşehir", geo.District},
	{"esenyurt-recruitment", "Esenyurt", geo.District},
}

// placementNote matches the sentence a note gives when a record is placed
// more coarsely than its source names the place: "Placed at the Büyükdere
// neighbourhood of Sarıyer, where the church stands; no cited coordinate
// for the church building is in the place list yet." or "Placement: ...".
// It must say where the marker is and why, in more than a few words.
var placementNote = regexp.MustCompile(`(?:^|[.;:!?]\s+)(?:Placed at|Placement:)\s+\S+(?:\s+\S+){5,}`)

// TestArticlePlaces checks that every record whose place the article names
// at venue, neighbourhood or district level is located that finely by the
// real embedded place list (as build locates it), or says in its note
// where it is placed instead and why.
func TestArticlePlaces(t *testing.T) {
	s := geocodeSeed(t)
	byID := map[string]*incident.Record{}
	for _, r := range s.Records {
		byID[r.ID] = r
	}
	for _, tc := range articlePlaces {
		t.Run(tc.id, func(t *testing.T) {
			r := byID[tc.id]
			if r == nil {
				t.Fatalf("no record %q: the article names %q; update this table if the id changed", tc.id, tc.named)
			}
			got := r.Location.Precision
			if got <= tc.want {
				return
			}
			if !placementNote.MatchString(r.Note) {
				t.Errorf("%s:%d: record %q is placed at %s precision (%q matched %q), but the article names %q (%s); "+
					"give a finer place, or say in the note where it is placed and why (a sentence starting \"Placed at\")",
					r.File, r.Line, r.ID, got, r.Place, r.Location.Matched, tc.named, tc.want)
			}
		})
	}
}

func TestPlacementNote(t *testing.T) {
	for _, tc := range []struct {
		note string
		want bool
	}{
		{"Figures from Wikipedia. Placed at the Ortaköy neighbourhood, where the club stood; no cited coordinate for the club is in the place list yet.", true},
		{"Placement: the image names only Europe, which is not a place the map can hold.", true},
		{"Placed at Kerman.", false},
		{"The article gives no place.", false},
		{"Figures were misplaced at first, as the article says of the toll.", false},
	} {
		if got := placementNote.MatchString(tc.note); got != tc.want {
			t.Errorf("placementNote.MatchString(%q) = %v, want %v", tc.note, got, tc.want)
		}
	}
}
