package basemap

import (
	"reflect"
	"testing"
)

// TestPreparedRoundTrip: a site's prepared base map reads back as
// ForSite made it, scripts, labels and locators, and a damaged or
// truncated one is refused.
func TestPreparedRoundTrip(t *testing.T) {
	b := bundled(t)
	s, marks := benchMarks()
	scripts, loc := b.ForSite(s, "street.pmtiles")
	labelCells := 0
	for p := range scripts.Cells {
		if !isOutline(p) {
			labelCells++
		}
	}
	if labelCells == 0 || len(loc.all) == 0 {
		t.Fatalf("the site has %d label cells and %d labels: nothing to store", labelCells, len(loc.all))
	}
	data := b.AppendPrepared(nil, scripts, loc, 0)
	got, gotLoc, err := b.DecodePrepared(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, scripts) {
		t.Errorf("the scripts read back differ (%d cells, want %d)", len(got.Cells), len(scripts.Cells))
	}
	if !reflect.DeepEqual(gotLoc.all, loc.all) {
		t.Error("the labels read back differ")
	}
	for i := 0; i < len(marks); i += 50 {
		if a, b := gotLoc.SVG(marks[i]), loc.SVG(marks[i]); a != b {
			t.Fatalf("the locator of %v differs", marks[i])
		}
	}
	for _, bad := range [][]byte{nil, data[:len(data)-1], append(data[:len(data):len(data)], 0), data[1:]} {
		if _, _, err := b.DecodePrepared(bad); err == nil {
			t.Errorf("DecodePrepared of %d bytes (of %d) succeeded", len(bad), len(data))
		}
	}
}
