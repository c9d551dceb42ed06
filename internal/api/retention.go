package api

import (
	"net/http"
	"strconv"

	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/httpx"
	"easyjob/internal/retention"
	"easyjob/internal/store"
)

// Request and response bodies of the retention system.
type (
	ClaimRequest struct {
		Rule          string `json:"rule"`
		ApplicationID int64  `json:"application_id"`
	}
	BulkApproveRequest struct {
		IDs []int64 `json:"ids"`
	}
	BulkApproved struct {
		Approved int `json:"approved"`
	}
	ReasonRequest struct {
		Reason string `json:"reason"`
	}
	RetentionView struct {
		Retention *easyjob.Retention `json:"retention"`
		History   []retention.Event  `json:"history"`
	}
	Rules struct {
		Items []retention.Rule `json:"items"`
	}
	Totals struct {
		Items []retention.Total `json:"items"`
	}
)

func (h *Handler) retentionRoutes() []Route {
	type (
		checkin = retention.CheckIn
		dispute = retention.Dispute
		claim   = retention.Claim
	)
	return []Route{
		{Method: "GET", Path: "/checkins", ID: "listCheckins", Tag: "retention", Summary: "Retention check-ins due on or before due_before (default today) in the reader's scope: a seeker's own, an employer's, an officer's; waiting, escalated or disagree narrow the list", Query: []string{"due_before", "waiting", "escalated", "disagree", "limit", "cursor"}, Out: easyjob.Page[checkin]{}, h: h.listCheckins},
		{Method: "GET", Path: "/checkins/{id}", ID: "getCheckin", Tag: "retention", Summary: "One check-in with every party's answer", Out: checkin{}, h: h.getCheckin},
		{Method: "POST", Path: "/checkins/{id}/answer", ID: "answerCheckin", Tag: "retention", Summary: "Answer a check-in: employed, or left on a date (left_on) for a reason; the seeker, the employer, or the station officer after a phone call", In: retention.AnswerInput{}, Out: checkin{}, h: h.answerCheckin},
		{Method: "POST", Path: "/checkins/{id}/lost-contact", ID: "lostContact", Tag: "retention", Summary: "The station officer could not reach the worker", Out: checkin{}, h: h.lostContact},
		{Method: "GET", Path: "/applications/{id}/retention", ID: "applicationRetention", Tag: "retention", Summary: "An application's retention: arrival, check-ins, separation, and every step", Out: RetentionView{}, h: h.applicationRetention},
		{Method: "POST", Path: "/disputes", ID: "reportDispute", Tag: "retention", Summary: "Report unpaid wages (amount, months) or another dispute after an offer (the worker, or the station officer for them)", In: retention.DisputeInput{}, Out: dispute{}, Created: true, h: h.reportDispute},
		{Method: "GET", Path: "/disputes", ID: "listDisputes", Tag: "retention", Summary: "Disputes the reader may see, newest first", Query: []string{"pending", "escalated", "employer_id", "limit", "cursor"}, Out: easyjob.Page[dispute]{}, h: h.listDisputes},
		{Method: "GET", Path: "/disputes/{id}", ID: "getDispute", Tag: "retention", Summary: "A dispute with every reply", Out: dispute{}, h: h.getDispute},
		{Method: "POST", Path: "/disputes/{id}/replies", ID: "replyDispute", Tag: "retention", Summary: "Reply to a dispute: the employer replies; the district officer takes it, resolves it (resolved_paid, resolved_unpaid) or refers it to arbitration; the worker confirms payment", In: retention.ReplyInput{}, Out: dispute{}, h: h.replyDispute},
		{Method: "GET", Path: "/subsidy-rules", ID: "listSubsidyRules", Tag: "subsidies", Summary: "Subsidy rules with their validity dates", Out: Rules{}, h: h.listRules},
		{Method: "POST", Path: "/subsidy-rules", ID: "addSubsidyRule", Tag: "subsidies", Summary: "Add a subsidy rule (city officers, admins)", In: retention.Rule{}, Out: retention.Rule{}, Created: true, h: h.addRule},
		{Method: "POST", Path: "/subsidy-claims", ID: "createSubsidyClaim", Tag: "subsidies", Summary: "Claim a rule for a placement that meets its condition: 201 once, 409 after (nothing written)", In: ClaimRequest{}, Out: claim{}, Created: true, h: h.createClaim},
		{Method: "GET", Path: "/subsidy-claims", ID: "listSubsidyClaims", Tag: "subsidies", Summary: "Claims of the officer's regions, newest first", Query: []string{"status", "limit", "cursor"},
			Params: map[string]map[string]any{"status": {"type": "string", "enum": []string{string(retention.Claimed), string(retention.Approved), string(retention.Paid), string(retention.Rejected)}}},
			Out:    easyjob.Page[claim]{}, h: h.listClaims},
		{Method: "POST", Path: "/subsidy-claims/bulk-approve", ID: "approveSubsidyClaims", Tag: "subsidies", Summary: "Approve every listed claim still claimed", In: BulkApproveRequest{}, Out: BulkApproved{}, h: h.approveClaims},
		{Method: "POST", Path: "/subsidy-claims/{id}/approve", ID: "approveSubsidyClaim", Tag: "subsidies", Summary: "Approve a claim", Out: claim{}, h: h.approveClaim},
		{Method: "POST", Path: "/subsidy-claims/{id}/pay", ID: "paySubsidyClaim", Tag: "subsidies", Summary: "Record the payment of an approved claim (reference, paid_on); 409 on a rejected claim", In: retention.PayInput{}, Out: claim{}, h: h.payClaim},
		{Method: "POST", Path: "/subsidy-claims/{id}/reject", ID: "rejectSubsidyClaim", Tag: "subsidies", Summary: "Reject a claim not yet paid, with a reason", In: ReasonRequest{}, Out: claim{}, h: h.rejectClaim},
		{Method: "GET", Path: "/ledger", ID: "listLedger", Tag: "subsidies", Summary: "The append-only subsidy ledger of the officer's regions, in order", Query: []string{"rule", "month", "limit", "cursor"}, Out: easyjob.Page[retention.Entry]{}, h: h.listLedger},
		{Method: "POST", Path: "/ledger/{id}/reverse", ID: "reverseLedgerEntry", Tag: "subsidies", Summary: "Correct an entry with a reversing entry; the claim goes back a step", In: ReasonRequest{}, Out: retention.Entry{}, Created: true, h: h.reverseEntry},
		{Method: "GET", Path: "/ledger/totals", ID: "ledgerTotals", Tag: "subsidies", Summary: "Ledger totals by rule, county, district or month", Query: []string{"by"}, Out: Totals{}, h: h.ledgerTotals},
		{Method: "GET", Path: "/ledger/export", ID: "exportLedger", Tag: "subsidies", Summary: "The ledger as .xlsx for the finance department, streamed", Query: []string{"rule", "month"}, h: h.exportLedger},
	}
}

