package geo

import (
	"strings"
	"testing"
)

func TestInCountryCuratedPlaces(t *testing.T) {
	g := bundledT(t)
	n := 0
	for _, p := range allPlaces(g) {
		if !strings.HasPrefix(p.ID, "curated:") {
			continue
		}
		n++
		in, known := InCountry(p.Country, p.Lon, p.Lat)
		if !known || !in {
			t.Errorf("InCountry(%s, %v, %v) for %s = %v, %v; want true, true", p.Country, p.Lon, p.Lat, p.ID, in, known)
		}
		// A swapped lon/lat is the common mistake; it must be caught.
		if in, _ := InCountry(p.Country, p.Lat, p.Lon); in {
			t.Errorf("InCountry(%s) with swapped lon/lat for %s = true", p.Country, p.ID)
		}
	}
	if n < 10 {
		t.Errorf("only %d curated places", n)
	}
}

func TestInCountry(t *testing.T) {
	tests := []struct {
		cc        string
		lon, lat  float64
		in, known bool
	}{
		{"TR", 28.97, 41.01, true, true},  // İstanbul
		{"IR", 57.08, 30.28, true, true},  // Kerman
		{"TR", 57.08, 30.28, false, true}, // Kerman is not in Turkey
		{"GB", -0.08, 51.5, true, true},   // London
		{"FR", -0.08, 51.5, false, true},  // nor in France
		{"tr", 29.0, 41.0, true, true},    // lower-case code
		{"ZZ", 0, 0, false, false},        // no outline
		{"ES", -3.7, 95, false, true},     // impossible latitude
		{"GR", 23.73, 37.98, true, true},  // Athens
		{"IT", 12.45, 41.90, true, true},  // Rome, around the Vatican hole
		{"RU", 37.39028, 55.82583, true, true},
	}
	for _, tt := range tests {
		in, known := InCountry(tt.cc, tt.lon, tt.lat)
		if in != tt.in || known != tt.known {
			t.Errorf("InCountry(%q, %v, %v) = %v, %v; want %v, %v", tt.cc, tt.lon, tt.lat, in, known, tt.in, tt.known)
		}
	}
}

// TestInCountryCities measures the outlines against GeoNames: nearly every
// city must fall inside its own country.
func TestInCountryCities(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	g := bundledT(t)
	var total, out, unknown int
	for i, p := range allPlaces(g) {
		if i%20 != 0 || !strings.HasPrefix(p.ID, "geonames:") {
			continue
		}
		total++
		in, known := InCountry(p.Country, p.Lon, p.Lat)
		switch {
		case !known:
			unknown++
		case !in:
			out++
		}
	}
	t.Logf("sample of %d GeoNames cities: %d outside their outline, %d without one", total, out, unknown)
	if float64(out) > 0.01*float64(total) {
		t.Errorf("%d of %d cities fall outside their country", out, total)
	}
}

// TestOutlinesIndex checks the index of the outlines, whose countries are
// decoded when first asked for: every country decodes, using all of its
// bytes, and data cut short anywhere in its last country is refused.
func TestOutlinesIndex(t *testing.T) {
	data := outlinesBin
	idx, err := indexOutlines(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(idx) < 200 {
		t.Fatalf("%d countries", len(idx))
	}
	size := 0
	for cc, c := range idx {
		polys, err := c.polygons()
		if err != nil || len(polys) == 0 {
			t.Errorf("%s: %d polygons, %v", cc, len(polys), err)
		}
		for _, s := range c.spans {
			size += len(s.data)
		}
	}
	// What is not a country's polygons: the header, and each entry's code
	// and count of polygons.
	if rest := len(data) - size; rest <= 0 || rest > 4+3+len(idx)*(2+3) {
		t.Errorf("the countries' polygons take %d of %d bytes", size, len(data))
	}
	for _, cut := range []int{1, 2, 100, 1000} {
		if _, err := indexOutlines(data[:len(data)-cut]); err == nil {
			t.Errorf("the outlines cut %d bytes short were taken", cut)
		}
	}
}
