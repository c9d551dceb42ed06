package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/match"
	"easyjob/internal/region"
	"easyjob/internal/search"
)

// Matching keeps the open postings and the seekers in memory for
// recommendations, candidates, match days (match.Index) and keyword search
// (search.Index). It is built from the database at start and kept current
// two ways: the store's OnChange tells it about changes made through this
// process right after they commit, and Poll (from Run, when the database
// says something committed, at most every PollEvery) reads the rows whose
// updated_at moved, so changes made by other processes on the same
// database show within a second.
type Matching struct {
	s     *Store
	ctx   context.Context // the poller's
	bmu   sync.Mutex      // serialises the first build
	built atomic.Bool
	ix    atomic.Pointer[match.Index]
	sx    atomic.Pointer[search.Index]

	mu     sync.Mutex // serialises refreshes
	since  int64      // store clock (ms) when the last poll started
	polVer int64      // updated_at of the policy in force
	seen   map[int64]int64
	// seenApps: the applications a poll already followed, at the
	// updated_at and state it followed (the next polls' overlap reads them
	// again; two changes in one millisecond differ by their state).
	seenApps map[int64]appSeen
	pmu      sync.RWMutex
	posts    map[int64]*easyjob.Posting // live postings, as the API shows them
	encoded  sync.Map                   // posting id → *postingJSON (PostingJSON)
	// Highest ids loaded: rows written in bulk with old timestamps (the
	// demo loader) are found by id.
	maxPosting, maxSeeker, maxApp int64

	// What Candidates needs besides the ranking (candidates.go).
	applied appliedSet
	cand    seekerCache

	// ShortTTL is how long a per-county count of seekers short of
	// recommendations (ShortCounts) is served before it is counted again;
	// up to ten times as old, it is served while a new count runs in the
	// background. StartMatching sets a minute.
	ShortTTL time.Duration
	shortMu  sync.Mutex // serialises counts
	short    atomic.Pointer[shortCache]
	shortRun atomic.Bool // a background count is running

	// MeasureMemory makes the build measure the heap between its phases
	// (it collects garbage three times, and builds on one goroutine: for
	// benchmarks only).
	MeasureMemory bool
	// Sequential builds one part after the other on one connection (tests
	// compare it with the concurrent build).
	Sequential bool
	// Figures of the last build, for logs and benchmarks.
	HeapPostings uint64 // bytes held for the postings (both indexes)
	HeapSeekers  uint64 // bytes held for the seekers
	Built        time.Duration
	Postings     int
	Seekers      int
	SearchDocs   int
}

// FullPollEvery is how often Run reads the tables even when the database
// says nothing committed: a safety net, not the way changes arrive.
const FullPollEvery = 30 * time.Second

// PollEvery is how often Run looks for changes made by other processes.
const PollEvery = 250 * time.Millisecond

// pollOverlap re-reads rows changed this long before the last poll, so that
// transactions committing late and small clock differences between
// processes are not missed.
const pollOverlap = 3000

// StartMatching sets s.Matching and hooks s.OnChange (keeping any hook
// already set). The indexes are built on first use (Ready), and from then
// on a poller bound to ctx follows other processes until ctx ends or the
// database is closed. Building at start is the caller's choice: call Ready.
func (s *Store) StartMatching(ctx context.Context) (_ *Matching, err error) {
	defer wrapErr(&err, "store.StartMatching")
	m := &Matching{s: s, ctx: ctx, seen: map[int64]int64{}, ShortTTL: time.Minute}
	prev := s.OnChange
	s.OnChange = func(kind string, id int64) {
		if prev != nil {
			prev(kind, id)
		}
		if !m.built.Load() {
			return // the build reads everything
		}
		if err := m.Changed(context.WithoutCancel(ctx), kind, id); err != nil {
			s.Log.Warn("matching: following a change", "kind", kind, "id", id, "err", err)
		}
	}
	s.Matching = m
	return m, nil
}

// IsBuilt tells whether the indexes are built (readiness).
func (m *Matching) IsBuilt() bool { return m.built.Load() }

// ReadyWait is how long a request waits for indexes being built by another
// goroutine (the build at start) before it is answered 503 with
// Retry-After: never a wrong empty answer, never a long wait.
var ReadyWait = 2 * time.Second

