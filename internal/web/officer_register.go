package web

import (
	"net/http"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

type registerData struct {
	Trades     []Option
	Educations []string
	Mine       map[string]bool
	Derived    *IDInfo
	Done       *easyjob.Seeker
}

// IDInfo is what an ID number tells: filled in on the registration form.
type IDInfo struct {
	Valid   bool   `json:"valid"`
	Message string `json:"message,omitempty"`
	Age     int    `json:"age,omitempty"`
	Gender  string `json:"gender,omitempty"`
	County  string `json:"county,omitempty"`
	Twinned bool   `json:"twinned,omitempty"`
}

func (h *Handler) idInfoOf(r *http.Request, number string) *IDInfo {
	if number == "" {
		return nil
	}
	lang := langOf(r)
	_, birth, gender, county, reason := h.S.Ref.ResidentID(number, h.S.Now())
	if reason != "" {
		return &IDInfo{Message: h.Cat.T(lang, reason)}
	}
	return &IDInfo{Valid: true, Age: easyjob.AgeOn(birth, h.S.Today()), Gender: h.Cat.T(lang, "gender."+gender),
		County: region.FullName(county), Twinned: region.IsTwinned(county)}
}

// idInfo answers the registration form's script as the officer types.
func (h *Handler) idInfo(w http.ResponseWriter, r *http.Request) {
	u, ok := httpx.User(r.Context())
	if !ok || (u.Role != easyjob.RoleOfficer && u.Role != easyjob.RoleAdmin) {
		httpx.JSON(w, http.StatusForbidden, IDInfo{})
		return
	}
	info := h.idInfoOf(r, r.URL.Query().Get("n"))
	if info == nil {
		info = &IDInfo{}
	}
	httpx.JSON(w, http.StatusOK, info)
}

func (h *Handler) registerForm(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	p := h.page(r, "register.title", registerData{Trades: tradeOptions(langOf(r)), Educations: easyjob.Educations, Mine: map[string]bool{}})
	p.Form = map[string]string{"consent_method": easyjob.ConsentSigned, "wants_dorm": "1", "wants_meals": "1"}
	h.R.Render(w, r, http.StatusOK, "officer_register", p)
}

func (h *Handler) registerSeeker(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	r.ParseForm()
	a := httpx.Actor(r.Context())
	in, f, bad := seekerInput(r)
	d := registerData{Trades: tradeOptions(langOf(r)), Educations: easyjob.Educations, Mine: map[string]bool{}}
	err := bad.Err()
	var k easyjob.Seeker
	if err == nil {
		k, err = h.S.RegisterSeeker(r.Context(), a, in)
	}
	if err != nil {
		for _, t := range in.Trades {
			d.Mine[t] = true
		}
		d.Derived = h.idInfoOf(r, f["id_number"])
		p := h.page(r, "register.title", d)
		p.Form = f
		h.R.Render(w, r, h.formErrors(r, err, &p), "officer_register", p)
		return
	}
	// A fresh form for the next person in the queue, with who was registered.
	d.Done = &k
	p := h.page(r, "register.title", d)
	p.Flash = h.Cat.T(langOf(r), "register.done", "name", k.Name)
	p.Form = map[string]string{"consent_method": f["consent_method"], "wants_dorm": "1", "wants_meals": "1"}
	h.R.Render(w, r, http.StatusOK, "officer_register", p)
}

type officerSeekersData struct {
	Seekers []easyjob.Seeker
	Next    string
	Health  string
	County  string
	Query   string // name, phone or ID number
	Back    string // this list, for the bulk health form to come back to
}

func (h *Handler) officerSeekers(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	q := r.URL.Query()
	pg, err := h.S.Seekers(r.Context(), httpx.Actor(r.Context()), store.SeekerFilter{
		ListOptions: store.ListOptions{Limit: 50, Cursor: q.Get("cursor")}, County: q.Get("county"), Health: q.Get("health"), Query: q.Get("q")})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "officer_seekers", h.page(r, "officer_seekers.title",
		officerSeekersData{Seekers: pg.Items, Next: pg.NextCursor, Health: q.Get("health"), County: q.Get("county"), Query: q.Get("q"),
			Back: r.URL.RequestURI()}))
}
