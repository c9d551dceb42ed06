package briefing

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"time"
	"unsafe"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// The dashboards answer from a snapshot of briefing_facts (one row per
// application) and briefing_registered held in the process's memory: a
// city-wide funnel sums about a million facts, which no SQL over the
// rollups answered in 200 ms on either database, and one pass over compact
// rows in memory does (docs/PERFORMANCE.md).
//
// The snapshot is kept current with the database by revisions: every
// transaction of the refresh or the build that writes facts or
// registrations stamps its facts with a new value of the cursor 'rev'
// (refresh.go). Before answering, a read looks at the cursors (one small
// read) and, when the revision moved, reads the facts past the revision it
// holds and puts them in place by application id, and the registrations
// whole (a few thousand rows), so that a read after a refresh — in this
// process or another — sees it. A build from nothing sets a new 'epoch':
// the snapshot is then loaded again from nothing. The first load (and a
// load after a rebuild) runs in the background; a read waits for it at
// most LoadBudget and otherwise answers "being prepared", as during the
// first build. The periodic refresh task loads it at start.
//
// The rows are kept in the order of their seekers (order), so that the
// number of distinct seekers of a group is counted in the same pass: all
// the facts of a seeker are next to each other. Facts are never deleted
// by the refresh except to be written again (applications are never
// deleted), so putting them in place by application id is enough.

// frow is a fact in memory (48 bytes): days as day numbers, county, district and
// trade as indexes of the snapshot's dictionaries, the employer as an
// index of its employers.
type frow struct {
	seeker   int64
	day      uint16 // day numbers fit until 2149
	steps    [9]uint16
	employer int32
	county   uint16
	district uint16
	trade    uint16
	reached  uint16 // bit i: steps[i] > 0
	poor     bool
}

// regRow is a row of briefing_registered.
type regRow struct {
	day    int32
	county uint16
	poor   bool
	n      int64
}

// dict interns the codes of a column.
type dict struct {
	names []string
	idx   map[string]uint16
}

func (d *dict) of(s string) (uint16, error) {
	if i, ok := d.idx[s]; ok {
		return i, nil
	}
	if len(d.names) > 0xffff {
		return 0, fmt.Errorf("briefing: more than 65536 distinct codes in the facts")
	}
	if d.idx == nil {
		d.idx = map[string]uint16{}
	}
	i := uint16(len(d.names))
	d.names = append(d.names, s)
	d.idx[s] = i
	return i, nil
}

// snapData is one snapshot. Its rows change in place only under
// snapshot.mu's write lock.
type snapData struct {
	epoch, rev int64
	rows       []frow
	order      []int32 // rows by seeker, then position
	apps       []int32 // row+1 by application id (0: none); ids past denseApps in byApp
	byApp      map[int64]int32
	counties   dict
	districts  dict
	trades     dict
	employers  []int64
	empIdx     map[int64]int32
	reg        []regRow
}

// denseApps bounds the application ids indexed by a slice (4 bytes an id);
// larger ids (a database whose sequence jumped) go to a map.
const denseApps = 1 << 26

func (d *snapData) rowOf(app int64) (int32, bool) {
	if app >= 0 && app < int64(len(d.apps)) {
		i := d.apps[app]
		return i - 1, i > 0
	}
	i, ok := d.byApp[app]
	return i, ok
}

func (d *snapData) setRow(app int64, i int32) {
	if app >= 0 && app < denseApps {
		if app >= int64(len(d.apps)) {
			n := max(int64(len(d.apps))*2, app+1, 1024)
			d.apps = append(d.apps, make([]int32, min(n, denseApps)-int64(len(d.apps)))...)
		}
		d.apps[app] = i + 1
		return
	}
	if d.byApp == nil {
		d.byApp = map[int64]int32{}
	}
	d.byApp[app] = i
}

// rawFact is a fact as read from the database.
type rawFact struct {
	app, seeker, employer   int64
	day                     int
	county, district, trade string
	poor                    bool
	steps                   [9]int
}

// put sets a fact, in place when its application is known; it tells
// whether the row is new (then order must be made again).
func (d *snapData) put(f *rawFact) (bool, error) {
	var r frow
	var err error
	if f.day < 0 || f.day > 0xffff {
		return false, fmt.Errorf("briefing: day %d out of range", f.day)
	}
	r.seeker, r.day, r.poor = f.seeker, uint16(f.day), f.poor
	for i, v := range f.steps {
		if v < 0 || v > 0xffff {
			return false, fmt.Errorf("briefing: day %d out of range", v)
		}
		r.steps[i] = uint16(v)
		if v > 0 {
			r.reached |= 1 << i
		}
	}
	if r.county, err = d.counties.of(f.county); err != nil {
		return false, err
	}
	if r.district, err = d.districts.of(f.district); err != nil {
		return false, err
	}
	if r.trade, err = d.trades.of(f.trade); err != nil {
		return false, err
	}
	e, ok := d.empIdx[f.employer]
	if !ok {
		if d.empIdx == nil {
			d.empIdx = map[int64]int32{}
		}
		e = int32(len(d.employers))
		d.employers = append(d.employers, f.employer)
		d.empIdx[f.employer] = e
	}
	r.employer = e
	if i, ok := d.rowOf(f.app); ok {
		d.rows[i] = r
		return false, nil
	}
	d.setRow(f.app, int32(len(d.rows)))
	d.rows = append(d.rows, r)
	return true, nil
}

