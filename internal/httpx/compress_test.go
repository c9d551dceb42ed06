package httpx_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"easyjob/internal/httpx"

	"github.com/klauspost/compress/zstd"
)

func TestCompress(t *testing.T) {
	wrap, err := httpx.Compress()
	if err != nil {
		t.Fatal(err)
	}
	big := `{"items":[` + strings.Repeat(`{"title":"手机厂普工","pay":5500},`, 200) + `{}]}`
	h := wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/big":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, big)
		case "/small":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"ok":true}`)
		case "/sheet":
			w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			io.WriteString(w, big)
		}
	}))
	get := func(path, accept string) *http.Response {
		r := httptest.NewRequest("GET", path, nil)
		if accept != "" {
			r.Header.Set("Accept-Encoding", accept)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Result()
	}
	resp := get("/big", "gzip, deflate, br")
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("big JSON: %v", resp.Header)
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); string(b) != big {
		t.Fatal("gzip body differs")
	}
	resp = get("/big", "zstd")
	if resp.Header.Get("Content-Encoding") != "zstd" {
		t.Fatalf("zstd: %v", resp.Header)
	}
	zd, _ := zstd.NewReader(resp.Body)
	if b, _ := io.ReadAll(zd); string(b) != big {
		t.Fatal("zstd body differs")
	}
	for path, accept := range map[string]string{"/small": "gzip", "/sheet": "gzip", "/big": ""} {
		if resp := get(path, accept); resp.Header.Get("Content-Encoding") != "" {
			t.Errorf("%s with %q compressed", path, accept)
		}
	}
}
