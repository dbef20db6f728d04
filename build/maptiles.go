package build

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/mapsite/mapsite/tiles"
)

// A large site's map ([map] vector_tiles; site.MapConfig.UseVectorTiles)
// reads its records from vector tiles instead of data.js's columns:
//
//   - assets/records/records.<hash>.pmtiles: the records as vector tiles
//     in one PMTiles archive (package tiles): clusters per zoom below the
//     point zoom, every record from it on. The map loads only the tiles
//     in view, by HTTP range requests.
//   - data.js (window.MAPSITE_DATA) holds, besides the site's map
//     settings, the archive's name and zooms, and a summary for the
//     counts, the country and attribution lists and the timeline: the
//     records grouped by layer, attribution, country, and month of their
//     first and last day (with whether they are dated to the day), each
//     group with its count.
//   - the detail chunks (d<k>), as for a small site: a popup loads the
//     record's feature from there.
//   - id chunks (assets/records/i<c>.<hash>.js): every id with its
//     number, in id order, idChunk a file, so that a link to a record
//     (#id=…) finds its details; data.js lists each chunk's first id.
//   - facet chunks (p<i>, t<i>): per perpetrator and tag, its records,
//     for those filters, and the links chunk (l) (maptiles_facets.go).
//
// assets/map-tiles.js is the one reader of this format.

// idChunk is the number of ids an id chunk holds.
const idChunk = 4096

// VectorTiles says whether the map reads the records from vector tiles
// ([map] vector_tiles in site.toml; a site with no record never does).
func (m *model) VectorTiles() bool {
	return len(m.Records) > 0 && m.Config.Map.UseVectorTiles(len(m.Records))
}

// tilesRecords returns the records as package tiles takes them, in the
// model's order (their number is their place in it).
func (m *model) tilesRecords() []tiles.Record {
	layerIndex, attributionIndex := m.layerIndex(), m.attributionIndex()
	out := make([]tiles.Record, len(m.Records))
	for k, rv := range m.Records {
		pt := point(rv.Record)
		end := ""
		if !rv.Date.End.Equal(rv.Date.Start) {
			end = rv.Date.End.Format("2006-01-02")
		}
		out[k] = tiles.Record{Lon: pt[0], Lat: pt[1], Key: k, ID: rv.ID, Title: rv.Title, Layer: layerIndex[rv.Record.Layer],
			Attribution: attributionIndex[rv.Attribution],
			Country:     rv.Country, Start: rv.Date.Start.Format("2006-01-02"), End: end, DateText: rv.dateText(),
			Place: rv.Place, Precision: rv.Location.Precision.String()}
	}
	return out
}

// attributionIndex returns 1 + the index of each attribution key in the
// site's vocabulary (data.js's "attributions"), as the tiles and the
// summary number them; a record with none has 0.
func (m *model) attributionIndex() map[string]int {
	out := make(map[string]int, len(m.Config.Attributions))
	for i, a := range m.Config.Attributions {
		out[a.Key] = i + 1
	}
	return out
}

