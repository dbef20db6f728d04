package tiles

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/protomaps/go-pmtiles/pmtiles"
)

// sample returns n records spread over a few cities (many at one point),
// three layers, three attributions (and none), four countries and twelve
// years, some placed only at country level. The same n gives the same records.
func sample(n int) []Record {
	rng := rand.New(rand.NewSource(int64(n)))
	cities := []struct {
		lon, lat float64
		cc       string
	}{
		{28.97, 41.01, "TR"}, {29.03, 41.05, "TR"}, {32.85, 39.93, "TR"}, {57.08, 30.28, "IR"}, {51.39, 35.69, "IR"},
		{37.62, 55.75, "RU"}, {2.35, 48.86, "FR"}, {2.29, 48.87, "FR"}, {-0.0, 0.0, "FR"},
	}
	out := make([]Record, n)
	for i := range out {
		c := cities[rng.Intn(len(cities))]
		prec := "venue"
		lon, lat := c.lon+rng.Float64()*0.05, c.lat+rng.Float64()*0.05
		switch rng.Intn(10) {
		case 0:
			prec = "country"
			lon, lat = c.lon, c.lat
		case 1, 2:
			prec = "city"
			lon, lat = c.lon, c.lat
		}
		start := time.Date(2013+rng.Intn(12), time.Month(1+rng.Intn(12)), 1+rng.Intn(28), 0, 0, 0, 0, time.UTC)
		end := ""
		if rng.Intn(5) == 0 {
			end = start.AddDate(0, 2, 0).Format("2006-01-02")
		}
		out[i] = Record{Lon: lon, Lat: lat, Key: i, ID: "r-" + strconv.Itoa(i), Title: "Record " + strconv.Itoa(i),
			Layer: rng.Intn(3), Attribution: rng.Intn(4), Country: c.cc, Start: start.Format("2006-01-02"), End: end, DateText: start.Format("2006-01-02"),
			Place: "Somewhere", Precision: prec}
	}
	return out
}

// readArchive reads every tile of an archive with go-pmtiles and decodes
// it with orb's mvt, by zoom.
func readArchive(t *testing.T, b []byte) (pmtiles.HeaderV3, map[int][]mvt.Layers) {
	t.Helper()
	h, err := pmtiles.DeserializeHeader(b[:pmtiles.HeaderV3LenBytes])
	if err != nil {
		t.Fatal(err)
	}
	out := map[int][]mvt.Layers{}
	err = pmtiles.IterateEntries(h, func(off, n uint64) ([]byte, error) { return b[off : off+n], nil }, func(e pmtiles.EntryV3) {
		z, _, _ := pmtiles.IDToZxy(e.TileID)
		data := b[h.TileDataOffset+e.Offset : h.TileDataOffset+e.Offset+uint64(e.Length)]
		layers, err := mvt.UnmarshalGzipped(data)
		if err != nil {
			t.Fatalf("tile %d: %v", e.TileID, err)
		}
		out[int(z)] = append(out[int(z)], layers)
	})
	if err != nil {
		t.Fatal(err)
	}
	return h, out
}

func num(v interface{}) int {
	switch v := v.(type) {
	case float64:
		return int(v)
	case int64:
		return int(v)
	case uint64:
		return int(v)
	}
	return -1
}

