package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/retention"
	"easyjob/internal/store"
)

func listOf(limit int, cursor string) store.ListOptions {
	return store.ListOptions{Limit: limit, Cursor: cursor}
}

// offers lists a seeker's applications that reached an offer: the ones a
// wage or dispute report may be about.
func (h *Handler) offers(r *http.Request, a easyjob.Actor) ([]easyjob.Application, error) {
	pg, err := h.S.Applications(r.Context(), a, store.ApplicationFilter{ListOptions: listOf(100, "")})
	if err != nil {
		return nil, err
	}
	var out []easyjob.Application
	for i := len(pg.Items) - 1; i >= 0; i-- {
		if !pg.Items[i].OfferStart.IsZero() {
			out = append(out, pg.Items[i])
		}
	}
	return out, nil
}

type disputeFormData struct {
	Offers []easyjob.Application // a seeker's; an officer types the application number
}

var disputeFields = []string{"application_id", "kind", "amount", "months", "description"}

// disputeForm is the report of unpaid wages or another dispute, by the
// worker or by the station officer for them.
func (h *Handler) disputeForm(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleSeeker, easyjob.RoleOfficer) {
		return
	}
	p := h.page(r, "retention_report.title", nil)
	p.Form = map[string]string{"application_id": r.URL.Query().Get("application"), "kind": retention.Arrears}
	h.renderDisputeForm(w, r, http.StatusOK, p)
}

func (h *Handler) renderDisputeForm(w http.ResponseWriter, r *http.Request, status int, p Page) {
	a := httpx.Actor(r.Context())
	var d disputeFormData
	if a.Role == easyjob.RoleSeeker {
		var err error
		if d.Offers, err = h.offers(r, a); err != nil {
			h.errorPage(w, r, err)
			return
		}
	}
	p.Data = d
	h.R.Render(w, r, status, "retention_report", p)
}

var monthSep = regexp.MustCompile(`[\s,，、;；]+`)

// disputeInput reads the report form; numbers that do not parse are named
// in bad.
func disputeInput(r *http.Request, bad easyjob.Fields) retention.DisputeInput {
	in := retention.DisputeInput{Kind: r.PostFormValue("kind"), Description: r.PostFormValue("description")}
	var err error
	if in.ApplicationID, err = strconv.ParseInt(strings.TrimSpace(r.PostFormValue("application_id")), 10, 64); err != nil || in.ApplicationID <= 0 {
		bad.Add("application_id", "field.required")
	}
	if s := strings.TrimSpace(r.PostFormValue("amount")); s != "" {
		if in.Amount, err = strconv.Atoi(strings.ReplaceAll(s, ",", "")); err != nil {
			bad.Add("amount", "field.number")
		}
	}
	for _, m := range monthSep.Split(strings.TrimSpace(r.PostFormValue("months")), -1) {
		if m != "" {
			in.Months = append(in.Months, m)
		}
	}
	return in
}

func (h *Handler) disputeReport(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleSeeker, easyjob.RoleOfficer) {
		return
	}
	r.ParseForm()
	bad := easyjob.Fields{}
	in := disputeInput(r, bad)
	err := bad.Err()
	var d retention.Dispute
	if err == nil {
		d, err = h.Retention.Report(r.Context(), httpx.Actor(r.Context()), in)
	}
	if err != nil {
		if code := easyjob.ErrorCode(err); code == easyjob.EFORBIDDEN || code == easyjob.ENOTFOUND {
			h.errorPage(w, r, err)
			return
		}
		p := h.page(r, "retention_report.title", nil)
		p.Form = formValues(r, disputeFields...)
		status := h.formErrors(r, err, &p)
		h.renderDisputeForm(w, r, status, p)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.dispute_reported"), false)
	http.Redirect(w, r, "/disputes/"+strconv.FormatInt(d.ID, 10), http.StatusSeeOther)
}

type disputeView struct {
	retention.Dispute
	Actions []string // the replies the reader may make
	Steps   []disputeStep
}

// disputeStep is a reply as the page words it: the action names who did
// what ("the employer answered"), then the note and the time.
type disputeStep struct {
	Action, Note, When string
}

