package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/equipment"
	"easyjob/internal/export"
	"easyjob/internal/httpx"
	"easyjob/internal/region"
)

// equipmentRoutes registers the shared-equipment and reward-challenge pages
// (docs/EQUIPMENT.md): the search (public), an instrument with its week and the booking
// form, a researcher's bookings with check-in, the lab manager's approval queue, list,
// import and usage export; the public challenges, taking one up, the expert's review, and
// the commission's challenges, rounds, award, payments and budget. They call the same
// service methods as the API.
func (h *Handler) equipmentRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /equipment", h.equipmentSearch)
	mux.HandleFunc("GET /equipment/{id}", h.instrumentPage)
	mux.HandleFunc("POST /equipment/{id}/bookings", h.instrumentBook)
	mux.HandleFunc("GET /equipment/bookings", h.myBookings)
	mux.HandleFunc("POST /equipment/bookings/{id}/{action}", h.bookingAction)
	mux.HandleFunc("GET /equipment/lab", h.labPage)
	mux.HandleFunc("POST /equipment/lab/import", h.labImport)
	mux.HandleFunc("POST /equipment/lab/instruments/{id}/sharing", h.labSharing)
	mux.HandleFunc("GET /equipment/lab/usage.xlsx", h.labUsageXLSX)
	h.challengeRoutes(mux)
}

// equipmentBase is what every equipment page shows around its content: the reader's
// standing (nil for visitors and officers) for the tabs.
type equipmentBase struct {
	Me *equipment.Person
}

func (h *Handler) me(r *http.Request) *equipment.Person {
	a := httpx.Actor(r.Context())
	if a.Role != easyjob.RoleResearcher {
		return nil
	}
	p, err := h.Equipment.Person(r.Context(), a.UserID)
	if err != nil {
		return nil
	}
	return &p
}

type option struct{ Value, Label string }

type searchData struct {
	equipmentBase
	Categories []option
	Districts  []option
	Result     equipment.Result
	Searched   bool
}

func (h *Handler) districtOptions() []option {
	var out []option
	for _, d := range region.ShenzhenDistricts() {
		out = append(out, option{d.Code, d.Name})
	}
	return out
}

func (h *Handler) categoryOptions(r *http.Request) []option {
	var out []option
	for _, c := range equipment.Categories {
		out = append(out, option{c.Key, h.Cat.T(langOf(r), "equipment_category."+c.Key)})
	}
	return out
}

// equipmentSearch is the registry's search: keyword, category, district, biosafety level,
// a free window on one day and the distance from a district (the researcher's own by
// default).
func (h *Handler) equipmentSearch(w http.ResponseWriter, r *http.Request) {
	setLangCookie(w, r)
	q := r.URL.Query()
	d := searchData{equipmentBase: equipmentBase{Me: h.me(r)}, Categories: h.categoryOptions(r), Districts: h.districtOptions()}
	form := map[string]string{}
	for _, k := range []string{"q", "category", "district", "biosafety", "day", "from", "to", "near", "km"} {
		form[k] = strings.TrimSpace(q.Get(k))
	}
	if form["near"] == "" && d.Me != nil && len(q) == 0 {
		form["near"], form["km"] = d.Me.District, "10"
	}
	p := h.page(r, "equipment_search.title", nil)
	p.Form = form
	// The page's own fields (a day and two times) become the API's free_from and free_to.
	v := r.URL.Query()
	bad := easyjob.Fields{}
	if form["day"] != "" || form["from"] != "" || form["to"] != "" {
		if form["day"] == "" || form["from"] == "" || form["to"] == "" {
			bad.Add("to", "equipment.free_both")
		} else {
			v.Set("free_from", form["day"]+"T"+form["from"])
			v.Set("free_to", form["day"]+"T"+form["to"])
		}
	}
	if form["near"] != "" {
		v.Set("near", form["near"])
		if form["km"] == "" {
			v.Set("km", "10")
		}
	}
	req := r.Clone(r.Context())
	req.URL.RawQuery = v.Encode()
	f, err := equipment.ParseFilter(req.URL.Query())
	if err == nil {
		err = bad.Err()
	}
	if err == nil {
		d.Result, err = h.Equipment.Search(r.Context(), httpx.Actor(r.Context()), f)
		d.Searched = true
	}
	status := http.StatusOK
	if err != nil {
		status = h.formErrors(r, err, &p)
	}
	p.Data = d
	h.R.Render(w, r, status, "equipment_search", p)
}

