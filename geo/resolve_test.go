package geo

import (
	"errors"
	"math/bits"
	"math/rand/v2"
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
		{"venue not Santiago de Chile", Query{Text: "Santiago Bernabéu", Country: "ES"}, "curated:santiago-bernabeu", Venue},
		{"venue without hint", Query{Text: "Santiago Bernabeu Stadium", Country: ""}, "curated:santiago-bernabeu", Venue},
		{"venue in its city", Query{Text: "Santiago Bernabéu, Madrid", Country: ""}, "curated:santiago-bernabeu", Venue},
		{"Kerman with hint", Query{Text: "Kerman", Country: "IR"}, "geonames:128234", City},
		{"Kerman without hint is the larger", Query{Text: "Kerman", Country: ""}, "geonames:128234", City},
		{"district inside its city", Query{Text: "Sarıyer, Istanbul", Country: "TR"}, "curated:sariyer", District},
		{"district ascii spelling", Query{Text: "Sariyer, İstanbul", Country: ""}, "curated:sariyer", District},
		{"neighbourhood chain", Query{Text: "Büyükdere, Sarıyer, İstanbul", Country: "TR"}, "curated:buyukdere", Neighbourhood},
		{"GeoNames district", Query{Text: "Başakşehir", Country: "TR"}, "geonames:6947639", District},
		{"district by admin-1", Query{Text: "Zeytinburnu, Istanbul", Country: ""}, "geonames:737071", District},
		{"Esenyurt", Query{Text: "Esenyurt", Country: "TR"}, "geonames:747323", District},
		{"exonym Köln", Query{Text: "Köln", Country: "DE"}, "geonames:2886242", City},
		{"exonym Cologne", Query{Text: "Cologne", Country: "DE"}, "geonames:2886242", City},
		{"Bruxelles", Query{Text: "Bruxelles", Country: ""}, "geonames:2800866", City},
		{"Wien", Query{Text: "Wien", Country: "AT"}, "geonames:2761369", City},
		{"Istanbul is the city", Query{Text: "Istanbul", Country: ""}, "geonames:745044", City},
		{"İstanbul dotted", Query{Text: "İSTANBUL", Country: "TR"}, "geonames:745044", City},
		{"İzmir", Query{Text: "Izmir", Country: ""}, "geonames:311046", City},
		{"Moskva is Moscow", Query{Text: "Moskva", Country: ""}, "geonames:524901", City},
		{"Ahwaz", Query{Text: "Ahwaz", Country: "IR"}, "geonames:144448", City},
		{"country", Query{Text: "Turkey", Country: ""}, "country:TR", Country},
		{"country endonym with hint", Query{Text: "Türkiye", Country: "TR"}, "country:TR", Country},
		{"country alias", Query{Text: "UK", Country: ""}, "country:GB", Country},
		{"Russia", Query{Text: "Russia", Country: ""}, "country:RU", Country},
		{"trailing country constrains", Query{Text: "Paris, France", Country: ""}, "geonames:2988507", City},
		{"shrine alias", Query{Text: "Shah-e Cheragh", Country: "IR"}, "curated:shah-cheragh", Venue},
		{"shrine in its city", Query{Text: "Shah Cheragh shrine, Shiraz", Country: ""}, "curated:shah-cheragh", Venue},
		{"venue within a metropolis radius", Query{Text: "Crocus City Hall, Moscow", Country: "RU"}, "curated:crocus-city-hall", Venue},
		{"venue in a suburb", Query{Text: "Stade de France, Saint-Denis", Country: "FR"}, "curated:stade-de-france", Venue},
		{"apostrophes folded", Query{Text: "St Stephens Cathedral", Country: "AT"}, "curated:stephansdom", Venue},
		{"Kölner Dom", Query{Text: "Kölner Dom", Country: ""}, "curated:cologne-cathedral", Venue},
		{"neighbourhood of a megacity over a town", Query{Text: "Ortaköy", Country: "TR"}, "curated:ortakoy", Neighbourhood},
		{"airport", Query{Text: "Atatürk Airport", Country: "TR"}, "curated:ataturk-airport", Venue},
		{"New York is the city", Query{Text: "New York", Country: ""}, "geonames:5128581", City},
		{"Kiev is Kyiv", Query{Text: "Kiev", Country: ""}, "geonames:703448", City},
		{"Bombay is Mumbai", Query{Text: "Bombay", Country: ""}, "geonames:1275339", City},
		{"Peking is Beijing", Query{Text: "Peking", Country: ""}, "geonames:1816670", City},
		{"Saigon", Query{Text: "Saigon", Country: ""}, "geonames:1566083", City},
		{"Grozny", Query{Text: "Grozny", Country: "RU"}, "geonames:558418", City},
		{"Antep", Query{Text: "Antep", Country: ""}, "geonames:314830", City},
		{"Roma over the US town", Query{Text: "Roma", Country: ""}, "geonames:3169070", City},
		{"Den Haag", Query{Text: "Den Haag", Country: "NL"}, "geonames:2747373", City},
		{"'s-Gravenhage", Query{Text: "'s-Gravenhage", Country: ""}, "geonames:2747373", City},
		{"Bucureşti cedilla", Query{Text: "Bucureşti", Country: ""}, "geonames:683506", City},
		{"Sankt-Peterburg", Query{Text: "Sankt-Peterburg", Country: ""}, "geonames:498817", City},
		{"Al-Quds", Query{Text: "Al-Quds", Country: ""}, "geonames:281184", City},
		{"Hawler is Erbil", Query{Text: "Hawler", Country: "IQ"}, "geonames:95446", City},
		{"Raqqa", Query{Text: "Raqqa", Country: ""}, "geonames:172955", City},
		{"Mazar-i-Sharif", Query{Text: "Mazar-i-Sharif", Country: "AF"}, "geonames:1133616", City},
		{"Muqdisho", Query{Text: "Muqdisho", Country: ""}, "geonames:53654", City},
		{"Calcutta over the US town", Query{Text: "Calcutta", Country: ""}, "geonames:1275004", City},
		{"Molenbeek in Brussels", Query{Text: "Molenbeek, Brussels", Country: "BE"}, "curated:molenbeek", District},
		{"Schaarbeek", Query{Text: "Schaarbeek", Country: ""}, "curated:schaerbeek", District},
		{"Fatih over same-named places", Query{Text: "Fatih", Country: "TR"}, "curated:fatih", District},
		{"Kadıköy district over a village", Query{Text: "Kadıköy", Country: "TR"}, "curated:kadikoy", District},
		{"Bakırköy in İstanbul", Query{Text: "Bakirkoy, Istanbul", Country: ""}, "curated:bakirkoy", District},
		{"Tower Hamlets", Query{Text: "Tower Hamlets, London", Country: ""}, "curated:tower-hamlets", District},
		{"Westminster is the London borough", Query{Text: "Westminster", Country: ""}, "geonames:2634341", District},
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
		{Text: "Santiago Bernabéu Park", Country: "ES"}, // an unused word is never dropped
		{Text: "Kerman Province", Country: "US"},
		{Text: "Sarıyer, Ankara", Country: "TR"}, // Sarıyer is not inside Ankara
		{Text: "Madrid", Country: "TR"},          // the hint constrains
		{Text: "Büyükdere, Başakşehir", Country: "TR"},
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
	_, err := g.Resolve(Query{Text: "Basaksehr", Country: "TR"})
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
	_, err := g.Resolve(Query{Text: "Nowhere Hall, Sarıyer, İstanbul", Country: "TR"})
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
		{Query{Text: "Kerman", Country: ""}, "other countries"},
		{Query{Text: "Kerman", Country: "IR"}, ""},
		{Query{Text: "Santiago", Country: ""}, "other countries"},
		{Query{Text: "Congo", Country: ""}, "ambiguous"}, // two countries share the name
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
	r, err := g.Resolve(Query{Text: "Kerman", Country: "IR"})
	if err != nil {
		t.Fatal(err)
	}
	var us, region bool
	for _, c := range r.Candidates {
		us = us || c.Place.Country == "US" && strings.Contains(c.Why, "outside")
		region = region || c.Place.ID == "admin1:IR.29" && strings.Contains(c.Why, "province")
	}
	if !us || !region {
		t.Errorf("Candidates = %+v, want Kerman, US outside the hint and Kerman province as runner-up", r.Candidates)
	}
}

