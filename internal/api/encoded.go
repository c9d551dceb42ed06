package api

import (
	"bytes"
	"encoding/json"
	"net/http"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/search"
	"easyjob/internal/store"
)

// Lists of postings (recommendations, search) and a posting's detail write
// each live posting from bytes encoded once per version of the posting and
// language (store.Matching.PostingJSON): the same bytes httpx.JSON writes
// for the types the OpenAPI document names (Recommendations,
// store.SearchResult, easyjob.Posting; TestEncodedAsBefore).

// encodePosting is p as httpx.JSON writes it, without the final newline.
func encodePosting(p easyjob.Posting) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// postingJSON is p with its checks in the reader's language, encoded: the
// live posting's bytes from memory when it is held there, else encoded now.
func (h *Handler) postingJSON(r *http.Request, p easyjob.Posting) (json.RawMessage, error) {
	enc := func(p easyjob.Posting) ([]byte, error) { return encodePosting(localiseChecks(h, r, p)) }
	if m := h.S.Matching; m != nil && m.IsBuilt() {
		b, ok, err := m.PostingJSON(p.ID, httpx.Lang(r.Context()), enc)
		if err != nil || ok {
			return b, err
		}
	}
	return enc(p)
}

// recommendationJSON is store.Recommendation with the posting encoded.
type recommendationJSON struct {
	Posting json.RawMessage `json:"posting"`
	Score   float64         `json:"score"`
	Reasons []store.Reason  `json:"reasons"`
	Kind    string          `json:"kind"`
}

// recommendationsJSON is Recommendations with the postings encoded.
type recommendationsJSON struct {
	Items []recommendationJSON `json:"items"`
	Empty *store.EmptyPage     `json:"empty,omitempty"`
}

// searchJSON is store.SearchResult with the postings encoded.
type searchJSON struct {
	Items      []json.RawMessage `json:"items"`
	Total      int               `json:"total"`
	Facets     search.Facets     `json:"facets"`
	NextCursor string            `json:"next_cursor"`
}

// encodedRecommendations is v with each posting encoded by posting.
func encodedRecommendations(v Recommendations, posting func(easyjob.Posting) (json.RawMessage, error)) (recommendationsJSON, error) {
	out := recommendationsJSON{Empty: v.Empty}
	if v.Items != nil {
		out.Items = make([]recommendationJSON, len(v.Items))
	}
	for i, x := range v.Items {
		b, err := posting(x.Posting)
		if err != nil {
			return out, err
		}
		out.Items[i] = recommendationJSON{Posting: b, Score: x.Score, Reasons: x.Reasons, Kind: x.Kind}
	}
	return out, nil
}

// encodedSearch is v with each posting encoded by posting.
func encodedSearch(v store.SearchResult, posting func(easyjob.Posting) (json.RawMessage, error)) (searchJSON, error) {
	out := searchJSON{Total: v.Total, Facets: v.Facets, NextCursor: v.NextCursor}
	if v.Items != nil {
		out.Items = make([]json.RawMessage, len(v.Items))
	}
	for i, p := range v.Items {
		b, err := posting(p)
		if err != nil {
			return out, err
		}
		out.Items[i] = b
	}
	return out, nil
}
