package match

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"
)

// a small universe, so that random seekers and postings often meet
var (
	testCodes    = []string{"6-25-04-07", "6-25-04-08", "6-25-02-05", "6-05-01-03", "6-05-01-02", "4-02-07-08"}
	testCounties = []string{"451026", "451081", "441521", ""}
)

func drawDate(t *rapid.T, label string) Date {
	return day0 + Date(rapid.IntRange(-20, 40).Draw(t, label))
}

func drawPosting(t *rapid.T, id int64) Posting {
	l := func(s string) string { return fmt.Sprintf("p%d.%s", id, s) }
	hc := 6 - rapid.IntRange(0, 6).Draw(t, l("fewer"))
	p := Posting{
		ID:          id,
		EmployerID:  int64(rapid.IntRange(1, 3).Draw(t, l("employer"))),
		Occupation:  rapid.SampledFrom(testCodes).Draw(t, l("occupation")),
		District:    rapid.SampledFrom([]string{"440307", "440306"}).Draw(t, l("district")),
		PayMin:      rapid.IntRange(0, 12000).Draw(t, l("pay")),
		Dorm:        rapid.Bool().Draw(t, l("dorm")),
		Meals:       rapid.Bool().Draw(t, l("meals")),
		Verified:    rapid.Bool().Draw(t, l("verified")),
		StartDate:   drawDate(t, l("start")),
		PublishedAt: drawDate(t, l("published")),
		Headcount:   hc,
		Filled:      rapid.IntRange(0, hc+1).Draw(t, l("filled")),
		Pending:     rapid.IntRange(0, 10).Draw(t, l("pending")),
		Open:        rapid.IntRange(0, 9).Draw(t, l("notOpen")) < 9,
	}
	if rapid.Bool().Draw(t, l("closes")) {
		p.ClosingDate = day0 + 40 - Date(rapid.IntRange(0, 60).Draw(t, l("closing")))
	}
	if rapid.Bool().Draw(t, l("aged")) {
		p.AgeMin = rapid.IntRange(0, 40).Draw(t, l("ageMin"))
		p.AgeMax = rapid.IntRange(p.AgeMin, 60).Draw(t, l("ageMax"))
	}
	return p
}

func drawSeeker(t *rapid.T, id int64) Seeker {
	l := func(s string) string { return fmt.Sprintf("s%d.%s", id, s) }
	return Seeker{
		ID:            id,
		Trades:        rapid.SliceOfNDistinct(rapid.SampledFrom(testCodes), 0, 3, rapid.ID[string]).Draw(t, l("trades")),
		ExpectedPay:   rapid.IntRange(0, 10000).Draw(t, l("expected")),
		WantsDorm:     rapid.Bool().Draw(t, l("wantsDorm")),
		WantsMeals:    rapid.Bool().Draw(t, l("wantsMeals")),
		AvailableFrom: drawDate(t, l("available")),
		Age:           rapid.IntRange(0, 65).Draw(t, l("age")),
		Experience:    rapid.IntRange(0, 20).Draw(t, l("experience")),
		County:        rapid.SampledFrom(testCounties).Draw(t, l("county")),
		Poor:          rapid.Bool().Draw(t, l("poor")),
		Twinned:       rapid.Bool().Draw(t, l("twinned")),
		Active:        rapid.IntRange(0, 4).Draw(t, l("inactive")) < 4,
	}
}

func drawPolicy(t *rapid.T) Policy {
	if rapid.Bool().Draw(t, "defaultPolicy") {
		return DefaultPolicy()
	}
	f := func(l string) float64 { return float64(rapid.IntRange(0, 8).Draw(t, l)) / 2 }
	return Policy{PoorWeight: f("poorW"), TwinnedWeight: f("twinW"), CongestionAlpha: f("alpha"),
		Weights: Weights{Trade: f("wT"), Pay: f("wP"), DormMeals: f("wD"), Verified: f("wV"), Villagers: f("wH"),
			Fresh: f("wF"), Start: f("wS"), Experience: f("wE")}}
}

