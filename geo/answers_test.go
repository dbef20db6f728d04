package geo

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"testing"
)

// TestAnswersDump writes, to the file GEO_ANSWERS names, the answer to
// every name the list knows: each place's name and other names, alone,
// with its country as hint, and every tenth with its parent's name
// ("Kadıköy, İstanbul"), and every key of the index and of the other
// names. It uses only what every version of the package has, so that two
// versions' files, compared, show whether a change of the loader changed
// an answer:
//
//	GEO_ANSWERS=/tmp/new go test ./geo -run TestAnswersDump -timeout 30m
func TestAnswersDump(t *testing.T) {
	path := os.Getenv("GEO_ANSWERS")
	if path == "" {
		t.Skip("GEO_ANSWERS is not set")
	}
	g, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	var qs []Query
	byID := map[string]Place{}
	for p := range g.Places() {
		byID[p.ID] = p
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for n, id := range ids {
		p := byID[id]
		for _, name := range append([]string{p.Name}, p.Aliases...) {
			qs = append(qs, Query{Text: name}, Query{Text: name, Country: p.Country})
		}
		if q, ok := byID[p.Parent]; ok && n%10 == 0 {
			qs = append(qs, Query{Text: p.Name + ", " + q.Name})
		}
	}
	for _, k := range g.allKeys() {
		qs = append(qs, Query{Text: k})
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	seen := map[Query]bool{}
	for _, q := range qs {
		if seen[q] {
			continue
		}
		seen[q] = true
		res, err := g.Resolve(q)
		fmt.Fprintf(w, "%q %q\n\t%+v\n\t%v\n", q.Text, q.Country, res, err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d queries", len(seen))
}
