package web

import (
	"net/http"
	"strconv"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/equipment"
	"easyjob/internal/equipment/rules"
	"easyjob/internal/httpx"
)

func (h *Handler) challengeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /challenges", h.challengesPublic)
	mux.HandleFunc("GET /challenges/{id}", h.challengePage)
	mux.HandleFunc("POST /challenges/{id}/entries", h.challengeTakeUp)
	mux.HandleFunc("GET /expert", h.expertPage)
	mux.HandleFunc("POST /expert/entries/{id}/score", h.expertScore)
	mux.HandleFunc("POST /expert/entries/{id}/conflict", h.expertConflict)
	mux.HandleFunc("GET /officer/challenges", h.officerChallenges)
	mux.HandleFunc("POST /officer/challenges", h.officerChallengeCreate)
	mux.HandleFunc("GET /officer/challenges/{id}", h.officerChallenge)
	mux.HandleFunc("POST /officer/challenges/{id}/{action}", h.officerChallengeAction)
	mux.HandleFunc("POST /officer/challenge-entries/{id}/{action}", h.officerEntryAction)
}

type challengesData struct {
	equipmentBase
	Items []equipment.Challenge
}

// challengesPublic lists the published challenges and the awarded teams, for everyone.
func (h *Handler) challengesPublic(w http.ResponseWriter, r *http.Request) {
	setLangCookie(w, r)
	xs, err := h.Equipment.Challenges(r.Context(), httpx.Actor(r.Context()), false)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "equipment_challenges", h.page(r, "equipment_challenges.title", challengesData{equipmentBase{h.me(r)}, xs}))
}

type challengeData struct {
	equipmentBase
	C       equipment.Challenge
	CanTake bool
	Mine    *equipment.Entry
}

func (h *Handler) challengePage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	h.renderChallenge(w, r, id, http.StatusOK, h.page(r, "equipment_challenge.title", nil))
}

func (h *Handler) renderChallenge(w http.ResponseWriter, r *http.Request, id int64, status int, p Page) {
	c, err := h.Equipment.Challenge(r.Context(), httpx.Actor(r.Context()), id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := challengeData{equipmentBase: equipmentBase{h.me(r)}, C: c}
	if d.Me != nil {
		for i, e := range c.Entries {
			if e.InstitutionID == d.Me.InstitutionID {
				d.Mine = &c.Entries[i]
			}
		}
		d.CanTake = c.Status.TakesEntries() && d.Mine == nil && d.Me.InstitutionID != 0
	}
	p.Title = c.Title
	p.Data = d
	h.R.Render(w, r, status, "equipment_challenge", p)
}

func (h *Handler) challengeTakeUp(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleResearcher) {
		return
	}
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	in := equipment.EntryInput{Team: r.PostFormValue("team"), Members: r.PostFormValue("members"), Proposal: r.PostFormValue("proposal")}
	bad := easyjob.Fields{}
	if s := strings.TrimSpace(r.PostFormValue("ask")); s != "" {
		n, err := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
		if err != nil {
			bad.Add("ask", "field.number")
		}
		in.Ask = n
	}
	err := bad.Err()
	if err == nil {
		_, err = h.Equipment.TakeUp(r.Context(), httpx.Actor(r.Context()), id, in)
	}
	if err != nil {
		if code := easyjob.ErrorCode(err); code == easyjob.ENOTFOUND || code == easyjob.EFORBIDDEN {
			h.errorPage(w, r, err)
			return
		}
		p := h.page(r, "equipment_challenge.title", nil)
		p.Form = formValues(r, "team", "members", "proposal", "ask")
		status := h.formErrors(r, err, &p)
		h.renderChallenge(w, r, id, status, p)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.taken_up"), false)
	http.Redirect(w, r, "/challenges/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

type expertData struct {
	equipmentBase
	Items []equipment.ToScore
	Max   int
}

func (h *Handler) expertPage(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleResearcher) {
		return
	}
	h.renderExpert(w, r, http.StatusOK, h.page(r, "equipment_expert.title", nil))
}

func (h *Handler) renderExpert(w http.ResponseWriter, r *http.Request, status int, p Page) {
	xs, err := h.Equipment.Assignments(r.Context(), httpx.Actor(r.Context()))
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	p.Data = expertData{equipmentBase{h.me(r)}, xs, rules.MaxScore}
	h.R.Render(w, r, status, "equipment_expert", p)
}

func (h *Handler) expertScore(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleResearcher) {
		return
	}
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	in := equipment.SheetInput{Scores: map[int64]int{}, Comment: r.PostFormValue("comment")}
	bad := easyjob.Fields{}
	for k, vs := range r.PostForm {
		if c, ok := strings.CutPrefix(k, "score_"); ok {
			cid, err1 := strconv.ParseInt(c, 10, 64)
			v, err2 := strconv.Atoi(strings.TrimSpace(vs[0]))
			if err1 != nil || err2 != nil {
				bad.Add(k, "field.number")
				continue
			}
			in.Scores[cid] = v
		}
	}
	if n, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(r.PostFormValue("assessed")), ",", ""), 10, 64); err == nil {
		in.Assessed = n
	} else {
		bad.Add("assessed", "field.number")
	}
	err := bad.Err()
	if err == nil {
		_, err = h.Equipment.Score(r.Context(), httpx.Actor(r.Context()), id, in)
	}
	if err != nil {
		p := h.page(r, "equipment_expert.title", nil)
		status := h.formErrors(r, err, &p)
		for f, m := range p.Errors {
			p.Flash += " " + f + h.Cat.T(langOf(r), "error.field_sep") + m
		}
		h.renderExpert(w, r, status, p)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.scored"), false)
	http.Redirect(w, r, "/expert", http.StatusSeeOther)
}

