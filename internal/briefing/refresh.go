package briefing

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// The rollups are kept current from the hiring core's rows. A refresh reads
// the events and seekers past its cursors, recomputes the facts of every
// application of the seekers concerned, stamped with a new revision, and
// adds the new registrations; the cursors (and the revision) move in the
// same transaction by a conditional update, so two processes refreshing at
// once never count an event twice (the second rolls back and finds nothing
// new), and the snapshots of every process read the facts past the revision
// they hold (snapshot.go).

const (
	batchEvents  = 20000
	batchSeekers = 50000
	// A seeker changed this long before the last look is looked at again
	// (late commits, clocks of other processes).
	seekerMargin = 3 * time.Second
	// The last events below the cursor are read again: on PostgreSQL an
	// event can commit after one with a higher id was read. Recomputing a
	// seeker's facts from the rows is idempotent, so reading twice is safe.
	reread = 200
)

var errRaced = errors.New("briefing: another refresh moved the cursors")

// Refresh brings the rollups up to date and tells how many events and
// seekers it read. The first refresh of a database builds them, chunk by
// chunk (build.go), before it reads what changed since the build began.
func (s *Service) Refresh(ctx context.Context) (n int, err error) {
	n, _, err = s.refresh(ctx, -1)
	return n, err
}

// refresh is Refresh that spends at most budget on building the rollups
// (none when 0, no limit when negative) and tells whether they are built.
func (s *Service) refresh(ctx context.Context, budget time.Duration) (n int, built bool, err error) {
	defer func() { err = store.Wrap(err, "briefing.Refresh") }()
	start := time.Now()
	for rounds := 0; rounds < 1000; {
		if budget >= 0 && !s.built.Load() && time.Since(start) >= budget {
			c, found, err := readCursors(ctx, s.S.DB.R)
			if err != nil {
				return n, false, err
			}
			if !found || c.building {
				return n, false, nil
			}
		}
		var k int
		var building bool
		err := s.S.Tx(ctx, func(tx *store.Tx) error {
			var err error
			k, building, err = s.refreshOnce(ctx, tx)
			return err
		})
		if errors.Is(err, errRaced) {
			continue
		}
		if err != nil {
			return n, false, err
		}
		n += k
		if building {
			s.built.Store(false) // the rollups were emptied since
			continue
		}
		s.built.Store(true)
		rounds++
		if k == 0 {
			break
		}
	}
	s.last.Store(s.S.Now().UnixNano())
	return n, true, nil
}

// fresh refreshes the rollups when they are older than s.Stale. While the
// first build is not finished (the periodic task does it; a dashboard adds
// at most s.BuildBudget), the answer is "unavailable", with how far the
// build is: the figures of a half-built rollup are never shown as final.
func (s *Service) fresh(ctx context.Context) error {
	if l := s.last.Load(); l != 0 && s.S.Now().Sub(time.Unix(0, l)) < s.Stale {
		return nil
	}
	return s.current(ctx)
}

// current refreshes the rollups, answering "being prepared" while the
// first build is not finished.
func (s *Service) current(ctx context.Context) error {
	_, built, err := s.refresh(ctx, s.BuildBudget)
	if err != nil || built {
		return err
	}
	pct, err := s.Progress(ctx)
	if err != nil {
		return err
	}
	return easyjob.Errorf(easyjob.EUNAVAILABLE, "briefing.preparing", "percent", pct)
}

type cursors struct {
	events, seekers, seekersAt int64
	// rev is the revision of the last transaction that wrote facts or
	// registrations; epoch is set when a build from nothing starts.
	rev, epoch int64
	// While the first build runs: the last seeker built and the last one to
	// build (build.go).
	buildNext, buildEnd int64
	building            bool
}

func readCursors(ctx context.Context, q store.Querier) (c cursors, found bool, err error) {
	rows, err := q.QueryContext(ctx, `SELECT name, value FROM briefing_cursors`)
	if err != nil {
		return c, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var v int64
		if err := rows.Scan(&name, &v); err != nil {
			return c, false, err
		}
		found = true
		switch name {
		case "events":
			c.events = v
		case "seekers":
			c.seekers = v
		case "seekers_at":
			c.seekersAt = v
		case "build_next":
			c.buildNext = v
		case "rev":
			c.rev = v
		case "epoch":
			c.epoch = v
		case "build_end":
			c.buildEnd, c.building = v, true
		}
	}
	return c, found, rows.Err()
}

