package build

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestProgressLine checks what the progress line says at each stage.
func TestProgressLine(t *testing.T) {
	p := &progress{start: time.Now()}
	p.loaded(100000)
	if got, want := p.line(time.Second), "mapsite build: 100,000 records loaded"; got != want {
		t.Errorf("after loading: %q, want %q", got, want)
	}
	p.stage("placing them")
	if got, want := p.line(time.Second), "mapsite build: 100,000 records loaded; placing them"; got != want {
		t.Errorf("geocoding: %q, want %q", got, want)
	}
	p.pagesToWrite(1000)
	p.pagesFrom.Store(int64(2 * time.Second))
	for range 250 {
		p.pageWritten()
	}
	// 250 pages in 5 s: 750 more take 15 s.
	if got, want := p.line(7*time.Second), "mapsite build: 100,000 records loaded, 250 of 1,000 pages written, about 15s left"; got != want {
		t.Errorf("writing pages: %q, want %q", got, want)
	}
}

// TestNoProgressWhenShortOrNotATerminal checks that a build under two
// seconds prints nothing, and that a pipe or file is not a terminal.
func TestNoProgressWhenShortOrNotATerminal(t *testing.T) {
	var b bytes.Buffer
	p := startProgress(&b)
	p.loaded(10)
	time.Sleep(50 * time.Millisecond)
	p.end()
	if b.Len() != 0 {
		t.Errorf("a short build printed %q", b.String())
	}
	startProgress(nil).end() // a nil progress does nothing
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) || IsTerminal(&b) {
		t.Error("a file or a buffer taken for a terminal")
	}
}

// TestProgressShownOnLongBuild checks that progress appears after the
// delay and is cleared at the end.
func TestProgressShownOnLongBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the progress delay")
	}
	var b syncBuffer
	p := startProgress(&b)
	p.loaded(42)
	time.Sleep(progressAfter + 600*time.Millisecond)
	p.end()
	out := b.String()
	if !strings.Contains(out, "42 records loaded") || !strings.HasSuffix(out, "\r\033[K") {
		t.Errorf("progress output %q", out)
	}
}

// syncBuffer is a bytes.Buffer safe for the progress goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
