package demo

import (
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/ident"
	"easyjob/internal/occupation"
)

// The generator is pure: every row is a function of the seed, "now" and
// the row's index, drawn from its own PCG stream, so rows can be made in
// parallel and in any order and still come out the same. Only where a
// seeker goes in the table (her id) also depends on the installation's key
// (orderSeekers).

// Streams of the generator; each row kind draws from its own.
const (
	streamEmployer = iota + 1
	streamPosting
	streamSeeker
	streamBlock
	streamApps
	streamTimeline
)

// Fixed user ids: the four demo accounts, then one account per employer
// (employer id + accountBase), then one per seeker.
const (
	adminID     = 1
	officerID   = 2
	stationID   = 3
	accountBase = 3 // employer e's account is user e + accountBase; employer 1's is demo-employer (4)
)

// DemoSeekerPhone is the phone of the demo seeker who signs in with a code.
const DemoSeekerPhone = "13900000001"

const (
	hour = int64(time.Hour / time.Millisecond)
	day  = 24 * hour
)

type gen struct {
	ref      *ref
	sealer   *ident.Sealer
	seed     uint64
	now      int64 // Unix ms
	today    easyjob.Date
	minWage  int
	nEmp     int
	nPost    int
	nSeek    int
	birthLo  easyjob.Date // oldest birth date (age 55)
	idSpace  uint64       // birth days × 1000 order codes and genders
	idMul    uint64
	idOff    uint64
	phoneMul uint64
	phoneOff uint64

	employers []employerRow
	postings  []postingRow
	apps      []appRow // Seeker is a position once placeApps ran
	// Seekers' order in the table (orderSeekers): the seeker at each
	// position, and the seeker whose drawn phone it gets.
	person, phoneOf []int32
	byTrade         [][]int32 // trade index → open postings hiring it
	open            []int32   // postings taking applications (published, closed)
}

// rng is one reseedable stream.
type rng struct {
	pcg *rand.PCG
	*rand.Rand
}

func newRNG() rng {
	p := rand.NewPCG(0, 0)
	return rng{pcg: p, Rand: rand.New(p)}
}

func (g *gen) reseed(r rng, stream int, i int) {
	r.pcg.Seed(g.seed, uint64(stream)<<56|uint64(i))
}

func newGen(ref *ref, opt Options, now time.Time, minWage int) (*gen, error) {
	g := &gen{ref: ref, seed: uint64(opt.Seed)*0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019,
		now: easyjob.Millis(now), today: easyjob.DateOf(now), minWage: minWage,
		nPost: opt.Postings, nSeek: opt.Seekers}
	g.nEmp = max(1, (opt.Postings+7)/8)
	// Ages 18–55 today: births from 56 years ago (plus a day) to 18 years ago.
	t := g.today.Time()
	g.birthLo = easyjob.DateOf(t.AddDate(-56, 0, 1))
	days := uint64(g.birthLo.DaysUntil(easyjob.DateOf(t.AddDate(-18, 0, 0)))) + 1
	g.idSpace = days * 1000
	if uint64(opt.Seekers) > g.idSpace {
		return nil, fmt.Errorf("demo: at most %d seekers", g.idSpace)
	}
	mix := rand.New(rand.NewPCG(g.seed, 0))
	g.idMul = coprime(g.idSpace, 0x5DEECE66D+mix.Uint64N(g.idSpace))
	g.idOff = mix.Uint64N(g.idSpace)
	g.phoneMul = coprime(1e8, 48271+mix.Uint64N(1e8))
	g.phoneOff = mix.Uint64N(1e8)
	return g, nil
}

