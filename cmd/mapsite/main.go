// Command mapsite turns incident records kept in TOML into a static map
// site. See README.md, or run mapsite help.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/mapsite/mapsite/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
