package api

import (
	"net/http"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/policy"
	"easyjob/internal/support"
)

// Request and response bodies of enterprise support.
type (
	EligibilityRequest struct {
		Profile policy.Profile `json:"profile"`
		AsOf    easyjob.Date   `json:"as_of"` // YYYY-MM-DD in 2020–2030; empty: today, within the measures' span
	}
	Measures struct {
		Items []support.MeasureInfo `json:"items"`
	}
	ParamRequest struct {
		Measure string `json:"measure"` // the slug
		support.ParamChange
		Confirm bool `json:"confirm"` // false: preview against sample profiles only
	}
	ParamResponse struct {
		Measure *support.MeasureInfo `json:"measure,omitempty"` // after a confirmed change
		Preview []support.PreviewRow `json:"preview"`
	}
	Tickets struct {
		Items []support.Ticket `json:"items"`
	}
	Stats struct {
		AsOf  easyjob.Date          `json:"as_of"`
		Items []support.MeasureStat `json:"items"`
	}
	Notices struct {
		Items []support.Notice `json:"items"`
	}
)

func (h *Handler) supportRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/eligibility", ID: "checkEligibility", Tag: "support", Summary: "Every measure for an enterprise profile on a date: eligible, not_eligible, needs_info or undetermined, the estimate in CNY or the deferral, which condition failed or which facts are missing, in plain words", In: EligibilityRequest{}, Out: support.Result{}, h: h.checkEligibility},
		{Method: "GET", Path: "/measures", ID: "listMeasures", Tag: "support", Summary: "The 16 measures as the city runs them: department, granted without application, validity, parameters with their dated versions", Out: Measures{}, h: h.listMeasures},
		{Method: "POST", Path: "/measures/params", ID: "changeMeasureParam", Tag: "support", Summary: "Preview (confirm false) or record a parameter's new value from a future date (members of the measure's department); results for earlier dates never change", In: ParamRequest{}, Out: ParamResponse{}, h: h.changeParam},
		{Method: "GET", Path: "/employers/{id}/profile", ID: "getEnterpriseProfile", Tag: "support", Summary: "An employer's enterprise profile (its accounts, officers of its district)", Out: support.EnterpriseProfile{}, h: h.getProfile},
		{Method: "PUT", Path: "/employers/{id}/profile", ID: "saveEnterpriseProfile", Tag: "support", Summary: "Save an employer's enterprise profile; impossible values are refused naming each field", In: policy.Profile{}, Out: support.EnterpriseProfile{}, h: h.saveProfile},
		{Method: "GET", Path: "/employers/{id}/eligibility", ID: "employerEligibility", Tag: "support", Summary: "Every measure for the employer's stored profile", Query: []string{"as_of"}, Out: support.Result{}, h: h.employerEligibility},
		{Method: "POST", Path: "/employers/{id}/claims", ID: "reportClaim", Tag: "support", Summary: "The employer reports that it applied for a measure or obtained it", In: support.ClaimInput{}, Out: Status{}, h: h.reportClaim},
		{Method: "POST", Path: "/tickets", ID: "raiseTicket", Tag: "support", Summary: "An enterprise raises a ticket (a question, a measure it could not obtain, workers, supplies, transport); it is routed to the department by measure and district", In: support.TicketInput{}, Out: support.Ticket{}, Created: true, h: h.raiseTicket},
		{Method: "GET", Path: "/tickets", ID: "listTickets", Tag: "support", Summary: "Tickets: an enterprise's own, a department's queue, a district's", Query: []string{"open", "overdue", "department", "measure"}, Out: Tickets{}, h: h.listTickets},
		{Method: "GET", Path: "/tickets/{id}", ID: "getTicket", Tag: "support", Summary: "A ticket with its replies", Out: support.Ticket{}, h: h.getTicket},
		{Method: "POST", Path: "/tickets/{id}/replies", ID: "replyTicket", Tag: "support", Summary: "A department replies with an outcome; the status is the highest outcome (answered_helped > answered_not_helped > could_not_reach > in_hand > new)", In: support.ReplyInput{}, Out: support.Ticket{}, Created: true, h: h.replyTicket},
		{Method: "POST", Path: "/tickets/{id}/close", ID: "closeTicket", Tag: "support", Summary: "The enterprise closes its ticket: whether it received the benefit (amount, date) and its rating of the help", In: support.CloseInput{}, Out: support.Ticket{}, h: h.closeTicket},
		{Method: "GET", Path: "/support/stats", ID: "supportStats", Tag: "support", Summary: "Per measure: enterprises eligible, applied, obtained, days to benefit, open and overdue tickets (officers)", Query: []string{"as_of"}, Out: Stats{}, h: h.supportStats},
		{Method: "GET", Path: "/support/notices", ID: "supportNotices", Tag: "support", Summary: "The reader's deadline reminders and escalations on open tickets", Out: Notices{}, h: h.supportNotices},
	}
}