// mapTiles returns data.js for a map that reads its records from vector
// tiles, and hands the archive and the chunks (see above) to put.
func (m *model) mapTiles(put func(path string, b []byte) error) ([]byte, error) {
	out := mapData{put: put}
	// The search index (search.go) is made beside the archive.
	type searchFiles struct {
		shards, cards []string
		err           error
	}
	searched := make(chan searchFiles, 1)
	go func() {
		shards, cards, err := m.searchFiles(put)
		searched <- searchFiles{shards, cards, err}
	}()
	// And the facet chunks (maptiles_facets.go).
	type facetFiles struct {
		member []byte
		err    error
	}
	faceted := make(chan facetFiles, 1)
	go func() {
		b, err := m.facetFiles(put)
		faceted <- facetFiles{b, err}
	}()
	archiveName, how, err := m.archive(m.tilesRecords(), put)
	if err != nil {
		<-searched // nothing is written once mapTiles has returned
		<-faceted
		return nil, err
	}
	m.tilesNote = english.Sprintf("the map reads its %d records from vector tiles ([map] vector_tiles): ", len(m.Records)) + how

	details := m.details // made with the features when a build encodes each record once (encodeOnce)
	if details == nil {
		details = out.detailChunks(m.features())
	}

	// The ids in order, each with its record's number.
	order := make([]int, len(m.Records))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(m.Records[a].ID, m.Records[b].ID) })
	var idFiles, firstIDs []string
	for c := 0; c*idChunk < len(order); c++ {
		part := order[c*idChunk : min((c+1)*idChunk, len(order))]
		firstIDs = append(firstIDs, m.Records[part[0]].ID)
		idFiles = append(idFiles, out.addChunk("i"+strconv.Itoa(c), 32*len(part), func(b []byte) []byte {
			for i, k := range part {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendString(b, m.Records[k].ID)
				b = append(b, ',')
				b = strconv.AppendInt(b, int64(k), 10)
			}
			return b
		}))
	}
	search, facets := <-searched, <-faceted
	for _, err := range []error{search.err, facets.err} {
		if out.err == nil {
			out.err = err
		}
	}
	if out.err != nil {
		return nil, out.err
	}

	b := make([]byte, 0, 1<<16)
	b = append(b, "window.MAPSITE_DATA={"...)
	b = m.appendMapConfig(b)
	b = append(b, `,"vector":{"archive":`...)
	b = appendString(b, archiveName)
	b = append(b, `,"min_zoom":`...)
	b = strconv.AppendInt(b, int64(tiles.DefaultOptions.MinZoom), 10)
	b = append(b, `,"point_zoom":`...)
	b = strconv.AppendInt(b, int64(tiles.DefaultOptions.PointZoom), 10)
	b = append(b, `,"records":`...)
	b = strconv.AppendInt(b, int64(len(m.Records)), 10)
	b = append(b, `,"bounds":`...)
	b = m.appendBounds(b)
	b = append(b, `,"summary":`...)
	b = m.appendSummary(b)
	b = append(b, ',')
	b = append(b, facets.member...)
	b = append(b, `},"links":[],"details":{"size":`...)
	b = strconv.AppendInt(b, detailChunk, 10)
	b = append(b, `,"files":`...)
	b = appendStrings(b, details)
	b = append(b, `},"ids":{"first":`...)
	b = appendStrings(b, firstIDs)
	b = append(b, `,"files":`...)
	b = appendStrings(b, idFiles)
	b = append(b, `},"search":{"shards":`...)
	b = appendStrings(b, search.shards)
	b = append(b, `,"card_size":`...)
	b = strconv.AppendInt(b, searchCard, 10)
	b = append(b, `,"cards":`...)
	b = appendStrings(b, search.cards)
	return append(b, "}};\n"...), nil
}

// appendBounds appends the records' bounds as [west, south, east, north].
func (m *model) appendBounds(b []byte) []byte {
	w, s, e, n := 180.0, 90.0, -180.0, -90.0
	for _, rv := range m.Records {
		pt := point(rv.Record)
		w, e = min(w, pt[0]), max(e, pt[0])
		s, n = min(s, pt[1]), max(n, pt[1])
	}
	if len(m.Records) == 0 {
		w, s, e, n = -180, -60, 180, 75
	}
	b = append(b, '[')
	for i, v := range []float64{w, s, e, n} {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFloat(b, v)
	}
	return append(b, ']')
}

// countryPlace is where the map draws a country's records when it cannot
// read the tiles (opened from disk, or from a host without byte ranges):
// at the point that holds most of them, and zoomed to their bounds.
type countryPlace struct {
	at    orb.Point
	bound orb.Bound
}

// countryPlaces returns the countryPlace of each country of the records.
// Of points that hold as many records, the first in the records' order
// is taken.
func (m *model) countryPlaces() map[string]countryPlace {
	type spot struct {
		cc string
		at orb.Point
	}
	counts := map[spot]int{}
	best := map[string]int{}
	out := map[string]countryPlace{}
	for _, rv := range m.Records {
		pt := point(rv.Record)
		n := counts[spot{rv.Country, pt}] + 1
		counts[spot{rv.Country, pt}] = n
		p, seen := out[rv.Country]
		if !seen {
			p.bound = pt.Bound()
		}
		p.bound = p.bound.Extend(pt)
		if n > best[rv.Country] {
			best[rv.Country] = n
			p.at = pt
		}
		out[rv.Country] = p
	}
	return out
}

// summaryKey is a group of the summary: records of one layer,
// attribution and country whose dates start and end in the same periods
// (months, or years on a large site), dated to the day or not.
type summaryKey struct {
	layer       int
	attribution int // as attributionIndex numbers it
	country     string
	start, end  int // periods since year 0
	exact       bool
}

// summaryGroup is the span of a summaryKey's records and their number.
type summaryGroup struct {
	start, end time.Time
	n          int
}

