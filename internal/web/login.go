package web

import (
	"net/http"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
)

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) {
	setLangCookie(w, r)
	p := h.page(r, "login.title", nil)
	p.Form = map[string]string{"next": r.URL.Query().Get("next"), "as": r.URL.Query().Get("as")}
	h.R.Render(w, r, http.StatusOK, "login", p)
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	err := h.Limits.AllowSignIn(r)
	var tok string
	var u easyjob.User
	if err == nil {
		tok, u, err = h.S.LoginFrom(r.Context(), h.Limits.Client(r), r.PostFormValue("username"), r.PostFormValue("password"), "web")
	}
	if err != nil {
		httpx.SetRetryAfter(w, err)
		p := h.page(r, "login.title", nil)
		p.Form = map[string]string{"username": r.PostFormValue("username"), "next": r.PostFormValue("next")}
		h.R.Render(w, r, h.formErrors(r, err, &p), "login", p)
		return
	}
	httpx.SetSession(w, r, tok)
	h.rememberSigninPhone(w, u, r.PostFormValue("phone"))
	http.Redirect(w, r, safeNext(r.PostFormValue("next"), homeOf(u)), http.StatusSeeOther)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) {
	if tok := httpx.Token(r); tok != "" {
		h.S.Logout(r.Context(), tok)
	}
	httpx.SetSession(w, r, "")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// The seeker's sign-in: a phone number, then the code sent to it.
func (h *Handler) seekerLoginForm(w http.ResponseWriter, r *http.Request) {
	setLangCookie(w, r)
	p := h.page(r, "seeker_login.title", nil)
	p.Form = map[string]string{"phone": r.URL.Query().Get("phone"), "next": r.URL.Query().Get("next")}
	if p.Form["phone"] != "" {
		p.Form["sent"] = "1"
	}
	h.R.Render(w, r, http.StatusOK, "seeker_login", p)
}

func (h *Handler) seekerSendCode(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	phone := strings.TrimSpace(r.PostFormValue("phone"))
	p := h.page(r, "seeker_login.title", nil)
	p.Form = map[string]string{"phone": phone, "next": r.PostFormValue("next")}
	err := h.Limits.AllowCode(r)
	if err == nil {
		err = h.S.RequestCode(r.Context(), phone)
	}
	if err != nil {
		httpx.SetRetryAfter(w, err)
		status := h.formErrors(r, err, &p)
		if status == http.StatusTooManyRequests {
			p.Form["sent"] = "1" // a code was sent recently: let them type it
		}
		h.R.Render(w, r, status, "seeker_login", p)
		return
	}
	p.Form["sent"] = "1"
	p.Flash = h.Cat.T(langOf(r), "seeker_login.sent")
	h.R.Render(w, r, http.StatusOK, "seeker_login", p)
}

func (h *Handler) seekerLogin(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	err := h.Limits.AllowSignIn(r)
	var tok string
	var u easyjob.User
	if err == nil {
		tok, u, err = h.S.LoginWithCode(r.Context(), r.PostFormValue("phone"), r.PostFormValue("code"), "web")
	}
	if err != nil {
		httpx.SetRetryAfter(w, err)
		p := h.page(r, "seeker_login.title", nil)
		p.Form = map[string]string{"phone": r.PostFormValue("phone"), "sent": "1", "next": r.PostFormValue("next")}
		h.R.Render(w, r, h.formErrors(r, err, &p), "seeker_login", p)
		return
	}
	httpx.SetSession(w, r, tok)
	h.rememberSigninPhone(w, u, r.PostFormValue("phone"))
	http.Redirect(w, r, safeNext(r.PostFormValue("next"), homeOf(u)), http.StatusSeeOther)
}
