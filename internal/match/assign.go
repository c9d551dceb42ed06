package match

import (
	"cmp"
	"container/heap"
	"fmt"
	"slices"
)

// StableAssign computes the seeker-optimal stable assignment of seekers to
// postings with capacities (deferred acceptance with seekers proposing, the
// hospitals/residents form of Gale–Shapley).
//
// seekerPrefs[s] lists the postings seeker s accepts, most preferred first;
// postingPrefs[p] lists the seekers posting p accepts, most preferred first;
// capacity[p] is how many seekers p takes. A pair is acceptable only if each
// lists the other. The result gives each seeker's posting, or -1.
//
// The result is stable: no seeker s and posting p accept each other while s
// prefers p to its match (or is unmatched) and p has a free place or prefers
// s to one of its seekers. Among all stable assignments every seeker gets
// their best. It runs in O(L log c) for L listed pairs and capacity c.
func StableAssign(seekerPrefs, postingPrefs [][]int, capacity []int) ([]int, error) {
	rank, err := buildRanks(seekerPrefs, postingPrefs, capacity)
	if err != nil {
		return nil, err
	}
	nS := len(seekerPrefs)
	match := make([]int, nS)
	for i := range match {
		match[i] = -1
	}
	next := make([]int, nS)
	held := make([]rankHeap, len(postingPrefs))
	free := make([]int, 0, nS)
	for s := nS - 1; s >= 0; s-- {
		free = append(free, s)
	}
	for len(free) > 0 {
		s := free[len(free)-1]
		free = free[:len(free)-1]
		for next[s] < len(seekerPrefs[s]) {
			k := next[s]
			next[s]++
			p, r := seekerPrefs[s][k], rank[s][k]
			if r < 0 {
				continue // p does not accept s
			}
			if len(held[p]) < capacity[p] {
				heap.Push(&held[p], rankedSeeker{rank: r, seeker: s})
				match[s] = p
				break
			}
			if capacity[p] > 0 && held[p][0].rank > r {
				w := held[p][0].seeker
				held[p][0] = rankedSeeker{rank: r, seeker: s}
				heap.Fix(&held[p], 0)
				match[w] = -1
				match[s] = p
				free = append(free, w)
				break
			}
		}
	}
	return match, nil
}

type rankedSeeker struct {
	rank   int32
	seeker int
}

// rankHeap is a max-heap by rank: the least preferred held seeker on top.
type rankHeap []rankedSeeker

