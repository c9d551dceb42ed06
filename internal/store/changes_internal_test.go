package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The probe says "nothing changed" while nobody writes, however often it
// is asked, and "changed" after another connection commits.
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
			p, err := newChangeProbe(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			defer p.close()
			// Reads leave it alone. On a PostgreSQL server that others
			// write to (other tests' databases share its transaction ids)
			// wait for a quiet moment.
			quiet := false
			for try := 0; try < 200 && !quiet; try++ {
				p.changed(ctx)
				for range 5 {
					var n int
					if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
						t.Fatal(err)
					}
				}
				quiet = !p.changed(ctx)
				if !quiet {
					time.Sleep(10 * time.Millisecond)
				}
			}
			if !quiet {
				t.Skip("the server never stood still; cannot tell")
			}
			if _, err := db.W.ExecContext(ctx, `INSERT INTO `+table+` (n) VALUES (1)`); err != nil {
				t.Fatal(err)
			}
			if !p.changed(ctx) {
				t.Fatal("a commit went unnoticed")
			}
		})
	}
}
