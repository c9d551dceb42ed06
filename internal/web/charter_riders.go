package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
)

// Riders and sites: an employer's (or a posting's) work site chosen from
// the district's known points, on the map or as coordinates; a hire's
// "I will travel on my own", said by the seeker (asked once more) or
// recorded by an officer.

func (h *Handler) riderRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /employer/site", h.siteForm(h.ownEmployerSite))
	mux.HandleFunc("POST /employer/site", h.siteSave(h.ownEmployerSite))
	mux.HandleFunc("GET /officer/employers/{id}/site", h.siteForm(h.officerEmployerSite))
	mux.HandleFunc("POST /officer/employers/{id}/site", h.siteSave(h.officerEmployerSite))
	mux.HandleFunc("GET /employer/postings/{id}/site", h.siteForm(h.postingSiteOf))
	mux.HandleFunc("POST /employer/postings/{id}/site", h.siteSave(h.postingSiteOf))
	mux.HandleFunc("POST /employer/postings/{id}/site/clear", h.postingSiteClear)
	mux.HandleFunc("GET /seeker/applications/{id}/travel", h.travelConfirm)
	mux.HandleFunc("POST /seeker/applications/{id}/travel", h.travelSet("/seeker/applications"))
	mux.HandleFunc("POST /officer/applications/{id}/travel", h.travelSet("/officer/plans/new"))
}

// siteTarget is whose site a page sets: its name, district, current site,
// where the form posts, and the writer.
type siteTarget struct {
	Name     string
	District string
	Site     charter.Site
	Action   string
	Back     string
	Posting  bool
	save     func(context.Context, charter.SiteInput) (charter.Site, error)
}

type siteLookup func(w http.ResponseWriter, r *http.Request) (siteTarget, bool)

func (h *Handler) ownEmployerSite(w http.ResponseWriter, r *http.Request) (siteTarget, bool) {
	if !h.require(w, r, easyjob.RoleEmployer) {
		return siteTarget{}, false
	}
	return h.employerSiteTarget(w, r, httpx.Actor(r.Context()).EmployerID, "/employer/site", "/employer")
}

func (h *Handler) officerEmployerSite(w http.ResponseWriter, r *http.Request) (siteTarget, bool) {
	id, ok := h.officerPath(w, r)
	if !ok {
		return siteTarget{}, false
	}
	return h.employerSiteTarget(w, r, id, "/officer/employers/"+strconv.FormatInt(id, 10)+"/site", "/officer/employers")
}

func (h *Handler) employerSiteTarget(w http.ResponseWriter, r *http.Request, id int64, action, back string) (siteTarget, bool) {
	a := httpx.Actor(r.Context())
	e, err := h.S.Employer(r.Context(), id)
	if err == nil && a.IsOfficer() && !a.Scope.District(e.District) {
		err = easyjob.NotFound("employer")
	}
	var st charter.Site
	if err == nil {
		st, err = h.Charter.EmployerSite(r.Context(), a, id)
	}
	if err != nil {
		h.errorPage(w, r, err)
		return siteTarget{}, false
	}
	if st.Address == "" {
		st.Address = e.Address
	}
	return siteTarget{Name: e.Name, District: e.District, Site: st, Action: action, Back: back,
		save: func(ctx context.Context, in charter.SiteInput) (charter.Site, error) {
			return h.Charter.SetEmployerSite(ctx, a, id, in)
		}}, true
}

func (h *Handler) postingSiteOf(w http.ResponseWriter, r *http.Request) (siteTarget, bool) {
	if !h.require(w, r, easyjob.RoleEmployer) {
		return siteTarget{}, false
	}
	id, ok := h.pathID(w, r)
	if !ok {
		return siteTarget{}, false
	}
	a := httpx.Actor(r.Context())
	p, err := h.S.Posting(r.Context(), a, id)
	var st charter.Site
	if err == nil {
		st, err = h.Charter.PostingSite(r.Context(), a, id)
	}
	if err != nil {
		h.errorPage(w, r, err)
		return siteTarget{}, false
	}
	if st.Address == "" {
		st.Address = p.Address
	}
	base := "/employer/postings/" + strconv.FormatInt(id, 10)
	return siteTarget{Name: p.Title, District: p.District, Site: st, Action: base + "/site", Back: base, Posting: true,
		save: func(ctx context.Context, in charter.SiteInput) (charter.Site, error) {
			return h.Charter.SetPostingSite(ctx, a, id, in)
		}}, true
}