func disputeSteps(d retention.Dispute) []disputeStep {
	out := make([]disputeStep, 0, len(d.Replies))
	for _, x := range d.Replies {
		act := x.Action
		if act == "note" {
			act = "note_" + string(x.ActorRole)
			if x.ActorRole == easyjob.RoleAdmin {
				act = "note_officer"
			}
		}
		out = append(out, disputeStep{Action: act, Note: x.Note, When: shanghaiTime(x.At)})
	}
	return out
}

// disputeActions are the replies a reader may make while a dispute is
// pending; a note is always possible.
func disputeActions(a easyjob.Actor, d retention.Dispute) []string {
	if !d.Status.Pending() {
		return []string{"note"}
	}
	switch {
	case a.Role == easyjob.RoleSeeker:
		return []string{"confirm_paid", "note"}
	case a.Role == easyjob.RoleEmployer:
		return []string{"reply", "note"}
	case a.IsOfficer() && a.Scope.District(d.District):
		acts := []string{"take", "resolved_paid", "resolved_unpaid", "arbitration", "note"}
		if d.Status == retention.DisputeInHand {
			acts = acts[1:]
		}
		return acts
	}
	return []string{"note"}
}

func (h *Handler) disputePage(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, retentionRoles...) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	h.renderDispute(w, r, id, http.StatusOK, h.page(r, "retention_dispute.title", nil))
}

func (h *Handler) renderDispute(w http.ResponseWriter, r *http.Request, id int64, status int, p Page) {
	a := httpx.Actor(r.Context())
	d, err := h.Retention.Dispute(r.Context(), a, id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	p.Data = disputeView{Dispute: d, Actions: disputeActions(a, d), Steps: disputeSteps(d)}
	h.R.Render(w, r, status, "retention_dispute", p)
}

func (h *Handler) disputeReply(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, retentionRoles...) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	r.ParseForm()
	in := retention.ReplyInput{Action: r.PostFormValue("action"), Note: r.PostFormValue("note")}
	if _, err := h.Retention.ReplyDispute(r.Context(), httpx.Actor(r.Context()), id, in); err != nil {
		if code := easyjob.ErrorCode(err); code == easyjob.EFORBIDDEN || code == easyjob.ENOTFOUND {
			h.errorPage(w, r, err)
			return
		}
		p := h.page(r, "retention_dispute.title", nil)
		p.Form = formValues(r, "note")
		status := h.formErrors(r, err, &p)
		h.renderDispute(w, r, id, status, p)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.dispute_replied"), false)
	http.Redirect(w, r, "/disputes/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

type disputeListData struct {
	Disputes []retention.Dispute
	Show     string // officers: pending, escalated, all
	Employer int64
	Next     string
	Officer  bool
}

// disputeList is the employer's disputes to answer, or the officers'
// queue (pending by default; escalated to the city; all; one employer's).
func (h *Handler) disputeList(w http.ResponseWriter, r *http.Request) {
	role := easyjob.RoleEmployer
	if strings.HasPrefix(r.URL.Path, "/officer/") {
		role = easyjob.RoleOfficer
	}
	if !h.require(w, r, role) {
		return
	}
	q := r.URL.Query()
	d := disputeListData{Show: q.Get("show"), Officer: role == easyjob.RoleOfficer}
	f := retention.DisputeFilter{ListOptions: listOf(50, q.Get("cursor"))}
	if d.Officer {
		if d.Show == "" {
			d.Show = "pending"
		}
		f.Pending, f.Escalated = d.Show == "pending", d.Show == "escalated"
		d.Employer, _ = strconv.ParseInt(q.Get("employer"), 10, 64)
		f.EmployerID = max(d.Employer, 0)
	}
	pg, err := h.Retention.Disputes(r.Context(), httpx.Actor(r.Context()), f)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d.Disputes, d.Next = pg.Items, pg.NextCursor
	h.R.Render(w, r, http.StatusOK, "retention_disputes", h.page(r, "retention_disputes.title", d))
}