type dayView struct {
	Day      string
	Bookings []equipment.Booking
}

type instrumentData struct {
	equipmentBase
	X        equipment.Instrument
	Week     []dayView
	CanBook  bool
	Why      string // why the reader cannot book, in their words
	Start    string // a suggested start for the form
	End      string
	Category string
}

func (h *Handler) instrumentPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	p := h.page(r, "equipment_instrument.title", nil)
	h.renderInstrument(w, r, id, http.StatusOK, p)
}

func (h *Handler) renderInstrument(w http.ResponseWriter, r *http.Request, id int64, status int, p Page) {
	ctx, a := r.Context(), httpx.Actor(r.Context())
	x, err := h.Equipment.Instrument(ctx, a, id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	now := h.S.Now()
	today := easyjob.DateOf(now)
	from := time.Unix(startOfDayMillis(today)/1000, 0)
	cal, err := h.Equipment.Calendar(ctx, id, from, from.Add(7*24*time.Hour))
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d := instrumentData{equipmentBase: equipmentBase{Me: h.me(r)}, X: x, Category: h.Cat.T(langOf(r), "equipment_category."+x.Category)}
	for i := range 7 {
		day := today.AddDays(i)
		v := dayView{Day: day.String()}
		for _, b := range cal {
			if easyjob.DateOf(b.Start) == day {
				v.Bookings = append(v.Bookings, b)
			}
		}
		d.Week = append(d.Week, v)
	}
	lang := langOf(r)
	switch {
	case d.Me == nil:
		d.Why = h.Cat.T(lang, "equipment_instrument.sign_in")
	case !x.Sharing.Bookable():
		d.Why = h.Cat.T(lang, "equipment.out_of_service", "reason", x.OutReason)
	case d.Me.Biosafety < x.Biosafety:
		d.Why = h.Cat.T(lang, "equipment.biosafety", "need", x.Biosafety, "have", d.Me.Biosafety)
	case x.Certificate != "" && !d.Me.Holds(x.Certificate):
		d.Why = h.Cat.T(lang, "equipment.certificate", "certificate", x.Certificate)
	case d.Me.Suspended(now):
		d.Why = h.Cat.T(lang, "equipment.suspended", "until", equipment.Clock(d.Me.SuspendedUntil))
	default:
		d.CanBook = true
	}
	start := now.Add(time.Duration(x.NoticeMinutes)*time.Minute + time.Hour).Truncate(time.Hour)
	d.Start = start.In(easyjob.Shanghai).Format("2006-01-02T15:04")
	d.End = start.Add(time.Hour).In(easyjob.Shanghai).Format("2006-01-02T15:04")
	if p.Form == nil {
		p.Form = map[string]string{"start": d.Start, "end": d.End}
		if q := r.URL.Query(); q.Get("start") != "" {
			p.Form["start"], p.Form["end"] = q.Get("start"), q.Get("end")
		}
	}
	p.Title = x.Name
	p.Data = d
	h.R.Render(w, r, status, "equipment_instrument", p)
}

func startOfDayMillis(d easyjob.Date) int64 {
	y, m, dd := d.Time().Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, easyjob.Shanghai).UnixMilli()
}

