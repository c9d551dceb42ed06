package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/goodwill"
	"easyjob/internal/httpx"
	"easyjob/internal/store"
)

// The goodwill pages: a social organisation's home (stock, ledger, donations, packages,
// campaigns, courses) and its forms; the donor's receipt page; registration; the civil
// affairs bureau's verification queue. Campaign and course pages are in goodwill_campaign.go
// and goodwill_course.go.

func (h *Handler) goodwillRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /goodwill/register", h.goodwillRegisterForm)
	mux.HandleFunc("POST /goodwill/register", h.goodwillRegister)
	mux.HandleFunc("GET /goodwill", h.goodwillHome)
	mux.HandleFunc("GET /goodwill/donations/new", h.goodwillForm("donation"))
	mux.HandleFunc("POST /goodwill/donations", h.goodwillDonate)
	mux.HandleFunc("GET /goodwill/packages/new", h.goodwillForm("package"))
	mux.HandleFunc("POST /goodwill/packages", h.goodwillDefinePackage)
	mux.HandleFunc("GET /goodwill/campaigns/new", h.goodwillForm("campaign"))
	mux.HandleFunc("POST /goodwill/campaigns", h.goodwillCreateCampaign)
	mux.HandleFunc("GET /goodwill/courses/new", h.goodwillForm("course"))
	mux.HandleFunc("POST /goodwill/courses", h.goodwillCreateCourse)
	mux.HandleFunc("POST /goodwill/writeoffs", h.goodwillWriteOff)
	mux.HandleFunc("POST /goodwill/moves/{id}/reverse", h.goodwillReverse)
	mux.HandleFunc("GET /goodwill/receipts/{no}", h.goodwillReceipt)
	mux.HandleFunc("GET /officer/goodwill", h.goodwillOfficer)
	mux.HandleFunc("POST /officer/goodwill/{id}/review", h.goodwillReview)
	h.goodwillCampaignRoutes(mux)
	h.goodwillCourseRoutes(mux)
}

// goodwillStaff checks that the visitor is a staff member of an organisation and returns it.
// goodwillStaffPath checks the reader is an organisation's staff, then
// reads the page's {id}.
func (h *Handler) goodwillStaffPath(w http.ResponseWriter, r *http.Request) (int64, bool) {
	if _, ok := h.goodwillStaff(w, r); !ok {
		return 0, false
	}
	return h.pathID(w, r)
}

func (h *Handler) goodwillStaff(w http.ResponseWriter, r *http.Request) (goodwill.Org, bool) {
	if !h.require(w, r, easyjob.RoleOrg) {
		return goodwill.Org{}, false
	}
	ctx, a := r.Context(), httpx.Actor(r.Context())
	id, err := h.Goodwill.OrgOf(ctx, a)
	if err == nil && id == 0 {
		err = store.Forbidden()
	}
	var o goodwill.Org
	if err == nil {
		o, err = h.Goodwill.Org(ctx, a, id)
	}
	if err != nil {
		h.errorPage(w, r, err)
		return o, false
	}
	return o, true
}

type goodwillHomeData struct {
	Org       goodwill.Org
	Stock     goodwill.Stock
	Moves     []goodwill.Move
	Donations []goodwill.Donation
	Packages  []goodwill.Package
	Campaigns []goodwill.Campaign
	Courses   []goodwill.Course
	Key       string // idempotency key of the write-off form
}

func (h *Handler) goodwillHome(w http.ResponseWriter, r *http.Request) {
	o, ok := h.goodwillStaff(w, r)
	if !ok {
		return
	}
	h.renderGoodwillHome(w, r, http.StatusOK, h.page(r, "goodwill.title", nil), o)
}

func (h *Handler) renderGoodwillHome(w http.ResponseWriter, r *http.Request, status int, p Page, o goodwill.Org) {
	ctx, a := r.Context(), httpx.Actor(r.Context())
	d := goodwillHomeData{Org: o, Key: newKey()}
	var err error
	if o.Status.Verified() {
		d.Stock, err = h.Goodwill.Stock(ctx, a, o.ID)
		if err == nil {
			d.Moves, err = h.Goodwill.Moves(ctx, a, o.ID, 30)
		}
		if err == nil {
			d.Donations, err = h.Goodwill.Donations(ctx, a, o.ID)
		}
		if err == nil {
			d.Packages, err = h.Goodwill.Packages(ctx, a, o.ID)
		}
		if err == nil {
			d.Campaigns, err = h.Goodwill.Campaigns(ctx, a, o.ID)
		}
		if err == nil {
			d.Courses, err = h.Goodwill.Courses(ctx, a, o.ID)
		}
	}
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	p.Title = o.Name
	p.Data = d
	h.R.Render(w, r, status, "goodwill_home", p)
}

