package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestWriteFloor(t *testing.T) {
	src := filepath.Join(t.TempDir(), "public")
	files := map[string]string{
		"index.html":                 "<!DOCTYPE html>",
		"incidents/r1/index.html":    "one",
		"incidents/r2/index.html":    "two",
		"assets/basemap/a/o1-0-0.js": "cell",
		"empty.txt":                  "",
	}
	for name, body := range files {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(src, "about"), 0o755) // an empty folder is written too

	want, err := readTree(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.files) != len(files) || len(want.dirs) != 8 {
		t.Fatalf("read %d files and %d folders, want %d and 8", len(want.files), len(want.dirs), len(files))
	}
	dst := filepath.Join(filepath.Dir(src), "copy")
	if _, err := want.write(dst); err != nil {
		t.Fatal(err)
	}
	got, err := readTree(dst)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the copy differs:\n got %+v\nwant %+v", got, want)
	}

	r, err := writeFloor(src, 3)
	if err != nil {
		t.Fatal(err)
	}
	if r.wall <= 0 {
		t.Errorf("wall time %v", r.wall)
	}
	left, _ := filepath.Glob(src + ".floor-*")
	if len(left) > 0 {
		t.Errorf("copies left behind: %v", left)
	}
}
