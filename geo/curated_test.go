package geo

import (
	"reflect"
	"testing"
)

// TestParseCuratedFast checks that the tomlfast path gives what BurntSushi
// gives for places/curated.toml and for small files, and declines the files
// it cannot read as curatedTable would (BurntSushi then words the error).
func TestParseCuratedFast(t *testing.T) {
	bundledText, err := files.ReadFile("places/curated.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, text string
		fast       bool // tomlfast reads it
		bad        bool // BurntSushi gives an error
	}{
		{"bundled", string(bundledText), true, false},
		{"empty", "", true, false},
		{"full", `[[place]]
id = "curated:x"
name = "X"
aliases = ["Y", "Z"]
country = "TR"
parent = "country:TR"
precision = "venue"
lat = 41.5
lon = -29.25
population = 12
admin1 = "34"
source = "s"
`, true, false},
		{"partial", "[[place]]\nid = \"geonames:745044\"\naliases = []\n\n[[place]]\nid = \"geonames:1\"\nname = \"N\"\n", true, false},
		{"integer lat", "[[place]]\nid = \"a\"\nlat = 41\n", false, false},
		{"string population", "[[place]]\nid = \"a\"\npopulation = \"12\"\n", false, true},
		{"number alias", "[[place]]\nid = \"a\"\naliases = [\"b\", 1]\n", false, true},
		{"unknown key", "[[place]]\nid = \"a\"\ncolour = \"red\"\n", false, true},
		{"other table", "[[spot]]\nid = \"a\"\n", false, true},
		{"bad precision", "[[place]]\nid = \"a\"\nprecision = \"galaxy\"\n", false, true},
		{"syntax", "[[place]]\nid = \n", false, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fast, ok := parseCuratedFast(tt.text)
			if ok != tt.fast {
				t.Fatalf("parseCuratedFast ok = %v, want %v", ok, tt.fast)
			}
			slow, err := parseCuratedTOML([]byte(tt.text))
			if (err != nil) != tt.bad {
				t.Fatalf("BurntSushi: %v", err)
			}
			if !ok || tt.bad {
				return
			}
			if len(fast) != len(slow) {
				t.Fatalf("%d entries, BurntSushi %d", len(fast), len(slow))
			}
			for i := range fast {
				a, b := fast[i], slow[i]
				if len(a.place.Aliases) == 0 && len(b.place.Aliases) == 0 {
					a.place.Aliases, b.place.Aliases = nil, nil // [] and nil are alike here
				}
				if !reflect.DeepEqual(a, b) {
					t.Errorf("entry %d: fast %+v\nBurntSushi %+v", i+1, a, b)
				}
			}
		})
	}
}
