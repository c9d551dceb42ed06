package web

import "net/http"

// Routes registers every page on mux: one table per surface.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.Handle("GET /static/", Static())
	mux.HandleFunc("GET /{$}", h.home)
	mux.HandleFunc("GET /about", h.about)
	mux.HandleFunc("/", h.unmatched(mux)) // our 404 and 405 pages

	// Signing in.
	mux.HandleFunc("GET /login", h.loginForm)
	mux.HandleFunc("POST /login", h.login)
	mux.HandleFunc("POST /logout", h.logout)
	mux.HandleFunc("GET /seeker/login", h.seekerLoginForm)
	mux.HandleFunc("POST /seeker/login/code", h.seekerSendCode)
	mux.HandleFunc("POST /seeker/login", h.seekerLogin)
	mux.HandleFunc("GET /employer/register", h.employerRegisterForm)
	mux.HandleFunc("POST /employer/register", h.employerRegister)

	// Seekers.
	mux.HandleFunc("GET /seeker", h.seekerHome)
	mux.HandleFunc("GET /postings/{id}", h.postingDetail)
	mux.HandleFunc("POST /postings/{id}/apply", h.apply)
	mux.HandleFunc("GET /seeker/applications", h.myApplications)
	mux.HandleFunc("POST /seeker/applications/{id}/{to}", h.seekerMove)
	mux.HandleFunc("GET /seeker/applications/{id}/{to}", h.seekerConfirm)
	mux.HandleFunc("GET /seeker/invitations/{id}/decline", h.declineInvitationForm)
	mux.HandleFunc("POST /seeker/invitations/{id}/decline", h.declineInvitation)
	mux.HandleFunc("GET /seeker/profile", h.profileForm)
	mux.HandleFunc("POST /seeker/profile", h.saveProfile)

	// Employers.
	mux.HandleFunc("GET /employer", h.employerHome)
	mux.HandleFunc("GET /employer/postings/new", h.postingNew)
	mux.HandleFunc("POST /employer/postings", h.postingCreate)
	mux.HandleFunc("GET /employer/postings/{id}", h.employerPosting)
	mux.HandleFunc("GET /employer/postings/{id}/edit", h.postingEdit)
	mux.HandleFunc("POST /employer/postings/{id}", h.postingUpdate)
	mux.HandleFunc("POST /employer/postings/{id}/bulk", h.employerBulk)
	mux.HandleFunc("POST /employer/postings/{id}/invite", h.invite)

	// Officers.
	mux.HandleFunc("GET /officer", h.officerHome)
	mux.HandleFunc("GET /officer/employers", h.officerEmployers)
	mux.HandleFunc("POST /officer/employers/{id}/review", h.officerReviewEmployer)
	mux.HandleFunc("GET /officer/postings", h.officerPostings)
	mux.HandleFunc("GET /officer/postings/{id}", h.officerPosting)
	mux.HandleFunc("POST /officer/postings/{id}/review", h.officerReviewPosting)
	mux.HandleFunc("GET /officer/register", h.registerForm)
	mux.HandleFunc("POST /officer/register", h.registerSeeker)
	mux.HandleFunc("GET /officer/id-info", h.idInfo)
	mux.HandleFunc("GET /officer/seekers", h.officerSeekers)
	mux.HandleFunc("GET /officer/short", h.officerShort)
	h.officerSeekerRoutes(mux)
	h.importRoutes(mux)
	h.charterRoutes(mux)
	h.epidemicRoutes(mux)
	h.supportRoutes(mux)
	h.retentionRoutes(mux)
	h.equipmentRoutes(mux)
	h.goodwillRoutes(mux)
	h.briefingRoutes(mux)
}
