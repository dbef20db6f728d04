package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mapsite/mapsite/basemap"
)

// TestLocatorsShareBodies checks that every record's locator is the one
// basemap draws for its mark, that the records sharing a point and zoom
// share one body, kept only until the last of them has taken it and drawn
// again when asked once more, and that pageOrder puts them together.
func TestLocatorsShareBodies(t *testing.T) {
	m, _, _ := renderSetup(t, synthSite(t, 300))
	l := m.locators
	if len(l.views) >= len(m.Records) {
		t.Fatalf("%d views for %d records: no two share one", len(l.views), len(m.Records))
	}
	order := m.pageOrder()
	seen := map[*locatorBody]bool{}
	var last *locatorBody
	for _, i := range order {
		rv := m.Records[i]
		lm := struct {
			mark basemap.Mark
			body *locatorBody
		}{locatorMark(rv), rv.locator}
		if lm.body != last && seen[lm.body] {
			t.Fatalf("pageOrder: %s comes apart from the other records at its point and zoom", rv.ID)
		}
		seen[lm.body], last = true, lm.body
		if got, want := string(m.Locator(rv.ID)), wantLocator(l, lm.mark); got != want {
			t.Fatalf("%s: locator differs from basemap's\n got %.200q\nwant %.200q", rv.ID, got, want)
		}
		if lm.body.left == 0 && (lm.body.drawn || lm.body.body != basemap.Body{}) {
			t.Fatalf("%s: a body is kept after its last record took it", rv.ID)
		}
		if lm.body.left > 0 && !lm.body.drawn {
			t.Fatalf("%s: a body is not kept for the records still to take it", rv.ID)
		}
	}
	if len(seen) != len(l.views) {
		t.Errorf("pageOrder: %d views, want %d", len(seen), len(l.views))
	}
	shared := 0
	for lb := range seen {
		if lb.shared != "" {
			shared++
		}
	}
	if shared == 0 || shared == len(seen) {
		t.Errorf("%d of %d views have their land in a file: the test does not exercise both", shared, len(seen))
	}
	// Rendered twice (as TestFastPathMatchesTemplates does): the same.
	rv := m.Records[order[0]]
	want := wantLocator(l, locatorMark(rv))
	if got := string(m.appendLocator([]byte("x"), rv.ID)); got != "x"+want {
		t.Errorf("a locator taken again differs")
	}
	if got := m.Locator("no-such-record"); got != "" {
		t.Errorf("a record with no mark has the locator %q", got)
	}
}

// wantLocator returns the locator of mark drawn by basemap, with its land
// in a file when it is longer than sharedLand.
func wantLocator(l *locators, mark basemap.Mark) string {
	body, href := l.loc.Body(mark), ""
	if len(body.Land) > sharedLand {
		d := sha256.Sum256(basemap.LandFile(body.Land))
		href = "../../assets/locators/" + hex.EncodeToString(d[:8]) + ".svg"
	}
	return string(basemap.AppendLocator(nil, mark, body, href))
}

// TestLocatorBodyShared checks that the body of a locator depends only on
// its point and zoom, and that the whole is made of it (see Body).
func TestLocatorBodyShared(t *testing.T) {
	base, err := basemap.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	loc := base.Locators(basemap.Site{Language: "en"})
	a := basemap.Mark{Lon: 28.97, Lat: 41.01, Zoom: 8, Color: "#aa0000", Solid: true, Label: "Istanbul"}
	b := basemap.Mark{Lon: 28.97, Lat: 41.01, Zoom: 8, Color: "#0000aa", WholeArea: true, Label: "<Türkiye>"}
	if loc.Body(a) != loc.Body(b) {
		t.Error("two marks at one point and zoom have different bodies")
	}
	if got, want := string(basemap.AppendLocator(nil, b, loc.Body(a), "")), loc.SVG(b); got != want {
		t.Errorf("AppendLocator with a shared body:\n got %.200q\nwant %.200q", got, want)
	}
	c := a
	c.Zoom = 10
	if loc.Body(c) == loc.Body(a) {
		t.Error("two zooms have the same body")
	}
}

// piecesSink is a memSink that counts the pieces of each file put in
// pieces, and those marked as encodings.
type piecesSink struct {
	*memSink
	pieceCount, encodings map[string]int
}

func (s *piecesSink) pieces(p string) pieceWriter {
	return &countedPieces{pieceWriter: s.memSink.pieces(p), s: s, p: p}
}

type countedPieces struct {
	pieceWriter
	s *piecesSink
	p string
}