// move sets a cursor only if it still holds the value read.
func move(ctx context.Context, tx *store.Tx, name string, old, v int64) error {
	if old == v {
		return nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE briefing_cursors SET value = $1 WHERE name = $2 AND value = $3`, v, name, old)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k != 1 {
		return errRaced
	}
	return nil
}

// moveRev moves the revision from old to old + 1 (a database migrated
// before the revisions may have no cursor yet: it is inserted).
func moveRev(ctx context.Context, tx *store.Tx, old int64) error {
	res, err := tx.ExecContext(ctx, `UPDATE briefing_cursors SET value = $1 WHERE name = 'rev' AND value = $2`, old+1, old)
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 1 {
		return nil
	}
	if old != 0 {
		return errRaced
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO briefing_cursors (name, value) VALUES ('rev', 1)`); err != nil {
		if _, ok := store.UniqueViolation(err); ok {
			return errRaced
		}
		return err
	}
	return nil
}

// refreshOnce does one step in one transaction: start the build, build a
// chunk, or read a batch of what changed; building tells that the first
// build is not finished. A step that writes facts or registrations stamps
// them with the revision c.rev + 1 and moves the cursor to it.
func (s *Service) refreshOnce(ctx context.Context, tx *store.Tx) (n int, building bool, err error) {
	// Take the cursors' row locks before reading them: on PostgreSQL a
	// second refresh then waits for the first to commit and reads where it
	// ended, instead of recomputing the same seekers' facts at once (their
	// inserts collided on the facts' key before the cursors' conditional
	// moves could tell it to start again). SQLite has one writer anyway.
	if _, err := tx.ExecContext(ctx, `UPDATE briefing_cursors SET value = value`); err != nil {
		return 0, false, err
	}
	c, found, err := readCursors(ctx, tx)
	if err != nil {
		return 0, false, err
	}
	if !found {
		return 0, true, s.startBuild(ctx, tx)
	}
	if c.building {
		return s.buildChunk(ctx, tx, c, c.rev+1)
	}
	n, err = s.readChanges(ctx, tx, c, c.rev+1)
	return n, false, err
}

