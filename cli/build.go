package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/mapsite/mapsite/build"
	"github.com/mapsite/mapsite/diag"
)

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("build", "[-s SITE_DIR] [-o OUT_DIR] [--base-url URL] [-q] [--force] [--allow-empty]", stderr)
	var opt build.Options
	fs.StringVar(&opt.SiteDir, "s", ".", "site folder (holds site.toml and data/)")
	fs.StringVar(&opt.OutDir, "o", "public", "output folder, replaced whole on success")
	fs.StringVar(&opt.BaseURL, "base-url", "", "absolute URL the site is published at (feed, sitemap, social meta only)")
	fs.BoolVar(&opt.Force, "force", false, "replace an output folder that mapsite did not write")
	fs.BoolVar(&opt.AllowEmpty, "allow-empty", false, "let a build with no records replace a published site")
	opt.Log = stderr
	opt.LimitMemory = true // the process ends with the build
	quiet := fs.Bool("q", false, "print nothing but errors and warnings")
	if rest, code, ok := parse(fs, args); !ok {
		return code
	} else if len(rest) > 0 {
		fmt.Fprintf(stderr, "mapsite build: unexpected argument %q\n", rest[0])
		return Usage
	}
	if !*quiet && build.IsTerminal(stdout) {
		opt.Progress = stdout // a long build shows how far it has come
	}
	rep, err := build.Build(ctx, opt)
	return reportBuild(rep, err, *quiet, stdout, stderr)
}

// reportBuild prints a build's warnings and summary, or its errors, and
// returns the exit status.
func reportBuild(rep *build.Report, err error, quiet bool, stdout, stderr io.Writer) int {
	var data *diag.DataError
	if errors.As(err, &data) {
		data.List.WriteText(stderr)
		fmt.Fprintf(stderr, "%s: nothing was written\n", plural(data.List.Errors(), "error"))
		return DataError
	}
	if err != nil {
		fmt.Fprintf(stderr, "mapsite build: %s\n", diag.Printable(err.Error()))
		return DataError
	}
	rep.Warnings.WriteText(stderr)
	if !quiet {
		rep.Write(stdout)
	}
	return OK
}
