// Package serve is mapsite's development server: it builds the site in
// memory, serves it on a local address, rebuilds when a file of the site
// changes and tells open browsers to reload. A failed rebuild keeps the last good site served
// and shows the errors in the terminal and in the page.
package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/mapsite/mapsite/build"
	"github.com/mapsite/mapsite/diag"
	"github.com/mapsite/mapsite/site"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// english prints the log's numbers grouped in thousands (10,000 records).
var english = message.NewPrinter(language.English)

// Options configure the server.
type Options struct {
	SiteDir string
	Addr    string    // e.g. "127.0.0.1:1313"
	Log     io.Writer // build reports and errors
	// Ready, when set, receives the address actually listened on.
	Ready func(addr string)
}

// reloadPath serves the script and the event stream of live reload.
const reloadPath = "/_mapsite/"

// Server builds, serves and rebuilds one site.
type Server struct {
	opt    Options
	render *build.Renderer // keeps the last render, whose unchanged pages the next reuses
	hosts  hosts
	mu     sync.Mutex
	files  build.Files // the last good build
	errMsg string      // the last failed build's errors, "" after a success
	subs   map[chan string]bool
}

// Run serves the site until ctx is cancelled.
func Run(ctx context.Context, opt Options) error {
	s := &Server{opt: opt, files: build.Files{}, subs: map[chan string]bool{}}
	loader := site.NewLoader(opt.SiteDir) // decodes only the data files that changed
	defer loader.Close()                  // its last decodings, for the next process
	s.render = build.NewRenderer(build.Options{SiteDir: opt.SiteDir, Loader: loader})
	if msg := s.rebuild(ctx); msg != "" {
		s.fail(msg)
	}

	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer w.Close()
	if err := s.watchTree(w); err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	ln, err := net.Listen("tcp", opt.Addr)
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	s.hosts = allowedHosts(opt.Addr, addr)
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	fmt.Fprintf(opt.Log, "serving %s at http://%s/ (Ctrl-C to stop)\n", opt.SiteDir, addr)
	if opt.Ready != nil {
		opt.Ready(addr)
	}
	s.watch(ctx, w)
	shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s.closeSubscribers()
	return srv.Shutdown(shutdown)
}

// watchTree watches the site folder and its sub-folders, except the output
// and hidden or dependency folders.
func (s *Server) watchTree(w *fsnotify.Watcher) error {
	return filepath.WalkDir(s.opt.SiteDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		name := d.Name()
		if path != s.opt.SiteDir && (strings.HasPrefix(name, ".") || name == "node_modules" || name == "public") {
			return filepath.SkipDir
		}
		return w.Add(path)
	})
}

// settle is how long the watcher waits after a change for the next one
// before it rebuilds. An editor's save is often a burst of events (the
// file truncated, then written; or a new file renamed over the old) a few
// microseconds apart; a rebuild takes longer than this wait, and events
// that arrive while it runs make one more rebuild, right after it.
const settle = 3 * time.Millisecond

// errorGrace is how long a failed rebuild waits before browsers are told
// of its errors. A file read while it was being written (truncated, then
// written in pieces, as a script writing a large file does) fails to
// decode; its last write arrives within this time and makes the next
// rebuild, so no error flashes up between two good builds.
const errorGrace = 100 * time.Millisecond

// watch rebuilds after changes, once per burst of events (see settle),
// and shows a failed rebuild's errors unless a change follows it at once
// (see errorGrace).
func (s *Server) watch(ctx context.Context, w *fsnotify.Watcher) {
	var timer, failed <-chan time.Time
	var errMsg string
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if !relevant(ev.Name) {
				continue
			}
			if ev.Op&fsnotify.Create != 0 {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					w.Add(ev.Name)
				}
			}
			timer, failed = time.After(settle), nil
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			fmt.Fprintf(s.opt.Log, "watch: %v\n", err)
		case <-timer:
			timer = nil
			if errMsg = s.rebuild(ctx); errMsg != "" {
				failed = time.After(errorGrace)
			}
		case <-failed:
			failed = nil
			s.fail(errMsg)
		}
	}
}

