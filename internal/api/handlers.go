package api

import (
	"net/http"
	"strconv"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/store"
)

// Request and response bodies.
type (
	LoginRequest struct {
		Username string `json:"username,omitempty"`
		Password string `json:"password,omitempty"`
		Phone    string `json:"phone,omitempty"`
		Code     string `json:"code,omitempty"`
	}
	LoginResponse struct {
		Token string       `json:"token"`
		User  easyjob.User `json:"user"`
	}
	CodeRequest struct {
		Phone string `json:"phone"`
	}
	Status struct {
		Status string `json:"status"`
	}
	ReviewRequest struct {
		Decision string `json:"decision"`
		Comment  string `json:"comment"`
	}
	PostingRequest struct {
		easyjob.PostingInput
		EmployerID int64 `json:"employer_id,omitempty"`
	}
	ApplyRequest struct {
		SeekerID int64 `json:"seeker_id,omitempty"`
	}
	PoorRequest struct {
		RegisteredPoor bool `json:"registered_poor"`
	}
	HealthRequest struct {
		Health string `json:"health"`
	}
	EmployerSignupResponse struct {
		Employer easyjob.Employer `json:"employer"`
		User     easyjob.User     `json:"user"`
	}
)

var ok = Status{Status: "ok"}

func decode[T any](w http.ResponseWriter, r *http.Request) (T, error) {
	var v T
	err := httpx.DecodeJSON(w, r, &v)
	return v, err
}

// idBody reads the path id and then a JSON body.
func idBody[T any](w http.ResponseWriter, r *http.Request) (int64, T, error) {
	var in T
	id, err := httpx.PathID(r, "id")
	if err == nil {
		err = httpx.DecodeJSON(w, r, &in)
	}
	return id, in, err
}

// reply writes v with status, or passes err on to be written as an error.
func reply(w http.ResponseWriter, status int, v any, err error) error {
	if err != nil {
		return err
	}
	httpx.JSON(w, status, v)
	return nil
}

func list(r *http.Request) (store.ListOptions, error) {
	limit, err := httpx.QueryInt(r, "limit", 20, 1, 100)
	return store.ListOptions{Limit: limit, Cursor: r.URL.Query().Get("cursor")}, err
}

func queryID(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		f := easyjob.Fields{}
		f.Add(name, "field.id")
		return 0, f.Err()
	}
	return n, nil
}

func queryState(r *http.Request) (easyjob.ApplicationState, error) {
	s := easyjob.ApplicationState(r.URL.Query().Get("state"))
	if s == "" {
		return "", nil
	}
	for _, st := range easyjob.States {
		if st == s {
			return s, nil
		}
	}
	f := easyjob.Fields{}
	f.Add("state", "field.state")
	return "", f.Err()
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[LoginRequest](w, r)
	if err != nil {
		return err
	}
	if err := h.Limits.AllowSignIn(r); err != nil {
		return err
	}
	var tok string
	var u easyjob.User
	if in.Phone != "" || in.Code != "" {
		tok, u, err = h.S.LoginWithCode(r.Context(), in.Phone, in.Code, "api")
	} else {
		tok, u, err = h.S.LoginFrom(r.Context(), h.Limits.Client(r), in.Username, in.Password, "api")
	}
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, LoginResponse{Token: tok, User: u})
	return nil
}

func (h *Handler) requestCode(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[CodeRequest](w, r)
	if err != nil {
		return err
	}
	if err := h.Limits.AllowCode(r); err != nil {
		return err
	}
	if err := h.S.RequestCode(r.Context(), in.Phone); err != nil {
		return err
	}
	httpx.JSON(w, http.StatusAccepted, Status{Status: "sent"})
	return nil
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	return reply(w, http.StatusOK, ok, h.S.Logout(r.Context(), httpx.Token(r)))
}

func (h *Handler) me(w http.ResponseWriter, r *http.Request) error {
	u, _ := httpx.User(r.Context())
	httpx.JSON(w, http.StatusOK, u)
	return nil
}

func (h *Handler) createProfile(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[easyjob.SeekerInput](w, r)
	if err != nil {
		return err
	}
	k, err := h.S.CreateProfile(r.Context(), httpx.Actor(r.Context()), in)
	return reply(w, http.StatusCreated, k, err)
}

func (h *Handler) createUser(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[store.NewUser](w, r)
	if err != nil {
		return err
	}
	u, err := h.S.CreateUser(r.Context(), httpx.Actor(r.Context()), in)
	return reply(w, http.StatusCreated, u, err)
}

