package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/store"
)

// officerSeekerRoutes registers an officer's seeker page (profile,
// applications, seats, health, the audited reveal of phone and ID number,
// the audit trail), health reports one by one and in bulk, and a seeker's
// own health report.
func (h *Handler) officerSeekerRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /officer/seekers/{id}", h.officerSeeker)
	mux.HandleFunc("POST /officer/seekers/{id}/reveal", h.officerSeekerReveal)
	mux.HandleFunc("POST /officer/seekers/{id}/health", h.officerSeekerHealth)
	mux.HandleFunc("GET /officer/seekers/{id}/audit", h.officerSeekerAudit)
	mux.HandleFunc("POST /officer/health", h.officerHealthBulk)
	mux.HandleFunc("POST /officer/plans/health", h.planHealth)
	mux.HandleFunc("GET /seeker/health", h.seekerHealthForm)
	mux.HandleFunc("POST /seeker/health", h.seekerHealth)
	h.exportRoutes(mux)
	h.matchdayRoutes(mux)
}

type officerSeekerData struct {
	Seeker   easyjob.Seeker
	Apps     []easyjob.Application
	Seats    []seatLine
	Revealed bool
	HealthAt string
	// Fresh: an officer-confirmed green within the default health window.
	Fresh bool
}

type seatLine struct {
	charter.Pass
	Depart string
}