// relevant reports whether a change to path can change the site.
func relevant(path string) bool {
	base := filepath.Base(path)
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") {
		return false
	}
	switch filepath.Ext(base) {
	case ".toml", ".html", ".css", ".js", ".svg", ".png", ".json", "":
		return true
	}
	return false
}

// rebuild builds the site and tells browsers to reload. It returns the
// errors of a failed build, for fail, and keeps serving the last good
// build.
func (s *Server) rebuild(ctx context.Context) (errMsg string) {
	start := time.Now()
	files, rep, err := s.render.Render(ctx)
	if err != nil {
		var data *diag.DataError
		msg := err.Error()
		if errors.As(err, &data) {
			var b bytes.Buffer
			data.List.WriteText(&b)
			msg = b.String()
		}
		return msg
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rep.Warnings.WriteText(s.opt.Log)
	// A save that changes nothing (the file saved again as it was, or
	// the last events of a save already built) reloads no page.
	unchanged := s.errMsg == "" && sameFiles(s.files, files)
	s.errMsg = ""
	s.files = files
	if unchanged {
		english.Fprintf(s.opt.Log, "rebuilt %d records in %d ms: nothing changed\n", rep.Records, time.Since(start).Milliseconds())
		return ""
	}
	english.Fprintf(s.opt.Log, "rebuilt %d records in %d ms (", rep.Records, time.Since(start).Milliseconds())
	for i, st := range rep.Steps {
		if i > 0 {
			fmt.Fprint(s.opt.Log, ", ")
		}
		english.Fprintf(s.opt.Log, "%s %d", st.Name, st.Duration.Milliseconds())
	}
	if rep.Reused > 0 {
		english.Fprintf(s.opt.Log, "; %d of %d files unchanged", rep.Reused, rep.Files)
	}
	fmt.Fprintln(s.opt.Log, ")")
	s.broadcast("reload")
	return ""
}

// fail shows browsers a failed build's errors (msg) and keeps serving the
// last good build.
func (s *Server) fail(msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errMsg = msg
	fmt.Fprintf(s.opt.Log, "%sbuild failed; still serving the last good build\n", msg)
	s.broadcast("error")
}

// sameFiles reports whether two builds are the same: the same paths, and
// the same bytes (most often the same slice, which a render reuses).
func sameFiles(a, b build.Files) bool {
	if len(a) != len(b) {
		return false
	}
	for p, x := range a {
		y, ok := b[p]
		if !ok || len(x) != len(y) {
			return false
		}
		if len(x) > 0 && &x[0] == &y[0] {
			continue
		}
		if !bytes.Equal(x, y) {
			return false
		}
	}
	return true
}

func (s *Server) broadcast(msg string) {
	for ch := range s.subs {
		select {
		case ch <- msg:
		default:
		}
	}
}

func (s *Server) closeSubscribers() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.subs {
		close(ch)
		delete(s.subs, ch)
	}
}

// hosts are the names a request's Host header may give: the server
// answers nothing else, so that a page on another site whose name an
// attacker points at 127.0.0.1 (DNS rebinding) cannot read this one.
type hosts struct {
	names map[string]bool // lower case, without brackets or port
	anyIP bool            // listening on every address: any IP literal too
	port  string          // the port listened on; a Host may also omit it
}

// allowedHosts returns the hosts a server listening on listen (the
// --addr flag) at the actual address addr answers: the loopback names, and
// the host --addr names, if any.
func allowedHosts(listen, addr string) hosts {
	h := hosts{names: map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}}
	_, h.port, _ = net.SplitHostPort(addr)
	name, _, err := net.SplitHostPort(listen)
	if err != nil {
		name = listen
	}
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if ip := net.ParseIP(name); name == "" || (ip != nil && ip.IsUnspecified()) {
		h.anyIP = true
	} else {
		h.names[name] = true
	}
	return h
}

