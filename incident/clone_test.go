package incident

import (
	"reflect"
	"testing"
	"time"
)

// TestCloneSharesNothing fills every field of a Record and checks that its
// Clone is equal and shares no memory that either could change: a field of
// a reference kind added to Record later fails here until Clone copies it.
func TestCloneSharesNothing(t *testing.T) {
	date, err := ParseDate("2024-01-03")
	if err != nil {
		t.Fatal(err)
	}
	r := &Record{
		ID: "a", Layer: "attack", Date: date, Title: "t", Place: "p", Country: "IR",
		Coordinates: &[2]float64{57, 30}, Counts: Counts{Killed: ExactCount(3)},
		Note: "n", Attribution: "claimed", Perpetrator: "x", Summary: "s",
		Related: []string{"b"}, Tags: []string{"t1", "t2"},
		Sources: []Source{{Title: "s", URL: "https://example.org/", Published: DateOf(time.Date(2024, 4, 30, 0, 0, 0, 0, time.UTC))}},
		File:    "data/a.toml", Line: 3,
		Location: Location{Lon: 57, Lat: 30, PlaceID: "geonames:1", Matched: "Kerman"},
	}
	c := r.Clone()
	if !reflect.DeepEqual(r, c) {
		t.Fatalf("Clone = %+v, want %+v", c, r)
	}
	rv, cv := reflect.ValueOf(r).Elem(), reflect.ValueOf(c).Elem()
	for i := range rv.NumField() {
		f := rv.Type().Field(i)
		switch f.Type.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map:
			if rv.Field(i).IsNil() {
				t.Errorf("field %s is not filled in by the test", f.Name)
			} else if rv.Field(i).UnsafePointer() == cv.Field(i).UnsafePointer() {
				t.Errorf("Clone shares field %s with the original", f.Name)
			}
		case reflect.Chan, reflect.Func, reflect.Interface:
			t.Errorf("field %s has kind %s, which Clone does not know how to copy", f.Name, f.Type.Kind())
		}
	}
	// Empty and nil slices stay as they were.
	r.Tags, r.Related = []string{}, nil
	if c := r.Clone(); c.Tags == nil || c.Related != nil {
		t.Errorf("Clone turned Tags %#v into %#v, Related %#v into %#v", r.Tags, c.Tags, r.Related, c.Related)
	}
}
