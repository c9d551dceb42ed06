package web

import (
	"net/http"
	"strconv"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/policy"
	"easyjob/internal/support"
)

// supportOfficerData is a department's queue and the measures' figures.
type supportOfficerData struct {
	Member  *support.Member
	Dept    string
	Notices []support.Notice
	Tickets []support.Ticket
	Stats   []support.MeasureStat
	AsOf    string
}

func (h *Handler) supportOfficer(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	ctx, a, lang := r.Context(), httpx.Actor(r.Context()), langOf(r)
	var err error
	d := supportOfficerData{}
	if d.Member, err = h.Support.Membership(ctx, a.UserID); err != nil {
		h.errorPage(w, r, err)
		return
	}
	if d.Member != nil {
		if dp, ok := support.DepartmentOf(d.Member.Department); ok {
			d.Dept = dp.Name.In(lang)
		}
	}
	if d.Notices, err = h.Support.Notices(ctx, a); err != nil {
		h.errorPage(w, r, err)
		return
	}
	if d.Tickets, err = h.Support.Tickets(ctx, a, support.TicketFilter{Open: true}); err != nil {
		h.errorPage(w, r, err)
		return
	}
	asOf := support.DefaultAsOf(h.S.Today())
	if s := r.URL.Query().Get("as_of"); s != "" {
		if v, err := easyjob.ParseDate(s); err == nil && policy.CheckAsOf(v) == nil {
			asOf = v
		}
	}
	d.AsOf = asOf.String()
	if d.Stats, err = h.Support.Stats(ctx, a, asOf); err != nil {
		h.errorPage(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "support_officer", h.page(r, "support_officer.title", d))
}

// supportMeasureData is a measure's parameters, their versions and a change's preview.
type supportMeasureData struct {
	Measure support.MeasureInfo
	Preview []support.PreviewRow
	Confirm bool // the preview is shown; the form can be confirmed
}

func (h *Handler) supportMeasure(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	h.renderMeasure(w, r, http.StatusOK, h.page(r, "support_measure.title", nil), nil)
}

func (h *Handler) renderMeasure(w http.ResponseWriter, r *http.Request, status int, p Page, preview []support.PreviewRow) {
	m, err := h.Support.Measure(r.Context(), r.PathValue("slug"))
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	if p.Form == nil {
		p.Form = map[string]string{}
		if len(m.Params) > 0 {
			p.Form["param"] = m.Params[0].Name
		}
	}
	p.Title = strconv.Itoa(m.No) + ". " + m.Title.In(langOf(r))
	p.Data = supportMeasureData{Measure: m, Preview: preview, Confirm: preview != nil}
	h.R.Render(w, r, status, "support_measure", p)
}

func (h *Handler) supportChangeParam(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	ctx, a, slug := r.Context(), httpx.Actor(r.Context()), r.PathValue("slug")
	form := map[string]string{}
	for _, k := range []string{"param", "from", "value", "source", "note_zh", "note_en"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	in := support.ParamChange{Param: form["param"], Source: form["source"], Note: policy.Text{Zh: form["note_zh"], En: form["note_en"]}}
	f := easyjob.Fields{}
	if d, err := easyjob.ParseDate(form["from"]); err == nil {
		in.From = d
	} else {
		f.Add("from", "field.date")
	}
	if form["value"] != "" {
		if v, err := strconv.ParseFloat(form["value"], 64); err == nil {
			in.Value = &v
		} else {
			f.Add("value", "field.number")
		}
	}
	p := h.page(r, "support_measure.title", nil)
	p.Form = form
	err := f.Err()
	var rows []support.PreviewRow
	if err == nil {
		var samples []support.Sample
		if samples, err = h.Support.Samples(ctx); err == nil {
			rows, err = h.Support.PreviewParam(ctx, a, slug, in, samples)
		}
	}
	if err == nil && r.PostFormValue("confirm") == "yes" {
		if _, err = h.Support.SetParam(ctx, a, slug, in); err == nil {
			setFlash(w, h.Cat.T(langOf(r), "flash.support_param_saved", "from", in.From.String()), false)
			http.Redirect(w, r, "/officer/support/measures/"+slug, http.StatusSeeOther)
			return
		}
	}
	if err != nil {
		if easyjob.ErrorCode(err) != easyjob.EINVALID {
			h.errorPage(w, r, err)
			return
		}
		h.renderMeasure(w, r, h.formErrors(r, err, &p), p, nil)
		return
	}
	if rows == nil {
		rows = []support.PreviewRow{}
	}
	h.renderMeasure(w, r, http.StatusOK, p, rows)
}