// TestArchiveCounts reads the archive back and checks that every zoom
// counts every record once: the clusters' counts and the points add up
// to the number of records, per layer and year too, a cluster never
// mixes countries, and from the point zoom on, every record is there
// with its properties.
func TestArchiveCounts(t *testing.T) {
	for _, n := range []int{1, 2, 500, 20000} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			recs := sample(n)
			b, st, err := Archive(recs, DefaultOptions)
			if err != nil {
				t.Fatal(err)
			}
			h, byZoom := readArchive(t, b)
			if int(h.MinZoom) != DefaultOptions.MinZoom || int(h.MaxZoom) != DefaultOptions.PointZoom || h.TileType != pmtiles.Mvt {
				t.Errorf("header zooms %d-%d type %v", h.MinZoom, h.MaxZoom, h.TileType)
			}
			wantHist := map[string]int{}
			for _, r := range recs {
				wantHist[histKey(&r)]++
			}
			for z := DefaultOptions.MinZoom; z <= DefaultOptions.PointZoom; z++ {
				total, stacked, hist, seen := 0, 0, map[string]int{}, map[string]bool{}
				for _, layers := range byZoom[z] {
					for _, l := range layers {
						if l.Name != LayerName {
							t.Fatalf("layer %q", l.Name)
						}
						for _, f := range l.Features {
							p := f.Properties
							if c, ok := p["n"]; ok {
								if z == DefaultOptions.PointZoom {
									stacked += num(c)
									if num(p["x"]) != z+1 {
										t.Errorf("a stack at the point zoom splits at zoom %d", num(p["x"]))
									}
								}
								total += num(c)
								sum := 0
								for _, part := range strings.Split(p["h"].(string), ";") {
									layer, years, _ := strings.Cut(part, ":")
									for _, yn := range strings.Split(years, ",") {
										y, k, _ := strings.Cut(yn, "=")
										v, _ := strconv.Atoi(k)
										hist[layer+":"+y] += v
										sum += v
									}
								}
								if sum != num(c) {
									t.Errorf("zoom %d: cluster of %d records has %d in its histogram", z, num(c), sum)
								}
								if x := num(p["x"]); x <= z || x > DefaultOptions.PointZoom+1 {
									t.Errorf("zoom %d: cluster expands at zoom %d", z, x)
								}
								continue
							}
							total++
							id := p["id"].(string)
							if seen[id] {
								t.Errorf("zoom %d: record %s twice", z, id)
							}
							seen[id] = true
							k := num(p["k"])
							if k < 0 || k >= n || recs[k].ID != id || p["t"] != recs[k].Title || p["cc"] != recs[k].Country || num(p["l"]) != recs[k].Layer {
								t.Fatalf("zoom %d: record %v does not match its source", z, p)
							}
							if num(p["at"]) != recs[k].Attribution && (p["at"] != nil || recs[k].Attribution != 0) {
								t.Fatalf("zoom %d: record %s has attribution %v, want %d", z, id, p["at"], recs[k].Attribution)
							}
							hist[histKey(&recs[k])]++
						}
					}
				}
				if total != n {
					t.Errorf("zoom %d: %d records counted, want %d", z, total, n)
				}
				if st.Records[z] != n {
					t.Errorf("zoom %d: stats count %d records", z, st.Records[z])
				}
				if fmt.Sprint(hist) != fmt.Sprint(wantHist) {
					t.Errorf("zoom %d: per layer, attribution and year %v, want %v", z, hist, wantHist)
				}
				if z == DefaultOptions.PointZoom && len(seen)+stacked != n {
					t.Errorf("point zoom holds %d distinct records and %d in stacks, want %d", len(seen), stacked, n)
				}
				if z == DefaultOptions.PointZoom && n == 20000 && stacked == 0 {
					t.Error("no stack: the sample's cities should hold more than StackCap records each")
				}
			}
		})
	}
}

// histKey is how a cluster's histogram (histText) names r's part and
// year: "layer:year", or "layer/attribution:year".
func histKey(r *Record) string {
	if r.Attribution > 0 {
		return fmt.Sprintf("%d/%d:%s", r.Layer, r.Attribution, r.Start[:4])
	}
	return fmt.Sprintf("%d:%s", r.Layer, r.Start[:4])
}

// TestHistText checks the histogram's text: parts in order of layer and
// attribution, years in order within each.
func TestHistText(t *testing.T) {
	recs := []Record{
		{Layer: 1, Attribution: 2, Start: "2020-01-01"}, {Layer: 0, Start: "2019-05-01"}, {Layer: 1, Start: "2018-01-01"},
		{Layer: 1, Attribution: 2, Start: "2015-01-01"}, {Layer: 0, Start: "2019-07-01"}, {Layer: 12, Attribution: 300, Start: "2001-01-01"},
	}
	var h []bin
	for i := range recs {
		h = append(h, bin{key: binKey(&recs[i]), n: 1})
	}
	got := histText(mergeBins(h))
	if want := "0:2019=2;1:2018=1;1/2:2015=1,2020=1;12/300:2001=1"; got != want {
		t.Errorf("histText = %q, want %q", got, want)
	}
}

