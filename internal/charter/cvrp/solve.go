package cvrp

import (
	"context"
	"math"
	"time"
)

// Options controls a run of Solve.
type Options struct {
	// TimeLimit stops the search after this long. When both TimeLimit and
	// MaxIterations are zero, DefaultTimeLimit applies.
	TimeLimit time.Duration
	// MaxIterations stops the search after this many ruin-and-recreate
	// iterations (0 = no limit). With MaxIterations set, the annealing
	// schedule follows the iteration count instead of the clock, so the
	// result depends only on the problem, the seed and MaxIterations
	// (unless TimeLimit or the context stops the run first).
	MaxIterations int
	// Seed seeds the pseudo-random generator.
	Seed int64
}

// DefaultTimeLimit is the time limit used when Options sets no limit.
const DefaultTimeLimit = time.Second

// Solve searches for a good solution of p until the time or iteration
// limit. The result is always feasible. If ctx ends first, Solve returns
// the best solution found so far together with ctx's error.
//
// The search is a simulated-annealing ruin-and-recreate: adjacent string
// removal and greedy insertion with blinks, after Christiaens and Vanden
// Berghe's SISR (Transportation Science 54(2), 2020). Every new best
// solution is polished by a local search on granular neighbourhoods
// (relocate, swap and 2-opt* between routes; 2-opt and or-opt within
// routes). With p.MinimiseVehicles each route costs more than any total
// distance, which makes the objective lexicographic.
func Solve(ctx context.Context, p Problem, opt Options) (Solution, error) {
	if err := p.Validate(); err != nil {
		return Solution{}, err
	}
	if p.Customers() == 0 {
		return Solution{Routes: [][]int{}}, nil
	}
	if opt.TimeLimit <= 0 && opt.MaxIterations <= 0 {
		opt.TimeLimit = DefaultTimeLimit
	}
	s := newSolver(p, opt)
	err := s.run(ctx)
	return s.solution(s.best), err
}

// Ruin-and-recreate parameters (SISR's defaults).
const (
	splitRate    = 0.5  // probability of the split-string variant
	splitDepth   = 0.01 // β: chance to stop growing the kept substring
	blinkRate    = 0.01 // chance to skip an insertion position
	neighbourCap = 100  // length of the neighbour lists used by the ruin
)

// Annealing temperatures relative to the mean distance between customers
// (variables so that tuning experiments can change them).
var (
	initTempRatio = 0.25
	lastTempRatio = 0.003
	avgRemoved    = 10.0  // c̄: average number of removed customers
	maxStringLen  = 10.0  // L_max
	intraLS       = false // intra-route local search after every recreate
	interLS       = true  // local search on every new best solution
)

type solver struct {
	p  Problem
	n  int       // nodes, depot included
	d  []float64 // n×n, row-major
	dT []float64 // the transpose of d (the same slice when symmetric)
	// f and fT are d and dT in float32, half the memory for the insertion
	// loop (exact for the integer CVRPLIB distances).
	f, fT    []float32
	skip     int // insertion positions left before the next blink
	buf      []int32
	lsOrder  []int32
	dem      []int
	capacity int
	maxStops int
	vehPen   float64 // added per route to the objective
	neigh    [][]int32
	opt      Options
	rng      rng

	cur, work, best *state
	absent          []int32
	touched         []int32 // stamp per route
	stamp           int32
	meanDist        float64
}

type state struct {
	routes [][]int32
	load   []int
	rcost  []float64
	where  []int32 // route of each customer; -1 when absent
	pos    []int32 // index of each routed customer in its route
	dist   float64
}

func (s *solver) obj(st *state) float64 {
	return st.dist + s.vehPen*float64(len(st.routes))
}

