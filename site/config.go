package site

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mapsite/mapsite/diag"
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
	// Basemap is a PMTiles archive in the site folder (e.g. an
	// OpenStreetMap extract), copied to the output and drawn as a street
	// map; the offline map stays where it cannot be read.
	Basemap string `toml:"basemap"`
	// VectorTiles says where the map reads its records from: "auto" (the
	// default) means vector tiles when the site has more than
	// VectorTilesAbove records, one data script otherwise; "always" and
	// "never" decide whatever the number.
	VectorTiles string `toml:"vector_tiles"`
	// VectorTilesAbove is the number of records above which "auto" means
	// vector tiles; 0 means DefaultVectorTilesAbove.
	VectorTilesAbove int `toml:"vector_tiles_above"`
}

// DefaultVectorTilesAbove is the number of records above which the map
// reads its records from vector tiles, unless site.toml says otherwise.
const DefaultVectorTilesAbove = 100000

// UseVectorTiles says whether a site of n records has its map read them
// from vector tiles ([map] vector_tiles).
func (m MapConfig) UseVectorTiles(n int) bool {
	switch m.VectorTiles {
	case "always":
		return true
	case "never":
		return false
	}
	above := m.VectorTilesAbove
	if above == 0 {
		above = DefaultVectorTilesAbove
	}
	return n > above
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
	return listKeys(keys)
}

func (c *Config) attributionKeys() string {
	keys := make([]string, len(c.Attributions))
	for i, a := range c.Attributions {
		keys[i] = a.Key
	}
	return listKeys(keys)
}

// listKeys joins keys for a message, the first 20 of them.
func listKeys(keys []string) string {
	if len(keys) > 20 {
		return strings.Join(keys[:20], ", ") + fmt.Sprintf(" and %d more", len(keys)-20)
	}
	return strings.Join(keys, ", ")
}