// flags reads boolean query parameters (true, false, 1, 0; absent is
// false) into the pointers after each name; a malformed one is a field error.
func flags(r *http.Request, named ...any) error {
	fs := easyjob.Fields{}
	for i := 0; i+1 < len(named); i += 2 {
		name, dst := named[i].(string), named[i+1].(*bool)
		v := r.URL.Query().Get(name)
		if v == "" {
			*dst = false
			continue
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			fs.Add(name, "field.bool")
		}
		*dst = b
	}
	return fs.Err()
}

func (h *Handler) listCheckins(w http.ResponseWriter, r *http.Request) error {
	o, err := list(r)
	if err != nil {
		return err
	}
	f := retention.DueFilter{ListOptions: o}
	if err := flags(r, "waiting", &f.Waiting, "escalated", &f.Escalated, "disagree", &f.Disagree); err != nil {
		return err
	}
	if s := r.URL.Query().Get("due_before"); s != "" {
		if f.DueBefore, err = easyjob.ParseDate(s); err != nil {
			fs := easyjob.Fields{}
			fs.Add("due_before", "field.date")
			return fs.Err()
		}
	}
	p, err := h.Retention.Due(r.Context(), httpx.Actor(r.Context()), f)
	return reply(w, http.StatusOK, p, err)
}

func (h *Handler) getCheckin(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Retention.CheckIn(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, c, err)
}

func (h *Handler) answerCheckin(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[retention.AnswerInput](w, r)
	if err != nil {
		return err
	}
	c, err := h.Retention.Answer(r.Context(), httpx.Actor(r.Context()), id, in)
	return reply(w, http.StatusOK, c, err)
}

func (h *Handler) lostContact(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Retention.MarkLostContact(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, c, err)
}

func (h *Handler) applicationRetention(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	a := httpx.Actor(r.Context())
	app, err := h.S.Application(r.Context(), a, id)
	if err != nil {
		return err
	}
	var v RetentionView
	if v.Retention, err = h.Retention.StateOf(r.Context(), app); err != nil {
		return err
	}
	v.History, err = h.Retention.History(r.Context(), a, id)
	return reply(w, http.StatusOK, v, err)
}

func (h *Handler) reportDispute(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[retention.DisputeInput](w, r)
	if err != nil {
		return err
	}
	d, err := h.Retention.Report(r.Context(), httpx.Actor(r.Context()), in)
	return reply(w, http.StatusCreated, d, err)
}

