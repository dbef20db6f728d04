package build

import "testing"

func TestRootPath(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"https://example.org/iskp/", "/iskp/"},
		{"https://example.org/", "/"},
		{"https://example.org", "/"},
		{"", "/"},
		{"https://example.org/a/b/", "/a/b/"},
	} {
		if got := rootPath(c.in); got != c.want {
			t.Errorf("rootPath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
