package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/feeds"

	"easyjob/internal/briefing"
	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/httpx"
	"easyjob/internal/region"
)

// The dashboards (officers) and the daily briefing: its writers' and
// editors' pages, and the public pages — a day's briefing, the archive by
// month, an Atom feed per language, the Markdown text and the figures.

func (h *Handler) briefingRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /officer/dashboard", h.dashboard)
	mux.HandleFunc("GET /officer/dashboard/export", h.dashboardExport)
	mux.HandleFunc("GET /officer/briefings", h.briefingList)
	mux.HandleFunc("POST /officer/briefings", h.briefingDraft)
	mux.HandleFunc("GET /officer/briefings/{id}", h.briefingEdit)
	mux.HandleFunc("POST /officer/briefings/{id}/items", h.briefingChange)
	mux.HandleFunc("POST /officer/briefings/{id}/approve", h.briefingApprove)
	mux.HandleFunc("POST /officer/briefings/{id}/publish", h.briefingPublish)
	mux.HandleFunc("POST /officer/briefings/{id}/correct", h.briefingCorrect)
	mux.HandleFunc("GET /briefings", h.briefingArchive)
	mux.HandleFunc("GET /briefings/feed/{lang}", h.briefingFeed)
	mux.HandleFunc("GET /briefings/{date}", h.briefingPublic)
	mux.HandleFunc("GET /briefings/{date}/{file}", h.briefingFile)
}

type dashData struct {
	Q         briefing.Query
	Groupings []string
	Out       briefing.Outcome
	Funnel    funnelChart
	Daily     []briefing.DayCount
	DailySVG  template.HTML
	Curves    []briefing.Row
	CurvesSVG template.HTML
	Map       arrivalsMap
	Medians   briefing.Medians
	Charters  briefing.Charters
	Query     string // the filters, for the export links
	Regions   []regionOption
	Today     easyjob.Date
}

type regionOption struct{ Code, Name string }

// dashQuery reads the dashboard's filters; group_by defaults to the county.
func (h *Handler) dashQuery(r *http.Request) (briefing.Query, error) {
	q := r.URL.Query()
	get := func(k string) string {
		if k == "group_by" && q.Get(k) == "" {
			return "origin_county"
		}
		return q.Get(k)
	}
	return briefing.ParseQuery(get, easyjob.DateOf(h.S.Now()))
}

func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	p := h.page(r, "dashboard.title", nil)
	p.Form = map[string]string{}
	for _, k := range []string{"from", "to", "region", "employer", "trade", "group_by"} {
		p.Form[k] = r.URL.Query().Get(k)
	}
	a := httpx.Actor(r.Context())
	d := dashData{Groupings: briefing.Groupings, Today: easyjob.DateOf(h.S.Now()), Query: r.URL.RawQuery}
	for _, c := range region.TwinnedCounties() {
		if a.Scope.County(c.County) {
			d.Regions = append(d.Regions, regionOption{c.County, c.CountyName})
		}
	}
	for _, dv := range region.ShenzhenDistricts() {
		if a.Scope.District(dv.Code) {
			d.Regions = append(d.Regions, regionOption{dv.Code, dv.Name})
		}
	}
	q, err := h.dashQuery(r)
	if err != nil {
		status := h.formErrors(r, err, &p)
		d.Q = q
		p.Data = d
		h.R.Render(w, r, status, "dashboard", p)
		return
	}
	d.Q = q
	if p.Form["from"] == "" {
		p.Form["from"] = q.From.String()
	}
	if p.Form["to"] == "" {
		p.Form["to"] = q.To.String()
	}
	if p.Form["group_by"] == "" {
		p.Form["group_by"] = q.GroupBy
	}
	ctx := r.Context()
	lang := langOf(r)
	// One pass over the dashboards' snapshot: the funnel, the curves by
	// week, the map by county and by district, arrivals by day, medians.
	b, err := h.Briefing.Board(ctx, a, q, briefing.BoardOf{Groupings: []string{q.GroupBy, "week", "origin_county", "district"},
		Daily: "arrived", Medians: true})
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	d.Out = b.Outcomes[q.GroupBy]
	d.Funnel = funnelOf(d.Out.Total)
	d.Daily = b.Daily
	d.DailySVG = dailyChart(d.Daily, h.Cat.T(lang, "dashboard.daily"))
	d.Curves = b.Outcomes["week"].Items
	d.CurvesSVG = curvesChart(d.Curves, d.Today, h.Cat.T(lang, "dashboard.curves"))
	d.Map.Districts = mapPanel(b.Outcomes["district"].Items, 160, 120)
	d.Map.Counties = mapPanel(b.Outcomes["origin_county"].Items, 180, 120)
	d.Medians = b.Medians
	if d.Charters, err = h.Briefing.Charters(ctx, a, q); err != nil {
		h.errorPage(w, r, err)
		return
	}
	p.Data = d
	h.R.Render(w, r, http.StatusOK, "dashboard", p)
}

