package web

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// Match day and the matching policy: propose a match day for the region,
// review the proposals by posting or by county, accept (convert) or drop
// each or in bulk; the policy's weights with a preview on a sample seeker.

func (h *Handler) matchdayRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /officer/matchday", h.matchdayList)
	mux.HandleFunc("POST /officer/matchday", h.matchdayPropose)
	mux.HandleFunc("GET /officer/matchday/{id}", h.matchdayShow)
	mux.HandleFunc("POST /officer/matchday/{id}/decide", h.matchdayDecide)
	mux.HandleFunc("GET /officer/policy", h.policyPage)
	mux.HandleFunc("POST /officer/policy", h.policySave)
}

type matchdayListData struct {
	Runs []store.MatchRun
}

func (h *Handler) matchdayList(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	p := h.page(r, "matchday.title", nil)
	p.Form = map[string]string{"date": h.S.Today().AddDays(3).String()}
	h.renderMatchdayList(w, r, http.StatusOK, p)
}

func (h *Handler) renderMatchdayList(w http.ResponseWriter, r *http.Request, status int, p Page) {
	runs, err := h.S.MatchRuns(r.Context(), httpx.Actor(r.Context()))
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	p.Data = matchdayListData{Runs: runs}
	h.R.Render(w, r, status, "officer_matchday", p)
}

