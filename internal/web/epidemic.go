package web

import (
	"errors"
	"net/http"
	"strings"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/export"
	"easyjob/internal/httpx"
	"easyjob/internal/i18n"
)

// The epidemic pages: the table and map of regions by three zeros and
// streak, the report form and the sheet import, and a region's history
// with its chart, versions and override form.

// epidemicRoutes registers the epidemic pages.
func (h *Handler) epidemicRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /officer/epidemic", h.epidemicBoard)
	mux.HandleFunc("POST /officer/epidemic/report", h.epidemicReport)
	mux.HandleFunc("POST /officer/epidemic/import", h.epidemicImport)
	mux.HandleFunc("GET /officer/epidemic/{code}", h.epidemicRegion)
	mux.HandleFunc("POST /officer/epidemic/{code}/override", h.epidemicOverride)
}

type epidemicBoardData struct {
	Board     epidemic.Board
	Map       svgMap
	Due       []epidemic.Reminder
	Holds     []charter.Hold
	Regions   []epidemic.Status // the ones the officer may report for
	Fields    []string
	Today     easyjob.Date
	ImportBad []importBadLine
	Columns   string
}

type importBadLine struct {
	Line            int
	Column, Message string
}

// asOf reads ?as_of=, today when absent or not a date.
func (h *Handler) asOf(r *http.Request) easyjob.Date {
	if d, err := easyjob.ParseDate(r.URL.Query().Get("as_of")); err == nil {
		return d
	}
	return easyjob.DateOf(h.S.Now())
}

func (h *Handler) epidemicBoard(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	h.renderEpidemicBoard(w, r, http.StatusOK, h.page(r, "epidemic.title", nil), nil)
}

func (h *Handler) renderEpidemicBoard(w http.ResponseWriter, r *http.Request, status int, p Page, bad []importBadLine) {
	a := httpx.Actor(r.Context())
	b, err := h.Epidemic.Board(r.Context(), a, h.asOf(r))
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	due, err := h.Epidemic.Due(r.Context(), a)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	holds, err := h.Charter.Holds(r.Context(), a)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := epidemicBoardData{Board: b, Map: mapOf(b.Regions), Due: due, Holds: holds, Fields: epidemic.ValueFields,
		Today: easyjob.DateOf(h.S.Now()), ImportBad: bad}
	for _, s := range b.Regions {
		if epidemicMayReport(a, s.Region) {
			d.Regions = append(d.Regions, s)
		}
	}
	lang := langOf(r)
	var cols []string
	for _, c := range epidemic.ImportColumns {
		cols = append(cols, h.Cat.T(lang, "epidemic.col."+c))
	}
	d.Columns = strings.Join(cols, h.Cat.T(lang, "sheet.list_sep"))
	if p.Form == nil {
		p.Form = map[string]string{"date": d.Today.AddDays(-1).String()}
		if len(d.Regions) > 0 {
			p.Form["region"] = d.Regions[0].Region
		}
	}
	p.Data = d
	h.R.Render(w, r, status, "epidemic_board", p)
}

// epidemicMayReport mirrors the service's rule for the form's choices.
func epidemicMayReport(a easyjob.Actor, code string) bool {
	if strings.HasPrefix(code, "4403") {
		return a.Scope.District(code)
	}
	return a.Scope.County(code)
}

func (h *Handler) epidemicReport(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	r.ParseForm()
	fields := append([]string{"region", "date", "note"}, epidemic.ValueFields...)
	var in epidemic.ReportInput
	bad := easyjob.Fields{}
	vals := map[string]*epidemic.Value{"new_confirmed": &in.NewConfirmed, "new_suspected": &in.NewSuspected, "in_hospital": &in.InHospital,
		"admitted": &in.Admitted, "discharged": &in.Discharged, "deaths": &in.Deaths, "excluded": &in.Excluded}
	for _, f := range epidemic.ValueFields {
		v, ok := epidemic.ParseValue(r.PostFormValue(f))
		if !ok {
			bad.Add(f, "epidemic.not_a_number", "value", r.PostFormValue(f))
		}
		*vals[f] = v
	}
	in.Note = r.PostFormValue("note")
	code := r.PostFormValue("region")
	err := bad.Err()
	var s epidemic.Saved
	if err == nil {
		s, err = h.Epidemic.Put(r.Context(), httpx.Actor(r.Context()), code, r.PostFormValue("date"), in, epidemic.SourceForm)
	}
	if err != nil {
		p := h.page(r, "epidemic.title", nil)
		p.Form = formValues(r, fields...)
		h.renderEpidemicBoard(w, r, h.formErrors(r, err, &p), p, nil)
		return
	}
	lang := langOf(r)
	msg := h.Cat.T(lang, "flash.epidemic_reported", "region", countyNameOf(s.Region), "day", s.Day.String())
	if s.Correction {
		msg = h.Cat.T(lang, "flash.epidemic_corrected", "region", countyNameOf(s.Region), "day", s.Day.String(), "version", s.Version)
	}
	if s.HeldSeats > 0 {
		msg += " " + h.Cat.T(lang, "flash.epidemic_held", "seats", s.HeldSeats)
	}
	setFlash(w, msg, false)
	http.Redirect(w, r, "/officer/epidemic/"+s.Region, http.StatusSeeOther)
}

