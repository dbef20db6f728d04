package geo

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"errors"
	"math"
	"sync"
)

//go:embed data/outlines.bin
var outlinesBin []byte

// coastTolerance is how far outside its outline a point may lie and still
// count as inside its country: the 1:50m outlines cut off piers, harbours
// and small islands.
const coastTolerance = 10.0 // km

type polygon struct {
	rings                  [][]float64 // x0, y0, x1, y1, ... in degrees
	minX, minY, maxX, maxY float64
}

// outlines indexes the outlines by country; each country's polygons are
// decoded when InCountry first asks for them (a site's records lie in a
// few of about 240 countries).
// The file is embedded uncompressed: unzipping it took about 4 ms of
// every build that geocodes, for 86 kB less in the binary.
var outlines = sync.OnceValues(func() (map[string]*countryOutline, error) {
	return indexOutlines(outlinesBin)
})

var errOutlines = errors.New("geo: corrupt data/outlines.bin")

// A countryOutline is a country's polygons: the runs of data that hold
// them, decoded once.
type countryOutline struct {
	spans []outlineSpan
	once  sync.Once
	polys []polygon
	err   error
}

// An outlineSpan is the encoding of n polygons.
type outlineSpan struct {
	data []byte
	n    int
}

// indexOutlines finds each country's polygons in data ("NEO1", the number
// of entries, then each entry's country code, number of polygons and
// polygons), checking that every number is there.
func indexOutlines(data []byte) (map[string]*countryOutline, error) {
	if !bytes.HasPrefix(data, []byte("NEO1")) {
		return nil, errOutlines
	}
	d := data[4:]
	uv := func() int {
		v, k := binary.Uvarint(d)
		if k <= 0 || v > 1<<24 {
			return -1
		}
		d = d[k:]
		return int(v)
	}
	n := uv()
	if n < 0 {
		return nil, errOutlines
	}
	out := make(map[string]*countryOutline, n)
	for ; n > 0; n-- {
		if len(d) < 2 {
			return nil, errOutlines
		}
		cc := string(d[:2])
		d = d[2:]
		np := uv()
		if np < 0 {
			return nil, errOutlines
		}
		start := d
		for p := np; p > 0; p-- {
			nr := uv()
			if nr < 0 {
				return nil, errOutlines
			}
			for ; nr > 0; nr-- {
				pts := uv()
				if pts < 0 {
					return nil, errOutlines
				}
				// Skip 2·pts varints: each ends at a byte below 0x80.
				for v := 2 * pts; v > 0; v-- {
					i := 0
					for i < len(d) && d[i] >= 0x80 {
						i++
					}
					if i >= len(d) || i >= binary.MaxVarintLen64 {
						return nil, errOutlines
					}
					d = d[i+1:]
				}
			}
		}
		if np == 0 {
			continue // no polygons: no outline
		}
		c := out[cc]
		if c == nil {
			c = &countryOutline{}
			out[cc] = c
		}
		c.spans = append(c.spans, outlineSpan{start[:len(start)-len(d)], np})
	}
	return out, nil
}

// polygons returns the country's polygons, decoded on the first call.
func (c *countryOutline) polygons() ([]polygon, error) {
	c.once.Do(func() {
		for _, s := range c.spans {
			polys, err := decodePolygons(s.data, s.n)
			if err != nil {
				c.polys, c.err = nil, err
				return
			}
			c.polys = append(c.polys, polys...)
		}
	})
	return c.polys, c.err
}

