package geo

import (
	"errors"
	"strings"
	"testing"
)

// TestResolveCoverage resolves the names of issue 10 and more across Iran,
// Turkey, Russia, Central Asia and Western Europe, checking the precision
// and that the point lies within km of the expected one.
//
// Expected points are the English Wikipedia's coordinates for each place
// (the city, or for a region its capital, where the gazetteer places it),
// rounded to two decimals and written from those articles' values without
// fetching them; none was taken from this package's output. The tolerances cover the gap between a Wikipedia point and a
// GeoNames one: 3 km for neighbourhoods, 6 km for districts, 15 km for
// cities, 40 km for regions placed at their capital (100 km for those at
// the population-weighted centre of their places).
func TestResolveCoverage(t *testing.T) {
	g := bundledT(t)
	tests := []struct {
		q        Query
		prec     Precision
		id       string // "" when any ID will do
		lat, lon float64
		km       float64
	}{
		// Issue 10: regions.
		{Query{Text: "Dagestan"}, Region, "admin1:RU.17", 42.98, 47.50, 40},
		{Query{Text: "Sistan and Baluchestan"}, Region, "admin1:IR.04", 29.50, 60.86, 40},
		{Query{Text: "Selangor"}, Region, "admin1:MY.12", 3.07, 101.52, 100},
		{Query{Text: "Khuzestan"}, Region, "admin1:IR.15", 31.32, 48.67, 40},
		{Query{Text: "Puchong, Selangor"}, City, "curated:puchong", 3.03, 101.62, 15},
		// Issue 10: districts.
		{Query{Text: "Üsküdar"}, District, "", 41.03, 29.02, 6},
		{Query{Text: "Şişli"}, District, "", 41.06, 28.99, 6},
		{Query{Text: "Kadıköy, İstanbul"}, District, "curated:kadikoy", 40.99, 29.03, 6},
		{Query{Text: "Molenbeek-Saint-Jean, Brussels"}, District, "curated:molenbeek", 50.86, 4.32, 6},
		{Query{Text: "Derbent, Dagestan"}, City, "geonames:566532", 42.06, 48.29, 15},
		// Issue 10: neighbourhoods.
		{Query{Text: "Büyükdere"}, Neighbourhood, "curated:buyukdere", 41.16, 29.04, 3},
		{Query{Text: "Kuruçeşme"}, Neighbourhood, "", 41.06, 29.03, 3},
		{Query{Text: "Kuruçeşme, Beşiktaş, İstanbul"}, Neighbourhood, "", 41.06, 29.03, 3},
		// Issue 10: other scripts.
		{Query{Text: "Керман"}, City, "geonames:128234", 30.28, 57.08, 15},
		{Query{Text: "کرمان"}, City, "geonames:128234", 30.28, 57.08, 15},
		{Query{Text: "كرمان"}, City, "geonames:128234", 30.28, 57.08, 15}, // Arabic kaf and yeh
		{Query{Text: "Дагестан"}, Region, "admin1:RU.17", 42.98, 47.50, 40},
		{Query{Text: "استان کرمان"}, Region, "admin1:IR.29", 30.28, 57.08, 40},
		{Query{Text: "استان\u200cکرمان"}, Region, "admin1:IR.29", 30.28, 57.08, 40}, // ZWNJ
		// Issue 10: the README's example.
		{Query{Text: "Golzar-e Shohada cemetery, Kerman"}, City, "curated:golzar-shohada-kerman", 30.28, 57.08, 15},

		// Traps.
		{Query{Text: "Kerman"}, City, "geonames:128234", 30.28, 57.08, 15},
		{Query{Text: "Kermanshah"}, City, "geonames:128226", 34.31, 47.07, 15},
		{Query{Text: "Kerman Province"}, Region, "admin1:IR.29", 30.28, 57.08, 40},
		{Query{Text: "Kerman province, Iran"}, Region, "admin1:IR.29", 30.28, 57.08, 40},
		{Query{Text: "Ostan-e Kerman"}, Region, "admin1:IR.29", 30.28, 57.08, 40},
		{Query{Text: "Kerman", Region: true}, Region, "admin1:IR.29", 30.28, 57.08, 40},
		{Query{Text: "Tehran"}, City, "geonames:112931", 35.69, 51.39, 15},
		{Query{Text: "Tehran Province"}, Region, "admin1:IR.26", 35.69, 51.39, 40},
		{Query{Text: "Tehran", Country: "IR", Region: true}, Region, "admin1:IR.26", 35.69, 51.39, 40},
		{Query{Text: "London"}, City, "geonames:2643743", 51.51, -0.13, 15},
		{Query{Text: "London, Ontario"}, City, "", 42.98, -81.25, 15},
		{Query{Text: "London, Canada"}, City, "", 42.98, -81.25, 15},
		{Query{Text: "Paris"}, City, "geonames:2988507", 48.86, 2.35, 15},
		{Query{Text: "Paris, Texas"}, City, "", 33.66, -95.56, 15},
		{Query{Text: "Santiago Bernabéu"}, Venue, "curated:santiago-bernabeu", 40.45, -3.69, 1},

		// Iran.
		{Query{Text: "Shiraz"}, City, "geonames:115019", 29.61, 52.54, 15},
		{Query{Text: "Mashhad"}, City, "geonames:124665", 36.31, 59.60, 15},
		{Query{Text: "Esfahan"}, City, "geonames:418863", 32.65, 51.67, 15},
		{Query{Text: "Tabriz"}, City, "geonames:113646", 38.08, 46.29, 15},
		{Query{Text: "Karaj", Country: "IR"}, City, "geonames:128747", 35.84, 50.94, 15},
		{Query{Text: "Zahedan"}, City, "geonames:1159301", 29.50, 60.86, 15},
		{Query{Text: "Fars Province"}, Region, "admin1:IR.07", 29.61, 52.54, 40},
		{Query{Text: "Khorasan Razavi"}, Region, "admin1:IR.42", 36.31, 59.60, 40},
		{Query{Text: "Yazd Province"}, Region, "admin1:IR.40", 31.90, 54.37, 40},
		{Query{Text: "Shah Cheragh shrine, Shiraz"}, Venue, "curated:shah-cheragh", 29.61, 52.54, 1},
		{Query{Text: "تهران"}, City, "geonames:112931", 35.69, 51.39, 15},

		// Turkey.
		{Query{Text: "Ankara"}, City, "geonames:323786", 39.93, 32.86, 15},
		{Query{Text: "İzmir"}, City, "geonames:311046", 38.42, 27.14, 15},
		{Query{Text: "Sarıyer"}, District, "curated:sariyer", 41.17, 29.06, 6},
		{Query{Text: "Beşiktaş, İstanbul"}, District, "curated:besiktas", 41.04, 29.01, 6},
		{Query{Text: "Fatih"}, District, "curated:fatih", 41.02, 28.94, 6},
		{Query{Text: "Bahçelievler, İstanbul"}, District, "", 41.00, 28.86, 6},
		{Query{Text: "Ortaköy"}, Neighbourhood, "curated:ortakoy", 41.05, 29.02, 3},
		{Query{Text: "Reina, Ortaköy"}, Neighbourhood, "curated:reina", 41.05, 29.02, 3},
		{Query{Text: "Santa Maria church, Büyükdere"}, Neighbourhood, "curated:santa-maria-buyukdere", 41.16, 29.04, 3},
		{Query{Text: "Eminönü"}, Neighbourhood, "", 41.02, 28.97, 3},
		{Query{Text: "İstanbul ili"}, Region, "admin1:TR.34", 41.01, 28.96, 40},
		{Query{Text: "Şanlıurfa", Country: "TR"}, City, "", 37.16, 38.79, 15},
		{Query{Text: "Стамбул"}, City, "geonames:745044", 41.01, 28.96, 15},

		// Russia.
		{Query{Text: "Москва"}, City, "geonames:524901", 55.76, 37.62, 15},
		{Query{Text: "Makhachkala"}, City, "geonames:532096", 42.98, 47.50, 15},
		{Query{Text: "Махачкала"}, City, "geonames:532096", 42.98, 47.50, 15},
		{Query{Text: "Kazan"}, City, "geonames:551487", 55.79, 49.12, 15},
		{Query{Text: "Tatarstan"}, Region, "admin1:RU.73", 55.79, 49.12, 40},
		{Query{Text: "Chechnya"}, Region, "admin1:RU.12", 43.31, 45.69, 40},
		{Query{Text: "Республика Дагестан"}, Region, "admin1:RU.17", 42.98, 47.50, 40},
		{Query{Text: "Crocus City Hall, Krasnogorsk"}, Venue, "curated:crocus-city-hall", 55.83, 37.39, 1},
		{Query{Text: "Krasnogorsk, Moscow Oblast"}, City, "geonames:542374", 55.82, 37.33, 15},
		{Query{Text: "Saint Petersburg"}, City, "geonames:498817", 59.94, 30.31, 15},

		// Central Asia.
		{Query{Text: "Dushanbe"}, City, "geonames:1221874", 38.56, 68.77, 15},
		{Query{Text: "Душанбе"}, City, "geonames:1221874", 38.56, 68.77, 15},
		{Query{Text: "Tashkent"}, City, "geonames:1512569", 41.30, 69.24, 15},
		{Query{Text: "Ташкент"}, City, "geonames:1512569", 41.30, 69.24, 15},
		{Query{Text: "Bishkek"}, City, "geonames:1528675", 42.87, 74.59, 15},
		{Query{Text: "Алма-Ата"}, City, "geonames:1526384", 43.24, 76.89, 15},
		{Query{Text: "Osh, Kyrgyzstan"}, City, "geonames:1527534", 40.53, 72.80, 15},
		{Query{Text: "Samarkand"}, City, "geonames:1216265", 39.65, 66.96, 15},
		{Query{Text: "Sughd"}, Region, "admin1:TJ.03", 40.28, 69.62, 40},
		{Query{Text: "Khatlon Province"}, Region, "admin1:TJ.02", 37.84, 68.78, 40},
		{Query{Text: "Ashgabat"}, City, "geonames:162183", 37.95, 58.38, 15},

		// Western Europe.
		{Query{Text: "Brussels"}, City, "geonames:2800866", 50.85, 4.35, 15},
		{Query{Text: "Schaerbeek"}, District, "curated:schaerbeek", 50.87, 4.38, 6},
		{Query{Text: "Ixelles, Brussels"}, District, "curated:ixelles", 50.83, 4.37, 6},
		{Query{Text: "Köln"}, City, "geonames:2886242", 50.94, 6.96, 15},
		{Query{Text: "Bavaria"}, Region, "", 48.14, 11.58, 40},
		{Query{Text: "North Rhine-Westphalia"}, Region, "", 51.23, 6.78, 40},
		{Query{Text: "Île-de-France"}, Region, "", 48.86, 2.35, 40},
		{Query{Text: "Saint-Denis, France"}, City, "", 48.94, 2.36, 15},
		{Query{Text: "Tower Hamlets, London"}, District, "curated:tower-hamlets", 51.52, -0.03, 6},
		{Query{Text: "Vienna"}, City, "geonames:2761369", 48.21, 16.37, 15},
		{Query{Text: "Madrid"}, City, "geonames:3117735", 40.42, -3.70, 15},
	}
	for _, tt := range tests {
		name := tt.q.Text
		if tt.q.Country != "" {
			name += " [" + tt.q.Country + "]"
		}
		if tt.q.Region {
			name += " [region]"
		}
		t.Run(name, func(t *testing.T) {
			r, err := g.Resolve(tt.q)
			if err != nil {
				t.Fatalf("Resolve(%+v): %v", tt.q, err)
			}
			p := r.Place
			if p.Precision != tt.prec || tt.id != "" && p.ID != tt.id {
				t.Errorf("Resolve(%+v) = %s %s (%s), want %s %s", tt.q, p.ID, p.Precision, g.Label(p), tt.id, tt.prec)
			}
			if d := distanceKm(p.Lat, p.Lon, tt.lat, tt.lon); d > tt.km {
				t.Errorf("Resolve(%+v) = %s at %.4f, %.4f: %.1f km from %.2f, %.2f (tolerance %.0f km)", tt.q, p.ID, p.Lat, p.Lon, d, tt.lat, tt.lon, tt.km)
			}
		})
	}
}

