package build

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestTileOriginInCSP checks that the Content Security Policy allows the
// origin of the parsed tile URL, and nothing else from it.
func TestTileOriginInCSP(t *testing.T) {
	dir := copySite(t)
	f, err := os.OpenFile(filepath.Join(dir, "site.toml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\n[[map.tiles]]\nname = \"Tiles\"\nurl = \"https://{s}.tile.example.org:8443/{z}/{x}/{y}{r}.png?v=1\"\nattribution = \"Example\"\n")
	f.Close()
	files, _, err := Render(context.Background(), Options{SiteDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	csp := regexp.MustCompile(`img-src ([^;]*);`).FindSubmatch(files["index.html"])
	if csp == nil {
		t.Fatalf("index.html has no img-src policy")
	}
	if got, want := string(csp[1]), "'self' data: https://*.tile.example.org:8443"; got != want {
		t.Errorf("img-src %s, want %s", got, want)
	}
}

// TestOverridesStayInSite checks that the build reads a site's own
// templates and assets only from inside the site: a link out is an error,
// never published.
func TestOverridesStayInSite(t *testing.T) {
	for _, name := range []string{"assets/site.css", "templates/base.html"} {
		t.Run(name, func(t *testing.T) {
			dir := copySite(t)
			secret := filepath.Join(filepath.Dir(dir), "secret")
			os.WriteFile(secret, []byte("root:x:0:0:root:/root:/bin/bash\n"), 0o644)
			p := filepath.Join(dir, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.Symlink(secret, p); err != nil {
				t.Fatal(err)
			}
			files, _, err := Render(context.Background(), Options{SiteDir: dir})
			if err == nil || !strings.Contains(err.Error(), "outside the site folder") {
				t.Errorf("Render with %s linking out = %v, want a refusal", name, err)
			}
			for p, b := range files {
				if strings.Contains(string(b), "root:x:0:0") {
					t.Errorf("%s publishes the linked file", p)
				}
			}
		})
	}
}