func (h *Handler) officerSeeker(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	k, err := h.S.OfficerSeeker(r.Context(), httpx.Actor(r.Context()), id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	p := h.page(r, "officer_seeker.title", nil)
	h.renderOfficerSeeker(w, r, http.StatusOK, p, k, false)
}

func (h *Handler) renderOfficerSeeker(w http.ResponseWriter, r *http.Request, status int, p Page, k easyjob.Seeker, revealed bool) {
	a := httpx.Actor(r.Context())
	apps, err := h.S.Applications(r.Context(), a, store.ApplicationFilter{ListOptions: store.ListOptions{Limit: 100}, SeekerID: k.ID})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := officerSeekerData{Seeker: k, Apps: apps.Items, Revealed: revealed, HealthAt: shanghaiTime(k.HealthAt)}
	d.Fresh = k.Health == easyjob.HealthGreen && k.HealthBy != easyjob.HealthBySelf &&
		h.S.Clock.Now().Sub(k.HealthAt) < charter.DefaultHealthHours*time.Hour
	if h.Charter != nil {
		seats, err := h.Charter.SeatsOf(r.Context(), a, k.ID)
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		for _, s := range seats {
			d.Seats = append(d.Seats, seatLine{Pass: s, Depart: shanghaiTime(s.DepartAt)})
		}
	}
	p.Data = d
	h.R.Render(w, r, status, "officer_seeker", p)
}

// officerSeekerReveal shows the phone and the whole ID number, audited
// with the reason the officer gives (store.Seeker with a reveal reason).
// The answer is the page itself, so the numbers never sit in a URL.
func (h *Handler) officerSeekerReveal(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	r.ParseForm()
	a := httpx.Actor(r.Context())
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	p := h.page(r, "officer_seeker.title", nil)
	if reason == "" || len([]rune(reason)) > 200 {
		k, err := h.S.OfficerSeeker(r.Context(), a, id)
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		p.Errors = map[string]string{"reason": h.Cat.T(langOf(r), "officer_seeker.reason_required")}
		p.Form = map[string]string{"reason": reason}
		h.renderOfficerSeeker(w, r, http.StatusUnprocessableEntity, p, k, false)
		return
	}
	k, err := h.S.Seeker(r.Context(), a, id, reason)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	h.renderOfficerSeeker(w, r, http.StatusOK, p, k, true)
}

func (h *Handler) officerSeekerHealth(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	r.ParseForm()
	health := r.PostFormValue("health")
	if err := h.S.SetHealth(r.Context(), httpx.Actor(r.Context()), id, health); err != nil {
		setFlash(w, h.errText(r, err), true)
	} else {
		setFlash(w, h.Cat.T(langOf(r), "flash.health_set", "n", 1, "health", h.Cat.T(langOf(r), "health."+health)), false)
	}
	http.Redirect(w, r, "/officer/seekers/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// healthIDs reads the ticked seekers of a bulk health form.
func healthIDs(r *http.Request) []int64 {
	var ids []int64
	for _, v := range r.PostForm["seeker"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	return ids
}

// officerHealthBulk sets one status for the ticked seekers of a list and
// goes back to it.
func (h *Handler) officerHealthBulk(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	r.ParseForm()
	health := r.PostFormValue("health")
	n, err := h.S.SetHealthMany(r.Context(), httpx.Actor(r.Context()), healthIDs(r), health)
	if err != nil {
		setFlash(w, h.errText(r, err), true)
	} else {
		setFlash(w, h.Cat.T(langOf(r), "flash.health_set", "n", n, "health", h.Cat.T(langOf(r), "health."+health)), false)
	}
	http.Redirect(w, r, safeNext(r.PostFormValue("back"), "/officer/seekers"), http.StatusSeeOther)
}

// planHealth sets green for the riders ticked among a preview's gate
// failures and previews the same plan again.
func (h *Handler) planHealth(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	r.ParseForm()
	a := httpx.Actor(r.Context())
	lang := langOf(r)
	flash, isErr := "", false
	n, err := h.S.SetHealthMany(r.Context(), a, healthIDs(r), easyjob.HealthGreen)
	if err != nil {
		flash, isErr = h.errText(r, err), true
	} else {
		flash = h.Cat.T(lang, "flash.health_set", "n", n, "health", h.Cat.T(lang, "health.green"))
	}
	v, err := h.Charter.PreviewPlan(r.Context(), a, planRequest(r))
	h.showPlanFlash(w, r, v, err, formValues(r, planFields...), flash, isErr)
}

type officerAuditData struct {
	Seeker  easyjob.Seeker
	Entries []auditLine
}

type auditLine struct {
	easyjob.AuditEntry
	When string
}

func (h *Handler) officerSeekerAudit(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	a := httpx.Actor(r.Context())
	k, err := h.S.OfficerSeeker(r.Context(), a, id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	es, err := h.S.AuditLog(r.Context(), a, id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := officerAuditData{Seeker: k}
	for _, e := range es {
		d.Entries = append(d.Entries, auditLine{AuditEntry: e, When: shanghaiTime(e.At)})
	}
	h.R.Render(w, r, http.StatusOK, "officer_seeker_audit", h.page(r, "officer_seeker_audit.title", d))
}

type seekerHealthData struct {
	Seeker   easyjob.Seeker
	HealthAt string
}

func (h *Handler) seekerHealthForm(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleSeeker) {
		return
	}
	a := httpx.Actor(r.Context())
	if a.SeekerID == 0 {
		http.Redirect(w, r, "/seeker/profile", http.StatusSeeOther)
		return
	}
	k, err := h.S.Seeker(r.Context(), a, a.SeekerID, "")
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "seeker_health", h.page(r, "seeker_health.title", seekerHealthData{Seeker: k, HealthAt: shanghaiTime(k.HealthAt)}))
}

// seekerHealth records the seeker's own report (marked self-reported; an
// officer confirms it before a charter).
func (h *Handler) seekerHealth(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleSeeker) {
		return
	}
	r.ParseForm()
	a := httpx.Actor(r.Context())
	health := r.PostFormValue("health")
	if err := h.S.SetHealth(r.Context(), a, a.SeekerID, health); err != nil {
		setFlash(w, h.errText(r, err), true)
	} else {
		setFlash(w, h.Cat.T(langOf(r), "flash.health_self", "health", h.Cat.T(langOf(r), "health."+health)), false)
	}
	http.Redirect(w, r, "/seeker/health", http.StatusSeeOther)
}
