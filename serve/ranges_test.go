package serve

import (
	"io"
	"net/http"
	"testing"
)

// TestByteRanges checks that the server answers a range request with
// the bytes asked for and 206, as static hosts do: the map reads PMTiles
// archives (a street map, a large site's records) by ranges.
func TestByteRanges(t *testing.T) {
	addr, _ := startServer(t)
	get := func(rng string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", "http://"+addr+"/robots.txt", nil)
		if rng != "" {
			req.Header.Set("Range", rng)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	whole, all := get("")
	if whole.StatusCode != http.StatusOK || len(all) < 8 {
		t.Fatalf("GET /robots.txt = %d, %d bytes", whole.StatusCode, len(all))
	}
	part, b := get("bytes=2-5")
	if part.StatusCode != http.StatusPartialContent || string(b) != string(all[2:6]) {
		t.Errorf("GET /robots.txt bytes=2-5 = %d %q, want 206 %q", part.StatusCode, b, all[2:6])
	}
}
