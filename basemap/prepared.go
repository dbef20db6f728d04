package basemap

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// A site's base map, as ForSite prepares it, depends only on the Base, the
// site's language and points and the street map's name. AppendPrepared
// and DecodePrepared store it, so that a build in a new process whose
// records did not move (mapsite build after a title edit) reads it back
// instead of preparing it again: about 60 ms of CPU at 100,000 records.
//
// The stored form holds, after preparedMagic, as in data/basemap.bin:
// the folder of the outline cells, the world script, the label cells
// (count, then each one's path and script) and the site's labels. The
// outline cells are the Base's own, and not stored.

const preparedMagic = "mapsite prepared basemap 2\n"

// AppendPrepared appends s and l, which b.ForSite returned, to dst in the
// form that DecodePrepared of b reads back, with room for extra bytes more
// (for the caller's checksum).
func (b *Base) AppendPrepared(dst []byte, s Scripts, l *Locators, extra int) []byte {
	n, size := 0, len(preparedMagic)+len(s.World)+64*len(l.all)+64
	for p, c := range s.Cells {
		if !isOutline(p) {
			n++
			size += len(p) + len(c) + 16
		}
	}
	e := &staticWriter{b: append(slices.Grow(dst, size+extra), preparedMagic...)}
	e.bytes([]byte(b.outlineDir()))
	e.bytes(s.World)
	e.uint(uint64(n))
	for p, c := range s.Cells {
		if !isOutline(p) {
			e.bytes([]byte(p))
			e.bytes(c)
		}
	}
	e.labels(l.all)
	return e.b
}

// DecodePrepared returns the scripts and locators that data, made by
// AppendPrepared of b, holds. The scripts and the labels' names share
// data's memory, which must not change afterwards.
func (b *Base) DecodePrepared(data []byte) (Scripts, *Locators, error) {
	rest, ok := bytes.CutPrefix(data, []byte(preparedMagic))
	if !ok {
		return Scripts{}, nil, errors.New("basemap: not a prepared base map of this version")
	}
	d := &staticReader{b: rest}
	outlines := string(d.bytes())
	s := Scripts{World: d.bytes()}
	n := d.count()
	s.Cells = make(map[string][]byte, n+b.outlineCount())
	for range n {
		p := string(d.bytes())
		s.Cells[p] = d.bytes()
	}
	labels := d.labels()
	if d.err != nil || len(d.b) != 0 {
		return Scripts{}, nil, errors.New("basemap: a damaged prepared base map")
	}
	for i := range Bands {
		for _, c := range b.cells[i] {
			s.Cells[fmt.Sprintf("%so%d-%d-%d.js", outlines, i, c.key.X, c.key.Y)] = c.script
		}
	}
	return s, b.locators(labels), nil
}

// isOutline reports whether the cell script at path p (see Scripts.Cells)
// is an outline cell, which is the same for every site.
func isOutline(p string) bool {
	name := p[strings.LastIndexByte(p, '/')+1:]
	return strings.HasPrefix(name, "o")
}

// outlineCount returns the number of b's outline cells.
func (b *Base) outlineCount() int {
	n := 0
	for i := range Bands {
		n += len(b.cells[i])
	}
	return n
}
