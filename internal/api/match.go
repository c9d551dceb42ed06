package api

import (
	"bytes"
	"net/http"
	"strconv"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/search"
	"easyjob/internal/store"
)

// Request and response bodies of matching.
type (
	MatchDayRequest struct {
		Region string       `json:"region"` // the officer's region when empty
		Date   easyjob.Date `json:"date"`   // the transport day
	}
	ConvertRequest struct {
		ProposalIDs []int64 `json:"proposal_ids"` // empty: every proposal still proposed
	}
	// Recommendations are the matches of the seeker's trades (kind
	// "match"), then what they could also do (kind "also"); Empty, only
	// when there are no items, says why in the seeker's words and what
	// would change it.
	Recommendations struct {
		Items []Recommendation `json:"items"`
		Empty *store.EmptyPage `json:"empty,omitempty"`
	}
	// Recommendation is one recommended posting, as its card, with its
	// score and the reasons it fits, in the reader's language.
	Recommendation struct {
		Posting PostingCard    `json:"posting"`
		Score   float64        `json:"score"`
		Reasons []store.Reason `json:"reasons"`
		Kind    string         `json:"kind"` // "match" or "also"
	}
	// PostingList is GET /postings. With q or a search filter it is a
	// search: cards (PostingCard) of published postings with places left,
	// with the total and facet counts. Otherwise it is a page of whole
	// postings (an employer's own, an officer's region, with the automatic
	// checks' results that those lists show) without total and facets.
	PostingList struct {
		Items      []listedPosting `json:"items"`
		Total      int             `json:"total"`
		Facets     search.Facets   `json:"facets"`
		NextCursor string          `json:"next_cursor"`
	}
	Candidates struct {
		Items []store.Candidate `json:"items"`
	}
)

// searchParams are the query parameters that make GET /postings a search.
var searchParams = []string{"q", "occupation", "pay_min", "pay_max", "dorm", "meals", "start_from", "start_to"}

func (h *Handler) matchRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/seekers/{id}/recommendations", ID: "recommendations", Tag: "matching", Summary: "Open postings for a seeker, best first, with the score and its reasons (the seeker, or officers of the seeker's region)", Query: []string{"limit"}, Out: Recommendations{}, h: h.recommendations},
		{Method: "GET", Path: "/recommendations/short-counts", ID: "shortRecommendationCounts", Tag: "matching", Summary: "Per home county in the officer's scope, how many active seekers have fewer than five recommendations, matches and fallbacks together (officers; counted at most about once a minute)", Out: store.ShortCounts{}, h: h.shortCounts},
		{Method: "GET", Path: "/postings/{id}/candidates", ID: "candidates", Tag: "matching", Summary: "Seekers for a posting, best first, with the score and its reasons; contact details masked until the seeker applies", Query: []string{"limit"}, Out: Candidates{}, h: h.candidates},
		{Method: "POST", Path: "/matchdays", ID: "proposeMatchDay", Tag: "matching", Summary: "Propose at most one posting to each seeker of a region before a transport day: stable, within remaining headcounts (officers)", In: MatchDayRequest{}, Out: store.MatchRun{}, Created: true, h: h.proposeMatchDay},
		{Method: "GET", Path: "/matchdays/{id}", ID: "getMatchDay", Tag: "matching", Summary: "A match day's proposals for review (officers)", Out: store.MatchRun{}, h: h.getMatchDay},
		{Method: "POST", Path: "/matchdays/{id}/convert", ID: "convertMatchDay", Tag: "matching", Summary: "Turn reviewed proposals into offers in bulk (officers)", In: ConvertRequest{}, Out: store.ConvertResult{}, h: h.convertMatchDay},
		{Method: "GET", Path: "/matching/policy", ID: "getMatchPolicy", Tag: "matching", Summary: "The priority weights (registered poor, twinned counties) and the congestion factor in force", Out: store.PolicyInput{}, h: h.getMatchPolicy},
		{Method: "PUT", Path: "/matching/policy", ID: "setMatchPolicy", Tag: "matching", Summary: "Set the priority weights and the congestion factor (city officers and admins)", In: store.PolicyInput{}, Out: store.PolicyInput{}, h: h.setMatchPolicy},
	}
}

// localiseReasons renders each reason in the reader's language.
func (h *Handler) localiseReasons(r *http.Request, rs []store.Reason) {
	lang := httpx.Lang(r.Context())
	for i := range rs {
		rs[i].Message = h.Errors.Cat.Msg(lang, easyjob.Msg{Key: rs[i].Key, Args: rs[i].Args})
	}
}

func limit(r *http.Request) (int, error) { return httpx.QueryInt(r, "limit", 20, 1, 100) }

