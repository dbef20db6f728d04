package basemap

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
)

// Locator sizes, in pixels.
const (
	LocatorWidth  = 320
	LocatorHeight = 190
	locatorLabels = 3 // labels on a locator, at most
	landMargin    = 8 // how far the land is drawn past the sides, so that its strokes reach them
)

// Colours of the base map, shared with assets/basemap.js.
const (
	colorSea   = "#dbe5ec"
	colorLand  = "#f7f5f0"
	colorCoast = "#a9a292"
	colorInk   = "#2b2b2b"
)

// Mark is the record a locator points at, drawn as on the map.
type Mark struct {
	Lon, Lat  float64
	Zoom      int    // see LocatorZoom
	Color     string // "#rrggbb"
	Solid     bool   // a venue or neighbourhood; else drawn hollow
	WholeArea bool   // placed only at region or country level: a dashed ring
	Label     string // what the locator shows, for its accessible name
}

// LocatorZoom is the zoom a locator uses for a record located at the
// given precision ("venue" … "country"): close enough to show the
// neighbourhood, far enough to name it.
func LocatorZoom(precision string) int {
	switch precision {
	case "venue", "neighbourhood":
		return 11
	case "district":
		return 10
	case "city":
		return 8
	case "region":
		return 6
	}
	return 4
}

// Locators draws the locators of one site: the land of the base map and
// the site's labels, indexed by place.
type Locators struct {
	base   *Base
	all    []Label
	byZoom [MaxZoom + 1]struct {
		once  sync.Once
		cells *zoomLabels
	}
}

// Locators returns the locator maker for site s.
func (b *Base) Locators(s Site) *Locators {
	return b.locators(b.Labels(s))
}

// locators returns the locator maker for a site's labels (see Labels),
// which it keeps and only reads.
func (b *Base) locators(all []Label) *Locators {
	return &Locators{base: b, all: all}
}

// SVG returns the locator of mark m: a small static map, centred on the
// point, with the land, two or three place names and the marker, its
// land inline. The result is safe to put in an HTML page as it is. Its
// look comes from the page's style sheet (see assets/site.css).
func (l *Locators) SVG(m Mark) string {
	return string(AppendLocator(nil, m, l.Body(m), ""))
}

// A Body is the part of a locator that depends only on its point and
// zoom: the outline of the land and the place names. Marks at one point
// and zoom share it whatever their colour, fill and label (see
// AppendLocator).
type Body struct {
	// Land is the land's outline, the d of an SVG path in the locator's
	// pixels: from a few dozen bytes in a city to 30 kB around a country.
	Land string
	// Places are the place names and their dots.
	Places string
}

