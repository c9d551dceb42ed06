package web

import (
	"net/http"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/store"
)

type formChoices struct {
	Districts []Option
	Streets   []Group
	Trades    []Option
}

func choices(lang string) formChoices {
	return formChoices{Districts: districtOptions(lang), Streets: streetGroups(lang), Trades: tradeOptions(lang)}
}

func (h *Handler) employerRegisterForm(w http.ResponseWriter, r *http.Request) {
	setLangCookie(w, r)
	p := h.page(r, "employer_register.title", choices(langOf(r)))
	p.Form = map[string]string{}
	h.R.Render(w, r, http.StatusOK, "employer_register", p)
}

func (h *Handler) employerRegister(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	f := formValues(r, "name", "credit_code", "district", "street", "address", "contact_name", "contact_phone", "industry", "username")
	in := store.EmployerSignup{EmployerInput: easyjob.EmployerInput{
		Name: f["name"], CreditCode: f["credit_code"], District: f["district"], Street: f["street"], Address: f["address"],
		ContactName: f["contact_name"], ContactPhone: f["contact_phone"], Industry: f["industry"],
	}, Username: f["username"], Password: r.PostFormValue("password")}
	_, _, err := h.S.RegisterEmployer(r.Context(), in)
	if err != nil {
		p := h.page(r, "employer_register.title", choices(langOf(r)))
		p.Form = f
		h.R.Render(w, r, h.formErrors(r, err, &p), "employer_register", p)
		return
	}
	tok, _, err := h.S.Login(r.Context(), in.Username, in.Password, "web")
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	httpx.SetSession(w, r, tok)
	http.Redirect(w, r, "/employer?done=registered", http.StatusSeeOther)
}

// formValues reads the named form fields, trimmed of nothing: what the user
// typed goes back into the form unchanged.
func formValues(r *http.Request, names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[n] = r.PostFormValue(n)
	}
	return m
}
