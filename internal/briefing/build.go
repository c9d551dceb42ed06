package briefing

import (
	"context"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/store"
)

// The first build of the rollups (a new database, or one whose rollups were
// emptied) runs in chunks of seekers by id, each chunk its own short
// transaction, so that it never holds SQLite's write lock, or a PostgreSQL
// transaction, for long (a million seekers in one transaction held the lock
// for 40 s and starved every other writer).
//
// startBuild sets the cursors as if everything up to the last event and
// seeker of that moment were read, and two more: build_next (the last seeker
// built) and build_end (the last seeker to build), and drops the facts'
// secondary indexes (deferredIndexes). A chunk computes the facts of the
// seekers (build_next, build_next + size] from their rows as they are at that
// moment, writes them and adds their sums to the cells, the flow and the
// registrations; it moves build_next first, by a conditional update, so that
// two processes never build a chunk twice, and a restart goes on from the
// last chunk committed. After the last chunk, the indexes are made again, one
// a transaction (build_indexes counts them); then the build's cursors are
// deleted, and the ordinary refresh takes over from the cursors set at the
// start.
//
// A write made during the build is counted exactly once: a seeker's facts
// are recomputed from the rows whenever the refresh sees a new event of
// theirs, subtracting what was counted before, so an event a chunk already
// saw is recounted to the same figures; registered-poor changes are seen by
// comparing the seeker with its mirror; seekers registered after the start
// are past the seekers cursor. Until the last chunk, the dashboards answer
// "being prepared" with how far the build is (Service.fresh).

const (
	chunkFirst = 5000 // seekers in the first chunk when the size is chosen by time
	chunkMin   = 500
	chunkMax   = 200000
	// A chunk should take about this long; the next one's size follows.
	chunkAim = 200 * time.Millisecond
)

var rollupTables = []string{"briefing_seekers", "briefing_facts", "briefing_cells", "briefing_registered", "briefing_flow", "briefing_delays"}

// deferredIndexes are the secondary indexes of briefing_facts (as in
// migration 00020) that the first build drops and makes again at its end,
// each in its own transaction: inserted into chunk by chunk, each chunk
// would rewrite nearly every page of them (the seekers' index, in the
// chunks' order, stays).
var deferredIndexes = []string{
	`briefing_facts_day ON briefing_facts (reg_day, county, district)`,
	`briefing_facts_employer ON briefing_facts (employer_id, reg_day)`,
	`briefing_facts_trade ON briefing_facts (trade, reg_day)`,
}