func TestResolveBadHint(t *testing.T) {
	g := bundledT(t)
	if _, err := g.Resolve(Query{Text: "Paris", Country: "XX"}); err == nil {
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
	r, err := site.Resolve(Query{Text: "Güvercintepe, Başakşehir, İstanbul", Country: "TR"})
	if err != nil || r.Place.ID != "site:guvercintepe" {
		t.Errorf("site place: got %s, %v", r.Place.ID, err)
	}
	if got := site.Label(r.Place); got != "Güvercintepe, İstanbul, TR" {
		t.Errorf("Label = %q", got)
	}
	r, err = site.Resolve(Query{Text: "Kirman", Country: "IR"})
	if err != nil || r.Place.Lat != 30.3 {
		t.Errorf("override: got %+v, %v", r.Place, err)
	}
	if _, err := g.Resolve(Query{Text: "Güvercintepe", Country: "TR"}); err == nil {
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
	for _, p := range allPlaces(g) {
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

// TestRuneMaskBound checks the filter suggest relies on: keys within edit
// distance 2 of each other differ in at most 4 bits of runeMask.
func TestRuneMaskBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("abcdefghijklmnopqrstuvwxyzçşğıöüкерманدگستان ")
	edit := func(r []rune) []rune {
		i := rng.IntN(len(r) + 1)
		c := alphabet[rng.IntN(len(alphabet))]
		switch rng.IntN(3) {
		case 0: // insert
			return append(r[:i:i], append([]rune{c}, r[i:]...)...)
		case 1: // delete
			if i < len(r) {
				return append(r[:i:i], r[i+1:]...)
			}
		default: // substitute
			if i < len(r) {
				s := append([]rune(nil), r...)
				s[i] = c
				return s
			}
		}
		return r
	}
	for n := 0; n < 20000; n++ {
		k := indexKeyAt(rng.IntN(indexLen()))
		r := []rune(k)
		for e := rng.IntN(2) + 1; e > 0; e-- {
			r = edit(r)
		}
		if d := editDistance([]rune(k), string(r), 2); d <= 2 && bits.OnesCount64(runeMask(k)^runeMask(string(r))) > 4 {
			t.Fatalf("%q and %q are %d edits apart but their masks differ in more than 4 bits", k, string(r), d)
		}
	}
}

func indexKeyAt(e int) string {
	k, _ := indexEntry(e)
	return k
}

// allPlaces returns every place of g, hidden ones too, by index.
func allPlaces(g *Gazetteer) []Place {
	out := make([]Place, g.size())
	for i := range out {
		out[i] = *g.place(int32(i))
	}
	return out
}
