// Package site loads a mapsite site folder: its site.toml, its records in
// data/*.toml and its own places in data/places.toml. Loading validates
// everything and reports every problem with the file, line and column it
// points at; nothing is written.
package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/mapsite/mapsite/diag"
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
	"github.com/mapsite/mapsite/internal/tomlpos"
)

// ConfigFile and DataDir name the parts of a site folder.
const (
	ConfigFile = "site.toml"
	DataDir    = "data"
	PlacesFile = "places.toml" // in DataDir: the site's own places
)

// Site is a loaded, validated site.
type Site struct {
	Dir     string
	Config  Config
	Records []*incident.Record // sorted by date, then id
	Places  []geo.Place        // the site's own places, from data/places.toml
	Files   []string           // every input file read, relative to Dir

	where map[*incident.Record]position
}

// Load reads and validates the site in dir. The list holds every problem
// found, errors and warnings, sorted; when it has errors the Site is
// incomplete and must not be built. An error that is not about the data
// (an unreadable folder) is returned as a single diagnostic too.
func Load(dir string) (*Site, diag.List) {
	s := &Site{Dir: dir, where: map[*incident.Record]position{}}
	var l diag.List
	s.loadConfig(&l)
	files, ignored, err := dataFiles(dir)
	if err != nil {
		l.Add(diag.Diagnostic{File: DataDir, Message: err.Error()})
	}
	for _, f := range ignored {
		l.Add(diag.Diagnostic{File: f, Severity: diag.Warning,
			Message: "not read: only *.toml files in data/ hold records (rename it to .toml, or move it out of data/)"})
	}
	for _, f := range files {
		s.Files = append(s.Files, f)
		src, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			l.Add(diag.Diagnostic{File: f, Message: err.Error()})
			continue
		}
		if filepath.Base(f) == PlacesFile {
			s.Places = append(s.Places, decodePlaces(f, src, &l)...)
			continue
		}
		s.Records = append(s.Records, s.decodeRecords(f, src, &l)...)
	}
	s.crossCheck(&l)
	slices.SortFunc(s.Records, func(a, b *incident.Record) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	l.Sort()
	return s, l
}

// dataFiles lists data/**/*.toml, relative to dir, sorted, and the other
// files there, which are not read (hidden files aside).
func dataFiles(dir string) (files, ignored []string, err error) {
	root := filepath.Join(dir, DataDir)
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		hidden := strings.HasPrefix(d.Name(), ".")
		if d.IsDir() {
			if path != root && hidden {
				return filepath.SkipDir
			}
			return nil
		}
		if hidden {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		if strings.HasSuffix(d.Name(), ".toml") {
			files = append(files, filepath.ToSlash(rel))
		} else {
			ignored = append(ignored, filepath.ToSlash(rel))
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("no %s folder: put records in %s/*.toml", DataDir, DataDir)
	}
	slices.Sort(files)
	slices.Sort(ignored)
	return files, ignored, err
}

func (s *Site) loadConfig(l *diag.List) {
	src, err := os.ReadFile(filepath.Join(s.Dir, ConfigFile))
	if err != nil {
		msg := err.Error()
		if errors.Is(err, fs.ErrNotExist) {
			msg = "missing: a site folder needs a site.toml (mapsite new DIR makes one)"
		}
		l.Add(diag.Diagnostic{File: ConfigFile, Message: msg})
		return
	}
	ix := tomlpos.Scan(src)
	md, err := toml.Decode(string(src), &s.Config)
	if err != nil {
		l.Add(syntaxError(ConfigFile, err))
		return
	}
	for _, k := range md.Undecoded() {
		path := indexedPath(ix, k)
		p := ix.Lookup(path)
		l.Add(diag.Diagnostic{File: ConfigFile, Line: p.Line, Column: p.Column, Field: k.String(),
			Message: fmt.Sprintf("unknown key %q%s", k[len(k)-1], suggest(k[len(k)-1], configKeys))})
	}
	for _, pr := range s.Config.validate() {
		p := ix.Lookup(pr.path)
		l.Add(diag.Diagnostic{File: ConfigFile, Line: p.Line, Column: p.Column, Field: pr.field, Message: pr.msg})
	}
	if s.Config.Language == "" {
		s.Config.Language = "en"
	}
}

var configKeys = []string{"title", "description", "language", "base_url", "author", "about", "map", "layer", "attribution",
	"methodology", "license", "credits", "center", "zoom", "tiles", "name", "url", "max_zoom", "key", "color", "symbol", "label"}

// indexedPath finds the first written path that matches an unindexed key
// such as layer.colour (the decoder does not say which element).
func indexedPath(ix tomlpos.Index, k toml.Key) string {
	want := k.String()
	best := ""
	for path := range ix {
		if stripIndexes(path) == want && (best == "" || ix[path].Line < ix[best].Line) {
			best = path
		}
	}
	if best == "" {
		return want
	}
	return best
}

func stripIndexes(path string) string {
	var b strings.Builder
	skip := false
	for _, r := range path {
		switch {
		case r == '[':
			skip = true
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// syntaxError turns a TOML decoding error into a diagnostic that shows the
// offending line.
func syntaxError(file string, err error) diag.Diagnostic {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		msg := pe.Message
		if pe.Usage != "" {
			msg += "; " + strings.TrimSpace(pe.Usage)
		}
		return diag.Diagnostic{File: file, Line: pe.Position.Line, Column: pe.Position.Col,
			Message: "TOML syntax: " + msg + "\n" + indent(pe.ErrorWithPosition())}
	}
	return diag.Diagnostic{File: file, Message: err.Error()}
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	// The first line repeats the message; keep the source excerpt.
	if len(lines) > 1 {
		lines = lines[1:]
	}
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n")
}

// suggest returns ` (did you mean "x"?)` for the closest of known, if any is
// close enough.
func suggest(s string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(s, k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
