package build

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// progressAfter is how long a build runs before it shows progress: a
// short build prints nothing but its summary.
const progressAfter = 2 * time.Second

// IsTerminal reports whether w is a terminal (a character device), where
// progress is shown; a pipe or a file gets none.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progress shows, on one rewritten terminal line, how far a long build
// has come: records loaded, pages written and the time left. A nil
// *progress shows nothing, so the pipeline calls it unconditionally.
type progress struct {
	w           io.Writer
	start       time.Time
	records     atomic.Int64
	pages, done atomic.Int64 // pages to write, pages written
	pagesFrom   atomic.Int64 // when the pages began, in ns after start
	doing       atomic.Value // string: what the build is doing before the pages
	stop        chan struct{}
	wg          sync.WaitGroup
}

// startProgress starts showing progress on w after progressAfter; it
// returns nil when w is nil.
func startProgress(w io.Writer) *progress {
	if w == nil {
		return nil
	}
	p := &progress{w: w, start: time.Now(), stop: make(chan struct{})}
	p.wg.Add(1)
	go p.run()
	return p
}

func (p *progress) run() {
	defer p.wg.Done()
	select {
	case <-time.After(progressAfter):
	case <-p.stop:
		return
	}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	shown := false
	for {
		select {
		case <-p.stop:
			if shown {
				fmt.Fprint(p.w, "\r\033[K") // leave the line to the summary
			}
			return
		case <-tick.C:
			fmt.Fprintf(p.w, "\r\033[K%s", p.line(time.Since(p.start)))
			shown = true
		}
	}
}

// line is the progress line after elapsed.
func (p *progress) line(elapsed time.Duration) string {
	s := english.Sprintf("mapsite build: %d records loaded", p.records.Load())
	total, done := p.pages.Load(), p.done.Load()
	if doing, _ := p.doing.Load().(string); doing != "" && total == 0 {
		s += "; " + doing
	}
	if total > 0 {
		s += english.Sprintf(", %d of %d pages written", done, total)
		if spent := elapsed - time.Duration(p.pagesFrom.Load()); done > 0 && done < total && spent > 0 {
			// The pages are most of the work left: the time per page so
			// far gives the rest.
			left := time.Duration(float64(spent) / float64(done) * float64(total-done))
			s += fmt.Sprintf(", about %s left", left.Round(time.Second))
		}
	}
	return s
}

func (p *progress) loaded(n int) {
	if p != nil {
		p.records.Store(int64(n))
	}
}

// stage says what the build is doing, until the pages begin.
func (p *progress) stage(doing string) {
	if p != nil {
		p.doing.Store(doing)
	}
}

func (p *progress) pagesToWrite(n int) {
	if p != nil {
		p.pagesFrom.Store(int64(time.Since(p.start)))
		p.pages.Store(int64(n))
	}
}

func (p *progress) pageWritten() {
	if p != nil {
		p.done.Add(1)
	}
}

// end stops the progress line and clears it.
func (p *progress) end() {
	if p != nil {
		close(p.stop)
		p.wg.Wait()
	}
}
