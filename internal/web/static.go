package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
	"sync"
)

// Static files are embedded and addressed by their content: templates name
// them with the template function asset and the file name, which writes
// /static/NAME?v=HASH. An
// answer to that exact address may be kept for a year (immutable): a new
// build with a changed file has a new address, so the next page asks for it.
// Any other request for the file (an old hash, none) is answered fresh with
// an ETag, so a browser holding an old page still gets a working file.

var assetHashes = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:6])
		return nil
	})
	return out
})

// Asset is the address of a static file, with its content's hash. A name
// that is not a static file is a mistake in a template: it renders as the
// plain address, and TestAssetsExist fails.
func Asset(name string) string {
	if h, ok := assetHashes()[name]; ok {
		return "/static/" + name + "?v=" + h
	}
	return "/static/" + name
}

// Static serves the embedded static files: for a year when asked by their
// current hash, otherwise revalidated by ETag.
func Static() http.Handler {
	sub, _ := fs.Sub(staticFiles, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		h, ok := assetHashes()[name]
		switch {
		case !ok:
		case r.URL.Query().Get("v") == h:
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		default:
			w.Header().Set("Cache-Control", "no-cache")
			w.Header().Set("ETag", `"`+h+`"`)
			if r.Header.Get("If-None-Match") == `"`+h+`"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		files.ServeHTTP(w, r)
	})
}
