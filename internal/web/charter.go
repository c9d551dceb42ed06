package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/httpx"
	"easyjob/internal/store"
)

// charterRoutes registers the charter pages: pickup points and county
// risk, planning, manifests, boarding, arrivals and boarding passes.
func (h *Handler) charterRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /officer/charters", h.charterList)
	mux.HandleFunc("GET /officer/pickups", h.pickupList)
	mux.HandleFunc("POST /officer/pickups", h.pickupAdd)
	h.pickupRoutes(mux)
	h.riderRoutes(mux)
	mux.HandleFunc("POST /officer/risk", h.countyRiskSet)
	mux.HandleFunc("GET /officer/plans/new", h.planForm)
	mux.HandleFunc("POST /officer/plans/preview", h.planPreview)
	mux.HandleFunc("POST /officer/plans", h.planConfirm)
	mux.HandleFunc("GET /officer/plans/{id}", h.planShow)
	mux.HandleFunc("GET /officer/plans/{id}/replan", h.replanPreview)
	mux.HandleFunc("POST /officer/plans/{id}/replan", h.replanConfirm)
	mux.HandleFunc("GET /officer/charters/{id}", h.manifestView("charter_manifest"))
	mux.HandleFunc("GET /officer/charters/{id}/manifest.xlsx", h.manifestXLSX)
	mux.HandleFunc("GET /officer/charters/{id}/board", h.manifestView("charter_board"))
	mux.HandleFunc("POST /officer/charters/{id}/checkin", h.boardCheckIn)
	mux.HandleFunc("POST /officer/charters/{id}/depart", h.charterDepart)
	mux.HandleFunc("POST /officer/seats/{id}/noshow", h.seatNoShow)
	mux.HandleFunc("POST /officer/seats/{id}/reassign", h.seatReassign)
	mux.HandleFunc("GET /officer/arrivals", h.arrivalsPage)
	mux.HandleFunc("GET /employer/arrivals", h.arrivalsPage)
	mux.HandleFunc("POST /arrivals/{id}/confirm", h.arrivalConfirm)
	mux.HandleFunc("GET /seeker/pass/{token}", h.passPage)
}

// shanghaiTime formats a stored time for people: Shanghai, to the minute.
func shanghaiTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(easyjob.Shanghai).Format("2006-01-02 15:04")
}

type charterListData struct {
	Date     string
	Charters []charterCard
}

// charterCard is a charter in a list, with its times formatted.
type charterCard struct {
	charter.CharterView
	Depart string
}

func cards(cs []charter.CharterView) []charterCard {
	out := make([]charterCard, 0, len(cs))
	for _, c := range cs {
		out = append(out, charterCard{CharterView: c, Depart: shanghaiTime(c.DepartAt)})
	}
	return out
}

func (h *Handler) charterList(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	d := charterListData{Date: r.URL.Query().Get("date")}
	var f charter.CharterFilter
	if d.Date != "" {
		day, err := easyjob.ParseDate(d.Date)
		if err == nil {
			f.Date = day
		}
	}
	cs, err := every(func(o store.ListOptions) (easyjob.Page[charter.CharterView], error) {
		f.ListOptions = o
		return h.Charter.Charters(r.Context(), httpx.Actor(r.Context()), f)
	})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d.Charters = cards(cs)
	h.R.Render(w, r, http.StatusOK, "charter_list", h.page(r, "charter_list.title", d))
}

type pickupData struct {
	Points  []charter.PickupPoint
	Default charter.PickupPointInput
	Risk    []epidemic.CountyRisk
	Add     pickupFormData // the add form's known points and map
}

func (h *Handler) pickupList(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	p := h.page(r, "charter_pickups.title", nil)
	h.renderPickups(w, r, http.StatusOK, p)
}

func (h *Handler) renderPickups(w http.ResponseWriter, r *http.Request, status int, p Page) {
	a := httpx.Actor(r.Context())
	pts, err := every(func(o store.ListOptions) (easyjob.Page[charter.PickupPoint], error) {
		return h.Charter.PickupPoints(r.Context(), a, o)
	})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := pickupData{Points: pts}
	if len(a.Region) == 6 {
		d.Default = charter.CountySeatPoint(a.Region)
	}
	seen := map[string]bool{}
	for _, pt := range pts {
		if !seen[pt.County] {
			seen[pt.County] = true
			rk, err := h.Epidemic.RiskOf(r.Context(), pt.County)
			if err != nil {
				h.errorPage(w, r, err)
				return
			}
			d.Risk = append(d.Risk, rk)
		}
	}
	if p.Form == nil {
		p.Form = map[string]string{"county": d.Default.County, "name": d.Default.Name, "known": d.Default.County}
		mapLatLng(r, p.Form)
	}
	d.Add = h.pickupForm(r, p.Form["county"], p.Form, charter.PickupPoint{}, "/officer/pickups")
	d.Add.Errors = p.Errors
	p.Data = d
	h.R.Render(w, r, status, "charter_pickups", p)
}

