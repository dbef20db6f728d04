package build

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/mapsite/mapsite/geo"
)

// A large site's map has no record in the page, and its summary and
// clusters count by layer, attribution, country and date only. For the
// perpetrator and tag filters, each value of those fields has a facet
// chunk (assets/records/p<i>.<hash>.js, t<i>.<hash>.js) that the map
// loads when the value is chosen: what it needs to count, draw, filter
// and open that value's records, without their texts, which a popup
// loads from the detail chunks. Per record, in the order of their
// numbers, ten values (facetValues):
//
//	the record's number less the one before's (the first's as is),
//	its longitude and latitude in hundred-thousandths of a degree,
//	its layer and attribution (as the tiles number them),
//	its country (ISO 3166-1 alpha-2),
//	its first day (days since 1970-01-01) and the days from it to its last,
//	its id, and its precision (0 for venue to 5 for country).
//
// data.js's "facets" lists, per field, the values (sorted), their counts
// and their chunks, the links chunk (linkChunk), and the precisions' names
// in their numbers' order.

// facetFields are the record fields with facets, as data.js names them.
var facetFields = [...]string{"perpetrator", "tag"}

// facetValues is the number of values per record in a facet chunk.
const facetValues = 10

// facet is one value of a facet field with its records' numbers,
// ascending.
type facet struct {
	value string
	keys  []int
}

// facets returns, per field of facetFields, each value the records hold
// with the records that hold it, sorted by value.
func (m *model) facets() [len(facetFields)][]facet {
	var index [len(facetFields)]map[string]int
	var out [len(facetFields)][]facet
	for f := range facetFields {
		index[f] = map[string]int{}
	}
	add := func(f int, v string, k int) {
		i, ok := index[f][v]
		if !ok {
			i = len(out[f])
			index[f][v] = i
			out[f] = append(out[f], facet{value: v})
		}
		if keys := out[f][i].keys; len(keys) == 0 || keys[len(keys)-1] != k { // a tag given twice counts once
			out[f][i].keys = append(keys, k)
		}
	}
	for k, rv := range m.Records {
		if rv.Perpetrator != "" {
			add(0, rv.Perpetrator, k)
		}
		for _, t := range rv.Tags {
			if t != "" {
				add(1, t, k)
			}
		}
	}
	for f := range out {
		slices.SortFunc(out[f], func(a, b facet) int { return cmp.Compare(a.value, b.value) })
	}
	return out
}

// lastFacets keeps the facet and links chunks of the last render, and
// data.js's member that names them (see lastFiles).
var lastFacets lastFiles[[]byte]

// facetFiles hands the facet chunks to put and returns data.js's
// "facets" member: in mapsite serve, those of the last render when no
// field they are made from changed.
func (m *model) facetFiles(put func(path string, b []byte) error) ([]byte, error) {
	return lastFacets.take(func() digest { return facetInputs(m) }, put, func(out *mapData) []byte {
		return m.facetChunks(out, nil)
	})
}

// facetInputs is the digest of what facetChunks reads of the records (the
// links chunk's links too).
func facetInputs(m *model) digest {
	head := fmt.Appendf(nil, "facets %d %d\n", len(m.Records), facetValues)
	layerIndex, attributionIndex := m.layerIndex(), m.attributionIndex()
	return inputsDigest(head, len(m.Records), func(i int, b []byte) []byte {
		rv := m.Records[i]
		pt := point(rv.Record)
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(pt[0]))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(pt[1]))
		for _, v := range [...]int{layerIndex[rv.Record.Layer], attributionIndex[rv.Attribution],
			epochDay(rv.Date.Start), epochDay(rv.Date.End), int(rv.Location.Precision)} {
			b = binary.AppendVarint(b, int64(v))
		}
		for _, s := range [...]string{rv.ID, rv.Country, rv.Perpetrator} {
			b = appendLenString(b, s)
		}
		for _, list := range [...][]string{rv.Tags, rv.Related} {
			b = binary.AppendUvarint(b, uint64(len(list)))
			for _, s := range list {
				b = appendLenString(b, s)
			}
		}
		return b
	})
}

