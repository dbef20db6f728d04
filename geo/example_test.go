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