// Body returns the body of m's locator.
func (l *Locators) Body(m Mark) Body {
	z := min(max(m.Zoom, 2), MaxZoom)
	cx, cy := mercator(m.Lon, m.Lat, z)
	x0, y0 := cx-LocatorWidth/2, cy-LocatorHeight/2
	// The view in degrees, with a margin so that strokes reach the edges.
	unproject := func(x, y float64) orb.Point {
		size := 256 * math.Exp2(float64(z))
		return orb.Point{x/size*360 - 180, math.Atan(math.Sinh(math.Pi*(1-2*y/size))) * 180 / math.Pi}
	}
	nw, se := unproject(x0-landMargin, y0-landMargin), unproject(x0+LocatorWidth+landMargin, y0+LocatorHeight+landMargin)
	view := orb.Bound{Min: orb.Point{nw[0], se[1]}, Max: orb.Point{se[0], nw[1]}}

	bp := bodyBuffers.Get().(*[]byte)
	b := (*bp)[:0]
	size := 256 * math.Exp2(float64(z))
	ys := l.base.latitudes(bandFor(z))
	for _, p := range l.land(z, view) {
		if !within(view, p) {
			p = clip.Polygon(view, trimmed(view, p))
		}
		for _, r := range p {
			for i, pt := range r {
				x, y := (pt[0]+180)/360*size, ys.y(pt[1])*size // mercatorAt, the y made once per latitude
				if i == 0 {
					b = append(b, 'M')
				} else {
					b = append(b, 'L')
				}
				b = appendNum(b, x-x0)
				b = append(b, ',')
				b = appendNum(b, y-y0)
			}
			b = append(b, 'Z')
		}
	}
	land := string(b)

	// The marker's box, which no label may cover.
	mx, my := float64(LocatorWidth)/2, float64(LocatorHeight)/2
	placed := [][4]float64{{mx - 16, my - 16, mx + 16, my + 16}}
	n := 0
	b = b[:0]
	for _, i := range l.candidates(z, view) {
		lb := l.all[i]
		if n >= locatorLabels {
			break
		}
		x, y := mercator(lb.Lon, lb.Lat, z)
		x, y = x-x0, y-y0
		size := 12.0
		if lb.Kind == KindCountry || lb.Kind == KindRegion {
			size = 11
		}
		w := 0.58 * size * float64(len([]rune(lb.Name)))
		// Right of the dot, left of it, above, below: the first free spot.
		// The class of the text sets its anchor (start when none).
		type spot struct {
			box    [4]float64
			tx, ty float64
			class  string
		}
		spots := []spot{
			{[4]float64{x + 5, y - size/2 - 2, x + 5 + w, y + size/2 + 2}, x + 5, y + size*0.35, ""},
			{[4]float64{x - 5 - w, y - size/2 - 2, x - 5, y + size/2 + 2}, x - 5, y + size*0.35, "end"},
			{[4]float64{x - w/2, y - size - 6, x + w/2, y - 3}, x, y - 6, "mid"},
			{[4]float64{x - w/2, y + 3, x + w/2, y + size + 6}, x, y + size + 2, "mid"},
		}
		var at *spot
		if overlaps([4]float64{x - 3, y - 3, x + 3, y + 3}, placed) {
			continue // the place itself is under the marker or a label
		}
		for i, sp := range spots {
			box := sp.box
			if box[0] >= 4 && box[1] >= 4 && box[2] <= LocatorWidth-4 && box[3] <= LocatorHeight-4 && !overlaps(box, placed) {
				at = &spots[i]
				break
			}
		}
		if at == nil {
			continue
		}
		placed = append(placed, at.box, [4]float64{x - 3, y - 3, x + 3, y + 3})
		n++
		class := at.class
		switch lb.Kind {
		case KindCountry, KindRegion:
			class += " area" // 11 px
		case KindDistrict:
			class += " district" // italic, browner
		}
		b = append(b, `<circle cx="`...)
		b = appendNum(b, x)
		b = append(b, `" cy="`...)
		b = appendNum(b, y)
		b = append(b, `" r="2.2"/><text x="`...)
		b = appendNum(b, at.tx)
		b = append(b, `" y="`...)
		b = appendNum(b, at.ty)
		if class = strings.TrimPrefix(class, " "); class != "" {
			b = append(b, `" class="`...)
			b = append(b, class...)
		}
		b = append(b, `">`...)
		b = appendEscaped(b, lb.Name)
		b = append(b, "</text>"...)
	}
	places := string(b)
	*bp = b[:0]
	bodyBuffers.Put(bp)
	return Body{Land: land, Places: places}
}

// latitudes holds the Mercator y of a world one wide (mercatorAt's y
// for size 1) of each latitude on the grid of a band's quantum, where
// all the land's points lie but those that clipping makes, each made when
// first asked for: the locators of 1,000 synthetic records at countries'
// zoom project 110,000 points of land that lie at 10,000 latitudes, and
// the logarithm was a quarter of their time. Tables are kept only for
// bands of at most maxLatitudes latitudes; the others make each y.
type latitudes struct {
	q  float64
	ys []atomic.Uint64 // by quanta north of -90°: the y's bits, 0 until made
}

const maxLatitudes = 100_000

// latitudes returns the table of band i.
func (b *Base) latitudes(i int) *latitudes {
	return b.lats[i]()
}

// newLatitudes returns an empty table for band i (no table when it
// would be longer than maxLatitudes).
func newLatitudes(i int) func() *latitudes {
	return sync.OnceValue(func() *latitudes {
		q := Bands[i].Quantum
		n := int(math.Round(180/q)) + 1
		if n > maxLatitudes {
			return &latitudes{q: q}
		}
		return &latitudes{q: q, ys: make([]atomic.Uint64, n)}
	})
}

// y returns mercatorAt's y of lat for size 1, which times a size is the
// y at that size, to the bit.
func (t *latitudes) y(lat float64) float64 {
	k := math.Round(lat / t.q)
	i := int(k) + (len(t.ys)-1)/2
	if k*t.q != lat || i < 0 || i >= len(t.ys) {
		return mercatorY(lat)
	}
	if bits := t.ys[i].Load(); bits != 0 {
		return math.Float64frombits(bits)
	}
	y := mercatorY(lat)
	t.ys[i].Store(math.Float64bits(y))
	return y
}

