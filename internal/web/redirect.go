package web

import (
	"net/url"
	"strings"
)

// safeNext keeps a redirect after signing in on this site: next must be a
// path on this host, else def. Browsers are lenient where Go is strict —
// they drop tabs and newlines anywhere in a URL and read a backslash as a
// slash — so "/\tevil.example/" or "/\evil.example" would leave the site.
// next is accepted only when it has no control character or space, no backslash
// (also not percent-encoded), parses as a URL with no scheme, no host and
// no user, and its path starts with exactly one slash (also once decoded).
func safeNext(next, def string) string {
	if next == "" || len(next) > 2048 || next[0] != '/' {
		return def
	}
	for _, c := range next {
		if c <= 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && c <= 0x9f) {
			return def
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return def
	}
	for _, p := range []string{u.Path, u.RawPath, u.EscapedPath()} {
		if p != "" && (!strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//")) {
			return def
		}
	}
	// Decoded, the path must still be one plain local path: "/%2F/evil",
	// "/%5Cevil" or "/%09/evil" turn into "//evil", "/\evil" or
	// "/\t/evil" in a careless decoder further along.
	dec, err := url.PathUnescape(u.EscapedPath())
	if err != nil || strings.HasPrefix(dec, "//") || strings.ContainsAny(dec, "\\") {
		return def
	}
	for _, c := range dec {
		if c < 0x20 || c == 0x7f {
			return def
		}
	}
	return next
}
