package main

import (
	"bytes"
	"os"
	"runtime/metrics"
	"runtime/pprof"
	"sync"
	"time"
)

// A heapPeak keeps the heap profile of the moment the live heap was
// largest: MAPSITE_MEMPROFILE=file writes it to file when mapsite ends.
// A profile written at the end would show only what is still live then,
// long after the records and the files made from them are gone.
//
// The live heap is measured by every garbage collection; heapPeak reads it
// every few milliseconds, and whenever it has grown past the largest seen,
// takes a heap profile, whose in-use figures are those of the same
// collection.
type heapPeak struct {
	stop chan struct{}
	done sync.WaitGroup
	max  uint64
	prof bytes.Buffer
}

// heapPeakEvery is how often heapPeak reads the live heap.
const heapPeakEvery = 10 * time.Millisecond

func startHeapPeak() *heapPeak {
	h := &heapPeak{stop: make(chan struct{})}
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		t := time.NewTicker(heapPeakEvery)
		defer t.Stop()
		for {
			h.sample()
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

// sample takes a heap profile if the live heap is the largest seen.
func (h *heapPeak) sample() {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	if live := s[0].Value.Uint64(); live > h.max {
		h.max = live
		h.prof.Reset()
		pprof.Lookup("heap").WriteTo(&h.prof, 0)
	}
}

// write stops sampling and writes the profile to name.
func (h *heapPeak) write(name string) error {
	close(h.stop)
	h.done.Wait()
	h.sample()
	return os.WriteFile(name, h.prof.Bytes(), 0o644)
}
