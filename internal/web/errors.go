package web

import (
	"net/http"
	"strings"
)

// unmatched answers an address the mux has no page for, as one of our
// pages in the person's language at phone width: 404, or 405 (with Allow)
// when the address has a page for another method — a form's address opened
// with GET, for instance. The API keeps its JSON errors under /api/v1/.
func (h *Handler) unmatched(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if m == r.Method {
				continue
			}
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/" {
				allow = append(allow, m)
			}
		}
		lang := langOf(r)
		status, key := http.StatusNotFound, "error.not_found_page"
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			status, key = http.StatusMethodNotAllowed, "error.method_page"
		}
		p := h.page(r, "error.title", nil)
		p.Flash, p.FlashError = h.Cat.T(lang, key), true
		h.R.Render(w, r, status, "error", p)
	}
}