func (h *Handler) recommendations(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("seeker")
	}
	n, err := limit(r)
	if err != nil {
		return err
	}
	pg, err := h.S.RecommendationPage(r.Context(), httpx.Actor(r.Context()), id, n)
	if err != nil {
		return err
	}
	recs := pg.Items
	for i := range recs {
		h.localiseReasons(r, recs[i].Reasons)
	}
	if pg.Empty != nil {
		rs := []store.Reason{pg.Empty.Reason}
		h.localiseReasons(r, rs)
		pg.Empty.Reason = rs[0]
	}
	return writeEncoded(w, func(b *bytes.Buffer) error {
		return encodedRecommendations(b, recs, pg.Empty, h.cardJSON)
	})
}

func (h *Handler) shortCounts(w http.ResponseWriter, r *http.Request) error {
	c, err := h.S.ShortCounts(r.Context(), httpx.Actor(r.Context()))
	return reply(w, http.StatusOK, c, err)
}

func (h *Handler) candidates(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return easyjob.NotFound("posting")
	}
	n, err := limit(r)
	if err != nil {
		return err
	}
	cs, err := h.S.Candidates(r.Context(), httpx.Actor(r.Context()), id, n)
	if err != nil {
		return err
	}
	for i := range cs {
		h.localiseReasons(r, cs[i].Reasons)
	}
	httpx.JSON(w, http.StatusOK, Candidates{Items: cs})
	return nil
}

// isSearch tells whether GET /postings asks for a search.
func isSearch(r *http.Request) bool {
	q := r.URL.Query()
	for _, p := range searchParams {
		if q.Has(p) {
			return true
		}
	}
	return false
}

// searchPostings serves GET /postings with q or a search filter.
func (h *Handler) searchPostings(w http.ResponseWriter, r *http.Request) error {
	lo, err := list(r)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	q := store.SearchQuery{ListOptions: lo, Q: v.Get("q"), District: v.Get("district"), Occupation: v.Get("occupation")}
	f := easyjob.Fields{}
	num := func(name string) int {
		s := v.Get(name)
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 1_000_000 {
			f.Add(name, "error.range", "min", 0, "max", 1_000_000)
		}
		return n
	}
	flag := func(name string) bool {
		s := v.Get(name)
		if s == "" {
			return false
		}
		b, err := strconv.ParseBool(s)
		if err != nil {
			f.Add(name, "field.bool")
		}
		return b
	}
	date := func(name string) easyjob.Date {
		s := v.Get(name)
		if s == "" {
			return easyjob.Date{}
		}
		d, err := easyjob.ParseDate(s)
		if err != nil {
			f.Add(name, "field.date")
		}
		return d
	}
	q.PayMin, q.PayMax = num("pay_min"), num("pay_max")
	q.Dorm, q.Meals = flag("dorm"), flag("meals")
	q.StartFrom, q.StartTo = date("start_from"), date("start_to")
	if err := f.Err(); err != nil {
		return err
	}
	res, err := h.S.Search(r.Context(), httpx.Actor(r.Context()), q)
	if err != nil {
		return err
	}
	return writeEncoded(w, func(b *bytes.Buffer) error {
		return encodedSearch(b, res, h.cardJSON)
	})
}

func (h *Handler) proposeMatchDay(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[MatchDayRequest](w, r)
	if err != nil {
		return err
	}
	run, err := h.S.ProposeMatchDay(r.Context(), httpx.Actor(r.Context()), in.Region, in.Date)
	return reply(w, http.StatusCreated, run, err)
}

func (h *Handler) getMatchDay(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	run, err := h.S.MatchRun(r.Context(), httpx.Actor(r.Context()), id)
	return reply(w, http.StatusOK, run, err)
}

func (h *Handler) convertMatchDay(w http.ResponseWriter, r *http.Request) error {
	id, in, err := idBody[ConvertRequest](w, r)
	if err != nil {
		return err
	}
	res, err := h.S.ConvertProposals(r.Context(), httpx.Actor(r.Context()), id, in.ProposalIDs)
	return reply(w, http.StatusOK, res, err)
}

func (h *Handler) getMatchPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := h.S.MatchPolicy(r.Context())
	return reply(w, http.StatusOK, p, err)
}

func (h *Handler) setMatchPolicy(w http.ResponseWriter, r *http.Request) error {
	in, err := decode[store.PolicyInput](w, r)
	if err != nil {
		return err
	}
	p, err := h.S.SetMatchPolicy(r.Context(), httpx.Actor(r.Context()), in)
	return reply(w, http.StatusOK, p, err)
}