func (h *Handler) expertConflict(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleResearcher) {
		return
	}
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	err := h.Equipment.DeclareConflict(r.Context(), httpx.Actor(r.Context()), id, r.PostFormValue("reason"))
	if err != nil {
		setFlash(w, h.errText(r, err), true)
	} else {
		setFlash(w, h.Cat.T(langOf(r), "flash.conflict_declared"), false)
	}
	http.Redirect(w, r, "/expert", http.StatusSeeOther)
}

type officerChallengesData struct {
	Items  []equipment.Challenge
	Budget equipment.BudgetView
}

func (h *Handler) officerChallenges(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	h.renderOfficerChallenges(w, r, http.StatusOK, h.page(r, "equipment_officer.title", nil))
}

func (h *Handler) renderOfficerChallenges(w http.ResponseWriter, r *http.Request, status int, p Page) {
	ctx, a := r.Context(), httpx.Actor(r.Context())
	xs, err := h.Equipment.Challenges(ctx, a, true)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	b, err := h.Equipment.Budget(ctx, a)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	if p.Form == nil {
		today := h.S.Today()
		p.Form = map[string]string{"upfront_pct": "30", "opens_on": today.String(), "closes_on": today.AddDays(30).String(),
			"milestone_on": today.AddDays(180).String()}
	}
	p.Data = officerChallengesData{xs, b}
	h.R.Render(w, r, status, "equipment_officer", p)
}

var challengeFields = []string{"title", "problem", "eligibility", "ceiling", "upfront_pct", "upfront_cap", "opens_on", "closes_on",
	"milestone", "milestone_on", "c1", "w1", "c2", "w2", "c3", "w3", "c4", "w4"}

