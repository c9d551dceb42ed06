package httpx

import (
	"net/http"
	"strings"
)

// ContentSecurityPolicy is what every answer allows a page to load: scripts
// and styles only from this site's /static files (no inline script, style
// attribute or event handler), images from this site and data: URLs (the
// boarding pass's QR code), no plugins, no <base>, forms sent only here,
// and no framing by any site.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// StaticPrefix is where the web's static files are served; only they may be
// cached.
const StaticPrefix = "/static/"

// SecurityHeaders sets the security headers of every answer, before next
// writes anything: the Content-Security-Policy above, X-Content-Type-Options
// nosniff, X-Frame-Options DENY (for browsers without frame-ancestors),
// Referrer-Policy same-origin (pass tokens and officers' filters stay in
// this site's addresses), and Cache-Control no-store on everything but the
// static files: every API answer and every signed-in page may carry
// personal data, and anonymous pages differ by language and form state. A
// handler may still set its own Cache-Control.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, StaticPrefix) {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}
