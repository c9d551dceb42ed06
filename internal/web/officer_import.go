package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/httpx"
	"easyjob/internal/i18n"
	"easyjob/internal/ident"
	"easyjob/internal/occupation"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// importRoutes registers the officer's bulk import and the list exports.
func (h *Handler) importRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /officer/import", h.importForm)
	mux.HandleFunc("POST /officer/import", h.importUpload)
	mux.HandleFunc("GET /officer/import/template", h.importTemplate)
	mux.HandleFunc("POST /officer/import/{token}", h.importCommit)
	mux.HandleFunc("GET /officer/seekers/export.xlsx", h.exportSeekers)
	mux.HandleFunc("GET /officer/postings/export.xlsx", h.exportPostings)
}

var importKinds = []string{store.ImportSeekers, store.ImportPostings}

// columnLabel is a column's header in lang.
func (h *Handler) columnLabel(lang, name string) string { return h.Cat.T(lang, "sheet.col."+name) }

// importColumns are the columns of kind with the headers people write: the
// zh-CN and en labels (the field name matches too).
func (h *Handler) importColumns(kind string) []export.Column {
	var out []export.Column
	for _, c := range store.ImportColumns(kind) {
		col := export.Column{Name: c.Name, Required: c.Required}
		for _, lang := range i18n.Languages {
			col.Labels = append(col.Labels, h.columnLabel(lang, c.Name))
		}
		out = append(out, col)
	}
	return out
}

// valueAliases maps the words a sheet may use for coded values (初中,
// Junior secondary, 两班倒, 签字 …) to their codes, for the coded columns.
func (h *Handler) valueAliases() map[string]map[string]string {
	out := map[string]map[string]string{"education": {}, "consent_method": {}, "shift": {}}
	add := func(col, prefix string, codes []string) {
		for _, code := range codes {
			for _, lang := range i18n.Languages {
				out[col][strings.ToLower(h.Cat.T(lang, prefix+code))] = code
			}
			for _, short := range strings.Split(h.Cat.T("zh-CN", "sheet.alias."+code), "|") {
				if short != "" && short != "sheet.alias."+code {
					out[col][short] = code
				}
			}
		}
	}
	add("education", "education.", easyjob.Educations)
	add("consent_method", "consent.", []string{easyjob.ConsentSigned, easyjob.ConsentVerbal})
	add("shift", "shift.", []string{easyjob.ShiftDay, easyjob.ShiftTwo, easyjob.ShiftThree, easyjob.ShiftFlexible})
	return out
}

func (h *Handler) importRows(t *export.Table) []store.ImportRow {
	aliases := h.valueAliases()
	rows := make([]store.ImportRow, len(t.Rows))
	for i, r := range t.Rows {
		for col, m := range aliases {
			if code, ok := m[strings.ToLower(strings.TrimSpace(r.Values[col]))]; ok {
				r.Values[col] = code
			}
		}
		rows[i] = store.ImportRow{Line: r.Line, Values: r.Values}
	}
	return rows
}

type importFormData struct {
	Kinds   []string
	Kind    string
	Formats []string
	Help    []importHelp
}

type importHelp struct{ Column, Values string }

func (h *Handler) importFormData(r *http.Request, kind string) importFormData {
	lang := langOf(r)
	labels := func(prefix string, codes ...string) string {
		var out []string
		for _, c := range codes {
			out = append(out, h.Cat.T(lang, prefix+c))
		}
		return strings.Join(out, h.Cat.T(lang, "sheet.list_sep"))
	}
	if kind == "" {
		kind = store.ImportSeekers
	}
	return importFormData{Kinds: importKinds, Kind: kind, Formats: []string{string(export.XLSX), string(export.CSV)},
		Help: []importHelp{
			{h.columnLabel(lang, "education"), labels("education.", easyjob.Educations...)},
			{h.columnLabel(lang, "consent_method"), labels("consent.", easyjob.ConsentSigned, easyjob.ConsentVerbal)},
			{h.columnLabel(lang, "shift"), labels("shift.", easyjob.ShiftDay, easyjob.ShiftTwo, easyjob.ShiftThree, easyjob.ShiftFlexible)},
		}}
}

func (h *Handler) importForm(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	h.R.Render(w, r, http.StatusOK, "officer_import", h.page(r, "import.title", h.importFormData(r, r.URL.Query().Get("kind"))))
}

// importFormError shows the upload form again with a message next to a field.
func (h *Handler) importFormError(w http.ResponseWriter, r *http.Request, kind string, err error) {
	p := h.page(r, "import.title", h.importFormData(r, kind))
	h.R.Render(w, r, h.formErrors(r, err, &p), "officer_import", p)
}

func fieldError(field, key string, kv ...any) error {
	f := easyjob.Fields{}
	f.Add(field, key, kv...)
	return f.Err()
}

