package site

import (
	"testing"
)

// TestSeedSite loads and geocodes the project's own seed data set: it must
// have no errors, and every record must be located.
func TestSeedSite(t *testing.T) {
	s, l := Load("..")
	g, err := s.Gazetteer()
	if err != nil {
		t.Fatal(err)
	}
	l.Append(s.Geocode(g))
	for _, d := range l {
		t.Log(d)
	}
	if n := l.Errors(); n > 0 {
		t.Fatalf("the seed site has %d errors", n)
	}
	if len(s.Records) < 40 {
		t.Errorf("the seed site has %d records; the article names far more", len(s.Records))
	}
	for _, r := range s.Records {
		if r.Location.Lat == 0 && r.Location.Lon == 0 {
			t.Errorf("%s: record %q is not located", r.File, r.ID)
		}
	}
}
