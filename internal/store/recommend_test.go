package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// seekerWith registers a seeker of the station with the given trades and
// expected pay.
func seekerWith(t *testing.T, f *storetest.Fixture, pay int, trades ...string) (easyjob.Seeker, easyjob.Actor) {
	t.Helper()
	in := storetest.SeekerInput()
	in.Trades, in.ExpectedPay = trades, pay
	k, err := f.S.RegisterSeeker(context.Background(), f.Station, in)
	if err != nil {
		t.Fatal(err)
	}
	return k, easyjob.Actor{Role: easyjob.RoleSeeker, SeekerID: k.ID, UserID: -k.ID}
}

func reasonKeys(r store.Recommendation) []string {
	var out []string
	for _, x := range r.Reasons {
		out = append(out, x.Key)
	}
	return out
}

// TestRecommendationsFallback: a seeker whose trade has no opening gets
// what such a worker can do ("also"), below any direct match, each with its
// grounds first among its reasons; a page that stays empty says why.
func TestRecommendationsFallback(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		line := f.Published(t, 3) // 6-25-04-02, 手机装配: entry-level work
		in := f.PostingInput()
		in.Title, in.Occupation = "小家电装配工", "6-24-05-04"
		appl, err := f.S.CreatePosting(ctx, f.Boss, f.Employer.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if appl, err = f.S.ReviewPosting(ctx, f.Longgang, appl.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		guard, me := seekerWith(t, f, 4500, "4-07-05-01") // 保安员: no opening in the trade
		mustMatching(t, f.S)

		pg, err := f.S.RecommendationPage(ctx, me, guard.ID, 20)
		if err != nil {
			t.Fatal(err)
		}
		if pg.Direct != 0 || pg.Empty != nil || len(pg.Items) != 2 {
			t.Fatalf("guard's page: direct %d, empty %+v, %d items", pg.Direct, pg.Empty, len(pg.Items))
		}
		for _, r := range pg.Items {
			keys := reasonKeys(r)
			if r.Kind != store.KindAlso || len(keys) == 0 || keys[0] != "reason.also_entry" ||
				slices.Contains(keys, "reason.trade_same") || slices.Contains(keys, "reason.trade_related") {
				t.Errorf("guard: posting %d kind %q reasons %v", r.Posting.ID, r.Kind, keys)
			}
		}

		// A worker of small appliances: their own posting first (match),
		// then the phone line, a related group that needs no experience.
		fitter, me2 := seekerWith(t, f, 4500, "6-24-05-04")
		pg, err = f.S.RecommendationPage(ctx, me2, fitter.ID, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Items) != 2 || pg.Direct != 1 {
			t.Fatalf("fitter's page: %+v", pg)
		}
		if r := pg.Items[0]; r.Posting.ID != appl.ID || r.Kind != store.KindMatch || !slices.Contains(reasonKeys(r), "reason.trade_same") {
			t.Errorf("first: posting %d kind %q reasons %v", r.Posting.ID, r.Kind, reasonKeys(r))
		}
		r := pg.Items[1]
		if keys := reasonKeys(r); r.Posting.ID != line.ID || r.Kind != store.KindAlso || len(keys) < 2 ||
			keys[0] != "reason.also_related" || keys[1] != "reason.also_entry" {
			t.Errorf("second: posting %d kind %q reasons %v", r.Posting.ID, r.Kind, keys)
		}
		if r.Reasons[0].Args["trade"] != "6-24-05-04" || r.Reasons[0].Args["occupation"] != "6-25-04-02" {
			t.Errorf("related reason's arguments %v", r.Reasons[0].Args)
		}
		if pg.Items[1].Score >= pg.Items[0].Score {
			t.Errorf("fallback scored %v, above the match's %v", pg.Items[1].Score, pg.Items[0].Score)
		}
		// Recommendations is the same list.
		recs, err := f.S.Recommendations(ctx, me2, fitter.ID, 20)
		if err != nil || len(recs) != 2 || recs[1].Kind != store.KindAlso {
			t.Errorf("Recommendations: %v %+v", err, recs)
		}
		// Officers of the seeker's county see the page too.
		if pg, err := f.S.RecommendationPage(ctx, f.Station, guard.ID, 20); err != nil || len(pg.Items) != 2 {
			t.Errorf("station: %v %+v", err, pg)
		}

		// Hard rules hold: a guard who expects more than any fallback
		// pays gets an empty page that says so and what would change it.
		dear, me3 := seekerWith(t, f, 9000, "4-07-05-01")
		pg, err = f.S.RecommendationPage(ctx, me3, dear.ID, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Items) != 0 || pg.Empty == nil || pg.Empty.Cause != "pay" || pg.Empty.Reason.Key != "empty.pay" ||
			pg.Empty.Reason.Args["expected"] != 9000 || pg.Empty.Reason.Args["pay"] != 5000 {
			t.Fatalf("dear guard's page: %+v (empty %+v)", pg, pg.Empty)
		}
	})
}

