package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/region"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The kernel: what every system builds on. A system (charter, epidemic, …)
// is a package that owns its tables and uses these exports; it never writes
// another system's tables. See docs/ARCHITECTURE.md.

// Tx is one write transaction. Every row it writes carries the same Now, and
// functions registered with AfterCommit run once it has committed (to tell
// in-memory indexes, for example), never when it rolls back.
type Tx struct {
	*sql.Tx
	Now   time.Time // read once from the store's clock
	At    int64     // Now in Unix milliseconds, as times are stored
	after []func()
	// queued: a message went into the outbox (Store.OnQueued is told once).
	queued bool
}

// AfterCommit runs fn after the transaction commits.
func (tx *Tx) AfterCommit(fn func()) { tx.after = append(tx.after, fn) }

// Today is the transaction's date in Asia/Shanghai.
func (tx *Tx) Today() easyjob.Date { return easyjob.DateOf(tx.Now) }

// txAttempts bounds how often Tx runs a transaction that PostgreSQL aborted
// as a deadlock victim or a serialisation failure.
const txAttempts = 4

// Tx runs fn in a write transaction and commits when it returns nil. When
// PostgreSQL aborts the transaction as a deadlock victim or a serialisation
// failure (SQLSTATE 40P01, 40001), Tx rolls back and runs fn again, up to
// txAttempts times in all: fn must therefore only set (not accumulate) what
// it hands out of the closure, and leave side effects to AfterCommit. Rows
// of one table that a transaction locks together should still be locked in
// a fixed order (LockRows), so that a retry is the exception.
func (s *Store) Tx(ctx context.Context, fn func(tx *Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.tx(ctx, fn)
		if err == nil || attempt == txAttempts || !Retryable(err) {
			return err
		}
		if s.Log != nil {
			s.Log.Warn("transaction retried", "attempt", attempt, "sqlstate", sqlState(err))
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
		}
	}
}

