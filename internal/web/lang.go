package web

import (
	"net/http"

	"easyjob/internal/httpx"
	"easyjob/internal/i18n"
)

func langOf(r *http.Request) string { return httpx.Lang(r.Context()) }

// setLangCookie remembers a language picked with ?lang= so the next pages
// keep it.
func setLangCookie(w http.ResponseWriter, r *http.Request) {
	if l := r.URL.Query().Get("lang"); l != "" {
		http.SetCookie(w, &http.Cookie{Name: httpx.LangCookie, Value: i18n.Match(l), Path: "/",
			MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
}
