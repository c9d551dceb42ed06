package match

import (
	"cmp"
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"
)

var day0 = DateOf(time.Date(2020, 2, 20, 0, 0, 0, 0, time.UTC))

type villKeyT struct {
	emp    int64
	county string
}

// world is a plain copy of what an index holds, for reference answers.
type world struct {
	postings []Posting
	seekers  []Seeker
	vill     map[villKeyT]int
	pol      Policy
}

func (w *world) villagers() []Villagers {
	var vs []Villagers
	for k, n := range w.vill {
		vs = append(vs, Villagers{EmployerID: k.emp, County: k.county, N: n})
	}
	slices.SortFunc(vs, func(a, b Villagers) int {
		return cmp.Or(cmp.Compare(a.EmployerID, b.EmployerID), cmp.Compare(a.County, b.County))
	})
	return vs
}

func mustIndex(tb tester, w *world) *Index {
	tb.Helper()
	ix := NewIndex()
	err := ix.Bulk(func(b *Builder) error {
		if err := b.SetPolicy(w.pol); err != nil {
			return err
		}
		for _, p := range w.postings {
			if err := b.UpsertPosting(p); err != nil {
				return err
			}
		}
		for _, s := range w.seekers {
			if err := b.UpsertSeeker(s); err != nil {
				return err
			}
		}
		for _, v := range w.villagers() {
			if err := b.SetVillagers(v.EmployerID, v.County, v.N); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return ix
}

func mustRecommend(tb tester, ix *Index, s Seeker, now Date, limit int) []Recommendation {
	tb.Helper()
	recs, err := ix.Recommend(s, now, limit)
	if err != nil {
		tb.Fatal(err)
	}
	return recs
}

func mustCandidates(tb tester, ix *Index, id int64, now Date, limit int) []Candidate {
	tb.Helper()
	cs, err := ix.Candidates(id, now, limit)
	if err != nil {
		tb.Fatal(err)
	}
	return cs
}

func worldFromSynthetic(d *SyntheticData) *world {
	w := &world{postings: d.Postings, seekers: d.Seekers, vill: map[villKeyT]int{}, pol: DefaultPolicy()}
	for _, v := range d.Villagers {
		w.vill[villKeyT{v.EmployerID, v.County}] = v.N
	}
	return w
}

// refRecommend answers Recommend by scoring every posting with ScoreForSeeker.
func refRecommend(tb tester, w *world, s Seeker, now Date, limit int) []Recommendation {
	tb.Helper()
	var out []Recommendation
	for _, p := range w.postings {
		score, reasons, ok, err := ScoreForSeeker(s, p, w.vill[villKeyT{p.EmployerID, s.County}], w.pol, now)
		if err != nil {
			tb.Fatal(err)
		}
		if ok {
			out = append(out, Recommendation{PostingID: p.ID, Score: score, Reasons: reasons})
		}
	}
	slices.SortFunc(out, func(a, b Recommendation) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.PostingID, b.PostingID))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// refCandidates answers Candidates by scoring every seeker with ScoreForEmployer.
func refCandidates(tb tester, w *world, p Posting, now Date, limit int) []Candidate {
	tb.Helper()
	var out []Candidate
	for _, s := range w.seekers {
		score, reasons, ok, err := ScoreForEmployer(p, s, w.vill[villKeyT{p.EmployerID, s.County}], w.pol, now)
		if err != nil {
			tb.Fatal(err)
		}
		if ok {
			out = append(out, Candidate{SeekerID: s.ID, Score: score, Reasons: reasons})
		}
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.SeekerID, b.SeekerID))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

func TestCloseness(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"6-25-04-07", "6-25-04-07", 3},
		{"6-25-04-07", "6-25-04-08", 2},
		{"6-25-04-07", "6-25-02-05", 1},
		{"6-25-04-07", "6-05-01-03", 0},
		{"6-25-04-07", "4-25-04-07", 0},
		{"6-25-04", "6-25-04-07", 0},
		{"", "", 0},
	}
	for _, tt := range tests {
		if got := Closeness(tt.a, tt.b); got != tt.want {
			t.Errorf("Closeness(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func basePosting() Posting {
	return Posting{ID: 1, EmployerID: 10, Occupation: "6-25-04-07", District: "440307", PayMin: 5500,
		Dorm: true, Meals: true, Verified: true, StartDate: day0 + 3, ClosingDate: day0 + 30,
		Headcount: 10, Filled: 2, Pending: 1, Open: true, PublishedAt: day0 - 2}
}

func baseSeeker() Seeker {
	return Seeker{ID: 100, Trades: []string{"6-25-04-07"}, ExpectedPay: 4500, WantsDorm: true, WantsMeals: true,
		AvailableFrom: day0, Age: 30, Experience: 4, County: "451026", Poor: true, Twinned: true, Active: true}
}

func reasonKeys(rs []Reason) []string {
	var ks []string
	for _, r := range rs {
		ks = append(ks, r.Key)
	}
	return ks
}

func TestScoreForSeekerExample(t *testing.T) {
	score, reasons, ok, err := ScoreForSeeker(baseSeeker(), basePosting(), 3, DefaultPolicy(), day0)
	if err != nil || !ok {
		t.Fatalf("ok=%v err=%v", ok, err)
	}
	// T=1, P=0.5+1000/4500, D=1, V=1, H=0.6, F=1-2/30, S=1-3/60; M=1.3; C=1/(1+0.5/8)
	w := DefaultWeights()
	base := w.Trade*1 + w.Pay*(0.5+1000.0/4500) + w.DormMeals*1 + w.Verified*1 + w.Villagers*0.6 +
		w.Fresh*(1-2.0/30) + w.Start*(1-3.0/60)
	want := base * 1.3 / (1 + 0.5*1/8)
	if d := score - want; d > 1e-9 || d < -1e-9 {
		t.Errorf("score = %v, want %v", score, want)
	}
	wantKeys := []string{ReasonTradeSame, ReasonPayAbove, ReasonDormMeals, ReasonVerified, ReasonStartsIn,
		ReasonVillagers, ReasonFresh, ReasonPolicyPoor, ReasonPolicyTwinned}
	if got := reasonKeys(reasons); !reflect.DeepEqual(got, wantKeys) {
		t.Errorf("reasons = %v, want %v", got, wantKeys)
	}
	if reasons[1].Args["pay"] != 5500 || reasons[1].Args["expected"] != 4500 {
		t.Errorf("pay reason args = %v", reasons[1].Args)
	}
	if reasons[5].Args["n"] != 3 {
		t.Errorf("villagers reason args = %v", reasons[5].Args)
	}
}

func TestHardFilters(t *testing.T) {
	tests := []struct {
		name string
		edit func(p *Posting, s *Seeker)
		ok   bool
	}{
		{"fits", func(p *Posting, s *Seeker) {}, true},
		{"not open", func(p *Posting, s *Seeker) { p.Open = false }, false},
		{"full", func(p *Posting, s *Seeker) { p.Filled = p.Headcount }, false},
		{"closed before now", func(p *Posting, s *Seeker) { p.ClosingDate = day0 - 1 }, false},
		{"closes today", func(p *Posting, s *Seeker) { p.ClosingDate = day0 }, true},
		{"no closing date", func(p *Posting, s *Seeker) { p.ClosingDate = 0 }, true},
		{"starts before available", func(p *Posting, s *Seeker) { s.AvailableFrom = p.StartDate + 1 }, false},
		{"starts on available day", func(p *Posting, s *Seeker) { s.AvailableFrom = p.StartDate }, true},
		{"same minor group", func(p *Posting, s *Seeker) { s.Trades = []string{"6-25-04-01"} }, true},
		{"same middle group", func(p *Posting, s *Seeker) { s.Trades = []string{"6-25-01-01"} }, true},
		{"other middle group", func(p *Posting, s *Seeker) { s.Trades = []string{"6-24-04-07"} }, false},
		{"no trades", func(p *Posting, s *Seeker) { s.Trades = nil }, false},
		{"too young", func(p *Posting, s *Seeker) { p.AgeMin, p.AgeMax = 31, 40 }, false},
		{"too old", func(p *Posting, s *Seeker) { p.AgeMin, p.AgeMax = 18, 29 }, false},
		{"age at bounds", func(p *Posting, s *Seeker) { p.AgeMin, p.AgeMax = 30, 30 }, true},
		{"only max", func(p *Posting, s *Seeker) { p.AgeMax = 30 }, true},
		{"unknown age, lower bound", func(p *Posting, s *Seeker) { s.Age = 0; p.AgeMin = 18 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, s := basePosting(), baseSeeker()
			tt.edit(&p, &s)
			_, reasons, ok, err := ScoreForSeeker(s, p, 0, DefaultPolicy(), day0)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.ok {
				t.Errorf("ScoreForSeeker ok = %v, want %v", ok, tt.ok)
			}
			if ok && len(reasons) == 0 {
				t.Error("no reasons")
			}
			_, _, ok, err = ScoreForEmployer(p, s, 0, DefaultPolicy(), day0)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.ok {
				t.Errorf("ScoreForEmployer ok = %v, want %v", ok, tt.ok)
			}
			ix := mustIndex(t, &world{postings: []Posting{p}, seekers: []Seeker{s}})
			recs := mustRecommend(t, ix, s, day0, 5)
			if got := len(recs) == 1; got != tt.ok {
				t.Errorf("Recommend gave %d", len(recs))
			}
			cs := mustCandidates(t, ix, p.ID, day0, 5)
			if got := len(cs) == 1; got != tt.ok {
				t.Errorf("Candidates gave %d", len(cs))
			}
		})
	}
}

func TestInactiveSeeker(t *testing.T) {
	p, s := basePosting(), baseSeeker()
	s.Active = false
	ix := mustIndex(t, &world{postings: []Posting{p}, seekers: []Seeker{s}})
	if cs := mustCandidates(t, ix, p.ID, day0, 5); len(cs) != 0 {
		t.Errorf("inactive seeker is a candidate: %v", cs)
	}
	recs, err := ix.RecommendByID(s.ID, day0, 5)
	if err != nil || len(recs) != 1 {
		t.Errorf("inactive seeker still gets recommendations: %v %v", recs, err)
	}
}

func TestCongestionReason(t *testing.T) {
	p, s := basePosting(), baseSeeker()
	quiet, _, _, _ := ScoreForSeeker(s, p, 0, DefaultPolicy(), day0)
	p.Pending = 40
	busy, reasons, _, _ := ScoreForSeeker(s, p, 0, DefaultPolicy(), day0)
	if busy >= quiet {
		t.Errorf("crowded posting scores %v ≥ quiet %v", busy, quiet)
	}
	if last := reasons[len(reasons)-1]; last.Key != ReasonCrowded || last.Args["pending"] != 40 || last.Args["remaining"] != 8 {
		t.Errorf("last reason = %+v", last)
	}
}

func TestValidation(t *testing.T) {
	ix := NewIndex()
	bad := basePosting()
	bad.Occupation = "6-25"
	if err := ix.UpsertPosting(bad); err == nil {
		t.Error("short occupation code accepted")
	}
	bad = basePosting()
	bad.AgeMin, bad.AgeMax = 40, 30
	if err := ix.UpsertPosting(bad); err == nil {
		t.Error("inverted age range accepted")
	}
	s := baseSeeker()
	s.Trades = []string{"6-25-04-01", "6-25-04-02", "6-25-04-03", "6-25-04-04", "6-25-04-05"}
	if err := ix.UpsertSeeker(s); err == nil {
		t.Error("five trades accepted")
	}
	s.Trades = []string{"6-25-04-01", "6-25-04-01", "6-25-04-01", "6-25-04-01", "6-25-04-02"}
	if err := ix.UpsertSeeker(s); err != nil {
		t.Errorf("duplicate trades: %v", err)
	}
	if err := ix.SetPolicy(Policy{PoorWeight: -1}); err == nil {
		t.Error("negative weight accepted")
	}
	if _, err := ix.Candidates(999, day0, 5); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown posting: %v", err)
	}
	if _, err := ix.RecommendByID(999, day0, 5); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown seeker: %v", err)
	}
}

// TestAgainstReference compares Recommend and Candidates with scoring every
// pair through the pure functions, through upserts, removals and policy changes.
func TestAgainstReference(t *testing.T) {
	nP, nS := 600, 3000
	if testing.Short() {
		nP, nS = 300, 1500
	}
	d := Synthetic(7, nP, nS)
	w := worldFromSynthetic(d)
	ix := mustIndex(t, w)
	sStride, pStride := 97, 23
	if testing.Short() {
		sStride, pStride = 131, 31
	}
	check := func(t *testing.T) {
		t.Helper()
		for i := 0; i < len(w.seekers); i += sStride {
			s := w.seekers[i]
			all := refRecommend(t, w, s, d.Now, 50)
			for _, limit := range []int{1, 10, 50} {
				got := mustRecommend(t, ix, s, d.Now, limit)
				want := all[:min(limit, len(all))]
				if len(want) == 0 {
					want = nil
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("Recommend(seeker %d, limit %d):\n got %v\nwant %v", s.ID, limit, got, want)
				}
			}
			byID, err := ix.RecommendByID(s.ID, d.Now, 10)
			if err != nil {
				t.Fatal(err)
			}
			if want := all[:min(10, len(all))]; len(want) > 0 && !reflect.DeepEqual(byID, want) || len(want) == 0 && byID != nil {
				t.Fatalf("RecommendByID(%d):\n got %v\nwant %v", s.ID, byID, want)
			}
		}
		for i := 0; i < len(w.postings); i += pStride {
			p := w.postings[i]
			all := refCandidates(t, w, p, d.Now, 20)
			for _, limit := range []int{1, 20} {
				got := mustCandidates(t, ix, p.ID, d.Now, limit)
				want := all[:min(limit, len(all))]
				if len(want) == 0 {
					want = nil
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("Candidates(posting %d, limit %d):\n got %v\nwant %v", p.ID, limit, got, want)
				}
			}
		}
	}
	t.Run("loaded", check)

	// changes one by one
	for i := range w.postings {
		if i%5 == 0 {
			w.postings[i].PayMin += 700
			w.postings[i].Occupation = syntheticCodes[i%len(syntheticCodes)]
			if err := ix.UpsertPosting(w.postings[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	var kept []Posting
	for i, p := range w.postings {
		if i%7 == 3 {
			if !ix.RemovePosting(p.ID) {
				t.Fatalf("posting %d not removed", p.ID)
			}
			continue
		}
		kept = append(kept, p)
	}
	w.postings = kept
	var keptS []Seeker
	for i, s := range w.seekers {
		switch i % 11 {
		case 2:
			if !ix.RemoveSeeker(s.ID) {
				t.Fatalf("seeker %d not removed", s.ID)
			}
			continue
		case 5:
			s.Trades = []string{syntheticCodes[i%len(syntheticCodes)], s.Trades[0]}
			s.Active = !s.Active
			if err := ix.UpsertSeeker(s); err != nil {
				t.Fatal(err)
			}
		}
		keptS = append(keptS, s)
	}
	w.seekers = keptS
	for k, n := range w.vill {
		if n%3 == 0 {
			w.vill[k] = 0
			delete(w.vill, k)
			if err := ix.SetVillagers(k.emp, k.county, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Run("changed", check)

	w.pol = Policy{PoorWeight: 1, TwinnedWeight: 0.5, CongestionAlpha: 2, Weights: Weights{Trade: 1, Pay: 5, Villagers: 4}}
	if err := ix.SetPolicy(w.pol); err != nil {
		t.Fatal(err)
	}
	t.Run("policy", check)

	// a bulk on a non-empty index copies it
	extra := Synthetic(8, 50, 200)
	for i := range extra.Postings {
		extra.Postings[i].ID += 1_000_000
	}
	for i := range extra.Seekers {
		extra.Seekers[i].ID += 1_000_000
	}
	if err := ix.Bulk(extra.Load); err != nil {
		t.Fatal(err)
	}
	w.postings = append(w.postings, extra.Postings...)
	w.seekers = append(w.seekers, extra.Seekers...)
	for _, v := range extra.Villagers {
		w.vill[villKeyT{v.EmployerID, v.County}] = v.N
	}
	t.Run("bulk", check)
}

func TestBulkAllOrNothing(t *testing.T) {
	ix := mustIndex(t, &world{postings: []Posting{basePosting()}, seekers: []Seeker{baseSeeker()}})
	err := ix.Bulk(func(b *Builder) error {
		p := basePosting()
		p.ID = 2
		if err := b.UpsertPosting(p); err != nil {
			return err
		}
		b.RemoveSeeker(baseSeeker().ID)
		return errors.New("stop")
	})
	if err == nil {
		t.Fatal("no error")
	}
	if np, ns := ix.Len(); np != 1 || ns != 1 {
		t.Errorf("Len = %d, %d after a failed bulk", np, ns)
	}
}

// TestConcurrent runs readers alongside writers; run it with -race.
func TestConcurrent(t *testing.T) {
	d := Synthetic(3, 300, 1500)
	ix := mustIndex(t, worldFromSynthetic(d))
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := 0; r < 3; r++ {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := ix.Recommend(d.Seekers[(i*7+r)%len(d.Seekers)], d.Now, 10); err != nil {
					t.Error(err)
					return
				}
				if _, err := ix.Candidates(d.Postings[(i*3+r)%len(d.Postings)].ID, d.Now, 10); err != nil && !errors.Is(err, ErrNotFound) {
					t.Error(err)
					return
				}
			}
		}(r)
	}
	for i := 0; i < 200; i++ {
		p := d.Postings[i%len(d.Postings)]
		if i%3 == 0 {
			ix.RemovePosting(p.ID)
		} else {
			p.Pending++
			_ = ix.UpsertPosting(p)
		}
		_ = ix.UpsertSeeker(d.Seekers[i])
		if i%50 == 0 {
			_ = ix.Bulk(func(b *Builder) error { return b.UpsertPosting(d.Postings[i]) })
		}
		if i%70 == 0 {
			pol := DefaultPolicy()
			pol.CongestionAlpha = float64(i) / 100
			if err := ix.SetPolicy(pol); err != nil {
				t.Error(err)
			}
		}
	}
	close(stop)
	wg.Wait()
}

// tester is what the must helpers need of *testing.T and *rapid.T.
type tester interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// TestScanAllocs checks that the scans behind Recommend and Candidates
// allocate nothing once their scratch buffers have grown.
func TestScanAllocs(t *testing.T) {
	d := Synthetic(9, 500, 3000)
	ix := mustIndex(t, worldFromSynthetic(d))
	st := ix.st
	sc := getScratch()
	r := &st.srecs[st.seekers[d.Seekers[0].ID]]
	trades := d.Seekers[0].Trades
	loc := st.postings[d.Postings[0].ID]
	e := st.postingAt(loc)
	scan := func() {
		st.scanPostings(r, trades, d.Now, 20, nil, sc)
		st.scanSeekers(e, loc.code, d.Now, 20, sc)
	}
	scan()
	if n := testing.AllocsPerRun(50, scan); n != 0 {
		t.Errorf("scans allocate %v times a run", n)
	}
}

// TestStartsReasonSaysFromWhen: the start reason counts from today when the
// seeker can start now, and from the seeker's available day — with words
// that say so — when that day is later (issue 12, item 9).
func TestStartsReasonSaysFromWhen(t *testing.T) {
	for _, tc := range []struct {
		avail    Date
		key      string
		wantDays int
	}{
		{day0, ReasonStartsIn, 3},
		{day0 - 5, ReasonStartsIn, 3},
		{day0 + 1, ReasonStartsAfterAvailable, 2},
		{day0 + 3, ReasonStartsAfterAvailable, 0},
	} {
		k := baseSeeker()
		k.AvailableFrom = tc.avail
		_, reasons, ok, err := ScoreForSeeker(k, basePosting(), 0, DefaultPolicy(), day0)
		if err != nil || !ok {
			t.Fatalf("ok=%v err=%v", ok, err)
		}
		found := false
		for _, r := range reasons {
			if r.Key == ReasonStartsIn || r.Key == ReasonStartsAfterAvailable {
				found = true
				if r.Key != tc.key || r.Args["days"] != tc.wantDays {
					t.Errorf("available %d: %s %v, want %s %d", tc.avail-day0, r.Key, r.Args, tc.key, tc.wantDays)
				}
			}
		}
		if !found {
			t.Errorf("available %d: no start reason in %v", tc.avail-day0, reasonKeys(reasons))
		}
	}
}

func TestSeekerCounty(t *testing.T) {
	a, b := baseSeeker(), baseSeeker()
	b.ID, b.County = a.ID+1, "440307"
	ix := mustIndex(t, &world{seekers: []Seeker{a, b}})
	for _, s := range []Seeker{a, b} {
		if c, ok := ix.SeekerCounty(s.ID); !ok || c != s.County {
			t.Errorf("seeker %d: county %q %v, want %q", s.ID, c, ok, s.County)
		}
	}
	ix.RemoveSeeker(b.ID)
	if c, ok := ix.SeekerCounty(b.ID); ok {
		t.Errorf("removed seeker: county %q", c)
	}
}
