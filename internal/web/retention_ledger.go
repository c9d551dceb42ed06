package web

import (
	"net/http"
	"strconv"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/httpx"
	"easyjob/internal/region"
	"easyjob/internal/retention"
)

type claimsData struct {
	Claims   []retention.Claim
	Status   string
	Statuses []string
	Next     string
	Chosen   map[int64]bool
	Today    string
}

var claimStatuses = []string{"claimed", "approved", "paid", "rejected", "all"}

// claimsPage lists the subsidy claims of the officer's regions by status,
// with approval, payment and rejection of the ticked ones.
func (h *Handler) claimsPage(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	h.renderClaims(w, r, http.StatusOK, h.page(r, "retention_claims.title", nil), nil)
}

func (h *Handler) renderClaims(w http.ResponseWriter, r *http.Request, status int, p Page, chosen map[int64]bool) {
	q := r.URL.Query()
	st := q.Get("status")
	if st == "" {
		st = "claimed"
	}
	var filter retention.ClaimStatus
	if st != "all" {
		filter = retention.ClaimStatus(st)
	}
	pg, err := h.Retention.Claims(r.Context(), httpx.Actor(r.Context()), filter, listOf(100, q.Get("cursor")))
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	if p.Form == nil {
		p.Form = map[string]string{"paid_on": h.S.Today().String()}
	}
	p.Data = claimsData{Claims: pg.Items, Status: st, Statuses: claimStatuses, Next: pg.NextCursor, Chosen: chosen,
		Today: h.S.Today().String()}
	h.R.Render(w, r, status, "retention_claims", p)
}

// claimsDecide approves, pays or rejects the ticked claims: all or none.
func (h *Handler) claimsDecide(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	r.ParseForm()
	bad := easyjob.Fields{}
	var ids []int64
	chosen := map[int64]bool{}
	for _, s := range r.PostForm["id"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			bad.Add("ids", "field.id")
			continue
		}
		ids, chosen[id] = append(ids, id), true
	}
	to := map[string]retention.ClaimStatus{"approve": retention.Approved, "pay": retention.Paid, "reject": retention.Rejected}[r.PostFormValue("action")]
	var in retention.PayInput
	in.Reference = r.PostFormValue("reference")
	if s := strings.TrimSpace(r.PostFormValue("paid_on")); s != "" && to == retention.Paid {
		d, err := easyjob.ParseDate(s)
		if err != nil {
			bad.Add("paid_on", "field.date_invalid")
		}
		in.PaidOn = d
	}
	err := bad.Err()
	n := 0
	if err == nil {
		n, err = h.Retention.DecideAll(r.Context(), httpx.Actor(r.Context()), ids, to, in, r.PostFormValue("reason"))
	}
	back := "/officer/claims?status=" + r.URL.Query().Get("status")
	if err != nil {
		if code := easyjob.ErrorCode(err); code == easyjob.EFORBIDDEN || code == easyjob.ENOTFOUND {
			h.errorPage(w, r, err)
			return
		}
		p := h.page(r, "retention_claims.title", nil)
		p.Form = formValues(r, "reference", "paid_on", "reason")
		status := h.formErrors(r, err, &p)
		h.renderClaims(w, r, status, p, chosen)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.claims_"+string(to), "n", n), false)
	http.Redirect(w, r, back, http.StatusSeeOther)
}

type ledgerData struct {
	By     string
	Bys    []string
	Totals []ledgerTotal
	Sum    retention.Total
	Month  string
	Rules  []retention.Rule
}

// ledgerTotal is a total with its key named for people.
type ledgerTotal struct {
	retention.Total
	Name string
}

// ledgerPage shows the ledger's totals by rule, county, district or month,
// and links the .xlsx export.
func (h *Handler) ledgerPage(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	q := r.URL.Query()
	d := ledgerData{By: q.Get("by"), Bys: []string{"rule", "county", "district", "month"}, Month: q.Get("month")}
	if d.By == "" {
		d.By = "rule"
	}
	ts, err := h.Retention.Totals(r.Context(), httpx.Actor(r.Context()), d.By)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	if d.Rules, err = h.Retention.Rules(r.Context()); err != nil {
		h.errorPage(w, r, err)
		return
	}
	names := map[string]string{}
	for _, rule := range d.Rules {
		names[rule.Code] = rule.Name
	}
	for _, t := range ts {
		lt := ledgerTotal{Total: t, Name: t.Key}
		switch d.By {
		case "rule":
			if n := names[t.Key]; n != "" {
				lt.Name = n
			}
		case "county", "district":
			if n := region.FullName(t.Key); n != "" {
				lt.Name = n
			}
		}
		d.Totals = append(d.Totals, lt)
		d.Sum.Claims += t.Claims
		d.Sum.Claimed += t.Claimed
		d.Sum.Approved += t.Approved
		d.Sum.Paid += t.Paid
		d.Sum.Rejected += t.Rejected
	}
	h.R.Render(w, r, http.StatusOK, "retention_ledger", h.page(r, "retention_ledger.title", d))
}

// ledgerXLSX streams the ledger through the service's export, the API's.
func (h *Handler) ledgerXLSX(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	q := r.URL.Query()
	f := retention.LedgerFilter{Rule: q.Get("rule"), Month: q.Get("month")}
	w.Header().Set("Content-Type", export.XLSX.ContentType())
	w.Header().Set("Content-Disposition", `attachment; filename="ledger.xlsx"`)
	if err := h.Retention.ExportLedger(r.Context(), httpx.Actor(r.Context()), f, w); err != nil {
		// Nothing is written before the query runs; a failure midway
		// leaves a truncated file and is logged.
		h.Log.ErrorContext(r.Context(), "ledger export", "request_id", httpx.RequestID(r.Context()), "err", err)
		w.Header().Del("Content-Disposition")
		h.errorPage(w, r, err)
	}
}