// TestStackCap checks that no more than StackCap records of one country
// are points at one pixel of the point zoom, and that the rest are one
// cluster there.
func TestStackCap(t *testing.T) {
	recs := sample(2000)
	for i := range recs {
		recs[i].Lon, recs[i].Lat, recs[i].Country, recs[i].Precision = 10, 45, "FR", "venue"
	}
	opt := DefaultOptions
	opt.StackCap = 100
	b, _, err := Archive(recs, opt)
	if err != nil {
		t.Fatal(err)
	}
	_, byZoom := readArchive(t, b)
	points, clusters := 0, []int{}
	for _, layers := range byZoom[opt.PointZoom] {
		for _, f := range layers[0].Features {
			if n, ok := f.Properties["n"]; ok {
				clusters = append(clusters, num(n))
			} else {
				points++
				// The last records in the order given stay points.
				if k := num(f.Properties["k"]); k < 2000-100 {
					t.Errorf("record %d is a point, want only the last 100", k)
				}
			}
		}
	}
	if points != 100 || fmt.Sprint(clusters) != "[1900]" {
		t.Errorf("%d points and clusters %v, want 100 and [1900]", points, clusters)
	}
}

// TestClustersKeepCountries checks that no cluster holds records of two
// countries, nor areas with points, at any zoom.
func TestClustersKeepCountries(t *testing.T) {
	recs := sample(3000)
	// Every record of France and Turkey at one point, half of them areas.
	for i := range recs {
		recs[i].Lon, recs[i].Lat = 10, 45
	}
	b, _, err := Archive(recs, DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	_, byZoom := readArchive(t, b)
	for z := DefaultOptions.MinZoom; z < DefaultOptions.PointZoom; z++ {
		kinds := map[string]int{}
		for _, layers := range byZoom[z] {
			for _, f := range layers[0].Features {
				kinds[fmt.Sprint(f.Properties["cc"], f.Properties["a"] != nil)]++
			}
		}
		// Four countries, with and without areas: eight clusters.
		if len(kinds) != 8 {
			t.Errorf("zoom %d: clusters %v, want one per country and kind", z, kinds)
		}
		for k, v := range kinds {
			if v != 1 {
				t.Errorf("zoom %d: %d clusters of %s at one point", z, v, k)
			}
		}
	}
}

// TestArchiveDeterministic builds the same records twice (and in a
// process with another map order) and wants the same bytes.
func TestArchiveDeterministic(t *testing.T) {
	recs := sample(5000)
	a, _, err := Archive(recs, DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		b, _, err := Archive(sample(5000), DefaultOptions)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatal("two archives of the same records differ")
		}
	}
}

// TestOgrinfo reads the tiles with GDAL's MVT driver, a decoder written
// independently of orb: the tiles of each zoom, taken out of the archive
// with go-pmtiles into a {z}/{x}/{y}.pbf folder, hold as many features as
// the archive says. (GDAL 3.6 has no PMTiles driver; 3.8 and later open
// the archive itself.)
func TestOgrinfo(t *testing.T) {
	bin, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Skip("ogrinfo (gdal-bin) is not installed")
	}
	recs := sample(700)
	b, st, err := Archive(recs, DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	h, _ := pmtiles.DeserializeHeader(b[:pmtiles.HeaderV3LenBytes])
	err = pmtiles.IterateEntries(h, func(off, n uint64) ([]byte, error) { return b[off : off+n], nil }, func(e pmtiles.EntryV3) {
		z, x, y := pmtiles.IDToZxy(e.TileID)
		zr, err := gzip.NewReader(bytes.NewReader(b[h.TileDataOffset+e.Offset : h.TileDataOffset+e.Offset+uint64(e.Length)]))
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, strconv.Itoa(int(z)), strconv.Itoa(int(x)), strconv.Itoa(int(y))+".pbf")
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, z := range []int{DefaultOptions.MinZoom, 6, DefaultOptions.PointZoom} {
		out, err := exec.Command(bin, "-ro", "-so", "-oo", "CLIP=NO", filepath.Join(dir, strconv.Itoa(z)), LayerName).CombinedOutput()
		if err != nil {
			t.Fatalf("ogrinfo: %v\n%s", err, out)
		}
		want := fmt.Sprintf("Feature Count: %d\n", st.Features[z])
		if !strings.Contains(string(out), want) {
			t.Errorf("ogrinfo at zoom %d:\n%s\nwant %s", z, out, want)
		}
	}
}

// BenchmarkArchive100k makes the archive of 100,000 records.
func BenchmarkArchive100k(b *testing.B) {
	recs := sample(100000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := Archive(recs, DefaultOptions); err != nil {
			b.Fatal(err)
		}
	}
}
