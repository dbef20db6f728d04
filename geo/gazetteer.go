package geo

import (
	"bytes"
	"embed"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/countries.tsv places/curated.toml
var files embed.FS

// Place is one entry of the gazetteer.
type Place struct {
	ID         string // stable: "curated:shah-cheragh", "geonames:745044", "country:TR"
	Name       string // display name
	Aliases    []string
	Country    string // ISO 3166-1 alpha-2
	Parent     string // ID of the parent place ("" for countries)
	Precision  Precision
	Lat, Lon   float64
	Population int
	Source     string // where the coordinates come from
}

// Gazetteer is an immutable, indexed place list, safe for concurrent use.
type Gazetteer struct {
	// The places but the rows (see rows.go), by slot: the countries, then
	// the curated places and those With adds.
	places []Place
	admin  []string           // GeoNames admin-1 and admin-2 codes per place (see adminCodes)
	seat   []bool             // the place is the seat of its admin-1 division, or a region
	parent []int32            // index of each place's parent as linkParents found it, or -1
	byID   map[string]int32   // every place but the GeoNames places and divisions
	multi  map[string][]int32 // keys of every other name and alias
	hidden map[int32]bool     // places overridden by With or merged into a curated place

	// GeoNames places are the rows geoStart to divStart: first those with
	// a GeoNames id, sorted by it, then from c500Start those known only
	// from cities500, sorted by ID; the regions and districts follow, rows
	// divStart to divEnd, sorted by ID. find searches them.
	geoStart, c500Start, divStart, divEnd int32
	rows                                  *rowStore
	curated                               []int32       // places that places/curated.toml adds or changes
	notes                                 *curatedNotes // when not nil, the load notes what it finds of the curated places here

	// countries maps "TR" to the index of "country:TR", for linkParents;
	// laterCountries are the places after geoStart that are countries (a
	// curated change of precision), in order.
	countries      map[string]int32
	laterCountries []int32
	inOrder        bool // there are such places: a place's country is the last before it

	sortedKeys []string // distinct keys, for suggestions; built lazily
	keyMasks   []uint64 // runeMask of each of sortedKeys
	keysOnce   sync.Once
}

// bundled is the embedded gazetteer, once loaded.
var bundled struct {
	sync.Mutex
	g   *Gazetteer
	err error
}

// Bundled returns the embedded gazetteer: curated places, GeoNames cities
// and countries. It is loaded once; later calls return the same value,
// until Release.
func Bundled() (*Gazetteer, error) {
	bundled.Lock()
	defer bundled.Unlock()
	if bundled.g == nil && bundled.err == nil {
		bundled.g, bundled.err = loadBundled()
	}
	return bundled.g, bundled.err
}

// Release lets go of the gazetteers this process has loaded, the bundled
// one and those with a site's places added, and keeps every answer found:
// a program that has placed its records and will not soon place others
// (mapsite build) calls it. A later Bundled, or a Resolver that meets a
// place it has not answered before, loads the list again.
//
// The list holds little (about 1 MB, and the rows its lookups parsed:
// see rows.go), so Release no longer collects at once to hand its pages
// to the rest of the work, as it did when the list was 40 MB: cold builds
// of 1,000 records with and without that collection, 7 alternating runs
// each, 0.28 and 0.25 s of CPU, 13,700 and 11,700 page faults.
func Release() {
	bundled.Lock()
	bundled.g, bundled.err = nil, nil
	bundled.Unlock()
	tables.Lock()
	for _, t := range tables.byKey {
		t.mu.Lock()
		t.g, t.gErr = nil, nil
		t.mu.Unlock()
	}
	tables.Unlock()
}

// loadBundled loads the bundled gazetteer. It allocates about 1 MB: no
// longer enough to need the collector turned off while it runs, as it was
// when every row was parsed (40 MB).
func loadBundled() (*Gazetteer, error) { return loadPlaces() }

// loadPlaces loads the bundled gazetteer.
func loadPlaces() (*Gazetteer, error) {
	// Room for the countries and the curated places.
	room := 256 + len(curatedEntries())
	g := &Gazetteer{
		notes:  noteCurated,
		places: make([]Place, 0, room),
		admin:  make([]string, 0, room),
		seat:   make([]bool, 0, room),
		byID:   make(map[string]int32, 1000),
		multi:  make(map[string][]int32, 4000),
		hidden: map[int32]bool{},
	}
	if err := g.loadCountries(); err != nil {
		return nil, err
	}
	if err := g.loadCities(); err != nil {
		return nil, err
	}
	if err := g.loadCurated(); err != nil {
		return nil, err
	}
	g.absorbCurated()
	g.notes = nil
	g.linkParents()
	return g, nil
}

func (g *Gazetteer) add(p Place, admin1 string, seat bool) int32 {
	i := g.size()
	g.places = append(g.places, p)
	g.admin = append(g.admin, adminCodes(admin1, ""))
	g.seat = append(g.seat, seat)
	g.byID[p.ID] = i
	g.index(i)
	return i
}

// adminCodes joins the GeoNames admin-1 and admin-2 codes of a place (""
// if unknown) as g.admin keeps them: a tab between them, or the admin-1
// code alone if there is no admin-2 code. One string for both costs a
// place 16 bytes less.
func adminCodes(admin1, admin2 string) string {
	if admin2 == "" {
		return admin1
	}
	return admin1 + "\t" + admin2
}

// admin1 returns the GeoNames admin-1 code of place i, "" if unknown.
func (g *Gazetteer) admin1(i int32) string {
	s := g.adminOf(i)
	return s[:adminTab(s)]
}

// admin2 returns the GeoNames admin-2 code of place i, "" if unknown.
func (g *Gazetteer) admin2(i int32) string {
	s := g.adminOf(i)
	return s[min(adminTab(s)+1, len(s)):]
}

// adminTab is the index of the tab in s, an element of g.admin, or len(s).
// The codes are short: a loop is faster than strings.IndexByte.
func adminTab(s string) int {
	for k := 0; k < len(s); k++ {
		if s[k] == '\t' {
			return k
		}
	}
	return len(s)
}

// linkAlias adds place i under key k in the small map of other names.
func (g *Gazetteer) linkAlias(k string, i int32) {
	for _, j := range g.multi[k] {
		if j == i {
			return
		}
	}
	g.multi[k] = append(g.multi[k], i)
}

// find returns the index of the place with the given id.
func (g *Gazetteer) find(id string) (int32, bool) {
	if i, ok := g.byID[id]; ok {
		return i, true
	}
	return g.findRow(id)
}

// index adds every name and alias of place i to the map of other names.
func (g *Gazetteer) index(i int32) {
	p := g.place(i)
	if k := Normalize(p.Name); k != "" {
		g.linkAlias(k, i)
	}
	for _, a := range p.Aliases {
		if k := Normalize(a); k != "" {
			g.linkAlias(k, i)
		}
	}
}

func (g *Gazetteer) loadCountries() error {
	data, err := files.ReadFile("data/countries.tsv")
	if err != nil {
		return fmt.Errorf("geo: %w", err)
	}
	for n, line := range strings.Split(string(data), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			return fmt.Errorf("geo: data/countries.tsv:%d: want 6 fields, got %d", n+1, len(f))
		}
		lat, err1 := strconv.ParseFloat(f[3], 64)
		lon, err2 := strconv.ParseFloat(f[4], 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("geo: data/countries.tsv:%d: bad coordinates", n+1)
		}
		p := Place{ID: "country:" + f[0], Name: f[1], Country: f[0], Precision: Country, Lat: lat, Lon: lon}
		if f[2] != "" {
			p.Aliases = strings.Split(f[2], "|")
		}
		p.Aliases = append(p.Aliases, extraCountryAliases[f[0]]...)
		switch {
		case f[5] == "ne-centroid":
			p.Source = "centroid of the largest polygon of the Natural Earth 1:50m outline (npm world-atlas@2.0.2)"
		case strings.HasPrefix(f[5], "geonames-capital:"):
			p.Source = "GeoNames capital https://www.geonames.org/" + strings.TrimPrefix(f[5], "geonames-capital:")
		default:
			p.Source = "a vertex of the Natural Earth 1:50m outline (npm world-atlas@2.0.2)"
		}
		g.add(p, "", false)
	}
	return nil
}