func (h *Handler) instrumentBook(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleResearcher) {
		return
	}
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	in := equipment.BookingInput{Start: r.PostFormValue("start"), End: r.PostFormValue("end"), Project: r.PostFormValue("project"),
		Emergency: r.PostFormValue("emergency") == "on"}
	b, err := h.Equipment.Book(r.Context(), httpx.Actor(r.Context()), id, in)
	if err != nil {
		if code := easyjob.ErrorCode(err); code == easyjob.ENOTFOUND {
			h.errorPage(w, r, err)
			return
		}
		p := h.page(r, "equipment_instrument.title", nil)
		p.Form = formValues(r, "start", "end", "project", "emergency")
		status := h.formErrors(r, err, &p)
		h.renderInstrument(w, r, id, status, p)
		return
	}
	key := "flash.booking_confirmed"
	if b.Status.AwaitsApproval() {
		key = "flash.booking_pending"
	}
	setFlash(w, h.Cat.T(langOf(r), key, "name", b.Instrument, "when", b.When()), false)
	http.Redirect(w, r, "/equipment/bookings", http.StatusSeeOther)
}

type bookingsData struct {
	equipmentBase
	Items []bookingView
}

type bookingView struct {
	equipment.Booking
	CheckIn bool
}

func (h *Handler) myBookings(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleResearcher) {
		return
	}
	xs, err := h.Equipment.MyBookings(r.Context(), httpx.Actor(r.Context()))
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	now := h.S.Now()
	d := bookingsData{equipmentBase: equipmentBase{Me: h.me(r)}}
	for _, b := range xs {
		d.Items = append(d.Items, bookingView{Booking: b, CheckIn: b.CheckInOpen(now)})
	}
	h.R.Render(w, r, http.StatusOK, "equipment_bookings", h.page(r, "equipment_bookings.title", d))
}

func (h *Handler) bookingAction(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleResearcher) {
		return
	}
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	ctx, a := r.Context(), httpx.Actor(r.Context())
	var b equipment.Booking
	var err error
	back := "/equipment/bookings"
	switch action := r.PathValue("action"); action {
	case "checkin":
		b, err = h.Equipment.CheckIn(ctx, a, id)
	case "finish":
		b, err = h.Equipment.Finish(ctx, a, id)
	case "cancel":
		b, err = h.Equipment.Cancel(ctx, a, id)
	case "approve", "reject":
		b, err = h.Equipment.Decide(ctx, a, id, action == "approve")
		back = "/equipment/lab"
	default:
		h.errorPage(w, r, easyjob.NotFound("route"))
		return
	}
	switch easyjob.ErrorCode(err) {
	case "":
		setFlash(w, h.Cat.T(langOf(r), "flash.booking_"+string(b.Status), "name", b.Instrument, "when", b.When()), false)
	case easyjob.EFORBIDDEN, easyjob.ENOTFOUND:
		h.errorPage(w, r, err)
		return
	default:
		setFlash(w, h.errText(r, err), true)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

type labData struct {
	equipmentBase
	Queue       []equipment.Booking
	Instruments []equipment.Instrument
	Usage       []equipment.Use
	Report      *importView
	Columns     []string
}

type importView struct {
	equipment.ImportReport
	Lines []string // each error in the reader's words
}

func (h *Handler) labPage(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleResearcher) {
		return
	}
	h.renderLab(w, r, http.StatusOK, h.page(r, "equipment_lab.title", nil), nil)
}

func (h *Handler) renderLab(w http.ResponseWriter, r *http.Request, status int, p Page, rep *importView) {
	ctx, a := r.Context(), httpx.Actor(r.Context())
	d := labData{equipmentBase: equipmentBase{Me: h.me(r)}, Report: rep}
	var err error
	if d.Queue, err = h.Equipment.Queue(ctx, a); err == nil {
		if d.Instruments, err = h.Equipment.Owned(ctx, a); err == nil {
			d.Usage, err = h.Equipment.Usage(ctx, a, equipment.UsageFilter{})
		}
	}
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	for _, c := range equipment.ImportColumns {
		d.Columns = append(d.Columns, c.Name)
	}
	p.Data = d
	h.R.Render(w, r, status, "equipment_lab", p)
}