func newSolver(p Problem, opt Options) *solver {
	n := len(p.Demand)
	s := &solver{p: p, n: n, dem: p.Demand, capacity: p.Capacity, maxStops: p.MaxStops, opt: opt}
	s.rng = newRNG(opt.Seed)
	s.d = make([]float64, n*n)
	maxD, sum := 0.0, 0.0
	for i := 0; i < n; i++ {
		copy(s.d[i*n:(i+1)*n], p.Dist[i])
		for j := 0; j < n; j++ {
			maxD = math.Max(maxD, p.Dist[i][j])
			if i > 0 && j > 0 && i != j {
				sum += p.Dist[i][j]
			}
		}
	}
	s.dT = s.d
	for i := 0; i < n && sameSlice(s.dT, s.d); i++ {
		for j := 0; j < i; j++ {
			if s.d[i*n+j] != s.d[j*n+i] {
				s.dT = make([]float64, n*n)
				for a := 0; a < n; a++ {
					for b := 0; b < n; b++ {
						s.dT[b*n+a] = s.d[a*n+b]
					}
				}
				break
			}
		}
	}
	s.f = make([]float32, n*n)
	for i, v := range s.d {
		s.f[i] = float32(v)
	}
	s.fT = s.f
	if !sameSlice(s.d, s.dT) {
		s.fT = make([]float32, n*n)
		for i, v := range s.dT {
			s.fT[i] = float32(v)
		}
	}
	if n > 2 {
		s.meanDist = sum / float64((n-1)*(n-2))
	} else {
		s.meanDist = p.Dist[0][1]
	}
	if !(s.meanDist > 0) {
		s.meanDist = 1 // all customers at one place: any scale will do
	}
	if p.MinimiseVehicles {
		// More than the total distance of any solution, which has at most
		// 2n arcs.
		s.vehPen = 2*float64(n)*maxD + 1
	}
	// Neighbour lists: other customers by increasing distance.
	s.neigh = make([][]int32, n)
	k := min(n-2, neighbourCap)
	cand := make([]int32, 0, n)
	for i := 1; i < n; i++ {
		cand = cand[:0]
		for j := 1; j < n; j++ {
			if j != i {
				cand = append(cand, int32(j))
			}
		}
		row := s.d[i*n : (i+1)*n]
		sortByKey(cand, func(a int32) float64 { return row[a] })
		s.neigh[i] = append([]int32(nil), cand[:k]...)
	}
	s.cur, s.work, s.best = s.newState(), s.newState(), s.newState()
	return s
}

func (s *solver) newState() *state {
	st := &state{where: make([]int32, s.n), pos: make([]int32, s.n)}
	for i := range st.where {
		st.where[i] = -1
	}
	return st
}

func (dst *state) copyFrom(src *state) {
	k := len(src.routes)
	for len(dst.routes) < k {
		dst.routes = append(dst.routes, nil)
	}
	dst.routes = dst.routes[:k]
	for i := 0; i < k; i++ {
		dst.routes[i] = append(dst.routes[i][:0], src.routes[i]...)
	}
	dst.load = append(dst.load[:0], src.load...)
	dst.rcost = append(dst.rcost[:0], src.rcost...)
	copy(dst.where, src.where)
	copy(dst.pos, src.pos)
	dst.dist = src.dist
}

func (s *solver) solution(st *state) Solution {
	sol := Solution{Routes: make([][]int, 0, len(st.routes))}
	for _, r := range st.routes {
		route := make([]int, len(r))
		for i, v := range r {
			route[i] = int(v)
		}
		sol.Routes = append(sol.Routes, route)
	}
	sol.Cost = s.p.TotalCost(sol)
	return sol
}

func (s *solver) routeCost(r []int32) float64 {
	if len(r) == 0 {
		return 0
	}
	n := s.n
	c, prev := 0.0, int32(0)
	for _, v := range r {
		c += s.d[int(prev)*n+int(v)]
		prev = v
	}
	return c + s.d[int(prev)*n]
}

func (s *solver) run(ctx context.Context) error {
	start := time.Now()
	deadline := start.Add(s.opt.TimeLimit)
	// Initial solution: greedy insertion in random order.
	st := s.cur
	s.absent = s.absent[:0]
	for c := 1; c < s.n; c++ {
		s.absent = append(s.absent, int32(c))
	}
	s.nextStamp()
	s.recreate(st)
	s.finish(st)
	s.best.copyFrom(st)

	t0 := initTempRatio * s.meanDist
	tf := lastTempRatio * s.meanDist
	temp := t0
	var err error
	for it := 0; ; it++ {
		if s.opt.MaxIterations > 0 && it >= s.opt.MaxIterations {
			break
		}
		if it&31 == 0 {
			if err = ctx.Err(); err != nil {
				break
			}
			var frac float64
			if s.opt.MaxIterations > 0 {
				frac = float64(it) / float64(s.opt.MaxIterations)
			}
			if s.opt.TimeLimit > 0 {
				now := time.Now()
				if !now.Before(deadline) {
					break
				}
				if s.opt.MaxIterations <= 0 {
					frac = float64(now.Sub(start)) / float64(s.opt.TimeLimit)
				}
			}
			temp = t0 * math.Pow(tf/t0, frac)
		}
		s.iterate(temp)
	}
	s.localSearch(s.best)
	return err
}

