package build

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mapsite/mapsite/tiles"
)

// archiveKey names the records' archive among the files a build notes as
// made from known inputs (see takeBuilt).
const archiveKey = "records.pmtiles"

// lastArchive keeps, in a process that renders again (mapsite serve, see
// keepEncodings), the archive made for the last render: serve renders
// after every save, and a save that changes no field the tiles hold (a
// summary, a source, a count) finds the same records.
var lastArchive struct {
	sync.Mutex
	inputs  digest
	name    string // under assets/
	archive []byte
	stats   tiles.Stats
}

// tilesInputs is the digest of what the archive is made from: the records
// as package tiles takes them, in order, and the options.
func tilesInputs(recs []tiles.Record, opt tiles.Options) digest {
	head := fmt.Appendf(nil, "tiles %+v %d\n", opt, len(recs))
	return inputsDigest(head, len(recs), func(i int, b []byte) []byte {
		r := &recs[i]
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(r.Lon))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(r.Lat))
		b = binary.AppendVarint(b, int64(r.Key))
		b = binary.AppendVarint(b, int64(r.Layer))
		b = binary.AppendVarint(b, int64(r.Attribution))
		for _, s := range [...]string{r.ID, r.Title, r.Country, r.Start, r.End, r.DateText, r.Place, r.Precision} {
			b = appendLenString(b, s)
		}
		return b
	})
}

// inputsDigest returns the digest of head and of what each appends for
// i from 0 to n-1, hashed in blocks of about 32 kB.
func inputsDigest(head []byte, n int, each func(i int, b []byte) []byte) digest {
	h := sha256.New()
	b := append(make([]byte, 0, 1<<16), head...)
	for i := range n {
		if b = each(i, b); len(b) > 1<<15 {
			h.Write(b)
			b = b[:0]
		}
	}
	h.Write(b)
	var d digest
	copy(d[:], h.Sum(nil))
	return d
}

// appendLenString appends s after its length.
func appendLenString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// archive hands the records' archive to put and returns its name under
// assets/ and a note on how it was had. It takes the archive made from
// the same records from the output (a rebuild's) or from this process
// (mapsite serve's), and makes it otherwise.
func (m *model) archive(recs []tiles.Record, put func(path string, b []byte) error) (string, string, error) {
	in := tilesInputs(recs, tiles.DefaultOptions)
	if p, err := takeBuilt(archiveKey, in); err != nil {
		return "", "", err
	} else if p != "" {
		return p[len("assets/"):], "the archive taken from the previous build", nil
	}
	lastArchive.Lock()
	defer lastArchive.Unlock()
	if keepEncodings.Load() && lastArchive.archive != nil && lastArchive.inputs == in {
		if err := put("assets/"+lastArchive.name, lastArchive.archive); err != nil {
			return "", "", err
		}
		noteBuilt(archiveKey, in, "assets/"+lastArchive.name)
		return lastArchive.name, statsNote(lastArchive.stats, "as in the last build"), nil
	}
	start := time.Now()
	b, st, err := tiles.Archive(recs, tiles.DefaultOptions)
	if err != nil {
		return "", "", err
	}
	sum := sha256.Sum256(b)
	name := fmt.Sprintf("records/records.%x.pmtiles", sum[:5])
	if err := put("assets/"+name, b); err != nil {
		return "", "", err
	}
	noteBuilt(archiveKey, in, "assets/"+name)
	if keepEncodings.Load() {
		lastArchive.inputs, lastArchive.name, lastArchive.archive, lastArchive.stats = in, name, b, st
	}
	return name, statsNote(st, "made in "+ms(time.Since(start))), nil
}

// lastFiles keeps, as lastArchive, files made for mapsite serve's last
// render (the search index's, the facet chunks'), with what their maker
// returned and the digest of what they were made from.
type lastFiles[T any] struct {
	sync.Mutex
	inputs digest
	value  T
	files  []keptFile
	taken  atomic.Int64 // times taken, for tests
}

// keptFile is a file handed to put: its path and bytes.
type keptFile struct {
	path string
	b    []byte
}

// take hands to put the files that makeFiles hands to out, and returns
// what makeFiles returns. In a process that renders again (see
// keepEncodings), when inputs (the digest of all that makeFiles reads)
// is that of the last render, it hands the last render's files and
// returns its value instead.
func (l *lastFiles[T]) take(inputs func() digest, put func(path string, b []byte) error, makeFiles func(out *mapData) T) (T, error) {
	var zero T
	if !keepEncodings.Load() {
		out := mapData{put: put}
		v := makeFiles(&out)
		return v, out.err
	}
	in := inputs()
	l.Lock()
	defer l.Unlock()
	if l.files != nil && l.inputs == in {
		for _, f := range l.files {
			if err := put(f.path, f.b); err != nil {
				return zero, err
			}
		}
		l.taken.Add(1)
		return l.value, nil
	}
	var files []keptFile
	out := mapData{put: func(p string, b []byte) error {
		files = append(files, keptFile{p, b})
		return put(p, b)
	}}
	v := makeFiles(&out)
	if out.err != nil {
		return zero, out.err
	}
	l.inputs, l.value, l.files = in, v, files
	return v, nil
}

// searchNames are the names of the search index's files.
type searchNames struct{ shards, cards []string }

// lastSearch keeps the search index of the last render.
var lastSearch lastFiles[searchNames]

// searchFiles hands the search index's files (see searchIndex) to put and
// returns their names: in mapsite serve, those of the last render when no
// field they are made from changed.
func (m *model) searchFiles(put func(path string, b []byte) error) (shards, cards []string, err error) {
	names, err := lastSearch.take(func() digest { return searchInputs(m) }, put, func(out *mapData) searchNames {
		shards, cards := m.searchIndex(out)
		return searchNames{shards, cards}
	})
	return names.shards, names.cards, err
}

// searchInputs is the digest of what searchIndex reads of the records.
func searchInputs(m *model) digest {
	head := fmt.Appendf(nil, "search %d %d\n", len(m.Records), searchShards(len(m.Records)))
	layerIndex := m.layerIndex()
	return inputsDigest(head, len(m.Records), func(i int, b []byte) []byte {
		rv := m.Records[i]
		for _, s := range [...]string{rv.ID, rv.Title, rv.Place, rv.Location.Matched, rv.CountryName, rv.Perpetrator, rv.Country, rv.dateText()} {
			b = appendLenString(b, s)
		}
		b = binary.AppendUvarint(b, uint64(len(rv.Tags)))
		for _, t := range rv.Tags {
			b = appendLenString(b, t)
		}
		b = binary.AppendVarint(b, int64(layerIndex[rv.Record.Layer]))
		b = appendDate(b, rv, false)
		return appendDate(b, rv, true)
	})
}

// statsNote says what an archive holds, and how it was had.
func statsNote(st tiles.Stats, how string) string {
	return english.Sprintf("%d tiles, %s (largest tile %s), %s", st.Tiles, size(st.Bytes), size(st.Largest), how)
}
