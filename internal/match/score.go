package match

import (
	"math"
	"sort"
)

// Scores are computed with every product wrapped in an explicit float64
// conversion: the Go spec then forbids fusing it with an addition (FMA), so
// the same inputs give bit-identical scores on every GOAMD64 level and in
// every inlining context, and the bounds used to skip postings and seekers,
// written with the same operations in the same order, are exact upper
// bounds (rounding is monotone).

// seekerQ is a seeker prepared for scoring postings (Recommend).
type seekerQ struct {
	w      Weights
	now    int64
	ref    int64 // max(now, avail): the first day the seeker could start
	avail  int32
	pay    int32
	invExp float64
	age    uint8
	county uint16
	flags  uint8
	mult   float64
	dm     [4]float64 // D by posting flags&3 (dorm, meals)
}

func priority(pol *Policy, poor, twinned bool) float64 {
	m := 1.0
	if poor {
		m += pol.PoorWeight
	}
	if twinned {
		m += pol.TwinnedWeight
	}
	return m
}

func villagersFactor(n int32) float64 {
	if n > 5 {
		n = 5
	}
	if n < 0 {
		n = 0
	}
	return float64(n) * 0.2
}

func newSeekerQ(pol *Policy, r *srec, now Date) seekerQ {
	q := seekerQ{
		w:      pol.Weights,
		now:    int64(now),
		avail:  r.avail,
		pay:    r.pay,
		age:    r.age,
		county: r.county,
		flags:  r.flags,
		mult:   priority(pol, r.flags&sfPoor != 0, r.flags&sfTwinned != 0),
	}
	q.ref = max(q.now, int64(r.avail))
	if r.pay > 0 {
		q.invExp = 1 / float64(r.pay)
	}
	for f := range q.dm {
		d := 0.0
		if r.flags&sfDorm != 0 && f&pfDorm != 0 {
			d += 0.5
		}
		if r.flags&sfMeals != 0 && f&pfMeals != 0 {
			d += 0.5
		}
		q.dm[f] = d
	}
	return q
}

// fits applies the posting-side hard filters other than the trade.
func (q *seekerQ) fits(e *pentry) bool {
	return e.flags&pfLive != 0 && int64(e.closing) >= q.now && e.start >= q.avail &&
		q.age >= e.ageMin && q.age <= e.ageMax
}

func (q *seekerQ) payFactor(pay int32) float64 {
	if q.pay <= 0 {
		return 1
	}
	x := 0.5 + float64(float64(pay-q.pay)*q.invExp)
	if x < 0 {
		return 0
	}
	if x > 1 {
		return 1
	}
	return x
}

func (q *seekerQ) ageDays(e *pentry) int64 {
	return max(0, q.now-int64(e.published))
}

func (q *seekerQ) wait(e *pentry) int64 {
	return max(0, int64(e.start)-q.ref)
}

func freshFactor(age int64) float64 {
	return max(0, 1-float64(float64(age)*(1.0/30)))
}

func startFactor(wait int64) float64 {
	return max(0, 1-float64(float64(wait)*(1.0/60)))
}

// base0 is the score's sum without the villagers term; tt = Wt·T.
func (q *seekerQ) base0(tt float64, e *pentry) float64 {
	v := 0.0
	if e.flags&pfVerified != 0 {
		v = 1
	}
	return tt + float64(q.w.Pay*q.payFactor(e.pay)) + float64(q.w.DormMeals*q.dm[e.flags&3]) + float64(q.w.Verified*v) +
		float64(q.w.Fresh*freshFactor(q.ageDays(e))) + float64(q.w.Start*startFactor(q.wait(e)))
}

// maxBase is the largest base0 + Wh·H can be for a posting with flags f
// (verified, dorm, meals) in a bucket with Wt·T = tt when no employer has
// more of the seeker's fellow villagers than hmax stands for. It sums in
// the same order as base0 and final, so that rounding keeps it an upper
// bound.
func (q *seekerQ) maxBase(tt float64, f uint8, hmax float64) float64 {
	v := 0.0
	if f&pfVerified != 0 {
		v = 1
	}
	return tt + float64(q.w.Pay*1) + float64(q.w.DormMeals*q.dm[f&3]) + float64(q.w.Verified*v) +
		float64(q.w.Fresh*1) + float64(q.w.Start*1) + float64(q.w.Villagers*hmax)
}