// facetChunks writes the facet chunks through out and appends data.js's
// "facets" member.
func (m *model) facetChunks(out *mapData, b []byte) []byte {
	layerIndex, attributionIndex := m.layerIndex(), m.attributionIndex()
	b = append(b, `"facets":{`...)
	for f, list := range m.facets() {
		if f > 0 {
			b = append(b, ',')
		}
		b = appendString(b, facetFields[f])
		values, counts, files := make([]string, len(list)), make([]int, len(list)), make([]string, len(list))
		for i, fc := range list {
			values[i], counts[i] = fc.value, len(fc.keys)
			files[i] = out.addChunk(facetFields[f][:1]+strconv.Itoa(i), 56*len(fc.keys), func(b []byte) []byte {
				return m.appendEntries(b, fc.keys, layerIndex, attributionIndex)
			})
		}
		b = append(b, `:{"values":`...)
		b = appendStrings(b, values)
		b = append(b, `,"n":`...)
		b = appendInts(b, counts)
		b = append(b, `,"files":`...)
		b = appendStrings(b, files)
		b = append(b, '}')
	}
	b = m.linkChunk(out, append(b, ','), layerIndex, attributionIndex)
	b = append(b, `,"precisions":[`...)
	for p := geo.Venue; p <= geo.Country; p++ {
		if p > geo.Venue {
			b = append(b, ',')
		}
		b = appendString(b, p.String())
	}
	return append(b, "]}"...)
}

// appendEntries appends the facetValues values of each record of keys
// (ascending record numbers), as a facet chunk holds them.
func (m *model) appendEntries(b []byte, keys []int, layerIndex, attributionIndex map[string]int) []byte {
	last := 0
	for j, k := range keys {
		rv := m.Records[k]
		pt := point(rv.Record)
		if j > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(k-last), 10)
		last = k
		for _, v := range [...]int{e5(pt[0]), e5(pt[1]), layerIndex[rv.Record.Layer], attributionIndex[rv.Attribution]} {
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(v), 10)
		}
		b = append(b, ',')
		b = appendString(b, rv.Country)
		first := epochDay(rv.Date.Start)
		for _, v := range [...]int{first, epochDay(rv.Date.End) - first} {
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(v), 10)
		}
		b = append(b, ',')
		b = appendString(b, rv.ID)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(rv.Location.Precision), 10)
	}
	return b
}

// linkChunk writes the links chunk (assets/records/l.<hash>.js) through
// out, when the records have links, and appends the "links" member of
// data.js's "facets": the number of links and the chunk (null for none).
// The chunk holds the number of records at either end of a link, those
// records as a facet chunk holds its records, then each link (as
// links.geojson has them, in its order) as the places of its two records
// in that list. The map draws the links whose two records pass the
// filters.
func (m *model) linkChunk(out *mapData, b []byte, layerIndex, attributionIndex map[string]int) []byte {
	links := m.links()
	b = append(b, `"links":{"n":`...)
	b = strconv.AppendInt(b, int64(len(links)), 10)
	b = append(b, `,"file":`...)
	if len(links) == 0 {
		return append(b, "null}"...)
	}
	number := make(map[string]int, len(m.Records))
	for k, rv := range m.Records {
		number[rv.ID] = k
	}
	var keys []int
	ends := make([][2]int, len(links))
	for i, f := range links {
		for e, end := range [...]string{"from", "to"} {
			id, _ := f.Properties[end].(string)
			ends[i][e] = number[id]
			keys = append(keys, number[id])
		}
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	place := make(map[int]int, len(keys))
	for i, k := range keys {
		place[k] = i
	}
	name := out.addChunk("l", 60*len(keys)+16*len(links), func(b []byte) []byte {
		b = strconv.AppendInt(b, int64(len(keys)), 10)
		b = m.appendEntries(append(b, ','), keys, layerIndex, attributionIndex)
		for _, e := range ends {
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(place[e[0]]), 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(place[e[1]]), 10)
		}
		return b
	})
	b = appendString(b, name)
	return append(b, '}')
}

// e5 returns v in hundred-thousandths, rounded.
func e5(v float64) int { return int(math.Round(v * 1e5)) }
