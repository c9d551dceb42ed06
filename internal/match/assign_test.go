package match

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// instance is a random matching problem.
type instance struct {
	seekerPrefs  [][]int
	postingPrefs [][]int
	capacity     []int
}

func drawInstance(t *rapid.T, maxS, maxP int) instance {
	// rapid shrinks towards small numbers; count down from the maximum so
	// that typical instances are large and have several stable assignments
	nS := maxS - rapid.IntRange(0, maxS).Draw(t, "fewerSeekers")
	nP := maxP - rapid.IntRange(0, maxP-1).Draw(t, "fewerPostings")
	in := instance{seekerPrefs: make([][]int, nS), postingPrefs: make([][]int, nP), capacity: make([]int, nP)}
	for p := range in.capacity {
		in.capacity[p] = rapid.SampledFrom([]int{1, 2, 0, 3}).Draw(t, fmt.Sprintf("cap%d", p))
	}
	allP := make([]int, nP)
	for p := range allP {
		allP[p] = p
	}
	allS := make([]int, nS)
	for s := range allS {
		allS[s] = s
	}
	for s := range in.seekerPrefs {
		perm := rapid.Permutation(allP).Draw(t, fmt.Sprintf("prefS%d", s))
		in.seekerPrefs[s] = perm[:nP-rapid.IntRange(0, nP).Draw(t, fmt.Sprintf("shortS%d", s))]
	}
	for p := range in.postingPrefs {
		perm := rapid.Permutation(allS).Draw(t, fmt.Sprintf("prefP%d", p))
		in.postingPrefs[p] = perm[:nS-rapid.IntRange(0, nS).Draw(t, fmt.Sprintf("shortP%d", p))]
	}
	return in
}

func (in instance) acceptable(s, p int) bool {
	return slices.Contains(in.seekerPrefs[s], p) && slices.Contains(in.postingPrefs[p], s)
}

// allStable enumerates every stable assignment of a tiny instance.
func (in instance) allStable() [][]int {
	nS := len(in.seekerPrefs)
	var out [][]int
	m := make([]int, nS)
	count := make([]int, len(in.capacity))
	var rec func(s int)
	rec = func(s int) {
		if s == nS {
			if IsStable(in.seekerPrefs, in.postingPrefs, in.capacity, m) == nil {
				out = append(out, slices.Clone(m))
			}
			return
		}
		m[s] = -1
		rec(s + 1)
		for _, p := range in.seekerPrefs[s] {
			if in.acceptable(s, p) && count[p] < in.capacity[p] {
				m[s] = p
				count[p]++
				rec(s + 1)
				count[p]--
			}
		}
		m[s] = -1
	}
	rec(0)
	return out
}

// prefPos is the position of p in s's list; unmatched is worst.
func (in instance) prefPos(s, p int) int {
	if p < 0 {
		return len(in.seekerPrefs[s])
	}
	return slices.Index(in.seekerPrefs[s], p)
}

func mustStableAssign(tb tester, in instance) []int {
	tb.Helper()
	m, err := StableAssign(in.seekerPrefs, in.postingPrefs, in.capacity)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func TestStableAssignProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := drawInstance(t, 8, 5)
		m := mustStableAssign(t, in)
		if len(m) != len(in.seekerPrefs) {
			t.Fatalf("%d matches for %d seekers", len(m), len(in.seekerPrefs))
		}
		if err := CheckCapacity(m, in.capacity); err != nil {
			t.Fatal(err)
		}
		for s, p := range m {
			if p >= 0 && !in.acceptable(s, p) {
				t.Fatalf("seeker %d matched to unacceptable posting %d", s, p)
			}
		}
		// independent blocking-pair check, straight from the definition
		for s := range in.seekerPrefs {
			for _, p := range in.seekerPrefs[s] {
				if !in.acceptable(s, p) || in.prefPos(s, p) >= in.prefPos(s, m[s]) {
					continue
				}
				var held []int
				for s2, p2 := range m {
					if p2 == p {
						held = append(held, s2)
					}
				}
				if len(held) < in.capacity[p] {
					t.Fatalf("blocking pair (%d, %d): free place", s, p)
				}
				for _, s2 := range held {
					if slices.Index(in.postingPrefs[p], s) < slices.Index(in.postingPrefs[p], s2) {
						t.Fatalf("blocking pair (%d, %d): prefers %d to %d", s, p, s, s2)
					}
				}
			}
		}
		if err := IsStable(in.seekerPrefs, in.postingPrefs, in.capacity, m); err != nil {
			t.Fatal(err)
		}
	})
}

func TestStableAssignSeekerOptimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := drawInstance(t, 6, 3)
		m := mustStableAssign(t, in)
		all := in.allStable()
		if !slices.ContainsFunc(all, func(x []int) bool { return slices.Equal(x, m) }) {
			t.Fatalf("result %v is not among the stable assignments %v", m, all)
		}
		for _, other := range all {
			for s := range m {
				if in.prefPos(s, other[s]) < in.prefPos(s, m[s]) {
					t.Fatalf("seeker %d does better in stable %v than in %v", s, other, m)
				}
			}
		}
	})
}

func TestIsStableFindsBlockingPair(t *testing.T) {
	in := instance{
		seekerPrefs:  [][]int{{0, 1}, {0}},
		postingPrefs: [][]int{{0, 1}, {0}},
		capacity:     []int{1, 1},
	}
	// seeker 0 on posting 1 while posting 0 holds seeker 1, whom it likes less
	err := IsStable(in.seekerPrefs, in.postingPrefs, in.capacity, []int{1, 0})
	var bp *BlockingPairError
	if !errors.As(err, &bp) || bp.Seeker != 0 || bp.Posting != 0 {
		t.Fatalf("err = %v, want blocking pair (0, 0)", err)
	}
	if err := IsStable(in.seekerPrefs, in.postingPrefs, in.capacity, []int{0, -1}); err != nil {
		t.Fatal(err)
	}
	if err := CheckCapacity([]int{0, 0}, in.capacity); err == nil {
		t.Error("over capacity not found")
	}
	if _, err := StableAssign([][]int{{0, 0}}, [][]int{{0}}, []int{1}); err == nil {
		t.Error("duplicate preference accepted")
	}
	if _, err := StableAssign([][]int{{2}}, [][]int{{0}}, []int{1}); err == nil {
		t.Error("posting out of range accepted")
	}
	if _, err := StableAssign([][]int{{0}, {}}, [][]int{{1, 0, 1}}, []int{1}); err == nil {
		t.Error("duplicate posting preference accepted")
	}
	if _, err := StableAssign([][]int{{0}}, [][]int{{0}}, []int{-1}); err == nil {
		t.Error("negative capacity accepted")
	}
}

func TestIndexAssign(t *testing.T) {
	nP, nS := 200, 1500
	if testing.Short() {
		nP, nS = 100, 500
	}
	d := Synthetic(11, nP, nS)
	w := worldFromSynthetic(d)
	ix := mustIndex(t, w)
	for _, rg := range []Region{
		{All: true, MaxChoices: 20},
		{Counties: syntheticTwinned[:3], Districts: []string{"440307", "440306"}},
		{SeekerIDs: []int64{1, 2, 3, 4, 5, 6}},
	} {
		res, err := ix.Assign(rg, d.Now)
		if err != nil {
			t.Fatal(err)
		}
		checkAssignResult(t, w, rg, d.Now, res)
	}
}

