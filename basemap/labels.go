package basemap

import (
	"bufio"
	"cmp"
	_ "embed"
	"math"
	"slices"
	"strings"

	"github.com/mapsite/mapsite/geo"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Kind is what a label names; it sets the label's style and, among labels
// that first show at the same zoom, its priority.
type Kind int

// The kinds of label, in order of priority.
const (
	KindCountry Kind = iota
	KindRegion
	KindCity
	KindDistrict
)

// Label is a place name on the base map, drawn from zoom MinZoom to
// MaxZoom. A map places labels in their order (see sortLabels) and skips
// any that would overlap one placed before it.
type Label struct {
	Name             string
	Lon, Lat         float64
	Kind             Kind
	MinZoom, MaxZoom int
	Population       int
	Precision        geo.Precision // of the place labelled, for districts and neighbourhoods

	rank int // place in the list Generate ranked it in, which a site's subset keeps
}

// Spacing is the least distance, in pixels, between the anchors of two
// city labels that first show at the same zoom: it sets how fast cities
// grow denser as the reader zooms in.
const Spacing = 64

// Zoom limits of the kinds of label.
const (
	cityMinZoom     = 3
	countryMaxZoom  = 8
	regionMinZoom   = 5
	regionMaxZoom   = 8
	districtMinZoom = 9  // districts and GeoNames city sections
	hoodMinZoom     = 11 // neighbourhoods
	worldLabelZoom  = 8  // cities that show by this zoom are labelled worldwide; deeper ones only near records
)

// NearKm is how far from a record the deeper labels (small towns,
// districts, neighbourhoods) are kept.
const NearKm = 40.0

//go:embed data/countries.tsv
var countriesTSV string

// countryName returns the name of country cc in language lang ("de"),
// or in English when the table has none in lang.
func countryName(cc, lang string) string {
	if name := countryNames(lang)[cc]; name != "" {
		return name
	}
	return geo.CountryName(cc)
}

// countryNames returns the names of the countries in language lang
// ("de", "pt-BR") by alpha-2 code, from the table (data/countries.tsv),
// read in one pass; nil for English or a language the table lacks.
func countryNames(lang string) map[string]string {
	lang = strings.ToLower(strings.SplitN(strings.SplitN(lang, "-", 2)[0], "_", 2)[0])
	if lang == "" || lang == "en" {
		return nil
	}
	sc := bufio.NewScanner(strings.NewReader(countriesTSV))
	sc.Buffer(nil, 1<<20)
	col := -1
	var names map[string]string
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if strings.HasPrefix(sc.Text(), "# numeric") {
			for i, h := range f {
				if h == lang {
					col = i
				}
			}
			if col < 0 {
				return nil
			}
			names = map[string]string{}
			continue
		}
		if col > 0 && len(f) > col && f[col] != "" {
			if _, ok := names[f[1]]; !ok {
				names[f[1]] = f[col]
			}
		}
	}
	return names
}

// numericToAlpha2 maps ISO 3166-1 numeric codes ("364") to alpha-2 ("IR").
func numericToAlpha2() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(countriesTSV, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		num, rest, _ := strings.Cut(line, "\t")
		a2, _, _ := strings.Cut(rest, "\t")
		m[num] = a2
	}
	return m
}

// mercator returns the Web Mercator position of lon, lat in pixels at
// zoom z (256-pixel tiles).
func mercator(lon, lat float64, z int) (x, y float64) {
	return mercatorAt(lon, lat, 256*math.Exp2(float64(z)))
}

// mercatorAt is mercator for a world size pixels wide: 256·2^z.
func mercatorAt(lon, lat, size float64) (x, y float64) {
	return (lon + 180) / 360 * size, mercatorY(lat) * size
}

// mercatorY is mercatorAt's y for size 1.
func mercatorY(lat float64) float64 {
	lat = math.Max(-85.0511, math.Min(85.0511, lat))
	s := math.Sin(lat * math.Pi / 180)
	return 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
}

