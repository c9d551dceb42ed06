package web

import (
	"net/http"
	"strconv"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/retention"
)

// retentionRoutes registers the retention pages (docs/RETENTION.md): the
// check-in a seeker answers from a text message or their home, the
// employer's due check-ins answered in bulk, the station officer's queue of
// disagreements and escalations, wage-arrears and dispute reports with every
// step, and the officers' subsidy claims and ledger. They call the same
// service methods as the API.
func (h *Handler) retentionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /checkins/{id}", h.checkinPage)
	mux.HandleFunc("POST /checkins/{id}", h.checkinAnswer)
	mux.HandleFunc("POST /checkins/{id}/lost-contact", h.checkinLostContact)
	mux.HandleFunc("GET /seeker/retention", h.seekerRetention)
	mux.HandleFunc("GET /employer/checkins", h.employerCheckins)
	mux.HandleFunc("POST /employer/checkins", h.employerCheckinsAnswer)
	mux.HandleFunc("GET /officer/checkins", h.officerCheckins)

	mux.HandleFunc("GET /disputes/new", h.disputeForm)
	mux.HandleFunc("POST /disputes", h.disputeReport)
	mux.HandleFunc("GET /disputes/{id}", h.disputePage)
	mux.HandleFunc("POST /disputes/{id}/replies", h.disputeReply)
	mux.HandleFunc("GET /employer/disputes", h.disputeList)
	mux.HandleFunc("GET /officer/disputes", h.disputeList)

	mux.HandleFunc("GET /officer/claims", h.claimsPage)
	mux.HandleFunc("POST /officer/claims", h.claimsDecide)
	mux.HandleFunc("GET /officer/ledger", h.ledgerPage)
	mux.HandleFunc("GET /officer/ledger.xlsx", h.ledgerXLSX)
}

// everyone who takes part in retention: the pages sort out whose record it is.
var retentionRoles = []easyjob.Role{easyjob.RoleSeeker, easyjob.RoleEmployer, easyjob.RoleOfficer}

// checkinView is a check-in with what the reader needs around it.
type checkinView struct {
	retention.CheckIn
	Mine    retention.Answer // the reader's own answer so far
	Officer bool             // the reader answers as the station officer
	Reasons []string
	Today   string
	// Each party's answer in the reader's words.
	SeekerSaid, EmployerSaid, OfficerSaid string
}

// said words one party's answer.
func (h *Handler) said(r *http.Request, a retention.Answer, on, reason string) string {
	lang := langOf(r)
	switch a {
	case retention.Stays:
		return h.Cat.T(lang, "answer.employed")
	case retention.Left:
		return h.Cat.T(lang, "answer.left_on", "date", on, "reason", h.Cat.T(lang, "leave_reason."+reason))
	case retention.NoAnswer:
		return h.Cat.T(lang, "answer.no_answer")
	}
	return h.Cat.T(lang, "answer.none")
}

func (h *Handler) checkinView(r *http.Request, c retention.CheckIn) checkinView {
	a := httpx.Actor(r.Context())
	v := checkinView{CheckIn: c, Reasons: retention.Reasons, Today: h.S.Today().String(),
		SeekerSaid:   h.said(r, c.SeekerAnswer, c.SeekerLeftOn, c.SeekerReason),
		EmployerSaid: h.said(r, c.EmployerAnswer, c.EmployerLeftOn, c.EmployerReason),
		OfficerSaid:  h.said(r, c.OfficerAnswer, c.OfficerLeftOn, c.OfficerReason)}
	switch {
	case a.Role == easyjob.RoleSeeker:
		v.Mine = c.SeekerAnswer
	case a.Role == easyjob.RoleEmployer:
		v.Mine = c.EmployerAnswer
	case a.IsOfficer():
		v.Mine, v.Officer = c.OfficerAnswer, a.Scope.County(c.County)
	}
	return v
}

func (h *Handler) checkinPage(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, retentionRoles...) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	h.renderCheckin(w, r, id, http.StatusOK, h.page(r, "retention_checkin.title", nil))
}

