package api

import (
	"errors"
	"net/http"
	"strings"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/httpx"
)

// Request and response bodies of charters.
type (
	RiskRequest struct {
		Level string `json:"level"` // low, medium, high
	}
	PointRequest struct {
		Lat float64 `json:"lat"`
		Lng float64 `json:"lng"`
	}
	PlanPreview struct {
		charter.PlanView
		// Problem says why nothing can be planned (e.g. nobody passed the
		// health gate); the gate failures are still listed.
		Problem *httpx.ErrorDetail `json:"problem,omitempty"`
	}
	ReplanRequest struct {
		Confirm bool `json:"confirm"` // false: preview only
	}
	// Charters, PickupPoints and Arrivals are pages, as every list.
	Charters struct {
		Items      []charter.CharterView `json:"items"`
		NextCursor string                `json:"next_cursor"`
	}
	PickupPoints struct {
		Items      []charter.PickupPoint `json:"items"`
		NextCursor string                `json:"next_cursor"`
	}
	Arrivals struct {
		Items      []charter.Arrival `json:"items"`
		NextCursor string            `json:"next_cursor"`
	}
	CheckInRequest struct {
		Code string `json:"code"` // the scanned pass (URL or token) or the last six ID characters
	}
	AddRiderRequest struct {
		ApplicationID int64 `json:"application_id"`
	}
	RetireRequest struct {
		Retired bool `json:"retired"`
	}
	ReassignRequest struct {
		CharterID int64 `json:"charter_id"`
	}
	TravelRequest struct {
		OwnTravel bool `json:"own_travel"` // true: the hire travels on their own; false: they need a seat again
	}
)