// extraCountryAliases are common English names that i18n-iso-countries
// lacks.
var extraCountryAliases = map[string][]string{
	"GB": {"Britain", "U.K."},
	"TR": {"Turkiye", "Republic of Türkiye"},
	"US": {"America"},
	"NL": {"Holland"},
	"CZ": {"Czechia"},
	"CI": {"Ivory Coast"},
	"MM": {"Burma"},
	"CV": {"Cape Verde"},
	"SZ": {"Swaziland"},
	"VA": {"Vatican", "Vatican City"},
	"LA": {"Laos"},
	"MD": {"Moldova"},
	"FM": {"Micronesia"},
	"SY": {"Syria"},
	"BN": {"Brunei"},
	"VN": {"Viet Nam"},
}

// loadCurated adds places/curated.toml. An entry whose id is already in
// the list (a GeoNames city) changes only the fields it writes; its
// aliases are added to the existing ones.
func (g *Gazetteer) loadCurated() error {
	entries := curatedEntries()
	found := g.foundCurated()
	for i := range entries {
		e := &entries[i]
		p := e.place
		var at int32
		var ok bool
		if found != nil {
			at, ok = found[i], found[i] >= 0
		} else {
			at, ok = g.find(p.ID)
			if g.notes != nil {
				n := at
				if !ok {
					n = -1
				}
				g.notes.found = append(g.notes.found, n)
			}
		}
		if i := at; ok {
			old := g.mutable(i)
			if e.has("name") {
				old.Aliases = append(old.Aliases, old.Name)
				old.Name = p.Name
			}
			old.Aliases = append(old.Aliases, p.Aliases...)
			if e.has("parent") {
				old.Parent = p.Parent
			}
			if e.has("precision") {
				old.Precision = p.Precision
			}
			if e.has("lat") || e.has("lon") {
				old.Lat, old.Lon, old.Source = p.Lat, p.Lon, p.Source
			}
			if e.has("population") {
				old.Population = p.Population
			}
			g.index(i)
			g.curated = append(g.curated, i)
			continue
		}
		if p.ID == "" || p.Name == "" || p.Country == "" || p.Source == "" || !e.has("lat") || !e.has("lon") || !e.has("precision") {
			return fmt.Errorf("geo: curated.toml place %d: a new place needs id, name, country, precision, lat, lon and source", e.line)
		}
		if strings.Contains(e.admin1, "\t") {
			return fmt.Errorf("geo: curated.toml place %d: a tab in admin1", e.line) // see adminCodes
		}
		g.curated = append(g.curated, g.add(p, e.admin1, p.Precision == Region && e.admin1 != ""))
	}
	return nil
}

