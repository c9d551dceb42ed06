package web

import (
	"net/http"
	"strconv"
	"strings"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

type employerHomeData struct {
	Employer easyjob.Employer
	Postings []Card
	Site     charter.Site // where charters drop its hires
}

func (h *Handler) employerHome(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer) {
		return
	}
	a := httpx.Actor(r.Context())
	e, err := h.S.Employer(r.Context(), a.EmployerID)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	pg, err := h.S.Postings(r.Context(), a, store.PostingFilter{ListOptions: store.ListOptions{Limit: 100}})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := employerHomeData{Employer: e}
	if d.Site, err = h.Charter.EmployerSite(r.Context(), a, e.ID); err != nil {
		h.errorPage(w, r, err)
		return
	}
	today := h.S.Today()
	for i := len(pg.Items) - 1; i >= 0; i-- {
		d.Postings = append(d.Postings, h.card(r, h.localChecks(r, pg.Items[i]), today))
	}
	h.R.Render(w, r, http.StatusOK, "employer_home", h.page(r, "employer_home.title", d))
}

// localChecks renders the check reasons in the reader's language.
func (h *Handler) localChecks(r *http.Request, p easyjob.Posting) easyjob.Posting {
	for i, c := range p.Checks {
		p.Checks[i].Message = h.Cat.Msg(langOf(r), easyjob.Msg{Key: c.Key, Args: c.Args})
	}
	return p
}

type postingFormData struct {
	formChoices
	Shifts   []string
	Posting  *easyjob.Posting
	Returned *easyjob.Review // the officer's comment when the posting was sent back
}

// returned is the officer's latest comment on a posting that was sent back
// (store.Reviews lets the employer concerned read them), or nil.
func (h *Handler) returned(r *http.Request, p easyjob.Posting) *easyjob.Review {
	if p.Status != easyjob.PostingReturned {
		return nil
	}
	rs, err := h.S.Reviews(r.Context(), httpx.Actor(r.Context()), "posting", p.ID)
	if err != nil {
		return nil
	}
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i].Decision == "return" {
			return &rs[i]
		}
	}
	return nil
}

func postingChoices(lang string, p *easyjob.Posting) postingFormData {
	return postingFormData{formChoices: choices(lang), Shifts: []string{easyjob.ShiftDay, easyjob.ShiftTwo, easyjob.ShiftThree, easyjob.ShiftFlexible}, Posting: p}
}

var postingFields = []string{"title", "occupation", "headcount", "pay_min", "pay_max", "piece_rate", "overtime_rule", "pay_day",
	"probation_months", "dorm", "meals", "shift", "social_insurance", "start_date", "closing_date", "district", "street",
	"address", "age_min", "age_max", "description"}

func postingInput(r *http.Request) (easyjob.PostingInput, map[string]string, easyjob.Fields) {
	f := formValues(r, postingFields...)
	bad := easyjob.Fields{}
	in := easyjob.PostingInput{Title: f["title"], Occupation: f["occupation"], PieceRate: f["piece_rate"],
		OvertimeRule: f["overtime_rule"], Dorm: f["dorm"] != "", Meals: f["meals"] != "", Shift: f["shift"],
		SocialInsurance: f["social_insurance"] != "", District: f["district"], Street: f["street"], Address: f["address"],
		Description: f["description"]}
	in.Headcount = formInt(f, "headcount", bad)
	in.PayMin = formInt(f, "pay_min", bad)
	in.PayMax = formInt(f, "pay_max", bad)
	in.PayDay = formInt(f, "pay_day", bad)
	in.ProbationMonths = formInt(f, "probation_months", bad)
	in.AgeMin = formInt(f, "age_min", bad)
	in.AgeMax = formInt(f, "age_max", bad)
	for _, name := range []string{"start_date", "closing_date"} {
		if s := f[name]; s != "" {
			d, err := easyjob.ParseDate(s)
			if err != nil {
				bad.Add(name, "field.date")
			}
			if name == "start_date" {
				in.StartDate = d
			} else {
				in.ClosingDate = d
			}
		}
	}
	return in, f, bad
}

