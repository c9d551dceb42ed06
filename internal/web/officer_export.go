package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/httpx"
	"easyjob/internal/ident"
	"easyjob/internal/occupation"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// maxExportRows bounds one export; a list longer than this is cut.
const maxExportRows = 100000

var seekerExportColumns = []string{"name", "id_number", "gender", "age", "home_county", "twinned", "phone", "trades",
	"experience_years", "expected_pay", "wants_dorm", "wants_meals", "available_from", "education", "health",
	"registered_poor", "group", "consent_method", "created_at"}

var postingExportColumns = []string{"id", "title", "employer_name", "status", "occupation", "headcount", "filled", "pending",
	"pay_min", "pay_max", "pay_day", "shift", "dorm", "meals", "social_insurance", "start_date", "closing_date",
	"district", "street", "address", "created_at"}

func (h *Handler) headerRow(lang string, cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = h.columnLabel(lang, c)
	}
	return out
}

func (h *Handler) yesNo(lang string, b bool) string {
	if b {
		return h.Cat.T(lang, "sheet.yes")
	}
	return h.Cat.T(lang, "sheet.no")
}

// label renders a coded value, or "" for no value.
func (h *Handler) label(lang, prefix, code string) string {
	if code == "" {
		return ""
	}
	return h.Cat.T(lang, prefix+code)
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return easyjob.DateOf(t).String()
}

func dateText(d easyjob.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// exportSeekers sends the officer's list of seekers, with the list's
// filters, masked: a file travels further than a page, so even the names
// are cut (the page shows them).
func (h *Handler) exportSeekers(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	lang, q := langOf(r), r.URL.Query()
	f := store.SeekerFilter{ListOptions: store.ListOptions{Limit: 100}, County: q.Get("county"), Health: q.Get("health"), Query: q.Get("q")}
	var rows [][]string
	for len(rows) < maxExportRows {
		pg, err := h.S.Seekers(r.Context(), httpx.Actor(r.Context()), f)
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		for _, k := range pg.Items {
			trades := make([]string, len(k.Trades))
			for i, t := range k.Trades {
				trades[i] = occupation.Name(t)
			}
			rows = append(rows, []string{ident.MaskName(k.Name), k.IDNumber, h.label(lang, "gender.", k.Gender), strconv.Itoa(k.Age),
				region.FullName(k.HomeCounty), h.yesNo(lang, k.Twinned), k.Phone, strings.Join(trades, "、"),
				strconv.Itoa(k.Experience), strconv.Itoa(k.ExpectedPay), h.yesNo(lang, k.WantsDorm), h.yesNo(lang, k.WantsMeals),
				dateText(k.AvailableFrom), h.label(lang, "education.", k.Education), h.label(lang, "health.", k.Health),
				h.yesNo(lang, k.Poor), k.Group, h.label(lang, "consent.", k.ConsentMethod), day(k.CreatedAt)})
		}
		if f.Cursor = pg.NextCursor; f.Cursor == "" {
			break
		}
	}
	h.sendSheet(w, "easyjob-seekers-"+h.S.Today().String(), export.XLSX, h.Cat.T(lang, "import.kind.seekers"),
		h.headerRow(lang, seekerExportColumns), rows)
}

// exportPostings sends the officer's list of postings with the list's
// status filter (pending review when none is given, as on the page).
func (h *Handler) exportPostings(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	lang, q := langOf(r), r.URL.Query()
	status := q.Get("status")
	if status == "" {
		status = string(easyjob.PostingPending)
	}
	f := store.PostingFilter{ListOptions: store.ListOptions{Limit: 100}, Status: easyjob.PostingStatus(status), District: q.Get("district")}
	var rows [][]string
	for len(rows) < maxExportRows {
		pg, err := h.S.Postings(r.Context(), httpx.Actor(r.Context()), f)
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		for _, p := range pg.Items {
			payDay := ""
			if p.PayDay > 0 {
				payDay = strconv.Itoa(p.PayDay)
			}
			rows = append(rows, []string{strconv.FormatInt(p.ID, 10), p.Title, p.EmployerName,
				h.label(lang, "posting_status.", string(p.Status)), occupation.Name(p.Occupation), strconv.Itoa(p.Headcount),
				strconv.Itoa(p.Filled), strconv.Itoa(p.Pending), strconv.Itoa(p.PayMin), strconv.Itoa(p.PayMax), payDay,
				h.label(lang, "shift.", p.Shift), h.yesNo(lang, p.Dorm), h.yesNo(lang, p.Meals), h.yesNo(lang, p.SocialInsurance),
				dateText(p.StartDate), dateText(p.ClosingDate), region.Name(p.District), region.Name(p.Street), p.Address,
				day(p.CreatedAt)})
		}
		if f.Cursor = pg.NextCursor; f.Cursor == "" {
			break
		}
	}
	h.sendSheet(w, "easyjob-postings-"+h.S.Today().String(), export.XLSX, h.Cat.T(lang, "import.kind.postings"),
		h.headerRow(lang, postingExportColumns), rows)
}