func (h rankHeap) Len() int           { return len(h) }
func (h rankHeap) Less(i, j int) bool { return h[i].rank > h[j].rank }
func (h rankHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *rankHeap) Push(x any)        { *h = append(*h, x.(rankedSeeker)) }
func (h *rankHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// buildRanks checks the input and returns, aligned with seekerPrefs, the
// rank of each seeker in the listed posting's preferences (-1 if absent).
func buildRanks(seekerPrefs, postingPrefs [][]int, capacity []int) ([][]int32, error) {
	nS, nP := len(seekerPrefs), len(postingPrefs)
	if len(capacity) != nP {
		return nil, fmt.Errorf("match: %d capacities for %d postings", len(capacity), nP)
	}
	for p, c := range capacity {
		if c < 0 {
			return nil, fmt.Errorf("match: posting %d has negative capacity %d", p, c)
		}
	}
	// each seeker's list as (posting, position) pairs sorted by posting
	type pk struct{ p, k int32 }
	total := 0
	for _, list := range seekerPrefs {
		total += len(list)
	}
	pairs := make([]pk, 0, total)
	offs := make([]int, nS+1)
	rank := make([][]int32, nS)
	flat := make([]int32, total)
	for s, list := range seekerPrefs {
		offs[s] = len(pairs)
		for k, p := range list {
			if p < 0 || p >= nP {
				return nil, fmt.Errorf("match: seeker %d lists posting %d out of range", s, p)
			}
			pairs = append(pairs, pk{int32(p), int32(k)})
		}
		mine := pairs[offs[s]:]
		slices.SortFunc(mine, func(a, b pk) int { return cmp.Compare(a.p, b.p) })
		for i := 1; i < len(mine); i++ {
			if mine[i].p == mine[i-1].p {
				return nil, fmt.Errorf("match: seeker %d lists posting %d twice", s, mine[i].p)
			}
		}
		rank[s], flat = flat[:len(list):len(list)], flat[len(list):]
		for k := range rank[s] {
			rank[s][k] = -1
		}
	}
	offs[nS] = len(pairs)
	for p, list := range postingPrefs {
		for r, s := range list {
			if s < 0 || s >= nS {
				return nil, fmt.Errorf("match: posting %d lists seeker %d out of range", p, s)
			}
			mine := pairs[offs[s]:offs[s+1]]
			i, found := slices.BinarySearchFunc(mine, int32(p), func(a pk, t int32) int { return cmp.Compare(a.p, t) })
			if !found {
				continue // s does not list p: not acceptable
			}
			k := mine[i].k
			if rank[s][k] >= 0 {
				return nil, fmt.Errorf("match: posting %d lists seeker %d twice", p, s)
			}
			rank[s][k] = int32(r)
		}
	}
	// a posting listing a seeker twice where the seeker does not list it
	// goes unnoticed above; check the lists themselves
	seen := make([]int32, nS)
	for p, list := range postingPrefs {
		for _, s := range list {
			if seen[s] == int32(p)+1 {
				return nil, fmt.Errorf("match: posting %d lists seeker %d twice", p, s)
			}
			seen[s] = int32(p) + 1
		}
	}
	return rank, nil
}

// BlockingPairError reports a seeker and a posting that would both rather
// be matched to each other.
type BlockingPairError struct {
	Seeker, Posting int
}

func (e *BlockingPairError) Error() string {
	return fmt.Sprintf("match: seeker %d and posting %d block the assignment", e.Seeker, e.Posting)
}

// CheckCapacity returns an error if match assigns a posting more seekers
// than its capacity or names a posting out of range.
func CheckCapacity(match []int, capacity []int) error {
	count := make([]int, len(capacity))
	for s, p := range match {
		if p == -1 {
			continue
		}
		if p < 0 || p >= len(capacity) {
			return fmt.Errorf("match: seeker %d assigned to posting %d out of range", s, p)
		}
		count[p]++
		if count[p] > capacity[p] {
			return fmt.Errorf("match: posting %d assigned more than its capacity %d", p, capacity[p])
		}
	}
	return nil
}

// IsStable checks match against the preferences of StableAssign: capacities
// hold, every matched pair is mutually acceptable, and no pair blocks. It
// returns the first blocking pair (by seeker, then the seeker's preference)
// as a *BlockingPairError.
func IsStable(seekerPrefs, postingPrefs [][]int, capacity []int, match []int) error {
	if len(match) != len(seekerPrefs) {
		return fmt.Errorf("match: %d matches for %d seekers", len(match), len(seekerPrefs))
	}
	if err := CheckCapacity(match, capacity); err != nil {
		return err
	}
	rank, err := buildRanks(seekerPrefs, postingPrefs, capacity)
	if err != nil {
		return err
	}
	count := make([]int, len(capacity))
	worst := make([]int32, len(capacity))
	at := make([]int, len(match)) // position of the match in the seeker's list
	for s, p := range match {
		at[s] = len(seekerPrefs[s])
		if p < 0 {
			continue
		}
		k := slices.Index(seekerPrefs[s], p)
		if k < 0 || rank[s][k] < 0 {
			return fmt.Errorf("match: seeker %d and posting %d are not mutually acceptable", s, p)
		}
		at[s] = k
		count[p]++
		worst[p] = max(worst[p], rank[s][k])
	}
	for s := range seekerPrefs {
		for k := 0; k < at[s]; k++ {
			p, r := seekerPrefs[s][k], rank[s][k]
			if r < 0 {
				continue
			}
			if count[p] < capacity[p] || worst[p] > r {
				return &BlockingPairError{Seeker: s, Posting: p}
			}
		}
	}
	return nil
}

// Region selects the seekers and postings of a match day.
type Region struct {
	All       bool     // every active seeker
	Counties  []string // active seekers from these home counties
	SeekerIDs []int64  // and these seekers (if active)
	Districts []string // postings in these districts only; empty means all
	// Busy seekers take no part even if selected (they hold an open offer
	// or a place, which the caller knows from the applications).
	Busy map[int64]bool
	// Excluded lists, per seeker, the postings never to propose to them
	// (they withdrew, declined or were turned down there).
	Excluded map[int64][]int64
	// MaxChoices bounds each seeker's list to their best postings; 0 means 100.
	MaxChoices int
}

// Assignment is one seeker placed on one posting.
type Assignment struct {
	SeekerID      int64
	PostingID     int64
	Choice        int     // 0 = the seeker's first choice
	SeekerScore   float64 // the posting's score for the seeker (Recommend)
	EmployerScore float64 // the seeker's score for the posting (Candidates)
}

// AssignResult is the outcome of a match day.
type AssignResult struct {
	Assignments []Assignment // by seeker ID
	Unmatched   []int64      // selected seekers left without a posting, ascending
}

// Assign runs a match day over a region at date now: each selected active
// seeker ranks the postings that fit them by recommendation score (at most
// MaxChoices of them), each posting ranks the seekers that listed it by
// candidate score, capacity is the remaining headcount, and StableAssign
// places seekers.
func (ix *Index) Assign(rg Region, now Date) (AssignResult, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.st.assign(rg, now)
}

func (st *state) assign(rg Region, now Date) (AssignResult, error) {
	maxc := rg.MaxChoices
	if maxc <= 0 {
		maxc = 100
	}
	if maxc > 4096 {
		return AssignResult{}, fmt.Errorf("match: MaxChoices %d above 4096", maxc)
	}
	var keep []bool
	if len(rg.Districts) > 0 {
		keep = make([]bool, len(st.distNames))
		for _, d := range rg.Districts {
			if id, ok := st.districts[d]; ok {
				keep[id] = true
			}
		}
	}
	// select seekers
	var slots []int32
	if rg.All {
		for i := range st.srecs {
			if st.srecs[i].flags&(sfUsed|sfActive) == sfUsed|sfActive {
				slots = append(slots, int32(i))
			}
		}
	} else {
		in := map[int32]bool{}
		counties := map[uint16]bool{}
		for _, c := range rg.Counties {
			if id, ok := st.counties[c]; ok && c != "" {
				counties[id] = true
			}
		}
		if len(counties) > 0 {
			for i := range st.srecs {
				r := &st.srecs[i]
				if r.flags&(sfUsed|sfActive) == sfUsed|sfActive && counties[r.county] {
					in[int32(i)] = true
				}
			}
		}
		for _, id := range rg.SeekerIDs {
			if slot, ok := st.seekers[id]; ok && st.srecs[slot].flags&sfActive != 0 {
				in[slot] = true
			}
		}
		for s := range in {
			slots = append(slots, s)
		}
	}
	if len(rg.Busy) > 0 {
		slots = slices.DeleteFunc(slots, func(s int32) bool { return rg.Busy[st.srecs[s].id] })
	}
	slices.SortFunc(slots, func(a, b int32) int { return cmp.Compare(st.srecs[a].id, st.srecs[b].id) })

	// seekers' lists
	type pinfo struct {
		e    *pentry
		code codeID
	}
	pidx := map[int64]int{}
	var posts []pinfo
	seekerPrefs := make([][]int, len(slots))
	seekerScores := make([][]float64, len(slots))
	sc := getScratch()
	var buf [MaxTrades]string
	for i, slot := range slots {
		r := &st.srecs[slot]
		trades := buf[:r.ntr]
		for k := range trades {
			trades[k] = st.codes.codes[r.trades[k]]
		}
		ex := rg.Excluded[r.id]
		h := st.scanPostings(r, trades, now, maxc+len(ex), keep, sc)
		if len(ex) > 0 {
			h = slices.DeleteFunc(h, func(x hitP) bool { return slices.Contains(ex, x.id) })
			h = h[:min(len(h), maxc)]
		}
		prefs := make([]int, len(h))
		scores := make([]float64, len(h))
		for k := range h {
			j, ok := pidx[h[k].id]
			if !ok {
				j = len(posts)
				pidx[h[k].id] = j
				posts = append(posts, pinfo{e: h[k].e, code: st.postings[h[k].id].code})
			}
			prefs[k], scores[k] = j, h[k].score
		}
		seekerPrefs[i], seekerScores[i] = prefs, scores
	}
	putScratch(sc)

	// postings' lists over the seekers who listed them
	type cand struct {
		s     int
		score float64
	}
	cands := make([][]cand, len(posts))
	empScores := make([][]float64, len(slots))
	pqs := make([]postingQ, len(posts))
	for j := range posts {
		pqs[j] = newPostingQ(&st.pol, posts[j].e)
	}
	for i, prefs := range seekerPrefs {
		r := &st.srecs[slots[i]]
		se := r.entry(0)
		empScores[i] = make([]float64, len(prefs))
		for k, j := range prefs {
			pi := &posts[j]
			q := &pqs[j]
			close, _ := st.bestTrade(r, pi.code)
			score := q.score(float64(q.w.Trade*tradeValue[close]), &se, st.villagersAt(pi.e.employer, r.county))
			cands[j] = append(cands[j], cand{s: i, score: score})
			empScores[i][k] = score
		}
	}
	postingPrefs := make([][]int, len(posts))
	capacity := make([]int, len(posts))
	for j, cs := range cands {
		slices.SortFunc(cs, func(a, b cand) int {
			if c := cmp.Compare(b.score, a.score); c != 0 {
				return c
			}
			return cmp.Compare(st.srecs[slots[a.s]].id, st.srecs[slots[b.s]].id)
		})
		list := make([]int, len(cs))
		for k, c := range cs {
			list[k] = c.s
		}
		postingPrefs[j] = list
		capacity[j] = int(posts[j].e.remaining)
	}
	match, err := StableAssign(seekerPrefs, postingPrefs, capacity)
	if err != nil {
		return AssignResult{}, err
	}
	var res AssignResult
	for i, j := range match {
		id := st.srecs[slots[i]].id
		if j < 0 {
			res.Unmatched = append(res.Unmatched, id)
			continue
		}
		k := slices.Index(seekerPrefs[i], j)
		res.Assignments = append(res.Assignments, Assignment{
			SeekerID: id, PostingID: posts[j].e.id, Choice: k,
			SeekerScore: seekerScores[i][k], EmployerScore: empScores[i][k],
		})
	}
	return res, nil
}

// Villagers is a count of people from one home county already arrived at
// or onboarded by one employer.
type Villagers struct {
	EmployerID int64
	County     string
	N          int
}

// Assign runs a match day on the given seekers and postings alone (see
// Index.Assign); every active seeker takes part. maxChoices 0 means 100.
func Assign(seekers []Seeker, postings []Posting, villagers []Villagers, pol Policy, now Date, maxChoices int) (AssignResult, error) {
	ix := NewIndex()
	err := ix.Bulk(func(b *Builder) error {
		if err := b.SetPolicy(pol); err != nil {
			return err
		}
		for _, p := range postings {
			if err := b.UpsertPosting(p); err != nil {
				return err
			}
		}
		for _, s := range seekers {
			if err := b.UpsertSeeker(s); err != nil {
				return err
			}
		}
		for _, v := range villagers {
			if err := b.SetVillagers(v.EmployerID, v.County, v.N); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return AssignResult{}, err
	}
	return ix.Assign(Region{All: true, MaxChoices: maxChoices}, now)
}