// absorbCurated lets each curated place absorb the GeoNames places it
// duplicates (see absorb), before linkParents: a curated place may take
// its admin codes from GeoNames.
func (g *Gazetteer) absorbCurated() {
	if g.foundCurated() != nil {
		// What absorb found when curated_found.go was made from this
		// data, in its order: the keys' look-ups in the index were about
		// 4 ms of every build.
		for _, p := range absorbedData {
			g.absorbOne(p[0], p[1])
		}
		return
	}
	for _, i := range g.curated {
		g.absorb(i)
	}
}

// foundCurated returns curatedFound when it holds what loadCurated finds:
// when curated_found.go was made from this data, with the generated
// curated entries (tests put others in their place), and no test notes
// what a load finds; else nil.
func (g *Gazetteer) foundCurated() []int32 {
	cur := curatedEntries()
	if g.notes != nil || curatedFoundFor != strings.TrimSpace(dataDigest) || len(cur) != len(curatedFound) ||
		len(cur) != len(generatedCurated) || len(cur) == 0 || &cur[0] != &generatedCurated[0] {
		return nil
	}
	return curatedFound
}

// linkParents gives every place without a parent one: a GeoNames place or
// district the region of its admin-1 code, a region (or a place whose
// region is unknown) its country. A GeoNames neighbourhood has its parent
// from the generator (its district, else the city it is a section of).
// It links the places that are not rows and the rows that
// places/curated.toml changed; the other rows are linked as they are
// parsed (see row), by the same rule.
func (g *Gazetteer) linkParents() {
	s := g.rows
	g.countries = make(map[string]int32, g.geoStart)
	for i := range g.geoStart {
		if p := g.place(i); p.Precision == Country {
			g.countries[p.Country] = i
		}
	}
	for _, i := range g.curated {
		if g.place(i).Precision != Country {
			continue
		}
		g.inOrder = true
		if i >= g.geoStart {
			g.laterCountries = append(g.laterCountries, i)
		}
	}
	slices.Sort(g.laterCountries)
	g.laterCountries = slices.Compact(g.laterCountries)
	s.regions = map[string]int32{}
	for i, r := range s.fixed {
		if i >= g.divStart && r.Precision == Region {
			k := r.Country + "." + g.admin1(i)
			if j, ok := s.regions[k]; !ok || i > j {
				s.regions[k] = i
			}
		}
	}
	g.parent = make([]int32, len(g.places))
	for i := range g.size() {
		if !g.isRow(i) {
			g.parent[g.slot(i)] = g.link(i, &g.places[g.slot(i)], g.adminOf(i))
		}
	}
	for i, r := range s.fixed {
		r.parent = g.link(i, &r.Place, r.admin)
	}
	s.keepFixed(g)
}

