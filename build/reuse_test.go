package build

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/mapsite/mapsite/incident"
)

// transientSink is a memSink that notes, for each file put through
// putTransient, the array its bytes were in.
type transientSink struct {
	*memSink
	mu     sync.Mutex
	arrays map[string]*byte // by path
}

func (s *transientSink) putTransient(p string, b []byte) error {
	s.mu.Lock()
	s.arrays[p] = unsafe.SliceData(b)
	s.mu.Unlock()
	return s.memSink.putTransient(p, b)
}

// chunkArrays returns the number of chunk files s was given, and of the
// arrays they were in.
func (s *transientSink) chunkArrays() (files, arrays int) {
	seen := map[*byte]bool{}
	for p, a := range s.arrays {
		if strings.HasPrefix(p, "assets/records/") {
			files++
			seen[a] = true
		}
	}
	return files, len(seen)
}

// TestChunksInOneBuffer checks that a single build makes the map's chunks
// in a buffer it uses again, chunk after chunk, handing each to the sink's
// putTransient: the detail chunks as it encodes the records once
// (encodeOnce), the text chunks with the map data (mapDataTo); and that
// the files are those mapData makes, each chunk in its own buffer.
func TestChunksInOneBuffer(t *testing.T) {
	defer func(on bool) { keepEncodings.Store(on) }(keepEncodings.Load())
	keepEncodings.Store(false)
	m := synthModel(t, 9000) // 36 detail chunks, 3 text chunks

	want := Files{}
	put := func(p string, b []byte) error { want[p] = b; return nil }
	if _, err := m.mapData(put); err != nil {
		t.Fatal(err)
	}

	out := &transientSink{memSink: &memSink{files: Files{}}, arrays: map[string]*byte{}}
	details, ok, err := m.encodeOnce(out)
	if err != nil || !ok {
		t.Fatalf("encodeOnce: %v, %v", ok, err)
	}
	// Two batches' buffers, used in turn: a chunk's each.
	if files, arrays := out.chunkArrays(); files != 36 || arrays > 2*onceBatch/detailChunk {
		t.Errorf("encodeOnce: %d detail chunks in %d arrays, want 36 in at most %d", files, arrays, 2*onceBatch/detailChunk)
	}
	m.details = details
	text := &transientSink{memSink: &memSink{files: Files{}}, arrays: map[string]*byte{}}
	if _, err := m.mapDataTo(text); err != nil {
		t.Fatal(err)
	}
	if files, arrays := text.chunkArrays(); files != 3 || arrays > 2 {
		t.Errorf("mapDataTo: %d text chunks in %d arrays, want 3 in at most 2", files, arrays)
	}
	got := Files{}
	for _, s := range []*transientSink{out, text} {
		for p, b := range s.files {
			if strings.HasPrefix(p, "assets/records/") {
				got[p] = b
			}
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d chunks, mapData makes %d", len(got), len(want))
	}
	for p, b := range want {
		if !bytes.Equal(got[p], b) {
			t.Errorf("%s differs from mapData's", p)
		}
	}
}

// TestRecordAllocations checks the garbage a record's CSV row and page
// description make, with a record of two sources, two tags, a long
// summary and no counts (whose texts are made): the row, written into a
// buffer with room, none; the description, only its string.
func TestRecordAllocations(t *testing.T) {
	m := synthModel(t, 200)
	var rv *recordView
	for _, r := range m.Records {
		if len(r.Sources) >= 2 && len(r.Tags) >= 2 && len(r.Summary) > 250 && r.Counts == (incident.Counts{}) {
			rv = r
			break
		}
	}
	if rv == nil {
		t.Fatal("no record with two sources, two tags, a long summary and no counts")
	}
	row := make([]byte, 0, 4096)
	if n := testing.AllocsPerRun(100, func() { row = m.appendCSVRow(row[:0], rv) }); n > 0.5 {
		t.Errorf("a CSV row allocates %.1f times", n)
	}
	if n := testing.AllocsPerRun(100, func() { description(rv) }); n > 1 {
		t.Errorf("a description allocates %.1f times", n)
	}
}
