package retention_test

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"easyjob/internal/easyjob"
	"easyjob/internal/export"
	"easyjob/internal/retention"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// retained90 hires n registered-poor workers and walks them to retained_90.
func retained90(t *testing.T, f *storetest.Fixture, r *retention.Service, n int) []worker {
	t.Helper()
	ctx := context.Background()
	ws := hire(t, f, n)
	for _, w := range ws {
		if err := f.S.SetPoor(ctx, f.Station, w.seeker.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	f.Clock.Advance(90 * day)
	sweep(t, r)
	for _, w := range ws {
		if _, err := r.Answer(ctx, w.me, checkin(t, r, w, 90).ID, retention.AnswerInput{Answer: retention.Stays}); err != nil {
			t.Fatal(err)
		}
	}
	return ws
}

func poorRule(t *testing.T, f *storetest.Fixture, r *retention.Service) retention.Rule {
	t.Helper()
	rule, err := r.AddRule(context.Background(), f.City, retention.Rule{Code: "gd-poor-90", Name: "建档立卡贫困劳动力稳岗补贴",
		Payee: retention.PayWorker, Amount: 1000, Condition: retention.PoorRetained90, BudgetLine: "就业补助资金",
		ValidFrom: easyjob.NewDate(2020, 1, 1), ValidTo: easyjob.NewDate(2020, 12, 31)})
	if err != nil {
		t.Fatal(err)
	}
	return rule
}

// 50 concurrent claim creations and approvals for the same placements: one
// claim per (rule, placement), one approval each, and the ledger sums right.
func TestClaimsRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		r := retention.New(f.S)
		rule := poorRule(t, f, r)
		ws := retained90(t, f, r, 5)
		due, err := r.ClaimsDue(ctx)
		if err != nil || len(due) != 5 {
			t.Fatalf("claims due %v %v", due, err)
		}
		var mu sync.Mutex
		created, approved := map[int64]int{}, map[int64]int{}
		var wg sync.WaitGroup
		for g := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := ws[g%len(ws)]
				officer := []easyjob.Actor{f.City, f.Station, f.Longgang}[g%3]
				c, err := r.CreateClaim(ctx, officer, rule.Code, w.app.ID)
				switch {
				case err == nil:
					mu.Lock()
					created[w.app.ID]++
					mu.Unlock()
				case code(err) != easyjob.ECONFLICT:
					t.Errorf("create: %v", err)
					return
				}
				if g%2 == 0 { // the queue retries too
					if err := r.Claim(ctx, rule.Code, w.app.ID); err != nil {
						t.Errorf("queue claim: %v", err)
					}
				}
				var id int64
				if err := f.S.DB.R.QueryRowContext(ctx, `SELECT id FROM subsidy_claims WHERE rule_id = $1 AND application_id = $2`,
					rule.ID, w.app.ID).Scan(&id); err != nil {
					t.Errorf("claim of %d: %v", w.app.ID, err)
					return
				}
				_ = c
				_, err = r.Approve(ctx, officer, id)
				switch {
				case err == nil:
					mu.Lock()
					approved[w.app.ID]++
					mu.Unlock()
				case code(err) != easyjob.ECONFLICT:
					t.Errorf("approve: %v", err)
				}
			}()
		}
		wg.Wait()
		for _, w := range ws {
			if created[w.app.ID] != 1 || approved[w.app.ID] != 1 {
				t.Errorf("application %d: %d claims created, %d approvals", w.app.ID, created[w.app.ID], approved[w.app.ID])
			}
		}
		var claims, entries int
		f.S.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM subsidy_claims`).Scan(&claims)
		f.S.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_entries`).Scan(&entries)
		if claims != 5 || entries != 10 {
			t.Fatalf("%d claims, %d entries", claims, entries)
		}
		tot, err := r.Totals(ctx, f.City, "rule")
		if err != nil || len(tot) != 1 || tot[0].Claims != 5 || tot[0].Claimed != 5000 || tot[0].Approved != 5000 || tot[0].Paid != 0 {
			t.Fatalf("totals %+v %v", tot, err)
		}

		// Paid, rejected, a payment on a rejected claim, a reversal.
		p, _ := r.Claims(ctx, f.City, retention.Approved, storeOpts())
		if len(p.Items) != 5 {
			t.Fatalf("approved claims %d", len(p.Items))
		}
		a, b := p.Items[0], p.Items[1]
		if _, err := r.Pay(ctx, f.City, a.ID, retention.PayInput{Reference: "GD2020-0001", PaidOn: f.S.Today()}); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Pay(ctx, f.City, a.ID, retention.PayInput{Reference: "again", PaidOn: f.S.Today()}); code(err) != easyjob.ECONFLICT {
			t.Fatalf("paid twice: %v", err)
		}
		if _, err := r.Reject(ctx, f.City, b.ID, "不符合条件"); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Pay(ctx, f.City, b.ID, retention.PayInput{Reference: "x", PaidOn: f.S.Today()}); code(err) != easyjob.ECONFLICT {
			t.Fatalf("payment on a rejected claim: %v", err)
		}
		if _, err := r.CreateClaim(ctx, f.City, rule.Code, b.ApplicationID); code(err) != easyjob.ECONFLICT {
			t.Fatalf("second claim: %v", err)
		}
		led, err := r.Ledger(ctx, f.City, retention.LedgerFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var paid retention.Entry
		for _, e := range led.Items {
			if e.Kind == "paid" {
				paid = e
			}
		}
		rev, err := r.Reverse(ctx, f.City, paid.ID, "付款退回")
		if err != nil || rev.Amount != -1000 || rev.Reverses != paid.ID {
			t.Fatalf("reverse %+v %v", rev, err)
		}
		if _, err := r.Reverse(ctx, f.City, paid.ID, "again"); code(err) != easyjob.ECONFLICT {
			t.Fatalf("reversed twice: %v", err)
		}
		tot, _ = r.Totals(ctx, f.City, "rule")
		if tot[0].Paid != 0 || tot[0].Rejected != 1000 || tot[0].Approved != 5000 {
			t.Fatalf("totals after corrections %+v", tot)
		}
		// Nothing was edited: every entry written is still there.
		f.S.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_entries`).Scan(&entries)
		if entries != 13 {
			t.Fatalf("%d entries", entries)
		}
		// A seeker sees no ledger; the station only its county's.
		if _, err := r.Ledger(ctx, ws[0].me, retention.LedgerFilter{}); code(err) != easyjob.EFORBIDDEN {
			t.Fatalf("seeker reads the ledger: %v", err)
		}
		var buf bytes.Buffer
		if err := r.ExportLedger(ctx, f.Station, retention.LedgerFilter{}, &buf); err != nil {
			t.Fatal(err)
		}
		rows, err := export.ReadAll(&buf)
		if err != nil || len(rows) != 14 || rows[0][0] != "entry" {
			t.Fatalf("export: %d rows %v", len(rows), err)
		}
	})
}

func storeOpts() store.ListOptions { return store.ListOptions{Limit: 100} }
