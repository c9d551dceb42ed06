package planner

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"
)

// This file is the pure charter planner: from riders and a bus type it
// builds one routing problem per pickup point, solves it with Solve (fewest
// buses first, then least distance), and turns the routes into charters
// with seat numbers. Replanning keeps riders of a previous plan where they
// were whenever capacity allows. Like the solver it does no I/O.

// Rider is one person to carry: an accepted application.
type Rider struct {
	ID     int64  // the rider's key (the application id); unique
	Seeker int64  // the seeker, for the caller
	Group  string // fellow-villager group: riders with the same key, pickup and site travel together; "" = alone
	Pickup int64  // the pickup point the rider boards at
	Site   int64  // the employer site the rider is dropped at
	At     Point  // the site's position
}

// Bus is the vehicle type of a plan.
type Bus struct {
	Seats      int     // physical seats for riders
	LoadFactor float64 // share of seats that may be used (0.5 for coaches from risk areas)
}

// DefaultLoadFactor is the share of seats used when none is set: the 2020
// rule for coaches leaving risk areas.
const DefaultLoadFactor = 0.5

// Allowed is the number of riders a bus may carry: floor(seats × factor).
func (b Bus) Allowed() int {
	if b.Seats <= 0 || b.LoadFactor <= 0 {
		return 0
	}
	return int(math.Floor(float64(b.Seats)*b.LoadFactor + 1e-9))
}

// SeatNumbers lists the seat numbers riders use, spread over the bus so
// that at a load factor of 0.5 every other seat stays empty.
func (b Bus) SeatNumbers() []int {
	n := b.Allowed()
	out := make([]int, 0, n)
	for k := range n {
		out = append(out, k*b.Seats/n+1)
	}
	return out
}

// PlanInput is what Plan needs.
type PlanInput struct {
	Pickups  map[int64]Point // pickup point id → position
	Riders   []Rider
	Bus      Bus
	MaxStops int      // drop-off stops per bus; 0 = no limit
	Distance Distance // nil: DefaultRoadFactor
	// Previous is the plan being replanned (nil for a fresh plan): riders
	// still present stay on their charters when capacity allows.
	Previous []Charter
	// Notified riders (ids) were told their seat: they are the last to be
	// moved when a previous charter no longer has room.
	Notified map[int64]bool
	// Solver limits. MaxIterations makes the result depend only on the
	// input and the seed; TimeLimit caps the wall time of each pickup.
	Seed          int64
	MaxIterations int
	TimeLimit     time.Duration
}

// Plan is a set of charters.
type Plan struct {
	Charters   []Charter    `json:"charters"`
	Unassigned []Unassigned `json:"unassigned"`
	Moves      []Move       `json:"moves"` // replanning: riders of the previous plan now elsewhere
	Dropped    []int64      `json:"dropped"`
}

// Charter is one bus: it leaves Pickup and drops riders at Stops in order.
type Charter struct {
	Ref    int64   `json:"ref,omitempty"` // the caller's id of a previous charter; 0 for a new one
	Pickup int64   `json:"pickup"`
	Stops  []Stop  `json:"stops"`
	Seats  []Seat  `json:"seats"`
	Km     float64 `json:"km"` // pickup → stops (the return trip is not counted)
}

// Stop is one drop-off.
type Stop struct {
	Site int64 `json:"site"`
	At   Point `json:"at"`
}

// Seat is one rider's place on a charter.
type Seat struct {
	Rider int64 `json:"rider"`
	No    int   `json:"seat"`
	Stop  int   `json:"stop"` // index into Charter.Stops
}

// Load returns the number of riders on c.
func (c Charter) Load() int { return len(c.Seats) }

// Unassigned is a rider the plan could not carry, with the reason (a
// message key: "plan.pickup_unknown", "plan.pickup_no_point",
// "plan.site_no_point").
type Unassigned struct {
	Rider  int64  `json:"rider"`
	Reason string `json:"reason"`
}

// Move tells that a rider of the previous plan changed charter. From and
// To are Refs (To is 0 with ToIndex set when the charter is new).
type Move struct {
	Rider   int64 `json:"rider"`
	From    int64 `json:"from"`
	To      int64 `json:"to"`
	ToIndex int   `json:"to_index"` // index of the new charter in Plan.Charters
}