// sortOrder makes order again: the rows by seeker (the positions, already
// in order, are merged with the new ones).
func (d *snapData) sortOrder(from int) {
	added := make([]int32, 0, len(d.rows)-from)
	for i := from; i < len(d.rows); i++ {
		added = append(added, int32(i))
	}
	by := func(a, b int32) int {
		if c := cmp.Compare(d.rows[a].seeker, d.rows[b].seeker); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	}
	slices.SortFunc(added, by)
	if from == 0 {
		d.order = added
		return
	}
	merged := make([]int32, 0, len(d.order)+len(added))
	i, j := 0, 0
	for i < len(d.order) && j < len(added) {
		if by(d.order[i], added[j]) <= 0 {
			merged = append(merged, d.order[i])
			i++
		} else {
			merged = append(merged, added[j])
			j++
		}
	}
	merged = append(merged, d.order[i:]...)
	d.order = append(merged, added[j:]...)
}

// compact puts the rows themselves in the seekers' order, so that a pass
// reads them one after the other (the table's order is not the seekers' on
// PostgreSQL: a pass in it took three times as long, waiting on memory).
func (d *snapData) compact() {
	at := make([]int32, len(d.order)) // new position by old
	rows := make([]frow, len(d.rows), cap(d.rows))
	for i, o := range d.order {
		rows[i] = d.rows[o]
		at[o] = int32(i)
		d.order[i] = int32(i)
	}
	d.rows = rows
	for app, i := range d.apps {
		if i > 0 {
			d.apps[app] = at[i-1] + 1
		}
	}
	for app, i := range d.byApp {
		d.byApp[app] = at[i]
	}
}

// Bytes is about how much memory the snapshot holds.
func (d *snapData) bytes() int64 {
	n := int64(cap(d.rows))*int64(unsafe.Sizeof(frow{})) + int64(cap(d.order))*4 + int64(cap(d.apps))*4 + int64(len(d.byApp))*16 +
		int64(cap(d.employers))*8 + int64(len(d.empIdx))*16 + int64(cap(d.reg))*16
	for _, dc := range []dict{d.counties, d.districts, d.trades} {
		for _, s := range dc.names {
			n += int64(len(s))*2 + 32
		}
	}
	return n
}

