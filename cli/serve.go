package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/mapsite/mapsite/serve"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("serve", "[-s SITE_DIR] [--addr 127.0.0.1:1313]", stderr)
	dir := fs.String("s", ".", "site folder (holds site.toml and data/)")
	addr := fs.String("addr", "127.0.0.1:1313", "address to listen on; only requests for localhost, 127.0.0.1, [::1] or this host are answered")
	if rest, code, ok := parse(fs, args); !ok {
		return code
	} else if len(rest) > 0 {
		fmt.Fprintf(stderr, "mapsite serve: unexpected argument %q\n", rest[0])
		return Usage
	}
	if err := serve.Run(ctx, serve.Options{SiteDir: *dir, Addr: *addr, Log: stdout}); err != nil {
		fmt.Fprintf(stderr, "mapsite serve: %v\n", err)
		return DataError
	}
	return OK
}
