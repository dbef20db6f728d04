// Package assets holds the site's own CSS and JavaScript and, under
// vendor/, the front-end libraries copied from node_modules by `make
// vendor` (Leaflet, supercluster, protomaps-leaflet).
// A site overrides a file by putting one of the same name in its own
// assets/ folder.
package assets

import "embed"

// FS holds the assets.
//
//go:embed *.css *.js *.svg all:vendor
var FS embed.FS
