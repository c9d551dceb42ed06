package api

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// The lists are written by hand around the encoded postings: encoding/json
// would scan each json.RawMessage again to compact it (a tenth of the CPU
// of the API mix). What is not a posting is encoded by encoding/json, as
// an object whose members follow the postings'.

// recommendationRest is store.Recommendation after its posting.
type recommendationRest struct {
	Score   float64        `json:"score"`
	Reasons []store.Reason `json:"reasons"`
	Kind    string         `json:"kind"`
}

// encodeRest encodes v (an object) as httpx.JSON does, without the final
// newline.
func encodeRest(b *bytes.Buffer, v any) error {
	n := b.Len()
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // the newline
	if b.Len()-n < 2 || b.Bytes()[n] != '{' {
		return fmt.Errorf("api: %T is not written as an object", v)
	}
	return nil
}

// spliceRest writes the members of the object v after what b holds, with
// a comma when it has members.
func spliceRest(b *bytes.Buffer, v any) error {
	var rest bytes.Buffer
	if err := encodeRest(&rest, v); err != nil {
		return err
	}
	members := rest.Bytes()[1:] // after "{"
	if len(members) > 1 {
		b.WriteByte(',')
	}
	b.Write(members)
	return nil
}

// encodedRecommendations writes v as httpx.JSON would, each posting
// encoded by posting.
func encodedRecommendations(v Recommendations, posting func(easyjob.Posting) (json.RawMessage, error)) ([]byte, error) {
	var b bytes.Buffer
	err := writeItems(&b, v.Items, func(x store.Recommendation) error {
		p, err := posting(x.Posting)
		if err != nil {
			return err
		}
		b.WriteString(`{"posting":`)
		b.Write(p)
		return spliceRest(&b, recommendationRest{Score: x.Score, Reasons: x.Reasons, Kind: x.Kind})
	})
	if err != nil {
		return nil, err
	}
	if err := spliceRest(&b, struct {
		Empty *store.EmptyPage `json:"empty,omitempty"`
	}{v.Empty}); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// encodedSearch writes v as httpx.JSON would, each posting encoded by
// posting.
func encodedSearch(v store.SearchResult, posting func(easyjob.Posting) (json.RawMessage, error)) ([]byte, error) {
	var b bytes.Buffer
	err := writeItems(&b, v.Items, func(x easyjob.Posting) error {
		p, err := posting(x)
		if err == nil {
			b.Write(p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := spliceRest(&b, struct {
		Total      int           `json:"total"`
		Facets     search.Facets `json:"facets"`
		NextCursor string        `json:"next_cursor"`
	}{v.Total, v.Facets, v.NextCursor}); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// writeItems starts an answer's object with its "items" as httpx.JSON
// would write them (null for a nil list), each written by item.
func writeItems[T any](b *bytes.Buffer, items []T, item func(T) error) error {
	b.WriteString(`{"items":`)
	if items == nil {
		b.WriteString("null")
		return nil
	}
	b.WriteByte('[')
	for i, x := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := item(x); err != nil {
			return err
		}
	}
	b.WriteByte(']')
	return nil
}
