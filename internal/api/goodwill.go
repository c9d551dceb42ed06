package api

import (
	"net/http"
	"strconv"

	"easyjob/internal/easyjob"
	"easyjob/internal/goodwill"
	"easyjob/internal/httpx"
)

// Request bodies of the goodwill system.
type (
	AssembleRequest struct {
		Count   int    `json:"count"`
		IdemKey string `json:"idempotency_key"`
	}
)

func (h *Handler) goodwillRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/stock", ID: "goodwillStock", Tag: "goodwill", Summary: "A social organisation's stock: each item's quantity on hand (split by earmark) and each campaign's packages on hand, summed from the append-only ledger (its staff; verifiers and admins with org_id)", Query: []string{"org_id"}, Out: goodwill.Stock{}, h: h.goodwillStock},
		{Method: "POST", Path: "/donations", ID: "recordDonation", Tag: "goodwill", Summary: "Record a donation of money or goods with an earmark and an idempotency key; answers the receipt (its number and key open the donor's page). The same key answers the donation already recorded", In: goodwill.DonationInput{}, Out: goodwill.Donation{}, Created: true, h: h.recordDonation},
		{Method: "POST", Path: "/campaigns/{id}/assemblies", ID: "assemblePackages", Tag: "goodwill", Summary: "Assemble packages for a campaign from stock (earmarks must fit the campaign); more than the stock holds is a 409 and nothing is written", In: AssembleRequest{}, Out: goodwill.Assembly{}, Created: true, h: h.assemblePackages},
		{Method: "POST", Path: "/campaigns/{id}/handovers", ID: "handOver", Tag: "goodwill", Summary: "Hand one package to a registered recipient (confirmed by the code they show, or by their signature on the printed list when no code is given): 201 once per person per campaign, then 409 naming the earlier hand-over's date and point", In: goodwill.HandoverInput{}, Out: goodwill.Handover{}, Created: true, h: h.handOver},
		{Method: "GET", Path: "/campaigns/{id}/progress", ID: "campaignProgress", Tag: "goodwill", Summary: "A campaign against its target: assembled, on hand, registered and delivered, by district and by unit", Out: goodwill.Progress{}, h: h.campaignProgress},
	}
}

func (h *Handler) goodwillStock(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), httpx.Actor(r.Context())
	org, err := h.Goodwill.OrgOf(ctx, a)
	if err != nil {
		return err
	}
	if v := r.URL.Query().Get("org_id"); v != "" {
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || n <= 0 {
			f := easyjob.Fields{}
			f.Add("org_id", "field.number")
			return f.Err()
		}
		org = n
	}
	if org == 0 {
		return easyjob.Errorf(easyjob.EFORBIDDEN, "error.forbidden")
	}
	st, err := h.Goodwill.Stock(ctx, a, org)
	return reply(w, http.StatusOK, st, err)
}

func (h *Handler) recordDonation(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[goodwill.DonationInput](w, r)
	if err != nil {
		return err
	}
	d, err := h.Goodwill.Donate(r.Context(), httpx.Actor(r.Context()), in)
	return reply(w, http.StatusCreated, d, err)
}

func (h *Handler) assemblePackages(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[AssembleRequest](w, r)
	if err != nil {
		return err
	}
	x, err := h.Goodwill.Assemble(r.Context(), httpx.Actor(r.Context()), id, in.Count, in.IdemKey)
	return reply(w, http.StatusCreated, x, err)
}

func (h *Handler) handOver(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[goodwill.HandoverInput](w, r)
	if err != nil {
		return err
	}
	ho, err := h.Goodwill.Handover(r.Context(), httpx.Actor(r.Context()), id, in)
	return reply(w, http.StatusCreated, ho, err)
}

func (h *Handler) campaignProgress(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := h.Goodwill.Progress(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, p, err)
}