func (h *Handler) charterRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/pickup-points", ID: "listPickupPoints", Tag: "charters", Summary: "Pickup points of the officer's counties", Query: []string{"limit", "cursor"}, Out: PickupPoints{}, h: h.listPickupPoints},
		{Method: "POST", Path: "/pickup-points", ID: "addPickupPoint", Tag: "charters", Summary: "Add a pickup point to a county; county_seat with no coordinates uses the county's seat of government", In: charter.PickupPointInput{}, Out: charter.PickupPoint{}, Created: true, h: h.addPickupPoint},
		{Method: "PUT", Path: "/pickup-points/{id}", ID: "updatePickupPoint", Tag: "charters", Summary: "Change a pickup point's name, address and location (coordinates, known or county_seat); its county stays", In: charter.PickupPointInput{}, Out: charter.PickupPoint{}, h: h.updatePickupPoint},
		{Method: "PUT", Path: "/pickup-points/{id}/retired", ID: "retirePickupPoint", Tag: "charters", Summary: "Retire a pickup point (not offered for new plans; existing plans keep it) or offer it again", In: RetireRequest{}, Out: charter.PickupPoint{}, h: h.retirePickupPoint},
		{Method: "GET", Path: "/counties/{county}/risk", ID: "getCountyRisk", Tag: "charters", Summary: "A county's current risk level (low when never set)", Out: epidemic.CountyRisk{}, h: h.getCountyRisk},
		{Method: "PUT", Path: "/counties/{county}/risk", ID: "setCountyRisk", Tag: "charters", Summary: "Set a county's risk level now; nobody from a high-risk county rides (officers)", In: RiskRequest{}, Out: epidemic.CountyRisk{}, h: h.setCountyRisk},
		{Method: "PUT", Path: "/employers/{id}/point", ID: "setEmployerPoint", Tag: "charters", Summary: "Set the coordinates of an employer's site (else its street's, else its district's point is used)", In: PointRequest{}, Out: Status{}, h: h.setEmployerPoint},
		{Method: "GET", Path: "/employers/{id}/site", ID: "getEmployerSite", Tag: "charters", Summary: "An employer's site: its address and location (no location when never set)", Out: charter.Site{}, h: h.getEmployerSite},
		{Method: "PUT", Path: "/employers/{id}/site", ID: "setEmployerSite", Tag: "charters", Summary: "Set an employer's site: its address with coordinates or a known point of its district (the employer or an officer of its district)", In: charter.SiteInput{}, Out: charter.Site{}, h: h.setEmployerSite},
		{Method: "GET", Path: "/postings/{id}/site", ID: "getPostingSite", Tag: "charters", Summary: "A posting's own work site, where its hires ride to (no location: the employer's site)", Out: charter.Site{}, h: h.getPostingSite},
		{Method: "PUT", Path: "/postings/{id}/site", ID: "setPostingSite", Tag: "charters", Summary: "Set a posting's own work site when it differs from the employer's: its hires ride there", In: charter.SiteInput{}, Out: charter.Site{}, h: h.setPostingSite},
		{Method: "DELETE", Path: "/postings/{id}/site", ID: "clearPostingSite", Tag: "charters", Summary: "Remove a posting's own work site: its hires ride to the employer's site again", Out: Status{}, h: h.clearPostingSite},
		{Method: "GET", Path: "/counties/{county}/riders", ID: "listWaitingRiders", Tag: "charters", Summary: "A county's accepted hires without a seat, counted by departure day, with the overdue and those travelling on their own (officers of the county)", Out: charter.WaitingRiders{}, h: h.listWaitingRiders},
		{Method: "GET", Path: "/applications/{id}/travel", ID: "getTravel", Tag: "charters", Summary: "An accepted hire's travel choice: by charter or on their own (the seeker, or an officer of their county)", Out: charter.Travel{}, h: h.getTravel},
		{Method: "PUT", Path: "/applications/{id}/travel", ID: "setTravel", Tag: "charters", Summary: "Say a hire travels on their own (an assigned seat is given up) or needs a seat again (refused while a seat is held)", In: TravelRequest{}, Out: charter.Travel{}, h: h.setTravel},
		{Method: "POST", Path: "/plans/preview", ID: "previewPlan", Tag: "charters", Summary: "Plan a day's charters from a pickup point without writing: buses, seats, and who fails the health gate and why", In: charter.PlanRequest{}, Out: PlanPreview{}, h: h.previewPlan},
		{Method: "POST", Path: "/plans", ID: "confirmPlan", Tag: "charters", Summary: "Plan and write a day's charters in one transaction and notify every rider; nothing is written when planning fails", In: charter.PlanRequest{}, Out: charter.PlanView{}, Created: true, h: h.confirmPlan},
		{Method: "GET", Path: "/plans/{id}", ID: "getPlan", Tag: "charters", Summary: "A confirmed plan with its charters", Out: charter.PlanView{}, h: h.getPlan},
		{Method: "POST", Path: "/plans/{id}/replan", ID: "replan", Tag: "charters", Summary: "Replan after cancellations and late hires: notified riders keep their seats when capacity allows; moves are listed", In: ReplanRequest{}, Out: charter.PlanView{}, h: h.replan},
		{Method: "GET", Path: "/charters", ID: "listCharters", Tag: "charters", Summary: "Charters the officer may see: leaving their counties or delivering into their district", Query: []string{"date", "plan_id", "limit", "cursor"}, Out: Charters{}, h: h.listCharters},
		{Method: "GET", Path: "/charters/{id}", ID: "getManifest", Tag: "charters", Summary: "A charter's manifest: seats, names, masked ID numbers, phones, drop-offs (audited)", Out: charter.CharterView{}, h: h.getManifest},
		{Method: "POST", Path: "/charters/{id}/checkin", ID: "checkIn", Tag: "charters", Summary: "Board a rider by the scanned boarding pass or the last six ID characters", In: CheckInRequest{}, Out: charter.ManifestRow{}, h: h.checkIn},
		{Method: "POST", Path: "/charters/{id}/riders", ID: "addRider", Tag: "charters", Summary: "Seat an accepted hire who passes the health gate on a charter with room", In: AddRiderRequest{}, Out: charter.ManifestRow{}, Created: true, h: h.addRider},
		{Method: "POST", Path: "/charters/{id}/depart", ID: "depart", Tag: "charters", Summary: "Close boarding: boarded riders' applications move to departed, the others are no-shows", Query: []string{"confirm"}, Out: charter.DepartResult{}, h: h.depart},
		{Method: "POST", Path: "/seats/{id}/no-show", ID: "noShow", Tag: "charters", Summary: "Record that a rider did not come; the place is freed", Out: Status{}, h: h.noShow},
		{Method: "POST", Path: "/seats/{id}/reassign", ID: "reassignSeat", Tag: "charters", Summary: "Move a rider to another charter of the same pickup point with room", In: ReassignRequest{}, Out: charter.ManifestRow{}, h: h.reassignSeat},
		{Method: "GET", Path: "/arrivals", ID: "listArrivals", Tag: "charters", Summary: "Riders on their way: an employer's own, or those going to an officer's district", Query: []string{"limit", "cursor"}, Out: Arrivals{}, h: h.listArrivals},
		{Method: "POST", Path: "/applications/{id}/arrive", ID: "confirmArrival", Tag: "charters", Summary: "Confirm a departed rider's arrival (the employer or the receiving officer)", Out: easyjob.Application{}, h: h.confirmArrival},
		{Method: "GET", Path: "/passes/{token}", ID: "getPass", Tag: "charters", Summary: "A boarding pass: the rider's own, or for officers of the pickup county", Out: charter.Pass{}, h: h.getPass},
	}
}