// fileError says what is wrong with a file as a whole, in the user's words.
func (h *Handler) fileError(r *http.Request, err error) error {
	var fe *export.Error
	if !errors.As(err, &fe) {
		return err
	}
	lang := langOf(r)
	var cols []string
	for _, c := range fe.Columns {
		cols = append(cols, h.columnLabel(lang, c))
	}
	max := fe.Max
	if fe.Code == export.ErrTooLarge || fe.Code == export.ErrUnpackedSize {
		max = fe.Max >> 20
	}
	return fieldError("file", "import.err."+fe.Code, "max", max, "columns", strings.Join(cols, h.Cat.T(lang, "sheet.list_sep")),
		"cell", fe.Cell)
}

type reportLine struct {
	Line    int
	Label   string
	Field   string
	Message string
}

type importReportData struct {
	Kind     string
	FileName string
	Token    string
	Total    int
	Valid    int
	Invalid  int
	Unknown  string
	Lines    []reportLine
	Done     bool
	Written  int
	Skipped  int
}

func (h *Handler) report(r *http.Request, c store.ImportCheck) importReportData {
	lang := langOf(r)
	d := importReportData{Kind: c.Kind, Total: len(c.Rows), Valid: c.Valid, Invalid: c.Invalid}
	order := map[string]int{}
	for i, col := range store.ImportColumns(c.Kind) {
		order[col.Name] = i
	}
	for _, row := range c.Bad() {
		fields := make([]string, 0, len(row.Errors))
		for f := range row.Errors {
			fields = append(fields, f)
		}
		// In the order of the template's columns.
		for i := 1; i < len(fields); i++ {
			for j := i; j > 0 && order[fields[j]] < order[fields[j-1]]; j-- {
				fields[j], fields[j-1] = fields[j-1], fields[j]
			}
		}
		for _, f := range fields {
			label := h.columnLabel(lang, f)
			if !h.Cat.Has(lang, "sheet.col."+f) {
				label = h.Cat.T(lang, "import.col_row")
			}
			d.Lines = append(d.Lines, reportLine{Line: row.Line, Label: row.Label, Field: label, Message: h.Cat.Msg(lang, row.Errors[f])})
		}
	}
	return d
}

func (h *Handler) importUpload(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	a := httpx.Actor(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, export.MaxFileSize+256<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			h.importFormError(w, r, "", fieldError("file", "import.err.too_large", "max", export.MaxFileSize>>20))
			return
		}
		h.importFormError(w, r, "", fieldError("file", "import.no_file"))
		return
	}
	defer r.MultipartForm.RemoveAll()
	if err := multipartError(r); err != nil {
		h.importFormError(w, r, "", err)
		return
	}
	kind := r.FormValue("kind")
	if store.ImportColumns(kind) == nil {
		h.importFormError(w, r, "", fieldError("kind", "import.kind"))
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		h.importFormError(w, r, kind, fieldError("file", "import.no_file"))
		return
	}
	defer file.Close()
	t, err := export.Read(file, h.importColumns(kind))
	if err != nil {
		h.importFormError(w, r, kind, h.fileError(r, err))
		return
	}
	rows := h.importRows(t)
	c, err := h.S.CheckImport(r.Context(), a, kind, rows)
	if err != nil {
		h.importFormError(w, r, kind, err)
		return
	}
	token, err := h.S.SaveImport(r.Context(), a, kind, hdr.Filename, rows)
	if err != nil {
		h.importFormError(w, r, kind, err)
		return
	}
	d := h.report(r, c)
	d.FileName, d.Token = hdr.Filename, token
	d.Unknown = strings.Join(t.Unknown, h.Cat.T(langOf(r), "sheet.list_sep"))
	h.R.Render(w, r, http.StatusOK, "officer_import_report", h.page(r, "import.report_title", d))
}

