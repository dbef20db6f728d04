package build

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mapsite/mapsite/internal/synth"
)

// holdSink is a memSink whose putTransient first calls hold with the
// path: a test holds a file's put until what it waits for has happened.
type holdSink struct {
	*memSink
	hold func(p string)
}

func (s *holdSink) putTransient(p string, b []byte) error {
	s.hold(p)
	return s.memSink.putTransient(p, b)
}

// waitFor polls ok until it holds or ten seconds have passed, and
// reports whether it held.
func waitFor(ok func() bool) bool {
	for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

// TestEncodeOnceWritesBesideEncoding checks that a cold build encodes the
// next batch of records while it writes the one before: the put of the
// first detail chunk is held until the second batch is encoded, which
// never comes when the two are done in turn.
func TestEncodeOnceWritesBesideEncoding(t *testing.T) {
	defer func(on bool) { keepEncodings.Store(on) }(keepEncodings.Load())
	keepEncodings.Store(false)
	m := synthModel(t, 3*onceBatch)
	base := lastFeatures.fresh.Load()
	var held atomic.Bool
	out := &holdSink{memSink: &memSink{files: Files{}}, hold: func(p string) {
		if !strings.HasPrefix(p, "assets/records/d0.") {
			return
		}
		held.Store(true)
		if !waitFor(func() bool { return lastFeatures.fresh.Load()-base >= 2*onceBatch }) {
			t.Error("the first detail chunk was put only once the second batch was encoded: never")
		}
	}}
	if _, err := m.aggregates(out); err != nil {
		t.Fatal(err)
	}
	if !held.Load() {
		t.Fatal("no detail chunk d0 was put")
	}
}

// TestMapFrontBesideEncoding checks that a cold build makes the map's text
// chunks beside the encoding of the records: the put of the last detail
// chunk is held until a text chunk is put, which never comes when the
// text chunks are made after the encoding.
func TestMapFrontBesideEncoding(t *testing.T) {
	defer func(on bool) { keepEncodings.Store(on) }(keepEncodings.Load())
	keepEncodings.Store(false)
	m := synthModel(t, 3*onceBatch)
	last := "assets/records/d" + strconv.Itoa((len(m.Records)-1)/detailChunk) + "."
	var texts atomic.Int64
	var held atomic.Bool
	out := &holdSink{memSink: &memSink{files: Files{}}, hold: func(p string) {
		switch {
		case strings.HasPrefix(p, "assets/records/s"):
			texts.Add(1)
		case strings.HasPrefix(p, last):
			held.Store(true)
			if !waitFor(func() bool { return texts.Load() > 0 }) {
				t.Error("the last detail chunk was put only once a text chunk was: never")
			}
		}
	}}
	if _, err := m.aggregates(out); err != nil {
		t.Fatal(err)
	}
	if !held.Load() {
		t.Fatalf("no detail chunk %s* was put", last)
	}
}

// TestEncodeOnceMatchesEachFile checks that a cold build's single pass
// (aggregatesOnce: each feature encoded into its detail chunk, its row
// beside it) makes the very files that making each file on its own does
// (csvFile, layers, mapDataTo, from featureJSON and csvRow), on the
// hostile site (control characters, U+2028 and U+2029, markup) and a
// synthetic one with every kind of field.
func TestEncodeOnceMatchesEachFile(t *testing.T) {
	defer func(on bool) { keepEncodings.Store(on) }(keepEncodings.Load())
	keepEncodings.Store(false)
	synthDir := filepath.Join(t.TempDir(), "synth")
	if _, err := synth.Site("..", synthDir, 2*onceBatch+7, 3); err != nil {
		t.Fatal(err)
	}
	load := func(dir string) *model { return locatedModel(t, dir, "https://example.org/") }
	for _, dir := range []string{"../testdata/hostile", synthDir} {
		once := &memSink{files: Files{}}
		onceJS, err := load(dir).aggregatesOnce(once, [2]bool{})
		if err != nil {
			t.Fatal(err)
		}
		m := load(dir)
		each := &memSink{files: Files{}}
		if err := m.csvFile(each); err != nil {
			t.Fatal(err)
		}
		if err := m.layers(each); err != nil {
			t.Fatal(err)
		}
		eachJS, err := m.mapDataTo(each)
		if err != nil {
			t.Fatal(err)
		}
		if string(onceJS) != string(eachJS) {
			t.Errorf("%s: data.js differs", dir)
		}
		if got, want := once.files.Paths(), each.files.Paths(); !slices.Equal(got, want) {
			t.Fatalf("%s: files %q, want %q", dir, got, want)
		}
		for p, b := range each.files {
			if string(once.files[p]) != string(b) {
				t.Errorf("%s: %s differs", dir, p)
			}
		}
	}
}