// coprime returns the first number from start up that is coprime with m.
func coprime(m, start uint64) uint64 {
	for x := start; ; x++ {
		if gcd(x%m, m) == 1 {
			return x % m
		}
	}
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func round100(x float64) int { return int(x/100+0.5) * 100 }

// between draws a time in [lo, hi] (ms).
func between(r rng, lo, hi int64) int64 {
	if hi <= lo {
		return lo
	}
	return lo + r.Int64N(hi-lo+1)
}

// ---- employers ----

type employerRow struct {
	Name, CreditCode, District, Street, Address, Contact, Phone string
	Industry                                                    int
	Verified                                                    bool
	VerifiedAt                                                  int64
	Rejected                                                    string // the comment of a rejection, if any
	Created                                                     int64
}

func (g *gen) makeEmployers() {
	g.employers = make([]employerRow, g.nEmp)
	r := newRNG()
	for e := range g.employers {
		g.reseed(r, streamEmployer, e)
		g.employers[e] = g.employer(e, r)
	}
}

func (g *gen) employer(e int, r rng) employerRow {
	ind := pick(r.Rand, g.ref.indCum)
	in := g.ref.industries[ind]
	var d district
	switch {
	case e == 0: // the demo employer: in the district twinned with the demo station
		d = g.ref.district(g.ref.stationDis)
		ind = 0
		in = g.ref.industries[0]
	case in.Central:
		d = g.ref.districts[pick(r.Rand, g.ref.svcCum)]
	default:
		d = g.ref.districts[pick(r.Rand, g.ref.facCum)]
	}
	x := employerRow{District: d.Code, Industry: ind}
	b1 := oneOf(r.Rand, brands)
	b2 := oneOf(r.Rand, brands)
	for b2 == b1 {
		b2 = oneOf(r.Rand, brands)
	}
	x.Name = "深圳市" + b1 + b2 + oneOf(r.Rand, in.Suffixes) + "有限公司"
	streetName := strings.TrimSuffix(d.Name, "区")
	if len(d.Streets) > 0 {
		s := oneOf(r.Rand, d.Streets)
		x.Street, streetName = s.Code, s.Name
	}
	x.Address = fmt.Sprintf("%s%s %d 号%s", streetName, oneOf(r.Rand, roads), 1+r.IntN(300), oneOf(r.Rand, buildings))
	x.Contact = front(r.Rand, surnames) + oneOf(r.Rand, contactTitles)
	x.Phone = fmt.Sprintf("13%d%08d", 5+r.IntN(5), r.IntN(1e8))
	// Authority 9, type 1 (enterprise), the district, and an organisation
	// code body unique per employer.
	body := (uint64(e)*2654435761 + 12345678) % 1e8
	x.CreditCode = ident.GenerateCreditCode(fmt.Sprintf("91%s%08d", d.Code, body))
	x.Created = g.now - between(r, 60*day, 400*day)
	switch {
	case e == 0 || r.IntN(100) < 90:
		x.Verified = true
		x.VerifiedAt = x.Created + between(r, hour, 3*day)
	case r.IntN(100) < 40:
		x.Rejected = oneOf(r.Rand, rejectComments)
	}
	return x
}

// ---- postings ----

type postingRow struct {
	Employer   int
	Trade      int
	In         easyjob.PostingInput
	Status     easyjob.PostingStatus
	Checks     string
	Created    int64
	Updated    int64
	Published  int64
	Returned   string // the comment of a return
	Filled     int32
	Pending    int32
	employerOK bool
}

func (g *gen) makePostings() {
	g.postings = make([]postingRow, g.nPost)
	g.byTrade = make([][]int32, len(g.ref.trades))
	r := newRNG()
	for p := range g.postings {
		g.reseed(r, streamPosting, p)
		x := g.posting(p, r)
		g.postings[p] = x
		if x.Status == easyjob.PostingPublished || x.Status == easyjob.PostingClosed {
			g.open = append(g.open, int32(p))
			g.byTrade[x.Trade] = append(g.byTrade[x.Trade], int32(p))
		}
	}
}

// demoStatuses are the statuses of the demo employer's first postings.
var demoStatuses = []easyjob.PostingStatus{easyjob.PostingPublished, easyjob.PostingPublished,
	easyjob.PostingPublished, easyjob.PostingPending, easyjob.PostingReturned}

func (g *gen) posting(p int, r rng) postingRow {
	e := 0
	if p >= len(demoStatuses) && g.nEmp > 1 {
		e = 1 + r.IntN(g.nEmp-1)
	}
	emp := g.employers[e]
	in := g.ref.industries[emp.Industry]
	ti := oneOf(r.Rand, in.trades)
	t := g.ref.trades[ti]
	x := postingRow{Employer: e, Trade: ti, employerOK: emp.Verified}

	pin := easyjob.PostingInput{Occupation: t.Code, District: emp.District, Street: emp.Street, Address: emp.Address}
	factory := !in.Central && in.Name != "建筑施工" && in.Name != "物流快递"
	switch {
	case factory && r.IntN(100) < 25:
		pin.Headcount = 50 + r.IntN(250)
	case factory:
		pin.Headcount = 5 + r.IntN(45)
	case in.Central:
		pin.Headcount = 1 + r.IntN(15)
	default:
		pin.Headcount = 3 + r.IntN(40)
	}
	pin.PayMin = max(g.minWage, round100(float64(t.PayMin)*(0.9+0.2*r.Float64())))
	pin.PayMax = max(pin.PayMin+300, round100(float64(t.PayMax)*(0.9+0.2*r.Float64())))
	pin.PayDay = oneOf(r.Rand, []int{5, 10, 10, 15, 15, 15, 20, 25, 28, 0})
	pin.ProbationMonths = oneOf(r.Rand, []int{0, 0, 1, 1, 2, 3})
	pin.Dorm = r.IntN(100) < 85
	pin.Meals = r.IntN(100) < 80
	pin.SocialInsurance = r.IntN(100) < 92
	switch {
	case in.Name == "建筑施工":
		pin.Shift = oneOf(r.Rand, []string{easyjob.ShiftDay, easyjob.ShiftDay, easyjob.ShiftDay, easyjob.ShiftFlexible})
	case factory:
		pin.Shift = oneOf(r.Rand, []string{easyjob.ShiftTwo, easyjob.ShiftTwo, easyjob.ShiftTwo, easyjob.ShiftDay,
			easyjob.ShiftDay, easyjob.ShiftThree, easyjob.ShiftFlexible})
	default:
		pin.Shift = oneOf(r.Rand, []string{easyjob.ShiftDay, easyjob.ShiftDay, easyjob.ShiftTwo,
			easyjob.ShiftFlexible, easyjob.ShiftFlexible, easyjob.ShiftThree})
	}
	if factory && r.IntN(100) < 30 {
		pin.PieceRate = oneOf(r.Rand, pieceRates)
	}
	if !in.Central || r.IntN(100) < 50 {
		pin.OvertimeRule = oneOf(r.Rand, overtimeRules)
	}
	pin.StartDate = g.today.AddDays(r.IntN(31))
	pin.ClosingDate = pin.StartDate.AddDays(7 + r.IntN(39))
	pin.AgeMin = 18
	switch {
	case in.Name == "建筑施工" || in.Name == "物业服务" || in.Name == "家政养老":
		pin.AgeMax = 55
	case factory:
		pin.AgeMax = oneOf(r.Rand, []int{40, 42, 45, 45, 48, 50})
	default:
		pin.AgeMax = oneOf(r.Rand, []int{45, 50, 50, 55})
	}

	// Title: a keyword employers use, sometimes dressed up.
	kw := occupation.Name(t.Code)
	if len(t.Keywords) > 0 {
		kw = oneOf(r.Rand, t.Keywords)
	}
	title := kw
	switch n := r.IntN(100); {
	case n < 15:
		title = "急招" + kw
	case n < 30 && pin.Dorm && pin.Meals:
		title = kw + "（包吃住）"
	case n < 38:
		title = kw + " 长期工"
	case n < 45 && pin.Shift == easyjob.ShiftTwo:
		title = kw + " 两班倒"
	}
	pin.Title = title

	x.Status = easyjob.PostingPublished
	switch {
	case e == 0 && p < len(demoStatuses):
		x.Status = demoStatuses[p]
	case !emp.Verified:
		x.Status = easyjob.PostingPending
		if r.IntN(100) < 30 {
			x.Status = easyjob.PostingReturned
		}
	default:
		switch n := r.IntN(100); {
		case n < 5:
			x.Status = easyjob.PostingPending
		case n < 8:
			x.Status = easyjob.PostingReturned
		case n < 12:
			x.Status = easyjob.PostingClosed
		}
	}

	// Description: the work, the hours, what comes with it.
	var d strings.Builder
	d.WriteString("工作内容：" + oneOf(r.Rand, in.Duties) + "。")
	d.WriteString("班次：" + shiftText[pin.Shift] + "。")
	n := 2 + r.IntN(2)
	seen := map[int]bool{}
	var bs []string
	for len(bs) < n {
		k := r.IntN(len(benefits))
		if !seen[k] {
			seen[k] = true
			bs = append(bs, benefits[k])
		}
	}
	d.WriteString("福利：" + strings.Join(bs, "，") + "。")
	if x.Status == easyjob.PostingPending && r.IntN(100) < 25 {
		d.WriteString(oneOf(r.Rand, flaggedPhrases))
	}
	pin.Description = d.String()
	x.In = pin
	checks := easyjob.CheckPosting(pin, g.minWage)
	if checks == nil {
		checks = []easyjob.Check{}
	}
	cj, _ := json.Marshal(checks)
	x.Checks = string(cj)

	lo := max(emp.Created, emp.VerifiedAt) + hour
	x.Created = between(r, max(lo, g.now-30*day), g.now-3*hour)
	x.Updated = x.Created
	switch x.Status {
	case easyjob.PostingPublished, easyjob.PostingClosed:
		x.Published = x.Created + between(r, 30*60*1000, min(2*day, (g.now-x.Created)/2))
		x.Updated = x.Published
		if x.Status == easyjob.PostingClosed {
			x.Updated = between(r, x.Published, g.now-hour)
		}
	case easyjob.PostingReturned:
		x.Updated = x.Created + between(r, hour, min(2*day, (g.now-x.Created)/2))
		x.Returned = oneOf(r.Rand, returnComments)
	}
	return x
}

var shiftText = map[string]string{
	easyjob.ShiftDay:      "长白班",
	easyjob.ShiftTwo:      "两班倒",
	easyjob.ShiftThree:    "三班倒",
	easyjob.ShiftFlexible: "弹性排班",
}

// ---- seekers ----

// profile is what applications need to know of a seeker: cheap to compute.
type profile struct {
	County   *county
	Township string
	Group    int // block number + 1 for members of a fellow-villager group, else 0
	Trades   [3]int16
	NTrades  int
	Created  int64
}

const blockSize = 8 // seekers are registered in blocks; a group lives in one block

func (g *gen) profile(i int, r rng) profile {
	// The block decides its fellow-villager group: up to six seekers of one
	// township registered together.
	b := i / blockSize
	g.reseed(r, streamBlock, b)
	size := 0
	if r.IntN(100) < 45 {
		size = 2 + r.IntN(5)
	}
	if size > g.nSeek-b*blockSize { // the last block may be cut short
		size = 0
	}
	var gc *county
	if b == 0 || r.IntN(100) < 85 {
		gc = &g.ref.twinned[pick(r.Rand, g.ref.twinCum)]
	} else {
		gc = &g.ref.others[pick(r.Rand, g.ref.otherCum)]
	}
	if b == 0 {
		gc = g.ref.stationCounty()
	}
	gt := oneOf(r.Rand, gc.Townships)

	g.reseed(r, streamSeeker, i)
	var p profile
	switch {
	case i%blockSize < size:
		p.County, p.Township, p.Group = gc, gt, b+1
	case i == 0:
		p.County = g.ref.stationCounty()
	case r.IntN(100) < 78:
		p.County = &g.ref.twinned[pick(r.Rand, g.ref.twinCum)]
	default:
		p.County = &g.ref.others[pick(r.Rand, g.ref.otherCum)]
	}
	if p.Township == "" {
		p.Township = oneOf(r.Rand, p.County.Townships)
	}
	ind := g.ref.industries[pick(r.Rand, g.ref.indCum)]
	want := 1
	switch n := r.IntN(100); {
	case n < 35:
		want = 2
	case n < 55:
		want = 3
	}
	if i == 0 && len(g.employers) > 0 {
		// The demo seeker that people sign in as works in the demo
		// employer's industry, so they see recommendations at once.
		ind, want = g.ref.industries[g.employers[0].Industry], 3
	}
	for try := 0; p.NTrades < want && try < 10; try++ {
		src := ind
		if try > 0 && r.IntN(100) < 15 {
			src = g.ref.industries[r.IntN(len(g.ref.industries))]
		}
		t := int16(oneOf(r.Rand, src.trades))
		dup := false
		for _, x := range p.Trades[:p.NTrades] {
			dup = dup || x == t
		}
		if !dup {
			p.Trades[p.NTrades] = t
			p.NTrades++
		}
	}
	p.Created = g.now - between(r, hour, 60*day)
	return p
}

func (r *ref) stationCounty() *county {
	for i := range r.twinned {
		if r.twinned[i].Code == r.station {
			return &r.twinned[i]
		}
	}
	return &r.twinned[0]
}

// seeker is one generated seeker, before sealing.
type seeker struct {
	profile
	Name        string
	IDNumber    string
	Phone       string
	Gender      string
	Birth       easyjob.Date
	TradeCodes  string
	Experience  int
	ExpectedPay int
	WantsDorm   bool
	WantsMeals  bool
	Available   easyjob.Date
	Education   string
	Poor        bool
	Health      string
	HealthAt    int64
	GroupCode   string
	Consent     string
	RegBy       int64 // 0: registered themselves
	Updated     int64
}

func (g *gen) seeker(i int, r rng) seeker {
	k := seeker{profile: g.profile(i, r)} // r continues the seeker's own stream

	var male bool
	k.IDNumber, k.Birth, male = g.identity(i, k.County.Code)
	k.Gender = "female"
	if male {
		k.Gender = "male"
	}
	k.Phone = g.phone(i)

	sn := front(r.Rand, surnames)
	if reg, ok := regionalSurnames[k.County.Province]; ok && r.IntN(100) < 55 {
		sn = front(r.Rand, reg)
	}
	given := maleGiven
	if !male {
		given = femaleGiven
	}
	name := sn + oneOf(r.Rand, given)
	if r.IntN(100) < 70 {
		name += oneOf(r.Rand, given)
	}
	k.Name = name

	codes := make([]string, k.NTrades)
	var pay float64
	for j, t := range k.profile.Trades[:k.NTrades] {
		tr := g.ref.trades[t]
		codes[j] = tr.Code
		if j == 0 {
			pay = float64(tr.PayMin) + float64(tr.PayMax-tr.PayMin)*(r.Float64()*0.7-0.1)
		}
	}
	k.TradeCodes = strings.Join(codes, ",")
	k.ExpectedPay = max(g.minWage, round100(pay))
	age := easyjob.AgeOn(k.Birth, g.today)
	k.Experience = r.IntN(min(20, age-17))
	k.WantsDorm = r.IntN(100) < 82
	k.WantsMeals = r.IntN(100) < 75
	k.Available = g.today.AddDays(r.IntN(31))
	w := r.IntN(100)
	for _, e := range educationWeights {
		if w < e.weight {
			k.Education = e.level
			break
		}
		w -= e.weight
	}
	k.Poor = k.County.Twinned && r.IntN(100) < 18
	switch h := r.IntN(100); {
	case h < 93:
		k.Health = easyjob.HealthGreen
	case h < 98:
		k.Health = easyjob.HealthYellow
	default:
		k.Health = easyjob.HealthRed
	}
	k.HealthAt = max(k.Created, g.now-between(r, 10*60*1000, 72*hour))
	k.Updated = k.HealthAt
	if k.Group > 0 {
		k.GroupCode = k.Township + "-" + strconv.FormatInt(int64(k.Group), 36)
	}
	switch c := r.IntN(100); {
	case c < 20:
		k.Consent = easyjob.ConsentSelf
	case c < 90:
		k.Consent = easyjob.ConsentSigned
	default:
		k.Consent = easyjob.ConsentVerbal
	}
	if k.Consent != easyjob.ConsentSelf {
		k.RegBy = officerID
		if k.County.Code == g.ref.station {
			k.RegBy = stationID
		}
	}
	return k
}

// identity is seeker i's ID number, birth date and gender: from a bijection
// of the index, so ID numbers never repeat.
func (g *gen) identity(i int, county string) (id string, birth easyjob.Date, male bool) {
	x := (uint64(i)*g.idMul + g.idOff) % g.idSpace
	birth = g.birthLo.AddDays(int(x / 1000))
	male = x%2 == 1
	return ident.GenerateResidentID(county, birth.Time(), int(x%1000/2), male), birth, male
}

// phone is the phone drawn for seeker i, from a bijection of the index.
func (g *gen) phone(i int) string {
	if i == 0 {
		return DemoSeekerPhone
	}
	return phonePrefixes[i%len(phonePrefixes)] + fmt.Sprintf("%08d", (uint64(i)*g.phoneMul+g.phoneOff)%1e8)
}

// orderSeekers decides where each seeker goes in the table. Seekers are
// written in the order of their ID numbers' blind index, and phones are
// handed out in the order of theirs: the unique indexes on those hashes
// (seekers.id_hash, seekers.phone_hash, users.phone_hash) then grow at
// their end, as the table does, instead of at a random place for every
// row, which on SQLite also journalled a page of each index for every row
// (a million seekers: 39.5 s with the hashes in random order, 16.4 s in
// order). The order depends on the installation's key, so which id a
// seeker gets does too; the demo seeker (0) stays first, with the demo
// phone. It runs on all cores, beside makeApps.
func (g *gen) orderSeekers() {
	n := g.nSeek
	type key struct {
		prefix uint64 // the first 8 bytes of the blind index, which sort as it does
		i      int32
	}
	ids, phones := make([]key, n), make([]key, n)
	prefix := func(h string) uint64 {
		var b [8]byte
		copy(b[:], h)
		return binary.BigEndian.Uint64(b[:])
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	const chunk = 4096
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			r, blind := newRNG(), g.sealer.BlindIndexer()
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= n {
					return
				}
				for i := lo; i < min(n, lo+chunk); i++ {
					id, _, _ := g.identity(i, g.profile(i, r).County.Code)
					ids[i] = key{prefix(blind(id)), int32(i)}
					phones[i] = key{prefix(blind(g.phone(i))), int32(i)}
				}
			}
		})
	}
	wg.Wait()
	byHash := func(x, y key) int { return cmp.Or(cmp.Compare(x.prefix, y.prefix), cmp.Compare(x.i, y.i)) }
	slices.SortFunc(ids[1:], byHash)
	slices.SortFunc(phones[1:], byHash)
	g.person, g.phoneOf = make([]int32, n), make([]int32, n)
	for k := range n {
		g.person[k], g.phoneOf[k] = ids[k].i, phones[k].i
	}
}