// newKey is a fresh idempotency key for a form: a double click sends the same key twice.
func newKey() string {
	var b [12]byte
	rand.Read(b[:])
	return "web-" + hex.EncodeToString(b[:])
}

// goodwillFormData is what the organisation's forms choose from.
type goodwillFormData struct {
	Form      string
	Key       string
	Groups    []goodwill.Group
	Packages  []goodwill.Package
	Campaigns []goodwill.Campaign
	Districts []Option
	Lines     []int
	Modes     []string
}

func (h *Handler) goodwillForm(form string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		o, ok := h.goodwillStaff(w, r)
		if !ok {
			return
		}
		p := h.page(r, "goodwill.form."+form, nil)
		p.Form = map[string]string{"kind": "goods", "mode": "place", "minutes": "90", "lines0.unit": ""}
		h.renderGoodwillForm(w, r, http.StatusOK, p, o, form)
	}
}

func (h *Handler) renderGoodwillForm(w http.ResponseWriter, r *http.Request, status int, p Page, o goodwill.Org, form string) {
	ctx, a := r.Context(), httpx.Actor(r.Context())
	d := goodwillFormData{Form: form, Key: newKey(), Groups: goodwill.Groups, Districts: districtOptions(langOf(r)), Lines: []int{0, 1, 2},
		Modes: []string{"place", "online"}}
	if k := p.Form["idempotency_key"]; k != "" {
		d.Key = k // a refused form keeps its key: the corrected one is the same request
	}
	var err error
	if d.Packages, err = h.Goodwill.Packages(ctx, a, o.ID); err == nil {
		d.Campaigns, err = h.Goodwill.Campaigns(ctx, a, o.ID)
	}
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	p.Title = h.Cat.T(langOf(r), "goodwill.form."+form)
	p.Data = d
	h.R.Render(w, r, status, "goodwill_form", p)
}

// goodwillFormFailed shows a refused form again with its messages, or the error page.
func (h *Handler) goodwillFormFailed(w http.ResponseWriter, r *http.Request, o goodwill.Org, form string, f map[string]string, err error) {
	p := h.page(r, "goodwill.form."+form, nil)
	p.Form = f
	status := h.formErrors(r, err, &p)
	if easyjob.ErrorCode(err) != easyjob.EINVALID && easyjob.ErrorCode(err) != easyjob.ECONFLICT {
		h.errorPage(w, r, err)
		return
	}
	h.renderGoodwillForm(w, r, status, p, o, form)
}

func lineValues(r *http.Request, f map[string]string) {
	for i := range 3 {
		for _, k := range []string{"item", "unit", "qty"} {
			n := fmt.Sprintf("lines%d.%s", i, k)
			f[n] = r.PostFormValue(n)
		}
	}
}

// lines reads the filled item lines; a quantity that is not a whole number is refused.
func lines(f map[string]string, bad easyjob.Fields, field string) []goodwill.Line {
	var out []goodwill.Line
	for i := range 3 {
		p := fmt.Sprintf("lines%d.", i)
		if strings.TrimSpace(f[p+"item"]) == "" && strings.TrimSpace(f[p+"qty"]) == "" {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(f[p+"qty"]), 10, 64)
		if err != nil {
			bad.Add(p+"qty", "goodwill.qty_positive")
		}
		out = append(out, goodwill.Line{Item: f[p+"item"], Unit: f[p+"unit"], Qty: n})
	}
	return out
}

// renameLines maps the service's "lines[1].qty" to the form's "lines1.qty" (whose lines may
// skip blanks, so the n-th filled line is named).
func renameLines(err error, prefix string, f map[string]string) error {
	de, ok := err.(*easyjob.Error)
	if !ok || len(de.Fields) == 0 {
		return err
	}
	var filled []int
	for i := range 3 {
		p := fmt.Sprintf("lines%d.", i)
		if strings.TrimSpace(f[p+"item"]) != "" || strings.TrimSpace(f[p+"qty"]) != "" {
			filled = append(filled, i)
		}
	}
	out := map[string]easyjob.Msg{}
	for k, m := range de.Fields {
		var n int
		var rest string
		if c, _ := fmt.Sscanf(k, prefix+"[%d]%s", &n, &rest); c == 2 && n < len(filled) {
			k = fmt.Sprintf("lines%d%s", filled[n], rest)
		}
		out[k] = m
	}
	de.Fields = out
	return de
}

