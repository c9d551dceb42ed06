package web

import (
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/policy"
	"easyjob/internal/support"
)

// supportRoutes registers the enterprise-support pages: the employer's one page (which
// measures, why, how much; its profile; its tickets), a ticket, the departments' queue and
// figures, and a measure's parameters.
func (h *Handler) supportRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /employer/support", h.supportEmployer)
	mux.HandleFunc("POST /employer/support/profile", h.supportSaveProfile)
	mux.HandleFunc("POST /employer/support/tickets", h.supportRaise)
	mux.HandleFunc("POST /employer/support/claims", h.supportClaim)
	mux.HandleFunc("GET /support/tickets/{id}", h.supportTicket)
	mux.HandleFunc("POST /support/tickets/{id}/reply", h.supportReply)
	mux.HandleFunc("POST /support/tickets/{id}/close", h.supportClose)
	mux.HandleFunc("GET /officer/support", h.supportOfficer)
	mux.HandleFunc("GET /officer/support/measures/{slug}", h.supportMeasure)
	mux.HandleFunc("POST /officer/support/measures/{slug}", h.supportChangeParam)
}

// profileField is one input of the profile form, built from policy.Facts.
type profileField struct {
	Name, Label, Kind string // Kind: int, number, bool, choice, multi
	Value             string
	Values            map[string]bool // multi
	Choices           []choice
}

type choice struct{ Value, Label string }

// profileFields lists the profile's inputs with p's values, in the Profile's order.
func profileFields(p policy.Profile, lang string, t func(string) string) []profileField {
	v := reflect.ValueOf(p)
	var out []profileField
	for i, f := range policy.Facts {
		fv := v.Field(i)
		pf := profileField{Name: f.Name, Label: f.Label.In(lang)}
		switch fv.Kind() {
		case reflect.Pointer:
			switch fv.Type().Elem().Kind() {
			case reflect.Int:
				pf.Kind = "int"
				if !fv.IsNil() {
					pf.Value = strconv.Itoa(int(fv.Elem().Int()))
				}
			case reflect.Float64:
				pf.Kind = "number"
				if !fv.IsNil() {
					pf.Value = strconv.FormatFloat(fv.Elem().Float(), 'f', -1, 64)
				}
			case reflect.Bool:
				pf.Kind = "choice"
				pf.Choices = []choice{{"yes", t("support.yes")}, {"no", t("support.no")}}
				if !fv.IsNil() {
					pf.Value = map[bool]string{true: "yes", false: "no"}[fv.Elem().Bool()]
				}
			}
		case reflect.String:
			pf.Kind, pf.Value = "choice", fv.String()
			switch f.Name {
			case "industry":
				for _, k := range policy.Industries {
					pf.Choices = append(pf.Choices, choice{k.Key, k.Key + " " + k.Name.In(lang)})
				}
			case "district":
				for _, k := range policy.Districts {
					pf.Choices = append(pf.Choices, choice{k.Key, k.Name.In(lang)})
				}
			case "landlord":
				for _, k := range policy.LandlordKeys {
					pf.Choices = append(pf.Choices, choice{k, t("support.landlord." + k)})
				}
			}
		case reflect.Slice:
			pf.Kind, pf.Values = "multi", map[string]bool{}
			for _, k := range policy.ActivityKeys {
				pf.Choices = append(pf.Choices, choice{k, t("support.activity." + k)})
			}
			for j := range fv.Len() {
				pf.Values[fv.Index(j).String()] = true
			}
		}
		out = append(out, pf)
	}
	return out
}

// readProfile reads the profile form: an empty input is a fact not known; a word where a
// number is wanted is a field error.
func readProfile(r *http.Request) (policy.Profile, error) {
	var p policy.Profile
	v := reflect.ValueOf(&p).Elem()
	f := easyjob.Fields{}
	for i, fact := range policy.Facts {
		fv := v.Field(i)
		s := strings.TrimSpace(r.PostFormValue(fact.Name))
		switch fv.Kind() {
		case reflect.Pointer:
			if s == "" {
				continue
			}
			switch fv.Type().Elem().Kind() {
			case reflect.Int:
				n, err := strconv.Atoi(s)
				if err != nil {
					f.Add(fact.Name, "field.number")
					continue
				}
				fv.Set(reflect.ValueOf(&n))
			case reflect.Float64:
				x, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
				if err != nil {
					f.Add(fact.Name, "field.number")
					continue
				}
				fv.Set(reflect.ValueOf(&x))
			case reflect.Bool:
				b := s == "yes"
				fv.Set(reflect.ValueOf(&b))
			}
		case reflect.String:
			fv.SetString(s)
		case reflect.Slice:
			if r.PostFormValue(fact.Name+"_shown") == "" {
				continue
			}
			vals := append([]string{}, r.PostForm[fact.Name]...)
			fv.Set(reflect.ValueOf(vals))
		}
	}
	return p, f.Err()
}

