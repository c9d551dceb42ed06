package briefing

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
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
// built) and build_end (the last seeker to build). A chunk computes, in Go,
// the facts of the seekers (build_next, build_next + size] from their rows
// as they are at that moment, writes them and adds their sums to the cells,
// the flow and the registrations; it moves build_next first, by a
// conditional update, so that two processes never build a chunk twice, and
// a restart goes on from the last chunk committed. The last chunk deletes
// both, and the ordinary refresh takes over from the cursors set at the
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
	chunkAim = 250 * time.Millisecond
)

var rollupTables = []string{"briefing_seekers", "briefing_facts", "briefing_cells", "briefing_registered", "briefing_flow"}

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
	sqlite := s.S.DB.Dialect == store.SQLite
	if sqlite {
		// The facts' b-trees take inserts all over: with SQLite's default
		// page cache of 2 MB, each chunk would read them again from the
		// file. The writer's connection keeps 256 MB for the build.
		if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
			return 0, true, err
		}
	}
	var b chunk
	if err := b.read(ctx, tx, lo, hi); err != nil {
		return 0, true, err
	}
	if err := b.write(ctx, tx, sqlite); err != nil {
		return 0, true, err
	}
	n = len(b.seekers)
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
	if s.S.DB.Dialect == store.SQLite {
		if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -2000`); err != nil {
			return 0, true, err
		}
	}
	return 1, false, nil
}

// chunk is what a chunk of the build reads and writes.
type chunk struct {
	seekers map[int64]seekerRow
	facts   []*fact
}

type seekerRow struct {
	day    int
	county string
	poor   bool
}

// read reads the seekers (lo, hi] and the events of their applications and
// computes the facts as factSelect does.
func (b *chunk) read(ctx context.Context, tx *store.Tx, lo, hi int64) error {
	b.seekers = map[int64]seekerRow{}
	rows, err := tx.QueryContext(ctx, `SELECT id, created_at, home_county, poor FROM seekers WHERE id > $1 AND id <= $2`, lo, hi)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, created int64
		var x seekerRow
		if err := rows.Scan(&id, &created, &x.county, &x.poor); err != nil {
			rows.Close()
			return err
		}
		x.day = dayNumber(easyjob.DateOf(easyjob.FromMillis(created)))
		b.seekers[id] = x
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	step := map[string]int{}
	for i, st := range Steps {
		step[st] = i
	}
	byApp := map[int64]*fact{}
	rows, err = tx.QueryContext(ctx, `SELECT a.id, a.seeker_id, p.district, p.employer_id, p.occupation, e.to_state, e.at
		FROM applications a JOIN postings p ON p.id = a.posting_id JOIN application_events e ON e.application_id = a.id
		WHERE a.seeker_id > $1 AND a.seeker_id <= $2`, lo, hi)
	if err != nil {
		return err
	}
	defer rows.Close()
	var app, seeker, employer, at int64
	var district, trade, state string
	for rows.Next() {
		if err := rows.Scan(&app, &seeker, &district, &employer, &trade, &state, &at); err != nil {
			return err
		}
		f := byApp[app]
		if f == nil {
			sk, ok := b.seekers[seeker]
			if !ok { // not committed when the seekers were read: the refresh counts it
				continue
			}
			f = &fact{app: app, seeker: seeker, employer: employer, day: sk.day, county: sk.county, district: district, trade: trade, poor: sk.poor}
			byApp[app] = f
			b.facts = append(b.facts, f)
		}
		i, ok := step[state]
		if !ok {
			continue
		}
		if d := int((at + 28800000) / 86400000); f.steps[i] == 0 || d < f.steps[i] { // as daySQL
			f.steps[i] = d
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	slices.SortFunc(b.facts, func(x, y *fact) int {
		if x.seeker != y.seeker {
			return compare(x.seeker, y.seeker)
		}
		return compare(x.app, y.app)
	})
	return nil
}

func compare(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// write inserts the chunk's mirror and facts and adds its sums.
func (b *chunk) write(ctx context.Context, tx *store.Tx, sqlite bool) error {
	ids := make([]int64, 0, len(b.seekers))
	for id := range b.seekers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	reg := map[regKey]int64{}
	args := make([]any, 0, 4*len(ids))
	for _, id := range ids {
		x := b.seekers[id]
		args = append(args, id, x.day, x.county, x.poor)
		reg[regKey{x.day, x.county, x.poor}]++
	}
	if err := insertMany(ctx, tx, sqlite, `INSERT INTO briefing_seekers (seeker_id, reg_day, county, poor) VALUES `, 4, args, ""); err != nil {
		return err
	}
	args = args[:0]
	for k, n := range reg {
		args = append(args, k.day, k.county, k.poor, n)
	}
	if err := insertMany(ctx, tx, sqlite, `INSERT INTO briefing_registered (reg_day, county, poor, n) VALUES `, 4, args,
		` ON CONFLICT (reg_day, county, poor) DO UPDATE SET n = briefing_registered.n + excluded.n`); err != nil {
		return err
	}

	cells := map[cellKey]*[10]int64{}
	flow := map[flowKey]int64{}
	last := map[cellKey]int64{} // the last seeker counted in a cell (facts are by seeker)
	args = make([]any, 0, 17*len(b.facts))
	for _, f := range b.facts {
		args = append(args, f.app, f.seeker, f.day, f.county, f.poor, f.district, f.employer, f.trade)
		for _, d := range f.steps {
			args = append(args, d)
		}
		k := cellKey{f.day, f.county, f.district, f.poor}
		c := cells[k]
		if c == nil {
			c = new([10]int64)
			cells[k] = c
		}
		for i, d := range f.steps {
			if d > 0 {
				c[i]++
				flow[flowKey{d, Steps[i], f.county, f.district, f.poor}]++
			}
		}
		if s, ok := last[k]; !ok || s != f.seeker {
			last[k] = f.seeker
			c[9]++
		}
	}
	if err := insertMany(ctx, tx, sqlite, `INSERT INTO briefing_facts (`+factCols+`) VALUES `, 17, args, ""); err != nil {
		return err
	}
	args = args[:0]
	for k, c := range cells {
		args = append(args, k.day, k.county, k.poor, k.district)
		for _, v := range c {
			args = append(args, v)
		}
	}
	if err := insertMany(ctx, tx, sqlite, `INSERT INTO briefing_cells (reg_day, county, poor, district, `+stepCols("")+`, seekers) VALUES `, 14, args,
		` ON CONFLICT (reg_day, county, poor, district) DO UPDATE SET `+addCols()+`, seekers = briefing_cells.seekers + excluded.seekers`); err != nil {
		return err
	}
	args = args[:0]
	for k, n := range flow {
		args = append(args, k.day, k.step, k.county, k.poor, k.district, n)
	}
	return insertMany(ctx, tx, sqlite, `INSERT INTO briefing_flow (day, step, county, poor, district, n) VALUES `, 6, args,
		` ON CONFLICT (day, step, county, poor, district) DO UPDATE SET n = briefing_flow.n + excluded.n`)
}

// insertMany runs head VALUES (…) tail over args, cols values a row: on
// SQLite one prepared statement a row (the driver looks a $n parameter up
// in a list, so a statement of thousands of them costs their square), on
// PostgreSQL a few hundred rows a statement (a round trip each).
func insertMany(ctx context.Context, tx *store.Tx, sqlite bool, head string, cols int, args []any, tail string) error {
	per := max(1, 8000/cols)
	if sqlite {
		per = 1
	}
	var stmts = map[int]*sql.Stmt{}
	defer func() {
		for _, st := range stmts {
			st.Close()
		}
	}()
	for len(args) > 0 {
		k := min(per, len(args)/cols)
		st, ok := stmts[k]
		if !ok {
			var sb strings.Builder
			sb.WriteString(head)
			for r := range k {
				if r > 0 {
					sb.WriteString(", ")
				}
				sb.WriteByte('(')
				for c := range cols {
					if c > 0 {
						sb.WriteString(", ")
					}
					sb.WriteString("$" + strconv.Itoa(r*cols+c+1))
				}
				sb.WriteByte(')')
			}
			sb.WriteString(tail)
			var err error
			if st, err = tx.PrepareContext(ctx, sb.String()); err != nil {
				return err
			}
			stmts[k] = st
		}
		if _, err := st.ExecContext(ctx, args[:k*cols]...); err != nil {
			return err
		}
		args = args[k*cols:]
	}
	return nil
}
