package web

import (
	"fmt"
	"net/http"
	"strconv"

	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/goodwill"
	"easyjob/internal/httpx"
)

// Counselling courses: the organiser's page (sessions, places, the waiting list, referrals
// by units, attendance marks, the export of counts) and the public page where anyone signs
// up with a nickname and a phone, or cancels with the phone.

func (h *Handler) goodwillCourseRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /goodwill/courses/{id}", h.goodwillCourse)
	mux.HandleFunc("POST /goodwill/courses/{id}/refer", h.goodwillRefer)
	mux.HandleFunc("POST /goodwill/courses/{id}/cancel", h.goodwillCancel)
	mux.HandleFunc("POST /goodwill/courses/{id}/attended", h.goodwillAttended)
	mux.HandleFunc("GET /goodwill/courses/{id}/attendance.csv", h.goodwillAttendance)
	mux.HandleFunc("GET /courses/{id}", h.courseJoinForm)
	mux.HandleFunc("POST /courses/{id}/join", h.courseJoin)
	mux.HandleFunc("POST /courses/{id}/cancel", h.courseCancel)
}

type goodwillCourseData struct {
	Course       goodwill.Course
	Participants []goodwill.Participant
}

func (h *Handler) goodwillCourse(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.goodwillStaff(w, r); !ok {
		return
	}
	h.renderGoodwillCourse(w, r, http.StatusOK, h.page(r, "goodwill.title", nil))
}

func (h *Handler) renderGoodwillCourse(w http.ResponseWriter, r *http.Request, status int, p Page) {
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	ctx, a := r.Context(), httpx.Actor(r.Context())
	var d goodwillCourseData
	var err error
	if d.Course, err = h.Goodwill.Course(ctx, id); err == nil {
		d.Participants, err = h.Goodwill.Participants(ctx, a, id)
	}
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	p.Title = d.Course.Title
	p.Data = d
	h.R.Render(w, r, status, "goodwill_course", p)
}

func (h *Handler) goodwillRefer(w http.ResponseWriter, r *http.Request) {
	id, ok := h.goodwillStaffPath(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	f := formValues(r, "nickname", "phone", "unit")
	pt, err := h.Goodwill.Join(r.Context(), httpx.Actor(r.Context()), id, goodwill.JoinInput{Nickname: f["nickname"], Phone: f["phone"], Unit: f["unit"]})
	if err != nil {
		p := h.page(r, "goodwill.title", nil)
		p.Form = f
		h.renderGoodwillCourse(w, r, h.formErrors(r, err, &p), p)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "goodwill.flash.joined_"+string(pt.Status), "position", pt.Position), false)
	http.Redirect(w, r, fmt.Sprintf("/goodwill/courses/%d", id), http.StatusSeeOther)
}

func (h *Handler) goodwillCancel(w http.ResponseWriter, r *http.Request) {
	id, ok := h.goodwillStaffPath(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	pid, _ := strconv.ParseInt(r.PostFormValue("participant_id"), 10, 64)
	promoted, err := h.Goodwill.Cancel(r.Context(), httpx.Actor(r.Context()), id, pid, "")
	if err != nil {
		p := h.page(r, "goodwill.title", nil)
		h.renderGoodwillCourse(w, r, h.formErrors(r, err, &p), p)
		return
	}
	key := "goodwill.flash.cancelled"
	if promoted != 0 {
		key = "goodwill.flash.promoted"
	}
	setFlash(w, h.Cat.T(langOf(r), key), false)
	http.Redirect(w, r, fmt.Sprintf("/goodwill/courses/%d", id), http.StatusSeeOther)
}

func (h *Handler) goodwillAttended(w http.ResponseWriter, r *http.Request) {
	id, ok := h.goodwillStaffPath(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	sid, _ := strconv.ParseInt(r.PostFormValue("session_id"), 10, 64)
	pid, _ := strconv.ParseInt(r.PostFormValue("participant_id"), 10, 64)
	if err := h.Goodwill.MarkAttended(r.Context(), httpx.Actor(r.Context()), sid, pid); err != nil {
		p := h.page(r, "goodwill.title", nil)
		h.renderGoodwillCourse(w, r, h.formErrors(r, err, &p), p)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "goodwill.flash.attended"), false)
	http.Redirect(w, r, fmt.Sprintf("/goodwill/courses/%d", id), http.StatusSeeOther)
}

// goodwillAttendance exports a course's attendance as counts per session: no names, no phones.
func (h *Handler) goodwillAttendance(w http.ResponseWriter, r *http.Request) {
	id, ok := h.goodwillStaffPath(w, r)
	if !ok {
		return
	}
	header, rows, err := h.Goodwill.AttendanceRows(r.Context(), httpx.Actor(r.Context()), id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	w.Header().Set("Content-Type", export.CSV.ContentType())
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="course-%d-attendance.csv"`, id))
	export.WriteCSV(w, header, rows)
}

func (h *Handler) courseJoinForm(w http.ResponseWriter, r *http.Request) {
	setLangCookie(w, r)
	p := h.page(r, "goodwill.join.title", nil)
	p.Form = map[string]string{}
	h.renderCourseJoin(w, r, http.StatusOK, p)
}

func (h *Handler) renderCourseJoin(w http.ResponseWriter, r *http.Request, status int, p Page) {
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	c, err := h.Goodwill.Course(r.Context(), id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	p.Title = c.Title
	p.Data = c
	h.R.Render(w, r, status, "goodwill_join", p)
}

func (h *Handler) courseJoin(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	f := formValues(r, "nickname", "phone")
	pt, err := h.Goodwill.Join(r.Context(), anonymous(), id, goodwill.JoinInput{Nickname: f["nickname"], Phone: f["phone"]})
	p := h.page(r, "goodwill.join.title", nil)
	if err != nil {
		p.Form = f
		h.renderCourseJoin(w, r, h.formErrors(r, err, &p), p)
		return
	}
	p.Form = map[string]string{}
	p.Flash = h.Cat.T(langOf(r), "goodwill.flash.joined_"+string(pt.Status), "position", pt.Position)
	h.renderCourseJoin(w, r, http.StatusOK, p)
}

func (h *Handler) courseCancel(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	_, err := h.Goodwill.Cancel(r.Context(), anonymous(), id, 0, r.PostFormValue("cancel_phone"))
	p := h.page(r, "goodwill.join.title", nil)
	p.Form = map[string]string{}
	if err != nil {
		p.Form["cancel_phone"] = r.PostFormValue("cancel_phone")
		status := h.formErrors(r, err, &p)
		if m, ok := p.Errors["phone"]; ok {
			p.Errors["cancel_phone"] = m
		}
		h.renderCourseJoin(w, r, status, p)
		return
	}
	p.Flash = h.Cat.T(langOf(r), "goodwill.flash.cancelled")
	h.renderCourseJoin(w, r, http.StatusOK, p)
}

// anonymous is the actor of the public course page: whoever signs up signs up themselves,
// even when signed in as someone else.
func anonymous() easyjob.Actor { return easyjob.Actor{} }