func (h *Handler) officerChallengeCreate(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	r.ParseForm()
	bad := easyjob.Fields{}
	in := equipment.ChallengeInput{Title: r.PostFormValue("title"), Problem: r.PostFormValue("problem"),
		Eligibility: r.PostFormValue("eligibility"), Milestone: r.PostFormValue("milestone")}
	i64 := func(name string) int64 {
		s := strings.ReplaceAll(strings.TrimSpace(r.PostFormValue(name)), ",", "")
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			bad.Add(name, "field.number")
		}
		return n
	}
	date := func(name string) easyjob.Date {
		s := strings.TrimSpace(r.PostFormValue(name))
		if s == "" {
			return easyjob.Date{}
		}
		d, err := easyjob.ParseDate(s)
		if err != nil {
			bad.Add(name, "field.date_invalid")
		}
		return d
	}
	in.Ceiling, in.UpfrontPct, in.UpfrontCap = i64("ceiling"), int(i64("upfront_pct")), i64("upfront_cap")
	in.OpensOn, in.ClosesOn, in.MilestoneOn = date("opens_on"), date("closes_on"), date("milestone_on")
	for i := 1; i <= 4; i++ {
		n := strconv.Itoa(i)
		in.Criteria = append(in.Criteria, equipment.CriterionInput{Name: r.PostFormValue("c" + n), Weight: int(i64("w" + n))})
	}
	err := bad.Err()
	var c equipment.Challenge
	if err == nil {
		c, err = h.Equipment.CreateChallenge(r.Context(), httpx.Actor(r.Context()), in)
	}
	if err != nil {
		p := h.page(r, "equipment_officer.title", nil)
		p.Form = formValues(r, challengeFields...)
		status := h.formErrors(r, err, &p)
		h.renderOfficerChallenges(w, r, status, p)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.challenge_created"), false)
	http.Redirect(w, r, "/officer/challenges/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
}

type officerChallengeData struct {
	C        equipment.Challenge
	Round1   []equipment.Standing
	Round2   []equipment.Standing
	Payments []equipment.Payment
	Next     equipment.ChallengeStatus
}

func (h *Handler) officerChallenge(w http.ResponseWriter, r *http.Request) {
	id, ok := h.officerPath(w, r)
	if !ok {
		return
	}
	ctx, a := r.Context(), httpx.Actor(r.Context())
	c, err := h.Equipment.Challenge(ctx, a, id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := officerChallengeData{C: c, Next: c.Status.Next()}
	if c.Round >= 1 {
		if d.Round1, err = h.Equipment.Results(ctx, a, id, 1); err != nil {
			h.errorPage(w, r, err)
			return
		}
	}
	if c.Round >= 2 {
		if d.Round2, err = h.Equipment.Results(ctx, a, id, 2); err != nil {
			h.errorPage(w, r, err)
			return
		}
	}
	if d.Payments, err = h.Equipment.Payments(ctx, a, id); err != nil {
		h.errorPage(w, r, err)
		return
	}
	p := h.page(r, "equipment_officer.title", d)
	p.Title = c.Title
	h.R.Render(w, r, http.StatusOK, "equipment_officer_challenge", p)
}

func (h *Handler) officerChallengeAction(w http.ResponseWriter, r *http.Request) {
	id, ok := h.officerPath(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	ctx, a := r.Context(), httpx.Actor(r.Context())
	var err error
	action := r.PathValue("action")
	switch action {
	case "advance":
		_, err = h.Equipment.Advance(ctx, a, id, equipment.ChallengeStatus(r.PostFormValue("from")))
	case "open-round":
		_, err = h.Equipment.OpenRound(ctx, a, id)
	case "close-round":
		_, err = h.Equipment.CloseRound(ctx, a, id)
	case "shortlist":
		_, err = h.Equipment.Shortlist(ctx, a, id, atoi64s(r.PostForm["entry"]))
	case "award":
		n, _ := strconv.ParseInt(r.PostFormValue("entry"), 10, 64)
		_, err = h.Equipment.Award(ctx, a, id, n)
	default:
		h.errorPage(w, r, easyjob.NotFound("route"))
		return
	}
	h.afterAction(w, r, err, "flash.challenge_"+strings.ReplaceAll(action, "-", "_"), "/officer/challenges/"+strconv.FormatInt(id, 10))
}

func (h *Handler) afterAction(w http.ResponseWriter, r *http.Request, err error, key, back string) {
	switch easyjob.ErrorCode(err) {
	case "":
		setFlash(w, h.Cat.T(langOf(r), key), false)
	case easyjob.EFORBIDDEN, easyjob.ENOTFOUND:
		h.errorPage(w, r, err)
		return
	default:
		setFlash(w, h.errText(r, err), true)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (h *Handler) officerEntryAction(w http.ResponseWriter, r *http.Request) {
	id, ok := h.officerPath(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	ctx, a := r.Context(), httpx.Actor(r.Context())
	var err error
	var e equipment.Entry
	action := r.PathValue("action")
	switch action {
	case "milestone-pass", "milestone-fail":
		e, err = h.Equipment.ReviewMilestone(ctx, a, id, action == "milestone-pass")
	default:
		h.errorPage(w, r, easyjob.NotFound("route"))
		return
	}
	back := "/officer/challenges"
	if e.ChallengeID != 0 {
		back += "/" + strconv.FormatInt(e.ChallengeID, 10)
	} else if c, _ := strconv.ParseInt(r.PostFormValue("challenge"), 10, 64); c > 0 {
		back += "/" + strconv.FormatInt(c, 10)
	}
	h.afterAction(w, r, err, "flash.challenge_"+strings.ReplaceAll(action, "-", "_"), back)
}
