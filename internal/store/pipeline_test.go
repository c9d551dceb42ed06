package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

func code(err error) string { return easyjob.ErrorCode(err) }

func fieldsOf(err error) map[string]easyjob.Msg {
	var e *easyjob.Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

func TestPipelineJourney(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		p := f.Published(t, 2)
		if p.Status != easyjob.PostingPublished || p.Remaining() != 2 {
			t.Fatalf("posting %+v", p)
		}
		seeker, me := f.Seeker(t)
		app, err := s.Apply(ctx, me, seeker.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(ctx, me, seeker.ID, p.ID); code(err) != easyjob.ECONFLICT {
			t.Fatalf("duplicate apply: %v", err)
		}
		// The seeker cannot shortlist themselves; the employer can.
		if _, err := s.Transition(ctx, me, app.ID, store.Move{To: easyjob.StateShortlisted}); code(err) != easyjob.ECONFLICT {
			t.Fatalf("seeker shortlists: %v", err)
		}
		if app, err = s.Transition(ctx, f.Boss, app.ID, store.Move{To: easyjob.StateShortlisted}); err != nil {
			t.Fatal(err)
		}
		// An offer needs a start date and pay.
		_, err = s.Transition(ctx, f.Boss, app.ID, store.Move{To: easyjob.StateOffered})
		if fs := fieldsOf(err); fs["start_date"].Key == "" || fs["pay"].Key == "" {
			t.Fatalf("offer without terms: %v", err)
		}
		start := easyjob.DateOf(f.Clock.Now()).AddDays(7)
		if app, err = s.Transition(ctx, f.Boss, app.ID, store.Move{To: easyjob.StateOffered, StartDate: start, Pay: 5200}); err != nil {
			t.Fatal(err)
		}
		if app.OfferPay != 5200 || app.OfferStart != start {
			t.Fatalf("offer terms %+v", app)
		}
		if app, err = s.Transition(ctx, me, app.ID, store.Move{To: easyjob.StateAccepted}); err != nil {
			t.Fatal(err)
		}
		for _, to := range []easyjob.ApplicationState{easyjob.StateDeparted} {
			if app, err = s.Transition(ctx, f.Station, app.ID, store.Move{To: to}); err != nil {
				t.Fatal(err)
			}
		}
		for _, to := range []easyjob.ApplicationState{easyjob.StateArrived, easyjob.StateOnboarded} {
			if app, err = s.Transition(ctx, f.Boss, app.ID, store.Move{To: to}); err != nil {
				t.Fatal(err)
			}
		}
		p, _ = s.Posting(ctx, f.Boss, p.ID)
		if p.Filled != 1 || p.Pending != 0 {
			t.Fatalf("filled %d pending %d", p.Filled, p.Pending)
		}
		evs, err := s.Events(ctx, f.Boss, app.ID)
		if err != nil || len(evs) != 7 {
			t.Fatalf("events %d %v", len(evs), err)
		}
		if evs[0].To != easyjob.StateApplied || evs[6].To != easyjob.StateOnboarded || evs[3].ActorRole != easyjob.RoleSeeker {
			t.Fatalf("events %+v", evs)
		}
		// Leaving frees the place.
		if _, err = s.Transition(ctx, f.Boss, app.ID, store.Move{To: easyjob.StateLeft, Reason: "回乡"}); err != nil {
			t.Fatal(err)
		}
		p, _ = s.Posting(ctx, f.Boss, p.ID)
		if p.Filled != 0 {
			t.Fatalf("filled after left: %d", p.Filled)
		}
	})
}

