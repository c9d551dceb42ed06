package match

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"easyjob/internal/occupation"
	"pgregory.net/rapid"
)

func mustPage(tb tester, ix *Index, s Seeker, now Date, limit int, except []int64) Page {
	tb.Helper()
	pg, err := ix.RecommendPage(s, now, limit, except)
	if err != nil {
		tb.Fatal(err)
	}
	return pg
}

func pageIDs(pg Page) []int64 {
	ids := make([]int64, len(pg.Items))
	for i, r := range pg.Items {
		ids[i] = r.PostingID
	}
	return ids
}

// alsoRef is a fallback's hard rules and grounds, written out from the
// package comment: ok is false when p is not a fallback for s.
func alsoRef(w *world, s Seeker, p Posting, now Date) (grounds []string, ok bool) {
	for _, t := range s.Trades {
		if validCode(t) && t[:4] == p.Occupation[:4] {
			return nil, false // a match or nothing
		}
	}
	if !(p.Open && p.Headcount-p.Filled > 0 && (p.ClosingDate == 0 || p.ClosingDate >= now) &&
		p.StartDate >= s.AvailableFrom && (p.AgeMin == 0 || s.Age >= p.AgeMin) && (p.AgeMax == 0 || s.Age <= p.AgeMax) &&
		p.PayMin >= s.ExpectedPay) {
		return nil, false
	}
	related := false
	for _, t := range s.Trades {
		for _, g := range occupation.RelatedGroups(t) {
			related = related || strings.HasPrefix(p.Occupation, g)
		}
	}
	if related {
		grounds = append(grounds, ReasonAlsoRelated)
	}
	if occupation.EntryLevel(p.Occupation) {
		grounds = append(grounds, ReasonAlsoEntry)
	}
	if s.County != "" && w.vill[villKeyT{p.EmployerID, s.County}] >= AlsoVillagersMin {
		grounds = append(grounds, ReasonAlsoCounty)
	}
	return grounds, len(grounds) > 0
}

