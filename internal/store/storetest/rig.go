// Package storetest is the shared test rig: it opens a fresh, migrated
// database of each kind so one suite runs on SQLite always and on
// PostgreSQL whenever EASYJOB_TEST_POSTGRES names a server.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"easyjob/internal/store"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// PostgresEnv names the environment variable with the test server's URL.
const PostgresEnv = "EASYJOB_TEST_POSTGRES"

// Kind is one database under test.
type Kind struct {
	Name string
	// URL returns a database URL for a fresh, empty database of this kind.
	URL func(tb testing.TB) string
}

// Kinds lists SQLite, and PostgreSQL when configured.
func Kinds() []Kind {
	ks := []Kind{{Name: "sqlite", URL: SQLiteURL}}
	if os.Getenv(PostgresEnv) != "" {
		ks = append(ks, Kind{Name: "postgres", URL: PostgresURL})
	}
	return ks
}

// Each runs fn as a subtest on every kind of database.
func Each(t *testing.T, fn func(t *testing.T, k Kind)) {
	for _, k := range Kinds() {
		t.Run(k.Name, func(t *testing.T) { fn(t, k) })
	}
}

// SQLiteURL is a fresh SQLite file in the test's temporary directory.
func SQLiteURL(tb testing.TB) string {
	return "sqlite:" + filepath.Join(tb.TempDir(), "easyjob.db")
}

// PostgresURL creates a fresh schema on the test server and returns a URL
// whose search_path points at it; the schema is dropped after the test.
func PostgresURL(tb testing.TB) string {
	base := os.Getenv(PostgresEnv)
	if base == "" {
		tb.Skip(PostgresEnv + " is not set")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens and migrates a fresh database of kind k, closed after the test.
func Open(tb testing.TB, k Kind) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), k.URL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return db
}
