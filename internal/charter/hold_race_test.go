package charter_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"easyjob/internal/charter"
	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// TestOneOpenHoldPerSeatUnderConcurrency: a county turning high in many
// transactions at once (two reports, an override) holds each seated rider's
// seat once. On PostgreSQL the partial unique index charter_holds_open keeps
// it: without it, overlapping transactions do not see each other's rows
// (read committed), so HoldCounty's NOT EXISTS passes in each and every one
// inserts a hold of the same seat. A loser that meets the index fails with
// the unique violation (HoldCounty's INSERT has no ON CONFLICT), which rolls
// back its whole transaction; that is counted, not hidden. SQLite's single
// writer runs the transactions one after another, so NOT EXISTS suffices
// there.
func TestOneOpenHoldPerSeatUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		c := &charter.Service{S: f.S, Risk: &epidemic.Service{S: f.S}}
		p := f.Published(t, 10)
		for range 3 {
			hire(t, f, p, easyjob.HealthGreen)
		}
		pk := mustPickup(t, f)
		v, err := c.ConfirmPlan(ctx, f.Station, charter.PlanRequest{Date: easyjob.DateOf(f.Clock.Now()).AddDays(1), PickupPointID: pk.ID, Seats: 45})
		if err != nil || v.Riders != 3 {
			t.Fatalf("plan %+v %v", v, err)
		}
		const n = 8
		start := make(chan struct{})
		var inside atomic.Int32
		var wg sync.WaitGroup
		var mu sync.Mutex
		held, ok, unique := 0, 0, 0
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				var got int
				err := f.S.Tx(ctx, func(tx *store.Tx) error {
					var err error
					got, err = c.HoldCounty(ctx, tx, "451026", epidemic.Low, epidemic.High)
					if err != nil {
						return err
					}
					// Keep the transaction open until the others have
					// inserted too (or are waiting on the index), so they
					// overlap on PostgreSQL; SQLite's one writer runs them
					// one after another anyway.
					inside.Add(1)
					for deadline := time.Now().Add(300 * time.Millisecond); inside.Load() < n && time.Now().Before(deadline); {
						time.Sleep(5 * time.Millisecond)
					}
					return nil
				})
				mu.Lock()
				defer mu.Unlock()
				if _, dup := store.UniqueViolation(err); dup {
					unique++
					return
				}
				if err != nil {
					t.Errorf("hold: %v", err)
					return
				}
				ok++
				held += got
			}()
		}
		close(start)
		wg.Wait()
		t.Logf("%s: %d transactions held %d seats, %d met the unique index", k.Name, ok, held, unique)
		// The loser of a race holds nothing and goes on (ON CONFLICT … DO
		// NOTHING): a county report must not roll back over a hold.
		if held != 3 || ok != n || unique != 0 {
			t.Fatalf("%d transactions held %d seats in all (want 3), %d failed on the unique index (want 0)", ok, held, unique)
		}
		var holds, seats int
		if err := f.S.DB.R.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT seat_id) FROM charter_holds WHERE released_at = 0`).Scan(&holds, &seats); err != nil {
			t.Fatal(err)
		}
		if holds != 3 || seats != 3 {
			t.Fatalf("%d open holds on %d seats; want one on each of 3", holds, seats)
		}
		if hs, err := c.Holds(ctx, f.Station); err != nil || len(hs) != 3 {
			t.Fatalf("holds %+v %v", hs, err)
		}
	})
}
