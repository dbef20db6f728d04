// Command mapsite turns incident records kept in TOML into a static map
// site. See README.md, or run mapsite help.
//
// MAPSITE_CPUPROFILE=file writes a CPU profile of the run to file, for
// `go tool pprof` (docs/SCALING.md); MAPSITE_MEMPROFILE=file writes a
// heap profile of the moment the live heap was largest (see heapPeak).
// Without GOMEMLIMIT, the runtime's
// soft memory limit is four fifths of the memory available at start
// (setMemoryLimit), and mapsite build lowers it once the site is loaded
// (build.Options.LimitMemory).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"runtime/trace"

	"github.com/mapsite/mapsite/cli"
)

func main() {
	if code := run(); code != 0 {
		os.Exit(code)
	}
}

// run runs the command line under the profilers the environment asks for,
// which are written before it returns the exit status.
func run() int {
	setMemoryLimit()
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