func (h *Handler) listDisputes(w http.ResponseWriter, r *http.Request) error {
	o, err := list(r)
	if err != nil {
		return err
	}
	emp, err := queryID(r, "employer_id")
	if err != nil {
		return err
	}
	f := retention.DisputeFilter{ListOptions: o, EmployerID: emp}
	if err := flags(r, "pending", &f.Pending, "escalated", &f.Escalated); err != nil {
		return err
	}
	p, err := h.Retention.Disputes(r.Context(), httpx.Actor(r.Context()), f)
	return reply(w, http.StatusOK, p, err)
}

func (h *Handler) getDispute(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	d, err := h.Retention.Dispute(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, d, err)
}

func (h *Handler) replyDispute(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[retention.ReplyInput](w, r)
	if err != nil {
		return err
	}
	d, err := h.Retention.ReplyDispute(r.Context(), httpx.Actor(r.Context()), id, in)
	return reply(w, http.StatusOK, d, err)
}

func (h *Handler) listRules(w http.ResponseWriter, r *http.Request) error {
	rs, err := h.Retention.Rules(r.Context())
	return reply(w, http.StatusOK, Rules{Items: rs}, err)
}

func (h *Handler) addRule(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[retention.Rule](w, r)
	if err != nil {
		return err
	}
	x, err := h.Retention.AddRule(r.Context(), httpx.Actor(r.Context()), in)
	return reply(w, http.StatusCreated, x, err)
}

func (h *Handler) createClaim(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[ClaimRequest](w, r)
	if err != nil {
		return err
	}
	c, err := h.Retention.CreateClaim(r.Context(), httpx.Actor(r.Context()), in.Rule, in.ApplicationID)
	return reply(w, http.StatusCreated, c, err)
}

func (h *Handler) listClaims(w http.ResponseWriter, r *http.Request) error {
	o, err := list(r)
	if err != nil {
		return err
	}
	p, err := h.Retention.Claims(r.Context(), httpx.Actor(r.Context()), retention.ClaimStatus(r.URL.Query().Get("status")), o)
	return reply(w, http.StatusOK, p, err)
}

func (h *Handler) approveClaims(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[BulkApproveRequest](w, r)
	if err != nil {
		return err
	}
	n, err := h.Retention.ApproveAll(r.Context(), httpx.Actor(r.Context()), in.IDs)
	return reply(w, http.StatusOK, BulkApproved{Approved: n}, err)
}

func (h *Handler) approveClaim(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.Retention.Approve(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, c, err)
}

func (h *Handler) payClaim(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[retention.PayInput](w, r)
	if err != nil {
		return err
	}
	c, err := h.Retention.Pay(r.Context(), httpx.Actor(r.Context()), id, in)
	return reply(w, http.StatusOK, c, err)
}

func (h *Handler) rejectClaim(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[ReasonRequest](w, r)
	if err != nil {
		return err
	}
	c, err := h.Retention.Reject(r.Context(), httpx.Actor(r.Context()), id, in.Reason)
	return reply(w, http.StatusOK, c, err)
}

func ledgerFilter(r *http.Request) (retention.LedgerFilter, error) {
	o, err := list(r)
	return retention.LedgerFilter{ListOptions: o, Rule: r.URL.Query().Get("rule"), Month: r.URL.Query().Get("month")}, err
}

func (h *Handler) listLedger(w http.ResponseWriter, r *http.Request) error {
	f, err := ledgerFilter(r)
	if err != nil {
		return err
	}
	p, err := h.Retention.Ledger(r.Context(), httpx.Actor(r.Context()), f)
	return reply(w, http.StatusOK, p, err)
}

func (h *Handler) reverseEntry(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[ReasonRequest](w, r)
	if err != nil {
		return err
	}
	e, err := h.Retention.Reverse(r.Context(), httpx.Actor(r.Context()), id, in.Reason)
	return reply(w, http.StatusCreated, e, err)
}

func (h *Handler) ledgerTotals(w http.ResponseWriter, r *http.Request) error {
	by := r.URL.Query().Get("by")
	if by == "" {
		by = "rule"
	}
	ts, err := h.Retention.Totals(r.Context(), httpx.Actor(r.Context()), by)
	return reply(w, http.StatusOK, Totals{Items: ts}, err)
}

func (h *Handler) exportLedger(w http.ResponseWriter, r *http.Request) error {
	f, err := ledgerFilter(r)
	if err != nil {
		return err
	}
	a := httpx.Actor(r.Context())
	if !a.IsOfficer() {
		return store.Forbidden()
	}
	w.Header().Set("Content-Type", export.XLSX.ContentType())
	w.Header().Set("Content-Disposition", `attachment; filename="ledger.xlsx"`)
	return h.Retention.ExportLedger(r.Context(), a, f, w)
}
