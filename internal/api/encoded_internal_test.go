package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"reflect"
	"strings"
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
	enc := func(p easyjob.Posting) (json.RawMessage, error) { return encodeCard(p) }
	type recs struct {
		items []store.Recommendation
		empty *store.EmptyPage
	}
	for _, v := range []recs{
		{items: []store.Recommendation{
			{Posting: p1, Score: 0.8125, Reasons: []store.Reason{{Key: "reason.pay_above", Args: map[string]any{"pay": 5000}, Message: "月薪 <5,000> & 元"}}, Kind: store.KindMatch},
			{Posting: p2, Score: 1.0 / 3, Reasons: []store.Reason{}, Kind: store.KindAlso}}},
		{items: []store.Recommendation{}, empty: &store.EmptyPage{Cause: "no_open", Reason: store.Reason{Key: "empty.no_open", Message: "暂无"}}},
		{},
	} {
		var out bytes.Buffer
		if err := encodedRecommendations(&out, v.items, v.empty, enc); err != nil {
			t.Fatal(err)
		}
		want := Recommendations{Empty: v.empty}
		if v.items != nil {
			want.Items = []Recommendation{}
		}
		for _, x := range v.items {
			want.Items = append(want.Items, Recommendation{Posting: cardOf(x.Posting), Score: x.Score, Reasons: x.Reasons, Kind: x.Kind})
		}
		if got, want := out.String(), write(want); got != want {
			t.Errorf("recommendations:\n%s\nwant\n%s", got, want)
		}
	}
	// PostingList as a search writes it: cards.
	type searchList struct {
		Items      []PostingCard `json:"items"`
		Total      int           `json:"total"`
		Facets     search.Facets `json:"facets"`
		NextCursor string        `json:"next_cursor"`
	}
	if a, b := reflect.TypeOf(searchList{}), reflect.TypeOf(PostingList{}); a.NumField() != b.NumField() {
		t.Fatal("searchList no longer follows PostingList")
	} else {
		for i := range a.NumField() {
			if a.Field(i).Tag != b.Field(i).Tag {
				t.Fatalf("searchList no longer follows PostingList: %s", a.Field(i).Tag)
			}
		}
	}
	for _, v := range []store.SearchResult{
		{Items: []easyjob.Posting{p1, p2}, Total: 2, Facets: search.Facets{District: map[string]int{"440307": 2}, Occupation: map[string]int{"6-25-04-02": 1}, Dorm: 1}, NextCursor: "MjA"},
		{Items: []easyjob.Posting{}, Facets: search.Facets{District: map[string]int{}, Occupation: map[string]int{}}},
		{},
	} {
		var out bytes.Buffer
		if err := encodedSearch(&out, v, enc); err != nil {
			t.Fatal(err)
		}
		want := searchList{Total: v.Total, Facets: v.Facets, NextCursor: v.NextCursor}
		if v.Items != nil {
			want.Items = []PostingCard{}
		}
		for _, p := range v.Items {
			want.Items = append(want.Items, cardOf(p))
		}
		if got, want := out.String(), write(want); got != want {
			t.Errorf("search:\n%s\nwant\n%s", got, want)
		}
	}
	b, _ := encodePosting(p1)
	if got, want := string(b)+"\n", write(p1); got != want {
		t.Errorf("detail:\n%s\nwant\n%s", got, want)
	}
}

