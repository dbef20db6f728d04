//go:build unix

package tiles

import (
	"cmp"
	"os"
	"runtime"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/mapsite/mapsite/internal/synth"
)

// TestLargeArchive makes the archive of MAPSITE_TILES_N synthetic records
// (package internal/synth, the records make bench builds, in the build's
// date order) and logs its time, memory and sizes; MAPSITE_TILES_OUT
// names a file to write it to. It runs only when MAPSITE_TILES_N is set:
//
//	MAPSITE_TILES_N=1000000 go test ./tiles -run TestLargeArchive -v -timeout 30m
func TestLargeArchive(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("MAPSITE_TILES_N"))
	if n <= 0 {
		t.Skip("set MAPSITE_TILES_N to the number of records")
	}
	pool, err := synth.LoadPlaces("..")
	if err != nil {
		t.Fatal(err)
	}
	gen := synth.Generate(n, 1, pool)
	layers := map[string]int{"attack": 0, "arrest": 1, "plot": 2, "threat": 3, "network": 4}
	recs := make([]Record, n)
	for i := range gen {
		g := &gen[i]
		lon, lat := g.Place.Lon, g.Place.Lat
		if g.Coords != nil {
			lon, lat = g.Coords[0], g.Coords[1]
		}
		recs[i] = Record{Lon: lon, Lat: lat, ID: g.ID, Title: g.Title, Layer: layers[g.Layer], Country: g.Place.Country,
			Start: g.Start, DateText: g.Date, Place: g.Place.Text, Precision: g.Place.Precision.String()}
	}
	gen = nil
	slices.SortFunc(recs, func(a, b Record) int { return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.ID, b.ID)) })
	for i := range recs {
		recs[i].Key = i
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0, start := cpuTime(), time.Now()
	b, st, err := Archive(recs, DefaultOptions)
	wall, cpu := time.Since(start), cpuTime()-cpu0
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	t.Logf("%d records: %d tiles, %d bytes, largest tile %d bytes, in %v wall, %v CPU; %d MB allocated, heap %d -> %d MB",
		n, st.Tiles, st.Bytes, st.Largest, wall.Round(time.Millisecond), cpu.Round(time.Millisecond),
		(after.TotalAlloc-before.TotalAlloc)>>20, before.HeapInuse>>20, after.HeapInuse>>20)
	for z := DefaultOptions.MinZoom; z <= DefaultOptions.PointZoom; z++ {
		t.Logf("zoom %2d: %8d features, %d records", z, st.Features[z], st.Records[z])
		if st.Records[z] != n {
			t.Errorf("zoom %d counts %d records, want %d", z, st.Records[z], n)
		}
	}
	if out := os.Getenv("MAPSITE_TILES_OUT"); out != "" {
		if err := os.WriteFile(out, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// cpuTime is the process's CPU time so far (user and system, all threads).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
