//go:build linux

package site

import (
	"io/fs"
	"syscall"
)

// statStamp returns the identity of the file fi describes (see stamp).
func statStamp(fi fs.FileInfo) (stamp, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return stamp{}, false
	}
	return stamp{dev: uint64(st.Dev), ino: uint64(st.Ino), size: st.Size,
		mod: st.Mtim.Nano(), change: st.Ctim.Nano()}, true
}