func (h *Handler) listPickupPoints(w http.ResponseWriter, r *http.Request) error {
	lo, err := list(r)
	if err != nil {
		return err
	}
	ps, err := h.Charter.PickupPoints(r.Context(), httpx.Actor(r.Context()), lo)
	return reply(w, http.StatusOK, PickupPoints(ps), err)
}

func (h *Handler) addPickupPoint(w http.ResponseWriter, r *http.Request) error {
	var in charter.PickupPointInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.Charter.AddPickupPoint(r.Context(), httpx.Actor(r.Context()), in)
	return reply(w, http.StatusCreated, p, err)
}

func (h *Handler) updatePickupPoint(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("pickup_point")
	}
	var in charter.PickupPointInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.Charter.UpdatePickupPoint(r.Context(), httpx.Actor(r.Context()), id, in)
	return reply(w, http.StatusOK, p, err)
}

func (h *Handler) retirePickupPoint(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("pickup_point")
	}
	var in RetireRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.Charter.RetirePickupPoint(r.Context(), httpx.Actor(r.Context()), id, in.Retired)
	return reply(w, http.StatusOK, p, err)
}

func (h *Handler) getCountyRisk(w http.ResponseWriter, r *http.Request) error {
	if a := httpx.Actor(r.Context()); a.Role != easyjob.RoleOfficer && a.Role != easyjob.RoleAdmin {
		return easyjob.Errorf(easyjob.EFORBIDDEN, "error.forbidden")
	}
	rk, err := h.Epidemic.RiskOf(r.Context(), r.PathValue("county"))
	return reply(w, http.StatusOK, rk, err)
}

func (h *Handler) setCountyRisk(w http.ResponseWriter, r *http.Request) error {
	var in RiskRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	rk, err := h.Epidemic.SetCountyRisk(r.Context(), httpx.Actor(r.Context()), r.PathValue("county"), epidemic.Level(in.Level))
	return reply(w, http.StatusOK, rk, err)
}

func (h *Handler) setEmployerPoint(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("employer")
	}
	var in PointRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := h.Charter.SetEmployerPoint(r.Context(), httpx.Actor(r.Context()), id, in.Lat, in.Lng); err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, Status{Status: "ok"})
	return nil
}

func (h *Handler) getEmployerSite(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("employer")
	}
	st, err := h.Charter.EmployerSite(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, st, err)
}

func (h *Handler) setEmployerSite(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("employer")
	}
	var in charter.SiteInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	st, err := h.Charter.SetEmployerSite(r.Context(), httpx.Actor(r.Context()), id, in)
	return reply(w, http.StatusOK, st, err)
}

func (h *Handler) getPostingSite(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("posting")
	}
	st, err := h.Charter.PostingSite(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, st, err)
}

func (h *Handler) setPostingSite(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("posting")
	}
	var in charter.SiteInput
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	st, err := h.Charter.SetPostingSite(r.Context(), httpx.Actor(r.Context()), id, in)
	return reply(w, http.StatusOK, st, err)
}

func (h *Handler) clearPostingSite(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("posting")
	}
	err = h.Charter.ClearPostingSite(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, Status{Status: "ok"}, err)
}

func (h *Handler) listWaitingRiders(w http.ResponseWriter, r *http.Request) error {
	wr, err := h.Charter.Waiting(r.Context(), httpx.Actor(r.Context()), r.PathValue("county"))
	return reply(w, http.StatusOK, wr, err)
}

func (h *Handler) getTravel(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("application")
	}
	t, err := h.Charter.TravelOf(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, t, err)
}

func (h *Handler) setTravel(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("application")
	}
	var in TravelRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := h.Charter.SetOwnTravel(r.Context(), httpx.Actor(r.Context()), id, in.OwnTravel)
	return reply(w, http.StatusOK, t, err)
}

// localisePlan renders the gate failures' reasons in the reader's language.
func (h *Handler) localisePlan(r *http.Request, v *charter.PlanView) {
	lang := httpx.Lang(r.Context())
	for _, fs := range [][]charter.GateFailure{v.GateFailures, v.Unplanned} {
		for i := range fs {
			fs[i].Message = h.Errors.Cat.T(lang, fs[i].Reason)
		}
	}
}

