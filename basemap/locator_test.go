package basemap

import (
	"encoding/xml"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
)

// TestTrimmedClipsAlike checks that clipping a trimmed polygon gives what
// clipping the whole polygon gives, point for point: on the land of the
// base map in the views of random locators at every zoom, and on random
// rings that wander in and out of a view.
func TestTrimmedClipsAlike(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	check := func(view orb.Bound, p orb.Polygon) {
		t.Helper()
		want := clip.Polygon(view, p.Clone())
		got := clip.Polygon(view, trimmed(view, p))
		if !slices.EqualFunc(got, want, func(a, b orb.Ring) bool { return slices.Equal(a, b) }) {
			t.Fatalf("view %v: clipping the trimmed polygon differs from clipping the whole: %d rings of %d points, want %d of %d",
				view, len(got), points(got), len(want), points(want))
		}
	}
	loc := bundled(t).Locators(Site{Language: "en"})
	trims := 0
	for range 400 {
		z := []int{4, 6, 8, 10, 11}[r.IntN(5)]
		lon, lat := -180+r.Float64()*360, -60+r.Float64()*130
		w, h := 360/float64(int(1)<<z)*1.25, 180/float64(int(1)<<z)*0.75
		view := orb.Bound{Min: orb.Point{lon - w/2, lat - h/2}, Max: orb.Point{lon + w/2, lat + h/2}}
		for _, p := range loc.land(z, view) {
			check(view, p)
			if n, m := points(p), points(trimmed(view, p)); m < n {
				trims++
			}
		}
	}
	if trims < 100 {
		t.Fatalf("only %d polygons of land were trimmed: the test does not exercise trimmed", trims)
	}
	view := orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{1, 1}}
	for range 20000 {
		ring := orb.Ring{}
		pt := orb.Point{r.NormFloat64() * 2, r.NormFloat64() * 2}
		for range 3 + r.IntN(40) {
			ring = append(ring, pt)
			pt = orb.Point{pt[0] + r.NormFloat64(), pt[1] + r.NormFloat64()}
			if r.IntN(8) == 0 { // on a side of the view
				pt[r.IntN(2)] = float64(2*r.IntN(2) - 1)
			}
		}
		if r.IntN(2) == 0 {
			ring = append(ring, ring[0])
		}
		check(view, orb.Polygon{ring, ring.Clone()})
	}
}

// points counts the points of p's rings.
func points(p orb.Polygon) int {
	n := 0
	for _, r := range p {
		n += len(r)
	}
	return n
}

// TestLandFile checks that a locator whose land is in a file shows it by
// an image covering the outline's extent, keeps its names and marker
// inline, and that the file is a standalone SVG of the same outline.
func TestLandFile(t *testing.T) {
	loc := bundled(t).Locators(Site{Language: "en"})
	m := Mark{Lon: 10.37, Lat: 51.09, Zoom: LocatorZoom("country"), Color: "#CC79A7", WholeArea: true, Label: "Germany"}
	body := loc.Body(m)
	if len(body.Land) < 2<<10 {
		t.Fatalf("Germany's land is %d bytes: the test wants a large outline", len(body.Land))
	}
	svg := string(AppendLocator(nil, m, body, "../../assets/locators/x&y.svg"))
	for _, want := range []string{
		`<image href="../../assets/locators/x&amp;y.svg" x="-8" y="-8" width="336" height="206"/>`,
		`aria-label="Locator map: Germany"`, body.Places, `class="whole" stroke="#CC79A7"`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("locator lacks %q:\n%.300s", want, svg)
		}
	}
	if strings.Contains(svg, body.Land) || strings.Contains(svg, `class="land"`) {
		t.Error("a locator with a land file draws the land inline too")
	}
	var file struct {
		XMLName xml.Name
		ViewBox string `xml:"viewBox,attr"`
		Rect    struct {
			Fill string `xml:"fill,attr"`
		} `xml:"rect"`
		Path struct {
			D    string `xml:"d,attr"`
			Fill string `xml:"fill,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal(LandFile(body.Land), &file); err != nil {
		t.Fatal(err)
	}
	if file.XMLName.Space != "http://www.w3.org/2000/svg" || file.XMLName.Local != "svg" || file.ViewBox != "-8 -8 336 206" {
		t.Errorf("land file: root %v, viewBox %q", file.XMLName, file.ViewBox)
	}
	if file.Path.D != body.Land || file.Path.Fill != colorLand || file.Rect.Fill != colorSea {
		t.Errorf("land file: path fill %q, rect fill %q, outline the same: %v", file.Path.Fill, file.Rect.Fill, file.Path.D == body.Land)
	}
}
