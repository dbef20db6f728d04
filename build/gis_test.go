package build

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// TestGDALReadsOutputs opens the seed site's GeoJSON and CSV with GDAL's
// ogrinfo, as QGIS and other GIS clients do. .ci/run installs gdal-bin.
func TestGDALReadsOutputs(t *testing.T) {
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Skip("ogrinfo not installed (apt-get install gdal-bin); .ci/run installs it")
	}
	out := filepath.Join(t.TempDir(), "public")
	rep, err := Build(context.Background(), Options{SiteDir: "..", OutDir: out})
	if err != nil {
		t.Fatal(err)
	}
	count := regexp.MustCompile(`Feature Count: (\d+)`)
	geom := regexp.MustCompile(`Geometry: (\w+)`)
	tests := []struct {
		file  string
		args  []string
		geom  string
		count int
	}{
		{"layers/all.geojson", nil, "Point", rep.Records},
		{"layers/attack.geojson", nil, "Point", rep.Layers["attack"]},
		{"layers/links.geojson", nil, "Line", -1},
		{"incidents.csv", []string{"-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat"}, "Point", rep.Records},
	}
	for _, tt := range tests {
		args := append([]string{"-ro", "-so", "-al"}, tt.args...)
		b, err := exec.Command(ogrinfo, append(args, filepath.Join(out, tt.file))...).CombinedOutput()
		if err != nil {
			t.Errorf("ogrinfo %s: %v\n%s", tt.file, err, b)
			continue
		}
		if m := geom.FindSubmatch(b); m == nil || string(m[1]) != tt.geom {
			t.Errorf("ogrinfo %s: geometry %q, want %s", tt.file, m, tt.geom)
		}
		m := count.FindSubmatch(b)
		if m == nil {
			t.Errorf("ogrinfo %s: no feature count\n%s", tt.file, b)
			continue
		}
		if n, _ := strconv.Atoi(string(m[1])); tt.count >= 0 && n != tt.count {
			t.Errorf("ogrinfo %s: %d features, want %d", tt.file, n, tt.count)
		}
	}
}
