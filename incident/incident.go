// Package incident defines the records an analyst keeps: what happened,
// when, where, to how many, who is held responsible, and on whose word.
package incident

import (
	"regexp"
	"slices"

	"github.com/mapsite/mapsite/geo"
)

// Record is one attack, arrest, plot, threat or network as the data files
// state it, after validation.
type Record struct {
	ID          string
	Layer       string
	Date        Date
	Title       string
	Place       string      // as written; may be empty when Coordinates are given
	Country     string      // ISO 3166-1 alpha-2
	Coordinates *[2]float64 // [lon, lat], when the analyst gave them
	Counts      Counts
	Note        string
	Attribution string
	Perpetrator string
	Summary     string
	Related     []string
	Tags        []string
	Sources     []Source

	// Where the record is written, for messages.
	File string
	Line int

	// Location is where the geocoder (or the analyst) put the record.
	Location Location
}

// Clone returns a copy of r that shares nothing with it that either could
// change: its slices and its coordinates are copied too.
func (r *Record) Clone() *Record {
	c := *r
	if r.Coordinates != nil {
		xy := *r.Coordinates
		c.Coordinates = &xy
	}
	c.Related = slices.Clone(r.Related)
	c.Tags = slices.Clone(r.Tags)
	c.Sources = slices.Clone(r.Sources)
	return &c
}

// EachString calls f with a pointer to each string of r that its data
// file gave (not File, nor Location, which geocoding fills), in the same
// order every time, so that f may replace them with equal strings: the
// loader moves a file's strings out of the decoder's buffers this way.
func (r *Record) EachString(f func(*string)) {
	for _, p := range [...]*string{&r.ID, &r.Layer, &r.Title, &r.Place, &r.Country, &r.Note, &r.Attribution, &r.Perpetrator, &r.Summary, &r.Date.text} {
		f(p)
	}
	for i := range r.Related {
		f(&r.Related[i])
	}
	for i := range r.Tags {
		f(&r.Tags[i])
	}
	for i := range r.Sources {
		s := &r.Sources[i]
		f(&s.Title)
		f(&s.URL)
		f(&s.Published.text)
	}
}

// Counts are the figures a record may carry.
type Counts struct {
	Killed, Injured, Casualties, Detained, Arrested, Deported Count
}

// CountFields names the count fields in the order they are shown.
var CountFields = []string{"killed", "injured", "casualties", "detained", "arrested", "deported"}

// Get returns the count of the field named name (one of CountFields).
func (c *Counts) Get(name string) *Count {
	switch name {
	case "killed":
		return &c.Killed
	case "injured":
		return &c.Injured
	case "casualties":
		return &c.Casualties
	case "detained":
		return &c.Detained
	case "arrested":
		return &c.Arrested
	case "deported":
		return &c.Deported
	}
	return nil
}

// Source is a published source for a record.
type Source struct {
	Title     string
	URL       string
	Published Date // day or month; zero when not given
}

// Location is a record's point and how it was found.
type Location struct {
	Lon, Lat  float64
	PlaceID   string // the matched place's ID; "" for explicit coordinates
	Matched   string // the matched place's label, e.g. "Başakşehir, İstanbul, TR"
	Precision geo.Precision
	Explicit  bool // the analyst gave coordinates
}

// ValidID matches the ids a record may have.
var ValidID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
