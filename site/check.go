package site

import (
	"net/url"
	"strings"
)

// isHTTPURL reports whether link is an http(s) URL with a host, as a
// source's url must be: url.Parse takes it, with the scheme http or https
// and a host. The usual link (https://host/path, of plain ASCII and no
// %-escapes) is recognised without parsing it (url.Parse was 24 MB of
// garbage at 100,000 records); any other goes to url.Parse.
func isHTTPURL(link string) bool {
	if plainHTTPURL(link) {
		return true
	}
	u, err := url.Parse(link)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// plainHTTPURL reports whether link is "http://" or "https://", then a
// host of letters, digits, '.', '-', '_' and '~' (at least one), then
// nothing or a '/', '?' or '#' and bytes of urlSafe: url.Parse takes such
// a link, without an error, and gives it that scheme and host.
func plainHTTPURL(link string) bool {
	rest, ok := strings.CutPrefix(link, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(link, "http://"); !ok {
			return false
		}
	}
	i := 0
	for i < len(rest) && hostByte[rest[i]] {
		i++
	}
	if i == 0 {
		return false
	}
	if i < len(rest) && rest[i] != '/' && rest[i] != '?' && rest[i] != '#' {
		return false
	}
	for ; i < len(rest); i++ {
		if !urlSafe[rest[i]] {
			return false
		}
	}
	return true
}

// hostByte marks the bytes of a host plainHTTPURL takes; urlSafe those of
// the rest of the link: printable ASCII but for spaces, '%' (an escape
// url.Parse checks), '"', '<', '>', '\\', '^', '`', '{', '|' and '}'.
var hostByte, urlSafe = func() (host, safe [256]bool) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		alnum := 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
		host[c] = alnum || strings.IndexByte(".-_~", b) >= 0
		safe[c] = alnum || strings.IndexByte("-._~!$&'()*+,;=:@/?#[]", b) >= 0
	}
	return
}()

// validID reports what incident.ValidID.MatchString does, without the
// regular expression: one or more runs of a-z and 0-9, one '-' apart.
func validID(id string) bool {
	if id == "" || id[0] == '-' || id[len(id)-1] == '-' {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '-' && id[i-1] != '-':
		default:
			return false
		}
	}
	return true
}
