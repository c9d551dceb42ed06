package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// changeProbe tells whether any write committed since it last looked, so
// that an idle server does not read its tables again and again (issue #11).
// The two databases answer differently, so this is one of the few places
// switched on the dialect:
//
//   - SQLite: PRAGMA data_version, read every PollEvery on one connection
//     held for the purpose, changes whenever another connection (of this
//     process or another) commits.
//   - PostgreSQL: a connection of its own LISTENs on easyjob_changes, which
//     a write to the tables of the matching index notifies at its commit
//     (migration 00067). An idle process waits on the socket and wakes for
//     nothing; Run still reads the tables every FullPollEvery.
type changeProbe interface {
	// wait returns within max: true when something committed since the
	// last call, or when the probe cannot tell; false when nothing did.
	wait(ctx context.Context, max time.Duration) bool
	close()
}

func newChangeProbe(ctx context.Context, db *DB) (changeProbe, error) {
	if db.Dialect == Postgres {
		// Returned even when it cannot listen yet: its wait tries again.
		p := &noticeProbe{url: db.target, channel: changesChannel}
		return p, p.listen(ctx)
	}
	conn, err := db.R.Conn(ctx)
	if err != nil {
		return nil, err
	}
	stmt, err := conn.PrepareContext(ctx, `PRAGMA data_version`)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return &versionProbe{conn: conn, stmt: stmt}, nil
}

// versionProbe reads SQLite's data_version.
type versionProbe struct {
	conn *sql.Conn
	stmt *sql.Stmt // prepared once: parsing it four times a second was most of its cost
	last int64     // SQLite's data_version starts at 1: the first look says "changed"
}

func (p *versionProbe) wait(ctx context.Context, max time.Duration) bool {
	if !sleep(ctx, min(max, PollEvery)) {
		return false
	}
	// Without a deadline or cancellation the driver starts no goroutine
	// to interrupt the statement (one per statement otherwise); a PRAGMA
	// returns at once.
	var v int64
	if err := p.stmt.QueryRowContext(context.WithoutCancel(ctx)).Scan(&v); err != nil {
		return true
	}
	if v == p.last {
		return false
	}
	p.last = v
	return true
}

func (p *versionProbe) close() {
	p.stmt.Close()
	p.conn.Close()
}

// noticeProbe listens for PostgreSQL's notices on a channel
// (changesChannel; a test's own, in tests).
type noticeProbe struct {
	url     string
	channel string
	conn    *pgx.Conn
}

// changesChannel is the channel the triggers of migration 00067 notify.
const changesChannel = "easyjob_changes"

func (p *noticeProbe) listen(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, p.url)
	if err != nil {
		return fmt.Errorf("listening for changes: %w", err)
	}
	if _, err := conn.Exec(cctx, "LISTEN "+pgx.Identifier{p.channel}.Sanitize()); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return fmt.Errorf("listening for changes: %w", err)
	}
	p.conn = conn
	return nil
}

func (p *noticeProbe) wait(ctx context.Context, max time.Duration) bool {
	if p.conn == nil || p.conn.IsClosed() {
		// Lost (the server restarted, say): listen again, and say
		// "changed", since notices may have been missed meanwhile.
		p.close()
		if p.listen(ctx) != nil {
			sleep(ctx, min(max, PollEvery))
		}
		return true
	}
	wctx, cancel := context.WithTimeout(ctx, max)
	defer cancel()
	if _, err := p.conn.WaitForNotification(wctx); err != nil {
		if wctx.Err() != nil {
			return false // nothing within max (or ctx ended)
		}
		p.close()
		return true
	}
	// Several commits in a row send several notices: one look covers every
	// one already here (their commits are visible to it).
	for range 1000 {
		dctx, cancel := context.WithTimeout(ctx, time.Millisecond)
		_, err := p.conn.WaitForNotification(dctx)
		cancel()
		if err != nil {
			if dctx.Err() == nil {
				p.close()
			}
			return true
		}
	}
	return true
}

func (p *noticeProbe) close() {
	if p.conn != nil {
		p.conn.Close(context.Background())
		p.conn = nil
	}
}

// sleep waits d unless ctx ends first; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
