package geo

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
)

// Query is a place name as an analyst wrote it, with an optional country
// hint.
type Query struct {
	Text    string // "Sarıyer, Istanbul"; parts are read right to left
	Country string // ISO 3166-1 alpha-2 hint; "" for none
	// Region says the (first) part names a first-level division: a
	// region of that name then wins over a city of the same name, as when
	// the text says "Kerman Province".
	Region bool
}

// Result is how a query resolved.
type Result struct {
	Place      Place
	Chain      []Place     // parents, nearest first, up to the country
	Candidates []Candidate // runner-ups, best first
	Warnings   []string
}

// Candidate is a place that also matched and why it lost.
type Candidate struct {
	Place Place
	Why   string
}

// NotFoundError reports a query (or one part of it) that names no known
// place.
type NotFoundError struct {
	Query       Query
	Part        string   // the part of the query that matched nothing
	Suggestions []Place  // near spellings, best first
	Labels      []string // Label of each suggestion
	// Partial is how the parts to the right of Part resolved, if any: a
	// coarser answer a caller may choose to use, marked as such.
	Partial *Result
	// Contradicts is set when Part does name places, but none inside the
	// part to its right ("Kadıköy, Ankara"): the parent contradicts the
	// child. Suggestions then start with the places of that name, each
	// labelled with its real parent.
	Contradicts bool
}

func (e *NotFoundError) Error() string {
	var b strings.Builder
	switch {
	case e.Contradicts && e.Partial != nil:
		fmt.Fprintf(&b, "%q is not in %q", e.Part, e.Partial.Place.Name)
	case e.Part != strings.TrimSpace(e.Query.Text) && e.Partial != nil:
		fmt.Fprintf(&b, "unknown place %q in %q", e.Part, e.Partial.Place.Name)
	default:
		fmt.Fprintf(&b, "unknown place %q", e.Part)
	}
	if len(e.Labels) > 0 {
		b.WriteString(" (did you mean ")
		for i, l := range e.Labels {
			if i > 0 {
				if i == len(e.Labels)-1 {
					b.WriteString(" or ")
				} else {
					b.WriteString(", ")
				}
			}
			fmt.Fprintf(&b, "%q", l)
		}
		b.WriteString("?)")
	}
	return b.String()
}

// closeFactor defines a close runner-up: a candidate of the same rank class
// whose population is at least 1/closeFactor of the winner's.
const closeFactor = 3

// maxCandidates bounds the runner-ups a Result lists.
const maxCandidates = 5

// match is a candidate with the place it was found inside.
type match struct {
	i      int32
	parent int32 // -1 when the part is the rightmost
	cls    int   // class of the match among the others (see rank)
}

