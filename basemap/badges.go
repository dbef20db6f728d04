package basemap

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// The map page draws the records placed only at a country as a badge at
// a point well inside the country (map-areas.js). Finding that point
// takes a search over the country's outline, which the page did for
// every country with such records before its first markers (about 40 ms
// at 10,000 records); Generate now finds them once, on the outlines the
// world script carries, and the world script holds them as its member
// "lp": {"TR": [lon, lat], …}. The search is labelPoint's in
// map-areas.js, step by step, which still finds the point of an area the
// world script has no point for.

// appendBadgePoints appends to world, the members "land" and "cc" of the
// world script, the member "lp": each country's badge point, found on the
// outlines as the page decodes them (q degrees a unit).
func appendBadgePoints(world []byte, q float64) ([]byte, error) {
	var w struct {
		Land [][][]int64 `json:"land"`
		CC   []string    `json:"cc"`
	}
	if err := json.Unmarshal(append(append([]byte{'{'}, world...), '}'), &w); err != nil {
		return nil, fmt.Errorf("basemap: the world outlines: %w", err)
	}
	if len(w.CC) != len(w.Land) {
		return nil, fmt.Errorf("basemap: %d country codes for %d polygons", len(w.CC), len(w.Land))
	}
	var order []string
	byCode := map[string][][][][2]float64{}
	for i, rings := range w.Land {
		cc := w.CC[i]
		if cc == "" {
			continue
		}
		if _, ok := byCode[cc]; !ok {
			order = append(order, cc)
		}
		poly := make([][][2]float64, len(rings))
		for j, flat := range rings {
			var x, y int64
			ring := make([][2]float64, 0, len(flat)/2)
			for k := 0; k+1 < len(flat); k += 2 {
				x += flat[k]
				y += flat[k+1]
				ring = append(ring, [2]float64{float64(x) * q, float64(y) * q})
			}
			poly[j] = ring
		}
		byCode[cc] = append(byCode[cc], poly)
	}
	b := append(world, `,"lp":{`...)
	first := true
	for _, cc := range order {
		lon, lat, ok := badgePoint(byCode[cc])
		if !ok {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = fmt.Appendf(b, "%q:[", cc)
		b = strconv.AppendFloat(b, math.Round(lon*1e4)/1e4, 'f', -1, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, math.Round(lat*1e4)/1e4, 'f', -1, 64)
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// badgePoint returns a point deep inside the largest of polys (each a list
// of rings of lon, lat), as labelPoint in map-areas.js finds it: square
// cells, distances in degrees of latitude (longitude scaled by the cosine
// of the middle latitude), the most promising cell split first, until no
// cell can beat the best by more than a hundredth of the polygon's size.
func badgePoint(polys [][][][2]float64) (lon, lat float64, ok bool) {
	if len(polys) == 0 {
		return 0, 0, false
	}
	poly := polys[0]
	for _, p := range polys[1:] {
		if ringArea(p[0]) > ringArea(poly[0]) {
			poly = p
		}
	}
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, c := range poly[0] {
		x0, x1 = math.Min(x0, c[0]), math.Max(x1, c[0])
		y0, y1 = math.Min(y0, c[1]), math.Max(y1, c[1])
	}
	kx := math.Cos(((y0 + y1) / 2) * math.Pi / 180)
	if kx == 0 {
		kx = 1
	}
	w, h := (x1-x0)*kx, y1-y0
	size := math.Min(w, h)
	if !(size > 0) {
		return (x0 + x1) / 2, (y0 + y1) / 2, true
	}
	precision := math.Max(w, h) / 100
	segs := badgeEdges(poly, kx, precision/2)
	cell := func(x, y, hs float64) badgeCell {
		d := badgeDistance(x*kx, y, segs)
		return badgeCell{x: x, y: y, hs: hs, d: d, max: d + hs*math.Sqrt2}
	}
	var heap cellHeap
	hs := size / 2
	for x := x0 * kx; x < x1*kx; x += size {
		for y := y0; y < y1; y += size {
			heap.push(cell((x+hs)/kx, y+hs, hs))
		}
	}
	best := cell((x0+x1)/2, (y0+y1)/2, 0)
	for n := 0; len(heap) > 0 && n < 4000; n++ {
		c := heap.pop()
		if c.d > best.d {
			best = c
		}
		if c.max-best.d <= precision {
			continue
		}
		q := c.hs / 2
		qx := q / kx
		heap.push(cell(c.x-qx, c.y-q, q))
		heap.push(cell(c.x+qx, c.y-q, q))
		heap.push(cell(c.x-qx, c.y+q, q))
		heap.push(cell(c.x+qx, c.y+q, q))
	}
	if best.d > 0 {
		return best.x, best.y, true
	}
	return 0, 0, false
}

// ringArea is the area of a ring in square degrees.
func ringArea(ring [][2]float64) float64 {
	a := 0.0
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a += (ring[j][0] + ring[i][0]) * (ring[j][1] - ring[i][1])
	}
	return math.Abs(a / 2)
}

// badgeEdges returns the edges of rings as [ax, ay, bx, by, …], longitude
// scaled by kx, leaving out the vertices nearer than tol to the last one
// kept (all of a ring's when too few would be left to enclose anything).
func badgeEdges(rings [][][2]float64, kx, tol float64) []float64 {
	n := 0
	for _, r := range rings {
		n += len(r)
	}
	out, t2 := make([]float64, 0, 4*n), tol*tol
	for _, ring := range rings {
		m, first := len(ring), len(out)
		if m < 3 {
			continue
		}
		px, py := ring[m-1][0]*kx, ring[m-1][1]
		for i := 0; i < m; i++ {
			x, y := ring[i][0]*kx, ring[i][1]
			dx, dy := x-px, y-py
			if dx*dx+dy*dy < t2 && i < m-1 {
				continue
			}
			out = append(out, px, py, x, y)
			px, py = x, y
		}
		if len(out)-first < 12 {
			out = out[:first]
			for a, b := 0, m-1; a < m; b, a = a, a+1 {
				out = append(out, ring[b][0]*kx, ring[b][1], ring[a][0]*kx, ring[a][1])
			}
		}
	}
	return out
}

// badgeDistance is the distance from x, y to the nearest of segs,
// negative outside them (even-odd).
func badgeDistance(x, y float64, segs []float64) float64 {
	best, inside := math.Inf(1), false
	for k := 0; k+3 < len(segs); k += 4 {
		ax, ay, bx, by := segs[k], segs[k+1], segs[k+2], segs[k+3]
		if (by > y) != (ay > y) && x < (ax-bx)*(y-by)/(ay-by)+bx {
			inside = !inside
		}
		dx, dy := bx-ax, by-ay
		l := dx*dx + dy*dy
		t := 0.0
		if l != 0 {
			t = ((x-ax)*dx + (y-ay)*dy) / l
		}
		t = math.Max(0, math.Min(1, t))
		ex, ey := ax+t*dx-x, ay+t*dy-y
		if d := ex*ex + ey*ey; d < best {
			best = d
		}
	}
	if inside {
		return math.Sqrt(best)
	}
	return -math.Sqrt(best)
}

type badgeCell struct{ x, y, hs, d, max float64 }

// cellHeap is a binary max-heap of cells by max, ordered as labelPoint's
// (so that cells of equal promise come out in the same order).
type cellHeap []badgeCell

func (h *cellHeap) push(c badgeCell) {
	*h = append(*h, c)
	s := *h
	for i := len(s) - 1; i > 0; {
		up := (i - 1) >> 1
		if s[up].max >= s[i].max {
			break
		}
		s[up], s[i] = s[i], s[up]
		i = up
	}
}

func (h *cellHeap) pop() badgeCell {
	s := *h
	top, last := s[0], s[len(s)-1]
	s = s[:len(s)-1]
	if len(s) > 0 {
		s[0] = last
		for i := 0; ; {
			l, r, m := 2*i+1, 2*i+2, i
			if l < len(s) && s[l].max > s[m].max {
				m = l
			}
			if r < len(s) && s[r].max > s[m].max {
				m = r
			}
			if m == i {
				break
			}
			s[m], s[i] = s[i], s[m]
			i = m
		}
	}
	*h = s
	return top
}
