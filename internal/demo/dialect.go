package demo

import (
	"context"

	"easyjob/internal/store"
)

// The few statements that differ between the databases.

// tune speeds up a bulk load and returns what undoes it. On SQLite the
// writer pool has one connection, so its pragmas apply to every statement
// of the load:
//   - no fsync per commit: a crash mid-load leaves a database to reload
//     with --force anyway;
//   - a page cache large enough for the random-order unique indexes of a
//     million seekers (512 MiB: a limit, not an allocation);
//   - temporary files in memory: each multi-row INSERT keeps a statement
//     journal to undo itself, which otherwise costs a third of the load in
//     write calls;
//   - foreign keys unchecked: the generator makes consistent references by
//     construction (the tests check them with foreign_key_check, and
//     PostgreSQL checks them on every load).
//
// PostgreSQL needs nothing.
func tune(ctx context.Context, db *store.DB) (undo func()) {
	if db.Dialect != store.SQLite {
		return func() {}
	}
	for _, q := range []string{`PRAGMA synchronous = OFF`, `PRAGMA cache_size = -524288`,
		`PRAGMA temp_store = MEMORY`, `PRAGMA foreign_keys = OFF`} {
		db.W.ExecContext(ctx, q)
	}
	return func() {
		ctx := context.WithoutCancel(ctx)
		for _, q := range []string{`PRAGMA synchronous = NORMAL`, `PRAGMA cache_size = -2000`,
			`PRAGMA temp_store = DEFAULT`, `PRAGMA foreign_keys = ON`} {
			db.W.ExecContext(ctx, q)
		}
	}
}

// afterLoad brings the database up to date after rows with explicit ids:
// PostgreSQL's identity sequences must continue after the largest id
// (SQLite's AUTOINCREMENT follows explicit ids by itself). Both get planner
// statistics (SQLite from a sample of each index), and SQLite folds its WAL
// back into the database file.
func afterLoad(ctx context.Context, db *store.DB, tables []string) error {
	switch db.Dialect {
	case store.Postgres:
		for _, t := range tables {
			if _, err := db.W.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'),
				COALESCE((SELECT MAX(id) FROM `+t+`), 0) + 1, false)`); err != nil {
				return err
			}
		}
		_, err := db.W.ExecContext(ctx, `ANALYZE`)
		return err
	default:
		for _, q := range []string{`PRAGMA analysis_limit = 2000`, `ANALYZE`, `PRAGMA analysis_limit = 0`,
			`PRAGMA wal_checkpoint(TRUNCATE)`} {
			if _, err := db.W.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}
}