// iterate runs one ruin-and-recreate step from s.cur and accepts the result
// by the annealing rule at temperature temp.
func (s *solver) iterate(temp float64) {
	w := s.work
	w.copyFrom(s.cur)
	s.nextStamp()
	s.ruin(w)
	s.recreate(w)
	s.finish(w)
	ow := s.obj(w)
	if ow < s.obj(s.cur)-temp*math.Log(s.rng.float()) {
		s.cur, s.work = s.work, s.cur
		if ow < s.obj(s.best)-1e-9 {
			if interLS {
				s.localSearch(s.cur)
			}
			s.best.copyFrom(s.cur)
		}
	}
}

func (s *solver) nextStamp() {
	s.stamp++
}

// mark records that route r was changed in this iteration.
func (s *solver) mark(r int) {
	for len(s.touched) <= r {
		s.touched = append(s.touched, 0)
	}
	s.touched[r] = s.stamp
}

func (s *solver) isTouched(r int) bool {
	return r < len(s.touched) && s.touched[r] == s.stamp
}

// ruin removes strings of customers from routes near a random seed
// customer and appends them to s.absent.
func (s *solver) ruin(st *state) {
	s.absent = s.absent[:0]
	nc := s.n - 1
	avgLen := float64(nc) / float64(len(st.routes))
	lsMax := math.Min(maxStringLen, avgLen)
	ksMax := 4*avgRemoved/(1+lsMax) - 1
	ks := int(s.rng.float()*ksMax) + 1
	seed := int32(1 + s.rng.intn(nc))
	ruined := 0
	for k := -1; k < len(s.neigh[seed]) && ruined < ks; k++ {
		c := seed
		if k >= 0 {
			c = s.neigh[seed][k]
		}
		r := int(st.where[c])
		if r < 0 || s.isTouched(r) {
			continue
		}
		s.mark(r)
		ruined++
		t := st.routes[r]
		pos := int(st.pos[c])
		ltMax := math.Min(float64(len(t)), lsMax)
		l := int(s.rng.float()*ltMax) + 1
		if l > len(t) {
			l = len(t)
		}
		if l == len(t) || s.rng.float() < splitRate {
			start := s.pickStart(pos, l, len(t))
			st.routes[r] = s.removeRange(st, r, start, start+l, start, start)
		} else {
			m := 1
			for l+m < len(t) && s.rng.float() >= splitDepth {
				m++
			}
			start := s.pickStart(pos, l+m, len(t))
			keep := start + s.rng.intn(l+1)
			st.routes[r] = s.removeRange(st, r, start, start+l+m, keep, keep+m)
		}
		s.reindex(st, r)
	}
}

// pickStart returns the start of a random window of length w in a route of
// length n that covers position pos.
func (s *solver) pickStart(pos, w, n int) int {
	lo := max(0, pos-w+1)
	hi := min(pos, n-w)
	return lo + s.rng.intn(hi-lo+1)
}

// removeRange removes route r's customers in [a,b) except those in [ka,kb).
func (s *solver) removeRange(st *state, r, a, b, ka, kb int) []int32 {
	t := st.routes[r]
	out := t[:a]
	for i := a; i < b; i++ {
		v := t[i]
		if i >= ka && i < kb {
			out = append(out, v)
			continue
		}
		s.absent = append(s.absent, v)
		st.where[v] = -1
		st.load[r] -= s.dem[v]
	}
	return append(out, t[b:]...)
}

