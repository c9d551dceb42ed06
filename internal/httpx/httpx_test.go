package httpx_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"easyjob/internal/easyjob"
	"easyjob/internal/httpx"
	"easyjob/internal/i18n"

	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

func decode(t *testing.T, body string, v any) error {
	t.Helper()
	req := httptest.NewRequest("POST", "/api/v1/x", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return httpx.DecodeJSON(httptest.NewRecorder(), req, v)
}

func fields(err error) map[string]string {
	out := map[string]string{}
	var de *easyjob.Error
	if errors.As(err, &de) {
		for k, m := range de.Fields {
			out[k] = m.Key
		}
	}
	return out
}

type inner struct {
	Start easyjob.Date `json:"start"`
	Count int          `json:"count"`
}

type request struct {
	inner
	Name  string            `json:"name"`
	At    time.Time         `json:"at"`
	Stops []inner           `json:"stops"`
	Tags  map[string]inner  `json:"tags"`
	Attrs map[string]string `json:"attrs"`
	Ptr   *inner            `json:"ptr"`
}

// A value that does not fit is named by its JSON path, with a message for
// its type; text no field may hold is named the same way; bodies that are
// not JSON stay 400.
func TestDecodeJSON(t *testing.T) {
	cases := []struct {
		body, field, key, code string
	}{
		{`{"start":"2026-02-30"}`, "start", "field.date_invalid", easyjob.EINVALID},
		{`{"start":"tomorrow"}`, "start", "field.date_invalid", easyjob.EINVALID},
		{`{"count":"x"}`, "count", "error.field_type", easyjob.EINVALID},
		{`{"count":3000000000000000000000}`, "count", "error.field_type", easyjob.EINVALID},
		{`{"at":"2026-02-30T00:00:00Z"}`, "at", "field.time_invalid", easyjob.EINVALID},
		{`{"stops":[{"start":"2026-01-01"},{"start":"2026-04-31"}]}`, "stops.start", "field.date_invalid", easyjob.EINVALID},
		{`{"tags":{"a":{"count":true}}}`, "tags.a.count", "error.field_type", easyjob.EINVALID},
		{`{"ptr":{"start":"x"}}`, "ptr.start", "field.date_invalid", easyjob.EINVALID},
		{`{"name":5}`, "name", "error.field_type", easyjob.EINVALID},
		{`[]`, "body", "error.field_type", easyjob.EINVALID},
		{`{"name":"a\u0000b"}`, "name", "field.control_char", easyjob.EINVALID},
		{`{"name":"\u001b[2J"}`, "name", "field.control_char", easyjob.EINVALID},
		{`{"stops":[{"count":1}],"attrs":{"k":"\u007f"}}`, "attrs.k", "field.control_char", easyjob.EINVALID},
		{`{"attrs":{"\u0000":"v"}}`, "attrs", "field.control_char", easyjob.EINVALID},
		{`{"nope":1}`, "nope", "error.unknown_field", easyjob.EINVALID},
		{`{"name":`, "", "", easyjob.EBADREQUEST},
		{`{"name":"x"} {}`, "", "", easyjob.EBADREQUEST},
		{``, "", "", easyjob.EBADREQUEST},
	}
	for _, c := range cases {
		var v request
		err := decode(t, c.body, &v)
		if easyjob.ErrorCode(err) != c.code || (c.field != "" && fields(err)[c.field] != c.key) {
			t.Errorf("%s: %v, want %s on %s", c.body, err, c.key, c.field)
		}
	}
	var v request
	if err := decode(t, `{"name":"a\tb\r\n","start":"2026-02-28","stops":[{"count":2}]}`, &v); err != nil || v.Start != easyjob.NewDate(2026, 2, 28) {
		t.Errorf("a good body: %v %+v", err, v)
	}
}

// Query parameters and form values are refused before the handler, as JSON
// for the API and through Page for the pages.
func TestInputs(t *testing.T) {
	cat := i18n.MustLoad()
	called := false
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { called = true })
	pages := 0
	e := httpx.Errors{Cat: cat, Page: func(w http.ResponseWriter, r *http.Request, err error) {
		pages++
		w.WriteHeader(httpx.Status(easyjob.ErrorCode(err)))
	}}
	h := e.Inputs(next)
	for _, c := range []struct {
		method, target, body string
		status, pages        int
	}{
		{"GET", "/api/v1/postings?q=a%00b", "", 422, 0},
		{"GET", "/officer/seekers?q=%1b", "", 422, 1},
		{"POST", "/login", "username=a%00&password=x", 422, 1},
		{"POST", "/api/v1/login", `{"username":"a"}`, 200, 0}, // JSON: DecodeJSON's part
		{"GET", "/api/v1/postings?q=%E6%99%AE%E5%B7%A5", "", 200, 0},
	} {
		called, pages = false, 0
		req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
		if strings.HasPrefix(c.body, "{") {
			req.Header.Set("Content-Type", "application/json")
		} else if c.body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.status || pages != c.pages || called != (c.status == 200) {
			t.Errorf("%s %s: %d, %d pages, called %v", c.method, c.target, rec.Code, pages, called)
		}
	}
}

