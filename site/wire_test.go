package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/mapsite/mapsite/diag"
	"github.com/mapsite/mapsite/geo"
	"github.com/mapsite/mapsite/incident"
	"github.com/mapsite/mapsite/incident/incidenttest"
	"github.com/mapsite/mapsite/internal/synth"
	"github.com/mapsite/mapsite/internal/tomlpos"
)

// TestWireCorrupt reads back a cache entry of a seed data file cut short
// at every length and with bytes changed at random: no read may panic,
// and a cut one must be refused. (TestLoaderEqualsLoad and FuzzLoad
// check that whole entries read back equal.)
func TestWireCorrupt(t *testing.T) {
	src, err := os.ReadFile("../data/iran.toml")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(src)
	dec := decodeData("..", "data/iran.toml", src, sum)
	if len(dec.records) < 5 {
		t.Fatalf("decoded %d records", len(dec.records))
	}
	b, ok := encodeDecoded(nil, "k", "data/iran.toml", dec, false)
	if !ok {
		t.Fatal("encodeDecoded refused a decoding")
	}
	if back, err := decodeWire(b, "k", "data/iran.toml", src, sum); err != nil || len(back.records) != len(dec.records) {
		t.Fatalf("decodeWire of a whole entry: %v", err)
	}
	if _, err := decodeWire(b, "other key", "data/iran.toml", src, sum); err == nil {
		t.Error("decodeWire took an entry made under another key")
	}
	for n := range len(b) {
		if _, err := decodeWire(b[:n], "k", "data/iran.toml", src, sum); err == nil {
			t.Fatalf("decodeWire took an entry cut to %d of %d bytes", n, len(b))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		c := append([]byte(nil), b...)
		for range 1 + rng.IntN(4) {
			c[rng.IntN(len(c))] = byte(rng.IntN(256))
		}
		decodeWire(c, "k", "data/iran.toml", src, sum) // must not panic
	}
}

// TestDecodedCacheBounded checks that the folder of decoded files is kept
// under its bound, the least recently used going first, that temporary
// files left by a killed build go after an hour, and that with the cache
// off nothing is written.
func TestDecodedCacheBounded(t *testing.T) {
	cache := t.TempDir()
	t.Setenv(geo.CacheEnv, "off")
	if _, l := Load("testdata/good"); l.Err() != nil {
		t.Fatal(l.Err())
	}
	if entries, _ := os.ReadDir(cache); len(entries) > 0 {
		t.Fatalf("with the cache off, %d files were written", len(entries))
	}

	t.Setenv(geo.CacheEnv, cache)
	dir := filepath.Join(cache, "decoded")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	for i := range 5 {
		p := filepath.Join(dir, fmt.Sprintf("old-%d.bin", i))
		os.WriteFile(p, make([]byte, 400), 0o600)
		mod := old.Add(time.Duration(i) * time.Minute)
		os.Chtimes(p, mod, mod)
	}
	tmp := filepath.Join(dir, ".decoded-1.tmp")
	os.WriteFile(tmp, nil, 0o600)
	os.Chtimes(tmp, old, old)
	other := filepath.Join(dir, "notes.txt")
	os.WriteFile(other, make([]byte, 4000), 0o600)

	defer func(n int64) { maxDecodedBytes = n }(maxDecodedBytes)
	if _, l := Load("testdata/good"); l.Err() != nil { // writes its one data file
		t.Fatal(l.Err())
	}
	entries, _ := os.ReadDir(dir)
	var written int64
	for _, e := range entries {
		if fi, _ := e.Info(); !strings.HasPrefix(e.Name(), "old-") && (strings.HasSuffix(e.Name(), ".bin") || strings.HasSuffix(e.Name(), ".stamp")) {
			written += fi.Size() // the entry and its file's stamp
		}
	}
	if written == 0 {
		t.Fatalf("Load wrote no decoded file: %v", entries)
	}
	// Room for what was just written and two of the old ones.
	maxDecodedBytes = written + 800
	c := newDiskCache()
	c.wrote = true
	c.prune()
	var kept []string
	for _, e := range must(os.ReadDir(dir)) {
		kept = append(kept, e.Name())
	}
	for _, name := range []string{"old-0.bin", "old-1.bin", "old-2.bin", ".decoded-1.tmp"} {
		if slices.Contains(kept, name) {
			t.Errorf("%s was kept: %q", name, kept)
		}
	}
	for _, name := range []string{"old-3.bin", "old-4.bin", "notes.txt"} {
		if !slices.Contains(kept, name) {
			t.Errorf("%s was removed: %q", name, kept)
		}
	}
	if len(kept) != 5 {
		t.Errorf("kept %q, want the entry and stamp just written, old-3.bin, old-4.bin and notes.txt", kept)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestDecodedDigests checks that a load through the cache on disk has
// every record's FieldsDigest at hand, made when the decoding was stored
// and read back with it, equal to one made from the record; and that an
// entry damaged on disk, which its checksum refuses, is decoded again,
// never read back with a wrong digest.
func TestDecodedDigests(t *testing.T) {
	t.Setenv(geo.CacheEnv, t.TempDir())
	check := func(step string, wantHits int64) {
		t.Helper()
		hits := diskHits.Load()
		s, l := Load("..") // the seed site
		if l.Err() != nil {
			t.Fatal(l.Err())
		}
		if got := diskHits.Load() - hits; got != wantHits {
			t.Errorf("%s: %d files read back from the cache, want %d", step, got, wantHits)
		}
		if len(s.Records) < 10 {
			t.Fatalf("%s: loaded %d records", step, len(s.Records))
		}
		for _, r := range s.Records {
			d, ok := s.DecodedDigest(r)
			if !ok {
				t.Fatalf("%s: record %q has no digest", step, r.ID)
			}
			if want := FieldsDigest(r); d != want {
				t.Fatalf("%s: record %q has digest %x, want %x", step, r.ID, d, want)
			}
		}
	}
	check("cold", 0)
	entries, _ := filepath.Glob(filepath.Join(decodedDir(), "*.bin"))
	if len(entries) == 0 {
		t.Fatal("no entry written")
	}
	check("warm", int64(len(entries)))

	// Each entry damaged where it still reads as one: a letter of a text
	// changed, which the digest read with it does not cover.
	for _, e := range entries {
		b := must(os.ReadFile(e))
		i := bytes.Index(b, []byte(" the "))
		if i < 0 {
			t.Fatalf("%s holds no text", e)
		}
		b[i+1] = 'T'
		os.WriteFile(e, b, 0o600)
	}
	check("damaged", 0)
	check("rewritten", int64(len(entries)))
}

// TestFieldsDigestCoversEveryField changes each field of a record in
// turn: each must change the digest, but File, Line and Location.
func TestFieldsDigestCoversEveryField(t *testing.T) {
	r := incidenttest.Full()
	want := FieldsDigest(r)
	ignored := map[string]bool{"File": true, "Line": true, "Location": true}
	v := reflect.ValueOf(r).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		c := r.Clone()
		field := reflect.ValueOf(c).Elem().Field(i)
		switch field.Kind() {
		case reflect.String:
			field.SetString(field.String() + "x")
		case reflect.Int:
			field.SetInt(field.Int() + 1)
		case reflect.Slice:
			field.Set(reflect.MakeSlice(field.Type(), 0, 0))
		case reflect.Pointer:
			field.Set(reflect.Zero(field.Type()))
		case reflect.Struct:
			switch x := field.Addr().Interface().(type) {
			case *incident.Date:
				*x, _ = incident.ParseDate("2024-01-04")
			case *incident.Counts:
				x.Killed = incident.ExactCount(1)
			case *incident.Location:
				x.Lon++
			default:
				t.Fatalf("field %s of kind %s not handled here: add it", f.Name, field.Kind())
			}
		default:
			t.Fatalf("field %s of kind %s not handled here: add it", f.Name, field.Kind())
		}
		if got := FieldsDigest(c); (got == want) != ignored[f.Name] {
			if ignored[f.Name] {
				t.Errorf("changing %s changes the digest", f.Name)
			} else {
				t.Errorf("changing %s leaves the digest as it was", f.Name)
			}
		}
	}
}

// TestMappedEntries checks that a build's load, which maps the entries of
// the cache on disk (see mapEntry), gets the same records and problems as
// one that reads them; that a damaged entry is refused and unmapped, its
// share of the budget given back; and that past the budget entries are
// read.
func TestMappedEntries(t *testing.T) {
	t.Setenv(geo.CacheEnv, t.TempDir())
	cold, coldL := Load("..") // the seed site: writes the entries
	entries, _ := filepath.Glob(filepath.Join(decodedDir(), "*.bin"))
	if len(entries) == 0 {
		t.Fatal("no entry written")
	}
	budget := func() (int64, int64) {
		mappedEntries.mu.Lock()
		defer mappedEntries.mu.Unlock()
		return mappedEntries.count, mappedEntries.bytes
	}
	same := func(step string, s *Site, l diag.List) {
		t.Helper()
		if !reflect.DeepEqual(s.Records, cold.Records) || !reflect.DeepEqual(l, coldL) {
			t.Errorf("%s: the load differs from the first", step)
		}
	}
	n0, _ := budget()
	s, l := Load("..")
	same("mapped", s, l)
	if n, _ := budget(); runtime.GOOS == "linux" && n0-n != int64(len(entries)) {
		t.Errorf("%d entries mapped, want %d", n0-n, len(entries))
	}

	// One byte of each entry changed: each is refused (and unmapped)
	// and decoded again.
	for _, e := range entries {
		b := must(os.ReadFile(e))
		b[len(b)/2] ^= 1
		if err := os.WriteFile(e+".tmp", b, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(e+".tmp", e); err != nil {
			t.Fatal(err)
		}
	}
	n1, b1 := budget()
	hits := diskHits.Load()
	s, l = Load("..")
	same("damaged", s, l)
	if got := diskHits.Load() - hits; got != 0 {
		t.Errorf("damaged: %d entries taken", got)
	}
	if n, b := budget(); n != n1 || b != b1 {
		t.Errorf("damaged entries kept their share of the budget: %d, %d bytes, want %d, %d", n, b, n1, b1)
	}

	// No budget left: entries are read.
	mappedEntries.mu.Lock()
	saved := mappedEntries.count
	mappedEntries.count = 0
	mappedEntries.mu.Unlock()
	defer func() {
		mappedEntries.mu.Lock()
		mappedEntries.count = saved
		mappedEntries.mu.Unlock()
	}()
	hits = diskHits.Load()
	s, l = Load("..")
	same("read", s, l)
	if got := diskHits.Load() - hits; got != int64(len(entries)) {
		t.Errorf("read: %d entries taken, want %d", got, len(entries))
	}
}

// TestWireListsApart reads back a cache entry and appends to each record's
// lists: the records' lists share blocks (see wireReader.stringList), and
// an append must never reach the next record's.
func TestWireListsApart(t *testing.T) {
	src, err := os.ReadFile("../data/iran.toml")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(src)
	dec := decodeData("..", "data/iran.toml", src, sum)
	b, ok := encodeDecoded(nil, "k", "data/iran.toml", dec, false)
	if !ok {
		t.Fatal("encodeDecoded refused a decoding")
	}
	back, err := decodeWire(b, "k", "data/iran.toml", src, sum)
	if err != nil {
		t.Fatal(err)
	}
	lists := 0
	for i, r := range back.records {
		want := dec.records[i]
		if len(r.Tags) > 0 || len(r.Related) > 0 || len(r.Sources) > 0 {
			lists++
		}
		_ = append(r.Tags, "x")
		_ = append(r.Related, "x")
		_ = append(r.Sources, incident.Source{Title: "x"})
		for j, w := range back.records[:i+1] {
			if o := dec.records[j]; !slices.Equal(w.Tags, o.Tags) || !slices.Equal(w.Related, o.Related) || !slices.Equal(w.Sources, o.Sources) {
				t.Fatalf("appending to the lists of record %d (%s) changed those of record %d", i, want.ID, j)
			}
		}
	}
	if lists < 2 {
		t.Fatalf("only %d records with lists", lists)
	}
}

// TestWireTables checks that a cache entry holds the index of the file's
// tables, as ScanTables makes it, whether tomlfast decoded the file (the
// entry is written from its headers) or BurntSushi did; and that reading
// the entry back leaves the index to be read when first asked for.
func TestWireTables(t *testing.T) {
	src, err := os.ReadFile("../data/iran.toml")
	if err != nil {
		t.Fatal(err)
	}
	src = append(src, "[[record.extra]]\n[[record.extra]]\n[[record.other]]\n"...)
	sum := sha256.Sum256(src)
	want := tomlpos.ScanTables(string(src))
	for _, fast := range []bool{true, false} {
		fastRecords = fast
		dec := decodeData("..", "data/iran.toml", src, sum)
		fastRecords = true
		if got := dec.where[0].ix.headers != nil; got != fast {
			t.Fatalf("fast %v: decoded with headers %v", fast, got)
		}
		b, ok := encodeDecoded(nil, "k", "data/iran.toml", dec, false)
		if !ok {
			t.Fatal("encodeDecoded refused a decoding")
		}
		if fast && dec.where[0].ix.tables != nil {
			t.Error("encodeDecoded made the index of tables, which the headers give")
		}
		back, err := decodeWire(b, "k", "data/iran.toml", src, sum)
		if err != nil {
			t.Fatal(err)
		}
		if back.where[0].ix.tables != nil {
			t.Error("decodeWire made the index of tables, which only a problem needs")
		}
		if got := back.where[0].ix.tableIndex(); !reflect.DeepEqual(got, want) {
			t.Errorf("fast %v: tables read back\n%v\nwant\n%v", fast, got, want)
		}
	}
}

// TestStoreReusesBuffer checks that the cache writes its entries from a
// buffer it keeps, not a new one each.
func TestStoreReusesBuffer(t *testing.T) {
	src, err := os.ReadFile("../data/iran.toml")
	if err != nil {
		t.Fatal(err)
	}
	dec := decodeData("..", "data/iran.toml", src, sha256.Sum256(src))
	c := &diskCache{dir: t.TempDir(), version: "test"}
	c.store("data/iran.toml", dec, true)
	if len(c.buffers) != 1 || cap(c.buffers[0]) == 0 {
		t.Fatalf("store kept %d buffers", len(c.buffers))
	}
	first := unsafe.SliceData(c.buffers[0])
	c.store("data/iran.toml", dec, true)
	if len(c.buffers) != 1 || unsafe.SliceData(c.buffers[0]) != first {
		t.Error("the second store did not write from the first one's buffer")
	}
	if c.get("data/iran.toml", src, dec.sum) == nil {
		t.Error("the entry stored does not read back")
	}
}

// TestEncodeDecodedAllocates checks that writing a cache entry into a
// buffer large enough allocates a few times a file, not a few times a
// record (each date and count's binary form was one allocation).
func TestEncodeDecodedAllocates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := synth.Site("..", dir, 500, 1); err != nil {
		t.Fatal(err)
	}
	f := synth.DataFile(0)
	src, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f)))
	if err != nil {
		t.Fatal(err)
	}
	dec := decodeData(dir, f, src, sha256.Sum256(src))
	buf, ok := encodeDecoded(nil, "k", f, dec, true)
	if !ok || len(dec.records) != 500 {
		t.Fatalf("%d records, encoded %v", len(dec.records), ok)
	}
	n := testing.AllocsPerRun(20, func() { buf, _ = encodeDecoded(buf, "k", f, dec, true) })
	if n > 20 {
		t.Errorf("encoding %d records allocates %.0f times", len(dec.records), n)
	}
}

// TestWireNumbers reads back numbers written as varints and uvarints of
// one byte and more, as encoding/binary reads them.
func TestWireNumbers(t *testing.T) {
	ints := []int{0, 1, -1, 63, -64, 64, -65, 127, 128, -129, 1 << 20, -(1 << 20), math.MaxInt32, math.MinInt32}
	uints := []uint64{0, 1, 127, 128, 255, 1 << 14, 1<<14 - 1, math.MaxUint32, math.MaxUint64}
	w := &wireWriter{}
	for _, n := range ints {
		w.int(n)
	}
	for _, n := range uints {
		w.b = binary.AppendUvarint(w.b, n)
	}
	r := &wireReader{b: w.b}
	for _, want := range ints {
		if got := r.int(); got != want {
			t.Errorf("int read back as %d, want %d", got, want)
		}
	}
	for _, want := range uints {
		if got := r.uvarint(); got != want {
			t.Errorf("uvarint read back as %d, want %d", got, want)
		}
	}
	if r.err != nil || r.off != len(w.b) {
		t.Errorf("error %v, read %d of %d bytes", r.err, r.off, len(w.b))
	}
}