// link gives place i, p, with admin codes admin, its parent (see
// linkParents) and returns the parent's index, or -1.
func (g *Gazetteer) link(i int32, p *Place, admin string) int32 {
	switch {
	case p.Precision == Country:
		return -1
	case p.Parent != "":
		if j, ok := g.find(p.Parent); ok {
			return j
		}
		return -1
	}
	if a1 := admin[:adminTab(admin)]; p.Precision != Region && a1 != "" {
		if j, ok := g.region(p.Country, a1); ok {
			p.Parent = g.place(j).ID
			return j
		}
	}
	if j, ok := g.countryBefore(p.Country, i); ok {
		p.Parent = g.place(j).ID
		return j
	}
	p.Parent = "country:" + p.Country
	return -1
}

// region returns the division that is the region of admin-1 code a1 in
// country cc: the row "admin1:cc.a1", unless places/curated.toml made
// another row a region of that code, which then wins if later.
func (g *Gazetteer) region(cc, a1 string) (int32, bool) {
	j, ok := g.findRow("admin1:" + cc + "." + a1)
	if ok {
		if r := g.row(j); r.Precision != Region || r.Country != cc || g.admin1(j) != a1 {
			ok = false
		}
	}
	if f, fok := g.rows.regions[cc+"."+a1]; fok && (!ok || f > j) {
		j, ok = f, true
	}
	return j, ok
}

// countryBefore returns the country of code cc for place i: the last
// country before it if inOrder, else the first ones' (g.countries).
func (g *Gazetteer) countryBefore(cc string, i int32) (int32, bool) {
	if !g.inOrder {
		j, ok := g.countries[cc]
		return j, ok
	}
	if i <= g.geoStart {
		for k := i - 1; k >= 0; k-- {
			if p := g.place(k); p.Precision == Country && p.Country == cc {
				return k, true
			}
		}
		return 0, false
	}
	j, ok := g.countries[cc]
	for _, c := range g.laterCountries {
		if c < i && g.place(c).Country == cc {
			j, ok = c, true
		}
	}
	return j, ok
}

// parentOf returns the index of the parent of place i. The index linkParents
// noted is used unless that place has since been hidden (merged or
// overridden), when the parent's ID is looked up again.
func (g *Gazetteer) parentOf(i int32) (int32, bool) {
	j := int32(-1)
	if g.isRow(i) {
		j = g.row(i).parent
	} else if k := g.slot(i); int(k) < len(g.parent) {
		j = g.parent[k]
	}
	if j >= 0 && !g.hidden[j] {
		return j, true
	}
	return g.find(g.place(i).Parent)
}

// absorbKm is how far apart a curated place and a GeoNames place of the
// same name may be to be taken for one place.
const absorbKm = 10

// absorb merges into curated place c the GeoNames places of its country
// that share a key with its name or an alias, lie within absorbKm of it and
// are no coarser than a city (GeoNames districts only into a curated
// district): they are hidden from
// matching, their ids find c, and c takes their admin codes where it has
// none. So "Kadıköy" is the curated district alone, and "Puchong, Selangor"
// finds the curated Puchong through the admin-1 code of GeoNames' Puchong.
func (g *Gazetteer) absorb(c int32) {
	p := g.place(c)
	if p.Precision > City {
		return
	}
	keys := []string{Normalize(p.Name)}
	for _, a := range p.Aliases {
		keys = append(keys, Normalize(a))
	}
	var found []int32
	for _, k := range keys {
		found = g.indexed(found[:0], k)
		for _, j := range found {
			q := g.place(j)
			if j == c || g.hidden[j] || q.Country != p.Country || q.Precision > City || distanceKm(p.Lat, p.Lon, q.Lat, q.Lon) > absorbKm {
				continue
			}
			if j >= g.divStart && j < g.divEnd && p.Precision != District {
				continue // a GeoNames district is not a city of its name
			}
			g.absorbOne(c, j)
		}
	}
}

