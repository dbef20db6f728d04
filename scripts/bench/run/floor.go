package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/mapsite/mapsite/build"
)

// Writing an output alone is what writing its files costs when the bytes
// are already in memory, written as mapsite's build writes its own
// (build.WriteFiles: folders when first needed, brief system calls on
// tmpfs, as many goroutines as cores), with nothing else to do. It is the
// kernel's part of a build, set by the output's shape (how many files
// and folders, how many bytes), which no build of that output with that
// writer goes below; measured for Hugo's output too, it shows what the
// same writer would take for Hugo's.

// readFiles loads the files below root by slash path.
func readFiles(root string) (build.Files, error) {
	files := build.Files{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	return files, err
}

// writeFloor writes runs copies of the folder at src beside it, removing
// each, and returns the median wall and CPU time of a copy.
func writeFloor(src string, runs int) (result, error) {
	files, err := readFiles(src)
	if err != nil {
		return result{}, err
	}
	var rs []result
	for i := range runs {
		dst := fmt.Sprintf("%s.floor-%d", filepath.Clean(src), i)
		os.RemoveAll(dst)
		start, before := time.Now(), selfCPU()
		err := build.WriteFiles(dst, files)
		r := result{wall: time.Since(start), cpu: selfCPU() - before}
		os.RemoveAll(dst)
		if err != nil {
			return result{}, err
		}
		rs = append(rs, r)
	}
	return medianResult(rs), nil
}

// writeFloorApart measures writeFloor in a process of its own (this
// program with -write-floor), whose memory, holding the whole output,
// would otherwise count in the peak RSS of every child started after it.
// The zero result if it cannot.
func writeFloorApart(src string, runs int) result {
	self, err := os.Executable()
	if err != nil {
		return result{}
	}
	out, err := exec.Command(self, "-write-floor", src, "-runs", fmt.Sprint(runs)).Output()
	if err != nil {
		return result{}
	}
	var wall, cpu time.Duration
	if _, err := fmt.Sscan(strings.TrimSpace(string(out)), &wall, &cpu); err != nil {
		return result{}
	}
	return result{wall: wall, cpu: cpu}
}
