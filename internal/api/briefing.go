package api

import (
	"net/http"

	"easyjob/internal/briefing"
	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
)

// Response bodies of the dashboards and the briefing.
type (
	// Outcomes is the funnel by group, with the total.
	Outcomes struct {
		Items []briefing.Row `json:"items"`
		Total briefing.Row   `json:"total"`
	}
)

// The path parameter {date} of /briefings/{date} is a date (YYYY-MM-DD); the
// OpenAPI document types every path parameter as an integer for now (see
// docs/ARCHITECTURE.md), as it does for /regions/{code}/reports/{date}.
func (h *Handler) briefingRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/outcomes", ID: "outcomes", Tag: "dashboards", Summary: "The funnel registered → applied → offered → accepted → departed → arrived → onboarded → retained 30/90/180 of the seekers registered from…to (at most 400 days; default the last 90), grouped by origin_county, prefecture, province, district, employer, trade or week (of registration), within the officer's scope and the region, employer and trade asked for; each item also has the registered-poor seekers' figures (poor)", Query: []string{"group_by", "from", "to", "region", "employer", "trade"}, Out: Outcomes{}, h: h.outcomes},
		{Method: "GET", Path: "/briefings/{date}", ID: "getBriefing", Tag: "dashboards", Public: true, Summary: "The published daily briefing of a date (YYYY-MM-DD) in a language (lang: zh-CN, the default, or en): header, numbered items with their sources and frozen figures, and every revision", Query: []string{"lang"}, Out: briefing.Briefing{}, h: h.getBriefing},
	}
}

func (h *Handler) outcomes(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	get := func(k string) string {
		if k == "group_by" && q.Get(k) == "" {
			return "origin_county"
		}
		return q.Get(k)
	}
	bq, err := briefing.ParseQuery(get, easyjob.DateOf(h.S.Now()))
	if err != nil {
		return err
	}
	o, err := h.Briefing.Outcomes(r.Context(), httpx.Actor(r.Context()), bq)
	if o.Items == nil {
		o.Items = []briefing.Row{}
	}
	return reply(w, http.StatusOK, Outcomes{Items: o.Items, Total: o.Total}, err)
}

func (h *Handler) getBriefing(w http.ResponseWriter, r *http.Request) error {
	d, err := easyjob.ParseDate(r.PathValue("date"))
	if err != nil {
		f := easyjob.Fields{}
		f.Add("date", "field.date_invalid")
		return f.Err()
	}
	lang := r.URL.Query().Get("lang")
	if lang == "" {
		lang = "zh-CN"
	}
	b, err := h.Briefing.Published(r.Context(), d, lang)
	return reply(w, http.StatusOK, b, err)
}
