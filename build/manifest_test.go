package build

import (
	"bytes"
	"fmt"
	"testing"
)

// TestMadeFilesFollowsSpare: a madeFiles that follows a decoded manifest
// keeps the entries of the paths it lists by line, not in its maps, and
// gives the same entries, count and text as one that does not.
func TestMadeFilesFollowsSpare(t *testing.T) {
	old := manifest{}
	for i := range 50 {
		old[fmt.Sprintf("incidents/r%03d/index.html", i*2)] = entry{size: int64(i), key: sum([]byte{byte(i)}), keyed: true}
	}
	old["a.js"] = entry{size: 1, summed: true}
	old["z/old.txt"] = entry{size: 2, summed: true}
	listed, err := decodeManifest(old.encode())
	if err != nil {
		t.Fatal(err)
	}
	// This build's files: most of the old ones, and new ones in between,
	// before and after them.
	want := manifest{}
	for i := range 100 {
		if i%7 != 3 {
			want[fmt.Sprintf("incidents/r%03d/index.html", i)] = entry{size: int64(1000 + i), sum: sum([]byte{byte(i)}), summed: true}
		}
	}
	want["0.html"] = entry{size: 3}
	want["a.js"] = entry{size: 4, summed: true}
	want["zz"] = entry{size: 5}
	want["odd\nname"] = entry{size: 6} // never listed

	plain, follows := newMadeFiles(len(listed)), newMadeFiles(len(listed))
	follows.follow(listed)
	for _, f := range []*madeFiles{plain, follows} {
		for p, e := range want {
			f.set(p, entry{size: -1}) // set twice, as a page reuse saw first
			if f.set(p, e) {
				t.Errorf("set(%q) a second time reports a new path", p)
			}
		}
		if n := f.len(); n != len(want) {
			t.Errorf("len() = %d, want %d", n, len(want))
		}
		for p, e := range want {
			if got, ok := f.get(p); !ok || got != e {
				t.Errorf("get(%q) = %v, %v; want %v", p, got, ok, e)
			}
		}
		if _, ok := f.get("z/old.txt"); ok {
			t.Error("get of a listed path never set found it")
		}
	}
	inMaps := 0
	for i := range follows.shards {
		inMaps += len(follows.shards[i].m)
	}
	if listedSet := 1 + 43; inMaps != len(want)-listedSet {
		t.Errorf("%d entries in the maps, want %d: the listed paths' kept by line", inMaps, len(want)-listedSet)
	}
	text := want.encode()
	for name, f := range map[string]*madeFiles{"plain": plain, "following": follows} {
		if got := f.encode(); !bytes.Equal(got, text) {
			t.Errorf("%s: encode() =\n%s\nwant\n%s", name, got, text)
		}
	}
	// A manifest made in memory has no lines: not followed.
	f := newMadeFiles(len(old))
	f.follow(old)
	if f.lines != nil {
		t.Error("followed a manifest without line numbers")
	}
}

// TestMadeFilesEncodeLarge: with more paths than parallelSortMin, sorted
// in two halves and merged, madeFiles gives the text a manifest of the
// same entries gives, with and without a spare's manifest followed.
func TestMadeFilesEncodeLarge(t *testing.T) {
	want := manifest{}
	for i := range parallelSortMin + 3000 {
		want[fmt.Sprintf("incidents/r%07d/index.html", (i*7919)%100003)] = entry{size: int64(i), key: sum([]byte{byte(i), byte(i >> 8)}), keyed: true}
	}
	want["assets/a.js"] = entry{size: 1, summed: true}
	want["odd\nname"] = entry{size: 6} // never listed
	spare := manifest{}
	for i := range 500 {
		spare[fmt.Sprintf("incidents/r%07d/index.html", i*13)] = entry{size: 1}
	}
	listed, err := decodeManifest(spare.encode())
	if err != nil {
		t.Fatal(err)
	}
	plain, follows := newMadeFiles(len(want)), newMadeFiles(len(want))
	follows.follow(listed)
	for _, f := range []*madeFiles{plain, follows} {
		for p, e := range want {
			f.set(p, e)
		}
		if got := f.encode(); !bytes.Equal(got, want.encode()) {
			t.Errorf("encode() differs from the manifest's text (%d and %d bytes)", len(got), len(want.encode()))
		}
	}
}