// seekerAt is the seeker written at position k (id k+1): the seeker that
// orderSeekers put there, with the k-th phone.
func (g *gen) seekerAt(k int, r rng) seeker {
	s := g.seeker(int(g.person[k]), r)
	s.Phone = g.phone(int(g.phoneOf[k]))
	return s
}

// placeApps turns the applications' seekers into positions and puts the
// applications in that order, each seeker's in the order made: their
// unique index (seeker_id, posting_id) grows at its end too.
func (g *gen) placeApps() {
	position := make([]int32, len(g.person))
	for k, i := range g.person {
		position[i] = int32(k)
	}
	for i := range g.apps {
		g.apps[i].Seeker = position[g.apps[i].Seeker]
	}
	slices.SortStableFunc(g.apps, func(x, y appRow) int { return cmp.Compare(x.Seeker, y.Seeker) })
}

// seekerUser is the user id of the seeker at position i (0-based).
func (g *gen) seekerUser(i int) int64 { return int64(g.nEmp+accountBase) + int64(i) + 1 }

// ---- applications ----

type appRow struct {
	Seeker  int32
	Posting int32
	State   uint8 // index into easyjob.States
	Station bool  // the seeker's county is the demo station's
	Lo      int64 // the earliest the application can have been made
}

var stateIndex = func() map[easyjob.ApplicationState]uint8 {
	m := map[easyjob.ApplicationState]uint8{}
	for i, s := range easyjob.States {
		m[s] = uint8(i)
	}
	return m
}()

