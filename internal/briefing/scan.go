package briefing

import (
	"math/bits"
	"sort"
	"strconv"
	"strings"

	"easyjob/internal/easyjob"
	"easyjob/internal/region"
)

// The answers of the dashboards are passes over the snapshot (snapshot.go).
// A query becomes a selection (which counties × districts, employer and
// trades pass: the actor's scope, the region, the filters) and groupers
// (the key of a row in a grouping); one pass in the seekers' order sums the
// funnels of any number of groupings, the line of a step by day and the
// histograms of the medians.

// selection is what of the snapshot a query reads.
type selection struct {
	nd       int
	ok       []bool // by county*nd + district: in the scope and the region
	regOK    []bool // by county: registrations in the scope and the region
	employer int32  // the employer's index; -1 any, -2 none (unknown)
	trades   []bool // by trade; nil for any
}

func anyPrefix(prefixes []string, code string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(code, p) {
			return true
		}
	}
	return false
}

// selectionOf is a query's selection, as the SQL of the facts reads it:
// the scope by county or district, the region by county (or by district
// for a Shenzhen region); the registrations have no district, so a
// district's scope or region selects none.
func (d *snapData) selectionOf(a easyjob.Actor, q Query) selection {
	cs, ds := d.counties.names, d.districts.names
	sl := selection{nd: len(ds), ok: make([]bool, len(cs)*len(ds)), regOK: make([]bool, len(cs)), employer: -1}
	inDistrict := q.Region != "" && region.IsShenzhen(q.Region)
	dScope, dRegion := make([]bool, len(ds)), make([]bool, len(ds))
	for j, dist := range ds {
		dScope[j] = anyPrefix(a.Scope.Districts, dist)
		dRegion[j] = strings.HasPrefix(dist, q.Region)
	}
	for i, c := range cs {
		cScope := a.Scope.All || anyPrefix(a.Scope.Counties, c)
		cRegion := q.Region == "" || !inDistrict && strings.HasPrefix(c, q.Region)
		sl.regOK[i] = cScope && cRegion
		for j := range ds {
			sl.ok[i*len(ds)+j] = (cScope || dScope[j]) && (q.Region == "" || cRegion || inDistrict && dRegion[j])
		}
	}
	if q.Employer != 0 {
		sl.employer = -2
		if e, ok := d.empIdx[q.Employer]; ok {
			sl.employer = e
		}
	}
	if q.Trade != "" {
		sl.trades = make([]bool, len(d.trades.names))
		for i, t := range d.trades.names {
			sl.trades[i] = strings.HasPrefix(t, q.Trade)
		}
	}
	return sl
}

func (sl *selection) pass(r *frow) bool {
	return sl.ok[int(r.county)*sl.nd+int(r.district)] &&
		(sl.employer == -1 || r.employer == sl.employer) &&
		(sl.trades == nil || sl.trades[r.trade])
}

// grouper sums the funnel of one grouping: per group and poor (0, 1), the
// registered (0) and each step.
type grouper struct {
	group string
	// distinct: "registered" counts the distinct seekers of the facts (a
	// district, an employer, a trade), else the registrations.
	distinct bool
	byCode   []int32 // the group of a county or district, or nil
	week0    int32   // the first week (group "week")
	keys     []string
	nums     []int64 // instead of keys: employer ids, week numbers
	// c are the counts by group and poor, in int32 so that the counts of
	// thousands of employers stay in the processor's cache (the pass
	// waited on memory); registrations are added in int64 to reg.
	c   [][2][10]int32
	reg [][2]int64
	// seen is the last seeker counted (its ordinal in the pass), for the
	// distinct seekers.
	seen    [][2]int32
	present []bool
}

func (d *snapData) grouperOf(group string, distinct bool, from, to int32) *grouper {
	g := &grouper{group: group, distinct: distinct}
	byPrefix := func(n int) {
		at := map[string]int32{}
		g.byCode = make([]int32, len(d.counties.names))
		for i, c := range d.counties.names {
			k := c
			if len(k) > n {
				k = k[:n]
			}
			x, ok := at[k]
			if !ok {
				x = int32(len(g.keys))
				at[k] = x
				g.keys = append(g.keys, k)
			}
			g.byCode[i] = x
		}
	}
	switch group {
	case "origin_county":
		byPrefix(1 << 30)
	case "prefecture":
		byPrefix(4)
	case "province":
		byPrefix(2)
	case "district":
		g.keys = d.districts.names
	case "trade":
		g.keys = d.trades.names
	case "employer":
		g.nums = d.employers
	case "week":
		g.week0 = (from + 3) / 7
		for w := g.week0; w <= (to+3)/7; w++ {
			g.nums = append(g.nums, int64(w))
		}
	default:
		g.keys = []string{""}
	}
	n := len(g.keys) + len(g.nums)
	g.c, g.seen, g.present = make([][2][10]int32, n), make([][2]int32, n), make([]bool, n)
	if !distinct {
		g.reg = make([][2]int64, n)
	}
	return g
}