// TestRestAsEncodingJSON holds the hand-written members of a recommendation
// to encoding/json's, over random reasons: strings with quotes, control
// characters, U+2028, invalid UTF-8 and Chinese, arguments of every kind a
// reason carries and some it does not, and scores small, large and negative.
func TestRestAsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	pieces := []string{"月薪", "<b>", "&", "\"", "\\", "\n", "\t", "\x00", "\x1f", "\x7f", "\u2028", "\u2029", "\xff", "\xe6\x9c", "a", "é", "🙂", "\b", "\f", "\r"}
	str := func() string {
		var b strings.Builder
		for range r.IntN(6) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		return b.String()
	}
	scores := []float64{0, -0.0, 1, 1.0 / 3, 0.8125, 1e-7, 1e-6, 9.99e-7, 1e21, 1e20, -2.5e-9, 123456789.125, -1}
	arg := func() any {
		switch r.IntN(9) {
		case 0:
			return nil
		case 1:
			return str()
		case 2:
			return r.IntN(2) == 0
		case 3:
			return r.IntN(100000) - 50000
		case 4:
			return int64(r.Uint64())
		case 5:
			return int32(r.Int32())
		case 6:
			return scores[r.IntN(len(scores))]
		case 7:
			return []string{str()}
		default:
			return map[string]int{str(): 1}
		}
	}
	for range 20_000 {
		x := store.Recommendation{Score: scores[r.IntN(len(scores))] * (1 + r.Float64()), Kind: str()}
		if r.IntN(5) > 0 {
			x.Reasons = []store.Reason{}
			for range r.IntN(4) {
				rs := store.Reason{Key: str(), Message: str()}
				if n := r.IntN(4); n > 0 {
					rs.Args = map[string]any{}
					for range n {
						rs.Args[str()] = arg()
					}
				} else if r.IntN(2) == 0 {
					rs.Args = map[string]any{}
				}
				x.Reasons = append(x.Reasons, rs)
			}
		}
		var got, want bytes.Buffer
		if err := appendRecommendationRest(&got, x); err != nil {
			t.Fatal(err)
		}
		if err := spliceRest(&want, recommendationRest{Score: x.Score, Reasons: x.Reasons, Kind: x.Kind}); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("by hand\n%s\nencoding/json\n%s", got.String(), want.String())
		}
	}
	var b bytes.Buffer
	if err := appendRecommendationRest(&b, store.Recommendation{Score: math.NaN()}); err == nil {
		t.Error("a NaN score was written")
	}
}

// BenchmarkRecommendationRest: a recommendation's members after its posting,
// by hand and by encoding/json (five reasons, as a page's typical item).
func BenchmarkRecommendationRest(b *testing.B) {
	x := store.Recommendation{Score: 0.8125, Kind: store.KindMatch, Reasons: []store.Reason{
		{Key: "reason.trade_same", Args: map[string]any{"occupation": "6-25-04-02"}, Message: "与您的工种相同：电子元件制造工"},
		{Key: "reason.pay_above", Args: map[string]any{"pay": 6500, "expected": 5000}, Message: "月薪 6,500 元，高于您期望的 5,000 元"},
		{Key: "reason.dorm_meals", Message: "包吃包住"},
		{Key: "reason.villagers", Args: map[string]any{"n": 12}, Message: "已有 12 位同乡在这家企业工作"},
		{Key: "reason.policy_twinned", Message: "对口帮扶县优先"},
	}}
	var buf bytes.Buffer
	b.Run("hand", func(b *testing.B) {
		for b.Loop() {
			buf.Reset()
			appendRecommendationRest(&buf, x)
		}
	})
	b.Run("encoding_json", func(b *testing.B) {
		for b.Loop() {
			buf.Reset()
			spliceRest(&buf, recommendationRest{Score: x.Score, Reasons: x.Reasons, Kind: x.Kind})
		}
	})
}

// TestWriteEncodedConcurrently: answers written through the kept buffers,
// many at once, each get their own bytes, also after a failed encoding and
// a buffer too big to keep.
func TestWriteEncodedConcurrently(t *testing.T) {
	done := make(chan error)
	for g := range 8 {
		go func() {
			for i := range 300 {
				want := strings.Repeat(string(rune('a'+g)), 1+(i*37)%3000)
				if i%50 == 7 {
					want = strings.Repeat("z", answerBufMax+1)
				}
				if i%11 == 3 {
					err := writeEncoded(httptest.NewRecorder(), func(b *bytes.Buffer) error {
						b.WriteString("half")
						return errFailed
					})
					if err != errFailed {
						done <- err
						return
					}
				}
				w := httptest.NewRecorder()
				if err := writeEncoded(w, func(b *bytes.Buffer) error { b.WriteString(want); return nil }); err != nil {
					done <- err
					return
				}
				if got := w.Body.String(); got != want || w.Code != 200 {
					done <- errors.New("an answer got another's bytes: " + got[:min(len(got), 20)])
					return
				}
			}
			done <- nil
		}()
	}
	for range 8 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

var errFailed = errors.New("failed")
