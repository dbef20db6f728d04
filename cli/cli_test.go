package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{nil, Usage},
		{[]string{"frobnicate"}, Usage},
		{[]string{"check", "--format", "yaml"}, Usage},
		{[]string{"check", "--no-such-flag"}, Usage},
		{[]string{"places"}, Usage},
		{[]string{"new"}, Usage},
		{[]string{"help"}, OK},
		{[]string{"build", "-h"}, OK},
	}
	for _, tt := range tests {
		if code, _, _ := run(t, tt.args...); code != tt.code {
			t.Errorf("mapsite %v exit %d, want %d", tt.args, code, tt.code)
		}
	}
}

func TestCheckSeed(t *testing.T) {
	code, out, errs := run(t, "check", "-s", "..")
	if code != OK {
		t.Fatalf("check seed: exit %d\n%s", code, errs)
	}
	for _, want := range []string{"records in", "layers", "countries", "precision", "dates"} {
		if !strings.Contains(out, want) {
			t.Errorf("check summary lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	code, out, _ := run(t, "check", "-s", "../site/testdata/ten-mistakes", "--format", "json")
	if code != DataError {
		t.Errorf("exit %d, want %d", code, DataError)
	}
	var problems []map[string]any
	if err := json.Unmarshal([]byte(out), &problems); err != nil {
		t.Fatalf("--format json printed invalid JSON: %v\n%s", err, out)
	}
	if len(problems) < 10 {
		t.Fatalf("got %d problems, want at least 10", len(problems))
	}
	for _, key := range []string{"file", "line", "column", "record", "field", "message", "severity"} {
		if _, ok := problems[0][key]; !ok {
			t.Errorf("a JSON problem lacks %q: %v", key, problems[0])
		}
	}
	if got := problems[0]["file"]; got != "data/mistakes.toml" {
		t.Errorf("file = %v, want data/mistakes.toml", got)
	}
}

func TestPlaces(t *testing.T) {
	code, out, errs := run(t, "places", "--json", "--country", "TR", "Sarıyer, İstanbul")
	if code != OK {
		t.Fatalf("places: exit %d: %s", code, errs)
	}
	var res struct {
		Name, Precision, Country string
		Lat, Lon                 float64
		Candidates               []any
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Name != "Sarıyer" || res.Precision != "district" || res.Country != "TR" || res.Candidates == nil {
		t.Errorf("places Sarıyer = %+v", res)
	}
	code, _, errs = run(t, "places", "--country", "TR", "Basaksehr")
	if code != DataError || !strings.Contains(errs, `did you mean "Başakşehir`) {
		t.Errorf("places Basaksehr: exit %d, %q; want 1 with a suggestion", code, errs)
	}
}

func TestNewMakesAWorkingSite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mysite")
	if code, _, errs := run(t, "new", dir); code != OK {
		t.Fatalf("new: exit %d: %s", code, errs)
	}
	if code, _, errs := run(t, "check", "-s", dir); code != OK {
		t.Fatalf("check of a new site: exit %d: %s", code, errs)
	}
	out := filepath.Join(t.TempDir(), "public")
	if code, _, errs := run(t, "build", "-q", "-s", dir, "-o", out); code != OK {
		t.Fatalf("build of a new site: exit %d: %s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Error(err)
	}
	if code, _, _ := run(t, "new", dir); code != DataError {
		t.Errorf("new into a non-empty folder: exit %d, want %d", code, DataError)
	}
}

func TestBuildErrorsKeepOutput(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	code, _, errs := run(t, "build", "-s", "../site/testdata/ten-mistakes", "-o", out)
	if code != DataError || !strings.Contains(errs, "data/mistakes.toml:4:1:") || !strings.Contains(errs, "nothing was written") {
		t.Errorf("build of bad data: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed build wrote %s", out)
	}
}
