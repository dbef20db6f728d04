package build

import (
	"encoding/json"
	"math"
	"testing"
)

// TestJSONEncodersMatchEncodingJSON checks the hand-written encoders
// against encoding/json on the values that need care.
func TestJSONEncodersMatchEncodingJSON(t *testing.T) {
	strs := []string{"", "plain", `quote " and \ backslash`, "<script>&amp;</script>", "tab\tnew\nline\rret",
		"\x00\x01\x1f\x7f\b\f", "İstanbul – Москва", "line\u2028sep\u2029", "bad \xff utf-8 \xc3", "emoji 🙂"}
	for _, s := range strs {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
	floats := []float64{0, 1, -1, 28.9497, -0.000001, 0.0000001, 57.078812, 1e21, 123456789.125, math.Copysign(0, -1)}
	for _, f := range floats {
		want, _ := json.Marshal(f)
		if got := appendFloat(nil, f); string(got) != string(want) {
			t.Errorf("appendFloat(%v) = %s, want %s", f, got, want)
		}
	}
	list := []string{"a", "<b>"}
	want, _ := json.Marshal(list)
	if got := appendStrings(nil, list); string(got) != string(want) {
		t.Errorf("appendStrings = %s, want %s", got, want)
	}
}

// FuzzAppendString compares appendString with encoding/json on any input.
func FuzzAppendString(f *testing.F) {
	f.Add("<&>\u2028\xff")
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); string(got) != string(want) {
			t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
		}
	})
}
