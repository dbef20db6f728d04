package geo

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"sync"
)

//go:embed data/outlines.bin.gz
var outlinesGz []byte

// coastTolerance is how far outside its outline a point may lie and still
// count as inside its country: the 1:50m outlines cut off piers, harbours
// and small islands.
const coastTolerance = 10.0 // km

type polygon struct {
	rings                  [][]float64 // x0, y0, x1, y1, ... in degrees
	minX, minY, maxX, maxY float64
}

var outlines = sync.OnceValues(func() (map[string][]polygon, error) {
	zr, err := gzip.NewReader(bytes.NewReader(outlinesGz))
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		return nil, err
	}
	return decodeOutlines(data)
})

var errOutlines = errors.New("geo: corrupt data/outlines.bin.gz")

func decodeOutlines(data []byte) (map[string][]polygon, error) {
	if !bytes.HasPrefix(data, []byte("NEO1")) {
		return nil, errOutlines
	}
	r := bytes.NewReader(data[4:])
	uv := func() int {
		v, err := binary.ReadUvarint(r)
		if err != nil || v > 1<<24 {
			return -1
		}
		return int(v)
	}
	n := uv()
	out := make(map[string][]polygon, n)
	for ; n > 0; n-- {
		var cc [2]byte
		if _, err := io.ReadFull(r, cc[:]); err != nil {
			return nil, errOutlines
		}
		np := uv()
		if np < 0 {
			return nil, errOutlines
		}
		for ; np > 0; np-- {
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
			out[string(cc[:])] = append(out[string(cc[:])], poly)
		}
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
	polys, ok := all[toUpper2(cc)]
	if !ok {
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