func (h *Handler) checkEligibility(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[EligibilityRequest](w, r)
	if err != nil {
		return err
	}
	res, err := h.Support.Check(r.Context(), httpx.Actor(r.Context()), in.Profile, in.AsOf)
	return reply(w, http.StatusOK, res, err)
}

func (h *Handler) listMeasures(w http.ResponseWriter, r *http.Request) error {
	ms, err := h.Support.Measures(r.Context())
	return reply(w, http.StatusOK, Measures{Items: ms}, err)
}

func (h *Handler) changeParam(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[ParamRequest](w, r)
	if err != nil {
		return err
	}
	ctx, a := r.Context(), httpx.Actor(r.Context())
	samples, err := h.Support.Samples(ctx)
	if err != nil {
		return err
	}
	rows, err := h.Support.PreviewParam(ctx, a, in.Measure, in.ParamChange, samples)
	if err != nil || !in.Confirm {
		return reply(w, http.StatusOK, ParamResponse{Preview: rows}, err)
	}
	m, err := h.Support.SetParam(ctx, a, in.Measure, in.ParamChange)
	return reply(w, http.StatusOK, ParamResponse{Measure: &m, Preview: rows}, err)
}

func (h *Handler) getProfile(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("employer")
	}
	p, err := h.Support.Profile(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, p, err)
}

func (h *Handler) saveProfile(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[policy.Profile](w, r)
	if err != nil {
		return err
	}
	p, err := h.Support.SaveProfile(r.Context(), httpx.Actor(r.Context()), id, in)
	return reply(w, http.StatusOK, p, err)
}

func (h *Handler) employerEligibility(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("employer")
	}
	asOf, err := queryDate(r, "as_of", easyjob.Date{})
	if err != nil {
		return err
	}
	_, res, err := h.Support.CheckEmployer(r.Context(), httpx.Actor(r.Context()), id, asOf)
	return reply(w, http.StatusOK, res, err)
}

func (h *Handler) reportClaim(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[support.ClaimInput](w, r)
	if err != nil {
		return err
	}
	err = h.Support.ReportClaim(r.Context(), httpx.Actor(r.Context()), id, in)
	return reply(w, http.StatusOK, ok, err)
}

func (h *Handler) raiseTicket(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[support.TicketInput](w, r)
	if err != nil {
		return err
	}
	t, err := h.Support.RaiseTicket(r.Context(), httpx.Actor(r.Context()), in)
	return reply(w, http.StatusCreated, t, err)
}

func (h *Handler) listTickets(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := support.TicketFilter{Department: q.Get("department"), Measure: q.Get("measure")}
	if err := flags(r, "open", &f.Open, "overdue", &f.Overdue); err != nil {
		return err
	}
	ts, err := h.Support.Tickets(r.Context(), httpx.Actor(r.Context()), f)
	return reply(w, http.StatusOK, Tickets{Items: ts}, err)
}

func (h *Handler) getTicket(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("ticket")
	}
	t, err := h.Support.Ticket(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, t, err)
}

func (h *Handler) replyTicket(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[support.ReplyInput](w, r)
	if err != nil {
		return err
	}
	t, err := h.Support.ReplyTo(r.Context(), httpx.Actor(r.Context()), id, in)
	return reply(w, http.StatusCreated, t, err)
}

func (h *Handler) closeTicket(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[support.CloseInput](w, r)
	if err != nil {
		return err
	}
	t, err := h.Support.Close(r.Context(), httpx.Actor(r.Context()), id, in)
	return reply(w, http.StatusOK, t, err)
}

func (h *Handler) supportStats(w http.ResponseWriter, r *http.Request) error {
	asOf, err := queryDate(r, "as_of", easyjob.Date{})
	if err != nil {
		return err
	}
	if asOf.IsZero() {
		asOf = support.DefaultAsOf(h.S.Today())
	}
	st, err := h.Support.Stats(r.Context(), httpx.Actor(r.Context()), asOf)
	return reply(w, http.StatusOK, Stats{AsOf: asOf, Items: st}, err)
}

func (h *Handler) supportNotices(w http.ResponseWriter, r *http.Request) error {
	ns, err := h.Support.Notices(r.Context(), httpx.Actor(r.Context()))
	return reply(w, http.StatusOK, Notices{Items: ns}, err)
}
