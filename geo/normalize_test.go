package geo

import (
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"İstanbul", "istanbul"},
		{"ISTANBUL", "istanbul"},
		{"Sarıyer", "sariyer"},
		{"SARIYER", "sariyer"},
		{"Başakşehir", "basaksehir"},
		{"Köln", "koln"},
		{"Łódź", "lodz"},
		{"Ørsta", "orsta"},
		{"Straße", "strasse"},
		{"Ærø", "aero"},
		{"Đakovo", "dakovo"},
		{"Martyrs' Cemetery", "martyrs cemetery"},
		{"St. Stephen’s Cathedral", "saint stephens cathedral"},
		{"Saint-Denis", "saint denis"},
		{"Shah-e Cheragh", "shah e cheragh"},
		{"  Golzar-e  Shohada ", "golzar e shohada"},
		{"The Hague", "hague"},
		{"ﬁnal", "final"}, // NFKC
		{"Москва", "москва"},
		{"Main St", "main st"},
		{"", ""},
		{"!!!", ""},
		{"The the Hague", "hague"},
		// Persian and Arabic.
		{"كرمان", "کرمان"},                  // Arabic kaf and yeh fold to the Persian letters
		{"کرمان", "کرمان"},                  // already Persian
		{"كـرمـان", "کرمان"},                // tatweel dropped
		{"مُحَمَّد", "محمد"},                // harakat dropped
		{"استان\u200cکرمان", "استان کرمان"}, // ZWNJ separates like a space
		{"أصفهان", "اصفهان"},                // hamza on alef dropped
		{"آبادان", "ابادان"},                // madda dropped
		{"ولاية", "ولایه"},                  // teh marbuta to heh, Arabic yeh to Persian yeh
		{"۱۳۴۲", "1342"},                    // Persian digits
		{"٢٠٢٤", "2024"},                    // Arabic-Indic digits
		{"Керман", "керман"},
		{"Kermanshah", "kermanshah"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"İstanbul", "Martyrs'", "St. x", "ǅ", "\xff", "the the", "the the x",
		"استان\u200cکرمان", "كرمانـ", "مُحَمَّد", "۱۲۳", "Керман", "ﷺ", "ﻙ", "st st st"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Normalize(s)
		if k2 := Normalize(k); k2 != k {
			t.Errorf("Normalize not idempotent: Normalize(%q) = %q, Normalize(%q) = %q", s, k, k, k2)
		}
		if !utf8.ValidString(k) && utf8.ValidString(s) {
			t.Errorf("Normalize(%q) = %q, not valid UTF-8", s, k)
		}
		if len(k) > 0 && (k[0] == ' ' || k[len(k)-1] == ' ') {
			t.Errorf("Normalize(%q) = %q has outer spaces", s, k)
		}
	})
}

func FuzzResolve(f *testing.F) {
	g, err := Bundled()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"Kerman", "Sarıyer, Istanbul", ",,,", "Basaksehr", "x, y, z, Turkey"} {
		f.Add(s, "")
		f.Add(s, "TR")
	}
	f.Fuzz(func(t *testing.T, text, cc string) {
		r, err := g.Resolve(Query{Text: text, Country: cc})
		if err == nil && r.Place.ID == "" {
			t.Errorf("Resolve(%q, %q) returned an empty place and no error", text, cc)
		}
	})
}
