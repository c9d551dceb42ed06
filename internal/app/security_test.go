package app_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"easyjob/internal/app"
	"easyjob/internal/config"
	"easyjob/internal/easyjob"
	"easyjob/internal/store"
	"easyjob/internal/store/storetest"
)

type secEnv struct {
	a    *app.App
	url  string
	logs *bytes.Buffer
	mu   *sync.Mutex
}

func bootSecurity(t *testing.T, edit func(*config.Config)) secEnv {
	t.Helper()
	cfg := config.Defaults()
	cfg.DB = storetest.SQLiteURL(t)
	cfg.KeyFile = t.TempDir() + "/key"
	if edit != nil {
		edit(&cfg)
	}
	logs, mu := &bytes.Buffer{}, &sync.Mutex{}
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewJSONHandler(lockedWriter{logs, mu}, nil)))
	if err != nil {
		t.Fatal(err)
	}
	a.Store.Password = storetest.FastPassword
	t.Cleanup(func() { a.Close() })
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	admin := easyjob.Actor{Role: easyjob.RoleAdmin, Scope: easyjob.ScopeAll}
	if _, err := a.Store.CreateUser(context.Background(), admin, store.NewUser{Username: "napo", Password: "napo-password",
		Name: "那坡县工作站", Role: easyjob.RoleOfficer, Region: "451026"}); err != nil {
		t.Fatal(err)
	}
	return secEnv{a: a, url: srv.URL, logs: logs, mu: mu}
}

type lockedWriter struct {
	b  *bytes.Buffer
	mu *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func noRedirect(jar http.CookieJar) *http.Client {
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Signing in with a hostile next= goes to the role's home; a local one is
// kept (#10 item 15).
func TestSignInRedirectStaysOnSite(t *testing.T) {
	e := bootSecurity(t, nil)
	for next, want := range map[string]string{
		"/\t/evil.example/":    "/officer",
		"//evil.example":       "/officer",
		"/\\evil.example":      "/officer",
		"/%09/evil.example":    "/officer",
		"https://evil.example": "/officer",
		"javascript:alert(1)":  "/officer",
		"/officer/seekers":     "/officer/seekers",
	} {
		jar, _ := cookiejar.New(nil)
		resp, err := noRedirect(jar).PostForm(e.url+"/login", url.Values{"username": {"napo"}, "password": {"napo-password"}, "next": {next}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("next=%q: %d to %q, want %q", next, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
}

// Every answer carries the security headers; every page and API answer is
// no-store, static files stay cacheable (#10 item 16).
func TestSecurityHeadersOnAnswers(t *testing.T) {
	e := bootSecurity(t, nil)
	jar, _ := cookiejar.New(nil)
	c := noRedirect(jar)
	resp, err := c.PostForm(e.url+"/login", url.Values{"username": {"napo"}, "password": {"napo-password"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, tc := range []struct {
		path    string
		noStore bool
	}{
		{"/", true},
		{"/about", true},
		{"/login", true},
		{"/officer", true},
		{"/officer/seekers", true},
		{"/api/v1/me", true},
		{"/api/v1/openapi.json", true},
		{"/static/app.js", false},
		{"/static/app.css", false},
	} {
		resp, err := c.Get(e.url + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 400 {
			t.Errorf("%s: status %d", tc.path, resp.StatusCode)
		}
		h := resp.Header
		if got := strings.Contains(h.Get("Cache-Control"), "no-store"); got != tc.noStore {
			t.Errorf("%s: Cache-Control %q, no-store wanted: %v", tc.path, h.Get("Cache-Control"), tc.noStore)
		}
		if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("X-Frame-Options") != "DENY" ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: security headers missing: %v", tc.path, h)
		}
	}
}

// Signed-in requests are counted under their route, and /metrics is not
// public on the main listener: without a token it is not served there, with
// one it asks for it; the metrics handler serves them (#10 item 17).
func TestMetricsRoutesAndAccess(t *testing.T) {
	e := bootSecurity(t, nil)
	jar, _ := cookiejar.New(nil)
	c := noRedirect(jar)
	resp, _ := c.PostForm(e.url+"/login", url.Values{"username": {"napo"}, "password": {"napo-password"}})
	resp.Body.Close()
	for range 3 {
		resp, _ := c.Get(e.url + "/officer/seekers")
		resp.Body.Close()
	}
	if resp, _ := http.Get(e.url + "/metrics"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the main listener without a token: %d, want 404", resp.StatusCode)
	}
	w := httptest.NewRecorder()
	e.a.Metrics.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(body, `easyjob_http_requests_total{route="GET /officer/seekers",status="200"} 3`) {
		t.Errorf("metrics %d:\n%s", w.Code, grepLines(body, "easyjob_http_requests_total"))
	}
	if strings.Contains(body, `route="unmatched",status="200"`) {
		t.Errorf("a matched request counted as unmatched:\n%s", grepLines(body, "easyjob_http_requests_total"))
	}
	e.mu.Lock()
	logged := regexp.MustCompile(`"path":"/officer/seekers","route":"GET /officer/seekers"`).FindAllString(e.logs.String(), -1)
	e.mu.Unlock()
	if len(logged) != 3 {
		t.Errorf("access log routes: %d of 3 lines name the route", len(logged))
	}

	tok := bootSecurity(t, func(c *config.Config) { c.MetricsToken = "0123456789abcdef-metrics" })
	for auth, want := range map[string]int{"": 401, "Bearer wrong-token-0123456789": 401, "Bearer 0123456789abcdef-metrics": 200} {
		req, _ := http.NewRequest("GET", tok.url+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("/metrics with %q: %d, want %d", auth, resp.StatusCode, want)
		}
	}
}

// `easyjob serve --metrics-addr` serves /metrics there, and not on the
// main address.
func TestServeMetricsAddr(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int)
	var errb lockedWriter = lockedWriter{&bytes.Buffer{}, &sync.Mutex{}}
	go func() {
		code := app.Main(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0"}, nil, pw, errb,
			func(k string) string {
				return map[string]string{"EASYJOB_DB": "sqlite:" + filepath.Join(dir, "easyjob.db")}[k]
			})
		pw.Close()
		done <- code
	}()
	sc := bufio.NewScanner(pr)
	var metricsURL, mainURL string
	for mainURL == "" && sc.Scan() {
		u := regexp.MustCompile(`http://[^/ ]+/`).FindString(sc.Text())
		if strings.HasPrefix(sc.Text(), "metrics") {
			metricsURL = u
		} else if strings.Contains(sc.Text(), "serving on") {
			mainURL = u
		}
	}
	go io.Copy(io.Discard, pr)
	if metricsURL == "" || mainURL == "" {
		errb.mu.Lock()
		defer errb.mu.Unlock()
		t.Fatalf("addresses: metrics %q, main %q: %s", metricsURL, mainURL, errb.b)
	}
	for u, want := range map[string]int{metricsURL + "metrics": 200, mainURL + "metrics": 404, metricsURL: 404} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", u, resp.StatusCode, want)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d", code)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
