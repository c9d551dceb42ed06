package httpx

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSecurityHeaders(t *testing.T) {
	h := SecurityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/export" {
			w.Header().Set("Cache-Control", "private, max-age=0, no-store")
		}
		w.Write([]byte("x"))
	}))
	for _, c := range []struct {
		path, cache string
	}{
		{"/", "no-store"},
		{"/officer/seekers", "no-store"},
		{"/api/v1/seekers", "no-store"},
		{"/api/v1/openapi.json", "no-store"},
		{"/export", "private, max-age=0, no-store"}, // a handler's own wins
		{"/static/app.css", ""},                     // static files stay cacheable
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", c.path, nil))
		got := w.Header()
		if g := got.Get("Cache-Control"); g != c.cache {
			t.Errorf("%s: Cache-Control %q, want %q", c.path, g, c.cache)
		}
		csp := got.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", c.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP %q allows inline code", c.path, csp)
		}
		for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
			if got.Get(k) != v {
				t.Errorf("%s: %s %q, want %q", c.path, k, got.Get(k), v)
			}
		}
	}
}