func (h *Handler) registerEmployer(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[store.EmployerSignup](w, r)
	if err != nil {
		return err
	}
	e, u, err := h.S.RegisterEmployer(r.Context(), in)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, EmployerSignupResponse{Employer: e, User: u})
	return nil
}

func (h *Handler) listEmployers(w http.ResponseWriter, r *http.Request) error {
	lo, err := list(r)
	if err != nil {
		return err
	}
	f := store.EmployerFilter{ListOptions: lo, District: r.URL.Query().Get("district")}
	switch v := r.URL.Query().Get("verified"); v {
	case "":
	case "true", "false":
		b := v == "true"
		f.Verified = &b
	default:
		fs := easyjob.Fields{}
		fs.Add("verified", "field.bool")
		return fs.Err()
	}
	p, err := h.S.Employers(r.Context(), httpx.Actor(r.Context()), f)
	return reply(w, http.StatusOK, p, err)
}

func (h *Handler) getEmployer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	e, err := h.S.EmployerFor(r.Context(), httpx.Actor(r.Context()), id)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, e)
	return nil
}

func (h *Handler) verifyEmployer(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[ReviewRequest](w, r)
	if err != nil {
		return err
	}
	e, err := h.S.VerifyEmployer(r.Context(), httpx.Actor(r.Context()), id, in.Decision, in.Comment)
	return reply(w, http.StatusOK, e, err)
}

func (h *Handler) reviews(subject string) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		a := httpx.Actor(r.Context())
		if subject == "posting" {
			if _, err := h.S.Posting(r.Context(), a, id); err != nil {
				return err
			}
		}
		rs, err := h.S.Reviews(r.Context(), a, subject, id)
		return reply(w, http.StatusOK, easyjob.Page[easyjob.Review]{Items: rs}, err)
	}
}

func (h *Handler) createPosting(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[PostingRequest](w, r)
	if err != nil {
		return err
	}
	a := httpx.Actor(r.Context())
	emp := in.EmployerID
	if a.Role == easyjob.RoleEmployer {
		emp = a.EmployerID
	} else if emp == 0 {
		f := easyjob.Fields{}
		f.Add("employer_id", "field.required")
		return f.Err()
	}
	p, err := h.S.CreatePosting(r.Context(), a, emp, in.PostingInput)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusCreated, localiseChecks(h, r, p))
	return nil
}

// localiseChecks renders each check's reason in the reader's language.
func localiseChecks(h *Handler, r *http.Request, p easyjob.Posting) easyjob.Posting {
	for i, c := range p.Checks {
		p.Checks[i].Message = h.Errors.Cat.Msg(httpx.Lang(r.Context()), easyjob.Msg{Key: c.Key, Args: c.Args})
	}
	return p
}

func (h *Handler) listPostings(w http.ResponseWriter, r *http.Request) error {
	if isSearch(r) {
		return h.searchPostings(w, r)
	}
	lo, err := list(r)
	if err != nil {
		return err
	}
	emp, err := queryID(r, "employer_id")
	if err != nil {
		return err
	}
	f := store.PostingFilter{ListOptions: lo, EmployerID: emp, District: r.URL.Query().Get("district"),
		Status: easyjob.PostingStatus(r.URL.Query().Get("status"))}
	switch f.Status {
	case "", easyjob.PostingPending, easyjob.PostingPublished, easyjob.PostingReturned, easyjob.PostingClosed, easyjob.PostingDraft:
	default:
		fs := easyjob.Fields{}
		fs.Add("status", "field.status")
		return fs.Err()
	}
	p, err := h.S.Postings(r.Context(), httpx.Actor(r.Context()), f)
	if err != nil {
		return err
	}
	for i := range p.Items {
		p.Items[i] = localiseChecks(h, r, p.Items[i])
	}
	httpx.JSON(w, http.StatusOK, p)
	return nil
}

func (h *Handler) getPosting(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.S.Posting(r.Context(), httpx.Actor(r.Context()), id)
	if err != nil {
		return err
	}
	b, err := h.postingJSON(r, p)
	if err != nil {
		return err
	}
	httpx.JSONBytes(w, http.StatusOK, append(b[:len(b):len(b)], '\n'))
	return nil
}

func (h *Handler) updatePosting(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[easyjob.PostingInput](w, r)
	if err != nil {
		return err
	}
	p, err := h.S.UpdatePosting(r.Context(), httpx.Actor(r.Context()), id, in)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, localiseChecks(h, r, p))
	return nil
}

func (h *Handler) reviewPosting(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[ReviewRequest](w, r)
	if err != nil {
		return err
	}
	p, err := h.S.ReviewPosting(r.Context(), httpx.Actor(r.Context()), id, in.Decision, in.Comment)
	if err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, localiseChecks(h, r, p))
	return nil
}

