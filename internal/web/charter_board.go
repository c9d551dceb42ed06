package web

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"strconv"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/httpx"
	"easyjob/internal/region"
	"easyjob/internal/store"

	qrcode "github.com/skip2/go-qrcode"
)

func countyNameOf(code string) string { return region.FullName(code) }

// manifestData is a charter's manifest, for the printable page and the
// boarding page.
type manifestData struct {
	charterCard
	Others   []charterCard // other charters of the plan (to reassign a seat)
	Boarded  int
	Assigned int
	Last     *charter.ManifestRow // the rider just checked in
	Code     string
	// DepartWarning: departing now is far from the planned time; the page
	// asks to confirm.
	DepartWarning string
}

func (h *Handler) manifest(w http.ResponseWriter, r *http.Request) (manifestData, bool) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		h.errorPage(w, r, easyjob.NotFound("charter"))
		return manifestData{}, false
	}
	a := httpx.Actor(r.Context())
	m, err := h.Charter.Manifest(r.Context(), a, id)
	if err != nil {
		h.errorPage(w, r, err)
		return manifestData{}, false
	}
	d := manifestData{charterCard: charterCard{CharterView: m, Depart: shanghaiTime(m.DepartAt)}}
	for _, x := range m.Riders {
		switch {
		case x.Status.Boarded():
			d.Boarded++
		case x.Status.Assigned():
			d.Assigned++
		}
	}
	others, err := every(func(o store.ListOptions) (easyjob.Page[charter.CharterView], error) {
		return h.Charter.Charters(r.Context(), a, charter.CharterFilter{ListOptions: o, PlanID: m.PlanID})
	})
	if err == nil {
		for _, o := range others {
			if o.ID != m.ID && o.HasRoom() {
				d.Others = append(d.Others, charterCard{CharterView: o})
			}
		}
	}
	return d, true
}

// manifestView serves a page built on a charter's manifest (the printable
// manifest, the boarding page); officers only.
func (h *Handler) manifestView(page string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !h.require(w, r, easyjob.RoleOfficer) {
			return
		}
		d, ok := h.manifest(w, r)
		if !ok {
			return
		}
		h.R.Render(w, r, http.StatusOK, page, h.page(r, page+".title", d))
	}
}

func (h *Handler) manifestXLSX(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	d, ok := h.manifest(w, r)
	if !ok {
		return
	}
	lang := langOf(r)
	t := func(k string) string { return h.Cat.T(lang, k) }
	header := []string{t("manifest.seat"), t("field.label.name"), t("field.label.id_number"), t("field.label.phone"),
		t("manifest.pickup"), t("manifest.depart"), t("manifest.stop"), t("manifest.employer"), t("manifest.status")}
	var rows [][]string
	for _, x := range d.Riders {
		rows = append(rows, []string{strconv.Itoa(x.SeatNo), x.Name, x.IDNumber, x.Phone, d.Pickup.Name, d.Depart,
			strconv.Itoa(x.StopSeq), x.EmployerName, t("seat." + string(x.Status))})
	}
	w.Header().Set("Content-Type", export.XLSX.ContentType())
	w.Header().Set("Content-Disposition", `attachment; filename="manifest-`+strconv.FormatInt(d.ID, 10)+`.xlsx"`)
	if err := export.WriteXLSX(w, t("charter_manifest.title"), header, rows); err != nil {
		h.Log.ErrorContext(r.Context(), "manifest export", "request_id", httpx.RequestID(r.Context()), "err", err)
	}
}

func (h *Handler) boardCheckIn(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		h.errorPage(w, r, easyjob.NotFound("charter"))
		return
	}
	r.ParseForm()
	row, err := h.Charter.CheckIn(r.Context(), httpx.Actor(r.Context()), id, r.PostFormValue("code"))
	if err != nil {
		setFlash(w, h.errText(r, err), true)
	} else {
		setFlash(w, h.Cat.T(langOf(r), "flash.boarded", "name", row.Name, "seat", row.SeatNo), false)
	}
	http.Redirect(w, r, "/officer/charters/"+strconv.FormatInt(id, 10)+"/board", http.StatusSeeOther)
}