// optFloat reads an optional number: nil when empty, NaN when not a number.
func optFloat(s string) *float64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		v = math.NaN()
	}
	return &v
}

func (h *Handler) pickupAdd(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	r.ParseForm()
	pt, err := h.Charter.AddPickupPoint(r.Context(), httpx.Actor(r.Context()), pickupInput(r))
	if err != nil {
		p := h.page(r, "charter_pickups.title", nil)
		p.Form = formValues(r, pickupFields...)
		status := h.formErrors(r, err, &p)
		h.renderPickups(w, r, status, p)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.pickup_added", "name", pt.Name), false)
	http.Redirect(w, r, "/officer/pickups", http.StatusSeeOther)
}

func (h *Handler) countyRiskSet(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	r.ParseForm()
	rk, err := h.Epidemic.SetCountyRisk(r.Context(), httpx.Actor(r.Context()), r.PostFormValue("county"), epidemic.Level(r.PostFormValue("level")))
	if err != nil {
		setFlash(w, h.errText(r, err), true)
	} else {
		setFlash(w, h.Cat.T(langOf(r), "flash.risk_set", "county", countyNameOf(rk.County), "level", h.Cat.T(langOf(r), "risk."+string(rk.Level))), false)
	}
	http.Redirect(w, r, "/officer/pickups", http.StatusSeeOther)
}

// errText is an error's message for a flash: its first field message or
// its general one.
func (h *Handler) errText(r *http.Request, err error) string {
	p := Page{}
	h.formErrors(r, err, &p)
	msg := p.Flash
	for _, m := range p.Errors {
		msg = m
	}
	return msg
}

type planFormData struct {
	Points  []charter.PickupPoint
	Waiting []charter.WaitingRiders // per county of the points
	Back    string                  // this page, for the own-travel buttons to come back to
}

var planFields = []string{"date", "pickup_point_id", "depart_time", "seats", "load_factor", "max_stops", "road_factor", "health_hours"}

func (h *Handler) planForm(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	p := h.page(r, "charter_plan_form.title", nil)
	date := r.URL.Query().Get("date")
	if _, err := easyjob.ParseDate(date); err != nil {
		date = h.S.Today().AddDays(1).String()
	}
	p.Form = map[string]string{"date": date, "depart_time": "08:00", "seats": "45",
		"load_factor": "0.5", "max_stops": "3", "road_factor": "1.3", "health_hours": "48", "pickup_point_id": r.URL.Query().Get("pickup")}
	h.renderPlanForm(w, r, http.StatusOK, p)
}

func (h *Handler) renderPlanForm(w http.ResponseWriter, r *http.Request, status int, p Page) {
	pts, err := every(func(o store.ListOptions) (easyjob.Page[charter.PickupPoint], error) {
		return h.Charter.PickupPoints(r.Context(), httpx.Actor(r.Context()), o)
	})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	open := pts[:0:0]
	for _, pt := range pts {
		if !pt.Retired {
			open = append(open, pt)
		}
	}
	d := planFormData{Points: open, Back: r.URL.RequestURI()}
	seen := map[string]bool{}
	for _, pt := range open {
		if seen[pt.County] {
			continue
		}
		seen[pt.County] = true
		wr, err := h.Charter.Waiting(r.Context(), httpx.Actor(r.Context()), pt.County)
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		d.Waiting = append(d.Waiting, wr)
	}
	p.Data = d
	h.R.Render(w, r, status, "charter_plan_form", p)
}

// planRequest reads the plan form; a number that does not parse becomes a
// value the store refuses with the field's message.
func planRequest(r *http.Request) charter.PlanRequest {
	num := func(name string) int {
		s := strings.TrimSpace(r.PostFormValue(name))
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return -1
		}
		return n
	}
	flt := func(name string) float64 {
		s := strings.TrimSpace(r.PostFormValue(name))
		if s == "" {
			return 0
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return -1
		}
		return v
	}
	req := charter.PlanRequest{DepartTime: strings.TrimSpace(r.PostFormValue("depart_time")), Seats: num("seats"),
		LoadFactor: flt("load_factor"), MaxStops: num("max_stops"), RoadFactor: flt("road_factor"), HealthHours: num("health_hours")}
	req.PickupPointID, _ = strconv.ParseInt(r.PostFormValue("pickup_point_id"), 10, 64)
	req.Date, _ = easyjob.ParseDate(strings.TrimSpace(r.PostFormValue("date")))
	return req
}

