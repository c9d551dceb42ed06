package store_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

// fixtureURL builds a fixture and returns the URL of its database too.
func fixtureURL(t *testing.T, k storetest.Kind) (*storetest.Fixture, string) {
	var url string
	k2 := storetest.Kind{Name: k.Name, URL: func(tb testing.TB) string { url = k.URL(tb); return url }}
	return storetest.NewFixture(t, k2), url
}

// otherProcess opens a second store on the fixture's database, with its own
// connections and memory: to the database, another process. It is closed
// when the test ends.
func otherProcess(t *testing.T, f *storetest.Fixture, url string) *store.Store {
	t.Helper()
	db2, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db2.Close() })
	s2 := store.New(db2, f.S.Sealer, slog.New(slog.NewTextHandler(io.Discard, nil)))
	s2.Clock = f.Clock
	return s2
}

func mustMatching(tb testing.TB, s *store.Store) *store.Matching {
	tb.Helper()
	m, err := s.StartMatching(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	if err := m.Ready(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return m
}

func recIDs(tb testing.TB, s *store.Store, a easyjob.Actor, seekerID int64) []int64 {
	tb.Helper()
	recs, err := s.Recommendations(context.Background(), a, seekerID, 20)
	if err != nil {
		tb.Fatal(err)
	}
	var out []int64
	for _, r := range recs {
		out = append(out, r.Posting.ID)
	}
	return out
}

func TestRecommendationsAndCandidates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		p := f.Published(t, 3)
		seeker, me := f.Seeker(t)
		mustMatching(t, f.S)
		recs, err := f.S.Recommendations(ctx, me, seeker.ID, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 1 || recs[0].Posting.ID != p.ID || recs[0].Score <= 0 {
			t.Fatalf("recommendations %+v", recs)
		}
		keys := map[string]bool{}
		for _, r := range recs[0].Reasons {
			keys[r.Key] = true
		}
		for _, want := range []string{"reason.trade_same", "reason.pay_above", "reason.dorm_meals", "reason.verified"} {
			if !keys[want] {
				t.Errorf("reasons %v lack %s", recs[0].Reasons, want)
			}
		}
		// A posting created after the start is recommended at once.
		p2 := f.Published(t, 2)
		if got := recIDs(t, f.S, me, seeker.ID); !slices.Contains(got, p2.ID) {
			t.Errorf("new posting missing: %v", got)
		}
		// Access and bad input. other is the officer of another county's
		// station.
		u, err := f.S.CreateUser(ctx, f.Admin, store.NewUser{Username: "lingyun", Password: "lingyun-password", Name: "凌云县工作站", Role: easyjob.RoleOfficer, Region: "451027"})
		if err != nil {
			t.Fatal(err)
		}
		other := store.ActorOf(u, "zh-CN")
		for _, tc := range []struct {
			a     easyjob.Actor
			id    int64
			limit int
			code  string
		}{
			{f.Station, seeker.ID, 20, ""},
			{other, seeker.ID, 20, easyjob.EFORBIDDEN},
			{f.Boss, seeker.ID, 20, easyjob.EFORBIDDEN},
			{me, seeker.ID + 100, 20, easyjob.ENOTFOUND},
			{f.City, seeker.ID + 100, 20, easyjob.ENOTFOUND},
			{me, seeker.ID, 0, easyjob.EINVALID},
			{me, seeker.ID, 101, easyjob.EINVALID},
		} {
			_, err := f.S.Recommendations(ctx, tc.a, tc.id, tc.limit)
			if code(err) != tc.code {
				t.Errorf("%v %d %d: %v, want %q", tc.a.Role, tc.id, tc.limit, err, tc.code)
			}
		}

		// Candidates: masked until the seeker applies.
		cs, err := f.S.Candidates(ctx, f.Boss, p.ID, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Seeker.ID != seeker.ID || !cs[0].Seeker.Masked || cs[0].Seeker.Phone == seeker.Phone {
			t.Fatalf("candidates %+v", cs)
		}
		if _, err := f.S.Apply(ctx, me, seeker.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		cs, err = f.S.Candidates(ctx, f.Boss, p.ID, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Seeker.Masked || !cs[0].Applied || cs[0].Seeker.Name != seeker.Name {
			t.Fatalf("candidates after applying %+v", cs)
		}
		if _, err := f.S.Candidates(ctx, f.Boss, p.ID+100, 20); code(err) != easyjob.ENOTFOUND {
			t.Errorf("unknown posting: %v", err)
		}
		if _, err := f.S.Candidates(ctx, me, p.ID, 20); code(err) != easyjob.EFORBIDDEN {
			t.Errorf("seeker asking for candidates: %v", err)
		}
	})
}

func TestSearchPostings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		p := f.Published(t, 3)
		in := f.PostingInput()
		in.Title, in.Description, in.Dorm, in.Meals, in.PayMin, in.PayMax = "小区保安", "门岗巡逻", false, false, 4000, 4500
		q, err := f.S.CreatePosting(ctx, f.Boss, f.Employer.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		mustMatching(t, f.S)
		if _, err := f.S.ReviewPosting(ctx, f.Longgang, q.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		anyone := easyjob.Actor{}
		for _, tc := range []struct {
			q    store.SearchQuery
			want []int64
		}{
			{store.SearchQuery{Q: "普工"}, []int64{p.ID}},
			{store.SearchQuery{Q: "保安"}, []int64{q.ID}},
			{store.SearchQuery{Q: "龙岗 精密"}, []int64{q.ID, p.ID}},
			{store.SearchQuery{Q: "保安", Dorm: true}, nil},
			{store.SearchQuery{PayMin: 6000}, []int64{p.ID}},
			{store.SearchQuery{District: "440307", Occupation: "6-25"}, []int64{q.ID, p.ID}},
			{store.SearchQuery{Q: `"普工" OR 1=1; -- 🙂 NEAR(*)`}, nil},
			{store.SearchQuery{Q: "🙂🙂🙂"}, nil},
		} {
			r, err := f.S.Search(ctx, anyone, tc.q)
			if err != nil {
				t.Fatalf("%+v: %v", tc.q, err)
			}
			var got []int64
			for _, x := range r.Items {
				got = append(got, x.ID)
			}
			if !slices.Equal(got, tc.want) || r.Total != len(tc.want) {
				t.Errorf("%+v: got %v (total %d), want %v", tc.q, got, r.Total, tc.want)
			}
		}
		r, _ := f.S.Search(ctx, anyone, store.SearchQuery{})
		if r.Facets.District["440307"] != 2 || r.Facets.Dorm != 1 {
			t.Errorf("facets %+v", r.Facets)
		}
		for _, tc := range []struct {
			q     store.SearchQuery
			field string
		}{
			{store.SearchQuery{District: "龙岗"}, "district"},
			{store.SearchQuery{Occupation: "x' OR 1"}, "occupation"},
			{store.SearchQuery{PayMin: -1}, "pay_min"},
			{store.SearchQuery{PayMin: 5000, PayMax: 4000}, "pay_max"},
			{store.SearchQuery{ListOptions: store.ListOptions{Cursor: "!!"}}, "cursor"},
		} {
			_, err := f.S.Search(ctx, anyone, tc.q)
			if _, ok := fieldsOf(err)[tc.field]; !ok {
				t.Errorf("%+v: %v, want a %s error", tc.q, err, tc.field)
			}
		}
		// Editing sends the posting back to review: it leaves the search.
		in.Title = "保安队长"
		if _, err := f.S.UpdatePosting(ctx, f.Boss, q.ID, in); err != nil {
			t.Fatal(err)
		}
		if r, _ := f.S.Search(ctx, anyone, store.SearchQuery{Q: "保安"}); r.Total != 0 {
			t.Errorf("pending posting still found: %+v", r.Items)
		}
	})
}

// TestChangesReachOtherProcesses runs two stores on one database: a change
// committed through one shows in the other's recommendations and search
// within a second.
func TestChangesReachOtherProcesses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		f, url := fixtureURL(t, k)
		p := f.Published(t, 3)
		seeker, me := f.Seeker(t)
		mustMatching(t, f.S)
		s2 := otherProcess(t, f, url)
		mustMatching(t, s2) // its poller stops when its database closes

		within := func(what string, ok func() bool) {
			t.Helper()
			deadline := time.Now().Add(time.Second)
			for !ok() {
				if time.Now().After(deadline) {
					t.Fatalf("%s: not seen by the other process within 1 s", what)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		if got := recIDs(t, s2, me, seeker.ID); !slices.Equal(got, []int64{p.ID}) {
			t.Fatalf("start: %v", got)
		}
		// A new posting published through the first process.
		p2 := f.Published(t, 2)
		within("new posting", func() bool { return slices.Contains(recIDs(t, s2, me, seeker.ID), p2.ID) })
		within("new posting in search", func() bool {
			r, err := s2.Search(ctx, easyjob.Actor{}, store.SearchQuery{Q: "普工"})
			return err == nil && r.Total == 2
		})
		// A closed posting.
		if _, err := f.S.ClosePosting(ctx, f.Boss, p.ID); err != nil {
			t.Fatal(err)
		}
		within("closed posting", func() bool { return !slices.Contains(recIDs(t, s2, me, seeker.ID), p.ID) })
		// A seeker who changes trade.
		in := storetest.SeekerInput()
		in.Trades = []string{"4-07-05-01"}
		if _, err := f.S.UpdateSeeker(ctx, me, seeker.ID, in); err != nil {
			t.Fatal(err)
		}
		within("seeker's new trade", func() bool {
			// No match left; the posting stays as work a guard could also do.
			recs, err := s2.Recommendations(ctx, me, seeker.ID, 20)
			return err == nil && len(recs) == 1 && recs[0].Kind == store.KindAlso
		})
		// A seeker registered through the first process.
		k2, me2 := f.Seeker(t)
		within("new seeker", func() bool {
			recs, err := s2.Recommendations(ctx, me2, k2.ID, 20)
			return err == nil && len(recs) == 1
		})
	})
}

func TestMatchDay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		p := f.Published(t, 2)
		var seekers []easyjob.Seeker
		for range 3 {
			s, _ := f.Seeker(t)
			seekers = append(seekers, s)
		}
		mustMatching(t, f.S)
		day := easyjob.DateOf(f.Clock.Now()).AddDays(5)
		if _, err := f.S.ProposeMatchDay(ctx, f.Boss, "451026", day); code(err) != easyjob.EFORBIDDEN {
			t.Errorf("employer: %v", err)
		}
		if _, err := f.S.ProposeMatchDay(ctx, f.Station, "451026", easyjob.DateOf(f.Clock.Now()).AddDays(-1)); fieldsOf(err)["date"].Key == "" {
			t.Errorf("past day: %v", err)
		}
		run, err := f.S.ProposeMatchDay(ctx, f.Station, "451026", day)
		if err != nil {
			t.Fatal(err)
		}
		if run.Seekers != 3 || len(run.Proposals) != 2 || run.Unmatched != 1 {
			t.Fatalf("run %+v", run)
		}
		for _, x := range run.Proposals {
			if x.PostingID != p.ID || x.Status != store.ProposalProposed {
				t.Errorf("proposal %+v", x)
			}
		}
		res, err := f.S.ConvertProposals(ctx, f.Station, run.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Converted != 2 || res.Failed != 0 {
			t.Fatalf("convert %+v", res)
		}
		apps, err := f.S.Applications(ctx, f.Station, store.ApplicationFilter{PostingID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		offered := 0
		for _, a := range apps.Items {
			if a.State == easyjob.StateOffered && a.OfferPay == p.PayMin {
				offered++
			}
		}
		if offered != 2 {
			t.Errorf("offers %+v", apps.Items)
		}
		// Converting again does nothing; the posting is now full.
		if res, err := f.S.ConvertProposals(ctx, f.Station, run.ID, nil); err != nil || res.Converted != 0 {
			t.Errorf("again: %+v %v", res, err)
		}
		if _, err := f.S.MatchRun(ctx, f.Longgang, run.ID+10); code(err) != easyjob.ENOTFOUND {
			t.Errorf("unknown run: %v", err)
		}
	})
}

// TestBulkRowsAreFound writes a posting the way the demo loader does (plain
// SQL, an old timestamp): the running indexes still find it.
func TestBulkRowsAreFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		p := f.Published(t, 3)
		mustMatching(t, f.S)
		old := easyjob.Millis(f.Clock.Now()) - 10*86400000
		var id int64
		err := f.S.DB.W.QueryRowContext(ctx, `INSERT INTO postings (employer_id, title, occupation, headcount, pay_min, pay_max,
			start_date, closing_date, district, description, status, created_at, updated_at, published_at)
			SELECT employer_id, '仓库叉车工', occupation, 2, pay_min, pay_max, start_date, closing_date, district, '', 'published', $1, $1, $1
			FROM postings WHERE id = $2 RETURNING id`, old, p.ID).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(time.Second)
		for {
			r, err := f.S.Search(ctx, easyjob.Actor{}, store.SearchQuery{Q: "叉车工"})
			if err == nil && len(r.Items) == 1 && r.Items[0].ID == id {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("bulk-written posting not found within 1 s: %+v %v", r, err)
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// TestMatchDayStartsFromFree: a match day leaves out seekers who hold an
// offer and never proposes a posting a seeker withdrew from; converting its
// proposals never gives anyone a second open offer.
func TestMatchDayStartsFromFree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		f := storetest.NewFixture(t, k)
		s := f.S
		p1, p2 := f.Published(t, 3), f.Published(t, 3)
		holder, hme := f.Seeker(t)
		quitter, qme := f.Seeker(t)
		free, _ := f.Seeker(t)
		start := easyjob.DateOf(f.Clock.Now()).AddDays(7)
		a, err := s.Apply(ctx, hme, holder.ID, p1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Transition(ctx, f.Boss, a.ID, store.Move{To: easyjob.StateOffered, StartDate: start, Pay: 5000}); err != nil {
			t.Fatal(err)
		}
		w, err := s.Apply(ctx, qme, quitter.ID, p1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Transition(ctx, qme, w.ID, store.Move{To: easyjob.StateWithdrawn}); err != nil {
			t.Fatal(err)
		}
		mustMatching(t, s)
		run, err := s.ProposeMatchDay(ctx, f.Station, "451026", easyjob.DateOf(f.Clock.Now()).AddDays(5))
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]int64{}
		for _, x := range run.Proposals {
			got[x.SeekerID] = x.PostingID
		}
		if _, ok := got[holder.ID]; ok {
			t.Errorf("a seeker holding an offer was proposed: %+v", run.Proposals)
		}
		if got[quitter.ID] == p1.ID {
			t.Errorf("a seeker was proposed the posting they withdrew from: %+v", run.Proposals)
		}
		if got[quitter.ID] != p2.ID || got[free.ID] == 0 || run.Seekers != 2 {
			t.Errorf("run %+v, proposals %v", run, got)
		}
		if _, err := s.ConvertProposals(ctx, f.Station, run.ID, nil); err != nil {
			t.Fatal(err)
		}
		var two int
		s.DB.R.QueryRow(`SELECT COUNT(*) FROM (SELECT seeker_id FROM applications WHERE state = 'offered'
			GROUP BY seeker_id HAVING COUNT(*) > 1) x`).Scan(&two)
		if two != 0 {
			t.Fatalf("%d seekers hold two open offers", two)
		}
	})
}