// Resolve returns the best match for q and why it won. Each part of a
// comma-separated query must match a whole name or alias; a part matches
// only inside the part to its right; a last part naming a country, and the
// country hint, constrain the rest. Among matches a country name wins, then
// the larger population (a curated venue or district takes its nearest
// city's), then the finer precision. Unknown names return a *NotFoundError.
func (g *Gazetteer) Resolve(q Query) (Result, error) {
	hint := strings.ToUpper(strings.TrimSpace(q.Country))
	if hint != "" {
		if _, ok := g.find("country:" + hint); !ok {
			return Result{}, fmt.Errorf("unknown country code %q", q.Country)
		}
	}
	var parts, keys []string
	for _, s := range strings.Split(q.Text, ",") {
		if k := Normalize(s); k != "" {
			parts = append(parts, strings.TrimSpace(s))
			keys = append(keys, k)
		}
	}
	levels := make([]Precision, len(keys)) // a level word's precision, or Venue for none
	full := append([]string(nil), keys...) // the keys with their level words
	for k, key := range keys {
		keys[k], levels[k] = splitLevel(key)
	}
	if q.Region && len(levels) > 0 && levels[0] == Venue {
		levels[0] = Region
	}
	if len(keys) == 0 {
		return Result{}, &NotFoundError{Query: q, Part: strings.TrimSpace(q.Text)}
	}
	var warnings []string

	// A trailing country name constrains the parts before it.
	country := hint
	if len(keys) > 1 {
		last := len(keys) - 1
		for _, i := range g.lookup(keys[last]) {
			p := g.place(i)
			if p.Precision == Country && levels[last] == Venue && (hint == "" || hint == p.Country) {
				country = p.Country
				parts, keys, levels = parts[:last], keys[:last], levels[:last]
				break
			}
		}
	}

	var prev []match
	for k := len(keys) - 1; k >= 0; k-- {
		var cur []match
		for _, i := range g.lookupLevel(keys[k], full[k], levels[k]) {
			p := g.place(i)
			if country != "" && p.Country != country {
				continue
			}
			if prev == nil {
				cur = append(cur, match{i: i, parent: -1})
				continue
			}
			for _, m := range prev {
				if i != m.i && g.inside(i, m.i) {
					cur = append(cur, match{i: i, parent: m.i})
					break
				}
			}
		}
		if len(cur) == 0 {
			e := &NotFoundError{Query: q, Part: parts[k]}
			var within []int32
			if prev != nil {
				g.rank(prev)
				r := g.result(prev, country, nil)
				e.Partial = &r
				for _, m := range prev {
					within = append(within, m.i)
				}
			}
			if prev != nil {
				// The name exists, but not inside its parent: suggest
				// the places of that name first.
				var same []match
				for _, i := range g.lookupLevel(keys[k], full[k], levels[k]) {
					if country == "" || g.place(i).Country == country {
						same = append(same, match{i: i, parent: -1})
					}
				}
				g.rank(same)
				for _, m := range same {
					if len(e.Suggestions) == 3 {
						break
					}
					e.Suggestions = append(e.Suggestions, *g.place(m.i))
				}
				e.Contradicts = len(same) > 0
			}
			for _, p := range g.suggest(keys[k], country, within) {
				if len(e.Suggestions) < 3 && !slices.ContainsFunc(e.Suggestions, func(q Place) bool { return q.ID == p.ID }) {
					e.Suggestions = append(e.Suggestions, p)
				}
			}
			for _, s := range e.Suggestions {
				e.Labels = append(e.Labels, g.Label(s))
			}
			return Result{}, e
		}
		prev = cur
	}
	g.rank(prev)
	var outside []int32
	if hint != "" && len(keys) == 1 {
		for _, i := range g.lookupLevel(keys[0], full[0], levels[0]) {
			if g.place(i).Country != hint {
				outside = append(outside, i)
			}
		}
	}
	r := g.result(prev, country, outside)
	r.Warnings = append(warnings, r.Warnings...)
	return r, nil
}

