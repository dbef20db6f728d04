package build

import (
	"bytes"
	"testing"
)

// TestAssetFilesDigest checks that the digest of the asset files, which
// is kept for files of the same addresses, changes with a file's bytes,
// a file added or removed, and not with a skipped file; and that kept or
// made anew, it is the same.
func TestAssetFilesDigest(t *testing.T) {
	none := func(string) bool { return false }
	fresh := func(files Files, skip func(string) bool) digest {
		lastAssetFiles.Lock()
		lastAssetFiles.files = nil
		lastAssetFiles.Unlock()
		return assetFilesDigest(files, skip)
	}
	files := Files{"a.js": []byte("alert(1)"), "b/c.js": bytes.Repeat([]byte("x"), 100), "d.css": []byte("")}
	want := fresh(files, none)
	if got := assetFilesDigest(files, none); got != want {
		t.Fatal("the kept digest differs from the one made")
	}
	copied := Files{}
	for p, b := range files {
		copied[p] = bytes.Clone(b)
	}
	if got := assetFilesDigest(copied, none); got != want {
		t.Fatal("the same bytes at other addresses give another digest")
	}
	for name, change := range map[string]func(Files){
		"a byte":        func(f Files) { b := bytes.Clone(f["b/c.js"]); b[50] = 'y'; f["b/c.js"] = b },
		"a file added":  func(f Files) { f["e.js"] = []byte("1") },
		"a file gone":   func(f Files) { delete(f, "a.js") },
		"a path moved":  func(f Files) { f["a2.js"] = f["a.js"]; delete(f, "a.js") },
		"an empty file": func(f Files) { f["d.css"] = []byte(" ") },
	} {
		assetFilesDigest(files, none) // kept
		changed := Files{}
		for p, b := range files {
			changed[p] = b
		}
		change(changed)
		if got := assetFilesDigest(changed, none); got == want {
			t.Errorf("%s: the digest is unchanged", name)
		}
		if got, again := assetFilesDigest(changed, none), fresh(changed, none); got != again {
			t.Errorf("%s: kept and made anew, the digests differ", name)
		}
	}
	skip := func(p string) bool { return p == "e.js" }
	assetFilesDigest(files, skip)
	withSkipped := Files{"e.js": []byte("data")}
	for p, b := range files {
		withSkipped[p] = b
	}
	if got := assetFilesDigest(withSkipped, skip); got != want {
		t.Error("a skipped file changes the digest")
	}
}

// TestSumsNoted checks that the digest the sink noted of an asset file is
// the one the page keys take for the same slice (so it is hashed once),
// and for that slice only.
func TestSumsNoted(t *testing.T) {
	var c sumCache
	b := bytes.Repeat([]byte("base-map cell "), 10)
	marked := digest{1, 2, 3} // not b's digest: taken only if noted
	c.note(b, marked)
	s := c.begin()
	if got := s.sum(b); got != marked {
		t.Errorf("noted slice: %x, want the noted %x", got, marked)
	}
	if got := s.sum(bytes.Clone(b)); got != sum(b) {
		t.Errorf("a copy at another address: %x, want %x", got, sum(b))
	}
	c.end(s)
	if s := c.begin(); s.sum(b) != marked {
		t.Error("the noted digest is not kept for the next build")
	}
	if c.noted != nil {
		t.Error("begin leaves the noted digests")
	}
}
