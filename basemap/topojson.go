package basemap

import (
	"encoding/json"
	"fmt"

	"github.com/paulmach/orb"
)

// topology is the part of a TopoJSON file (world-atlas's countries-10m)
// that the base map reads: the arcs, decoded to degrees, and the country
// geometries as lists of arc references.
type topology struct {
	arcs      []orb.LineString
	countries []topoCountry
}

// topoCountry is one country of the topology: its ISO 3166-1 numeric code
// ("" for areas without one), its Natural Earth name and its polygons as
// rings of arc references (a negative index ~i is arc i reversed).
type topoCountry struct {
	numeric  string
	name     string
	polygons [][][]int
}

// decodeTopology decodes a quantized TopoJSON topology with a "countries"
// object of Polygon and MultiPolygon geometries.
func decodeTopology(data []byte) (*topology, error) {
	var raw struct {
		Type      string `json:"type"`
		Transform *struct {
			Scale     [2]float64 `json:"scale"`
			Translate [2]float64 `json:"translate"`
		} `json:"transform"`
		Arcs    [][][2]float64 `json:"arcs"`
		Objects map[string]struct {
			Geometries []struct {
				Type       string          `json:"type"`
				ID         string          `json:"id"`
				Arcs       json.RawMessage `json:"arcs"`
				Properties struct {
					Name string `json:"name"`
				} `json:"properties"`
			} `json:"geometries"`
		} `json:"objects"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("topojson: %w", err)
	}
	if raw.Type != "Topology" || raw.Transform == nil {
		return nil, fmt.Errorf("topojson: not a quantized topology")
	}
	t := &topology{arcs: make([]orb.LineString, len(raw.Arcs))}
	sx, sy := raw.Transform.Scale[0], raw.Transform.Scale[1]
	tx, ty := raw.Transform.Translate[0], raw.Transform.Translate[1]
	for i, arc := range raw.Arcs {
		ls := make(orb.LineString, len(arc))
		var x, y float64
		for j, d := range arc { // delta-encoded quantized positions
			x += d[0]
			y += d[1]
			ls[j] = orb.Point{x*sx + tx, y*sy + ty}
		}
		t.arcs[i] = ls
	}
	obj, ok := raw.Objects["countries"]
	if !ok {
		return nil, fmt.Errorf("topojson: no countries object")
	}
	for _, g := range obj.Geometries {
		c := topoCountry{numeric: g.ID, name: g.Properties.Name}
		var err error
		switch g.Type {
		case "Polygon":
			var p [][]int
			err = json.Unmarshal(g.Arcs, &p)
			c.polygons = [][][]int{p}
		case "MultiPolygon":
			err = json.Unmarshal(g.Arcs, &c.polygons)
		case "":
			continue // a null geometry
		default:
			err = fmt.Errorf("unexpected geometry %s", g.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("topojson: %s: %w", c.name, err)
		}
		for _, p := range c.polygons {
			for _, r := range p {
				for _, a := range r {
					if i := arcIndex(a); i >= len(t.arcs) {
						return nil, fmt.Errorf("topojson: %s: arc %d out of range", c.name, i)
					}
				}
			}
		}
		t.countries = append(t.countries, c)
	}
	return t, nil
}

// arcIndex returns the index of arc reference a (~i means arc i reversed).
func arcIndex(a int) int {
	if a < 0 {
		return ^a
	}
	return a
}

// ring assembles a ring from its arc references in arcs: each arc's first
// point repeats the previous arc's last, and is dropped.
func ring(arcs []orb.LineString, refs []int) orb.Ring {
	var r orb.Ring
	for k, a := range refs {
		src := arcs[arcIndex(a)]
		start := 0
		if k > 0 {
			start = 1
		}
		if a >= 0 {
			r = append(r, src[start:]...)
		} else {
			for i := len(src) - 1 - start; i >= 0; i-- {
				r = append(r, src[i])
			}
		}
	}
	return r
}