// final combines base0 and villagers into the score.
func (q *seekerQ) final(b0 float64, vil int32, e *pentry) float64 {
	return (b0 + float64(q.w.Villagers*villagersFactor(vil))) * q.mult * e.cong
}

type reasonC struct {
	r     Reason
	c     float64
	group int // 0 positive, 1 policy, 2 negative
}

func sortReasons(rs []reasonC) []Reason {
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].group != rs[j].group {
			return rs[i].group < rs[j].group
		}
		return rs[i].c > rs[j].c
	})
	out := make([]Reason, len(rs))
	for i := range rs {
		out[i] = rs[i].r
	}
	return out
}

func tradeReason(w float64, closeness uint8, code string) reasonC {
	c := w * tradeValue[closeness]
	switch closeness {
	case closeSame:
		return reasonC{Reason{ReasonTradeSame, map[string]any{"occupation": code}}, c, 0}
	case closeMinor:
		return reasonC{Reason{ReasonTradeRelated, map[string]any{"occupation": code, "level": "minor"}}, c, 0}
	}
	return reasonC{Reason{ReasonTradeRelated, map[string]any{"occupation": code, "level": "middle"}}, c, 0}
}

func amenityReasons(wd float64, wantsDorm, wantsMeals, dorm, meals bool) []reasonC {
	var rs []reasonC
	gotD, gotM := wantsDorm && dorm, wantsMeals && meals
	switch {
	case gotD && gotM:
		rs = append(rs, reasonC{Reason{ReasonDormMeals, nil}, wd, 0})
	case gotD:
		rs = append(rs, reasonC{Reason{ReasonDorm, nil}, wd / 2, 0})
	case gotM:
		rs = append(rs, reasonC{Reason{ReasonMeals, nil}, wd / 2, 0})
	}
	lackD, lackM := wantsDorm && !dorm, wantsMeals && !meals
	if lackD || lackM {
		rs = append(rs, reasonC{Reason{ReasonAmenityLacks, map[string]any{"dorm": lackD, "meals": lackM}}, 0, 2})
	}
	return rs
}

func policyReasons(pol *Policy, flags uint8) []reasonC {
	var rs []reasonC
	if flags&sfPoor != 0 && pol.PoorWeight > 0 {
		rs = append(rs, reasonC{Reason{ReasonPolicyPoor, nil}, pol.PoorWeight, 1})
	}
	if flags&sfTwinned != 0 && pol.TwinnedWeight > 0 {
		rs = append(rs, reasonC{Reason{ReasonPolicyTwinned, nil}, pol.TwinnedWeight, 1})
	}
	return rs
}

// explain lists the reasons of a recommendation.
func (q *seekerQ) explain(pol *Policy, e *pentry, closeness uint8, code string, vil int32) []Reason {
	rs := make([]reasonC, 0, 8)
	rs = append(rs, tradeReason(q.w.Trade, closeness, code))
	return sortReasons(q.factorReasons(rs, pol, e, vil))
}

// factorReasons appends the reasons of every factor but the trade: pay,
// dorm and meals, villagers (when vil > 0), verified, start, freshness,
// the policy priorities and congestion.
func (q *seekerQ) factorReasons(rs []reasonC, pol *Policy, e *pentry, vil int32) []reasonC {
	w := &q.w
	pf := q.payFactor(e.pay)
	switch {
	case q.pay <= 0:
		rs = append(rs, reasonC{Reason{ReasonPay, map[string]any{"pay": int(e.pay)}}, w.Pay * pf, 0})
	case e.pay > q.pay:
		rs = append(rs, reasonC{Reason{ReasonPayAbove, map[string]any{"pay": int(e.pay), "expected": int(q.pay)}}, w.Pay * pf, 0})
	case e.pay == q.pay:
		rs = append(rs, reasonC{Reason{ReasonPayMeets, map[string]any{"pay": int(e.pay), "expected": int(q.pay)}}, w.Pay * pf, 0})
	default:
		rs = append(rs, reasonC{Reason{ReasonPayBelow, map[string]any{"pay": int(e.pay), "expected": int(q.pay)}}, 0, 2})
	}
	rs = append(rs, amenityReasons(w.DormMeals, q.flags&sfDorm != 0, q.flags&sfMeals != 0, e.flags&pfDorm != 0, e.flags&pfMeals != 0)...)
	if vil > 0 {
		rs = append(rs, reasonC{Reason{ReasonVillagers, map[string]any{"n": int(vil)}}, w.Villagers * villagersFactor(vil), 0})
	}
	if e.flags&pfVerified != 0 {
		rs = append(rs, reasonC{Reason{ReasonVerified, nil}, w.Verified, 0})
	}
	if wait := q.wait(e); wait <= 30 {
		// Counted from the first day the seeker can start: from today, or,
		// when that day is later, from it — and then the words say so.
		key := ReasonStartsIn
		if q.ref > q.now {
			key = ReasonStartsAfterAvailable
		}
		rs = append(rs, reasonC{Reason{key, map[string]any{"days": int(wait)}}, w.Start * startFactor(wait), 0})
	}
	if age := q.ageDays(e); age <= 7 {
		rs = append(rs, reasonC{Reason{ReasonFresh, map[string]any{"days": int(age)}}, w.Fresh * freshFactor(age), 0})
	}
	rs = append(rs, policyReasons(pol, q.flags)...)
	if pol.CongestionAlpha > 0 && e.pending >= e.remaining && e.remaining > 0 {
		rs = append(rs, reasonC{Reason{ReasonCrowded, map[string]any{"pending": int(e.pending), "remaining": int(e.remaining)}}, 0, 2})
	}
	return rs
}