// decodePolygons decodes the n polygons that data holds, as indexOutlines
// found them: for each, its number of rings, and for each ring its number
// of points and the points, as varint steps of 1e-4 degrees.
func decodePolygons(data []byte, n int) ([]polygon, error) {
	r := bytes.NewReader(data)
	uv := func() int {
		v, err := binary.ReadUvarint(r)
		if err != nil || v > 1<<24 {
			return -1
		}
		return int(v)
	}
	out := make([]polygon, 0, n)
	for ; n > 0; n-- {
		nr := uv()
		if nr < 0 {
			return nil, errOutlines
		}
		poly := polygon{minX: 180, minY: 90, maxX: -180, maxY: -90}
		for ; nr > 0; nr-- {
			pts := uv()
			if pts < 0 {
				return nil, errOutlines
			}
			ring := make([]float64, 0, 2*pts)
			var x, y int64
			for ; pts > 0; pts-- {
				dx, err1 := binary.ReadVarint(r)
				dy, err2 := binary.ReadVarint(r)
				if err1 != nil || err2 != nil {
					return nil, errOutlines
				}
				x, y = x+dx, y+dy
				fx, fy := float64(x)/1e4, float64(y)/1e4
				ring = append(ring, fx, fy)
				poly.minX, poly.maxX = math.Min(poly.minX, fx), math.Max(poly.maxX, fx)
				poly.minY, poly.maxY = math.Min(poly.minY, fy), math.Max(poly.maxY, fy)
			}
			poly.rings = append(poly.rings, ring)
		}
		out = append(out, poly)
	}
	if r.Len() != 0 {
		return nil, errOutlines
	}
	return out, nil
}

// InCountry reports whether the point (lon, lat) lies inside the Natural
// Earth 1:50m outline of country cc, or within about 10 km of it. known is
// false when there is no outline for cc (then inside is false too).
func InCountry(cc string, lon, lat float64) (inside bool, known bool) {
	all, err := outlines()
	if err != nil {
		return false, false
	}
	c, ok := all[toUpper2(cc)]
	if !ok {
		return false, false
	}
	polys, err := c.polygons()
	if err != nil {
		return false, false
	}
	if math.IsNaN(lon) || math.IsNaN(lat) || math.Abs(lat) > 90 || math.Abs(lon) > 180 {
		return false, true
	}
	for i := range polys {
		if polys[i].contains(lon, lat) {
			return true, true
		}
	}
	// Near a coast or border: within the tolerance of any edge.
	margin := coastTolerance / 111.0
	cosLat := math.Max(0.05, math.Cos(lat*math.Pi/180))
	for i := range polys {
		p := &polys[i]
		if lon < p.minX-margin/cosLat || lon > p.maxX+margin/cosLat || lat < p.minY-margin || lat > p.maxY+margin {
			continue
		}
		for _, ring := range p.rings {
			for k := 0; k+3 < len(ring); k += 2 {
				if segmentKm(lon, lat, ring[k], ring[k+1], ring[k+2], ring[k+3], cosLat) <= coastTolerance {
					return true, true
				}
			}
		}
	}
	return false, true
}

func toUpper2(s string) string {
	if len(s) != 2 {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// contains applies the even-odd rule over all rings, so holes are holes.
func (p *polygon) contains(x, y float64) bool {
	if x < p.minX || x > p.maxX || y < p.minY || y > p.maxY {
		return false
	}
	in := false
	for _, r := range p.rings {
		n := len(r) / 2
		for i, j := 0, n-1; i < n; j, i = i, i+1 {
			xi, yi, xj, yj := r[2*i], r[2*i+1], r[2*j], r[2*j+1]
			if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
				in = !in
			}
		}
	}
	return in
}

// segmentKm is the distance from (px, py) to the segment (ax, ay)-(bx, by)
// on a local equirectangular projection.
func segmentKm(px, py, ax, ay, bx, by, cosLat float64) float64 {
	const kmPerDeg = 111.195
	px, ax, bx = px*cosLat, ax*cosLat, bx*cosLat
	dx, dy := bx-ax, by-ay
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, ((px-ax)*dx+(py-ay)*dy)/l))
	}
	ex, ey := ax+t*dx-px, ay+t*dy-py
	return math.Sqrt(ex*ex+ey*ey) * kmPerDeg
}
