//go:build !linux

package hugeheap

// Reserve does nothing where the kernel is not Linux, and reports false.
func Reserve(n int) (collected bool) { return false }
