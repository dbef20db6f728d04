package basemap

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/simplify"
)

// Band is a range of zoom levels that share one level of detail of the
// outlines. The world band (Cell 0) is one script, loaded with the page;
// finer bands are cut into square cells of Cell degrees, each a script the
// map loads when it shows that cell at a zoom of the band.
type Band struct {
	MinZoom, MaxZoom int
	Tolerance        float64 // Douglas–Peucker tolerance, degrees (0: the data as it is)
	Cell             float64 // cell size, degrees; 0 for the whole world in one file
	Quantum          float64 // degrees per unit of the coordinates written
}

// Bands are the levels of detail, from the world view to the streets.
// A tolerance is about half a pixel at the band's deepest zoom (a pixel is
// 360/2^(z+8) degrees of longitude at zoom z).
var Bands = []Band{
	{MinZoom: 0, MaxZoom: 3, Tolerance: 0.08, Cell: 0, Quantum: 0.02},
	{MinZoom: 4, MaxZoom: 4, Tolerance: 0.04, Cell: 45, Quantum: 0.01},
	{MinZoom: 5, MaxZoom: 6, Tolerance: 0.01, Cell: 20, Quantum: 0.003},
	{MinZoom: 7, MaxZoom: 8, Tolerance: 0.0025, Cell: 10, Quantum: 0.001},
	{MinZoom: 9, MaxZoom: 14, Tolerance: 0, Cell: 5, Quantum: 0.0005},
}

// MaxZoom is the deepest zoom the offline base map draws.
const MaxZoom = 14

// bandFor returns the index of the band that draws zoom z.
func bandFor(z int) int {
	for i, b := range Bands {
		if z <= b.MaxZoom {
			return i
		}
	}
	return len(Bands) - 1
}

// outlines are the countries of one band, cut at the antimeridian, as
// the map draws them: filled, and stroked along their edges (coasts and
// borders alike).
type outlines struct {
	arcs []orb.LineString // the band's simplified arcs, as the topology's
	land []orb.Polygon
	cc   []string // the ISO 3166-1 alpha-2 code of each polygon of land ("" for none)
}

// bandOutlines simplifies the topology's arcs for band b and assembles
// the countries from them: simplifying the shared arcs, rather than each
// country, keeps neighbours' borders identical.
func bandOutlines(t *topology, b Band) outlines {
	arcs := t.arcs
	if b.Tolerance > 0 {
		dp := simplify.DouglasPeucker(b.Tolerance)
		arcs = make([]orb.LineString, len(t.arcs))
		for i, a := range t.arcs {
			arcs[i] = dp.LineString(a.Clone())
		}
	}
	o := outlines{arcs: arcs}
	codes := numericToAlpha2()
	for _, c := range t.countries {
		for _, refs := range c.polygons {
			var p orb.Polygon
			for k, r := range refs {
				ring := ring(arcs, r)
				if len(ring) < 4 || tooSmall(ring, b) {
					if k == 0 {
						break // without its outer ring, the polygon is gone
					}
					continue
				}
				p = append(p, ring)
			}
			if len(p) == 0 {
				continue
			}
			for _, part := range cutPolygon(p) {
				o.land = append(o.land, part)
				o.cc = append(o.cc, codes[c.numeric])
			}
		}
	}
	return o
}

// tooSmall reports whether an island is below a pixel at the band's
// deepest zoom: a speck that costs bytes and shows next to nothing.
func tooSmall(r orb.Ring, b Band) bool {
	if b.Tolerance == 0 {
		return false
	}
	bd := r.Bound()
	return bd.Max[0]-bd.Min[0] < 2*b.Tolerance && bd.Max[1]-bd.Min[1] < 2*b.Tolerance
}

// cellKey names a cell of a band by its column and row: cell (cx, cy)
// spans longitudes [cx·size−180, (cx+1)·size−180) and latitudes
// [cy·size−90, (cy+1)·size−90).
type cellKey struct{ X, Y int }

// cellBound returns the bound of cell k of size degrees.
func cellBound(k cellKey, size float64) orb.Bound {
	return orb.Bound{
		Min: orb.Point{float64(k.X)*size - 180, float64(k.Y)*size - 90},
		Max: orb.Point{float64(k.X+1)*size - 180, float64(k.Y+1)*size - 90},
	}
}

// cellsOf returns the cells of size degrees that bound b touches.
func cellsOf(b orb.Bound, size float64) []cellKey {
	x0, x1 := int(math.Floor((b.Min[0]+180)/size)), int(math.Floor((b.Max[0]+180)/size))
	y0, y1 := int(math.Floor((b.Min[1]+90)/size)), int(math.Floor((b.Max[1]+90)/size))
	nx, ny := int(math.Ceil(360/size)), int(math.Ceil(180/size))
	var out []cellKey
	for y := max(y0, 0); y <= min(y1, ny-1); y++ {
		for x := max(x0, 0); x <= min(x1, nx-1); x++ {
			out = append(out, cellKey{x, y})
		}
	}
	return out
}

// cellOf returns the cell of size degrees that holds the point lon, lat:
// cellsOf of the point's bound, without the slice.
func cellOf(lon, lat, size float64) (cellKey, bool) {
	x, y := int(math.Floor((lon+180)/size)), int(math.Floor((lat+90)/size))
	nx, ny := int(math.Ceil(360/size)), int(math.Ceil(180/size))
	return cellKey{x, y}, x >= 0 && x < nx && y >= 0 && y < ny
}

// cut divides the outlines into cells of size degrees, each clipped to
// its cell grown by pad degrees, so that neighbouring cells' fills
// overlap and no hairline seam shows between them. The map does not
// stroke the edges that clipping made (see cellBound and the script).
func (o outlines) cut(size, pad float64) map[cellKey]outlines {
	cells := map[cellKey]outlines{}
	for _, p := range o.land {
		keys := cellsOf(p.Bound().Pad(pad), size)
		// Clip to the row of cells first, then to each cell of it: a
		// polygon as large as Russia is then read once per row, not once
		// per cell.
		var row orb.Polygon
		for i, k := range keys {
			if i == 0 || k.Y != keys[i-1].Y {
				rb := cellBound(k, size).Pad(pad)
				rb.Min[0], rb.Max[0] = -180-pad, 180+pad
				row = clip.Polygon(rb, p.Clone())
			}
			if len(row) == 0 || len(row[0]) < 4 {
				continue
			}
			c := clip.Polygon(cellBound(k, size).Pad(pad), row.Clone())
			if len(c) > 0 && len(c[0]) >= 4 {
				cell := cells[k]
				cell.land = append(cell.land, c)
				cells[k] = cell
			}
		}
	}
	return cells
}
