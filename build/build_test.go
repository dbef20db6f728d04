package build

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mapsite/mapsite/diag"
)

var update = flag.Bool("update", false, "update .golden files")

const fixture = "testdata/site"

func buildTo(t *testing.T, siteDir, out string) *Report {
	t.Helper()
	rep, err := Build(context.Background(), Options{SiteDir: siteDir, OutDir: out})
	if err != nil {
		t.Fatalf("Build(%s): %v", siteDir, err)
	}
	return rep
}

// readTree returns every file below dir by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestGoldenData(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	buildTo(t, fixture, out)
	for _, name := range []string{"layers/all.geojson", "layers/arrest.geojson", "layers/links.geojson", "incidents.csv"} {
		got, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", strings.ReplaceAll(name, "/", "_")+".golden")
		if *update {
			os.WriteFile(path, got, 0o644)
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (go test -update accepts it):\n%s", name, path, got)
		}
	}
}

func TestOutputs(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	rep := buildTo(t, fixture, out)
	files := readTree(t, out)
	for _, want := range []string{"index.html", "incidents/index.html", "incidents/kerman-2024-01-03/index.html",
		"about/index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt", "incidents.csv",
		"layers/attack.geojson", "layers/arrest.geojson", "layers/all.geojson", "layers/links.geojson", Marker} {
		if _, ok := files[want]; !ok {
			t.Errorf("output lacks %s", want)
		}
	}
	if rep.Records != 4 || rep.Pages != 8 {
		t.Errorf("report: %d records, %d pages; want 4, 8", rep.Records, rep.Pages)
	}
	page := string(files["incidents/kerman-2024-01-03/index.html"])
	if strings.Contains(page, "<p>An attack with <b>") || !strings.Contains(page, "<p>An attack with &lt;b") {
		t.Errorf("record page does not escape the summary's markup")
	}
	for p, b := range files {
		// 404.html is served at any depth: its links start at the root path.
		if strings.HasSuffix(p, ".html") && p != "404.html" && bytes.Contains(b, []byte(`href="/`)) {
			t.Errorf("%s has a root-absolute link; every internal link must be relative", p)
		}
	}
	if nf := string(files["404.html"]); !strings.Contains(nf, `href="/map/incidents/"`) {
		t.Errorf("404.html does not link from the base URL's path /map/")
	}
	csv := string(files["incidents.csv"])
	if strings.Contains(csv, "\n=HYPERLINK") || strings.Contains(csv, ",=HYPERLINK") {
		t.Errorf("incidents.csv lets a spreadsheet run a formula from a title")
	}
}

func TestDeterministic(t *testing.T) {
	dir := t.TempDir()
	buildTo(t, fixture, filepath.Join(dir, "a"))
	buildTo(t, fixture, filepath.Join(dir, "b"))
	a, b := readTree(t, filepath.Join(dir, "a")), readTree(t, filepath.Join(dir, "b"))
	if len(a) != len(b) {
		t.Fatalf("builds differ in file count: %d and %d", len(a), len(b))
	}
	for p := range a {
		if !bytes.Equal(a[p], b[p]) {
			t.Errorf("%s differs between two builds of the same input", p)
		}
	}
}

// copySite copies the fixture to a fresh folder that a test may change.
func copySite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for p, b := range readTree(t, fixture) {
		target := filepath.Join(dir, filepath.FromSlash(p))
		os.MkdirAll(filepath.Dir(target), 0o755)
		if err := os.WriteFile(target, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestBadDataKeepsOutput checks that a build with a data error fails
// with a DataError and leaves the output as it was: an error the load
// finds (the model, made while records are placed, is then not made: an
// unknown related id would fail it) and one geocoding finds (the model
// made meanwhile is dropped).
func TestBadDataKeepsOutput(t *testing.T) {
	const valid = "[[record]]\nid = \"x\"\nlayer = \"plot\"\ndate = \"2022\"\ntitle = \"X\"\ncountry = \"QA\"\nsummary = \"S.\"\n"
	const source = "[[record.source]]\ntitle = \"T\"\nurl = \"https://example.org/\"\n"
	for _, tc := range []struct{ name, file string }{
		{"unknown layer", "[[record]]\nid = \"x\"\nlayer = \"nope\"\n"},
		{"unknown related id", valid + "place = \"Qatar\"\nrelated = [\"nope\"]\n" + source},
		{"unknown place", valid + "place = \"Nowhere-upon-Nothing\"\n" + source},
	} {
		t.Run(tc.name, func(t *testing.T) {
			siteDir := copySite(t)
			out := filepath.Join(t.TempDir(), "public")
			buildTo(t, siteDir, out)
			before := readTree(t, out)
			os.WriteFile(filepath.Join(siteDir, "data", "broken.toml"), []byte(tc.file), 0o644)
			_, err := Build(context.Background(), Options{SiteDir: siteDir, OutDir: out})
			var data *diag.DataError
			if !errors.As(err, &data) {
				t.Fatalf("Build(broken) = %v, want a DataError", err)
			}
			assertSameTree(t, before, readTree(t, out))
		})
	}
}

func TestFailedWriteKeepsOutput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	buildTo(t, fixture, out)
	before := readTree(t, out)
	n := 0
	orig := writeFile
	writeFile = func(name string, data []byte) error {
		// The first file written: the rest of an unchanged site is
		// linked from the output (see dirSink).
		if n++; n == 1 {
			return errors.New("disk full")
		}
		return orig(name, data)
	}
	defer func() { writeFile = orig }()
	if _, err := Build(context.Background(), Options{SiteDir: fixture, OutDir: out}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Build with a failing disk = %v, want the write error", err)
	}
	assertSameTree(t, before, readTree(t, out))
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".public.new-*")); len(left) > 0 {
		t.Errorf("temporary folders left behind: %v", left)
	}
}

func TestStaleFilesVanish(t *testing.T) {
	siteDir := copySite(t)
	out := filepath.Join(t.TempDir(), "public")
	buildTo(t, siteDir, out)
	src, _ := os.ReadFile(filepath.Join(siteDir, "data", "records.toml"))
	// Drop the last record (the whole-country one).
	cut := bytes.LastIndex(src, []byte("[[record]]"))
	os.WriteFile(filepath.Join(siteDir, "data", "records.toml"), src[:cut], 0o644)
	buildTo(t, siteDir, out)
	if _, err := os.Stat(filepath.Join(out, "incidents", "turkey-2024")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the removed record's page survived the rebuild")
	}
}

func TestRefusesForeignOutput(t *testing.T) {
	siteDir := copySite(t)
	tests := []struct{ name, out string }{
		{"site folder", siteDir},
		{"parent of the site", filepath.Dir(siteDir)},
		{"folder with other files", filepath.Join(siteDir, "data")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(context.Background(), Options{SiteDir: siteDir, OutDir: tt.out})
			if err == nil || !strings.HasPrefix(err.Error(), "output: ") {
				t.Errorf("Build(-o %s) = %v, want a refusal", tt.out, err)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(siteDir, "site.toml")); err != nil {
		t.Fatalf("the site was damaged: %v", err)
	}
}

func assertSameTree(t *testing.T, want, got map[string][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("output has %d files, want the previous %d", len(got), len(want))
	}
	for p, b := range want {
		if !bytes.Equal(got[p], b) {
			t.Errorf("%s changed", p)
		}
	}
}
