// Package api is the JSON API under /api/v1, described by the OpenAPI 3.1
// document it serves at /api/v1/openapi.json. Routes are one table; the
// handlers parse, call a store service and write.
package api

import (
	"net/http"

	"easyjob/internal/briefing"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/equipment"
	"easyjob/internal/goodwill"
	"easyjob/internal/httpx"
	"easyjob/internal/retention"
	"easyjob/internal/store"
	"easyjob/internal/support"
)

// Handler serves the API.
type Handler struct {
	S        *store.Store
	Charter  *charter.Service
	Epidemic *epidemic.Service
	// Retention answers the retention routes and the retention state of
	// GET /applications/{id}.
	Retention *retention.Service
	Support   *support.Service
	Equipment *equipment.Service
	Goodwill  *goodwill.Service
	Briefing  *briefing.Service
	Errors    httpx.Errors
	Version   string
	Limits    *httpx.Limits // sign-in rate limits; nil: none
	routes    []Route
}

// Route is one operation: how it is served and how it is documented.
type Route struct {
	Method, Path string
	ID, Tag      string
	Summary      string
	Public       bool     // no sign-in needed
	Query        []string // documented query parameters, typed by name in paramSchemas
	// Params types this route's parameters (query or path) whose name means
	// something else on other routes; it wins over paramSchemas and pathSchemas.
	Params       map[string]map[string]any
	In, Out      any  // request and response bodies, for the document
	OptionalBody bool // In may be left out (an empty body)
	Created      bool // answers 201
	Accepted     bool // answers 202 (accepted, carried out later)
	h            func(w http.ResponseWriter, r *http.Request) error
}

// Routes registers the API on mux under /api/v1.
func (h *Handler) Routes(mux *http.ServeMux) {
	h.routes = h.table()
	for _, rt := range h.routes {
		rt := rt
		mux.HandleFunc(rt.Method+" /api/v1"+rt.Path, func(w http.ResponseWriter, r *http.Request) {
			if !rt.Public {
				if _, ok := httpx.User(r.Context()); !ok {
					h.Errors.JSONError(w, r, easyjob.Errorf(easyjob.EUNAUTHORIZED, "auth.required"))
					return
				}
			}
			if err := rt.h(w, r); err != nil {
				h.Errors.JSONError(w, r, err)
			}
		})
	}
	mux.HandleFunc("GET /api/v1/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		httpx.JSON(w, http.StatusOK, OpenAPI(h.routes, h.Version))
	})
	mux.HandleFunc("/api/v1/", func(w http.ResponseWriter, r *http.Request) {
		h.Errors.JSONError(w, r, easyjob.NotFound("route"))
	})
}

// Table returns the documented routes (for tests).
func (h *Handler) Table() []Route { return h.table() }

