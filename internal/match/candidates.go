package match

import (
	"cmp"
	"fmt"
	"slices"
)

// Candidates returns up to limit active seekers for a posting at date now,
// best first (see the package comment for filters and score). A posting that
// is not open, is full or closed before now has no candidates. It returns an
// error wrapping ErrNotFound for an unknown posting.
func (ix *Index) Candidates(postingID int64, now Date, limit int) ([]Candidate, error) {
	return ix.CandidatesExcept(postingID, now, limit, nil)
}

// CandidatesExcept is Candidates leaving out the seekers in except (say,
// those who have already applied).
func (ix *Index) CandidatesExcept(postingID int64, now Date, limit int, except []int64) ([]Candidate, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := ix.st
	loc, ok := st.postings[postingID]
	if !ok {
		return nil, fmt.Errorf("posting %d: %w", postingID, ErrNotFound)
	}
	if limit <= 0 {
		return nil, nil
	}
	e := st.postingAt(loc)
	sc := getScratch()
	defer putScratch(sc)
	sc.setExcept(except)
	h := st.scanSeekers(e, loc.code, now, limit, sc)
	if len(h) == 0 {
		return nil, nil
	}
	q := newPostingQ(&st.pol, e)
	out := make([]Candidate, len(h))
	for i := range h {
		x := &h[i]
		vil := st.villagersAt(e.employer, x.e.county)
		_, trade := st.bestTrade(&st.srecs[st.seekers[x.id]], loc.code)
		out[i] = Candidate{SeekerID: x.id, Score: x.score,
			Reasons: q.explain(&st.pol, e, x.e, x.close, st.codes.codes[trade], vil)}
	}
	return out, nil
}

// bestTrade returns the closeness of the seeker's closest trade to code and
// that trade (the first listed among equals).
func (st *state) bestTrade(r *srec, code codeID) (uint8, codeID) {
	var close uint8
	var best codeID
	for k := uint8(0); k < r.ntr; k++ {
		if c := st.codes.closeness(r.trades[k], code); c > close {
			close, best = c, r.trades[k]
		}
	}
	return close, best
}

// relatedBuckets lists the buckets related to code, closest first.
func (st *state) relatedBuckets(code codeID, sc *scratch) []codeClose {
	list := append(sc.list[:0], codeClose{code: code, close: closeSame})
	mid := st.codes.middle[code]
	for _, c := range st.codes.byMiddle[mid] {
		if c != code && st.codes.minor[c] == st.codes.minor[code] {
			list = append(list, codeClose{code: c, close: closeMinor})
		}
	}
	for _, c := range st.codes.byMiddle[mid] {
		if st.codes.minor[c] != st.codes.minor[code] {
			list = append(list, codeClose{code: c, close: closeMiddle})
		}
	}
	sc.list = list
	return list
}

// seekerGroupRef is one (code, group) bucket to scan and its score bound.
type seekerGroupRef struct {
	bound float64
	tt    float64
	eTerm float64 // We·E of the bucket's experience level
	mult  float64 // M of the bucket's priority class
	sb    int32   // sbIndex
	code  codeID
	close uint8
}

// scanSeekers returns the best limit seekers for posting e (in bucket code),
// best first, in sc.hs, leaving out the seekers in sc.except.
//
// Buckets are split by the seeker-only factors (priority class and
// experience), so each (code, group) bucket has an upper bound on its
// scores. Buckets are scanned by descending bound and the scan stops at the
// first bucket whose bound is below the worst score kept.
func (st *state) scanSeekers(e *pentry, code codeID, now Date, limit int, sc *scratch) []hitS {
	h := sc.hs[:0]
	if e.flags&pfLive == 0 || int64(e.closing) < int64(now) {
		sc.hs = h
		return h
	}
	q := newPostingQ(&st.pol, e)
	// fellow villagers at this employer, by county
	nc := len(st.countyNames)
	if cap(sc.hterm) < nc {
		sc.hterm = make([]float64, nc)
	}
	hterm := sc.hterm[:nc] // Wh·H by county; zero where no villagers
	vl := st.villByEmp[e.employer]
	var vmax int32
	for _, v := range vl {
		hterm[v.key] = q.hTerm(v.n)
		vmax = max(vmax, v.n)
	}
	hmax := villagersFactor(vmax)
	// closeness of every code to the posting's
	ncodes := len(st.codes.codes)
	if cap(sc.mark) < ncodes {
		sc.mark = make([]uint8, ncodes)
	}
	cl := sc.mark[:ncodes]
	groups := sc.groups[:0]
	for _, cc := range st.relatedBuckets(code, sc) {
		cl[cc.code] = cc.close
		tt := float64(q.w.Trade * tradeValue[cc.close])
		for g := 0; g < nGroups; g++ {
			i := sbIndex(cc.code, g)
			if i >= len(st.sb) || len(st.sb[i]) == 0 {
				continue
			}
			mclass, exp := groupClass(g)
			groups = append(groups, seekerGroupRef{bound: q.bound(tt, hmax, mclass, exp), tt: tt,
				eTerm: q.eTerm(exp), mult: q.mult[mclass], sb: int32(i), code: cc.code, close: cc.close})
		}
	}
	slices.SortStableFunc(groups, func(a, b seekerGroupRef) int { return cmp.Compare(b.bound, a.bound) })
	if cap(h) < limit && limit <= 4096 {
		h = make([]hitS, 0, limit)
	}
	for gi := range groups {
		gr := &groups[gi]
		if len(h) == limit && gr.bound < h[0].score {
			break // every later bucket is bounded lower still
		}
		b := st.sb[gr.sb]
		tt, ck, eTerm, mult := gr.tt, gr.close, gr.eTerm, gr.mult
		for i := range b {
			s := &b[i]
			if !q.fits(s) {
				continue
			}
			if s.ntr > 1 && !s.countsHere(cl, ck) {
				continue
			}
			// = q.score(tt, s, villagers), with the per-bucket parts hoisted
			score := q.scoreParts(tt, hterm[s.county], eTerm, mult, s.pay, s.flags)
			if len(h) == limit && score < h[0].score {
				continue
			}
			id := s.id
			if sc.excepted(id) {
				continue
			}
			h = push(h, hitS{score: score, id: id, e: s, code: gr.code, close: ck}, limit)
		}
	}
	for _, v := range vl {
		hterm[v.key] = 0
	}
	for _, cc := range sc.list {
		cl[cc.code] = 0
	}
	sc.groups = groups
	slices.SortFunc(h, func(a, b hitS) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	sc.hs = h
	return h
}

// countsHere reports whether a seeker with several trades is to be scored
// through this entry: its trade is the closest to the posting's (cl gives
// closeness by code, ck is this entry's), the first listed among equals.
// Every seeker is so scored once, at its best closeness.
func (s *sentry) countsHere(cl []uint8, ck uint8) bool {
	for j := uint8(0); j < s.ntr; j++ {
		if j == s.k {
			continue
		}
		cj := cl[s.trades[j]]
		if cj > ck || (cj == ck && j < s.k) {
			return false
		}
	}
	return true
}
