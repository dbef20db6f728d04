package site

import (
	"fmt"
	"regexp"
	"strings"
)

// Config is a site's site.toml.
type Config struct {
	Title        string        `toml:"title"`
	Description  string        `toml:"description"`
	Language     string        `toml:"language"`
	BaseURL      string        `toml:"base_url"`
	Author       string        `toml:"author"`
	About        About         `toml:"about"`
	Map          MapConfig     `toml:"map"`
	Layers       []Layer       `toml:"layer"`
	Attributions []Attribution `toml:"attribution"`
}

// About is the text of the about page.
type About struct {
	Methodology string `toml:"methodology"` // paragraphs separated by blank lines
	License     string `toml:"license"`     // the data's licence, e.g. "CC BY 4.0"
	Credits     string `toml:"credits"`
}

// MapConfig sets the map's initial view and optional tile layers.
type MapConfig struct {
	Center [2]float64 `toml:"center"` // [lon, lat]; zero fits the data
	Zoom   int        `toml:"zoom"`
	Tiles  []Tiles    `toml:"tiles"`
}

// Tiles is a raster tile layer the site offers besides the offline outlines.
// Configuring one makes readers' browsers request tiles from its host.
type Tiles struct {
	Name        string `toml:"name" json:"name"`
	URL         string `toml:"url" json:"url"` // e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
	Attribution string `toml:"attribution" json:"attribution"`
	MaxZoom     int    `toml:"max_zoom" json:"max_zoom,omitempty"`
}

// Layer is a kind of record drawn as its own overlay.
type Layer struct {
	Key         string `toml:"key"`
	Name        string `toml:"name"`
	Description string `toml:"description"`
	Color       string `toml:"color"`  // "#rrggbb"
	Symbol      string `toml:"symbol"` // one of Symbols
}

// Symbols are the marker shapes a layer may use.
var Symbols = []string{"circle", "square", "triangle", "diamond", "star"}

// Attribution is one value of the attribution vocabulary: how sure the
// sources are of who did it.
type Attribution struct {
	Key         string `toml:"key"`
	Label       string `toml:"label"`
	Description string `toml:"description"`
}

// Layer returns the layer with key k.
func (c *Config) Layer(k string) (Layer, bool) {
	for _, l := range c.Layers {
		if l.Key == k {
			return l, true
		}
	}
	return Layer{}, false
}

// Attribution returns the attribution value with key k.
func (c *Config) Attribution(k string) (Attribution, bool) {
	for _, a := range c.Attributions {
		if a.Key == k {
			return a, true
		}
	}
	return Attribution{}, false
}

func (c *Config) layerKeys() string {
	keys := make([]string, len(c.Layers))
	for i, l := range c.Layers {
		keys[i] = l.Key
	}
	return strings.Join(keys, ", ")
}

func (c *Config) attributionKeys() string {
	keys := make([]string, len(c.Attributions))
	for i, a := range c.Attributions {
		keys[i] = a.Key
	}
	return strings.Join(keys, ", ")
}

var (
	colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	keyRE   = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
)

// problem is a config error before positions are attached.
type problem struct {
	path, field, msg string
}

// validate checks the config's values; positions are added by the caller.
func (c *Config) validate() []problem {
	var ps []problem
	add := func(path, field, format string, args ...any) {
		ps = append(ps, problem{path, field, fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(c.Title) == "" {
		add("title", "title", `missing: give the site a title, e.g. title = "Incident map"`)
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "https://") && !strings.HasPrefix(c.BaseURL, "http://") {
		add("base_url", "base_url", "%q is not an http(s) URL", c.BaseURL)
	}
	if len(c.Layers) == 0 {
		add("layer", "layer", `no layers: define at least one [[layer]] with key, name and color`)
	}
	seen := map[string]bool{}
	for i, l := range c.Layers {
		p := fmt.Sprintf("layer[%d]", i)
		switch {
		case !keyRE.MatchString(l.Key):
			add(p+".key", "key", "layer key %q must be lower-case letters, digits and '-', starting with a letter", l.Key)
		case l.Key == "all" || l.Key == "links":
			add(p+".key", "key", "layer key %q is reserved for the combined outputs; choose another", l.Key)
		case seen[l.Key]:
			add(p+".key", "key", "layer %q is defined twice", l.Key)
		}
		seen[l.Key] = true
		if l.Name == "" {
			add(p, "name", "layer %q has no name", l.Key)
		}
		if !colorRE.MatchString(l.Color) {
			add(p+".color", "color", "layer %q: color %q must be #rrggbb", l.Key, l.Color)
		}
		if l.Symbol != "" && !contains(Symbols, l.Symbol) {
			add(p+".symbol", "symbol", "layer %q: unknown symbol %q (use one of %s)", l.Key, l.Symbol, strings.Join(Symbols, ", "))
		}
	}
	if len(c.Attributions) == 0 {
		add("attribution", "attribution", "no attribution vocabulary: define [[attribution]] entries (e.g. claimed, attributed, suspected, disputed)")
	}
	seen = map[string]bool{}
	for i, a := range c.Attributions {
		p := fmt.Sprintf("attribution[%d]", i)
		if !keyRE.MatchString(a.Key) {
			add(p+".key", "key", "attribution key %q must be lower-case letters, digits and '-'", a.Key)
		} else if seen[a.Key] {
			add(p+".key", "key", "attribution %q is defined twice", a.Key)
		}
		seen[a.Key] = true
		if a.Label == "" {
			add(p, "label", "attribution %q has no label", a.Key)
		}
	}
	for i, t := range c.Map.Tiles {
		p := fmt.Sprintf("map.tiles[%d]", i)
		if !strings.HasPrefix(t.URL, "https://") && !strings.HasPrefix(t.URL, "http://") || !strings.Contains(t.URL, "{z}") {
			add(p+".url", "url", "tile URL %q must be http(s) with {z}, {x} and {y}", t.URL)
		}
		if t.Attribution == "" {
			add(p, "attribution", "tiles %q need an attribution (the tile provider's terms require one)", t.Name)
		}
	}
	if lon, lat := c.Map.Center[0], c.Map.Center[1]; lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		add("map.center", "center", "center [%g, %g] is not [lon, lat]", lon, lat)
	}
	return ps
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
