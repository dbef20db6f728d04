package build

import (
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
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
