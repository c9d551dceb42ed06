package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"easyjob/internal/export"
	"easyjob/internal/goodwill"
	"easyjob/internal/httpx"
)

// A campaign's page: progress against the target by district and unit, assembling packages,
// registering recipients from a unit's spreadsheet, handing over (by code or signature), and
// the printed list for signatures.

func (h *Handler) goodwillCampaignRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /goodwill/campaigns/{id}", h.goodwillCampaign)
	mux.HandleFunc("POST /goodwill/campaigns/{id}/assemble", h.goodwillAssemble)
	mux.HandleFunc("POST /goodwill/campaigns/{id}/import", h.goodwillImport)
	mux.HandleFunc("POST /goodwill/campaigns/{id}/handovers", h.goodwillHandover)
	mux.HandleFunc("GET /goodwill/campaigns/{id}/sheet", h.goodwillSheet)
}

type goodwillCampaignData struct {
	Campaign   goodwill.Campaign
	Progress   goodwill.Progress
	Recipients []goodwill.Recipient
	Key        string
	Districts  []Option
	UnitKinds  []string
	RowErrors  []goodwill.RowError
}

func (h *Handler) goodwillCampaign(w http.ResponseWriter, r *http.Request) {
	if _, ok := h.goodwillStaff(w, r); !ok {
		return
	}
	p := h.page(r, "goodwill.title", nil)
	p.Form = map[string]string{"count": "", "unit_kind": "property"}
	h.renderGoodwillCampaign(w, r, http.StatusOK, p, nil)
}

func (h *Handler) renderGoodwillCampaign(w http.ResponseWriter, r *http.Request, status int, p Page, rowErrs []goodwill.RowError) {
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	ctx, a := r.Context(), httpx.Actor(r.Context())
	d := goodwillCampaignData{Key: newKey(), Districts: districtOptions(langOf(r)), UnitKinds: goodwill.UnitKinds, RowErrors: rowErrs}
	var err error
	if d.Campaign, err = h.Goodwill.Campaign(ctx, a, id); err == nil {
		if d.Progress, err = h.Goodwill.Progress(ctx, a, id); err == nil {
			d.Recipients, err = h.Goodwill.Recipients(ctx, a, id, 200)
		}
	}
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	p.Title = d.Campaign.Name
	p.Data = d
	h.R.Render(w, r, status, "goodwill_campaign", p)
}

func (h *Handler) goodwillAssemble(w http.ResponseWriter, r *http.Request) {
	id, ok := h.goodwillStaffPath(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	f := formValues(r, "count", "idempotency_key")
	n, err := strconv.Atoi(f["count"])
	if err != nil {
		n = 0
	}
	x, err := h.Goodwill.Assemble(r.Context(), httpx.Actor(r.Context()), id, n, f["idempotency_key"])
	if err != nil {
		p := h.page(r, "goodwill.title", nil)
		p.Form = f
		h.renderGoodwillCampaign(w, r, h.formErrors(r, err, &p), p, nil)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "goodwill.flash.assembled", "n", x.Count), false)
	http.Redirect(w, r, fmt.Sprintf("/goodwill/campaigns/%d", id), http.StatusSeeOther)
}

// goodwillImport registers a unit's recipients from an uploaded .xlsx or .csv, all or nothing.
func (h *Handler) goodwillImport(w http.ResponseWriter, r *http.Request) {
	id, ok := h.goodwillStaffPath(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, export.MaxFileSize+256<<10)
	p := h.page(r, "goodwill.title", nil)
	fail := func(err error, rows []goodwill.RowError) {
		h.renderGoodwillCampaign(w, r, h.formErrors(r, err, &p), p, rows)
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		fail(fieldError("file", "import.err.too_large", "max", export.MaxFileSize>>20), nil)
		return
	}
	if err := multipartError(r); err != nil {
		fail(err, nil)
		return
	}
	p.Form = map[string]string{"unit_name": r.FormValue("unit_name"), "unit_kind": r.FormValue("unit_kind"), "unit_district": r.FormValue("unit_district")}
	file, _, err := r.FormFile("file")
	if err != nil {
		fail(fieldError("file", "field.required"), nil)
		return
	}
	defer file.Close()
	rows, err := export.ReadAll(file)
	if err != nil {
		fail(h.fileError(r, err), nil)
		return
	}
	unit := goodwill.UnitInput{Name: p.Form["unit_name"], Kind: p.Form["unit_kind"], District: p.Form["unit_district"]}
	res, err := h.Goodwill.ImportRecipients(r.Context(), httpx.Actor(r.Context()), id, unit, rows)
	if err != nil {
		var ie *goodwill.ImportError
		if errors.As(err, &ie) {
			fail(err, ie.Rows)
			return
		}
		if _, ok := err.(*export.Error); ok {
			err = h.fileError(r, err)
		}
		fail(err, nil)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "goodwill.flash.imported", "n", res.Registered, "unit", unit.Name), false)
	http.Redirect(w, r, fmt.Sprintf("/goodwill/campaigns/%d", id), http.StatusSeeOther)
}

func (h *Handler) goodwillHandover(w http.ResponseWriter, r *http.Request) {
	id, ok := h.goodwillStaffPath(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	in := goodwill.HandoverInput{Code: r.PostFormValue("code")}
	in.RecipientID, _ = strconv.ParseInt(r.PostFormValue("recipient_id"), 10, 64)
	in.PointID, _ = strconv.ParseInt(r.PostFormValue("point_id"), 10, 64)
	if r.PostFormValue("method") == "signature" {
		in.Code = ""
	} else if in.Code == "" {
		in.Code = "-" // "by code" with no code is a wrong code, not a signature
	}
	if _, err := h.Goodwill.Handover(r.Context(), httpx.Actor(r.Context()), id, in); err != nil {
		p := h.page(r, "goodwill.title", nil)
		p.Form = map[string]string{"recipient_id": r.PostFormValue("recipient_id")}
		h.renderGoodwillCampaign(w, r, h.formErrors(r, err, &p), p, nil)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "goodwill.flash.handed_over"), false)
	http.Redirect(w, r, fmt.Sprintf("/goodwill/campaigns/%d#recipients", id), http.StatusSeeOther)
}

// goodwillSheet is the printable list on which recipients sign when they have no code.
func (h *Handler) goodwillSheet(w http.ResponseWriter, r *http.Request) {
	id, ok := h.goodwillStaffPath(w, r)
	if !ok {
		return
	}
	ctx, a := r.Context(), httpx.Actor(r.Context())
	c, err := h.Goodwill.Campaign(ctx, a, id)
	var rs []goodwill.Recipient
	if err == nil {
		rs, err = h.Goodwill.Recipients(ctx, a, id, 10_000)
	}
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	p := h.page(r, "goodwill.sheet.title", struct {
		Campaign   goodwill.Campaign
		Recipients []goodwill.Recipient
	}{c, rs})
	p.Title = c.Name
	h.R.Render(w, r, http.StatusOK, "goodwill_sheet", p)
}
