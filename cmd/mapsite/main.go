// Command mapsite turns incident records kept in TOML into a static map
// site. See README.md, or run mapsite help.
//
// MAPSITE_CPUPROFILE=file writes a CPU profile of the run to file, for
// `go tool pprof` (docs/SCALING.md). Without GOMEMLIMIT, the runtime's
// soft memory limit is four fifths of the memory available at start
// (setMemoryLimit).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"

	"github.com/mapsite/mapsite/cli"
)

func main() {
	setMemoryLimit()
	if name := os.Getenv("MAPSITE_CPUPROFILE"); name != "" {
		f, err := os.Create(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "mapsite: MAPSITE_CPUPROFILE:", err)
			os.Exit(2)
		}
		pprof.StartCPUProfile(f)
		defer f.Close()
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if code != 0 {
		pprof.StopCPUProfile()
		os.Exit(code)
	}
}
