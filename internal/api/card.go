package api

import (
	"encoding/json"
	"time"

	"easyjob/internal/easyjob"
)

// PostingCard is what a list of postings shows of each one (a seeker's
// recommendations, a search): the job card's pay, dorm and meals, shift,
// place, dates and places left, and the fields a search filters on. The
// whole posting (its description, address, pay rules, age range and the
// automatic checks' results) is its detail, GET /postings/{id} (issue #11:
// lists carry what a list shows, details what a detail shows; a page of 20
// recommendations went from 32 KB to 22 KB before compression).
type PostingCard struct {
	ID              int64                 `json:"id"`
	EmployerID      int64                 `json:"employer_id"`
	EmployerName    string                `json:"employer_name,omitempty"`
	EmployerOK      bool                  `json:"employer_verified"`
	Title           string                `json:"title"`
	Occupation      string                `json:"occupation"`
	PayMin          int                   `json:"pay_min"`
	PayMax          int                   `json:"pay_max"`
	Dorm            bool                  `json:"dorm"`
	Meals           bool                  `json:"meals"`
	Shift           string                `json:"shift"`
	SocialInsurance bool                  `json:"social_insurance"`
	District        string                `json:"district"`
	StartDate       easyjob.Date          `json:"start_date"`
	ClosingDate     easyjob.Date          `json:"closing_date"`
	Headcount       int                   `json:"headcount"`
	Filled          int                   `json:"filled"`
	Remaining       int                   `json:"remaining"` // headcount not yet taken by offers and hires
	Pending         int                   `json:"pending"`   // applied + shortlisted
	Status          easyjob.PostingStatus `json:"status"`
	PublishedAt     time.Time             `json:"published_at,omitzero"`
}

// cardOf is the card of p.
func cardOf(p easyjob.Posting) PostingCard {
	return PostingCard{ID: p.ID, EmployerID: p.EmployerID, EmployerName: p.EmployerName, EmployerOK: p.EmployerOK,
		Title: p.Title, Occupation: p.Occupation, PayMin: p.PayMin, PayMax: p.PayMax, Dorm: p.Dorm, Meals: p.Meals,
		Shift: p.Shift, SocialInsurance: p.SocialInsurance, District: p.District, StartDate: p.StartDate,
		ClosingDate: p.ClosingDate, Headcount: p.Headcount, Filled: p.Filled, Remaining: p.Remaining(),
		Pending: p.Pending, Status: p.Status, PublishedAt: p.PublishedAt}
}

// cardKey names the card among a posting's kept encodings (the others are
// languages): a card has nothing in words, so one serves every language.
const cardKey = "card"

// encodeCard is p's card as httpx.JSON writes it, without the final newline.
func encodeCard(p easyjob.Posting) ([]byte, error) { return encodeJSON(cardOf(p)) }

// cardJSON is p's card, encoded: from memory, encoded once per version of
// the posting, when the posting is live; else encoded now.
func (h *Handler) cardJSON(p easyjob.Posting) (json.RawMessage, error) {
	if m := h.S.Matching; m != nil && m.IsBuilt() {
		b, ok, err := m.PostingJSON(p.ID, cardKey, encodeCard)
		if err != nil || ok {
			return b, err
		}
	}
	return encodeCard(p)
}

// listedPosting documents an item of PostingList (see unions in
// openapi.go): the answer writes cards or whole postings.
type listedPosting struct{}
