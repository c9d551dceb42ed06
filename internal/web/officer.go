package web

import (
	"net/http"
	"strconv"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

type officerHomeData struct {
	RegionName string
	Employers  int
	Postings   int
	More       bool
}

func (h *Handler) officerHome(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	a := httpx.Actor(r.Context())
	no := false
	emps, err := h.S.Employers(r.Context(), a, store.EmployerFilter{ListOptions: store.ListOptions{Limit: 100}, Verified: &no})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	posts, err := h.S.Postings(r.Context(), a, store.PostingFilter{ListOptions: store.ListOptions{Limit: 100}, Status: easyjob.PostingPending})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := officerHomeData{RegionName: region.FullNameIn(langOf(r), a.Region), Employers: len(emps.Items), Postings: len(posts.Items),
		More: emps.NextCursor != "" || posts.NextCursor != ""}
	if a.Role == easyjob.RoleAdmin {
		d.RegionName = h.Cat.T(langOf(r), "officer.all_regions")
	}
	h.R.Render(w, r, http.StatusOK, "officer_home", h.page(r, "officer_home.title", d))
}

type officerEmployersData struct {
	Employers []easyjob.Employer
	Next      string
	Verified  string
	Arrears   map[int64]int // open wage-arrears reports per employer (retention)
}

func (h *Handler) officerEmployers(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	q := r.URL.Query()
	f := store.EmployerFilter{ListOptions: store.ListOptions{Limit: 50, Cursor: q.Get("cursor")}}
	v := q.Get("verified")
	if v == "" {
		v = "false"
	}
	if v != "all" {
		b := v == "true"
		f.Verified = &b
	}
	pg, err := h.S.Employers(r.Context(), httpx.Actor(r.Context()), f)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	arrears, err := h.arrearsOf(r, pg.Items)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "officer_employers", h.page(r, "officer_employers.title",
		officerEmployersData{Employers: pg.Items, Next: pg.NextCursor, Verified: v, Arrears: arrears}))
}

func (h *Handler) officerReviewEmployer(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	r.ParseForm()
	e, err := h.S.VerifyEmployer(r.Context(), httpx.Actor(r.Context()), id, r.PostFormValue("decision"), r.PostFormValue("comment"))
	if err != nil {
		p := Page{}
		h.formErrors(r, err, &p)
		msg := p.Flash
		for _, m := range p.Errors {
			msg = m
		}
		setFlash(w, msg, true)
	} else {
		setFlash(w, h.Cat.T(langOf(r), "flash.employer_"+r.PostFormValue("decision"), "name", e.Name), false)
	}
	http.Redirect(w, r, "/officer/employers", http.StatusSeeOther)
}

type officerPostingsData struct {
	Postings []Card
	Next     string
	Status   string
	Statuses []string
}

func (h *Handler) officerPostings(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	q := r.URL.Query()
	status := q.Get("status")
	if status == "" {
		status = string(easyjob.PostingPending)
	}
	pg, err := h.S.Postings(r.Context(), httpx.Actor(r.Context()), store.PostingFilter{
		ListOptions: store.ListOptions{Limit: 50, Cursor: q.Get("cursor")}, Status: easyjob.PostingStatus(status)})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := officerPostingsData{Next: pg.NextCursor, Status: status,
		Statuses: []string{"pending_review", "published", "returned", "closed"}}
	today := h.S.Today()
	for _, p := range pg.Items {
		d.Postings = append(d.Postings, h.card(r, h.localChecks(r, p), today))
	}
	h.R.Render(w, r, http.StatusOK, "officer_postings", h.page(r, "officer_postings.title", d))
}

type officerPostingData struct {
	Card
	Employer easyjob.Employer
	Reviews  []easyjob.Review
	Arrears  int // the employer's open wage-arrears reports (retention)
}

func (h *Handler) officerPosting(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	p, err := h.S.Posting(r.Context(), httpx.Actor(r.Context()), id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	e, err := h.S.EmployerFor(r.Context(), httpx.Actor(r.Context()), p.EmployerID)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	a := httpx.Actor(r.Context())
	rs, err := h.S.Reviews(r.Context(), a, "posting", id)
	if easyjob.ErrorCode(err) == easyjob.EFORBIDDEN {
		rs, err = nil, nil // an officer outside the posting's district
	}
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := officerPostingData{Card: h.card(r, h.localChecks(r, p), h.S.Today()), Employer: e, Reviews: rs}
	if h.Retention != nil {
		if d.Arrears, err = h.Retention.OpenArrears(r.Context(), e.ID); err != nil {
			h.errorPage(w, r, err)
			return
		}
	}
	h.R.Render(w, r, http.StatusOK, "officer_posting", h.page(r, "officer_posting.title", d))
}

func (h *Handler) officerReviewPosting(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	r.ParseForm()
	if _, err := h.S.ReviewPosting(r.Context(), httpx.Actor(r.Context()), id, r.PostFormValue("decision"), r.PostFormValue("comment")); err != nil {
		p := Page{}
		h.formErrors(r, err, &p)
		msg := p.Flash
		for _, m := range p.Errors {
			msg = m
		}
		setFlash(w, msg, true)
		http.Redirect(w, r, "/officer/postings/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.posting_"+r.PostFormValue("decision")), false)
	http.Redirect(w, r, "/officer/postings", http.StatusSeeOther)
}
