package briefing_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"easyjob/internal/briefing"
	"easyjob/internal/easyjob"
	"easyjob/internal/i18n"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// sameAsSQL checks that the snapshot of sv answers every query as SQL over
// briefing_facts does: groupings, filters (dates, region, employer,
// trade) and scopes (the city, a station, a district), the daily line, the
// medians and a day's figures. It returns how many queries had figures.
func sameAsSQL(t *testing.T, r *rig, sv *briefing.Service) int {
	t.Helper()
	ctx := context.Background()
	var employer int64
	var trade string
	if err := r.s.DB.R.QueryRowContext(ctx, `SELECT employer_id FROM briefing_facts GROUP BY employer_id ORDER BY COUNT(*) DESC, employer_id LIMIT 1`).Scan(&employer); err != nil {
		t.Fatal(err)
	}
	if err := r.s.DB.R.QueryRowContext(ctx, `SELECT trade FROM briefing_facts GROUP BY trade ORDER BY COUNT(*) DESC, trade LIMIT 1`).Scan(&trade); err != nil {
		t.Fatal(err)
	}
	var qs []briefing.Query
	for _, f := range []briefing.Query{
		{From: r.from, To: r.today},
		{From: r.today.AddDays(-20), To: r.today.AddDays(-3)},
		{From: r.from, To: r.today, Region: "451026"},
		{From: r.from, To: r.today, Region: "45"},
		{From: r.from, To: r.today, Region: "440307"},
		{From: r.from, To: r.today, Region: "4403"},
		{From: r.from, To: r.today, Employer: employer},
		{From: r.from, To: r.today, Trade: trade},
		{From: r.from, To: r.today, Trade: trade[:1]},
		{From: r.from, To: r.today, Employer: 1 << 40},
	} {
		for _, g := range append([]string{""}, briefing.Groupings...) {
			q := f
			q.GroupBy = g
			qs = append(qs, q)
		}
	}
	with := 0
	for _, a := range []easyjob.Actor{r.city, r.station, r.dist} {
		for _, q := range qs {
			name := fmt.Sprintf("%s %+v", a.Region, q)
			want, err := sv.SQLOutcomes(ctx, a, q)
			if easyjob.ErrorCode(err) == easyjob.EFORBIDDEN {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := sv.Outcomes(ctx, a, q)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s:\nsnapshot %+v\nSQL      %+v", name, got, want)
			}
			if got.Total.Applied > 0 {
				with++
			}
			if q.GroupBy != "" {
				continue
			}
			// A board of every grouping at once (the totals shared) is each
			// grouping's funnel.
			b, err := sv.Board(ctx, a, q, briefing.BoardOf{Groupings: append([]string{""}, briefing.Groupings...), Daily: "arrived", Medians: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range briefing.Groupings {
				// The total is the same whichever way it is cut.
				if b.Outcomes[g].Total != got.Total {
					t.Errorf("%s: total by %s %+v, ungrouped %+v", name, g, b.Outcomes[g].Total, got.Total)
				}
				gq := q
				gq.GroupBy = g
				want, err := sv.SQLOutcomes(ctx, a, gq)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(b.Outcomes[g], want) {
					t.Errorf("%s: board by %s:\nsnapshot %+v\nSQL      %+v", name, g, b.Outcomes[g], want)
				}
			}
			if wd, _ := sv.SQLDaily(ctx, a, q, "arrived"); !reflect.DeepEqual(b.Daily, wd) {
				t.Errorf("%s: the board's daily line differs", name)
			}
			if wm, _ := sv.SQLMedians(ctx, a, q); !reflect.DeepEqual(b.Medians, wm) {
				t.Errorf("%s: the board's medians %v, SQL %v", name, show(b.Medians), show(wm))
			}
			for _, step := range []string{"arrived", "offered"} {
				gd, err := sv.Daily(ctx, a, q, step)
				if err != nil {
					t.Fatal(err)
				}
				wd, err := sv.SQLDaily(ctx, a, q, step)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(gd, wd) {
					t.Errorf("%s: daily %s differs:\nsnapshot %v\nSQL      %v", name, step, gd, wd)
				}
			}
			gm, err := sv.Medians(ctx, a, q)
			if err != nil {
				t.Fatal(err)
			}
			wm, err := sv.SQLMedians(ctx, a, q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gm, wm) {
				t.Errorf("%s: medians %v, SQL %v", name, show(gm), show(wm))
			}
		}
		for _, day := range []easyjob.Date{r.today, r.today.AddDays(-1), r.today.AddDays(-10)} {
			for _, reg := range []string{"", "451026", "440307"} {
				gf, err := sv.Day(ctx, a, day, reg)
				if easyjob.ErrorCode(err) == easyjob.EFORBIDDEN {
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				wf, err := sv.SQLDay(ctx, a, day, reg)
				if err != nil {
					t.Fatal(err)
				}
				if gf != wf {
					t.Errorf("%s day %s %q: snapshot %+v, SQL %+v", a.Region, day, reg, gf, wf)
				}
			}
		}
	}
	return with
}

func show(m briefing.Medians) string {
	f := func(p *float64) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	return f(m.ToOffer) + " " + f(m.ToArrival) + " " + f(m.PoorToOffer) + " " + f(m.PoorToArrival)
}

// TestSnapshotEqualsSQL checks the dashboards' answers from the snapshot in
// memory against SQL over the facts, in the process that refreshes and in
// another one (which only reads: its snapshot follows by the revisions),
// after the first build, after later moves, a new application of an early
// seeker (a row out of the seekers' order) and a change of registered-poor
// status, and after the rollups are built again from nothing.
func TestSnapshotEqualsSQL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		r := newRig(t, k)
		ctx := context.Background()
		other := briefing.New(r.s, i18n.MustLoad())
		if _, err := r.b.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if n := sameAsSQL(t, r, r.b); n < 20 {
			t.Fatalf("only %d queries with figures", n)
		}
		sameAsSQL(t, r, other)
		facts, _, _ := other.SnapshotInfo()
		if facts == 0 {
			t.Fatal("the other process holds no facts")
		}

		// Later writes: moves, a new application of the first seeker, a
		// change of registered-poor status.
		before, err := other.SQLOutcomes(ctx, r.city, briefing.Query{From: r.from, To: r.today})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids(t, r, `SELECT id FROM applications WHERE state = 'accepted' ORDER BY id LIMIT 4`) {
			if _, err := r.s.Transition(ctx, r.city, id, store.Move{To: easyjob.StateArrived}); err != nil {
				t.Fatal(err)
			}
		}
		first := ids(t, r, `SELECT id FROM seekers ORDER BY id LIMIT 1`)[0]
		var applyErr error
		for _, p := range ids(t, r, `SELECT id FROM postings ORDER BY id`) {
			if _, applyErr = r.s.Apply(ctx, r.city, first, p); applyErr == nil {
				break
			}
		}
		if applyErr != nil {
			t.Fatalf("the first seeker could apply nowhere: %v", applyErr)
		}
		if err := r.s.SetPoor(ctx, r.city, ids(t, r, `SELECT id FROM seekers ORDER BY id LIMIT 1 OFFSET 7`)[0], true); err != nil {
			t.Fatal(err)
		}
		r.clock.Advance(10e9)
		if _, err := r.b.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		after, err := other.SQLOutcomes(ctx, r.city, briefing.Query{From: r.from, To: r.today})
		if err != nil {
			t.Fatal(err)
		}
		if after.Total.Arrived != before.Total.Arrived+4 || after.Total.Applied != before.Total.Applied+1 {
			t.Fatalf("the facts did not follow: before %+v, after %+v", before.Total, after.Total)
		}
		sameAsSQL(t, r, other)
		sameAsSQL(t, r, r.b)
		if n, _, _ := other.SnapshotInfo(); n != facts+1 {
			t.Errorf("the other process holds %d facts, want %d", n, facts+1)
		}

		// Built again from nothing: every process notices and loads again.
		if _, err := r.s.DB.W.ExecContext(ctx, `DELETE FROM briefing_cursors`); err != nil {
			t.Fatal(err)
		}
		for _, id := range ids(t, r, `SELECT id FROM applications WHERE state = 'accepted' ORDER BY id LIMIT 2`) {
			if _, err := r.s.Transition(ctx, r.city, id, store.Move{To: easyjob.StateArrived}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := r.b.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		sameAsSQL(t, r, other)
		consistent(t, r)
	})
}

// Refreshes in two processes at once, with writes between the rounds and a
// third process syncing meanwhile: the cursors' conditional moves keep
// every change counted once and every revision seen, so the third
// process's snapshot ends equal to SQL over the facts, with each arrival
// counted once (both databases).
func TestConcurrentRefreshesKeepTheSnapshotWhole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		r := newRig(t, k)
		ctx := context.Background()
		second, reader := briefing.New(r.s, i18n.MustLoad()), briefing.New(r.s, i18n.MustLoad())
		if _, err := r.b.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		if err := reader.Sync(ctx); err != nil {
			t.Fatal(err)
		}
		before, err := reader.Outcomes(ctx, r.city, briefing.Query{From: r.from, To: r.today})
		if err != nil {
			t.Fatal(err)
		}
		accepted := ids(t, r, `SELECT id FROM applications WHERE state = 'accepted' ORDER BY id LIMIT 12`)
		if len(accepted) < 6 {
			t.Fatalf("only %d accepted applications to move", len(accepted))
		}
		moved := 0
		for round := 0; round*3 < len(accepted); round++ {
			for _, id := range accepted[round*3 : min(len(accepted), round*3+3)] {
				if _, err := r.s.Transition(ctx, r.city, id, store.Move{To: easyjob.StateArrived}); err != nil {
					t.Fatal(err)
				}
				moved++
			}
			r.clock.Advance(10e9)
			var wg sync.WaitGroup
			errs := make([]error, 3)
			for i, f := range []func() error{
				func() error { _, err := r.b.Refresh(ctx); return err },
				func() error { _, err := second.Refresh(ctx); return err },
				func() error { return reader.Sync(ctx) },
			} {
				wg.Add(1)
				go func() { defer wg.Done(); errs[i] = f() }()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := second.Refresh(ctx); err != nil {
			t.Fatal(err)
		}
		after, err := reader.Outcomes(ctx, r.city, briefing.Query{From: r.from, To: r.today})
		if err != nil {
			t.Fatal(err)
		}
		if after.Total.Arrived != before.Total.Arrived+int64(moved) {
			t.Fatalf("arrived %d after %d moves from %d", after.Total.Arrived, moved, before.Total.Arrived)
		}
		sameAsSQL(t, r, reader)
		consistent(t, r)
	})
}