// readChanges reads the seekers and events past the cursors; what it
// writes is of revision rev.
func (s *Service) readChanges(ctx context.Context, tx *store.Tx, c cursors, rev int64) (int, error) {
	now := easyjob.Millis(tx.Now)
	n := 0
	touched := map[int64]bool{} // seekers whose applications are recomputed

	// New seekers: the mirror and the registrations.
	var maxSeeker int64 = c.seekers
	reg := map[regKey]int64{}
	{
		type sk struct {
			id, created int64
			county      string
			poor        bool
		}
		xs, err := store.Select(ctx, tx, func(r store.Scanner) (sk, error) {
			var x sk
			return x, r.Scan(&x.id, &x.created, &x.county, &x.poor)
		}, `SELECT id, created_at, home_county, poor FROM seekers WHERE id > $1 ORDER BY id LIMIT `+strconv.Itoa(batchSeekers), c.seekers)
		if err != nil {
			return 0, err
		}
		for _, x := range xs {
			day := dayNumber(easyjob.DateOf(easyjob.FromMillis(x.created)))
			if _, err := tx.ExecContext(ctx, `INSERT INTO briefing_seekers (seeker_id, reg_day, county, poor) VALUES ($1, $2, $3, $4)`,
				x.id, day, x.county, x.poor); err != nil {
				return 0, err
			}
			reg[regKey{day, x.county, x.poor}]++
			maxSeeker = x.id
			touched[x.id] = true
		}
		n += len(xs)
	}
	// Registered-poor status set or cleared since the last look.
	{
		type ch struct {
			id, day int64
			county  string
			poor    bool
		}
		xs, err := store.Select(ctx, tx, func(r store.Scanner) (ch, error) {
			var x ch
			return x, r.Scan(&x.id, &x.day, &x.county, &x.poor)
		}, `SELECT s.id, b.reg_day, b.county, s.poor FROM seekers s JOIN briefing_seekers b ON b.seeker_id = s.id
			WHERE s.updated_at >= $1 AND s.poor <> b.poor`, c.seekersAt-seekerMargin.Milliseconds())
		if err != nil {
			return 0, err
		}
		for _, x := range xs {
			if _, err := tx.ExecContext(ctx, `UPDATE briefing_seekers SET poor = $1 WHERE seeker_id = $2`, x.poor, x.id); err != nil {
				return 0, err
			}
			reg[regKey{int(x.day), x.county, !x.poor}]--
			reg[regKey{int(x.day), x.county, x.poor}]++
			touched[x.id] = true
		}
		n += len(xs)
	}
	// New events: their seekers' applications are recomputed.
	maxEvent := c.events
	{
		type ev struct{ id, seeker int64 }
		xs, err := store.Select(ctx, tx, func(r store.Scanner) (ev, error) {
			var x ev
			return x, r.Scan(&x.id, &x.seeker)
		}, `SELECT e.id, a.seeker_id FROM application_events e JOIN applications a ON a.id = e.application_id
			WHERE e.id > $1 ORDER BY e.id LIMIT `+strconv.Itoa(batchEvents), c.events-reread)
		if err != nil {
			return 0, err
		}
		for _, x := range xs {
			if x.id > c.events {
				n++
				maxEvent = x.id
			}
		}
		if n > 0 { // the window below the cursor is looked at again only with news
			for _, x := range xs {
				touched[x.seeker] = true
			}
		}
	}
	if err := s.recompute(ctx, tx, keys(touched), rev); err != nil {
		return 0, err
	}
	for k, d := range reg {
		if d == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO briefing_registered (reg_day, county, poor, n) VALUES ($1, $2, $3, $4)
			ON CONFLICT (reg_day, county, poor) DO UPDATE SET n = briefing_registered.n + excluded.n`, k.day, k.county, k.poor, d); err != nil {
			return 0, err
		}
	}
	if err := move(ctx, tx, "events", c.events, maxEvent); err != nil {
		return 0, err
	}
	if err := move(ctx, tx, "seekers", c.seekers, maxSeeker); err != nil {
		return 0, err
	}
	if n > 0 {
		if err := moveRev(ctx, tx, c.rev); err != nil {
			return 0, err
		}
	}
	if n == 0 { // the time of the last look moves only once all is read
		if err := move(ctx, tx, "seekers_at", c.seekersAt, now); err != nil {
			return 0, err
		}
	}
	return n, nil
}

func keys(m map[int64]bool) []int64 {
	out := make([]int64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

type regKey struct {
	day    int
	county string
	poor   bool
}

const factCols = `application_id, seeker_id, reg_day, county, poor, district, employer_id, trade,
	applied, offered, accepted, departed, arrived, onboarded, retained_30, retained_90, retained_180`

// factSelect computes facts from the hiring core's rows, with the revision
// rev (an expression) last; where is added after the joins (on a:
// applications). The events are joined and grouped by application, so that
// both databases read only the events of the applications selected: a
// subquery grouping application_events joined on application_id is
// aggregated whole first (SQLite materialises it; neither pushes a join
// condition into a grouped subquery) — 5 s a recompute at 2.6 million
// events, inside the write transaction that SQLite's every other write
// waited behind (issue #11, measured under the writes mix).
func factSelect(rev, where string) string {
	return `SELECT a.id, a.seeker_id, ` + daySQL("s.created_at") + `, s.home_county, s.poor, p.district, p.employer_id, p.occupation, ` +
		stepDays() + `, ` + rev + `
		FROM applications a JOIN seekers s ON s.id = a.seeker_id JOIN postings p ON p.id = a.posting_id
		JOIN application_events e ON e.application_id = a.id
		WHERE ` + where + `
		GROUP BY a.id, a.seeker_id, s.created_at, s.home_county, s.poor, p.district, p.employer_id, p.occupation`
}

// stepDays is the day of each of Steps in the events e of an application
// (0 for a step not reached), for a query grouped by application.
func stepDays() string {
	var mins []string
	for _, st := range Steps {
		mins = append(mins, "COALESCE(MIN(CASE WHEN e.to_state = '"+st+"' THEN "+daySQL("e.at")+" END), 0)")
	}
	return strings.Join(mins, ", ")
}

// recompute rewrites the facts of every application of the seekers, stamped
// with the revision rev.
func (s *Service) recompute(ctx context.Context, tx *store.Tx, seekers []int64, rev int64) error {
	const chunk = 500
	for i := 0; i < len(seekers); i += chunk {
		ids := seekers[i:min(i+chunk, len(seekers))]
		var w store.Where
		inInts(&w, "seeker_id", ids)
		if _, err := tx.ExecContext(ctx, `DELETE FROM briefing_facts`+w.SQL(), w.Args()...); err != nil {
			return err
		}
		q, args := recomputeSQL(ids, rev)
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// recomputeSQL inserts the facts of the seekers' applications.
func recomputeSQL(ids []int64, rev int64) (string, []any) {
	var w store.Where
	inInts(&w, "a.seeker_id", ids)
	sel := factSelect("CAST("+w.Arg(rev)+" AS BIGINT)", w.And())
	return `INSERT INTO briefing_facts (` + factCols + `, rev) ` + sel, w.Args()
}

func inInts(w *store.Where, col string, ids []int64) {
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = w.Arg(id)
	}
	w.Add(col + " IN (" + strings.Join(ph, ", ") + ")")
}
