package geo

import "iter"

// Places yields every place of the gazetteer (countries, GeoNames cities
// and curated places, with a site's own places), in no particular order.
// The base map draws its labels from it.
func (g *Gazetteer) Places() iter.Seq[Place] {
	return func(yield func(Place) bool) {
		for i := range g.size() {
			if g.hidden[i] {
				continue
			}
			if !yield(*g.place(i)) {
				return
			}
		}
	}
}