// firstWeights is the share of each final state for a seeker's first
// application; later ones stay early in the pipeline or end without a place.
var firstWeights = map[easyjob.ApplicationState]int{
	easyjob.StateApplied: 28, easyjob.StateShortlisted: 12, easyjob.StateOffered: 7, easyjob.StateAccepted: 8,
	easyjob.StateDeparted: 4, easyjob.StateArrived: 4, easyjob.StateOnboarded: 14, easyjob.StateWithdrawn: 5,
	easyjob.StateRejected: 8, easyjob.StateDeclined: 3, easyjob.StateNoShow: 2, easyjob.StateLeft: 5,
}

var laterStates = []easyjob.ApplicationState{easyjob.StateApplied, easyjob.StateApplied, easyjob.StateApplied,
	easyjob.StateShortlisted, easyjob.StateWithdrawn, easyjob.StateRejected, easyjob.StateRejected, easyjob.StateDeclined}

// makeApps draws the applications in one sequential pass (headcount is
// shared), keeping each posting's filled count within its headcount and
// each seeker in at most one place.
func (g *gen) makeApps(progress func(int)) {
	if len(g.open) == 0 {
		return
	}
	var firstCum []int
	for _, s := range easyjob.States {
		firstCum = appendCum(firstCum, firstWeights[s])
	}
	r, pr := newRNG(), newRNG()
	g.reseed(r, streamApps, 0)
	g.apps = make([]appRow, 0, g.nSeek)
	lastGroup, groupPosting := 0, int32(-1)
	var chosen []int32
	for i := range g.nSeek {
		if i%65536 == 0 && progress != nil {
			progress(i)
		}
		p := g.profile(i, pr)
		n := 0
		switch x := r.IntN(100); {
		case i == 0:
			n = 2
		case i <= len(easyjob.States):
			n = 1 + r.IntN(2)
		case x < 40:
		case x < 75:
			n = 1
		case x < 92:
			n = 2
		default:
			n = 3
		}
		chosen = chosen[:0]
		holds := false
		for j := range n {
			// The state this application should end in.
			var want easyjob.ApplicationState
			switch {
			case i == 0 && j == 0:
				want = easyjob.StateOffered
			case i == 0:
				want = easyjob.StateApplied
			case j == 0 && i <= len(easyjob.States):
				want = easyjob.States[i-1]
			case j == 0:
				want = easyjob.States[pick(r.Rand, firstCum)]
			default:
				want = oneOf(r.Rand, laterStates)
			}
			if viaSystem(want) { // made by the retention system: loaded by retention.go
				want = easyjob.StateOnboarded
			}
			if holds && want.TakesHeadcount() {
				want = easyjob.StateApplied
			}
			// The posting: fellow villagers go together; others pick by trade.
			post := int32(-1)
			for try := 0; try < 8 && post < 0; try++ {
				var c int32
				switch {
				case i == 0:
					c = g.open[min(j, len(g.open)-1)]
				case try == 0 && p.Group != 0 && p.Group == lastGroup && groupPosting >= 0 && j == 0:
					c = groupPosting
				case try < 6:
					t := p.Trades[r.IntN(p.NTrades)]
					if list := g.byTrade[t]; len(list) > 0 {
						c = oneOf(r.Rand, list)
					} else {
						c = oneOf(r.Rand, g.open)
					}
				default:
					c = oneOf(r.Rand, g.open)
				}
				dup := false
				for _, x := range chosen {
					dup = dup || x == c
				}
				if dup {
					continue
				}
				if want.TakesHeadcount() {
					pp := &g.postings[c]
					if int(pp.Filled) >= pp.In.Headcount {
						continue
					}
				}
				post = c
			}
			if post < 0 {
				continue
			}
			chosen = append(chosen, post)
			pp := &g.postings[post]
			switch {
			case want.TakesHeadcount():
				pp.Filled++
				holds = true
			case want.Pending():
				pp.Pending++
			}
			if j == 0 && p.Group != 0 {
				lastGroup, groupPosting = p.Group, post
			}
			g.apps = append(g.apps, appRow{Seeker: int32(i), Posting: post, State: stateIndex[want],
				Station: p.County.Code == g.ref.station, Lo: max(p.Created, pp.Published) + 60*1000})
		}
	}
}