// planPage is a previewed, confirmed or replanned plan.
type planPage struct {
	charter.PlanView
	Depart   string
	Cards    []charterCard
	Confirm  bool   // a preview: show the confirm button
	Action   string // where the confirm button posts
	Replan   bool
	Problem  string
	ReqForm  map[string]string
	Moves    []charter.PlanMove
	Failures []charter.GateFailure
}

func (h *Handler) planPageOf(r *http.Request, v charter.PlanView) planPage {
	pp := planPage{PlanView: v, Depart: shanghaiTime(v.DepartAt), Cards: cards(v.Charters), Moves: v.Moves}
	pp.Failures = append(append(pp.Failures, v.GateFailures...), v.Unplanned...)
	for i := range pp.Failures {
		pp.Failures[i].Message = h.Cat.T(langOf(r), pp.Failures[i].Reason)
	}
	return pp
}

func (h *Handler) planPreview(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	r.ParseForm()
	v, err := h.Charter.PreviewPlan(r.Context(), httpx.Actor(r.Context()), planRequest(r))
	h.showPlan(w, r, v, err, formValues(r, planFields...))
}

// showPlan renders a preview, or the form again when the request itself is
// wrong.
func (h *Handler) showPlan(w http.ResponseWriter, r *http.Request, v charter.PlanView, err error, form map[string]string) {
	h.showPlanFlash(w, r, v, err, form, "", false)
}

// showPlanFlash is showPlan with a message on top (a bulk health report).
func (h *Handler) showPlanFlash(w http.ResponseWriter, r *http.Request, v charter.PlanView, err error, form map[string]string, flash string, flashErr bool) {
	p := h.page(r, "charter_plan.preview", nil)
	if flash != "" {
		p.Flash, p.FlashError = flash, flashErr
	}
	if err != nil {
		status := h.formErrors(r, err, &p)
		if len(p.Errors) > 0 || (len(v.GateFailures) == 0 && v.Pickup.ID == 0) {
			p.Title = h.Cat.T(langOf(r), "charter_plan_form.title")
			p.Form = form
			h.renderPlanForm(w, r, status, p)
			return
		}
		pp := h.planPageOf(r, v)
		pp.ReqForm = form
		p.Data = pp
		h.R.Render(w, r, status, "charter_plan", p)
		return
	}
	pp := h.planPageOf(r, v)
	pp.Confirm, pp.Action, pp.ReqForm = true, "/officer/plans", form
	p.Data = pp
	h.R.Render(w, r, http.StatusOK, "charter_plan", p)
}

func (h *Handler) planConfirm(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	r.ParseForm()
	v, err := h.Charter.ConfirmPlan(r.Context(), httpx.Actor(r.Context()), planRequest(r))
	if err != nil {
		h.showPlan(w, r, v, err, formValues(r, planFields...))
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.plan_confirmed", "n", len(v.Charters), "riders", v.Riders), false)
	http.Redirect(w, r, "/officer/plans/"+strconv.FormatInt(v.ID, 10), http.StatusSeeOther)
}

func (h *Handler) planShow(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		h.errorPage(w, r, easyjob.NotFound("plan"))
		return
	}
	v, err := h.Charter.Plan(r.Context(), httpx.Actor(r.Context()), id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	pp := h.planPageOf(r, v)
	pp.Replan = true
	h.R.Render(w, r, http.StatusOK, "charter_plan", h.page(r, "charter_plan.title", pp))
}

func (h *Handler) replanPreview(w http.ResponseWriter, r *http.Request) {
	h.replan(w, r, false)
}

func (h *Handler) replanConfirm(w http.ResponseWriter, r *http.Request) {
	h.replan(w, r, true)
}

func (h *Handler) replan(w http.ResponseWriter, r *http.Request, confirm bool) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		h.errorPage(w, r, easyjob.NotFound("plan"))
		return
	}
	v, err := h.Charter.Replan(r.Context(), httpx.Actor(r.Context()), id, confirm)
	if err != nil {
		setFlash(w, h.errText(r, err), true)
		http.Redirect(w, r, "/officer/plans/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return
	}
	if confirm {
		setFlash(w, h.Cat.T(langOf(r), "flash.replanned", "moved", len(v.Moves)), false)
		http.Redirect(w, r, "/officer/plans/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return
	}
	pp := h.planPageOf(r, v)
	pp.Confirm, pp.Action = true, "/officer/plans/"+strconv.FormatInt(id, 10)+"/replan"
	h.R.Render(w, r, http.StatusOK, "charter_plan", h.page(r, "charter_plan.replan", pp))
}
