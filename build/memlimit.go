package build

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// The rule of limitMemory, from cold, warm and one-edit builds of 1,000 to
// 1,000,000 synthetic records: the live heap's peak, while the map data is
// made, was at most the live heap once loaded, plus 1 KB a record (the
// model, the map data), plus about 30 MB whatever the size (the place
// list, the assets). At 100,000 records, cold, a limit 1.6 times the peak
// cost up to 5% more CPU, 1.4 times about 10% more, 1.2 times 17% more;
// 45% over the expected peak, which is above the peak, is about 1.6 times
// it, and keeps the process under 500 MB there.
const (
	memoryPerRecord = 1 << 10
	memoryFixed     = 32 << 20
)

// memoryFloor is the lowest limit limitMemory sets: a build whose peak is
// this small (up to about 50,000 records) keeps the runtime's own pace.
var memoryFloor int64 = 256 << 20 // a variable for the tests

// limitMemory lowers the Go runtime's soft memory limit, once the site is
// loaded, to memoryLimit of the live heap then, so that the collector
// keeps the heap near what is alive instead of letting it reach twice
// that. It never raises the limit, and does nothing if GOMEMLIMIT is set.
func limitMemory(records int) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	ceiling := debug.SetMemoryLimit(-1)
	// The heap's objects, garbage included, are no fewer than the live
	// ones: if even they give the floor, no collection is needed to know.
	if limit := memoryLimit(readMetric("/memory/classes/heap/objects:bytes"), records, ceiling); limit <= memoryFloor {
		debug.SetMemoryLimit(limit)
		return
	}
	runtime.GC() // measures the live heap, and frees the load's garbage
	debug.SetMemoryLimit(memoryLimit(readMetric("/gc/heap/live:bytes"), records, ceiling))
}

// memoryLimit is the limit for a build of records whose live heap is live
// bytes once loaded: 45% over the peak it expects, at least memoryFloor,
// at most ceiling.
func memoryLimit(live uint64, records int, ceiling int64) int64 {
	peak := int64(live) + int64(records)*memoryPerRecord + memoryFixed
	return min(max(peak*29/20, memoryFloor), ceiling)
}

// readMetric returns the runtime metric name, a number of bytes.
func readMetric(name string) uint64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
