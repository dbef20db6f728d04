package tiles

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/protomaps/go-pmtiles/pmtiles"
)

// go-pmtiles is the reference these tests hold the archive's layout to.

func TestTileIDMatchesGoPMTiles(t *testing.T) {
	check := func(z uint8, x, y uint32) {
		t.Helper()
		id := tileID(z, x, y)
		if want := pmtiles.ZxyToID(z, x, y); id != want {
			t.Fatalf("tileID(%d, %d, %d) = %d, go-pmtiles says %d", z, x, y, id, want)
		}
		if gz, gx, gy := tileZXY(id); gz != z || gx != x || gy != y {
			t.Fatalf("tileZXY(%d) = %d/%d/%d, want %d/%d/%d", id, gz, gx, gy, z, x, y)
		}
	}
	for z := uint8(0); z <= 7; z++ { // every tile
		for x := uint32(0); x < 1<<z; x++ {
			for y := uint32(0); y < 1<<z; y++ {
				check(z, x, y)
			}
		}
	}
	rng := rand.New(rand.NewSource(1))
	for z := uint8(8); z <= 31; z++ {
		n := uint32(1) << z
		check(z, 0, 0)
		check(z, n-1, n-1)
		check(z, 0, n-1)
		for range 2000 {
			check(z, rng.Uint32()%n, rng.Uint32()%n)
		}
	}
}

// sampleEntries returns n entries in ID order, with gaps between IDs,
// runs, and offsets that mostly follow on (as in a clustered archive)
// but not always (as where tiles share bytes).
func sampleEntries(rng *rand.Rand, n int) []entry {
	out := make([]entry, n)
	id, off := uint64(rng.Intn(50)), uint64(0)
	for i := range out {
		e := entry{id: id, offset: off, length: uint32(20 + rng.Intn(40000)), run: 1}
		if rng.Intn(20) == 0 {
			e.run = uint32(2 + rng.Intn(300))
		}
		if i > 0 && rng.Intn(30) == 0 {
			e.offset = out[rng.Intn(i)].offset
		} else {
			off += uint64(e.length)
		}
		out[i] = e
		id += uint64(e.run) + uint64(rng.Intn(4))
	}
	return out
}

func goEntries(es []entry) []pmtiles.EntryV3 {
	out := make([]pmtiles.EntryV3, len(es))
	for i, e := range es {
		out[i] = pmtiles.EntryV3{TileID: e.id, Offset: e.offset, Length: e.length, RunLength: e.run}
	}
	return out
}

// A directory, header and metadata are go-pmtiles' to the byte.
func TestPartsEqualGoPMTiles(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for _, n := range []int{1, 2, 300, 5000} {
		es := sampleEntries(rng, n)
		if got, want := directory(es), pmtiles.SerializeEntries(goEntries(es), pmtiles.Gzip); !bytes.Equal(got, want) {
			t.Errorf("%d entries: the directory is %d bytes, go-pmtiles' %d and not the same", n, len(got), len(want))
		}
	}
	h := header{root: span{127, 3000}, meta: span{3127, 400}, leaves: span{3527, 0}, data: span{3527, 1 << 40},
		addressed: 90000, entries: 80000, contents: 70000, minZoom: 2, maxZoom: 10, centerZoom: 3,
		minLon: -1799999999, minLat: -850511287, maxLon: 1799999999, maxLat: 850511287, centerLon: -123456789, centerLat: 456789}
	want := pmtiles.SerializeHeader(pmtiles.HeaderV3{SpecVersion: 3,
		RootOffset: 127, RootLength: 3000, MetadataOffset: 3127, MetadataLength: 400, LeafDirectoryOffset: 3527, LeafDirectoryLength: 0,
		TileDataOffset: 3527, TileDataLength: 1 << 40, AddressedTilesCount: 90000, TileEntriesCount: 80000, TileContentsCount: 70000,
		Clustered: true, InternalCompression: pmtiles.Gzip, TileCompression: pmtiles.Gzip, TileType: pmtiles.Mvt,
		MinZoom: 2, MaxZoom: 10, CenterZoom: 3, MinLonE7: -1799999999, MinLatE7: -850511287, MaxLonE7: 1799999999, MaxLatE7: 850511287,
		CenterLonE7: -123456789, CenterLatE7: 456789})
	if got := appendHeader(nil, h); !bytes.Equal(got, want) {
		t.Errorf("header:\n%x\ngo-pmtiles:\n%x", got, want)
	}
	meta := map[string]any{"name": "n", "vector_layers": []map[string]any{{"id": "records", "minzoom": 2, "fields": map[string]string{"k": "Number"}}}}
	got, err := metadata(meta)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := pmtiles.SerializeMetadata(meta, pmtiles.Gzip); !bytes.Equal(got, want) {
		t.Errorf("metadata: %x, go-pmtiles %x", got, want)
	}
}

