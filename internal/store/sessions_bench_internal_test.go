package store

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkSessionsCatchUpRead: the read every signed-in request shares
// (session_changes' highest id) on SQLite, with the deadline the shared
// read used to carry and without it (the driver watches a context that can
// end with a goroutine and a progress handler per statement).
func BenchmarkSessionsCatchUpRead(b *testing.B) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "sessions.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.W.ExecContext(ctx, `CREATE TABLE changes (id INTEGER PRIMARY KEY, token_hash TEXT)`); err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		if _, err := db.W.ExecContext(ctx, `INSERT INTO changes (token_hash) VALUES ($1)`, i); err != nil {
			b.Fatal(err)
		}
	}
	stmt, err := db.R.PrepareContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM changes`)
	if err != nil {
		b.Fatal(err)
	}
	defer stmt.Close()
	for _, c := range []struct {
		name     string
		deadline bool
	}{{"deadline", true}, {"none", false}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				rctx, cancel := ctx, context.CancelFunc(func() {})
				if c.deadline {
					rctx, cancel = context.WithTimeout(ctx, freshReadTimeout)
				}
				var last int64
				if err := stmt.QueryRowContext(rctx).Scan(&last); err != nil || last != 1000 {
					b.Fatal(last, err)
				}
				cancel()
			}
		})
	}
}
