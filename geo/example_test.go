package geo_test

import (
	"fmt"

	"github.com/mapsite/mapsite/geo"
)

func ExampleGazetteer_Resolve() {
	g, err := geo.Bundled()
	if err != nil {
		panic(err)
	}
	r, err := g.Resolve(geo.Query{Text: "Sarıyer, Istanbul", Country: "TR"})
	if err != nil {
		panic(err)
	}
	fmt.Println(g.Label(r.Place), r.Place.Precision, r.Place.ID)
	for _, p := range r.Chain {
		fmt.Println("  in", p.Name, p.Precision)
	}
	_, err = g.Resolve(geo.Query{Text: "Basaksehr", Country: "TR"})
	fmt.Println(err)
	// Output:
	// Sarıyer, İstanbul, TR district curated:sariyer
	//   in İstanbul city
	//   in İstanbul region
	//   in Turkey country
	// unknown place "Basaksehr" (did you mean "Başakşehir, İstanbul, TR"?)
}

// The regions carry their capital's point, their ISO 3166-2 code where the
// CLDR join found one, and their other names, for map labels.
func ExampleGazetteer_Regions() {
	g, err := geo.Bundled()
	if err != nil {
		panic(err)
	}
	for r := range g.Regions() {
		if r.ID == "admin1:RU.17" {
			fmt.Println(r.Name, r.Country, r.ISO, r.Lat, r.Lon)
			fmt.Println(r.Names)
		}
	}
	r, _ := g.Resolve(geo.Query{Text: "Derbent, Dagestan"})
	fmt.Println(g.Label(r.Place), r.Place.Precision)
	// Output:
	// Dagestan RU RU-DA 42.97638 47.50236
	// [Дагестан Республика Дагестан Daghestan Dağıstan]
	// Derbent, Dagestan, RU city
}
