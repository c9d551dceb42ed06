package store

import (
	"context"
	"database/sql"
	"fmt"
)

// changeProbe tells cheaply whether any write transaction has committed
// since it last looked, so that an idle server does not re-read its tables
// four times a second. The two databases answer differently, so this is one
// of the few places switched on the dialect:
//
//   - SQLite: PRAGMA data_version, read on one connection held for the
//     purpose, changes whenever another connection (of this process or
//     another) commits.
//   - PostgreSQL: pg_current_snapshot() ("xmin:xmax:xip…") stays the same
//     while no transaction is given an id and none in progress ends; only
//     writing transactions are given ids, so reads (ours included) leave it
//     alone. Writes to other databases of the cluster change it too, which
//     costs a needless poll, never a missed one.
type changeProbe struct {
	conn *sql.Conn
	stmt *sql.Stmt // prepared once: parsing it four times a second was most of its cost
	last string
}

func newChangeProbe(ctx context.Context, db *DB) (*changeProbe, error) {
	conn, err := db.R.Conn(ctx)
	if err != nil {
		return nil, err
	}
	q := `SELECT pg_current_snapshot()::text`
	if db.Dialect == SQLite {
		q = `PRAGMA data_version`
	}
	stmt, err := conn.PrepareContext(ctx, q)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return &changeProbe{conn: conn, stmt: stmt}, nil
}

// changed reports whether something committed since the last call (true on
// the first call, and whenever the probe cannot tell).
func (p *changeProbe) changed(ctx context.Context) bool {
	var v any
	if err := p.stmt.QueryRowContext(ctx).Scan(&v); err != nil {
		return true
	}
	now := fmt.Sprint(v)
	if b, ok := v.([]byte); ok {
		now = string(b)
	}
	if now == p.last {
		return false
	}
	p.last = now
	return true
}

func (p *changeProbe) close() {
	p.stmt.Close()
	p.conn.Close()
}
