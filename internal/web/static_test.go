package web_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"easyjob/internal/web"
)

// Templates name static files through asset (so they carry their hash),
// and every file they name exists.
func TestAssetsExist(t *testing.T) {
	files, _ := filepath.Glob("templates/*.html")
	raw := regexp.MustCompile(`["']/static/`)
	named := regexp.MustCompile(`\{\{asset "([^"]+)"\}\}`)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		if raw.Match(b) {
			t.Errorf("%s names a static file without {{asset}}", f)
		}
		for _, m := range named.FindAllStringSubmatch(string(b), -1) {
			if !strings.Contains(web.Asset(m[1]), "?v=") {
				t.Errorf("%s: %s is not a static file", f, m[1])
			}
		}
	}
}

// A static file asked for by its current hash is kept for a year; asked
// for otherwise it is revalidated, and an unchanged one answers 304.
func TestStaticCaching(t *testing.T) {
	h := web.Static()
	get := func(url, etag string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", url, nil)
		if etag != "" {
			r.Header.Set("If-None-Match", etag)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	w := get(web.Asset("app.css"), "")
	if w.Code != 200 || w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.Contains(w.Body.String(), "{") {
		t.Fatalf("hashed: %d %q", w.Code, w.Header().Get("Cache-Control"))
	}
	w = get("/static/app.css?v=old", "")
	etag := w.Header().Get("ETag")
	if w.Code != 200 || w.Header().Get("Cache-Control") != "no-cache" || etag == "" {
		t.Fatalf("old hash: %d %q %q", w.Code, w.Header().Get("Cache-Control"), etag)
	}
	if w = get("/static/app.css", etag); w.Code != http.StatusNotModified {
		t.Fatalf("revalidation: %d", w.Code)
	}
	if w = get("/static/nothing.css", ""); w.Code != http.StatusNotFound {
		t.Fatalf("missing file: %d", w.Code)
	}
}
