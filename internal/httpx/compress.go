package httpx

import (
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzhttp"
)

// CompressMin is the smallest answer worth compressing: below about a
// kilobyte the headers and the framing eat the gain.
const CompressMin = 1024

// Compress returns the middleware that compresses text answers (HTML, JSON,
// CSS, JS, SVG…) of at least CompressMin bytes for clients that accept it:
// zstd when the client prefers it or offers only it, gzip otherwise
// (klauspost/compress's gzhttp, which also sets Vary: Accept-Encoding and
// leaves binary types such as .xlsx and images alone). Each compressed
// answer is padded by a few random bytes, so its length does not betray
// secrets a page reflects next to a visitor's input (BREACH).
func Compress() (func(http.Handler) http.HandlerFunc, error) {
	return gzhttp.NewWrapper(
		gzhttp.MinSize(CompressMin),
		gzhttp.EnableZstd(true),
		gzhttp.RandomJitter(32, 0, false),
		gzhttp.ContentTypeFilter(compressible),
	)
}

// compressible tells whether a content type is text worth compressing:
// spreadsheets (zip files), images and other binaries are not.
func compressible(ct string) bool {
	ct, _, _ = strings.Cut(strings.ToLower(ct), ";")
	ct = strings.TrimSpace(ct)
	switch {
	case strings.HasPrefix(ct, "text/"), strings.HasSuffix(ct, "+json"), strings.HasSuffix(ct, "+xml"):
		return true
	}
	switch ct {
	case "application/json", "application/javascript", "application/xml", "image/svg+xml", "application/atom+xml", "":
		return true
	}
	return false
}