// epidemicColumns are the sheet's columns with their labels in both
// languages.
func (h *Handler) epidemicColumns() []export.Column {
	var out []export.Column
	for _, c := range epidemic.ImportColumns {
		col := export.Column{Name: c, Required: c == "region" || c == "date"}
		for _, lang := range i18n.Languages {
			col.Labels = append(col.Labels, h.Cat.T(lang, "epidemic.col."+c))
		}
		out = append(out, col)
	}
	return out
}

func (h *Handler) epidemicImport(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	fail := func(status int, err error) {
		p := h.page(r, "epidemic.title", nil)
		h.formErrors(r, err, &p)
		h.renderEpidemicBoard(w, r, status, p, nil)
	}
	r.Body = http.MaxBytesReader(w, r.Body, export.MaxFileSize+256<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			fail(http.StatusRequestEntityTooLarge, fieldError("file", "import.err."+export.ErrTooLarge, "max", export.MaxFileSize>>20))
			return
		}
		fail(http.StatusBadRequest, fieldError("file", "import.no_file"))
		return
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		fail(http.StatusUnprocessableEntity, fieldError("file", "import.no_file"))
		return
	}
	defer file.Close()
	t, err := export.Read(file, h.epidemicColumns())
	if err != nil {
		fail(http.StatusUnprocessableEntity, h.fileError(r, err))
		return
	}
	rows := make([]epidemic.ImportRow, len(t.Rows))
	for i, row := range t.Rows {
		rows[i] = epidemic.ImportRow{Line: row.Line, Values: row.Values}
	}
	res, err := h.Epidemic.ImportReports(r.Context(), httpx.Actor(r.Context()), rows)
	if err != nil {
		fail(httpx.Status(easyjob.ErrorCode(err)), err)
		return
	}
	lang := langOf(r)
	if len(res.Bad) > 0 || res.Written == 0 {
		var lines []importBadLine
		for _, b := range res.Bad {
			for _, c := range epidemic.ImportColumns {
				if m, ok := b.Errors[c]; ok {
					lines = append(lines, importBadLine{Line: b.Line, Column: h.Cat.T(lang, "epidemic.col."+c), Message: h.Cat.Msg(lang, m)})
				}
			}
		}
		p := h.page(r, "epidemic.title", nil)
		p.Flash, p.FlashError = h.Cat.T(lang, "epidemic.import_refused", "rows", len(res.Bad)), true
		h.renderEpidemicBoard(w, r, http.StatusUnprocessableEntity, p, lines)
		return
	}
	msg := h.Cat.T(lang, "flash.epidemic_imported", "rows", res.Written)
	if res.HeldSeats > 0 {
		msg += " " + h.Cat.T(lang, "flash.epidemic_held", "seats", res.HeldSeats)
	}
	setFlash(w, msg, false)
	http.Redirect(w, r, "/officer/epidemic", http.StatusSeeOther)
}

type epidemicRegionData struct {
	Status    epidemic.Status
	Days      []epidemic.Day
	Chart     svgChart
	Overrides []epidemic.Override
	Fields    []string
	MayReport bool
	From, To  easyjob.Date
}

// historyDays is how many days the region page shows.
const historyDays = 60

func (h *Handler) epidemicRegion(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	h.renderEpidemicRegion(w, r, http.StatusOK, h.page(r, "epidemic.region_title", nil))
}

func (h *Handler) renderEpidemicRegion(w http.ResponseWriter, r *http.Request, status int, p Page) {
	a := httpx.Actor(r.Context())
	code := r.PathValue("code")
	to := h.asOf(r)
	st, err := h.Epidemic.Status(r.Context(), a, code, to)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	from := to.AddDays(-(historyDays - 1))
	days, err := h.Epidemic.History(r.Context(), a, code, from, to)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	var ovs []epidemic.Override
	if !strings.HasPrefix(code, "4403") {
		if ovs, err = h.Epidemic.Overrides(r.Context(), a, code); err != nil {
			h.errorPage(w, r, err)
			return
		}
	}
	p.Title = h.Cat.T(langOf(r), "epidemic.region_title", "region", st.Name)
	p.Data = epidemicRegionData{Status: st, Days: days, Chart: chartOf(days), Overrides: ovs, Fields: epidemic.ValueFields,
		MayReport: epidemicMayReport(a, code), From: from, To: to}
	h.R.Render(w, r, status, "epidemic_region", p)
}

func (h *Handler) epidemicOverride(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	r.ParseForm()
	in := epidemic.OverrideInput{Level: epidemic.Level(r.PostFormValue("level")), Reason: r.PostFormValue("reason")}
	if s := strings.TrimSpace(r.PostFormValue("until")); s != "" {
		d, err := easyjob.ParseDate(s)
		if err != nil {
			p := h.page(r, "epidemic.region_title", nil)
			p.Form = formValues(r, "level", "reason", "until")
			h.renderEpidemicRegion(w, r, h.formErrors(r, fieldError("until", "field.date_invalid"), &p), p)
			return
		}
		in.Until = &d
	}
	code := r.PathValue("code")
	rk, err := h.Epidemic.Override(r.Context(), httpx.Actor(r.Context()), code, in)
	if err != nil {
		p := h.page(r, "epidemic.region_title", nil)
		p.Form = formValues(r, "level", "reason", "until")
		h.renderEpidemicRegion(w, r, h.formErrors(r, err, &p), p)
		return
	}
	lang := langOf(r)
	setFlash(w, h.Cat.T(lang, "flash.risk_set", "county", countyNameOf(rk.County), "level", h.Cat.T(lang, "risk."+string(rk.Level))), false)
	http.Redirect(w, r, "/officer/epidemic/"+code, http.StatusSeeOther)
}
