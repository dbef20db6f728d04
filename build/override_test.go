package build

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mapsite/mapsite/templates"
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

// TestOverrideTakesTemplatePath checks which pages an override sends
// through html/template: an override of record.html the record pages only,
// of base.html every page; and that a site's file equal to the built-in
// one is no override.
func TestOverrideTakesTemplatePath(t *testing.T) {
	for _, tc := range []struct {
		template string
		marked   []string // pages that must show the override
		unmarked []string
	}{
		{"record.html", []string{"incidents/kerman-2024-01-03/index.html"}, []string{"index.html", "incidents/index.html", "about/index.html", "404.html"}},
		{"table.html", []string{"incidents/index.html"}, []string{"index.html", "incidents/kerman-2024-01-03/index.html"}},
		{"base.html", []string{"index.html", "incidents/index.html", "about/index.html", "404.html", "incidents/kerman-2024-01-03/index.html"}, nil},
	} {
		t.Run(tc.template, func(t *testing.T) {
			dir := copySite(t)
			b, err := fs.ReadFile(templates.FS, tc.template)
			if err != nil {
				t.Fatal(err)
			}
			// Every page template and base.html define "main" or "base";
			// the marker goes where each page shows it.
			marker := `<p class="override">overridden</p>`
			src := strings.Replace(string(b), "</main>", marker+"</main>", 1)
			if tc.template == "base.html" {
				src = strings.Replace(string(b), "</body>", marker+"</body>", 1)
			}
			if src == string(b) {
				t.Fatal("no place for the marker")
			}
			os.MkdirAll(filepath.Join(dir, "templates"), 0o755)
			os.WriteFile(filepath.Join(dir, "templates", tc.template), []byte(src), 0o644)
			files, _, err := Render(context.Background(), Options{SiteDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range tc.marked {
				if !bytes.Contains(files[p], []byte(marker)) {
					t.Errorf("%s does not show the override of %s", p, tc.template)
				}
			}
			for _, p := range tc.unmarked {
				if files[p] == nil {
					t.Errorf("no %s", p)
				}
				if bytes.Contains(files[p], []byte(marker)) {
					t.Errorf("%s shows the override of %s", p, tc.template)
				}
			}
		})
	}
	t.Run("same as built in", func(t *testing.T) {
		dir := copySite(t)
		os.MkdirAll(filepath.Join(dir, "templates"), 0o755)
		b, _ := fs.ReadFile(templates.FS, "base.html")
		os.WriteFile(filepath.Join(dir, "templates", "base.html"), b, 0o644)
		ts, err := loadTemplates(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range pageTemplates {
			if !ts.fast[name] {
				t.Errorf("%s: a copy of the built-in base.html is taken for an override", name)
			}
		}
	})
}