var (
	colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)
	// basemapRE is a PMTiles file name in the site folder: the output keeps it at its root.
	basemapRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*\.pmtiles$`)
	keyRE     = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
)

// problem is a config error before positions are attached.
type problem struct {
	path, field, msg string
	sev              diag.Severity
}

// validate checks the config's values; positions are added by the caller.
func (c *Config) validate() []problem {
	var ps []problem
	add := func(path, field, format string, args ...any) {
		ps = append(ps, problem{path, field, fmt.Sprintf(format, args...), diag.Error})
	}
	if strings.TrimSpace(c.Title) == "" {
		add("title", "title", `missing: give the site a title, e.g. title = "Incident map"`)
	}
	if c.BaseURL != "" {
		if err := CheckBaseURL(c.BaseURL); errors.Is(err, errNoSlash) {
			ps = append(ps, problem{"base_url", "base_url", err.Error(), diag.Warning})
		} else if err != nil {
			add("base_url", "base_url", "%v", err)
		}
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
		if _, err := parseTileURL(t.URL); err != nil {
			add(p+".url", "url", "tile URL %q: %v", t.URL, err)
		}
		if t.Attribution == "" {
			add(p, "attribution", "tiles %q need an attribution (the tile provider's terms require one)", t.Name)
		}
	}
	for _, f := range c.texts() {
		if msg := textProblem(f.text, f.long); msg != "" {
			add(f.path, f.field, "%s", msg)
		}
	}
	if lon, lat := c.Map.Center[0], c.Map.Center[1]; lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		add("map.center", "center", "center [%g, %g] is not [lon, lat]", lon, lat)
	}
	if v := c.Map.VectorTiles; v != "" && v != "auto" && v != "always" && v != "never" {
		add("map.vector_tiles", "map.vector_tiles", "%q must be \"auto\", \"always\" or \"never\"", v)
	}
	if c.Map.VectorTilesAbove < 0 {
		add("map.vector_tiles_above", "map.vector_tiles_above", "%d is not a number of records", c.Map.VectorTilesAbove)
	}
	if b := c.Map.Basemap; b != "" && !basemapRE.MatchString(b) {
		add("map.basemap", "basemap", "basemap %q must name a .pmtiles file in the site folder, e.g. \"basemap.pmtiles\"", b)
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

// text is one text field of the config, for the control character check.
type text struct {
	path, field, text string
	long              bool // may hold paragraphs: tabs and newlines allowed
}

// texts lists every text field of c.
func (c *Config) texts() []text {
	ts := []text{
		{"title", "title", c.Title, false},
		{"description", "description", c.Description, true},
		{"language", "language", c.Language, false},
		{"base_url", "base_url", c.BaseURL, false},
		{"author", "author", c.Author, false},
		{"about.methodology", "about.methodology", c.About.Methodology, true},
		{"about.license", "about.license", c.About.License, false},
		{"about.credits", "about.credits", c.About.Credits, true},
	}
	for i, t := range c.Map.Tiles {
		p := fmt.Sprintf("map.tiles[%d].", i)
		ts = append(ts, text{p + "name", "name", t.Name, false}, text{p + "url", "url", t.URL, false},
			text{p + "attribution", "attribution", t.Attribution, false})
	}
	for i, l := range c.Layers {
		p := fmt.Sprintf("layer[%d].", i)
		ts = append(ts, text{p + "key", "key", l.Key, false}, text{p + "name", "name", l.Name, false},
			text{p + "description", "description", l.Description, true}, text{p + "color", "color", l.Color, false},
			text{p + "symbol", "symbol", l.Symbol, false})
	}
	for i, a := range c.Attributions {
		p := fmt.Sprintf("attribution[%d].", i)
		ts = append(ts, text{p + "key", "key", a.Key, false}, text{p + "label", "label", a.Label, false},
			text{p + "description", "description", a.Description, true})
	}
	return ts
}

// textProblem says what is wrong with a text field holding a control
// character, or returns "". Tabs and line breaks (LF or CRLF) are allowed in
// long texts, which may hold paragraphs, and nowhere else.
func textProblem(s string, long bool) string {
	for i := 0; i < len(s); {
		// Eight bytes at a time while all are printable ASCII, the usual
		// case (the summaries' bytes were a twentieth of a load's CPU).
		for i+8 <= len(s) && printable8(binary.LittleEndian.Uint64([]byte(s[i:i+8]))) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c >= 0x20 && c < 0x7f || long && (c == '\t' || c == '\n' || c == '\r' && strings.HasPrefix(s[i:], "\r\n")) {
			i++ // printable ASCII, the usual case, or a line break in a long text
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if r < 0x20 || r >= 0x7f && r < 0xa0 {
			where := "one-line text"
			if long {
				where = "text"
			}
			return fmt.Sprintf("control character %U at byte %d: a %s may not hold one; remove it", r, i, where)
		}
		i += size
	}
	return ""
}

// printable8 reports whether each of the eight bytes of x is printable
// ASCII, 0x20 to 0x7e. Each test is exact for "any byte of x" (a borrow
// only runs on from a byte that already matched).
func printable8(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	bad := x&highs | // past 0x7f
		(x-0x20*ones)&^x&highs | // below 0x20
		(x^0x7f*ones-ones)&^(x^0x7f*ones)&highs // 0x7f
	return bad == 0
}

// CheckBaseURL checks a site's base URL: absolute http(s), with a host and
// no user name, query or fragment, ending in "/". Its error says how to
// write it; only a missing final "/", which the build adds, wraps
// errNoSlash.
func CheckBaseURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("%q is not a URL: %v", s, urlReason(err))
	case u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.Opaque != "":
		return fmt.Errorf("%q is not an absolute http(s) URL, e.g. \"https://example.org/map/\"", s)
	case u.User != nil:
		return fmt.Errorf("%q holds a user name or password; leave them out", s)
	case u.RawQuery != "" || u.ForceQuery:
		return fmt.Errorf("%q has a query (?...); a base URL cannot, write %q", s, trimQuery(s))
	case u.Fragment != "" || strings.Contains(s, "#"):
		return fmt.Errorf("%q has a fragment (#...); a base URL cannot, write %q", s, trimQuery(s))
	case !strings.HasSuffix(u.Path, "/") && u.Path != "" || u.Path == "" && !strings.HasSuffix(s, "/"):
		return fmt.Errorf("%q %w: it is read as %q; write that", s, errNoSlash, s+"/")
	}
	return nil
}

// errNoSlash is the one base URL problem the build can fix itself, so it
// is a warning.
var errNoSlash = errors.New(`does not end in "/" (the site's pages are below it)`)

func trimQuery(s string) string {
	s, _, _ = strings.Cut(s, "#")
	s, _, _ = strings.Cut(s, "?")
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s
}

func urlReason(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// tilePlaceholders are the placeholders a tile URL template may use: {s}
// (a subdomain, in the host only), {z}, {x}, {y} (required) and {r} (the
// retina suffix).
var tilePlaceholders = []string{"{s}", "{z}", "{x}", "{y}", "{r}"}

var hostRE = regexp.MustCompile(`^(\{s\}\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$`)

// parseTileURL parses a tile URL template such as
// "https://{s}.tile.example.org/{z}/{x}/{y}.png" and returns the origin its
// tiles load from, for the Content Security Policy ("https://*.tile.example.org").
func parseTileURL(tmpl string) (origin string, err error) {
	scheme, rest, ok := strings.Cut(tmpl, "://")
	if !ok || scheme != "https" && scheme != "http" {
		return "", fmt.Errorf("must be an http(s) URL, e.g. \"https://tile.openstreetmap.org/{z}/{x}/{y}.png\"")
	}
	host, _, _ := strings.Cut(rest, "/")
	if !hostRE.MatchString(host) {
		return "", fmt.Errorf("host %q is not a host name (only {s} may stand for a subdomain, at its start)", host)
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(tmpl, p) {
			return "", fmt.Errorf("must hold {z}, {x} and {y}, which the map fills in")
		}
	}
	plain := tmpl
	for _, p := range tilePlaceholders {
		plain = strings.ReplaceAll(plain, p, "0")
	}
	if i := strings.IndexAny(plain, "{}"); i >= 0 {
		p := plain[i:]
		if j := strings.IndexByte(p, '}'); j >= 0 {
			p = p[:j+1]
		}
		return "", fmt.Errorf("unknown placeholder %q (use {s}, {z}, {x}, {y}, {r})", p)
	}
	u, err := url.Parse(plain)
	switch {
	case err != nil:
		return "", fmt.Errorf("not a URL: %v", urlReason(err))
	case u.User != nil:
		return "", fmt.Errorf("holds a user name or password; leave them out")
	case u.Fragment != "":
		return "", fmt.Errorf("has a fragment (#...), which tile requests do not send")
	case strings.ContainsAny(tmpl, " '\";,\\<>`"):
		return "", fmt.Errorf("holds a character that must be percent-encoded")
	}
	return scheme + "://" + strings.Replace(host, "{s}", "*", 1), nil
}

// Origin returns the origin that the tiles load from, for the Content
// Security Policy: "https://{s}.tile.example.org/{z}/{x}/{y}.png" gives
// "https://*.tile.example.org". It is "'none'" for a URL that does not
// parse, which Load reports as an error.
func (t Tiles) Origin() string {
	o, err := parseTileURL(t.URL)
	if err != nil {
		return "'none'"
	}
	return o
}
