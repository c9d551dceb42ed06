package web

import (
	"encoding/base64"
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

const flashCookie = "easyjob_flash"

// setFlash carries a message to the page after a redirect.
func setFlash(w http.ResponseWriter, msg string, isError bool) {
	v := "0" + msg
	if isError {
		v = "1" + msg
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(v)), Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

// takeFlash reads the message a redirect carried.
func takeFlash(r *http.Request) (msg string, isError bool) {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(b) == 0 {
		return "", false
	}
	return string(b[1:]), b[0] == '1'
}