func (h *Handler) matchdayPropose(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	r.ParseForm()
	day, _ := easyjob.ParseDate(strings.TrimSpace(r.PostFormValue("date")))
	run, err := h.S.ProposeMatchDay(r.Context(), httpx.Actor(r.Context()), strings.TrimSpace(r.PostFormValue("region")), day)
	if err != nil {
		p := h.page(r, "matchday.title", nil)
		p.Form = formValues(r, "date", "region")
		status := h.formErrors(r, err, &p)
		h.renderMatchdayList(w, r, status, p)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.matchday_proposed", "n", len(run.Proposals), "unmatched", run.Unmatched), false)
	http.Redirect(w, r, "/officer/matchday/"+strconv.FormatInt(run.ID, 10), http.StatusSeeOther)
}

// proposalGroup is the proposals of one posting or one county.
type proposalGroup struct {
	Title     string
	Sub       string
	Proposals []store.Proposal
}

type matchdayData struct {
	Run    store.MatchRun
	By     string // "posting" or "county"
	Groups []proposalGroup
	Open   int
}

func (h *Handler) matchdayShow(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	run, err := h.S.MatchRun(r.Context(), httpx.Actor(r.Context()), id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := matchdayData{Run: run, By: r.URL.Query().Get("by")}
	if d.By != "county" {
		d.By = "posting"
	}
	idx := map[string]int{}
	for _, p := range run.Proposals {
		if p.Status == store.ProposalProposed {
			d.Open++
		}
		key, title, sub := strconv.FormatInt(p.PostingID, 10), p.PostingTitle, p.EmployerName
		if d.By == "county" {
			key, title, sub = p.County, region.FullName(p.County), ""
		}
		i, ok := idx[key]
		if !ok {
			i = len(d.Groups)
			idx[key] = i
			d.Groups = append(d.Groups, proposalGroup{Title: title, Sub: sub})
		}
		d.Groups[i].Proposals = append(d.Groups[i].Proposals, p)
	}
	sort.SliceStable(d.Groups, func(i, j int) bool { return d.Groups[i].Title < d.Groups[j].Title })
	h.R.Render(w, r, http.StatusOK, "officer_matchday_run", h.page(r, "matchday.review", d))
}

// matchdayDecide converts (accepts) or drops the ticked proposals, or
// converts every proposal still proposed.
func (h *Handler) matchdayDecide(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	r.ParseForm()
	a, lang := httpx.Actor(r.Context()), langOf(r)
	var ids []int64
	for _, v := range r.PostForm["proposal"] {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, n)
		}
	}
	back := "/officer/matchday/" + strconv.FormatInt(id, 10) + "?by=" + r.PostFormValue("by")
	switch r.PostFormValue("do") {
	case "drop":
		n, err := h.S.DropProposals(r.Context(), a, id, ids)
		if err != nil {
			setFlash(w, h.errText(r, err), true)
		} else {
			setFlash(w, h.Cat.T(lang, "flash.proposals_dropped", "n", n), false)
		}
	case "accept", "all":
		if r.PostFormValue("do") == "accept" && len(ids) == 0 {
			setFlash(w, h.Cat.T(lang, "matchday.none_chosen"), true)
			break
		}
		if r.PostFormValue("do") == "all" {
			ids = nil
		}
		res, err := h.S.ConvertProposals(r.Context(), a, id, ids)
		if err != nil {
			setFlash(w, h.errText(r, err), true)
		} else {
			setFlash(w, h.Cat.T(lang, "flash.proposals_converted", "n", res.Converted, "failed", res.Failed), res.Failed > 0)
		}
	default:
		setFlash(w, h.Cat.T(lang, "matchday.none_chosen"), true)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

type policyData struct {
	Current  store.PolicyInput
	Seeker   *easyjob.Seeker
	Lines    []store.PreviewLine
	CanSave  bool
	Previewd bool
}

func fmtWeight(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func (h *Handler) policyPage(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	cur, err := h.S.MatchPolicy(r.Context())
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	p := h.page(r, "policy.title", nil)
	p.Form = map[string]string{"poor_weight": fmtWeight(cur.PoorWeight), "twinned_weight": fmtWeight(cur.TwinnedWeight),
		"congestion_alpha": fmtWeight(cur.CongestionAlpha), "seeker": r.URL.Query().Get("seeker")}
	h.renderPolicy(w, r, http.StatusOK, p, cur, false)
}

// policyInput reads the weights; what does not parse becomes -1, which the
// store refuses with the field's message.
func policyInput(r *http.Request) store.PolicyInput {
	num := func(name string) float64 {
		v, err := strconv.ParseFloat(strings.TrimSpace(r.PostFormValue(name)), 64)
		if err != nil {
			return -1
		}
		return v
	}
	return store.PolicyInput{PoorWeight: num("poor_weight"), TwinnedWeight: num("twinned_weight"), CongestionAlpha: num("congestion_alpha")}
}

// renderPolicy shows the weights form and, with preview, the sample
// seeker's list under the form's weights.
func (h *Handler) renderPolicy(w http.ResponseWriter, r *http.Request, status int, p Page, in store.PolicyInput, preview bool) {
	a := httpx.Actor(r.Context())
	cur, err := h.S.MatchPolicy(r.Context())
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := policyData{Current: cur, CanSave: a.IsCityWide()}
	sid, _ := strconv.ParseInt(p.Form["seeker"], 10, 64)
	if sid == 0 {
		// A sample: the first seeker of the officer's region.
		if pg, err := h.S.Seekers(r.Context(), a, store.SeekerFilter{ListOptions: store.ListOptions{Limit: 1}}); err == nil && len(pg.Items) > 0 {
			sid = pg.Items[0].ID
			p.Form["seeker"] = strconv.FormatInt(sid, 10)
		}
	}
	if sid != 0 {
		if k, err := h.S.OfficerSeeker(r.Context(), a, sid); err == nil {
			d.Seeker = &k
			if !preview {
				in = cur
			}
			lines, err := h.S.PolicyPreview(r.Context(), a, sid, in, 10)
			if err != nil {
				status = h.formErrors(r, err, &p)
			} else {
				d.Lines, d.Previewd = lines, preview
			}
		} else {
			if p.Errors == nil {
				p.Errors = map[string]string{}
			}
			p.Errors["seeker"] = h.errText(r, err)
			status = http.StatusUnprocessableEntity
		}
	}
	p.Data = d
	h.R.Render(w, r, status, "officer_policy", p)
}

// policySave previews the weights (do=preview) or saves them (do=save,
// city-wide officers and admins).
func (h *Handler) policySave(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	r.ParseForm()
	in := policyInput(r)
	p := h.page(r, "policy.title", nil)
	p.Form = formValues(r, "poor_weight", "twinned_weight", "congestion_alpha", "seeker")
	if r.PostFormValue("do") != "save" {
		h.renderPolicy(w, r, http.StatusOK, p, in, true)
		return
	}
	if _, err := h.S.SetMatchPolicy(r.Context(), httpx.Actor(r.Context()), in); err != nil {
		status := h.formErrors(r, err, &p)
		h.renderPolicy(w, r, status, p, in, true)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.policy_saved"), false)
	http.Redirect(w, r, "/officer/policy?seeker="+p.Form["seeker"], http.StatusSeeOther)
}
