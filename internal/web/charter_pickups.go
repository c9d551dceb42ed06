package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/store"
)

// Pickup points: edit and retire, and the location chosen from the
// county's known points or picked on a server-drawn map of the county
// (links, no script).

func (h *Handler) pickupRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /officer/pickups/{id}/edit", h.pickupEdit)
	mux.HandleFunc("POST /officer/pickups/{id}", h.pickupUpdate)
	mux.HandleFunc("POST /officer/pickups/{id}/retire", h.pickupRetire)
}

// pickupInput reads a pickup point form: a known point when one is chosen,
// else the coordinates (typed or picked on the map).
func pickupInput(r *http.Request) charter.PickupPointInput {
	in := charter.PickupPointInput{County: r.PostFormValue("county"), Name: r.PostFormValue("name"), Address: r.PostFormValue("address"),
		Known: strings.TrimSpace(r.PostFormValue("known"))}
	if in.Known == "" {
		in.Lat, in.Lng = optFloat(r.PostFormValue("lat")), optFloat(r.PostFormValue("lng"))
	}
	return in
}

var pickupFields = []string{"county", "name", "address", "lat", "lng", "known"}

// pickupFormData is the add or edit form of a pickup point with its map.
type pickupFormData struct {
	Point  charter.PickupPoint // being edited (ID 0: a new one)
	Known  []charter.KnownPoint
	Map    template.HTML
	Action string
	Form   map[string]string // the page's form values and errors, for the partial
	Errors map[string]string
}

func (h *Handler) pickupForm(r *http.Request, county string, form map[string]string, pt charter.PickupPoint, base string) pickupFormData {
	d := pickupFormData{Point: pt, Known: charter.KnownPoints(county), Action: "/officer/pickups", Form: form}
	if pt.ID != 0 {
		d.Action = "/officer/pickups/" + strconv.FormatInt(pt.ID, 10)
	}
	d.Map = countyMap(d.Known, optFloat(form["lat"]), optFloat(form["lng"]), base, h.Cat.T(langOf(r), "pickup.map_pick"))
	return d
}

// mapLatLng fills the form's coordinates from a map click (?lat=&lng=).
func mapLatLng(r *http.Request, form map[string]string) {
	q := r.URL.Query()
	if q.Get("lat") != "" && q.Get("lng") != "" {
		form["lat"], form["lng"], form["known"] = q.Get("lat"), q.Get("lng"), ""
	}
}

func (h *Handler) pickupEdit(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	pt, err := h.pickupOf(r, id)
	if err != nil {
		h.errorPage(w, r, err)
		return
	}
	p := h.page(r, "pickup.edit", nil)
	p.Form = map[string]string{"county": pt.County, "name": pt.Name, "address": pt.Address}
	if pt.HasPoint() {
		p.Form["lat"], p.Form["lng"] = fmtCoord(*pt.Lat), fmtCoord(*pt.Lng)
	}
	mapLatLng(r, p.Form)
	p.Data = h.pickupForm(r, pt.County, p.Form, pt, r.URL.Path)
	h.R.Render(w, r, http.StatusOK, "charter_pickup_edit", p)
}

func (h *Handler) pickupOf(r *http.Request, id int64) (charter.PickupPoint, error) {
	pts, err := every(func(o store.ListOptions) (easyjob.Page[charter.PickupPoint], error) {
		return h.Charter.PickupPoints(r.Context(), httpx.Actor(r.Context()), o)
	})
	if err != nil {
		return charter.PickupPoint{}, err
	}
	for _, p := range pts {
		if p.ID == id {
			return p, nil
		}
	}
	return charter.PickupPoint{}, easyjob.NotFound("pickup_point")
}

func (h *Handler) pickupUpdate(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	r.ParseForm()
	pt, err := h.Charter.UpdatePickupPoint(r.Context(), httpx.Actor(r.Context()), id, pickupInput(r))
	if err != nil {
		cur, cerr := h.pickupOf(r, id)
		if cerr != nil {
			h.errorPage(w, r, cerr)
			return
		}
		p := h.page(r, "pickup.edit", nil)
		p.Form = formValues(r, pickupFields...)
		status := h.formErrors(r, err, &p)
		d := h.pickupForm(r, cur.County, p.Form, cur, "/officer/pickups/"+strconv.FormatInt(id, 10)+"/edit")
		d.Errors = p.Errors
		p.Data = d
		h.R.Render(w, r, status, "charter_pickup_edit", p)
		return
	}
	setFlash(w, h.Cat.T(langOf(r), "flash.pickup_saved", "name", pt.Name), false)
	http.Redirect(w, r, "/officer/pickups", http.StatusSeeOther)
}

