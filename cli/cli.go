// Package cli implements the mapsite command line: it parses flags, calls
// the packages that do the work and turns their results into output and an
// exit status.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit statuses.
const (
	OK        = 0 // success
	DataError = 1 // the data has errors (all printed), or the work failed
	Usage     = 2 // the command line is wrong
)

const usage = `mapsite turns incident records kept in TOML into a static map site.

Usage:
  mapsite build  [-s SITE_DIR] [-o OUT_DIR] [--base-url URL] [-q] [--force] [--allow-empty]
  mapsite check  [-s SITE_DIR] [--format text|json]
  mapsite serve  [-s SITE_DIR] [--addr 127.0.0.1:1313]
  mapsite places [-s SITE_DIR] [--country CC] [--json] QUERY
  mapsite new    DIR

Run "mapsite COMMAND -h" for a command's flags.
`

type command struct {
	name string
	run  func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands []command

func init() {
	commands = []command{
		{"build", runBuild},
		{"check", runCheck},
		{"serve", runServe},
		{"places", runPlaces},
		{"new", runNew},
	}
}

// Run runs the mapsite command line args (without the program name) and
// returns the exit status.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return Usage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return OK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "mapsite: unknown command %q\n\n%s", args[0], usage)
	return Usage
}

// newFlags returns a flag set that reports to stderr and prints the
// command's synopsis on -h.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: mapsite %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args into fs, allowing flags after positional arguments.
// It returns the status to exit with when parsing fails or help was asked.
func parse(fs *flag.FlagSet, args []string) ([]string, int, bool) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, OK, false
			}
			return nil, Usage, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, OK, true
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	if strings.HasSuffix(word, "y") {
		return fmt.Sprintf("%d %sies", n, word[:len(word)-1])
	}
	return fmt.Sprintf("%d %ss", n, word)
}
