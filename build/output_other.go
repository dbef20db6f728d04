//go:build !linux && !darwin

package build

// exchange returns errNoExchange: the swap takes two renames, and the next
// build repairs a kill between them.
func exchange(a, b string) error { return errNoExchange }
