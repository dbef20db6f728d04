package build

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"sort"
	"sync/atomic"
)

// Patching the spare's large files. After a one-record edit at 100,000
// records, the files made from the output's encodings (layers/all.geojson,
// incidents.csv, the table page: 286 MB) differ from the output's only
// where the record lies; making each anew copied all of it, and removing
// the spare's copy freed as much again: 0.2 s of the rebuild's 1.5 s of
// CPU.
//
// Each such file of the spare is the output's file of two builds back, and
// the index of encodings says how it compares with the output's: the build
// that made the output's file notes where it holds the same bytes at the
// same offsets as the file it was made from (spareBase), which the swap
// makes the spare's. The next build, which makes the file from the
// output's again, writes into the spare's file, in place, only the bytes
// that differ from what it will be: those it writes anew, and those it
// copies from the output's file where either build moved or changed them.
// A title edited to one of the same length writes a few hundred bytes.
//
// The spare's file is written into only when it is known to be that very
// file, unchanged since: its file number, status time, size and
// modification time are those the output's had when the index's build
// took its encodings, and it has no other name (a file taken unchanged is
// a link to the output's, and is never written into). Like every file of
// the spare, it is written only once the spare has been taken (unmarked
// and renamed, see takeSpare): a build killed meanwhile leaves a folder
// the next one removes. A process still reading the file from the output
// of two builds back (a web server, say) reads it changed; the output
// itself is never written into.

// byteRange is the bytes lo to hi of a file.
type byteRange struct{ lo, hi int64 }

// spareBase is what the index says of a file of the tree the build
// swapped out (the next build's spare, see output_spare.go): its stamp,
// and where the output's file at the same path holds the same bytes, at
// the same offsets (same, in order).
type spareBase struct {
	stamp fileID
	same  []byteRange
}

// fileID tells a file apart from every other, and from itself before any
// change (see fileStamp).
type fileID struct {
	number         uint64
	changed, mtime int64
	size           int64
}

// filesPatched counts the spare's files written into in place, for tests.
var filesPatched atomic.Int64

// idOf returns the stamp of fi; false where the system has none.
func idOf(fi os.FileInfo) (fileID, bool) {
	number, changed, ok := fileStamp(fi)
	return fileID{number, changed, fi.ModTime().UnixNano(), fi.Size()}, ok
}

// addRange appends [lo, hi) to rs, in order, joined to the last range
// when they touch.
func addRange(rs []byteRange, lo, hi int64) []byteRange {
	if hi <= lo {
		return rs
	}
	if n := len(rs); n > 0 && rs[n-1].hi == lo {
		rs[n-1].hi = hi
		return rs
	}
	return append(rs, byteRange{lo, hi})
}

// gaps calls f with each part of [lo, hi) outside the ranges rs, in
// order, and returns its first error.
func gaps(rs []byteRange, lo, hi int64, f func(lo, hi int64) error) error {
	i := sort.Search(len(rs), func(i int) bool { return rs[i].hi > lo })
	for ; lo < hi && i < len(rs) && rs[i].lo < hi; i++ {
		if rs[i].lo > lo {
			if err := f(lo, rs[i].lo); err != nil {
				return err
			}
		}
		lo = max(lo, rs[i].hi)
	}
	if lo < hi {
		return f(lo, hi)
	}
	return nil
}

// noteBase notes, for the index, what the file p that the build made from
// the output's file prior holds the same as it (same), when prior's stamp
// is known.
func (s *dirSink) noteBase(p string, prior *priorFile, same []byteRange) {
	if prior == nil || !prior.stamped {
		return
	}
	s.mu.Lock()
	if s.bases == nil {
		s.bases = map[string]spareBase{}
	}
	s.bases[p] = spareBase{stamp: prior.id, same: same}
	s.mu.Unlock()
}

