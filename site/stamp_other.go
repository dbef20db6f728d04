//go:build !linux && !darwin

package site

import "io/fs"

// statStamp reports false: without inode numbers and status-change times
// a data file is always read.
func statStamp(fs.FileInfo) (stamp, bool) { return stamp{}, false }
