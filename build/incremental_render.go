package build

import (
	"context"
	"sync"
)

// A Renderer renders one site in memory again and again, as mapsite serve
// does after every save. Each render takes from the previous good one
// every record page whose input key did not change (see pageKeys), so a
// one-record edit renders a few pages, not all. A failed render leaves
// the previous good one as the base of the next. Set Options.Loader to
// decode only the data files that changed as well.
type Renderer struct {
	opt   Options
	mu    sync.Mutex
	files Files             // the last good render
	keys  map[string]digest // its record pages' input keys
}

// NewRenderer returns a Renderer of the site opt.SiteDir (opt.OutDir and
// the options about it are not used).
func NewRenderer(opt Options) *Renderer {
	keepEncodings.Store(true)
	return &Renderer{opt: opt}
}

// Render renders the site, like the package-level Render. The files it
// returns are the caller's to read, never to change: the next render
// shares them.
func (r *Renderer) Render(ctx context.Context) (Files, *Report, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	mem := &memSink{files: make(Files, len(r.files)), prev: r.files, prevKeys: r.keys, made: make(map[string]digest, len(r.keys))}
	rep, err := render(ctx, r.opt, mem, nil)
	if err != nil {
		return nil, nil, err
	}
	r.files, r.keys = mem.files, mem.made
	return mem.files, rep, nil
}