// absorbOne merges GeoNames place j into curated place c (see absorb).
func (g *Gazetteer) absorbOne(c, j int32) {
	if g.notes != nil {
		g.notes.absorbed = append(g.notes.absorbed, [2]int32{c, j})
	}
	g.hidden[j] = true
	g.byID[g.place(j).ID] = c
	a1, a2 := g.admin1(c), g.admin2(c)
	if a1 == "" {
		a1 = g.admin1(j)
	}
	if a2 == "" && a1 == g.admin1(j) {
		a2 = g.admin2(j)
	}
	g.setAdmin(c, adminCodes(a1, a2))
}

// generatedCurated is curatedData as generated, with which curatedFound
// and absorbedData were found (tests put other entries in its place).
var generatedCurated = curatedData

// curatedNotes is what a load found of the curated places (see
// curated_found.go): the place each entry's id names (-1: none), and
// each merge absorb made, {curated place, GeoNames place}.
type curatedNotes struct {
	found    []int32
	absorbed [][2]int32
}

// noteCurated, when not nil, makes loadPlaces find the curated places
// whatever curated_found.go holds, and note what it found there: for the
// test that makes the file.
var noteCurated *curatedNotes

// RegionInfo is a first-level administrative division (GeoNames admin-1),
// as Regions yields it: for map labels and the like.
type RegionInfo struct {
	ID         string   // "admin1:IR.29"
	Name       string   // GeoNames' English name, "Kerman"
	Names      []string // other names: short forms, CLDR and curated local names
	Country    string   // ISO 3166-1 alpha-2
	ISO        string   // ISO 3166-2 code where the CLDR join found one ("IR-15"), else ""
	Lat, Lon   float64  // the capital, or the population-weighted centre of its places
	Population int      // sum of the known populations of its places: a lower bound, for ranking labels
}

// Regions yields every GeoNames admin-1 region of the gazetteer, by ID,
// with curated names added: the base map labels regions from it, ranking
// them by Population.
func (g *Gazetteer) Regions() iter.Seq[RegionInfo] {
	return func(yield func(RegionInfo) bool) {
		for i := g.divStart; i < g.divEnd; i++ {
			row := g.row(i)
			p := &row.Place
			if p.Precision != Region || g.hidden[i] {
				continue
			}
			r := RegionInfo{ID: p.ID, Name: p.Name, Names: p.Aliases, Country: p.Country, ISO: row.iso,
				Lat: p.Lat, Lon: p.Lon, Population: p.Population}
			if !yield(r) {
				return
			}
		}
	}
}

// Len returns the number of places.
func (g *Gazetteer) Len() int { return int(g.size()) - len(g.hidden) }

// Place returns the place with the given ID.
func (g *Gazetteer) Place(id string) (Place, bool) {
	i, ok := g.find(id)
	if !ok || g.hidden[i] {
		return Place{}, false
	}
	return *g.place(i), true
}

