package web

import (
	"net/http"
	"strconv"
	"strings"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/occupation"
	"easyjob/internal/region"
	"easyjob/internal/retention"
	"easyjob/internal/store"
)

// Card is a posting as a seeker sees it in a list.
type Card struct {
	easyjob.Posting
	DistrictName   string
	OccupationName string
	Reasons        []string
	StartsIn       int
	Also           bool // recommended as work the seeker could also do
}

func (h *Handler) card(r *http.Request, p easyjob.Posting, today easyjob.Date) Card {
	lang := langOf(r)
	return Card{Posting: p, DistrictName: region.NameIn(lang, p.District), OccupationName: occupation.NameIn(lang, p.Occupation),
		StartsIn: today.DaysUntil(p.StartDate)}
}

type seekerAppsData struct {
	Apps    []AppView
	Invites []InviteView
}

// InviteView is an invitation to apply with its district's name.
type InviteView struct {
	store.Invitation
	DistrictName string
}

// invitations are the seeker's open invitations, for the home and the
// applications pages.
func (h *Handler) invitations(r *http.Request, a easyjob.Actor) ([]InviteView, error) {
	inv, err := h.S.MyInvitations(r.Context(), a)
	if err != nil {
		return nil, err
	}
	out := make([]InviteView, len(inv))
	for i, v := range inv {
		out[i] = InviteView{Invitation: v, DistrictName: region.NameIn(langOf(r), v.District)}
	}
	return out, nil
}

type seekerHomeData struct {
	Invites   []InviteView // invitations to apply, waiting for an answer
	Seeker    easyjob.Seeker
	Cards     []Card // matches of the seeker's trades, or the search's results
	Also      []Card // work the seeker could also do, below the matches
	Empty     string // why no posting is recommended, in the seeker's words
	Query     string
	District  string
	Districts []Option
	Filter    searchFilter
	Trades    []TradeChoice // the everyday trades, for the search's trade filter
	Searched  string        // what was asked, in words ("保安 · 龙岗区 · 包住"); "" when nothing was
	Total     int           // how many postings the search found
	Examples  string        // the placeholder's examples, trades the open postings have
	Next      string
	Recommend bool
	CheckIns  []retention.CheckIn // check-ins waiting for the seeker's answer
}

func (h *Handler) seekerHome(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleSeeker) {
		return
	}
	a := httpx.Actor(r.Context())
	if a.SeekerID == 0 {
		http.Redirect(w, r, "/seeker/profile", http.StatusSeeOther)
		return
	}
	k, err := h.S.Seeker(r.Context(), a, a.SeekerID, "")
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	q := r.URL.Query()
	d := seekerHomeData{Seeker: k, Query: strings.TrimSpace(q.Get("q")), District: q.Get("district"), Districts: districtOptions(langOf(r)),
		Filter: readSearchFilter(q)}
	for _, e := range occupation.EverydayTrades() {
		d.Trades = append(d.Trades, tradeChoice(langOf(r), e.Code))
	}
	if err := h.listings(r, a, &d, q.Get("cursor")); err != nil {
		h.errorPage(w, r, err)
		return
	}
	if d.Invites, err = h.invitations(r, a); err != nil {
		h.errorPage(w, r, err)
		return
	}
	if d.CheckIns, err = h.checkinPrompt(r, a); err != nil {
		h.errorPage(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "seeker_home", h.page(r, "seeker_home.title", d))
}

// listings fills in the postings shown on a seeker's home: when nothing is
// searched, the recommendations with their reasons, the matches first, then
// what the seeker could also do; when none are recommended, why, and the
// latest postings; else the search's results.
func (h *Handler) listings(r *http.Request, a easyjob.Actor, d *seekerHomeData, cursor string) error {
	today := h.S.Today()
	lang := langOf(r)
	d.Searched = h.searchedWords(r, d)
	d.Examples = h.searchExamples(r, a)
	if d.Searched == "" && cursor == "" {
		pg, err := h.S.RecommendationPage(r.Context(), a, d.Seeker.ID, 20)
		if err != nil {
			return err
		}
		for _, rec := range pg.Items {
			c := h.card(r, rec.Posting, today)
			c.Also = rec.Kind == store.KindAlso
			for _, reason := range rec.Reasons {
				c.Reasons = append(c.Reasons, h.Cat.Msg(lang, easyjob.Msg{Key: reason.Key, Args: reason.Args}))
			}
			if c.Also {
				d.Also = append(d.Also, c)
			} else {
				d.Cards = append(d.Cards, c)
			}
		}
		if len(pg.Items) > 0 {
			d.Recommend = true
			return nil
		}
		if pg.Empty != nil {
			d.Empty = h.Cat.Msg(lang, easyjob.Msg{Key: pg.Empty.Reason.Key, Args: pg.Empty.Reason.Args})
		}
	}
	sq := store.SearchQuery{ListOptions: store.ListOptions{Limit: 20, Cursor: cursor}, Q: d.Query, District: d.District,
		Occupation: d.Filter.Trade, PayMin: d.Filter.PayMin, Dorm: d.Filter.Dorm, Meals: d.Filter.Meals, StartTo: d.Filter.StartBy}
	res, err := h.S.Search(r.Context(), a, sq)
	if err != nil {
		return err
	}
	d.Total = res.Total
	for _, p := range res.Items {
		d.Cards = append(d.Cards, h.card(r, p, today))
	}
	d.Next = res.NextCursor
	return nil
}

