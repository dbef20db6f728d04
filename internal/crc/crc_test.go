package crc

import "testing"

func TestAppendTrim(t *testing.T) {
	for _, body := range []string{"", "a", "mapsite stamp 1\n0123456789"} {
		b := Append([]byte(body))
		if got, ok := Trim(b); !ok || string(got) != body {
			t.Errorf("Trim(Append(%q)) = %q, %v", body, got, ok)
		}
		for i := range b {
			bad := append([]byte(nil), b...)
			bad[i] ^= 1
			if _, ok := Trim(bad); ok {
				t.Errorf("%q with byte %d changed passes", body, i)
			}
		}
	}
	if _, ok := Trim([]byte{1, 2, 3}); ok {
		t.Error("3 bytes pass")
	}
}
