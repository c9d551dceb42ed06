package demo_test

import (
	"context"
	"testing"

	"easyjob/internal/demo"
	"easyjob/internal/easyjob"
	"easyjob/internal/epidemic"
	"easyjob/internal/epidemic/zeros"
	"easyjob/internal/store/storetest"
)

// The demo's report series show every state on 30 April 2020, with late
// reports and corrections, and the demo station's county is clear today.
func TestDemoReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		s, _ := storetest.NewStore(t, k)
		s.Clock = easyjob.SystemClock{} // the demo runs now, its series in 2020
		o := demo.Options{Seed: 1, Postings: 20, Seekers: 50, Password: "demo-password-1"}
		sum, err := demo.Load(ctx, s, o)
		if err != nil {
			t.Fatal(err)
		}
		e := &epidemic.Service{S: s}
		city := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
		b, err := e.Board(ctx, city, easyjob.NewDate(2020, 4, 30))
		if err != nil {
			t.Fatal(err)
		}
		levels := map[epidemic.Level]int{}
		streaks := map[int]bool{}
		for _, r := range b.Regions {
			levels[r.RiskLevel]++
			streaks[r.StreakDays] = true
		}
		if b.Counts[string(zeros.ThreeZeros)] == 0 || b.Counts[string(zeros.NotZeros)] == 0 || levels[epidemic.High] == 0 || levels[epidemic.Low] == 0 || len(streaks) < 4 {
			t.Fatalf("counts %v levels %v streaks %v", b.Counts, levels, streaks)
		}
		var late, corrected int
		s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM epidemic_days WHERE late = $1`, true).Scan(&late)
		s.DB.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM epidemic_days WHERE versions > 1`).Scan(&corrected)
		if late == 0 || corrected == 0 {
			t.Fatalf("late %d corrected %d", late, corrected)
		}
		var station string
		for _, a := range sum.Accounts {
			if a.Username == demo.StationUser {
				station = a.Region
			}
		}
		st, err := e.Status(ctx, city, station, easyjob.Date{})
		if err != nil || !st.ThreeZeros || st.StreakDays < 40 || st.RiskLevel != epidemic.Low {
			t.Fatalf("station county %+v %v", st, err)
		}
	})
}
