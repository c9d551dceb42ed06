package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

func TestMigrateTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		url := k.URL(t)
		db, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		n, err := db.Migrate(ctx)
		if err != nil || n == 0 {
			t.Fatalf("first migrate: applied %d, %v", n, err)
		}
		n, err = db.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second migrate: applied %d, %v", n, err)
		}
		cur, known, err := db.SchemaStatus(ctx)
		if err != nil || cur != known || cur == 0 {
			t.Fatalf("status: %d/%d %v", cur, known, err)
		}
	})
}

// Two processes migrating one PostgreSQL database at once: the session lock
// serialises them and both succeed.
func TestMigrateConcurrently(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		url := k.URL(t)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				db, err := store.Open(ctx, url)
				if err != nil {
					errs[i] = err
					return
				}
				defer db.Close()
				_, errs[i] = db.Migrate(ctx)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("migrator %d: %v", i, err)
			}
		}
	})
}

func TestRefuseNewerSchema(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		ctx := context.Background()
		db := storetest.Open(t, k)
		_, known, _ := db.SchemaStatus(ctx)
		if _, err := db.W.ExecContext(ctx,
			"INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, TRUE)", known+5); err != nil {
			t.Fatal(err)
		}
		_, err := db.Migrate(ctx)
		if !errors.Is(err, store.ErrSchemaNewer) {
			t.Fatalf("want ErrSchemaNewer, got %v", err)
		}
		if !strings.Contains(err.Error(), "newer") {
			t.Fatalf("message %q", err)
		}
	})
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o500)
	cases := []struct {
		name, url, want string
	}{
		{"malformed", "mysql://x", "want sqlite:PATH or postgres://"},
		{"empty sqlite", "sqlite:", "needs a file path"},
		{"no database", "postgres://u@127.0.0.1:5432", "names no database"},
		{"unreachable", "postgres://u@127.0.0.1:1/db?connect_timeout=2", "unreachable"},
	}
	if os.Getuid() != 0 { // root writes anywhere
		cases = append(cases, struct{ name, url, want string }{"read-only dir", "sqlite:" + filepath.Join(ro, "x.db"), "not writable"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, err := store.Open(ctx, c.url)
			if err == nil {
				db.Close()
				t.Fatal("want an error")
			}
			if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %q, want one line containing %q", err, c.want)
			}
		})
	}
}

func TestNotWritableFile(t *testing.T) {
	if os.Getuid() == 0 {
		t.Skip("root can write any file")
	}
	p := filepath.Join(t.TempDir(), "x.db")
	os.WriteFile(p, nil, 0o400)
	_, err := store.Open(context.Background(), "sqlite:"+p)
	if err == nil || !strings.Contains(err.Error(), "not writable") {
		t.Fatalf("got %v", err)
	}
}

// Several processes opening and migrating one new SQLite file at once:
// switching to WAL answers SQLITE_BUSY at once (without busy_timeout) while
// another connection writes or switches, so opening takes the migration
// lock first. The openers start together, on a fresh file each round.
func TestOpenSQLiteConcurrently(t *testing.T) {
	ctx := context.Background()
	for round := range 30 {
		url := "sqlite:" + filepath.Join(t.TempDir(), "easyjob.db")
		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make([]error, 8)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				db, err := store.Open(ctx, url)
				if err != nil {
					errs[i] = err
					return
				}
				defer db.Close()
				_, errs[i] = db.Migrate(ctx)
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, opener %d: %v", round, i, err)
			}
		}
	}
}