// lookupLevel returns the visible places with key k, or, when the text
// said a level (level is not Venue), those of that level whose name
// includes the level word (full), else those whose key is k, without it: "Kerman Province" is the region Kerman
// alone, "Sarıyer district" a district. A text without a level word that
// names both a settlement and a region keeps both; ranking puts the
// settlement first. When no place of that level has the name, the text is
// taken whole (full, "District of Columbia").
func (g *Gazetteer) lookupLevel(k, full string, level Precision) []int32 {
	if level == Venue {
		return g.lookup(k)
	}
	all := g.lookup(full)
	var out []int32
	for _, i := range all { // a name that carries its level word: "Almaty Region"
		if g.place(i).Precision == level {
			out = append(out, i)
		}
	}
	if len(out) > 0 {
		return out
	}
	for _, i := range g.lookup(k) {
		if g.place(i).Precision == level {
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		return all
	}
	return out
}

// The level words say that a part names a region or a district, written
// after the name ("Kerman Province", "İstanbul ili", "Московская область",
// "Sarıyer ilçesi") or before it ("Ostan-e Kerman", "استان کرمان",
// "Республика Дагестан"); by key.
var (
	regionSuffixes = []string{"province", "ostan", "oblast", "il", "ili", "region", "state", "governorate",
		"krai", "kray", "okrug", "republic", "respublika", "provinz", "eyaleti", "vilayeti", "viloyati", "viloyat",
		"oblysy", "oblys", "область", "обл", "край", "республика", "провинция", "остан", "ولایت", "استان"}
	regionPrefixes = []string{"province of", "ostan e", "ostane", "ostan", "republic of", "respublika", "provincia de",
		"estado de", "استان", "республика", "провинция", "остан", "محافظه", "محافظة", "ولایت", "ایالت"}
	districtSuffixes = []string{"district", "ilce", "ilcesi", "rayon", "raion", "borough", "shahrestan",
		"county", "район", "شهرستان"}
	districtPrefixes = []string{"shahrestan e", "shahrestane", "shahrestan", "شهرستان", "london borough of", "borough of"}
)

// levelSuffix and levelPrefix map the level words to their levels, and
// levelFirst the first words of the prefixes, so that splitLevel looks up
// a key's last and first words instead of trying every level word.
var levelSuffix, levelPrefix, levelFirst = func() (map[string]Precision, map[string]Precision, map[string]bool) {
	suf, pre, first := map[string]Precision{}, map[string]Precision{}, map[string]bool{}
	for _, ws := range [...]struct {
		suffixes, prefixes []string
		level              Precision
	}{{regionSuffixes, regionPrefixes, Region}, {districtSuffixes, districtPrefixes, District}} {
		for _, w := range ws.suffixes {
			if _, ok := suf[w]; !ok {
				suf[w] = ws.level
			}
		}
		for _, w := range ws.prefixes {
			if _, ok := pre[w]; !ok {
				pre[w] = ws.level
			}
			f, _, _ := strings.Cut(w, " ")
			first[f] = true
		}
	}
	return suf, pre, first
}()

// splitLevel returns key without a level word at its end or start, and
// the level that word names; or key and Venue when it has none (or is
// nothing but the word). A word at the end is tried first, then the
// longest level word at the start.
func splitLevel(key string) (string, Precision) {
	sp := strings.LastIndexByte(key, ' ')
	if sp < 0 {
		return key, Venue
	}
	if level, ok := levelSuffix[key[sp+1:]]; ok {
		return key[:sp], level
	}
	first, _, _ := strings.Cut(key, " ")
	if !levelFirst[first] {
		return key, Venue
	}
	best, level := -1, Venue
	for w, l := range levelPrefix {
		if len(w) > best && len(key) > len(w)+1 && key[len(w)] == ' ' && strings.HasPrefix(key, w) {
			best, level = len(w), l
		}
	}
	if best < 0 {
		return key, Venue
	}
	return key[best+1:], level
}

// lookup returns the visible places with key k.
func (g *Gazetteer) lookup(k string) []int32 {
	out := g.indexed(nil, k)
	for _, i := range g.multi[k] {
		dup := false
		for _, j := range out {
			dup = dup || i == j
		}
		if !dup {
			out = append(out, i)
		}
	}
	if len(g.hidden) == 0 {
		return out
	}
	vis := out[:0]
	for _, i := range out {
		if !g.hidden[i] {
			vis = append(vis, i)
		}
	}
	return vis
}

// result builds the Result for ranked matches.
func (g *Gazetteer) result(ms []match, country string, outside []int32) Result {
	best := ms[0].i
	r := Result{Place: *g.place(best), Chain: g.chain(best)}
	bw := g.weight(best)
	countries := map[string]bool{g.place(best).Country: true}
	var elsewhere []string
	for n, m := range ms[1:] {
		c := g.place(m.i)
		if n < maxCandidates {
			r.Candidates = append(r.Candidates, Candidate{Place: *c, Why: g.why(m, ms[0])})
		}
		if m.cls == ms[0].cls && (bw == 0 || g.weight(m.i)*closeFactor >= bw) {
			r.Warnings = append(r.Warnings, fmt.Sprintf("ambiguous: %q and %q both match (%s vs %s); add a parent place or coordinates to choose",
				g.Label(*g.place(best)), g.Label(*c), popText(bw), popText(g.weight(m.i))))
		}
		if country == "" && !countries[c.Country] {
			countries[c.Country] = true
			elsewhere = append(elsewhere, g.Label(*c))
		}
	}
	if len(elsewhere) > 0 {
		if len(elsewhere) > 3 {
			elsewhere = append(elsewhere[:3], "…")
		}
		r.Warnings = append(r.Warnings, fmt.Sprintf("%q chosen without a country hint; the name also exists in other countries: %s",
			g.Label(*g.place(best)), strings.Join(elsewhere, "; ")))
	}
	for _, i := range outside {
		if len(r.Candidates) >= maxCandidates+3 {
			break
		}
		r.Candidates = append(r.Candidates, Candidate{Place: *g.place(i), Why: "outside the country hint " + country})
	}
	return r
}

func popText(n int) string {
	if n == 0 {
		return "no population"
	}
	return fmt.Sprintf("population %d", n)
}

// class orders kinds of match: a country name first, then settlements,
// venues, neighbourhoods and districts that are places, then GeoNames
// districts (admin-2), then regions. So a city beats the region or
// district of its name (Kerman, Tehran) unless the text names the level.
func (g *Gazetteer) class(i int32) int {
	switch p := g.place(i); {
	case p.Precision == Country:
		return 0
	case p.Precision == Region:
		return 3
	case i >= g.divStart && i < g.divEnd:
		return 2
	}
	return 1
}

// weight is the population of place i. A curated or site place (chosen by
// hand because records need it) that is a venue, neighbourhood or district
// weighs at least as much as its nearest parent city, so that a
// neighbourhood of a large city outranks a small town of the same name. A
// GeoNames subdivision keeps its own population: otherwise any suburb of a
// metropolis would outrank real cities of its name (Springfield, Brisbane
// over Springfield, Missouri).
func (g *Gazetteer) weight(i int32) int {
	if id := g.place(i).ID; !strings.HasPrefix(id, "curated:") && !strings.HasPrefix(id, "site:") {
		return g.place(i).Population
	}
	w := 0
	for n := 0; n < 8; n++ {
		p := g.place(i)
		w = max(w, p.Population)
		if p.Precision >= City {
			return w
		}
		j, ok := g.parentOf(i)
		if !ok {
			return w
		}
		i = j
	}
	return w
}

// rank sorts matches best first. A region or GeoNames district ranks
// after the settlements of its own country that share its name (Kerman
// city before Kerman province), but is weighed against those of other
// countries by population like any place: Chechnya the region, not a
// village of that name in Ukraine.
func (g *Gazetteer) rank(ms []match) {
	settled := map[string]bool{}
	for _, m := range ms {
		if g.class(m.i) == 1 {
			settled[g.place(m.i).Country] = true
		}
	}
	for k := range ms {
		c := g.class(ms[k].i)
		if c > 1 && !settled[g.place(ms[k].i).Country] {
			c = 1
		}
		ms[k].cls = c
	}
	sort.SliceStable(ms, func(a, b int) bool {
		if ms[a].cls != ms[b].cls {
			return ms[a].cls < ms[b].cls
		}
		return g.lessInClass(ms[a].i, ms[b].i)
	})
}

// less orders two places by class, then as lessInClass does.
func (g *Gazetteer) less(a, b int32) bool {
	if ca, cb := g.class(a), g.class(b); ca != cb {
		return ca < cb
	}
	return g.lessInClass(a, b)
}

// lessInClass orders two places of one class: the heavier first (see
// weight), then the finer, then by ID.
func (g *Gazetteer) lessInClass(a, b int32) bool {
	if wa, wb := g.weight(a), g.weight(b); wa != wb {
		return wa > wb
	}
	pa, pb := g.place(a), g.place(b)
	if pa.Precision != pb.Precision {
		return pa.Precision < pb.Precision
	}
	return pa.ID < pb.ID
}

func (g *Gazetteer) why(m, bm match) string {
	i, best := m.i, bm.i
	p, b := g.place(i), g.place(best)
	switch {
	case m.cls != bm.cls:
		switch bm.cls {
		case 0:
			return "a country's name takes precedence"
		case 1:
			if p.Precision == Region {
				return "a region ranks after a place of the same name (write \"province\" or the like to mean the region)"
			}
			return "a district ranks after a place of the same name (write \"district\" or the like to mean the district)"
		}
		return "regions rank after districts of the same name"
	case g.weight(i) != g.weight(best):
		return fmt.Sprintf("smaller (%s vs %s)", popText(g.weight(i)), popText(g.weight(best)))
	case p.Precision != b.Precision:
		return fmt.Sprintf("coarser precision (%s vs %s)", p.Precision, b.Precision)
	}
	return "tie broken by id"
}

// chain returns the parents of place i, nearest first, ending with its
// country.
func (g *Gazetteer) chain(i int32) []Place {
	var out []Place
	seen := map[int32]bool{i: true}
	cur := i
	for n := 0; n < 10; n++ {
		j, ok := g.parentOf(cur)
		if !ok || seen[j] {
			break
		}
		seen[j] = true
		out = append(out, *g.place(j))
		cur = j
	}
	p := g.place(i)
	if p.Precision != Country && (len(out) == 0 || out[len(out)-1].Precision != Country) {
		if j, ok := g.find("country:" + p.Country); ok {
			out = append(out, *g.place(j))
		}
	}
	return out
}

// inside reports whether place c lies within place p: p is c's country,
// or one of c's parents, or p is an admin-1 seat or region and c shares its
// admin-1 code, or c is no coarser than p and within p's radius.
func (g *Gazetteer) inside(c, p int32) bool {
	pc, pp := g.place(c), g.place(p)
	if pc.Country != pp.Country {
		return false
	}
	if pp.Precision == Country {
		return true
	}
	cur := c
	for n := 0; n < 10; n++ {
		j, ok := g.parentOf(cur)
		if !ok {
			break
		}
		if j == p {
			return true
		}
		cur = j
	}
	if g.seatOf(p) && g.admin1(p) != "" && g.admin1(c) == g.admin1(p) {
		return true // a region, or its seat city, holds its admin-1 code
	}
	if pp.Precision == District && g.admin2(p) != "" && g.admin2(c) == g.admin2(p) && g.admin1(c) == g.admin1(p) {
		return true // a district holds its admin-2 code
	}
	if pc.Precision > pp.Precision {
		return false
	}
	return distanceKm(pc.Lat, pc.Lon, pp.Lat, pp.Lon) <= g.radiusKm(p)
}

// radiusKm is how far from its point a place is taken to reach.
func (g *Gazetteer) radiusKm(i int32) float64 {
	p := g.place(i)
	switch p.Precision {
	case Venue:
		return 0.5
	case Neighbourhood:
		return 2
	case District:
		return 6
	case City:
		r := 0.012 * math.Sqrt(float64(p.Population))
		return math.Max(3, math.Min(40, r))
	case Region:
		if g.admin1(i) == "" {
			return 100
		}
	}
	return 0
}

// distanceKm is the great-circle distance between two points.
func distanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dlat := (lat2 - lat1) * rad
	dlon := (lon2 - lon1) * rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}

