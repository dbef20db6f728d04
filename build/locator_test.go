package build

import (
	"testing"

	"github.com/mapsite/mapsite/basemap"
)

// TestLocatorsShareBodies checks that every record's locator is the one
// basemap draws for its mark, that the records sharing a point and zoom
// share one body, kept only until the last of them has taken it and drawn
// again when asked once more, and that pageOrder puts them together.
func TestLocatorsShareBodies(t *testing.T) {
	m, _, _ := renderSetup(t, synthSite(t, 300))
	l := m.locators
	if len(l.views) >= len(m.Records) {
		t.Fatalf("%d views for %d records: no two share one", len(l.views), len(m.Records))
	}
	order := m.pageOrder()
	seen := map[*locatorBody]bool{}
	var last *locatorBody
	for _, i := range order {
		rv := m.Records[i]
		lm := struct {
			mark basemap.Mark
			body *locatorBody
		}{locatorMark(rv), rv.locator}
		if lm.body != last && seen[lm.body] {
			t.Fatalf("pageOrder: %s comes apart from the other records at its point and zoom", rv.ID)
		}
		seen[lm.body], last = true, lm.body
		if got, want := string(m.Locator(rv.ID)), l.loc.SVG(lm.mark); got != want {
			t.Fatalf("%s: locator differs from basemap's\n got %.200q\nwant %.200q", rv.ID, got, want)
		}
		if lm.body.left == 0 && lm.body.svg != "" {
			t.Fatalf("%s: a body is kept after its last record took it", rv.ID)
		}
		if lm.body.left > 0 && lm.body.svg == "" {
			t.Fatalf("%s: a body is not kept for the records still to take it", rv.ID)
		}
	}
	if len(seen) != len(l.views) {
		t.Errorf("pageOrder: %d views, want %d", len(seen), len(l.views))
	}
	// Rendered twice (as TestFastPathMatchesTemplates does): the same.
	rv := m.Records[order[0]]
	want := l.loc.SVG(locatorMark(rv))
	if got := string(m.appendLocator([]byte("x"), rv.ID)); got != "x"+want {
		t.Errorf("a locator taken again differs")
	}
	if got := m.Locator("no-such-record"); got != "" {
		t.Errorf("a record with no mark has the locator %q", got)
	}
}

// TestLocatorBodyShared checks that the body of a locator depends only on
// its point and zoom, and that the whole is made of it (see Body).
func TestLocatorBodyShared(t *testing.T) {
	base, err := basemap.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	loc := base.Locators(basemap.Site{Language: "en"})
	a := basemap.Mark{Lon: 28.97, Lat: 41.01, Zoom: 8, Color: "#aa0000", Solid: true, Label: "Istanbul"}
	b := basemap.Mark{Lon: 28.97, Lat: 41.01, Zoom: 8, Color: "#0000aa", WholeArea: true, Label: "<Türkiye>"}
	if loc.Body(a) != loc.Body(b) {
		t.Error("two marks at one point and zoom have different bodies")
	}
	if got, want := string(basemap.AppendLocator(nil, b, loc.Body(a))), loc.SVG(b); got != want {
		t.Errorf("AppendLocator with a shared body:\n got %.200q\nwant %.200q", got, want)
	}
	c := a
	c.Zoom = 10
	if loc.Body(c) == loc.Body(a) {
		t.Error("two zooms have the same body")
	}
}
