package geo

import (
	"errors"
	"strings"
	"testing"
)

func bundledT(t testing.TB) *Gazetteer {
	t.Helper()
	g, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestResolve(t *testing.T) {
	g := bundledT(t)
	tests := []struct {
		name string
		q    Query
		id   string
		prec Precision
	}{
		{"venue not Santiago de Chile", Query{"Santiago Bernabéu", "ES"}, "curated:santiago-bernabeu", Venue},
		{"venue without hint", Query{"Santiago Bernabeu Stadium", ""}, "curated:santiago-bernabeu", Venue},
		{"venue in its city", Query{"Santiago Bernabéu, Madrid", ""}, "curated:santiago-bernabeu", Venue},
		{"Kerman with hint", Query{"Kerman", "IR"}, "geonames:128234", City},
		{"Kerman without hint is the larger", Query{"Kerman", ""}, "geonames:128234", City},
		{"district inside its city", Query{"Sarıyer, Istanbul", "TR"}, "curated:sariyer", District},
		{"district ascii spelling", Query{"Sariyer, İstanbul", ""}, "curated:sariyer", District},
		{"neighbourhood chain", Query{"Büyükdere, Sarıyer, İstanbul", "TR"}, "curated:buyukdere", Neighbourhood},
		{"GeoNames district", Query{"Başakşehir", "TR"}, "geonames:6947639", District},
		{"district by admin-1", Query{"Zeytinburnu, Istanbul", ""}, "geonames:737071", District},
		{"Esenyurt", Query{"Esenyurt", "TR"}, "geonames:747323", District},
		{"exonym Köln", Query{"Köln", "DE"}, "geonames:2886242", City},
		{"exonym Cologne", Query{"Cologne", "DE"}, "geonames:2886242", City},
		{"Bruxelles", Query{"Bruxelles", ""}, "geonames:2800866", City},
		{"Wien", Query{"Wien", "AT"}, "geonames:2761369", City},
		{"Istanbul is the city", Query{"Istanbul", ""}, "geonames:745044", City},
		{"İstanbul dotted", Query{"İSTANBUL", "TR"}, "geonames:745044", City},
		{"İzmir", Query{"Izmir", ""}, "geonames:311046", City},
		{"Moskva is Moscow", Query{"Moskva", ""}, "geonames:524901", City},
		{"Ahwaz", Query{"Ahwaz", "IR"}, "geonames:144448", City},
		{"country", Query{"Turkey", ""}, "country:TR", Country},
		{"country endonym with hint", Query{"Türkiye", "TR"}, "country:TR", Country},
		{"country alias", Query{"UK", ""}, "country:GB", Country},
		{"Russia", Query{"Russia", ""}, "country:RU", Country},
		{"trailing country constrains", Query{"Paris, France", ""}, "geonames:2988507", City},
		{"shrine alias", Query{"Shah-e Cheragh", "IR"}, "curated:shah-cheragh", Venue},
		{"shrine in its city", Query{"Shah Cheragh shrine, Shiraz", ""}, "curated:shah-cheragh", Venue},
		{"venue within a metropolis radius", Query{"Crocus City Hall, Moscow", "RU"}, "curated:crocus-city-hall", Venue},
		{"venue in a suburb", Query{"Stade de France, Saint-Denis", "FR"}, "curated:stade-de-france", Venue},
		{"apostrophes folded", Query{"St Stephens Cathedral", "AT"}, "curated:stephansdom", Venue},
		{"Kölner Dom", Query{"Kölner Dom", ""}, "curated:cologne-cathedral", Venue},
		{"neighbourhood of a megacity over a town", Query{"Ortaköy", "TR"}, "curated:ortakoy", Neighbourhood},
		{"airport", Query{"Atatürk Airport", "TR"}, "curated:ataturk-airport", Venue},
		{"New York is the city", Query{"New York", ""}, "geonames:5128581", City},
		{"Kiev is Kyiv", Query{"Kiev", ""}, "geonames:703448", City},
		{"Bombay is Mumbai", Query{"Bombay", ""}, "geonames:1275339", City},
		{"Peking is Beijing", Query{"Peking", ""}, "geonames:1816670", City},
		{"Saigon", Query{"Saigon", ""}, "geonames:1566083", City},
		{"Grozny", Query{"Grozny", "RU"}, "geonames:558418", City},
		{"Antep", Query{"Antep", ""}, "geonames:314830", City},
		{"Roma over the US town", Query{"Roma", ""}, "geonames:3169070", City},
		{"Den Haag", Query{"Den Haag", "NL"}, "geonames:2747373", City},
		{"'s-Gravenhage", Query{"'s-Gravenhage", ""}, "geonames:2747373", City},
		{"Bucureşti cedilla", Query{"Bucureşti", ""}, "geonames:683506", City},
		{"Sankt-Peterburg", Query{"Sankt-Peterburg", ""}, "geonames:498817", City},
		{"Al-Quds", Query{"Al-Quds", ""}, "geonames:281184", City},
		{"Hawler is Erbil", Query{"Hawler", "IQ"}, "geonames:95446", City},
		{"Raqqa", Query{"Raqqa", ""}, "geonames:172955", City},
		{"Mazar-i-Sharif", Query{"Mazar-i-Sharif", "AF"}, "geonames:1133616", City},
		{"Muqdisho", Query{"Muqdisho", ""}, "geonames:53654", City},
		{"Calcutta over the US town", Query{"Calcutta", ""}, "geonames:1275004", City},
		{"Molenbeek in Brussels", Query{"Molenbeek, Brussels", "BE"}, "curated:molenbeek", District},
		{"Schaarbeek", Query{"Schaarbeek", ""}, "curated:schaerbeek", District},
		{"Fatih over same-named places", Query{"Fatih", "TR"}, "curated:fatih", District},
		{"Kadıköy district over a village", Query{"Kadıköy", "TR"}, "curated:kadikoy", District},
		{"Bakırköy in İstanbul", Query{"Bakirkoy, Istanbul", ""}, "curated:bakirkoy", District},
		{"Tower Hamlets", Query{"Tower Hamlets, London", ""}, "curated:tower-hamlets", District},
		{"Westminster is the London borough", Query{"Westminster", ""}, "geonames:2634341", District},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := g.Resolve(tt.q)
			if err != nil {
				t.Fatalf("Resolve(%+v) error: %v", tt.q, err)
			}
			if r.Place.ID != tt.id || r.Place.Precision != tt.prec {
				t.Errorf("Resolve(%+v) = %s %s (%s), want %s %s", tt.q, r.Place.ID, r.Place.Precision, g.Label(r.Place), tt.id, tt.prec)
			}
			if tt.prec != Country {
				if n := len(r.Chain); n == 0 || r.Chain[n-1].Precision != Country || r.Chain[n-1].Country != r.Place.Country {
					t.Errorf("Resolve(%+v).Chain = %v, want it to end with the country", tt.q, r.Chain)
				}
			}
		})
	}
}