// maxSummaryGroups is the number of groups above which the summary
// counts by year instead of month.
const maxSummaryGroups = 200000

// summary groups the records by summaryKey with periods of unit months,
// in the order first met (the model's, by date). A group of records dated
// to the day spans its first record's day only.
func (m *model) summary(unit int) ([]summaryKey, []summaryGroup) {
	layerIndex, attributionIndex := m.layerIndex(), m.attributionIndex()
	index := map[summaryKey]int{}
	var keys []summaryKey
	var groups []summaryGroup
	period := func(t time.Time) int { return (t.Year()*12 + int(t.Month()) - 1) / unit }
	for _, rv := range m.Records {
		d := rv.Date
		k := summaryKey{layerIndex[rv.Record.Layer], attributionIndex[rv.Attribution], rv.Country, period(d.Start), period(d.End), d.End.Equal(d.Start)}
		i, ok := index[k]
		if !ok {
			i = len(groups)
			index[k] = i
			keys = append(keys, k)
			groups = append(groups, summaryGroup{start: d.Start, end: d.End})
		}
		g := &groups[i]
		g.n++
		if d.Start.Before(g.start) {
			g.start = d.Start
		}
		if d.End.After(g.end) {
			g.end = d.End
		}
		if k.exact {
			g.end = g.start
		}
	}
	return keys, groups
}

// appendSummary appends the records grouped by month (by year when that
// makes more than maxSummaryGroups groups), as columns: per group its
// layer, its attribution (as attributionIndex numbers it), its country
// (a dict), its first and last day, whether its records are dated to the
// day, and its count. The days are numbers, which keep data.js small:
// "start" gives each group's first day as days since 1970-01-01, less the
// group before's (the first group's as is), and "end" its last day as
// days after its first; "unit" says "month" or
// "year". Per country (in the dict's order), "country_at" gives its
// countryPlace as lon, lat, west, south, east, north.
func (m *model) appendSummary(b []byte) []byte {
	unit, unitName := 1, "month"
	keys, groups := m.summary(unit)
	if len(keys) > maxSummaryGroups {
		unit, unitName = 12, "year"
		keys, groups = m.summary(unit)
	}
	names := map[string]string{}
	for _, rv := range m.Records {
		if _, ok := names[rv.Country]; !ok {
			names[rv.Country] = rv.CountryName
		}
	}
	places := m.countryPlaces()
	countries := newDict(len(keys))
	var countryNames []string
	layers, attributions, counts, exact := make([]int, len(keys)), make([]int, len(keys)), make([]int, len(keys)), make([]int, len(keys))
	starts, ends := make([]int, len(keys)), make([]int, len(keys))
	last := 0
	for i, k := range keys {
		before := len(countries.values)
		countries.add(k.country)
		if len(countries.values) > before {
			countryNames = append(countryNames, names[k.country])
		}
		layers[i], attributions[i], counts[i] = k.layer, k.attribution, groups[i].n
		if k.exact {
			exact[i] = 1
		}
		first := epochDay(groups[i].start)
		starts[i], last = first-last, first
		ends[i] = epochDay(groups[i].end) - first
	}
	b = append(b, `{"unit":`...)
	b = appendString(b, unitName)
	b = append(b, `,"layer":`...)
	b = appendInts(b, layers)
	b = append(b, `,"attribution":`...)
	b = appendInts(b, attributions)
	b = append(b, `,"country":`...)
	b = countries.appendTo(b)
	b = append(b, `,"country_name":`...)
	b = appendStrings(b, countryNames)
	b = append(b, `,"country_at":[`...)
	for i, cc := range countries.values {
		p := places[cc]
		for j, v := range []float64{p.at[0], p.at[1], p.bound.Min[0], p.bound.Min[1], p.bound.Max[0], p.bound.Max[1]} {
			if i+j > 0 {
				b = append(b, ',')
			}
			b = appendFloat(b, v)
		}
	}
	b = append(b, ']')
	b = append(b, `,"start":`...)
	b = appendInts(b, starts)
	b = append(b, `,"end":`...)
	b = appendInts(b, ends)
	b = append(b, `,"exact":`...)
	b = appendInts(b, exact)
	b = append(b, `,"n":`...)
	b = appendInts(b, counts)
	return append(b, '}')
}

// epochDay returns the number of days from 1970-01-01 to t's day (UTC),
// negative before it.
func epochDay(t time.Time) int {
	return int(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
