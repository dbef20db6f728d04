//go:build unix

package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "update golden files")

// badDir holds the bad-input corpus: one txtar archive per case, NAME.txtar,
// beside its expected output, NAME.golden.
const badDir = "../testdata/bad"

// defaultConfig is the site.toml of a case that does not bring its own.
const defaultConfig = `title = "Bad input"

[[layer]]
key   = "attack"
name  = "Attacks"
color = "#D55E00"

[[layer]]
key   = "arrest"
name  = "Arrests"
color = "#0072B2"

[[attribution]]
key   = "claimed"
label = "Claimed"
`

// TestBadInput runs every case of the bad-input corpus through the whole
// command: check (text and JSON) and build into an existing public/. Each
// must exit 1 (2 for a usage error) without panicking, print what its
// golden file holds, point every error at a file (and a line, in a file),
// keep --format json valid JSON, and leave public/ byte for byte as it was.
func TestBadInput(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join(badDir, "*.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 60 {
		t.Errorf("the corpus has %d cases, want at least 60", len(cases))
	}
	for _, path := range cases {
		name := strings.TrimSuffix(filepath.Base(path), ".txtar")
		t.Run(name, func(t *testing.T) { badCase(t, path) })
	}
}

func badCase(t *testing.T, path string) {
	ar, err := readTxtar(path)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "site")
	args := []string{"check"}
	if !ar.has("site.toml") && !ar.directive("no-config") {
		ar.files = append(ar.files, txtarFile{"site.toml", []byte(defaultConfig)})
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.files {
		p := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var maxAlloc uint64
	for _, d := range ar.directives {
		verb, arg, _ := strings.Cut(d, ":")
		arg = strings.TrimSpace(arg)
		switch verb {
		case "args":
			args = strings.Fields(arg)
		case "no-config":
		case "symlink": // symlink: data/x.toml -> ../../outside.toml
			from, to, _ := strings.Cut(arg, " -> ")
			p := filepath.Join(dir, filepath.FromSlash(from))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.Symlink(filepath.FromSlash(to), p); err != nil {
				t.Fatal(err)
			}
		case "fifo": // fifo: data/pipe.toml
			p := filepath.Join(dir, filepath.FromSlash(arg))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
		case "socket": // socket: data/sock.toml
			p := filepath.Join(dir, filepath.FromSlash(arg))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
			if err != nil {
				t.Skipf("socket: %v", err)
			}
			defer syscall.Close(fd)
			if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: p}); err != nil {
				t.Skipf("bind: %v", err)
			}
		case "big": // big: data/huge.toml 52428800 (records, repeated)
			file, size, _ := strings.Cut(arg, " ")
			n, err := strconv.Atoi(size)
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, filepath.FromSlash(file))
			os.MkdirAll(filepath.Dir(p), 0o755)
			writeBig(t, p, n)
		case "nest": // nest: data/deep.toml 20000 (inline tables)
			file, depth, _ := strings.Cut(arg, " ")
			n, err := strconv.Atoi(depth)
			if err != nil {
				t.Fatal(err)
			}
			src := "[[record]]\nx = " + strings.Repeat("{a=", n) + "1" + strings.Repeat("}", n) + "\n"
			p := filepath.Join(dir, filepath.FromSlash(file))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
		case "max-alloc": // max-alloc: 67108864 bytes allocated by the check
			n, err := strconv.ParseUint(arg, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			maxAlloc = n
		default:
			t.Fatalf("unknown directive %q", d)
		}
	}
	norm := func(s string) string { return strings.ReplaceAll(s, tmp, "$TMP") }

	// check, as text: the golden output.
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	code, stdout, stderr := runSafe(t, append(args, "-s", dir)...)
	elapsed := time.Since(start)
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if maxAlloc > 0 {
		if got := after.TotalAlloc - before.TotalAlloc; got > maxAlloc {
			t.Errorf("allocated %d bytes, want at most %d", got, maxAlloc)
		}
		if elapsed > 5*time.Second {
			t.Errorf("took %v", elapsed)
		}
	}
	got := fmt.Sprintf("exit %d\n-- stdout --\n%s-- stderr --\n%s", code, norm(stdout), norm(stderr))
	golden := strings.TrimSuffix(path, ".txtar") + ".golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cli -run TestBadInput -update to make it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update accepts it):\n--- got\n%s--- want\n%s", golden, got, want)
	}
	usage := args[0] != "check" || len(args) > 1 && code == Usage
	switch {
	case usage && code != Usage:
		t.Errorf("mapsite %v: exit %d, want %d (usage)", args, code, Usage)
	case !usage && code != DataError:
		t.Errorf("mapsite %v: exit %d, want %d", args, code, DataError)
	}
	if usage {
		return
	}
	if strings.ContainsAny(stderr+stdout, "\x1b\x07\r\u009b") {
		t.Errorf("check printed control characters to the terminal")
	}

	// check, as JSON: valid JSON whatever the input, every error placed.
	code, stdout, _ = runSafe(t, "check", "--format", "json", "-s", dir)
	if code != DataError {
		t.Errorf("check --format json: exit %d, want %d", code, DataError)
	}
	var problems []struct {
		File     string `json:"file"`
		Line     int    `json:"line"`
		Severity string `json:"severity"`
		Message  string `json:"message"`
	}
	if err := json.Unmarshal([]byte(stdout), &problems); err != nil {
		t.Fatalf("check --format json printed invalid JSON: %v\n%s", err, stdout)
	}
	errs := 0
	for _, p := range problems {
		if p.Severity != "error" {
			continue
		}
		errs++
		if p.File == "" || p.Line < 1 && p.File != "data" {
			t.Errorf("error without file:line: %+v", p)
		}
	}
	if errs == 0 {
		t.Errorf("check --format json reports no error")
	}

	// build into an existing output folder: it must stay as it was.
	out := filepath.Join(tmp, "public")
	writePublic(t, out)
	was := snapshot(t, out)
	code, _, stderr = runSafe(t, "build", "-q", "-s", dir, "-o", out)
	if code != DataError {
		t.Errorf("build: exit %d, want %d\n%s", code, DataError, stderr)
	}
	if now := snapshot(t, out); now != was {
		t.Errorf("a failed build changed public/:\n--- before\n%s--- after\n%s", was, now)
	}
	entries, _ := os.ReadDir(tmp)
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, ".public.") && !strings.HasSuffix(n, ".lock") {
			t.Errorf("a failed build left %s behind", n)
		}
	}
}

