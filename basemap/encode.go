package basemap

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// The scripts carry coordinates as flat arrays of integers: a line or
// ring is [x0, y0, dx1, dy1, dx2, dy2, …] in units of the band's quantum
// of degrees, each pair after the first the step from the point before.
// Steps that round to nothing are dropped. This is about a third of the
// size of GeoJSON at the same precision, and as fast to decode.

// appendLine appends line or ring pts, quantized to q degrees, to b as a
// JSON array; it reports false (and appends nothing) when fewer than min
// distinct points remain.
func appendLine(b []byte, pts []orb.Point, q float64, minPoints int) ([]byte, bool) {
	start := len(b)
	b = append(b, '[')
	n := 0
	var px, py int64
	for i, p := range pts {
		x, y := int64(math.Round(p[0]/q)), int64(math.Round(p[1]/q))
		if i > 0 && x == px && y == py {
			continue
		}
		if n > 0 {
			b = append(b, ',')
			b = strconv.AppendInt(b, x-px, 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, y-py, 10)
		} else {
			b = strconv.AppendInt(b, x, 10)
			b = append(b, ',')
			b = strconv.AppendInt(b, y, 10)
		}
		px, py = x, y
		n++
	}
	if n < minPoints {
		return b[:start], false
	}
	return append(b, ']'), true
}

// appendOutlines appends the land of o as the member "land" of a JSON
// object: an array of polygons, each an array of rings; with withCodes,
// also "cc", the country code of each polygon.
func appendOutlines(b []byte, o outlines, q float64, withCodes bool) []byte {
	b = append(b, `"land":[`...)
	first := true
	var codes []string
	for i, p := range o.land {
		mark := len(b)
		if !first {
			b = append(b, ',')
		}
		b = append(b, '[')
		rings := 0
		for _, r := range p {
			if rings > 0 {
				b = append(b, ',')
			}
			var ok bool
			if b, ok = appendLine(b, r, q, 4); ok {
				rings++
			} else if rings > 0 {
				b = b[:len(b)-1] // the comma
			} else {
				break // no outer ring: drop the polygon
			}
		}
		if rings == 0 {
			b = b[:mark]
			continue
		}
		b = append(b, ']')
		first = false
		if withCodes {
			codes = append(codes, o.cc[i])
		}
	}
	b = append(b, ']')
	if withCodes {
		cc, _ := json.Marshal(codes)
		b = append(append(b, `,"cc":`...), cc...)
	}
	return b
}

// appendLabels appends labels as the member "labels" of a JSON object:
// each is [name, lon, lat, kind, minZoom, maxZoom], lon and lat to four
// decimals (about 10 m).
func appendLabels(b []byte, ls []Label) []byte {
	b = append(b, `"labels":[`...)
	for i := range ls {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendLabel(b, &ls[i])
	}
	return append(b, ']')
}

// appendLabel appends l as appendLabels writes each label.
func appendLabel(b []byte, l *Label) []byte {
	b = append(b, '[')
	b = appendJSONString(b, l.Name)
	b = append(b, ',')
	b = appendCoord(b, l.Lon)
	b = append(b, ',')
	b = appendCoord(b, l.Lat)
	for _, n := range []int{int(l.Kind), l.MinZoom, l.MaxZoom} {
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(n), 10)
	}
	return append(b, ']')
}

// appendJSONString appends s as json.Marshal writes it: as it is between
// quotes when it is valid UTF-8 and holds nothing json escapes (controls,
// quotes, backslashes, <, >, & and the line and paragraph separators),
// which is true of almost every place name; else through json.Marshal.
func appendJSONString(b []byte, s string) []byte {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return appendMarshalled(b, s)
		} else if c >= 0x80 {
			ascii = false
		}
	}
	if !ascii && (!utf8.ValidString(s) || strings.Contains(s, "\u2028") || strings.Contains(s, "\u2029")) {
		return appendMarshalled(b, s)
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendMarshalled(b []byte, s string) []byte {
	j, _ := json.Marshal(s)
	return append(b, j...)
}

// appendCoord appends v to four decimals, without trailing zeros: what
// appendFixed(b, v, 4) appends, written for four decimals (a site's
// labels have about 36,000 coordinates).
func appendCoord(b []byte, v float64) []byte {
	k := math.Round(v * 10000)
	if !(math.Abs(k) < 1e15) { // huge, or NaN
		return strconv.AppendFloat(b, k/10000, 'f', -1, 64)
	}
	if math.Signbit(k) {
		b, k = append(b, '-'), -k
	}
	n := int64(k)
	b = strconv.AppendInt(b, n/10000, 10)
	if d := n % 10000; d != 0 {
		b = append(b, '.')
		for unit := int64(1000); d != 0; unit /= 10 {
			b = append(b, byte('0'+d/unit))
			d %= unit
		}
	}
	return b
}