// dashboardExport writes a table of the dashboard as .xlsx: the groups
// (streamed: by employer it can be long), the daily line or the funnel.
func (h *Handler) dashboardExport(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	q, err := h.dashQuery(r)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	a, lang, ctx := httpx.Actor(r.Context()), langOf(r), r.Context()
	table := r.URL.Query().Get("table")
	var header []string
	var rows [][]any
	switch table {
	case "groups", "funnel":
		o, err := h.Briefing.Outcomes(ctx, a, q)
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		header = []string{h.Cat.T(lang, "dashboard.key"), h.Cat.T(lang, "dashboard.label")}
		for _, s := range briefing.StepNames {
			header = append(header, h.Cat.T(lang, "dashboard.step."+s))
		}
		for _, s := range briefing.StepNames {
			header = append(header, h.Cat.T(lang, "dashboard.poor_step", "step", h.Cat.T(lang, "dashboard.step."+s)))
		}
		items := o.Items
		if table == "funnel" {
			items = nil
		}
		for _, it := range append(items, o.Total) {
			row := []any{it.Key, it.Label}
			for _, v := range it.Counts().Values() {
				row = append(row, v)
			}
			for _, v := range it.Poor.Values() {
				row = append(row, v)
			}
			rows = append(rows, row)
		}
	case "daily":
		days, err := h.Briefing.Daily(ctx, a, q, "arrived")
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		header = []string{h.Cat.T(lang, "dashboard.day"), h.Cat.T(lang, "dashboard.step.arrived")}
		for _, d := range days {
			rows = append(rows, []any{d.Day.String(), d.N})
		}
	default:
		h.errorPage(w, r, easyjob.NotFound("route"))
		return
	}
	w.Header().Set("Content-Type", export.XLSX.ContentType())
	w.Header().Set("Content-Disposition", `attachment; filename="easyjob-`+table+"-"+q.From.String()+"-"+q.To.String()+`.xlsx"`)
	w.Header().Set("Cache-Control", "no-store")
	err = export.StreamXLSX(w, h.Cat.T(lang, "dashboard.title"), header, func(emit func([]any) error) error {
		for _, row := range rows {
			if err := emit(row); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		h.Log.Error("writing a sheet", "err", err)
	}
}

type briefingListData struct {
	Briefings []briefing.Briefing
	Today     easyjob.Date
	Languages []string
}

func (h *Handler) briefingList(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	h.renderBriefingList(w, r, http.StatusOK, h.page(r, "briefing_list.title", nil))
}

func (h *Handler) renderBriefingList(w http.ResponseWriter, r *http.Request, status int, p Page) {
	bs, err := h.Briefing.Drafts(r.Context(), httpx.Actor(r.Context()))
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	if p.Form == nil {
		p.Form = map[string]string{"day": easyjob.DateOf(h.S.Now()).String(), "lang": "zh-CN"}
	}
	p.Data = briefingListData{Briefings: bs, Today: easyjob.DateOf(h.S.Now()), Languages: briefing.Languages}
	h.R.Render(w, r, status, "briefing_list", p)
}

func (h *Handler) briefingDraft(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	r.ParseForm()
	day, err := easyjob.ParseDate(strings.TrimSpace(r.PostFormValue("day")))
	var b briefing.Briefing
	if err != nil {
		f := easyjob.Fields{}
		f.Add("day", "field.date_invalid")
		err = f.Err()
	} else {
		b, err = h.Briefing.Draft(r.Context(), httpx.Actor(r.Context()), day, r.PostFormValue("lang"))
	}
	if err != nil {
		p := h.page(r, "briefing_list.title", nil)
		p.Form = map[string]string{"day": r.PostFormValue("day"), "lang": r.PostFormValue("lang")}
		h.renderBriefingList(w, r, h.formErrors(r, err, &p), p)
		return
	}
	http.Redirect(w, r, "/officer/briefings/"+strconv.FormatInt(b.ID, 10), http.StatusSeeOther)
}

type briefingEditData struct {
	B      briefing.Briefing
	Public string
	Mine   bool // the reader wrote it: approval is for someone else
}

func (h *Handler) briefingEdit(w http.ResponseWriter, r *http.Request) {
	id, ok := h.officerPath(w, r)
	if !ok {
		return
	}
	h.renderBriefing(w, r, id, http.StatusOK, h.page(r, "briefing_edit.title", nil))
}

func (h *Handler) renderBriefing(w http.ResponseWriter, r *http.Request, id int64, status int, p Page) {
	a := httpx.Actor(r.Context())
	b, err := h.Briefing.Get(r.Context(), a, id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	p.Data = briefingEditData{B: b, Public: publicURL(b.Day, b.Lang), Mine: b.WriterID == a.UserID}
	h.R.Render(w, r, status, "briefing_edit", p)
}

func publicURL(d easyjob.Date, lang string) string {
	if lang == "en" {
		return "/briefings/" + d.String() + "?lang=en"
	}
	return "/briefings/" + d.String()
}

func (h *Handler) briefingChange(w http.ResponseWriter, r *http.Request) {
	id, ok := h.officerPath(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	item, _ := strconv.ParseInt(r.PostFormValue("item_id"), 10, 64)
	e := briefing.Edit{Op: r.PostFormValue("op"), ItemID: item, Item: briefing.ItemInput{
		Body: r.PostFormValue("body"), Source: r.PostFormValue("source"), Link: r.PostFormValue("link")}}
	_, err := h.Briefing.Change(r.Context(), httpx.Actor(r.Context()), id, e)
	h.afterBriefingAction(w, r, id, err, "briefing_saved")
}

func (h *Handler) afterBriefingAction(w http.ResponseWriter, r *http.Request, id int64, err error, done string) {
	if err != nil {
		p := h.page(r, "briefing_edit.title", nil)
		p.Form = map[string]string{"item_id": r.PostFormValue("item_id"), "op": r.PostFormValue("op"),
			"body": r.PostFormValue("body"), "source": r.PostFormValue("source"), "link": r.PostFormValue("link"), "note": r.PostFormValue("note")}
		h.renderBriefing(w, r, id, h.formErrors(r, err, &p), p)
		return
	}
	http.Redirect(w, r, "/officer/briefings/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
}

func (h *Handler) briefingApprove(w http.ResponseWriter, r *http.Request) {
	id, ok := h.officerPath(w, r)
	if !ok {
		return
	}
	_, err := h.Briefing.Approve(r.Context(), httpx.Actor(r.Context()), id)
	h.afterBriefingAction(w, r, id, err, "briefing_published")
}

func (h *Handler) briefingPublish(w http.ResponseWriter, r *http.Request) {
	id, ok := h.officerPath(w, r)
	if !ok {
		return
	}
	_, err := h.Briefing.Publish(r.Context(), httpx.Actor(r.Context()), id)
	h.afterBriefingAction(w, r, id, err, "briefing_published")
}

func (h *Handler) briefingCorrect(w http.ResponseWriter, r *http.Request) {
	id, ok := h.officerPath(w, r)
	if !ok {
		return
	}
	r.ParseForm()
	item, _ := strconv.ParseInt(r.PostFormValue("item_id"), 10, 64)
	_, err := h.Briefing.Correct(r.Context(), httpx.Actor(r.Context()), id, briefing.Correction{ItemID: item, Note: r.PostFormValue("note"),
		Item: briefing.ItemInput{Body: r.PostFormValue("body"), Source: r.PostFormValue("source"), Link: r.PostFormValue("link")}})
	h.afterBriefingAction(w, r, id, err, "briefing_corrected")
}

// briefingLang is the language of a public briefing: ?lang=en, else Chinese.
func briefingLang(r *http.Request) string {
	if r.URL.Query().Get("lang") == "en" {
		return "en"
	}
	return "zh-CN"
}

type publicData struct {
	B        briefing.Briefing
	Body     briefing.Body
	Earlier  []briefing.Revision
	Other    string // the other language's address
	Markdown string
	XLSX     string
}

func (h *Handler) briefingPublic(w http.ResponseWriter, r *http.Request) {
	day, err := easyjob.ParseDate(r.PathValue("date"))
	if err != nil {
		h.errorPage(w, r, easyjob.NotFound("briefing"))
		return
	}
	lang := briefingLang(r)
	b, err := h.Briefing.Published(r.Context(), day, lang)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	body, _ := b.Current()
	other := "en"
	if lang == "en" {
		other = "zh-CN"
	}
	q := ""
	if lang == "en" {
		q = "?lang=en"
	}
	d := publicData{B: b, Body: body, Earlier: b.Revisions[1:], Other: publicURL(day, other),
		Markdown: "/briefings/" + day.String() + "/day.md" + q, XLSX: "/briefings/" + day.String() + "/figures.xlsx" + q}
	p := h.page(r, "briefing.public_title", d)
	p.Title = h.Cat.T(lang, "briefing.public_title") + " " + day.String()
	h.R.Render(w, r, http.StatusOK, "briefing_public", p)
}

// briefingFile answers the Markdown text or the .xlsx of every figure.
func (h *Handler) briefingFile(w http.ResponseWriter, r *http.Request) {
	day, err := easyjob.ParseDate(r.PathValue("date"))
	if err != nil {
		h.errorPage(w, r, easyjob.NotFound("briefing"))
		return
	}
	lang := briefingLang(r)
	b, err := h.Briefing.Published(r.Context(), day, lang)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	body, _ := b.Current()
	name := "briefing-" + day.String() + "-" + lang
	switch r.PathValue("file") {
	case "day.md":
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.md"`)
		fmt.Fprint(w, h.markdown(lang, day, b, body))
	case "figures.xlsx":
		header := []string{h.Cat.T(lang, "briefing.col.no"), h.Cat.T(lang, "briefing.col.provider"), h.Cat.T(lang, "briefing.col.figure"),
			h.Cat.T(lang, "briefing.col.value"), h.Cat.T(lang, "briefing.col.source")}
		w.Header().Set("Content-Type", export.XLSX.ContentType())
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		err := export.StreamXLSX(w, day.String(), header, func(emit func([]any) error) error {
			for i, it := range body.Items {
				for _, f := range it.Figures {
					if err := emit([]any{i + 1, it.Provider, h.Cat.T(lang, "briefing.figure."+f.Key), f.Value, it.Source}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			h.Log.Error("writing a sheet", "err", err)
		}
	default:
		h.errorPage(w, r, easyjob.NotFound("briefing"))
	}
}

// markdown is the briefing as Markdown: title, header line, numbered items
// each with its source, and the earlier revisions' times.
func (h *Handler) markdown(lang string, day easyjob.Date, b briefing.Briefing, body briefing.Body) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "# %s %s\n\n", h.Cat.T(lang, "briefing.public_title"), day)
	fmt.Fprintf(&sb, "%s: %s | %s: %s | %s: %s | %s: %s\n\n",
		h.Cat.T(lang, "briefing.writer"), body.Header.Writer, h.Cat.T(lang, "briefing.editor"), body.Header.Editor,
		h.Cat.T(lang, "briefing.from_label"), body.Header.From, h.Cat.T(lang, "briefing.updated"), shanghai(body.Header.Updated))
	for i, it := range body.Items {
		fmt.Fprintf(&sb, "%d. %s（%s: %s）\n", i+1, it.Body, h.Cat.T(lang, "briefing.source"), it.Source)
	}
	if len(b.Revisions) > 1 {
		fmt.Fprintf(&sb, "\n%s\n\n", h.Cat.T(lang, "briefing.revisions"))
		for _, v := range b.Revisions {
			fmt.Fprintf(&sb, "- v%d %s %s\n", v.Version, shanghai(v.At), v.Note)
		}
	}
	return sb.String()
}

func shanghai(t time.Time) string { return t.In(easyjob.Shanghai).Format("2006-01-02 15:04") }

type archiveMonth struct {
	Month   string
	Entries []briefing.Entry
}

func (h *Handler) briefingArchive(w http.ResponseWriter, r *http.Request) {
	lang := briefingLang(r)
	es, err := h.Briefing.Archive(r.Context(), lang, 1000)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	var months []archiveMonth
	for _, e := range es {
		m := e.Day.String()[:7]
		if len(months) == 0 || months[len(months)-1].Month != m {
			months = append(months, archiveMonth{Month: m})
		}
		months[len(months)-1].Entries = append(months[len(months)-1].Entries, e)
	}
	title := "briefing_archive.title"
	if lang == "en" {
		title = "briefing_archive.title_en"
	}
	p := h.page(r, title, struct {
		Months []archiveMonth
		Lang   string
		Feed   string
	}{months, lang, "/briefings/feed/" + lang})
	h.R.Render(w, r, http.StatusOK, "briefing_archive", p)
}

// briefingFeed is the Atom feed of the published briefings in a language.
func (h *Handler) briefingFeed(w http.ResponseWriter, r *http.Request) {
	lang := r.PathValue("lang")
	es, err := h.Briefing.Archive(r.Context(), lang, 50)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	base := "https://" + r.Host
	if r.TLS == nil {
		base = "http://" + r.Host
	}
	f := &feeds.Feed{Title: h.Cat.T(lang, "briefing.feed_title"), Link: &feeds.Link{Href: base + "/briefings?lang=" + url.QueryEscape(lang)},
		Id: base + "/briefings/feed/" + lang, Author: &feeds.Author{Name: h.Cat.T(lang, "briefing.from")}}
	if len(es) > 0 {
		f.Updated = es[0].UpdatedAt
	}
	for _, e := range es {
		b, err := h.Briefing.Published(r.Context(), e.Day, lang)
		if err != nil {
			h.errorPage(w, r, err)
			return
		}
		body, _ := b.Current()
		var text []string
		for i, it := range body.Items {
			text = append(text, strconv.Itoa(i+1)+". "+it.Body)
		}
		link := base + publicURL(e.Day, lang)
		f.Items = append(f.Items, &feeds.Item{Title: h.Cat.T(lang, "briefing.public_title") + " " + e.Day.String(), Link: &feeds.Link{Href: link}, Id: link,
			Created: e.PublishedAt, Updated: e.UpdatedAt, Description: strings.Join(text, "\n")})
	}
	atom, err := f.ToAtom()
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	fmt.Fprint(w, atom)
}
