package geo

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// eagerRows parses every row with the old loader, after room for the
// places before g's rows (the countries).
func eagerRows(t *testing.T, g *Gazetteer) *eagerList {
	t.Helper()
	n := g.geoStart
	e := &eagerList{places: make([]Place, n), admin: make([]string, n), seat: make([]bool, n)}
	if err := e.loadCities(2); err != nil {
		t.Fatal(err)
	}
	return e
}

// oldFind is the old loader's search of its rows for id.
func (e *eagerList) oldFind(id string) (int32, bool) {
	search := func(lo, hi int32) (int32, bool) {
		run := e.places[lo:hi]
		k := sort.Search(len(run), func(k int) bool { return run[k].ID >= id })
		if k == len(run) || run[k].ID != id {
			return 0, false
		}
		return lo + int32(k), true
	}
	switch {
	case strings.HasPrefix(id, "geonames:"):
		n, err := strconv.ParseInt(id[len("geonames:"):], 10, 32)
		if err != nil || len(e.geoNum) == 0 {
			return 0, false
		}
		k := sort.Search(len(e.geoNum), func(k int) bool { return e.geoNum[k] >= int32(n) })
		if k == len(e.geoNum) || e.geoNum[k] != int32(n) {
			return 0, false
		}
		return e.geoStart + int32(k), true
	case strings.HasPrefix(id, "cities500:") && e.c500Start > 0:
		return search(e.c500Start, e.divStart)
	case strings.HasPrefix(id, "admin1:") || strings.HasPrefix(id, "admin2:"):
		return search(e.divStart, e.divEnd)
	}
	return 0, false
}

// TestRows checks every row of the embedded files, parsed on demand,
// against the old loader's parse of it (which also checks the rows' form
// and order), and that the search of the rows finds what the old one
// found, for every id and for ids near them that are not in the list.
func TestRows(t *testing.T) {
	g, err := loadPlaces()
	if err != nil {
		t.Fatal(err)
	}
	e := eagerRows(t, g)
	if e.geoStart != g.geoStart || e.c500Start != g.c500Start || e.divStart != g.divStart || e.divEnd != g.divEnd ||
		g.c500Start == 0 || g.divEnd-g.geoStart < 200000 {
		t.Fatalf("runs %d %d %d %d, want %d %d %d %d", g.geoStart, g.c500Start, g.divStart, g.divEnd,
			e.geoStart, e.c500Start, e.divStart, e.divEnd)
	}
	probes := []string{"geonames:", "geonames:0", "geonames:-1", "geonames:x", "geonames:99999999999", "cities500:",
		"admin1:", "admin2:", "admin1:ZZ.99", "zzz:1", ""}
	for i := g.geoStart; i < g.divEnd; i++ {
		r := g.parseRow(i)
		want := e.places[i]
		if !reflect.DeepEqual(r.Place, want) || r.admin != e.admin[i] || r.seat != e.seat[i] || r.iso != e.iso[i] || r.parent != -1 {
			t.Fatalf("row %d: %+v %q %v %q, want %+v %q %v %q", i, r.Place, r.admin, r.seat, r.iso,
				want, e.admin[i], e.seat[i], e.iso[i])
		}
		id := want.ID
		if i%7 == 0 {
			probes = append(probes, id+"x", id[:len(id)-1], id+"0")
		}
		if n, ok := strings.CutPrefix(id, "geonames:"); ok && i%5 == 0 {
			m, _ := strconv.Atoi(n)
			probes = append(probes, "geonames:+"+n, "geonames:0"+n, fmt.Sprint("geonames:", m-1), fmt.Sprint("geonames:", m+1))
		}
		if j, ok := g.findRow(id); !ok || j != i {
			t.Fatalf("row %d (%s): found %d, %v", i, id, j, ok)
		}
	}
	for _, id := range probes {
		j, ok := g.findRow(id)
		wj, wok := e.oldFind(id)
		if ok != wok || ok && j != wj {
			t.Fatalf("%q: found %d, %v; want %d, %v", id, j, ok, wj, wok)
		}
	}
}

// oldLink links every place as the old linkParents did, from places and
// admin as they were before it: it returns each place's parent and index.
func oldLink(g *Gazetteer, places []Place, admin []string) ([]string, []int32) {
	admin1 := func(i int32) string { s := admin[i]; return s[:adminTab(s)] }
	regions := map[string]int32{}
	for i := g.divStart; i < g.divEnd; i++ {
		if places[i].Precision == Region {
			regions[places[i].Country+"."+admin1(i)] = i
		}
	}
	countries := map[string]int32{}
	for i := range g.geoStart {
		if p := &places[i]; p.Precision == Country {
			countries[p.Country] = i
		}
	}
	inOrder := false
	for _, i := range g.curated {
		inOrder = inOrder || places[i].Precision == Country
	}
	if inOrder {
		clear(countries)
	}
	parent := make([]int32, len(places))
	for i := range int32(len(places)) {
		p := &places[i]
		parent[i] = -1
		switch {
		case p.Precision == Country:
			if inOrder {
				countries[p.Country] = i
			}
			continue
		case p.Parent != "":
			if j, ok := g.find(p.Parent); ok {
				parent[i] = j
			}
			continue
		}
		if a1 := admin1(i); p.Precision != Region && a1 != "" {
			if j, ok := regions[p.Country+"."+a1]; ok {
				p.Parent, parent[i] = places[j].ID, j
				continue
			}
		}
		if j, ok := countries[p.Country]; ok {
			p.Parent, parent[i] = places[j].ID, j
		} else {
			p.Parent = "country:" + p.Country
		}
	}
	out := make([]string, len(places))
	for i := range places {
		out[i] = places[i].Parent
	}
	return out, parent
}