// recreate inserts the absent customers, each at its cheapest feasible
// position (skipping positions with probability blinkRate), opening a new
// route when none fits.
func (s *solver) recreate(st *state) {
	s.orderAbsent()
	n := s.n
	d := s.f
	skip := s.skip
	for _, c := range s.absent {
		ci := int(c)
		best, br, bp := float32(math.Inf(1)), -1, -1
		dc := s.dem[ci]
		in := s.fT[ci*n : ci*n+n] // in[v] = d(v, c)
		out := d[ci*n : ci*n+n]   // out[v] = d(c, v)
		for r, t := range st.routes {
			if st.load[r]+dc > s.capacity || (s.maxStops > 0 && len(t) >= s.maxStops) {
				continue
			}
			prev := 0
			for i, v := range t {
				next := int(v)
				if skip > 0 {
					skip--
					if delta := in[prev] + out[next] - d[prev*n+next]; delta < best {
						best, br, bp = delta, r, i
					}
				} else {
					skip = s.blinkGap()
				}
				prev = next
			}
			// The last position, back to the depot.
			if skip > 0 {
				skip--
				if delta := in[prev] + out[0] - d[prev*n]; delta < best {
					best, br, bp = delta, r, len(t)
				}
			} else {
				skip = s.blinkGap()
			}
		}
		if br < 0 || s.vehPen == 0 && in[0]+out[0] < best {
			// Open a new route (also when cheaper, as with asymmetric data).
			if len(st.routes) < cap(st.routes) {
				st.routes = st.routes[:len(st.routes)+1] // reuse the buffer
			} else {
				st.routes = append(st.routes, nil)
			}
			br, bp = len(st.routes)-1, 0
			st.routes[br] = st.routes[br][:0]
			st.load = append(st.load, 0)
			st.rcost = append(st.rcost, 0)
		}
		t := st.routes[br]
		t = append(t, 0)
		copy(t[bp+1:], t[bp:])
		t[bp] = c
		st.routes[br] = t
		st.load[br] += dc
		for i := bp; i < len(t); i++ {
			st.pos[t[i]] = int32(i)
		}
		st.where[ci] = int32(br)
		s.mark(br)
	}
	s.skip = skip
}

// blinkGap returns how many insertion positions to evaluate before the next
// blink: a geometric draw, the same as skipping each position with
// probability blinkRate but with one random number per blink.
func (s *solver) blinkGap() int {
	return int(math.Log(s.rng.float()) / math.Log1p(-blinkRate))
}

// orderAbsent sorts s.absent by one of SISR's orders: random, largest
// demand first, farthest from the depot first, closest first.
func (s *solver) orderAbsent() {
	a := s.absent
	for i := len(a) - 1; i > 0; i-- {
		j := s.rng.intn(i + 1)
		a[i], a[j] = a[j], a[i]
	}
	x := s.rng.intn(11)
	switch {
	case x < 4:
		// random
	case x < 8:
		sortByKey(a, func(c int32) float64 { return -float64(s.dem[c]) })
	case x < 10:
		sortByKey(a, func(c int32) float64 { return -s.d[c] })
	default:
		sortByKey(a, func(c int32) float64 { return s.d[c] })
	}
}

// finish drops empty routes and recomputes the cost of changed routes.
func (s *solver) finish(st *state) {
	for r := 0; r < len(st.routes); r++ {
		if !s.isTouched(r) {
			continue
		}
		if intraLS {
			s.improveRoute(st.routes[r])
			s.reindex(st, r)
		}
		st.rcost[r] = s.routeCost(st.routes[r])
	}
	for r := 0; r < len(st.routes); {
		if len(st.routes[r]) > 0 {
			r++
			continue
		}
		last := len(st.routes) - 1
		st.routes[r], st.routes[last] = st.routes[last], st.routes[r]
		st.load[r], st.rcost[r] = st.load[last], st.rcost[last]
		st.routes = st.routes[:last]
		st.load = st.load[:last]
		st.rcost = st.rcost[:last]
		if r < last {
			for _, v := range st.routes[r] {
				st.where[v] = int32(r)
			}
			if s.isTouched(last) {
				s.mark(r)
			}
		}
	}
	st.dist = 0
	for _, c := range st.rcost {
		st.dist += c
	}
}

// sortByKey sorts a stably by key (insertion sort for short slices,
// merge-free binary insertion otherwise is not needed at these sizes).
func sortByKey(a []int32, key func(int32) float64) {
	if len(a) > 64 {
		sortLarge(a, key)
		return
	}
	for i := 1; i < len(a); i++ {
		v := a[i]
		kv := key(v)
		j := i
		for j > 0 && key(a[j-1]) > kv {
			a[j] = a[j-1]
			j--
		}
		a[j] = v
	}
}

func sameSlice(a, b []float64) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}
