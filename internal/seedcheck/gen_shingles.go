//go:build ignore

// gen_shingles writes the hashes of every 8-word run of the seed article,
// one per line, sorted, under a header that cites the article. It reads the
// article from the steering repository's shared/seed folder, which CI copies
// beside the clone; the tests read only the hashes it writes.
//
//	go generate ./internal/seedcheck
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"slices"
	"strings"

	"github.com/mapsite/mapsite/internal/seedcheck"
)

const header = `# Hashes of every run of %d consecutive words of the seed article:
#   Peter Smith, Levent Kemal and Lucas Webber, "Islamic State Khorasan's Westward
#   Network Expansion Into Iran, Turkey, and Europe", The Diplomat, 30 April 2024,
#   https://thediplomat.com/2024/04/islamic-state-khorasans-westward-network-expansion-into-iran-turkey-and-europe/
# read from the copy in shared/seed/%s.
# Words are normalised by seedcheck.Words (NFKD, diacritics dropped, lower case,
# apostrophes dropped, any other non-letter, non-digit separates words); each run is
# its words joined by one space, hashed by seedcheck.HashShingle (first 64 bits of
# SHA-256, hex). Regenerate with: go generate ./internal/seedcheck
`

func main() {
	article := flag.String("article", "", "the article's text file")
	out := flag.String("o", "", "the hash file to write")
	flag.Parse()
	if *article == "" || *out == "" {
		log.Fatal("usage: go run gen_shingles.go -article FILE -o FILE")
	}
	text, err := os.ReadFile(*article)
	if err != nil {
		log.Fatal(err)
	}
	var hashes []string
	for _, s := range seedcheck.Shingles(string(text)) {
		hashes = append(hashes, s.Hash)
	}
	slices.Sort(hashes)
	hashes = slices.Compact(hashes)
	name := (*article)[strings.LastIndexByte(*article, '/')+1:]
	var b strings.Builder
	fmt.Fprintf(&b, header, seedcheck.ShingleSize, name)
	for _, h := range hashes {
		b.WriteString(h)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d runs of %d words\n", *out, len(hashes), seedcheck.ShingleSize)
}
