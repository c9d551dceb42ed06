package api

import (
	"net/http"

	"easyjob/internal/easyjob"
	"easyjob/internal/equipment"
	"easyjob/internal/equipment/rules"
	"easyjob/internal/httpx"
)

// Request and response bodies of shared equipment and reward challenges.
type (
	Bookings struct {
		Items []equipment.Booking `json:"items"`
	}
	Challenges struct {
		Items []equipment.Challenge `json:"items"`
	}
	PayRequest struct {
		Part string `json:"part"` // upfront or milestone
	}
	ConflictRequest struct {
		Reason string `json:"reason"`
	}
)

func (h *Handler) equipmentRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/equipment", ID: "searchEquipment", Tag: "equipment", Public: true, Summary: "Search shared instruments by keyword (Chinese or English), category, district, biosafety level, a free time window (free_from, free_to: RFC 3339 or Shanghai 2006-01-02T15:04) and distance (near: a district code, or lat and lng; km)", Query: []string{"q", "category", "district", "biosafety", "free_from", "free_to", "near", "lat", "lng", "km", "limit"}, Params: equipmentSearchParams(), Out: equipment.Result{}, h: h.searchEquipment},
		{Method: "GET", Path: "/equipment/{id}", ID: "getInstrument", Tag: "equipment", Public: true, Summary: "One instrument with its booking rules", Out: equipment.Instrument{}, h: h.getInstrument},
		{Method: "POST", Path: "/equipment/{id}/bookings", ID: "bookInstrument", Tag: "equipment", Summary: "Book an instrument (researchers): 201; 422 naming the field for a window that ends before it starts, is too long or short, in the past or within the notice; 403 with the reason for a missing biosafety level or certificate or a suspension; 409 naming the booked slot on an overlap", In: equipment.BookingInput{}, Out: equipment.Booking{}, Created: true, h: h.bookInstrument},
		{Method: "GET", Path: "/equipment/bookings", ID: "myBookings", Tag: "equipment", Summary: "The researcher's bookings, latest first", Out: Bookings{}, h: h.myBookings},
		{Method: "POST", Path: "/equipment/bookings/{id}/checkin", ID: "checkInBooking", Tag: "equipment", Summary: "Check in from 15 minutes before the start to an hour after it; the use is recorded", Out: equipment.Booking{}, h: h.bookingAction("checkin")},
		{Method: "POST", Path: "/equipment/bookings/{id}/finish", ID: "finishBooking", Tag: "equipment", Summary: "End the use now; the fee is recorded", Out: equipment.Booking{}, h: h.bookingAction("finish")},
		{Method: "POST", Path: "/equipment/bookings/{id}/cancel", ID: "cancelBooking", Tag: "equipment", Summary: "Cancel a booking not yet started", Out: equipment.Booking{}, h: h.bookingAction("cancel")},
		{Method: "POST", Path: "/equipment/bookings/{id}/approve", ID: "approveBooking", Tag: "equipment", Summary: "Approve a pending booking (the instrument's lab manager)", Out: equipment.Booking{}, h: h.bookingAction("approve")},
		{Method: "POST", Path: "/equipment/bookings/{id}/reject", ID: "rejectBooking", Tag: "equipment", Summary: "Reject a pending booking (the instrument's lab manager)", Out: equipment.Booking{}, h: h.bookingAction("reject")},
		{Method: "GET", Path: "/challenges", ID: "listChallenges", Tag: "challenges", Public: true, Summary: "Published, closed and awarded reward challenges with their awarded teams", Out: Challenges{}, h: h.listChallenges},
		{Method: "GET", Path: "/challenges/{id}", ID: "getChallenge", Tag: "challenges", Public: true, Summary: "A challenge with its criteria and the entries the reader may see", Out: equipment.Challenge{}, h: h.getChallenge},
		{Method: "POST", Path: "/challenges/{id}/entries", ID: "takeUpChallenge", Tag: "challenges", Summary: "Take up a published challenge for the researcher's institution with a proposal and an ask (at most the ceiling)", In: equipment.EntryInput{}, Out: equipment.Entry{}, Created: true, h: h.takeUp},
		{Method: "POST", Path: "/challenge-entries/{id}/scores", ID: "scoreEntry", Tag: "challenges", Summary: "An expert's sheet for an entry in the open round: scores 0–10 by criterion id, the assessed amount; 403 when conflicted, 409 after the round closed", In: equipment.SheetInput{}, Out: equipment.Sheet{}, h: h.scoreEntry},
		{Method: "POST", Path: "/challenge-entries/{id}/conflicts", ID: "declareConflict", Tag: "challenges", Summary: "An expert declares a conflict of interest with an entry's team; they cannot score it", In: ConflictRequest{}, Out: Status{}, h: h.declareConflict},
		{Method: "POST", Path: "/challenge-entries/{id}/payments", ID: "payEntry", Tag: "challenges", Summary: "Pay one part of an award (the commission), with an Idempotency-Key header; a part already paid is returned, never paid twice", In: PayRequest{}, Out: equipment.Payment{}, h: h.payEntry},
		{Method: "GET", Path: "/challenges-budget", ID: "challengeBudget", Tag: "challenges", Summary: "The 250-million budget committed and paid by challenge (the commission)", Out: equipment.BudgetView{}, h: h.challengeBudget},
	}
}