// Input errors of MakePlan.
var (
	ErrNoSeats  = errors.New("charter: a bus must have at least one seat for riders (seats × load factor ≥ 1)")
	ErrNoRiders = errors.New("charter: the plan has no riders")
)

// unit is riders who travel together: one fellow-villager group (or one
// rider) from one pickup point, possibly to several sites.
type unit struct {
	pickup int64
	riders []int64 // sorted
	sites  []int64 // the distinct sites of the riders, sorted
}

// MakePlan plans the charters for in.Riders. Riders that cannot be planned
// are listed in Unassigned with the reason; nothing is dropped silently.
func MakePlan(ctx context.Context, in PlanInput) (Plan, error) {
	allowed := in.Bus.Allowed()
	if allowed < 1 {
		return Plan{}, ErrNoSeats
	}
	if in.MaxStops < 0 {
		return Plan{}, fmt.Errorf("charter: the stop limit must be 0 (none) or positive, got %d", in.MaxStops)
	}
	if len(in.Riders) == 0 && len(in.Previous) == 0 {
		return Plan{}, ErrNoRiders
	}
	if in.Distance == nil {
		in.Distance = DefaultRoadFactor
	}
	if in.MaxIterations <= 0 && in.TimeLimit <= 0 {
		in.MaxIterations = 3000
	}
	seen := map[int64]bool{}
	var plan Plan
	byID := map[int64]Rider{}
	var riders []Rider
	for _, r := range in.Riders {
		if seen[r.ID] {
			return Plan{}, fmt.Errorf("charter: rider %d is listed twice", r.ID)
		}
		seen[r.ID] = true
		p, ok := in.Pickups[r.Pickup]
		switch {
		case !ok:
			plan.Unassigned = append(plan.Unassigned, Unassigned{r.ID, "plan.pickup_unknown"})
			continue
		case !validPoint(p):
			plan.Unassigned = append(plan.Unassigned, Unassigned{r.ID, "plan.pickup_no_point"})
			continue
		case !validPoint(r.At):
			plan.Unassigned = append(plan.Unassigned, Unassigned{r.ID, "plan.site_no_point"})
			continue
		}
		byID[r.ID] = r
		riders = append(riders, r)
	}
	units := makeUnits(riders, allowed, in.MaxStops)
	pl := &planner{in: in, allowed: allowed, byID: byID, seatNos: in.Bus.SeatNumbers()}
	fresh := pl.keep(units)
	pickups := map[int64][]unit{}
	for _, u := range fresh {
		pickups[u.pickup] = append(pickups[u.pickup], u)
	}
	ids := make([]int64, 0, len(pickups))
	for id := range pickups {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		cs, err := pl.solve(ctx, id, pickups[id])
		if err != nil {
			return Plan{}, err
		}
		pl.charters = append(pl.charters, cs...)
	}
	plan.Charters = pl.charters
	for i := range plan.Charters {
		pl.finish(&plan.Charters[i])
	}
	plan.Dropped = pl.dropped
	// Moves: riders of the previous plan whose charter changed.
	where := map[int64]int{}
	for i, c := range plan.Charters {
		for _, s := range c.Seats {
			where[s.Rider] = i
		}
	}
	for _, pc := range in.Previous {
		for _, s := range pc.Seats {
			i, ok := where[s.Rider]
			if !ok || plan.Charters[i].Ref == pc.Ref {
				continue
			}
			plan.Moves = append(plan.Moves, Move{Rider: s.Rider, From: pc.Ref, To: plan.Charters[i].Ref, ToIndex: i})
		}
	}
	sort.Slice(plan.Moves, func(i, j int) bool { return plan.Moves[i].Rider < plan.Moves[j].Rider })
	sort.Slice(plan.Unassigned, func(i, j int) bool { return plan.Unassigned[i].Rider < plan.Unassigned[j].Rider })
	if plan.Charters == nil {
		plan.Charters = []Charter{}
	}
	return plan, nil
}

func validPoint(p Point) bool {
	return !(p.Lat == 0 && p.Lng == 0) && p.Lat >= -90 && p.Lat <= 90 && p.Lng >= -180 && p.Lng <= 180 &&
		!math.IsNaN(p.Lat) && !math.IsNaN(p.Lng)
}