func (h *Handler) pickupRetire(w http.ResponseWriter, r *http.Request) {
	if !h.require(w, r, easyjob.RoleOfficer) {
		return
	}
	id, found := h.pathID(w, r)
	if !found {
		return
	}
	r.ParseForm()
	retire := r.PostFormValue("retire") != "no"
	pt, err := h.Charter.RetirePickupPoint(r.Context(), httpx.Actor(r.Context()), id, retire)
	switch {
	case err != nil:
		setFlash(w, h.errText(r, err), true)
	case retire:
		setFlash(w, h.Cat.T(langOf(r), "flash.pickup_retired", "name", pt.Name), false)
	default:
		setFlash(w, h.Cat.T(langOf(r), "flash.pickup_restored", "name", pt.Name), false)
	}
	http.Redirect(w, r, "/officer/pickups", http.StatusSeeOther)
}

func fmtCoord(v float64) string { return strconv.FormatFloat(v, 'f', 5, 64) }

// countyMap draws the county's known points and a grid of points around
// them as an SVG whose points are links: following one comes back to base
// with ?lat=&lng=, which fills the form. chosen marks the current
// coordinates. Pure drawing; no script.
func countyMap(known []charter.KnownPoint, lat, lng *float64, base, pickLabel string) template.HTML {
	if len(known) == 0 {
		return ""
	}
	minLat, maxLat, minLng, maxLng := known[0].Lat, known[0].Lat, known[0].Lng, known[0].Lng
	for _, k := range known {
		minLat, maxLat = math.Min(minLat, k.Lat), math.Max(maxLat, k.Lat)
		minLng, maxLng = math.Min(minLng, k.Lng), math.Max(maxLng, k.Lng)
	}
	const pad = 0.08 // degrees (about 9 km) around the known points
	minLat, maxLat, minLng, maxLng = minLat-pad, maxLat+pad, minLng-pad, maxLng+pad
	const W, H, M = 320.0, 240.0, 16.0
	x := func(v float64) float64 { return M + (v-minLng)/(maxLng-minLng)*(W-2*M) }
	y := func(v float64) float64 { return M + (maxLat-v)/(maxLat-minLat)*(H-2*M) }
	link := func(la, ln float64) string {
		return base + "?lat=" + url.QueryEscape(fmtCoord(la)) + "&lng=" + url.QueryEscape(fmtCoord(ln)) + "#location"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="countymap" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, W, H,
		template.HTMLEscapeString(pickLabel))
	fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="#cfd8d3"/>`, M/2, M/2, W-M, H-M)
	// The grid: 6 × 5 points to pick a place between the known ones.
	for i := 0; i < 6; i++ {
		for j := 0; j < 5; j++ {
			ln := minLng + (maxLng-minLng)*(float64(i)+0.5)/6
			la := minLat + (maxLat-minLat)*(float64(j)+0.5)/5
			fmt.Fprintf(&b, `<a href="%s" class="grid"><circle cx="%.1f" cy="%.1f" r="14" fill="transparent"/><circle cx="%.1f" cy="%.1f" r="3" fill="#9aa7a0"/><title>%s %s</title></a>`,
				template.HTMLEscapeString(link(la, ln)), x(ln), y(la), x(ln), y(la), fmtCoord(la), fmtCoord(ln))
		}
	}
	for _, k := range known {
		fmt.Fprintf(&b, `<a href="%s" class="known"><circle cx="%.1f" cy="%.1f" r="9"/><text x="%.1f" y="%.1f">%s</text><title>%s</title></a>`,
			template.HTMLEscapeString(link(k.Lat, k.Lng)), x(k.Lng), y(k.Lat), x(k.Lng)+11, y(k.Lat)+4,
			template.HTMLEscapeString(k.Name), template.HTMLEscapeString(k.Name))
	}
	if lat != nil && lng != nil && !math.IsNaN(*lat) && !math.IsNaN(*lng) && *lat >= minLat && *lat <= maxLat && *lng >= minLng && *lng <= maxLng {
		fmt.Fprintf(&b, `<g class="chosen"><circle cx="%.1f" cy="%.1f" r="7"/></g>`, x(*lng), y(*lat))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