// siteFormData is the site form with the district's map.
type siteFormData struct {
	pickupFormData
	Target siteTarget
}

func (h *Handler) renderSite(w http.ResponseWriter, r *http.Request, status int, p Page, t siteTarget) {
	d := siteFormData{Target: t}
	d.Known = charter.KnownPoints(t.District)
	d.Form, d.Errors, d.Action = p.Form, p.Errors, t.Action
	d.Map = countyMap(d.Known, optFloat(p.Form["lat"]), optFloat(p.Form["lng"]), t.Action, h.Cat.T(langOf(r), "pickup.map_pick"))
	p.Data = d
	h.R.Render(w, r, status, "charter_site", p)
}

func (h *Handler) siteForm(look siteLookup) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, ok := look(w, r)
		if !ok {
			return
		}
		p := h.page(r, "site.title", nil)
		p.Form = map[string]string{"address": t.Site.Address}
		if t.Site.HasPoint() {
			p.Form["lat"], p.Form["lng"] = fmtCoord(*t.Site.Lat), fmtCoord(*t.Site.Lng)
		}
		mapLatLng(r, p.Form)
		h.renderSite(w, r, http.StatusOK, p, t)
	}
}

func (h *Handler) siteSave(look siteLookup) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t, ok := look(w, r)
		if !ok {
			return
		}
		r.ParseForm()
		in := charter.SiteInput{Address: r.PostFormValue("address"), Known: strings.TrimSpace(r.PostFormValue("known"))}
		if in.Known == "" {
			in.Lat, in.Lng = optFloat(r.PostFormValue("lat")), optFloat(r.PostFormValue("lng"))
		}
		if _, err := t.save(r.Context(), in); err != nil {
			p := h.page(r, "site.title", nil)
			p.Form = formValues(r, "address", "known", "lat", "lng")
			status := h.formErrors(r, err, &p)
			h.renderSite(w, r, status, p, t)
			return
		}
		setFlash(w, h.Cat.T(langOf(r), "flash.site_saved", "name", t.Name), false)
		http.Redirect(w, r, t.Back, http.StatusSeeOther)
	}
}

func (h *Handler) postingSiteClear(w http.ResponseWriter, r *http.Request) {
	t, ok := h.postingSiteOf(w, r)
	if !ok {
		return
	}
	id, _ := httpx.PathID(r, "id")
	if err := h.Charter.ClearPostingSite(r.Context(), httpx.Actor(r.Context()), id); err != nil {
		setFlash(w, h.errText(r, err), true)
	} else {
		setFlash(w, h.Cat.T(langOf(r), "flash.site_cleared", "name", t.Name), false)
	}
	http.Redirect(w, r, t.Back, http.StatusSeeOther)
}

// travelConfirm asks a seeker once more before "I will travel on my own",
// saying that a seat already given is given up.
func (h *Handler) travelConfirm(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleSeeker) {
		return
	}
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	a := httpx.Actor(r.Context())
	x, err := h.S.Application(r.Context(), a, id)
	var t charter.Travel
	if err == nil {
		t, err = h.Charter.TravelOf(r.Context(), a, id)
	}
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "charter_travel", h.page(r, "travel.confirm_title", struct {
		App    AppView
		Travel charter.Travel
	}{appView(x), t}))
}

// travelSet records the choice (own=yes, or no to need a seat again) and
// goes back to where it was asked.
func (h *Handler) travelSet(back string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !h.require(w, r, easyjob.RoleSeeker, easyjob.RoleOfficer) {
			return
		}
		id, ok := h.pathID(w, r)
		if !ok {
			return
		}
		r.ParseForm()
		own := r.PostFormValue("own") == "yes"
		_, err := h.Charter.SetOwnTravel(r.Context(), httpx.Actor(r.Context()), id, own)
		switch {
		case err != nil:
			setFlash(w, h.errText(r, err), true)
		case own:
			setFlash(w, h.Cat.T(langOf(r), "flash.travel_own"), false)
		default:
			setFlash(w, h.Cat.T(langOf(r), "flash.travel_charter"), false)
		}
		if to := r.PostFormValue("back"); strings.HasPrefix(to, "/officer/plans/new") {
			back = to
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
	}
}