type postingDetailData struct {
	Card
	Employer    easyjob.Employer
	CanApply    bool
	Application *easyjob.Application
	ShiftName   string
}

func (h *Handler) postingDetail(w http.ResponseWriter, r *http.Request) {
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	a := httpx.Actor(r.Context())
	p, err := h.S.Posting(r.Context(), a, id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	e, err := h.S.EmployerFor(r.Context(), a, p.EmployerID)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := postingDetailData{Card: h.card(r, p, h.S.Today()), Employer: e}
	if a.Role == easyjob.RoleSeeker && a.SeekerID != 0 {
		apps, err := h.S.Applications(r.Context(), a, store.ApplicationFilter{PostingID: id})
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		if len(apps.Items) > 0 {
			d.Application = &apps.Items[0]
		}
	}
	d.CanApply = d.Application == nil && p.Status == easyjob.PostingPublished && p.Remaining() > 0 && (a.Role == "" || a.Role == easyjob.RoleSeeker)
	h.R.Render(w, r, http.StatusOK, "posting", h.page(r, "posting.title", d))
}

func (h *Handler) apply(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleSeeker) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	a := httpx.Actor(r.Context())
	if a.SeekerID == 0 {
		http.Redirect(w, r, "/seeker/profile?next=/postings/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return
	}
	if _, err := h.S.Apply(r.Context(), a, a.SeekerID, id); err != nil {
		h.errorPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/seeker/applications?done=applied", http.StatusSeeOther)
}

// AppView is an application with what its seeker can do next.
type AppView struct {
	easyjob.Application
	Moves []easyjob.ApplicationState // forward moves, one button each
	Undo  []easyjob.ApplicationState // undoing moves, each asked again on a page of its own
	Seat  string                     // "座位 12，3月5日 08:00 在 … 上车" when the seeker has a seat
	Pass  string                     // the boarding pass's token
	Next  string                     // the "what happens next" line's key, following the real state
	// Travel is an accepted hire's travel choice (nil otherwise).
	Travel *charter.Travel
}

// undoing tells the moves a seeker makes that cannot be taken back: they
// are asked to confirm on a page of their own (no script needed).
func undoing(to easyjob.ApplicationState) bool {
	return to == easyjob.StateWithdrawn || to == easyjob.StateDeclined || to == easyjob.StateLeft
}

// appView splits the moves and picks the next-step line from the state and
// the seat: a seat assigned says where and when to board, not "we will
// arrange a bus".
func appView(x easyjob.Application) AppView {
	v := AppView{Application: x, Next: "next." + string(x.State)}
	for _, to := range easyjob.NextStates(x.State, easyjob.RoleSeeker) {
		if undoing(to) {
			v.Undo = append(v.Undo, to)
		} else {
			v.Moves = append(v.Moves, to)
		}
	}
	return v
}

func (h *Handler) myApplications(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleSeeker) {
		return
	}
	a := httpx.Actor(r.Context())
	pg, err := h.S.Applications(r.Context(), a, store.ApplicationFilter{ListOptions: store.ListOptions{Limit: 100}})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	seats, _ := h.Charter.MySeats(r.Context(), a)
	invites, err := h.invitations(r, a)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	var views []AppView
	for i := len(pg.Items) - 1; i >= 0; i-- { // newest first
		x := pg.Items[i]
		v := appView(x)
		if p, ok := seats[x.ID]; ok && x.State == easyjob.StateAccepted {
			v.Seat, v.Pass, v.Next = h.seatLine(r, p), p.Token, "next.seated"
		}
		if x.State == easyjob.StateAccepted {
			if t, err := h.Charter.TravelOf(r.Context(), a, x.ID); err == nil {
				v.Travel = &t
				if t.OwnTravel {
					v.Next = "next.own_travel"
				}
			}
		}
		views = append(views, v)
	}
	h.R.Render(w, r, http.StatusOK, "seeker_applications", h.page(r, "seeker_applications.title",
		seekerAppsData{Apps: views, Invites: invites}))
}

// seekerConfirm asks once more before a move that undoes a step (withdraw,
// decline, leave), saying what it gives up; the button posts the move.
func (h *Handler) seekerConfirm(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleSeeker) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	a := httpx.Actor(r.Context())
	x, err := h.S.Application(r.Context(), a, id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	to := easyjob.ApplicationState(r.PathValue("to"))
	if !undoing(to) || !easyjob.CanTransition(x.State, to, easyjob.RoleSeeker) {
		h.errorPage(w, r, easyjob.Errorf(easyjob.ECONFLICT, "application.transition",
			"from", easyjob.M("state."+string(x.State)), "to", easyjob.M("state."+string(to))))
		return
	}
	d := struct {
		App  AppView
		To   easyjob.ApplicationState
		Seat string
	}{App: appView(x), To: to}
	if seats, _ := h.Charter.MySeats(r.Context(), a); x.State == easyjob.StateAccepted {
		if p, ok := seats[x.ID]; ok {
			d.Seat = h.seatLine(r, p)
		}
	}
	h.R.Render(w, r, http.StatusOK, "seeker_confirm", h.page(r, "confirm."+string(to)+".title", d))
}

func (h *Handler) seekerMove(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleSeeker) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	to := easyjob.ApplicationState(r.PathValue("to"))
	if _, err := h.S.Transition(r.Context(), httpx.Actor(r.Context()), id, store.Move{To: to}); err != nil {
		h.errorPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/seeker/applications?done="+string(to), http.StatusSeeOther)
}

type profileData struct {
	New        bool
	Seeker     easyjob.Seeker
	Picker     TradePicker
	Educations []string
}

func (h *Handler) profileForm(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleSeeker) {
		return
	}
	a := httpx.Actor(r.Context())
	d := profileData{New: a.SeekerID == 0, Educations: easyjob.Educations, Picker: tradePicker(langOf(r), nil, "")}
	p := h.page(r, "profile.title", nil)
	p.Form = map[string]string{"next": r.URL.Query().Get("next"), "phone": h.signinPhone(r, a.UserID)}
	if !d.New {
		k, err := h.S.Seeker(r.Context(), a, a.SeekerID, "")
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		d.Seeker = k
		d.Picker = tradePicker(langOf(r), k.Trades, "")
		p.Form = seekerForm(k)
	}
	p.Data = d
	h.R.Render(w, r, http.StatusOK, "profile", p)
}