// runSafe is run, with a panic reported as the case's failure.
func runSafe(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("mapsite %s panicked: %v\n%s", strings.Join(args, " "), r, debug.Stack())
		}
	}()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// writePublic makes a small output folder as an earlier build would have.
func writePublic(t *testing.T, out string) {
	t.Helper()
	files := map[string]string{
		".mapsite-output":  "",
		"index.html":       "<!doctype html><title>earlier build</title>\n",
		"data/all.geojson": `{"type":"FeatureCollection","features":[]}` + "\n",
	}
	for name, content := range files {
		p := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshot lists every file under root with its mode and content hash.
func snapshot(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		fmt.Fprintf(&b, "%s %v", rel, fi.Mode())
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, " %x", sha256.Sum256(data))
		}
		b.WriteByte('\n')
		return nil
	})
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	return b.String()
}

// writeBig writes a file of n bytes of valid records, without holding it
// in memory.
func writeBig(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := bytes.Repeat([]byte("[[record]]\nlayer = \"attack\"\ndate = 2024-01-03\ntitle = \"t\"\nsummary = \"s\"\nplace = \"Kerman\"\ncountry = \"IR\"\n[[record.source]]\ntitle = \"s\"\nurl = \"https://example.org/\"\n\n"), 1000)
	for n > 0 {
		c := chunk[:min(n, len(chunk))]
		if _, err := f.Write(c); err != nil {
			t.Fatal(err)
		}
		n -= len(c)
	}
}

// A txtar archive (golang.org/x/tools/txtar's format): a comment, then
// files, each introduced by a line "-- name --". The comment's lines that
// are not blank and do not start with '#' are directives.
type txtar struct {
	directives []string
	files      []txtarFile
}

type txtarFile struct {
	name string
	data []byte
}

func readTxtar(path string) (*txtar, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ar := &txtar{}
	var cur *txtarFile
	for _, line := range bytes.SplitAfter(src, []byte("\n")) {
		text := strings.TrimRight(string(line), "\n")
		if name, ok := strings.CutPrefix(text, "-- "); ok && strings.HasSuffix(name, " --") {
			ar.files = append(ar.files, txtarFile{name: strings.TrimSuffix(name, " --")})
			cur = &ar.files[len(ar.files)-1]
			continue
		}
		if cur != nil {
			cur.data = append(cur.data, line...)
			continue
		}
		if text = strings.TrimSpace(text); text != "" && !strings.HasPrefix(text, "#") {
			ar.directives = append(ar.directives, text)
		}
	}
	// Go escapes let a case hold bytes a text file cannot show (\r, \x00,
	// \xff, \\ for a backslash) in a file whose name ends in ".esc": the
	// suffix is dropped, and so is its last newline (write \n for one).
	for i, f := range ar.files {
		if name, ok := strings.CutSuffix(f.name, ".esc"); ok {
			text := strings.TrimSuffix(string(f.data), "\n")
			s, err := strconv.Unquote(`"` + strings.ReplaceAll(strings.ReplaceAll(text, `"`, `\"`), "\n", `\n`) + `"`)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %v", path, f.name, err)
			}
			ar.files[i] = txtarFile{name, []byte(s)}
		}
	}
	return ar, nil
}

func (ar *txtar) has(name string) bool {
	for _, f := range ar.files {
		if f.name == name {
			return true
		}
	}
	return false
}

func (ar *txtar) directive(verb string) bool {
	for _, d := range ar.directives {
		if d == verb {
			return true
		}
	}
	return false
}