// A lookup that fails because the database does not answer is a 503 with
// Retry-After, not an anonymous visitor; an unknown token is anonymous.
func TestAuthenticate(t *testing.T) {
	e := httpx.Errors{Cat: i18n.MustLoad()}
	for _, c := range []struct {
		err    error
		status int
	}{
		{nil, 200},
		{easyjob.Errorf(easyjob.EUNAUTHORIZED, "auth.required"), 200},
		{easyjob.NotFound("session"), 200},
		{fmt.Errorf("store.Session: %w", errors.New("sql: database is closed")), 503},
		{fmt.Errorf("store.Session: %w", driver.ErrBadConn), 503},
		{errors.New("something else broke"), 503},
	} {
		h := e.Authenticate(func(context.Context, string) (easyjob.User, error) {
			return easyjob.User{ID: 1}, c.err
		}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer good")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.status || (c.status == 503) != (rec.Header().Get("Retry-After") != "") {
			t.Errorf("%v: %d, Retry-After %q", c.err, rec.Code, rec.Header().Get("Retry-After"))
		}
	}
}

// Real errors of both drivers when the database cannot be reached.
func TestUnavailable(t *testing.T) {
	ctx := context.Background()
	// PostgreSQL: nobody listens.
	db, err := sql.Open("pgx", "postgres://u@127.0.0.1:1/x?connect_timeout=2&sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.PingContext(ctx); !httpx.Unavailable(err) {
		t.Errorf("refused connection: %v", err)
	}
	// A closed pool.
	db.Close()
	if _, err := db.ExecContext(ctx, "SELECT 1"); !httpx.Unavailable(err) {
		t.Errorf("closed pool: %v", err)
	}
	// SQLite: locked by another connection past the busy timeout.
	path := filepath.Join(t.TempDir(), "x.db")
	a, _ := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)&_txlock=immediate")
	b, _ := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)&_txlock=immediate")
	defer a.Close()
	defer b.Close()
	if _, err := a.Exec("CREATE TABLE t (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	tx, err := a.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	tx.Exec("INSERT INTO t VALUES (1)")
	if _, err := b.Exec("INSERT INTO t VALUES (2)"); !httpx.Unavailable(err) {
		t.Errorf("locked: %v", err)
	}
	// Not unavailable: a constraint, a missing table, a domain error.
	if _, err := b.Exec("SELECT * FROM nope"); httpx.Unavailable(err) {
		t.Errorf("missing table: %v", err)
	}
	if httpx.Unavailable(easyjob.NotFound("x")) || httpx.Unavailable(os.ErrNotExist) {
		t.Error("domain errors")
	}
	if code := httpx.Classify(fmt.Errorf("x: %w", context.DeadlineExceeded)).Code; code != easyjob.EUNAVAILABLE {
		t.Errorf("deadline: %s", code)
	}
}