// postingQ is a posting prepared for scoring seekers (Candidates).
type postingQ struct {
	w      Weights
	pay    int32
	start  int32
	ageMin uint8
	ageMax uint8
	df     [4]float64 // Df by seeker flags&3 (wants dorm, wants meals)
	dfTerm [4]float64 // Wd·Df
	mult   [4]float64 // M by (seeker flags>>2)&3 (poor, twinned)
}

func newPostingQ(pol *Policy, e *pentry) postingQ {
	q := postingQ{w: pol.Weights, pay: e.pay, start: e.start, ageMin: e.ageMin, ageMax: e.ageMax}
	for f := range q.df {
		d := 0.0
		if f&sfDorm == 0 || e.flags&pfDorm != 0 {
			d += 1
		}
		if f&sfMeals == 0 || e.flags&pfMeals != 0 {
			d += 1
		}
		q.df[f] = d / 2
		q.dfTerm[f] = float64(q.w.DormMeals * q.df[f])
	}
	for f := range q.mult {
		q.mult[f] = priority(pol, f&1 != 0, f&2 != 0)
	}
	return q
}

// fits applies the seeker-side hard filters other than the trade.
func (q *postingQ) fits(s *sentry) bool {
	return s.avail <= q.start && s.age >= q.ageMin && s.age <= q.ageMax
}

func (q *postingQ) payFit(expected int32) float64 {
	if expected <= q.pay {
		return 1
	}
	return max(0, 1-2*float64(expected-q.pay)/float64(expected))
}

func experienceFactor(years uint8) float64 {
	return float64(min(years, 10)) * 0.1
}

// Terms of the employer's score that Candidates computes once per query or
// per seeker bucket rather than once per seeker.
func (q *postingQ) hTerm(vil int32) float64    { return float64(q.w.Villagers * villagersFactor(vil)) }
func (q *postingQ) eTerm(exp uint8) float64    { return float64(q.w.Experience * experienceFactor(exp)) }
func (q *postingQ) multOf(flags uint8) float64 { return q.mult[(flags>>2)&3] }

// scoreParts is the employer's score from its parts; tt = Wt·T.
func (q *postingQ) scoreParts(tt, hTerm, eTerm, mult float64, pay int32, flags uint8) float64 {
	return (tt + float64(q.w.Pay*q.payFit(pay)) + q.dfTerm[flags&3] + hTerm + eTerm) * mult
}

// score of a seeker entry with vil fellow villagers at the employer.
func (q *postingQ) score(tt float64, s *sentry, vil int32) float64 {
	return q.scoreParts(tt, q.hTerm(vil), q.eTerm(s.exp), q.multOf(s.flags), s.pay, s.flags)
}

// bound is the highest score a seeker of priority class mclass and
// experience exp can reach in a bucket with Wt·T = tt when no county has
// more fellow villagers than hmax stands for. It uses the same operations
// as score in the same order, so that rounding keeps it an upper bound.
func (q *postingQ) bound(tt, hmax float64, mclass, exp uint8) float64 {
	return (tt + float64(q.w.Pay*1) + float64(q.w.DormMeals*1) + float64(q.w.Villagers*hmax) + q.eTerm(exp)) * q.mult[mclass]
}