// makeUnits groups riders by pickup point and group. A group that cannot
// travel together — more riders than a bus may carry, or more sites than a
// bus may stop at — is cut by site, and a site's part larger than a bus
// into bus-sized parts.
func makeUnits(riders []Rider, allowed, maxStops int) []unit {
	type key struct {
		pickup int64
		group  string
	}
	m := map[key][]Rider{}
	var order []key
	for _, r := range riders {
		k := key{r.Pickup, r.Group}
		if r.Group == "" {
			k.group = fmt.Sprint("\x00", r.ID)
		}
		if _, ok := m[k]; !ok {
			order = append(order, k)
		}
		m[k] = append(m[k], r)
	}
	var out []unit
	for _, k := range order {
		rs := m[k]
		u := newUnit(k.pickup, rs)
		if len(u.riders) <= allowed && (maxStops == 0 || len(u.sites) <= maxStops) {
			out = append(out, u)
			continue
		}
		bySite := map[int64][]Rider{}
		for _, r := range rs {
			bySite[r.Site] = append(bySite[r.Site], r)
		}
		for _, site := range u.sites {
			part := bySite[site]
			sort.Slice(part, func(i, j int) bool { return part[i].ID < part[j].ID })
			for len(part) > allowed {
				out = append(out, newUnit(k.pickup, part[:allowed]))
				part = part[allowed:]
			}
			out = append(out, newUnit(k.pickup, part))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.pickup != b.pickup {
			return a.pickup < b.pickup
		}
		return a.riders[0] < b.riders[0]
	})
	return out
}

func newUnit(pickup int64, rs []Rider) unit {
	u := unit{pickup: pickup}
	for _, r := range rs {
		u.riders = append(u.riders, r.ID)
		if !slices.Contains(u.sites, r.Site) {
			u.sites = append(u.sites, r.Site)
		}
	}
	slices.Sort(u.riders)
	slices.Sort(u.sites)
	return u
}

type planner struct {
	in       PlanInput
	allowed  int
	byID     map[int64]Rider
	seatNos  []int
	charters []Charter
	dropped  []int64 // refs of previous charters left empty
}

// place is where a rider sat in the previous plan.
type place struct{ charter, seat int }

// prevSeat is r's previous seat number if r sat on charter ci, else 0.
func prevSeat(prev map[int64]place, r int64, ci int) int {
	if p, ok := prev[r]; ok && p.charter == ci {
		return p.seat
	}
	return 0
}

// stopsOf counts the distinct sites of units.
func stopsOf(us []unit) map[int64]bool {
	sites := map[int64]bool{}
	for _, u := range us {
		for _, s := range u.sites {
			sites[s] = true
		}
	}
	return sites
}