// Label names p for messages: "Name, nearest city or region, CC"
// ("Başakşehir, İstanbul, TR"); a country is its name.
func (g *Gazetteer) Label(p Place) string {
	if p.Precision == Country {
		return p.Name
	}
	parts := []string{p.Name}
	j, ok := g.find(p.Parent)
	for n := 0; ok && n < 10; n++ {
		q := g.place(j)
		if q.Precision == Country {
			break
		}
		if q.Precision == City || q.Precision == Region {
			if q.Name != p.Name {
				parts = append(parts, q.Name)
			}
			break
		}
		j, ok = g.parentOf(j)
	}
	if p.Country != "" {
		parts = append(parts, p.Country)
	}
	return strings.Join(parts, ", ")
}

// suggest returns up to three places whose key is within edit distance 2
// of key, preferring places inside within, then in country, then closer
// spellings and larger places.
func (g *Gazetteer) suggest(key, country string, within []int32) []Place {
	type sug struct {
		i     int32
		d     int
		scope int // 0 inside a parent, 1 in the country, 2 elsewhere
	}
	var found []sug
	qr := []rune(key)
	keys := g.allKeys()
	qmask := runeMask(key)
	for n, k := range keys {
		if abs(len(k)-len(key)) > 2*4 { // byte lengths; runes checked below
			continue
		}
		if bits.OnesCount64(qmask^g.keyMasks[n]) > 2*2 {
			continue // more than two edits apart (see runeMask)
		}
		d := editDistance(qr, k, 2)
		if d > 2 {
			continue
		}
		for _, i := range g.lookup(k) {
			p := g.place(i)
			scope := 2
			if country == "" || p.Country == country {
				scope = 1
			}
			for _, w := range within {
				if g.inside(i, w) {
					scope = 0
					break
				}
			}
			found = append(found, sug{i, d, scope})
		}
	}
	sort.Slice(found, func(a, b int) bool {
		x, y := found[a], found[b]
		if x.scope != y.scope {
			return x.scope < y.scope
		}
		if x.d != y.d {
			return x.d < y.d
		}
		return g.less(x.i, y.i)
	})
	var out []Place
	labels := map[string]bool{}
	for _, s := range found {
		if len(out) == 3 {
			break
		}
		if l := g.Label(*g.place(s.i)); !labels[l] {
			labels[l] = true
			out = append(out, *g.place(s.i))
		}
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance returns the Levenshtein distance between a and b in runes,
// or max+1 as soon as it must exceed max.
func editDistance(a []rune, bs string, max int) int {
	var rb [64]rune
	b := rb[:0]
	for _, r := range bs {
		if len(b) == len(rb) {
			return max + 1
		}
		b = append(b, r)
	}
	if abs(len(a)-len(b)) > max {
		return max + 1
	}
	var buf [2][64]int
	if len(b)+1 > len(buf[0]) {
		return max + 1
	}
	prev, cur := buf[0][:len(b)+1], buf[1][:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c = 1 + min(prev[j-1], prev[j], cur[j-1])
			}
			cur[j] = c
			low = min(low, c)
		}
		if low > max {
			return max + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