func TestResolveRejectsPartialMatches(t *testing.T) {
	g := bundledT(t)
	for _, q := range []Query{
		{"Santiago Bernabéu Park", "ES"}, // an unused word is never dropped
		{"Kerman Province", "US"},
		{"Sarıyer, Ankara", "TR"}, // Sarıyer is not inside Ankara
		{"Madrid", "TR"},          // the hint constrains
		{"Büyükdere, Başakşehir", "TR"},
	} {
		r, err := g.Resolve(q)
		var nf *NotFoundError
		if !errors.As(err, &nf) {
			t.Errorf("Resolve(%+v) = %s, %v; want a *NotFoundError", q, r.Place.ID, err)
		}
	}
}

func TestResolveNotFoundSuggests(t *testing.T) {
	g := bundledT(t)
	_, err := g.Resolve(Query{"Basaksehr", "TR"})
	var nf *NotFoundError
	if !errors.As(err, &nf) {
		t.Fatalf("Resolve(Basaksehr) error = %v, want *NotFoundError", err)
	}
	if len(nf.Suggestions) == 0 || nf.Suggestions[0].ID != "geonames:6947639" {
		t.Errorf("suggestions = %v, want Başakşehir first", nf.Labels)
	}
	got, want := err.Error(), `unknown place "Basaksehr" (did you mean "Başakşehir, İstanbul, TR"`
	if !strings.HasPrefix(got, want) {
		t.Errorf("Error() = %q, want prefix %q", got, want)
	}
	if len(nf.Suggestions) > 3 {
		t.Errorf("got %d suggestions, want at most 3", len(nf.Suggestions))
	}
}

func TestResolvePartialInNotFound(t *testing.T) {
	g := bundledT(t)
	_, err := g.Resolve(Query{"Nowhere Hall, Sarıyer, İstanbul", "TR"})
	var nf *NotFoundError
	if !errors.As(err, &nf) || nf.Partial == nil {
		t.Fatalf("error = %v, want *NotFoundError with Partial", err)
	}
	if nf.Part != "Nowhere Hall" || nf.Partial.Place.ID != "curated:sariyer" {
		t.Errorf("Part, Partial = %q, %s; want \"Nowhere Hall\", curated:sariyer", nf.Part, nf.Partial.Place.ID)
	}
}

