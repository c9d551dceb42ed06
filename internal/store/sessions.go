package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"easyjob/internal/auth"
	"easyjob/internal/easyjob"
)

// SessionCacheTTL is how long a process answers a session token from memory
// before reading it from the database again. Logouts and account changes do
// not wait for it: they are applied at once (sessionCache.apply).
const SessionCacheTTL = time.Minute

// sessionCacheMax bounds the tokens kept; when full, the cache starts over.
const sessionCacheMax = 200_000

// sessionChangesKept is how long rows of session_changes are kept: longer
// than any cached session lives.
const sessionChangesKept = 24 * time.Hour

// sessionCache keeps the users of recently seen session tokens, so that a
// request does not look its session up in the database. Before answering
// from memory, a request reads the highest id of session_changes (one
// indexed read of a small table, prepared once); a change this process has
// not applied yet — a logout here or in any other process, a change of the
// account — evicts what it names first. So a logged-out token is refused at
// once everywhere, and the cache is never more than one read behind.
// Requests that come together share that read (freshRead), never one that
// started before they came.
type sessionCache struct {
	mu   sync.Mutex
	seen int64 // the highest session_changes id applied
	m    map[string]cachedSession

	latest freshRead // session_changes' highest id, read for requests that come together

	pmu           sync.Mutex  // guards the statements, prepared on first use
	prepared      atomic.Bool // set once they are (the requests' fast path)
	maxStmt, stmt *sql.Stmt
}

type cachedSession struct {
	u     easyjob.User
	until int64 // Unix ms: the session's expiry or the cache's, the earlier
}

// prepare prepares the two statements once they can be: a database that
// is down at the first request is tried again at the next (a sync.Once
// would keep the error for the life of the process).
func (c *sessionCache) prepare(ctx context.Context, db *sql.DB, noDeadline bool) error {
	if c.prepared.Load() {
		return nil
	}
	c.pmu.Lock()
	defer c.pmu.Unlock()
	if c.stmt != nil {
		return nil
	}
	maxStmt, err := db.PrepareContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM session_changes`)
	if err != nil {
		return err
	}
	stmt, err := db.PrepareContext(ctx, `SELECT `+userCols+`, x.expires_at FROM sessions x JOIN users u ON u.id = x.user_id
		WHERE x.token_hash = $1 AND x.expires_at > $2 AND u.disabled = FALSE`)
	if err != nil {
		maxStmt.Close()
		return err
	}
	c.maxStmt, c.stmt = maxStmt, stmt
	// On SQLite the shared read of session_changes' highest id runs without
	// a deadline: the driver watches a context that can end with a goroutine
	// and a progress handler per statement, which cost twice the read itself
	// (19 µs against 10 µs, BenchmarkSessionsCatchUpRead), on every request.
	// A read in WAL mode does not wait for writers, and busy_timeout bounds
	// any other wait. PostgreSQL keeps the deadline: its read crosses a
	// network.
	c.latest.noDeadline = noDeadline
	c.prepared.Store(true)
	return nil
}

// catchUp applies the changes after the last one applied and returns the
// highest id applied.
func (s *Store) catchUpSessions(ctx context.Context) (int64, error) {
	c := &s.sessions
	last, err := c.latest.get(ctx, func(ctx context.Context) (int64, error) {
		var last int64
		err := c.maxStmt.QueryRowContext(ctx).Scan(&last)
		return last, err
	})
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	seen := c.seen
	c.mu.Unlock()
	if last <= seen {
		return seen, nil
	}
	type change struct {
		id   int64
		tok  sql.NullString
		user sql.NullInt64
	}
	rows, err := s.DB.R.QueryContext(ctx, `SELECT id, token_hash, user_id FROM session_changes WHERE id > $1 ORDER BY id LIMIT 1001`, seen)
	chs, err := Collect(rows, err, func(r Scanner) (change, error) {
		var x change
		return x, r.Scan(&x.id, &x.tok, &x.user)
	})
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen != seen { // another request applied them meanwhile
		return c.seen, nil
	}
	if len(chs) > 1000 || len(chs) == 0 {
		c.m = nil // many at once (or pruned under us): start over
	} else {
		users := map[int64]bool{}
		for _, x := range chs {
			if x.tok.Valid {
				delete(c.m, x.tok.String)
			}
			if x.user.Valid {
				users[x.user.Int64] = true
			}
		}
		if len(users) > 0 {
			for k, v := range c.m {
				if users[v.u.ID] {
					delete(c.m, k)
				}
			}
		}
	}
	c.seen = max(last, seen)
	if len(chs) > 0 {
		c.seen = max(c.seen, chs[len(chs)-1].id)
	}
	return c.seen, nil
}

// Session returns the user of a live session token.
func (s *Store) Session(ctx context.Context, token string) (_ easyjob.User, err error) {
	defer wrapErr(&err, "store.Session")
	if token == "" {
		return easyjob.User{}, easyjob.Errorf(easyjob.EUNAUTHORIZED, "auth.required")
	}
	c := &s.sessions
	if err := c.prepare(ctx, s.DB.R, s.DB.Dialect == SQLite); err != nil {
		return easyjob.User{}, err
	}
	h := auth.HashToken(token)
	now := s.now()
	gen, err := s.catchUpSessions(ctx)
	if err != nil {
		return easyjob.User{}, err
	}
	c.mu.Lock()
	e, ok := c.m[h]
	c.mu.Unlock()
	if ok && e.until > now {
		return e.u, nil
	}
	var exp int64
	u, err := scanUserAnd(c.stmt.QueryRowContext(ctx, h, now), &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return easyjob.User{}, easyjob.Errorf(easyjob.EUNAUTHORIZED, "auth.required")
	}
	if err != nil {
		return easyjob.User{}, err
	}
	c.mu.Lock()
	// Kept only if no change was applied since gen was read: a logout that
	// committed after the read above is then applied by the next request
	// before it looks here.
	if c.seen == gen {
		if c.m == nil || len(c.m) >= sessionCacheMax {
			c.m = map[string]cachedSession{}
		}
		c.m[h] = cachedSession{u: u, until: min(exp, now+SessionCacheTTL.Milliseconds())}
	}
	c.mu.Unlock()
	return u, nil
}

// sessionChanged records, in tx, a change that cached sessions must follow:
// a token ended (tokenHash) or an account changed (userID). Exactly one is
// given.
func sessionChanged(ctx context.Context, q execer, now int64, tokenHash string, userID int64) error {
	var tok sql.NullString
	var user sql.NullInt64
	if tokenHash != "" {
		tok = sql.NullString{String: tokenHash, Valid: true}
	} else {
		user = sql.NullInt64{Int64: userID, Valid: true}
	}
	_, err := q.ExecContext(ctx, `INSERT INTO session_changes (token_hash, user_id, at) VALUES ($1, $2, $3)`, tok, user, now)
	return err
}

// Logout ends a session, in every process at once.
func (s *Store) Logout(ctx context.Context, token string) (err error) {
	defer wrapErr(&err, "store.Logout")
	h := auth.HashToken(token)
	return s.Tx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, h)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // not a live session: nothing to tell
		}
		now := easyjob.Millis(tx.Now)
		if _, err := tx.ExecContext(ctx, `DELETE FROM session_changes WHERE at < $1`, now-sessionChangesKept.Milliseconds()); err != nil {
			return err
		}
		return sessionChanged(ctx, tx, now, h, 0)
	})
}