// TestRecommendPageExample: a page of one match and four fallbacks in the
// order and with the grounds the package comment gives.
func TestRecommendPageExample(t *testing.T) {
	base := Posting{EmployerID: 1, District: "440307", PayMin: 6000, Dorm: true, Meals: true, Verified: true,
		StartDate: day0 + 5, PublishedAt: day0 - 2, Headcount: 10, Open: true}
	at := func(id int64, emp int64, occ string, f func(p *Posting)) Posting {
		p := base
		p.ID, p.EmployerID, p.Occupation = id, emp, occ
		if f != nil {
			f(&p)
		}
		return p
	}
	w := &world{pol: DefaultPolicy(), vill: map[villKeyT]int{{5, "451026"}: 3, {6, "451081"}: 9}, postings: []Posting{
		at(1, 1, "6-25-04-08", nil),                                              // the seeker's own trade: a match
		at(2, 2, "6-24-05-04", nil),                                              // related (6-24) and entry level
		at(3, 3, "6-24-04-00", nil),                                              // related only
		at(4, 4, "4-09-08-01", nil),                                              // entry level only
		at(5, 5, "6-18-02-04", nil),                                              // 3 fellow villagers at the employer
		at(6, 6, "6-18-02-04", nil),                                              // villagers, but from another county
		at(7, 7, "6-31-05-00", func(p *Posting) { p.PayMin = 4000 }),             // pays below the expectation
		at(8, 8, "4-09-08-01", func(p *Posting) { p.AgeMin, p.AgeMax = 18, 25 }), // too old
		at(9, 9, "6-24-05-04", func(p *Posting) { p.StartDate = day0 - 1 }),      // starts before available
	}}
	ix := mustIndex(t, w)
	s := Seeker{ID: 100, Trades: []string{"6-25-04-08"}, ExpectedPay: 5000, WantsDorm: true, AvailableFrom: day0,
		Age: 30, County: "451026", Active: true}
	pg := mustPage(t, ix, s, day0, 10, nil)
	if got, want := pageIDs(pg), []int64{1, 2, 5, 3, 4}; !slices.Equal(got, want) {
		t.Fatalf("page %v, want %v", got, want)
	}
	if pg.Direct != 1 || pg.Items[0].Kind != KindMatch || pg.Empty.Cause != NotEmpty {
		t.Errorf("Direct %d, first kind %v, empty %v", pg.Direct, pg.Items[0].Kind, pg.Empty.Cause)
	}
	wantGrounds := map[int64][]Reason{
		2: {{ReasonAlsoRelated, map[string]any{"occupation": "6-24-05-04", "trade": "6-25-04-08"}},
			{ReasonAlsoEntry, map[string]any{"occupation": "6-24-05-04"}}},
		5: {{ReasonAlsoCounty, map[string]any{"n": 3}}},
		3: {{ReasonAlsoRelated, map[string]any{"occupation": "6-24-04-00", "trade": "6-25-04-08"}}},
		4: {{ReasonAlsoEntry, map[string]any{"occupation": "4-09-08-01"}}},
	}
	for _, r := range pg.Items[1:] {
		want := wantGrounds[r.PostingID]
		if r.Kind != KindAlso || fmt.Sprint(r.Reasons[:len(want)]) != fmt.Sprint(want) {
			t.Errorf("posting %d: kind %v, reasons %v, want grounds %v", r.PostingID, r.Kind, r.Reasons, want)
		}
		for _, x := range r.Reasons {
			if x.Key == ReasonTradeSame || x.Key == ReasonTradeRelated || x.Key == ReasonVillagers {
				t.Errorf("posting %d: fallback has reason %s", r.PostingID, x.Key)
			}
		}
	}
	// the direct part is Recommend's answer
	if recs := mustRecommend(t, ix, s, day0, 10); fmt.Sprint(recs) != fmt.Sprint(pg.Items[:pg.Direct]) {
		t.Errorf("direct part %v, Recommend %v", pg.Items[:pg.Direct], recs)
	}
	// scores: Tf = 0.4 for posting 2, H = 0.6 for posting 5, Tf = 0.2 for 3 and 4
	for i := 2; i < len(pg.Items); i++ {
		if pg.Items[i].Score > pg.Items[i-1].Score {
			t.Errorf("fallback scores out of order: %v", pg.Items)
		}
	}
	if d := pg.Items[1].Score - pg.Items[3].Score; fmt.Sprintf("%.6f", d) != fmt.Sprintf("%.6f", 3*0.2*pg.Items[1].Score/pg.Items[1].Score*congestion(0.5, 0, 10)) {
		t.Errorf("posting 2 scores %v above posting 3, want Wt·0.2 = 0.6", d)
	}
	// a short page takes the best fallbacks
	if got := pageIDs(mustPage(t, ix, s, day0, 3, nil)); !slices.Equal(got, []int64{1, 2, 5}) {
		t.Errorf("page of 3: %v", got)
	}
}

