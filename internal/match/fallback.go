package match

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"easyjob/internal/occupation"
)

// Kind tells a direct match from a fallback on a page of recommendations.
type Kind uint8

const (
	// KindMatch is a posting that fits one of the seeker's trades (the
	// zero value: Recommend only returns these).
	KindMatch Kind = iota
	// KindAlso is a fallback, "you could also do": a posting outside the
	// middle groups of the seeker's trades that such a worker can take up.
	KindAlso
)

func (k Kind) String() string {
	switch k {
	case KindMatch:
		return "match"
	case KindAlso:
		return "also"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Message keys of the reasons of fallbacks; they come first in the Reasons
// of a KindAlso item, in this order, and the trade reason is left out.
const (
	ReasonAlsoRelated = "reason.also_related" // occupation, trade: a group related to the seeker's trade
	ReasonAlsoEntry   = "reason.also_entry"   // occupation: no experience needed, learnt on the job
	ReasonAlsoCounty  = "reason.also_county"  // n: people from the seeker's county at this employer
)

// AlsoVillagersMin is the number of people from a seeker's home county an
// employer must have taken on (arrived or onboarded) for its postings to be
// fallbacks of that seeker on that ground alone.
const AlsoVillagersMin = 3

// fallback grounds of a posting (a bit set)
const (
	alsoRelated = 1 << 0
	alsoEntry   = 1 << 1
	alsoCounty  = 1 << 2
)

// alsoTrade is T of a fallback's score by its grounds: 0.2 for a related
// group, 0.2 for entry-level work; the county ground counts through H.
func alsoTrade(kinds uint8) float64 {
	return 0.2 * float64(bits.OnesCount8(kinds&(alsoRelated|alsoEntry)))
}

// Page is a seeker's page of recommendations: the direct matches, best
// first, then the fallbacks (KindAlso), best first; Empty says why when
// there are none.
type Page struct {
	Items  []Recommendation
	Direct int   // the first Direct items are KindMatch, the rest KindAlso
	Empty  Empty // Cause is NotEmpty unless Items is empty
}

// EmptyCause is why a page of recommendations is empty.
type EmptyCause uint8

const (
	NotEmpty        EmptyCause = iota // the page has items (or the limit was 0)
	EmptyNoOpen                       // no posting is open with places left
	EmptyNoTrade                      // none open in the seeker's trades or in work they could also do
	EmptyAge                          // the seeker's age is outside the limits of every one that could fit
	EmptyAgeUnknown                   // as EmptyAge, with the age not recorded
	EmptyAvailable                    // every one that could fit starts before the seeker is available
	EmptyPay                          // every fallback that could fit pays below the expected pay
	EmptyApplied                      // the seeker has applied to every one that fits (the except list)
	EmptyCombined                     // none fits, and no single change would make one fit
)

var emptyNames = [...]string{"not_empty", "no_open", "no_trade", "age", "age_unknown", "available", "pay", "applied", "combined"}

func (c EmptyCause) String() string {
	if int(c) < len(emptyNames) {
		return emptyNames[c]
	}
	return fmt.Sprintf("EmptyCause(%d)", uint8(c))
}

// Message keys of empty pages, one per cause, with their arguments.
const (
	EmptyKeyNoOpen     = "empty.no_open"     //
	EmptyKeyNoTrade    = "empty.no_trade"    //
	EmptyKeyAge        = "empty.age"         // age, n
	EmptyKeyAgeUnknown = "empty.age_unknown" // n
	EmptyKeyAvailable  = "empty.available"   // available, date ("2006-01-02"), n: start by date and some would show
	EmptyKeyPay        = "empty.pay"         // expected, pay, n: expect pay and some would show
	EmptyKeyApplied    = "empty.applied"     // n
	EmptyKeyCombined   = "empty.combined"    // age, available, pay (bools: this rule keeps some out)
)

// Empty explains an empty page in the seeker's words: Reason says why and,
// in its arguments, what would change it. An argument n counts the postings
// that the change alone would show, up to 20 (the diagnosis stops there).
type Empty struct {
	Cause  EmptyCause
	Reason Reason
}

// RecommendPage returns seeker s's page of up to limit recommendations at
// date now: Recommend's direct matches first, unchanged, and when they are
// fewer than limit, fallbacks after them; postings in except are left out
// (say, those applied to). See the package comment, "Fallbacks".
func (ix *Index) RecommendPage(s Seeker, now Date, limit int, except []int64) (Page, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := ix.st
	r, err := st.compactSeeker(&s, false)
	if err != nil {
		return Page{}, err
	}
	return st.page(&r, s.Trades, now, limit, except), nil
}

// RecommendPageByID is RecommendPage for a seeker held in the index. It
// returns an error wrapping ErrNotFound for an unknown ID.
func (ix *Index) RecommendPageByID(seekerID int64, now Date, limit int, except []int64) (Page, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := ix.st
	slot, ok := st.seekers[seekerID]
	if !ok {
		return Page{}, fmt.Errorf("seeker %d: %w", seekerID, ErrNotFound)
	}
	r := &st.srecs[slot]
	var buf [MaxTrades]string
	return st.page(r, st.tradeNames(r, &buf), now, limit, except), nil
}

func (st *state) tradeNames(r *srec, buf *[MaxTrades]string) []string {
	trades := buf[:r.ntr]
	for k := range trades {
		trades[k] = st.codes.codes[r.trades[k]]
	}
	return trades
}

func (st *state) page(r *srec, trades []string, now Date, limit int, except []int64) Page {
	if limit <= 0 {
		return Page{}
	}
	sc := getScratch()
	defer putScratch(sc)
	sc.setExcept(except)
	h := st.scanPostings(r, trades, now, limit, nil, sc)
	q := newSeekerQ(&st.pol, r, now)
	var out []Recommendation
	if len(h) > 0 {
		out = make([]Recommendation, len(h), limit)
		for i := range h {
			x := &h[i]
			vil := st.villagersAt(x.e.employer, r.county)
			out[i] = Recommendation{PostingID: x.id, Score: x.score,
				Reasons: q.explain(&st.pol, x.e, x.close, st.codes.codes[st.postings[x.id].code], vil)}
		}
	}
	pg := Page{Direct: len(out)}
	if len(out) < limit {
		ha := st.scanAlso(&q, trades, limit-len(out), sc)
		if len(ha) > 0 && out == nil {
			out = make([]Recommendation, 0, len(ha))
		}
		for i := range ha {
			x := &ha[i]
			var vil int32
			if x.close&alsoCounty != 0 {
				vil = st.villagersAt(x.e.employer, r.county)
			}
			var trade string
			if x.close&alsoRelated != 0 {
				trade = trades[x.code]
			}
			out = append(out, Recommendation{PostingID: x.id, Score: x.score, Kind: KindAlso,
				Reasons: q.explainAlso(&st.pol, x.e, x.close, st.codes.codes[st.postings[x.id].code], trade, vil)})
		}
	}
	pg.Items = out
	if len(out) == 0 {
		pg.Empty = st.diagnose(&q, trades, sc)
	}
	return pg
}

// alsoCode is an occupation bucket to scan for fallbacks with its grounds
// (alsoRelated, alsoEntry; none: only postings of employers with at least
// AlsoVillagersMin fellow villagers) and, for a related group, the index of
// the seeker's trade it is related to.
type alsoCode struct {
	code  codeID
	kinds uint8
	trade uint8
}

// ownMiddle reports whether code is in the middle group of one of trades.
func ownMiddle(code string, trades []string) bool {
	for _, t := range trades {
		if validCode(t) && t[:4] == code[:4] {
			return true
		}
	}
	return false
}

// alsoBuckets lists the buckets outside the middle groups of trades, those
// with grounds (the most grounds first) before those without, which are
// listed only if withCounty.
func (st *state) alsoBuckets(trades []string, withCounty bool, sc *scratch) []alsoCode {
	rels := sc.trel[:0]
	for _, t := range trades {
		var rel []string
		if id, ok := st.codes.ids[t]; ok {
			rel = st.codes.rel[id]
		} else if validCode(t) {
			rel = occupation.RelatedGroups(t)
		}
		rels = append(rels, rel)
	}
	sc.trel = rels
	list := sc.alist[:0]
	for c, code := range st.codes.codes {
		if ownMiddle(code, trades) {
			continue
		}
		ac := alsoCode{code: codeID(c)}
		if st.codes.entry[c] {
			ac.kinds |= alsoEntry
		}
	rel:
		for k, rel := range rels {
			for _, g := range rel {
				if strings.HasPrefix(code, g) {
					ac.kinds |= alsoRelated
					ac.trade = uint8(min(k, 255))
					break rel
				}
			}
		}
		if ac.kinds != 0 || withCounty {
			list = append(list, ac)
		}
	}
	slices.SortStableFunc(list, func(a, b alsoCode) int {
		return cmp.Compare(bits.OnesCount8(b.kinds), bits.OnesCount8(a.kinds))
	})
	sc.alist = list
	return list
}

// fillVillagers sets evil (fellow villagers by employer) for the seeker's
// county and returns the largest count; clearVillagers undoes it.
func (st *state) fillVillagers(county uint16, sc *scratch) ([]int32, int32) {
	ne := len(st.employerIDs)
	if cap(sc.evil) < ne {
		sc.evil = make([]int32, ne)
	}
	evil := sc.evil[:ne]
	var vmax int32
	if county != 0 {
		for _, v := range st.villByCounty[county] {
			evil[v.key] = v.n
			vmax = max(vmax, v.n)
		}
	}
	return evil, vmax
}

func (st *state) clearVillagers(county uint16, evil []int32) {
	if county != 0 {
		for _, v := range st.villByCounty[county] {
			evil[v.key] = 0
		}
	}
}

// alsoFits applies a fallback's hard filters: the seeker-side filters of a
// match and the pay floor (at least the expected pay).
func (q *seekerQ) alsoFits(e *pentry) bool {
	return q.fits(e) && e.pay >= q.pay
}

// alsoMayFit reports whether a posting within bounds b may pass alsoFits.
func (q *seekerQ) alsoMayFit(b *bsum) bool {
	return int64(b.closing) >= q.now && b.start >= q.avail && q.age >= b.ageMin && q.age <= b.ageMax && b.pay >= q.pay
}

// scanAlso returns the best limit fallbacks, best first, in sc.hp, with
// their grounds in close and the trade index in code. It scans as
// scanPostings does, with T replaced by alsoTrade.
func (st *state) scanAlso(q *seekerQ, trades []string, limit int, sc *scratch) []hitP {
	evil, vmax := st.fillVillagers(q.county, sc)
	defer st.clearVillagers(q.county, evil)
	list := st.alsoBuckets(trades, vmax >= AlsoVillagersMin, sc)
	h := sc.hp[:0]
	if cap(h) < limit && limit <= 4096 {
		h = make([]hitP, 0, limit)
	}
	hmax := villagersFactor(vmax)
	for band := 0; band < congBands; band++ {
		upper := congUpper[band]
		for _, ac := range list {
			tt := float64(q.w.Trade * alsoTrade(ac.kinds))
			for f := uint8(0); f < 8; f++ {
				i := pbIndex(ac.code, uint8(band*8)+f)
				if i >= len(st.pb) || len(st.pb[i]) == 0 || !q.alsoMayFit(&st.ps[i]) {
					continue
				}
				top := float64(q.maxBase(tt, f, hmax) * q.mult)
				if len(h) == limit && float64(top*upper) < h[0].score {
					continue
				}
				b := st.pb[i]
				for j := range b {
					e := &b[j]
					if len(h) == limit && float64(top*e.cong) < h[0].score {
						continue
					}
					vil := evil[e.employer]
					kinds := ac.kinds
					if vil >= AlsoVillagersMin {
						kinds |= alsoCounty
					}
					if kinds == 0 || !q.alsoFits(e) {
						continue
					}
					score := q.final(q.base0(tt, e), vil, e)
					if len(h) == limit && score < h[0].score || sc.excepted(e.id) {
						continue
					}
					h = push(h, hitP{score: score, id: e.id, e: e, code: codeID(ac.trade), close: kinds}, limit)
				}
			}
		}
	}
	slices.SortFunc(h, func(a, b hitP) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	sc.hp = h
	return h
}

// explainAlso lists the reasons of a fallback: its grounds first, then the
// factors of its score as for a match, without the trade (and without the
// villagers when they are a ground).
func (q *seekerQ) explainAlso(pol *Policy, e *pentry, kinds uint8, occ, trade string, vil int32) []Reason {
	rs := make([]reasonC, 0, 10)
	if kinds&alsoRelated != 0 {
		rs = append(rs, reasonC{Reason{ReasonAlsoRelated, map[string]any{"occupation": occ, "trade": trade}}, 0, -1})
	}
	if kinds&alsoEntry != 0 {
		rs = append(rs, reasonC{Reason{ReasonAlsoEntry, map[string]any{"occupation": occ}}, 0, -1})
	}
	if kinds&alsoCounty != 0 {
		rs = append(rs, reasonC{Reason{ReasonAlsoCounty, map[string]any{"n": int(vil)}}, 0, -1})
		vil = 0
	}
	return sortReasons(q.factorReasons(rs, pol, e, vil))
}

// Hard rules an empty page's diagnosis counts, as bits.
const (
	ruleAge = 1 << iota
	ruleAvail
	rulePay
	ruleApplied
	nRules = 4
)

// diagnoseEnough is the count of postings kept out by one rule alone at
// which diagnose stops looking: that rule is reason enough.
const diagnoseEnough = 20

// diagnose explains an empty page. It looks at the open postings the
// seeker could have been shown (the buckets of the seeker's middle groups
// and those of fallbacks) and counts, per hard rule, those that only that
// rule keeps out, until one rule reaches diagnoseEnough; the rule that
// keeps out the most is the cause, and the arguments say what change would
// show them.
func (st *state) diagnose(q *seekerQ, trades []string, sc *scratch) Empty {
	evil, vmax := st.fillVillagers(q.county, sc)
	defer st.clearVillagers(q.county, evil)
	var only, anyFail [nRules]int
	var maxStart, maxPay int32
	reach := 0
	done := false
	visit := func(e *pentry, also bool) {
		if int64(e.closing) < q.now {
			return
		}
		reach++
		var fail uint8
		if q.age < e.ageMin || q.age > e.ageMax {
			fail |= ruleAge
		}
		if e.start < q.avail {
			fail |= ruleAvail
		}
		if also && e.pay < q.pay {
			fail |= rulePay
		}
		if sc.excepted(e.id) {
			fail |= ruleApplied
		}
		for k := range nRules {
			if fail&(1<<k) != 0 {
				anyFail[k]++
			}
		}
		if bits.OnesCount8(fail) == 1 {
			k := bits.TrailingZeros8(fail)
			if only[k]++; only[k] >= diagnoseEnough {
				done = true
			}
			switch fail {
			case ruleAvail:
				maxStart = max(maxStart, e.start)
			case rulePay:
				maxPay = max(maxPay, e.pay)
			}
		}
	}
	for _, cc := range st.tradeBuckets(trades, sc) {
		for g := uint8(0); g < deadGroup && !done; g++ {
			if i := pbIndex(cc.code, g); i < len(st.pb) {
				for j := range st.pb[i] {
					visit(&st.pb[i][j], false)
				}
			}
		}
	}
	for _, ac := range st.alsoBuckets(trades, vmax >= AlsoVillagersMin, sc) {
		for g := uint8(0); g < deadGroup && !done; g++ {
			if i := pbIndex(ac.code, g); i < len(st.pb) {
				for j := range st.pb[i] {
					e := &st.pb[i][j]
					if ac.kinds != 0 || evil[e.employer] >= AlsoVillagersMin {
						visit(e, true)
					}
				}
			}
		}
	}
	if reach == 0 {
		if st.anyOpen(q.now) {
			return Empty{EmptyNoTrade, Reason{EmptyKeyNoTrade, nil}}
		}
		return Empty{EmptyNoOpen, Reason{EmptyKeyNoOpen, nil}}
	}
	best := -1
	for k := range nRules {
		if only[k] > 0 && (best < 0 || only[k] > only[best]) {
			best = k
		}
	}
	switch best {
	case -1:
		return Empty{EmptyCombined, Reason{EmptyKeyCombined, map[string]any{
			"age": anyFail[0] > 0, "available": anyFail[1] > 0, "pay": anyFail[2] > 0}}}
	case 0:
		if q.age == 0 {
			return Empty{EmptyAgeUnknown, Reason{EmptyKeyAgeUnknown, map[string]any{"n": only[0]}}}
		}
		return Empty{EmptyAge, Reason{EmptyKeyAge, map[string]any{"age": int(q.age), "n": only[0]}}}
	case 1:
		return Empty{EmptyAvailable, Reason{EmptyKeyAvailable, map[string]any{
			"available": Date(q.avail).String(), "date": Date(maxStart).String(), "n": only[1]}}}
	case 2:
		return Empty{EmptyPay, Reason{EmptyKeyPay, map[string]any{"expected": int(q.pay), "pay": int(maxPay), "n": only[2]}}}
	}
	return Empty{EmptyApplied, Reason{EmptyKeyApplied, map[string]any{"n": only[3]}}}
}

// anyOpen reports whether any posting is open with places left at date now.
func (st *state) anyOpen(now int64) bool {
	for i, b := range st.pb {
		if uint8(i%nPGroups) == deadGroup {
			continue
		}
		for j := range b {
			if int64(b[j].closing) >= now {
				return true
			}
		}
	}
	return false
}

// CountyShort is, for one home county, how many active seekers the index
// holds and how many of them would find fewer than the asked number of
// items on their page of recommendations (RecommendPage: matches and
// fallbacks together, nothing left out).
type CountyShort struct {
	County  string
	Seekers int
	Short   int
}

// countChunk is the number of seekers counted under one hold of the read
// lock, so that writers wait microseconds, not the whole count.
const countChunk = 1024

// CountShort counts, per home county, the active seekers whose page of
// recommendations at date now would hold fewer than n items; counties, if
// not nil, limits the count to those county codes. Each seeker's postings
// are counted only until n are found, without scoring, so a million
// seekers take about a second on one core. Counties come sorted by code;
// those without active seekers are left out.
//
// The index may change while the count runs (it takes the read lock for
// a few hundred seekers at a time): a seeker changed meanwhile is counted
// as it was or as it is.
func (ix *Index) CountShort(now Date, n int, counties []string) []CountyShort {
	for attempt := 0; ; attempt++ {
		// A Bulk rebuild or a new policy swaps the state; start again,
		// and after two restarts count under one hold of the lock.
		if res, ok := ix.countShort(now, n, counties, attempt >= 2); ok {
			return res
		}
	}
}

type tradeKey struct {
	t [MaxTrades]codeID
	n uint8
}

func (ix *Index) countShort(now Date, n int, counties []string, hold bool) ([]CountyShort, bool) {
	ix.mu.RLock()
	if hold {
		defer ix.mu.RUnlock()
	}
	st := ix.st
	var want map[uint16]bool
	if counties != nil {
		want = make(map[uint16]bool, len(counties))
		for _, c := range counties {
			if id, ok := st.counties[c]; ok {
				want[id] = true
			}
		}
	}
	slots := map[uint16][]int32{}
	for slot := range st.srecs {
		r := &st.srecs[slot]
		if r.flags&sfUsed == 0 || r.flags&sfActive == 0 || want != nil && !want[r.county] {
			continue
		}
		slots[r.county] = append(slots[r.county], int32(slot))
	}
	ids := make([]uint16, 0, len(slots))
	for c := range slots {
		ids = append(ids, c)
	}
	names := st.countyNames
	slices.SortFunc(ids, func(a, b uint16) int { return strings.Compare(names[a], names[b]) })
	if !hold {
		ix.mu.RUnlock()
	}

	sc := getScratch()
	defer putScratch(sc)
	cache := map[tradeKey][]alsoCode{}
	out := make([]CountyShort, 0, len(ids))
	for _, c := range ids {
		res := CountyShort{County: names[c]}
		list := slots[c]
		for len(list) > 0 {
			chunk := list[:min(len(list), countChunk)]
			list = list[len(chunk):]
			if !hold {
				ix.mu.RLock()
				if ix.st != st {
					ix.mu.RUnlock()
					return nil, false
				}
			}
			evil, vmax := st.fillVillagers(c, sc)
			for _, slot := range chunk {
				r := &st.srecs[slot]
				if r.flags&sfUsed == 0 || r.flags&sfActive == 0 || r.county != c {
					continue // changed since the slots were listed
				}
				res.Seekers++
				if st.countUpTo(r, now, n, evil, vmax >= AlsoVillagersMin, cache, sc) < n {
					res.Short++
				}
			}
			st.clearVillagers(c, evil)
			if !hold {
				ix.mu.RUnlock()
			}
		}
		if res.Seekers > 0 {
			out = append(out, res)
		}
	}
	return out, true
}

// countUpTo counts the postings seeker r's page at date now would hold,
// stopping at n: the fitting postings of the middle groups of r's trades,
// then the fallbacks. evil holds r's fellow villagers by employer; county
// tells whether any employer has AlsoVillagersMin of them. cache keeps the
// fallback buckets by trades.
func (st *state) countUpTo(r *srec, now Date, n int, evil []int32, county bool, cache map[tradeKey][]alsoCode, sc *scratch) int {
	if n <= 0 {
		return 0
	}
	nowD, avail, age, pay := int64(now), r.avail, r.age, r.pay
	fits := func(e *pentry) bool {
		return int64(e.closing) >= nowD && e.start >= avail && age >= e.ageMin && age <= e.ageMax
	}
	mayFit := func(b *bsum) bool {
		return int64(b.closing) >= nowD && b.start >= avail && age >= b.ageMin && age <= b.ageMax
	}
	cnt := 0
	var mids [MaxTrades]uint16
	nm := 0
	for k := uint8(0); k < r.ntr; k++ {
		m := st.codes.middle[r.trades[k]]
		if slices.Contains(mids[:nm], m) {
			continue
		}
		mids[nm] = m
		nm++
		for _, c := range st.codes.byMiddle[m] {
			for g := uint8(0); g < deadGroup; g++ {
				i := pbIndex(c, g)
				if i >= len(st.pb) {
					break
				}
				if !mayFit(&st.ps[i]) {
					continue
				}
				for j := range st.pb[i] {
					if fits(&st.pb[i][j]) {
						if cnt++; cnt >= n {
							return cnt
						}
					}
				}
			}
		}
	}
	key := tradeKey{t: r.trades, n: r.ntr}
	also, ok := cache[key]
	if !ok {
		var buf [MaxTrades]string
		also = st.alsoBuckets(st.tradeNames(r, &buf), true, sc)
		if len(cache) < 1<<12 {
			also = slices.Clone(also)
			cache[key] = also
		}
	}
	for _, ac := range also {
		if ac.kinds == 0 && !county {
			continue
		}
		for g := uint8(0); g < deadGroup; g++ {
			i := pbIndex(ac.code, g)
			if i >= len(st.pb) {
				break
			}
			if !mayFit(&st.ps[i]) || st.ps[i].pay < pay {
				continue
			}
			for j := range st.pb[i] {
				e := &st.pb[i][j]
				if fits(e) && e.pay >= pay && (ac.kinds != 0 || evil[e.employer] >= AlsoVillagersMin) {
					if cnt++; cnt >= n {
						return cnt
					}
				}
			}
		}
	}
	return cnt
}
