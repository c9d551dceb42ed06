// Package demo loads a deterministic, realistic demo data set: employers in
// Shenzhen's districts and streets, postings across blue-collar occupations,
// seekers from the twinned counties and elsewhere, and applications in
// every pipeline state with their histories. The same seed, "now" and key
// give the same rows; ciphertexts and password hashes differ (random nonces
// and salts). The key decides the seekers' order in the table (their ids):
// the order of their ID numbers' blind index (orderSeekers).
package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"easyjob/internal/auth"
	"easyjob/internal/easyjob"
	"easyjob/internal/region"
	"easyjob/internal/store"
)

// Defaults of the demo command: loads in a few seconds.
const (
	DefaultSeed     = 1
	DefaultPostings = 200
	DefaultSeekers  = 2000
	MaxPostings     = 1_000_000
	MaxSeekers      = 10_000_000
)

// Usernames of the demo accounts.
const (
	AdminUser    = "demo-admin"
	OfficerUser  = "demo-officer"
	StationUser  = "demo-station"
	EmployerUser = "demo-employer"
	// A writer and an editor of the daily briefing: officers of the city.
	WriterUser = "demo-writer"
	EditorUser = "demo-editor"
)

// Options says what to load.
type Options struct {
	Seed     int64
	Postings int
	Seekers  int
	Password string // of the demo accounts
	Force    bool   // wipe a non-empty database first
	Progress io.Writer
	Now      time.Time // zero: the store's clock
	// Support adds the enterprise-support demo: the departments' officers (demo-dept …),
	// enterprise profiles, the automatic run and tickets (see support.go).
	Support bool
	// Equipment adds the shared-equipment and reward-challenge demo (equipment.go).
	Equipment bool
}

// Account is one demo account.
type Account struct {
	Username   string
	Role       easyjob.Role
	Name       string
	Region     string
	EmployerID int64
}

// DemoSeeker is the seeker who signs in with a code.
type DemoSeeker struct {
	ID     int64
	Name   string
	Phone  string
	County string
}

// Summary tells what was loaded.
type Summary struct {
	Seed         int64
	Wiped        bool // --force deleted earlier data first
	Employers    int
	Verified     int
	Postings     int
	Published    int
	Seekers      int
	Users        int
	Reviews      int
	Applications int
	Events       int
	States       map[easyjob.ApplicationState]int
	Accounts     []Account
	Password     string
	Seeker       DemoSeeker
	Elapsed      time.Duration
}

// ErrNotEmpty means the database has data and Force was not given.
var ErrNotEmpty = errors.New("the database is not empty")

// idTables get explicit ids from the loader.
var idTables = []string{"employers", "users", "postings", "reviews", "seekers", "applications", "application_events"}

// Empty tells whether the database has no accounts, employers or seekers.
func Empty(ctx context.Context, s *store.Store) (bool, error) {
	for _, t := range []string{"users", "employers", "seekers", "postings"} {
		var one int
		err := s.DB.R.QueryRowContext(ctx, `SELECT 1 FROM `+t+` LIMIT 1`).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return false, err
		}
		return false, nil
	}
	return true, nil
}