func TestRecommendPageEmpty(t *testing.T) {
	p := func(id int64, occ string, f func(p *Posting)) Posting {
		x := Posting{ID: id, EmployerID: id, Occupation: occ, District: "440307", PayMin: 6000, StartDate: day0 + 10,
			PublishedAt: day0, Headcount: 5, Open: true}
		if f != nil {
			f(&x)
		}
		return x
	}
	s := Seeker{ID: 100, Trades: []string{"6-25-04-08"}, ExpectedPay: 5000, AvailableFrom: day0, Age: 30, County: "451026"}
	tests := []struct {
		name     string
		postings []Posting
		seeker   func(s *Seeker)
		except   []int64
		want     EmptyCause
		args     string
		change   func(s *Seeker) // makes the page non-empty
	}{
		{name: "nothing open", postings: []Posting{p(1, "6-25-04-08", func(p *Posting) { p.Open = false })},
			want: EmptyNoOpen, args: "map[]"},
		{name: "nothing in reach", postings: []Posting{p(1, "6-18-02-04", nil)}, want: EmptyNoTrade, args: "map[]",
			change: func(s *Seeker) { s.Trades = append(s.Trades, "6-18-02-04") }},
		{name: "age", postings: []Posting{p(1, "6-25-04-08", func(p *Posting) { p.AgeMin, p.AgeMax = 18, 45 }),
			p(2, "6-24-05-04", func(p *Posting) { p.AgeMax = 50 })},
			seeker: func(s *Seeker) { s.Age = 55 }, want: EmptyAge, args: "map[age:55 n:2]",
			change: func(s *Seeker) { s.Age = 45 }},
		{name: "age unknown", postings: []Posting{p(1, "6-25-04-08", func(p *Posting) { p.AgeMin = 16 })},
			seeker: func(s *Seeker) { s.Age = 0 }, want: EmptyAgeUnknown, args: "map[n:1]",
			change: func(s *Seeker) { s.Age = 20 }},
		{name: "available", postings: []Posting{p(1, "6-25-04-08", nil), p(2, "4-09-08-01", func(p *Posting) { p.StartDate = day0 + 20 })},
			seeker: func(s *Seeker) { s.AvailableFrom = day0 + 30 }, want: EmptyAvailable,
			args:   fmt.Sprintf("map[available:%v date:%v n:2]", day0+30, day0+20),
			change: func(s *Seeker) { s.AvailableFrom = day0 + 20 }},
		{name: "pay floor", postings: []Posting{p(1, "6-24-05-04", func(p *Posting) { p.PayMin = 7000 }),
			p(2, "4-09-08-01", func(p *Posting) { p.PayMin = 7500 })},
			seeker: func(s *Seeker) { s.ExpectedPay = 9000 }, want: EmptyPay, args: "map[expected:9000 n:2 pay:7500]",
			change: func(s *Seeker) { s.ExpectedPay = 7500 }},
		{name: "applied", postings: []Posting{p(1, "6-25-04-08", nil), p(2, "6-24-05-04", func(p *Posting) { p.AgeMax = 20; p.PayMin = 100 })},
			except: []int64{1}, want: EmptyApplied, args: "map[n:1]"},
		{name: "combined", postings: []Posting{p(1, "6-25-04-08", func(p *Posting) { p.AgeMax = 20; p.StartDate = day0 - 1 })},
			want: EmptyCombined, args: "map[age:true available:true pay:false]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := mustIndex(t, &world{pol: DefaultPolicy(), postings: tt.postings})
			s := s
			if tt.seeker != nil {
				tt.seeker(&s)
			}
			pg := mustPage(t, ix, s, day0, 5, tt.except)
			if len(pg.Items) != 0 || pg.Empty.Cause != tt.want || fmt.Sprint(pg.Empty.Reason.Args) != tt.args {
				t.Fatalf("page %v, empty %v %v, want %v %s", pageIDs(pg), pg.Empty.Cause, pg.Empty.Reason, tt.want, tt.args)
			}
			if !strings.HasPrefix(pg.Empty.Reason.Key, "empty.") || pg.Empty.Reason.Key != "empty."+tt.want.String() {
				t.Errorf("key %q for cause %v", pg.Empty.Reason.Key, tt.want)
			}
			if tt.change != nil {
				tt.change(&s)
				if pg := mustPage(t, ix, s, day0, 5, tt.except); len(pg.Items) == 0 {
					t.Errorf("the change the reason names shows nothing: %v", pg.Empty)
				}
			}
		})
	}
}

// wideCodes span related groups, entry-level work and unrelated trades.
var wideCodes = []string{"6-25-04-07", "6-25-04-08", "6-24-05-04", "6-24-04-00", "6-31-05-00", "6-05-01-03",
	"4-02-07-08", "4-10-08-01", "4-09-08-01", "6-18-02-04"}

func drawWideWorld(t *rapid.T) *world {
	w := drawWorld(t)
	for i := range w.postings {
		w.postings[i].Occupation = rapid.SampledFrom(wideCodes).Draw(t, fmt.Sprintf("p%d.wide", i))
	}
	for i := range w.seekers {
		w.seekers[i].Trades = rapid.SliceOfNDistinct(rapid.SampledFrom(wideCodes), 0, 3, rapid.ID[string]).Draw(t, fmt.Sprintf("s%d.wide", i))
	}
	return w
}

func TestRecommendPageProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := drawWideWorld(t)
		ix := mustIndex(t, w)
		now := drawDate(t, "now")
		limit := rapid.IntRange(0, 10).Draw(t, "limit")
		exceptMod := rapid.IntRange(2, 5).Draw(t, "exceptMod")
		var except []int64
		for _, p := range w.postings {
			if p.ID%int64(exceptMod) == 0 {
				except = append(except, p.ID)
			}
		}
		byID := map[int64]Posting{}
		for _, p := range w.postings {
			byID[p.ID] = p
		}
		for _, s := range w.seekers {
			pg := mustPage(t, ix, s, now, limit, except)
			// the matches are RecommendExcept's, unchanged
			direct, err := ix.RecommendExcept(s, now, limit, except)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(pg.Items[:pg.Direct]) != fmt.Sprint(direct) {
				t.Fatalf("direct part %v, RecommendExcept %v", pg.Items[:pg.Direct], direct)
			}
			eligible := 0
			for _, p := range w.postings {
				if slices.Contains(except, p.ID) {
					continue
				}
				if _, ok := alsoRef(w, s, p, now); ok || fitsRef(s, p, now) {
					eligible++
				}
			}
			if want := min(limit, eligible); len(pg.Items) != want {
				t.Fatalf("%d items, want min(limit %d, eligible %d)", len(pg.Items), limit, eligible)
			}
			seen := map[int64]bool{}
			for i, r := range pg.Items {
				if seen[r.PostingID] || slices.Contains(except, r.PostingID) {
					t.Fatalf("posting %d twice or excepted: %v", r.PostingID, pageIDs(pg))
				}
				seen[r.PostingID] = true
				if i < pg.Direct {
					if r.Kind != KindMatch {
						t.Fatalf("item %d of the direct part is %v", i, r.Kind)
					}
					continue
				}
				// fallbacks never outrank matches: they all come after
				if r.Kind != KindAlso {
					t.Fatalf("item %d after the direct part is %v", i, r.Kind)
				}
				grounds, ok := alsoRef(w, s, byID[r.PostingID], now)
				if !ok {
					t.Fatalf("fallback %d breaks a hard rule for %+v", r.PostingID, s)
				}
				var keys []string
				for _, x := range r.Reasons[:min(len(grounds), len(r.Reasons))] {
					keys = append(keys, x.Key)
				}
				if !slices.Equal(keys, grounds) {
					t.Fatalf("fallback %d: reasons %v, want grounds %v", r.PostingID, r.Reasons, grounds)
				}
				if i > pg.Direct {
					prev := pg.Items[i-1]
					if prev.Score < r.Score || prev.Score == r.Score && prev.PostingID > r.PostingID {
						t.Fatalf("fallbacks out of order at %d: %v", i, pg.Items)
					}
				}
			}
			if (len(pg.Items) == 0) != (pg.Empty.Cause != NotEmpty) && limit > 0 {
				t.Fatalf("%d items with empty cause %v", len(pg.Items), pg.Empty.Cause)
			}
			// a short page is the start of a long one: the bounds lose nothing
			if limit > 0 {
				long := mustPage(t, ix, s, now, 100, except)
				if fmt.Sprint(long.Items[:len(pg.Items)]) != fmt.Sprint(pg.Items) {
					t.Fatalf("page of %d %v is not the start of the long page %v", limit, pageIDs(pg), pageIDs(long))
				}
			}
			// leaving out what the applied cause counts shows something
			if pg.Empty.Cause == EmptyApplied {
				if again := mustPage(t, ix, s, now, limit, nil); len(again.Items) == 0 {
					t.Fatalf("empty for %v, and still empty with nothing left out", pg.Empty)
				}
			}
		}
		// the count that stops at n agrees with the pages
		n := rapid.IntRange(1, 6).Draw(t, "n")
		want := map[string]*CountyShort{}
		for _, s := range w.seekers {
			if !s.Active {
				continue
			}
			pg, err := ix.RecommendPageByID(s.ID, now, n, nil)
			if err != nil {
				t.Fatal(err)
			}
			c := want[s.County]
			if c == nil {
				c = &CountyShort{County: s.County}
				want[s.County] = c
			}
			c.Seekers++
			if len(pg.Items) < n {
				c.Short++
			}
		}
		got := ix.CountShort(now, n, nil)
		if len(got) != len(want) {
			t.Fatalf("CountShort %v, want %d counties", got, len(want))
		}
		for i, c := range got {
			if *want[c.County] != c || i > 0 && got[i-1].County >= c.County {
				t.Fatalf("CountShort %v, want %v for %q", got, *want[c.County], c.County)
			}
		}
		if len(got) > 0 {
			one := ix.CountShort(now, n, []string{got[0].County, "999999"})
			if len(one) != 1 || one[0] != got[0] {
				t.Fatalf("CountShort of one county %v, want %v", one, got[0])
			}
		}
	})
}