func TestResolveWarnings(t *testing.T) {
	g := bundledT(t)
	tests := []struct {
		q    Query
		want string // substring of some warning; "" for none
	}{
		{Query{"Kerman", ""}, "other countries"},
		{Query{"Kerman", "IR"}, ""},
		{Query{"Santiago", ""}, "other countries"},
		{Query{"Congo", ""}, "ambiguous"}, // two countries share the name
	}
	for _, tt := range tests {
		r, err := g.Resolve(tt.q)
		if err != nil {
			t.Errorf("Resolve(%+v): %v", tt.q, err)
			continue
		}
		all := strings.Join(r.Warnings, "\n")
		if tt.want == "" && all != "" || !strings.Contains(all, tt.want) {
			t.Errorf("Resolve(%+v).Warnings = %q, want %q", tt.q, r.Warnings, tt.want)
		}
	}
}

func TestResolveCandidatesSayWhy(t *testing.T) {
	g := bundledT(t)
	r, err := g.Resolve(Query{"Kerman", "IR"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Candidates) == 0 || r.Candidates[0].Place.Country != "US" || !strings.Contains(r.Candidates[0].Why, "outside") {
		t.Errorf("Candidates = %+v, want Kerman, US outside the hint", r.Candidates)
	}
}

func TestResolveBadHint(t *testing.T) {
	g := bundledT(t)
	if _, err := g.Resolve(Query{"Paris", "XX"}); err == nil {
		t.Error("Resolve with country XX: want an error")
	}
}

func TestLabel(t *testing.T) {
	g := bundledT(t)
	tests := []struct{ id, want string }{
		{"geonames:6947639", "Başakşehir, İstanbul, TR"},
		{"curated:buyukdere", "Büyükdere, İstanbul, TR"},
		{"geonames:128234", "Kerman, IR"},
		{"country:TR", "Turkey"},
		{"curated:crocus-city-hall", "Crocus City Hall, Krasnogorsk, RU"},
	}
	for _, tt := range tests {
		p, ok := g.Place(tt.id)
		if !ok {
			t.Fatalf("Place(%q) not found", tt.id)
		}
		if got := g.Label(p); got != tt.want {
			t.Errorf("Label(%s) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

func TestWith(t *testing.T) {
	g := bundledT(t)
	n0 := g.Len()
	site, err := g.With([]Place{
		{ID: "site:guvercintepe", Name: "Güvercintepe", Country: "TR", Parent: "geonames:6947639", Precision: Neighbourhood, Lat: 41.1, Lon: 28.8, Source: "test"},
		{ID: "geonames:128234", Name: "Kerman", Aliases: []string{"Kirman"}, Country: "IR", Precision: City, Lat: 30.3, Lon: 57.1, Source: "test"},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := site.Resolve(Query{"Güvercintepe, Başakşehir, İstanbul", "TR"})
	if err != nil || r.Place.ID != "site:guvercintepe" {
		t.Errorf("site place: got %s, %v", r.Place.ID, err)
	}
	if got := site.Label(r.Place); got != "Güvercintepe, İstanbul, TR" {
		t.Errorf("Label = %q", got)
	}
	r, err = site.Resolve(Query{"Kirman", "IR"})
	if err != nil || r.Place.Lat != 30.3 {
		t.Errorf("override: got %+v, %v", r.Place, err)
	}
	if _, err := g.Resolve(Query{"Güvercintepe", "TR"}); err == nil {
		t.Error("With changed the bundled gazetteer")
	}
	if p, _ := g.Place("geonames:128234"); p.Lat == 30.3 {
		t.Error("With changed a bundled place")
	}
	if g.Len() != n0 || site.Len() != n0+1 {
		t.Errorf("Len = %d, %d; want %d, %d", g.Len(), site.Len(), n0, n0+1)
	}
	if _, err := g.With([]Place{{ID: "x", Name: "X", Country: "TR", Parent: "nope"}}); err == nil {
		t.Error("With accepted an unknown parent")
	}
}

func TestCuratedPlacesCiteSources(t *testing.T) {
	g := bundledT(t)
	for _, p := range g.places {
		if strings.HasPrefix(p.ID, "curated:") && !strings.Contains(p.Source, "http") {
			t.Errorf("%s: source %q cites no URL", p.ID, p.Source)
		}
	}
}

func TestCountryName(t *testing.T) {
	for cc, want := range map[string]string{"TR": "Turkey", "ru": "Russia", "GB": "United Kingdom", "IR": "Iran", "ZZ": "", "": ""} {
		if got := CountryName(cc); got != want {
			t.Errorf("CountryName(%q) = %q, want %q", cc, got, want)
		}
	}
}