func (h *Handler) charterDepart(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		h.errorPage(w, r, easyjob.NotFound("charter"))
		return
	}
	r.ParseForm()
	res, err := h.Charter.Depart(r.Context(), httpx.Actor(r.Context()), id, r.PostFormValue("confirm") == "yes")
	if charter.DepartOutOfWindow(err) {
		// Ask again on the boarding page, with the warning and a confirm button.
		d, ok := h.manifest(w, r)
		if !ok {
			return
		}
		d.DepartWarning = h.errText(r, err)
		h.R.Render(w, r, http.StatusConflict, "charter_board", h.page(r, "charter_board.title", d))
		return
	}
	if err != nil {
		setFlash(w, h.errText(r, err), true)
		http.Redirect(w, r, "/officer/charters/"+strconv.FormatInt(id, 10)+"/board", http.StatusSeeOther)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.departed", "n", res.Departed, "no_shows", res.NoShows, "failed", len(res.Failed)), len(res.Failed) > 0)
	http.Redirect(w, r, "/officer/charters/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// seatAction runs an action on a seat and goes back to the boarding page.
func (h *Handler) seatAction(w http.ResponseWriter, r *http.Request, do func(seatID int64) (string, error)) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		h.errorPage(w, r, easyjob.NotFound("seat"))
		return
	}
	r.ParseForm()
	back := r.PostFormValue("charter")
	msg, err := do(id)
	if err != nil {
		setFlash(w, h.errText(r, err), true)
	} else {
		setFlash(w, msg, false)
	}
	if _, perr := strconv.ParseInt(back, 10, 64); perr != nil {
		http.Redirect(w, r, "/officer/charters", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/officer/charters/"+back+"/board", http.StatusSeeOther)
}

func (h *Handler) seatNoShow(w http.ResponseWriter, r *http.Request) {
	h.seatAction(w, r, func(seatID int64) (string, error) {
		return h.Cat.T(langOf(r), "flash.no_show"), h.Charter.MarkNoShow(r.Context(), httpx.Actor(r.Context()), seatID)
	})
}

func (h *Handler) seatReassign(w http.ResponseWriter, r *http.Request) {
	h.seatAction(w, r, func(seatID int64) (string, error) {
		to, _ := strconv.ParseInt(r.PostFormValue("to"), 10, 64)
		row, err := h.Charter.ReassignSeat(r.Context(), httpx.Actor(r.Context()), seatID, to)
		return h.Cat.T(langOf(r), "flash.reassigned", "name", row.Name, "seat", row.SeatNo), err
	})
}

type arrivalsData struct {
	Arrivals []arrivalRow
}

type arrivalRow struct {
	charter.Arrival
	Departed string
}

func (h *Handler) arrivalsPage(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer, easyjob.RoleOfficer) {
		return
	}
	xs, err := every(func(o store.ListOptions) (easyjob.Page[charter.Arrival], error) {
		return h.Charter.Arrivals(r.Context(), httpx.Actor(r.Context()), o)
	})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	var d arrivalsData
	for _, x := range xs {
		d.Arrivals = append(d.Arrivals, arrivalRow{Arrival: x, Departed: shanghaiTime(x.DepartedAt)})
	}
	h.R.Render(w, r, http.StatusOK, "charter_arrivals", h.page(r, "charter_arrivals.title", d))
}

func (h *Handler) arrivalConfirm(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleEmployer, easyjob.RoleOfficer) {
		return
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		h.errorPage(w, r, easyjob.NotFound("application"))
		return
	}
	app, err := h.Charter.ConfirmArrival(r.Context(), httpx.Actor(r.Context()), id)
	if err != nil {
		setFlash(w, h.errText(r, err), true)
	} else {
		setFlash(w, h.Cat.T(langOf(r), "flash.arrival_confirmed", "name", app.SeekerName), false)
	}
	back := "/officer/arrivals"
	if httpx.Actor(r.Context()).Role == easyjob.RoleEmployer {
		back = "/employer/arrivals"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

type passData struct {
	charter.Pass
	Depart string
	QR     template.URL
	URL    string
}

// passURL is what a boarding pass's QR code holds: the pass page's address.
// The officer's boarding page accepts it as scanned.
func passURL(r *http.Request, token string) string {
	scheme := "http"
	if httpx.SecureRequest(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/seeker/pass/" + token
}

func (h *Handler) passPage(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleSeeker, easyjob.RoleOfficer) {
		return
	}
	ps, err := h.Charter.PassByToken(r.Context(), httpx.Actor(r.Context()), r.PathValue("token"))
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := passData{Pass: ps, Depart: shanghaiTime(ps.DepartAt), URL: passURL(r, ps.Token)}
	png, err := qrcode.Encode(d.URL, qrcode.Medium, 320)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	h.R.Render(w, r, http.StatusOK, "charter_pass", h.page(r, "charter_pass.title", d))
}

// seatLine is what a seeker's application shows about their seat.
func (h *Handler) seatLine(r *http.Request, p charter.Pass) string {
	t := p.DepartAt.In(easyjob.Shanghai)
	return h.Cat.T(langOf(r), "seat.line", "seat", p.SeatNo, "bus", p.CharterNumber, "month", int(t.Month()), "day", t.Day(),
		"time", t.Format("15:04"), "place", p.Pickup)
}