// HasEmployers tells whether any employer is registered.
func HasEmployers(ctx context.Context, s *store.Store) (bool, error) {
	var one int
	err := s.DB.R.QueryRowContext(ctx, `SELECT 1 FROM employers LIMIT 1`).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// Load loads the demo data set into s. It refuses a database that already
// has data unless opt.Force, which first deletes every row of every table
// but the migrations' bookkeeping (in one transaction). The load itself commits as it goes; if it
// fails midway, load again with Force.
func Load(ctx context.Context, s *store.Store, opt Options) (Summary, error) {
	start := time.Now()
	sum := Summary{Seed: opt.Seed, Password: opt.Password, States: map[easyjob.ApplicationState]int{}}
	switch {
	case opt.Postings < 1 || opt.Postings > MaxPostings:
		return sum, fmt.Errorf("demo: postings must be between 1 and %d", MaxPostings)
	case opt.Seekers < 1 || opt.Seekers > MaxSeekers:
		return sum, fmt.Errorf("demo: seekers must be between 1 and %d", MaxSeekers)
	case !auth.ValidPassword(opt.Password):
		return sum, errors.New("demo: the demo password must have at least 10 characters")
	}
	now := opt.Now
	if now.IsZero() {
		now = s.Clock.Now()
	}
	empty, err := Empty(ctx, s)
	if err != nil {
		return sum, err
	}
	if !empty && !opt.Force {
		return sum, fmt.Errorf("%w: it already has accounts or data; use --force to delete them and load the demo again", ErrNotEmpty)
	}

	ref, err := newRef()
	if err != nil {
		return sum, err
	}
	g, err := newGen(ref, opt, now, s.MinWage)
	if err != nil {
		return sum, err
	}
	g.sealer = s.Sealer
	pr := newProgress(opt.Progress)
	defer pr.close()

	pr.begin("planning", opt.Seekers)
	g.makeEmployers()
	g.makePostings()
	var order sync.WaitGroup
	order.Go(g.orderSeekers)
	g.makeApps(pr.set)
	order.Wait()
	g.placeApps()
	pr.set(opt.Seekers)
	pr.end()

	hash, err := auth.HashPassword(opt.Password, s.Password)
	if err != nil {
		return sum, err
	}
	undo := tune(ctx, s.DB)
	defer undo()
	// Indexes a load cut short dropped are made again first.
	if err := restoreIndexes(ctx, s.DB); err != nil {
		return sum, fmt.Errorf("restoring the indexes of an earlier load: %w", err)
	}
	if !empty {
		pr.note("deleting the earlier data (--force)")
		if err := wipe(ctx, s.DB); err != nil {
			return sum, fmt.Errorf("deleting the earlier data: %w", err)
		}
		sum.Wiped = true
	}
	if err := dropIndexes(ctx, s.DB, idTables); err != nil {
		return sum, fmt.Errorf("dropping indexes for the load: %w", err)
	}
	indexed := false
	defer func() { // after the loader's rollback below: the writer has one connection
		if !indexed {
			restoreIndexes(context.WithoutCancel(ctx), s.DB)
		}
	}()

	l := newLoader(ctx, s.DB)
	defer l.rollback()
	steps := []func(context.Context, *loader, *gen, string, *progress, *Summary) error{
		writeEmployers, writePostings, writeSeekers, writeApplications,
	}
	for _, step := range steps {
		if err := step(ctx, l, g, hash, pr, &sum); err != nil {
			return sum, fmt.Errorf("loading the demo data: %w (load again with --force)", err)
		}
	}
	if err := l.commit(); err != nil {
		return sum, err
	}
	pr.begin("indexes", 0)
	if err := restoreIndexes(ctx, s.DB); err != nil {
		return sum, fmt.Errorf("making the indexes: %w", err)
	}
	indexed = true
	pr.end()
	pr.begin("finishing", 0)
	if err := afterLoad(ctx, s.DB, idTables); err != nil {
		return sum, err
	}
	if _, err := loadEpidemic(ctx, s, g.ref.station, now, opt.Seed); err != nil { // epidemic.go
		return sum, fmt.Errorf("loading the demo's case reports: %w", err)
	}
	pr.end()
	pr.begin("retention", 0)
	if err := loadRetention(ctx, s, now); err != nil {
		return sum, fmt.Errorf("loading the retention demo: %w (load again with --force)", err)
	}
	pr.end()
	sum.Accounts = g.accounts()
	if err := loadBriefingAccounts(ctx, s, g, hash, &sum); err != nil { // briefing.go
		return sum, err
	}
	if opt.Support {
		pr.begin("enterprise support", 0)
		if err := loadSupport(ctx, s, g, hash, &sum); err != nil {
			return sum, fmt.Errorf("loading the support demo: %w (load again with --force)", err)
		}
		pr.end()
		pr.begin("goodwill", 0)
		if err := loadGoodwill(ctx, s, hash, opt.Password, &sum); err != nil { // goodwill.go
			return sum, fmt.Errorf("loading the goodwill demo: %w (load again with --force)", err)
		}
		pr.end()
	}
	if opt.Equipment {
		pr.begin("research equipment", 0)
		if err := loadEquipment(ctx, s, hash, now, opt.Seed, &sum); err != nil { // equipment.go
			return sum, fmt.Errorf("loading the equipment demo: %w (load again with --force)", err)
		}
		pr.end()
	}

	for _, e := range g.employers {
		if e.Verified {
			sum.Verified++
		}
	}
	for _, p := range g.postings {
		if p.Status == easyjob.PostingPublished {
			sum.Published++
		}
	}
	// The retention demo moved some applications on: count from the rows.
	if err := countStates(ctx, s, &sum); err != nil {
		return sum, err
	}
	sum.Employers, sum.Postings, sum.Seekers, sum.Applications = len(g.employers), len(g.postings), opt.Seekers, len(g.apps)
	demoSeeker := g.seekerAt(0, newRNG())
	sum.Seeker = DemoSeeker{ID: 1, Name: demoSeeker.Name, Phone: demoSeeker.Phone, County: demoSeeker.County.Code}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

func (g *gen) accounts() []Account {
	e := g.employers[0]
	return []Account{
		{Username: AdminUser, Role: easyjob.RoleAdmin, Name: "系统管理员"},
		{Username: OfficerUser, Role: easyjob.RoleOfficer, Name: "深圳市人力资源局", Region: easyjob.CityRegion},
		{Username: StationUser, Role: easyjob.RoleOfficer, Name: countyShort(g.ref.station) + "驻深劳务工作站", Region: g.ref.station},
		{Username: EmployerUser, Role: easyjob.RoleEmployer, Name: e.Contact + "（" + e.Name + "）", EmployerID: 1},
	}
}

// countyShort is a county's own name: 那坡县.
func countyShort(code string) string { return region.Name(code) }

// ---- writing ----

func writeEmployers(ctx context.Context, l *loader, g *gen, hash string, pr *progress, sum *Summary) error {
	pr.begin("employers", len(g.employers))
	emp := l.batch("employers", "id", "name", "credit_code", "district", "street", "address", "contact_name",
		"contact_phone", "contact_phone_cipher", "industry", "verified", "verified_at", "verified_by", "created_at")
	emp.onFlush = pr.add
	for i, e := range g.employers {
		var by any
		if e.Verified {
			by = int64(officerID)
		}
		// The contact phone is sealed like a seeker's (store.SealContactPhones).
		phc, err := g.sealer.Seal([]byte(e.Phone), []byte("employer.contact_phone"))
		if err != nil {
			return err
		}
		if err := emp.add(int64(i+1), e.Name, e.CreditCode, e.District, e.Street, e.Address, e.Contact, "", phc,
			g.ref.industries[e.Industry].Name, e.Verified, e.VerifiedAt, by, e.Created); err != nil {
			return err
		}
	}
	if err := emp.flush(); err != nil {
		return err
	}
	pr.end()

	// The staff accounts, then one account per employer.
	users := l.batch("users", "id", "username", "password_hash", "name", "role", "region", "employer_id", "created_at")
	users.parents = []*batch{emp}
	created := g.employers[0].Created - day
	for i, a := range g.accounts() {
		var employer any
		if a.EmployerID != 0 {
			employer = a.EmployerID
		}
		if err := users.add(int64(i+1), a.Username, hash, a.Name, string(a.Role), a.Region, employer, created); err != nil {
			return err
		}
	}
	for i := 1; i < len(g.employers); i++ {
		e := g.employers[i]
		if err := users.add(int64(i+1+accountBase), fmt.Sprintf("employer-%d", i+1), hash, e.Contact,
			string(easyjob.RoleEmployer), "", int64(i+1), e.Created); err != nil {
			return err
		}
	}
	if err := users.flush(); err != nil {
		return err
	}
	sum.Users += users.written
	return nil
}

func writePostings(ctx context.Context, l *loader, g *gen, hash string, pr *progress, sum *Summary) error {
	pr.begin("postings", len(g.postings))
	post := l.batch("postings", "id", "employer_id", "title", "occupation", "headcount", "filled", "pending",
		"pay_min", "pay_max", "piece_rate", "overtime_rule", "pay_day", "probation_months", "dorm", "meals", "shift",
		"social_insurance", "start_date", "closing_date", "district", "street", "address", "age_min", "age_max",
		"description", "status", "checks", "created_at", "updated_at", "published_at")
	post.onFlush = pr.add
	for i, p := range g.postings {
		in := p.In
		if err := post.add(int64(i+1), int64(p.Employer+1), in.Title, in.Occupation, in.Headcount, p.Filled, p.Pending,
			in.PayMin, in.PayMax, in.PieceRate, in.OvertimeRule, in.PayDay, in.ProbationMonths, in.Dorm, in.Meals, in.Shift,
			in.SocialInsurance, in.StartDate.String(), in.ClosingDate.String(), in.District, in.Street, in.Address,
			in.AgeMin, in.AgeMax, in.Description, string(p.Status), p.Checks, p.Created, p.Updated, p.Published); err != nil {
			return err
		}
	}
	if err := post.flush(); err != nil {
		return err
	}
	pr.end()

	// The officers' decisions: employers verified or rejected, postings
	// approved or returned.
	rev := l.batch("reviews", "id", "subject", "subject_id", "officer_id", "decision", "comment", "at")
	id := int64(0)
	add := func(subject string, sid int64, decision, comment string, at int64) error {
		id++
		return rev.add(id, subject, sid, int64(officerID), decision, comment, at)
	}
	for i, e := range g.employers {
		switch {
		case e.Verified:
			if err := add("employer", int64(i+1), "verify", "", e.VerifiedAt); err != nil {
				return err
			}
		case e.Rejected != "":
			if err := add("employer", int64(i+1), "reject", e.Rejected, e.Created+2*day); err != nil {
				return err
			}
		}
	}
	for i, p := range g.postings {
		switch p.Status {
		case easyjob.PostingPublished, easyjob.PostingClosed:
			if err := add("posting", int64(i+1), "approve", "", p.Published); err != nil {
				return err
			}
		case easyjob.PostingReturned:
			if err := add("posting", int64(i+1), "return", p.Returned, p.Updated); err != nil {
				return err
			}
		}
	}
	if err := rev.flush(); err != nil {
		return err
	}
	sum.Reviews = rev.written
	return nil
}

// seekerChunk is how many seekers one worker makes at a time.
const seekerChunk = 1000

func writeSeekers(ctx context.Context, l *loader, g *gen, hash string, pr *progress, sum *Summary) error {
	pr.begin("seekers", g.nSeek)
	seekers := l.batch("seekers", "id", "name", "id_cipher", "id_hash", "phone_cipher", "phone_hash", "gender",
		"birth_date", "home_county", "trades", "experience", "expected_pay", "wants_dorm", "wants_meals",
		"available_from", "education", "poor", "health", "health_at", "group_code", "consent_method", "consent_at",
		"registered_by", "created_at", "updated_at")
	users := l.batch("users", "id", "phone_hash", "name", "role", "seeker_id", "created_at")
	users.parents = []*batch{seekers}
	users.onFlush = pr.add
	sealer := g.sealer
	build := func(c int, r rng) chunk {
		lo, hi := c*seekerChunk, min(g.nSeek, (c+1)*seekerChunk)
		n := hi - lo
		blind := sealer.BlindIndexer()
		sa := make([]any, 0, n*len(seekers.cols))
		ua := make([]any, 0, n*len(users.cols))
		for i := lo; i < hi; i++ {
			k := g.seekerAt(i, r)
			idc, err := sealer.Seal([]byte(k.IDNumber), []byte("seeker.id_number"))
			if err != nil {
				return chunk{err: err}
			}
			phc, err := sealer.Seal([]byte(k.Phone), []byte("seeker.phone"))
			if err != nil {
				return chunk{err: err}
			}
			ph := blind(k.Phone)
			var regBy any
			if k.RegBy != 0 {
				regBy = k.RegBy
			}
			id := int64(i + 1)
			sa = append(sa, id, k.Name, idc, blind(k.IDNumber), phc, ph, k.Gender, k.Birth.String(),
				k.County.Code, k.TradeCodes, k.Experience, k.ExpectedPay, k.WantsDorm, k.WantsMeals, k.Available.String(),
				k.Education, k.Poor, k.Health, k.HealthAt, k.GroupCode, k.Consent, k.Created, regBy, k.Created, k.Updated)
			ua = append(ua, g.seekerUser(i), ph, k.Name, string(easyjob.RoleSeeker), id, k.Created)
		}
		return chunk{args: [][]any{sa, ua}, rows: []int{n, n}}
	}
	consume := func(ch chunk) error {
		if ch.err != nil {
			return ch.err
		}
		if err := seekers.addRows(ch.args[0], ch.rows[0]); err != nil {
			return err
		}
		return users.addRows(ch.args[1], ch.rows[1])
	}
	if err := produce(ctx, (g.nSeek+seekerChunk-1)/seekerChunk, build, consume); err != nil {
		return err
	}
	if err := users.flush(); err != nil {
		return err
	}
	pr.end()
	sum.Users += users.written
	return nil
}

// appChunk is how many applications one worker makes at a time.
const appChunk = 1000

func writeApplications(ctx context.Context, l *loader, g *gen, hash string, pr *progress, sum *Summary) error {
	pr.begin("applications", len(g.apps))
	apps := l.batch("applications", "id", "seeker_id", "posting_id", "state", "offer_start", "offer_pay",
		"created_at", "updated_at")
	events := l.batch("application_events", "id", "application_id", "from_state", "to_state", "actor_id",
		"actor_role", "reason", "at")
	apps.onFlush = pr.add
	events.parents = []*batch{apps}
	// Event ids follow application order: count each application's events
	// first (cheap: the path only) so chunks can number theirs on their own.
	firstEvent := make([]int64, (len(g.apps)+appChunk-1)/appChunk+1)
	{
		r := newRNG()
		var buf []step
		next := int64(1)
		for a := range g.apps {
			if a%appChunk == 0 {
				firstEvent[a/appChunk] = next
			}
			d := g.detail(a, r, buf)
			buf = d.Steps
			next += int64(len(d.Steps))
		}
		firstEvent[len(firstEvent)-1] = next
	}
	build := func(c int, r rng) chunk {
		lo, hi := c*appChunk, min(len(g.apps), (c+1)*appChunk)
		aa := make([]any, 0, (hi-lo)*len(apps.cols))
		ea := make([]any, 0, (hi-lo)*3*len(events.cols))
		eid := firstEvent[c]
		var buf []step
		ne := 0
		for a := lo; a < hi; a++ {
			x := g.apps[a]
			d := g.detail(a, r, buf)
			buf = d.Steps
			var start any
			if d.OfferStart != "" {
				start = d.OfferStart
			}
			aid := int64(a + 1)
			aa = append(aa, aid, int64(x.Seeker)+1, int64(x.Posting)+1, string(easyjob.States[x.State]), start,
				d.OfferPay, d.Steps[0].At, d.Steps[len(d.Steps)-1].At)
			for _, s := range d.Steps {
				ea = append(ea, eid, aid, string(s.From), string(s.To), s.Actor, string(s.Role), s.Reason, s.At)
				eid++
				ne++
			}
		}
		return chunk{args: [][]any{aa, ea}, rows: []int{hi - lo, ne}}
	}
	consume := func(ch chunk) error {
		if err := apps.addRows(ch.args[0], ch.rows[0]); err != nil {
			return err
		}
		return events.addRows(ch.args[1], ch.rows[1])
	}
	if err := produce(ctx, (len(g.apps)+appChunk-1)/appChunk, build, consume); err != nil {
		return err
	}
	if err := events.flush(); err != nil {
		return err
	}
	if err := apps.flush(); err != nil {
		return err
	}
	pr.end()
	sum.Events = events.written
	return nil
}