// equipmentSearchParams types the parameters of GET /equipment as equipment.ParseFilter
// and Search read them.
func equipmentSearchParams() map[string]map[string]any {
	keys := make([]string, len(equipment.Categories))
	for i, c := range equipment.Categories {
		keys[i] = c.Key
	}
	clock := map[string]any{"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}",
		"description": "RFC 3339, or 2006-01-02T15:04 in Asia/Shanghai; free_from and free_to come together"}
	return map[string]map[string]any{
		"category":  {"type": "string", "enum": keys},
		"biosafety": {"type": "integer", "minimum": -1, "maximum": rules.MaxBiosafety, "description": "instruments requiring exactly this biosafety level; -1 or absent: any"},
		"free_from": clock,
		"free_to":   clock,
		"near":      {"type": "string", "pattern": "^[0-9]{6}([0-9]{3})?$", "description": "a Shenzhen district or street code"},
		"lat":       {"type": "number", "minimum": 18, "maximum": 54},
		"lng":       {"type": "number", "minimum": 73, "maximum": 136},
		"km":        {"type": "number", "minimum": 0, "maximum": 200},
		"limit":     {"type": "integer", "minimum": 1, "maximum": equipment.SearchLimit, "default": 50},
	}
}

func (h *Handler) searchEquipment(w http.ResponseWriter, r *http.Request) error {
	f, err := equipment.ParseFilter(r.URL.Query())
	if err != nil {
		return err
	}
	res, err := h.Equipment.Search(r.Context(), httpx.Actor(r.Context()), f)
	return reply(w, http.StatusOK, res, err)
}

func (h *Handler) getInstrument(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("instrument")
	}
	x, err := h.Equipment.Instrument(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, x, err)
}

func (h *Handler) bookInstrument(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[equipment.BookingInput](w, r)
	if err != nil {
		return err
	}
	b, err := h.Equipment.Book(r.Context(), httpx.Actor(r.Context()), id, in)
	return reply(w, http.StatusCreated, b, err)
}

func (h *Handler) myBookings(w http.ResponseWriter, r *http.Request) error {
	xs, err := h.Equipment.MyBookings(r.Context(), httpx.Actor(r.Context()))
	return reply(w, http.StatusOK, Bookings{Items: xs}, err)
}

func (h *Handler) bookingAction(action string) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return easyjob.NotFound("booking")
		}
		ctx, a := r.Context(), httpx.Actor(r.Context())
		var b equipment.Booking
		switch action {
		case "checkin":
			b, err = h.Equipment.CheckIn(ctx, a, id)
		case "finish":
			b, err = h.Equipment.Finish(ctx, a, id)
		case "cancel":
			b, err = h.Equipment.Cancel(ctx, a, id)
		case "approve", "reject":
			b, err = h.Equipment.Decide(ctx, a, id, action == "approve")
		}
		return reply(w, http.StatusOK, b, err)
	}
}

func (h *Handler) listChallenges(w http.ResponseWriter, r *http.Request) error {
	xs, err := h.Equipment.Challenges(r.Context(), httpx.Actor(r.Context()), false)
	return reply(w, http.StatusOK, Challenges{Items: xs}, err)
}

func (h *Handler) getChallenge(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("challenge")
	}
	c, err := h.Equipment.Challenge(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, c, err)
}

func (h *Handler) takeUp(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[equipment.EntryInput](w, r)
	if err != nil {
		return err
	}
	e, err := h.Equipment.TakeUp(r.Context(), httpx.Actor(r.Context()), id, in)
	return reply(w, http.StatusCreated, e, err)
}

func (h *Handler) scoreEntry(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[equipment.SheetInput](w, r)
	if err != nil {
		return err
	}
	s, err := h.Equipment.Score(r.Context(), httpx.Actor(r.Context()), id, in)
	return reply(w, http.StatusOK, s, err)
}

func (h *Handler) declareConflict(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[ConflictRequest](w, r)
	if err != nil {
		return err
	}
	err = h.Equipment.DeclareConflict(r.Context(), httpx.Actor(r.Context()), id, in.Reason)
	return reply(w, http.StatusOK, Status{Status: "ok"}, err)
}

func (h *Handler) payEntry(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[PayRequest](w, r)
	if err != nil {
		return err
	}
	p, err := h.Equipment.Pay(r.Context(), httpx.Actor(r.Context()), id, equipment.PaymentPart(in.Part), r.Header.Get("Idempotency-Key"))
	return reply(w, http.StatusOK, p, err)
}

func (h *Handler) challengeBudget(w http.ResponseWriter, r *http.Request) error {
	b, err := h.Equipment.Budget(r.Context(), httpx.Actor(r.Context()))
	return reply(w, http.StatusOK, b, err)
}