// TestRecommendPageSynthetic runs pages on generated data over the curated
// blue-collar trades: fallbacks fill most short pages, every page is in
// order, and the first short page is logged as an example.
func TestRecommendPageSynthetic(t *testing.T) {
	d := SyntheticCodes(5, 500, 3000, occupation.CommonBlueCollar())
	w := worldFromSynthetic(d)
	ix := mustIndex(t, w)
	byID := map[int64]Posting{}
	for _, p := range d.Postings {
		byID[p.ID] = p
	}
	const limit = 20
	var directEmpty, pageEmpty, short, filled int
	causes := map[EmptyCause]int{}
	grounds := map[string]int{}
	logged := false
	for _, s := range d.Seekers {
		pg, err := ix.RecommendPageByID(s.ID, d.Now, limit, nil)
		if err != nil {
			t.Fatal(err)
		}
		if pg.Direct == 0 {
			directEmpty++
		}
		if pg.Direct < limit {
			short++
			if len(pg.Items) == limit {
				filled++
			}
		}
		if len(pg.Items) == 0 {
			pageEmpty++
			causes[pg.Empty.Cause]++
		}
		for i, r := range pg.Items {
			if (i < pg.Direct) != (r.Kind == KindMatch) {
				t.Fatalf("seeker %d: item %d is %v with %d direct", s.ID, i, r.Kind, pg.Direct)
			}
			if r.Kind == KindAlso {
				if _, ok := alsoRef(w, s, byID[r.PostingID], d.Now); !ok {
					t.Fatalf("seeker %d: fallback %d breaks a rule", s.ID, r.PostingID)
				}
				if i > pg.Direct && pg.Items[i-1].Score < r.Score {
					t.Fatalf("seeker %d: fallbacks out of order", s.ID)
				}
			}
		}
		related := false
		for _, r := range pg.Items[pg.Direct:] {
			for _, x := range r.Reasons {
				if strings.HasPrefix(x.Key, "reason.also_") {
					grounds[x.Key]++
				}
				related = related || x.Key == ReasonAlsoRelated
			}
		}
		if !logged && related && pg.Direct > 0 && pg.Direct < 4 && len(pg.Items) > pg.Direct+2 {
			logged = true
			t.Logf("seeker %d, trades %v, age %d, expects %d, county %s:", s.ID, s.Trades, s.Age, s.ExpectedPay, s.County)
			for _, r := range pg.Items[:pg.Direct+3] {
				var keys []string
				for _, x := range r.Reasons {
					keys = append(keys, strings.TrimPrefix(x.Key, "reason.")+fmt.Sprint(x.Args))
				}
				t.Logf("  %-5v %5d %-10s %5.2f %s", r.Kind, r.PostingID, byID[r.PostingID].Occupation, r.Score, strings.Join(keys, " "))
			}
		}
	}
	t.Logf("%d seekers: %d without a match, %d with an empty page (%v); fallbacks filled %d of %d short pages; grounds %v",
		len(d.Seekers), directEmpty, pageEmpty, causes, filled, short, grounds)
	if !logged {
		t.Error("no short page with a related fallback in the data")
	}
	for _, k := range []string{ReasonAlsoRelated, ReasonAlsoEntry, ReasonAlsoCounty} {
		if grounds[k] == 0 {
			t.Errorf("no fallback on the ground %s", k)
		}
	}
	if pageEmpty*4 > directEmpty {
		t.Errorf("fallbacks leave %d of %d pages without a match empty", pageEmpty, directEmpty)
	}
}