func (h *Handler) closePosting(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.S.ClosePosting(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, p, err)
}

func (h *Handler) apply(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	a := httpx.Actor(r.Context())
	var in ApplyRequest
	if r.ContentLength != 0 {
		if in, err = decode[ApplyRequest](w, r); err != nil {
			return err
		}
	}
	seeker := in.SeekerID
	if a.Role == easyjob.RoleSeeker {
		seeker = a.SeekerID
	} else if seeker == 0 {
		f := easyjob.Fields{}
		f.Add("seeker_id", "field.required")
		return f.Err()
	}
	x, err := h.S.Apply(r.Context(), a, seeker, id)
	return reply(w, http.StatusCreated, x, err)
}

func (h *Handler) postingApplications(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	a := httpx.Actor(r.Context())
	p, err := h.S.Posting(r.Context(), a, id)
	if err != nil {
		return err
	}
	if a.Role == easyjob.RoleSeeker || (a.Role == easyjob.RoleEmployer && a.EmployerID != p.EmployerID) {
		return easyjob.Errorf(easyjob.EFORBIDDEN, "error.forbidden")
	}
	return h.applications(w, r, store.ApplicationFilter{PostingID: id})
}

func (h *Handler) listApplications(w http.ResponseWriter, r *http.Request) error {
	seeker, err := queryID(r, "seeker_id")
	if err != nil {
		return err
	}
	posting, err := queryID(r, "posting_id")
	if err != nil {
		return err
	}
	return h.applications(w, r, store.ApplicationFilter{SeekerID: seeker, PostingID: posting})
}

func (h *Handler) applications(w http.ResponseWriter, r *http.Request, f store.ApplicationFilter) error {
	lo, err := list(r)
	if err != nil {
		return err
	}
	st, err := queryState(r)
	if err != nil {
		return err
	}
	f.ListOptions, f.State = lo, st
	p, err := h.S.Applications(r.Context(), httpx.Actor(r.Context()), f)
	return reply(w, http.StatusOK, p, err)
}

func (h *Handler) getApplication(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	x, err := h.S.Application(r.Context(), httpx.Actor(r.Context()), id)
	if err == nil && h.Retention != nil {
		x.Retention, err = h.Retention.StateOf(r.Context(), x)
	}
	return reply(w, http.StatusOK, x, err)
}

func (h *Handler) transition(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[store.Move](w, r)
	if err != nil {
		return err
	}
	valid := false
	for _, st := range easyjob.States {
		valid = valid || st == in.To
	}
	if !valid {
		f := easyjob.Fields{}
		f.Add("to", "field.state")
		return f.Err()
	}
	x, err := h.S.Transition(r.Context(), httpx.Actor(r.Context()), id, in)
	return reply(w, http.StatusOK, x, err)
}

func (h *Handler) events(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	evs, err := h.S.Events(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, easyjob.Page[easyjob.Event]{Items: evs}, err)
}

func (h *Handler) registerSeeker(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[easyjob.SeekerInput](w, r)
	if err != nil {
		return err
	}
	k, err := h.S.RegisterSeeker(r.Context(), httpx.Actor(r.Context()), in)
	return reply(w, http.StatusCreated, k, err)
}

func (h *Handler) listSeekers(w http.ResponseWriter, r *http.Request) error {
	lo, err := list(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p, err := h.S.Seekers(r.Context(), httpx.Actor(r.Context()), store.SeekerFilter{ListOptions: lo, County: q.Get("county"), Health: q.Get("health")})
	return reply(w, http.StatusOK, p, err)
}

func (h *Handler) getSeeker(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	k, err := h.S.Seeker(r.Context(), httpx.Actor(r.Context()), id, r.URL.Query().Get("reveal"))
	return reply(w, http.StatusOK, k, err)
}

func (h *Handler) updateSeeker(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[easyjob.SeekerInput](w, r)
	if err != nil {
		return err
	}
	k, err := h.S.UpdateSeeker(r.Context(), httpx.Actor(r.Context()), id, in)
	return reply(w, http.StatusOK, k, err)
}

func (h *Handler) setPoor(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[PoorRequest](w, r)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, ok, h.S.SetPoor(r.Context(), httpx.Actor(r.Context()), id, in.RegisteredPoor))
}

func (h *Handler) setHealth(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[HealthRequest](w, r)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, ok, h.S.SetHealth(r.Context(), httpx.Actor(r.Context()), id, in.Health))
}

func (h *Handler) seekerAudit(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	es, err := h.S.AuditLog(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, easyjob.Page[easyjob.AuditEntry]{Items: es}, err)
}