func (q *postingQ) explain(pol *Policy, e *pentry, s *sentry, closeness uint8, code string, vil int32) []Reason {
	w := &q.w
	rs := make([]reasonC, 0, 8)
	rs = append(rs, tradeReason(w.Trade, closeness, code))
	if s.pay <= q.pay {
		rs = append(rs, reasonC{Reason{ReasonPayFits, map[string]any{"pay": int(q.pay), "expected": int(s.pay)}}, w.Pay, 0})
	} else {
		rs = append(rs, reasonC{Reason{ReasonPayShort, map[string]any{"pay": int(q.pay), "expected": int(s.pay)}}, 0, 2})
	}
	rs = append(rs, amenityReasons(w.DormMeals, s.flags&sfDorm != 0, s.flags&sfMeals != 0, e.flags&pfDorm != 0, e.flags&pfMeals != 0)...)
	if vil > 0 {
		rs = append(rs, reasonC{Reason{ReasonVillagers, map[string]any{"n": int(vil)}}, w.Villagers * villagersFactor(vil), 0})
	}
	if s.exp > 0 {
		rs = append(rs, reasonC{Reason{ReasonExperience, map[string]any{"years": int(s.exp)}}, w.Experience * experienceFactor(s.exp), 0})
	}
	rs = append(rs, policyReasons(pol, s.flags)...)
	return sortReasons(rs)
}

// pairState builds a one-posting, one-seeker state for the pure scoring
// functions.
// It also returns the closeness of the pair and the seeker's closest trade.
func pairState(s *Seeker, p *Posting, villagers int, pol Policy) (*state, *pentry, *srec, uint8, string, error) {
	pol, err := pol.normalize()
	if err != nil {
		return nil, nil, nil, 0, "", err
	}
	st := newState()
	st.pol = pol
	e, code, err := st.compactPosting(p)
	if err != nil {
		return nil, nil, nil, 0, "", err
	}
	r, err := st.compactSeeker(s, true)
	if err != nil {
		return nil, nil, nil, 0, "", err
	}
	close, bc := st.bestTrade(&r, code)
	best := st.codes.codes[bc]
	if villagers < 0 || villagers > math.MaxInt32 {
		villagers = 0
	}
	if villagers > 0 && s.County != "" {
		if err := st.setVillagers(p.EmployerID, s.County, villagers); err != nil {
			return nil, nil, nil, 0, "", err
		}
	}
	return st, &e, &r, close, best, nil
}

// ScoreForSeeker scores posting p for seeker s as Recommend does, given the
// number of s's fellow villagers at p's employer. ok is false when the pair
// fails a hard filter (then score is 0 and reasons nil); err reports
// malformed input.
func ScoreForSeeker(s Seeker, p Posting, villagers int, pol Policy, now Date) (score float64, reasons []Reason, ok bool, err error) {
	st, e, r, close, _, err := pairState(&s, &p, villagers, pol)
	if err != nil {
		return 0, nil, false, err
	}
	q := newSeekerQ(&st.pol, r, now)
	if close == closeNone || !q.fits(e) {
		return 0, nil, false, nil
	}
	vil := st.vill[villKey(e.employer, r.county)]
	if r.county == 0 {
		vil = 0
	}
	b0 := q.base0(float64(q.w.Trade*tradeValue[close]), e)
	return q.final(b0, vil, e), q.explain(&st.pol, e, close, p.Occupation, vil), true, nil
}

// ScoreForEmployer scores seeker s for posting p as Candidates does. ok is
// false when the pair fails a hard filter at date now.
func ScoreForEmployer(p Posting, s Seeker, villagers int, pol Policy, now Date) (score float64, reasons []Reason, ok bool, err error) {
	st, e, r, close, trade, err := pairState(&s, &p, villagers, pol)
	if err != nil {
		return 0, nil, false, err
	}
	sq := newSeekerQ(&st.pol, r, now)
	if close == closeNone || !sq.fits(e) || r.flags&sfActive == 0 {
		return 0, nil, false, nil
	}
	vil := st.vill[villKey(e.employer, r.county)]
	if r.county == 0 {
		vil = 0
	}
	q := newPostingQ(&st.pol, e)
	se := r.entry(0)
	return q.score(float64(q.w.Trade*tradeValue[close]), &se, vil), q.explain(&st.pol, e, &se, close, trade, vil), true, nil
}
