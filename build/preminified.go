package build

import (
	"crypto/sha256"
	"embed"
	"path"
	"sync"

	"github.com/mapsite/mapsite/internal/assetmin"
)

// The assets are minified when mapsite is built rather than by every
// build from nothing (about 20 ms of CPU): minified/ holds the copies of
// the site's own assets, committed, and minified/vendor/ those of the
// front-end libraries, written by `make vendor` beside them and not
// committed. Each folder lists its copies by the key of their source in
// SUMS (see assetmin.Sums), so a copy is taken only for the bytes it was
// made from: an asset changed since, or a site's own, is minified as
// before. TestPreminifiedUpToDate fails when a committed copy is missing
// or is not what the minifier makes of its source now.
//
//go:generate go run ../scripts/minify -o minified
//go:embed minified
var preminifiedFS embed.FS

// preminifiedDir is the folder of the copies in preminifiedFS.
const preminifiedDir = "minified"

// preminifiedIndex lists the copies in preminifiedFS by their sources'
// keys: their names as assets, e.g. "map.js", "vendor/leaflet.js", which
// are their paths under preminifiedDir.
var preminifiedIndex = sync.OnceValue(func() map[[sha256.Size]byte]string {
	index := map[[sha256.Size]byte]string{}
	for _, dir := range []string{preminifiedDir, preminifiedDir + "/vendor"} {
		if list, err := preminifiedFS.ReadFile(path.Join(dir, assetmin.Sums)); err == nil {
			assetmin.ParseSums(list, index)
		}
	}
	return index
})

// preminified returns the copy minified when mapsite was built of the
// asset whose key (see assetmin.Key) is key, if there is one.
func preminified(key [sha256.Size]byte) ([]byte, bool) {
	p, ok := preminifiedIndex()[key]
	if !ok {
		return nil, false
	}
	b, err := preminifiedFS.ReadFile(path.Join(preminifiedDir, p))
	return b, err == nil
}
