package serve

import (
	"bufio"
	"context"
	"io"
	"io/fs"
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
	os.WriteFile(records, []byte(strings.Replace(string(src), "A day-precision attack", "An edited title", 1)), 0o644)
	wait("reload")
	if _, page := get(t, base+"/incidents/kerman-2024-01-03/"); !strings.Contains(page, "An edited title") {
		t.Errorf("the record page does not show the edit")
	}

	os.WriteFile(records, []byte(string(src)+"\n[[record]]\nlayer = \"nope\"\n"), 0o644)
	wait("error")
	if _, msg := get(t, base+reloadPath+"errors"); !strings.Contains(msg, "data/records.toml:") {
		t.Errorf("errors endpoint = %q, want file:line errors", msg)
	}
	if _, page := get(t, base+"/incidents/kerman-2024-01-03/"); !strings.Contains(page, "An edited title") {
		t.Errorf("a failed rebuild stopped serving the last good build")
	}
}