// countryAnchor is where a country's label goes: the visual centre of
// its largest part, and that part's width in pixels at zoom 0.
type countryAnchor struct {
	cc       string
	lon, lat float64
	width    float64
}

// countryAnchors finds the label anchor of every country with an ISO
// 3166-1 code, on the outlines of o.
func countryAnchors(t *topology, o outlines) []countryAnchor {
	codes := numericToAlpha2()
	var out []countryAnchor
	for _, c := range t.countries {
		cc := codes[c.numeric]
		if cc == "" {
			continue // areas without an ISO 3166-1 code are not labelled
		}
		var best orb.Polygon
		bestArea := 0.0
		for _, p := range countryPolygons(t, c, o) {
			if a := math.Abs(planar.Area(p)); a > bestArea {
				best, bestArea = p, a
			}
		}
		if best == nil {
			continue
		}
		lon, lat := visualCentre(best)
		b := best.Bound()
		x0, _ := mercator(b.Min[0], lat, 0)
		x1, _ := mercator(b.Max[0], lat, 0)
		out = append(out, countryAnchor{cc: cc, lon: lon, lat: lat, width: x1 - x0})
	}
	return out
}

// countryLabels labels the countries in language lang, each from the
// zoom at which its largest part is about as wide as its name.
func countryLabels(anchors []countryAnchor, lang string) []Label {
	var out []Label
	names := countryNames(lang)
	for _, a := range anchors {
		name := names[a.cc]
		if name == "" {
			name = geo.CountryName(a.cc)
		}
		if name == "" {
			continue
		}
		need := 6.5 * float64(min(len([]rune(name)), 14))
		z := 2
		for z < countryMaxZoom && a.width*math.Exp2(float64(z)) < need {
			z++
		}
		out = append(out, Label{Name: name, Lon: a.lon, Lat: a.lat, Kind: KindCountry, MinZoom: z, MaxZoom: countryMaxZoom})
	}
	return out
}

// countryPolygons returns country c's polygons, assembled from o's band
// (the same simplification as the land drawn) and cut at the antimeridian.
func countryPolygons(t *topology, c topoCountry, o outlines) []orb.Polygon {
	var out []orb.Polygon
	for _, refs := range c.polygons {
		var p orb.Polygon
		for _, r := range refs {
			ring := ring(o.arcs, r)
			if len(ring) >= 4 {
				p = append(p, ring)
			}
		}
		if len(p) > 0 {
			out = append(out, cutPolygon(p)...)
		}
	}
	return out
}

// visualCentre returns the point of polygon p farthest from its edges
// (the pole of inaccessibility, found on a grid refined around the best
// cell), in Web Mercator so that it looks central on the map.
func visualCentre(p orb.Polygon) (lon, lat float64) {
	proj := make(orb.Polygon, len(p))
	for i, r := range p {
		proj[i] = make(orb.Ring, len(r))
		for j, pt := range r {
			x, y := mercator(pt[0], pt[1], 0)
			proj[i][j] = orb.Point{x, y}
		}
	}
	b := proj.Bound()
	best, bestD := b.Center(), math.Inf(-1)
	step := math.Max(b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]) / 12
	lo, hi := b.Min, b.Max
	for round := 0; round < 3 && step > 0; round++ {
		for y := lo[1] + step/2; y < hi[1]; y += step {
			for x := lo[0] + step/2; x < hi[0]; x += step {
				if d := signedDistance(proj, orb.Point{x, y}); d > bestD {
					best, bestD = orb.Point{x, y}, d
				}
			}
		}
		lo = orb.Point{best[0] - step, best[1] - step}
		hi = orb.Point{best[0] + step, best[1] + step}
		step /= 4
	}
	lon = best[0]/256*360 - 180
	lat = math.Atan(math.Sinh(math.Pi*(1-2*best[1]/256))) * 180 / math.Pi
	return lon, lat
}

