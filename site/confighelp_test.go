package site

import (
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// TestConfigKeyHelp checks what an unknown key of site.toml is told: the
// closest key of its own table, never the key itself; else what its
// table takes, or at the top level where the key belongs.
func TestConfigKeyHelp(t *testing.T) {
	for _, tc := range []struct {
		key  toml.Key
		want string
	}{
		{toml.Key{"titel"}, ` (did you mean "title"?)`},
		{toml.Key{"layer", "colour"}, ` (did you mean "color"?)`},
		{toml.Key{"layer", "label"}, `; [[layer]] takes key, name, description, color, symbol`},
		{toml.Key{"attribution", "labl"}, ` (did you mean "label"?)`},
		{toml.Key{"zoom"}, ` ("zoom" belongs in [map])`},
		{toml.Key{"map", "vector_tile"}, ` (did you mean "vector_tiles"?)`},
		{toml.Key{"map", "basemaps"}, ` (did you mean "basemap"?)`},
		{toml.Key{"map", "tiles", "maxzoom"}, ` (did you mean "max_zoom"?)`},
		{toml.Key{"about", "key"}, `; [about] takes methodology, license, credits`},
		{toml.Key{"key"}, ` ("key" belongs in [[layer]] or [[attribution]])`},
		{toml.Key{"meta", "info"}, ``},
		{toml.Key{"map", "center", "x"}, ``},
	} {
		if got := configKeyHelp(tc.key); got != tc.want {
			t.Errorf("configKeyHelp(%s) = %q, want %q", tc.key, got, tc.want)
		}
	}
}

// TestConfigKeyHelpCoversConfig checks that every key Config takes is
// known, so a typo of a new key is helped too.
func TestConfigKeyHelpCoversConfig(t *testing.T) {
	for _, k := range []string{"basemap", "vector_tiles", "vector_tiles_above", "max_zoom", "methodology", "symbol"} {
		if len(tablesWith(k)) == 0 {
			t.Errorf("tablesWith(%q) is empty", k)
		}
	}
	if got := tableName(toml.Key{"map", "tiles"}); !strings.HasPrefix(got, "[[") {
		t.Errorf("tableName(map.tiles) = %q, want an array of tables", got)
	}
}