func postingForm(p easyjob.Posting) map[string]string {
	b := func(v bool) string {
		if v {
			return "1"
		}
		return ""
	}
	n := func(v int) string {
		if v == 0 {
			return ""
		}
		return strconv.Itoa(v)
	}
	return map[string]string{"title": p.Title, "occupation": p.Occupation, "headcount": n(p.Headcount), "pay_min": n(p.PayMin),
		"pay_max": n(p.PayMax), "piece_rate": p.PieceRate, "overtime_rule": p.OvertimeRule, "pay_day": n(p.PayDay),
		"probation_months": n(p.ProbationMonths), "dorm": b(p.Dorm), "meals": b(p.Meals), "shift": p.Shift,
		"social_insurance": b(p.SocialInsurance), "start_date": p.StartDate.String(), "closing_date": p.ClosingDate.String(),
		"district": p.District, "street": p.Street, "address": p.Address, "age_min": n(p.AgeMin), "age_max": n(p.AgeMax),
		"description": p.Description}
}

func (h *Handler) postingNew(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer) {
		return
	}
	e, err := h.S.Employer(r.Context(), httpx.Actor(r.Context()).EmployerID)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	p := h.page(r, "posting_form.new", postingChoices(langOf(r), nil))
	today := h.S.Today()
	p.Form = map[string]string{"district": e.District, "street": e.Street, "address": e.Address, "dorm": "1", "meals": "1",
		"social_insurance": "1", "shift": easyjob.ShiftTwo, "start_date": today.AddDays(7).String(), "closing_date": today.AddDays(30).String()}
	h.R.Render(w, r, http.StatusOK, "posting_form", p)
}

func (h *Handler) postingCreate(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer) {
		return
	}
	r.ParseForm()
	a := httpx.Actor(r.Context())
	in, f, bad := postingInput(r)
	err := bad.Err()
	var created easyjob.Posting
	if err == nil {
		created, err = h.S.CreatePosting(r.Context(), a, a.EmployerID, in)
	}
	if err != nil {
		p := h.page(r, "posting_form.new", postingChoices(langOf(r), nil))
		p.Form = f
		h.R.Render(w, r, h.formErrors(r, err, &p), "posting_form", p)
		return
	}
	http.Redirect(w, r, "/employer/postings/"+strconv.FormatInt(created.ID, 10)+"?done=submitted", http.StatusSeeOther)
}

