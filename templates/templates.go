// Package templates holds the html/template files of every page, embedded
// in the binary. A site overrides one by putting a file of the same name in
// its own templates/ folder.
package templates

import "embed"

// FS holds the page templates.
//
//go:embed *.html
var FS embed.FS
