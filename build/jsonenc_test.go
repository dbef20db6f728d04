package build

import (
	"encoding/binary"
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

// TestPlain8 checks plain8 against the byte-wise test on every byte value
// at every place of a word, and on every pair of byte values at every
// pair of places among plain bytes, and appendString against
// encoding/json on each byte value at each place in a longer string.
func TestPlain8(t *testing.T) {
	needs := func(c byte) bool {
		return c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&'
	}
	word := func(b [8]byte) uint64 { return binary.LittleEndian.Uint64(b[:]) }
	for _, fill := range []byte{'a', ' ', '!', '#', '%', '\'', ';', '=', '?', '[', ']', '~', 0x7f} {
		for c := range 256 {
			for p := range 8 {
				var w [8]byte
				for i := range w {
					w[i] = fill
				}
				w[p] = byte(c)
				if got, want := plain8(word(w)), !needs(byte(c)); got != want {
					t.Fatalf("plain8(%q) = %v, want %v", w, got, want)
				}
			}
		}
	}
	for c1 := range 256 {
		for c2 := range 256 {
			for p1 := range 8 {
				for p2 := p1 + 1; p2 < 8; p2++ {
					w := [8]byte{'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'}
					w[p1], w[p2] = byte(c1), byte(c2)
					if got, want := plain8(word(w)), !needs(byte(c1)) && !needs(byte(c2)); got != want {
						t.Fatalf("plain8(%q) = %v, want %v", w, got, want)
					}
				}
			}
		}
	}
	for c := range 256 {
		for p := range 24 {
			b := []byte("a plain sentence of some length")
			b[p] = byte(c)
			s := string(b)
			want, _ := json.Marshal(s)
			if got := appendString(nil, s); string(got) != string(want) {
				t.Fatalf("appendString(%q) = %s, want %s", s, got, want)
			}
		}
	}
}