func (h *Handler) postingEdit(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	pst, err := h.S.Posting(r.Context(), httpx.Actor(r.Context()), id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	pst = h.localChecks(r, pst)
	fd := postingChoices(langOf(r), &pst)
	fd.Returned = h.returned(r, pst)
	p := h.page(r, "posting_form.edit", fd)
	p.Form = postingForm(pst)
	h.R.Render(w, r, http.StatusOK, "posting_form", p)
}

func (h *Handler) postingUpdate(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	r.ParseForm()
	a := httpx.Actor(r.Context())
	in, f, bad := postingInput(r)
	err := bad.Err()
	if err == nil {
		_, err = h.S.UpdatePosting(r.Context(), a, id, in)
	}
	if err != nil {
		pst, _ := h.S.Posting(r.Context(), a, id)
		fd := postingChoices(langOf(r), &pst)
		fd.Returned = h.returned(r, pst)
		p := h.page(r, "posting_form.edit", fd)
		p.Form = f
		h.R.Render(w, r, h.formErrors(r, err, &p), "posting_form", p)
		return
	}
	http.Redirect(w, r, "/employer/postings/"+strconv.FormatInt(id, 10)+"?done=submitted", http.StatusSeeOther)
}

// Column is one state of the pipeline board.
type Column struct {
	State easyjob.ApplicationState
	Apps  []easyjob.Application
}

type boardData struct {
	Returned   *easyjob.Review
	Posting    Card
	Columns    []Column
	Total      int
	Today      string
	Candidates []CandidateView
}

// CandidateView is a ranked seeker with the reasons in the reader's language.
type CandidateView struct {
	store.Candidate
	County  string
	Reasons []string
}

// boardStates are the board's columns, in pipeline order.
var boardStates = []easyjob.ApplicationState{easyjob.StateApplied, easyjob.StateShortlisted, easyjob.StateOffered,
	easyjob.StateAccepted, easyjob.StateDeparted, easyjob.StateArrived, easyjob.StateOnboarded}

func (h *Handler) employerPosting(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	a := httpx.Actor(r.Context())
	pst, err := h.S.Posting(r.Context(), a, id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	apps, err := h.allApplications(r, a, id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	today := h.S.Today()
	d := boardData{Posting: h.card(r, h.localChecks(r, pst), today), Total: len(apps), Today: today.AddDays(1).String(),
		Returned: h.returned(r, pst)}
	byState := map[easyjob.ApplicationState][]easyjob.Application{}
	for _, x := range apps {
		byState[x.State] = append(byState[x.State], x)
	}
	for _, st := range boardStates {
		d.Columns = append(d.Columns, Column{State: st, Apps: byState[st]})
	}
	if pst.Status == easyjob.PostingPublished {
		cands, err := h.S.Candidates(r.Context(), a, id, 10)
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		for _, c := range cands {
			v := CandidateView{Candidate: c, County: region.FullNameIn(langOf(r), c.Seeker.HomeCounty)}
			if c.Seeker.HomeCounty == "" { // not applied: the province only
				v.County = region.FullNameIn(langOf(r), c.Seeker.Province)
			}
			for _, reason := range c.Reasons {
				v.Reasons = append(v.Reasons, h.Cat.Msg(langOf(r), easyjob.Msg{Key: reason.Key, Args: reason.Args}))
			}
			d.Candidates = append(d.Candidates, v)
		}
	}
	h.R.Render(w, r, http.StatusOK, "employer_posting", h.page(r, "employer_posting.title", d))
}

func (h *Handler) allApplications(r *http.Request, a easyjob.Actor, postingID int64) ([]easyjob.Application, error) {
	var out []easyjob.Application
	cursor := ""
	for {
		pg, err := h.S.Applications(r.Context(), a, store.ApplicationFilter{PostingID: postingID, ListOptions: store.ListOptions{Limit: 100, Cursor: cursor}})
		if err != nil {
			return nil, err
		}
		out = append(out, pg.Items...)
		if pg.NextCursor == "" || len(out) >= 2000 {
			return out, nil
		}
		cursor = pg.NextCursor
	}
}

// employerBulk moves the selected applications of a posting at once; each
// move is its own transaction, and the page says how many moved and why
// the others did not.
func (h *Handler) employerBulk(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	r.ParseForm()
	a := httpx.Actor(r.Context())
	to := easyjob.ApplicationState(r.PostFormValue("to"))
	m := store.Move{To: to, Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	if to == easyjob.StateOffered {
		m.StartDate, _ = easyjob.ParseDate(r.PostFormValue("start_date"))
		m.Pay, _ = strconv.Atoi(strings.ReplaceAll(r.PostFormValue("pay"), ",", ""))
	}
	moved, failed := 0, map[string]int{}
	for _, s := range r.PostForm["app"] {
		appID, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			continue
		}
		if _, err := h.S.Transition(r.Context(), a, appID, m); err != nil {
			_, d := httpx.Errors{Cat: h.Cat, Log: h.Log}.Detail(r.Context(), err)
			msg := d.Message
			for _, fm := range d.Fields {
				msg = fm
			}
			failed[msg]++
			continue
		}
		moved++
	}
	lang := langOf(r)
	flash := h.Cat.T(lang, "bulk.moved", "n", moved, "state", easyjob.M("state."+string(to)))
	for msg, n := range failed {
		flash += " " + h.Cat.T(lang, "bulk.failed", "n", n, "why", msg)
	}
	// The result goes back through a redirect so a reload does not repeat it.
	setFlash(w, flash, len(failed) > 0)
	http.Redirect(w, r, "/employer/postings/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