// signedDistance is the distance from pt to polygon p's edges, negative
// outside p.
func signedDistance(p orb.Polygon, pt orb.Point) float64 {
	d := math.Inf(1)
	for _, r := range p {
		for i := 1; i < len(r); i++ {
			d = math.Min(d, segmentDistance(pt, r[i-1], r[i]))
		}
	}
	if !contains(p, pt) {
		return -d
	}
	return d
}

// contains reports whether pt lies inside polygon p (even-odd rule).
func contains(p orb.Polygon, pt orb.Point) bool {
	in := false
	for _, r := range p {
		for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
			a, b := r[i], r[j]
			if (a[1] > pt[1]) != (b[1] > pt[1]) && pt[0] < (b[0]-a[0])*(pt[1]-a[1])/(b[1]-a[1])+a[0] {
				in = !in
			}
		}
	}
	return in
}

func segmentDistance(p, a, b orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	t := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		t = math.Max(0, math.Min(1, ((p[0]-a[0])*dx+(p[1]-a[1])*dy)/l))
	}
	ex, ey := p[0]-(a[0]+t*dx), p[1]-(a[1]+t*dy)
	return math.Hypot(ex, ey)
}

// thin sets the MinZoom of each label, given in order of importance, to
// the first zoom from minZoom to maxZoom at which no label before it
// (already shown) lies within Spacing pixels: the labels that a map can
// show together without crowding, growing denser with every zoom. A label
// that thin finds no room for gets MaxZoom+1. Labels whose MinZoom is
// already below minZoom stay as they are, and take room.
//
// floor, when not nil, gives the zoom before which a label may not show
// however much room it has (a town of 2,000 in the taiga is no label for
// the world view).
func thin(labels []Label, minZoom, maxZoom int, floor func(Label) int) {
	shown := make([]bool, len(labels))
	pos := make([]orb.Point, len(labels)) // at zoom 0
	for i := range labels {
		if labels[i].MinZoom > 0 && labels[i].MinZoom < minZoom {
			shown[i] = true
		} else {
			labels[i].MinZoom = MaxZoom + 1
		}
		x, y := mercator(labels[i].Lon, labels[i].Lat, 0)
		pos[i] = orb.Point{x, y}
	}
	// The labels placed by cell, as lists threaded through next: head
	// holds 1 + the last label added to a cell (by nearKey; emptied for
	// each zoom), next[i] 1 + the one added there before label i, 0 for
	// none. A slice per cell and zoom was most of what a site's labels
	// allocated.
	head := map[uint64]int32{}
	next := make([]int32, len(labels))
	for z := minZoom; z <= maxZoom; z++ {
		scale := math.Exp2(float64(z))
		clear(head)
		cellOf := func(i int) (int, int) {
			return int(math.Floor(pos[i][0] * scale / Spacing)), int(math.Floor(pos[i][1] * scale / Spacing))
		}
		free := func(i int) bool {
			cx, cy := cellOf(i)
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					for j := head[nearKey(cx+dx, cy+dy)] - 1; j >= 0; j = next[j] - 1 {
						dx, dy := (pos[j][0]-pos[i][0])*scale, (pos[j][1]-pos[i][1])*scale
						if dx*dx+dy*dy < Spacing*Spacing {
							return false
						}
					}
				}
			}
			return true
		}
		add := func(i int) {
			k := nearKey(cellOf(i))
			next[i], head[k] = head[k], int32(i)+1
		}
		// The labels shown already stay; the others join where there is room.
		for i := range labels {
			if shown[i] {
				add(i)
			}
		}
		for i := range labels {
			if shown[i] || floor != nil && floor(labels[i]) > z || !free(i) {
				continue
			}
			shown[i] = true
			labels[i].MinZoom = z
			add(i)
		}
	}
}