func (h *Handler) goodwillDonate(w http.ResponseWriter, r *http.Request) {
	o, ok := h.goodwillStaff(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	f := formValues(r, "kind", "donor", "earmark", "campaign_id", "amount", "idempotency_key")
	lineValues(r, f)
	bad := easyjob.Fields{}
	in := goodwill.DonationInput{Kind: goodwill.DonationKind(f["kind"]), Donor: f["donor"], Earmark: goodwill.Group(f["earmark"]), IdemKey: f["idempotency_key"]}
	if v := f["campaign_id"]; v != "" {
		in.CampaignID, _ = strconv.ParseInt(v, 10, 64)
	}
	if in.Kind == goodwill.Money {
		fen, ok := goodwill.ParseYuan(f["amount"])
		if !ok {
			bad.Add("amount", "field.number")
		}
		in.AmountFen = fen
	} else {
		in.Lines = lines(f, bad, "lines")
	}
	err := bad.Err()
	var d goodwill.Donation
	if err == nil {
		d, err = h.Goodwill.Donate(r.Context(), httpx.Actor(r.Context()), in)
		if de, ok := err.(*easyjob.Error); ok && de.Fields != nil {
			if m, ok := de.Fields["amount_fen"]; ok {
				de.Fields["amount"] = m
			}
		}
		err = renameLines(err, "lines", f)
	}
	if err != nil {
		h.goodwillFormFailed(w, r, o, "donation", f, err)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "goodwill.flash.donated", "no", d.ReceiptNo), false)
	http.Redirect(w, r, d.ReceiptPath(), http.StatusSeeOther)
}

func (h *Handler) goodwillDefinePackage(w http.ResponseWriter, r *http.Request) {
	o, ok := h.goodwillStaff(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	f := formValues(r, "name", "value")
	lineValues(r, f)
	bad := easyjob.Fields{}
	fen, okv := goodwill.ParseYuan(f["value"])
	if !okv {
		bad.Add("value", "field.number")
	}
	in := goodwill.PackageInput{Name: f["name"], ValueFen: fen, Items: lines(f, bad, "items")}
	err := bad.Err()
	if err == nil {
		_, err = h.Goodwill.DefinePackage(r.Context(), httpx.Actor(r.Context()), in)
		err = renameLines(err, "items", f)
	}
	if err != nil {
		h.goodwillFormFailed(w, r, o, "package", f, err)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "goodwill.flash.package", "name", in.Name), false)
	http.Redirect(w, r, "/goodwill#packages", http.StatusSeeOther)
}

