// Package program identifies the running mapsite binary, for what it
// keeps between runs (the caches on disk, the output's manifest): a new
// build of mapsite may place, decode or render anything differently.
package program

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// ID returns the identity of the running program: its path, size and
// modification time, which change with every build of it. It is read
// once, with one stat; hashing the 50 MB binary instead took 65 ms of
// every run. When the program cannot be found, the ID is unique to the
// process, so that nothing made by another run is trusted.
var ID = sync.OnceValue(func() string {
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			return fmt.Sprintf("%s\n%d\n%d", exe, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return fmt.Sprintf("unknown program, process %d at %d", os.Getpid(), time.Now().UnixNano())
})