// checkLinks loads the list with the curated places of entries and checks
// every place's parent, the rows' linked as they are asked for, against
// the old linkParents' on the old loader's rows.
func checkLinks(t *testing.T, entries []curatedEntry) {
	t.Helper()
	saved := curatedData
	defer func() { curatedData = saved }()
	curatedData = entries
	g := &Gazetteer{byID: map[string]int32{}, multi: map[string][]int32{}, hidden: map[int32]bool{}}
	if err := g.loadCountries(); err != nil {
		t.Fatal(err)
	}
	if err := g.loadCities(); err != nil {
		t.Fatal(err)
	}
	if err := g.loadCurated(); err != nil {
		t.Fatal(err)
	}
	g.absorbCurated()
	e := eagerRows(t, g)
	places := make([]Place, g.size())
	admin := make([]string, g.size())
	for i := range g.size() {
		places[i], admin[i] = *g.place(i), g.adminOf(i)
		if _, fixed := g.rows.fixed[i]; g.isRow(i) && !fixed {
			places[i], admin[i] = e.places[i], e.admin[i]
		}
	}
	wantParent, wantIndex := oldLink(g, places, admin)
	g.linkParents()
	// Ask for the rows from several goroutines at once, in two orders.
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range g.size() {
				if w == 1 {
					k = g.size() - 1 - k
				}
				g.place(k)
			}
		}()
	}
	wg.Wait()
	for i := range g.size() {
		j := int32(-1)
		if g.isRow(i) {
			j = g.row(i).parent
		} else {
			j = g.parent[g.slot(i)]
		}
		if p := g.place(i); p.Parent != wantParent[i] || j != wantIndex[i] {
			t.Fatalf("place %d (%s): parent %q (%d), want %q (%d)", i, p.ID, p.Parent, j, wantParent[i], wantIndex[i])
		}
	}
}

// TestLinks checks the parents of every place against the old
// linkParents, with the curated places and with more that make a
// GeoNames place a country (so that a place's country is the last before
// it), change a country, and make a district a region.
func TestLinks(t *testing.T) {
	checkLinks(t, curatedData)

	g := bundledT(t)
	city := rowID(rowText(false, 1000))              // a GeoNames place
	city2 := rowID(rowText(false, cityRowCount()-5)) // one among the last
	var district string
	for r := divisionRowCount() - 1; district == ""; r-- {
		if f := strings.Split(rowText(true, r), "\t"); f[1] == "district" && f[4] != "" {
			district = f[0]
		}
	}
	bit := func(keys ...string) (set uint16) {
		for _, k := range keys {
			for i, key := range curatedKeys {
				if key == k {
					set |= 1 << i
				}
			}
		}
		return set
	}
	p1, _ := g.Place(city)
	p2, _ := g.Place(city2)
	more := []curatedEntry{
		{place: Place{ID: city, Precision: Country}, set: bit("id", "precision"), line: 1},
		{place: Place{ID: "country:" + p2.Country, Precision: Region}, set: bit("id", "precision"), line: 2},
		{place: Place{ID: district, Precision: Region}, set: bit("id", "precision"), line: 3},
		{place: Place{ID: city2, Name: "Elsewhere"}, set: bit("id", "name"), line: 4},
		{place: Place{ID: "country:" + p1.Country, Name: "Renamed"}, set: bit("id", "name"), line: 5},
	}
	checkLinks(t, append(append([]curatedEntry(nil), curatedData...), more...))
}

// TestRowsShared checks that a gazetteer made by With finds the rows of
// its base, parsed once for both, with the parents they have there, and
// that a place it replaces is the new one's parent.
func TestRowsShared(t *testing.T) {
	g, err := loadPlaces()
	if err != nil {
		t.Fatal(err)
	}
	i, ok := g.find("admin1:TR.34")
	if !ok {
		t.Fatal("no admin1:TR.34")
	}
	region := *g.place(i)
	n, err := g.With([]Place{{ID: "admin1:TR.34", Name: "Istanbul Province", Country: "TR", Precision: Region, Lat: 41, Lon: 29}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := n.Resolve(Query{Text: "Kadıköy"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(res.Chain, func(p Place) bool { return p.ID == "admin1:TR.34" && p.Name == "Istanbul Province" }) {
		t.Fatalf("chain %+v, want the new admin1:TR.34 in it", res.Chain)
	}
	if g.row(i) != n.row(i) || !reflect.DeepEqual(*g.place(i), region) {
		t.Fatal("the base's row is not shared or changed")
	}
	if p, _ := g.Place("admin1:TR.34"); p.Name == "Istanbul Province" {
		t.Fatal("With changed the base")
	}
}
