package hugeheap

import (
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"unsafe"
)

// Reserve makes the next n bytes the Go heap grows into huge-page backed.
// It allocates them as one object, which the runtime maps fresh without
// touching it, advises that range MADV_HUGEPAGE, and collects, which
// frees the object: the runtime then fills those addresses before it
// maps more. The memory is only touched, and counted, as the heap uses
// it.
//
// It reserves at most a quarter of the runtime's soft memory limit
// (mapsite sets one from the memory available), as the runtime counts the
// reserve as mapped until its scavenger returns it.
//
// Reserve does nothing and reports false where it would not help or might
// harm: the kernel's mode is not "madvise" ("always" already backs the
// heap with huge pages, "never" refuses them), GODEBUG has disablethp=1,
// or the kernel refuses to overcommit memory (vm.overcommit_memory 2,
// where the reserve would count against the commit limit).
// Otherwise it reports true, having run a collection.
func Reserve(n int) (collected bool) {
	n = capped(n, debug.SetMemoryLimit(-1))
	if n < hugePage || disabled(os.Getenv("GODEBUG")) {
		return false
	}
	if Mode() != "madvise" {
		return false
	}
	if overcommit, err := os.ReadFile("/proc/sys/vm/overcommit_memory"); err != nil || strings.TrimSpace(string(overcommit)) == "2" {
		return false
	}
	b := make([]byte, n)
	if lo, hi := aligned(uintptr(unsafe.Pointer(unsafe.SliceData(b))), n); lo < hi {
		syscall.Madvise(b[lo:hi], syscall.MADV_HUGEPAGE)
	}
	runtime.KeepAlive(b) // the object is garbage from here, for the collection to free
	runtime.GC()
	return true
}
