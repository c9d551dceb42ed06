package charter

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

// unit is riders who travel together: one group to one site from one pickup.
type unit struct {
	pickup, site int64
	at           Point
	riders       []int64 // sorted
}

func (u unit) key() string { return fmt.Sprint(u.pickup, "/", u.site, "/", u.riders[0]) }

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
	units := makeUnits(riders, allowed)
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

// makeUnits groups riders by pickup, site and group; a group larger than a
// bus cannot travel together and is cut into bus-sized parts.
func makeUnits(riders []Rider, allowed int) []unit {
	type key struct {
		pickup, site int64
		group        string
	}
	m := map[key]*unit{}
	var order []key
	for _, r := range riders {
		k := key{r.Pickup, r.Site, r.Group}
		if r.Group == "" {
			k.group = fmt.Sprint("\x00", r.ID)
		}
		u, ok := m[k]
		if !ok {
			u = &unit{pickup: r.Pickup, site: r.Site, at: r.At}
			m[k] = u
			order = append(order, k)
		}
		u.riders = append(u.riders, r.ID)
	}
	var out []unit
	for _, k := range order {
		u := m[k]
		slices.Sort(u.riders)
		for len(u.riders) > allowed {
			out = append(out, unit{pickup: u.pickup, site: u.site, at: u.at, riders: u.riders[:allowed:allowed]})
			u.riders = u.riders[allowed:]
		}
		out = append(out, *u)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.pickup != b.pickup {
			return a.pickup < b.pickup
		}
		if a.site != b.site {
			return a.site < b.site
		}
		return a.riders[0] < b.riders[0]
	})
	return out
}

type planner struct {
	in       PlanInput
	allowed  int
	byID     map[int64]Rider
	seatNos  []int
	charters []Charter
	dropped  []int64 // refs of previous charters left empty
}

// keep puts units back on their previous charters where they fit and
// returns the units left to plan afresh.
func (pl *planner) keep(units []unit) []unit {
	if len(pl.in.Previous) == 0 {
		return units
	}
	// Where was each rider, on which seat.
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
		// A unit stays where its first previously seated member sat, if it
		// is the same pickup and all its previously seated members were there.
		ci := -1
		ok := true
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
			load, sites := 0, map[int64]bool{}
			for _, u := range us {
				load += len(u.riders)
				sites[u.site] = true
			}
			if load <= pl.allowed && (pl.in.MaxStops == 0 || len(sites) <= pl.in.MaxStops) {
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
		members[ci] = us
		// Stops keep their previous order; seats their numbers.
		order := map[int64]int{}
		for i, s := range pl.in.Previous[ci].Stops {
			if _, dup := order[s.Site]; !dup {
				order[s.Site] = i
			}
		}
		sort.SliceStable(us, func(i, j int) bool { return order[us[i].site] < order[us[j].site] })
		for _, u := range us {
			for _, r := range u.riders {
				no := 0
				if p, was := prev[r]; was {
					no = p.seat
				}
				pl.addRider(&cs[ci], u, r, no, true)
			}
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
			cost := 0.0
			if stopIndex(c, u.site) < 0 {
				if pl.in.MaxStops > 0 && len(c.Stops) >= pl.in.MaxStops {
					continue
				}
				_, cost = pl.cheapestInsert(c, u.at)
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
			pl.addRider(&cs[best], u, r, prevSeat(prev, r, best), false)
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

// place is where a rider sat in the previous plan.
type place struct{ charter, seat int }

// prevSeat is r's previous seat number if r sat on charter ci, else 0.
func prevSeat(prev map[int64]place, r int64, ci int) int {
	if p, ok := prev[r]; ok && p.charter == ci {
		return p.seat
	}
	return 0
}

// evictOne picks the unit to take off a charter: among units at site (or
// all when site is nil), the one with the fewest notified riders, then the
// largest (to free room quickly), then the last.
func (pl *planner) evictOne(us []unit, site *int64) int {
	best, bestN, bestLen := -1, 0, 0
	for i, u := range us {
		if site != nil && u.site != *site {
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
		a, ok := m[u.site]
		if !ok {
			a = &agg{}
			m[u.site] = a
			sites = append(sites, u.site)
		}
		for _, r := range u.riders {
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

// addRider seats rider r of unit u on c, adding u's stop if needed. no is
// the rider's previous seat number (0: take the next free one); a new stop
// goes last when appendStop is set, else where it adds the least distance.
func (pl *planner) addRider(c *Charter, u unit, r int64, no int, appendStop bool) {
	si := stopIndex(c, u.site)
	if si < 0 {
		if appendStop || len(c.Seats) == 0 {
			si = len(c.Stops)
		} else {
			si, _ = pl.cheapestInsert(c, u.at)
		}
		c.Stops = slices.Insert(c.Stops, si, Stop{Site: u.site, At: u.at})
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
	// Seats sorted by stop, then unit order (already grouped), then rider.
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

// solve plans fresh charters for the units of one pickup point.
func (pl *planner) solve(ctx context.Context, pickup int64, units []unit) ([]Charter, error) {
	// Customers are sites; a site with more riders than a bus is cut into
	// bus-sized chunks of whole units (first fit decreasing).
	type chunk struct {
		site  int64
		at    Point
		units []unit
		load  int
	}
	bySite := map[int64][]unit{}
	var sites []int64
	for _, u := range units {
		if _, ok := bySite[u.site]; !ok {
			sites = append(sites, u.site)
		}
		bySite[u.site] = append(bySite[u.site], u)
	}
	slices.Sort(sites)
	var chunks []chunk
	for _, s := range sites {
		us := bySite[s]
		sort.SliceStable(us, func(i, j int) bool { return len(us[i].riders) > len(us[j].riders) })
		var cs []chunk
		for _, u := range us {
			placed := false
			for k := range cs {
				if cs[k].load+len(u.riders) <= pl.allowed {
					cs[k].units = append(cs[k].units, u)
					cs[k].load += len(u.riders)
					placed = true
					break
				}
			}
			if !placed {
				cs = append(cs, chunk{site: s, at: u.at, units: []unit{u}, load: len(u.riders)})
			}
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
	// Chunks of one site are one place; the stop limit counts places, so
	// a limit is applied by the solver per chunk and kept after merging.
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
			for _, u := range ch.units {
				for _, r := range u.riders {
					pl.addRiderInOrder(&c, u, r)
				}
			}
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

// addRiderInOrder seats r on c, appending u's stop after the last one
// unless it is already there (the solver's visiting order).
func (pl *planner) addRiderInOrder(c *Charter, u unit, r int64) {
	si := stopIndex(c, u.site)
	if si < 0 {
		si = len(c.Stops)
		c.Stops = append(c.Stops, Stop{Site: u.site, At: u.at})
	}
	c.Seats = append(c.Seats, Seat{Rider: r, Stop: si})
}