// step is one kept transition.
type step struct {
	From, To easyjob.ApplicationState
	Actor    int64
	Role     easyjob.Role
	Reason   string
	At       int64
}

// appDetail is an application's history and what it records.
type appDetail struct {
	Steps      []step
	OfferStart string // "" when no offer was made
	OfferPay   int
}

// path returns a sequence of states that ends in final, starting at applied.
func path(final easyjob.ApplicationState, r rng) []easyjob.ApplicationState {
	const (
		A   = easyjob.StateApplied
		S   = easyjob.StateShortlisted
		O   = easyjob.StateOffered
		Acc = easyjob.StateAccepted
		D   = easyjob.StateDeparted
		Arr = easyjob.StateArrived
		On  = easyjob.StateOnboarded
	)
	coin := func(pct int) bool { return r.IntN(100) < pct }
	toOffer := func() []easyjob.ApplicationState {
		if coin(60) {
			return []easyjob.ApplicationState{A, S, O}
		}
		return []easyjob.ApplicationState{A, O}
	}
	toAccept := func() []easyjob.ApplicationState { return append(toOffer(), Acc) }
	toArrive := func() []easyjob.ApplicationState {
		p := toAccept()
		if coin(70) { // most travel on a chartered bus
			p = append(p, D)
		}
		return append(p, Arr)
	}
	switch final {
	case A:
		return []easyjob.ApplicationState{A}
	case S:
		return []easyjob.ApplicationState{A, S}
	case O:
		return toOffer()
	case Acc:
		return toAccept()
	case D:
		return append(toAccept(), D)
	case Arr:
		return toArrive()
	case On:
		return append(toArrive(), On)
	case easyjob.StateLeft:
		p := toArrive()
		if coin(70) {
			p = append(p, On)
		}
		return append(p, final)
	case easyjob.StateWithdrawn:
		switch x := r.IntN(100); {
		case x < 50:
			return []easyjob.ApplicationState{A, final}
		case x < 75:
			return []easyjob.ApplicationState{A, S, final}
		default:
			return append(toAccept(), final)
		}
	case easyjob.StateRejected:
		switch x := r.IntN(100); {
		case x < 55:
			return []easyjob.ApplicationState{A, final}
		case x < 90:
			return []easyjob.ApplicationState{A, S, final}
		default:
			return append(toOffer(), final)
		}
	case easyjob.StateDeclined:
		return append(toOffer(), final)
	case easyjob.StateNoShow:
		p := toAccept()
		if coin(50) {
			p = append(p, D)
		}
		return append(p, final)
	}
	return []easyjob.ApplicationState{A}
}

