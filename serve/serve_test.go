package serve

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// copyDir copies the build fixture site into a folder the test may edit.
func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := t.TempDir()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestServeRebuildsAndReloads(t *testing.T) {
	dir := copyDir(t, "../build/testdata/site")
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{SiteDir: dir, Addr: "127.0.0.1:0", Log: io.Discard, Ready: func(a string) { ready <- a }})
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	var base string
	select {
	case a := <-ready:
		base = "http://" + a
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}

	code, page := get(t, base+"/")
	if code != 200 || !strings.Contains(page, reloadPath+"reload.js") {
		t.Fatalf("GET / = %d; want the map page with the reload script", code)
	}
	if code, body := get(t, base+"/../../../../etc/passwd"); code == http.StatusOK || strings.Contains(body, "root:") {
		t.Errorf("GET /../../etc/passwd = %d: served a file outside the site", code)
	}
	if code, _ := get(t, base+"/incidents/no-such-record/"); code != http.StatusNotFound {
		t.Errorf("GET a missing page = %d, want 404", code)
	}

	req, _ := http.NewRequestWithContext(ctx, "GET", base+reloadPath+"events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan string, 8)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				events <- data
			}
		}
	}()
	time.Sleep(100 * time.Millisecond) // let the stream subscribe

	wait := func(want string) {
		t.Helper()
		select {
		case got := <-events:
			if got != want {
				t.Fatalf("event %q, want %q", got, want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("no %q event after the edit", want)
		}
	}

	records := filepath.Join(dir, "data", "records.toml")
	src, _ := os.ReadFile(records)
	edited := []byte(strings.Replace(string(src), "A day-precision attack", "An edited title", 1))
	os.WriteFile(records, edited, 0o644)
	wait("reload")
	if _, page := get(t, base+"/incidents/kerman-2024-01-03/"); !strings.Contains(page, "An edited title") {
		t.Errorf("the record page does not show the edit")
	}

	// Saved again as it is: the site is rebuilt, the same, and no page
	// reloads.
	os.WriteFile(records, edited, 0o644)
	select {
	case ev := <-events:
		t.Errorf("a save that changed nothing sent %q", ev)
	case <-time.After(time.Second):
	}

	// Written in two pieces, as a script writing a large file does: the
	// first piece, read alone, does not decode, but the second follows
	// within errorGrace, so no error shows.
	retitled := []byte(strings.Replace(string(src), "A day-precision attack", "Retitled in two writes", 1))
	f, err := os.Create(records)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(retitled[:len(retitled)/2])
	time.Sleep(errorGrace / 4)
	f.Write(retitled[len(retitled)/2:])
	f.Close()
	wait("reload")
	if _, page := get(t, base+"/incidents/kerman-2024-01-03/"); !strings.Contains(page, "Retitled in two writes") {
		t.Errorf("the record page does not show the edit written in two pieces")
	}

	os.WriteFile(records, []byte(string(src)+"\n[[record]]\nlayer = \"nope\"\n"), 0o644)
	wait("error")
	if _, msg := get(t, base+reloadPath+"errors"); !strings.Contains(msg, "data/records.toml:") {
		t.Errorf("errors endpoint = %q, want file:line errors", msg)
	}
	if _, page := get(t, base+"/incidents/kerman-2024-01-03/"); !strings.Contains(page, "Retitled in two writes") {
		t.Errorf("a failed rebuild stopped serving the last good build")
	}
}

func TestAllowedHosts(t *testing.T) {
	tests := []struct {
		listen, actual string
		host           string
		want           bool
	}{
		{"127.0.0.1:1313", "127.0.0.1:1313", "127.0.0.1:1313", true},
		{"127.0.0.1:1313", "127.0.0.1:1313", "localhost:1313", true},
		{"127.0.0.1:1313", "127.0.0.1:1313", "LOCALHOST:1313", true},
		{"127.0.0.1:1313", "127.0.0.1:1313", "localhost.:1313", true},
		{"127.0.0.1:1313", "127.0.0.1:1313", "localhost", true},
		{"127.0.0.1:1313", "127.0.0.1:1313", "[::1]:1313", true},
		{"127.0.0.1:1313", "127.0.0.1:1313", "[::1]", true},
		{"127.0.0.1:0", "127.0.0.1:40123", "127.0.0.1:40123", true},
		{"127.0.0.1:1313", "127.0.0.1:1313", "localhost:8080", false},
		{"127.0.0.1:1313", "127.0.0.1:1313", "evil.example:1313", false},
		{"127.0.0.1:1313", "127.0.0.1:1313", "evil.example", false},
		{"127.0.0.1:1313", "127.0.0.1:1313", "localhost.evil.example:1313", false},
		{"127.0.0.1:1313", "127.0.0.1:1313", "sub.localhost:1313", false},
		{"127.0.0.1:1313", "127.0.0.1:1313", "127.0.0.2:1313", false},
		{"127.0.0.1:1313", "127.0.0.1:1313", "192.168.1.5:1313", false},
		{"127.0.0.1:1313", "127.0.0.1:1313", "", false},
		{"127.0.0.1:1313", "127.0.0.1:1313", "127.0.0.1:1313\x00evil", false},
		{"[::1]:1313", "[::1]:1313", "[::1]:1313", true},
		{"[::1]:1313", "[::1]:1313", "evil.example:1313", false},
		{"localhost:1313", "127.0.0.1:1313", "localhost:1313", true},
		// --addr names another host: that name too, and nothing else.
		{"mybox.lan:1313", "192.168.1.5:1313", "mybox.lan:1313", true},
		{"mybox.lan:1313", "192.168.1.5:1313", "MyBox.LAN:1313", true},
		{"mybox.lan:1313", "192.168.1.5:1313", "evil.example:1313", false},
		{"192.168.1.5:1313", "192.168.1.5:1313", "192.168.1.5:1313", true},
		{"192.168.1.5:1313", "192.168.1.5:1313", "evil.example:1313", false},
		// Every interface: any IP literal (no DNS name to rebind), no other name.
		{"0.0.0.0:1313", "0.0.0.0:1313", "192.168.1.5:1313", true},
		{":1313", "[::]:1313", "[fe80::1]:1313", true},
		{":1313", "[::]:1313", "evil.example:1313", false},
	}
	for _, tt := range tests {
		t.Run(tt.listen+" "+tt.host, func(t *testing.T) {
			if got := allowedHosts(tt.listen, tt.actual).allow(tt.host); got != tt.want {
				t.Errorf("allowedHosts(%q, %q).allow(%q) = %v, want %v", tt.listen, tt.actual, tt.host, got, tt.want)
			}
		})
	}
}

// startServer runs the server on a copy of the fixture site and returns its
// address and the site folder.
func startServer(t *testing.T) (addr, dir string) {
	t.Helper()
	dir = copyDir(t, "../build/testdata/site")
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{SiteDir: dir, Addr: "127.0.0.1:0", Log: io.Discard, Ready: func(a string) { ready <- a }})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	select {
	case addr = <-ready:
	case <-time.After(2 * time.Minute): // the first build, on a loaded machine
		t.Fatal("server did not start")
	}
	return addr, dir
}