func (h *Handler) renderCheckin(w http.ResponseWriter, r *http.Request, id int64, status int, p Page) {
	c, err := h.Retention.CheckIn(r.Context(), httpx.Actor(r.Context()), id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	p.Title = h.Cat.T(langOf(r), "retention_checkin.heading", "day", c.Day)
	p.Data = h.checkinView(r, c)
	h.R.Render(w, r, status, "retention_checkin", p)
}

// answerInput reads one answer from a form; name suffixes the field names
// ("" on the one-tap page, "-12" on a bulk form). A date that does not
// parse is named in bad.
func answerInput(r *http.Request, suffix string, bad easyjob.Fields) retention.AnswerInput {
	in := retention.AnswerInput{Answer: retention.Answer(r.PostFormValue("answer" + suffix)), Reason: r.PostFormValue("reason" + suffix)}
	if in.Answer != retention.Left {
		return in
	}
	if s := strings.TrimSpace(r.PostFormValue("left_on" + suffix)); s != "" {
		d, err := easyjob.ParseDate(s)
		if err != nil {
			bad.Add("left_on"+suffix, "field.date_invalid")
		}
		in.LeftOn = d
	}
	return in
}

func (h *Handler) checkinAnswer(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, retentionRoles...) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	r.ParseForm()
	bad := easyjob.Fields{}
	in := answerInput(r, "", bad)
	err := bad.Err()
	if err == nil {
		_, err = h.Retention.Answer(r.Context(), httpx.Actor(r.Context()), id, in)
	}
	if err != nil {
		if easyjob.ErrorCode(err) == easyjob.EFORBIDDEN || easyjob.ErrorCode(err) == easyjob.ENOTFOUND {
			h.errorPage(w, r, err)
			return
		}
		p := h.page(r, "retention_checkin.title", nil)
		p.Form = formValues(r, "answer", "left_on", "reason")
		status := h.formErrors(r, err, &p)
		h.renderCheckin(w, r, id, status, p)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.checkin_answered"), false)
	http.Redirect(w, r, "/checkins/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (h *Handler) checkinLostContact(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	c, err := h.Retention.MarkLostContact(r.Context(), httpx.Actor(r.Context()), id)
	switch easyjob.ErrorCode(err) {
	case "":
		setFlash(w, h.Cat.T(langOf(r), "flash.lost_contact", "name", c.SeekerName), false)
	case easyjob.EFORBIDDEN, easyjob.ENOTFOUND:
		h.errorPage(w, r, err)
		return
	default:
		setFlash(w, h.errText(r, err), true)
	}
	http.Redirect(w, r, "/officer/checkins", http.StatusSeeOther)
}

// checkinPrompt lists the check-ins a seeker has not answered yet, for
// the home page.
func (h *Handler) checkinPrompt(r *http.Request, a easyjob.Actor) ([]retention.CheckIn, error) {
	if h.Retention == nil {
		return nil, nil
	}
	pg, err := h.Retention.Due(r.Context(), a, retention.DueFilter{ListOptions: listOf(5, ""), Unanswered: retention.BySeeker})
	return pg.Items, err
}

type seekerRetentionData struct {
	CheckIns []retention.CheckIn
	Disputes []retention.Dispute
	Offers   []easyjob.Application // applications with an offer: a dispute may be reported
}

// seekerRetention is the worker's page of check-ins and wage or dispute
// reports, with a way to report one.
func (h *Handler) seekerRetention(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleSeeker) {
		return
	}
	a := httpx.Actor(r.Context())
	var d seekerRetentionData
	cs, err := h.Retention.Due(r.Context(), a, retention.DueFilter{ListOptions: listOf(100, "")})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d.CheckIns = cs.Items
	ds, err := h.Retention.Disputes(r.Context(), a, retention.DisputeFilter{ListOptions: listOf(100, "")})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d.Disputes = ds.Items
	if d.Offers, err = h.offers(r, a); err != nil {
		h.errorPage(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "retention_seeker", h.page(r, "retention_seeker.title", d))
}

type employerCheckinsData struct {
	CheckIns []checkinView
	Next     string
}

// employerCheckins lists the check-ins due that the employer has not
// answered, to answer several at once.
func (h *Handler) employerCheckins(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer) {
		return
	}
	h.renderEmployerCheckins(w, r, http.StatusOK, h.page(r, "retention_employer_checkins.title", nil))
}

func (h *Handler) renderEmployerCheckins(w http.ResponseWriter, r *http.Request, status int, p Page) {
	pg, err := h.Retention.Due(r.Context(), httpx.Actor(r.Context()), retention.DueFilter{
		ListOptions: listOf(200, r.URL.Query().Get("cursor")), Unanswered: retention.ByEmployer})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := employerCheckinsData{Next: pg.NextCursor}
	for _, c := range pg.Items {
		d.CheckIns = append(d.CheckIns, h.checkinView(r, c))
	}
	p.Data = d
	h.R.Render(w, r, status, "retention_employer_checkins", p)
}

// employerCheckinsAnswer records the answers of the ticked check-ins, all
// or none.
func (h *Handler) employerCheckinsAnswer(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer) {
		return
	}
	r.ParseForm()
	bad := easyjob.Fields{}
	var xs []retention.BulkAnswer
	form := map[string]string{}
	for _, s := range r.PostForm["id"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			bad.Add("ids", "field.id")
			continue
		}
		suffix := "-" + s
		form["id"+suffix] = "on"
		for _, f := range []string{"answer", "left_on", "reason"} {
			form[f+suffix] = r.PostFormValue(f + suffix)
		}
		xs = append(xs, retention.BulkAnswer{ID: id, AnswerInput: answerInput(r, suffix, bad)})
	}
	err := bad.Err()
	n := 0
	if err == nil {
		n, err = h.Retention.AnswerAll(r.Context(), httpx.Actor(r.Context()), xs)
	}
	if err != nil {
		if code := easyjob.ErrorCode(err); code == easyjob.EFORBIDDEN || code == easyjob.ENOTFOUND {
			h.errorPage(w, r, err)
			return
		}
		p := h.page(r, "retention_employer_checkins.title", nil)
		p.Form = form
		status := h.formErrors(r, err, &p)
		if len(p.Errors) > 0 {
			p.Flash = h.Cat.T(langOf(r), "retention.fix_rows")
		}
		h.renderEmployerCheckins(w, r, status, p)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.checkins_answered", "n", n), false)
	http.Redirect(w, r, "/employer/checkins", http.StatusSeeOther)
}