// TestResolveRunnerUp checks that a city that wins over the region of its
// name lists the region as its runner-up, and the other way round.
func TestResolveRunnerUp(t *testing.T) {
	g := bundledT(t)
	for _, tt := range []struct {
		q           Query
		win, runner string
	}{
		{Query{Text: "Kerman", Country: "IR"}, "geonames:128234", "admin1:IR.29"},
		{Query{Text: "Tehran"}, "geonames:112931", "admin1:IR.26"},
		{Query{Text: "Tehran", Region: true}, "admin1:IR.26", ""},
	} {
		r, err := g.Resolve(tt.q)
		if err != nil {
			t.Fatalf("Resolve(%+v): %v", tt.q, err)
		}
		if r.Place.ID != tt.win {
			t.Errorf("Resolve(%+v) = %s, want %s", tt.q, r.Place.ID, tt.win)
		}
		if tt.runner == "" {
			continue
		}
		found := false
		for _, c := range r.Candidates {
			found = found || c.Place.ID == tt.runner
		}
		if !found {
			t.Errorf("Resolve(%+v) runners-up %v, want %s among them", tt.q, r.Candidates, tt.runner)
		}
	}
}

// TestResolveNeverPartial checks that folding stays exact: no prefix, no
// near spelling is ever taken for a match.
func TestResolveNeverPartial(t *testing.T) {
	g := bundledT(t)
	r, err := g.Resolve(Query{Text: "Kerman", Country: "IR"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range append([]Candidate{{Place: r.Place}}, r.Candidates...) {
		if strings.Contains(strings.ToLower(c.Place.Name), "kermanshah") {
			t.Errorf("Kerman matched %s (%s)", c.Place.ID, c.Place.Name)
		}
	}
	for _, q := range []string{"Kermansha", "Kerma", "Керма", "Dagestanskiy", "Istanbu"} {
		if r, err := g.Resolve(Query{Text: q}); err == nil {
			t.Errorf("Resolve(%q) = %s, want no match", q, r.Place.ID)
		}
	}
}

// TestResolveParentContradicts checks that a district given under the
// wrong city is an error that names the right parent.
func TestResolveParentContradicts(t *testing.T) {
	g := bundledT(t)
	for _, tt := range []struct {
		q       Query
		want    string // the first suggestion
		message string
	}{
		{Query{Text: "Kadıköy, Ankara", Country: "TR"}, "curated:kadikoy", `"Kadıköy" is not in "Ankara"`},
		{Query{Text: "Derbent, Chechnya"}, "geonames:566532", `"Derbent" is not in "Chechnya"`},
		{Query{Text: "Puchong, Johor"}, "curated:puchong", `"Puchong" is not in "Johor"`},
	} {
		_, err := g.Resolve(tt.q)
		var nf *NotFoundError
		if !errors.As(err, &nf) {
			t.Errorf("Resolve(%+v) error = %v, want *NotFoundError", tt.q, err)
			continue
		}
		if !nf.Contradicts || len(nf.Suggestions) == 0 || nf.Suggestions[0].ID != tt.want {
			t.Errorf("Resolve(%+v): Contradicts %v, suggestions %v; want %s first", tt.q, nf.Contradicts, nf.Labels, tt.want)
		}
		if !strings.HasPrefix(err.Error(), tt.message) {
			t.Errorf("Resolve(%+v) error %q, want prefix %q", tt.q, err, tt.message)
		}
	}
}

// TestRegionsYields checks the region iterator the base map labels from.
func TestRegionsYields(t *testing.T) {
	g := bundledT(t)
	n, withISO := 0, 0
	var kerman RegionInfo
	for r := range g.Regions() {
		n++
		if r.ISO != "" {
			withISO++
		}
		if r.ID == "admin1:IR.29" {
			kerman = r
		}
		if r.Lat < -90 || r.Lat > 90 || r.Lon < -180 || r.Lon > 180 || r.Name == "" || r.Country == "" {
			t.Fatalf("bad region %+v", r)
		}
	}
	if n < 3500 || withISO < n/2 {
		t.Errorf("%d regions, %d with an ISO 3166-2 code; want 3500+ and half with", n, withISO)
	}
	if kerman.Name != "Kerman" || kerman.Country != "IR" || kerman.ISO != "IR-15" || !strings.Contains(strings.Join(kerman.Names, "|"), "کرمان") {
		t.Errorf("Kerman region = %+v", kerman)
	}
}

func TestSplitLevel(t *testing.T) {
	for _, tt := range []struct {
		in, rest string
		level    Precision
	}{
		{"kerman province", "kerman", Region},
		{"ostan e kerman", "kerman", Region},
		{"استان کرمان", "کرمان", Region},
		{"московская область", "московская", Region},
		{"istanbul ili", "istanbul", Region},
		{"sariyer district", "sariyer", District},
		{"shahrestan e kerman", "kerman", District},
		{"province", "province", Venue},
		{"kerman", "kerman", Venue},
		{"district of columbia", "district of columbia", Venue},
	} {
		rest, level := splitLevel(tt.in)
		if rest != tt.rest || level != tt.level {
			t.Errorf("splitLevel(%q) = %q, %s; want %q, %s", tt.in, rest, level, tt.rest, tt.level)
		}
	}
}

// TestDataInvariants checks the generated lists against the rules of
// scripts/gazetteer/places.mjs.
func TestDataInvariants(t *testing.T) {
	g := bundledT(t)
	var places, hoods, districts, regions, geoDistricts int
	for i := g.geoStart; i < g.divEnd; i++ {
		p := g.place(i)
		switch {
		case i >= g.divStart && p.Precision == Region:
			regions++
		case i >= g.divStart:
			geoDistricts++
			if g.admin2(i) == "" {
				t.Errorf("%s: a district without an admin-2 code", p.ID)
			}
		default:
			places++
		}
		if p.Precision == District && i < g.divStart {
			districts++
			if g.admin2(i) == "" {
				t.Errorf("%s: a place standing for a district without an admin-2 code", p.ID)
			}
		}
		if p.Precision != Neighbourhood || i >= g.divStart {
			continue
		}
		hoods++
		j, ok := g.parentOf(i)
		if !ok {
			t.Errorf("%s (%s): a neighbourhood without a parent (%q)", p.ID, p.Name, p.Parent)
			continue
		}
		q := g.place(j)
		if q.Country != p.Country || q.Precision <= Neighbourhood {
			t.Errorf("%s (%s): parent %s (%s, %s)", p.ID, p.Name, q.ID, q.Name, q.Precision)
		}
	}
	t.Logf("%d places (%d neighbourhoods, %d districts that are places), %d regions, %d districts", places, hoods, districts, regions, geoDistricts)
	if places < 170000 || hoods < 10000 || regions < 3700 || geoDistricts < 30000 {
		t.Errorf("too few: %d places, %d neighbourhoods, %d regions, %d districts", places, hoods, regions, geoDistricts)
	}
}