// allow reports whether a request with the Host header host is answered.
func (h hosts) allow(host string) bool {
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		name, port = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"), ""
	}
	if port != "" && port != h.port {
		return false
	}
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if h.names[name] {
		return true
	}
	return h.anyIP && net.ParseIP(name) != nil
}

// ServeHTTP serves the built site, with the live-reload script added to
// every HTML page, and the reload endpoints.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.hosts.allow(r.Host) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, "mapsite serve answers only requests for localhost, 127.0.0.1 or [::1] (port %s), or the host --addr names; this one asked for %q\n", s.hosts.port, r.Host)
		return
	}
	switch r.URL.Path {
	case reloadPath + "reload.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		io.WriteString(w, reloadJS)
		return
	case reloadPath + "events":
		s.events(w, r)
		return
	case reloadPath + "errors":
		s.mu.Lock()
		msg := s.errMsg
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, msg)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if strings.HasSuffix(r.URL.Path, "/") && name != "" {
		name += "/"
	}
	s.mu.Lock()
	files := s.files
	s.mu.Unlock()
	if name == "" || strings.HasSuffix(name, "/") {
		name += "index.html"
	} else if _, ok := files[name]; !ok {
		if _, dir := files[name+"/index.html"]; dir {
			// From the cleaned name: "//about" must not send the browser
			// to the host "about".
			http.Redirect(w, r, "/"+name+"/", http.StatusMovedPermanently)
			return
		}
	}
	b, ok := files[name]
	status := http.StatusOK
	if !ok {
		name, b, status = "404.html", files["404.html"], http.StatusNotFound
	}
	ctype := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) {
	case ".geojson":
		ctype = "application/geo+json"
	case ".html":
		b = withReload(b)
	}
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	if status == http.StatusOK {
		// With byte ranges, as static hosts answer them: a PMTiles archive
		// (a street map, a large site's records) is read by ranges.
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
		return
	}
	w.WriteHeader(status)
	w.Write(b)
}

// withReload adds the live-reload script to an HTML page, before its last
// "</body>": text of the site may hold the string too, in an attribute
// where the minifier leaves "<" as it is.
func withReload(page []byte) []byte {
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		return page
	}
	script := `<script src="` + reloadPath + `reload.js"></script>`
	return slices.Concat(page[:i:i], []byte(script), page[i:])
}

// events streams "reload" and "error" to a page (Server-Sent Events).
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	ch := make(chan string, 1)
	s.mu.Lock()
	s.subs[ch] = true
	failing := s.errMsg != ""
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.subs, ch)
		s.mu.Unlock()
	}()
	io.WriteString(w, "retry: 500\n\n")
	if failing {
		io.WriteString(w, "data: error\n\n")
	}
	flusher.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case msg, ok := <-ch:
			if !ok {
				return
			}
			fmt.Fprintf(w, "data: %s\n\n", msg)
			flusher.Flush()
		}
	}
}

// reloadJS reloads the page after a rebuild and shows build errors over it.
const reloadJS = `(function () {
  "use strict";
  var base = "` + reloadPath + `";
  var box = null;
  function show(text) {
    if (!box) {
      box = document.createElement("pre");
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;margin:0;padding:1em;background:#fff4f4;color:#8a0000;border-top:3px solid #c00;font:13px/1.4 ui-monospace,monospace;z-index:100000;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "mapsite: the last edit did not build; showing the last good build.\n\n" + text;
  }
  var es = new EventSource(base + "events");
  es.onmessage = function (e) {
    if (e.data === "reload") location.reload();
    if (e.data === "error") fetch(base + "errors").then(function (r) { return r.text(); }).then(show);
  };
})();
`