type officerCheckinsData struct {
	Disagree  []checkinView
	Escalated []checkinView
}

// officerCheckins is the station officer's queue: answers that disagree,
// and check-ins nobody answered, to call the worker about.
func (h *Handler) officerCheckins(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	a := httpx.Actor(r.Context())
	var d officerCheckinsData
	for _, q := range []struct {
		f  retention.DueFilter
		to *[]checkinView
	}{
		{retention.DueFilter{ListOptions: listOf(100, ""), Disagree: true}, &d.Disagree},
		{retention.DueFilter{ListOptions: listOf(100, ""), Escalated: true}, &d.Escalated},
	} {
		pg, err := h.Retention.Due(r.Context(), a, q.f)
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		for _, c := range pg.Items {
			*q.to = append(*q.to, h.checkinView(r, c))
		}
	}
	h.R.Render(w, r, http.StatusOK, "retention_officer_checkins", h.page(r, "retention_officer_checkins.title", d))
}

// arrearsOf counts the open wage-arrears reports of listed employers, for
// the flag on the officers' employer list.
func (h *Handler) arrearsOf(r *http.Request, es []easyjob.Employer) (map[int64]int, error) {
	if h.Retention == nil {
		return nil, nil
	}
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.ID
	}
	return h.Retention.OpenArrearsOf(r.Context(), ids)
}
