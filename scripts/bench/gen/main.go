// Command gen writes a synthetic mapsite site of N records (package
// internal/synth), and optionally the equivalent Hugo site, for
// benchmarks. The same -n and -seed give the same bytes.
//
//	go run ./scripts/bench/gen -n 10000 -o /dev/shm/site [-hugo /dev/shm/hugo]
//
// Run it from the repository root (it reads site.toml and geo/).
package main

import (
	"flag"
	"log"

	"github.com/mapsite/mapsite/internal/synth"
)

func main() {
	n := flag.Int("n", 1000, "number of records")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("o", "", "folder to write the mapsite site into (replaced)")
	hugo := flag.String("hugo", "", "also write the equivalent Hugo site into this folder (replaced)")
	root := flag.String("root", ".", "the mapsite repository (for site.toml and geo/)")
	flag.Parse()
	if *out == "" {
		log.Fatal("gen: -o is required")
	}
	recs, err := synth.Site(*root, *out, *n, *seed)
	if err != nil {
		log.Fatal(err)
	}
	if *hugo != "" {
		if err := synth.WriteHugo(*hugo, recs); err != nil {
			log.Fatal(err)
		}
	}
}