// keep puts units back on their previous charters where they fit and
// returns the units left to plan afresh.
func (pl *planner) keep(units []unit) []unit {
	if len(pl.in.Previous) == 0 {
		return units
	}
	prev := map[int64]place{}
	for ci, c := range pl.in.Previous {
		for _, s := range c.Seats {
			prev[s.Rider] = place{ci, s.No}
		}
	}
	cs := make([]Charter, len(pl.in.Previous))
	for i, c := range pl.in.Previous {
		cs[i] = Charter{Ref: c.Ref, Pickup: c.Pickup}
	}
	members := make([][]unit, len(cs)) // units kept on each charter
	var rest []unit
	for _, u := range units {
		// A unit stays where its previously seated members sat, if they
		// all sat on one charter of the same pickup point.
		ci, ok := -1, true
		for _, r := range u.riders {
			if p, was := prev[r]; was {
				if ci == -1 {
					ci = p.charter
				} else if ci != p.charter {
					ok = false
				}
			}
		}
		if ci < 0 || !ok || cs[ci].Pickup != u.pickup {
			rest = append(rest, u)
			continue
		}
		members[ci] = append(members[ci], u)
	}
	for ci := range cs {
		us := members[ci]
		// Too many riders or stops now (a lower load factor, a tighter
		// stop limit, grown groups): evict units, not-notified ones first.
		for {
			load := 0
			for _, u := range us {
				load += len(u.riders)
			}
			nStops := len(stopsOf(us))
			if load <= pl.allowed && (pl.in.MaxStops == 0 || nStops <= pl.in.MaxStops) {
				break
			}
			var victim int
			if load > pl.allowed {
				victim = pl.evictOne(us, nil)
			} else {
				victim = pl.evictOne(us, pl.smallestSite(us))
			}
			rest = append(rest, us[victim])
			us = slices.Delete(us, victim, victim+1)
		}
		// Stops keep their previous order; seats their numbers.
		order := map[int64]int{}
		for i, s := range pl.in.Previous[ci].Stops {
			if _, dup := order[s.Site]; !dup {
				order[s.Site] = i
			}
		}
		var riders []int64
		for _, u := range us {
			riders = append(riders, u.riders...)
		}
		sort.SliceStable(riders, func(i, j int) bool {
			return order[pl.byID[riders[i]].Site] < order[pl.byID[riders[j]].Site]
		})
		for _, r := range riders {
			no := 0
			if p, was := prev[r]; was {
				no = p.seat
			}
			pl.addRider(&cs[ci], r, no, true)
		}
	}
	// New riders join kept charters with room, cheapest insertion first.
	var fresh []unit
	for _, u := range rest {
		best, bestCost := -1, math.Inf(1)
		for ci := range cs {
			c := &cs[ci]
			if c.Pickup != u.pickup || len(c.Seats) == 0 || c.Load()+len(u.riders) > pl.allowed {
				continue
			}
			cost, added := 0.0, 0
			for _, site := range u.sites {
				if stopIndex(c, site) < 0 {
					added++
					_, d := pl.cheapestInsert(c, pl.siteAt(u, site))
					cost += d
				}
			}
			if pl.in.MaxStops > 0 && len(c.Stops)+added > pl.in.MaxStops {
				continue
			}
			if cost < bestCost {
				best, bestCost = ci, cost
			}
		}
		if best < 0 {
			fresh = append(fresh, u)
			continue
		}
		for _, r := range u.riders {
			pl.addRider(&cs[best], r, prevSeat(prev, r, best), false)
		}
	}
	for _, c := range cs {
		if len(c.Seats) == 0 {
			pl.dropped = append(pl.dropped, c.Ref)
			continue
		}
		pl.charters = append(pl.charters, c)
	}
	return fresh
}

// siteAt is the position of a site of u.
func (pl *planner) siteAt(u unit, site int64) Point {
	for _, r := range u.riders {
		if x := pl.byID[r]; x.Site == site {
			return x.At
		}
	}
	return Point{}
}

// evictOne picks the unit to take off a charter: among units stopping at
// site (or all when site is nil), the one with the fewest notified riders,
// then the largest (to free room quickly), then the last.
func (pl *planner) evictOne(us []unit, site *int64) int {
	best, bestN, bestLen := -1, 0, 0
	for i, u := range us {
		if site != nil && !slices.Contains(u.sites, *site) {
			continue
		}
		n := 0
		for _, r := range u.riders {
			if pl.in.Notified[r] {
				n++
			}
		}
		if best < 0 || n < bestN || (n == bestN && len(u.riders) >= bestLen) {
			best, bestN, bestLen = i, n, len(u.riders)
		}
	}
	return best
}

// smallestSite is the site with the fewest notified riders, then riders.
func (pl *planner) smallestSite(us []unit) *int64 {
	type agg struct{ notified, riders int }
	m := map[int64]*agg{}
	var sites []int64
	for _, u := range us {
		for _, r := range u.riders {
			s := pl.byID[r].Site
			a, ok := m[s]
			if !ok {
				a = &agg{}
				m[s] = a
				sites = append(sites, s)
			}
			a.riders++
			if pl.in.Notified[r] {
				a.notified++
			}
		}
	}
	best := sites[0]
	for _, s := range sites[1:] {
		a, b := m[s], m[best]
		if a.notified < b.notified || (a.notified == b.notified && a.riders < b.riders) {
			best = s
		}
	}
	return &best
}

func stopIndex(c *Charter, site int64) int {
	for i, s := range c.Stops {
		if s.Site == site {
			return i
		}
	}
	return -1
}

// cheapestInsert finds where a new stop at p adds the least distance.
func (pl *planner) cheapestInsert(c *Charter, p Point) (int, float64) {
	from := pl.in.Pickups[c.Pickup]
	best, bestCost := len(c.Stops), math.Inf(1)
	for i := 0; i <= len(c.Stops); i++ {
		a := from
		if i > 0 {
			a = c.Stops[i-1].At
		}
		cost := pl.in.Distance.Km(a, p)
		if i < len(c.Stops) {
			b := c.Stops[i].At
			cost += pl.in.Distance.Km(p, b) - pl.in.Distance.Km(a, b)
		}
		if cost < bestCost {
			best, bestCost = i, cost
		}
	}
	return best, bestCost
}

