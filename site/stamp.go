package site

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/mapsite/mapsite/internal/crc"
)

// A build takes an unchanged data file's decoding from the disk cache
// without reading the file, as git's index does: beside the entries, a
// stamp per data file (by the site folder and the file's path) holds the
// file's identity when it was last read (device, inode, size, modification
// and status-change times), when that was, and the SHA-256 of its bytes.
// When the file's identity is still the same, the entry of that SHA-256 is
// taken. A file is read and hashed as before whenever anything is unknown
// (a system without inode numbers, a failed stat, a missing stamp), and
// while the stamp is racy: a file changed within stampMargin before it
// was read could change again within the same tick of its clock and keep
// its times, so only a file whose times were clearly older when it was
// read is trusted, and never one on a file system that keeps whole
// seconds. The status-change time cannot be set back by hand, so an edit
// that keeps the size and sets the modification time back is still seen.

// stampMargin is how much older than the read a file's times must be for
// its stamp to be trusted; a variable for tests.
var stampMargin = 2 * time.Second

// unreadHits counts the files taken without reading them, for tests.
var unreadHits atomic.Int64

const stampMagic = "mapsite stamp 1\n"

// stamp is a file's identity.
type stamp struct {
	dev, ino    uint64
	size        int64
	mod, change int64 // nanoseconds since 1970
}

// stampRecord is what a stamp file holds: the identity of the data file
// as read at the time at (nanoseconds since 1970), and the SHA-256 of the
// bytes read.
type stampRecord struct {
	st  stamp
	at  int64
	sum [32]byte
}

// trusted says whether the file's identity alone may stand for its bytes.
func (r stampRecord) trusted() bool {
	const second = int64(time.Second)
	if r.st.mod%second == 0 && r.st.change%second == 0 {
		return false // whole seconds: a coarse file system, maybe
	}
	limit := r.at - int64(stampMargin)
	return r.st.mod < limit && r.st.change < limit
}

func (r stampRecord) encode(key [32]byte) []byte {
	b := make([]byte, 0, len(stampMagic)+32+6*8+32+4)
	b = append(b, stampMagic...)
	b = append(b, key[:]...)
	for _, v := range []uint64{r.st.dev, r.st.ino, uint64(r.st.size), uint64(r.st.mod), uint64(r.st.change), uint64(r.at)} {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	b = append(b, r.sum[:]...)
	return crc.Append(b)
}

func decodeStamp(b []byte, key [32]byte) (r stampRecord, ok bool) {
	const n = len(stampMagic) + 32 + 6*8 + 32 + 4
	if len(b) != n || string(b[:len(stampMagic)]) != stampMagic || [32]byte(b[len(stampMagic):len(stampMagic)+32]) != key {
		return r, false
	}
	if _, ok := crc.Trim(b); !ok {
		return r, false
	}
	b = b[len(stampMagic)+32:]
	var v [6]uint64
	for i := range v {
		v[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	r.st = stamp{v[0], v[1], int64(v[2]), int64(v[3]), int64(v[4])}
	r.at = int64(v[5])
	copy(r.sum[:], b[48:])
	return r, true
}

// stampKey is the key of the stamp of data file f of the site in dir.
func (c *diskCache) stampKey(dir, f string) ([32]byte, bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return [32]byte{}, false
	}
	return sha256.Sum256(fmt.Appendf(nil, "%s%s\n%s\n%s\n", stampMagic, c.version, abs, f)), true
}

func (c *diskCache) stampPath(key [32]byte) string {
	return filepath.Join(c.dir, fmt.Sprintf("%x.stamp", key[:16]))
}

// unchanged returns the decoding of data file f of the site in dir when
// its stamp says the file is unchanged since it was last read, without
// reading it; else nil, and the stamp found, if any, for noteStamp.
func (c *diskCache) unchanged(dir, f string) (*decoded, *stampRecord) {
	key, ok := c.stampKey(dir, f)
	if !ok {
		return nil, nil
	}
	b, err := os.ReadFile(c.stampPath(key))
	if err != nil {
		return nil, nil
	}
	rec, ok := decodeStamp(b, key)
	if !ok {
		return nil, nil
	}
	if !rec.trusted() {
		return nil, &rec
	}
	path, err := resolve(dir, f)
	if err != nil {
		return nil, &rec
	}
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > MaxFileSize {
		return nil, &rec
	}
	if st, ok := statStamp(fi); !ok || st != rec.st {
		return nil, &rec
	}
	dec := c.get(f, nil, rec.sum)
	if dec == nil {
		return nil, &rec
	}
	// The positions read the file again when first asked for one, if its
	// bytes are still those decoded.
	for k := range dec.records {
		dec.where[k].ix.releaseSum(dir, f, rec.sum)
	}
	unreadHits.Add(1)
	return dec, &rec
}

// noteStamp stores the stamp of data file f of the site in dir, read at
// the time at with the identity st and decoded as dec, unless prev (the
// stamp found before) already says so and is trusted.
func (c *diskCache) noteStamp(dir, f string, st stamp, at time.Time, dec *decoded, prev *stampRecord) {
	rec := stampRecord{st: st, at: at.UnixNano(), sum: dec.sum}
	if prev != nil && prev.st == st && prev.sum == dec.sum && prev.trusted() {
		return
	}
	key, ok := c.stampKey(dir, f)
	if !ok {
		return
	}
	c.write(c.stampPath(key), rec.encode(key))
}

// readStamped is ReadFile that also returns the identity of the file
// read, taken from the open file before reading it.
func readStamped(dir, name string) ([]byte, stamp, bool, error) {
	f, err := Open(dir, name)
	if err != nil {
		return nil, stamp{}, false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, stamp{}, false, err
	}
	if fi.Size() > MaxFileSize {
		return nil, stamp{}, false, tooLarge(fi.Size())
	}
	st, ok := statStamp(fi)
	// One byte more than the size shows that the file ends there.
	b := make([]byte, fi.Size()+1)
	n, err := io.ReadFull(f, b)
	switch {
	case err == io.ErrUnexpectedEOF || err == io.EOF:
		return b[:n], st, ok && int64(n) == fi.Size(), nil
	case err != nil:
		return nil, stamp{}, false, err
	}
	// It grew since the stat: read it to the limit, as ReadFile does.
	b, err = ReadFile(dir, name)
	return b, stamp{}, false, err
}