// supportEmployerData is the employer's support page.
type supportEmployerData struct {
	Profile  support.EnterpriseProfile
	Fields   []profileField
	Result   support.Result
	Claims   map[string]support.Claim
	Tickets  []support.Ticket
	Measures []choice
	Kinds    []choice
	Open     bool // open the profile form
}

func (h *Handler) supportEmployer(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer) {
		return
	}
	p := h.page(r, "support_employer.title", nil)
	p.Form = map[string]string{"as_of": r.URL.Query().Get("as_of"), "measure": r.URL.Query().Get("measure")}
	h.renderSupportEmployer(w, r, http.StatusOK, p, nil)
}

func (h *Handler) renderSupportEmployer(w http.ResponseWriter, r *http.Request, status int, p Page, typed *policy.Profile) {
	ctx, a, lang := r.Context(), httpx.Actor(r.Context()), langOf(r)
	t := func(k string) string { return h.Cat.T(lang, k) }
	var asOf easyjob.Date
	if s := p.Form["as_of"]; s != "" {
		d, err := easyjob.ParseDate(s)
		if err != nil {
			p.Errors = map[string]string{"as_of": t("field.date")}
		} else {
			asOf = d
		}
	}
	ep, res, err := h.Support.CheckEmployer(ctx, a, a.EmployerID, asOf)
	if err != nil {
		if easyjob.ErrorCode(err) != easyjob.EINVALID {
			h.errorPage(w, r, err)
			return
		}
		status = h.formErrors(r, err, &p)
		_, res, err = h.Support.CheckEmployer(ctx, a, a.EmployerID, easyjob.Date{})
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
	}
	d := supportEmployerData{Profile: ep, Result: res, Open: ep.UpdatedAt.IsZero() || typed != nil}
	prof := ep.Profile
	if typed != nil {
		prof = *typed
	}
	d.Fields = profileFields(prof, lang, t)
	if d.Claims, err = h.Support.Claims(ctx, a, a.EmployerID); err != nil {
		h.errorPage(w, r, err)
		return
	}
	if d.Tickets, err = h.Support.Tickets(ctx, a, support.TicketFilter{}); err != nil {
		h.errorPage(w, r, err)
		return
	}
	for _, it := range res.Items {
		d.Measures = append(d.Measures, choice{it.Measure, strconv.Itoa(it.No) + ". " + it.Title})
	}
	for _, k := range support.Kinds {
		d.Kinds = append(d.Kinds, choice{string(k), t("support.kind." + string(k))})
	}
	if p.Form["as_of"] == "" {
		p.Form["as_of"] = res.AsOf.String()
	}
	p.Data = d
	h.R.Render(w, r, status, "support_employer", p)
}

func (h *Handler) supportSaveProfile(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer) {
		return
	}
	a := httpx.Actor(r.Context())
	prof, err := readProfile(r)
	if err == nil {
		_, err = h.Support.SaveProfile(r.Context(), a, a.EmployerID, prof)
	}
	if err != nil {
		p := h.page(r, "support_employer.title", nil)
		status := h.formErrors(r, err, &p)
		p.Form = map[string]string{"as_of": r.PostFormValue("as_of")}
		h.renderSupportEmployer(w, r, status, p, &prof)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.support_profile_saved"), false)
	http.Redirect(w, r, "/employer/support?as_of="+r.PostFormValue("as_of"), http.StatusSeeOther)
}

func (h *Handler) supportRaise(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer) {
		return
	}
	a := httpx.Actor(r.Context())
	in := support.TicketInput{EmployerID: a.EmployerID, Kind: support.Kind(r.PostFormValue("kind")), Measure: r.PostFormValue("measure"),
		Subject: r.PostFormValue("subject"), Body: r.PostFormValue("body")}
	if id, err := strconv.ParseInt(r.PostFormValue("employer_id"), 10, 64); err == nil {
		in.EmployerID = id // a ticket on another enterprise's behalf is refused by the service
	}
	t, err := h.Support.RaiseTicket(r.Context(), a, in)
	if err != nil {
		if easyjob.ErrorCode(err) != easyjob.EINVALID {
			h.errorPage(w, r, err)
			return
		}
		p := h.page(r, "support_employer.title", nil)
		status := h.formErrors(r, err, &p)
		p.Form = map[string]string{"kind": string(in.Kind), "measure": in.Measure, "subject": in.Subject, "body": in.Body}
		h.renderSupportEmployer(w, r, status, p, nil)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.support_ticket_raised", "id", t.ID), false)
	http.Redirect(w, r, "/support/tickets/"+strconv.FormatInt(t.ID, 10), http.StatusSeeOther)
}

