package match

import (
	"fmt"
	"math"
	"sync"
)

// Index holds open postings and seekers in memory, bucketed by occupation
// code, for Recommend, Candidates and Assign.
//
// It is safe for concurrent use: any number of readers run alongside one
// writer at a time. Single writes hold the read lock out only for the
// (microseconds-long) change; Bulk builds a new copy without holding it and
// swaps it in at the end.
type Index struct {
	wmu sync.Mutex   // serialises writers (including Bulk)
	mu  sync.RWMutex // guards st against readers
	st  *state
}

// NewIndex returns an empty index with DefaultPolicy.
func NewIndex() *Index {
	return &Index{st: newState()}
}

// posting flags
const (
	pfDorm     = 1 << 0
	pfMeals    = 1 << 1
	pfVerified = 1 << 2
	pfLive     = 1 << 3 // open and has remaining headcount
	pfOpen     = 1 << 4
)

// seeker flags
const (
	sfDorm    = 1 << 0
	sfMeals   = 1 << 1
	sfPoor    = 1 << 2
	sfTwinned = 1 << 3
	sfActive  = 1 << 5
	sfUsed    = 1 << 6 // slot in use
)

const noAgeMax = math.MaxUint8

// pentry is the compact form of a posting, stored in its occupation bucket.
type pentry struct {
	id        int64
	cong      float64 // C of the score, cached for the current policy
	employer  int32
	pay       int32
	start     int32
	closing   int32 // math.MaxInt32 when none
	published int32
	remaining int32
	pending   int32
	district  uint16
	ageMin    uint8
	ageMax    uint8 // noAgeMax when none
	flags     uint8
}

// ploc locates a posting in its bucket.
type ploc struct {
	code codeID
	grp  uint8
	pos  int32
}

// srec is the compact form of a seeker.
type srec struct {
	id     int64
	pay    int32
	avail  int32
	group  uint32
	county uint16
	age    uint8
	exp    uint8
	flags  uint8
	ntr    uint8
	trades [MaxTrades]codeID
	pos    [MaxTrades]int32 // position of the entry in sb[trades[k]], -1 if none
}

// sentry is a seeker's entry in one occupation bucket: a copy of everything
// Candidates needs, so that a bucket is scanned sequentially.
type sentry struct {
	id     int64
	pay    int32
	avail  int32
	county uint16
	trades [MaxTrades]codeID // all the seeker's trades
	age    uint8
	exp    uint8
	flags  uint8
	k      uint8 // this entry is for trades[k]
	ntr    uint8
}

// Seekers of one occupation are split into groups by priority class (poor,
// twinned) and experience level, the seeker-only factors of the employer's
// score, so that Candidates can bound a whole group's scores and skip it.
const (
	expLevels = 11 // experience 0..10 years (more counts as 10)
	nGroups   = 4 * expLevels
)

func seekerGroup(flags, exp uint8) int {
	return int((flags>>2)&3)*expLevels + int(min(exp, expLevels-1))
}

func groupClass(g int) (mclass uint8, exp uint8) { return uint8(g / expLevels), uint8(g % expLevels) }

// sbIndex is the position of the (code, group) bucket in state.sb.
func sbIndex(code codeID, g int) int { return int(code)*nGroups + g }

// villN is a count of fellow villagers: key is a county id in villByEmp
// and an employer id in villByCounty.
type villN struct {
	key int32
	n   int32
}

// state is one version of the index contents.
type state struct {
	codes codeTable

	counties    map[string]uint16 // 0 is the empty county
	countyNames []string
	districts   map[string]uint16 // 0 is the empty district
	distNames   []string
	groups      map[string]uint32 // 0 is the empty group
	groupNames  []string
	employers   map[int64]int32
	employerIDs []int64

	postings map[int64]ploc
	pb       [][]pentry // by pbIndex(code, group)
	ps       []bsum     // bounds of each pb bucket

	seekers map[int64]int32 // id → slot
	srecs   []srec
	free    []int32
	sb      [][]sentry // by sbIndex(code, group)

	vill         map[uint64]int32   // employer<<32 | county → n
	villByEmp    map[int32][]villN  // by employer, keyed by county
	villByCounty map[uint16][]villN // by county, keyed by employer

	pol Policy
}

