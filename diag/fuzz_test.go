package diag

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzPrintable checks that Printable's output is UTF-8 with nothing a
// terminal would act on, and leaves safe text alone.
func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"plain", "\x1b]0;t\x07", "a\nb\r", "\u202e", "\xff", "İstanbul\t", "\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := Printable(s)
		if !utf8.ValidString(p) {
			t.Fatalf("Printable(%q) = %q, not UTF-8", s, p)
		}
		for _, r := range p {
			if unsafeRune(r) {
				t.Fatalf("Printable(%q) = %q holds %U", s, p, r)
			}
		}
		if isPrintable(s) && p != s {
			t.Fatalf("Printable(%q) = %q changed safe text", s, p)
		}
		if !strings.Contains(s, `\`) && isPrintable(s) != (p == s) {
			t.Fatalf("Printable(%q) = %q", s, p)
		}
	})
}
