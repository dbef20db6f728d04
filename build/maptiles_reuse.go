package build

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/mapsite/mapsite/tiles"
)

// archiveKey names the records' archive among the files a build notes as
// made from known inputs (see takeBuilt).
const archiveKey = "records.pmtiles"

// lastArchive keeps, for the life of the process, the archive made for the
// last build: mapsite serve rebuilds after every save, and a save that
// changes no field the tiles hold (a summary, a source, a count) finds the
// same records.
var lastArchive struct {
	sync.Mutex
	inputs  digest
	name    string // under assets/
	archive []byte
	stats   tiles.Stats
}

// forgetArchive empties lastArchive, as a new process starts; for tests.
func forgetArchive() {
	lastArchive.Lock()
	defer lastArchive.Unlock()
	lastArchive.inputs, lastArchive.name, lastArchive.archive, lastArchive.stats = digest{}, "", nil, tiles.Stats{}
}

// tilesInputs is the digest of what the archive is made from: the records
// as package tiles takes them, in order, and the options.
func tilesInputs(recs []tiles.Record, opt tiles.Options) digest {
	h := sha256.New()
	b := fmt.Appendf(make([]byte, 0, 1<<16), "tiles %+v %d\n", opt, len(recs))
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for i := range recs {
		r := &recs[i]
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(r.Lon))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(r.Lat))
		b = binary.AppendVarint(b, int64(r.Key))
		b = binary.AppendVarint(b, int64(r.Layer))
		for _, s := range []string{r.ID, r.Title, r.Country, r.Start, r.End, r.DateText, r.Place, r.Precision} {
			str(s)
		}
		if len(b) > 1<<15 {
			h.Write(b)
			b = b[:0]
		}
	}
	h.Write(b)
	var d digest
	copy(d[:], h.Sum(nil))
	return d
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
	if lastArchive.archive != nil && lastArchive.inputs == in {
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
	lastArchive.inputs, lastArchive.name, lastArchive.archive, lastArchive.stats = in, name, b, st
	return name, statsNote(st, "made in "+ms(time.Since(start))), nil
}

// statsNote says what an archive holds, and how it was had.
func statsNote(st tiles.Stats, how string) string {
	return english.Sprintf("%d tiles, %s (largest tile %s), %s", st.Tiles, size(st.Bytes), size(st.Largest), how)
}