// bodyBuffers hold what Body writes before it makes its strings: a
// locator is drawn for each view of a site (most of 100,000 records have
// their own), each of whose buffers was 8 kB, zeroed, and garbage.
var bodyBuffers = sync.Pool{New: func() any {
	b := make([]byte, 0, 8<<10)
	return &b
}}

// AppendLocator appends the locator of m to b, made of body, which must be
// what Body returns for a mark at m's point and zoom: the opening tag and
// its accessible name, the land, the place names and the marker. The land
// is drawn inline, or, when landHref is not "", by an image of the file
// that LandFile made of it, at that address.
func AppendLocator(b []byte, m Mark, body Body, landHref string) []byte {
	b = append(b, locatorOpen...)
	b = append(b, "Locator map: "...)
	b = appendEscaped(b, m.Label)
	b = append(b, `">`...)
	if landHref == "" {
		b = append(b, `<path class="land" d="`...)
		b = append(b, body.Land...)
		b = append(b, `"/>`...)
	} else {
		b = append(b, `<image href="`...)
		b = appendEscaped(b, landHref)
		b = append(b, landImageSize...)
	}
	if body.Places != "" {
		b = append(b, `<g class="places">`...)
		b = append(b, body.Places...)
		b = append(b, `</g>`...)
	}
	// The marker: a ring, then the record's point as the map draws it.
	// The colours from the data are attributes: the style sheet sets
	// none of the properties they set.
	color := m.Color
	if !hexColor(color) {
		color = "#555555"
	}
	if m.WholeArea {
		b = append(b, markerArea...)
		b = append(b, color...)
		b = append(b, `"/>`...)
	} else {
		b = append(b, markerRing...)
	}
	if m.Solid {
		b = append(b, markerDot...)
		b = append(b, ` fill="`...)
	} else {
		b = append(b, markerHollow...)
		b = append(b, ` stroke="`...)
	}
	b = append(b, color...)
	b = append(b, `"/>`...)
	return append(b, "</svg>"...)
}

// LandFile returns the land of a locator as an SVG file of its own, for
// pages to show with an image (see AppendLocator): the sea and the land,
// coloured by attributes, as a page's style sheet does not reach into an
// image.
func LandFile(land string) []byte {
	b := make([]byte, 0, len(land)+len(landFileOpen)+len(landFileClose))
	b = append(b, landFileOpen...)
	b = append(b, land...)
	return append(b, landFileClose...)
}

// The locator's opening tag up to its accessible name, the marker's
// circles (at the centre) up to their colours, and a land file around
// its outline.
var (
	locatorOpen = fmt.Sprintf(`<svg class="locator-svg" viewBox="0 0 %d %d" width="%d" height="%d" preserveAspectRatio="xMidYMid slice" role="img" aria-label="`,
		LocatorWidth, LocatorHeight, LocatorWidth, LocatorHeight)
	markerAt     = `<circle cx="` + num(float64(LocatorWidth)/2) + `" cy="` + num(float64(LocatorHeight)/2) + `"`
	markerArea   = markerAt + ` r="14" class="whole" stroke="`
	markerRing   = markerAt + ` r="11" class="ring"/>`
	markerDot    = markerAt + ` r="6" class="dot"`
	markerHollow = markerAt + ` r="6" class="hollow"`
	// A land file reaches landMargin past the locator's sides, as the
	// outline does: an image's edge would blend with the sea beside it
	// where a page's locator is scaled (a phone's width).
	landImageSize = fmt.Sprintf(`" x="-%d" y="-%d" width="%d" height="%d"/>`,
		landMargin, landMargin, LocatorWidth+2*landMargin, LocatorHeight+2*landMargin)
	landFileOpen = fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="-%d -%d %d %d" width="%d" height="%d">`+
		`<rect x="-%d" y="-%d" width="%d" height="%d" fill="%s"/><path fill="%s" stroke="%s" stroke-width="0.8" stroke-linejoin="round" fill-rule="evenodd" d="`,
		landMargin, landMargin, LocatorWidth+2*landMargin, LocatorHeight+2*landMargin, LocatorWidth+2*landMargin, LocatorHeight+2*landMargin,
		landMargin, landMargin, LocatorWidth+2*landMargin, LocatorHeight+2*landMargin, colorSea, colorLand, colorCoast)
	landFileClose = "\"/></svg>\n"
)

