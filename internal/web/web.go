// Package web is the mobile-first HTML interface. Routes are in routes.go,
// one file per page or action, templates and static files embedded. Pages
// work without JavaScript; forms post back and show errors next to fields.
package web

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"

	"easyjob/internal/briefing"
	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/equipment"
	"easyjob/internal/goodwill"
	"easyjob/internal/httpx"
	"easyjob/internal/i18n"
	"easyjob/internal/region"
	"easyjob/internal/retention"
	"easyjob/internal/store"
	"easyjob/internal/support"
)

// Handler serves the HTML pages.
type Handler struct {
	R        *Renderer
	Cat      *i18n.Catalogue
	Log      *slog.Logger
	S        *store.Store
	Charter  *charter.Service
	Epidemic *epidemic.Service
	Support  *support.Service
	// Equipment serves the shared-equipment and reward-challenge pages.
	Equipment *equipment.Service
	// Retention serves the check-in, dispute and subsidy pages.
	Retention *retention.Service
	Goodwill  *goodwill.Service
	Briefing  *briefing.Service // the dashboards and the daily briefing
	Version   string
	Limits    *httpx.Limits // sign-in rate limits; nil: none
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request) {
	setLangCookie(w, r)
	if u, ok := httpx.User(r.Context()); ok {
		http.Redirect(w, r, homeOf(u), http.StatusSeeOther)
		return
	}
	h.R.Render(w, r, http.StatusOK, "index", Page{})
}

// homeOf is where a signed-in user starts.
func homeOf(u easyjob.User) string {
	switch u.Role {
	case easyjob.RoleSeeker:
		if u.SeekerID == 0 {
			return "/seeker/profile"
		}
		return "/seeker"
	case easyjob.RoleEmployer:
		return "/employer"
	case easyjob.RoleResearcher:
		return "/equipment"
	case easyjob.RoleOrg:
		return "/goodwill"
	}
	return "/officer"
}

func (h *Handler) about(w http.ResponseWriter, r *http.Request) {
	setLangCookie(w, r)
	h.R.Render(w, r, http.StatusOK, "about", h.page(r, "about.title", struct {
		Sources []region.Source
		Version string
	}{region.Sources(), h.Version}))
}

// page starts a Page with the signed-in user and a localised title.
func (h *Handler) page(r *http.Request, titleKey string, data any) Page {
	p := Page{Title: h.Cat.T(langOf(r), titleKey), Data: data}
	if u, ok := httpx.User(r.Context()); ok {
		p.User = &u
	}
	if f := r.URL.Query().Get("done"); f != "" && h.Cat.Has("zh-CN", "flash."+f) {
		p.Flash = h.Cat.T(langOf(r), "flash."+f)
	}
	if msg, isErr := takeFlash(r); msg != "" {
		p.Flash, p.FlashError = msg, isErr
	}
	return p
}

// require sends visitors without the role to sign in; it returns false when
// it has answered.
func (h *Handler) require(w http.ResponseWriter, r *http.Request, roles ...easyjob.Role) bool {
	u, ok := httpx.User(r.Context())
	if !ok {
		dest := "/login"
		for _, role := range roles {
			if role == easyjob.RoleSeeker {
				dest = "/seeker/login"
			}
		}
		http.Redirect(w, r, dest+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return false
	}
	for _, role := range roles {
		if u.Role == role || (role == easyjob.RoleOfficer && u.Role == easyjob.RoleAdmin) {
			return true
		}
	}
	h.errorPage(w, r, easyjob.Errorf(easyjob.EFORBIDDEN, "error.forbidden"))
	return false
}

// errorPage shows a whole-page error in the user's language.
func (h *Handler) errorPage(w http.ResponseWriter, r *http.Request, err error) {
	de := httpx.Classify(err) // a database that does not answer is a 503
	httpx.SetRetryAfterStatus(w, httpx.Status(de.Code))
	if de.Code == easyjob.EINTERNAL {
		h.Log.ErrorContext(r.Context(), "page error", "request_id", httpx.RequestID(r.Context()), "path", r.URL.Path, "err", err)
	}
	if de.Code == easyjob.EUNAUTHORIZED {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	p := h.page(r, "error.title", nil)
	p.Flash = h.Cat.Msg(langOf(r), de.Msg)
	h.R.Render(w, r, httpx.Status(de.Code), "error", p)
}

// formErrors renders an error's field messages, or puts a general message
// in the flash; it returns the status to answer with. Internal errors are
// logged.
func (h *Handler) formErrors(r *http.Request, err error, p *Page) int {
	var de *easyjob.Error
	if !errors.As(err, &de) {
		de = easyjob.Internal(err)
		h.Log.ErrorContext(r.Context(), "form error", "request_id", httpx.RequestID(r.Context()), "path", r.URL.Path, "err", err)
	}
	lang := langOf(r)
	p.Errors = map[string]string{}
	for f, m := range de.Fields {
		p.Errors[f] = h.Cat.Msg(lang, m)
	}
	p.Flash = h.Cat.Msg(lang, de.Msg)
	p.FlashError = true
	return httpx.Status(de.Code)
}

// pathID reads the {id} of the path; when it is not a positive number it
// answers with the not-found page and returns false.
func (h *Handler) pathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		h.errorPage(w, r, err)
		return 0, false
	}
	return id, true
}

// officerPath checks the reader is an officer, then reads the page's {id}.
func (h *Handler) officerPath(w http.ResponseWriter, r *http.Request) (int64, bool) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return 0, false
	}
	return h.pathID(w, r)
}