func drawWorld(t *rapid.T) *world {
	w := &world{vill: map[villKeyT]int{}, pol: drawPolicy(t)}
	nP := rapid.IntRange(0, 15).Draw(t, "nPostings")
	for i := 0; i < nP; i++ {
		w.postings = append(w.postings, drawPosting(t, int64(i+1)))
	}
	nS := rapid.IntRange(0, 10).Draw(t, "nSeekers")
	for i := 0; i < nS; i++ {
		w.seekers = append(w.seekers, drawSeeker(t, int64(100+i)))
	}
	for emp := int64(1); emp <= 3; emp++ {
		for _, c := range testCounties[:3] {
			if n := rapid.IntRange(0, 7).Draw(t, fmt.Sprintf("vill%d%s", emp, c)); n > 0 {
				w.vill[villKeyT{emp, c}] = n
			}
		}
	}
	return w
}

// fitsRef is the hard filter, written out from the package comment.
func fitsRef(s Seeker, p Posting, now Date) bool {
	trade := false
	for _, t := range s.Trades {
		if Closeness(t, p.Occupation) > 0 {
			trade = true
		}
	}
	return trade && p.Open && p.Headcount-p.Filled > 0 && (p.ClosingDate == 0 || p.ClosingDate >= now) &&
		p.StartDate >= s.AvailableFrom && (p.AgeMin == 0 || s.Age >= p.AgeMin) && (p.AgeMax == 0 || s.Age <= p.AgeMax)
}

func TestScoreMonotoneInPay(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s, p := drawSeeker(t, 1), drawPosting(t, 2)
		pol := drawPolicy(t)
		now := drawDate(t, "now")
		vil := rapid.IntRange(0, 8).Draw(t, "villagers")
		raise := rapid.IntRange(0, 5000).Draw(t, "raise")
		low, _, ok1, err := ScoreForSeeker(s, p, vil, pol, now)
		if err != nil {
			t.Fatal(err)
		}
		lowE, _, _, _ := ScoreForEmployer(p, s, vil, pol, now)
		p.PayMin += raise
		high, _, ok2, err := ScoreForSeeker(s, p, vil, pol, now)
		if err != nil {
			t.Fatal(err)
		}
		highE, _, _, _ := ScoreForEmployer(p, s, vil, pol, now)
		if ok1 != ok2 {
			t.Fatalf("pay changed the hard filter: %v → %v", ok1, ok2)
		}
		if high < low {
			t.Fatalf("raising pay by %d lowered the seeker's score %v → %v", raise, low, high)
		}
		if highE < lowE {
			t.Fatalf("raising pay by %d lowered the employer's score %v → %v", raise, lowE, highE)
		}
	})
}

func TestRecommendProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := drawWorld(t)
		ix := mustIndex(t, w)
		now := drawDate(t, "now")
		limit := rapid.IntRange(0, 8).Draw(t, "limit")
		exceptMod := rapid.IntRange(2, 4).Draw(t, "exceptMod")
		byID := map[int64]Posting{}
		for _, p := range w.postings {
			byID[p.ID] = p
		}
		for _, s := range w.seekers {
			recs := mustRecommend(t, ix, s, now, limit)
			if len(recs) > limit {
				t.Fatalf("%d results for limit %d", len(recs), limit)
			}
			seen := map[int64]bool{}
			for i, r := range recs {
				if seen[r.PostingID] {
					t.Fatalf("posting %d twice", r.PostingID)
				}
				seen[r.PostingID] = true
				if !fitsRef(s, byID[r.PostingID], now) {
					t.Fatalf("posting %d violates a hard filter for seeker %+v", r.PostingID, s)
				}
				if len(r.Reasons) == 0 {
					t.Fatalf("posting %d has no reason", r.PostingID)
				}
				if i > 0 && (recs[i-1].Score < r.Score || recs[i-1].Score == r.Score && recs[i-1].PostingID > r.PostingID) {
					t.Fatalf("results out of order at %d: %v", i, recs)
				}
			}
			if want := refRecommend(t, w, s, now, limit); fmt.Sprint(recs) != fmt.Sprint(want) {
				t.Fatalf("Recommend differs from the reference:\n got %v\nwant %v", recs, want)
			}
			// leaving postings out is the same as not having them
			var except []int64
			ww := *w
			ww.postings = nil
			for _, p := range w.postings {
				if p.ID%int64(exceptMod) == 0 {
					except = append(except, p.ID)
				} else {
					ww.postings = append(ww.postings, p)
				}
			}
			got, err := ix.RecommendExcept(s, now, limit, except)
			if err != nil {
				t.Fatal(err)
			}
			if want := refRecommend(t, &ww, s, now, limit); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("RecommendExcept differs from the reference:\n got %v\nwant %v", got, want)
			}
			// every fitting posting left out scores no better than the last one returned
			if len(recs) < limit {
				for _, p := range w.postings {
					if fitsRef(s, p, now) && !seen[p.ID] {
						t.Fatalf("fitting posting %d left out with room to spare", p.ID)
					}
				}
			}
		}
	})
}

func TestCandidatesProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := drawWorld(t)
		ix := mustIndex(t, w)
		now := drawDate(t, "now")
		limit := rapid.IntRange(0, 8).Draw(t, "limit")
		exceptMod := rapid.IntRange(2, 4).Draw(t, "exceptMod")
		byID := map[int64]Seeker{}
		for _, s := range w.seekers {
			byID[s.ID] = s
		}
		for _, p := range w.postings {
			cs := mustCandidates(t, ix, p.ID, now, limit)
			if len(cs) > limit {
				t.Fatalf("%d results for limit %d", len(cs), limit)
			}
			seen := map[int64]bool{}
			for i, c := range cs {
				if seen[c.SeekerID] {
					t.Fatalf("seeker %d twice", c.SeekerID)
				}
				seen[c.SeekerID] = true
				s := byID[c.SeekerID]
				if !s.Active || !fitsRef(s, p, now) {
					t.Fatalf("seeker %d violates a hard filter for posting %+v", c.SeekerID, p)
				}
				if len(c.Reasons) == 0 {
					t.Fatalf("seeker %d has no reason", c.SeekerID)
				}
				if i > 0 && (cs[i-1].Score < c.Score || cs[i-1].Score == c.Score && cs[i-1].SeekerID > c.SeekerID) {
					t.Fatalf("results out of order at %d: %v", i, cs)
				}
			}
			if want := refCandidates(t, w, p, now, limit); fmt.Sprint(cs) != fmt.Sprint(want) {
				t.Fatalf("Candidates differs from the reference:\n got %v\nwant %v", cs, want)
			}
			var except []int64
			ww := *w
			ww.seekers = nil
			for _, s := range w.seekers {
				if s.ID%int64(exceptMod) == 0 {
					except = append(except, s.ID)
				} else {
					ww.seekers = append(ww.seekers, s)
				}
			}
			got, err := ix.CandidatesExcept(p.ID, now, limit, except)
			if err != nil {
				t.Fatal(err)
			}
			if want := refCandidates(t, &ww, p, now, limit); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("CandidatesExcept differs from the reference:\n got %v\nwant %v", got, want)
			}
			if len(cs) < limit {
				for _, s := range w.seekers {
					if s.Active && fitsRef(s, p, now) && !seen[s.ID] {
						t.Fatalf("fitting seeker %d left out with room to spare", s.ID)
					}
				}
			}
		}
	})
}

func TestAssignProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := drawWorld(t)
		now := drawDate(t, "now")
		maxc := rapid.IntRange(0, 4).Draw(t, "maxChoices")
		res, err := Assign(w.seekers, w.postings, w.villagers(), w.pol, now, maxc)
		if err != nil {
			t.Fatal(err)
		}
		byP := map[int64]Posting{}
		for _, p := range w.postings {
			byP[p.ID] = p
		}
		byS := map[int64]Seeker{}
		for _, s := range w.seekers {
			byS[s.ID] = s
		}
		count := map[int64]int{}
		for _, a := range res.Assignments {
			p, s := byP[a.PostingID], byS[a.SeekerID]
			if !s.Active || !fitsRef(s, p, now) {
				t.Fatalf("assigned pair (%d, %d) does not fit", s.ID, p.ID)
			}
			count[p.ID]++
			if count[p.ID] > p.Remaining() {
				t.Fatalf("posting %d over its remaining headcount", p.ID)
			}
		}
	})
}
