package api

import (
	"net/http"

	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/httpx"
)

// Request and response bodies of the epidemic system.
type (
	ReportDays struct {
		Items []epidemic.Day `json:"items"`
	}
	EpidemicEvents struct {
		Items []epidemic.Event `json:"items"`
	}
)

func (h *Handler) epidemicRoutes() []Route {
	return []Route{
		{Method: "PUT", Path: "/regions/{code}/reports/{date}", ID: "putReport", Tag: "epidemic", Summary: "Report a twinned county's or a Shenzhen district's day (officers of the region): each value a number or null (missing, never 0); a second report is a correction, the earlier versions stay; late reports are marked late", In: epidemic.ReportInput{}, Out: epidemic.Saved{}, h: h.putReport},
		{Method: "GET", Path: "/regions/{code}/reports", ID: "listReports", Tag: "epidemic", Summary: "A region's days from…to (default the last 30), newest first: the current report, every version, checks, streak and level", Query: []string{"from", "to"}, Out: ReportDays{}, h: h.listReports},
		{Method: "GET", Path: "/regions/{code}/status", ID: "regionStatus", Tag: "epidemic", Summary: "A region's three zeros and risk level as of a day (default today): three_zeros, streak_start, streak_days, risk_level", Query: []string{"as_of"}, Out: epidemic.Status{}, h: h.regionStatus},
		{Method: "GET", Path: "/regions", ID: "listRegionStatus", Tag: "epidemic", Summary: "Every reporting region's status as of a day, with prefecture and province roll-ups", Query: []string{"as_of"}, Out: epidemic.Board{}, h: h.listRegionStatus},
		{Method: "PUT", Path: "/counties/{county}/override", ID: "overrideRisk", Tag: "epidemic", Summary: "Override a county's risk level with a reason and optionally a last day; an empty level lifts the override (officers of the county)", In: epidemic.OverrideInput{}, Out: epidemic.CountyRisk{}, h: h.overrideRisk},
		{Method: "GET", Path: "/epidemic/rule", ID: "getRiskRule", Tag: "epidemic", Summary: "The rule that turns reports into risk levels, and the report deadline hour", Out: epidemic.Rule{}, h: h.getRiskRule},
		{Method: "PUT", Path: "/epidemic/rule", ID: "setRiskRule", Tag: "epidemic", Summary: "Set the rule and the deadline hour (city officers)", In: epidemic.Rule{}, Out: epidemic.Rule{}, h: h.setRiskRule},
		{Method: "GET", Path: "/epidemic/events", ID: "epidemicEvents", Tag: "epidemic", Summary: "Reached three zeros, streak broken, risk changed, on days from…to (officers)", Query: []string{"from", "to"}, Out: EpidemicEvents{}, h: h.epidemicEvents},
	}
}

// queryDate reads a YYYY-MM-DD query parameter; def when absent.
func queryDate(r *http.Request, name string, def easyjob.Date) (easyjob.Date, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	d, err := easyjob.ParseDate(s)
	if err != nil {
		f := easyjob.Fields{}
		f.Add(name, "field.date_invalid")
		return d, f.Err()
	}
	return d, nil
}

func (h *Handler) putReport(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[epidemic.ReportInput](w, r)
	if err != nil {
		return err
	}
	s, err := h.Epidemic.Put(r.Context(), httpx.Actor(r.Context()), r.PathValue("code"), r.PathValue("date"), in, epidemic.SourceAPI)
	return reply(w, http.StatusOK, s, err)
}

func (h *Handler) listReports(w http.ResponseWriter, r *http.Request) error {
	to, err := queryDate(r, "to", easyjob.DateOf(h.S.Now()))
	if err != nil {
		return err
	}
	from, err := queryDate(r, "from", to.AddDays(-29))
	if err != nil {
		return err
	}
	days, err := h.Epidemic.History(r.Context(), httpx.Actor(r.Context()), r.PathValue("code"), from, to)
	return reply(w, http.StatusOK, ReportDays{Items: days}, err)
}

func (h *Handler) regionStatus(w http.ResponseWriter, r *http.Request) error {
	day, err := queryDate(r, "as_of", easyjob.Date{})
	if err != nil {
		return err
	}
	st, err := h.Epidemic.Status(r.Context(), httpx.Actor(r.Context()), r.PathValue("code"), day)
	return reply(w, http.StatusOK, st, err)
}

func (h *Handler) listRegionStatus(w http.ResponseWriter, r *http.Request) error {
	day, err := queryDate(r, "as_of", easyjob.Date{})
	if err != nil {
		return err
	}
	b, err := h.Epidemic.Board(r.Context(), httpx.Actor(r.Context()), day)
	return reply(w, http.StatusOK, b, err)
}

func (h *Handler) overrideRisk(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[epidemic.OverrideInput](w, r)
	if err != nil {
		return err
	}
	rk, err := h.Epidemic.Override(r.Context(), httpx.Actor(r.Context()), r.PathValue("county"), in)
	return reply(w, http.StatusOK, rk, err)
}

func (h *Handler) getRiskRule(w http.ResponseWriter, r *http.Request) error {
	if !httpx.Actor(r.Context()).IsOfficer() {
		return easyjob.Errorf(easyjob.EFORBIDDEN, "error.forbidden")
	}
	rule, err := h.Epidemic.CurrentRule(r.Context())
	return reply(w, http.StatusOK, rule, err)
}

func (h *Handler) setRiskRule(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[epidemic.Rule](w, r)
	if err != nil {
		return err
	}
	rule, err := h.Epidemic.SetRule(r.Context(), httpx.Actor(r.Context()), in)
	return reply(w, http.StatusOK, rule, err)
}

func (h *Handler) epidemicEvents(w http.ResponseWriter, r *http.Request) error {
	if !httpx.Actor(r.Context()).IsOfficer() {
		return easyjob.Errorf(easyjob.EFORBIDDEN, "error.forbidden")
	}
	to, err := queryDate(r, "to", easyjob.DateOf(h.S.Now()))
	if err != nil {
		return err
	}
	from, err := queryDate(r, "from", to.AddDays(-6))
	if err != nil {
		return err
	}
	ev, err := h.Epidemic.Events(r.Context(), from, to)
	return reply(w, http.StatusOK, EpidemicEvents{Items: ev}, err)
}
