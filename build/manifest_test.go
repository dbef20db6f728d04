package build

import (
	"bytes"
	"fmt"
	"maps"
	"strings"
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

	plain, follows, byLine := newMadeFiles(len(listed)), newMadeFiles(len(listed)), newMadeFiles(len(listed))
	follows.follow(listed)
	byLine.follow(listed)
	for _, f := range []*madeFiles{plain, follows, byLine} {
		for p, e := range want {
			set := f.set
			if l, ok := listed[p]; ok && f == byLine {
				set = func(p string, e entry) bool { return f.setListed(p, e, l) } // its line known
			}
			set(p, entry{size: -1}) // set twice, as a page reuse saw first
			if set(p, e) {
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
	for _, f := range []*madeFiles{follows, byLine} {
		inMaps := 0
		for i := range f.shards {
			inMaps += len(f.shards[i].m)
		}
		if listedSet := 1 + 43; inMaps != len(want)-listedSet {
			t.Errorf("%d entries in the maps, want %d: the listed paths' kept by line", inMaps, len(want)-listedSet)
		}
	}
	text := want.encode()
	for name, f := range map[string]*madeFiles{"plain": plain, "following": follows, "set by line": byLine} {
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

// TestLiveManifestInPlace: a manifest read in place (indexManifest) gives
// the entries, count and folders' entries decodeManifest gives; one whose
// paths are out of order is decoded, and one that cannot be read is
// refused.
func TestLiveManifestInPlace(t *testing.T) {
	want := manifest{}
	for i := range 300 {
		want[fmt.Sprintf("incidents/r%04d/index.html", i*3)] = entry{size: int64(6000 + i), key: sum([]byte{byte(i), 1}), keyed: true}
	}
	for i := range 20 {
		want[fmt.Sprintf("assets/locators/%02d.svg", i)] = entry{size: int64(i), key: sum([]byte{byte(i), 2}), keyed: true}
	}
	want["assets/locators"] = entry{size: 7, summed: true, sum: sum([]byte("a file, not the folder"))}
	want["404.html"] = entry{size: 1, summed: true, sum: sum([]byte("404"))}
	want["zz/a b"] = entry{size: 123456789012}
	text := want.encode()
	l, err := indexManifest(text)
	if err != nil {
		t.Fatal(err)
	}
	if l.m != nil {
		t.Fatal("a manifest in order was decoded, not read in place")
	}
	if l.len() != len(want) {
		t.Errorf("len() = %d, want %d", l.len(), len(want))
	}
	for p, e := range want {
		if got, ok := l.get(p); !ok || got != e {
			t.Errorf("get(%q) = %v, %v; want %v", p, got, ok, e)
		}
	}
	for _, p := range []string{"", "0", "incidents/r0001/index.html", "incidents/", "zz/a", "zzz"} {
		if got, ok := l.get(p); ok {
			t.Errorf("get(%q) = %v, true; want none", p, got)
		}
	}
	for _, dir := range []string{"assets/locators/", "incidents/r01", "zz/", "none/", ""} {
		wantUnder := manifest{}
		for p, e := range want {
			if strings.HasPrefix(p, dir) {
				wantUnder[p] = e
			}
		}
		got := manifest{}
		for p, e := range l.under(dir) {
			got[p] = e
		}
		if !maps.Equal(got, wantUnder) {
			t.Errorf("under(%q) gives %d entries, want %d", dir, len(got), len(wantUnder))
		}
	}
	// Out of order (two lines swapped): decoded, with the same entries.
	lines := strings.SplitAfter(string(text), "\n")
	lines[2], lines[3] = lines[3], lines[2]
	l, err = indexManifest([]byte(strings.Join(lines, "")))
	if err != nil || l.m == nil || !maps.Equal(map[string]entry(l.m), unlined(want)) {
		t.Errorf("a manifest out of order: %v, decoded %v", err, l != nil && l.m != nil)
	}
	for _, bad := range []string{
		strings.Replace(string(text), " 6001 ", " x ", 1),
		string(text[:len(text)-1]),
		"mapsite manifest 1\n",
	} {
		if _, err := indexManifest([]byte(bad)); err == nil {
			t.Errorf("indexManifest read a manifest that decodeManifest refuses: %.60q", bad)
		}
		if _, err := decodeManifest([]byte(bad)); err == nil {
			t.Errorf("decodeManifest read %.60q", bad)
		}
	}
}

// unlined returns m's entries without their line numbers.
func unlined(m manifest) manifest {
	out := manifest{}
	for p, e := range m {
		e.line = 0
		out[p] = e
	}
	return out
}