func (s *Store) tx(ctx context.Context, fn func(tx *Tx) error) error {
	st, err := s.DB.W.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	now := s.Clock.Now()
	tx := &Tx{Tx: st, Now: now, At: easyjob.Millis(now)}
	if err := fn(tx); err != nil {
		st.Rollback()
		return err
	}
	if err := st.Commit(); err != nil {
		return err
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// Retryable tells whether err is PostgreSQL aborting a transaction that can
// simply run again: a deadlock victim (40P01) or a serialisation failure
// (40001). SQLite has one writer and never reports either.
func Retryable(err error) bool {
	switch sqlState(err) {
	case "40P01", "40001":
		return true
	}
	return false
}

func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// LockRows takes the write locks of rows of one table in ascending id
// order, at the start of a transaction that changes several of them: two
// transactions that touch the same rows then queue instead of deadlocking
// on PostgreSQL (SQLite has one writer anyway). It is an update that
// changes nothing, so it is one SQL text for both databases; SELECT … FOR
// UPDATE is not. table and col are constants of the caller.
func LockRows(ctx context.Context, tx *Tx, table, col string, ids ...int64) error {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET `+col+` = `+col+` WHERE id = $1`, id); err != nil {
			return err
		}
	}
	return nil
}

// Now is the store's clock, for systems that compare with it.
func (s *Store) Now() time.Time { return s.Clock.Now() }

// Today is the store's date in Asia/Shanghai.
func (s *Store) Today() easyjob.Date { return s.today() }

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Scanner is a row or a result set positioned on a row.
type Scanner interface{ Scan(...any) error }

// ScanFunc adapts a function to a Scanner (to scan a join's leading columns
// before handing the rest to another scanner).
type ScanFunc func(...any) error

func (f ScanFunc) Scan(v ...any) error { return f(v...) }

// Collect reads every row with scan, checking the query's, every scan's and
// the iteration's errors; it never returns a nil slice without an error.
func Collect[T any](rows *sql.Rows, err error, scan func(Scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// EncodeCursor and DecodeCursor make the opaque cursors of every list
// ({items, next_cursor}): the last id seen, base64. A malformed cursor is a
// field error on "cursor".
func EncodeCursor(id int64) string { return encodeCursor(id) }

// DecodeCursor reads a cursor made by EncodeCursor ("" is the start: 0).
func DecodeCursor(c string) (int64, error) { return decodeCursor(c) }

// PageOf trims the one look-ahead row a list query read (LIMIT limit+1)
// and sets the next cursor from the last item's id.
func PageOf[T any](items []T, limit int, id func(T) int64) easyjob.Page[T] {
	return page(items, limit, id)
}

// Querier is a pool or a transaction.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Select runs a query and collects its rows with scan.
func Select[T any](ctx context.Context, q Querier, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	return Collect(rows, err, scan)
}

// Where builds a WHERE clause whose conditions take their values as "?",
// numbered $1, $2, … in the order they are added.
type Where struct {
	conds []string
	args  []any
}

// Add adds a condition; each "?" in cond takes the next of args.
func (w *Where) Add(cond string, args ...any) {
	var b strings.Builder
	i := 0
	for _, r := range cond {
		if r == '?' && i < len(args) {
			b.WriteString(w.Arg(args[i]))
			i++
			continue
		}
		b.WriteRune(r)
	}
	if i != len(args) {
		panic(fmt.Sprintf("store.Where: %d placeholders for %d values in %q", i, len(args), cond))
	}
	w.conds = append(w.conds, b.String())
}

// Arg adds a value and returns its placeholder ("$n"), for a value used
// outside a condition (a LIMIT, say).
func (w *Where) Arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// In adds "col IN (…)"; an empty list matches nothing.
func (w *Where) In(col string, values []string) {
	if len(values) == 0 {
		w.conds = append(w.conds, "1 = 0")
		return
	}
	ph := make([]string, len(values))
	for i, v := range values {
		ph[i] = w.Arg(v)
	}
	w.conds = append(w.conds, col+" IN ("+strings.Join(ph, ", ")+")")
}

// Scope limits rows to an actor's scope: a row is in it when its county
// column (seekers' home counties, pickup points) or its district column
// (employers, postings) falls in the scope. Either column may be "" when a
// table has none. An empty scope matches nothing; ScopeAll adds nothing.
func (w *Where) Scope(s easyjob.Scope, countyCol, districtCol string) {
	if s.All {
		return
	}
	var ors []string
	if countyCol != "" {
		for _, c := range s.Counties {
			ors = append(ors, countyCol+" LIKE "+w.Arg(c+"%"))
		}
	}
	if districtCol != "" {
		for _, d := range s.Districts {
			ors = append(ors, districtCol+" LIKE "+w.Arg(d+"%"))
		}
	}
	if len(ors) == 0 {
		w.conds = append(w.conds, "1 = 0")
		return
	}
	w.conds = append(w.conds, "("+strings.Join(ors, " OR ")+")")
}

// SQL is " WHERE a AND b", or "" without conditions.
func (w *Where) SQL() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// And is "a AND b", or "1 = 1" without conditions (to append to a WHERE).
func (w *Where) And() string {
	if len(w.conds) == 0 {
		return "1 = 1"
	}
	return strings.Join(w.conds, " AND ")
}

// Args are the values in placeholder order.
func (w *Where) Args() []any { return w.args }

// Wrap names the method and its key arguments (ids, never personal data) on
// an unexpected error, so a log line says which query failed. Domain errors
// (*easyjob.Error) pass unchanged: they are answers, not failures.
func Wrap(err error, method string, args ...any) error {
	if err == nil {
		return nil
	}
	var de *easyjob.Error
	if errors.As(err, &de) {
		return err
	}
	if len(args) == 0 {
		return fmt.Errorf("%s: %w", method, err)
	}
	var b strings.Builder
	for i := 0; i+1 < len(args); i += 2 {
		if i > 0 {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%v=%v", args[i], args[i+1])
	}
	return fmt.Errorf("%s(%s): %w", method, b.String(), err)
}

// UniqueViolation tells whether err is a unique-constraint violation, and
// which: PostgreSQL's constraint name, or SQLite's "table.column, …" (SQLite
// reports the columns, not the constraint's name). It reads the drivers'
// error types, not message text.
func UniqueViolation(err error) (constraint string, ok bool) {
	if err == nil {
		return "", false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.ConstraintName, pe.Code == "23505"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			// The text repeats "constraint failed: " ("constraint failed:
			// UNIQUE constraint failed: t.c (2067)"): the columns follow the last.
			cols := se.Error()
			if i := strings.LastIndex(cols, "failed: "); i >= 0 {
				cols = cols[i+len("failed: "):]
			}
			if i := strings.IndexByte(cols, '('); i >= 0 {
				cols = cols[:i]
			}
			return strings.TrimSpace(cols), true
		}
	}
	return "", false
}

// isUnique tells whether err is a unique-constraint violation on either database.
func isUnique(err error) bool {
	_, ok := UniqueViolation(err)
	return ok
}

// NotFound turns sql.ErrNoRows into a not-found error of kind.
func NotFound(err error, kind string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return easyjob.NotFound(kind)
	}
	return err
}

// Forbidden is the error for an actor who may not do something.
func Forbidden() error { return easyjob.Errorf(easyjob.EFORBIDDEN, "error.forbidden") }

// ScopeOf computes what an account sees from its role and region: admins
// and city officers everything; a district officer its district and the
// origin counties twinned with it; a station officer its county (or the
// counties of its prefecture). Employers and seekers see by their own ids.
func ScopeOf(role easyjob.Role, code string) easyjob.Scope {
	switch {
	case role == easyjob.RoleAdmin, role == easyjob.RoleOfficer && code == easyjob.CityRegion:
		return easyjob.ScopeAll
	case role != easyjob.RoleOfficer || code == "":
		return easyjob.Scope{}
	}
	s := easyjob.Scope{Counties: []string{code}}
	if region.IsShenzhen(code) {
		s.Districts = []string{code}
		for _, p := range region.TwinnedWith(code) {
			s.Counties = append(s.Counties, p.County)
		}
	}
	return s
}

// wrapErr is Wrap for a deferred call on a named error result.
func wrapErr(err *error, method string, args ...any) { *err = Wrap(*err, method, args...) }
