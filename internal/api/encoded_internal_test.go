package api

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/search"
	"easyjob/internal/store"
)

// TestEncodedAsBefore: lists written from postings encoded apart are the
// same bytes as the types the OpenAPI document names, written whole.
func TestEncodedAsBefore(t *testing.T) {
	at := time.Date(2026, 3, 2, 1, 2, 3, 456_000_000, time.UTC)
	p1 := easyjob.Posting{ID: 7, EmployerID: 3, EmployerName: "深圳<市>龙岗&精密", EmployerOK: true,
		PostingInput: easyjob.PostingInput{Title: "电子厂\"普工\" <急招>", Occupation: "6-25-04-02", Headcount: 5, PayMin: 5000,
			PayMax: 6500, Dorm: true, StartDate: easyjob.DateOf(at), Description: "两班倒\n\t包吃住 \u2028 ✓"},
		Checks:  []easyjob.Check{{Rule: "pay", Severity: easyjob.CheckWarning, Field: "pay_min", Key: "check.pay", Args: map[string]any{"min": 2360, "x": "<b>"}, Message: "低于 <2,360> & 元"}},
		Pending: 2, CreatedAt: at, UpdatedAt: at.Add(time.Second), PublishedAt: at}
	p2 := easyjob.Posting{ID: 8, Checks: []easyjob.Check{}, CreatedAt: at}
	write := func(v any) string {
		w := httptest.NewRecorder()
		httpx.JSON(w, 200, v)
		return w.Body.String()
	}
	enc := func(p easyjob.Posting) (json.RawMessage, error) { return encodePosting(p) }
	recs := []Recommendations{
		{Items: []store.Recommendation{
			{Posting: p1, Score: 0.8125, Reasons: []store.Reason{{Key: "reason.pay_above", Args: map[string]any{"pay": 5000}, Message: "月薪 <5,000> & 元"}}, Kind: store.KindMatch},
			{Posting: p2, Score: 1.0 / 3, Reasons: []store.Reason{}, Kind: store.KindAlso}}},
		{Items: []store.Recommendation{}, Empty: &store.EmptyPage{Cause: "no_open", Reason: store.Reason{Key: "empty.no_open", Message: "暂无"}}},
		{},
	}
	for _, v := range recs {
		out, err := encodedRecommendations(v, enc)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(out), write(v); got != want {
			t.Errorf("recommendations:\n%s\nwant\n%s", got, want)
		}
	}
	for _, v := range []store.SearchResult{
		{Items: []easyjob.Posting{p1, p2}, Total: 2, Facets: search.Facets{District: map[string]int{"440307": 2}, Occupation: map[string]int{"6-25-04-02": 1}, Dorm: 1}, NextCursor: "MjA"},
		{Items: []easyjob.Posting{}, Facets: search.Facets{District: map[string]int{}, Occupation: map[string]int{}}},
		{},
	} {
		out, err := encodedSearch(v, enc)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := string(out), write(v); got != want {
			t.Errorf("search:\n%s\nwant\n%s", got, want)
		}
	}
	b, _ := encodePosting(p1)
	if got, want := string(b)+"\n", write(p1); got != want {
		t.Errorf("detail:\n%s\nwant\n%s", got, want)
	}
}