// cityLabels returns the gazetteer's populated places, most populous
// first, with the zoom from which each shows.
func cityLabels(g *geo.Gazetteer) []Label {
	var out []Label
	for p := range g.Places() {
		if p.Precision == geo.City && p.Population > 0 && strings.HasPrefix(p.ID, "geonames:") {
			out = append(out, Label{Name: p.Name, Lon: p.Lon, Lat: p.Lat, Kind: KindCity, MaxZoom: MaxZoom, Population: p.Population})
		}
	}
	sortByPopulation(out)
	thin(out, cityMinZoom, worldLabelZoom, populationZoom)
	return out
}

// populationZoom is the least zoom at which a place of its population
// may be labelled: about the zoom at which such places are a map's
// landmarks.
func populationZoom(l Label) int {
	for i, min := range []int{5_000_000, 1_000_000, 300_000, 100_000, 30_000, 10_000, 3_000} {
		if l.Population >= min {
			return cityMinZoom + i
		}
	}
	return cityMinZoom + 7
}

// sortLabels puts labels in the order a map places them: those that show
// first (lower MinZoom) first; then by kind, population and name.
func sortLabels(ls []Label) {
	// Sorting the labels' indices moves 4 bytes instead of a Label; the
	// index, last, keeps labels that compare equal in their order.
	idx := make([]int32, len(ls))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(i, j int32) int {
		if c := compareLabels(&ls[i], &ls[j]); c != 0 {
			return c
		}
		return cmp.Compare(i, j)
	})
	permute(ls, idx)
}

// permute moves the labels of ls into the order idx gives (place j takes
// the label at idx[j]) in place, one cycle of the permutation at a time
// (a sorted copy was 1.5 MB for a small site). idx is spent: each is -1
// once its place has its label.
func permute(ls []Label, idx []int32) {
	for k := range idx {
		if idx[k] < 0 {
			continue
		}
		first, j := ls[k], k
		for {
			i := int(idx[j])
			idx[j] = -1
			if i == k {
				ls[j] = first
				break
			}
			ls[j], j = ls[i], i
		}
	}
}

// compareLabels compares labels in the order a map places them (see
// sortLabels); 0 when equal in every field it looks at.
func compareLabels(a, b *Label) int {
	switch {
	case a.MinZoom != b.MinZoom:
		return cmp.Compare(a.MinZoom, b.MinZoom)
	case a.Kind != b.Kind:
		return cmp.Compare(a.Kind, b.Kind)
	case a.Population != b.Population:
		return cmp.Compare(b.Population, a.Population)
	case a.Name != b.Name:
		return strings.Compare(a.Name, b.Name)
	case a.Lon != b.Lon:
		return cmp.Compare(a.Lon, b.Lon)
	case a.Lat != b.Lat:
		return cmp.Compare(a.Lat, b.Lat)
	}
	return 0
}

// mergeLabels appends to out the labels of lists, each in sortLabels'
// order, in that order: where labels of two lists compare equal, the
// list given first goes first, as sortLabels keeps labels that compare
// equal in their order.
func mergeLabels(out []Label, lists ...[]Label) []Label {
	for {
		best := -1
		for i, l := range lists {
			if len(l) > 0 && (best < 0 || compareLabels(&l[0], &lists[best][0]) < 0) {
				best = i
			}
		}
		if best < 0 {
			return out
		}
		out = append(out, lists[best][0])
		lists[best] = lists[best][1:]
	}
}

// sortByRank puts labels taken from a ranked list back in its order, in
// which each has a rank of its own: their ranks and indexes are sorted as
// numbers, and the labels moved once (sorting the labels moved 88 bytes a
// swap).
func sortByRank(ls []Label) {
	keys := make([]uint64, len(ls))
	for i := range ls {
		keys[i] = uint64(uint32(ls[i].rank))<<32 | uint64(i)
	}
	slices.Sort(keys)
	idx := make([]int32, len(ls))
	for j, k := range keys {
		idx[j] = int32(uint32(k))
	}
	permute(ls, idx)
}