// addRider seats rider r on c, adding the rider's stop if needed. no is the
// rider's previous seat number (0: take the next free one); a new stop goes
// last when appendStop is set, else where it adds the least distance.
func (pl *planner) addRider(c *Charter, r int64, no int, appendStop bool) {
	x := pl.byID[r]
	si := stopIndex(c, x.Site)
	if si < 0 {
		if appendStop || len(c.Seats) == 0 {
			si = len(c.Stops)
		} else {
			si, _ = pl.cheapestInsert(c, x.At)
		}
		c.Stops = slices.Insert(c.Stops, si, Stop{Site: x.Site, At: x.At})
		for k := range c.Seats {
			if c.Seats[k].Stop >= si {
				c.Seats[k].Stop++
			}
		}
	}
	c.Seats = append(c.Seats, Seat{Rider: r, No: no, Stop: si})
}

// finish numbers the free seats, sorts the seats and measures the route.
func (pl *planner) finish(c *Charter) {
	used := map[int]bool{}
	for _, s := range c.Seats {
		if s.No > 0 {
			used[s.No] = true
		}
	}
	// Seats sorted by stop; within a stop in the order riders were added
	// (groups together).
	sort.SliceStable(c.Seats, func(i, j int) bool { return c.Seats[i].Stop < c.Seats[j].Stop })
	next := 0
	free := func() int {
		for next < len(pl.seatNos) && used[pl.seatNos[next]] {
			next++
		}
		if next < len(pl.seatNos) {
			used[pl.seatNos[next]] = true
			return pl.seatNos[next]
		}
		for n := 1; ; n++ { // kept seats outside the spread: any free seat
			if !used[n] {
				used[n] = true
				return n
			}
		}
	}
	for i := range c.Seats {
		if c.Seats[i].No == 0 {
			c.Seats[i].No = free()
		}
	}
	km, at := 0.0, pl.in.Pickups[c.Pickup]
	for _, s := range c.Stops {
		km += pl.in.Distance.Km(at, s.At)
		at = s.At
	}
	c.Km = math.Round(km*10) / 10
}

// chunk is one customer of the routing problem: whole units whose sites
// are linked by groups, at most a bus load.
type chunk struct {
	units []unit
	load  int
	sites []int64
	at    Point // the position of the site with the most riders
}