func seekerForm(k easyjob.Seeker) map[string]string {
	b := func(v bool) string {
		if v {
			return "1"
		}
		return ""
	}
	return map[string]string{"name": k.Name, "phone": k.Phone, "experience_years": strconv.Itoa(k.Experience),
		"expected_pay": strconv.Itoa(k.ExpectedPay), "wants_dorm": b(k.WantsDorm), "wants_meals": b(k.WantsMeals),
		"available_from": k.AvailableFrom.String(), "education": k.Education, "group": k.Group}
}

// seekerInput reads the profile form; a number that does not parse is
// reported on its field.
func seekerInput(r *http.Request) (easyjob.SeekerInput, map[string]string, easyjob.Fields) {
	f := formValues(r, "name", "id_number", "phone", "experience_years", "expected_pay", "wants_dorm", "wants_meals",
		"available_from", "education", "group", "consent_method", "next", "trade_q", "find")
	bad := easyjob.Fields{}
	in := easyjob.SeekerInput{Name: f["name"], IDNumber: f["id_number"], Phone: f["phone"], Trades: r.PostForm["trades"],
		WantsDorm: f["wants_dorm"] != "", WantsMeals: f["wants_meals"] != "", Education: f["education"], Group: f["group"],
		ConsentMethod: f["consent_method"]}
	in.Experience = formInt(f, "experience_years", bad)
	in.ExpectedPay = formInt(f, "expected_pay", bad)
	if s := f["available_from"]; s != "" {
		d, err := easyjob.ParseDate(s)
		if err != nil {
			bad.Add("available_from", "field.date")
		}
		in.AvailableFrom = d
	}
	return in, f, bad
}

func formInt(f map[string]string, name string, bad easyjob.Fields) int {
	s := strings.TrimSpace(strings.ReplaceAll(f[name], ",", ""))
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		bad.Add(name, "field.number")
	}
	return n
}

func (h *Handler) saveProfile(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleSeeker) {
		return
	}
	r.ParseForm()
	a := httpx.Actor(r.Context())
	in, f, bad := seekerInput(r)
	lang := langOf(r)
	if f["find"] != "" { // the picker's search: show what it found, save nothing
		d := profileData{New: a.SeekerID == 0, Educations: easyjob.Educations, Picker: tradePicker(lang, in.Trades, f["trade_q"])}
		if !d.New {
			d.Seeker, _ = h.S.Seeker(r.Context(), a, a.SeekerID, "")
		}
		p := h.page(r, "profile.title", d)
		p.Form = f
		h.R.Render(w, r, http.StatusOK, "profile", p)
		return
	}
	in.Trades = typedTrade(in.Trades, f["trade_q"])
	var err error
	if err = bad.Err(); err == nil {
		if a.SeekerID == 0 {
			_, err = h.S.CreateProfile(r.Context(), a, in)
		} else {
			_, err = h.S.UpdateSeeker(r.Context(), a, a.SeekerID, in)
		}
	}
	if err != nil {
		d := profileData{New: a.SeekerID == 0, Educations: easyjob.Educations, Picker: tradePicker(lang, in.Trades, "")}
		if !d.New {
			d.Seeker, _ = h.S.Seeker(r.Context(), a, a.SeekerID, "")
		}
		p := h.page(r, "profile.title", d)
		p.Form = f
		h.R.Render(w, r, h.formErrors(r, err, &p), "profile", p)
		return
	}
	http.Redirect(w, r, safeNext(f["next"], "/seeker?done=profile"), http.StatusSeeOther)
}
