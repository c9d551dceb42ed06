package demo

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

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

// keepTable tells whether --force keeps a table: the migrations'
// bookkeeping (goose's, and any "…_migration(s)" table of a library).
func keepTable(name string) bool {
	return name == "goose_db_version" || strings.HasSuffix(name, "_migration") || strings.HasSuffix(name, "_migrations")
}

// tables lists the database's tables that --force empties.
func tables(ctx context.Context, db *store.DB) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name`
	if db.Dialect == store.Postgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
			AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	rows, err := db.W.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		if !keepTable(name) {
			out = append(out, name)
		}
	}
	return out, rows.Err()
}

// wipe deletes every row of every table but the migrations' bookkeeping,
// in one transaction, and restarts the ids. On SQLite foreign keys are off
// (tune), so the order does not matter; PostgreSQL truncates all tables in
// one statement.
func wipe(ctx context.Context, db *store.DB) error {
	ts, err := tables(ctx, db)
	if err != nil {
		return err
	}
	quoted := make([]string, len(ts))
	for i, t := range ts {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if db.Dialect == store.Postgres {
			_, err := tx.ExecContext(ctx, `TRUNCATE `+strings.Join(quoted, ", ")+` RESTART IDENTITY`)
			return err
		}
		for i, t := range quoted {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("%s: %w", ts[i], err)
			}
		}
		var seq int
		err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_sequence'`).Scan(&seq)
		if err == nil && seq > 0 {
			_, err = tx.ExecContext(ctx, `DELETE FROM sqlite_sequence`)
		}
		return err
	})
}

// dropForLoad is whether loads drop indexes (tests compare both ways).
var dropForLoad = true

// indexTable keeps, during a load, the definitions of the secondary
// indexes dropped for it, so that a load cut short (the process killed)
// has them made again by the next load.
const indexTable = "demo_load_indexes"

// dropIndexes drops the named secondary indexes of tables for the bulk load
// (SQLite only): filling the tables and then building each index in one
// sorted pass costs less than keeping every index current row by row. The
// indexes behind UNIQUE and PRIMARY KEY constraints stay. The definitions
// are kept in indexTable, in the transaction that drops them; restoreIndexes
// makes them again.
func dropIndexes(ctx context.Context, db *store.DB, tables []string) error {
	if db.Dialect != store.SQLite || !dropForLoad {
		return nil
	}
	in := make([]string, len(tables))
	args := make([]any, len(tables))
	for i, t := range tables {
		in[i], args[i] = "?", t
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
			AND tbl_name IN (`+strings.Join(in, ", ")+`) ORDER BY name`, args...)
		if err != nil {
			return err
		}
		var names, defs []string
		for rows.Next() {
			var n, d string
			if err := rows.Scan(&n, &d); err != nil {
				rows.Close()
				return err
			}
			names, defs = append(names, n), append(defs, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE `+indexTable+` (name TEXT NOT NULL, def TEXT NOT NULL)`); err != nil {
			return err
		}
		for i, n := range names {
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+indexTable+` (name, def) VALUES (?, ?)`, n, defs[i]); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DROP INDEX "`+strings.ReplaceAll(n, `"`, `""`)+`"`); err != nil {
				return err
			}
		}
		return nil
	})
}

// restoreIndexes makes again the indexes dropped by dropIndexes, by this
// load or by one cut short, and forgets them; without indexTable it does
// nothing.
func restoreIndexes(ctx context.Context, db *store.DB) error {
	if db.Dialect != store.SQLite {
		return nil
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`,
			indexTable).Scan(&n); err != nil || n == 0 {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT d.def FROM `+indexTable+` d
			WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = d.name) ORDER BY d.name`)
		if err != nil {
			return err
		}
		var defs []string
		for rows.Next() {
			var d string
			if err := rows.Scan(&d); err != nil {
				rows.Close()
				return err
			}
			defs = append(defs, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range defs {
			if _, err := tx.ExecContext(ctx, d); err != nil {
				return fmt.Errorf("%s: %w", d, err)
			}
		}
		_, err = tx.ExecContext(ctx, `DROP TABLE `+indexTable)
		return err
	})
}
