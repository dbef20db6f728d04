package build

import (
	"errors"

	"golang.org/x/sys/unix"
)

// exchange swaps the folders a and b in one atomic step
// (renamex_np RENAME_SWAP), or returns errNoExchange where the file system
// cannot.
func exchange(a, b string) error {
	err := unix.RenamexNp(a, b, unix.RENAME_SWAP)
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOTSUP) {
		return errNoExchange
	}
	return err
}