// appendEscaped appends html.EscapeString(s) to b.
func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '&':
			b = append(b, "&amp;"...)
		case '\'':
			b = append(b, "&#39;"...)
		case '"':
			b = append(b, "&#34;"...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// within reports whether every ring of p lies in view, where clipping it
// would give it back as it is: most of the land a locator draws at the
// zooms of cities and districts.
func within(view orb.Bound, p orb.Polygon) bool {
	for _, r := range p {
		for _, pt := range r {
			if !view.Contains(pt) {
				return false
			}
		}
	}
	return true
}

// trimmed returns a copy of p, for clip.Polygon to clip to view and use as
// scratch, without the points that clipping would drop without a trace:
// inside each run of points that the same side of view cuts away first,
// all but the first and last. Clipping cuts the ring by each side in turn
// (clip's bit order: west, east, south, north); until the run's side,
// every point of the run is kept and no segment between two of them
// crosses a side, and at the run's side none of them is kept and no
// segment between two of them crosses it. So the result of clipping is
// the same, point for point, at a fraction of the work: a locator at a
// country's zoom draws a few hundred points of a continent's outline.
func trimmed(view orb.Bound, p orb.Polygon) orb.Polygon {
	out := make(orb.Polygon, len(p))
	n := 0
	for _, r := range p {
		n += len(r)
	}
	pts := make([]orb.Point, 0, n) // every ring's room, one allocation
	for i, r := range p {
		keep := orb.Ring(pts[len(pts) : len(pts) : len(pts)+len(r)]) // as much room as r: clipping appends
		prev, side := -1, -1                                         // the cuts of the points before and at j
		for j, pt := range r {
			if side < 0 {
				side = firstCut(view, pt)
			}
			next := -1
			if j+1 < len(r) {
				next = firstCut(view, r[j+1])
			}
			if side == 0 || side != prev || side != next {
				keep = append(keep, pt)
			}
			prev, side = side, next
		}
		out[i] = keep
		pts = pts[:len(pts)+len(r)]
	}
	return out
}

// firstCut returns the first side of view, in clip's order, that cuts pt
// away: 1 west, 2 east, 4 south, 8 north; 0 when pt is in view.
func firstCut(view orb.Bound, pt orb.Point) int {
	switch {
	case pt[0] < view.Min[0]:
		return 1
	case pt[0] > view.Max[0]:
		return 2
	case pt[1] < view.Min[1]:
		return 4
	case pt[1] > view.Max[1]:
		return 8
	}
	return 0
}

// land returns the polygons of the band for zoom z that touch view,
// taken from each cell's as they are tested (a cell at a country's zoom
// holds thousands, most of them islands far from the view).
func (l *Locators) land(z int, view orb.Bound) []orb.Polygon {
	band := bandFor(z)
	var out []orb.Polygon
	add := func(src []landPart) {
		for i := range src {
			if src[i].bound.Intersects(view) {
				out = append(out, src[i].Polygon)
			}
		}
	}
	if Bands[band].Cell == 0 {
		add(l.base.cellLand(band, cellKey{}))
	} else {
		for _, k := range cellsOf(view, Bands[band].Cell) {
			add(l.base.cellLand(band, k))
		}
	}
	return out
}

// candidates returns the labels shown at zoom z in view, in order of
// importance. Indexes into all follow its order, which is the order of
// importance; a locator names the towns first, then the districts, then
// the regions and countries around them.
func (l *Locators) candidates(z int, view orb.Bound) []int {
	var keys []int64 // rank<<32 | index: sorting them sorts the labels
	cells := l.zoomCells(z)
	for y := int(math.Floor(view.Min[1])); y <= int(math.Floor(view.Max[1])); y++ {
		for x := int(math.Floor(view.Min[0])); x <= int(math.Floor(view.Max[0])); x++ {
			for _, k := range cells.at(x, y) {
				lb := &l.all[int32(k)]
				if view.Contains(orb.Point{lb.Lon, lb.Lat}) {
					keys = append(keys, k)
				}
			}
		}
	}
	slices.Sort(keys)
	out := make([]int, len(keys))
	for i, k := range keys {
		out[i] = int(int32(k))
	}
	return out
}

// zoomLabels holds the labels shown at one zoom by 1° cell of longitude
// and latitude, each as rank<<32 | index (see candidates): the cells of
// the world in an array, by row from 90° S and column from 180° W, whose
// labels lie in keys from start[c] to start[c+1]; a label outside those
// cells, in far. Sorted by counting, it is made with two passes over the
// labels and two allocations; a map of slices grown by appending took
// about 3 ms of a small site's build.
type zoomLabels struct {
	start []int32
	keys  []int64
	far   map[[2]int][]int64
}

const (
	gridCols = 361 // from -180 to 180
	gridRows = 181 // from -90 to 90
)

// gridIndex returns the index of the 1° cell (x, y) in zoomLabels'
// array, and whether it is there.
func gridIndex(x, y int) (int, bool) {
	x, y = x+180, y+90
	return y*gridCols + x, x >= 0 && x < gridCols && y >= 0 && y < gridRows
}

// at returns the labels of the 1° cell (x, y).
func (c *zoomLabels) at(x, y int) []int64 {
	if i, ok := gridIndex(x, y); ok {
		return c.keys[c.start[i]:c.start[i+1]]
	}
	return c.far[[2]int{x, y}]
}

// zoomCells returns the labels shown at zoom z by 1° cell, indexed on
// first use: a site's locators use a handful of zooms.
func (l *Locators) zoomCells(z int) *zoomLabels {
	bz := &l.byZoom[z]
	bz.once.Do(func() {
		rank := [...]int64{KindCountry: 3, KindRegion: 2, KindCity: 0, KindDistrict: 1}
		c := &zoomLabels{start: make([]int32, gridCols*gridRows+1)}
		shown := func(lb *Label) (int, int, bool) {
			return int(math.Floor(lb.Lon)), int(math.Floor(lb.Lat)), z >= lb.MinZoom && z <= lb.MaxZoom
		}
		// Count each cell's labels at start[i+1], sum them into the
		// start of the next, then fill each cell from its start.
		n := 0
		for i := range l.all {
			if x, y, ok := shown(&l.all[i]); ok {
				if j, in := gridIndex(x, y); in {
					c.start[j+1]++
					n++
				}
			}
		}
		for i := 1; i < len(c.start); i++ {
			c.start[i] += c.start[i-1]
		}
		c.keys = make([]int64, n)
		next := slices.Clone(c.start[:len(c.start)-1])
		for i := range l.all {
			lb := &l.all[i]
			x, y, ok := shown(lb)
			if !ok {
				continue
			}
			k := rank[lb.Kind]<<32 | int64(i)
			if j, in := gridIndex(x, y); in {
				c.keys[next[j]] = k
				next[j]++
			} else {
				if c.far == nil {
					c.far = map[[2]int][]int64{}
				}
				c.far[[2]int{x, y}] = append(c.far[[2]int{x, y}], k)
			}
		}
		bz.cells = c
	})
	return bz.cells
}

func overlaps(b [4]float64, boxes [][4]float64) bool {
	for _, o := range boxes {
		if b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1] {
			return true
		}
	}
	return false
}