// Many offers and acceptances raced at once never take more places than
// the headcount, on both databases.
func TestHeadcountUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		const headcount, seekers = 5, 40
		p := f.Published(t, headcount)
		type pair struct {
			app easyjob.Application
			me  easyjob.Actor
		}
		apps := make([]pair, seekers)
		for i := range apps {
			sk, me := f.Seeker(t)
			a, err := s.Apply(ctx, me, sk.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			apps[i] = pair{a, me}
		}
		start := easyjob.DateOf(f.Clock.Now()).AddDays(7)
		var offered, full atomic.Int32
		var wg sync.WaitGroup
		for round := 0; round < 3; round++ {
			for _, x := range apps {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// Offer; if it is taken, accept it or decline it; a
					// decline frees a place for another offer.
					_, err := s.Transition(ctx, f.Boss, x.app.ID, store.Move{To: easyjob.StateOffered, StartDate: start, Pay: 5000})
					switch code(err) {
					case "":
						offered.Add(1)
						to := easyjob.StateAccepted
						if x.app.ID%3 == 0 {
							to = easyjob.StateDeclined
						}
						if _, err := s.Transition(ctx, x.me, x.app.ID, store.Move{To: to}); err != nil {
							t.Errorf("seeker %v: %v", to, err)
						}
					case easyjob.ECONFLICT:
						full.Add(1)
					default:
						t.Errorf("offer: %v", err)
					}
				}()
			}
			wg.Wait()
		}
		var holding int
		for _, x := range apps {
			a, err := s.Application(ctx, f.Boss, x.app.ID)
			if err != nil {
				t.Fatal(err)
			}
			if a.State.TakesHeadcount() {
				holding++
			}
		}
		p, _ = s.Posting(ctx, f.Boss, p.ID)
		t.Logf("offers made %d, refused %d; holding %d; filled %d", offered.Load(), full.Load(), holding, p.Filled)
		if holding > headcount || p.Filled != holding {
			t.Fatalf("headcount %d: %d applications hold places, filled says %d", headcount, holding, p.Filled)
		}
		if holding != headcount {
			t.Fatalf("with %d seekers every place should be taken, got %d", seekers, holding)
		}
	})
}

// TestOneOpenOffer races offers to one seeker from several postings on both
// databases: exactly one wins, the others get "application.offer_held", the
// headcount gives back nothing it did not take; once the seeker declines,
// another offer may be made.
func TestOneOpenOffer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		sk, me := f.Seeker(t)
		const n = 8
		var apps []easyjob.Application
		for range n {
			p := f.Published(t, 2)
			a, err := s.Apply(ctx, me, sk.ID, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			apps = append(apps, a)
		}
		start := easyjob.DateOf(f.Clock.Now()).AddDays(7)
		var won atomic.Int32
		var wg sync.WaitGroup
		for i, a := range apps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				by := f.Boss
				if i%2 == 1 {
					by = f.Longgang // officers make offers too
				}
				_, err := s.Transition(ctx, by, a.ID, store.Move{To: easyjob.StateOffered, StartDate: start, Pay: 5000})
				var e *easyjob.Error
				switch {
				case err == nil:
					won.Add(1)
				case errors.As(err, &e) && e.Code == easyjob.ECONFLICT && e.Msg.Key == "application.offer_held":
				default:
					t.Errorf("offer %d: %v", a.ID, err)
				}
			}()
		}
		wg.Wait()
		if won.Load() != 1 {
			t.Fatalf("%d offers open at once, want 1", won.Load())
		}
		var offered, filled int
		s.DB.R.QueryRow(`SELECT COUNT(*) FROM applications WHERE seeker_id = $1 AND state = 'offered'`, sk.ID).Scan(&offered)
		s.DB.R.QueryRow(`SELECT SUM(filled) FROM postings`).Scan(&filled)
		if offered != 1 || filled != 1 {
			t.Fatalf("offered %d, filled %d", offered, filled)
		}
		var held easyjob.Application
		for _, a := range apps {
			if x, _ := s.Application(ctx, f.Boss, a.ID); x.State == easyjob.StateOffered {
				held = x
			}
		}
		if _, err := s.Transition(ctx, me, held.ID, store.Move{To: easyjob.StateDeclined}); err != nil {
			t.Fatal(err)
		}
		other := apps[0]
		if other.ID == held.ID {
			other = apps[1]
		}
		if _, err := s.Transition(ctx, f.Boss, other.ID, store.Move{To: easyjob.StateOffered, StartDate: start, Pay: 5000}); err != nil {
			t.Fatalf("offer after decline: %v", err)
		}
	})
}