// readFacts reads the facts of a revision above rev (all of them, in the
// table's order, when rev is negative).
func readFacts(ctx context.Context, q store.Querier, rev int64, f func(*rawFact) error) error {
	query, args := `SELECT `+factCols+` FROM briefing_facts`, []any{}
	if rev >= 0 {
		query, args = query+` WHERE rev > $1`, []any{rev}
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var x rawFact
	var county, district, trade sql.RawBytes
	p := []any{&x.app, &x.seeker, &x.day, &county, &x.poor, &district, &x.employer, &trade}
	for i := range x.steps {
		p = append(p, &x.steps[i])
	}
	for rows.Next() {
		if err := rows.Scan(p...); err != nil {
			return err
		}
		x.county, x.district, x.trade = string(county), string(district), string(trade)
		if err := f(&x); err != nil {
			return err
		}
	}
	return rows.Err()
}

// rawReg is a row of briefing_registered as read.
type rawReg struct {
	day    int
	county string
	poor   bool
	n      int64
}

func readRegistered(ctx context.Context, q store.Querier) ([]rawReg, error) {
	return store.Select(ctx, q, func(r store.Scanner) (rawReg, error) {
		var x rawReg
		return x, r.Scan(&x.day, &x.county, &x.poor, &x.n)
	}, `SELECT reg_day, county, poor, n FROM briefing_registered WHERE n <> 0`)
}

// setRegistered replaces the registrations.
func (d *snapData) setRegistered(xs []rawReg) error {
	out := make([]regRow, 0, len(xs))
	for _, x := range xs {
		c, err := d.counties.of(x.county)
		if err != nil {
			return err
		}
		out = append(out, regRow{int32(x.day), c, x.poor, x.n})
	}
	d.reg = out
	return nil
}

// load reads a whole snapshot of the revision c.rev (or later: a fact
// written since is read again by the next delta, which is harmless).
func load(ctx context.Context, q *sql.DB, c cursors) (*snapData, error) {
	d := &snapData{epoch: c.epoch, rev: c.rev}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM briefing_facts`).Scan(&n); err != nil {
		return nil, err
	}
	d.rows = make([]frow, 0, n+n/16)
	if err := readFacts(ctx, q, -1, func(f *rawFact) error {
		_, err := d.put(f)
		return err
	}); err != nil {
		return nil, err
	}
	d.sortOrder(0)
	d.compact()
	reg, err := readRegistered(ctx, q)
	if err != nil {
		return nil, err
	}
	return d, d.setRegistered(reg)
}

// snapshot is the Service's snapshot and how it is kept.
type snapshot struct {
	syncMu sync.Mutex   // one delta at a time; guards d's pointer and job
	mu     sync.RWMutex // the scans read-lock d; a delta write-locks it
	d      *snapData
	job    *loadJob
	// loadTook is how long the last load from nothing took.
	loadTook time.Duration
}

// loadJob is a load from nothing running in the background; once done,
// its snapshot is the Service's (unless a later job replaced it).
type loadJob struct {
	done  chan struct{}
	epoch int64
	err   error
}

// Sync brings the snapshot up to the database's revision, loading it from
// nothing if need be, however long that takes (the periodic task calls it,
// so a process has it before the first dashboard asks).
func (s *Service) Sync(ctx context.Context) error {
	return store.Wrap(s.sync(ctx, -1), "briefing.Sync")
}

// SnapshotInfo tells the facts the snapshot holds, about how many bytes, and
// how long its last load from nothing took.
func (s *Service) SnapshotInfo() (facts int, bytes int64, loaded time.Duration) {
	s.snap.mu.RLock()
	defer s.snap.mu.RUnlock()
	if s.snap.d == nil {
		return 0, 0, 0
	}
	return len(s.snap.d.rows), s.snap.d.bytes(), s.snap.loadTook
}

// sync brings the snapshot up to the cursors' revision; a load from nothing
// is waited for at most budget (no limit when negative), and then the
// answer is "being prepared".
func (s *Service) sync(ctx context.Context, budget time.Duration) error {
	c, found, err := readCursors(ctx, s.S.DB.R)
	if err != nil {
		return err
	}
	if !found || c.building {
		return easyjob.Errorf(easyjob.EUNAVAILABLE, "briefing.preparing", "percent", c.progress(found))
	}
	sn := &s.snap
	for range 3 {
		sn.syncMu.Lock()
		d := sn.d
		if d != nil && d.epoch == c.epoch {
			defer sn.syncMu.Unlock()
			if d.rev >= c.rev {
				return nil
			}
			return s.delta(ctx, d, c)
		}
		job := sn.job
		if job == nil || job.epoch != c.epoch {
			job = s.startLoad(ctx, c)
		}
		sn.syncMu.Unlock()
		if err := s.await(ctx, job, budget); err != nil {
			return err
		}
	}
	return nil
}

// startLoad starts a load from nothing in the background (under syncMu).
func (s *Service) startLoad(ctx context.Context, c cursors) *loadJob {
	job := &loadJob{done: make(chan struct{}), epoch: c.epoch}
	s.snap.job = job
	lctx := context.WithoutCancel(ctx)
	go func() {
		t0 := time.Now()
		d, err := load(lctx, s.S.DB.R, c)
		sn := &s.snap
		sn.syncMu.Lock()
		if sn.job == job {
			sn.job = nil
			if err == nil {
				sn.mu.Lock()
				sn.d, sn.loadTook = d, time.Since(t0)
				sn.mu.Unlock()
			}
		}
		job.err = err
		sn.syncMu.Unlock()
		close(job.done)
	}()
	return job
}

// await waits for a load at most budget (no limit when negative).
func (s *Service) await(ctx context.Context, job *loadJob, budget time.Duration) error {
	var timeout <-chan time.Time
	if budget >= 0 {
		t := time.NewTimer(budget)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-job.done:
		return job.err
	case <-timeout:
		return easyjob.Errorf(easyjob.EUNAVAILABLE, "briefing.preparing", "percent", 99)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// delta reads the facts past the snapshot's revision and the
// registrations, then puts them in place.
func (s *Service) delta(ctx context.Context, d *snapData, c cursors) error {
	var fs []rawFact
	if err := readFacts(ctx, s.S.DB.R, d.rev, func(f *rawFact) error {
		fs = append(fs, *f)
		return nil
	}); err != nil {
		return err
	}
	reg, err := readRegistered(ctx, s.S.DB.R)
	if err != nil {
		return err
	}
	sn := &s.snap
	sn.mu.Lock()
	defer sn.mu.Unlock()
	n := len(d.rows)
	for i := range fs {
		if _, err := d.put(&fs[i]); err != nil {
			d.epoch = -1 // half applied: loaded again by the next read
			return err
		}
	}
	if len(d.rows) > n {
		d.sortOrder(n)
	}
	if err := d.setRegistered(reg); err != nil {
		d.epoch = -1
		return err
	}
	d.rev = c.rev
	return nil
}

// view is the snapshot, current with the rollups (refreshed if stale) and
// read-locked until release is called.
func (s *Service) view(ctx context.Context) (d *snapData, release func(), err error) {
	if err := s.fresh(ctx); err != nil {
		return nil, nil, err
	}
	if err := s.sync(ctx, s.LoadBudget); err != nil {
		return nil, nil, err
	}
	s.snap.mu.RLock()
	return s.snap.d, s.snap.mu.RUnlock, nil
}