// readyOrBusy builds the indexes on first use when nobody else is building
// them; when a build is already running (serve builds at start), it waits
// up to ReadyWait for it and then answers "unavailable".
func (m *Matching) readyOrBusy(ctx context.Context) error {
	if m.built.Load() {
		return nil
	}
	if m.bmu.TryLock() {
		m.bmu.Unlock()
		return m.Ready(ctx)
	}
	t := time.NewTimer(ReadyWait)
	defer t.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return easyjob.Errorf(easyjob.EUNAVAILABLE, "error.warming_up")
		case <-tick.C:
			if m.built.Load() {
				return nil
			}
		}
	}
}

// Ready builds the indexes the first time it is called and starts the
// poller; later calls return at once. A failed build is tried again on the
// next call.
func (m *Matching) Ready(ctx context.Context) (err error) {
	defer wrapErr(&err, "store.Ready")
	if m.built.Load() {
		return nil
	}
	m.bmu.Lock()
	defer m.bmu.Unlock()
	if m.built.Load() {
		return nil
	}
	m.mu.Lock()
	err = m.build(ctx)
	m.mu.Unlock()
	if err != nil {
		return err
	}
	m.built.Store(true)
	go m.Run(m.ctx)
	return nil
}

// Index returns the recommendation index.
func (m *Matching) Index() *match.Index { return m.ix.Load() }

// SearchIndex returns the search index.
func (m *Matching) SearchIndex() *search.Index { return m.sx.Load() }

// Run polls for changes until ctx ends or the database is closed. It first
// waits for the database to say that something committed (changeProbe);
// only then, or every FullPollEvery as a safety net, are the tables read,
// at most once every PollEvery however many changes arrive.
func (m *Matching) Run(ctx context.Context) {
	probe, err := newChangeProbe(ctx, m.s.DB)
	if err != nil && ctx.Err() == nil {
		m.s.Log.Warn("matching: asking the database for changes; until it answers, the tables are read every "+PollEvery.String(), "err", err)
	}
	if probe != nil {
		defer probe.close()
	}
	last := time.Now()
	changed := true // whatever committed between the build and the probe's start
	for {
		if !changed {
			if probe != nil {
				changed = probe.wait(ctx, max(FullPollEvery-time.Since(last), time.Millisecond))
			} else {
				changed = sleep(ctx, PollEvery)
			}
		}
		if ctx.Err() != nil {
			return
		}
		if !changed && time.Since(last) < FullPollEvery {
			continue
		}
		if d := PollEvery - time.Since(last); d > 0 && !sleep(ctx, d) {
			return
		}
		changed = false
		last = time.Now()
		err := m.Poll(ctx)
		if err != nil && strings.Contains(err.Error(), "database is closed") {
			return
		}
		if err != nil && ctx.Err() == nil {
			m.s.Log.Warn("matching: polling for changes", "err", err)
		}
	}
}

func (m *Matching) today() match.Date { return match.Date(m.s.today().Days()) }

