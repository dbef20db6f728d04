package build

import (
	"strings"
	"testing"
	"time"

	"github.com/mapsite/mapsite/geo"
)

// TestReportWrite: the summary groups numbers in thousands and gives
// long durations in seconds or minutes, so a large build reads at a glance.
func TestReportWrite(t *testing.T) {
	rep := &Report{
		Records: 100000, Pages: 100004, Files: 102579, Bytes: 3 << 29, Reused: 99990,
		Precision: map[geo.Precision]int{geo.Venue: 25000, geo.Country: 1200},
		Steps:     []Step{{"load", 1200 * time.Millisecond}, {"render", 213 * time.Second}},
	}
	var b strings.Builder
	rep.Write(&b)
	for _, want := range []string{
		"built 100,000 records, 100,004 pages, 102,579 files (1.50 GB) in 3 min 34 s\n",
		"  unchanged  99,990 files, taken from the previous build\n",
		"venue 25,000, country 1,200\n",
		"load 1.20 s, render 3 min 33 s\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}

func TestMs(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{302500 * time.Microsecond, "302.5 ms"},
		{999 * time.Millisecond, "999.0 ms"},
		{time.Second, "1.00 s"},
		{4118 * time.Millisecond, "4.12 s"},
		{59 * time.Second, "59.00 s"},
		{213 * time.Second, "3 min 33 s"},
		{2*time.Hour + 5*time.Second, "120 min 5 s"},
	} {
		if got := ms(tc.d); got != tc.want {
			t.Errorf("ms(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