// labImport reads the institution's instrument list (.xlsx, at most 10 MB) and shows what it
// did, or every wrong cell with nothing written.
func (h *Handler) labImport(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleResearcher) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 10<<20)
	p := h.page(r, "equipment_lab.title", nil)
	lang := langOf(r)
	if err := r.ParseMultipartForm(10 << 20); err != nil {
		h.formErrors(r, fieldError("file", "import.err.too_large", "max", 10), &p)
		h.renderLab(w, r, http.StatusRequestEntityTooLarge, p, nil)
		return
	}
	if err := multipartError(r); err != nil {
		h.errorPage(w, r, err)
		return
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		p.Flash, p.FlashError = h.Cat.T(lang, "equipment_lab.no_file"), true
		h.renderLab(w, r, http.StatusUnprocessableEntity, p, nil)
		return
	}
	defer file.Close()
	rep, err := h.Equipment.Import(r.Context(), httpx.Actor(r.Context()), file)
	if _, ok := err.(*export.Error); ok {
		status := h.formErrors(r, h.fileError(r, err), &p)
		h.renderLab(w, r, status, p, nil)
		return
	}
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	v := &importView{ImportReport: rep}
	for _, e := range rep.Errors {
		v.Lines = append(v.Lines, h.Cat.T(lang, "equipment_lab.row_error", "line", e.Line, "field", e.Field, "message", h.Cat.Msg(lang, e.Msg)))
	}
	status := http.StatusOK
	if len(rep.Errors) > 0 {
		status = http.StatusUnprocessableEntity
		p.Flash, p.FlashError = h.Cat.T(lang, "equipment_lab.import_refused", "n", len(rep.Errors)), true
	} else {
		p.Flash = h.Cat.T(lang, "equipment_lab.imported", "created", rep.Created, "updated", rep.Updated)
	}
	h.renderLab(w, r, status, p, v)
}

func (h *Handler) labSharing(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleResearcher) {
		return
	}
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	err := h.Equipment.SetSharing(r.Context(), httpx.Actor(r.Context()), id, equipment.Sharing(r.PostFormValue("sharing")), r.PostFormValue("out_reason"))
	switch easyjob.ErrorCode(err) {
	case "":
		setFlash(w, h.Cat.T(langOf(r), "flash.sharing_saved"), false)
	case easyjob.EFORBIDDEN, easyjob.ENOTFOUND:
		h.errorPage(w, r, err)
		return
	default:
		setFlash(w, h.errText(r, err), true)
	}
	http.Redirect(w, r, "/equipment/lab", http.StatusSeeOther)
}

func (h *Handler) labUsageXLSX(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleResearcher, easyjob.RoleOfficer) {
		return
	}
	f := equipment.UsageFilter{}
	var err error
	if s := r.URL.Query().Get("from"); s != "" {
		if f.From, err = easyjob.ParseDate(s); err != nil {
			h.errorPage(w, r, fieldError("from", "field.date_invalid"))
			return
		}
	}
	if s := r.URL.Query().Get("to"); s != "" {
		if f.To, err = easyjob.ParseDate(s); err != nil {
			h.errorPage(w, r, fieldError("to", "field.date_invalid"))
			return
		}
	}
	// Check access before the first byte is written.
	if _, err := h.Equipment.Usage(r.Context(), httpx.Actor(r.Context()), equipment.UsageFilter{From: f.From, To: f.From}); err != nil {
		h.errorPage(w, r, err)
		return
	}
	w.Header().Set("Content-Type", export.XLSX.ContentType())
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="equipment-usage-%s.xlsx"`, h.S.Today()))
	if err := h.Equipment.ExportUsage(r.Context(), httpx.Actor(r.Context()), f, langOf(r), w); err != nil {
		h.Log.ErrorContext(r.Context(), "usage export", "request_id", httpx.RequestID(r.Context()), "err", err)
	}
}

// atoi64s reads a list of ids from a form, ignoring what does not parse.
func atoi64s(xs []string) []int64 {
	var out []int64
	for _, s := range xs {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}
