package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// The write floor of an output folder is what writing it costs when the
// bytes are already in memory: its folders made one by one, then its files
// (open, write, close) shared among as many goroutines as there are cores,
// as a build writes them. No build of that output can take less on the
// same machine and filesystem, whatever its code, so the floor tells the
// kernel's part of a build from the program's.

// tree is an output folder held in memory: its folders, parents first,
// and its files.
type tree struct {
	dirs  []string
	files []treeFile
}

type treeFile struct {
	path string // relative to the tree's root
	data []byte
}

// readTree loads the folder at root.
func readTree(root string) (*tree, error) {
	t := &tree{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		switch {
		case d.IsDir():
			t.dirs = append(t.dirs, rel)
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			t.files = append(t.files, treeFile{rel, b})
		}
		return nil
	})
	return t, err
}

// write writes the tree at dst, which must not exist, and returns the
// wall and CPU time it took.
func (t *tree) write(dst string) (result, error) {
	start, before := time.Now(), selfCPU()
	for _, d := range t.dirs {
		if err := os.Mkdir(filepath.Join(dst, d), 0o755); err != nil {
			return result{}, err
		}
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		next  int
		first error
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(t.files) {
					return
				}
				f := t.files[i]
				if err := os.WriteFile(filepath.Join(dst, f.path), f.data, 0o644); err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return result{wall: time.Since(start), cpu: selfCPU() - before}, first
}

// writeFloor writes runs copies of the folder at src beside it, removing
// each, and returns the median copy.
func writeFloor(src string, runs int) (result, error) {
	t, err := readTree(src)
	if err != nil {
		return result{}, err
	}
	var rs []result
	for i := range runs {
		dst := fmt.Sprintf("%s.floor-%d", filepath.Clean(src), i)
		os.RemoveAll(dst)
		r, err := t.write(dst)
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