// build loads everything; readers of a previous build keep reading it until
// the swap.
//
// Its parts run at once on separate connections and goroutines (issue #11:
// 18 s on one core at 100,000 postings and 1,000,000 seekers): the
// segmenter's dictionary loads while the rows are read; the seekers are read
// in id ranges, one per core, while the postings, the placed seekers and the
// villager counts are read; the postings' texts are segmented while the
// seekers go into the index. The index receives everything in the order of
// a sequential build (postings as read, then seekers by id, then villagers),
// so both give the same indexes; Sequential, or MeasureMemory, reads on one
// connection, one part after the other.
func (m *Matching) build(ctx context.Context) error {
	t0 := time.Now()
	seq := m.Sequential || m.MeasureMemory
	loaded := make(chan struct{})
	if seq {
		search.Load()
		close(loaded)
	} else {
		go func() { search.Load(); close(loaded) }()
	}
	gen := m.applied.building()
	m.cand.forget(nil)
	m.since = m.s.now()
	if err := m.s.DB.R.QueryRowContext(ctx, `SELECT COALESCE((SELECT MAX(id) FROM postings), 0),
		COALESCE((SELECT MAX(id) FROM seekers), 0), COALESCE((SELECT MAX(id) FROM applications), 0)`).
		Scan(&m.maxPosting, &m.maxSeeker, &m.maxApp); err != nil {
		return err
	}
	ix, sx := match.NewIndex(), search.NewIndex()
	posts := map[int64]*easyjob.Posting{}
	m.Postings, m.Seekers = 0, 0
	h0 := m.heap()
	var h1, h2 uint64
	pol, ver, err := m.s.loadPolicy(ctx)
	if err != nil {
		return err
	}
	m.polVer = ver
	var np, ns int
	if err := m.s.DB.R.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM postings WHERE status = 'published'),
		(SELECT COUNT(*) FROM seekers)`).Scan(&np, &ns); err != nil {
		return err
	}
	// The seekers, read in id ranges on their own connections.
	parts := 1
	if !seq {
		parts = max(1, min(runtime.GOMAXPROCS(0), 8))
	}
	seekers := make([][]match.Seeker, parts)
	serr := make([]error, parts)
	var swg sync.WaitGroup
	readSeekers := func(i int) {
		lo := m.maxSeeker * int64(i) / int64(parts)
		hi := m.maxSeeker * int64(i+1) / int64(parts)
		if i == parts-1 {
			hi = m.maxSeeker
		}
		list := make([]match.Seeker, 0, ns/parts+ns/100+16)
		serr[i] = m.scan(ctx, func(r Querier) error {
			return m.scanSeekers(ctx, r, `id > $1 AND id <= $2 ORDER BY id`, []any{lo, hi}, nil, func(k match.Seeker) error {
				list = append(list, k)
				return nil
			})
		})
		seekers[i] = list
	}
	if !seq {
		for i := range parts {
			swg.Add(1)
			go func() { defer swg.Done(); readSeekers(i) }()
		}
	}
	// The villager counts, read meanwhile, go in last (as in a sequential build).
	type villagers struct {
		employer int64
		county   string
		n        int
	}
	var vill []villagers
	var verr error
	var vwg sync.WaitGroup
	readVillagers := func() {
		verr = m.scan(ctx, func(r Querier) error {
			return m.scanVillagers(ctx, r, "", nil, func(e int64, c string, n int) error {
				vill = append(vill, villagers{e, c, n})
				return nil
			})
		})
	}
	// The concurrent build reads who arrived where without their home
	// counties, and finds those among the seekers it reads anyway: the
	// join with the seekers looked up a row of the million for each
	// arrival (a second of the build's CPU).
	type arrival struct{ seeker, employer int64 }
	var arrivals []arrival
	if !seq {
		vwg.Add(1)
		go func() {
			defer vwg.Done()
			verr = m.scan(ctx, func(r Querier) error {
				rows, err := r.QueryContext(ctx, `SELECT p.employer_id, a.seeker_id FROM applications a
					JOIN postings p ON p.id = a.posting_id WHERE a.state IN `+arrivedStates)
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var a arrival
					if err := rows.Scan(&a.employer, &a.seeker); err != nil {
						return err
					}
					arrivals = append(arrivals, a)
				}
				return rows.Err()
			})
			slices.SortFunc(arrivals, func(x, y arrival) int { return cmp.Compare(x.seeker, y.seeker) })
		}()
	}
	// villagersOf counts the arrivals by employer and home county, in the
	// order of scanVillagers on SQLite; seekers are in id order.
	villagersOf := func(seekers [][]match.Seeker) []villagers {
		counts := map[villagers]int{}
		at := 0
		for _, part := range seekers {
			for _, k := range part {
				for at < len(arrivals) && arrivals[at].seeker < k.ID {
					at++ // an arrival of a seeker gone since: the join would not count it
				}
				for ; at < len(arrivals) && arrivals[at].seeker == k.ID; at++ {
					counts[villagers{employer: arrivals[at].employer, county: k.County}]++
				}
			}
		}
		out := make([]villagers, 0, len(counts))
		for v, n := range counts {
			v.n = n
			out = append(out, v)
		}
		slices.SortFunc(out, func(x, y villagers) int {
			return cmp.Or(cmp.Compare(x.employer, y.employer), strings.Compare(x.county, y.county))
		})
		return out
	}
	var placed map[int64]bool
	err = m.scan(ctx, func(r Querier) (err error) {
		placed, err = m.placedSeekers(ctx, r, "")
		return err
	})
	if err != nil {
		swg.Wait()
		vwg.Wait()
		return err
	}
	var docs []search.Doc
	var awg sync.WaitGroup
	err = ix.Bulk(func(b *match.Builder) error {
		defer swg.Wait() // no reader outlives the build
		if err := b.SetPolicy(pol); err != nil {
			return err
		}
		b.Grow(np, ns)
		err := m.scan(ctx, func(r Querier) error {
			return m.scanPostings(ctx, r, `p.status = 'published'`, nil, func(x *easyjob.Posting, p match.Posting, d search.Doc, live bool) error {
				if !live {
					return nil
				}
				posts[x.ID] = x
				m.Postings++
				docs = append(docs, d)
				return b.UpsertPosting(p)
			})
		})
		if err != nil {
			return err
		}
		if !seq {
			// Segment the texts while the seekers go in.
			awg.Add(1)
			go func() {
				defer awg.Done()
				<-loaded
				for _, a := range analyze(docs) {
					sx.PutAnalyzed(a)
				}
			}()
		}
		h1 = m.heap()
		if seq {
			readSeekers(0)
		}
		swg.Wait()
		for i := range parts {
			if serr[i] != nil {
				return serr[i]
			}
		}
		if !seq {
			vwg.Wait()
			if verr != nil {
				return verr
			}
			vill = villagersOf(seekers)
		}
		for i := range parts {
			for j := range seekers[i] {
				k := &seekers[i][j]
				k.Active = !placed[k.ID]
				m.Seekers++
				if err := b.UpsertSeeker(*k); err != nil {
					return fmt.Errorf("seeker %d: %w", k.ID, err)
				}
			}
			seekers[i] = nil
		}
		h2 = m.heap()
		if seq {
			readVillagers()
		}
		vwg.Wait()
		if verr != nil {
			return verr
		}
		for _, v := range vill {
			if err := b.SetVillagers(v.employer, v.county, v.n); err != nil {
				return err
			}
		}
		return nil
	})
	awg.Wait()
	vwg.Wait()
	if err != nil {
		return err
	}
	if seq {
		for _, a := range analyze(docs) {
			sx.PutAnalyzed(a)
		}
	}
	m.ix.Store(ix)
	m.sx.Store(sx)
	m.pmu.Lock()
	m.posts = posts
	m.encoded.Clear()
	m.pmu.Unlock()
	clear(m.seen)
	m.SearchDocs = len(docs)
	docs = nil
	if h3 := m.heap(); m.MeasureMemory {
		m.HeapSeekers = h2 - h1
		m.HeapPostings = h3 - h0 - m.HeapSeekers
	}
	m.Built = time.Since(t0)
	// Who applied to which employer, read after the build (the poll and
	// Apply add what follows); Candidates asks the database until then.
	go func() {
		if err := m.loadApplied(m.ctx, gen); err != nil && m.ctx.Err() == nil {
			m.s.Log.Warn("matching: reading who applied where", "err", err)
		}
	}()
	return nil
}

// scan runs one of the build's scans of whole tables on a reader set up for
// them (DB.ScanConn).
func (m *Matching) scan(ctx context.Context, fn func(Querier) error) error {
	r, release, err := m.s.DB.ScanConn(ctx)
	if err != nil {
		return err
	}
	defer release()
	return fn(r)
}

// shortCache is a per-county count of seekers short of recommendations.
type shortCache struct {
	day     match.Date
	below   int
	asOf    time.Time // store clock
	started time.Time // wall clock
	counted time.Time // wall clock, for ShortTTL
	items   []match.CountyShort
}

// shortCounts returns the per-county count of seekers with fewer than
// ShortBelow recommendations, counted at most once per ShortTTL (a count
// takes about a second per million seekers on one core): a fresh count is
// served as is, a stale one while a new count runs in the background, and
// none, or one from another day or far too old, is counted now.
func (m *Matching) shortCounts() *shortCache {
	ttl, day := m.ShortTTL, m.today()
	if c := m.short.Load(); c != nil && c.day == day {
		age := time.Since(c.counted)
		if age <= ttl {
			return c
		}
		if age <= 10*ttl {
			if m.shortRun.CompareAndSwap(false, true) {
				go func() {
					defer m.shortRun.Store(false)
					m.countShort(day)
				}()
			}
			return c
		}
	}
	return m.countShort(day)
}

// countShort counts, unless a count started after the call finished
// while it waited.
func (m *Matching) countShort(day match.Date) *shortCache {
	called := time.Now()
	m.shortMu.Lock()
	defer m.shortMu.Unlock()
	if c := m.short.Load(); c != nil && c.day == day && c.started.After(called) {
		return c
	}
	c := &shortCache{day: day, below: ShortBelow, asOf: m.s.Clock.Now(), started: time.Now()}
	c.items = m.Index().CountShort(day, ShortBelow, nil)
	c.counted = time.Now()
	m.short.Store(c)
	return c
}

// heap returns the live heap after a collection when measuring memory.
func (m *Matching) heap() uint64 {
	if !m.MeasureMemory {
		return 0
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// analyze segments the postings' texts on every core (one goroutine: in
// order), keeping their order.
func analyze(docs []search.Doc) []search.Analyzed {
	out := make([]search.Analyzed, len(docs))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(docs)/64))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(docs) {
					return
				}
				out[i] = search.Analyze(docs[i])
			}
		}()
	}
	wg.Wait()
	return out
}

// scanPostings reads postings matching cond and hands each to fn with its
// matching and search forms and whether it is live (published with places
// left).
func (m *Matching) scanPostings(ctx context.Context, q Querier, cond string, args []any, fn func(*easyjob.Posting, match.Posting, search.Doc, bool) error) error {
	rows, err := q.QueryContext(ctx, `SELECT `+postingCols+`
		FROM postings p JOIN employers e ON e.id = p.employer_id WHERE `+cond, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		x, err := scanPosting(rows)
		if err != nil {
			return err
		}
		compactPosting(&x)
		p := match.Posting{ID: x.ID, EmployerID: x.EmployerID, Occupation: x.Occupation, District: x.District,
			PayMin: x.PayMin, Dorm: x.Dorm, Meals: x.Meals, Verified: x.EmployerOK, AgeMin: x.AgeMin, AgeMax: x.AgeMax,
			Headcount: x.Headcount, Filled: x.Filled, Pending: x.Pending, Open: x.Status == easyjob.PostingPublished,
			StartDate: match.Date(x.StartDate.Days())}
		if !x.ClosingDate.IsZero() {
			p.ClosingDate = match.Date(x.ClosingDate.Days())
		}
		if !x.PublishedAt.IsZero() {
			p.PublishedAt = match.Date(easyjob.DateOf(x.PublishedAt).Days())
		}
		d := search.Doc{ID: x.ID, Title: x.Title, Employer: x.EmployerName, Description: x.Description,
			District: x.District, Occupation: x.Occupation, PayMin: x.PayMin, PayMax: x.PayMax, Dorm: x.Dorm,
			Meals: x.Meals, StartDate: int32(p.StartDate), ClosingDate: int32(p.ClosingDate),
			Published: easyjob.Millis(x.PublishedAt)}
		if x.PublishedAt.IsZero() {
			d.Published = 0
		}
		if err := fn(&x, p, d, p.Open && p.Filled < p.Headcount); err != nil {
			return fmt.Errorf("posting %d: %w", p.ID, err)
		}
	}
	return rows.Err()
}

// posting returns a copy of a live posting held in memory.
func (m *Matching) posting(id int64) (easyjob.Posting, bool) {
	m.pmu.RLock()
	x, ok := m.posts[id]
	m.pmu.RUnlock()
	if !ok {
		return easyjob.Posting{}, false
	}
	p := *x
	p.Checks = slices.Clone(p.Checks)
	return p, true
}

func (m *Matching) keepPosting(x *easyjob.Posting, live bool) {
	m.pmu.Lock()
	if live {
		m.posts[x.ID] = x
	} else {
		delete(m.posts, x.ID)
	}
	m.encoded.Delete(x.ID)
	m.pmu.Unlock()
}

// postingJSON is one version of a live posting (the pointer held in
// Matching.posts: every change, counters included, replaces it) in each
// encoding asked for so far. It is never modified: a new encoding makes a
// new one.
type postingJSON struct {
	p     *easyjob.Posting
	keys  []string
	bytes [][]byte
}

// PostingJSON returns enc's encoding of the live posting id, named key (a
// language, or a shape that has no words, such as a list's card), encoded
// once per version of the posting and key (issue #11: lists of postings
// spent much of their time encoding postings that had not changed); ok is
// false for a posting not held in memory (not live). enc gets a copy of
// the posting and must depend on nothing but it and key.
func (m *Matching) PostingJSON(id int64, key string, enc func(easyjob.Posting) ([]byte, error)) (_ []byte, ok bool, _ error) {
	m.pmu.RLock()
	x, ok := m.posts[id]
	m.pmu.RUnlock()
	if !ok {
		return nil, false, nil
	}
	old, _ := m.encoded.Load(id)
	e, _ := old.(*postingJSON)
	if e != nil && e.p == x {
		for i, k := range e.keys {
			if k == key {
				return e.bytes[i], true, nil
			}
		}
	}
	p := *x
	p.Checks = slices.Clone(p.Checks)
	b, err := enc(p)
	if err != nil {
		return nil, false, err
	}
	n := &postingJSON{p: x, keys: []string{key}, bytes: [][]byte{b}}
	if e != nil && e.p == x {
		n.keys, n.bytes = append(slices.Clip(e.keys), key), append(slices.Clip(e.bytes), b)
	}
	// Kept only while x is the version held: keepPosting drops the entry
	// under the same lock when the posting changes.
	m.pmu.RLock()
	if m.posts[id] == x {
		if old == nil {
			m.encoded.LoadOrStore(id, n)
		} else {
			m.encoded.CompareAndSwap(id, old, n)
		}
	}
	m.pmu.RUnlock()
	return b, true, nil
}

// placedSeekers lists the seekers holding an accepted offer or a job: they
// are not active for candidates and match days.
func (m *Matching) placedSeekers(ctx context.Context, r Querier, cond string, args ...any) (map[int64]bool, error) {
	q := `SELECT DISTINCT seeker_id FROM applications WHERE state IN ('accepted', 'departed', 'arrived', 'onboarded',
		'retained_30', 'retained_90', 'retained_180')`
	if cond != "" {
		q += " AND " + cond
	}
	rows, err := r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

func (m *Matching) scanSeekers(ctx context.Context, r Querier, cond string, args []any, placed map[int64]bool, fn func(match.Seeker) error) error {
	q := `SELECT id, trades, expected_pay, wants_dorm, wants_meals, available_from, birth_date, experience,
		home_county, poor, group_code FROM seekers`
	if cond != "" {
		q += " WHERE " + cond
	}
	rows, err := r.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	today := m.s.today()
	for rows.Next() {
		var k match.Seeker
		var trades string
		var avail, birth easyjob.Date
		var pay, exp int64 // database/sql fills an int through reflect and strconv: a second of the build
		if err := rows.Scan(&k.ID, &trades, &pay, &k.WantsDorm, &k.WantsMeals, &avail, &birth,
			&exp, &k.County, &k.Poor, &k.Group); err != nil {
			return err
		}
		k.ExpectedPay, k.Experience = int(pay), int(exp)
		if trades != "" {
			k.Trades = strings.Split(trades, ",")
			if len(k.Trades) > match.MaxTrades {
				k.Trades = k.Trades[:match.MaxTrades]
			}
		}
		if !avail.IsZero() {
			k.AvailableFrom = match.Date(avail.Days())
		}
		if !birth.IsZero() {
			k.Age = easyjob.AgeOn(birth, today)
		}
		k.Twinned = region.IsTwinned(k.County)
		k.Active = !placed[k.ID]
		if err := fn(k); err != nil {
			return fmt.Errorf("seeker %d: %w", k.ID, err)
		}
	}
	return rows.Err()
}

// arrivedStates are the states of an application whose seeker arrived.
const arrivedStates = `('arrived', 'onboarded', 'retained_30', 'retained_90', 'retained_180')`

// scanVillagers counts, per employer and home county, the people who
// arrived or were onboarded.
func (m *Matching) scanVillagers(ctx context.Context, r Querier, cond string, args []any, fn func(employerID int64, county string, n int) error) error {
	q := `SELECT p.employer_id, k.home_county, COUNT(*) FROM applications a JOIN postings p ON p.id = a.posting_id
		JOIN seekers k ON k.id = a.seeker_id WHERE a.state IN ` + arrivedStates
	if cond != "" {
		q += " AND " + cond
	}
	rows, err := r.QueryContext(ctx, q+` GROUP BY p.employer_id, k.home_county`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var emp int64
		var county string
		var n int
		if err := rows.Scan(&emp, &county, &n); err != nil {
			return err
		}
		if err := fn(emp, county, n); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Changed follows one change made through this process (Store.OnChange).
func (m *Matching) Changed(ctx context.Context, kind string, id int64) (err error) {
	defer wrapErr(&err, "store.Changed", "id", id)
	m.mu.Lock()
	defer m.mu.Unlock()
	switch kind {
	case "posting":
		return m.refreshPostings(ctx, true, `p.id = $1`, id)
	case "employer":
		return m.refreshPostings(ctx, true, `p.employer_id = $1`, id)
	case "seeker":
		return m.refreshSeekers(ctx, []int64{id})
	case "villagers":
		return m.refreshVillagers(ctx, []int64{id})
	}
	return nil
}

// refreshPostings reloads postings; force re-segments their texts even if
// updated_at did not move (changes made through this process).
func (m *Matching) refreshPostings(ctx context.Context, force bool, cond string, args ...any) error {
	var docs []search.Doc
	err := m.scanPostings(ctx, m.s.DB.R, cond, args, func(x *easyjob.Posting, p match.Posting, d search.Doc, live bool) error {
		m.keepPosting(x, live)
		upd := easyjob.Millis(x.UpdatedAt)
		if !live {
			m.Index().RemovePosting(p.ID)
			m.SearchIndex().Remove(p.ID)
			delete(m.seen, p.ID)
			return nil
		}
		if err := m.Index().UpsertPosting(p); err != nil {
			return err
		}
		// Texts change only with updated_at; counters alone need no re-segmenting.
		if at, ok := m.seen[p.ID]; force || !ok || at != upd {
			m.seen[p.ID] = upd
			docs = append(docs, d)
		}
		return nil
	})
	for _, d := range docs {
		m.SearchIndex().Put(d)
	}
	return err
}

func inList(col string, ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return col + " IN (" + placeholders(1, len(ids)) + ")", args
}

// refreshSeekers reloads seekers by id, in chunks.
func (m *Matching) refreshSeekers(ctx context.Context, ids []int64) error {
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), 500)]
		ids = ids[len(chunk):]
		cond, args := inList("seeker_id", chunk)
		placed, err := m.placedSeekers(ctx, m.s.DB.R, cond, args...)
		if err != nil {
			return err
		}
		m.cand.forget(chunk)
		cond, args = inList("id", chunk)
		found := map[int64]bool{}
		err = m.scanSeekers(ctx, m.s.DB.R, cond, args, placed, func(k match.Seeker) error {
			found[k.ID] = true
			return m.Index().UpsertSeeker(k)
		})
		if err != nil {
			return err
		}
		for _, id := range chunk {
			if !found[id] {
				m.Index().RemoveSeeker(id)
			}
		}
	}
	return nil
}

// appSeen is the version of an application a poll followed.
type appSeen struct {
	at    int64
	state string
}

// villagerStates are the states in which an application can change an
// employer's count of villagers (scanVillagers counts the arrived and the
// employed; left and separated drop out of it; departed and no-show are
// where an arrival recorded by mistake could go back to).
var villagerStates = map[easyjob.ApplicationState]bool{easyjob.StateDeparted: true, easyjob.StateNoShow: true,
	easyjob.StateArrived: true, easyjob.StateOnboarded: true, easyjob.StateRetained30: true, easyjob.StateRetained90: true,
	easyjob.StateRetained180: true, easyjob.StateLeft: true, easyjob.StateSeparated: true}

// refreshVillagers recounts the villagers of employers.
func (m *Matching) refreshVillagers(ctx context.Context, employers []int64) error {
	for _, emp := range employers {
		// Counties no longer present drop to zero: recount them all.
		counts := map[string]int{}
		if err := m.scanVillagers(ctx, m.s.DB.R, `p.employer_id = $1`, []any{emp}, func(_ int64, county string, n int) error {
			counts[county] = n
			return nil
		}); err != nil {
			return err
		}
		rows, err := m.s.DB.R.QueryContext(ctx, `SELECT DISTINCT k.home_county FROM applications a
			JOIN postings p ON p.id = a.posting_id JOIN seekers k ON k.id = a.seeker_id
			WHERE p.employer_id = $1 AND a.state IN ('left', 'separated')`, emp)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c string
			if rows.Scan(&c) == nil {
				if _, ok := counts[c]; !ok {
					counts[c] = 0
				}
			}
		}
		rows.Close()
		for c, n := range counts {
			if err := m.Index().SetVillagers(emp, c, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// Poll applies every change committed since the last poll (with an
// overlap), by any process: postings, seekers, applications and the policy.
func (m *Matching) Poll(ctx context.Context) (err error) {
	defer wrapErr(&err, "store.Poll")
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.s.now()
	lo := m.since - pollOverlap
	var maxP, maxS, maxA int64
	if err := m.s.DB.R.QueryRowContext(ctx, `SELECT COALESCE((SELECT MAX(id) FROM postings), 0),
		COALESCE((SELECT MAX(id) FROM seekers), 0), COALESCE((SELECT MAX(id) FROM applications), 0)`).
		Scan(&maxP, &maxS, &maxA); err != nil {
		return err
	}
	if maxP-m.maxPosting+maxS-m.maxSeeker > bulkRebuild {
		// Loaded in bulk: build afresh (readers keep the old indexes meanwhile).
		return m.build(ctx)
	}
	if maxP > m.maxPosting {
		if err := m.refreshPostings(ctx, false, `p.id > $1`, m.maxPosting); err != nil {
			return err
		}
	}
	if err := m.refreshPostings(ctx, false, `p.updated_at > $1`, lo); err != nil {
		return err
	}
	var seekers []int64
	// Each arm uses its own index (an OR, or a UNION that sorts, would scan);
	// a seeker found by both arms is read once (dedupe below).
	rows, err := m.s.DB.R.QueryContext(ctx, `SELECT id FROM seekers WHERE updated_at > $1
		UNION ALL SELECT id FROM seekers WHERE id > $2`, lo, m.maxSeeker)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		seekers = append(seekers, id)
	}
	rows.Close()
	// Applications move headcount, pending counts, who is placed, villagers.
	// SQLite plans "updated_at > $1 OR id > $2" under a join as a scan of
	// every posting; the ids come first from two indexed lookups instead.
	// An application already followed at its updated_at (the overlap of
	// the last polls) is not followed again; villagers are recounted only
	// for employers whose applications are in a state that counts
	// (villagerStates) — an application or a withdrawal changes no count.
	rows, err = m.s.DB.R.QueryContext(ctx, `SELECT a.id, a.updated_at, a.state, a.seeker_id, a.posting_id, p.employer_id FROM applications a
		JOIN postings p ON p.id = a.posting_id WHERE a.id IN (SELECT id FROM applications WHERE updated_at > $1
		UNION ALL SELECT id FROM applications WHERE id > $2)`, lo, m.maxApp)
	if err != nil {
		return err
	}
	if m.seenApps == nil {
		m.seenApps = map[int64]appSeen{}
	}
	postings, employers := map[int64]bool{}, map[int64]bool{}
	for rows.Next() {
		var id, at, k, p, e int64
		var state string
		if err := rows.Scan(&id, &at, &state, &k, &p, &e); err != nil {
			rows.Close()
			return err
		}
		if prev, ok := m.seenApps[id]; ok && prev == (appSeen{at, state}) {
			continue
		}
		m.seenApps[id] = appSeen{at, state}
		m.applied.add(k, e)
		seekers = append(seekers, k)
		postings[p] = true
		if villagerStates[easyjob.ApplicationState(state)] {
			employers[e] = true
		}
	}
	rows.Close()
	if err := m.refreshSeekers(ctx, dedupe(seekers)); err != nil {
		return err
	}
	if len(postings) > 0 {
		ids := keys(postings)
		for len(ids) > 0 {
			chunk := ids[:min(len(ids), 500)]
			ids = ids[len(chunk):]
			cond, args := inList("p.id", chunk)
			if err := m.refreshPostings(ctx, false, cond, args...); err != nil {
				return err
			}
		}
	}
	if err := m.refreshVillagers(ctx, keys(employers)); err != nil {
		return err
	}
	pol, ver, err := m.s.loadPolicy(ctx)
	if err != nil {
		return err
	}
	if ver != m.polVer {
		if err := m.Index().SetPolicy(pol); err != nil {
			return err
		}
		m.polVer = ver
	}
	for id, at := range m.seen {
		if at < lo-pollOverlap {
			delete(m.seen, id)
		}
	}
	for id, x := range m.seenApps {
		if x.at < lo-pollOverlap {
			delete(m.seenApps, id)
		}
	}
	m.since = now
	m.maxPosting, m.maxSeeker, m.maxApp = max(m.maxPosting, maxP), max(m.maxSeeker, maxS), max(m.maxApp, maxA)
	return nil
}

// bulkRebuild is how many new postings and seekers at once make Poll
// rebuild the indexes instead of adding rows one by one.
const bulkRebuild = 20_000

func keys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// loadPolicy reads the officer-set matching policy; without one it is
// match.DefaultPolicy. ver is its updated_at (0 for the default).
func (s *Store) loadPolicy(ctx context.Context) (match.Policy, int64, error) {
	var text string
	var ver int64
	err := s.DB.R.QueryRowContext(ctx, `SELECT policy, updated_at FROM match_policy WHERE id = 1`).Scan(&text, &ver)
	if err == sql.ErrNoRows {
		return match.DefaultPolicy(), 0, nil
	}
	if err != nil {
		return match.Policy{}, 0, err
	}
	pol := match.DefaultPolicy()
	if err := json.Unmarshal([]byte(text), &pol); err != nil {
		return match.Policy{}, 0, fmt.Errorf("match_policy: %v", err)
	}
	return pol, ver, nil
}