// roles lists who may make each move, in the order the demo prefers them.
var roles = func() map[[2]easyjob.ApplicationState][]easyjob.Role {
	m := map[[2]easyjob.ApplicationState][]easyjob.Role{}
	for _, t := range easyjob.Transitions {
		m[[2]easyjob.ApplicationState{t.From, t.To}] = t.Roles
	}
	return m
}()

// detail draws application a's history: times rise from its earliest
// possible moment towards now.
func (g *gen) detail(a int, r rng, buf []step) appDetail {
	x := g.apps[a]
	g.reseed(r, streamTimeline, a)
	final := easyjob.States[x.State]
	states := path(final, r)
	post := &g.postings[x.Posting]
	empUser := int64(post.Employer + 1 + accountBase)
	seekUser := g.seekerUser(int(x.Seeker))
	officer := int64(officerID)
	if x.Station {
		officer = stationID
	}
	actor := func(role easyjob.Role) int64 {
		switch role {
		case easyjob.RoleEmployer:
			return empUser
		case easyjob.RoleSeeker:
			return seekUser
		}
		return officer
	}
	d := appDetail{Steps: buf[:0]}
	at := between(r, min(x.Lo, g.now-hour), g.now-hour)
	// The seeker applies, or the station applies for them.
	first := step{From: "", To: easyjob.StateApplied, Role: easyjob.RoleSeeker, At: at}
	if x.Station && r.IntN(100) < 40 || r.IntN(100) < 15 {
		first.Role = easyjob.RoleOfficer
	}
	first.Actor = actor(first.Role)
	d.Steps = append(d.Steps, first)
	for k := 1; k < len(states); k++ {
		from, to := states[k-1], states[k]
		rs := roles[[2]easyjob.ApplicationState{from, to}]
		role := rs[0]
		if len(rs) > 1 && r.IntN(100) < 15 {
			role = rs[1+r.IntN(len(rs)-1)]
		}
		at += 1 + int64(float64(g.now-at)*(0.05+0.4*r.Float64()))
		s := step{From: from, To: to, Role: role, Actor: actor(role), At: at}
		if reasons, ok := moveReasons[string(to)]; ok {
			s.Reason = oneOf(r.Rand, reasons)
		}
		d.Steps = append(d.Steps, s)
		if to == easyjob.StateOffered {
			in := post.In
			d.OfferPay = in.PayMin + round100(float64(in.PayMax-in.PayMin)*r.Float64()*0.5)
			start := in.StartDate
			if od := easyjob.DateOf(easyjob.FromMillis(at)); start.Before(od) {
				start = od.AddDays(1 + r.IntN(7))
			}
			d.OfferStart = start.String()
		}
		if to == easyjob.StateArrived {
			d.OfferStart = easyjob.DateOf(easyjob.FromMillis(at)).String()
		}
	}
	return d
}
