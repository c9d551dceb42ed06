package store_test

import (
	"context"
	"math"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// An offer's pay has the range of any pay: 3,000,000,000 CNY a month was
// stored on SQLite and a 500 on PostgreSQL (INTEGER); now it is refused on
// both, naming the field, and nothing moves.
func TestOfferPayRange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		p := f.Published(t, 2)
		seeker, me := f.Seeker(t)
		app, err := s.Apply(ctx, me, seeker.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		start := easyjob.DateOf(f.Clock.Now()).AddDays(7)
		for _, c := range []struct {
			pay int
			key string
		}{
			{easyjob.MaxPay + 1, "field.pay"},
			{3_000_000_000, "field.pay"},
			{math.MaxInt, "field.pay"},
			{-1, "check.min_wage"},
		} {
			_, err := s.Transition(ctx, f.Boss, app.ID, store.Move{To: easyjob.StateOffered, StartDate: start, Pay: c.pay})
			if code(err) != easyjob.EINVALID || fieldsOf(err)["pay"].Key != c.key {
				t.Errorf("pay %d: %v", c.pay, err)
			}
		}
		if got, err := s.Application(ctx, f.Boss, app.ID); err != nil || got.State != easyjob.StateApplied {
			t.Fatalf("after refused offers: %+v %v", got, err)
		}
		if got, err := s.Transition(ctx, f.Boss, app.ID, store.Move{To: easyjob.StateOffered, StartDate: start, Pay: easyjob.MaxPay}); err != nil || got.OfferPay != easyjob.MaxPay {
			t.Fatalf("at the limit: %+v %v", got, err)
		}
	})
}