func (h *Handler) previewPlan(w http.ResponseWriter, r *http.Request) error {
	var in charter.PlanRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := h.Charter.PreviewPlan(r.Context(), httpx.Actor(r.Context()), in)
	var de *easyjob.Error
	if err != nil && (!asError(err, &de) || de.Msg.Key != "plan.no_riders") {
		return err
	}
	h.localisePlan(r, &v)
	out := PlanPreview{PlanView: v}
	if err != nil {
		_, d := h.Errors.Detail(r.Context(), err)
		out.Problem = &d
	}
	httpx.JSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) confirmPlan(w http.ResponseWriter, r *http.Request) error {
	var in charter.PlanRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := h.Charter.ConfirmPlan(r.Context(), httpx.Actor(r.Context()), in)
	if err != nil {
		return err
	}
	h.localisePlan(r, &v)
	httpx.JSON(w, http.StatusCreated, v)
	return nil
}

func (h *Handler) getPlan(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("plan")
	}
	v, err := h.Charter.Plan(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, v, err)
}

func (h *Handler) replan(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("plan")
	}
	var in ReplanRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	v, err := h.Charter.Replan(r.Context(), httpx.Actor(r.Context()), id, in.Confirm)
	if err != nil {
		return err
	}
	h.localisePlan(r, &v)
	httpx.JSON(w, http.StatusOK, v)
	return nil
}

func (h *Handler) listCharters(w http.ResponseWriter, r *http.Request) error {
	lo, err := list(r)
	if err != nil {
		return err
	}
	f := charter.CharterFilter{ListOptions: lo}
	q := r.URL.Query()
	if s := q.Get("date"); s != "" {
		d, err := easyjob.ParseDate(s)
		if err != nil {
			fs := easyjob.Fields{}
			fs.Add("date", "field.date")
			return fs.Err()
		}
		f.Date = d
	}
	if q.Get("plan_id") != "" {
		n, err := httpx.QueryInt(r, "plan_id", 0, 1, 1<<62)
		if err != nil {
			return err
		}
		f.PlanID = int64(n)
	}
	cs, err := h.Charter.Charters(r.Context(), httpx.Actor(r.Context()), f)
	return reply(w, http.StatusOK, Charters(cs), err)
}

func (h *Handler) getManifest(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("charter")
	}
	m, err := h.Charter.Manifest(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, m, err)
}

func (h *Handler) checkIn(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("charter")
	}
	var in CheckInRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	row, err := h.Charter.CheckIn(r.Context(), httpx.Actor(r.Context()), id, in.Code)
	return reply(w, http.StatusOK, row, err)
}

func (h *Handler) addRider(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("charter")
	}
	var in AddRiderRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	row, err := h.Charter.AddToCharter(r.Context(), httpx.Actor(r.Context()), id, in.ApplicationID)
	return reply(w, http.StatusCreated, row, err)
}

func (h *Handler) depart(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("charter")
	}
	res, err := h.Charter.Depart(r.Context(), httpx.Actor(r.Context()), id, r.URL.Query().Get("confirm") == "true")
	if err != nil {
		return err
	}
	lang := httpx.Lang(r.Context())
	for i := range res.Failed {
		res.Failed[i].Message = h.Errors.Cat.T(lang, res.Failed[i].Reason)
	}
	httpx.JSON(w, http.StatusOK, res)
	return nil
}

func (h *Handler) noShow(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("seat")
	}
	if err := h.Charter.MarkNoShow(r.Context(), httpx.Actor(r.Context()), id); err != nil {
		return err
	}
	httpx.JSON(w, http.StatusOK, Status{Status: "ok"})
	return nil
}

func (h *Handler) reassignSeat(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("seat")
	}
	var in ReassignRequest
	if err := httpx.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	row, err := h.Charter.ReassignSeat(r.Context(), httpx.Actor(r.Context()), id, in.CharterID)
	return reply(w, http.StatusOK, row, err)
}

func (h *Handler) listArrivals(w http.ResponseWriter, r *http.Request) error {
	lo, err := list(r)
	if err != nil {
		return err
	}
	xs, err := h.Charter.Arrivals(r.Context(), httpx.Actor(r.Context()), lo)
	return reply(w, http.StatusOK, Arrivals(xs), err)
}

func (h *Handler) confirmArrival(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("application")
	}
	app, err := h.Charter.ConfirmArrival(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, app, err)
}

func (h *Handler) getPass(w http.ResponseWriter, r *http.Request) error {
	p, err := h.Charter.PassByToken(r.Context(), httpx.Actor(r.Context()), strings.TrimSpace(r.PathValue("token")))
	return reply(w, http.StatusOK, p, err)
}

func asError(err error, target **easyjob.Error) bool { return errors.As(err, target) }