// TestShortCounts: per county in the officer's scope, how many seekers have
// fewer than five recommendations.
func TestShortCounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		f.Published(t, 3)
		seekerWith(t, f, 4500, "6-25-04-02")
		seekerWith(t, f, 4500, "4-07-05-01")
		seekerWith(t, f, 9000, "4-07-05-01")
		// One seeker from 德保县, twinned with 南山, not with 龙岗.
		other := storetest.SeekerInput()
		other.IDNumber = ident.GenerateResidentID("451024", time.Date(1990, 5, 1, 0, 0, 0, 0, time.UTC), 7, true)
		if _, err := f.S.RegisterSeeker(ctx, f.City, other); err != nil {
			t.Fatal(err)
		}
		m := mustMatching(t, f.S)
		m.ShortTTL = 0 // count afresh on every call

		counts := func(a easyjob.Actor) map[string][2]int {
			t.Helper()
			c, err := f.S.ShortCounts(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			if c.Below != store.ShortBelow {
				t.Errorf("below %d", c.Below)
			}
			out := map[string][2]int{}
			for _, x := range c.Items {
				if x.Name == "" {
					t.Errorf("county %s has no name", x.County)
				}
				out[x.County] = [2]int{x.Short, x.Seekers}
			}
			return out
		}
		check := func(what string, got, want map[string][2]int) {
			t.Helper()
			if len(got) != len(want) {
				t.Errorf("%s: %v, want %v", what, got, want)
			}
			for c, w := range want {
				if got[c] != w {
					t.Errorf("%s: %s has %v (short, seekers), want %v", what, c, got[c], w)
				}
			}
		}
		check("station", counts(f.Station), map[string][2]int{"451026": {3, 3}})
		check("longgang", counts(f.Longgang), map[string][2]int{"451026": {3, 3}})
		check("city", counts(f.City), map[string][2]int{"451026": {3, 3}, "451024": {1, 1}})

		// Four more postings: the line worker and the guard who asks 4,500
		// now see five; the guard who asks 9,000 still none.
		for range 4 {
			f.Published(t, 2)
		}
		check("after four more postings", counts(f.Station), map[string][2]int{"451026": {1, 3}})

		// Served from memory within ShortTTL.
		m.ShortTTL = time.Hour
		counts(f.Station)
		f.Published(t, 2)
		seekerWith(t, f, 9000, "4-07-05-01")
		check("cached", counts(f.Station), map[string][2]int{"451026": {1, 3}})

		for _, a := range []easyjob.Actor{f.Boss, {Role: easyjob.RoleSeeker, SeekerID: 1}} {
			if _, err := f.S.ShortCounts(ctx, a); code(err) != easyjob.EFORBIDDEN {
				t.Errorf("%s: %v, want forbidden", a.Role, err)
			}
		}
	})
}
