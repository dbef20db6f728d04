package geo

import "testing"

// TestSectionsOfCities checks the generator's rule that tells a section of
// a city from a town (scripts/gazetteer/places.mjs, "Neighbourhoods"), on
// the embedded rows themselves, since a curated place may absorb the
// GeoNames row of its name: a place without a feature code is a section of
// a big city only inside the city's admin-2 district (or, for a city with
// districts of its own, one of them); a district seat stands for a
// district of a metropolis only under the same condition.
//
// parent is the wanted parent id, "" for none.
func TestSectionsOfCities(t *testing.T) {
	tests := []struct {
		id, name string
		prec     Precision
		parent   string
	}{
		// Towns beside a big city, in other admin-2 districts or without
		// one where the city's is known.
		{"cities500:IR.26.andisheh", "Andīsheh", City, ""},     // Shahriar county, not Tehran's
		{"cities500:IR.26.baqershahr", "Bāqershahr", City, ""}, // Rey county
		{"cities500:IR.26.kahrizak-2", "Kahrīzak", City, ""},   // Rey county, 20 km south of Tehran
		{"cities500:IR.26.lavasan", "Lavāsān", City, ""},
		{"cities500:IR.26.golestan", "Golestān", City, ""},            // Bahārestān county
		{"cities500:IR.26.khavar-shahr", "Khāvar Shahr", City, ""},    // Rey county
		{"cities500:IR.26.pardis", "Pardīs", City, ""},                // beyond Tehran's reach as well
		{"geonames:449504", "Eslāmshahr", City, ""},                   // the seat of its own county
		{"geonames:2637627", "Slough", City, ""},                      // Berkshire, not Greater London
		{"cities500:GB.ENG.london-colney", "London Colney", City, ""}, // Hertfordshire
		{"cities500:GB.ENG.croxley-green", "Croxley Green", City, ""},
		{"cities500:FR.11.meudon-la-foret", "Meudon-la-Forêt", City, ""}, // Hauts-de-Seine, not Paris
		{"cities500:FR.11.lile-saint-denis", "L'Île-Saint-Denis", City, ""},
		{"cities500:NL.07.badhoevedorp", "Badhoevedorp", City, ""}, // Haarlemmermeer, not Amsterdam
		{"cities500:RU.34.vylgort", "Vyl’gort", City, ""},
		{"geonames:3461786", "Guarulhos", City, ""}, // its own município beside São Paulo
		{"geonames:3455775", "Osasco", City, ""},

		// Sections of a city, which stay so.
		{"cities500:TR.34.buyukdere", "Büyükdere", Neighbourhood, "admin2:TR.34.8521535"}, // Sarıyer
		{"cities500:TR.34.kurucesme", "Kuruçeşme", Neighbourhood, "admin2:TR.34.7733234"}, // Beşiktaş
		{"cities500:TR.34.bebek", "Bebek", Neighbourhood, "admin2:TR.34.7733234"},
		{"cities500:BE.BRU.molenbeek-saint-jean", "Molenbeek-Saint-Jean", Neighbourhood, "admin2:BE.BRU.BRU"},
		{"cities500:GB.ENG.balham", "Balham", Neighbourhood, "admin2:GB.ENG.GLA"},
		{"cities500:FR.11.paris-01-louvre", "Paris 01 Louvre", Neighbourhood, "admin2:FR.11.75"},
		{"cities500:RU.48.kuntsevo", "Kuntsevo", Neighbourhood, "geonames:524901"},        // Moscow
		{"cities500:HU.05.csillaghegy", "Csillaghegy", Neighbourhood, "geonames:3054643"}, // Budapest: no admin-2 codes at all
		{"geonames:6544100", "Eixample", Neighbourhood, "admin2:ES.56.B"},                 // PPLX
		{"geonames:2911285", "Wandsbek", Neighbourhood, "geonames:2911298"},               // PPLX of 400,000
		{"geonames:7290255", "Berlin Treptow", Neighbourhood, "geonames:2950159"},         // PPLX without an admin-2 code: the city by reach
		{"geonames:2208285", "Randwick", District, "geonames:2147714"},                    // PPLX standing for its district, outside the City of Sydney's
		{"geonames:738329", "Üsküdar", District, "geonames:745044"},                       // İstanbul's ilçe
		{"geonames:10346824", "Nilüfer", District, "geonames:750269"},                     // Bursa's centre lies in Osmangazi, one of its ilçes
		{"geonames:746232", "Gürsu", District, "geonames:750269"},
		{"geonames:5133273", "Queens", District, "geonames:5128581"}, // New York City
	}
	rows := make(map[string][cityColumns]string, len(tests))
	for _, tt := range tests {
		rows[tt.id] = [cityColumns]string{}
	}
	for n, line := range cityRows() {
		var f [cityColumns]string
		if !splitTabs(line, f[:]) {
			t.Fatalf("cities.tsv line %d: want %d columns", n, cityColumns)
		}
		if _, ok := rows[f[0]]; ok {
			rows[f[0]] = f
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := rows[tt.id]
			if f[0] == "" {
				t.Fatalf("%s (%s) is not in data/cities.tsv", tt.id, tt.name)
			}
			if f[1] != tt.name {
				t.Fatalf("%s is %q, want %q", tt.id, f[1], tt.name)
			}
			if f[6] != tt.prec.String() || f[7] != tt.parent {
				t.Errorf("%s (%s, admin-2 %q, feature %q) is %s under %q, want %s under %q", tt.id, tt.name, f[4], f[5], f[6], f[7], tt.prec, tt.parent)
			}
		})
	}
}

// TestSectionsResolve resolves towns beside big cities and sections of
// cities by name: a town comes back at city precision without the big
// city as parent, a section at neighbourhood or district precision under
// it.
func TestSectionsResolve(t *testing.T) {
	g := bundledT(t)
	tests := []struct {
		q      Query
		prec   Precision
		id     string
		parent string // "" when any will do
	}{
		{Query{Text: "Andisheh", Country: "IR"}, City, "cities500:IR.26.andisheh", "admin1:IR.26"},
		{Query{Text: "Baqershahr"}, City, "cities500:IR.26.baqershahr", "admin1:IR.26"},
		{Query{Text: "Eslamshahr"}, City, "geonames:449504", "admin1:IR.26"},
		{Query{Text: "Pardis, Tehran Province"}, City, "cities500:IR.26.pardis", "admin1:IR.26"},
		{Query{Text: "Slough"}, City, "geonames:2637627", ""},
		{Query{Text: "Guarulhos"}, City, "geonames:3461786", ""},
		{Query{Text: "Bebek, İstanbul"}, Neighbourhood, "cities500:TR.34.bebek", ""},
		{Query{Text: "Kuruçeşme, Beşiktaş"}, Neighbourhood, "", ""},
		{Query{Text: "Nilüfer, Bursa"}, District, "geonames:10346824", "geonames:750269"},
		{Query{Text: "Queens, New York City"}, District, "geonames:5133273", "geonames:5128581"},
	}
	for _, tt := range tests {
		t.Run(tt.q.Text, func(t *testing.T) {
			r, err := g.Resolve(tt.q)
			if err != nil {
				t.Fatalf("Resolve(%+v): %v", tt.q, err)
			}
			p := r.Place
			if p.Precision != tt.prec || tt.id != "" && p.ID != tt.id || tt.parent != "" && p.Parent != tt.parent {
				t.Errorf("Resolve(%+v) = %s %s under %q (%s), want %s %s under %q", tt.q, p.ID, p.Precision, p.Parent, g.Label(p), tt.id, tt.prec, tt.parent)
			}
		})
	}
}
