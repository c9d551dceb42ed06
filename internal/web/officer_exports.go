package web

import (
	"net/http"
	"strconv"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/httpx"
	"easyjob/internal/ident"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// Officers' exports beyond seekers and postings (officer_export.go):
// employers, applications, charters and arrivals, as .xlsx. Names of
// people are cut as in the seekers' export (a file travels further than a
// page); employers' contact phones are masked. Applications, the long
// list, stream (export.StreamXLSX).

var employerExportColumns = []string{"id", "employer_name", "credit_code", "district", "street", "address", "contact_name",
	"contact_phone", "industry", "verified", "created_at"}

var applicationExportColumns = []string{"id", "name", "title", "employer_name", "status", "offer_start", "offer_pay",
	"created_at", "updated_at"}

var charterExportColumns = []string{"id", "plan_id", "charter_number", "pickup", "depart_at", "status", "seats", "allowed",
	"taken", "km", "stops"}

var arrivalExportColumns = []string{"id", "name", "title", "employer_name", "charter_number", "seat_no", "pickup", "departed_at"}

func (h *Handler) exportRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /officer/employers/export.xlsx", h.exportEmployers)
	mux.HandleFunc("GET /officer/applications/export.xlsx", h.exportApplications)
	mux.HandleFunc("GET /officer/charters/export.xlsx", h.exportCharters)
	mux.HandleFunc("GET /officer/arrivals/export.xlsx", h.exportArrivals)
}

func (h *Handler) exportEmployers(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	lang, q := langOf(r), r.URL.Query()
	f := store.EmployerFilter{ListOptions: store.ListOptions{Limit: 100}, District: q.Get("district")}
	if v := q.Get("verified"); v == "true" || v == "false" {
		b := v == "true"
		f.Verified = &b
	}
	var rows [][]string
	for len(rows) < maxExportRows {
		pg, err := h.S.Employers(r.Context(), httpx.Actor(r.Context()), f)
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		for _, e := range pg.Items {
			phone := ""
			if e.ContactPhone != "" {
				phone = ident.MaskPhone(e.ContactPhone)
			}
			rows = append(rows, []string{strconv.FormatInt(e.ID, 10), e.Name, e.CreditCode, region.Name(e.District), region.Name(e.Street),
				e.Address, ident.MaskName(e.ContactName), phone, e.Industry, h.yesNo(lang, e.Verified), day(e.CreatedAt)})
		}
		if f.Cursor = pg.NextCursor; f.Cursor == "" {
			break
		}
	}
	h.sendSheet(w, "easyjob-employers-"+h.S.Today().String(), export.XLSX, h.Cat.T(lang, "officer_employers.title"),
		h.headerRow(lang, employerExportColumns), rows)
}

// exportApplications streams the applications of the officer's region,
// optionally of one state.
func (h *Handler) exportApplications(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	lang, a := langOf(r), httpx.Actor(r.Context())
	f := store.ApplicationFilter{ListOptions: store.ListOptions{Limit: 500}, State: easyjob.ApplicationState(r.URL.Query().Get("state"))}
	// The first page before any byte is written, so that a refusal is a page.
	first, err := h.S.Applications(r.Context(), a, f)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	w.Header().Set("Content-Type", export.XLSX.ContentType())
	w.Header().Set("Content-Disposition", `attachment; filename="easyjob-applications-`+h.S.Today().String()+`.xlsx"`)
	w.Header().Set("Cache-Control", "no-store")
	err = export.StreamXLSX(w, h.Cat.T(lang, "officer_exports.applications"), h.headerRow(lang, applicationExportColumns),
		func(emit func(row []any) error) error {
			pg, n := first, 0
			for {
				for _, x := range pg.Items {
					offer := ""
					if x.OfferPay > 0 {
						offer = strconv.Itoa(x.OfferPay)
					}
					if err := emit([]any{x.ID, ident.MaskName(x.SeekerName), x.PostingTitle, x.EmployerName,
						h.label(lang, "state.", string(x.State)), dateText(x.OfferStart), offer, day(x.CreatedAt), day(x.UpdatedAt)}); err != nil {
						return err
					}
					n++
				}
				if pg.NextCursor == "" || n >= maxExportRows {
					return nil
				}
				f.Cursor = pg.NextCursor
				var err error
				if pg, err = h.S.Applications(r.Context(), a, f); err != nil {
					return err
				}
			}
		})
	if err != nil {
		h.Log.ErrorContext(r.Context(), "applications export", "request_id", httpx.RequestID(r.Context()), "err", err)
	}
}

func (h *Handler) exportCharters(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	lang := langOf(r)
	var f charter.CharterFilter
	if d, err := easyjob.ParseDate(r.URL.Query().Get("date")); err == nil {
		f.Date = d
	}
	cs, err := every(func(o store.ListOptions) (easyjob.Page[charter.CharterView], error) {
		f.ListOptions = o
		return h.Charter.Charters(r.Context(), httpx.Actor(r.Context()), f)
	})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	var rows [][]string
	for _, c := range cs {
		rows = append(rows, []string{strconv.FormatInt(c.ID, 10), strconv.FormatInt(c.PlanID, 10), strconv.Itoa(c.Number), c.Pickup.Name,
			shanghaiTime(c.DepartAt), h.label(lang, "charter_status.", string(c.Status)), strconv.Itoa(c.Seats), strconv.Itoa(c.Allowed),
			strconv.Itoa(c.Taken), strconv.FormatFloat(c.Km, 'f', 1, 64), strconv.Itoa(len(c.Stops))})
	}
	h.sendSheet(w, "easyjob-charters-"+h.S.Today().String(), export.XLSX, h.Cat.T(lang, "charter_list.title"),
		h.headerRow(lang, charterExportColumns), rows)
}

func (h *Handler) exportArrivals(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	lang := langOf(r)
	xs, err := every(func(o store.ListOptions) (easyjob.Page[charter.Arrival], error) {
		return h.Charter.Arrivals(r.Context(), httpx.Actor(r.Context()), o)
	})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	var rows [][]string
	for _, x := range xs {
		rows = append(rows, []string{strconv.FormatInt(x.ApplicationID, 10), ident.MaskName(x.Name), x.PostingTitle, x.EmployerName,
			strconv.Itoa(x.CharterNumber), strconv.Itoa(x.SeatNo), x.Pickup, shanghaiTime(x.DepartedAt)})
	}
	h.sendSheet(w, "easyjob-arrivals-"+h.S.Today().String(), export.XLSX, h.Cat.T(lang, "officer_exports.arrivals"),
		h.headerRow(lang, arrivalExportColumns), rows)
}
