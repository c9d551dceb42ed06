package web

import (
	"net/http"
	"strconv"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
)

// invite sends a candidate of the posting's ranked list an invitation to
// apply, by the candidate's opaque reference; the page says so, or why not.
func (h *Handler) invite(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	r.ParseForm()
	back := "/employer/postings/" + strconv.FormatInt(id, 10) + "#candidates"
	lang := langOf(r)
	if err := h.S.Invite(r.Context(), httpx.Actor(r.Context()), id, r.PostFormValue("candidate")); err != nil {
		_, d := httpx.Errors{Cat: h.Cat, Log: h.Log}.Detail(r.Context(), err)
		msg := d.Message
		for _, fm := range d.Fields {
			msg = fm
		}
		setFlash(w, msg, true)
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	setFlash(w, h.Cat.T(lang, "invitation.sent"), false)
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// declineInvitationForm asks once more before a seeker declines.
func (h *Handler) declineInvitationForm(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleSeeker) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	inv, err := h.invitations(r, httpx.Actor(r.Context()))
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	for _, v := range inv {
		if v.ID == id {
			h.R.Render(w, r, http.StatusOK, "seeker_invitation", h.page(r, "invitation.decline_title", v))
			return
		}
	}
	h.errorPage(w, r, easyjob.NotFound("invitation"))
}

func (h *Handler) declineInvitation(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleSeeker) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	if err := h.S.DeclineInvitation(r.Context(), httpx.Actor(r.Context()), id); err != nil {
		h.errorPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/seeker/applications?done=invitation_declined", http.StatusSeeOther)
}