// However many entries, the root fits beside the header, and go-pmtiles
// reads every entry back through the leaves, and finds each tile as a
// reader does: root, leaf, entry.
func TestDirectoriesReadByGoPMTiles(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for _, tc := range []struct {
		n      int
		leaves bool
	}{{1, false}, {4000, false}, {16000, true}, {100000, true}, {1500000, true}} {
		es := sampleEntries(rng, tc.n)
		root, leaves := directories(es)
		if len(root) > rootRoom {
			t.Errorf("%d entries: a root of %d bytes", tc.n, len(root))
		}
		if (len(leaves) > 0) != tc.leaves {
			t.Errorf("%d entries: %d bytes of leaves", tc.n, len(leaves))
		}
		b := append(append([]byte{}, root...), leaves...)
		h := pmtiles.HeaderV3{RootOffset: 0, RootLength: uint64(len(root)), LeafDirectoryOffset: uint64(len(root)),
			LeafDirectoryLength: uint64(len(leaves)), InternalCompression: pmtiles.Gzip}
		var read []pmtiles.EntryV3
		err := pmtiles.IterateEntries(h, func(off, n uint64) ([]byte, error) { return b[off : off+n], nil }, func(e pmtiles.EntryV3) { read = append(read, e) })
		if err != nil {
			t.Fatal(err)
		}
		want := goEntries(es)
		if len(read) != len(want) {
			t.Fatalf("%d entries: go-pmtiles reads %d", tc.n, len(read))
		}
		for i := range want {
			if read[i] != want[i] {
				t.Fatalf("%d entries: entry %d reads %+v, want %+v", tc.n, i, read[i], want[i])
			}
		}
		for range 200 {
			e := es[rng.Intn(len(es))]
			id := e.id + uint64(rng.Intn(int(e.run)))
			dir := pmtiles.DeserializeEntries(bytes.NewBuffer(root), pmtiles.Gzip)
			found, ok := pmtiles.FindTile(dir, id)
			if ok && found.RunLength == 0 {
				leaf := b[h.LeafDirectoryOffset+found.Offset:][:found.Length]
				found, ok = pmtiles.FindTile(pmtiles.DeserializeEntries(bytes.NewBuffer(leaf), pmtiles.Gzip), id)
			}
			if !ok || found.Offset != e.offset || found.Length != e.length {
				t.Fatalf("%d entries: tile %d found %v %+v, want %+v", tc.n, id, ok, found, e)
			}
		}
	}
}

// The map's own reader, the npm package pmtiles, finds every tile asked
// for in an archive with leaf directories, and no tile where there is none.
func TestMapReaderReadsLeaves(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	if _, err := os.Stat("../node_modules/pmtiles"); err != nil {
		t.Skip("npm packages are not installed (npm ci)")
	}
	rng := rand.New(rand.NewSource(4))
	var (
		entries []entry
		data    []byte
		texts   = map[uint64]string{} // the bytes each tile ID should read as
		gz, _   = gzip.NewWriterLevel(nil, gzip.BestSpeed)
	)
	for id := uint64(0); len(entries) < 60000; id += uint64(1 + rng.Intn(3)) {
		e := entry{id: id, run: 1}
		if rng.Intn(20) == 0 {
			e.run = uint32(2 + rng.Intn(50))
		}
		text := "tile " + strconv.FormatUint(id, 10)
		if len(entries) > 0 && rng.Intn(30) == 0 { // the bytes of an earlier tile
			prev := entries[rng.Intn(len(entries))]
			e.offset, e.length, text = prev.offset, prev.length, texts[prev.id]
		} else {
			var b bytes.Buffer
			gz.Reset(&b)
			gz.Write([]byte(text))
			gz.Close()
			e.offset, e.length = uint64(len(data)), uint32(b.Len())
			data = append(data, b.Bytes()...)
		}
		for i := range uint64(e.run) {
			texts[id+i] = text
		}
		entries = append(entries, e)
		id += uint64(e.run) - 1
	}
	archive, err := pack(entries, data, sample(1), DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := pmtiles.DeserializeHeader(archive[:headerLen]); h.LeafDirectoryLength == 0 {
		t.Fatal("the archive has no leaf directories; the test needs them")
	}
	var ask [][3]uint32
	want := map[[3]uint32]string{}
	for range 3000 {
		id := uint64(rng.Intn(int(entries[len(entries)-1].id) + 100)) // some past the last tile, some in gaps
		z, x, y := tileZXY(id)
		ask = append(ask, [3]uint32{uint32(z), x, y})
		want[[3]uint32{uint32(z), x, y}] = texts[id]
	}
	dir := t.TempDir()
	tilesJSON, _ := json.Marshal(ask)
	for name, b := range map[string][]byte{"archive.pmtiles": archive, "tiles.json": tilesJSON} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(node, "testdata/read-archive.mjs", filepath.Join(dir, "archive.pmtiles"), filepath.Join(dir, "tiles.json"))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	lines, found := strings.Split(strings.TrimSpace(string(out)), "\n"), 0
	if len(lines) != len(ask) {
		t.Fatalf("node read %d tiles, asked for %d", len(lines), len(ask))
	}
	for _, line := range lines {
		var got struct {
			Z, X, Y uint32
			Text    string
		}
		if err := json.Unmarshal([]byte(line), &got); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		if w := want[[3]uint32{got.Z, got.X, got.Y}]; got.Text != w {
			t.Fatalf("tile %d/%d/%d reads %q, want %q", got.Z, got.X, got.Y, got.Text, w)
		}
		if got.Text != "" {
			found++
		}
	}
	if found < len(ask)/4 {
		t.Errorf("only %d of %d tiles asked for exist; the test asks too few", found, len(ask))
	}
}
