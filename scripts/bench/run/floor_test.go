package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mapsite/mapsite/build"
)

// TestWriteFloor reads a small tree, times copies of it, and leaves none
// behind.
func TestWriteFloor(t *testing.T) {
	src := filepath.Join(t.TempDir(), "public")
	want := build.Files{
		"index.html":                 []byte("<!DOCTYPE html>"),
		"incidents/r1/index.html":    []byte("one"),
		"incidents/r2/index.html":    []byte("two"),
		"assets/basemap/a/o1-0-0.js": []byte("cell"),
		"empty.txt":                  []byte{},
	}
	if err := build.WriteFiles(src, want); err != nil {
		t.Fatal(err)
	}
	got, err := readFiles(src)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("readFiles:\n got %q\nwant %q", got, want)
	}
	r, err := writeFloor(src, 3)
	if err != nil {
		t.Fatal(err)
	}
	if r.wall <= 0 {
		t.Errorf("wall time %v", r.wall)
	}
	if left, _ := filepath.Glob(src + ".floor-*"); len(left) > 0 {
		t.Errorf("copies left behind: %v", left)
	}
	if _, err := os.Stat(src); err != nil {
		t.Errorf("the tree measured: %v", err)
	}
}