func (h *Handler) goodwillCreateCampaign(w http.ResponseWriter, r *http.Request) {
	o, ok := h.goodwillStaff(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	f := formValues(r, "name", "target", "package_id", "point_name", "point_district", "point_address")
	bad := easyjob.Fields{}
	in := goodwill.CampaignInput{Name: f["name"], Points: []goodwill.Point{{Name: f["point_name"], District: f["point_district"], Address: f["point_address"]}}}
	for _, g := range r.PostForm["groups"] {
		in.Groups = append(in.Groups, goodwill.Group(g))
		f["group."+g] = "on"
	}
	var err error
	if in.Target, err = strconv.Atoi(strings.TrimSpace(f["target"])); err != nil {
		bad.Add("target", "goodwill.target_positive")
	}
	in.PackageID, _ = strconv.ParseInt(f["package_id"], 10, 64)
	err = bad.Err()
	var c goodwill.Campaign
	if err == nil {
		c, err = h.Goodwill.CreateCampaign(r.Context(), httpx.Actor(r.Context()), in)
		if de, ok := err.(*easyjob.Error); ok && de.Fields != nil {
			for k, m := range de.Fields {
				if strings.HasPrefix(k, "points[0].") {
					de.Fields["point_"+strings.TrimPrefix(k, "points[0].")] = m
				}
			}
		}
	}
	if err != nil {
		h.goodwillFormFailed(w, r, o, "campaign", f, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/goodwill/campaigns/%d", c.ID), http.StatusSeeOther)
}

func (h *Handler) goodwillCreateCourse(w http.ResponseWriter, r *http.Request) {
	o, ok := h.goodwillStaff(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	f := formValues(r, "title", "mode", "place", "counsellor", "capacity", "minutes", "session0", "session1", "session2")
	bad := easyjob.Fields{}
	in := goodwill.CourseInput{Title: f["title"], Mode: f["mode"], Place: f["place"], Counsellor: f["counsellor"]}
	var err error
	if in.Capacity, err = strconv.Atoi(strings.TrimSpace(f["capacity"])); err != nil {
		bad.Add("capacity", "goodwill.capacity_range")
	}
	if in.Minutes, err = strconv.Atoi(strings.TrimSpace(f["minutes"])); err != nil {
		bad.Add("minutes", "goodwill.minutes_range")
	}
	for i := range 3 {
		k := fmt.Sprintf("session%d", i)
		if strings.TrimSpace(f[k]) == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02T15:04", strings.TrimSpace(f[k]), easyjob.Shanghai)
		if err != nil {
			bad.Add(k, "goodwill.session_time")
			continue
		}
		in.Sessions = append(in.Sessions, t)
	}
	err = bad.Err()
	var c goodwill.Course
	if err == nil {
		c, err = h.Goodwill.CreateCourse(r.Context(), httpx.Actor(r.Context()), in)
		if de, ok := err.(*easyjob.Error); ok && de.Fields != nil {
			for k, m := range de.Fields {
				var n int
				if c, _ := fmt.Sscanf(k, "sessions[%d]", &n); c == 1 {
					de.Fields[fmt.Sprintf("session%d", n)] = m
				}
				if k == "sessions" {
					de.Fields["session0"] = m
				}
			}
		}
	}
	if err != nil {
		h.goodwillFormFailed(w, r, o, "course", f, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/goodwill/courses/%d", c.ID), http.StatusSeeOther)
}

func (h *Handler) goodwillWriteOff(w http.ResponseWriter, r *http.Request) {
	o, ok := h.goodwillStaff(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	f := formValues(r, "item_id", "qty", "reason", "idempotency_key")
	in := goodwill.WriteOffInput{Reason: f["reason"], IdemKey: f["idempotency_key"]}
	in.ItemID, _ = strconv.ParseInt(f["item_id"], 10, 64)
	var err error
	if in.Qty, err = strconv.ParseInt(strings.TrimSpace(f["qty"]), 10, 64); err != nil {
		in.Qty = 0 // refused below with the field named
	}
	if err = h.Goodwill.WriteOff(r.Context(), httpx.Actor(r.Context()), in); err != nil {
		p := h.page(r, "goodwill.title", nil)
		p.Form = f
		h.renderGoodwillHome(w, r, h.formErrors(r, err, &p), p, o)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "goodwill.flash.written_off"), false)
	http.Redirect(w, r, "/goodwill#stock", http.StatusSeeOther)
}

func (h *Handler) goodwillReverse(w http.ResponseWriter, r *http.Request) {
	o, ok := h.goodwillStaff(w, r)
	if !ok {
		return
	}
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	err := h.Goodwill.Reverse(r.Context(), httpx.Actor(r.Context()), id, r.PostFormValue("reason"), r.PostFormValue("idempotency_key"))
	if err != nil {
		p := h.page(r, "goodwill.title", nil)
		h.renderGoodwillHome(w, r, h.formErrors(r, err, &p), p, o)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "goodwill.flash.reversed"), false)
	http.Redirect(w, r, "/goodwill#ledger", http.StatusSeeOther)
}

func (h *Handler) goodwillReceipt(w http.ResponseWriter, r *http.Request) {
	setLangCookie(w, r)
	t, err := h.Goodwill.Trace(r.Context(), r.PathValue("no"), r.URL.Query().Get("key"))
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "goodwill_receipt", h.page(r, "goodwill.receipt.title", t))
}

func (h *Handler) goodwillRegisterForm(w http.ResponseWriter, r *http.Request) {
	setLangCookie(w, r)
	p := h.page(r, "goodwill.register.title", choices(langOf(r)))
	p.Form = map[string]string{}
	h.R.Render(w, r, http.StatusOK, "goodwill_register", p)
}

func (h *Handler) goodwillRegister(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f := formValues(r, "name", "uscc", "district", "contact_name", "username")
	in := goodwill.OrgSignup{Name: f["name"], USCC: f["uscc"], District: f["district"], ContactName: f["contact_name"],
		Username: f["username"], Password: r.PostFormValue("password")}
	if _, _, err := h.Goodwill.Register(r.Context(), in); err != nil {
		p := h.page(r, "goodwill.register.title", choices(langOf(r)))
		p.Form = f
		h.R.Render(w, r, h.formErrors(r, err, &p), "goodwill_register", p)
		return
	}
	tok, _, err := h.S.Login(r.Context(), in.Username, in.Password, "web")
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	httpx.SetSession(w, r, tok)
	setFlash(w, h.Cat.T(langOf(r), "goodwill.flash.registered"), false)
	http.Redirect(w, r, "/goodwill", http.StatusSeeOther)
}

func (h *Handler) goodwillOfficer(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	orgs, err := h.Goodwill.Orgs(r.Context(), httpx.Actor(r.Context()))
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	h.R.Render(w, r, http.StatusOK, "goodwill_officer", h.page(r, "goodwill.officer.title", orgs))
}

func (h *Handler) goodwillReview(w http.ResponseWriter, r *http.Request) {
	id, ok := h.officerPath(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	o, err := h.Goodwill.Review(r.Context(), httpx.Actor(r.Context()), id, r.PostFormValue("decision"), r.PostFormValue("comment"))
	if err != nil {
		h.ErrorPage(w, r, err)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "goodwill.flash.reviewed", "name", o.Name), false)
	http.Redirect(w, r, "/officer/goodwill", http.StatusSeeOther)
}