func newState() *state {
	return &state{
		codes:        newCodeTable(),
		counties:     map[string]uint16{"": 0},
		countyNames:  []string{""},
		districts:    map[string]uint16{"": 0},
		distNames:    []string{""},
		groups:       map[string]uint32{"": 0},
		groupNames:   []string{""},
		employers:    map[int64]int32{},
		postings:     map[int64]ploc{},
		seekers:      map[int64]int32{},
		vill:         map[uint64]int32{},
		villByEmp:    map[int32][]villN{},
		villByCounty: map[uint16][]villN{},
		pol:          DefaultPolicy(),
	}
}

func cloneMap[K comparable, V any](m map[K]V) map[K]V {
	c := make(map[K]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func (st *state) clone() *state {
	c := &state{
		codes:        st.codes.clone(),
		counties:     cloneMap(st.counties),
		countyNames:  append([]string(nil), st.countyNames...),
		districts:    cloneMap(st.districts),
		distNames:    append([]string(nil), st.distNames...),
		groups:       cloneMap(st.groups),
		groupNames:   append([]string(nil), st.groupNames...),
		employers:    cloneMap(st.employers),
		employerIDs:  append([]int64(nil), st.employerIDs...),
		postings:     cloneMap(st.postings),
		pb:           make([][]pentry, len(st.pb)),
		ps:           append([]bsum(nil), st.ps...),
		seekers:      cloneMap(st.seekers),
		srecs:        append([]srec(nil), st.srecs...),
		free:         append([]int32(nil), st.free...),
		sb:           make([][]sentry, len(st.sb)),
		vill:         cloneMap(st.vill),
		villByEmp:    make(map[int32][]villN, len(st.villByEmp)),
		villByCounty: make(map[uint16][]villN, len(st.villByCounty)),
		pol:          st.pol,
	}
	for i, b := range st.pb {
		c.pb[i] = append([]pentry(nil), b...)
	}
	for i, b := range st.sb {
		c.sb[i] = append([]sentry(nil), b...)
	}
	for k, v := range st.villByEmp {
		c.villByEmp[k] = append([]villN(nil), v...)
	}
	for k, v := range st.villByCounty {
		c.villByCounty[k] = append([]villN(nil), v...)
	}
	return c
}

func (st *state) empty() bool {
	return len(st.postings) == 0 && len(st.seekers) == 0 && len(st.vill) == 0
}

// intern helpers

func (st *state) countyID(s string, add bool) (uint16, bool) {
	if id, ok := st.counties[s]; ok {
		return id, true
	}
	if !add || len(st.countyNames) >= math.MaxUint16 {
		return 0, false
	}
	id := uint16(len(st.countyNames))
	s = string([]byte(s))
	st.counties[s] = id
	st.countyNames = append(st.countyNames, s)
	return id, true
}

func (st *state) districtID(s string) (uint16, error) {
	if id, ok := st.districts[s]; ok {
		return id, nil
	}
	if len(st.distNames) >= math.MaxUint16 {
		return 0, fmt.Errorf("match: too many districts")
	}
	id := uint16(len(st.distNames))
	s = string([]byte(s))
	st.districts[s] = id
	st.distNames = append(st.distNames, s)
	return id, nil
}

func (st *state) groupID(s string) (uint32, error) {
	if id, ok := st.groups[s]; ok {
		return id, nil
	}
	if len(st.groupNames) >= math.MaxUint32 {
		return 0, fmt.Errorf("match: too many groups")
	}
	id := uint32(len(st.groupNames))
	s = string([]byte(s))
	st.groups[s] = id
	st.groupNames = append(st.groupNames, s)
	return id, nil
}

func (st *state) employerID(id int64) (int32, error) {
	if e, ok := st.employers[id]; ok {
		return e, nil
	}
	if len(st.employerIDs) >= math.MaxInt32 {
		return 0, fmt.Errorf("match: too many employers")
	}
	e := int32(len(st.employerIDs))
	st.employers[id] = e
	st.employerIDs = append(st.employerIDs, id)
	return e, nil
}

func clampU8(v int) uint8 {
	if v < 0 {
		return 0
	}
	if v > math.MaxUint8 {
		return math.MaxUint8
	}
	return uint8(v)
}

func congestion(alpha float64, pending, remaining int32) float64 {
	if remaining <= 0 {
		return 0
	}
	return 1 / (1 + alpha*float64(pending)/float64(remaining))
}

// compactPosting validates p and returns its compact form. It interns
// strings in st.
func (st *state) compactPosting(p *Posting) (pentry, codeID, error) {
	var e pentry
	if p.PayMin < 0 || p.PayMin > math.MaxInt32 {
		return e, 0, fmt.Errorf("match: posting %d: PayMin %d out of range", p.ID, p.PayMin)
	}
	if p.Headcount < 0 || p.Filled < 0 || p.Pending < 0 || p.Headcount > math.MaxInt32 || p.Filled > math.MaxInt32 || p.Pending > math.MaxInt32 {
		return e, 0, fmt.Errorf("match: posting %d: Headcount, Filled and Pending must be in [0, 2^31)", p.ID)
	}
	if p.AgeMin < 0 || p.AgeMax < 0 || (p.AgeMax > 0 && p.AgeMin > p.AgeMax) {
		return e, 0, fmt.Errorf("match: posting %d: bad age range [%d, %d]", p.ID, p.AgeMin, p.AgeMax)
	}
	code, err := st.codes.intern(p.Occupation)
	if err != nil {
		return e, 0, fmt.Errorf("match: posting %d: %w", p.ID, err)
	}
	emp, err := st.employerID(p.EmployerID)
	if err != nil {
		return e, 0, err
	}
	dist, err := st.districtID(p.District)
	if err != nil {
		return e, 0, err
	}
	rem := p.Headcount - p.Filled
	if rem < 0 {
		rem = 0
	}
	e = pentry{
		id:        p.ID,
		employer:  emp,
		pay:       int32(p.PayMin),
		start:     int32(p.StartDate),
		closing:   int32(p.ClosingDate),
		published: int32(p.PublishedAt),
		remaining: int32(rem),
		pending:   int32(p.Pending),
		district:  dist,
		ageMin:    clampU8(p.AgeMin),
		ageMax:    noAgeMax,
	}
	if p.ClosingDate == 0 {
		e.closing = math.MaxInt32
	}
	if p.AgeMax > 0 && p.AgeMax < noAgeMax {
		e.ageMax = uint8(p.AgeMax)
	}
	if p.Dorm {
		e.flags |= pfDorm
	}
	if p.Meals {
		e.flags |= pfMeals
	}
	if p.Verified {
		e.flags |= pfVerified
	}
	if p.Open {
		e.flags |= pfOpen
		if rem > 0 {
			e.flags |= pfLive
		}
	}
	e.cong = congestion(st.pol.CongestionAlpha, e.pending, e.remaining)
	return e, code, nil
}

// Postings of one occupation are split into groups by congestion band and
// by the posting-only factors verified, dorm and meals, so that Recommend
// can bound a whole group's scores and skip it; postings that are not open
// or are full go to a group that is never scanned.
const (
	congBands = 8
	nPGroups  = congBands*8 + 1
	deadGroup = congBands * 8
)

// A posting is in congestion band b when congLower[b] < C ≤ congUpper[b].
var (
	congLower = [congBands]float64{0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, -1}
	congUpper = [congBands]float64{1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3}
)

func postingGroup(e *pentry) uint8 {
	if e.flags&pfLive == 0 {
		return deadGroup
	}
	b := 0
	for e.cong <= congLower[b] {
		b++
	}
	return uint8(b*8 + int(e.flags&(pfDorm|pfMeals|pfVerified)))
}

// pbIndex is the position of the (code, group) bucket in state.pb.
func pbIndex(code codeID, g uint8) int { return int(code)*nPGroups + int(g) }

func (st *state) postingAt(loc ploc) *pentry {
	return &st.pb[pbIndex(loc.code, loc.grp)][loc.pos]
}

func (st *state) upsertPosting(p Posting) error {
	e, code, err := st.compactPosting(&p)
	if err != nil {
		return err
	}
	st.putPosting(e, code)
	return nil
}

// putPosting stores e in its bucket, replacing any posting of that ID.
func (st *state) putPosting(e pentry, code codeID) {
	g := postingGroup(&e)
	i := pbIndex(code, g)
	for len(st.pb) <= i {
		st.pb = append(st.pb, nil)
	}
	for len(st.ps) < len(st.pb) {
		st.ps = append(st.ps, emptySum)
	}
	if loc, ok := st.postings[e.id]; ok {
		if loc.code == code && loc.grp == g {
			st.pb[i][loc.pos] = e
			st.resum(i)
			return
		}
		st.delPostingEntry(loc)
	}
	st.postings[e.id] = ploc{code: code, grp: g, pos: int32(len(st.pb[i]))}
	st.pb[i] = append(st.pb[i], e)
	st.ps[i].add(&e)
}

// bsum bounds what the postings of one bucket can offer: the latest start,
// closing date and highest pay, the loosest age limits. A query none of
// whose hard rules a bucket's bounds can meet skips the bucket.
type bsum struct {
	start, closing, pay int32
	ageMin, ageMax      uint8
}

// emptySum bounds an empty bucket: nothing fits it.
var emptySum = bsum{start: math.MinInt32, closing: math.MinInt32, pay: math.MinInt32, ageMin: math.MaxUint8}

func (b *bsum) add(e *pentry) {
	b.start, b.closing, b.pay = max(b.start, e.start), max(b.closing, e.closing), max(b.pay, e.pay)
	b.ageMin, b.ageMax = min(b.ageMin, e.ageMin), max(b.ageMax, e.ageMax)
}

// resum recomputes the bounds of bucket i after a change other than an
// append (buckets hold a few hundred postings at most in practice).
func (st *state) resum(i int) {
	s := emptySum
	for j := range st.pb[i] {
		s.add(&st.pb[i][j])
	}
	st.ps[i] = s
}

func (st *state) delPostingEntry(loc ploc) {
	i := pbIndex(loc.code, loc.grp)
	b := st.pb[i]
	last := int32(len(b) - 1)
	if loc.pos != last {
		b[loc.pos] = b[last]
		st.postings[b[loc.pos].id] = loc
	}
	b[last] = pentry{}
	st.pb[i] = b[:last]
	st.resum(i)
}

func (st *state) removePosting(id int64) bool {
	loc, ok := st.postings[id]
	if !ok {
		return false
	}
	st.delPostingEntry(loc)
	delete(st.postings, id)
	return true
}

// compactSeeker validates s and returns its compact form (pos unset).
func (st *state) compactSeeker(s *Seeker, add bool) (srec, error) {
	var r srec
	if s.ExpectedPay < 0 || s.ExpectedPay > math.MaxInt32 {
		return r, fmt.Errorf("match: seeker %d: ExpectedPay %d out of range", s.ID, s.ExpectedPay)
	}
	if s.Age < 0 || s.Experience < 0 {
		return r, fmt.Errorf("match: seeker %d: negative Age or Experience", s.ID)
	}
	r = srec{id: s.ID, pay: int32(s.ExpectedPay), avail: int32(s.AvailableFrom), age: clampU8(s.Age), exp: clampU8(s.Experience), flags: sfUsed}
	for _, t := range s.Trades {
		var c codeID
		if add {
			id, err := st.codes.intern(t)
			if err != nil {
				return r, fmt.Errorf("match: seeker %d: %w", s.ID, err)
			}
			c = id
		} else {
			id, ok := st.codes.ids[t]
			if !ok {
				if !validCode(t) {
					return r, fmt.Errorf("match: seeker %d: occupation code %q is not of the form d-dd-dd-dd", s.ID, t)
				}
				continue // no posting or seeker has it: nothing can be in its bucket
			}
			c = id
		}
		dup := false
		for k := uint8(0); k < r.ntr; k++ {
			if r.trades[k] == c {
				dup = true
			}
		}
		if dup {
			continue
		}
		if r.ntr == MaxTrades {
			return r, fmt.Errorf("match: seeker %d: more than %d distinct trades", s.ID, MaxTrades)
		}
		r.trades[r.ntr] = c
		r.ntr++
	}
	for k := range r.pos {
		r.pos[k] = -1
	}
	if id, ok := st.countyID(s.County, add); ok {
		r.county = id
	} else if add {
		return r, fmt.Errorf("match: too many counties")
	}
	if add {
		g, err := st.groupID(s.Group)
		if err != nil {
			return r, err
		}
		r.group = g
	}
	if s.WantsDorm {
		r.flags |= sfDorm
	}
	if s.WantsMeals {
		r.flags |= sfMeals
	}
	if s.Poor {
		r.flags |= sfPoor
	}
	if s.Twinned {
		r.flags |= sfTwinned
	}
	if s.Active {
		r.flags |= sfActive
	}
	return r, nil
}

func (r *srec) entry(k uint8) sentry {
	return sentry{id: r.id, pay: r.pay, avail: r.avail, county: r.county, trades: r.trades, age: r.age, exp: r.exp,
		flags: r.flags & (sfDorm | sfMeals | sfPoor | sfTwinned), k: k, ntr: r.ntr}
}

func (st *state) upsertSeeker(s Seeker) error {
	r, err := st.compactSeeker(&s, true)
	if err != nil {
		return err
	}
	slot, ok := st.seekers[s.ID]
	if ok {
		st.delSeekerEntries(slot)
	} else if n := len(st.free); n > 0 {
		slot = st.free[n-1]
		st.free = st.free[:n-1]
	} else {
		if len(st.srecs) >= math.MaxInt32 {
			return fmt.Errorf("match: too many seekers")
		}
		slot = int32(len(st.srecs))
		st.srecs = append(st.srecs, srec{})
	}
	st.seekers[s.ID] = slot
	if r.flags&sfActive != 0 {
		g := seekerGroup(r.flags, r.exp)
		for k := uint8(0); k < r.ntr; k++ {
			i := sbIndex(r.trades[k], g)
			for len(st.sb) <= i {
				st.sb = append(st.sb, nil)
			}
			r.pos[k] = int32(len(st.sb[i]))
			st.sb[i] = append(st.sb[i], r.entry(k))
		}
	}
	st.srecs[slot] = r
	return nil
}

func (st *state) delSeekerEntries(slot int32) {
	r := &st.srecs[slot]
	g := seekerGroup(r.flags, r.exp)
	for k := uint8(0); k < r.ntr; k++ {
		pos := r.pos[k]
		if pos < 0 {
			continue
		}
		i := sbIndex(r.trades[k], g)
		b := st.sb[i]
		last := int32(len(b) - 1)
		if pos != last {
			moved := b[last]
			b[pos] = moved
			st.srecs[st.seekers[moved.id]].pos[moved.k] = pos
		}
		b[last] = sentry{}
		st.sb[i] = b[:last]
		r.pos[k] = -1
	}
}

func (st *state) removeSeeker(id int64) bool {
	slot, ok := st.seekers[id]
	if !ok {
		return false
	}
	st.delSeekerEntries(slot)
	st.srecs[slot] = srec{}
	st.free = append(st.free, slot)
	delete(st.seekers, id)
	return true
}

func villKey(emp int32, county uint16) uint64 { return uint64(uint32(emp))<<32 | uint64(county) }

func (st *state) setVillagers(employerID int64, county string, n int) error {
	if n < 0 || n > math.MaxInt32 {
		return fmt.Errorf("match: villagers count %d out of range", n)
	}
	if county == "" {
		return fmt.Errorf("match: villagers need a county")
	}
	emp, err := st.employerID(employerID)
	if err != nil {
		return err
	}
	c, ok := st.countyID(county, true)
	if !ok {
		return fmt.Errorf("match: too many counties")
	}
	if n == 0 {
		delete(st.vill, villKey(emp, c))
	} else {
		st.vill[villKey(emp, c)] = int32(n)
	}
	st.villByEmp[emp] = setVillN(st.villByEmp[emp], int32(c), int32(n))
	if len(st.villByEmp[emp]) == 0 {
		delete(st.villByEmp, emp)
	}
	st.villByCounty[c] = setVillN(st.villByCounty[c], emp, int32(n))
	if len(st.villByCounty[c]) == 0 {
		delete(st.villByCounty, c)
	}
	return nil
}

// setVillN sets the count of key in list (removing it when n is 0).
func setVillN(list []villN, key, n int32) []villN {
	for i := range list {
		if list[i].key == key {
			if n == 0 {
				return append(list[:i], list[i+1:]...)
			}
			list[i].n = n
			return list
		}
	}
	if n == 0 {
		return list
	}
	return append(list, villN{key: key, n: n})
}

func (st *state) setPolicy(p Policy) {
	st.pol = p
	// congestion moves postings between bands: take them all out and back
	var all []pentry
	var codes []codeID
	for i, b := range st.pb {
		for j := range b {
			e := b[j]
			e.cong = congestion(p.CongestionAlpha, e.pending, e.remaining)
			all = append(all, e)
			codes = append(codes, codeID(i/nPGroups))
		}
		clear(b)
		st.pb[i] = b[:0]
		st.ps[i] = emptySum
	}
	clear(st.postings)
	for k := range all {
		st.putPosting(all[k], codes[k])
	}
}

// write runs f on the current state under the locks.
func (ix *Index) write(f func(st *state) error) error {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return f(ix.st)
}

// read runs f on the current state under the read lock.
func (ix *Index) read(f func(st *state)) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	f(ix.st)
}

// UpsertPosting adds or replaces a posting. Closed or full postings may be
// kept (they are filtered out) or removed; removing them saves memory.
func (ix *Index) UpsertPosting(p Posting) error {
	return ix.write(func(st *state) error { return st.upsertPosting(p) })
}

// RemovePosting removes a posting; it reports whether it was there.
func (ix *Index) RemovePosting(id int64) bool {
	var ok bool
	_ = ix.write(func(st *state) error { ok = st.removePosting(id); return nil })
	return ok
}

// UpsertSeeker adds or replaces a seeker.
func (ix *Index) UpsertSeeker(s Seeker) error {
	return ix.write(func(st *state) error { return st.upsertSeeker(s) })
}

// RemoveSeeker removes a seeker; it reports whether it was there.
func (ix *Index) RemoveSeeker(id int64) bool {
	var ok bool
	_ = ix.write(func(st *state) error { ok = st.removeSeeker(id); return nil })
	return ok
}

// SetVillagers records that n people from home county have arrived at or
// been onboarded by the employer (the store counts applications in those
// states per employer and seeker's home county). n = 0 clears the count.
func (ix *Index) SetVillagers(employerID int64, county string, n int) error {
	return ix.write(func(st *state) error { return st.setVillagers(employerID, county, n) })
}

// SetPolicy replaces the scoring policy. Zero Weights mean DefaultWeights.
// A new policy moves postings between congestion bands; that is done on a
// copy of the postings, so readers are held only for the swap.
func (ix *Index) SetPolicy(p Policy) error {
	p, err := p.normalize()
	if err != nil {
		return err
	}
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	// No writer can change ix.st now; the copy shares everything but the
	// postings with it, and only the postings change.
	st := *ix.st
	st.postings = cloneMap(ix.st.postings)
	st.pb = make([][]pentry, len(ix.st.pb))
	for i, b := range ix.st.pb {
		st.pb[i] = append([]pentry(nil), b...)
	}
	st.ps = append([]bsum(nil), ix.st.ps...)
	st.setPolicy(p)
	ix.mu.Lock()
	ix.st = &st
	ix.mu.Unlock()
	return nil
}

// Policy returns the policy in force.
func (ix *Index) Policy() Policy {
	var p Policy
	ix.read(func(st *state) { p = st.pol })
	return p
}

// SeekerCounty returns the home county of a seeker held; ok is false for a
// seeker not held.
func (ix *Index) SeekerCounty(id int64) (county string, ok bool) {
	ix.read(func(st *state) {
		slot, found := st.seekers[id]
		if !found {
			return
		}
		county, ok = st.countyNames[st.srecs[slot].county], true
	})
	return county, ok
}

// Len returns the number of postings and seekers held.
func (ix *Index) Len() (postings, seekers int) {
	ix.read(func(st *state) { postings, seekers = len(st.postings), len(st.seekers) })
	return
}

// Builder applies many changes to a private copy of an Index during Bulk.
type Builder struct {
	st *state
}

// Grow makes room for about n more postings and m more seekers.
func (b *Builder) Grow(postings, seekers int) {
	st := b.st
	if postings > 0 {
		np := make(map[int64]ploc, len(st.postings)+postings)
		for k, v := range st.postings {
			np[k] = v
		}
		st.postings = np
	}
	if seekers > 0 {
		ns := make(map[int64]int32, len(st.seekers)+seekers)
		for k, v := range st.seekers {
			ns[k] = v
		}
		st.seekers = ns
		if cap(st.srecs)-len(st.srecs) < seekers {
			s := make([]srec, len(st.srecs), len(st.srecs)+seekers)
			copy(s, st.srecs)
			st.srecs = s
		}
	}
}

// UpsertPosting adds or replaces a posting.
func (b *Builder) UpsertPosting(p Posting) error { return b.st.upsertPosting(p) }

// RemovePosting removes a posting; it reports whether it was there.
func (b *Builder) RemovePosting(id int64) bool { return b.st.removePosting(id) }

// UpsertSeeker adds or replaces a seeker.
func (b *Builder) UpsertSeeker(s Seeker) error { return b.st.upsertSeeker(s) }

// RemoveSeeker removes a seeker; it reports whether it was there.
func (b *Builder) RemoveSeeker(id int64) bool { return b.st.removeSeeker(id) }

// SetVillagers is Index.SetVillagers.
func (b *Builder) SetVillagers(employerID int64, county string, n int) error {
	return b.st.setVillagers(employerID, county, n)
}

// SetPolicy is Index.SetPolicy.
func (b *Builder) SetPolicy(p Policy) error {
	p, err := p.normalize()
	if err != nil {
		return err
	}
	b.st.setPolicy(p)
	return nil
}

// Bulk applies many changes at once, all or nothing. f works on a private
// copy of the index (a fresh one when the index is empty), so readers keep
// reading the old contents meanwhile and are held only for the final swap;
// other writers wait. If f returns an error nothing changes.
func (ix *Index) Bulk(f func(b *Builder) error) error {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	// No writer can change ix.st now, so reading it without mu is safe.
	old := ix.st
	var st *state
	if old.empty() {
		st = newState()
		st.pol = old.pol
	} else {
		st = old.clone()
	}
	if err := f(&Builder{st: st}); err != nil {
		return err
	}
	ix.mu.Lock()
	ix.st = st
	ix.mu.Unlock()
	return nil
}