func hexColor(c string) bool {
	if len(c) != 7 || c[0] != '#' {
		return false
	}
	for _, r := range c[1:] {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F') {
			return false
		}
	}
	return true
}

// appendNum appends v with one decimal, without a trailing ".0": what
// appendFixed(b, v, 1) appends, written for one decimal, as the locators
// write about 200,000 numbers for 1,000 records.
func appendNum(b []byte, v float64) []byte {
	k := math.Round(v * 10)
	if !(math.Abs(k) < 1e15) { // huge, or NaN
		return strconv.AppendFloat(b, k/10, 'f', -1, 64)
	}
	if math.Signbit(k) {
		b, k = append(b, '-'), -k
	}
	n := int64(k)
	b = strconv.AppendInt(b, n/10, 10)
	if d := n % 10; d != 0 {
		b = append(b, '.', byte('0'+d))
	}
	return b
}

// appendFixed appends v rounded to places decimals (0 to 6), without
// trailing zeros: what strconv.AppendFloat(b, math.Round(v*10^places)/
// 10^places, 'f', -1, 64) writes, in integers.
func appendFixed(b []byte, v float64, places int) []byte {
	unit := int64(1)
	for range places {
		unit *= 10
	}
	k := math.Round(v * float64(unit))
	if !(math.Abs(k) < 1e15) { // huge, or NaN
		return strconv.AppendFloat(b, k/float64(unit), 'f', -1, 64)
	}
	if math.Signbit(k) {
		b, k = append(b, '-'), -k
	}
	n := int64(k)
	b = strconv.AppendInt(b, n/unit, 10)
	if d := n % unit; d != 0 {
		b = append(b, '.')
		for unit /= 10; d != 0; unit /= 10 {
			b = append(b, byte('0'+d/unit))
			d %= unit
		}
	}
	return b
}

func num(v float64) string { return string(appendNum(nil, v)) }
