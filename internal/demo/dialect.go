package demo

import (
	"context"

	"easyjob/internal/store"
)

// The few statements that differ between the databases.

// tune speeds up a bulk load and returns what undoes it. On SQLite the
// writer pool has one connection, so its pragmas apply to every statement
// of the load: no fsync per commit (a crash mid-load leaves a database to
// reload with --force anyway) and a large page cache for the unique
// indexes. PostgreSQL needs nothing.
func tune(ctx context.Context, db *store.DB) (undo func()) {
	if db.Dialect != store.SQLite {
		return func() {}
	}
	db.W.ExecContext(ctx, `PRAGMA synchronous = OFF`)
	db.W.ExecContext(ctx, `PRAGMA cache_size = -262144`) // 256 MiB
	return func() {
		ctx := context.WithoutCancel(ctx)
		db.W.ExecContext(ctx, `PRAGMA synchronous = NORMAL`)
		db.W.ExecContext(ctx, `PRAGMA cache_size = -2000`)
	}
}

// afterLoad brings the database up to date after rows with explicit ids:
// PostgreSQL's identity sequences must continue after the largest id
// (SQLite's AUTOINCREMENT follows explicit ids by itself); SQLite gets fresh
// planner statistics and its WAL folded back into the database file.
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
		if _, err := db.W.ExecContext(ctx, `ANALYZE`); err != nil {
			return err
		}
		_, err := db.W.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
		return err
	}
}
