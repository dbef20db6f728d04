package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckSummaryIsPrintable checks that check's summary escapes what a
// terminal would act on in site.toml's title: a right-to-left override is
// allowed in the title (it is not a control character) but printed as
// \u202e, so it cannot reorder the line it is on.
func TestCheckSummaryIsPrintable(t *testing.T) {
	dir := t.TempDir()
	cfg := `title = "Map \u202Etxt.exe"
[[layer]]
key = "attack"
name = "Attacks"
color = "#D55E00"
[[attribution]]
key = "claimed"
label = "Claimed"
`
	rec := `[[record]]
id = "kerman-2024-01-03"
layer = "attack"
date = 2024-01-03
title = "t"
place = "Kerman"
country = "IR"
summary = "s"
[[record.source]]
title = "s"
url = "https://example.org/"
`
	os.WriteFile(filepath.Join(dir, "site.toml"), []byte(cfg), 0o644)
	os.Mkdir(filepath.Join(dir, "data"), 0o755)
	os.WriteFile(filepath.Join(dir, "data", "a.toml"), []byte(rec), 0o644)
	code, out, errs := run(t, "check", "-s", dir)
	if code != OK {
		t.Fatalf("check: exit %d\n%s", code, errs)
	}
	if !strings.HasPrefix(out, `Map \u202etxt.exe: 1 record in 1 file`) {
		t.Errorf("check summary = %q, want the override escaped", out)
	}
}
