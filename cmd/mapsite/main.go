// Command mapsite turns incident records kept in TOML into a static map
// site. See README.md, or run mapsite help.
//
// MAPSITE_CPUPROFILE=file writes a CPU profile of the run to file, for
// `go tool pprof` (docs/SCALING.md); MAPSITE_MEMPROFILE=file writes a
// heap profile of the moment the live heap was largest (see heapPeak).
// Without GOMEMLIMIT, the runtime's
// soft memory limit is four fifths of the memory available at start
// (setMemoryLimit), and mapsite build lowers it once the site is loaded
// (build.Options.LimitMemory). Where Linux gives transparent huge pages
// only on request, the heap's first heapReserve bytes ask for them
// (hugeheap.Reserve).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"runtime/trace"

	"github.com/mapsite/mapsite/cli"
	"github.com/mapsite/mapsite/internal/hugeheap"
)

// heapReserve is the heap that asks for huge pages from the start, above
// the peak of a cold build of 100,000 records (about 450 MB). On a
// machine whose page faults cost 18 µs, 1,000- and 10,000-record builds
// took the same time with 256 MB and 1 GB, and a 4 GB reserve cost them
// 1,000 faults more (the runtime's metadata for the address space); a
// second reserve once the site is loaded, sized by its records, made
// 100,000-record builds 14% slower than this one at start.
const heapReserve = 1 << 30

func main() {
	if code := run(); code != 0 {
		os.Exit(code)
	}
}

// run runs the command line under the profilers the environment asks for,
// which are written before it returns the exit status.
func run() int {
	if os.Getenv("MAPSITE_MEMPROFILE") == "" {
		// Sampling allocations for a heap profile nobody asked for costs
		// a stack walk every 512 kB allocated, and the samples' memory.
		runtime.MemProfileRate = 0
	}
	setMemoryLimit()
	hugeheap.Reserve(heapReserve)
	if name := os.Getenv("MAPSITE_CPUPROFILE"); name != "" {
		f, err := os.Create(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "mapsite: MAPSITE_CPUPROFILE:", err)
			return 2
		}
		pprof.StartCPUProfile(f)
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	if name := os.Getenv("MAPSITE_TRACE"); name != "" {
		f, err := os.Create(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "mapsite: MAPSITE_TRACE:", err)
			return 2
		}
		trace.Start(f)
		defer f.Close()
		defer trace.Stop()
	}
	if name := os.Getenv("MAPSITE_MEMPROFILE"); name != "" {
		h := startHeapPeak()
		defer func() {
			if err := h.write(name); err != nil {
				fmt.Fprintln(os.Stderr, "mapsite: MAPSITE_MEMPROFILE:", err)
			}
		}()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
}
