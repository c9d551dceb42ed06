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
// seeker of that moment were read, and more: build_next (the last seeker
// built) and build_end (the last seeker to build), the revision at 0 and a
// new epoch (so that every process's snapshot notices the rebuild). A chunk
// computes the facts of the seekers (build_next, build_next + size] from
// their rows as they are at that moment, writes them with a new revision
// and adds their registrations; it moves build_next first, by a conditional
// update, so that two processes never build a chunk twice, and a restart
// goes on from the last chunk committed. After the last chunk, the build's
// cursors are deleted, and the ordinary refresh takes over from the cursors
// set at the start.
//
// A write made during the build is counted exactly once: a seeker's facts
// are recomputed from the rows whenever the refresh sees a new event of
// theirs (replacing what was there), so an event a chunk already saw gives
// the same facts again; registered-poor changes are seen by
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

var rollupTables = []string{"briefing_seekers", "briefing_facts", "briefing_registered"}

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
	if _, err := tx.ExecContext(ctx, `INSERT INTO briefing_cursors (name, value) VALUES ('events', $1), ('seekers', $2), ('seekers_at', $3),
		('build_next', 0), ('build_end', $2), ('rev', 0), ('epoch', $4)`, maxEvent, maxSeeker, easyjob.Millis(tx.Now), tx.Now.UnixNano()); err != nil {
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
	return c.progress(found), nil
}

// progress is how far the first build is by the cursors (found: whether
// there were any).
func (c cursors) progress(found bool) int {
	switch {
	case !found:
		return 0
	case !c.building:
		return 100
	case c.buildEnd <= 0:
		return 99
	}
	return int(min(99, c.buildNext*100/c.buildEnd))
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

// buildChunk builds the next chunk of seekers, of revision rev; building
// is false once the build is finished.
func (s *Service) buildChunk(ctx context.Context, tx *store.Tx, c cursors, rev int64) (n int, building bool, err error) {
	if c.buildNext >= c.buildEnd {
		return s.endBuild(ctx, tx)
	}
	start := time.Now()
	size := s.chunkSize()
	lo, hi := c.buildNext, min(c.buildNext+size, c.buildEnd)
	if err := move(ctx, tx, "build_next", lo, hi); err != nil {
		return 0, true, err
	}
	if err := buildSeekers(ctx, tx, lo, hi, rev); err != nil {
		return 0, true, err
	}
	if err := moveRev(ctx, tx, c.rev); err != nil {
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

// endBuild deletes the build's cursors (and build_indexes, which a build
// begun by an earlier version may have left).
func (s *Service) endBuild(ctx context.Context, tx *store.Tx) (n int, building bool, err error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM briefing_cursors WHERE name IN ('build_next', 'build_end', 'build_indexes')`)
	if err != nil {
		return 0, true, err
	}
	if k, _ := res.RowsAffected(); k < 2 {
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
func buildSeekers(ctx context.Context, tx *store.Tx, lo, hi, rev int64) error {
	for _, q := range []string{
		`INSERT INTO briefing_seekers (seeker_id, reg_day, county, poor)
			SELECT id, ` + daySQL("created_at") + `, home_county, poor FROM seekers WHERE id > $1 AND id <= $2`,
		`INSERT INTO briefing_registered (reg_day, county, poor, n)
			SELECT reg_day, county, poor, COUNT(*) FROM briefing_seekers WHERE seeker_id > $1 AND seeker_id <= $2 GROUP BY reg_day, county, poor
			ON CONFLICT (reg_day, county, poor) DO UPDATE SET n = briefing_registered.n + excluded.n`,
		`INSERT INTO briefing_facts (` + factCols + `, rev)
			SELECT a.id, a.seeker_id, b.reg_day, b.county, b.poor, p.district, p.employer_id, p.occupation, ` + stepDays() + `, CAST($3 AS BIGINT)
			FROM briefing_seekers b JOIN applications a ON a.seeker_id = b.seeker_id JOIN postings p ON p.id = a.posting_id
			JOIN application_events e ON e.application_id = a.id
			WHERE b.seeker_id > $1 AND b.seeker_id <= $2
			GROUP BY a.id, a.seeker_id, b.reg_day, b.county, b.poor, p.district, p.employer_id, p.occupation`,
	} {
		args := []any{lo, hi}
		if strings.Contains(q, "$3") {
			args = append(args, rev)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}