func (h *Handler) table() []Route {
	type (
		posting     = easyjob.Posting
		employer    = easyjob.Employer
		seeker      = easyjob.Seeker
		application = easyjob.Application
	)
	return append([]Route{
		{Method: "POST", Path: "/login", ID: "login", Tag: "accounts", Public: true, Summary: "Sign in with a username and password, or a phone and a one-time code; returns a bearer token", In: LoginRequest{}, Out: LoginResponse{}, h: h.login},
		{Method: "POST", Path: "/login/code", ID: "requestCode", Tag: "accounts", Public: true, Summary: "Send a one-time sign-in code to a mainland mobile number", In: CodeRequest{}, Out: Status{}, Accepted: true, h: h.requestCode},
		{Method: "POST", Path: "/logout", ID: "logout", Tag: "accounts", Summary: "End this session", Out: Status{}, h: h.logout},
		{Method: "GET", Path: "/me", ID: "me", Tag: "accounts", Summary: "The signed-in user", Out: easyjob.User{}, h: h.me},
		{Method: "POST", Path: "/me/profile", ID: "createProfile", Tag: "seekers", Summary: "A seeker who signed in with a code writes their profile (consent given in the app)", In: easyjob.SeekerInput{}, Out: seeker{}, Created: true, h: h.createProfile},
		{Method: "POST", Path: "/users", ID: "createUser", Tag: "accounts", Summary: "Create an officer or admin account (admins), or a colleague's account (employers)", In: store.NewUser{}, Out: easyjob.User{}, Created: true, h: h.createUser},

		{Method: "POST", Path: "/employers", ID: "registerEmployer", Tag: "employers", Public: true, Summary: "Register an enterprise and its first account; an officer verifies it before its postings are published", In: store.EmployerSignup{}, Out: EmployerSignupResponse{}, Created: true, h: h.registerEmployer},
		{Method: "GET", Path: "/employers", ID: "listEmployers", Tag: "employers", Summary: "Employers of the officer's region", Query: []string{"verified", "district", "limit", "cursor"}, Out: easyjob.Page[employer]{}, h: h.listEmployers},
		{Method: "GET", Path: "/employers/{id}", ID: "getEmployer", Tag: "employers", Summary: "An employer's public record", Out: employer{}, h: h.getEmployer},
		{Method: "POST", Path: "/employers/{id}/review", ID: "verifyEmployer", Tag: "employers", Summary: "Verify or reject an employer (officers)", In: ReviewRequest{}, Out: employer{}, h: h.verifyEmployer},
		{Method: "GET", Path: "/employers/{id}/reviews", ID: "employerReviews", Tag: "employers", Summary: "Officers' decisions on an employer", Out: easyjob.Page[easyjob.Review]{}, h: h.reviews("employer")},

		{Method: "POST", Path: "/postings", ID: "createPosting", Tag: "postings", Summary: "Create a posting and submit it for review; automatic checks refuse, flag or warn", In: PostingRequest{}, Out: posting{}, Created: true, h: h.createPosting},
		{Method: "GET", Path: "/postings", ID: "listPostings", Tag: "postings", Summary: "Postings: published ones for everyone, an employer's own, an officer's region; with q or a search filter (occupation, pay_min, pay_max, dorm, meals, start_from, start_to, with district), a keyword search of published postings with places left, by relevance then freshness, as cards (what a list shows; the whole posting is its detail), with total and facet counts", Public: true, Query: []string{"status", "district", "employer_id", "limit", "cursor", "q", "occupation", "pay_min", "pay_max", "dorm", "meals", "start_from", "start_to"}, Out: PostingList{}, h: h.listPostings},
		{Method: "GET", Path: "/postings/{id}", ID: "getPosting", Tag: "postings", Public: true, Summary: "A posting with its remaining headcount and check results", Out: posting{}, h: h.getPosting},
		{Method: "PUT", Path: "/postings/{id}", ID: "updatePosting", Tag: "postings", Summary: "Change a posting; it goes back to review", In: easyjob.PostingInput{}, Out: posting{}, h: h.updatePosting},
		{Method: "POST", Path: "/postings/{id}/review", ID: "reviewPosting", Tag: "postings", Summary: "Approve (publish) or return a posting with a comment (officers)", In: ReviewRequest{}, Out: posting{}, h: h.reviewPosting},
		{Method: "POST", Path: "/postings/{id}/close", ID: "closePosting", Tag: "postings", Summary: "Stop taking applications", Out: posting{}, h: h.closePosting},
		{Method: "GET", Path: "/postings/{id}/reviews", ID: "postingReviews", Tag: "postings", Summary: "Officers' decisions on a posting", Out: easyjob.Page[easyjob.Review]{}, h: h.reviews("posting")},
		{Method: "POST", Path: "/postings/{id}/apply", ID: "apply", Tag: "applications", Summary: "Apply to a posting (the seeker, or an officer for a seeker of their region)", In: ApplyRequest{}, OptionalBody: true, Out: application{}, Created: true, h: h.apply},
		{Method: "GET", Path: "/postings/{id}/applications", ID: "postingApplications", Tag: "applications", Summary: "Applications to a posting", Query: []string{"state", "limit", "cursor"}, Out: easyjob.Page[application]{}, h: h.postingApplications},

		{Method: "POST", Path: "/seekers", ID: "registerSeeker", Tag: "seekers", Summary: "Register a seeker on their behalf at a station, recording consent (officers)", In: easyjob.SeekerInput{}, Out: seeker{}, Created: true, h: h.registerSeeker},
		{Method: "GET", Path: "/seekers", ID: "listSeekers", Tag: "seekers", Summary: "Seekers of the officer's region, masked", Query: []string{"county", "health", "limit", "cursor"}, Out: easyjob.Page[seeker]{}, h: h.listSeekers},
		{Method: "GET", Path: "/seekers/{id}", ID: "getSeeker", Tag: "seekers", Summary: "A seeker as the reader may see them; reveal=REASON shows an officer the full ID number (audited)", Query: []string{"reveal"}, Out: seeker{}, h: h.getSeeker},
		{Method: "PUT", Path: "/seekers/{id}", ID: "updateSeeker", Tag: "seekers", Summary: "Change trades, pay, dorm and meals, availability, education, group", In: easyjob.SeekerInput{}, Out: seeker{}, h: h.updateSeeker},
		{Method: "POST", Path: "/seekers/{id}/poor", ID: "setPoor", Tag: "seekers", Summary: "Set registered-poor (建档立卡) status (officers)", In: PoorRequest{}, Out: Status{}, h: h.setPoor},
		{Method: "POST", Path: "/seekers/{id}/health", ID: "setHealth", Tag: "seekers", Summary: "Record a health status reported now (officers)", In: HealthRequest{}, Out: Status{}, h: h.setHealth},
		{Method: "GET", Path: "/seekers/{id}/audit", ID: "seekerAudit", Tag: "seekers", Summary: "Who viewed this seeker's personal data, when and why", Out: easyjob.Page[easyjob.AuditEntry]{}, h: h.seekerAudit},

		{Method: "GET", Path: "/applications", ID: "listApplications", Tag: "applications", Summary: "Applications the reader may see", Query: []string{"state", "seeker_id", "posting_id", "limit", "cursor"}, Out: easyjob.Page[application]{}, h: h.listApplications},
		{Method: "GET", Path: "/applications/{id}", ID: "getApplication", Tag: "applications", Summary: "One application", Out: application{}, h: h.getApplication},
		{Method: "POST", Path: "/applications/{id}/transition", ID: "transition", Tag: "applications", Summary: "Move an application: shortlist, offer (start_date, pay), reject, withdraw, accept, decline, …", In: store.Move{}, Out: application{}, h: h.transition},
		{Method: "GET", Path: "/applications/{id}/events", ID: "applicationEvents", Tag: "applications", Summary: "The kept transitions of an application", Out: easyjob.Page[easyjob.Event]{}, h: h.events},
	}, append(append(append(append(append(append(append(h.matchRoutes(), h.charterRoutes()...), h.retentionRoutes()...), h.epidemicRoutes()...), h.supportRoutes()...), h.equipmentRoutes()...), h.goodwillRoutes()...), h.briefingRoutes()...)...)
}
