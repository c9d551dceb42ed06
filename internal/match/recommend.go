package match

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
)

// codeClose is an occupation bucket to scan and its closeness to the query.
type codeClose struct {
	code  codeID
	close uint8
}

// hit is one scored entry in a bounded heap: a posting (hitP) or a
// seeker (hitS) with its closeness and, for seekers, the trade bucket.
type hit[E any] struct {
	score float64
	id    int64
	e     *E
	code  codeID
	close uint8
}

type (
	hitP = hit[pentry]
	hitS = hit[sentry]
)

// scratch holds per-query buffers, reused through a pool so that the hot
// path allocates nothing but its result.
type scratch struct {
	hp     []hitP
	hs     []hitS
	list   []codeClose
	mark   []uint8
	groups []seekerGroupRef
	except []int64 // sorted IDs to leave out of the results
	alist  []alsoCode
	trel   [][]string // related groups of each trade of a fallback query
	hterm  []float64  // Wh·H by county
	evil   []int32    // villagers by employer
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(s *scratch) {
	clear(s.hp[:cap(s.hp)])
	clear(s.hs[:cap(s.hs)])
	clear(s.trel[:cap(s.trel)])
	s.hp, s.hs, s.except, s.trel = s.hp[:0], s.hs[:0], s.except[:0], s.trel[:0]
	// do not keep what a huge limit or except list grew
	const keepMax = 1 << 12
	if cap(s.hp) > keepMax {
		s.hp = nil
	}
	if cap(s.hs) > keepMax {
		s.hs = nil
	}
	if cap(s.except) > keepMax {
		s.except = nil
	}
	scratchPool.Put(s)
}

// setExcept keeps a sorted copy of ids to leave out.
func (s *scratch) setExcept(ids []int64) {
	s.except = append(s.except[:0], ids...)
	slices.Sort(s.except)
}

func (s *scratch) excepted(id int64) bool {
	if len(s.except) == 0 {
		return false
	}
	_, found := slices.BinarySearch(s.except, id)
	return found
}

// worse orders hits worst first: lower score, then higher ID.
func worse[E any](a, b *hit[E]) bool {
	return a.score < b.score || (a.score == b.score && a.id > b.id)
}

// push adds x to the bounded min-heap h of capacity limit.
func push[E any](h []hit[E], x hit[E], limit int) []hit[E] {
	if len(h) < limit {
		h = append(h, x)
		i := len(h) - 1
		for i > 0 {
			p := (i - 1) / 2
			if !worse(&h[i], &h[p]) {
				break
			}
			h[i], h[p] = h[p], h[i]
			i = p
		}
		return h
	}
	if !worse(&h[0], &x) {
		return h
	}
	h[0] = x
	i, n := 0, len(h)
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && worse(&h[r], &h[l]) {
			m = r
		}
		if !worse(&h[m], &h[i]) {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	return h
}

// tradeBuckets lists the occupation buckets related to any of trades, each
// once with its best closeness.
func (st *state) tradeBuckets(trades []string, sc *scratch) []codeClose {
	n := len(st.codes.codes)
	if cap(sc.mark) < n {
		sc.mark = make([]uint8, n)
	}
	mark := sc.mark[:n]
	list := sc.list[:0]
	for _, t := range trades {
		if !validCode(t) {
			continue
		}
		mid, ok := st.codes.midIDs[t[:4]]
		if !ok {
			continue
		}
		mnr, hasMinor := st.codes.minorIDs[t[:7]]
		exact, hasExact := st.codes.ids[t]
		for _, c := range st.codes.byMiddle[mid] {
			cl := uint8(closeMiddle)
			if hasExact && c == exact {
				cl = closeSame
			} else if hasMinor && st.codes.minor[c] == mnr {
				cl = closeMinor
			}
			if mark[c] == 0 {
				list = append(list, codeClose{code: c})
			}
			mark[c] = max(mark[c], cl)
		}
	}
	for i := range list {
		list[i].close = mark[list[i].code]
		mark[list[i].code] = 0
	}
	sc.list = list
	return list
}

// Recommend returns up to limit postings for seeker s at date now, best
// first (see the package comment for filters and score). s need not be in
// the index. The error reports malformed input only.
func (ix *Index) Recommend(s Seeker, now Date, limit int) ([]Recommendation, error) {
	return ix.RecommendExcept(s, now, limit, nil)
}

// RecommendExcept is Recommend leaving out the postings in except (say,
// those the seeker has already applied to).
func (ix *Index) RecommendExcept(s Seeker, now Date, limit int, except []int64) ([]Recommendation, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := ix.st
	r, err := st.compactSeeker(&s, false)
	if err != nil {
		return nil, err
	}
	return st.recommend(&r, s.Trades, now, limit, except), nil
}

// RecommendByID is Recommend for a seeker held in the index. It returns an
// error wrapping ErrNotFound for an unknown ID.
func (ix *Index) RecommendByID(seekerID int64, now Date, limit int) ([]Recommendation, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	st := ix.st
	slot, ok := st.seekers[seekerID]
	if !ok {
		return nil, fmt.Errorf("seeker %d: %w", seekerID, ErrNotFound)
	}
	r := &st.srecs[slot]
	var buf [MaxTrades]string
	trades := buf[:r.ntr]
	for k := range trades {
		trades[k] = st.codes.codes[r.trades[k]]
	}
	return st.recommend(r, trades, now, limit, nil), nil
}

// recommend scans the seeker's buckets, leaving out the postings in except.
func (st *state) recommend(r *srec, trades []string, now Date, limit int, except []int64) []Recommendation {
	if limit <= 0 {
		return nil
	}
	sc := getScratch()
	defer putScratch(sc)
	sc.setExcept(except)
	h := st.scanPostings(r, trades, now, limit, nil, sc)
	if len(h) == 0 {
		return nil
	}
	q := newSeekerQ(&st.pol, r, now)
	out := make([]Recommendation, len(h))
	for i := range h {
		x := &h[i]
		vil := st.villagersAt(x.e.employer, r.county)
		out[i] = Recommendation{PostingID: x.id, Score: x.score,
			Reasons: q.explain(&st.pol, x.e, x.close, st.codes.codes[st.postings[x.id].code], vil)}
	}
	return out
}

func (st *state) villagersAt(emp int32, county uint16) int32 {
	if county == 0 || len(st.vill) == 0 {
		return 0
	}
	return st.vill[villKey(emp, county)]
}

// scanPostings returns the best limit hits, best first, in sc.hp. keep, if
// not nil, restricts the postings considered (by district id); sc.except
// lists postings to leave out.
//
// Buckets are visited by congestion band, best first; a (code, group)
// bucket whose bound cannot beat the worst score kept is skipped whole, and
// within a bucket a posting whose bound (by its own congestion) cannot is
// skipped before scoring.
func (st *state) scanPostings(r *srec, trades []string, now Date, limit int, keep []bool, sc *scratch) []hitP {
	q := newSeekerQ(&st.pol, r, now)
	list := st.tradeBuckets(trades, sc)
	h := sc.hp[:0]
	if cap(h) < limit && limit <= 4096 {
		h = make([]hitP, 0, limit)
	}
	// fellow villagers from the seeker's county, by employer
	ne := len(st.employerIDs)
	if cap(sc.evil) < ne {
		sc.evil = make([]int32, ne)
	}
	evil := sc.evil[:ne]
	var vl []villN
	if q.county != 0 {
		vl = st.villByCounty[q.county]
	}
	var vmax int32
	for _, v := range vl {
		evil[v.key] = v.n
		vmax = max(vmax, v.n)
	}
	hmax := villagersFactor(vmax)
	for band := 0; band < congBands; band++ {
		upper := congUpper[band]
		for _, cc := range list {
			tt := float64(q.w.Trade * tradeValue[cc.close])
			for f := uint8(0); f < 8; f++ {
				i := pbIndex(cc.code, uint8(band*8)+f)
				if i >= len(st.pb) || len(st.pb[i]) == 0 {
					continue
				}
				// (top · M) · C bounds the score of a posting in this bucket
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
					if !q.fits(e) {
						continue
					}
					if keep != nil && !keep[e.district] {
						continue
					}
					score := q.final(q.base0(tt, e), evil[e.employer], e)
					if len(h) == limit && score < h[0].score || sc.excepted(e.id) {
						continue
					}
					h = push(h, hitP{score: score, id: e.id, e: e, close: cc.close}, limit)
				}
			}
		}
	}
	for _, v := range vl {
		evil[v.key] = 0
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