// checkAssignResult rebuilds the preferences from the pure scoring functions
// and checks the result against them.
func checkAssignResult(t *testing.T, w *world, rg Region, now Date, res AssignResult) {
	t.Helper()
	maxc := rg.MaxChoices
	if maxc == 0 {
		maxc = 100
	}
	var seekers []Seeker
	counties := map[string]bool{}
	for _, c := range rg.Counties {
		counties[c] = true
	}
	for _, s := range w.seekers {
		if s.Active && (rg.All || counties[s.County] || slices.Contains(rg.SeekerIDs, s.ID)) {
			seekers = append(seekers, s)
		}
	}
	slices.SortFunc(seekers, func(a, b Seeker) int { return int(a.ID - b.ID) })
	var postings []Posting
	for _, p := range w.postings {
		if len(rg.Districts) == 0 || slices.Contains(rg.Districts, p.District) {
			postings = append(postings, p)
		}
	}
	pidx := map[int64]int{}
	for j, p := range postings {
		pidx[p.ID] = j
	}
	in := instance{seekerPrefs: make([][]int, len(seekers)), postingPrefs: make([][]int, len(postings)), capacity: make([]int, len(postings))}
	type sc struct {
		i     int
		score float64
	}
	byPosting := make([][]sc, len(postings))
	for i, s := range seekers {
		ww := *w
		ww.postings = postings
		recs := refRecommend(t, &ww, s, now, maxc)
		for _, r := range recs {
			j := pidx[r.PostingID]
			in.seekerPrefs[i] = append(in.seekerPrefs[i], j)
			score, _, ok, err := ScoreForEmployer(postings[j], s, w.vill[villKeyT{postings[j].EmployerID, s.County}], w.pol, now)
			if err != nil || !ok {
				t.Fatalf("employer side rejects a pair the seeker side accepts: %v", err)
			}
			byPosting[j] = append(byPosting[j], sc{i, score})
		}
	}
	for j, list := range byPosting {
		slices.SortStableFunc(list, func(a, b sc) int {
			if a.score != b.score {
				if a.score > b.score {
					return -1
				}
				return 1
			}
			return int(seekers[a.i].ID - seekers[b.i].ID)
		})
		for _, x := range list {
			in.postingPrefs[j] = append(in.postingPrefs[j], x.i)
		}
		in.capacity[j] = postings[j].Remaining()
	}
	m := make([]int, len(seekers))
	sidx := map[int64]int{}
	for i, s := range seekers {
		sidx[s.ID] = i
		m[i] = -1
	}
	if len(res.Assignments)+len(res.Unmatched) != len(seekers) {
		t.Fatalf("%d assigned + %d unmatched for %d seekers", len(res.Assignments), len(res.Unmatched), len(seekers))
	}
	for _, a := range res.Assignments {
		m[sidx[a.SeekerID]] = pidx[a.PostingID]
	}
	if err := IsStable(in.seekerPrefs, in.postingPrefs, in.capacity, m); err != nil {
		t.Fatal(err)
	}
	if want := mustStableAssign(t, in); !slices.Equal(m, want) {
		t.Fatalf("assignment differs from StableAssign on the reference preferences")
	}
	t.Logf("region %+v: %d seekers, %d assigned", rg, len(seekers), len(res.Assignments))
}

func TestAssignFunction(t *testing.T) {
	d := Synthetic(5, 60, 300)
	res, err := Assign(d.Seekers, d.Postings, d.Villagers, DefaultPolicy(), d.Now, 0)
	if err != nil {
		t.Fatal(err)
	}
	checkAssignResult(t, worldFromSynthetic(d), Region{All: true}, d.Now, res)
	if len(res.Assignments) == 0 {
		t.Error("nobody assigned")
	}
}

// TestStableAssignSeekerOptimalSweep complements the rapid property with
// many plain random instances: few tiny instances have more than one stable
// assignment, and those are the ones that test optimality.
func TestStableAssignSeekerOptimalSweep(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	r := rand.New(rand.NewPCG(1, 2))
	multi := 0
	for k := 0; k < n; k++ {
		nS, nP := 1+r.IntN(6), 1+r.IntN(3)
		in := instance{seekerPrefs: make([][]int, nS), postingPrefs: make([][]int, nP), capacity: make([]int, nP)}
		for p := range in.capacity {
			in.capacity[p] = r.IntN(4)
		}
		for s := range in.seekerPrefs {
			in.seekerPrefs[s] = r.Perm(nP)[:nP-r.IntN(2)]
		}
		for p := range in.postingPrefs {
			in.postingPrefs[p] = r.Perm(nS)[:max(0, nS-r.IntN(3)*r.IntN(2))]
		}
		m := mustStableAssign(t, in)
		all := in.allStable()
		if len(all) > 1 {
			multi++
		}
		if !slices.ContainsFunc(all, func(x []int) bool { return slices.Equal(x, m) }) {
			t.Fatalf("instance %+v: result %v is not among the stable assignments %v", in, m, all)
		}
		for _, other := range all {
			for s := range m {
				if in.prefPos(s, other[s]) < in.prefPos(s, m[s]) {
					t.Fatalf("instance %+v: seeker %d does better in stable %v than in %v", in, s, other, m)
				}
			}
		}
	}
	if multi == 0 {
		t.Fatal("no instance had several stable assignments")
	}
	t.Logf("%d of %d instances had several stable assignments", multi, n)
}