// raw sends one HTTP/1.1 request exactly as written (no client cleans
// the path) and returns the status code and body.
func raw(t *testing.T, addr, target, host string) (int, string) {
	t.Helper()
	resp := rawResponse(t, addr, target, host)
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// rawResponse sends the request as raw does and returns the response, its
// body read in full and kept in memory.
func rawResponse(t *testing.T, addr, target, host string) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, host)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %q: %v", target, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp
}

// TestHostHeader: a request naming another host (DNS rebinding) gets 403
// on every path, the site's and the live-reload endpoints alike.
func TestHostHeader(t *testing.T) {
	addr, _ := startServer(t)
	_, port, _ := net.SplitHostPort(addr)
	for _, target := range []string{"/", "/index.html", "/incidents/", "/layers/all.geojson", "/no-such-page", reloadPath + "errors", reloadPath + "events", reloadPath + "reload.js"} {
		for _, host := range []string{"evil.example:" + port, "evil.example", "127.0.0.1.nip.io:" + port} {
			if code, body := raw(t, addr, target, host); code != http.StatusForbidden {
				t.Errorf("GET %s with Host %s = %d %.60q, want 403", target, host, code, body)
			}
		}
	}
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port} {
		if code, _ := raw(t, addr, "/", host); code != http.StatusOK {
			t.Errorf("GET / with Host %s = %d, want 200", host, code)
		}
	}
}

