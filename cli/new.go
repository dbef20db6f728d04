package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/mapsite/mapsite/site"
)

func runNew(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("new", "DIR", stderr)
	rest, code, ok := parse(fs, args)
	if !ok {
		return code
	}
	if len(rest) != 1 {
		fs.Usage()
		return Usage
	}
	if err := site.Scaffold(rest[0]); err != nil {
		fmt.Fprintf(stderr, "mapsite new: %v\n", err)
		return DataError
	}
	fmt.Fprintf(stdout, "Created a site in %s. Next:\n  cd %s && mapsite serve\n", rest[0], rest[0])
	return OK
}