// encodeBases appends the index's list of spareBases: their number, then
// per file its path, stamp and ranges.
func encodeBases(b []byte, bases map[string]spareBase) []byte {
	paths := make([]string, 0, len(bases))
	for p := range bases {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	b = binary.AppendUvarint(b, uint64(len(paths)))
	for _, p := range paths {
		sb := bases[p]
		b = binary.AppendUvarint(b, uint64(len(p)))
		b = append(b, p...)
		b = binary.AppendUvarint(b, sb.stamp.number)
		b = binary.AppendVarint(b, sb.stamp.changed)
		b = binary.AppendVarint(b, sb.stamp.mtime)
		b = binary.AppendUvarint(b, uint64(sb.stamp.size))
		b = binary.AppendUvarint(b, uint64(len(sb.same)))
		end := int64(0)
		for _, r := range sb.same {
			b = binary.AppendUvarint(b, uint64(r.lo-end))
			b = binary.AppendUvarint(b, uint64(r.hi-r.lo))
			end = r.hi
		}
	}
	return b
}

// decodeBases reads what encodeBases wrote; nil when damaged.
func decodeBases(r *indexReader) map[string]spareBase {
	n := r.uint()
	if r.err != nil || n > len(r.b) {
		return nil
	}
	bases := make(map[string]spareBase, n)
	for range n {
		p := r.str()
		var sb spareBase
		sb.stamp.number = r.number()
		sb.stamp.changed = r.int()
		sb.stamp.mtime = r.int()
		sb.stamp.size = int64(r.uint())
		k := r.uint()
		if r.err != nil || k > len(r.b) {
			return nil
		}
		sb.same = make([]byteRange, 0, k)
		end := int64(0)
		for range k {
			lo := end + int64(r.uint())
			end = lo + int64(r.uint())
			if r.err != nil || end > sb.stamp.size || end <= lo {
				return nil
			}
			sb.same = append(sb.same, byteRange{lo, end})
		}
		bases[p] = sb
	}
	return bases
}

// openPatch opens the spare's file p for the pieceFile f to write into in
// place (see above), with where it holds the same bytes as prior's file:
// when the index knows that, and it is still the file the index stamped.
func (f *pieceFile) openPatch() (*os.File, []byteRange, bool) {
	s := f.s
	if f.prior == nil || f.prior.f == nil || f.last == nil || f.last.mapped != f.prior || s.stale == nil {
		return nil, nil, false
	}
	base, ok := s.priors.base(f.p)
	if !ok {
		return nil, nil, false
	}
	if e, ok := s.stale[f.p]; !ok || e.size != base.stamp.size {
		return nil, nil, false
	}
	name := filepath.Join(s.root, filepath.FromSlash(f.p))
	fi, err := os.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() || !soleLink(fi) {
		return nil, nil, false
	}
	if id, ok := idOf(fi); !ok || id != base.stamp {
		return nil, nil, false
	}
	file, err := os.OpenFile(name, os.O_WRONLY, 0)
	if err != nil {
		return nil, nil, false
	}
	if fi2, err := file.Stat(); err != nil || !os.SameFile(fi, fi2) {
		file.Close() // replaced since the Lstat
		return nil, nil, false
	}
	return file, base.same, true
}

// patchAt writes b into the file patched, at at: gathered with the bytes
// before it when they end there.
func (f *pieceFile) patchAt(at int64, b []byte) error {
	if len(f.lit) > 0 && f.litAt+int64(len(f.lit)) != at {
		if err := f.flushLit(); err != nil {
			return err
		}
	}
	if len(f.lit) == 0 {
		f.litAt = at
	}
	f.lit = append(f.lit, b...)
	if len(f.lit) >= 256<<10 {
		return f.flushLit()
	}
	return nil
}

// flushLit writes the bytes patchAt gathered.
func (f *pieceFile) flushLit() error {
	if len(f.lit) == 0 {
		return nil
	}
	_, err := f.file.WriteAt(f.lit, f.litAt)
	f.lit = f.lit[:0]
	return err
}

// patchRun writes into the file patched, at f.wpos, the n bytes of prior's
// file from off: only where they differ from what the spare's file holds
// there, as far as the index knows.
func (f *pieceFile) patchRun(off, n int64) error {
	at := f.wpos
	f.wpos += n
	if off != at {
		return f.patchCopy(off, at, n)
	}
	// Where the spare's file holds the same bytes as prior's, it holds
	// these.
	return gaps(f.patchSame, at, at+n, func(lo, hi int64) error {
		return f.patchCopy(lo, lo, hi-lo)
	})
}

// patchCopy writes the n bytes of prior's file from off at to.
func (f *pieceFile) patchCopy(off, to, n int64) error {
	if n < int64(minCopy) {
		return f.patchAt(to, f.prior.b[off:off+n])
	}
	runsCopied.Add(1)
	return copyAt(f.file, f.prior.f, f.prior.b, off, to, n)
}

// endPatch completes the file patched: its last bytes written, cut to
// its new size, and closed.
func (f *pieceFile) endPatch() error {
	err := f.flushLit()
	if err == nil {
		err = f.file.Truncate(f.size)
	}
	if err2 := f.file.Close(); err == nil {
		err = err2
	}
	f.file = nil
	if err == nil {
		f.patched = ""
	}
	return err
}