// of is the group of a fact.
func (g *grouper) of(r *frow) int {
	switch g.group {
	case "origin_county", "prefecture", "province":
		return int(g.byCode[r.county])
	case "district":
		return int(r.district)
	case "trade":
		return int(r.trade)
	case "employer":
		return int(r.employer)
	case "week":
		return int((int32(r.day)+3)/7 - g.week0)
	}
	return 0
}

// ofReg is the group of a registration (the groupings by registration).
func (g *grouper) ofReg(r *regRow) int {
	switch g.group {
	case "origin_county", "prefecture", "province":
		return int(g.byCode[r.county])
	case "week":
		return int((r.day+3)/7 - g.week0)
	}
	return 0
}

// pass is one pass over the snapshot.
type pass struct {
	from, to int32 // registration days of the funnels and medians
	groups   []*grouper
	// daily is the step (index of Steps) whose line by day is counted from
	// lineFrom to lineTo (days the step was reached), -1 for none.
	daily            int
	lineFrom, lineTo int32
	line             []int64
	// medians: the histograms of days from registration to the offer and
	// to arrival (all, poor).
	medians bool
	hist    [2][2]hist
}

// hist is a histogram of days.
type hist struct {
	n    []int64 // by days, 0 ≤ days < len(n)
	more map[int]int64
}

func (h *hist) add(days int) {
	if days >= 0 && days < 1<<12 {
		if days >= len(h.n) {
			h.n = append(h.n, make([]int64, max(days+1, 64)-len(h.n))...)
		}
		h.n[days]++
		return
	}
	if h.more == nil {
		h.more = map[int]int64{}
	}
	h.more[days]++
}

func (h *hist) median() *float64 {
	m := map[int]int64{}
	for d, n := range h.n {
		if n > 0 {
			m[d] = n
		}
	}
	for d, n := range h.more {
		m[d] += n
	}
	return median(m)
}

var medianSteps = [2]int{indexOf(Steps, DelaySteps[0]), indexOf(Steps, DelaySteps[1])}

func (p *pass) run(d *snapData, sl selection) {
	if p.daily >= 0 {
		p.line = make([]int64, p.lineTo-p.lineFrom+1)
	}
	funnels := len(p.groups) > 0 || p.medians
	var seeker int64
	var ord int32 // the seeker's ordinal
	for _, ri := range d.order {
		r := &d.rows[ri]
		if !sl.pass(r) {
			continue
		}
		if r.seeker != seeker {
			seeker = r.seeker
			ord++
		}
		if p.daily >= 0 {
			if sd := int32(r.steps[p.daily]); sd >= p.lineFrom && sd <= p.lineTo {
				p.line[sd-p.lineFrom]++
			}
		}
		if day := int32(r.day); !funnels || day < p.from || day > p.to {
			continue
		}
		poor := 0
		if r.poor {
			poor = 1
		}
		for _, g := range p.groups {
			k := g.of(r)
			c := &g.c[k][poor]
			for m := r.reached; m != 0; m &= m - 1 {
				c[bits.TrailingZeros16(m)+1]++
			}
			g.present[k] = true
			if g.distinct && g.seen[k][poor] != ord {
				g.seen[k][poor] = ord
				c[0]++
			}
		}
		if p.medians {
			for i, st := range medianSteps {
				if sd := r.steps[st]; sd > 0 {
					days := int(sd) - int(r.day)
					p.hist[i][0].add(days)
					if r.poor {
						p.hist[i][1].add(days)
					}
				}
			}
		}
	}
	var byReg []*grouper
	for _, g := range p.groups {
		if !g.distinct {
			byReg = append(byReg, g)
		}
	}
	if len(byReg) == 0 {
		return
	}
	for i := range d.reg {
		r := &d.reg[i]
		if !sl.regOK[r.county] || r.day < p.from || r.day > p.to {
			continue
		}
		poor := 0
		if r.poor {
			poor = 1
		}
		for _, g := range byReg {
			k := g.ofReg(r)
			g.reg[k][poor] += r.n
			g.present[k] = true
		}
	}
}

// list is the grouper's groups that have figures, in the order of their
// keys (weeks and employers by number).
func (g *grouper) list() []Row {
	var idx []int
	for k, ok := range g.present {
		if ok {
			idx = append(idx, k)
		}
	}
	if g.nums != nil {
		sort.Slice(idx, func(i, j int) bool { return g.nums[idx[i]] < g.nums[idx[j]] })
	} else {
		sort.Slice(idx, func(i, j int) bool { return g.keys[idx[i]] < g.keys[idx[j]] })
	}
	out := make([]Row, 0, len(idx))
	for _, k := range idx {
		var r Row
		if g.nums != nil {
			r.Key = strconv.FormatInt(g.nums[k], 10)
		} else {
			r.Key = g.keys[k]
		}
		var all Counts
		for poor := range 2 {
			var c Counts
			for i := range StepNames {
				*c.At(i) = int64(g.c[k][poor][i])
			}
			if g.reg != nil {
				c.Registered += g.reg[k][poor]
			}
			all.add(c)
			if poor == 1 {
				r.Poor = c
			}
		}
		r.set(all)
		out = append(out, r)
	}
	return out
}
