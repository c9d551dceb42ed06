// Package web is the mobile-first HTML interface. Routes are in routes.go,
// one file per page or action, templates and static files embedded.
package web

import (
	"log/slog"
	"net/http"

	"easyjob/internal/i18n"
	"easyjob/internal/region"
)

// Handler serves the HTML pages.
type Handler struct {
	R       *Renderer
	Cat     *i18n.Catalogue
	Log     *slog.Logger
	Version string
}

// Routes registers the pages on mux.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.Handle("GET /static/", Static())
	mux.HandleFunc("GET /{$}", h.home)
	mux.HandleFunc("GET /about", h.about)
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	setLangCookie(w, r)
	h.R.Render(w, r, http.StatusOK, "index", Page{})
}

func (h *Handler) about(w http.ResponseWriter, r *http.Request) {
	setLangCookie(w, r)
	h.R.Render(w, r, http.StatusOK, "about", Page{
		Title: h.Cat.T(langOf(r), "about.title"),
		Data: struct {
			Sources []region.Source
			Version string
		}{region.Sources(), h.Version},
	})
}