func (h *Handler) importCommit(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	r.ParseForm()
	a := httpx.Actor(r.Context())
	token := r.PathValue("token")
	res, err := h.S.CommitImport(r.Context(), a, token, r.PostFormValue("mode"))
	if err != nil {
		if easyjob.ErrorCode(err) == easyjob.EINVALID {
			// No mode chosen: the report again.
			if p, lerr := h.S.Import(r.Context(), a, token); lerr == nil {
				if c, cerr := h.S.CheckImport(r.Context(), a, p.Kind, p.Rows); cerr == nil {
					d := h.report(r, c)
					d.FileName, d.Token = p.FileName, token
					pg := h.page(r, "import.report_title", d)
					h.R.Render(w, r, h.formErrors(r, err, &pg), "officer_import_report", pg)
					return
				}
			}
		}
		h.errorPage(w, r, err)
		return
	}
	lang := langOf(r)
	d := h.report(r, res.ImportCheck)
	d.Token = token
	if p, err := h.S.Import(r.Context(), a, token); err == nil {
		d.FileName = p.FileName
	}
	if !res.Committed {
		// All or nothing with errors, or nothing valid: nothing was written.
		pg := h.page(r, "import.report_title", d)
		pg.FlashError = true
		if res.Valid == 0 {
			pg.Flash = h.Cat.T(lang, "import.no_valid")
		} else {
			pg.Flash = h.Cat.T(lang, "import.all_refused", "invalid", res.Invalid)
		}
		h.R.Render(w, r, http.StatusUnprocessableEntity, "officer_import_report", pg)
		return
	}
	d.Done, d.Written, d.Skipped = true, res.Written, len(res.Rows)-res.Written
	h.R.Render(w, r, http.StatusOK, "officer_import_report", h.page(r, "import.done_title", d))
}

// importTemplate serves an empty sheet of kind: the header in the user's
// language and one example row.
func (h *Handler) importTemplate(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	q := r.URL.Query()
	kind, format := q.Get("kind"), export.Format(q.Get("format"))
	if format == "" {
		format = export.XLSX
	}
	if store.ImportColumns(kind) == nil || (format != export.XLSX && format != export.CSV) {
		h.errorPage(w, r, easyjob.NotFound("resource"))
		return
	}
	lang := langOf(r)
	example := h.exampleRow(r, kind)
	var header, row []string
	for _, c := range store.ImportColumns(kind) {
		label := h.columnLabel(lang, c.Name)
		if c.Required {
			label += " *"
		}
		header = append(header, label)
		row = append(row, example[c.Name])
	}
	h.sendSheet(w, "easyjob-"+kind+"-template", format, h.Cat.T(lang, "import.kind."+kind), header, [][]string{row})
}

// exampleRow is a valid-looking row for a template.
func (h *Handler) exampleRow(r *http.Request, kind string) map[string]string {
	lang := langOf(r)
	a := httpx.Actor(r.Context())
	today := h.S.Today()
	yes := h.Cat.T(lang, "sheet.yes")
	if kind == store.ImportSeekers {
		county := "451026" // 那坡县
		if len(a.Region) == 6 && !region.IsShenzhen(a.Region) && region.Valid(a.Region) {
			county = a.Region
		} else if ps := region.TwinnedWith(a.Region); len(ps) > 0 {
			county = ps[0].County
		}
		trade := "6-25-04-02"
		return map[string]string{
			"name": store.ExampleMark[lang] + h.Cat.T(lang, "sheet.example.name"), "id_number": ident.GenerateResidentID(county, time.Date(1992, 5, 17, 0, 0, 0, 0, time.UTC), 21, true),
			"phone": "13800138000", "trades": occupation.Name(trade), "experience_years": "3", "expected_pay": "4500",
			"wants_dorm": yes, "wants_meals": yes, "available_from": today.AddDays(7).String(),
			"education": h.Cat.T(lang, "education.junior"), "group": "", "consent_method": h.Cat.T(lang, "consent.signed"),
			"consent_at": "",
		}
	}
	district := "440307" // 龙岗区
	if region.IsShenzhen(a.Region) && len(a.Region) == 6 {
		district = a.Region
	}
	return map[string]string{
		"credit_code": ident.GenerateCreditCode("91" + district + "MA5F0001"), "title": store.ExampleMark[lang] + h.Cat.T(lang, "sheet.example.title"),
		"occupation": occupation.Name("6-25-04-02"), "headcount": "20", "pay_min": "5000", "pay_max": "6500",
		"piece_rate": "", "overtime_rule": h.Cat.T(lang, "sheet.example.overtime"), "pay_day": "15", "probation_months": "1",
		"dorm": yes, "meals": yes, "shift": h.Cat.T(lang, "shift.two_shifts"), "social_insurance": yes,
		"start_date": today.AddDays(7).String(), "closing_date": today.AddDays(30).String(),
		"district": region.Name(district), "street": "", "address": h.Cat.T(lang, "sheet.example.address"),
		"age_min": "18", "age_max": "50", "description": h.Cat.T(lang, "sheet.example.description"),
	}
}

// sendSheet answers with a spreadsheet to download.
func (h *Handler) sendSheet(w http.ResponseWriter, base string, format export.Format, sheet string, header []string, rows [][]string) {
	w.Header().Set("Content-Type", format.ContentType())
	w.Header().Set("Content-Disposition", `attachment; filename="`+base+"."+string(format)+`"`)
	w.Header().Set("Cache-Control", "no-store")
	if err := export.Write(w, format, sheet, header, rows); err != nil {
		h.Log.Error("writing a sheet", "err", err)
	}
}
