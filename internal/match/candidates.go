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
	e := &st.pb[loc.code][loc.pos]
	sc := getScratch()
	defer putScratch(sc)
	h := st.scanSeekers(e, loc.code, now, limit, nil, sc)
	if len(h) == 0 {
		return nil, nil
	}
	q := newPostingQ(&st.pol, e)
	out := make([]Candidate, len(h))
	for i := range h {
		x := &h[i]
		vil := st.villagersAt(e.employer, x.s.county)
		_, trade := st.bestTrade(&st.srecs[x.s.idx], loc.code)
		out[i] = Candidate{SeekerID: x.id, Score: x.score,
			Reasons: q.explain(&st.pol, e, x.s, x.close, st.codes.codes[trade], vil)}
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

// scanSeekers returns the best limit seekers for posting e (in bucket code),
// best first, in sc.hs. keep, if not nil, restricts the seekers considered
// (by slot).
func (st *state) scanSeekers(e *pentry, code codeID, now Date, limit int, keep []bool, sc *scratch) []hitS {
	h := sc.hs[:0]
	if e.flags&pfLive == 0 || int64(e.closing) < int64(now) {
		sc.hs = h
		return h
	}
	q := newPostingQ(&st.pol, e)
	// fellow villagers at this employer, by county
	nc := len(st.countyNames)
	if cap(sc.cvil) < nc {
		sc.cvil = make([]int32, nc)
	}
	cvil := sc.cvil[:nc]
	vl := st.villByEmp[e.employer]
	for _, v := range vl {
		cvil[v.county] = v.n
	}
	// seekers with several trades may sit in several buckets: count each once
	nw := (len(st.srecs) + 63) / 64
	if cap(sc.bits) < nw {
		sc.bits = make([]uint64, nw)
	}
	bits := sc.bits[:nw]
	if cap(h) < limit && limit <= 4096 {
		h = make([]hitS, 0, limit)
	}
	for _, cc := range st.relatedBuckets(code, sc) {
		if int(cc.code) >= len(st.sb) {
			continue
		}
		b := st.sb[cc.code]
		tt := q.w.Trade * tradeValue[cc.close]
		for i := range b {
			s := &b[i]
			if !q.fits(s) {
				continue
			}
			if keep != nil && !keep[s.idx] {
				continue
			}
			if s.flags&sfMulti != 0 {
				w, bit := s.idx>>6, uint64(1)<<(uint(s.idx)&63)
				if bits[w]&bit != 0 {
					continue
				}
				bits[w] |= bit
			}
			score := q.score(tt, s, cvil[s.county])
			if len(h) == limit && score < h[0].score {
				continue
			}
			h = pushS(h, hitS{score: score, id: st.srecs[s.idx].id, s: s, code: cc.code, close: cc.close}, limit)
		}
	}
	for _, v := range vl {
		cvil[v.county] = 0
	}
	clear(bits)
	slices.SortFunc(h, func(a, b hitS) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	sc.hs = h
	return h
}