// TestFallbackScanAllocs: the fallback scan, the diagnosis and the count
// allocate nothing once their buffers have grown.
func TestFallbackScanAllocs(t *testing.T) {
	d := SyntheticCodes(9, 500, 3000, occupation.CommonBlueCollar())
	ix := mustIndex(t, worldFromSynthetic(d))
	st := ix.st
	sc := getScratch()
	s := d.Seekers[0]
	r := &st.srecs[st.seekers[s.ID]]
	q := newSeekerQ(&st.pol, r, d.Now)
	late := *r
	late.avail = int32(d.Now + 90)
	ql := newSeekerQ(&st.pol, &late, d.Now)
	evil, vmax := st.fillVillagers(r.county, sc)
	cache := map[tradeKey][]alsoCode{}
	for _, tt := range []struct {
		name string
		run  func()
		max  float64
	}{
		{"scanAlso", func() { st.scanAlso(&q, s.Trades, 20, sc) }, 0},
		{"countUpTo", func() { st.countUpTo(&late, d.Now, 5, evil, vmax >= AlsoVillagersMin, cache, sc) }, 0},
		// the result: a map and two date strings
		{"diagnose", func() { st.diagnose(&ql, s.Trades, sc) }, 6},
	} {
		tt.run()
		if n := testing.AllocsPerRun(50, tt.run); n > tt.max {
			t.Errorf("%s allocates %v times a run", tt.name, n)
		}
	}
}

// TestBucketBounds: the bounds of every bucket stay exact through upserts,
// moves between buckets, removals and policy changes, and pages after them
// are those of an index built afresh.
func TestBucketBounds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		w := drawWideWorld(t)
		ix := mustIndex(t, w)
		cur := map[int64]Posting{}
		for _, p := range w.postings {
			cur[p.ID] = p
		}
		steps := rapid.IntRange(0, 30).Draw(t, "steps")
		for k := range steps {
			switch rapid.IntRange(0, 5).Draw(t, fmt.Sprintf("op%d", k)) {
			case 0:
				id := int64(rapid.IntRange(1, 20).Draw(t, fmt.Sprintf("rm%d", k)))
				ix.RemovePosting(id)
				delete(cur, id)
			case 1:
				pol := drawPolicy(t)
				if err := ix.SetPolicy(pol); err != nil {
					t.Fatal(err)
				}
				w.pol = pol
			default:
				id := int64(rapid.IntRange(1, 20).Draw(t, fmt.Sprintf("up%d", k)))
				p := drawPosting(t, id)
				p.Occupation = rapid.SampledFrom(wideCodes).Draw(t, fmt.Sprintf("occ%d", k))
				if err := ix.UpsertPosting(p); err != nil {
					t.Fatal(err)
				}
				cur[id] = p
			}
		}
		st := ix.st
		if len(st.ps) != len(st.pb) {
			t.Fatalf("%d bounds for %d buckets", len(st.ps), len(st.pb))
		}
		for i, b := range st.pb {
			want := emptySum
			for j := range b {
				want.add(&b[j])
			}
			if st.ps[i] != want {
				t.Fatalf("bucket %d: bounds %+v, want %+v", i, st.ps[i], want)
			}
		}
		w.postings = w.postings[:0]
		for _, p := range cur {
			w.postings = append(w.postings, p)
		}
		fresh := mustIndex(t, w)
		now := drawDate(t, "now")
		for _, s := range w.seekers {
			a, b := mustPage(t, ix, s, now, 10, nil), mustPage(t, fresh, s, now, 10, nil)
			if fmt.Sprint(a) != fmt.Sprint(b) {
				t.Fatalf("page after updates %v, afresh %v", a, b)
			}
		}
	})
}