func (c *countedPieces) add(piece []byte, encoding bool) error {
	c.s.pieceCount[c.p]++
	if encoding {
		c.s.encodings[c.p]++
	}
	return c.pieceWriter.add(piece, encoding)
}

// TestTablePageInPieces checks that the table page is handed to the sink
// in pieces, never whole: a row a piece, each an encoding, when the build
// keeps the rows for the index beside the output, which then keeps their
// keys but not the rows; and that it has the bytes of the page rendered
// whole.
func TestTablePageInPieces(t *testing.T) {
	defer func(on bool) { keepEncodings.Store(on) }(keepEncodings.Load())
	keepEncodings.Store(false)
	m, a, ts := renderSetup(t, synthSite(t, 300))
	a.addFingerprinted("data.js", []byte("window.MAPSITE_DATA={};\n")) // the map page's
	want, err := ts.render("table.html", &page{model: m, assets: a, Root: "../", Path: "incidents/", Kind: "table", Title: "All records", Description: m.Config.Description})
	if err != nil {
		t.Fatal(err)
	}
	for _, index := range []bool{false, true} {
		out := &piecesSink{memSink: &memSink{files: Files{}}, pieceCount: map[string]int{}, encodings: map[string]int{}}
		tableRowIndex.forBuild(nil, index)
		if _, err := m.pages(ts, a, time.Time{}, out, nil, func() error { return nil }, func() error { return nil }); err != nil {
			t.Fatal(err)
		}
		const p = "incidents/index.html"
		if got := out.files[p]; !bytes.Equal(got, want) {
			t.Errorf("index %v: the table page in pieces differs from the page rendered whole (%d and %d bytes)", index, len(got), len(want))
		}
		if out.pieceCount[p] < 3 {
			t.Errorf("index %v: the table page came in %d pieces", index, out.pieceCount[p])
		}
		wantEnc := 0
		if index {
			wantEnc = len(m.Records)
			if e := tableRowIndex.takeMade(); e == nil || len(e.keys) != len(m.Records) {
				t.Errorf("the rows' keys were not kept for the index")
			} else if e.b != nil {
				t.Errorf("the %d rows were kept until the index is written: only their keys are needed", len(e.b))
			}
		}
		if out.encodings[p] != wantEnc {
			t.Errorf("index %v: %d pieces marked as encodings, want %d", index, out.encodings[p], wantEnc)
		}
	}
}

// orderSink is a memSink that notes the order in which files are put.
type orderSink struct {
	*memSink
	mu    sync.Mutex
	order []string
}

func (s *orderSink) note(p string) {
	s.mu.Lock()
	s.order = append(s.order, p)
	s.mu.Unlock()
}

func (s *orderSink) put(p string, b []byte) error {
	s.note(p)
	return s.memSink.put(p, b)
}

func (s *orderSink) putTransient(p string, b []byte) error {
	s.note(p)
	return s.memSink.putTransient(p, b)
}

func (s *orderSink) pieces(p string) pieceWriter {
	return &orderPieces{pieceWriter: s.memSink.pieces(p), s: s, p: p}
}

type orderPieces struct {
	pieceWriter
	s *orderSink
	p string
}

func (w *orderPieces) close() error {
	time.Sleep(50 * time.Millisecond) // time for pages that do not wait to come first
	w.s.note(w.p)
	return w.pieceWriter.close()
}

// TestPagesAfterAggregates checks that no record page is put before the
// files made from every record are, so that the working memory of the
// two is never live at once (at 100,000 records, 649 -> 592 MB of peak
// RSS).
func TestPagesAfterAggregates(t *testing.T) {
	out := &orderSink{memSink: &memSink{files: Files{}}}
	if _, err := render(context.Background(), Options{SiteDir: synthSite(t, 300)}, func() (sink, error) { return out, nil }, nil); err != nil {
		t.Fatal(err)
	}
	firstPage, lastAggregate := -1, -1
	for i, p := range out.order {
		switch {
		case strings.HasPrefix(p, "incidents/") && strings.HasSuffix(p, "/index.html") && p != "incidents/index.html":
			if firstPage < 0 {
				firstPage = i
			}
		case p == "incidents.csv" || strings.HasPrefix(p, "layers/") || strings.HasPrefix(p, "assets/records/"):
			lastAggregate = i
		}
	}
	if firstPage < 0 || lastAggregate < 0 {
		t.Fatalf("no record page (%d) or no file of the records (%d) among %d files", firstPage, lastAggregate, len(out.order))
	}
	if firstPage < lastAggregate {
		t.Errorf("record page %s was put before %s", out.order[firstPage], out.order[lastAggregate])
	}
}
