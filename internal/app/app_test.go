package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"easyjob/internal/app"
	"easyjob/internal/config"
	"easyjob/internal/store/storetest"

	_ "modernc.org/sqlite"
)

func run(t *testing.T, ctx context.Context, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := app.Main(ctx, args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

func TestVersion(t *testing.T) {
	code, out, _ := run(t, context.Background(), nil, "version")
	if code != 0 || !strings.HasPrefix(out, "easyjob ") {
		t.Fatalf("%d %q", code, out)
	}
}

// Bad command lines end with one clear line and a non-zero exit.
func TestBadInvocations(t *testing.T) {
	dir := t.TempDir()
	newer := filepath.Join(dir, "newer", "easyjob.db")
	os.MkdirAll(filepath.Dir(newer), 0o700)
	if code, _, e := run(t, context.Background(), nil, "migrate", "--db", "sqlite:"+newer); code != 0 {
		t.Fatalf("migrate: %s", e)
	}
	db, _ := sql.Open("sqlite", newer)
	db.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, 1)")
	db.Close()
	cases := []struct {
		name string
		args []string
		want string
		code int
	}{
		{"unknown command", []string{"frobnicate"}, "unknown command", 2},
		{"unknown flag", []string{"serve", "--bogus"}, "flag provided but not defined: -bogus", 2},
		{"malformed db", []string{"migrate", "--db", "mysql://x"}, "want sqlite:PATH or postgres://", 2},
		{"bad addr", []string{"serve", "--addr", "nope", "--db", "sqlite:" + filepath.Join(dir, "a.db")}, "--addr", 2},
		{"unreachable postgres", []string{"migrate", "--db", "postgres://u@127.0.0.1:1/db?connect_timeout=2"}, "unreachable", 1},
		{"newer schema", []string{"migrate", "--db", "sqlite:" + newer}, "newer", 1},
		{"charter without file", []string{"charter", "solve"}, "usage", 2},
		{"charter missing file", []string{"charter", "solve", filepath.Join(dir, "none.vrp")}, "no such file", 1},
		{"bench procs", []string{"bench", "http", "--procs", "-1"}, "--procs -1", 2},
		{"bench procs over the cores", []string{"bench", "http", "--procs", "100000"}, "--procs 100000", 2},
		{"bench remote", []string{"bench", "http", "--url", "http://192.0.2.1:8080"}, "loopback", 2},
	}
	if os.Getuid() != 0 {
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o500)
		cases = append(cases, struct {
			name string
			args []string
			want string
			code int
		}{"unwritable", []string{"migrate", "--db", "sqlite:" + filepath.Join(ro, "x.db")}, "not writable", 1})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(t, context.Background(), nil, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d (%q)", code, c.code, stderr)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "panic") {
				t.Errorf("stderr %q, want one line containing %q", stderr, c.want)
			}
		})
	}
}

func TestMigrateTwiceCLI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, k storetest.Kind) {
		url := k.URL(t)
		env := map[string]string{"EASYJOB_DB": url}
		for i := range 2 {
			code, out, e := run(t, context.Background(), env, "migrate")
			if code != 0 || !strings.Contains(out, "schema version") {
				t.Fatalf("run %d: %d %q %q", i, code, out, e)
			}
		}
	})
}

const metricsToken = "metrics-token-0123456789"

// `easyjob serve` with only an address serves /, /healthz and /readyz (and
// /metrics to the holder of the metrics token), and stops gracefully when
// its context ends (as on SIGTERM).
func TestServe(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	var wg sync.WaitGroup
	var code int
	wg.Add(1)
	go func() {
		defer wg.Done()
		code = app.Main(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, nil, pw, &errb,
			func(k string) string {
				return map[string]string{"EASYJOB_DB": "sqlite:" + filepath.Join(dir, "data", "easyjob.db"),
					"EASYJOB_METRICS_TOKEN": metricsToken}[k]
			})
		pw.Close()
	}()
	buf := make([]byte, 200)
	n, _ := pr.Read(buf)
	m := regexp.MustCompile(`http://[^/]+/`).FindString(string(buf[:n]))
	if m == "" {
		t.Fatalf("no address in %q (%s)", buf[:n], errb.String())
	}
	go io.Copy(io.Discard, pr)
	// Ready once the indexes built at start are: poll /readyz a little.
	for try := 0; try < 600; try++ { // up to 30 s on a busy machine
		resp, err := http.Get(m + "readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
			if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
				t.Fatalf("/readyz while starting: %d", resp.StatusCode)
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	for path, want := range map[string]string{"": "易就业", "healthz": "ok", "readyz": "ready", "metrics": "go_goroutines", "about": "CC BY 4.0"} {
		req, _ := http.NewRequest("GET", m+path, nil)
		req.Header.Set("Authorization", "Bearer "+metricsToken) // /metrics asks for it
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("/%s: %d, want %q", path, resp.StatusCode, want)
		}
	}
	if resp, err := http.Get(m + "metrics"); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("/metrics without the token: %v %v", resp.StatusCode, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "data", "easyjob.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key file: %v %v", fi, err)
	}
	cancel()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("no graceful shutdown")
	}
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	// No resident ID number of a twinned county (18 characters, 4510…)
	// or mobile phone number in the log; a random request ID may hold
	// "4510", so look for the whole shapes.
	if m := regexp.MustCompile(`\b45\d{15}[\dXx]\b|\b1[3-9]\d{9}\b`).FindString(errb.String()); m != "" {
		t.Errorf("log holds personal data: %s", m)
	}
}

// The profiler answers admins only.
func TestProfilerAdminsOnly(t *testing.T) {
	cfg := config.Defaults()
	cfg.DB = storetest.SQLiteURL(t)
	cfg.KeyFile = t.TempDir() + "/key"
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	srv := httptest.NewServer(a.Handler)
	defer srv.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/profile?seconds=1", "/debug/pprof/cmdline"} {
		resp, err := noRedirect.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Fatalf("%s answered an anonymous visitor %d", path, resp.StatusCode)
		}
	}
}
