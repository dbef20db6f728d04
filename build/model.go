package build

import (
	"strconv"
	"sync"

	"github.com/paulmach/orb/geojson"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
	"github.com/mapsite/mapsite/site"
)

// model is the assembled site: every record with what its pages need,
// in date order.
type model struct {
	Config  *site.Config
	BaseURL string // absolute, ends in "/"; "" when not configured
	Records []*recordView
	Layers  []layerView
	byID    map[string]*recordView
	site    *site.Site // for the records' digests the load has (see recordDigests)

	featuresOnce sync.Once
	featureBytes [][]byte // each record's GeoJSON feature, encoded once (see features)
	details      []string // the map's detail chunks, when encodeOnce made them

	linksOnce    sync.Once
	linkFeatures []*geojson.Feature // the links between related records (see links)

	// locators draws the record pages' locator maps (see addBasemap).
	locators *locators

	tilesNote string // what the map's vector tiles hold, for the report (see mapTiles)

	numbers *message.Printer // writes counts in the site's language (see Number)
}

// Number writes n as the site's language writes counts (10,000 in
// English, 10.000 in German), as the map's script does with
// Intl.NumberFormat; templates call it as {{.Number (len .Records)}}.
func (m *model) Number(n int) string { return m.numbers.Sprint(n) }

// recordView is a record with the links and labels its pages show.
type recordView struct {
	*incident.Record
	URL              string      // the record page, relative to the site root: "incidents/<id>/"
	Layer            *site.Layer // shared by the layer's records; never nil
	AttributionLabel string
	CountryName      string
	Prev, Next       *recordView
	RelatedRecords   []*recordView
	locator          *locatorBody // the body of its locator map (see addBasemap)
	pos              int          // its place in model.Records
	date             string       // Date.String(), made once (see dateText)
}

// dateText returns the record's date as its pages show it, Date.String(),
// which a page, the map's data, the feature and the search cards all
// write: made once per record by newModel.
func (rv *recordView) dateText() string {
	if rv.date == "" {
		return rv.Date.String()
	}
	return rv.date
}

// layerView is a layer with its number of records.
type layerView struct {
	site.Layer
	Count int
}

// Counts returns the record's figures as label and text, in display order.
func (rv *recordView) CountList() []countView {
	var out []countView
	for _, name := range incident.CountFields {
		if c := rv.Counts.Get(name); c.IsSet() {
			out = append(out, countView{Name: name, Text: c.String()})
		}
	}
	return out
}

type countView struct{ Name, Text string }

// PrecisionNote says, for readers, how precisely the marker is placed.
func (rv *recordView) PrecisionNote() string {
	switch {
	case rv.Location.Explicit:
		return "placed at coordinates given by the analyst"
	case rv.Location.Precision <= geo.Neighbourhood:
		return "placed at the " + rv.Location.Precision.String()
	case rv.Location.Precision == geo.Country:
		return "placed only at country level: the marker stands for the whole country"
	default:
		return "approximate: placed at the " + rv.Location.Precision.String() + " level"
	}
}

func newModel(s *site.Site, baseURL string) *model {
	m := &model{Config: &s.Config, BaseURL: baseURL, byID: make(map[string]*recordView, len(s.Records)), site: s,
		numbers: message.NewPrinter(language.Make(s.Config.Language))}
	counts := map[string]int{}
	layers := map[string]*site.Layer{}
	for i := range s.Config.Layers {
		l := s.Config.Layers[i]
		if _, ok := layers[l.Key]; !ok { // the first of a key, as Config.Layer
			layers[l.Key] = &l
		}
	}
	if len(s.Records) > 0 {
		m.Records = make([]*recordView, 0, len(s.Records))
	}
	views := make([]recordView, len(s.Records)) // one allocation for all
	for i, r := range s.Records {
		rv := &views[i]
		// Field by field: the views are zero already, and a composite
		// literal of this size was built aside and copied.
		rv.Record, rv.URL, rv.pos, rv.date = r, "incidents/"+r.ID+"/", i, r.Date.String()
		rv.CountryName = geo.CountryName(r.Country)
		rv.Layer = layers[r.Layer]
		if rv.Layer == nil {
			rv.Layer = &site.Layer{}
			layers[r.Layer] = rv.Layer
		}
		if a, ok := s.Config.Attribution(r.Attribution); ok {
			rv.AttributionLabel = a.Label
		}
		m.Records = append(m.Records, rv)
		m.byID[r.ID] = rv
		counts[r.Layer]++
	}
	for i, rv := range m.Records {
		if i > 0 {
			rv.Prev = m.Records[i-1]
		}
		if i+1 < len(m.Records) {
			rv.Next = m.Records[i+1]
		}
		for _, id := range rv.Related {
			rv.RelatedRecords = append(rv.RelatedRecords, m.byID[id])
		}
	}
	// Relations are shown from both ends.
	for _, rv := range m.Records {
		for _, other := range rv.RelatedRecords {
			if !relatedTo(other, rv) {
				other.RelatedRecords = append(other.RelatedRecords, rv)
			}
		}
	}
	for _, l := range s.Config.Layers {
		m.Layers = append(m.Layers, layerView{Layer: l, Count: counts[l.Key]})
	}
	return m
}

func relatedTo(a, b *recordView) bool {
	for _, r := range a.RelatedRecords {
		if r == b {
			return true
		}
	}
	return false
}

// appendCount appends c.String() without allocating.
func appendCount(b []byte, c *incident.Count) []byte {
	if !c.IsSet() {
		return b
	}
	if q := c.Qualifier(); q != "" && c.Max == 0 {
		b = append(append(b, q...), ' ')
	}
	b = strconv.AppendInt(b, int64(c.N), 10)
	if c.Max > 0 {
		b = strconv.AppendInt(append(b, "–"...), int64(c.Max), 10)
	}
	return b
}
