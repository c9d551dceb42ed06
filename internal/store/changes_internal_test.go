package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The probe says "nothing changed" while nobody writes, however often it
// is asked, and "changed" after another connection commits; a burst of
// commits is one change.
func TestChangeProbe(t *testing.T) {
	urls := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "probe.db")}
	if pg := os.Getenv("EASYJOB_TEST_POSTGRES"); pg != "" {
		urls["postgres"] = pg
	}
	for name, url := range urls {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db, err := Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			table := "probe_" + name
			if _, err := db.W.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS `+table+` (n INTEGER)`); err != nil {
				t.Fatal(err)
			}
			defer db.W.ExecContext(ctx, `DROP TABLE `+table)
			// On PostgreSQL the probe listens on a channel of the test's
			// own: other tests writing to the index's tables in the same
			// database at the same time notify easyjob_changes.
			channel := fmt.Sprintf("probe_test_%d_%d", os.Getpid(), time.Now().UnixNano())
			var p changeProbe
			if name == "postgres" {
				np := &noticeProbe{url: db.target, channel: channel}
				err = np.listen(ctx)
				p = np
			} else {
				p, err = newChangeProbe(ctx, db)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer p.close()
			commit := func(n int) {
				t.Helper()
				if _, err := db.W.ExecContext(ctx, `INSERT INTO `+table+` (n) VALUES ($1)`, n); err != nil {
					t.Fatal(err)
				}
				if name == "postgres" { // as the triggers of migration 00067 do for the index's tables
					if _, err := db.W.ExecContext(ctx, `SELECT pg_notify($1, '')`, channel); err != nil {
						t.Fatal(err)
					}
				}
			}
			// Reads leave it alone. On SQLite the first look says
			// "changed"; after it, nothing until a commit.
			p.wait(ctx, 50*time.Millisecond)
			for range 3 {
				var n int
				if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				if p.wait(ctx, 100*time.Millisecond) {
					t.Fatal("changed without a commit")
				}
				if took := time.Since(start); took > 2*time.Second {
					t.Fatalf("waited %s for a wait of at most 100 ms", took)
				}
			}
			commit(1)
			if !p.wait(ctx, 5*time.Second) {
				t.Fatal("a commit went unnoticed")
			}
			// A burst of commits is one change, not one per commit.
			for i := range 50 {
				commit(i)
			}
			time.Sleep(50 * time.Millisecond)
			if !p.wait(ctx, 5*time.Second) {
				t.Fatal("a burst of commits went unnoticed")
			}
			if p.wait(ctx, 100*time.Millisecond) {
				t.Error("the burst was seen more than once")
			}
			if np, ok := p.(*noticeProbe); ok {
				// A lost connection is made again, and reported as a change.
				np.conn.Close(ctx)
				if !p.wait(ctx, time.Second) {
					t.Error("a lost connection said nothing changed")
				}
				commit(2)
				if !p.wait(ctx, 5*time.Second) {
					t.Error("a commit after listening again went unnoticed")
				}
			}
		})
	}
}

// A migration's PostgreSQL-only lines are left out on SQLite, and kept
// (markers and all, as comments) on PostgreSQL; a marker out of place is an
// error, not a migration applied by half.
func TestForDialect(t *testing.T) {
	text := "-- +goose Up\nCREATE TABLE a (id {{ID}});\n" + postgresOnly + "\nCREATE TRIGGER t;\n" + postgresEnd + "\nCREATE TABLE b (x INTEGER);\n"
	got, err := forDialect(SQLite, text)
	if err != nil || strings.Contains(got, "TRIGGER") || !strings.Contains(got, "CREATE TABLE b") || !strings.Contains(got, "AUTOINCREMENT") {
		t.Errorf("SQLite: %q, %v", got, err)
	}
	got, err = forDialect(Postgres, text)
	if err != nil || !strings.Contains(got, "CREATE TRIGGER t;") || !strings.Contains(got, "IDENTITY") {
		t.Errorf("PostgreSQL: %q, %v", got, err)
	}
	for _, bad := range []string{
		postgresOnly + "\nX;\n",
		postgresEnd + "\n",
		postgresOnly + "\n" + postgresOnly + "\n" + postgresEnd + "\n",
	} {
		if _, err := forDialect(SQLite, bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// A scan's connection maps the file and has the small cache; back in the
// pool it has neither.
func TestScanConnSettings(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "scan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.R.SetMaxOpenConns(1) // the scan's connection is the one the pool gives back
	settings := func(q0 Querier) (cache, mmap int64) {
		t.Helper()
		for q, v := range map[string]*int64{`PRAGMA cache_size`: &cache, `PRAGMA mmap_size`: &mmap} {
			rows, err := q0.QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				rows.Scan(v)
			}
			rows.Close()
		}
		return cache, mmap
	}
	q, release, err := db.ScanConn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cache, mmap := settings(q); cache != -2000 || mmap <= 0 {
		t.Errorf("scanning: cache %d, mmap %d", cache, mmap)
	}
	release()
	if cache, mmap := settings(db.R); cache != -65536 || mmap != 0 {
		t.Errorf("after the scan: cache %d, mmap %d", cache, mmap)
	}
}