// With returns a gazetteer with extra places added; an extra place with the
// ID of an existing one replaces it. An extra place may name its parent by
// ID or leave it empty (then its country is its parent). g is not changed.
func (g *Gazetteer) With(extra []Place) (*Gazetteer, error) {
	if len(extra) == 0 {
		return g, nil
	}
	seen := map[string]bool{}
	for _, p := range extra {
		switch {
		case p.ID == "" || p.Name == "":
			return nil, fmt.Errorf("geo: a place needs an id and a name (got %q, %q)", p.ID, p.Name)
		case seen[p.ID]:
			return nil, fmt.Errorf("geo: place %q is given twice", p.ID)
		case p.Precision < Venue || p.Precision > Country:
			return nil, fmt.Errorf("geo: place %q: bad precision %d", p.ID, int(p.Precision))
		case p.Lat < -90 || p.Lat > 90 || p.Lon < -180 || p.Lon > 180:
			return nil, fmt.Errorf("geo: place %q: coordinates out of range", p.ID)
		case p.Precision != Country && CountryName(p.Country) == "":
			return nil, fmt.Errorf("geo: place %q: unknown country code %q", p.ID, p.Country)
		}
		seen[p.ID] = true
	}
	// The new gazetteer shares the big slices; appending beyond their
	// length never writes into g's view of them.
	n := &Gazetteer{
		places:   g.places[:len(g.places):len(g.places)],
		admin:    g.admin[:len(g.admin):len(g.admin)],
		seat:     g.seat[:len(g.seat):len(g.seat)],
		parent:   g.parent[:len(g.parent):len(g.parent)],
		geoStart: g.geoStart, c500Start: g.c500Start, divStart: g.divStart, divEnd: g.divEnd,
		rows: g.rows, countries: g.countries, laterCountries: g.laterCountries, inOrder: g.inOrder,
		byID:   make(map[string]int32, len(g.byID)+len(extra)),
		multi:  make(map[string][]int32, len(g.multi)+len(extra)),
		hidden: make(map[int32]bool, len(g.hidden)+len(extra)),
	}
	for k, v := range g.byID {
		n.byID[k] = v
	}
	for k, v := range g.multi {
		n.multi[k] = v[:len(v):len(v)]
	}
	for k := range g.hidden {
		n.hidden[k] = true
	}
	for _, p := range extra {
		admin := ""
		if old, ok := n.find(p.ID); ok {
			n.hidden[old] = true
			admin = n.adminOf(old)
		}
		p.Aliases = append([]string(nil), p.Aliases...)
		if p.Parent == "" && p.Precision != Country {
			p.Parent = "country:" + p.Country
		}
		if p.Precision == Country {
			p.Parent = ""
		}
		i := n.add(p, "", false)
		n.admin[n.slot(i)] = admin
	}
	for _, p := range extra {
		if p.Parent != "" {
			if _, ok := n.Place(p.Parent); !ok {
				return nil, fmt.Errorf("geo: place %q: unknown parent %q", p.ID, p.Parent)
			}
		}
	}
	return n, nil
}

// allKeys returns the distinct keys, sorted: those of the index (already
// in order) merged with those of the other names.
func (g *Gazetteer) allKeys() []string {
	g.keysOnce.Do(func() {
		n := indexLen()
		keys := make([]string, 0, n/2+len(g.multi))
		for e := 0; e < n; e++ {
			k, _ := indexEntry(e)
			if len(keys) == 0 || keys[len(keys)-1] != k {
				keys = append(keys, k)
			}
		}
		for k := range g.multi {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		keys = slices.Compact(keys)
		packKeys(keys)
		g.sortedKeys = keys
		g.keyMasks = make([]uint64, len(keys))
		for i, k := range keys {
			g.keyMasks[i] = runeMask(k)
		}
	})
	return g.sortedKeys
}

// packKeys copies keys, in order, into one buffer. The keys of the cities
// are substrings of citiesTSV, ~70 bytes apart in 10 MB; packed, the scan
// of every key for suggestions reads memory in sequence.
func packKeys(keys []string) {
	n := 0
	for _, k := range keys {
		n += len(k)
	}
	var b strings.Builder
	b.Grow(n)
	for _, k := range keys {
		b.WriteString(k)
	}
	all := b.String()
	for i, k := range keys {
		keys[i], all = all[:len(k)], all[len(k):]
	}
}

var countryNames = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	data, _ := files.ReadFile("data/countries.tsv")
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		f := strings.Split(string(line), "\t")
		if len(f) > 1 {
			m[f[0]] = f[1]
		}
	}
	return m
})

// CountryName returns the English name of the country with ISO 3166-1
// alpha-2 code cc ("TR" -> "Turkey"), or "" if cc is unknown.
func CountryName(cc string) string {
	names := countryNames()
	if name, ok := names[cc]; ok { // the usual upper-case code, as is
		return name
	}
	return names[strings.ToUpper(cc)]
}

// runeMask is the set of the runes of s, each rune folded to one of 64
// bits. One edit (insertion, deletion or substitution of a rune) changes at
// most two bits, so two keys within edit distance d differ in at most 2d
// bits: suggest skips the others without computing the distance.
func runeMask(s string) uint64 {
	var m uint64
	for _, r := range s {
		m |= 1 << (uint32(r) % 64)
	}
	return m
}