func (h *Handler) supportClaim(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer) {
		return
	}
	a := httpx.Actor(r.Context())
	err := h.Support.ReportClaim(r.Context(), a, a.EmployerID, support.ClaimInput{Measure: r.PostFormValue("measure"), Applied: true})
	if err != nil {
		setFlash(w, h.errText(r, err), true)
	} else {
		setFlash(w, h.Cat.T(langOf(r), "flash.support_applied"), false)
	}
	http.Redirect(w, r, "/employer/support?as_of="+r.PostFormValue("as_of"), http.StatusSeeOther)
}

type supportTicketData struct {
	Ticket   support.Ticket
	Dept     string
	Measure  string
	Outcomes []choice
}

func (h *Handler) supportTicket(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer, easyjob.RoleOfficer) {
		return
	}
	h.renderTicket(w, r, http.StatusOK, h.page(r, "support_ticket.title", nil))
}

func (h *Handler) renderTicket(w http.ResponseWriter, r *http.Request, status int, p Page) {
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	ctx, a, lang := r.Context(), httpx.Actor(r.Context()), langOf(r)
	t, err := h.Support.Ticket(ctx, a, id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := supportTicketData{Ticket: t}
	if dp, ok := support.DepartmentOf(t.Department); ok {
		d.Dept = dp.Name.In(lang)
	}
	if t.Measure != "" {
		if m, err := h.Support.Measure(ctx, t.Measure); err == nil {
			d.Measure = m.Title.In(lang)
		}
	}
	for _, o := range support.Outcomes {
		d.Outcomes = append(d.Outcomes, choice{string(o), h.Cat.T(lang, "support.status."+string(o))})
	}
	p.Data = d
	if p.Form == nil {
		p.Form = map[string]string{}
	}
	h.R.Render(w, r, status, "support_ticket", p)
}

func (h *Handler) supportReply(w http.ResponseWriter, r *http.Request) {
	id, ok := h.officerPath(w, r)
	if !ok {
		return
	}
	in := support.ReplyInput{Outcome: support.Status(r.PostFormValue("outcome")), Body: r.PostFormValue("body")}
	if _, err := h.Support.ReplyTo(r.Context(), httpx.Actor(r.Context()), id, in); err != nil {
		if easyjob.ErrorCode(err) != easyjob.EINVALID {
			h.errorPage(w, r, err)
			return
		}
		p := h.page(r, "support_ticket.title", nil)
		status := h.formErrors(r, err, &p)
		p.Form = map[string]string{"outcome": string(in.Outcome), "body": in.Body}
		h.renderTicket(w, r, status, p)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.support_replied"), false)
	http.Redirect(w, r, "/support/tickets/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

func (h *Handler) supportClose(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer) {
		return
	}
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	in := support.CloseInput{Received: r.PostFormValue("received") == "yes"}
	in.Rating, _ = strconv.Atoi(r.PostFormValue("rating"))
	fields := easyjob.Fields{}
	if s := strings.TrimSpace(r.PostFormValue("received_cny")); s != "" {
		if v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64); err == nil {
			in.ReceivedCNY = &v
		} else {
			fields.Add("received_cny", "field.number")
		}
	}
	if s := strings.TrimSpace(r.PostFormValue("received_on")); s != "" {
		if d, err := easyjob.ParseDate(s); err == nil {
			in.ReceivedOn = d
		} else {
			fields.Add("received_on", "field.date")
		}
	}
	err := fields.Err()
	if err == nil {
		_, err = h.Support.Close(r.Context(), httpx.Actor(r.Context()), id, in)
	}
	if err != nil {
		if easyjob.ErrorCode(err) != easyjob.EINVALID {
			h.errorPage(w, r, err)
			return
		}
		p := h.page(r, "support_ticket.title", nil)
		status := h.formErrors(r, err, &p)
		p.Form = map[string]string{"received": r.PostFormValue("received"), "received_cny": r.PostFormValue("received_cny"),
			"received_on": r.PostFormValue("received_on"), "rating": r.PostFormValue("rating")}
		h.renderTicket(w, r, status, p)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.support_closed"), false)
	http.Redirect(w, r, "/support/tickets/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