// solve plans fresh charters for the units of one pickup point.
func (pl *planner) solve(ctx context.Context, pickup int64, units []unit) ([]Charter, error) {
	// Sites linked by a group that goes to several of them form a cluster;
	// a cluster with more riders than a bus is cut into bus-sized chunks of
	// whole units (first fit decreasing).
	parent := map[int64]int64{}
	var find func(int64) int64
	find = func(x int64) int64 {
		if p, ok := parent[x]; ok && p != x {
			r := find(p)
			parent[x] = r
			return r
		}
		parent[x] = x
		return x
	}
	for _, u := range units {
		for _, s := range u.sites[1:] {
			a, b := find(u.sites[0]), find(s)
			if a != b {
				parent[max(a, b)] = min(a, b)
			}
		}
	}
	byCluster := map[int64][]unit{}
	var roots []int64
	for _, u := range units {
		r := find(u.sites[0])
		if _, ok := byCluster[r]; !ok {
			roots = append(roots, r)
		}
		byCluster[r] = append(byCluster[r], u)
	}
	slices.Sort(roots)
	var chunks []chunk
	for _, root := range roots {
		us := byCluster[root]
		sort.SliceStable(us, func(i, j int) bool { return len(us[i].riders) > len(us[j].riders) })
		var cs []chunk
		for _, u := range us {
			placed := false
			for k := range cs {
				if cs[k].load+len(u.riders) <= pl.allowed && pl.fitsStops(cs[k].sites, u.sites) {
					cs[k].units = append(cs[k].units, u)
					cs[k].load += len(u.riders)
					cs[k].sites = union(cs[k].sites, u.sites)
					placed = true
					break
				}
			}
			if !placed {
				cs = append(cs, chunk{units: []unit{u}, load: len(u.riders), sites: slices.Clone(u.sites)})
			}
		}
		for k := range cs {
			cs[k].at = pl.mainSite(cs[k])
		}
		chunks = append(chunks, cs...)
	}
	points := []Point{pl.in.Pickups[pickup]}
	demand := []int{0}
	for _, c := range chunks {
		points = append(points, c.at)
		demand = append(demand, c.load)
	}
	// The matrix stays symmetric (the solver's moves assume it): the bus's
	// way back counts in the objective, not in Charter.Km.
	dist := Matrix(pl.in.Distance, points)
	// A chunk may stop at several sites but the solver counts it as one
	// stop: routes that would stop too often are cut below.
	p := Problem{Dist: dist, Demand: demand, Capacity: pl.allowed, MaxStops: pl.in.MaxStops, MinimiseVehicles: true}
	sol, err := Solve(ctx, p, Options{Seed: pl.in.Seed, MaxIterations: pl.in.MaxIterations, TimeLimit: pl.in.TimeLimit})
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return nil, err
	}
	if cerr := sol.Check(p); cerr != nil {
		return nil, fmt.Errorf("charter: the solver returned an infeasible plan: %w", cerr)
	}
	var out []Charter
	for _, route := range sol.Routes {
		if len(route) == 0 {
			continue
		}
		c := Charter{Pickup: pickup}
		for _, node := range route {
			ch := chunks[node-1]
			if pl.in.MaxStops > 0 && len(union(sitesOf(&c), ch.sites)) > pl.in.MaxStops {
				out = append(out, c) // too many stops: this chunk starts another bus
				c = Charter{Pickup: pickup}
			}
			pl.addChunk(&c, ch)
		}
		out = append(out, c)
	}
	// Deterministic order: by first stop's site, then load.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Stops[0].Site != out[j].Stops[0].Site {
			return out[i].Stops[0].Site < out[j].Stops[0].Site
		}
		return out[i].Load() > out[j].Load()
	})
	return out, nil
}

// fitsStops tells whether a chunk at sites may take a unit going to more.
func (pl *planner) fitsStops(sites, more []int64) bool {
	return pl.in.MaxStops == 0 || len(union(sites, more)) <= pl.in.MaxStops
}

func union(a, b []int64) []int64 {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return out
}

func sitesOf(c *Charter) []int64 {
	var out []int64
	for _, s := range c.Stops {
		out = append(out, s.Site)
	}
	return out
}

// mainSite is the position of the chunk's site with the most riders.
func (pl *planner) mainSite(ch chunk) Point {
	n := map[int64]int{}
	var best int64
	var at Point
	for _, u := range ch.units {
		for _, r := range u.riders {
			x := pl.byID[r]
			n[x.Site]++
			if n[x.Site] > n[best] || (n[x.Site] == n[best] && x.Site < best) {
				best, at = x.Site, x.At
			}
		}
	}
	return at
}

// addChunk seats a chunk's riders on c: its new sites are visited nearest
// first from where the bus is, after the stops it already has.
func (pl *planner) addChunk(c *Charter, ch chunk) {
	var riders []int64
	for _, u := range ch.units {
		riders = append(riders, u.riders...)
	}
	todo := map[int64]bool{}
	for _, s := range ch.sites {
		if stopIndex(c, s) < 0 {
			todo[s] = true
		}
	}
	at := pl.in.Pickups[c.Pickup]
	if len(c.Stops) > 0 {
		at = c.Stops[len(c.Stops)-1].At
	}
	for len(todo) > 0 {
		var next int64
		var nextAt Point
		bestD := math.Inf(1)
		for _, r := range riders {
			x := pl.byID[r]
			if !todo[x.Site] {
				continue
			}
			if d := pl.in.Distance.Km(at, x.At); d < bestD || (d == bestD && x.Site < next) {
				next, nextAt, bestD = x.Site, x.At, d
			}
		}
		c.Stops = append(c.Stops, Stop{Site: next, At: nextAt})
		delete(todo, next)
		at = nextAt
	}
	for _, r := range riders {
		c.Seats = append(c.Seats, Seat{Rider: r, Stop: stopIndex(c, pl.byID[r].Site)})
	}
}