// startBuild empties the rollups and sets the cursors of a build.
func (s *Service) startBuild(ctx context.Context, tx *store.Tx) error {
	var maxEvent, maxSeeker int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM application_events`).Scan(&maxEvent); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM seekers`).Scan(&maxSeeker); err != nil {
		return err
	}
	for _, t := range rollupTables {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
			return err
		}
	}
	for _, ix := range deferredIndexes {
		if _, err := tx.ExecContext(ctx, `DROP INDEX IF EXISTS `+strings.Fields(ix)[0]); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO briefing_cursors (name, value) VALUES ('events', $1), ('seekers', $2), ('seekers_at', $3),
		('build_next', 0), ('build_end', $2), ('build_indexes', 0)`, maxEvent, maxSeeker, easyjob.Millis(tx.Now)); err != nil {
		if _, ok := store.UniqueViolation(err); ok {
			return errRaced // another process started it
		}
		return err
	}
	return nil
}

// Progress tells how far the first build of the rollups is, in percent of
// the seekers to build; 100 once built.
func (s *Service) Progress(ctx context.Context) (int, error) {
	c, found, err := readCursors(ctx, s.S.DB.R)
	if err != nil {
		return 0, store.Wrap(err, "briefing.Progress")
	}
	switch {
	case !found:
		return 0, nil
	case !c.building:
		return 100, nil
	case c.buildEnd <= 0:
		return 99, nil
	}
	return int(min(99, c.buildNext*100/c.buildEnd)), nil
}

func (s *Service) chunkSize() int64 {
	if s.BuildChunk > 0 {
		return int64(s.BuildChunk)
	}
	if n := s.chunk.Load(); n > 0 {
		return n
	}
	return chunkFirst
}

// buildChunk builds the next chunk of seekers; building is false once it
// was the last.
func (s *Service) buildChunk(ctx context.Context, tx *store.Tx, c cursors) (n int, building bool, err error) {
	if c.buildNext >= c.buildEnd {
		return s.buildIndex(ctx, tx, c)
	}
	start := time.Now()
	size := s.chunkSize()
	lo, hi := c.buildNext, min(c.buildNext+size, c.buildEnd)
	if err := move(ctx, tx, "build_next", lo, hi); err != nil {
		return 0, true, err
	}
	if err := buildSeekers(ctx, tx, lo, hi); err != nil {
		return 0, true, err
	}
	n = int(hi - lo)
	if s.BuildChunk == 0 {
		switch took := time.Since(start); {
		case took < chunkAim/2:
			s.chunk.Store(min(size*2, chunkMax))
		case took > chunkAim*2:
			s.chunk.Store(max(size/2, chunkMin))
		}
	}
	return n, true, nil
}

// buildIndex makes the next of deferredIndexes, or, all made, ends the
// build.
func (s *Service) buildIndex(ctx context.Context, tx *store.Tx, c cursors) (n int, building bool, err error) {
	if c.buildIndexes < len(deferredIndexes) {
		if err := move(ctx, tx, "build_indexes", int64(c.buildIndexes), int64(c.buildIndexes+1)); err != nil {
			return 0, true, err
		}
		_, err := tx.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS `+deferredIndexes[c.buildIndexes])
		return 0, true, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM briefing_cursors WHERE name IN ('build_next', 'build_end', 'build_indexes')`)
	if err != nil {
		return 0, true, err
	}
	if k, _ := res.RowsAffected(); k != 3 {
		return 0, true, errRaced
	}
	return 1, false, nil
}

// buildSeekers builds the seekers (lo, hi] with INSERT … SELECT statements
// over the range, each read by index in the seekers' order (measured on the
// 1M-seeker demo, reading the rows into Go and inserting the facts from
// there took twice the CPU: a statement a row costs more than the join); the
// facts take the seeker's registration from the mirror just written, so
// both agree whatever commits between the statements.
func buildSeekers(ctx context.Context, tx *store.Tx, lo, hi int64) error {
	var mins, sums, flows, delays []string
	for _, st := range DelaySteps {
		delays = append(delays, `SELECT '`+st+`' AS step, reg_day, county, poor, district, `+st+` - reg_day AS days, COUNT(*) AS n FROM briefing_facts
			WHERE seeker_id > $1 AND seeker_id <= $2 AND `+st+` > 0 GROUP BY reg_day, county, poor, district, `+st+` - reg_day`)
	}
	for _, st := range Steps {
		mins = append(mins, "COALESCE(MIN(CASE WHEN e.to_state = '"+st+"' THEN "+daySQL("e.at")+" END), 0)")
		sums = append(sums, "SUM(CASE WHEN "+st+" > 0 THEN 1 ELSE 0 END)")
		flows = append(flows, `SELECT `+st+` AS day, '`+st+`' AS step, county, poor, district, COUNT(*) AS n FROM briefing_facts
			WHERE seeker_id > $1 AND seeker_id <= $2 AND `+st+` > 0 GROUP BY `+st+`, county, poor, district`)
	}
	for _, q := range []string{
		`INSERT INTO briefing_seekers (seeker_id, reg_day, county, poor)
			SELECT id, ` + daySQL("created_at") + `, home_county, poor FROM seekers WHERE id > $1 AND id <= $2`,
		`INSERT INTO briefing_registered (reg_day, county, poor, n)
			SELECT reg_day, county, poor, COUNT(*) FROM briefing_seekers WHERE seeker_id > $1 AND seeker_id <= $2 GROUP BY reg_day, county, poor
			ON CONFLICT (reg_day, county, poor) DO UPDATE SET n = briefing_registered.n + excluded.n`,
		`INSERT INTO briefing_facts (` + factCols + `)
			SELECT a.id, a.seeker_id, b.reg_day, b.county, b.poor, p.district, p.employer_id, p.occupation, ` + strings.Join(mins, ", ") + `
			FROM briefing_seekers b JOIN applications a ON a.seeker_id = b.seeker_id JOIN postings p ON p.id = a.posting_id
			JOIN application_events e ON e.application_id = a.id
			WHERE b.seeker_id > $1 AND b.seeker_id <= $2
			GROUP BY a.id, a.seeker_id, b.reg_day, b.county, b.poor, p.district, p.employer_id, p.occupation`,
		`INSERT INTO briefing_cells (reg_day, county, poor, district, ` + stepCols("") + `, seekers)
			SELECT reg_day, county, poor, district, ` + strings.Join(sums, ", ") + `, COUNT(DISTINCT seeker_id) FROM briefing_facts
			WHERE seeker_id > $1 AND seeker_id <= $2 GROUP BY reg_day, county, poor, district
			ON CONFLICT (reg_day, county, poor, district) DO UPDATE SET ` + addCols() + `, seekers = briefing_cells.seekers + excluded.seekers`,
		`INSERT INTO briefing_flow (day, step, county, poor, district, n)
			SELECT day, step, county, poor, district, n FROM (` + strings.Join(flows, " UNION ALL ") + `) f WHERE n > 0
			ON CONFLICT (day, step, county, poor, district) DO UPDATE SET n = briefing_flow.n + excluded.n`,
		`INSERT INTO briefing_delays (step, reg_day, county, poor, district, days, n)
			SELECT step, reg_day, county, poor, district, days, n FROM (` + strings.Join(delays, " UNION ALL ") + `) f WHERE n > 0
			ON CONFLICT (step, reg_day, county, poor, district, days) DO UPDATE SET n = briefing_delays.n + excluded.n`,
	} {
		if _, err := tx.ExecContext(ctx, q, lo, hi); err != nil {
			return err
		}
	}
	return nil
}
