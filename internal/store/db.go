// Package store implements easyjob's services over database/sql, with one
// SQL text for SQLite (modernc, embedded default) and PostgreSQL (pgx).
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"easyjob/internal/config"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Dialect names the database behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the database: a writer pool and a reader pool. On SQLite the writer
// has one connection, so writes queue in Go instead of failing as busy; on
// PostgreSQL both are the same pool.
type DB struct {
	Dialect Dialect
	W       *sql.DB // writes and read-modify-write transactions
	R       *sql.DB // reads
	target  string
}

// Open connects to the database named by url (sqlite:PATH or postgres://…)
// and checks that it answers. It does not migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	kind, target, err := config.ParseDB(url)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "sqlite":
		return openSQLite(ctx, target)
	default:
		return openPostgres(ctx, target)
	}
}

// readers is the number of SQLite read connections.
const readers = 8

// readerCache is a SQLite reader's page cache (64 MB) and scanCache a
// reader's while it scans whole tables (SQLite's default, 2 MB): a scan of
// a 1 GB file through the large cache allocates and recycles a page for
// every page read, about a third more CPU for the matching index's build
// (22 s against 15.5 s of CPU at 100k postings / 1M seekers). A scan also
// maps the file (scanMap bytes of it): its pages are then read from the
// mapping instead of a pread(2) each, 1.4 s of CPU less per build at that
// size (the build 8.7 s against 9.9 s, 5.8 s against 6.4 s warm).
const (
	readerCache = "-65536"
	scanCache   = "-2000"
	scanMap     = "4294967296"
)

// ScanConn is a reader for scans of whole tables and release, which must be
// called when the scan is done. On SQLite it is a connection of the readers'
// pool with a small page cache and the file mapped until released; on
// PostgreSQL, the pool.
func (db *DB) ScanConn(ctx context.Context) (Querier, func(), error) {
	if db.Dialect != SQLite {
		return db.R, func() {}, nil
	}
	c, err := db.R.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	if _, err := c.ExecContext(ctx, "PRAGMA cache_size = "+scanCache+"; PRAGMA mmap_size = "+scanMap); err != nil {
		c.Close()
		return nil, nil, err
	}
	return c, func() {
		if _, err := c.ExecContext(context.WithoutCancel(ctx), "PRAGMA cache_size = "+readerCache+"; PRAGMA mmap_size = 0"); err != nil {
			c.Raw(func(any) error { return driver.ErrBadConn }) // not back to the pool with the small cache
		}
		c.Close()
	}, nil
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("database directory %s: %w", dir, unwrapPath(err))
	}
	if err := checkWritable(path); err != nil {
		return nil, err
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	// Readers keep their connections (a new SQLite connection parses the
	// schema again, and database/sql keeps only two idle ones unless told)
	// and a 64 MB page cache each instead of 2 MB: a page found there is not
	// read(2) and initialised again. (Mapping the file was tried instead:
	// SQLite then initialises a page at every visit; no clear gain measured.)
	r, err := sql.Open("sqlite", dsn+"&mode=ro&_pragma=cache_size("+readerCache+")")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("database %s: %w", path, err)
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	db := &DB{Dialect: SQLite, W: w, R: r, target: path}
	// The first statement creates the file and switches it to WAL. Switching
	// the journal mode answers SQLITE_BUSY at once, without waiting for
	// busy_timeout, when another process switches it at the same moment; so
	// processes opening one file take turns under the migration lock (which
	// Migrate takes too, so an open also waits for a migration under way).
	unlock, err := lockFile(path + ".migrate-lock")
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("locking %s to open it: %v", path, err)
	}
	_, err = w.ExecContext(ctx, "PRAGMA user_version")
	unlock()
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s cannot be opened: %v", path, err)
	}
	return db, nil
}

// checkWritable fails early, with one clear line, when the file or its
// directory cannot be written.
func checkWritable(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("database file %s is not writable: %v", path, unwrapPath(err))
	}
	f.Close()
	probe := filepath.Join(filepath.Dir(path), ".easyjob-write-probe")
	if err := os.WriteFile(probe, nil, 0o600); err != nil {
		return fmt.Errorf("database directory %s is not writable (SQLite needs it for its journal): %v", filepath.Dir(path), unwrapPath(err))
	}
	os.Remove(probe)
	return nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// pgConns is the size of a process's PostgreSQL pool.
const pgConns = 20

func openPostgres(ctx context.Context, url string) (*DB, error) {
	p, err := sql.Open("pgx", url)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL %s: %v", config.Redact(url), err)
	}
	// Connections are kept (as many idle as open): under load database/sql
	// otherwise closes every one above the idle limit when it is put back,
	// and a new PostgreSQL connection costs a server process and an empty
	// statement cache.
	p.SetMaxOpenConns(pgConns)
	p.SetMaxIdleConns(pgConns)
	p.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.PingContext(pctx); err != nil {
		p.Close()
		return nil, fmt.Errorf("PostgreSQL %s is unreachable: %s", config.Redact(url), oneLine(err))
	}
	return &DB{Dialect: Postgres, W: p, R: p, target: url}, nil
}

func oneLine(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// Close closes both pools.
func (db *DB) Close() error {
	err := db.W.Close()
	if db.R != db.W {
		if e := db.R.Close(); err == nil {
			err = e
		}
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.R.PingContext(ctx) }

// Tx runs fn in a plain write transaction (bulk loaders); services use Store.Tx.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}
