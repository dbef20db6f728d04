package site

import (
	"crypto/sha256"
	"math/rand/v2"
	"os"
	"testing"
)

// TestWireCorrupt reads back a cache entry of a seed data file cut short
// at every length and with bytes changed at random: no read may panic,
// and a cut one must be refused. (TestLoaderEqualsLoad and FuzzLoad
// check that whole entries read back equal.)
func TestWireCorrupt(t *testing.T) {
	src, err := os.ReadFile("../data/iran.toml")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(src)
	dec := decodeData("..", "data/iran.toml", src, sum)
	if len(dec.records) < 5 {
		t.Fatalf("decoded %d records", len(dec.records))
	}
	b, ok := encodeDecoded("k", "data/iran.toml", dec)
	if !ok {
		t.Fatal("encodeDecoded refused a decoding")
	}
	if back, err := decodeWire(b, "k", "data/iran.toml", src, sum); err != nil || len(back.records) != len(dec.records) {
		t.Fatalf("decodeWire of a whole entry: %v", err)
	}
	if _, err := decodeWire(b, "other key", "data/iran.toml", src, sum); err == nil {
		t.Error("decodeWire took an entry made under another key")
	}
	for n := range len(b) {
		if _, err := decodeWire(b[:n], "k", "data/iran.toml", src, sum); err == nil {
			t.Fatalf("decodeWire took an entry cut to %d of %d bytes", n, len(b))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		c := append([]byte(nil), b...)
		for range 1 + rng.IntN(4) {
			c[rng.IntN(len(c))] = byte(rng.IntN(256))
		}
		decodeWire(c, "k", "data/iran.toml", src, sum) // must not panic
	}
}