// TestTraversal: no request reaches a file outside the built site, however
// its path is spelt.
func TestTraversal(t *testing.T) {
	addr, dir := startServer(t)
	const secret = "SECRET-c0ffee-not-for-the-web"
	os.WriteFile(filepath.Join(dir, "secret.txt"), []byte(secret), 0o644)
	os.WriteFile(filepath.Join(filepath.Dir(dir), "secret.txt"), []byte(secret), 0o644)
	targets := []string{
		"/../secret.txt", "/../../secret.txt", "/../../../../../../etc/passwd",
		"/%2e%2e/secret.txt", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/secret.txt", "/.%2e/secret.txt",
		"/..%2fsecret.txt", "/..%2f..%2f..%2f..%2fetc%2fpasswd", "/%2e%2e%2fsecret.txt", "/..%5csecret.txt",
		"/..\\secret.txt", "/..\\..\\..\\etc\\passwd", "/%5c..%5csecret.txt",
		"/%252e%252e/secret.txt", "/%c0%ae%c0%ae/secret.txt", "/%c0%af../secret.txt", "/..%c0%afsecret.txt",
		"//etc/passwd", "///etc/passwd", "/etc/passwd", "/C:/Windows/win.ini", "/C:%5cWindows%5cwin.ini",
		"/secret.txt", "/site.toml", "/data/records.toml", "/./site.toml", "/incidents/../../site.toml",
		"/secret.txt%00.html", "/%00", "/index.html%00../../site.toml",
		"/....//....//secret.txt", "/..;/secret.txt", "/%2e%2e;/secret.txt",
		"http://127.0.0.1/../secret.txt", "/file:///etc/passwd",
	}
	for _, target := range targets {
		code, body := raw(t, addr, target, addr)
		if strings.Contains(body, secret) || strings.Contains(body, "root:") || strings.Contains(body, "[[record]]") || strings.Contains(body, "base_url") {
			t.Errorf("GET %s = %d: served a file outside the site", target, code)
		}
		if code >= 500 {
			t.Errorf("GET %s = %d", target, code)
		}
	}
	t.Logf("%d traversal attempts", len(targets))
	// A folder's redirect stays on this server.
	for _, target := range []string{"/about", "//about", "///about", "/./about", "/%2fabout"} {
		resp := rawResponse(t, addr, target, addr)
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusMovedPermanently || loc != "/about/" {
			t.Errorf("GET %s = %d to %q, want 301 to /about/", target, resp.StatusCode, loc)
		}
	}
	if code, _ := raw(t, addr, "/", addr); code != http.StatusOK {
		t.Errorf("the server stopped answering after the traversal attempts: %d", code)
	}
}

func TestWithReload(t *testing.T) {
	script := `<script src="` + reloadPath + `reload.js"></script>`
	tests := []struct{ page, want string }{
		{"<html><body><p>x</p></body></html>", "<html><body><p>x</p>" + script + "</body></html>"},
		// A site title holding "</body>", left raw in an attribute by the minifier.
		{"<html><head><meta content='a </body> b'></head><body></body></html>", "<html><head><meta content='a </body> b'></head><body>" + script + "</body></html>"},
		{"no body", "no body"},
	}
	for _, tt := range tests {
		if got := string(withReload([]byte(tt.page))); got != tt.want {
			t.Errorf("withReload(%q) = %q, want %q", tt.page, got, tt.want)
		}
	}
}
