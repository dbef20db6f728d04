package basemap

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
)

// world is the map's domain in degrees. Latitudes beyond Web Mercator's
// ±85.0511° are kept: Leaflet clamps them when it projects.
var world = orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}

// unwrap returns r with longitudes made continuous: wherever two
// consecutive points lie more than 180° apart, the rest of the ring is
// shifted by 360° so that the edge between them takes the short way,
// across the antimeridian. The first point is shifted by start·360°.
func unwrap(r orb.Ring, start float64) orb.Ring {
	out := make(orb.Ring, len(r))
	offset := start * 360
	for i, p := range r {
		if i > 0 {
			switch d := p[0] + offset - out[i-1][0]; {
			case d > 180:
				offset -= 360
			case d < -180:
				offset += 360
			}
		}
		out[i] = orb.Point{p[0] + offset, p[1]}
	}
	return out
}

// crosses reports whether ring r has an edge longer than 180° of
// longitude: an edge that Natural Earth's data means to cross the
// antimeridian but that a planar renderer would draw across the world.
func crosses(r []orb.Point) bool {
	for i := 1; i < len(r); i++ {
		if math.Abs(r[i][0]-r[i-1][0]) > 180 {
			return true
		}
	}
	return false
}

// cutPolygon returns polygon p split at the antimeridian into polygons
// that each lie within [-180°, 180°]. A ring around a pole (Antarctica) is
// closed along the pole's parallel. Polygons that do not cross are
// returned as they are.
func cutPolygon(p orb.Polygon) []orb.Polygon {
	cross := false
	for _, r := range p {
		cross = cross || crosses(r)
	}
	if !cross {
		return []orb.Polygon{p}
	}
	outer := unwrap(p[0], 0)
	if gap := outer[len(outer)-1][0] - outer[0][0]; math.Abs(gap) > 180 {
		// The ring winds once around a pole: close it through the pole.
		pole := 90.0
		if outer.Bound().Center()[1] < 0 {
			pole = -90
		}
		last, first := outer[len(outer)-1], outer[0]
		outer = append(outer, orb.Point{last[0], pole}, orb.Point{first[0], pole}, first)
	}
	b := outer.Bound()
	unwrapped := orb.Polygon{outer}
	for _, h := range p[1:] {
		// Start each hole on the same side of the antimeridian as the outer ring.
		k := math.Round((b.Center()[0] - h[0][0]) / 360)
		unwrapped = append(unwrapped, unwrap(h, k))
	}
	var out []orb.Polygon
	for k := math.Floor((b.Min[0] + 180) / 360); k*360-180 < b.Max[0]; k++ {
		shifted := make(orb.Polygon, 0, len(unwrapped))
		for _, r := range unwrapped {
			s := make(orb.Ring, len(r))
			for i, pt := range r {
				s[i] = orb.Point{pt[0] - k*360, pt[1]}
			}
			shifted = append(shifted, s)
		}
		if c := clip.Polygon(world, shifted); len(c) > 0 && len(c[0]) >= 4 {
			out = append(out, c)
		}
	}
	return out
}

// cutLine returns line ls split where it crosses the antimeridian, each
// part ending on it at the interpolated latitude.
func cutLine(ls orb.LineString) orb.MultiLineString {
	var out orb.MultiLineString
	cur := orb.LineString{ls[0]}
	for i := 1; i < len(ls); i++ {
		a, b := ls[i-1], ls[i]
		if d := b[0] - a[0]; math.Abs(d) > 180 {
			edge := 180.0 // the side a is on
			bx := b[0] + 360
			if d > 0 {
				edge, bx = -180, b[0]-360
			}
			t := (edge - a[0]) / (bx - a[0])
			y := a[1] + t*(b[1]-a[1])
			cur = append(cur, orb.Point{edge, y})
			if len(cur) > 1 {
				out = append(out, cur)
			}
			cur = orb.LineString{{-edge, y}}
		}
		cur = append(cur, b)
	}
	if len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}
